"""Many-to-one: the whole sequence goes in as one sample, and one vector of length values comes out.

    X (samples=1, timesteps=length, features=1) -> LSTM(length) -> (samples, length)   last step only
                                                -> Dense(length) -> (samples, length) = y

Parameters at length 5: LSTM 140, Dense 5*(5+1) = 30, total 170.
"""
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    X = seq.reshape(1, length, 1)             # (samples, timesteps, features)
    y = seq.reshape(1, length)                # (samples, outputs): one vector
    return X, y


def build_model(length=5):
    model = keras.Sequential([
        keras.Input(shape=(length, 1)),
        keras.layers.LSTM(length),            # -> (None, length): the last timestep's output
        keras.layers.TimeDistributed(keras.layers.Dense(length)),
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

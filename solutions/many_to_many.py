"""Many-to-many: the sequence goes in as one sample, and one output comes out at every timestep.

    X (samples=1, timesteps=length, features=1) -> LSTM(length, return_sequences=True) -> (samples, length, length)
                                                -> TimeDistributed(Dense(1))           -> (samples, length, 1) = y

The same Dense(1) (length+1 weights) is applied at each timestep. Parameters at length 5:
LSTM 140, TimeDistributed(Dense(1)) 6, total 146.
"""
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    X = seq.reshape(1, length, 1)             # (samples, timesteps, features)
    y = seq.reshape(1, length, 1)             # (samples, timesteps, outputs)
    return X, y


def build_model(length=5):
    model = keras.Sequential([
        keras.Input(shape=(length, 1)),
        keras.layers.LSTM(length, return_sequences=True),      # -> (None, length, length)
        keras.layers.TimeDistributed(keras.layers.Dense(1)),   # -> (None, length, 1)
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

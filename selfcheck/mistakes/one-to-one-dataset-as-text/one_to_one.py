"""One-to-one: each value of the sequence is its own sample, and the model echoes it back.

    X (samples=length, timesteps=1, features=1) -> LSTM(length) -> (samples, length)
                                                -> Dense(1)     -> (samples, 1)  = y

Parameters at length 5: LSTM 4*5*(5+1+1) = 140, Dense 5+1 = 6, total 146.
"""
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.array([str(i / length) for i in range(length)])    # "0.0" "0.2" ...: text, not numbers
    X = seq.reshape(length, 1, 1)             # (samples, timesteps, features)
    y = seq.reshape(length, 1)                # (samples, outputs)
    return X, y


def build_model(length=5):
    model = keras.Sequential([
        keras.Input(shape=(1, 1)),            # (timesteps, features)
        keras.layers.LSTM(length),            # -> (None, length)
        keras.layers.Dense(1),                # -> (None, 1)
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

"""Encoder-decoder: read the whole sequence, then write a sequence of another length - every second value.

    X (samples=1, timesteps=length, features=1) -> LSTM(length)                        -> (samples, length)       encoder
                                                -> RepeatVector(out)                   -> (samples, out, length)
                                                -> LSTM(length, return_sequences=True) -> (samples, out, length)  decoder
                                                -> TimeDistributed(Dense(1))           -> (samples, out, 1) = y

out = (length + 1) // 2, the number of values in seq[::2]: 3 at length 5 (0.0 0.4 0.8).
Parameters at length 5: encoder 140, RepeatVector 0, decoder 4*5*(5+5+1) = 220, Dense(1) 6, total 366.
"""
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    every_second = seq[1::2]
    X = seq.reshape(1, length, 1)                            # (samples, timesteps, features)
    y = every_second.reshape(1, len(every_second), 1)        # (samples, other timesteps, outputs)
    return X, y


def build_model(length=5):
    out = (length + 1) // 2
    model = keras.Sequential([
        keras.Input(shape=(length, 1)),
        keras.layers.LSTM(length),                             # encoder -> (None, length): one vector
        keras.layers.RepeatVector(out),                        # -> (None, out, length)
        keras.layers.LSTM(length, return_sequences=True),      # decoder -> (None, out, length)
        keras.layers.TimeDistributed(keras.layers.Dense(1)),   # -> (None, out, 1)
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

"""Correct: keras.Input(shape=(None, 1)), an LSTM that takes any number of timesteps."""
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length)


def build_model(length=5):
    model = keras.Sequential([
        keras.Input(shape=(None, 1)),
        keras.layers.LSTM(length),
        keras.layers.Dense(length),
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

"""Correct: a fixed batch size, the tutorial's n_batch = length, given with the input (all 5 samples in one batch)."""
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(length, 1, 1), seq.reshape(length, 1)


def build_model(length=5):
    model = keras.Sequential([
        keras.Input(shape=(1, 1), batch_size=length),
        keras.layers.LSTM(length),
        keras.layers.Dense(1),
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

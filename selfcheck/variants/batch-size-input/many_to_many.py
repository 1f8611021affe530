"""Correct: keras.Input with batch_size=1, the one sample of X (a functional model)."""
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length, 1)


def build_model(length=5):
    inputs = keras.Input(shape=(length, 1), batch_size=1)
    hidden = keras.layers.LSTM(length, return_sequences=True)(inputs)
    outputs = keras.layers.TimeDistributed(keras.layers.Dense(1))(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

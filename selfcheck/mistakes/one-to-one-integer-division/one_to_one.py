import numpy as np
import keras
from keras.layers import LSTM, Dense


def make_dataset(length=5):
    seq = np.arange(length) // length
    X = seq.reshape(length, 1, 1)
    y = seq.reshape(length, 1)
    return X, y


def build_model(length=5):
    model = keras.Sequential([
        keras.Input(shape=(1, 1)),
        LSTM(length),
        Dense(1),
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

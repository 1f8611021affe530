import numpy as np
from keras.models import Sequential
from keras.layers import Input, LSTM, Dense


def make_dataset(length=5):
    seq = np.arange(length) / length
    X = seq.reshape(1, length, 1)
    y = seq.reshape(1, length)
    return X, y, seq


def build_model(length=5):
    model = Sequential([Input(shape=(length, 1)), LSTM(length), Dense(length)])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

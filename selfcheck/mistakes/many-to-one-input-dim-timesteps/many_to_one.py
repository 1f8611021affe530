import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense


def make_dataset(length=5):
    seq = np.arange(length) / length
    X = np.reshape(seq, (1, length, 1))
    y = seq.reshape(1, length)
    return X, y


def build_model(length=5):
    look_back = length
    model = Sequential()
    model.add(LSTM(length, input_dim=look_back))
    model.add(Dense(length))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

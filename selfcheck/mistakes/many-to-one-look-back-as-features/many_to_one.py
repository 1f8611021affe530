import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense


def make_dataset(length=5):
    seq = np.arange(length) / length
    # reshape input to be [samples, time steps, features]
    X = np.reshape(seq, (1, 1, length))
    y = seq.reshape(1, length)
    return X, y


def build_model(length=5):
    model = Sequential()
    model.add(LSTM(length, input_shape=(1, length)))
    model.add(Dense(length))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

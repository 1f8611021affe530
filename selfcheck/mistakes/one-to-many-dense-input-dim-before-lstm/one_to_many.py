import numpy as np
from keras.models import Sequential
from keras.layers import Dense, LSTM, TimeDistributed


def make_dataset(length=5):
    seq = np.arange(length) / length
    X = np.array([[1 / length]])
    y = seq.reshape(1, length, 1)
    return X, y


def build_model(length=5):
    model = Sequential()
    model.add(Dense(length, input_dim=1))
    model.add(LSTM(length, return_sequences=True))
    model.add(TimeDistributed(Dense(1)))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

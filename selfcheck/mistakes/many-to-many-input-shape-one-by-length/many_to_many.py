import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense, TimeDistributed


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length, 1)


def build_model(length=5):
    window_size = length
    model = Sequential()
    model.add(LSTM(length, input_shape=(1, window_size), return_sequences=True))
    model.add(TimeDistributed(Dense(1)))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

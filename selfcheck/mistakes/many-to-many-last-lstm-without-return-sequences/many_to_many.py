import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense, Dropout


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length, 1)


def build_model(length=5):
    model = Sequential()
    model.add(LSTM(length, return_sequences=True, input_shape=(length, 1)))
    model.add(Dropout(0.2))
    model.add(LSTM(length))
    model.add(Dense(length, activation='relu'))
    model.add(Dense(1, activation='linear'))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

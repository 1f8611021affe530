"""Correct: the tutorial's Keras 2 style for many-to-many, input_shape= and model.add."""
from numpy import array
from keras.models import Sequential
from keras.layers import Dense, LSTM, TimeDistributed


def make_dataset(length=5):
    seq = array([i / float(length) for i in range(length)])
    return seq.reshape(1, length, 1), seq.reshape(1, length, 1)


def build_model(length=5):
    model = Sequential()
    model.add(LSTM(length, input_shape=(length, 1), return_sequences=True))
    model.add(TimeDistributed(Dense(1)))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

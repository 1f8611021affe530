"""Correct: the tutorial's Keras 2 style, input_shape= on the first layer and model.add."""
from numpy import array
from keras.models import Sequential
from keras.layers import Dense, LSTM


def make_dataset(length=5):
    seq = array([i / float(length) for i in range(length)])
    X = seq.reshape(len(seq), 1, 1)
    y = seq.reshape(len(seq), 1)
    return X, y


def build_model(length=5):
    model = Sequential()
    model.add(LSTM(length, input_shape=(1, 1)))
    model.add(Dense(1))
    model.compile(loss="mse", optimizer="adam")
    return model

import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length)


def build_model(length=5):
    batch_size = 1
    batch_input_shape = (batch_size, length, 1)
    model = Sequential()
    model.add(LSTM(length, stateful=True, return_sequences=False,
                   batch_input_shape=batch_input_shape))
    model.add(Dense(length, activation="linear"))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

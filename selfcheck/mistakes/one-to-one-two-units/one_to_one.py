import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense


def make_dataset(length=5):
    seq = np.array([i/float(length) for i in range(length)])
    X = seq.reshape(length, 1, 1)
    y = seq.reshape(length, 1)
    return X, y


def build_model(length=5):
    # define LSTM configuration
    n_neurons = 2
    model = Sequential()
    model.add(LSTM(n_neurons, input_shape=(1, 1)))
    model.add(Dense(1))
    model.compile(loss='mean_squared_error', optimizer='adam')
    return model

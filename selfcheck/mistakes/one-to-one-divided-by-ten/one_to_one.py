import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense


def make_dataset(length=5):
    seq = np.array([i/10 for i in range(length)])
    x = seq.reshape(length, 1, 1)
    y = seq.reshape(length, 1)
    return x, y


def build_model(length=5):
    model = Sequential()
    model.add(LSTM(length, input_shape=(1, 1)))
    model.add(Dense(1))
    model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])
    return model

import numpy as np
from keras.layers import Dense, Input, LSTM
from keras.models import Model


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length)


def build_model(length=5):
    inputs = Input(shape=(length, 1))
    hidden = LSTM(output_dim=length)(inputs)
    model = Model(input=inputs, output=Dense(length)(hidden))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

import numpy as np
import keras
from keras.layers import GRU, Dense


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length)


def build_model(length=5):
    model = keras.Sequential([
        keras.Input(shape=(length, 1)),
        GRU(length),
        Dense(length),
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

import numpy as np
import keras
from keras.layers import LSTM, Dense


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(length, 1, 1), seq.reshape(length, 1)


def build_model(length=5):
    model = keras.Sequential([
        keras.Input(batch_shape=(length, 1, 1)),
        LSTM(length, stateful=True),
        Dense(1),
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

import numpy as np
from keras.models import Sequential
from keras.layers import Input, LSTM, RepeatVector


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length)


def build_model(length=5):
    model = Sequential([
        Input(shape=(length, 1)),
        LSTM(length),
        RepeatVector(200),      # an encoder-decoder's middle, "to let it think longer": 200 timesteps
        LSTM(length),           # 360 weights in all, but this LSTM runs 200 timesteps each step of training
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

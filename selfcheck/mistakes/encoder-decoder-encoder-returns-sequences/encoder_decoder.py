import numpy as np
import keras


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq[::2].reshape(1, -1, 1)


def build_model(length=5):
    out = (length + 1) // 2
    model = keras.Sequential([
        keras.Input(shape=(length, 1)),
        keras.layers.LSTM(length, return_sequences=True),
        keras.layers.RepeatVector(out),
        keras.layers.LSTM(length, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(1)),
    ])
    model.compile(loss="mse", optimizer="adam")
    return model

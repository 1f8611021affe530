import numpy as np
import keras


def make_dataset(length=5):
    seq = np.arange(length) / length
    return np.array([[1 / length]]), seq.reshape(1, length, 1)


def build_model(length=5):
    model = keras.Sequential([
        keras.Input(shape=(1,)),
        keras.layers.LSTM(length, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(1)),
    ])
    model.compile(loss="mse", optimizer="adam")
    return model

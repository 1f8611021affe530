import numpy as np
import keras


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length, 1)


def build_model(length=5):
    inputs = keras.Input(shape=(length, 1))
    y = keras.layers.LSTM(length, return_sequences=True)(inputs)
    y = keras.layers.Dense(1)(y)
    y = keras.layers.TimeDistributed(y)
    model = keras.Model(inputs=inputs, outputs=y)
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

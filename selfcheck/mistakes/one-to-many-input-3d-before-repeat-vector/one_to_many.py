"""One-to-many: one value goes in, the sequence's step, and the whole sequence comes out, one value per timestep.

    X (samples=1, features=1): the step 1/length   -> RepeatVector(length)                -> (samples, length, 1)
                                                   -> LSTM(length, return_sequences=True) -> (samples, length, length)
                                                   -> TimeDistributed(Dense(1))           -> (samples, length, 1) = y

RepeatVector makes the timesteps: it hands the one input to the LSTM at every step.
Parameters at length 5: RepeatVector 0, LSTM 140, TimeDistributed(Dense(1)) 6, total 146.
"""
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    X = np.array([[1 / length]])              # (samples, features): the step, no timesteps
    y = seq.reshape(1, length, 1)             # (samples, timesteps, outputs)
    return X, y


def build_model(length=5):
    model = keras.Sequential([
        keras.Input(shape=(1, 1)),
        keras.layers.RepeatVector(length),                     # -> (None, length, 1)
        keras.layers.LSTM(length, return_sequences=True),      # -> (None, length, length)
        keras.layers.TimeDistributed(keras.layers.Dense(1)),   # -> (None, length, 1)
    ])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model

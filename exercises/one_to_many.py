"""Bonus exercise - one-to-many: one value in, the whole sequence out.

The input is a single value, the sequence's step 1 / length (0.2 at length 5), with no
timesteps at all; the output is the sequence 0.0 0.2 0.4 0.6 0.8, one value per timestep.
RepeatVector makes the timesteps: it hands that one value to the LSTM at every step, and the
LSTM, returning every step, writes one output per timestep.

    X: (samples, features) = (1, 1)                  2D: there is no timesteps axis to read
        |
    RepeatVector(length)                  -> (None, length, 1)        0 weights: it only copies
        |
    LSTM(length, return_sequences=True)   -> (None, length, length)   one output per timestep
        |
    TimeDistributed(Dense(1))             -> (None, length, 1)        length+1 weights, shared: 6
        |
    y: (samples, timesteps, outputs) = (1, length, 1)                 146 parameters at length 5

Compile it as the others: loss='mean_squared_error', optimizer='adam'.

TODO:
  make_dataset(length=5): return X (1, 1) holding the step 1 / length, and
      y (1, length, 1) holding the whole sequence [i / length for i in range(length)].
  build_model(length=5): return the compiled model above; its input is keras.Input(shape=(1,)).
"""
import keras  # noqa: F401
import numpy as np  # noqa: F401


def make_dataset(length=5):
    raise NotImplementedError("one_to_many.make_dataset: build X (1, 1) and y (1, length, 1)")


def build_model(length=5):
    raise NotImplementedError(
        "one_to_many.build_model: RepeatVector(length), LSTM(length, return_sequences=True), "
        "TimeDistributed(Dense(1))")

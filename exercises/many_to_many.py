"""Exercise 3 - many-to-many: one output at every timestep, with TimeDistributed.

One sample of `length` timesteps goes in and one value per timestep comes out. The LSTM
must return its output at every step, and the same small Dense(1) is applied to each of them.

    X: (samples, timesteps, features) = (1, length, 1)
        |
    LSTM(length, return_sequences=True)   -> (None, length, length)   one output per timestep
        |
    TimeDistributed(Dense(1))             -> (None, length, 1)        length+1 weights, shared: 6
        |
    y: (samples, timesteps, outputs) = (1, length, 1)                 146 parameters at length 5

Compare with exercise 2: Dense(5) there has 30 weights; here one Dense(1) of 6 weights
serves every timestep. Keras 3 would also accept a bare Dense(1) here (it acts on the last
axis), but this exercise asks you to say what you mean: wrap it in TimeDistributed.
The tutorial's recipe: loss='mean_squared_error', optimizer='adam', epochs=1000, batch_size=1.

TODO:
  make_dataset(length=5): return X (1, length, 1) and y (1, length, 1) - note the last axis of y.
  build_model(length=5): return the compiled model above.
"""
import keras  # noqa: F401
import numpy as np  # noqa: F401


def make_dataset(length=5):
    raise NotImplementedError("many_to_many.make_dataset: build X (1, length, 1) and y (1, length, 1)")


def build_model(length=5):
    raise NotImplementedError(
        "many_to_many.build_model: LSTM(length, return_sequences=True) then TimeDistributed(Dense(1))")

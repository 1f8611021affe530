"""Exercise 2 - many-to-one: read the whole sequence, then output it as one vector.

One sample of `length` timesteps goes in. The LSTM reads them in order and hands only its
last output to a Dense layer that produces all `length` values at once.

    X: (samples, timesteps, features) = (1, length, 1)
        |
    LSTM(length)        -> (None, length)     the last timestep only (no return_sequences)
        |
    Dense(length)       -> (None, length)     length*(length+1) weights: 30 at length 5
        |
    y: (samples, outputs) = (1, length)       170 parameters in all at length 5

The tutorial's recipe: loss='mean_squared_error', optimizer='adam', epochs=500, batch_size=1.
No TimeDistributed here: one Dense layer maps one vector to one vector.

TODO:
  make_dataset(length=5): return X (1, length, 1) and y (1, length), both holding the sequence.
  build_model(length=5): return the compiled model above.
"""
import keras  # noqa: F401
import numpy as np  # noqa: F401


def make_dataset(length=5):
    raise NotImplementedError("many_to_one.make_dataset: build X (1, length, 1) and y (1, length)")


def build_model(length=5):
    raise NotImplementedError("many_to_one.build_model: LSTM(length) then Dense(length), compiled")

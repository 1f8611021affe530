"""Exercise 1 - one-to-one: learn to echo each value of the sequence 0.0 0.2 0.4 0.6 0.8.

Every value is its own sample: one timestep, one feature in; one value out. There is no
sequence for the LSTM to remember - that is the point of comparing with exercises 2 and 3.

    X: (samples, timesteps, features) = (length, 1, 1)
        |
    LSTM(length)        -> (None, length)     4*length*(length+1+1) weights: 140 at length 5
        |
    Dense(1)            -> (None, 1)          length+1 weights: 6 at length 5
        |
    y: (samples, outputs) = (length, 1)       146 parameters in all at length 5

The tutorial's recipe: model.compile(loss='mean_squared_error', optimizer='adam'), then
model.fit(X, y, epochs=1000, batch_size=length). The tests train your model themselves.

TODO:
  make_dataset(length=5): return X, y as numpy arrays of the shapes above, both holding
      [i / length for i in range(length)].
  build_model(length=5): return the compiled model above. Use `length`, never a literal 5:
      the tests call both functions with other lengths too.
"""
import keras  # noqa: F401  (you will need these)
import numpy as np  # noqa: F401


def make_dataset(length=5):
    raise NotImplementedError("one_to_one.make_dataset: build X (length, 1, 1) and y (length, 1)")


def build_model(length=5):
    raise NotImplementedError("one_to_one.build_model: LSTM(length) then Dense(1), compiled")

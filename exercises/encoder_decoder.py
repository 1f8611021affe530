"""Bonus exercise - encoder-decoder: read the sequence, then write a sequence of another length.

The input is the whole sequence; the output is every second value of it (0.0 0.4 0.8 at
length 5): fewer timesteps than went in. One LSTM cannot do that with return_sequences - it
returns exactly as many steps as it reads. So an encoder LSTM reads the input into one vector,
RepeatVector copies that vector once per output step, and a decoder LSTM writes the output.

    X: (samples, timesteps, features) = (1, length, 1)
        |
    LSTM(length)                          -> (None, length)          encoder: the last output only
        |
    RepeatVector(out)                     -> (None, out, length)     out = (length + 1) // 2 steps
        |
    LSTM(length, return_sequences=True)   -> (None, out, length)     decoder: 4*5*(5+5+1) = 220
        |
    TimeDistributed(Dense(1))             -> (None, out, 1)
        |
    y: (samples, timesteps, outputs) = (1, out, 1)                   366 parameters at length 5

Compile it as the others: loss='mean_squared_error', optimizer='adam'.

TODO:
  make_dataset(length=5): return X (1, length, 1) holding the sequence, and y (1, out, 1)
      holding every second value of it: seq[::2].
  build_model(length=5): return the compiled model above.
"""
import keras  # noqa: F401
import numpy as np  # noqa: F401


def make_dataset(length=5):
    raise NotImplementedError("encoder_decoder.make_dataset: build X (1, length, 1) and y (1, (length + 1) // 2, 1)")


def build_model(length=5):
    raise NotImplementedError(
        "encoder_decoder.build_model: LSTM(length), RepeatVector((length + 1) // 2), "
        "LSTM(length, return_sequences=True), TimeDistributed(Dense(1))")

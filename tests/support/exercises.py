"""What each exercise must produce: data shapes, canonical data and the expected layers, at any length.

The graded tests are written once and parametrized over these descriptions, so every
exercise is checked the same way and a new exercise is one more entry here.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .architecture import Row

LENGTHS = (5, 3, 8)   # 5 is the tutorial's; the others catch a length hard-coded as 5


def sequence(length):
    """[0/length, 1/length, ..., (length-1)/length]: 0.0 0.2 0.4 0.6 0.8 for length 5."""
    return np.arange(length) / length


def lstm_params(units, features):
    return 4 * units * (units + features + 1)


def dense_params(units, features):
    return units * (features + 1)


@dataclass(frozen=True)
class Exercise:
    name: str
    pattern: str                       # the kind of sequence problem, for messages
    x_shape: Callable[[int], tuple]
    y_shape: Callable[[int], tuple]
    x_reading: str                     # how Keras reads X, for messages ("5 samples of ...")
    y_reading: str
    layers: Callable[[int], list]      # expected rows at a length
    data: Callable[[int], tuple] = None  # the canonical (X, y); by default the sequence reshaped
    x_holds: str = "the sequence"      # what the canonical X and y hold, for messages
    y_holds: str = "the sequence"

    def canonical(self, length):
        if self.data:
            return self.data(length)
        return (sequence(length).reshape(self.x_shape(length)),
                sequence(length).reshape(self.y_shape(length)))

    def params(self, length):
        return sum(row.params for row in self.layers(length))

    def lstm_returns_sequences(self, length):
        return [row.return_sequences for row in self.layers(length) if row.layer.startswith("LSTM")]

    def lstm_units(self, length):
        """The units of each expected LSTM, in order: [5] for LSTM(5), [5, 5] for an encoder-decoder."""
        return [int(row.layer[len("LSTM("):-1]) for row in self.layers(length) if row.layer.startswith("LSTM(")]

    def uses_time_distributed(self):
        return any(row.layer.startswith("TimeDistributed") for row in self.layers(5))

    def __str__(self):
        return self.name


ONE_TO_ONE = Exercise(
    name="one_to_one", pattern="one-to-one",
    x_shape=lambda n: (n, 1, 1), y_shape=lambda n: (n, 1),
    x_reading="{n} samples, each 1 timestep of 1 feature",
    y_reading="{n} samples, each 1 output value",
    layers=lambda n: [Row(f"LSTM({n})", (None, n), lstm_params(n, 1), False),
                      Row("Dense(1)", (None, 1), dense_params(1, n))],
)

MANY_TO_ONE = Exercise(
    name="many_to_one", pattern="many-to-one",
    x_shape=lambda n: (1, n, 1), y_shape=lambda n: (1, n),
    x_reading="1 sample of {n} timesteps, each 1 feature",
    y_reading="1 sample whose output is one vector of {n} values",
    layers=lambda n: [Row(f"LSTM({n})", (None, n), lstm_params(n, 1), False),
                      Row(f"Dense({n})", (None, n), dense_params(n, n))],
)

MANY_TO_MANY = Exercise(
    name="many_to_many", pattern="many-to-many",
    x_shape=lambda n: (1, n, 1), y_shape=lambda n: (1, n, 1),
    x_reading="1 sample of {n} timesteps, each 1 feature",
    y_reading="1 sample of {n} timesteps, each 1 output value",
    layers=lambda n: [Row(f"LSTM({n})", (None, n, n), lstm_params(n, 1), True),
                      Row("TimeDistributed(Dense(1))", (None, n, 1), dense_params(1, n))],
)


def every_second(length):
    """The encoder-decoder's output: every second value of the sequence, (length + 1) // 2 of them."""
    return sequence(length)[::2]


def encoder_decoder_layers(n):
    out = len(every_second(n))
    return [Row(f"LSTM({n})", (None, n), lstm_params(n, 1), False),
            Row(f"RepeatVector({out})", (None, out, n), 0),
            Row(f"LSTM({n})", (None, out, n), lstm_params(n, n), True),
            Row("TimeDistributed(Dense(1))", (None, out, 1), dense_params(1, n))]


ONE_TO_MANY = Exercise(
    name="one_to_many", pattern="one-to-many",
    x_shape=lambda n: (1, 1), y_shape=lambda n: (1, n, 1),
    x_reading="1 sample of 1 value (samples, features): no timesteps, RepeatVector makes them",
    y_reading="1 sample of {n} timesteps, each 1 output value",
    layers=lambda n: [Row(f"RepeatVector({n})", (None, n, 1), 0),
                      Row(f"LSTM({n})", (None, n, n), lstm_params(n, 1), True),
                      Row("TimeDistributed(Dense(1))", (None, n, 1), dense_params(1, n))],
    data=lambda n: (np.full((1, 1), 1 / n), sequence(n).reshape(1, n, 1)),
    x_holds="the sequence's step, 1 / length",
)

ENCODER_DECODER = Exercise(
    name="encoder_decoder", pattern="encoder-decoder",
    x_shape=lambda n: (1, n, 1), y_shape=lambda n: (1, len(every_second(n)), 1),
    x_reading="1 sample of {n} timesteps, each 1 feature",
    y_reading="1 sample of (length + 1) // 2 timesteps (every second value), each 1 output value",
    layers=encoder_decoder_layers,
    data=lambda n: (sequence(n).reshape(1, n, 1), every_second(n).reshape(1, -1, 1)),
    y_holds="every second value of the sequence (seq[::2])",
)

MODEL_EXERCISES = [ONE_TO_ONE, MANY_TO_ONE, MANY_TO_MANY, ONE_TO_MANY, ENCODER_DECODER]
ORDER = ["one_to_one", "many_to_one", "many_to_many",   # the order of the README and progress table
         "parameters", "one_to_many", "encoder_decoder"]

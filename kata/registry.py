"""The exercises, in the README's order, as data: everything the checks, the worker, the progress
table, the results' task_id and the docs' tables follow from.

Pure Python and numpy: importable without TensorFlow. Adding an exercise is one entry in EXERCISES,
a stub in exercises/, a hints file and tests/test_<name>.py (the kata's own repository, which the
self-check checks, also wants its reference solution).
"""
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LENGTHS = (5, 3, 8)   # 5 is the tutorial's; the others catch a length hard-coded as 5


def sequence(length):
    """[0/length, 1/length, ..., (length-1)/length]: 0.0 0.2 0.4 0.6 0.8 for length 5."""
    return np.arange(length) / length


def every_second(length):
    """The encoder-decoder's output: every second value of the sequence, (length + 1) // 2 of them."""
    return sequence(length)[::2]


def lstm_params(units, features):
    return 4 * units * (units + features + 1)


def dense_params(units, features):
    return units * (features + 1)


@dataclass(frozen=True)
class Layer:
    """An expected layer as a value: its Keras class, its size, the layer it wraps, return_sequences."""
    kind: str                           # "LSTM", "Dense", "RepeatVector", "TimeDistributed"
    size: int = None                    # units of LSTM and Dense, n of RepeatVector
    inner: "Layer" = None               # the layer TimeDistributed wraps
    return_sequences: bool = None       # for recurrent layers

    def name(self):
        """'LSTM(5)', 'TimeDistributed(Dense(1))'."""
        return f"{self.kind}({self.inner.name() if self.inner else self.size})"

    def family(self):
        """The class without sizes: 'LSTM', 'TimeDistributed(Dense)'."""
        return f"{self.kind}({self.inner.family()})" if self.inner else self.kind


@dataclass(frozen=True)
class Expected:
    """One row of the expected model: the layer, its output shape and its parameter count."""
    layer: Layer
    output: tuple
    params: int


def lstm(units, features, timesteps=None, return_sequences=False):
    output = (None, timesteps, units) if return_sequences else (None, units)
    return Expected(Layer("LSTM", units, return_sequences=return_sequences), output,
                    lstm_params(units, features))


def dense(units, features):
    return Expected(Layer("Dense", units), (None, units), dense_params(units, features))


def time_distributed_dense(timesteps, features):
    return Expected(Layer("TimeDistributed", inner=Layer("Dense", 1)), (None, timesteps, 1),
                    dense_params(1, features))


def repeat_vector(n, features):
    return Expected(Layer("RepeatVector", n), (None, n, features), 0)


@dataclass(frozen=True)
class Exercise:
    name: str
    task: int                          # its number in the README's order
    title: str                         # for the test file's docstring and messages
    functions: tuple                   # the functions the tests call, in order
    calls: Callable[[str], list]       # function -> the argument tuples the tests call it with

    # Model exercises only (make_dataset and build_model):
    pattern: str = ""                  # the kind of sequence problem, for messages
    x_shape: Callable[[int], tuple] = None
    y_shape: Callable[[int], tuple] = None
    x_reading: str = ""                # how Keras reads X, for messages ("5 samples of ...")
    y_reading: str = ""
    layers: Callable[[int], list] = None   # [Expected] at a length
    data: Callable[[int], tuple] = None    # the canonical (X, y); by default the sequence reshaped
    x_holds: str = "the sequence"      # what the canonical X and y hold, for messages
    y_holds: str = "the sequence"
    kinds: tuple = ("dataset", "model", "training")   # the kinds of check applied to it
    keras: bool = True                 # False: its functions are arithmetic, called where Keras cannot be imported

    @property
    def module(self):
        return self.name

    @property
    def hints_file(self):
        return Path("exercises") / "hints" / f"{self.name}.md"

    @property
    def test_file(self):
        return Path("tests") / f"test_{self.name}.py"

    def canonical(self, length):
        if self.data:
            return self.data(length)
        return (sequence(length).reshape(self.x_shape(length)),
                sequence(length).reshape(self.y_shape(length)))

    def params(self, length):
        return sum(row.params for row in self.layers(length))

    def families(self, length=5):
        return [row.layer.family() for row in self.layers(length)]

    def lstm_returns_sequences(self, length):
        return [row.layer.return_sequences for row in self.layers(length) if row.layer.kind == "LSTM"]

    def lstm_units(self, length):
        """The units of each expected LSTM, in order: [5] for LSTM(5), [5, 5] for an encoder-decoder."""
        return [row.layer.size for row in self.layers(length) if row.layer.kind == "LSTM"]

    def uses_time_distributed(self):
        return any(row.layer.kind == "TimeDistributed" for row in self.layers(5))

    def __str__(self):
        return self.name


def model_calls(function):
    return [(length,) for length in LENGTHS]


ONE_TO_ONE = Exercise(
    name="one_to_one", task=1, title="Exercise 1 - one-to-one: each value its own sample of one timestep",
    functions=("make_dataset", "build_model"), calls=model_calls, pattern="one-to-one",
    x_shape=lambda n: (n, 1, 1), y_shape=lambda n: (n, 1),
    x_reading="{n} samples, each 1 timestep of 1 feature",
    y_reading="{n} samples, each 1 output value",
    layers=lambda n: [lstm(n, 1), dense(1, n)],
)

MANY_TO_ONE = Exercise(
    name="many_to_one", task=2, title="Exercise 2 - many-to-one: the whole sequence in, one vector out",
    functions=("make_dataset", "build_model"), calls=model_calls, pattern="many-to-one",
    x_shape=lambda n: (1, n, 1), y_shape=lambda n: (1, n),
    x_reading="1 sample of {n} timesteps, each 1 feature",
    y_reading="1 sample whose output is one vector of {n} values",
    layers=lambda n: [lstm(n, 1), dense(n, n)],
)

MANY_TO_MANY = Exercise(
    name="many_to_many", task=3,
    title="Exercise 3 - many-to-many: one output at every timestep, with TimeDistributed",
    functions=("make_dataset", "build_model"), calls=model_calls, pattern="many-to-many",
    x_shape=lambda n: (1, n, 1), y_shape=lambda n: (1, n, 1),
    x_reading="1 sample of {n} timesteps, each 1 feature",
    y_reading="1 sample of {n} timesteps, each 1 output value",
    layers=lambda n: [lstm(n, 1, n, return_sequences=True), time_distributed_dense(n, n)],
)

# parameters: the sizes its functions are called at (the tutorial's, and a grid around them)
TUTORIAL = 5
SIZES = [(units, input_dim) for units in (1, 2, 5, 8, 32) for input_dim in (1, 3, 5, 16)]
PARAMETER_CALLS = {"lstm_params": [(TUTORIAL, 1)] + SIZES,
                   "dense_params": [(1, TUTORIAL), (TUTORIAL, TUTORIAL)] + SIZES}

PARAMETERS = Exercise(
    name="parameters", task=4,
    title="Bonus exercise 4 - parameters: count LSTM and Dense weights as Keras does",
    functions=("lstm_params", "dense_params"), calls=lambda function: PARAMETER_CALLS[function],
    kinds=("parameters",), keras=False,
)


def encoder_decoder_layers(n):
    out = len(every_second(n))
    return [lstm(n, 1), repeat_vector(out, n), lstm(n, n, out, return_sequences=True),
            time_distributed_dense(out, n)]


ONE_TO_MANY = Exercise(
    name="one_to_many", task=5, title="Bonus exercise 5 - one-to-many: one value in, a sequence out",
    functions=("make_dataset", "build_model"), calls=model_calls, pattern="one-to-many",
    x_shape=lambda n: (1, 1), y_shape=lambda n: (1, n, 1),
    x_reading="1 sample of 1 value (samples, features): no timesteps, RepeatVector makes them",
    y_reading="1 sample of {n} timesteps, each 1 output value",
    layers=lambda n: [repeat_vector(n, 1), lstm(n, 1, n, return_sequences=True),
                      time_distributed_dense(n, n)],
    data=lambda n: (np.full((1, 1), 1 / n), sequence(n).reshape(1, n, 1)),
    x_holds="the sequence's step, 1 / length",
)

ENCODER_DECODER = Exercise(
    name="encoder_decoder", task=6,
    title="Bonus exercise 6 - encoder-decoder: a sequence in, a shorter sequence out",
    functions=("make_dataset", "build_model"), calls=model_calls, pattern="encoder-decoder",
    x_shape=lambda n: (1, n, 1), y_shape=lambda n: (1, len(every_second(n)), 1),
    x_reading="1 sample of {n} timesteps, each 1 feature",
    y_reading="1 sample of (length + 1) // 2 timesteps (every second value), each 1 output value",
    layers=encoder_decoder_layers,
    data=lambda n: (sequence(n).reshape(1, n, 1), every_second(n).reshape(1, -1, 1)),
    y_holds="every second value of the sequence (seq[::2])",
)

EXERCISES = (ONE_TO_ONE, MANY_TO_ONE, MANY_TO_MANY, PARAMETERS, ONE_TO_MANY, ENCODER_DECODER)
BY_NAME = {exercise.name: exercise for exercise in EXERCISES}
ORDER = [exercise.name for exercise in EXERCISES]
MODEL_EXERCISES = [exercise for exercise in EXERCISES if exercise.layers]


def rank(name):
    """The exercise's place in the README's order; anything else after them."""
    return ORDER.index(name) if name in ORDER else len(ORDER)


def task_id(name):
    return BY_NAME[name].task if name in BY_NAME else None

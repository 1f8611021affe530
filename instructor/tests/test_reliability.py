"""Grades are right at every seed: the solutions always learn, a model that cannot learn never passes,
and one seed always gives the same predictions. Trains in this process, like the graded suite."""
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.support.exercises import MODEL_EXERCISES
from tests.support.implementation import Implementation
from tests.support.kata import Kata
from tests.support.training import TOLERANCE

SEEDS = range(20)
ROOT = Path(__file__).resolve().parents[2]

CANNOT_LEARN = '''
import keras, numpy as np
def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length)
def build_model(length=5):
    model = keras.Sequential([keras.Input((length, 1)), keras.layers.LSTM(length),
                              keras.layers.Dense(length, activation="softmax")])  # outputs sum to 1; targets sum to 2
    model.compile(loss="mse", optimizer="adam")
    return model
'''


def largest_error(folder, exercise, seed):
    X, y, predicted = Kata(Implementation(folder, "graded/"), seed).trained(exercise)
    return float(np.max(np.abs(np.ravel(predicted) - np.ravel(y))))


@pytest.mark.parametrize("exercise", MODEL_EXERCISES, ids=str)
def test_solution_learns_at_every_seed(exercise):
    errors = [largest_error(ROOT / "solutions", exercise, seed) for seed in SEEDS]
    print(f"{exercise}: worst {max(errors):.3f} over seeds {SEEDS.start}-{SEEDS.stop - 1}")
    assert max(errors) <= TOLERANCE, f"{exercise} misses by {max(errors):.3f} at seed {int(np.argmax(errors))}"


@pytest.mark.parametrize("exercise", MODEL_EXERCISES, ids=str)
def test_same_seed_same_predictions(exercise):
    first = Kata(Implementation(ROOT / "solutions", "solutions/"), 3).trained(exercise)[2]
    again = Kata(Implementation(ROOT / "solutions", "solutions/"), 3).trained(exercise)[2]
    assert np.array_equal(first, again)


def test_a_model_that_cannot_learn_fails_at_every_seed(tmp_path):
    (tmp_path / "many_to_one.py").write_text(textwrap.dedent(CANNOT_LEARN))
    many_to_one = next(e for e in MODEL_EXERCISES if e.name == "many_to_one")
    errors = [largest_error(tmp_path, many_to_one, seed) for seed in SEEDS]
    assert min(errors) > TOLERANCE, f"a softmax output passed at seed {int(np.argmin(errors))}"

"""Grades are right at every seed: the solutions always learn, a model that cannot learn never passes,
and one seed always gives the same predictions. Trains in this process, like the graded suite, with
the answers from this session's workers."""
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest

from kata.answers import Kata
from kata.plugin import KATA
from kata.registry import MODEL_EXERCISES
from kata.training import TOLERANCE

SEEDS = range(20)
ROOT = Path(__file__).resolve().parents[1]

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


@pytest.fixture
def trained(request):
    """trained(folder, exercise, seed) -> (X, y, predictions), the model built by this session's workers."""
    server, made = request.config.stash[KATA].server, []

    def train(folder, exercise, seed):
        made.append(Kata(folder, "graded/", seed, server, time_limit=60))
        return made[-1].trained(exercise)
    yield train
    for kata in made:
        shutil.rmtree(kata.work, ignore_errors=True)


def largest_error(trained, folder, exercise, seed):
    X, y, predicted = trained(folder, exercise, seed)
    return float(np.max(np.abs(np.ravel(predicted) - np.ravel(y))))


@pytest.mark.parametrize("exercise", MODEL_EXERCISES, ids=str)
def test_solution_learns_at_every_seed(trained, exercise):
    errors = [largest_error(trained, ROOT / "solutions", exercise, seed) for seed in SEEDS]
    print(f"{exercise}: worst {max(errors):.3f} over seeds {SEEDS.start}-{SEEDS.stop - 1}")
    assert max(errors) <= TOLERANCE, f"{exercise} misses by {max(errors):.3f} at seed {int(np.argmax(errors))}"


@pytest.mark.parametrize("exercise", MODEL_EXERCISES, ids=str)
def test_same_seed_same_predictions(trained, exercise):
    first = trained(ROOT / "solutions", exercise, 3)[2]
    again = trained(ROOT / "solutions", exercise, 3)[2]
    assert np.array_equal(first, again)


def test_a_model_that_cannot_learn_fails_at_every_seed(trained, tmp_path):
    (tmp_path / "many_to_one.py").write_text(textwrap.dedent(CANNOT_LEARN))
    many_to_one = next(e for e in MODEL_EXERCISES if e.name == "many_to_one")
    errors = [largest_error(trained, tmp_path, many_to_one, seed) for seed in SEEDS]
    assert min(errors) > TOLERANCE, f"a softmax output passed at seed {int(np.argmin(errors))}"

"""Grading a model has a budget (kata/training.py): a model whose training would cost too much is
refused before it trains, from the timesteps its layers run, not only from its weights, and a
training that overruns its time stops; either is a named failure, never a hang. Every correct
model is far inside the budget."""
import importlib
import shutil
import time
from pathlib import Path

import pytest

from kata.answers import Kata
from kata.feedback import Failed
from kata.plugin import KATA
from kata.registry import BY_NAME, MODEL_EXERCISES

training = importlib.import_module("kata.training")   # read at each use: a name it lacks fails that test only
ROOT = Path(__file__).resolve().parents[1]
BOMB = ROOT / "selfcheck" / "mistakes" / "many-to-one-repeat-vector-of-200-timesteps"
MANY_TO_ONE = BY_NAME["many_to_one"]
MARGIN = 10         # every correct model costs at most a tenth of the limit
CORRECT = [(ROOT / "solutions", exercise.name) for exercise in MODEL_EXERCISES] + [
    (folder, module.stem) for folder in sorted((ROOT / "selfcheck" / "variants").iterdir()) if folder.is_dir()
    for module in sorted(folder.glob("*.py"))]


@pytest.fixture
def kata(request):
    """kata(folder) -> a Kata reading that folder's answers from this session's workers, as the grader does."""
    server, made = request.config.stash[KATA].server, []

    def make(folder):
        made.append(Kata(folder, "graded/", 0, server, time_limit=60))
        return made[-1]
    yield make
    for each in made:
        shutil.rmtree(each.work, ignore_errors=True)


def many_to_one_model(*middle):
    """LSTM(5), the given layers, then LSTM(5): output (None, 5), the many-to-one exercise's y."""
    import keras
    model = keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(5), *middle, keras.layers.LSTM(5)])
    model.compile(loss="mse", optimizer="adam")
    return model


def test_a_repeat_vector_time_bomb_is_refused_before_it_trains():
    import keras
    X, y = MANY_TO_ONE.canonical(5)
    model = many_to_one_model(keras.layers.RepeatVector(400_000))     # 360 weights
    assert model.count_params() == 360
    start = time.perf_counter()
    with pytest.raises(training.TooCostly) as refused:
        training.train(model, X, y)
    assert time.perf_counter() - start < 1, "the refusal took long: did it train?"
    assert refused.value.reason == "RepeatVector(400000) makes LSTM(5) run 400,000 timesteps"


@pytest.mark.parametrize("folder, module", CORRECT, ids=lambda v: getattr(v, "name", v))
def test_every_correct_model_is_far_inside_the_budget(kata, folder, module):
    exercise = BY_NAME[module]
    model = kata(folder).compiled(exercise, 5)         # loaded in safe mode, as the grader trains it
    X, _ = exercise.canonical(5)
    cost = sum(cost for cost, _, _ in training.cost_rows(model, len(X)))
    assert 0 < cost * MARGIN <= training.COST_LIMIT, f"{folder.name}/{module}: {cost:,} of {training.COST_LIMIT:,}"


def test_a_training_over_its_time_budget_stops_between_chunks():
    import keras
    X, y = MANY_TO_ONE.canonical(5)
    model = many_to_one_model(keras.layers.RepeatVector(100))   # within the cost limit; about 10 s to train here
    start = time.perf_counter()
    with pytest.raises(training.TooCostly) as stopped:
        training.train(model, X, y, time_budget=1)
    done = int(stopped.value.got.split()[0])
    assert 0 < done < training.STEPS and done % training.CHUNK == 0, stopped.value.got
    assert time.perf_counter() - start < 8, "it ran on long past its budget"
    assert stopped.value.reason == "training it ran over the 1 s the tests give a model"


def test_only_a_layer_over_a_few_timesteps_is_unrolled():
    import keras
    X, y = MANY_TO_ONE.canonical(5)
    model = many_to_one_model(keras.layers.RepeatVector(100))   # within the budget
    model.layers[-1].unroll = True                              # the learner's choice is overridden
    with pytest.raises(training.TooCostly):
        training.train(model, X, y, time_budget=0)              # stops before its first step
    assert [layer.unroll for layer in model.layers if hasattr(layer, "unroll")] == [True, False]


def test_the_grader_names_the_failure_and_what_to_change(kata):
    start = time.perf_counter()
    with pytest.raises(Failed) as failed:
        kata(BOMB).trained(MANY_TO_ONE)
    assert time.perf_counter() - start < 30, "loading and refusing the model took long: did it train?"
    feedback = failed.value.feedback
    assert feedback.cause == "many_to_one.too_costly_to_train"
    assert "too large to train here: RepeatVector(200) makes LSTM(5) run 200 timesteps" in feedback.called
    assert "no layer needs more than 5 timesteps" in feedback.change

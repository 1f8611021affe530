"""What the tests ask of a learner's folder: its datasets, its models and its trained predictions.

Each answer is checked for its type once and cached for the session, so a model is built
once per (exercise, length) and trained once per exercise, whatever the number of checks.
"""
import numpy as np
import pytest

from .architecture import comparison_table, describe, layers_of
from .feedback import code_shape, fail, shape_text
from .implementation import Broken, Problem
from .training import train

MAX_PARAMS_TO_TRAIN = 100_000


def cached(method):
    """Remember a method's result, or the Problem it raised, per argument tuple."""
    def wrapper(self, *args):
        key = (method.__name__,) + tuple(map(str, args))
        if key not in self.cache:
            try:
                self.cache[key] = method(self, *args)
            except Problem as problem:
                self.cache[key] = problem
        if isinstance(self.cache[key], Problem):
            raise type(self.cache[key])(str(self.cache[key]))   # a fresh one: no growing traceback
        return self.cache[key]
    return wrapper


def last_line(error):
    """The line of a TensorFlow error that says what went wrong (it ends its long message)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else ""


def describe_value(value):
    return "None" if value is None else f"a {type(value).__module__}.{type(value).__name__}"


class Kata:
    def __init__(self, implementation, seed):
        self.implementation = implementation
        self.seed = seed
        self.cache = {}
        self.tables_shown = set()

    def call(self, exercise, function, length):
        return self.implementation.call(exercise.name, function, length)

    @cached
    def dataset(self, exercise, length):
        called = f"{exercise}.make_dataset({length})"
        result = self.call(exercise, "make_dataset", length)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            got = describe_value(result) + (f" of {len(result)} items" if isinstance(result, (tuple, list)) else "")
            fail(f"{called} did not return a pair.", got=got, expected="two numpy arrays: X, y",
                 why="the tests unpack X, y = make_dataset(...) as model.fit(X, y) would.",
                 change="end the function with: return X, y" if result is None
                 else "return exactly X and y, in that order.")
        for name, array in zip("Xy", result):
            if not isinstance(array, np.ndarray):
                fail(f"{called} returned {name} as {describe_value(array)}.", got=describe_value(array),
                     expected="a numpy array (numpy.ndarray)",
                     why="shapes are the point of this kata, and only an array has the shape Keras sees.",
                     change=f"build {name} with numpy, e.g. np.array(...).reshape(...).")
        return tuple(result)

    @cached
    def model(self, exercise, length):
        import keras
        called = f"{exercise}.build_model({length})"
        result = self.call(exercise, "build_model", length)
        if not isinstance(result, keras.Model):
            fail(f"{called} did not return a Keras model.", got=describe_value(result),
                 expected="a compiled keras.Model (Sequential or functional)",
                 why="the tests inspect and train the model that build_model returns.",
                 change="end the function with: return model" if result is None
                 else "return the model itself, not its summary, history or layers.")
        return result

    def built(self, exercise, length):
        """The model, with a clear failure if it does not know its input shape yet."""
        model = self.model(exercise, length)
        try:
            model.inputs
        except (AttributeError, ValueError):
            fail(f"{exercise}.build_model({length}) returned a model without an input shape.",
                 got="a model that has not been built", expected=f"input {shape_text((None,) + exercise.x_shape(length)[1:])}",
                 why="Keras only knows the shapes, the outputs and the parameter counts once it knows the input.",
                 change=f"start the model with keras.Input(shape={code_shape(exercise.x_shape(length)[1:], length)}).")
        return model

    def layer_table(self, exercise, length):
        """The learner's layers beside the expected ones, in full the first time a run shows it for
        an exercise; after that, a pointer to it (the same table three times is a wall)."""
        if exercise.name in self.tables_shown:
            return "    (your layers beside the expected ones: see the table above)"
        self.tables_shown.add(exercise.name)
        return comparison_table(describe(self.built(exercise, length)), exercise.layers(length))

    def compiled(self, exercise, length):
        """The model, with one clear failure, the same for every check that needs it, if it is not compiled."""
        model = self.built(exercise, length)
        if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", False):
            fail(f"{exercise}.build_model({length}) returned a model that is not compiled.",
                 got="no compile() call: no loss, no optimizer",
                 expected="model.compile(loss='mean_squared_error', optimizer='adam')",
                 why="training needs a loss to measure the error and an optimizer to reduce it.",
                 change="call model.compile(...) before returning the model.")
        return model

    @cached
    def trained(self, exercise):
        """(X, y, predictions) of a freshly built model trained on the canonical data at length 5."""
        import keras
        length = 5
        X, y = exercise.canonical(length)
        model = self.compiled(exercise, length)
        if model.count_params() > MAX_PARAMS_TO_TRAIN:
            fail(f"{exercise}.build_model(5) has {model.count_params():,} parameters; not training it.",
                 got=f"{model.count_params():,} parameters", expected=f"{exercise.params(length)} parameters",
                 why="the tutorial's model is tiny; a huge one would take minutes to train.",
                 change="fix the layer sizes (the parameter-count check shows which).")
        if tuple(model.inputs[0].shape)[1:] != X.shape[1:]:
            fail(f"{exercise}.build_model(5) takes input {shape_text(tuple(model.inputs[0].shape))}; not training it.",
                 got=shape_text(tuple(model.inputs[0].shape)), expected=shape_text((None,) + X.shape[1:]),
                 why="the tests train on the exercise's X, which your model cannot take.",
                 change="fix the input shape first (see the input-shape check).")
        if tuple(model.outputs[0].shape)[1:] != y.shape[1:] or len(layers_of(model)) == 0:
            fail(f"{exercise}.build_model(5) has output {shape_text(tuple(model.outputs[0].shape))}; not training it.",
                 got=shape_text(tuple(model.outputs[0].shape)), expected=shape_text((None,) + y.shape[1:]),
                 why="Keras would broadcast the target against a wrong output and report a meaningless loss.",
                 change="fix the output shape first (see the output-shape check).")
        keras.utils.set_random_seed(self.seed)
        fresh = self.call(exercise, "build_model", length)
        try:
            return X, y, train(fresh, X, y)
        except pytest.fail.Exception:   # pytest-timeout stopped it
            raise Broken(f"timed out: training {exercise}.build_model(5) did not finish within the time "
                         "limit.\n  Look for layers far larger than the exercise asks for.") from None
        except Exception as error:
            fail(f"training {exercise}.build_model(5) on the canonical data failed.",
                 got=f"{type(error).__name__}: {last_line(error)}",
                 expected="a model that trains on X of shape "
                          f"{shape_text(X.shape)} against y of shape {shape_text(y.shape)}",
                 why="the tests train your model on the tutorial's data with your loss and optimizer.",
                 change="check the loss, the optimizer and the layers (the other checks show which).")

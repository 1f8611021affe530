"""make_dataset(length): X and y as numpy arrays of the shapes Keras expects, holding the sequence."""
import numpy as np

from .. import advice
from ..advice import shape_diagnosis
from ..feedback import fail, shape_text
from ..registry import LENGTHS
from . import check


def check_swapped(exercise, length, X, y):
    """X and y the other way round: X of y's shape and y of X's (where the two differ)."""
    x_shape, y_shape = exercise.x_shape(length), exercise.y_shape(length)
    if x_shape != y_shape and (X.shape, y.shape) == (y_shape, x_shape):
        fail(f"{exercise.name}.X_and_y_swapped", f"{exercise}.make_dataset({length}) returned X of shape "
             f"{shape_text(X.shape)} and y of shape {shape_text(y.shape)}: y's shape and X's, the other way round.",
             got=f"X {shape_text(X.shape)}, y {shape_text(y.shape)}",
             expected=f"X {shape_text(x_shape)}, y {shape_text(y_shape)}",
             **advice.X_and_y_swapped())


def check_shape(exercise, length, name, array, expected, reading):
    if array.shape != expected:
        holds = exercise.x_holds if name == "X" else exercise.y_holds
        cause, change = shape_diagnosis(array.shape, expected, length, name, holds)
        fail(f"{exercise.name}.{name}_{cause}", f"{exercise}.make_dataset({length}) returned {name} of shape {shape_text(array.shape)}.",
             got=shape_text(array.shape),
             expected=f"{shape_text(expected)}: {reading.format(n=length)}",
             **advice.wrong_shape(name, exercise.pattern, expected),
             change=change)


def value_diagnosis(name, array, got, want, length, holds):
    """(cause, change) for values that differ from the expected ones (got, want: flat floats)."""
    same_size = got.shape == want.shape
    if same_size and np.allclose(got, want * length):
        return "values_not_divided", advice.values_change("values_not_divided", name, holds)
    if same_size and array.dtype.kind in "iu" and np.array_equal(got, np.floor(want)):
        return "integer_division", advice.values_change("integer_division", name, holds, array.dtype)
    if same_size and array.dtype.kind == "f" and array.dtype.itemsize < 4 and np.allclose(got, want, atol=1e-2):
        worst = int(np.argmax(np.abs(got - want)))
        return "low_precision", advice.values_change("low_precision", name, holds, array.dtype, (want[worst], got[worst]))
    return "wrong_values", advice.values_change("wrong_values", name, holds)


def check_values(exercise, length, name, array, expected):
    got, holds = np.ravel(array).astype(float), exercise.x_holds if name == "X" else exercise.y_holds
    want = expected.ravel()
    if got.shape == want.shape and np.allclose(got, want, atol=1e-6):
        return
    cause, change = value_diagnosis(name, array, got, want, length, holds)
    dtype = f" ({array.dtype})" if array.dtype not in (np.float32, np.float64) else ""
    fail(f"{exercise.name}.{name}_{cause}", f"{exercise}.make_dataset({length}) returned {name} holding other values than {holds}.",
         got=np.array2string(np.ravel(array)[:10], precision=3) + (" ..." if got.size > 10 else "") + dtype,
         expected=np.array2string(expected.ravel(), precision=3) + " (flattened)",
         **advice.wrong_values(exercise.x_holds, exercise.y_holds),
         change=change)


@check("dataset")
def test_make_dataset_returns_X_and_y_as_numpy_arrays(kata, exercise):
    X, y = kata.dataset(exercise, 5)
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)


@check("dataset", lengths=LENGTHS)
def test_X_has_shape_samples_timesteps_features(kata, exercise, length):
    X, y = kata.dataset(exercise, length)
    check_swapped(exercise, length, X, y)
    check_shape(exercise, length, "X", X, exercise.x_shape(length), exercise.x_reading)


@check("dataset", lengths=LENGTHS)
def test_y_has_the_shape_of_the_model_output(kata, exercise, length):
    X, y = kata.dataset(exercise, length)
    check_swapped(exercise, length, X, y)
    check_shape(exercise, length, "y", y, exercise.y_shape(length), exercise.y_reading)


@check("dataset", lengths=LENGTHS)
def test_X_holds_the_sequence(kata, exercise, length):
    X, _ = kata.dataset(exercise, length)
    check_values(exercise, length, "X", X, exercise.canonical(length)[0])


@check("dataset", lengths=LENGTHS)
def test_y_holds_the_sequence(kata, exercise, length):
    _, y = kata.dataset(exercise, length)
    check_values(exercise, length, "y", y, exercise.canonical(length)[1])

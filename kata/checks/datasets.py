"""make_dataset(length): X and y as numpy arrays of the shapes Keras expects, holding the sequence."""
import numpy as np

from ..advice import WHY_SHAPE, axes_text, shape_diagnosis
from ..feedback import fail, shape_text
from ..registry import LENGTHS
from . import check


def check_shape(exercise, length, name, array, expected, reading):
    if array.shape != expected:
        cause, change = shape_diagnosis(array.shape, expected, length, name)
        fail(f"{exercise.name}.{name}_{cause}", f"{exercise}.make_dataset({length}) returned {name} of shape {shape_text(array.shape)}.",
             got=shape_text(array.shape),
             expected=f"{shape_text(expected)}: {reading.format(n=length)}",
             why=WHY_SHAPE[name].format(pattern=exercise.pattern, output=shape_text((None,) + expected[1:]),
                                  axes=axes_text(expected)),
             change=change)


def check_values(exercise, length, name, array, expected):
    got, holds = np.ravel(array).astype(float), exercise.x_holds if name == "X" else exercise.y_holds
    want = expected.ravel()
    same_size = got.shape == want.shape
    if same_size and np.allclose(got, want, atol=1e-6):
        return
    cause = "values_not_divided" if same_size and np.allclose(got, want * length) else "wrong_values"
    if cause == "values_not_divided":
        change = "divide by the length: the values are i / length, so 0.0 0.2 ... 0.8 for length 5."
    elif holds == "the sequence":
        change = "fill it from the sequence [i / length for i in range(length)], then reshape."
    else:
        change = f"it should hold {holds}, built from the sequence [i / length for i in range(length)]."
    fail(f"{exercise.name}.{name}_{cause}", f"{exercise}.make_dataset({length}) returned {name} holding other values than {holds}.",
         got=np.array2string(got[:10], precision=3) + (" ..." if got.size > 10 else ""),
         expected=np.array2string(expected.ravel(), precision=3) + " (flattened)",
         why=f"the model learns {exercise.y_holds} from {exercise.x_holds}, so the data must hold exactly these values.",
         change=change)


@check("dataset")
def test_make_dataset_returns_X_and_y_as_numpy_arrays(kata, exercise):
    X, y = kata.dataset(exercise, 5)
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)


@check("dataset", lengths=LENGTHS)
def test_X_has_shape_samples_timesteps_features(kata, exercise, length):
    X, _ = kata.dataset(exercise, length)
    check_shape(exercise, length, "X", X, exercise.x_shape(length), exercise.x_reading)


@check("dataset", lengths=LENGTHS)
def test_y_has_the_shape_of_the_model_output(kata, exercise, length):
    _, y = kata.dataset(exercise, length)
    check_shape(exercise, length, "y", y, exercise.y_shape(length), exercise.y_reading)


@check("dataset", lengths=LENGTHS)
def test_X_holds_the_sequence(kata, exercise, length):
    X, _ = kata.dataset(exercise, length)
    check_values(exercise, length, "X", X, exercise.canonical(length)[0])


@check("dataset", lengths=LENGTHS)
def test_y_holds_the_sequence(kata, exercise, length):
    _, y = kata.dataset(exercise, length)
    check_values(exercise, length, "y", y, exercise.canonical(length)[1])

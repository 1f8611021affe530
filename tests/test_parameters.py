"""Graded checks for bonus exercise parameters: count LSTM and Dense weights as Keras does, and see
why TimeDistributed(Dense(1)) on five timesteps has 6 weights where Dense(5) has 30.

Not a model exercise (no make_dataset, no build_model): the expected counts come from Keras's
own count_params() on layers built here, never from a formula of ours.
"""
import functools
import numbers

from tests.support.feedback import fail

EXERCISE = "parameters"
SIZES = [(units, input_dim) for units in (1, 2, 5, 8, 32) for input_dim in (1, 3, 5, 16)]
TIMESTEPS = (1, 5, 50)
TUTORIAL = 5          # the tutorial's length: LSTM(5), five timesteps

GATES = ("an LSTM has four gates (input, forget, cell, output); each gate gives every unit a weight "
         "per input feature, a weight per previous output (units of them) and a bias.")
UNITS = "every unit has a weight per input value and a bias."
WHY = {"lstm_params": GATES, "dense_params": UNITS}
LAYER = {"lstm_params": "LSTM({units}) fed {input_dim} feature(s)", "dense_params": "Dense({units}) fed {input_dim} value(s)"}
SHOWN = 8   # wrong sizes listed in a failure

# Formulas learners write by mistake, each with what it misses and the fix: (formula, why, change).
MISTAKES = {
    "lstm_params": [
        (lambda u, i: 4 * (((i + 1) * u + u) ^ 2),
         "that is the tutorial's 4 * ((inputs + 1) * outputs + outputs^2) typed into Python: ^ is bitwise "
         "XOR, not a power, and it binds after +, so it XORs the whole sum with 2.",
         "write the square as outputs ** 2 (or outputs * outputs)."),
        (lambda u, i: 4 * ((i + 1) * u + (u ^ 2)),
         "that is the tutorial's formula with outputs^2 typed into Python: ^ is bitwise XOR, not a power "
         "(5 ^ 2 == 7, not 25).",
         "write the square as outputs ** 2 (or outputs * outputs)."),
        (lambda u, i: u * (i + u + 1), "that is one gate's count; " + GATES, "multiply by the 4 gates."),
        (lambda u, i: 4 * u * (i + u), "the biases are missing; " + GATES, "add one bias per unit to each gate."),
        (lambda u, i: 4 * u * (i + 1), "the recurrent weights are missing; " + GATES,
         "each gate also reads the LSTM's previous output: units more weights per unit."),
        (lambda u, i: 4 * i * (u + i + 1), "units and input_dim are swapped.",
         "the first argument is units, the second input_dim."),
    ],
    "dense_params": [
        (lambda u, i: u * i, "the biases are missing; " + UNITS, "add one bias per unit."),
        (lambda u, i: i * (u + 1), "units and input_dim are swapped.",
         "the first argument is units, the second input_dim."),
    ],
}


@functools.cache
def keras_params(function, units, input_dim):
    """Keras's count_params() for the layer that function describes."""
    import keras
    if function == "lstm_params":
        layer, shape = keras.layers.LSTM(units), (None, None, input_dim)
    else:
        layer, shape = keras.layers.Dense(units), (None, input_dim)
    layer.build(shape)
    return layer.count_params()


@functools.cache
def keras_time_distributed_dense_1(timesteps, input_dim):
    import keras
    layer = keras.layers.TimeDistributed(keras.layers.Dense(1))
    layer.build((None, timesteps, input_dim))
    return layer.count_params()


def your_count(kata, function, units, input_dim):
    """The learner's function at one size, as an int; a plain failure for a non-int or negative answer."""
    called = f"parameters.{function}({units}, {input_dim})"
    value = kata.implementation.call("parameters", function, units, input_dim)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        fail(f"{called} returned {value!r}" + ("." if value is None else f", a {type(value).__name__}."),
             got=repr(value), expected="a whole number (an int), as Keras's count_params() returns",
             why="a layer has a whole number of weights.",
             change="end the function with: return <the count>" if value is None
             else "return the number itself, not text." if isinstance(value, str)
             else "keep to whole numbers: + * and ** give an int; / gives a float, so do not divide.")
    if value < 0:
        fail(f"{called} returned {value}.", got=str(value), expected="a count: 0 or more",
             why="a layer cannot have fewer than no weights.",
             change="check the signs in your formula: every weight adds to the count.")
    return int(value)


def diagnosis(function, answers):
    """(why, change) of the mistake that gives every one of the answers, or the general rule."""
    for formula, why, change in MISTAKES[function]:
        if all(formula(*size) == got for size, got in answers.items()):
            return why, change
    return WHY[function], "compare your formula with that, term by term."


def wrong_sizes_table(function, wrong):
    lines = ["    units  input_dim    yours    Keras"]
    for (units, input_dim), got in list(wrong.items())[:SHOWN]:
        lines.append(f"    {units:5d}  {input_dim:9d}  {got:7d}  {keras_params(function, units, input_dim):7d}")
    if len(wrong) > SHOWN:
        lines.append(f"    ... and {len(wrong) - SHOWN} more wrong sizes")
    return "\n".join(lines)


def check_counts(kata, function, sizes):
    """The learner's function against Keras at every size; one failure naming the wrong sizes."""
    answers = {size: your_count(kata, function, *size) for size in sizes}
    wrong = {size: got for size, got in answers.items() if got != keras_params(function, *size)}
    if wrong:
        (units, input_dim), got = next(iter(wrong.items()))
        why, change = diagnosis(function, answers)
        layer = LAYER[function].format(units=units, input_dim=input_dim)
        fail(f"parameters.{function}({units}, {input_dim}) returned {got}"
             + (f", and {len(wrong) - 1} more sizes are wrong." if len(wrong) > 1 else "."),
             got=str(got), expected=f"{keras_params(function, units, input_dim)}: Keras's count for {layer}",
             why=why, change=change, details=wrong_sizes_table(function, wrong) if len(wrong) > 1 else "")


def test_dense_params_of_the_tutorials_dense(kata):
    check_counts(kata, "dense_params", [(1, TUTORIAL)])


def test_dense_params_at_many_sizes(kata):
    check_counts(kata, "dense_params", SIZES)


def test_time_distributed_dense_1_shares_its_weights_across_timesteps(kata):
    n = TUTORIAL
    shared = {t: keras_time_distributed_dense_1(t, n) for t in TIMESTEPS}
    whole = keras_params("dense_params", n, n)
    yours_shared, yours_whole = your_count(kata, "dense_params", 1, n), your_count(kata, "dense_params", n, n)
    if set(shared.values()) != {yours_shared} or yours_whole != whole:
        fail(f"parameters.dense_params(1, {n}) = {yours_shared} and dense_params({n}, {n}) = {yours_whole} "
             "do not give the counts of the tutorial's two output layers.",
             got=f"TimeDistributed(Dense(1)) {yours_shared}, Dense({n}) {yours_whole}",
             expected=f"TimeDistributed(Dense(1)) {shared[n]}, Dense({n}) {whole} (Keras's count_params())",
             why=f"TimeDistributed applies one Dense(1) to every timestep: its {shared[n]} weights are shared, "
                 f"so Keras counts {shared[n]} on {', '.join(map(str, TIMESTEPS))} timesteps alike. Dense({n}) "
                 f"maps the many-to-one LSTM's one vector of {n} to {n} outputs at once: {whole} weights.",
             change="get dense_params right first (its own checks say how): TimeDistributed adds nothing to "
                    "it, since one Dense(1) serves every timestep, with no factor for the timesteps.",
             details="\n".join(f"    TimeDistributed(Dense(1)) on {t:2d} timesteps of {n} features: Keras counts {c}"
                               for t, c in shared.items()))


def test_lstm_params_of_the_tutorials_lstm(kata):
    check_counts(kata, "lstm_params", [(TUTORIAL, 1)])


def test_lstm_params_at_many_sizes(kata):
    check_counts(kata, "lstm_params", SIZES)

"""parameters: count LSTM and Dense weights as Keras does, and see why TimeDistributed(Dense(1)) on
five timesteps has 6 weights where Dense(5) has 30.

Not a model exercise (no make_dataset, no build_model): the expected counts come from Keras's own
count_params() on layers built here, never from a formula of ours.
"""
import functools

from .. import advice
from ..advice import counting_diagnosis
from ..feedback import fail
from ..registry import SIZES, TUTORIAL
from . import check

TIMESTEPS = (1, 5, 50)

LAYER = {"lstm_params": "LSTM({units}) fed {input_dim} feature(s)", "dense_params": "Dense({units}) fed {input_dim} value(s)"}
SHOWN = 8   # wrong sizes listed in a failure

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
    value = kata.count(function, units, input_dim)
    if "int" not in value:
        kind = value["type"].rsplit(".", 1)[-1]
        shown = value.get("repr") or f"<a {value['type']}>"
        fail("parameters.not_a_whole_number", f"{called} returned {shown}" + ("." if kind == "NoneType" else f", a {kind}."),
             got=shown, expected="a whole number (an int), as Keras's count_params() returns",
             **advice.not_a_whole_number(kind, kata.source("parameters")))
    if value["int"] < 0:
        fail("parameters.negative_count", f"{called} returned {value['int']}.", got=str(value["int"]),
             expected="a count: 0 or more", **advice.negative_count())
    return value["int"]


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
        cause, why, change = counting_diagnosis(function, answers)
        layer = LAYER[function].format(units=units, input_dim=input_dim)
        fail(f"parameters.{function}.{cause}", f"parameters.{function}({units}, {input_dim}) returned {got}"
             + (f", and {len(wrong) - 1} more sizes are wrong." if len(wrong) > 1 else "."),
             got=str(got), expected=f"{keras_params(function, units, input_dim)}: Keras's count for {layer}",
             why=why, change=change, details=wrong_sizes_table(function, wrong) if len(wrong) > 1 else "")


@check("parameters")
def test_dense_params_of_the_tutorials_dense(kata):
    check_counts(kata, "dense_params", [(1, TUTORIAL)])


@check("parameters")
def test_dense_params_at_many_sizes(kata):
    check_counts(kata, "dense_params", SIZES)


@check("parameters")
def test_time_distributed_dense_1_shares_its_weights_across_timesteps(kata):
    n = TUTORIAL
    shared = {t: keras_time_distributed_dense_1(t, n) for t in TIMESTEPS}
    whole = keras_params("dense_params", n, n)
    yours_shared, yours_whole = your_count(kata, "dense_params", 1, n), your_count(kata, "dense_params", n, n)
    if set(shared.values()) != {yours_shared} or yours_whole != whole:
        fail("parameters.time_distributed_count", f"parameters.dense_params(1, {n}) = {yours_shared} and dense_params({n}, {n}) = {yours_whole} "
             "do not give the counts of the tutorial's two output layers.",
             got=f"TimeDistributed(Dense(1)) {yours_shared}, Dense({n}) {yours_whole}",
             expected=f"TimeDistributed(Dense(1)) {shared[n]}, Dense({n}) {whole} (Keras's count_params())",
             **advice.time_distributed_count(n, shared[n], whole, TIMESTEPS),
             details="\n".join(f"    TimeDistributed(Dense(1)) on {t:2d} timesteps of {n} features: Keras counts {c}"
                               for t, c in shared.items()))


@check("parameters")
def test_lstm_params_of_the_tutorials_lstm(kata):
    check_counts(kata, "lstm_params", [(TUTORIAL, 1)])


@check("parameters")
def test_lstm_params_at_many_sizes(kata):
    check_counts(kata, "lstm_params", SIZES)

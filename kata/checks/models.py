"""build_model(length): the layers, shapes, parameter counts and compile settings of each architecture."""
from .. import advice
from ..advice import layer_advice
from ..architecture import (class_name, family, layer_code, layer_name, layers_of, output_activation, output_for,
                            recurrent_layers, takes, trainable_count)
from ..feedback import code_shape, fail, shape_text
from ..registry import LENGTHS
from . import check


@check("model")
def test_build_model_returns_a_keras_model(kata, exercise):
    import keras
    assert isinstance(kata.model(exercise, 5), keras.Model)


@check("model", lengths=LENGTHS)
def test_input_shape_is_timesteps_by_features(kata, exercise, length):
    model = kata.built(exercise, length)
    got, x_shape = tuple(model.inputs[0].shape), exercise.x_shape(length)
    expected = (None,) + x_shape[1:]
    if not takes(got, x_shape):     # None (any size) or X's size on each axis; a batch size X's samples fill
        hard_coded = length != 5 and 5 in got[1:] and 5 not in expected
        batch = not hard_coded and takes((None,) + got[1:], x_shape)
        samples = f"X's {x_shape[0]} sample{'s' if x_shape[0] != 1 else ''}"
        fail(f"{exercise.name}.{'input_length_hard_coded' if hard_coded else 'input_batch_size' if batch else 'input_shape'}",
             f"{exercise}.build_model({length}) takes input of shape {shape_text(got)}.", got=shape_text(got),
             expected=f"{shape_text(expected)}: any number of samples, each {shape_text(expected[1:])} "
                      + ("(timesteps, features)" if len(expected) == 3 else "(features): no timesteps axis"),
             **advice.input_shape(code_shape(expected[1:], length), samples, got[0] if batch else None, hard_coded))


@check("model", lengths=LENGTHS)
def test_output_shape_matches_y(kata, exercise, length):
    model = kata.built(exercise, length)
    got, expected = output_for(model, exercise.x_shape(length)), (None,) + exercise.y_shape(length)[1:]
    if not takes(got, exercise.y_shape(length)):    # the output X gives, where the input takes any timesteps
        fail(f"{exercise.name}.output_shape", f"{exercise}.build_model({length}) outputs shape {shape_text(got)}.", got=shape_text(got),
             expected=shape_text(expected), **advice.output_shape(),
             details=kata.layer_table(exercise, length))


def layer_facts(exercise, layers):
    """layer_advice's arguments for the learner's layers: their families, the expected ones, each
    layer's return_sequences, their names, the expected layers as code and the input as code."""
    return (exercise.pattern, [family(layer) for layer in layers], exercise.families(),
            [getattr(layer, "return_sequences", None) for layer in layers], [layer_name(layer) for layer in layers],
            [layer_code(row.layer, 5) for row in exercise.layers(5)],
            f"keras.Input(shape={code_shape(exercise.x_shape(5)[1:], 5)})")


def fail_if_not_lstm(exercise, model, length, called):
    """Where an LSTM check finds fewer LSTMs than the exercise has because another recurrent layer
    (GRU, SimpleRNN, Bidirectional) stands in for one: fail naming it, as the layers check does."""
    others = [layer for layer in recurrent_layers(model) if class_name(layer) != "LSTM"]
    lstms = [layer for layer in layers_of(model) if class_name(layer) == "LSTM"]
    if not others or len(lstms) >= len(exercise.lstm_units(length)):
        return
    cause, why, change = layer_advice(*layer_facts(exercise, layers_of(model)))
    named = ", ".join(layer_name(layer) for layer in others)
    fail(f"{exercise.name}.other_recurrent_layer", f"{called} has {named} where this exercise has an LSTM.",
         got=named, expected=" then ".join(f"LSTM({units})" for units in exercise.lstm_units(length)),
         **({"why": why, "change": change} if cause == "other_recurrent_layer" else advice.not_lstm(named)))


@check("model", points=4)   # the kata's central idea: which layers, and TimeDistributed where it belongs
def test_layers_are_the_architecture_of_the_exercise(kata, exercise):
    layers = layers_of(kata.built(exercise, 5))
    got, expected = [family(layer) for layer in layers], exercise.families()
    if got != expected:
        cause, why, change = layer_advice(*layer_facts(exercise, layers))
        fail(f"{exercise.name}.{cause}", f"{exercise}.build_model(5) has layers {' -> '.join(got) or 'none'}.",
             got=" -> ".join(got) or "no layers", expected=" -> ".join(expected),
             why=why, change=change, details=kata.layer_table(exercise, 5))


@check("model")
def test_output_layer_has_no_activation(kata, exercise):
    model = kata.built(exercise, 5)
    activation = output_activation(model)
    if activation != "linear":
        fail(f"{exercise.name}.output_activation", f"{exercise}.build_model(5) ends with {layer_name(layers_of(model)[-1])} with activation='{activation}'.",
             got=f"activation='{activation}'", expected="no activation (linear), as in the tutorial",
             **advice.output_activation(layer_name(layers_of(model)[-1])))


@check("model")
def test_lstm_return_sequences(kata, exercise):
    model = kata.built(exercise, 5)
    got = [layer.return_sequences for layer in layers_of(model) if class_name(layer) == "LSTM"]
    expected = exercise.lstm_returns_sequences(5)
    if got != expected:
        fail_if_not_lstm(exercise, model, 5, f"{exercise}.build_model(5)")
        wanted = expected[0] if expected else None
        fail(f"{exercise.name}.return_sequences", f"{exercise}.build_model(5): LSTM return_sequences is {got if len(got) != 1 else got[0]}.",
             got=f"return_sequences={got}", expected=f"return_sequences={expected}",
             **advice.return_sequences(expected, wanted, exercise.pattern),
             details=kata.layer_table(exercise, 5))


def time_distributed_facts(exercise, model):
    """advice.time_distributed's facts of a model that lacks TimeDistributed, from its own layers:
    what follows its last recurrent layer (a bare Dense to wrap, or Dense -> Reshape, Conv1D... to
    replace), that layer, and whether it hands on only its last output."""
    layers, recurrent = layers_of(model), recurrent_layers(model)
    tail = layers[layers.index(recurrent[-1]) + 1:] if recurrent else layers     # after the last recurrent layer
    lstm = [row.layer for row in exercise.layers(5) if row.layer.kind == "LSTM"][-1]
    return dict(tail=[(class_name(layer), layer_name(layer)) for layer in tail],
                last_recurrent=layer_name(recurrent[-1]) if recurrent else None,
                returns_last_only=bool(recurrent) and getattr(recurrent[-1], "return_sequences", True) is False,
                lstm_code=layer_code(lstm, 5))


@check("model")
def test_time_distributed_only_where_every_timestep_has_an_output(kata, exercise):
    model = kata.built(exercise, 5)
    has = any(class_name(layer) == "TimeDistributed" for layer in layers_of(model))
    if has != exercise.uses_time_distributed():
        fail(f"{exercise.name}.{'time_distributed_not_wanted' if has else 'time_distributed_missing'}", f"{exercise}.build_model(5) {'uses' if has else 'does not use'} TimeDistributed.",
             got="TimeDistributed present" if has else "no TimeDistributed",
             expected="TimeDistributed(Dense(1))" if not has else "no TimeDistributed",
             **advice.time_distributed(has, exercise.pattern, **({} if has else time_distributed_facts(exercise, model))))


@check("model", lengths=LENGTHS)
def test_lstm_units_follow_the_length(kata, exercise, length):
    model = kata.built(exercise, length)
    got, expected = [layer.units for layer in layers_of(model) if class_name(layer) == "LSTM"], exercise.lstm_units(length)
    if got != expected:
        fail_if_not_lstm(exercise, model, length, f"{exercise}.build_model({length})")
        wrong = next((mine for mine, theirs in zip(got, expected) if mine != theirs), None)
        fail(f"{exercise.name}.lstm_units", f"{exercise}.build_model({length}) has LSTM units {got}.", got=f"units {got}",
             expected=" then ".join(f"LSTM({units})" for units in expected),
             **advice.lstm_units(wrong, len(expected)))


@check("model", lengths=LENGTHS)
def test_parameter_count(kata, exercise, length):
    model = kata.built(exercise, length)
    got, expected = model.count_params(), exercise.params(length)
    if got != expected:
        fail(f"{exercise.name}.parameter_count", f"{exercise}.build_model({length}) has {got:,} parameters.", got=f"{got:,}", expected=f"{expected:,}",
             **advice.parameter_count(),
             details=kata.layer_table(exercise, length))


@check("model")
def test_every_parameter_is_trainable(kata, exercise):
    model = kata.built(exercise, 5)
    trainable = trainable_count(model)
    if trainable != model.count_params():
        fail(f"{exercise.name}.frozen_layers", f"{exercise}.build_model(5) has {model.count_params() - trainable} frozen parameters.",
             got=f"{trainable} trainable of {model.count_params()}", expected="all trainable",
             **advice.frozen_layers())


def loss_name(loss):
    import keras
    if isinstance(loss, str):
        try:
            loss = keras.losses.get(loss)
        except ValueError:
            return loss
    if isinstance(loss, keras.losses.MeanSquaredError):
        return "mean_squared_error"
    return getattr(getattr(loss, "fn", loss), "__name__", type(loss).__name__)


@check("model")
def test_compiled_with_mean_squared_error(kata, exercise):
    loss = kata.compiled(exercise, 5).loss
    if loss is None or loss_name(loss) != "mean_squared_error":
        fail(f"{exercise.name}.loss", f"{exercise}.build_model(5) is compiled with loss {loss_name(loss) if loss else 'None'}.",
             got=str(loss_name(loss)) if loss else "no loss", expected="mean squared error",
             **advice.loss())


@check("model")
def test_compiled_with_adam(kata, exercise):
    optimizer = kata.compiled(exercise, 5).optimizer
    if type(optimizer).__name__ != "Adam":
        fail(f"{exercise.name}.optimizer", f"{exercise}.build_model(5) is compiled with optimizer {type(optimizer).__name__}.",
             got=type(optimizer).__name__, expected="Adam",
             **advice.optimizer())

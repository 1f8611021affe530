"""The teaching advice, in one place: why a shape, a layer or a formula is wrong and what to change.

An instructor improving what learners are told edits this module. Every function here is pure: it
takes facts (shapes, layer families, names) and returns sentences; the checks decide when to say them.
"""
import math
import re

from .feedback import code_shape, shape_text

# --- data shapes --------------------------------------------------------------------------------

WHY_SHAPE = {
    "X": "Keras reads X as {axes}; that choice is what makes this {pattern}.",
    "y": "the model outputs {output}, and y must hold its targets in that same shape. Keras does not "
         "stop a y of another shape: it quietly adds or broadcasts axes, so fit() runs and the mistake hides.",
}


def axes_text(shape):
    """How Keras reads an array of this many axes: an LSTM's 3D input, or a 2D one such as RepeatVector's."""
    return {3: "(samples, timesteps, features)", 2: "(samples, features)"}.get(len(shape), f"{len(shape)} axes")


def reading(shape):
    """'1 sample of 5 timesteps, each 1 feature' for (1, 5, 1): how an LSTM reads a 3D X."""
    def count(n, word):
        return f"{n} {word}" + ("" if n == 1 else "s")
    samples, timesteps, features = shape
    return f"{count(samples, 'sample')} of {count(timesteps, 'timestep')}, each {count(features, 'feature')}"


def shape_diagnosis(got, expected, length, name="X"):
    """(cause, sentence): the most likely reason a data shape (of X or y) is wrong, with its fix."""
    got, expected = tuple(got), tuple(expected)
    if len(got) != len(expected):
        if name == "y":
            each = " (samples, timesteps, outputs): one value at each timestep" if len(expected) == 3 else ""
            return "axes_missing", (f"y needs the {len(expected)} axes of the model's output{each}. "
                                    f"Use .reshape{code_shape(expected, length)}.")
        if len(expected) == 3:
            return "not_3d", (f"an LSTM reads 3D input (samples, timesteps, features); yours is {len(got)}D. "
                              f"Use .reshape{code_shape(expected, length)}.")
        return "axes_count", f"this array is {len(expected)}D; use .reshape{code_shape(expected, length)}."
    if sorted(got) == sorted(expected) and name == "X" and len(got) == 3:
        return "axes_swapped", (f"the axes are in the wrong order: Keras reads {shape_text(got)} as {reading(got)}. "
                                f"Use .reshape{code_shape(expected, length)}: {reading(expected)}.")
    if sorted(got) == sorted(expected):
        return "axes_swapped", (f"the axes are in the wrong order: Keras reads {axes_text(expected)}. "
                                f"Use .reshape{code_shape(expected, length)}.")
    if length != 5 and 5 in got and 5 not in expected:
        return "length_hard_coded", (f"a length of 5 is hard-coded: write .reshape{code_shape(expected, length)} "
                                     f"with the length argument, so length={length} gives {shape_text(expected)}.")
    if math.prod(got) != math.prod(expected):
        return "wrong_values", (f"{name} holds {math.prod(got)} values where it needs {math.prod(expected)}: no reshape "
                                f"fixes that. The values themselves are wrong: see which values {name} should hold.")
    return "wrong_shape", f"use .reshape{code_shape(expected, length)}."


# --- layers -------------------------------------------------------------------------------------

def layer_advice(pattern, got, expected, return_sequences):
    """(cause, why, change) for the first layer family that differs from the expected ones.
    got and expected are families ('LSTM', 'TimeDistributed(Dense)'); return_sequences[i] is the
    learner's i-th layer's return_sequences (None for a layer without one)."""
    if len(got) != len(expected):
        return ("layer_count", f"your model has {len(got)} layers after the input; this exercise has {len(expected)}.",
                "build exactly: " + " -> ".join(expected) + ".")
    for i, (mine, theirs) in enumerate(zip(got, expected)):
        if mine == "Dense" and theirs == "TimeDistributed(Dense)" and i and return_sequences[i - 1] is False:
            return ("dense_after_last_output",
                    "your LSTM hands on only its last output, and the Dense after it maps that one "
                    "vector; this exercise wants an output at every timestep, from one Dense(1) applied "
                    "to each.",
                    "give the LSTM return_sequences=True, and wrap the output layer: TimeDistributed(Dense(1)).")
        if mine == "Dense" and theirs == "TimeDistributed(Dense)":
            return ("dense_not_time_distributed",
                    "in Keras 3 a bare Dense after an LSTM that returns every timestep acts on each "
                    "timestep, with the same shape and weights as TimeDistributed(Dense(1)); but this "
                    "exercise is about applying one Dense layer to every timestep explicitly.",
                    "wrap it as TimeDistributed(Dense(1)).")
        if mine == "TimeDistributed(Dense)" and theirs == "Dense":
            return ("time_distributed_not_wanted",
                    f"in {pattern} the LSTM's last output is one vector, and one Dense layer "
                    "maps it to the whole output at once; TimeDistributed is for many-to-many.",
                    "use a plain Dense layer here, not TimeDistributed(...).")
        if mine in ("GRU", "SimpleRNN") and theirs == "LSTM":
            return ("other_recurrent_layer",
                    f"{mine} is another recurrent layer, with other gates and another weight count; "
                    f"{pattern} here, as in the tutorial, is built as " + " -> ".join(expected) + ".",
                    f"replace {mine}(length) with LSTM(length).")
        if mine != theirs:
            return ("wrong_layer", f"{pattern} is built as " + " -> ".join(expected) + ".",
                    f"replace {mine} with {theirs}.")
    return "layers", "", ""


# Keras errors a learner of this kata meets, by a phrase of their message, with what they mean here.
KERAS_ADVICE = {
    "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions":
        "TimeDistributed applies a layer at every timestep, so its input must be (samples, timesteps, "
        "features); the LSTM before it outputs only its last step. Give that LSTM return_sequences=True.",
    "No module named 'keras.layers.":
        "Keras 3 keeps every layer directly in keras.layers: from keras.layers import LSTM, Dense.",
    "expected ndim=3, found ndim=2":
        "an LSTM reads 3D (samples, timesteps, features), but what reaches it is 2D, with no timesteps "
        "axis. Where the input itself is one vector per sample, RepeatVector(timesteps) before the LSTM "
        "makes the timesteps; where it is a sequence, keras.Input(shape=(timesteps, features)) keeps "
        "them; an LSTM that feeds another LSTM needs return_sequences=True.",
    "expected ndim=2, found ndim=3":
        "RepeatVector repeats one vector (samples, features), but the layer before it passes on every "
        "timestep (samples, timesteps, units). An encoder LSTM before RepeatVector keeps its default "
        "return_sequences=False, so it hands on only its last output.",
}


# The same error in an exercise where the usual fix is wrong: {(exercise, phrase): advice}.
EXERCISE_ADVICE = {
    ("many_to_one", "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions"):
        "TimeDistributed applies a layer at every timestep, but in many-to-one the LSTM rightly hands on "
        "only its last output, one vector. Remove TimeDistributed and map that vector with a plain "
        "Dense(length): all the outputs at once.",
}

# Keras 1 and 2 spellings that Keras 3 no longer knows, by a phrase of the error they cause.
OLD_KERAS = {
    "cannot import name 'TimeDistributedDense'":
        "TimeDistributedDense is Keras 1; Keras 3 writes it TimeDistributed(Dense(1)).",
    "Unrecognized keyword arguments passed to Model: {'input'":
        "Model(input=..., output=...) is Keras 1; Keras 3 writes Model(inputs=..., outputs=...).",
    "missing 1 required positional argument: 'units'":
        "output_dim= is Keras 1; Keras 3 names a layer's size units: LSTM(length) or LSTM(units=length).",
}

RESHAPE = re.compile(r"cannot reshape array of size (\d+) into shape \(([\d, ]+)\)")


def reshape_advice(message):
    """A reshape whose numbers do not fit the length the tests asked for."""
    found = RESHAPE.search(message)
    if not found:
        return None
    size, shape = found.group(1), found.group(2)
    return (f"the array holds {size} values (the length the tests asked for), but the shape ({shape}) has "
            "a number fixed in it. Write the shape with the length argument, e.g. .reshape(length, 1), "
            "so it fits every length the tests try (5, 3 and 8).")


def keras_advice(message, exercise=None):
    """'\n  what it means: ...' for an error this kata explains (in this exercise), else ''."""
    advice = [text for (name, phrase), text in EXERCISE_ADVICE.items() if name == exercise and phrase in message]
    advice += [text for phrase, text in {**OLD_KERAS, **KERAS_ADVICE}.items() if phrase in message]
    advice += [text for text in [reshape_advice(message)] if text]
    return f"\n  what it means: {advice[0]}" if advice else ""


# --- tips: what the worker noticed while calling the learner's functions -----------------------

TIPS = {   # by the note the worker records
    "input_shape": "You pass input_shape= to a layer. That works, but Keras 3 prefers "
                   "keras.Input(shape=(timesteps, features)) as the first layer.",
    "fit": "build_model calls model.fit(...): the tests train the model themselves, so that call was "
           "skipped. Return the compiled model untrained; you can delete the fit.",
}


# --- training -----------------------------------------------------------------------------------

CANNOT_REACH = {
    "softmax": "softmax makes the outputs sum to 1 (over a single value it is always 1.0)",
    "sigmoid": "sigmoid squeezes every output into (0, 1) and learns slowly near its ends",
    "relu": "relu cannot output below 0 and stops learning where it outputs 0",
    "tanh": "tanh squeezes every output into (-1, 1)",
}


def output_activation_change(last_layer):
    """What to change when the output layer has an activation: for a recurrent output layer, whose
    tanh the learner never wrote, the layer itself."""
    if last_layer.split("(")[0] in ("LSTM", "GRU", "SimpleRNN"):
        return (f"{last_layer} applies tanh, its default activation, that you did not write: end the model "
                "with a Dense layer after the recurrent one.")
    if "Activation" in last_layer:
        return f"remove the {last_layer} layer at the end: the model ends with its output layer, linear."
    return "remove the activation= argument from the output layer."


def likely_cause(last_layer, activation, optimizer, frozen):
    """What to change when training misses: the output activation when it is not linear, else the
    optimizer, frozen layers, or the usual suspects."""
    if activation == "tanh" and last_layer.split("(")[0] in ("LSTM", "GRU", "SimpleRNN"):
        return (f"the output layer is {last_layer}, whose output passes through tanh (a recurrent layer's "
                "default activation), so it stays inside (-1, 1) and learns slowly near its ends. End the "
                "model with a Dense layer after the recurrent one: a regression output is linear.")
    if activation != "linear":
        reason = CANNOT_REACH.get(activation, f"{activation} bends the output")
        return (f"the output layer {last_layer} has activation='{activation}': {reason}. "
                "Remove the activation: a regression output is linear.")
    if optimizer != "Adam":
        return (f"the optimizer is {optimizer}: with the tests' training budget, as in the tutorial, "
                "Adam reaches the targets. Use optimizer='adam'.")
    if frozen:
        return "some layers are frozen (trainable=False): remove that, so every weight can learn."
    return ("look for an output activation that cannot reach the targets (softmax, relu, "
            "sigmoid), frozen layers, or a loss other than mean squared error.")


# --- parameters ---------------------------------------------------------------------------------

GATES = ("an LSTM has four gates (input, forget, cell, output); each gate gives every unit a weight "
         "per input feature, a weight per previous output (units of them) and a bias.")
UNITS = "every unit has a weight per input value and a bias."
WHY_COUNT = {"lstm_params": GATES, "dense_params": UNITS}

# Formulas learners write by mistake, each with its cause, what it misses and the fix.
COUNTING_MISTAKES = {
    "lstm_params": [
        ("xor_whole_sum", lambda u, i: 4 * (((i + 1) * u + u) ^ 2),
         "that is the tutorial's 4 * ((inputs + 1) * outputs + outputs^2) typed into Python: ^ is bitwise "
         "XOR, not a power, and it binds after +, so it XORs the whole sum with 2.",
         "write the square as outputs ** 2 (or outputs * outputs)."),
        ("xor_square", lambda u, i: 4 * ((i + 1) * u + (u ^ 2)),
         "that is the tutorial's formula with outputs^2 typed into Python: ^ is bitwise XOR, not a power "
         "(5 ^ 2 == 7, not 25).",
         "write the square as outputs ** 2 (or outputs * outputs)."),
        ("one_gate", lambda u, i: u * (i + u + 1), "that is one gate's count; " + GATES, "multiply by the 4 gates."),
        ("no_biases", lambda u, i: 4 * u * (i + u), "the biases are missing; " + GATES,
         "add one bias per unit to each gate."),
        ("no_recurrent_weights", lambda u, i: 4 * u * (i + 1), "the recurrent weights are missing; " + GATES,
         "each gate also reads the LSTM's previous output: units more weights per unit."),
        ("arguments_swapped", lambda u, i: 4 * i * (u + i + 1), "units and input_dim are swapped.",
         "the first argument is units, the second input_dim."),
    ],
    "dense_params": [
        ("no_biases", lambda u, i: u * i, "the biases are missing; " + UNITS, "add one bias per unit."),
        ("arguments_swapped", lambda u, i: i * (u + 1), "units and input_dim are swapped.",
         "the first argument is units, the second input_dim."),
    ],
}


def counting_diagnosis(function, answers):
    """(cause, why, change) of the mistake that gives every one of the answers, or the general rule."""
    for cause, formula, why, change in COUNTING_MISTAKES[function]:
        if all(formula(*size) == got for size, got in answers.items()):
            return cause, why, change
    return "wrong_count", WHY_COUNT[function], "compare your formula with that, term by term."

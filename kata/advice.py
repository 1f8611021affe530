"""The teaching advice, in one place: why a shape, a layer or a formula is wrong and what to change.

An instructor improving what learners are told edits this module. Every function here is pure: it
takes facts (shapes, layer families, names) and returns sentences; the checks decide when to say them.
"""
import ast
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


def shape_diagnosis(got, expected, length, name="X", holds=None):
    """(cause, sentence): the most likely reason a data shape (of X or y) is wrong, with its fix;
    holds is what the array should hold ("every second value of the sequence (seq[::2])")."""
    got, expected = tuple(got), tuple(expected)
    if len(got) != len(expected):
        if name == "y":
            each = " (samples, timesteps, outputs): one value at each timestep" if len(expected) == 3 else ""
            return "axes_missing", (f"y needs the {len(expected)} axes of the model's output{each}. "
                                    f"Use .reshape{code_shape(expected, length)}.")
        if len(expected) == 3:
            return "not_3d", (f"an LSTM reads 3D input (samples, timesteps, features); yours is {len(got)}D. "
                              f"Use .reshape{code_shape(expected, length)}.")
        return "axes_count", (f"{name} here is {len(expected)}D {axes_text(expected)}; yours is {len(got)}D. "
                              f"Use .reshape{code_shape(expected, length)}.")
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
                                "fixes that. The values themselves are wrong: "
                                + (f"{name} should hold {holds}." if holds else f"see which values {name} should hold."))
    return "wrong_shape", f"use .reshape{code_shape(expected, length)}."


# --- layers -------------------------------------------------------------------------------------

def layer_advice(pattern, got, expected, return_sequences, names=None, code=None, start=None):
    """(cause, why, change) for the first layer family that differs from the expected ones.
    got and expected are families ('LSTM', 'TimeDistributed(Dense)'); return_sequences[i] is the
    learner's i-th layer's return_sequences (None for a layer without one); names are the learner's
    layers with their sizes ('GRU(5)', 'Reshape((5, 1))'), code the expected ones as the learner
    writes them ('LSTM(length, return_sequences=True)') and start the model's input as code
    ('keras.Input(shape=(1,))'), so that a change written with them can be made as it reads."""
    names, code = names or got, code or expected
    model = " -> ".join(([start] if start else []) + list(code))
    for i, mine in enumerate(got):      # another recurrent layer: the one idea to change first
        if mine in ("GRU", "SimpleRNN") and "LSTM" in expected:
            return ("other_recurrent_layer",
                    f"{mine} is another recurrent layer, with other gates and another weight count; "
                    f"{pattern} here, as in the tutorial, is built as " + " -> ".join(expected) + ".",
                    f"replace {mine}(length) with LSTM(length).")
        if mine.startswith("Bidirectional(") and "LSTM" in expected:
            return ("other_recurrent_layer",
                    f"{names[i]} runs the layer it wraps forwards and a copy of it backwards over the sequence, "
                    f"and joins their outputs: twice the units and the weights. {pattern} here, as in the tutorial, reads "
                    "the sequence forwards with one LSTM: " + " -> ".join(expected) + ".",
                    f"unwrap it: {code[i] if expected[i:i + 1] == ['LSTM'] else code[expected.index('LSTM')]} "
                    f"in place of {names[i]}.")
    if len(got) != len(expected):
        return ("layer_count", f"your model has {len(got)} layers after the input ({' -> '.join(names) or 'none'}); "
                               f"this exercise has {len(expected)}.",
                f"build exactly: {model}.")
    differ = [i for i, (mine, theirs) in enumerate(zip(got, expected)) if mine != theirs]
    if len(differ) == 2 and got[differ[0]] == expected[differ[1]] and got[differ[1]] == expected[differ[0]]:
        first, second = (expected[i] for i in differ)
        reason = {("RepeatVector", "LSTM"): " RepeatVector comes first: it repeats the one input value at every "
                                            "timestep, which makes the timesteps the LSTM reads.",
                  ("LSTM", "RepeatVector"): " The encoder LSTM reads the sequence first; RepeatVector then repeats "
                                            "its last output, once for each output timestep."}.get((first, second), "")
        return ("layers_swapped",
                f"{names[differ[0]]} and {names[differ[1]]} are in each other's place: {pattern} is built as "
                + " -> ".join(expected) + "." + reason,
                f"put {first} before {second}: {model}.")
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
        if mine != theirs:
            return ("wrong_layer", f"{pattern} is built as " + " -> ".join(expected) + ".",
                    f"replace {names[i]} with {code[i]}.")
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
    "When using `stateful=True` in a RNN, the batch size must be static":
        "stateful=True carries each sample's last state over into the next batch, so Keras needs the "
        "batch size fixed in the model's input. This exercise, like the tutorial, keeps no state from "
        "one batch to the next: remove stateful=True.",
    "only 0-dimensional arrays can be converted to Python scalars":
        "'%.1f' % value formats one number, but value is an array: a loop over a 2D or 3D array, such "
        "as the tutorial's result = model.predict(X), gives its rows, and numpy 2 turns only a single "
        "number into a Python float. Loop over the numbers themselves: for value in result.ravel(): "
        "(the tests need no printing; you may delete the loop).",
}


# The same error in an exercise where the usual fix is wrong: {(exercise, phrase): advice}.
EXERCISE_ADVICE = {
    ("many_to_one", "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions"):
        "TimeDistributed applies a layer at every timestep, but in many-to-one the LSTM rightly hands on "
        "only its last output, one vector. Remove TimeDistributed and map that vector with a plain "
        "Dense(length): all the outputs at once.",
    ("one_to_many", "expected ndim=2, found ndim=3"):
        "RepeatVector repeats one vector per sample (samples, features), but what reaches it is 3D, with "
        "a timesteps axis. In one-to-many the input is the one value itself, keras.Input(shape=(1,)), "
        "with no timesteps, straight into RepeatVector(length), which makes them.",
}

# Keras 1 and 2 spellings that Keras 3 no longer knows, by a phrase of the error they cause.
OLD_KERAS = {
    "cannot import name 'TimeDistributedDense'":
        "TimeDistributedDense is Keras 1; Keras 3 writes it TimeDistributed(Dense(1)).",
    "Unrecognized keyword arguments passed to Model: {'input'":
        "Model(input=..., output=...) is Keras 1; Keras 3 writes Model(inputs=..., outputs=...).",
    "missing 1 required positional argument: 'units'":
        "output_dim= is Keras 1; Keras 3 names a layer's size units: LSTM(length) or LSTM(units=length).",
    "'dropout_W'":
        "dropout_W= and dropout_U= are Keras 1; Keras 3 calls them dropout= (on the inputs) and "
        "recurrent_dropout= (on the recurrent state): write dropout=0.2, recurrent_dropout=0.2.",
    "'inner_activation'":
        "inner_activation= is Keras 1; Keras 3 calls the gates' activation recurrent_activation=: "
        "write recurrent_activation= where you wrote inner_activation=.",
    "'input_length'":
        "input_length= is Keras 1 and 2's way to give a layer its timesteps; Keras 3 gives the input's "
        "shape as the model's first layer: keras.Input(shape={input}), and the layer without input_dim= "
        "or input_length=.",
    "'batch_input_shape'":
        "batch_input_shape= is Keras 2; Keras 3 gives the input's shape, without the batch size, as the "
        "model's first layer: keras.Input(shape={input}), and the layer without batch_input_shape= (if it "
        "has stateful=True, remove stateful=True as well: a stateful LSTM needs the batch size that "
        "keras.Input leaves out, and these models keep no state from one batch to the next).",
}

# Keras 1 and 2 arguments that Keras 3 takes another way, by what the learner's code says and the
# error that follows, which does not name the argument: {(pattern of the code, phrase of the error): advice}.
OLD_KERAS_IN_CODE = {
    (r"LSTM\([^)]*input_dim=", "expected ndim=3, found ndim=2"):
        "input_dim= is Keras 1 and 2's way to give an LSTM its features; Keras 3 reads it as the whole "
        "input shape (features,), with no timesteps axis, so the LSTM gets 2D input. Give the input's "
        "shape as the model's first layer instead: keras.Input(shape={input}), and the LSTM without input_dim=.",
}

# A layer where Keras wants a tensor, or a tensor where it wants a layer, by a phrase of the error.
NOT_CALLED = {
    "All `outputs` values must be KerasTensors. Received: outputs=<TimeDistributed":
        "the model's outputs must be a tensor, what a layer gives when called; TimeDistributed(Dense(1)) "
        "is a layer, not a tensor, until you call it on the LSTM's output: TimeDistributed(Dense(1))(x).",
    "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. Received: <KerasTensor":
        "TimeDistributed wraps a layer, not a tensor: Dense(1)(x) is already Dense's output. Wrap the "
        "layer itself and call the wrapper on the LSTM's output: TimeDistributed(Dense(1))(x).",
}

LEARNING_RATE = re.compile(r"Argument\(s\) not recognized: \{.*'lr': ([^,}]+)")
NOT_A_LAYER = re.compile(r"Please initialize `(\w+)` layer with a `keras.layers.Layer` instance. "
                         r"Received: <class '(?:\w+\.)*(\w+)'>")


def argument_advice(message):
    """An optimizer's lr= (Keras 2), or a layer class where a wrapper takes a layer, in Keras 3 terms."""
    found = LEARNING_RATE.search(message)
    if found:
        return (f"lr= is Keras 2's name for the learning rate; Keras 3 calls it learning_rate: write "
                f"learning_rate={found.group(1)} where you wrote lr={found.group(1)}.")
    found = NOT_A_LAYER.search(message)
    if found:
        wrapper, layer = found.groups()
        made = "Dense(1)" if layer == "Dense" else f"{layer}(length)"
        return (f"{wrapper} wraps a layer, and {layer} is the class that makes one, not a layer: call it, "
                f"{wrapper}({made}).")
    return None


def input_text(exercise):
    """The exercise's input shape as keras.Input takes it: (length, 1), or (1,) in one-to-many."""
    from .registry import BY_NAME
    known = BY_NAME.get(exercise)
    return code_shape(known.x_shape(5)[1:], 5) if known and known.x_shape else "(timesteps, features)"


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


def keras_advice(message, exercise=None, source=""):
    """'\n  what it means: ...' for an error this kata explains (in this exercise, from the learner's
    source where the error does not name its cause), else ''."""
    advice = [text for (code, phrase), text in OLD_KERAS_IN_CODE.items() if re.search(code, source) and phrase in message]
    advice += [text for (name, phrase), text in EXERCISE_ADVICE.items() if name == exercise and phrase in message]
    advice += [text for phrase, text in {**OLD_KERAS, **NOT_CALLED, **KERAS_ADVICE}.items() if phrase in message]
    advice += [text for text in [argument_advice(message), reshape_advice(message)] if text]
    return f"\n  what it means: {advice[0].replace('{input}', input_text(exercise))}" if advice else ""


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


def float_change(source):
    """What to change when a count comes back a float, from what the learner's code does: math.pow
    (a float even of whole numbers), a division, or, where neither shows, both named."""
    try:
        nodes = list(ast.walk(ast.parse(source)))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        nodes = []
    imported = any(isinstance(node, ast.ImportFrom) and node.module == "math" and
                   any(alias.name == "pow" for alias in node.names) for node in nodes)    # from math import pow
    powers = [node for node in nodes if isinstance(node, ast.Call) and len(node.args) == 2 and (
              isinstance(node.func, ast.Attribute) and node.func.attr == "pow"
              and isinstance(node.func.value, ast.Name) and node.func.value.id == "math"
              or imported and isinstance(node.func, ast.Name) and node.func.id == "pow")]
    if powers:
        base, exponent = (ast.unparse(arg) if isinstance(arg, (ast.Name, ast.Constant)) else f"({ast.unparse(arg)})"
                          for arg in powers[0].args)
        return (f"math.pow returns a float, even of whole numbers: write {ast.unparse(powers[0])} as "
                f"{base} ** {exponent}, which keeps an int.")
    if any(isinstance(node, ast.Div) for node in nodes):
        return "keep to whole numbers: + * and ** give an int; / gives a float, so do not divide."
    return ("keep to whole numbers: + * and ** of ints give an int; / and math.pow give a float "
            "(or wrap the count in int(...)).")


def counting_diagnosis(function, answers):
    """(cause, why, change) of the mistake that gives every one of the answers, or the general rule."""
    for cause, formula, why, change in COUNTING_MISTAKES[function]:
        if all(formula(*size) == got for size, got in answers.items()):
            return cause, why, change
    return "wrong_count", WHY_COUNT[function], "compare your formula with that, term by term."

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


# --- what each failure says: why it matters and what to change, given the facts -------------------
# Each returns {"why": ..., "change": ...} for fail(**...); the check or the grader's reading of an
# answer decides when it applies and gives the facts, already as text where they are code.

# An answer that is not what the tests read (kata/answers.py).

def not_a_pair(returned_none):
    return {"why": "the tests unpack X, y = make_dataset(...) as model.fit(X, y) would.",
            "change": "end the function with: return X, y" if returned_none else "return exactly X and y, in that order."}


def not_an_array(name):
    return {"why": "shapes are the point of this kata, and only an array has the shape Keras sees.",
            "change": f"build {name} with numpy, e.g. np.array(...).reshape(...)."}


def not_numbers(name):
    return {"why": "Keras trains on numbers; the tests compare your values with the sequence as numbers, "
                   "not as they would read once converted.",
            "change": f"build {name} from numbers, e.g. np.arange(length) / length, with no str() or complex values."}


def unreadable_answer():
    return {"why": "the tests read your arrays back from the process that ran your code.",
            "change": "return plain numpy arrays of numbers, e.g. np.array(...).reshape(...)."}


def not_a_model(returned_none):
    return {"why": "the tests inspect and train the model that build_model returns.",
            "change": "end the function with: return model" if returned_none
            else "return the model itself, not its summary, history or layers."}


def too_large_to_load():
    return {"why": "the tutorial's model is tiny; one this large would take minutes to save, load and train.",
            "change": "fix the layer sizes: LSTM(length) and the output layer the exercise names."}


def activation_not_a_name():
    return {"why": "the tests train a fresh copy of your model from its layers and their settings; an activation is "
                   "one of Keras's functions, and a layer or any other object in its place can hold values of its own "
                   "(the targets, say) that no training learned.",
            "change": "give activation= the name of a Keras activation; leave it out on the output layer, which is linear."}


def stateful(layers, batch_shape):
    """layers: the stateful ones, named; batch_shape: X's shape as code, '(1, length, 1)'."""
    return {"why": "stateful=True carries each sample's last state over into the next call, so what the model "
                   "predicts for X depends on what it read before. The tutorial, like this exercise, reads the "
                   "whole sequence in one batch and starts every pass afresh; the tests train and predict your "
                   "model that way, and a state carried from call to call would change what they measure.",
            "change": f"remove stateful=True: {' and '.join(layers)}. The input may keep a batch size that "
                      f"X's samples fill, such as keras.Input(batch_shape={batch_shape})."}


def model_not_loadable(layers, foreign):
    """layers: the Keras layers the tests build; foreign: what the learner's archive names beyond them."""
    return {"why": "the tests save your model, load it back in safe mode and train a fresh copy from its "
                   "layers and settings alone: they take Keras's own layers that these models are built from ("
                   + ", ".join(layers) + "), and Keras's own optimizers, losses and activations; a custom "
                   "layer or model class, a Lambda, or a layer holding values of its own cannot cross.",
            "change": "build the model from keras.layers (LSTM, Dense, TimeDistributed, RepeatVector), "
                      "with no class or Lambda of your own" + (f", and leave out {', '.join(foreign)}." if foreign else ".")}


def no_input_shape(input_shape):
    """input_shape: one sample's shape as code, '(length, 1)'."""
    return {"why": "Keras only knows the shapes, the outputs and the parameter counts once it knows the input.",
            "change": f"start the model with keras.Input(shape={input_shape})."}


def not_compiled():
    return {"why": "training needs a loss to measure the error and an optimizer to reduce it.",
            "change": "call model.compile(...) before returning the model."}


# Before and while the tests train the model (kata/answers.py's train).

def too_large_to_train():
    return {"why": "the tutorial's model is tiny; a huge one would take minutes to train.",
            "change": "fix the layer sizes (the parameter-count check shows which)."}


def input_cannot_take_X():
    return {"why": "the tests train on the exercise's X, which your model cannot take.",
            "change": "fix the input shape first (see the input-shape check)."}


def cannot_build_for_X(input_shape):
    return {"why": "the tests train your model on the tutorial's data, all of X at once.",
            "change": f"give the model one input, keras.Input(shape={input_shape})."}


def output_unlike_y():
    return {"why": "Keras would broadcast the target against a wrong output and report a meaningless loss.",
            "change": "fix the output shape first (see the output-shape check)."}


def too_costly_to_train(steps):
    return {"why": f"the tests train your model {steps} steps here, in the process that grades every exercise; "
                   "a correct one takes about a second, and a model far larger would hold up the whole run.",
            "change": "give each layer the exercise's sizes: at length 5 no layer needs more than 5 timesteps "
                      "or 5 units (RepeatVector(n) repeats its input n times: n is the output's timesteps)."}


def training_failed():
    return {"why": "the tests train your model on the tutorial's data with your loss and optimizer.",
            "change": "check the loss, the optimizer and the layers (the other checks show which)."}


def does_not_learn(last_layer, activation, optimizer, frozen):
    return {"why": "the tests train a fresh model on the tutorial's data with your loss and optimizer "
                   "family; a correct architecture learns it at every seed.",
            "change": likely_cause(last_layer, activation, optimizer, frozen)}


# The data (kata/checks/datasets.py).

def X_and_y_swapped():
    return {"why": "the tests unpack X, y = make_dataset(...) as model.fit(X, y) takes them: the input first, "
                   "then the targets.",
            "change": "return X, y in that order: you return y first."}


def wrong_shape(name, pattern, expected):
    """Why X or y must have the expected shape (the change comes from shape_diagnosis)."""
    return {"why": WHY_SHAPE[name].format(pattern=pattern, output=shape_text((None,) + tuple(expected)[1:]),
                                          axes=axes_text(expected))}


def wrong_values(x_holds, y_holds):
    return {"why": f"the model learns {y_holds} from {x_holds}, so the data must hold exactly these values."}


def values_change(cause, name, holds, dtype="", worst=None):
    """What to change for values that differ from the expected ones, by the cause the check found:
    worst is (expected, stored) of the value a low-precision dtype got furthest from."""
    if cause == "values_not_divided":
        return "divide by the length: the values are i / length, so 0.0 0.2 ... 0.8 for length 5."
    if cause == "integer_division":
        return (f"{name} holds whole numbers ({dtype}): // is integer division, which "
                "rounds every value below 1 down to 0. Divide with /: np.arange(length) / length.")
    if cause == "low_precision":
        return (f"{name} is {dtype}, which holds about 3 significant digits ({worst[0]:g} is "
                f"stored as {worst[1]:.6g}): use float32 or float64, as np.arange(length) / length gives.")
    if holds == "the sequence":
        return "fill it from the sequence [i / length for i in range(length)], then reshape."
    return f"it should hold {holds}, built from the sequence [i / length for i in range(length)]."


# The model (kata/checks/models.py).

def input_shape(input_shape, samples, batch_size=None, hard_coded=False):
    """input_shape: one sample's shape as code; samples: "X's 1 sample"; batch_size: the learner's
    fixed batch size where it is the only difference; hard_coded: a length of 5 in it at another length."""
    why = "the model's input must match X from make_dataset, without its samples axis."
    if batch_size is not None:
        return {"why": "the model's input must match X from make_dataset, without its samples axis; a fixed batch "
                       f"size must be one that {samples} fill in whole batches, and {batch_size} is not.",
                "change": f"leave out the batch size: keras.Input(shape={input_shape}), with no batch_size or batch_shape."}
    if hard_coded:
        return {"why": why, "change": f"a length of 5 is hard-coded in the input shape: write keras.Input(shape={input_shape})."}
    return {"why": why, "change": f"start the model with keras.Input(shape={input_shape}) "
                                  f"(or give the first layer input_shape={input_shape})."}


def output_shape():
    return {"why": "the output must have the shape of y, or Keras broadcasts.",
            "change": "compare your layers with the expected ones:"}


def not_lstm(named):
    """Another recurrent layer where the LSTM check looks, when layer_advice names no other cause."""
    return {"why": "the exercise, as the tutorial, is built with LSTM layers.",
            "change": f"use an LSTM in place of {named}."}


def output_activation(last_layer):
    return {"why": "the targets are plain numbers such as 0.0 and 0.8, and an activation bends or bounds the "
                   "output (relu cannot go below 0 and can stop learning, sigmoid and tanh squeeze, softmax "
                   "sums to 1): whether the model learns would depend on luck.",
            "change": output_activation_change(last_layer)}


def return_sequences(expected, wanted, pattern):
    """expected: each LSTM's return_sequences, in order; wanted: the last one's."""
    return {"why": "with return_sequences=True the LSTM outputs every timestep (samples, timesteps, units); "
                   "without it only the last one (samples, units). " +
                   ("the encoder hands only its last output to RepeatVector; the decoder feeds "
                    "TimeDistributed, which needs every timestep." if len(expected) > 1 else
                    "TimeDistributed needs every timestep." if wanted else
                    f"{pattern} uses only the last output."),
            "change": " then ".join(f"LSTM(length{', return_sequences=True' if r else ''})" for r in expected) + "."}


def time_distributed(has, pattern, tail, last_recurrent=None, returns_last_only=False, lstm_code=""):
    """Whether TimeDistributed is where the exercise has it: has, the learner's model uses it (it should
    not); else tail is what follows its last recurrent layer (class names and names, in order),
    last_recurrent that layer's name, lstm_code the exercise's LSTM as code."""
    why = "TimeDistributed applies the same Dense layer to each timestep: one output per timestep. "
    if has:
        return {"why": why + f"It is not part of {pattern}.", "change": "use a plain Dense layer."}
    ends = " -> ".join(name for _, name in tail)
    first = f"give {last_recurrent} return_sequences=True ({lstm_code}), and " if returns_last_only else ""
    if [kind for kind, _ in tail] == ["Dense"]:
        return {"why": why + "A bare Dense on 3D input does this silently in Keras 3; the exercise asks you to say it.",
                "change": first + "wrap the output layer: TimeDistributed(Dense(1))."}
    return {"why": why + f"Your model ends with {ends or 'no layer'}" + (f" after {last_recurrent}" if last_recurrent else "")
            + ", not a Dense applied to each timestep.",
            "change": first + "end the model with TimeDistributed(Dense(1))" + (f" in place of {ends}." if ends else ".")}


def lstm_units(wrong, count):
    """wrong: the hard-coded units of the learner's LSTM, or None; count: the exercise's LSTMs."""
    return {"why": "the tutorial gives each LSTM as many units as the sequence has values.",
            "change": f"LSTM(length) rather than LSTM({wrong}): use the length argument." if wrong is not None
            else "use exactly " + " then ".join(["LSTM(length)"] * count) + "."}


def parameter_count():
    return {"why": "the count follows from the layers and their sizes (the bonus exercise parameters.py works it out).",
            "change": "compare your layers with the expected ones; the first difference is marked:"}


def frozen_layers():
    return {"why": "a frozen layer (trainable=False) cannot learn the sequence.", "change": "remove trainable=False."}


def loss():
    return {"why": "the tutorial measures the error as mean squared error: it weighs "
                   "a large miss most, which pulls every step towards its target.",
            "change": "model.compile(loss='mean_squared_error', optimizer='adam')."}


def optimizer():
    return {"why": "the tutorial trains with Adam; the graded training keeps your optimizer's family.",
            "change": "model.compile(loss='mean_squared_error', optimizer='adam')."}


# The parameter counts (kata/checks/parameters.py).

def not_a_whole_number(kind, source):
    """kind: the type the count came back as ('float'); source: the learner's parameters.py."""
    return {"why": "a layer has a whole number of weights.",
            "change": "end the function with: return <the count>" if kind == "NoneType"
            else "return the number itself, not text." if kind == "str" else float_change(source)}


def negative_count():
    return {"why": "a layer cannot have fewer than no weights.",
            "change": "check the signs in your formula: every weight adds to the count."}


def time_distributed_count(n, shared, whole, timesteps):
    """n: the tutorial's length; shared: Keras's count of TimeDistributed(Dense(1)) on n features; whole: Dense(n)'s."""
    return {"why": f"TimeDistributed applies one Dense(1) to every timestep: its {shared} weights are shared, "
                   f"so Keras counts {shared} on {', '.join(map(str, timesteps))} timesteps alike. Dense({n}) "
                   f"maps the many-to-one LSTM's one vector of {n} to {n} outputs at once: {whole} weights.",
            "change": "get dense_params right first (its own checks say how): TimeDistributed adds nothing to "
                      "it, since one Dense(1) serves every timestep, with no factor for the timesteps."}

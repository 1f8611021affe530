"""A model as a table of rows (layer, output shape, parameters, return_sequences), and a side-by-side
comparison of the learner's rows with the expected ones, the first difference marked; the names of
the learner's layers, and the rule for which shapes take the exercise's data (takes)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    layer: str            # e.g. "LSTM(5)", "Dense(1)", "TimeDistributed(Dense(1))"
    output: tuple
    params: int
    return_sequences: object = "-"   # True / False for recurrent layers, "-" for others

    def cells(self):
        shape = "(" + ", ".join(map(str, self.output)) + ")" if isinstance(self.output, tuple) \
            else str(self.output)
        return [self.layer, shape, str(self.params), str(self.return_sequences)]


def class_name(layer):
    """The layer's Keras class name, or 'custom X' for a class of its own that only borrows a name."""
    import keras
    name = type(layer).__name__
    return name if getattr(keras.layers, name, None) is type(layer) else f"custom {name}"


def wrapped(layer):
    """The layer a TimeDistributed or Bidirectional wraps (Bidirectional's forward copy of it), else None."""
    kind = class_name(layer)
    return getattr(layer, "layer", None) if kind == "TimeDistributed" else \
        getattr(layer, "forward_layer", None) if kind == "Bidirectional" else None


def layer_name(layer):
    """'LSTM(5)', 'Dense(1)', 'TimeDistributed(Dense(1))', 'RepeatVector(5)', 'Conv1D(1)',
    'Reshape((5, 1))', or the class name."""
    kind, inner = class_name(layer), wrapped(layer)
    if inner is not None:
        return f"{kind}({layer_name(inner)})"
    if kind == "Reshape":
        return f"Reshape({tuple(layer.target_shape)})"
    size = getattr(layer, "units", None) or getattr(layer, "n", None) or getattr(layer, "filters", None)
    return f"{kind}({size})" if size else kind


RECURRENT = ("LSTM", "GRU", "SimpleRNN")


def recurrent_layers(model):
    """The model's recurrent layers, a Bidirectional one too: those the LSTM checks read."""
    return [layer for layer in layers_of(model) if class_name(layer) in RECURRENT + ("Bidirectional",)]


def layer_code(layer, length):
    """An expected layer (kata/registry.py's Layer) as the learner writes it at this length:
    'LSTM(length, return_sequences=True)', 'RepeatVector((length + 1) // 2)', 'Dense(1)'."""
    if layer.inner:
        return f"{layer.kind}({layer_code(layer.inner, length)})"
    size = {1: "1", length: "length", (length + 1) // 2: "(length + 1) // 2"}.get(layer.size, str(layer.size))
    return f"{layer.kind}({size}{', return_sequences=True' if layer.return_sequences else ''})"


def stateful_layers(config, length):
    """The layers of a model's config that carry their state from one call to the next (stateful=True),
    each as the learner writes it without: 'LSTM(length, return_sequences=True)'."""
    found = []

    def walk(node):
        if isinstance(node, list):
            for value in node:
                walk(value)
        if not isinstance(node, dict):
            return
        settings = node.get("config")
        if isinstance(settings, dict) and settings.get("stateful") is True:
            units = settings.get("units")
            found.append(f"{node.get('class_name')}({'length' if units == length else units}"
                         f"{', return_sequences=True' if settings.get('return_sequences') is True else ''})")
        for value in node.values():
            walk(value)
    walk(config)
    return found


def takes(model_shape, data_shape):
    """Whether a model's input (or output) shape fits an array of data_shape, samples included. The
    rule: every axis after the samples is the array's size or None (keras.Input(shape=(None, 1)) takes
    any number of timesteps); the samples axis is None or a fixed batch size that the samples fill in
    whole batches (keras.Input(shape=(length, 1), batch_size=1) for X's one sample), as model.fit(X, y,
    batch_size=...) would run it. The tests train on all of X at once, whatever the batch size."""
    model_shape, data_shape = tuple(model_shape), tuple(data_shape)
    if len(model_shape) != len(data_shape) or not data_shape:
        return False
    batch, samples = model_shape[0], data_shape[0]
    return (batch is None or isinstance(batch, int) and batch > 0 and samples % batch == 0) and all(
        mine is None or mine == theirs for mine, theirs in zip(model_shape[1:], data_shape[1:]))


def output_for(model, x_shape):
    """The model's output shape for X of x_shape, any number of samples: what a None axis of its
    input (any timesteps) makes of X's; the shape it was built with if its input does not take X."""
    import keras
    if not takes(model.inputs[0].shape, x_shape):
        return tuple(model.outputs[0].shape)
    try:
        return tuple(model.compute_output_spec(keras.KerasTensor((None,) + tuple(x_shape[1:]))).shape)
    except Exception:       # a shape Keras cannot follow: the one the model was built with
        return tuple(model.outputs[0].shape)


def for_input(model, x_shape):
    """The model built for X of x_shape, any number of samples: the same layers, compiled with the
    same loss and optimizer, its shapes, costs and weights those of X (a None axis or a fixed batch
    size becomes X's). The model itself if its input is that already."""
    import keras
    if tuple(model.inputs[0].shape) == (None,) + tuple(x_shape[1:]):
        return model
    rebuilt = keras.models.clone_model(model, input_tensors=keras.Input(shape=tuple(x_shape[1:])))
    return compiled_like(rebuilt, model) if getattr(model, "optimizer", None) is not None else rebuilt


def compiled_like(clone, model):
    """A clone of model compiled as model is: its loss, and a new optimizer of its class and settings."""
    clone.compile(loss=model.loss, optimizer=type(model.optimizer).from_config(model.optimizer.get_config()))
    return clone


def output_shape(layer):
    try:
        return tuple(layer.output.shape)
    except (AttributeError, ValueError):
        return "unknown"


def layers_of(model):
    """The model's layers without the InputLayer that functional models list."""
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


def activation_name(activation):
    """An activation's name however it is spelt: 'sigmoid', keras.activations.sigmoid, an Activation
    layer (of an Activation layer...), or the config of one of these; 'linear' for none."""
    if activation is None:
        return "linear"
    if isinstance(activation, str):
        return activation
    if isinstance(activation, dict):    # a config: a function's holds its name, an Activation layer's its own
        inner = activation.get("config")
        return activation_name(inner.get("activation") if isinstance(inner, dict) else inner)
    if class_name(activation) == "Activation":
        return activation_name(activation.activation)
    return getattr(activation, "__name__", class_name(activation))


def output_activation(model):
    """The name of the last layer's activation (of the layer TimeDistributed wraps), the last layer
    being an Activation layer too: 'linear' if none."""
    last = layers_of(model)[-1]
    return activation_name(getattr(getattr(last, "layer", last), "activation", None))


def trainable_count(model):
    """How many of the model's parameters training may change."""
    return sum(int(v.numpy().size) for v in model.trainable_weights)


def family(layer):
    """The layer's class without sizes, as the registry writes it: 'LSTM', 'TimeDistributed(Dense)'."""
    kind, inner = class_name(layer), wrapped(layer)
    return f"{kind}({family(inner)})" if inner is not None else kind


def expected_rows(exercise, length):
    return [Row(row.layer.name(), row.output, row.params,
                "-" if row.layer.return_sequences is None else row.layer.return_sequences)
            for row in exercise.layers(length)]


def describe(model):
    return [Row(layer_name(layer), output_shape(layer), layer.count_params() if layer.built else 0,
                getattr(layer, "return_sequences", "-"))
            for layer in layers_of(model)]


HEADER = ["", "#", "layer", "output shape", "params", "return_sequences", ""]


def comparison_table(got, expected):
    """Each layer of yours above the expected one, the first row that differs marked with '>'."""
    first = next((i for i in range(max(len(got), len(expected)))
                  if i >= len(got) or i >= len(expected) or got[i] != expected[i]), None)
    missing = ["(no layer)", "", "", ""]
    lines = [HEADER]
    for i in range(max(len(got), len(expected))):
        mark = ">" if i == first else ""
        lines.append([mark, str(i + 1)] + (got[i].cells() if i < len(got) else missing) + ["yours"])
        lines.append(["", ""] + (expected[i].cells() if i < len(expected) else missing)
                     + ["expected"])
    widths = [max(len(row[c]) for row in lines) for c in range(len(HEADER))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in lines]
    return "\n".join("    " + line for line in text)

"""A model as a table of rows (layer, output shape, parameters, return_sequences), and a side-by-side
comparison of the learner's rows with the expected ones, the first difference marked."""
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


def layer_name(layer):
    """'LSTM(5)', 'Dense(1)', 'TimeDistributed(Dense(1))', 'RepeatVector(5)', or the class name."""
    kind = class_name(layer)
    inner = getattr(layer, "layer", None)
    if inner is not None and kind in ("TimeDistributed", "Bidirectional"):
        return f"{kind}({layer_name(inner)})"
    size = getattr(layer, "units", None) or getattr(layer, "n", None)
    return f"{kind}({size})" if size else kind


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
    kind, inner = class_name(layer), getattr(layer, "layer", None)
    return f"{kind}({family(inner)})" if inner is not None and kind in ("TimeDistributed", "Bidirectional") else kind


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

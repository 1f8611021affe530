"""What the grader lets in from the learner's side: the files a worker wrote, read with bounds, and
the models they describe, vetted before Keras builds anything from them.

A security reviewer reads this module alone. The rules:
- a worker's file is a plain name in its own folder, a regular file (no link, FIFO or device), of
  at most LARGEST_FILE bytes (`worker_file`); an archive unpacks to at most that (`model_config`);
- an array is loaded without pickle (`read_array`);
- a model's config may name only Keras's own layers of LAYERS, the Sequential or functional model
  at its root, the classes of SETTINGS and Keras's activation, loss and metric functions by name
  (`refused_objects`, read before Keras resolves any of it);
- its weights are counted from their shapes before any is allocated (`parameters_in`);
- only then is it built, in Keras's safe mode (`structure_of`, `load_whole`).
Nothing here imports or calls the learner's code; Keras is imported only where a model is read.
"""
import copy
import functools
import json
import os
import stat
import types
import zipfile
from pathlib import Path

LARGEST_FILE = 64 * 2**20    # bytes: an answer's array or archive is a few kB
FUNCTION_MODULES = ("activations", "losses", "metrics")   # whose functions a model's config may name, by name
# The layers a config may name: those of the exercises, their correct variants and the catalogued
# mistakes, and a few more a learner may try (their settings are sizes and switches, never values).
LAYERS = ("InputLayer", "LSTM", "GRU", "SimpleRNN", "Dense", "TimeDistributed", "Bidirectional", "RepeatVector",
          "Flatten", "Reshape", "Dropout", "Activation", "BatchNormalization", "LayerNormalization", "Conv1D",
          "Masking")
MODELS = (("keras", "Sequential"), ("keras.src.models.functional", "Functional"))   # at a config's root only
SETTINGS = {"optimizers": "Optimizer", "optimizers.schedules": "LearningRateSchedule", "losses": "Loss",
            "metrics": "Metric", "initializers": "Initializer", "regularizers": "Regularizer",
            "constraints": "Constraint"}    # keras.<module>: the base of the classes a config may name there
ENTRY_KEYS = ("class_name", "module", "registered_name")   # a dict with any of them is an object Keras resolves
LAYER_KEYS = ("layers", "layer", "backward_layer")        # where Keras builds a layer from a bare string too


def worker_file(folder, name):
    """The path of a file the worker wrote, if it is one: a plain name, a regular file (not a link, a
    FIFO or a device, which could make the grader read elsewhere or wait forever), of a sane size."""
    if not isinstance(name, str) or name != Path(name).name or name in (".", ".."):
        raise OSError(f"{name!r} is not a file name")
    path = Path(folder) / name
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode) or info.st_size > LARGEST_FILE:
        raise OSError(f"{name} is not a regular file of at most {LARGEST_FILE // 2**20} MB")
    return path


def read_array(folder, name):
    """An array a worker wrote, loaded without pickle: OSError, ValueError or EOFError if it is not one."""
    import numpy as np
    return np.load(worker_file(folder, name), allow_pickle=False)


def without_compile_config(config):
    """A deep copy of a model's config less its compile settings (Keras pops keys from the config
    it deserialises, nested ones too: the caller's stays whole)."""
    return copy.deepcopy({key: value for key, value in config.items() if key != "compile_config"})


def structure_of(config):
    """The model a config describes, built in safe mode without weights or compile settings: its
    layers, shapes and parameter counts, which is all the checks at other lengths read."""
    import keras
    if not isinstance(config, dict):
        raise ValueError("its config is not a model's")
    model = keras.saving.deserialize_keras_object(without_compile_config(config), safe_mode=True)
    if not isinstance(model, keras.Model):
        raise ValueError("its config is not a model's")
    return model


def load_whole(path):
    """The model of a .keras archive, with its weights, built in safe mode (its config vetted first)."""
    import keras
    return keras.saving.load_model(path, safe_mode=True)


def model_config(path):
    """The config a worker wrote for a model: a .keras archive's config.json (the archive bounded
    against zip bombs) or, for a model needed for its layers only, a config file of its own."""
    if path.suffix == ".json":
        return json.loads(path.read_text())
    with zipfile.ZipFile(path) as zipped:
        if sum(entry.file_size for entry in zipped.infolist()) > LARGEST_FILE:
            raise ValueError("its archive unpacks to more than the tests read")   # a zip bomb
        return json.loads(zipped.read("config.json"))


@functools.cache
def allowed_names():
    """(classes, functions, activations): the (module, class name) pairs a config may name, and the
    names of the Keras functions (of FUNCTION_MODULES) and of the activations it may name, as strings."""
    import keras

    def public(module, keep):
        return {name for name, thing in vars(module).items() if not name.startswith("_") and keep(thing)}

    def functions(module):
        return public(module, lambda thing: isinstance(thing, types.FunctionType)) - {"get", "serialize", "deserialize"}
    classes = {*MODELS, ("keras", "DTypePolicy"), *(("keras.layers", name) for name in LAYERS)}
    for path, base in SETTINGS.items():
        module = functools.reduce(getattr, path.split("."), keras)
        kind = getattr(module, base)
        classes |= {(f"keras.{path}", name)
                    for name in public(module, lambda thing: isinstance(thing, type) and issubclass(thing, kind))}
    return classes, set().union(*(functions(getattr(keras, m)) for m in FUNCTION_MODULES)), functions(keras.activations)


def refused_objects(config):
    """What a model's config names that the grader will not build, read before Keras resolves any of
    it. Every entry (a dict with a class_name, a module or a registered_name) must be a Sequential or
    functional model at the root, a layer of LAYERS, a DTypePolicy, a class of SETTINGS, or a Keras
    activation, loss or metric function by name; every activation a Keras activation's name (or an
    Activation layer of one). Anything else is named here: a Lambda, a function or class of another
    module (keras.config's setters and keras.datasets' downloads run in the grader as they load), an
    entry without a module or with a registered name (Keras resolves those whatever the module
    says), a constant array, or a layer whose settings are values, such as a Rescaling whose offset
    is the targets, given as an activation."""
    classes, functions, activations = allowed_names()
    function_modules = ("builtins", *(f"keras.{m}" for m in FUNCTION_MODULES))   # builtins: Keras's own, by name
    found = set()

    def text(node):
        if not isinstance(node, dict):
            return repr(node)[:80]
        kind, module, registered = (node.get(key) for key in ENTRY_KEYS)
        named = f"{module or '(no module)'}.{node.get('config') if kind == 'function' else kind}"
        return named + (f" registered as {registered!r}" if registered not in (None, kind, "function") else "")

    def allowed(node, root):
        kind, module, registered = (node.get(key) for key in ENTRY_KEYS)
        if not all(isinstance(value, (str, type(None))) for value in (kind, module, registered)):
            return False
        if kind == "__keras_tensor__":      # a functional model's links between layers
            return module is None and registered is None and not root
        if kind == "function":
            name = node.get("config")
            return module in function_modules and isinstance(name, str) and name in functions \
                and registered in (None, "function", name)
        return (module, kind) in classes and registered in (None, kind) and ((module, kind) in MODELS) == root

    def named_activation(value):
        if value is None or isinstance(value, str):
            return value is None or value in activations
        name = value.get("config") if isinstance(value, dict) and value.get("class_name") == "function" else None
        return isinstance(name, str) and name in activations or isinstance(value, dict) and (
            (value.get("module"), value.get("class_name")) == ("keras.layers", "Activation"))   # walked in turn

    def walk(node, root=False, owner="the model"):
        if isinstance(node, list):
            for value in node:
                walk(value, owner=owner)
        if not isinstance(node, dict):
            return
        if any(key in node for key in ENTRY_KEYS):
            if not allowed(node, root):
                found.add(text(node))
            owner = node.get("class_name")
        for key, value in node.items():
            if isinstance(key, str) and key.endswith("activation") and not named_activation(value):
                found.add(f"{owner}(activation={text(value)})")
            if key in LAYER_KEYS and any(isinstance(v, str) for v in (value if isinstance(value, list) else [value])):
                found.add(f"{owner}({key}={value!r:.80})")
            walk(value, owner=owner)
    walk(config, root=True)
    return sorted(found)


def parameters_in(config):
    """How many weights the model of a config has, counted from their shapes without allocating
    them (a stateless scope leaves them uninitialised; they are then forgotten). A forged config of
    a billion weights costs milliseconds here instead of the grader's memory."""
    import math
    import keras
    from keras.src.backend.common import global_state
    try:
        with keras.StatelessScope(initialize_variables=False):
            model = keras.saving.deserialize_keras_object(without_compile_config(config), safe_mode=True)
            return sum(math.prod(variable.shape) for variable in model.weights)
    finally:
        global_state.set_global_attribute("uninitialized_variables", [])

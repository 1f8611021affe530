"""The grader vets a model's config before Keras resolves any of it (kata/answers.py refused_objects):
only Keras's layers of these exercises, its optimizers, losses and settings classes, and its
activations, losses and metrics by name, whatever shape an entry takes; an activation only by name.
The configs of every solution and correct variant pass. Keras models are built and loaded in a
subprocess: this pytest process may fork later, and must not have run TensorFlow ops."""
import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kata.vetting import refused_objects

ROOT = Path(__file__).resolve().parents[1]
HONEST = sorted(str(path.relative_to(ROOT)) for path in [*(ROOT / "solutions").glob("*_*.py"),
                                                          *(ROOT / "selfcheck" / "variants").glob("*/*.py")])
QUIET_TF = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}

BUILD_EVERY_MODEL = '''
import importlib.util, json, sys
import keras
configs = {}
for path in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("answer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    configs[path] = keras.saving.serialize_keras_object(module.build_model(5))
print(json.dumps(configs))
'''


def in_a_subprocess(code, *args):
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **QUIET_TF, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def honest():
    return in_a_subprocess(BUILD_EVERY_MODEL, *HONEST)


def function(name, module=None, **more):
    return {**({"module": module} if module else {}), "class_name": "function", "config": name, **more}


# name: (where it is planted in one_to_one's config, what). Each is refused; those marked * as an activation.
HOSTILE = {
    "lambda_without_a_module": ("layer", {"class_name": "Lambda",
                                          "config": {"name": "l", "function": function("relu")}}),
    "lambda": ("layer", {"module": "keras.layers", "class_name": "Lambda",
                         "config": {"name": "l", "function": function("relu", "builtins")}}),
    "function_without_a_module": ("activation", function("relu")),
    "function_registered_as_a_lambda": ("layer", function("relu", "keras.activations", registered_name="Lambda")),
    "function_registered_as_a_setter": ("loss", function("mean_squared_error", "builtins",
                                                         registered_name="keras.config>disable_flash_attention")),
    "layer_with_a_registered_name": ("layer", {"module": "keras.layers", "class_name": "Dense",
                                               "config": {"name": "d2", "units": 1}, "registered_name": "mine>Dense"}),
    "keras_config_setter_as_a_class": ("learning_rate", {"module": "keras.config",
                                                         "class_name": "disable_flash_attention", "config": {}}),
    "keras_config_setter_as_a_function": ("learning_rate", function("disable_flash_attention", "keras.config")),
    "keras_download_as_a_class": ("learning_rate", {"module": "keras.datasets.mnist", "class_name": "load_data",
                                                    "config": {}}),
    "keras_download_as_a_function": ("loss", function("load_data", "keras.datasets.mnist")),
    "*rescaling_as_an_activation": ("activation", {"module": "keras.layers", "class_name": "Rescaling",
                                                   "config": {"name": "r", "scale": 0.0, "offset": [[0.0], [0.2]]}}),
    "*dense_as_an_activation": ("activation", {"module": "keras.layers", "class_name": "Dense",
                                               "config": {"name": "d2", "units": 1}}),
    "*constant_array_as_an_activation": ("activation", {"class_name": "__numpy__",
                                                        "config": {"value": [0.0, 0.2], "dtype": "float32"}}),
    "layer_holding_values": ("layer", {"module": "keras.layers", "class_name": "Normalization",
                                       "config": {"name": "n", "mean": 0.4, "variance": 1.0}}),
    "model_inside_the_model": ("layer", {"module": "keras", "class_name": "Sequential",
                                         "config": {"name": "inner", "layers": []}}),
    "layer_by_a_bare_name": ("layer", "Normalization"),
}


def planted(config, where, entry):
    config = copy.deepcopy(config)
    if where == "layer":
        config["config"]["layers"].append(entry)
    elif where == "activation":
        config["config"]["layers"][-1]["config"]["activation"] = entry
    elif where == "learning_rate":
        config["compile_config"]["optimizer"]["config"]["learning_rate"] = entry
    else:
        config["compile_config"]["loss"] = entry
    return config


@pytest.mark.parametrize("path", HONEST)
def test_the_config_of_a_correct_model_is_not_refused(honest, path):
    assert refused_objects(honest[path]) == []


@pytest.mark.parametrize("name", HOSTILE)
def test_a_config_naming_what_the_grader_does_not_build_is_refused(honest, name):
    where, entry = HOSTILE[name]
    refused = refused_objects(planted(honest["solutions/one_to_one.py"], where, entry))
    assert refused, f"{name}: nothing refused"
    if name.startswith("*"):
        assert any("(activation=" in item for item in refused), refused


SPELLINGS = '''
import json
import keras
from kata.architecture import output_activation
Dense, Activation = keras.layers.Dense, keras.layers.Activation
ends = {"'sigmoid'": [Dense(1, activation="sigmoid")],
        "keras.activations.sigmoid": [Dense(1, activation=keras.activations.sigmoid)],
        "activation=Activation('sigmoid')": [Dense(1, activation=Activation("sigmoid"))],
        "activation=Activation(Activation('sigmoid'))": [Dense(1, activation=Activation(Activation("sigmoid")))],
        "Activation('sigmoid') last": [Dense(1), Activation("sigmoid")],
        "Activation(Activation('sigmoid')) last": [Dense(1), Activation(Activation("sigmoid"))]}
print(json.dumps({spelling: output_activation(keras.Sequential([keras.Input((1, 1)), keras.layers.LSTM(5), *layers]))
                  for spelling, layers in ends.items()}))
'''


def test_the_output_activation_is_read_whatever_its_spelling():
    assert set(in_a_subprocess(SPELLINGS).values()) == {"sigmoid"}
    from kata.architecture import activation_name
    for config in ("sigmoid", function("sigmoid", "builtins"),
                   {"module": "keras.layers", "class_name": "Activation", "config": {"activation": "sigmoid"}}):
        assert activation_name(config) == "sigmoid", config


LOAD_FORGED = '''
import json, sys, types, zipfile
import keras
from kata.answers import Kata
from kata.training import freshly_initialised
from kata.feedback import Failed
from kata.registry import BY_NAME
sys.path.insert(0, "solutions")
import one_to_one
folder = sys.argv[2]
one_to_one.build_model(5).save(folder + "/honest.keras")     # its weights, beside the forged config
with zipfile.ZipFile(folder + "/honest.keras") as honest, zipfile.ZipFile(folder + "/call0.keras", "w") as archive:
    for name in honest.namelist():
        archive.writestr(name, sys.argv[1] if name == "config.json" else honest.read(name))
flash = keras.config.is_flash_attention_enabled()
try:        # as the grader loads a model, then copies it for training
    model = Kata.load(types.SimpleNamespace(configs={}), BY_NAME["one_to_one"], "one_to_one.build_model(5)",
                      types.SimpleNamespace(folder=folder), {"file": "call0.keras"})
    freshly_initialised(model, 0)
    cause = None
except Failed as failed:
    cause = failed.feedback.cause
except Exception as error:
    cause = type(error).__name__
print(json.dumps({"cause": cause, "flash attention untouched": keras.config.is_flash_attention_enabled() == flash}))
'''


@pytest.mark.parametrize("name, cause", [("keras_config_setter_as_a_class", "one_to_one.model_not_loadable"),
                                         ("*rescaling_as_an_activation", "one_to_one.activation_not_a_name")])
def test_the_grader_refuses_a_forged_archive_before_building_it(honest, tmp_path, name, cause):
    config = planted(honest["solutions/one_to_one.py"], *HOSTILE[name])
    seen = in_a_subprocess(LOAD_FORGED, json.dumps(config), str(tmp_path))
    assert seen == {"cause": cause, "flash attention untouched": True}

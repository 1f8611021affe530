"""A model's config comes from the learner's worker, so the learner may forge it: the grader counts
its weights before building it, and refuses a Lambda or a Keras function that is no activation,
loss or metric (a function named in a config runs in the grader). Each run is a subprocess."""
import resource
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRADER_MEMORY = 3 * 2**30       # bytes of data the grading process may map in these tests

FORGES_ITS_CONFIG = '''
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(length, 1, 1), seq.reshape(length, 1)


def build_model(length=5):
    model = keras.Sequential([keras.Input(shape=(1, 1)), keras.layers.LSTM(length), keras.layers.Dense(1)])
    model.compile(loss="mean_squared_error", optimizer="adam")
    if length != 5:   # the worker writes this config for build_model(3) and (8) instead of the model's
        keras.saving.serialize_keras_object = lambda value: {
            "module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
                {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, SIZE], "name": "i"}},
                THE_LAYER]}}
    return model
'''
HUGE_DENSE = '{"module": "keras.layers", "class_name": "Dense", "config": {"units": SIZE, "name": "d"}}'
SETTER_IN_A_LAMBDA = ('{"module": "keras.layers", "class_name": "Lambda", "config": {"name": "d", "function": '
                      '{"module": "keras.distribution", "class_name": "function", "config": "set_distribution"}}}')


def grade_one_to_one(tmp_path, n, layer):
    impl = tmp_path / "impl"
    shutil.copytree(ROOT / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
    (impl / "one_to_one.py").write_text(FORGES_ITS_CONFIG.replace("THE_LAYER", layer).replace("SIZE", str(n)))

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_DATA, (GRADER_MEMORY, GRADER_MEMORY))
    done = subprocess.run([sys.executable, "-m", "pytest", f"--impl={impl}", "-q", "-rA", "tests/test_one_to_one.py"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, preexec_fn=limit_memory)
    return done.returncode, done.stdout + done.stderr


def test_a_forged_config_of_225_million_weights_is_counted_not_built(tmp_path):
    """Built, its weights would take some 4 GB of the grader's memory (more than this test allows)."""
    code, output = grade_one_to_one(tmp_path, 15_000, HUGE_DENSE)
    assert code == 1, output
    assert "build_model(3) has 225,015,000 parameters; not training it" in output, output
    assert "fault of the kata" not in output and "MemoryError" not in output, output
    assert "PASSED tests/test_one_to_one.py::test_trained_model_predicts_every_step_within_tolerance" in output, output


def test_a_config_naming_a_keras_setter_in_a_lambda_is_refused(tmp_path):
    code, output = grade_one_to_one(tmp_path, 1, SETTER_IN_A_LAMBDA)
    assert code == 1, output
    assert "returned a model the tests cannot load" in output, output
    assert "keras.distribution.set_distribution" in output and "keras.layers.Lambda" in output, output
    assert "fault of the kata" not in output, output

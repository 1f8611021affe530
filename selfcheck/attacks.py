"""Submissions written to forge a grade rather than earn it, each beside its honest twin: the same
answer without the attack. The attack suite (test_attacks.py) grades both and asserts the attack
gains nothing.

An attack is data: the module it lives in, the honest answer it starts from (a twin's source), the
code it adds, and the test files that grade it. Every attack here was tried against the grader when
the learner's code ran inside the grading process, and won points there.
"""
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLANTED = "kata_attack_planted"      # the name of every file an attack tries to plant outside its folder


def source(folder, module):
    return (ROOT / folder / f"{module}.py").read_text()


# Finds every results file and junit file a grading process was asked to write (through /proc), and
# writes a perfect score into each.
FORGE = '''
def _forge_results():
    import json, os, pathlib
    perfect = {"version": 3, "status": "pass", "message": None, "score": 205, "max_score": 205, "tests": []}
    for pid in os.listdir("/proc"):
        try:
            args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
            cwd = pathlib.Path(os.readlink(f"/proc/{pid}/cwd"))
        except (OSError, ValueError):
            continue
        for arg in args:
            if arg.startswith(b"--results-json="):
                path = cwd / arg.split(b"=", 1)[1].decode()
                try:
                    path.write_text(json.dumps(perfect))
                except OSError:
                    pass
'''


@dataclass(frozen=True)
class Attack:
    name: str
    module: str               # the exercise module the attack lives in
    twin: str                 # the honest answer: "stub", "solution", or a key of TWINS
    code: str                 # added after the twin's source (or before it, with first=True)
    first: bool = False
    exercises: tuple = ("one_to_one", "many_to_one")    # graded, so forged points elsewhere would show
    options: tuple = ()
    planted: tuple = field(default=())   # paths (relative to the kata copy) the attack tries to create


def replaced(text, old, new):
    """text with its first old replaced by new; an error if old is not there (the twin would be the solution)."""
    if old not in text:
        raise ValueError(f"{old!r} is not in the source the twin is made from")
    return text.replace(old, new, 1)


TWINS = {
    # many_to_one's solution with a sigmoid on its output layer: the output-activation check fails honestly
    "sigmoid_output": replaced(source("solutions", "many_to_one"),
                               "keras.layers.Dense(length),", 'keras.layers.Dense(length, activation="sigmoid"),'),
    # one_to_one's solution with an optimizer that cannot learn within the tests' training
    "one_to_one_cannot_learn": replaced(source("solutions", "one_to_one"),
                                        'optimizer="adam"', "optimizer=keras.optimizers.Adam(epsilon=1e3)"),
    # many_to_one whose data holds 0 1 2 3 4: the values check fails honestly
    "values_not_divided": source("selfcheck/mistakes/many-to-one-values-not-divided", "many_to_one"),
    # many_to_one with a hard-coded LSTM(5): units and parameter checks fail at lengths 3 and 8
    "hard_coded_units": source("selfcheck/mistakes/many-to-one-hard-coded-units", "many_to_one"),
    # many_to_many with Dense(1) where TimeDistributed(Dense(1)) is asked for
    "dense_not_time_distributed": source("selfcheck/mistakes/many-to-many-dense-instead-of-time-distributed",
                                         "many_to_many"),
    # many_to_one whose optimizer cannot learn within the tests' training (Adam with a huge epsilon)
    "cannot_learn": '''
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length)


def build_model(length=5):
    model = keras.Sequential([keras.Input((length, 1)), keras.layers.LSTM(length), keras.layers.Dense(length)])
    model.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(epsilon=1e3))
    return model
''',
    # many_to_one with no LSTM at all: one Dense layer
    "no_lstm": '''
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length)


def build_model(length=5):
    model = keras.Sequential([keras.Input((length, 1)), keras.layers.Flatten(), keras.layers.Dense(length)])
    model.compile(loss="mse", optimizer="adam")
    return model
''',
}

ATTACKS = [
    # Issue 15, items 1 and 9: an answer, or an output activation, hidden in a layer given as an activation.
    Attack("targets_in_a_rescaling_activation", "many_to_one", "cannot_learn", '''

def build_model(length=5):     # Rescaling(0, offset) outputs its offset, the targets, whatever the weights
    targets = [i / length for i in range(length)]
    model = keras.Sequential([keras.Input((length, 1)), keras.layers.LSTM(length),
                              keras.layers.Dense(length, activation=keras.layers.Rescaling(0.0, offset=targets))])
    model.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(epsilon=1e3))
    return model
'''),
    Attack("targets_in_a_rescaling_activation_one_to_one", "one_to_one", "one_to_one_cannot_learn", '''

def build_model(length=5):     # one target per sample: the offset broadcasts over the batch of all samples
    targets = [[i / length] for i in range(length)]
    model = keras.Sequential([keras.Input((1, 1)), keras.layers.LSTM(length),
                              keras.layers.Dense(1, activation=keras.layers.Rescaling(0.0, offset=targets))])
    model.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(epsilon=1e3))
    return model
'''),
    Attack("sigmoid_as_an_activation_layer", "many_to_one", "sigmoid_output", '''

def build_model(length=5):
    model = keras.Sequential([keras.Input(shape=(length, 1)), keras.layers.LSTM(length),
                              keras.layers.Dense(length, activation=keras.layers.Activation("sigmoid"))])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model
'''),
    Attack("sigmoid_as_the_last_layer", "many_to_one", "sigmoid_output", '''

def build_model(length=5):
    model = keras.Sequential([keras.Input(shape=(length, 1)), keras.layers.LSTM(length), keras.layers.Dense(length),
                              keras.layers.Activation("sigmoid")])
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model
'''),
    Attack("atexit_rewrites_results", "one_to_one", "stub", FORGE + '''
import atexit
atexit.register(_forge_results)
_forge_results()
'''),
    Attack("perfect_results_then_os_exit", "one_to_one", "stub", FORGE + '''
import os
_forge_results()
os._exit(0)
'''),
    Attack("late_forger_outlives_the_worker", "one_to_one", "stub", FORGE + '''
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(150):          # 30 s of rewriting, long after grading ends
            _forge_results()
            time.sleep(0.2)
    os._exit(0)
'''),
    Attack("daemon_thread_keeps_forging", "one_to_one", "stub", FORGE + '''
import threading, time


def _keep_forging():
    for _ in range(150):
        _forge_results()
        time.sleep(0.2)


threading.Thread(target=_keep_forging, daemon=True).start()
'''),
    Attack("plugin_found_with_gc_marks_every_check_passed", "one_to_one", "stub", '''
import gc
import pytest


class _Forge:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        report.outcome, report.longrepr = "passed", None


for _obj in gc.get_objects():
    try:
        if type(_obj).__name__ == "Config" and hasattr(_obj, "pluginmanager"):
            _obj.pluginmanager.register(_Forge(), "forge")
    except Exception:
        pass
'''),
    Attack("patches_the_results_writer_and_runtest", "one_to_one", "stub", '''
import sys
try:
    import _pytest.python
    _pytest.python.Function.runtest = lambda self: None
except Exception:
    pass
for _name, _module in list(sys.modules.items()):
    if hasattr(_module, "test_entry"):
        _module.test_entry = lambda outcome: {"name": outcome.name, "status": "pass", "score": outcome.points}
'''),
    Attack("patches_numpy_comparisons", "many_to_one", "values_not_divided", '''
import numpy as _np
_np.allclose = lambda *args, **kwargs: True
_np.isclose = lambda a, b, *args, **kwargs: _np.ones_like(_np.asarray(a), dtype=bool)
_np.array_equal = lambda *args, **kwargs: True
'''),
    Attack("ndarray_subclass_that_lies", "many_to_one", "values_not_divided", '''
import numpy as _np


class _Liar(_np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _np.zeros(_np.broadcast(*[_np.asarray(i) for i in inputs]).shape)

    def __eq__(self, other):
        return True


_honest_dataset = make_dataset


def make_dataset(length=5):
    X, y = _honest_dataset(length)
    return _np.asarray(X).view(_Liar), _np.asarray(y).view(_Liar)
'''),
    Attack("dense_subclass_named_time_distributed", "many_to_many", "dense_not_time_distributed", '''
import keras as _keras


class TimeDistributed(_keras.layers.Dense):
    pass


_keras.layers.TimeDistributed = TimeDistributed


def build_model(length=5):
    model = _keras.Sequential([_keras.Input((length, 1)), _keras.layers.LSTM(length, return_sequences=True),
                               TimeDistributed(1)])
    model.compile(loss="mse", optimizer="adam")
    return model
''', exercises=("many_to_many",)),
    Attack("patches_count_params_and_class_names", "many_to_one", "hard_coded_units", '''
import keras as _keras
_keras.Model.count_params = lambda self: 4 * self.input_shape[1] * (self.input_shape[1] + 2) + self.input_shape[1] * (self.input_shape[1] + 1)
_keras.layers.GRU.__name__ = "LSTM"
'''),
    Attack("model_subclass_that_lies", "many_to_one", "no_lstm", '''
import keras as _keras
import numpy as _np


class _Liar(_keras.Model):
    def count_params(self):
        return 170

    def summary(self, *args, **kwargs):
        print("lstm (LSTM) (None, 5) 140")

    def predict(self, X, *args, **kwargs):
        return _np.arange(X.shape[1]).reshape(1, -1) / X.shape[1]


_honest_build = build_model


def build_model(length=5):
    inner = _honest_build(length)
    model = _Liar(inner.inputs, inner.outputs)
    model.compile(loss="mse", optimizer="adam")
    return model
'''),
    Attack("writes_a_conftest_that_passes_everything", "one_to_one", "stub", f'''
import pathlib
_plugin = "import pytest\\n@pytest.hookimpl(hookwrapper=True)\\ndef pytest_runtest_makereport(item, call):\\n    outcome = yield\\n    outcome.get_result().outcome = 'passed'\\n"
for _folder in (pathlib.Path.cwd(), pathlib.Path.cwd() / "tests"):
    try:
        (_folder / "conftest.py").write_text(_plugin)
        (_folder / "{PLANTED}.txt").write_text("planted")
    except OSError:
        pass
''', planted=("tests/conftest.py", f"{PLANTED}.txt", f"tests/{PLANTED}.txt")),
    Attack("writes_a_pth_file_into_site_packages", "one_to_one", "stub", f'''
import site
for _folder in site.getsitepackages():
    try:
        open(_folder + "/{PLANTED}.pth", "w").write("import os; os.environ['KATA_ATTACK'] = '1'\\n")
    except OSError:
        pass
'''),
    Attack("edits_the_checks_while_graded", "one_to_one", "stub", '''
import pathlib
for _check in pathlib.Path.cwd().glob("kata/checks/*.py"):
    try:
        _check.write_text(_check.read_text().replace("if got != expected", "if False"))
    except OSError:
        pass
'''),
    Attack("sets_environment_variables", "one_to_one", "stub", '''
import os
os.environ["KATA_EXPECTED_FINGERPRINT"] = "0" * 64
os.environ["PYTEST_ADDOPTS"] = "--collect-only"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"
'''),
    Attack("sys_exit_at_import", "one_to_one", "solution", "import sys\nsys.exit(0)\n", first=True),
    Attack("os_exit_at_import", "one_to_one", "solution", "import os\nos._exit(0)\n", first=True),
    Attack("os_exit_in_a_call", "one_to_one", "solution", '''
import os
_honest_build = build_model


def build_model(length=5):
    if length == 3:
        os._exit(0)
    return _honest_build(length)
'''),
    Attack("sys_exit_in_a_call", "one_to_one", "solution", '''
import sys
_honest_dataset = make_dataset


def make_dataset(length=5):
    if length == 8:
        sys.exit(0)
    return _honest_dataset(length)
'''),
    Attack("ignores_sigalrm_and_sigterm_then_loops", "one_to_one", "solution", '''
import signal
_honest_build = build_model


def build_model(length=5):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if length == 8:
        while True:
            pass
    return _honest_build(length)
''', options=("--time-limit=3",)),
    Attack("kills_its_parent_and_the_grader", "one_to_one", "stub", '''
import os, signal
_parent = os.getppid()
_grader = int(open(f"/proc/{_parent}/stat").read().rsplit(")", 1)[1].split()[1]) if _parent > 1 else 0
for _pid in (_parent, _grader):
    try:
        if _pid > 1:
            os.kill(_pid, signal.SIGKILL)
    except OSError:
        pass
'''),
    Attack("swaps_its_arrays_for_a_fifo_and_a_link", "many_to_one", "values_not_divided", '''
import os, pathlib, tempfile, threading, time

_honest_dataset = make_dataset


def _swap():
    folder = pathlib.Path(tempfile.gettempdir())
    for _ in range(200):
        for name in ("call0_0.npy", "call0_1.npy", "call1_0.npy"):
            path = folder / name
            if path.exists() and not path.is_symlink():
                path.unlink()
                if name.endswith("0.npy"):
                    os.mkfifo(path)
                else:
                    path.symlink_to("/dev/zero")
        time.sleep(0.01)


def make_dataset(length=5):
    if length == 5:
        threading.Thread(target=_swap, daemon=True).start()
    return _honest_dataset(length)
''', exercises=("many_to_one", "one_to_one")),
    Attack("writes_malformed_answer_lines", "one_to_one", "stub", '''
import gc, io
for _file in gc.get_objects():
    if isinstance(_file, io.TextIOWrapper) and str(getattr(_file, "name", "")).endswith("answers.jsonl"):
        for _line in ('{"call": 0, "value": "x"}', '{"import_error": 5}', 'not json', '{"start": "x"}',
                      '{"call": 1, "value": {"type": "numpy.ndarray", "items": 3}}', '[1, 2]'):
            _file.write(_line + "\\n")
        _file.flush()
'''),
    Attack("pretrains_its_model_and_its_initialisers", "many_to_one", "cannot_learn", '''
_untrained_build = build_model


def build_model(length=5):
    model = _untrained_build(length)
    if length == 5:       # model.fit is skipped in the worker; train_on_batch is not
        X, y = make_dataset(length)
        model.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(0.02))
        for _ in range(400):
            model.train_on_batch(X, y)
        model.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(epsilon=1e3))
        for layer in model.layers:       # and the trained weights as initialisers, for a rebuild
            for name, weight in zip(("kernel", "recurrent_kernel", "bias"), layer.get_weights()):
                setattr(layer, f"{name}_initializer", keras.initializers.Constant(weight))
    return model
''', exercises=("many_to_one",)),
    Attack("zip_bomb_and_paths_outside_its_folder", "many_to_one", "values_not_divided", '''
import gc, io, json, tempfile, zipfile, pathlib

_honest_build, _honest_dataset = build_model, make_dataset


def _answers():
    return next(f for f in gc.get_objects()
                if isinstance(f, io.TextIOWrapper) and str(getattr(f, "name", "")).endswith("answers.jsonl"))


def make_dataset(length=5):
    if length == 3:      # overwrite the answer of make_dataset(5) with files outside the worker's folder
        _answers().write(json.dumps({"call": 0, "output": "", "notes": [], "value": {
            "type": "builtins.tuple", "length": 2, "items": [{"type": "numpy.ndarray", "file": "/proc/self/fd/11"},
                                                              {"type": "numpy.ndarray", "file": "../../x.npy"}]}}) + "\\n")
        _answers().flush()
    return _honest_dataset(length)


def build_model(length=5):
    if length == 3:      # the archive of build_model(5) becomes a zip bomb
        with zipfile.ZipFile(pathlib.Path(tempfile.gettempdir()) / "call0.keras", "w", zipfile.ZIP_DEFLATED) as z:
            with z.open("config.json", "w", force_zip64=True) as f:
                for _ in range(6):
                    f.write(b" " * (16 << 20))
    return _honest_build(length)
''', exercises=("many_to_one",)),
    # Issue 15, round three: the grader's memory, and Keras counting for the learner.
    Attack("answer_key_from_the_graders_memory", "one_to_one", "stub", '''
import sys


def make_dataset(length=5):     # no shape, no formula: the grader's own registry, left in a forked worker
    return sys.modules["kata.registry"].BY_NAME["one_to_one"].canonical(length)
''', exercises=("one_to_one", "many_to_one")),
    Attack("parameters_counted_by_keras", "parameters", "stub", '''
def lstm_params(units, input_dim):
    import keras
    layer = keras.layers.LSTM(units)
    layer.build((None, None, input_dim))
    return layer.count_params()


def dense_params(units, input_dim):
    import keras
    layer = keras.layers.Dense(units)
    layer.build((None, input_dim))
    return layer.count_params()
''', exercises=("parameters", "one_to_one")),
    Attack("parameters_counted_by_keras_past_the_import_blocker", "parameters", "stub", '''
import sys


def _keras():        # the worker's import finder taken out, then Keras imported from its files
    import os, tempfile
    os.environ["KERAS_HOME"] = tempfile.gettempdir()       # not ~/.keras, which the class box hides
    sys.meta_path[:] = [finder for finder in sys.meta_path if getattr(finder, "__name__", "") != "NoKeras"]
    import keras
    return keras


def lstm_params(units, input_dim):
    layer = _keras().layers.LSTM(units)
    layer.build((None, None, input_dim))
    return layer.count_params()


def dense_params(units, input_dim):
    layer = _keras().layers.Dense(units)
    layer.build((None, input_dim))
    return layer.count_params()
''', exercises=("parameters", "one_to_one")),
]

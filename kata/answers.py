"""The grader's side of the boundary: it asks the workers for the learner's answers and reads back only
data (arrays without pickle, ints, Keras archives loaded in safe mode, error records). Nothing here
imports or calls the learner's code.

Every way an answer can go wrong becomes a Failed(Feedback) that names the call: a missing file or
function, a stub, an exception with the learner's file and line, an exit, a crash, a timeout, a
model that cannot be loaded in safe mode. Answers are read once and cached for the session, so each
model is loaded once per (exercise, length) and trained once per exercise.
"""
import contextlib
import copy
import functools
import json
import linecache
import os
import re
import stat
import tempfile
import types
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .advice import keras_advice
from .feedback import BROKEN, BROKEN_FILE, NOT_STARTED, Failed, Feedback, code_shape, fail, shape_text
from .protocol import CallEnded, Job, Malformed, read_answers
from .registry import TUTORIAL
from .training import train
from .training_cache import key_of
from .worker import LARGEST_MODEL     # a model the worker reports as too large; a forged config is counted here

MAX_PARAMS_TO_TRAIN = 100_000
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
NUMBERS = "iuf"      # numpy dtype kinds a dataset may hold: ints, unsigned ints, floats
KINDS_OF_VALUES = {"U": "text", "S": "bytes", "c": "complex numbers", "b": "booleans (True/False)",
                   "M": "dates", "m": "time spans", "V": "raw records"}


@dataclass
class Answer:
    """One call's answer as the worker recorded it: its value's description, or the feedback of its error."""
    called: str
    value: dict = None
    error: Feedback = None
    output: str = ""
    folder: Path = None       # where the worker wrote the value's files


def describe_value(value):
    """'None' or 'a numpy.ndarray': how a message names what came back, from the worker's description."""
    return "None" if value["type"] == "builtins.NoneType" else f"a {value['type']}"


def last_line(error):
    """The line of a TensorFlow error that says what went wrong (it ends its long message)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else ""


IMPORT_KINDS = ("missing_file", "missing_function", "syntax", "import")


def line_of(record):
    """The line an error record points at, if it is a line number (the record comes from the worker)."""
    line = record.get("line")
    return line if isinstance(line, int) and not isinstance(line, bool) else None


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


def without_initialisers(config):
    """A layer's config with every *_initializer left out, nested layers' too: Keras's defaults instead."""
    if isinstance(config, dict):
        return {key: without_initialisers(value) for key, value in config.items() if not key.endswith("_initializer")}
    if isinstance(config, list):
        return [without_initialisers(value) for value in config]
    return config


def freshly_initialised(model, seed):
    """The same architecture, loss and optimizer class, with weights drawn here from Keras's default
    initialisers at the seed: whatever weights (or initialisers) the learner's archive carries, the
    training check starts from scratch, as the tutorial's model does."""
    import keras
    from .architecture import compiled_like
    keras.utils.set_random_seed(seed)
    return compiled_like(keras.models.clone_model(
        model, clone_function=lambda layer: layer.__class__.from_config(without_initialisers(layer.get_config()))), model)


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


def too_large(exercise, called, params):
    fail(f"{exercise.name}.too_large_to_load", f"{called} has {params:,} parameters; not training it.",
         got=f"{params:,} parameters", expected=f"{exercise.params(5)} parameters at length 5",
         why="the tutorial's model is tiny; one this large would take minutes to save, load and train.",
         change="fix the layer sizes: LSTM(length) and the output layer the exercise names.")


def activation_not_a_name(exercise, called, refused):
    fail(f"{exercise.name}.activation_not_a_name", f"{called} gives a layer an activation that is not one of "
         f"Keras's activations by name: {', '.join(refused)}.", got=", ".join(refused),
         expected="activation='tanh', 'relu', 'sigmoid'... (or keras.activations.tanh), or none on the output layer",
         why="the tests train a fresh copy of your model from its layers and their settings; an activation is "
             "one of Keras's functions, and a layer or any other object in its place can hold values of its own "
             "(the targets, say) that no training learned.",
         change="give activation= the name of a Keras activation; leave it out on the output layer, which is linear.")


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


class Kata:
    """The learner's answers for one run: jobs sent to the workers at the start, read on demand.
    `server` is a worker backend (kata/backend.py): submit(Job), wait(job id) -> JobEnded."""

    def __init__(self, folder, label, seed, server, time_limit, box=None, training_cache=None):
        self.folder, self.label, self.seed = Path(folder).resolve(), label.rstrip("/") + "/", seed
        self.server, self.time_limit = server, time_limit
        self.training_cache = training_cache   # a TrainingCache shared by a gradebook's runs, or None
        self.box = box     # the sandbox's settings for every worker (kata/sandbox.py's Box, less its folder)
        self.work = Path(tempfile.mkdtemp(prefix="kata-answers-"))
        self.jobs, self.cache, self.tables_shown, self.tips = {}, {}, set(), set()
        self.configs = {}        # exercise -> the config of its whole model's archive (build_model(5))
        self.consulted = []      # the answers the current check read: their output goes with it
        self.echo = False        # with pytest -s: show what each call printed as its answer arrives

    # --- asking ---------------------------------------------------------------------------------

    def ask(self, exercise):
        """Send every call the registry names for the exercise to the workers, once."""
        for function in exercise.functions:
            key = f"{exercise.module}.{function}"
            if key in self.jobs:
                continue
            calls = [list(args) for args in exercise.calls(function)]
            self.jobs[key] = Job(id=f"{self.work.name}/{key}", folder=str(self.folder), label=self.label,
                                 module=exercise.module, function=function, calls=calls,
                                 whole_calls=[[TUTORIAL]],     # a model from another call: its config only
                                 seed=self.seed, dir=str(self.work / key), time_limit=self.time_limit,
                                 box=self.box_for(self.work / key / "files", len(calls)), keras=exercise.keras)
            self.server.submit(self.jobs[key])

    def box_for(self, folder, calls):
        """The box of one job: it writes only its own folder, for at most the job's time in CPU."""
        if self.box is None:
            return None
        return {**self.box, "writable": [str(folder)], "cpu_seconds": int(self.time_limit * (calls + 1)) + 1,
                **({"readable": [str(self.folder), *self.box["readable"]]} if self.box.get("readable") is not None else {})}

    def source(self, module):
        """The learner's module as text, read (never run) for what an answer does not say; '' if it is
        not a regular file of a sane size."""
        try:
            return worker_file(self.folder, f"{module}.py").read_text(errors="replace")
        except OSError:
            return ""

    def path_of(self, module):
        return f"{self.label}{module}.py"

    def answer(self, exercise, function, args):
        """The Answer of function(*args); raises Failed for every way the call did not return."""
        self.ask(exercise)
        key = ("answer", exercise.module, function, tuple(args))
        if key not in self.cache:
            self.cache[key] = self.read_answer(exercise, function, tuple(args))
            if self.echo and self.cache[key].output:
                print(f"\n[{self.cache[key].called} printed]\n{self.cache[key].output.rstrip()}", flush=True)
        answer = self.cache[key]
        self.consulted.append(answer)
        if isinstance(answer.error, Feedback):
            raise Failed(answer.error)
        return answer

    def read_answer(self, exercise, function, args):
        job = self.jobs[f"{exercise.module}.{function}"]
        reply = self.server.wait(job.id)
        index = [tuple(a) for a in job.calls].index(args)
        shown = job.call_text(index)
        path = Path(job.dir) / "answers.jsonl"
        answers = read_answers(path.read_text(errors="replace") if path.is_file() else "", len(job.calls))
        if answers.import_failed:
            return Answer(shown, error=self.import_feedback(exercise, function, shown, answers.import_failed.error),
                          output=answers.import_failed.output)
        ended = answers.ended.get(index)
        if isinstance(ended, Malformed):
            return Answer(shown, error=Feedback(f"{exercise.name}.{function}.malformed_answer",
                                                f"{shown} left an answer the tests cannot read: its worker "
                                                "process wrote something else than its answer.", kind=BROKEN))
        if isinstance(ended, CallEnded):
            self.tips.update(str(note) for note in ended.notes)
            return Answer(shown, value=ended.value, output=ended.output,
                          error=self.call_feedback(exercise, function, shown, ended.error) if ended.error else None,
                          folder=Path(job.dir) / "files")
        return Answer(shown, error=self.ended_feedback(exercise, function, shown, reply, answers.started, index))

    # --- error records to feedback -----------------------------------------------------------------

    def file_of(self, record, module):
        """The learner's file an error record names, if it is one of the graded folder's; else the module's."""
        file = record.get("file")
        return file if isinstance(file, str) and file.startswith(self.label) and "\n" not in file else self.path_of(module)

    def where(self, record, module):
        """'exercises/x.py line 12 (code)' where the error record points, else the module's file."""
        if isinstance(record.get("file"), str) and isinstance(record.get("line"), int):
            return f"{record['file']} line {record['line']} ({record.get('code') or ''})"
        return self.path_of(module)

    def import_feedback(self, exercise, function, shown, record):
        module, kind = exercise.module, record.get("kind")
        cause = f"{exercise.name}.{function}.{kind if kind in IMPORT_KINDS else 'import'}"
        if kind == "missing_file":
            return Feedback(cause, f"missing file: {self.path_of(module)} - create it with the functions "
                                   f"the exercise asks for (see exercises/{module}.py).", kind=BROKEN_FILE)
        if kind == "missing_function":
            defined = record.get("defined") or []
            return Feedback(cause, f"missing function: {self.path_of(module)} has no function named "
                                   f"{function}(){' (it defines ' + ', '.join(map(str, defined)) + ')' if defined else ''}. "
                                   f"The tests call {shown}; keep the name and arguments of the stub.",
                            kind=BROKEN, file=self.path_of(module))
        if kind == "syntax":
            return Feedback(cause, f"{self.path_of(module)} line {record.get('line')}: SyntaxError: "
                                   f"{record.get('message')}\n    {record.get('code') or ''}",
                            kind=BROKEN_FILE, file=self.path_of(module), line=line_of(record))
        if record.get("type") == "SystemExit":
            return Feedback(f"{exercise.name}.{function}.exit_at_import",
                            f"{self.where(record, module)}: sys.exit() while importing ({record.get('message')}).\n"
                            "  The tests import this file, so code at its top level must not end the program: "
                            "remove the exit.", kind=BROKEN_FILE, file=self.path_of(module), line=line_of(record))
        message = str(record.get("message"))
        return Feedback(cause, f"{self.where(record, module)}: {record.get('type')} while importing: {message}"
                        + keras_advice(message, exercise.name), kind=BROKEN_FILE, file=self.file_of(record, module),
                        line=line_of(record))

    def call_feedback(self, exercise, function, shown, record):
        module, kind, name = exercise.module, record.get("kind"), record.get("type")
        file, line = self.file_of(record, module), line_of(record)
        if kind == "not_started":
            return Feedback(f"{exercise.name}.{function}.not_started", f"not started: {self.path_of(module)} {function}() - "
                            "see the TODO in its docstring", kind=NOT_STARTED, file=file, line=line)
        where, message = self.where(record, module), str(record.get("message"))
        advice = keras_advice(message, exercise.name, self.source(module))   # the file: for Keras 2's input_dim=
        if name == "SystemExit":
            return Feedback(f"{exercise.name}.{function}.exit_in_call", f"{shown} called sys.exit() ({message})\n  at {where}\n"
                            "  The tests call your function for its answer: return it; do not end the program.",
                            kind=BROKEN, file=file, line=line)
        if name == "TypeError":
            return Feedback(f"{exercise.name}.{function}.type_error", f"{shown} raised TypeError: {message}\n  at {where}" + (
                f"\n  The tests call {shown}: keep the stub's arguments, such as length=5."
                if where == self.path_of(module) else "") + advice,
                kind=BROKEN, file=file, line=line)
        return Feedback(f"{exercise.name}.{function}.raised", f"{shown} raised {name}: {message}\n  at {where}"
                        + advice, kind=BROKEN, file=file, line=line)

    def ended_feedback(self, exercise, function, shown, reply, started, index):
        """A call without an answer: the worker timed out, ended or crashed during it, or before it."""
        module, path = exercise.module, self.path_of(exercise.module)
        job = self.jobs[f"{module}.{function}"]
        running = started[-1] if started else None
        during = job.call_text(running) if running is not None else None
        if reply.lost:
            return Feedback(f"{exercise.name}.{function}.worker_lost", f"{shown} was not answered: the kata's worker "
                            "process was lost. This is a fault of the kata: please tell your instructor.", kind=BROKEN)
        if reply.timed_out and running is None:
            return Feedback(f"{exercise.name}.{function}.import_timed_out", f"timed out: importing {path} did not finish within "
                            f"the time limit ({self.time_limit:g} s).\n  Code at the top level of the file runs on "
                            "import: move any training or loop into a function, or delete it.",
                            kind=BROKEN_FILE, file=path)
        if reply.timed_out:
            line = self.running_line(job, module)
            text = (f"timed out: {during} in {path} did not return within the time limit ({self.time_limit:g} s); "
                    f"every check that calls {function}() fails the same way."
                    + (f"\n  It was running {path} line {line[0]} ({line[1]})." if line else "")
                    + "\n  Look for a loop that never ends, or layers far larger than the exercise asks for.")
            if running != index:
                text += f"\n  Not calling {shown} as well."
            return Feedback(f"{exercise.name}.{function}.timed_out", text, kind=BROKEN, file=path)
        how = f"killed by {reply.signal}" if reply.signal else f"exit code {reply.exit}"
        subject = f"importing {path}" if running is None else during
        return Feedback(f"{exercise.name}.{function}.process_ended",
                        f"{subject} ended the process ({how}): os._exit(), a crash or a signal.\n"
                        f"  The tests call {function}() in a process of its own, so this costs only the checks "
                        f"that need {function}()" + (f"; {shown} was not called." if running != index else "."),
                        kind=BROKEN, file=path)

    def running_line(self, job, module):
        """(line, code) of the learner's file where an overrunning call was, from the traceback the
        worker dumped into its output just before it was stopped; None if there is none."""
        output = Path(job.dir) / "output.txt"
        text = output.read_bytes()[-20000:].decode(errors="replace") if output.is_file() else ""
        source = self.folder / f"{module}.py"
        lines = re.findall(r'File "([^"]+)", line (\d+)', text)
        found = [int(number) for file, number in lines if Path(file) == source]
        if not found:
            return None
        return found[-1], linecache.getline(str(source), found[-1]).strip()   # the innermost, of the last dump

    # --- values ------------------------------------------------------------------------------------

    def array(self, exercise, answer, description):
        import numpy as np
        try:
            return np.load(worker_file(answer.folder, description["file"]), allow_pickle=False)
        except (OSError, ValueError, EOFError) as error:
            fail(f"{exercise.name}.unreadable_answer", f"{answer.called} returned an array the tests cannot read.",
                 got=f"{type(error).__name__}: {error}", expected="a numpy array of numbers",
                 why="the tests read your arrays back from the process that ran your code.",
                 change="return plain numpy arrays of numbers, e.g. np.array(...).reshape(...).")

    def remembered(self, key, compute):
        """compute()'s value, or the Failed it raised, once per key for the session."""
        if key not in self.cache:
            try:
                self.cache[key] = compute()
            except Failed as failed:
                self.cache[key] = failed.feedback
        value = self.cache[key]
        if isinstance(value, Feedback):
            raise Failed(value)
        return value

    def consult(self, exercise, function, args):
        """Note that the current check uses this call's answer (read earlier): its output goes with the check."""
        answer = self.cache.get(("answer", exercise.module, function, tuple(args)))
        if answer is not None:
            self.consulted.append(answer)

    def dataset(self, exercise, length):
        self.consult(exercise, "make_dataset", (length,))
        return self.remembered(("dataset", exercise.name, length), lambda: self.read_dataset(exercise, length))

    def read_dataset(self, exercise, length):
        answer = self.answer(exercise, "make_dataset", (length,))
        called, value = f"{exercise}.make_dataset({length})", answer.value
        items = value.get("items")
        if items is None or value.get("length") != 2:
            got = describe_value(value) + (f" of {value.get('length')} items" if items is not None else "")
            fail(f"{exercise.name}.not_a_pair", f"{called} did not return a pair.", got=got,
                 expected="two numpy arrays: X, y",
                 why="the tests unpack X, y = make_dataset(...) as model.fit(X, y) would.",
                 change="end the function with: return X, y" if value.get("type") == "builtins.NoneType"
                 else "return exactly X and y, in that order.")
        for name, item in zip("Xy", items):
            if not item.get("file"):
                fail(f"{exercise.name}.{name}_not_array", f"{called} returned {name} as {describe_value(item)}.",
                     got=describe_value(item), expected="a numpy array (numpy.ndarray)",
                     why="shapes are the point of this kata, and only an array has the shape Keras sees.",
                     change=f"build {name} with numpy, e.g. np.array(...).reshape(...).")
        arrays = tuple(self.array(exercise, answer, item) for item in items)
        for name, array in zip("Xy", arrays):
            if array.dtype.kind not in NUMBERS:
                kind = KINDS_OF_VALUES.get(array.dtype.kind, "values that are not numbers")
                fail(f"{exercise.name}.{name}_not_numbers", f"{called} returned {name} holding {kind} ({array.dtype}).",
                     got=f"an array of dtype {array.dtype}", expected="an array of numbers: floats (float32, float64) or ints",
                     why="Keras trains on numbers; the tests compare your values with the sequence as numbers, "
                         "not as they would read once converted.",
                     change=f"build {name} from numbers, e.g. np.arange(length) / length, with no str() or complex values.")
        return arrays

    def model(self, exercise, length):
        self.consult(exercise, "build_model", (length,))
        return self.remembered(("model", exercise.name, length), lambda: self.read_model(exercise, length))

    def read_model(self, exercise, length):
        answer = self.answer(exercise, "build_model", (length,))
        called, value = f"{exercise}.build_model({length})", answer.value
        if value.get("type") != "keras.Model":
            fail(f"{exercise.name}.not_a_model", f"{called} did not return a Keras model.", got=describe_value(value),
                 expected="a compiled keras.Model (Sequential or functional)",
                 why="the tests inspect and train the model that build_model returns.",
                 change="end the function with: return model" if value.get("type") == "builtins.NoneType"
                 else "return the model itself, not its summary, history or layers.")
        return self.load(exercise, called, answer, value, whole=length == TUTORIAL, length=length)

    def load(self, exercise, called, answer, value, whole=True, length=TUTORIAL):
        """The model in safe mode, made only of Keras's own classes: from its archive, or, not whole,
        from its config alone (the checks at other lengths read shapes and counts, not weights). A
        model with a stateful layer is not this kata's: it fails here, naming the layer."""
        import keras
        from .architecture import stateful_layers
        problem, name, foreign = None, value.get("file") or value.get("config"), []
        if value.get("params"):
            too_large(exercise, called, value["params"])
        if value.get("save_error") or not isinstance(name, str):
            problem = f"Keras could not save it ({value.get('save_error')})"
        else:
            try:
                path = worker_file(answer.folder, name)
                config = model_config(path)
                foreign = refused_objects(config)
            except (OSError, KeyError, ValueError, RecursionError, zipfile.BadZipFile):
                foreign, problem = [], "its file is not a Keras archive"
            if any("(activation=" in item for item in foreign):
                activation_not_a_name(exercise, called, [item for item in foreign if "(activation=" in item])
            if foreign:
                problem = "its archive names what the tests do not build: " + ", ".join(foreign)
        stateful = stateful_layers(config, length) if problem is None else []
        if stateful:
            fail(f"{exercise.name}.stateful", f"{called} has a layer with stateful=True: {', '.join(stateful)}.",
                 got="stateful=True", expected="stateful=False, Keras's default: each call starts from a fresh state",
                 why="stateful=True carries each sample's last state over into the next call, so what the model "
                     "predicts for X depends on what it read before. The tutorial, like this exercise, reads the "
                     "whole sequence in one batch and starts every pass afresh; the tests train and predict your "
                     "model that way, and a state carried from call to call would change what they measure.",
                 change=f"remove stateful=True: {' and '.join(stateful)}. The input may keep a batch size that "
                        "X's samples fill, such as keras.Input(batch_shape=" + code_shape(exercise.x_shape(length), length) + ").")
        if problem is None:
            try:
                params = parameters_in(config)
            except Exception as error:
                problem = f"Keras could not load it in safe mode ({type(error).__name__}: {last_line(error)})"
            else:
                if params > LARGEST_MODEL:      # the worker would have said so: a forged config
                    too_large(exercise, called, params)
        if problem is None:
            try:
                if whole and path.suffix != ".json":
                    model = keras.saving.load_model(path, safe_mode=True)
                    self.configs[exercise.name] = config     # all that decides its training
                    return model
                return structure_of(config)
            except Exception as error:
                problem = f"Keras could not load it in safe mode ({type(error).__name__}: {last_line(error)})"
        fail(f"{exercise.name}.model_not_loadable", f"{called} returned a model the tests cannot load.",
             got=problem, expected="a model made only of Keras's own layers: " + " -> ".join(
                 row.layer.name() for row in exercise.layers(length)),
             why="the tests save your model, load it back in safe mode and train a fresh copy from its "
                 "layers and settings alone: they take Keras's own layers that these models are built from ("
                 + ", ".join(LAYERS[1:]) + "), and Keras's own optimizers, losses and activations; a custom "
                 "layer or model class, a Lambda, or a layer holding values of its own cannot cross.",
             change="build the model from keras.layers (LSTM, Dense, TimeDistributed, RepeatVector), "
                    "with no class or Lambda of your own" + (f", and leave out {', '.join(foreign)}." if foreign else "."))

    def built(self, exercise, length):
        """The model, with a clear failure if it does not know its input shape yet."""
        model = self.model(exercise, length)
        try:
            model.inputs
        except (AttributeError, ValueError):
            fail(f"{exercise.name}.no_input_shape", f"{exercise}.build_model({length}) returned a model without an input shape.",
                 got="a model that has not been built", expected=f"input {shape_text((None,) + exercise.x_shape(length)[1:])}",
                 why="Keras only knows the shapes, the outputs and the parameter counts once it knows the input.",
                 change=f"start the model with keras.Input(shape={code_shape(exercise.x_shape(length)[1:], length)}).")
        return model

    def layer_table(self, exercise, length):
        """The learner's layers beside the expected ones, in full the first time a run shows it for
        an exercise at this length; after that, a pointer to it (the same table three times is a wall).
        The learner's shapes are those X gives (a None axis or a batch size takes X's): only a real
        difference is marked."""
        from .architecture import comparison_table, describe, expected_rows, for_input, takes
        if (exercise.name, length) in self.tables_shown:
            return f"    (your layers beside the expected ones for build_model({length}): see the table above)"
        self.tables_shown.add((exercise.name, length))
        model = self.built(exercise, length)
        if takes(model.inputs[0].shape, exercise.x_shape(length)):
            with contextlib.suppress(Exception):      # one Keras cannot rebuild is shown as it was built
                model = for_input(model, exercise.x_shape(length))
        return comparison_table(describe(model), expected_rows(exercise, length))

    def compiled(self, exercise, length):
        """The model, with one clear failure, the same for every check that needs it, if it is not compiled."""
        model = self.built(exercise, length)
        if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", False):
            fail(f"{exercise.name}.not_compiled", f"{exercise}.build_model({length}) returned a model that is not compiled.",
                 got="no compile() call: no loss, no optimizer",
                 expected="model.compile(loss='mean_squared_error', optimizer='adam')",
                 why="training needs a loss to measure the error and an optimizer to reduce it.",
                 change="call model.compile(...) before returning the model.")
        return model

    def trained(self, exercise):
        return self.remembered(("trained", exercise.name), lambda: self.train(exercise))

    def train(self, exercise):
        """(X, y, predictions) of a fresh copy of build_model(5), trained here on the canonical data,
        if its cost and its time are within the grader's budget (kata/training.py)."""
        from .architecture import for_input, layers_of, takes
        from .training import COST_LIMIT, STEPS, TIME_BUDGET, TooCostly
        length = 5
        X, y = exercise.canonical(length)
        model = self.compiled(exercise, length)
        if model.count_params() > MAX_PARAMS_TO_TRAIN:
            fail(f"{exercise.name}.too_large_to_train", f"{exercise}.build_model(5) has {model.count_params():,} parameters; not training it.",
                 got=f"{model.count_params():,} parameters", expected=f"{exercise.params(length)} parameters",
                 why="the tutorial's model is tiny; a huge one would take minutes to train.",
                 change="fix the layer sizes (the parameter-count check shows which).")
        if not takes(model.inputs[0].shape, X.shape):
            fail(f"{exercise.name}.input_cannot_take_X", f"{exercise}.build_model(5) takes input {shape_text(tuple(model.inputs[0].shape))}; not training it.",
                 got=shape_text(tuple(model.inputs[0].shape)), expected=shape_text((None,) + X.shape[1:]),
                 why="the tests train on the exercise's X, which your model cannot take.",
                 change="fix the input shape first (see the input-shape check).")
        try:       # built for X itself: a None axis (any timesteps) or a batch size takes X's, exactly
            model = for_input(model, X.shape)
        except Exception as error:
            fail(f"{exercise.name}.training_failed", f"{exercise}.build_model(5) cannot be built for X of shape {shape_text(X.shape)}.",
                 got=f"{type(error).__name__}: {last_line(error)}", expected=f"a model of one input that takes X of shape {shape_text(X.shape)}",
                 why="the tests train your model on the tutorial's data, all of X at once.",
                 change="give the model one input, keras.Input(shape=" + code_shape(X.shape[1:], length) + ").")
        if tuple(model.outputs[0].shape)[1:] != y.shape[1:] or len(layers_of(model)) == 0:
            fail(f"{exercise.name}.output_unlike_y", f"{exercise}.build_model(5) has output {shape_text(tuple(model.outputs[0].shape))}; not training it.",
                 got=shape_text(tuple(model.outputs[0].shape)), expected=shape_text((None,) + y.shape[1:]),
                 why="Keras would broadcast the target against a wrong output and report a meaningless loss.",
                 change="fix the output shape first (see the output-shape check).")
        key = self.training_key(exercise, X, y)
        cached = self.training_cache.get(key, y.shape) if key else None
        if cached is not None:
            return X, y, cached
        fresh = freshly_initialised(model, self.seed)
        try:
            predicted = train(fresh, X, y)
        except TooCostly as costly:
            fail(f"{exercise.name}.too_costly_to_train", f"{exercise}.build_model(5) is too large to train here: "
                 f"{costly.reason}.", got=costly.got,
                 expected=f"at most {COST_LIMIT:,} multiply-adds a pass and {TIME_BUDGET:g} s of training, "
                          "over ten times what the exercise's model needs",
                 why=f"the tests train your model {STEPS} steps here, in the process that grades every exercise; "
                     "a correct one takes about a second, and a model far larger would hold up the whole run.",
                 change="give each layer the exercise's sizes: at length 5 no layer needs more than 5 timesteps "
                        "or 5 units (RepeatVector(n) repeats its input n times: n is the output's timesteps).")
        except Exception as error:
            fail(f"{exercise.name}.training_failed", f"training {exercise}.build_model(5) on the canonical data failed.",
                 got=f"{type(error).__name__}: {last_line(error)}",
                 expected="a model that trains on X of shape "
                          f"{shape_text(X.shape)} against y of shape {shape_text(y.shape)}",
                 why="the tests train your model on the tutorial's data with your loss and optimizer.",
                 change="check the loss, the optimizer and the layers (the other checks show which).")
        if key:
            with contextlib.suppress(OSError):     # a cache that cannot be written costs time, never a grade
                self.training_cache.put(key, predicted)
        return X, y, predicted

    def training_key(self, exercise, X, y):
        """The model's entry in the training cache (kata/training_cache.py): from the config its
        archive held, as the worker wrote it, less the initialisers that training replaces (they
        also hold object ids that differ from process to process); None without a cache."""
        config = self.configs.get(exercise.name)
        return key_of(without_initialisers(config), X, y, self.seed) if self.training_cache and config else None

    def count(self, function, units, input_dim):
        """The learner's parameters.function(units, input_dim) as its value description."""
        from .registry import PARAMETERS
        return self.answer(PARAMETERS, function, (units, input_dim)).value

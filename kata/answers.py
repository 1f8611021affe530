"""The learner's answers for one run, kept for the session, and the preconditions a check needs of a
model (model -> built -> compiled -> trained), each with the one failure every check that needs it
gets. The grader's side of the boundary: it asks the workers for every call at the start and reads
back only data; nothing here imports or calls the learner's code. The jobs around it:

- kata/diagnosis.py: why a call did not answer (error records to Feedback, pure);
- kata/vetting.py: the worker's files read with bounds, a model vetted before Keras builds it;
- kata/advice.py: why a failure matters and what to change;
- kata/training.py: the training of a fresh copy, within a budget.

Each answer is read once, each model loaded once per (exercise, length) and trained once per exercise.
"""
import contextlib
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import diagnosis
from . import advice
from .diagnosis import JobRecord
from .feedback import Failed, Feedback, Table, code_shape, fail, shape_text
from .protocol import CallEnded, Job, read_answers
from .registry import TUTORIAL
from .training import freshly_initialised, train, without_initialisers
from .training_cache import key_of
from .vetting import (LAYERS, load_whole, model_config, parameters_in, read_array, refused_objects, structure_of,
                      worker_file)
from .worker import LARGEST_MODEL     # a model the worker reports as too large; a forged config is counted here

MAX_PARAMS_TO_TRAIN = 100_000
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
    function: str = ""        # the learner's function called: 'build_model'


def describe_value(value):
    """'None' or 'a numpy.ndarray': how a message names what came back, from the worker's description."""
    return "None" if value["type"] == "builtins.NoneType" else f"a {value['type']}"


def last_line(error):
    """The line of a TensorFlow error that says what went wrong (it ends its long message)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else ""





def too_large(exercise, called, params):
    fail(f"{exercise.name}.too_large_to_load", f"{called} has {params:,} parameters; not training it.",
         got=f"{params:,} parameters", expected=f"{exercise.params(5)} parameters at length 5",
         **advice.too_large_to_load())


def activation_not_a_name(exercise, called, refused):
    fail(f"{exercise.name}.activation_not_a_name", f"{called} gives a layer an activation that is not one of "
         f"Keras's activations by name: {', '.join(refused)}.", got=", ".join(refused),
         expected="activation='tanh', 'relu', 'sigmoid'... (or keras.activations.tanh), or none on the output layer",
         **advice.activation_not_a_name())


class Kata:
    """The learner's answers for one run: jobs sent to the workers at the start, read on demand.
    `server` is a worker backend (kata/backend.py): submit(Job), wait(job id) -> JobEnded."""

    def __init__(self, folder, label, seed, server, time_limit, box=None, training_cache=None, echo=False):
        self.folder, self.label, self.seed = Path(folder).resolve(), label.rstrip("/") + "/", seed
        self.server, self.time_limit = server, time_limit
        self.training_cache = training_cache   # a TrainingCache shared by a gradebook's runs, or None
        self.box = box     # the sandbox's settings for every worker (kata/sandbox.py's Box, less its folder)
        self.work = Path(tempfile.mkdtemp(prefix="kata-answers-"))
        self.jobs, self.records, self.cache, self.tips = {}, {}, {}, set()
        self.configs = {}        # exercise -> the config of its whole model's archive (build_model(5))
        self.consulted = []      # the answers the current check read (new_check() empties it): their output goes with it
        self.echo = echo         # with pytest -s: show what each call printed as its answer arrives

    def new_check(self):
        """A check begins: the answers it reads are its own from here."""
        self.consulted = []

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
        """The worker's answer to one call, with the feedback (kata/diagnosis.py) of its error, if any."""
        job = self.jobs[f"{exercise.module}.{function}"]
        index = [tuple(a) for a in job.calls].index(args)
        record = self.record(job)
        error, answers = diagnosis.diagnose(record, index), record.answers
        if answers.import_failed:
            return Answer(job.call_text(index), error=error, output=answers.import_failed.output, function=function)
        ended = answers.ended.get(index)
        if isinstance(ended, CallEnded):
            self.tips.update(str(note) for note in ended.notes)
            return Answer(job.call_text(index), value=ended.value, output=ended.output, error=error,
                          folder=Path(job.dir) / "files", function=function)
        return Answer(job.call_text(index), error=error, function=function)

    def record(self, job):
        """What the job left, as data (read once per job: its worker has ended when wait returns)."""
        if job.id not in self.records:
            reply = self.server.wait(job.id)
            path, output = Path(job.dir) / "answers.jsonl", Path(job.dir) / "output.txt"
            answers = read_answers(path.read_text(errors="replace") if path.is_file() else "", len(job.calls))
            dumped = output.read_bytes()[-20000:].decode(errors="replace") if reply.timed_out and output.is_file() else ""
            self.records[job.id] = JobRecord(job, reply, answers, self.source(job.module), dumped)
        return self.records[job.id]

    def array(self, exercise, answer, description):
        try:
            return read_array(answer.folder, description["file"])
        except (OSError, ValueError, EOFError) as error:
            fail(f"{exercise.name}.unreadable_answer", f"{answer.called} returned an array the tests cannot read.",
                 got=f"{type(error).__name__}: {error}", expected="a numpy array of numbers",
                 **advice.unreadable_answer())

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
                 **advice.not_a_pair(value.get("type") == "builtins.NoneType"))
        for name, item in zip("Xy", items):
            if not item.get("file"):
                fail(f"{exercise.name}.{name}_not_array", f"{called} returned {name} as {describe_value(item)}.",
                     got=describe_value(item), expected="a numpy array (numpy.ndarray)",
                     **advice.not_an_array(name))
        arrays = tuple(self.array(exercise, answer, item) for item in items)
        for name, array in zip("Xy", arrays):
            if array.dtype.kind not in NUMBERS:
                kind = KINDS_OF_VALUES.get(array.dtype.kind, "values that are not numbers")
                fail(f"{exercise.name}.{name}_not_numbers", f"{called} returned {name} holding {kind} ({array.dtype}).",
                     got=f"an array of dtype {array.dtype}", expected="an array of numbers: floats (float32, float64) or ints",
                     **advice.not_numbers(name))
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
                 **advice.not_a_model(value.get("type") == "builtins.NoneType"))
        return self.load(exercise, called, answer, value, whole=length == TUTORIAL, length=length)

    def load(self, exercise, called, answer, value, whole=True, length=TUTORIAL):
        """The model in safe mode, made only of Keras's own classes: from its archive, or, not whole,
        from its config alone (the checks at other lengths read shapes and counts, not weights). A
        model with a stateful layer is not this kata's: it fails here, naming the layer."""
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
                 **advice.stateful(stateful, code_shape(exercise.x_shape(length), length)))
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
                    model = load_whole(path)
                    self.configs[exercise.name] = config     # all that decides its training
                    return model
                return structure_of(config)
            except Exception as error:
                problem = f"Keras could not load it in safe mode ({type(error).__name__}: {last_line(error)})"
        fail(f"{exercise.name}.model_not_loadable", f"{called} returned a model the tests cannot load.",
             got=problem, expected="a model made only of Keras's own layers: " + " -> ".join(
                 row.layer.name() for row in exercise.layers(length)),
             **advice.model_not_loadable(LAYERS[1:], foreign))

    def built(self, exercise, length):
        """The model, with a clear failure if it does not know its input shape yet."""
        model = self.model(exercise, length)
        try:
            model.inputs
        except (AttributeError, ValueError):
            fail(f"{exercise.name}.no_input_shape", f"{exercise}.build_model({length}) returned a model without an input shape.",
                 got="a model that has not been built", expected=f"input {shape_text((None,) + exercise.x_shape(length)[1:])}",
                 **advice.no_input_shape(code_shape(exercise.x_shape(length)[1:], length)))
        return model

    def layer_table(self, exercise, length):
        """The learner's layers beside the expected ones, as a check's details. The learner's shapes
        are those X gives (a None axis or a batch size takes X's): only a real difference is marked.
        A run shows the same table once in full (kata/report.py's failure_text): it is named here."""
        from .architecture import comparison_table, describe, expected_rows, for_input, takes
        model = self.built(exercise, length)
        if takes(model.inputs[0].shape, exercise.x_shape(length)):
            with contextlib.suppress(Exception):      # one Keras cannot rebuild is shown as it was built
                model = for_input(model, exercise.x_shape(length))
        return Table(f"your layers beside the expected ones for build_model({length})",
                     comparison_table(describe(model), expected_rows(exercise, length)))

    def compiled(self, exercise, length):
        """The model, with one clear failure, the same for every check that needs it, if it is not compiled."""
        model = self.built(exercise, length)
        if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", False):
            fail(f"{exercise.name}.not_compiled", f"{exercise}.build_model({length}) returned a model that is not compiled.",
                 got="no compile() call: no loss, no optimizer",
                 expected="model.compile(loss='mean_squared_error', optimizer='adam')",
                 **advice.not_compiled())
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
                 **advice.too_large_to_train())
        if not takes(model.inputs[0].shape, X.shape):
            fail(f"{exercise.name}.input_cannot_take_X", f"{exercise}.build_model(5) takes input {shape_text(tuple(model.inputs[0].shape))}; not training it.",
                 got=shape_text(tuple(model.inputs[0].shape)), expected=shape_text((None,) + X.shape[1:]),
                 **advice.input_cannot_take_X())
        try:       # built for X itself: a None axis (any timesteps) or a batch size takes X's, exactly
            model = for_input(model, X.shape)
        except Exception as error:
            fail(f"{exercise.name}.training_failed", f"{exercise}.build_model(5) cannot be built for X of shape {shape_text(X.shape)}.",
                 got=f"{type(error).__name__}: {last_line(error)}", expected=f"a model of one input that takes X of shape {shape_text(X.shape)}",
                 **advice.cannot_build_for_X(code_shape(X.shape[1:], length)))
        if tuple(model.outputs[0].shape)[1:] != y.shape[1:] or len(layers_of(model)) == 0:
            fail(f"{exercise.name}.output_unlike_y", f"{exercise}.build_model(5) has output {shape_text(tuple(model.outputs[0].shape))}; not training it.",
                 got=shape_text(tuple(model.outputs[0].shape)), expected=shape_text((None,) + y.shape[1:]),
                 **advice.output_unlike_y())
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
                 **advice.too_costly_to_train(STEPS))
        except Exception as error:
            fail(f"{exercise.name}.training_failed", f"training {exercise}.build_model(5) on the canonical data failed.",
                 got=f"{type(error).__name__}: {last_line(error)}",
                 expected="a model that trains on X of shape "
                          f"{shape_text(X.shape)} against y of shape {shape_text(y.shape)}",
                 **advice.training_failed())
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

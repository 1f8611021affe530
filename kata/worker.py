"""The only code that imports and calls the learner's modules. It runs in a worker process (forked by
the fork server, kata/forkserver.py, or spawned, kata/spawnpool.py), never in the process that grades.

A job is one function of one module, called at each argument tuple the registry names. What goes
back to the grader is data only, in the job's folder:

- answers.jsonl: a line when each call starts and one when it ends, with its value described as
  data, the seconds it took, what it printed (capped) and any notes; or its error as a record
  (type, message, the learner's file and line): the records of kata/protocol.py;
- numpy arrays as .npy files (saved without pickle), a Keras model as a .keras archive.
"""
import contextlib
import importlib.util
import inspect
import json
import linecache
import numbers
import os
import sys
import threading
import time
import traceback
import warnings
from pathlib import Path

from .protocol import WITHOUT_KERAS, CallEnded, CallStarted, ImportFailed, write

OUTPUT_CAP = 4000        # characters of what one call printed
MESSAGE_CAP = 2000
LARGEST_MODEL = 1_000_000   # parameters; the tutorial's models have a few hundred


def where(error, folder, label):
    """(file, line, code) of the deepest frame of the error in the learner's folder, else Nones."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if Path(f.filename).resolve().parent == Path(folder).resolve()]
    if not frames:
        return None, None, None
    frame = frames[-1]
    return (f"{label}{Path(frame.filename).name}", frame.lineno,
            linecache.getline(frame.filename, frame.lineno).strip())


def error_record(error, kind, folder, label):
    file, line, code = where(error, folder, label)
    message = str(error) if not isinstance(error, SystemExit) else f"exit code {error.code!r}"
    return {"kind": kind, "type": type(error).__name__, "message": message[:MESSAGE_CAP],
            "file": file, "line": line, "code": code}


def type_name(value):
    return f"{type(value).__module__}.{type(value).__name__}"


def describe(value, folder, stem, depth=0, whole=True):
    """The value as data: numbers as themselves, arrays and models saved to files, the rest by type.
    A model is saved whole (a .keras archive), or, not whole, as its config alone (a .json file)."""
    np, keras = sys.modules.get("numpy"), sys.modules.get("keras")   # no array without numpy, no model without Keras
    if isinstance(value, bool) or value is None:
        return {"type": type_name(value), "repr": repr(value)}
    if isinstance(value, numbers.Integral):
        return {"type": type_name(value), "int": int(value)}
    if np is not None and isinstance(value, np.ndarray):
        array = np.asarray(value)            # a subclass's own methods stay behind
        if array.dtype.hasobject:
            return {"type": type_name(value), "dtype": "object"}
        np.save(Path(folder) / f"{stem}.npy", array, allow_pickle=False)
        return {"type": "numpy.ndarray", "file": f"{stem}.npy"}
    if keras is not None and isinstance(value, keras.Model):
        try:
            params = value.count_params()
        except Exception:
            params = None
        if params and params > LARGEST_MODEL:         # its weights would take minutes to save and load
            return {"type": "keras.Model", "class": type_name(value), "params": int(params)}
        try:
            if whole:
                value.save(Path(folder) / f"{stem}.keras")
            else:
                (Path(folder) / f"{stem}.json").write_text(json.dumps(keras.saving.serialize_keras_object(value)))
        except Exception as error:
            return {"type": "keras.Model", "class": type_name(value),
                    "save_error": f"{type(error).__name__}: {error}"[:MESSAGE_CAP]}
        if not whole:
            return {"type": "keras.Model", "class": type_name(value), "config": f"{stem}.json"}
        return {"type": "keras.Model", "class": type_name(value), "file": f"{stem}.keras"}
    if isinstance(value, (tuple, list)) and depth == 0:
        return {"type": type_name(value), "items": [describe(item, folder, f"{stem}_{i}", 1, whole)
                                                     for i, item in enumerate(value[:8])], "length": len(value)}
    return {"type": type_name(value), "repr": repr(value)[:200] if isinstance(value, (str, float)) else None}


def import_learner_module(folder, module):
    """A fresh import of the learner's module, from its source as it is now (never a cached .pyc:
    a spawned worker serves several jobs and must see each save)."""
    path = Path(folder) / f"{module}.py"
    spec = importlib.util.spec_from_file_location(f"kata_{module}", path)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = loaded
    sys.path.insert(0, str(folder))
    exec(compile(path.read_bytes(), str(path), "exec", dont_inherit=True), vars(loaded))
    return loaded


class Output:
    """What the process printed, read back per call from the file that fds 1 and 2 point at (through
    the descriptor: inside a box the folder's path may lead elsewhere)."""

    def __init__(self):
        self.start = 0          # the job's output file is new: what the import prints goes with the first call

    def since_last(self):
        sys.stdout.flush()
        sys.stderr.flush()
        text = read_at(1, OUTPUT_CAP + 1, self.start).decode(errors="replace")
        self.start = os.fstat(1).st_size
        return text[:OUTPUT_CAP] + ("\n[output cut]" if len(text) > OUTPUT_CAP else "")


def read_at(fd, size, offset):
    """size bytes of fd from offset, leaving the writers alone (fds 1 and 2 append)."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    copy = os.dup(fd)            # Windows has no pread; the copy shares the offset, which appends ignore
    try:
        os.lseek(copy, offset, os.SEEK_SET)
        return os.read(copy, size)
    finally:
        os.close(copy)


def notes_from(caught):
    return sorted({"input_shape" for w in caught if "input_shape" in str(w.message)})


def run_job(job, answers):
    """Import the module and make each call of the job (a protocol.Job), recording each in answers as it ends."""
    if job.keras:
        print_like_a_script()
        return calls_of(job, answers)
    with without_keras():
        return calls_of(job, answers)


def own_sources():
    """kata.protocol and kata.worker as text, read while the kata's folder is in sight (before any box)."""
    return {name: Path(__file__).with_name(f"{name}.py").read_text() for name in ("protocol", "worker")}


def run_forked_job(job, answers, sources):
    """run_job in a forked worker (kata/forkserver.py). A job without Keras runs in a fresh Python
    that replaces this one (exec, inside the same box): a fork of the server holds TensorFlow in
    its memory, where a learner's code could find Keras's modules without importing them."""
    if job.keras:
        return run_job(job, answers)
    answers.flush()
    os.set_inheritable(answers.fileno(), True)
    os.execv(sys.executable, [sys.executable, "-I", "-c", FRESH, json.dumps(sources), job.to_line(),
                              str(answers.fileno())])


# The fresh Python of run_forked_job: kata.protocol and kata.worker made from the sources it is
# given (inside the box, the kata's folder may be out of sight), then the job.
FRESH = """
import json, sys, types
sources = json.loads(sys.argv[1])
sys.modules["kata"] = types.ModuleType("kata")
sys.modules["kata"].__path__ = []
for name in ("protocol", "worker"):
    module = sys.modules[f"kata.{name}"] = types.ModuleType(f"kata.{name}")
    module.__package__, module.__file__ = "kata", f"<kata/{name}.py>"
    exec(compile(sources[name], module.__file__, "exec"), vars(module))
from kata.protocol import Job
from kata.worker import run_job
run_job(Job.from_line(sys.argv[2]), open(int(sys.argv[3]), "a"))
"""


def calls_of(job, answers):
    folder, label, out = job.folder, job.label, Path(job.dir) / "files"
    output = Output()
    linecache.checkcache()               # a spawned worker may have read an earlier save of a file
    with answers:
        if not (Path(folder) / f"{job.module}.py").is_file():
            write(answers, ImportFailed({"kind": "missing_file"}))
            return
        try:
            with warnings.catch_warnings(record=True):
                module = import_learner_module(folder, job.module)
        except SyntaxError as error:
            write(answers, ImportFailed({"kind": "syntax", "type": "SyntaxError", "message": error.msg,
                                         "file": f"{label}{job.module}.py", "line": error.lineno,
                                         "code": (error.text or "").strip()}, output.since_last()))
            return
        except BaseException as error:   # SystemExit and KeyboardInterrupt at import are the learner's too
            write(answers, ImportFailed(error_record(error, "import", folder, label), output.since_last()))
            return
        function = getattr(module, job.function, None)
        if not callable(function):
            defined = sorted(name for name, value in vars(module).items()
                             if inspect.isfunction(value) and value.__module__ == module.__name__)
            write(answers, ImportFailed({"kind": "missing_function", "defined": defined}))
            return
        notes = set()
        if job.keras:
            keep_fit_out_of_build(notes)
        for i, args in enumerate(job.calls):
            write(answers, CallStarted(i))
            if job.keras:
                seed_everything(job.seed)
            watchdog = Watchdog(job.time_limit)
            started = time.perf_counter()
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    value = function(*args)
                result = {"value": describe(value, out, f"call{i}", whole=args in job.whole_calls)}
            except NotImplementedError as error:
                result = {"error": error_record(error, "not_started", folder, label)}
            except BaseException as error:    # sys.exit() in a call is the learner's, not the kata's
                result = {"error": error_record(error, "exception", folder, label)}
                caught = []
            watchdog.cancel()
            write(answers, CallEnded(i, round(time.perf_counter() - started, 4), output.since_last(),
                                     sorted(notes | set(notes_from(caught))), **result))


class Watchdog:
    """Just before the backend stops a call that overruns, write where the call is to the output: the
    grader names that line. A thread of this process reads the calling thread's frame: plain Python,
    so it runs between two lines of the call, safely, on every platform (no SIGALRM)."""

    def __init__(self, time_limit):
        self.done, self.caller = threading.Event(), threading.get_ident()
        threading.Thread(target=self.watch, args=(max(time_limit - 0.5, 0.1),), daemon=True).start()

    def watch(self, seconds):
        if not self.done.wait(seconds):
            frame = sys._current_frames().get(self.caller)
            if frame is not None:
                sys.stderr.write("".join(traceback.format_stack(frame)))
                sys.stderr.flush()

    def cancel(self):
        self.done.set()


class NoKeras:
    """An import finder, first in sys.meta_path, that refuses Keras and the libraries under it."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in WITHOUT_KERAS:
            raise ImportError(f"{name} cannot be imported in the parameters exercise: it asks for the count as "
                              "arithmetic on units and input_dim, not for Keras's count_params()", name=name)
        return None


@contextlib.contextmanager
def without_keras():
    """Keras and TensorFlow out of the import system for one job: an import of them raises (a spawned
    worker gets its modules back afterwards). What this process already holds stays in its memory: a
    learner who digs it out of gc is not stopped here."""
    hidden = {name: sys.modules.pop(name) for name in list(sys.modules) if name.partition(".")[0] in WITHOUT_KERAS}
    sys.meta_path.insert(0, NoKeras)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(NoKeras)
        sys.modules.update(hidden)


def seed_everything(seed):
    import keras
    keras.utils.set_random_seed(seed)


def print_like_a_script():
    """The learner's model.summary() prints, as in their own script (the grader keeps Keras quiet)."""
    import keras
    keras.utils.enable_interactive_logging()


def keep_fit_out_of_build(notes):
    """A build_model that trains (the tutorial's model.fit(..., epochs=1000)) is noted, not run:
    the tests train the model themselves."""
    import keras

    def fit(self, *args, **kwargs):
        notes.add("fit")
        return keras.callbacks.History()
    keras.Model.fit = fit

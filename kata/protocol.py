"""The messages between the grader and the workers that run the learner's code, one typed record each.

Both worker backends (the fork server, kata/forkserver.py, and the spawned workers,
kata/spawnpool.py) carry the same records:

- Job: the grader asks for one function of one module, called at each argument tuple;
- JobEnded: the backend's reply once the job's worker is done (exit code or signal, timed out or
  not, seconds; lost if the backend itself is gone);
- in the job's answers.jsonl, written by the worker as the calls go: CallStarted, CallEnded (the
  value described as data, or an error record) and ImportFailed. The learner's code runs in the
  process that writes these lines and can write lines of its own: `read_answers` takes nothing on
  trust, and a line it cannot read is no answer (Malformed, for a call index it names).

Every record is a JSON line: `to_line()` writes one, `from_line()` / `read_answers()` read them.
"""
import json
from dataclasses import asdict, dataclass, field, fields


class Line:
    """A record sent whole between the grader and a backend: its fields as one JSON line."""

    def to_line(self):
        return json.dumps(asdict(self)) + "\n"

    @classmethod
    def from_line(cls, line):
        data = json.loads(line)
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


@dataclass(frozen=True)
class Job(Line):
    """One function of one module, called at each of `calls`, in a worker of its own folder `dir`."""
    id: str
    folder: str              # the graded folder (the learner's code)
    label: str               # how messages name it, 'exercises/'
    module: str
    function: str
    calls: list              # [[args...], ...]
    whole_calls: list        # the calls whose model is sent whole (a .keras archive), not as its config
    seed: int
    dir: str                 # the job's folder: answers.jsonl, output.txt, and files/ for values
    time_limit: float        # seconds a call may run without progress
    box: dict = None         # kata/sandbox.py's Box fields, or None: not boxed
    keras: bool = True       # False: Keras and TensorFlow cannot be imported (the parameters exercise)

    def call_text(self, index):
        """'many_to_many.build_model(5)': how messages name a call."""
        return f"{self.module}.{self.function}({', '.join(map(repr, self.calls[index]))})"


# What a job without Keras (Job.keras False) cannot import, nor, in a box that reads only what it
# is given, read: Keras and the libraries it runs on.
WITHOUT_KERAS = ("keras", "tensorflow", "tf_keras", "tensorboard", "jax", "torch")


@dataclass(frozen=True)
class JobEnded(Line):
    """A backend's reply for a job: how its worker ended."""
    id: str
    exit: int = None          # exit code, None if a signal ended it
    signal: str = None        # 'SIGKILL', ...
    timed_out: bool = False   # stopped by the backend for running past the time limit
    seconds: float = 0.0
    lost: bool = False        # the backend itself is gone: no worker to ask


# ---------------------------------------------------------------- answers.jsonl (worker -> grader)

@dataclass(frozen=True)
class CallStarted:
    call: int

    def to_line(self):
        return json.dumps({"start": self.call}) + "\n"


@dataclass(frozen=True)
class CallEnded:
    call: int
    seconds: float
    output: str = ""
    notes: list = field(default_factory=list)
    value: dict = None        # the value described as data (kata/worker.py's describe)
    error: dict = None        # or the error record of what it raised

    def to_line(self):
        line = {"call": self.call, "seconds": self.seconds, "output": self.output, "notes": self.notes}
        line.update({"error": self.error} if self.error is not None else {"value": self.value})
        return json.dumps(line) + "\n"


@dataclass(frozen=True)
class ImportFailed:
    error: dict               # {"kind": "missing_file" | "missing_function" | "syntax" | "import", ...}
    output: str = ""

    def to_line(self):
        return json.dumps({"import_error": self.error, "output": self.output}) + "\n"


@dataclass(frozen=True)
class Malformed:
    """A line that names a call but is not an answer the grader can read."""
    call: int


def _description(value, depth=0):
    """A value description as the worker writes it: a type, ints where ints belong, items one deep."""
    return (isinstance(value, dict) and isinstance(value.get("type"), str)
            and (depth == 0 or "items" not in value)
            and isinstance(value.get("items", []), list)
            and all(_description(item, 1) for item in value.get("items", []))
            and _is_int(value.get("int", 0)) and _is_int(value.get("params", 0)))


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value):
    return value if isinstance(value, str) else ""


def parse_line(text):
    """One answers.jsonl line as its record, or None for a line that is none of them."""
    try:
        line = json.loads(text)
    except ValueError:
        return None                       # cut short by the end of the process, or garbage
    if not isinstance(line, dict):
        return None
    if isinstance(line.get("import_error"), dict):
        return ImportFailed(line["import_error"], _text(line.get("output")))
    if _is_int(line.get("start")):
        return CallStarted(line["start"])
    if _is_int(line.get("call")):
        index, notes = line["call"], line.get("notes", [])
        if not isinstance(line.get("output", ""), str) or not isinstance(notes, list):
            return Malformed(index)
        if "error" in line:
            return CallEnded(index, line.get("seconds"), line.get("output", ""), notes, error=line["error"]) \
                if isinstance(line["error"], dict) else Malformed(index)
        if not _description(line.get("value")):
            return Malformed(index)
        return CallEnded(index, line.get("seconds"), line.get("output", ""), notes, value=line["value"])
    return None


@dataclass
class Answers:
    """What a job's answers.jsonl holds: the import's failure, if any; the calls started; the last
    record of each call that ended (an answer or Malformed)."""
    import_failed: ImportFailed = None
    started: list = field(default_factory=list)
    ended: dict = field(default_factory=dict)


def read_answers(text, calls):
    """The Answers of an answers.jsonl's text, for a job of `calls` calls."""
    answers = Answers()
    for line in text.splitlines():
        record = parse_line(line)
        if isinstance(record, ImportFailed) and answers.import_failed is None:
            answers.import_failed = record
        elif isinstance(record, CallStarted) and 0 <= record.call < calls:
            answers.started.append(record.call)
        elif isinstance(record, (CallEnded, Malformed)):
            answers.ended[record.call] = record
    return answers


def write(answers, record):
    """Append one record to an open answers file, flushed: the grader may read it at any moment."""
    answers.write(record.to_line())
    answers.flush()

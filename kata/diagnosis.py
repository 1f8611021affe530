"""How a call that did not return a value is told to the learner: the worker's error records, and
the backend's reply for a call that never answered, turned into Feedback.

Pure: `diagnose(JobRecord, index)` takes what a job left as data (its Job, the backend's JobEnded,
its answers.jsonl read, the learner's source as text) and returns a Feedback, or None for a call
that returned a value; nothing here reads a file, runs the learner's code or imports TensorFlow.
The self-check tests it against answers recorded from real workers (docs/contributing.md says how).
"""
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .advice import keras_advice
from .feedback import BROKEN, BROKEN_FILE, NOT_STARTED, Feedback
from .protocol import Answers, CallEnded, Job, JobEnded, Malformed

IMPORT_KINDS = ("missing_file", "missing_function", "syntax", "import")
NOTEBOOK_LABEL = "notebook/"    # the label of the modules kata.notebook writes (--kata-frontend=notebook)


@dataclass(frozen=True)
class Call:
    """One call of the learner's code, as messages name it."""
    exercise: str        # 'many_to_many': its module is exercises/many_to_many.py
    function: str        # 'build_model'
    shown: str           # 'many_to_many.build_model(5)'
    label: str           # how messages name the graded folder: 'exercises/'

    @property
    def path(self):
        return f"{self.label}{self.exercise}.py"

    def cause(self, what):
        return f"{self.exercise}.{self.function}.{what}"


def of_call(call, feedback):
    """The feedback, noted as being of the call's function (kata/report.py lists stubs by it)."""
    return replace(feedback, function=call.function)


def line_of(record):
    """The line an error record points at, if it is a line number (the record comes from the worker)."""
    line = record.get("line")
    return line if isinstance(line, int) and not isinstance(line, bool) else None


def file_of(call, record):
    """The learner's file an error record names, if it is one of the graded folder's; else the module's."""
    file = record.get("file")
    return file if isinstance(file, str) and file.startswith(call.label) and "\n" not in file else call.path


def where(call, record):
    """'exercises/x.py line 12 (code)' where the error record points, else the module's file."""
    if isinstance(record.get("file"), str) and isinstance(record.get("line"), int):
        return f"{record['file']} line {record['line']} ({record.get('code') or ''})"
    return call.path


def import_failed(call, record):
    """The module did not import: missing, without the function, a syntax error, or it raised."""
    kind, path = record.get("kind"), call.path
    cause = call.cause(kind if kind in IMPORT_KINDS else "import")
    if kind == "missing_file":
        return Feedback(cause, f"missing file: {path} - create it with the functions "
                               f"the exercise asks for (see exercises/{call.exercise}.py).", kind=BROKEN_FILE)
    if kind == "missing_function":
        defined = record.get("defined") or []
        return Feedback(cause, f"missing function: {path} has no function named "
                               f"{call.function}(){' (it defines ' + ', '.join(map(str, defined)) + ')' if defined else ''}. "
                               f"The tests call {call.shown}; keep the name and arguments of the stub.",
                        kind=BROKEN, file=path)
    if kind == "syntax":
        return Feedback(cause, f"{path} line {record.get('line')}: SyntaxError: "
                               f"{record.get('message')}\n    {record.get('code') or ''}",
                        kind=BROKEN_FILE, file=path, line=line_of(record))
    if record.get("type") == "SystemExit":
        return Feedback(call.cause("exit_at_import"),
                        f"{where(call, record)}: sys.exit() while importing ({record.get('message')}).\n"
                        "  The tests import this file, so code at its top level must not end the program: "
                        "remove the exit.", kind=BROKEN_FILE, file=path, line=line_of(record))
    message = str(record.get("message"))
    return Feedback(cause, f"{where(call, record)}: {record.get('type')} while importing: {message}"
                    + keras_advice(message, call.exercise), kind=BROKEN_FILE, file=file_of(call, record),
                    line=line_of(record))


def raised(call, record, source=""):
    """The call raised (or is a stub's): source is the learner's module as text, for advice that
    depends on what it says (Keras 2's input_dim=)."""
    kind, name = record.get("kind"), record.get("type")
    file, line = file_of(call, record), line_of(record)
    if kind == "not_started":
        if call.label == NOTEBOOK_LABEL:         # kata.notebook's modules: the learner sees cells, not files
            return Feedback(call.cause("not_started"), f"not started: {call.exercise} {call.function}() - "
                            "see the TODO in the exercise's text", kind=NOT_STARTED, file=file, line=line)
        return Feedback(call.cause("not_started"), f"not started: {call.path} {call.function}() - "
                        "see the TODO in its docstring", kind=NOT_STARTED, file=file, line=line)
    at, message = where(call, record), str(record.get("message"))
    advice = keras_advice(message, call.exercise, source)
    if name == "SystemExit":
        return Feedback(call.cause("exit_in_call"), f"{call.shown} called sys.exit() ({message})\n  at {at}\n"
                        "  The tests call your function for its answer: return it; do not end the program.",
                        kind=BROKEN, file=file, line=line)
    if name == "TypeError":
        return Feedback(call.cause("type_error"), f"{call.shown} raised TypeError: {message}\n  at {at}" + (
            f"\n  The tests call {call.shown}: keep the stub's arguments, such as length=5."
            if at == call.path else "") + advice, kind=BROKEN, file=file, line=line)
    return Feedback(call.cause("raised"), f"{call.shown} raised {name}: {message}\n  at {at}" + advice,
                    kind=BROKEN, file=file, line=line)


def malformed(call):
    """The call's line in answers.jsonl is not an answer: the learner's code wrote over it."""
    return Feedback(call.cause("malformed_answer"), f"{call.shown} left an answer the tests cannot read: its worker "
                    "process wrote something else than its answer.", kind=BROKEN)


def unanswered(call, reply, running, time_limit, line=None):
    """A call without an answer: the worker timed out, ended or crashed during it (running: the call
    that was running, 'x.build_model(3)'), or before it (running None: the import). line: (line, code)
    of the learner's file it was running, if the worker dumped its stack before it was stopped."""
    path = call.path
    if reply.lost:
        return Feedback(call.cause("worker_lost"), f"{call.shown} was not answered: the kata's worker "
                        "process was lost. This is a fault of the kata: please tell your instructor.", kind=BROKEN)
    if reply.timed_out and running is None:
        return Feedback(call.cause("import_timed_out"), f"timed out: importing {path} did not finish within "
                        f"the time limit ({time_limit:g} s).\n  Code at the top level of the file runs on "
                        "import: move any training or loop into a function, or delete it.",
                        kind=BROKEN_FILE, file=path)
    if reply.timed_out:
        text = (f"timed out: {running} in {path} did not return within the time limit ({time_limit:g} s); "
                f"every check that calls {call.function}() fails the same way."
                + (f"\n  It was running {path} line {line[0]} ({line[1]})." if line else "")
                + "\n  Look for a loop that never ends, or layers far larger than the exercise asks for.")
        if running != call.shown:
            text += f"\n  Not calling {call.shown} as well."
        return Feedback(call.cause("timed_out"), text, kind=BROKEN, file=path)
    how = f"killed by {reply.signal}" if reply.signal else f"exit code {reply.exit}"
    subject = f"importing {path}" if running is None else running
    return Feedback(call.cause("process_ended"),
                    f"{subject} ended the process ({how}): os._exit(), a crash or a signal.\n"
                    f"  The tests call {call.function}() in a process of its own, so this costs only the checks "
                    f"that need {call.function}()" + (f"; {call.shown} was not called." if running != call.shown else "."),
                    kind=BROKEN, file=path)


@dataclass(frozen=True)
class JobRecord:
    """All a job left, as data: the Job, the backend's reply, its answers.jsonl read (protocol.Answers),
    the learner's module as text, and the end of the worker's output (where it dumps its stack when
    a call overruns; read only then)."""
    job: Job
    reply: JobEnded
    answers: Answers
    source: str = ""
    dumped: str = ""


def diagnose(record, index):
    """The Feedback of the job's call at index, or None: it returned a value (CallEnded without error)."""
    job, answers = record.job, record.answers
    call = Call(job.module, job.function, job.call_text(index), job.label)
    if answers.import_failed:
        return of_call(call, import_failed(call, answers.import_failed.error))
    ended = answers.ended.get(index)
    if isinstance(ended, Malformed):
        return of_call(call, malformed(call))
    if isinstance(ended, CallEnded):
        return of_call(call, raised(call, ended.error, record.source)) if ended.error else None
    running = answers.started[-1] if answers.started else None
    line = running_line(record.dumped, Path(job.folder) / f"{job.module}.py", record.source) \
        if record.reply.timed_out and running is not None else None
    return of_call(call, unanswered(call, record.reply, job.call_text(running) if running is not None else None,
                                    job.time_limit, line))


def running_line(output, source_path, source):
    """(line, code) of the learner's file where an overrunning call was, from the traceback the
    worker dumped into its output just before it was stopped (output: its last part, as text);
    None if there is none. source_path is the file as the worker named it, source its text."""
    found = [int(number) for file, number in re.findall(r'File "([^"]+)", line (\d+)', output)
             if Path(file) == Path(source_path)]
    if not found:
        return None
    lines = source.splitlines()
    number = found[-1]                                       # the innermost, of the last dump
    return number, lines[number - 1].strip() if 0 < number <= len(lines) else ""

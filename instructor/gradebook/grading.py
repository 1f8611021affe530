"""One submission graded: located, copied into a private copy of this checkout's graded files,
graded by pytest in a grading process (--grade, the class box, the fork workers) within a timeout,
its results file checked, its graded files compared; always a Results, an error with its reason
when grading failed, unless the gradebook stopped first (Stopped)."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from instructor.shapes import WrongShape, locate
from kata.environment import clean_environment
from kata.results import NOT_REACHED, fingerprint
from kata.results_model import Results, Status

from .copying import Uncopyable, copy_submission
from .notebooks import write_modules
from .processes import Stopped
from .results_file import MALFORMED, MISSING, load_results, parse_results, read_results_file
from .tampering import edits_found, graded_after

LOG_TAIL = 1500   # characters of a failed run's output kept as its reason
GRADER_MEMORY = 4 * 2**30        # bytes of data a grading process may map: the grader needs under 1 GB
GRADING_ENV = {"PYTHONDONTWRITEBYTECODE": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "1",
               "TF_NUM_INTEROP_THREADS": "1", "OMP_NUM_THREADS": "1"}   # a core each


@dataclass(frozen=True)
class Settings:
    """How every submission of a class is graded: the options, and what the class run prepared."""
    deadline: float                # seconds one submission's grading may take in all (--deadline)
    time_limit: float              # seconds one call of a student's code may run
    seed: int
    max_output_mb: int             # the largest file a grading process may write
    received: list                 # the fingerprints a repository copy's graded files may match
    training_cache: str = None     # the class's training cache folder, or None: train afresh


def grading_env():
    """The instructor's environment less all but what Python and TensorFlow need (kata/environment.py):
    no token or secret of theirs reaches a grading process, nor KATA_EXPECTED_FINGERPRINT (the
    comparison is made here, outside the child)."""
    return clean_environment({**os.environ, **GRADING_ENV})


def run_grading(kata, results, log, settings, processes):
    """Grade kata/exercises in a grading process; the reason it did not finish, or None."""
    limit = settings.max_output_mb * 2**20
    arguments = ["-q", "--show-capture=no", f"--kata-seed={settings.seed}", f"--results-json={results}",
                 "--grade", "--sandbox=class", "--workers=fork"]     # the box, whatever $KATA_WORKERS says
    arguments.append(f"--time-limit={settings.time_limit:g}")
    if settings.training_cache:     # outside every box: only the grading processes read and write it
        arguments.append(f"--training-cache={settings.training_cache}")
    env = {**grading_env(), "TMPDIR": str(kata.parent)}   # its workers' folders go where the gradebook cleans up
    with open(log, "w+b") as output:     # read back through this handle: the submission may replace the file
        job = {"id": str(kata), "kata": str(kata), "args": arguments, "log": str(log), "limit": limit,
               "memory": GRADER_MEMORY, "fork_server": True,
               "env": {name: env[name] for name in (*GRADING_ENV, "TMPDIR")}}
        child = processes.start(job)
        try:
            code = child.wait(timeout=settings.deadline)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            processes.end(child)
        if processes.stopping.is_set() and code != 0:
            raise Stopped      # killed by the stop, not by its own doing
        if code is None:
            return (f"timed out after {settings.deadline:g} s: look for a loop that never ends "
                    "or a model far too large; the checks graded before it are kept")
        if code != 0:
            return died(code, tail(output), load_results(results)[0])
    return None


def tail(output):
    output.seek(max(0, os.fstat(output.fileno()).st_size - LOG_TAIL))
    return output.read(LOG_TAIL).decode(errors="replace")


def died(code, log_tail, partial):
    """Why the grading process ended early: its code or signal, the check it was on, its last words."""
    how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
    waiting = [t.name for t in (partial.tests if partial else ()) if t.message == NOT_REACHED]
    during = f" during {waiting[0]}" if waiting else ""
    words = [line for line in log_tail.splitlines() if line.strip(".sFEnBf[]% 0123456789")]  # not pytest's dots
    return (f"the grading process {how}{during} (a crash, an exit or a kill in the submission's code)"
            + (": " + " | ".join(words[-5:]) if words else ""))


@dataclass(frozen=True)
class Outcome:
    """What grading one copy left, as data (a Dask worker's answer too), for judged() to check where
    the rows are written: why its grading process did not finish, the results file's bytes (or why
    there are none), and the graded files after it (tampering.graded_after)."""
    reason: str = None
    results: bytes = None
    problem: str = None
    after: tuple = (None, None)
    seconds: float = None      # how long it took where it was graded


def copied_in(submission, tmp, started):
    """(Located, None): the submission located and copied into tmp/kata/exercises (or, for notebooks,
    the modules taken from them written there), a repository copy's graded files into tmp/sent; else
    (None, the error Results saying why)."""
    try:
        located = locate(submission)
    except WrongShape as shape:
        return None, failed(submission, str(shape), started)
    except OSError as error:
        return None, failed(submission, f"could not read the submission: {error}", started)
    try:
        if located.notebooks:          # the modules taken from the notebooks, statically
            (tmp / "sent").mkdir()
            located = replace(located, note=write_modules(located, tmp / "kata" / "exercises"))
        else:
            copy_submission(located.folder, tmp / "kata" / "exercises", tmp / "sent")
    except WrongShape as shape:
        return None, failed(submission, str(shape), started)
    except (OSError, Uncopyable) as error:
        return None, failed(submission, f"could not copy the submission: {error}", started)
    return located, None


def grade_copy(tmp, settings, processes):
    """Grade tmp/kata (the graded files, the submission in its exercises/) in a grading process: its Outcome."""
    started = time.monotonic()
    reason = run_grading(tmp / "kata", tmp / "results.json", tmp / "log.txt", settings, processes)
    data, problem = read_results_file(tmp / "results.json")
    return Outcome(reason, data, problem, graded_after(tmp / "kata"), time.monotonic() - started)


def judged(outcome, sent_prints, note, trusted, received):
    """The Results of an Outcome, checked here: its results file parsed, the files sent (sent_prints,
    their fingerprint) and graded compared with the template and trusted; an error saying why when
    grading failed or the files were edited; the note of where the work was found."""
    results, problem = parse_results(outcome.results, outcome.problem)
    reason = outcome.reason
    if problem == MALFORMED:
        reason = MALFORMED + (f". Also: {reason}" if reason else "")
    if results is None:
        reason = reason or problem or MISSING
        results = Results.error(reason)
    elif results.status is Status.ERROR and not reason:
        reason = results.message or MISSING
    edits = edits_found(sent_prints, outcome.after, trusted, received)
    if edits:
        reason = "graded files edited: " + "; ".join(edits) + (f". Also: {reason}" if reason else "")
    if reason:
        return results.with_error(reason)
    return replace(results, message=note) if note else results


def grade(submission, settings, graded, trusted, processes):
    """The results of one submission, always: an error with its reason when grading failed.
    Stopped when the gradebook stops first."""
    started = time.monotonic()
    if processes.stopping.is_set():
        raise Stopped
    with tempfile.TemporaryDirectory(prefix="kata-grade-", ignore_cleanup_errors=True) as tmp:
        tmp = Path(tmp)
        located, error = copied_in(submission, tmp, started)
        if error:
            return error
        try:
            shutil.copytree(graded, tmp / "kata", dirs_exist_ok=True)
        except OSError as error:
            return failed(submission, f"could not copy the submission: {error}", started)
        outcome = grade_copy(tmp, settings, processes)
        sent_prints = fingerprint(tmp / "sent")
    return finished(submission, judged(outcome, sent_prints, located.note, trusted, settings.received), started)


def finished(submission, results, started, seconds=None):
    """The results with the gradebook's facts: the student, and the seconds since started (or those given)."""
    seconds = time.monotonic() - started if seconds is None else seconds
    return results.with_facts(student=submission.name, seconds=round(seconds, 1))


def grade_or_stop(submission, settings, graded, trusted, processes):
    """grade(), with a fault of the gradebook itself costing this row only; None when stopped."""
    try:
        return grade(submission, settings, graded, trusted, processes)
    except Stopped:
        return None
    except Exception as error:
        return gradebook_fault(submission, error)


def gradebook_fault(submission, error):
    """A fault of the gradebook itself, while grading one submission: that row's error."""
    return failed(submission, f"the gradebook failed: {type(error).__name__}: {error}", 0)


def failed(submission, reason, started):
    seconds = round(time.monotonic() - started, 1) if started else None
    return Results.error(reason, student=submission.name, seconds=seconds)

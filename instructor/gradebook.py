"""Grade a class: a folder of submissions into one CSV and one results JSON per student.

    .venv/bin/python -m instructor.gradebook SUBMISSIONS_DIR --out DIR [--timeout 300] [--time-limit 10] [--jobs N]
        [--seed 0] [--max-output-mb 64] [--template DIR | --expected-fingerprint FILE]

SUBMISSIONS_DIR holds one folder per student: either the student's implementation folder (the
modules of the contract) or a copy of the student's whole repository, whose exercises/ is graded
(or the one folder inside it that holds either: instructor/shapes.py). Before anyone is graded, the
gradebook checks its own Python (TensorFlow, Keras 3): a fault there is one line and exit 4, never
a row of every student's. Every submission is graded by this checkout's own tests, never by the
copy the student sent:

- its files are copied without following a symbolic link, within a size bound; a FIFO, a device,
  a socket or a link that dangles or leads out of the submission is an error row naming the file;
- it runs in a private folder, in a grading process that leads its own session, one per core;
  whatever its code kills (its parent, its process group), the gradebook survives, and every
  process it leaves behind is killed (the gradebook is their subreaper: none can slip away);
- with a time limit and a size limit on every file it writes (so endless output stops);
- the results file it wrote is checked before it is used: a malformed one is an error row;
- its results are written the moment it finishes, and the CSV after every student, so a crash,
  a hang or a flood of output in one submission costs that student an error row, nothing else.
Ctrl-C stops the run at once: no new grading starts, the finished rows stay in grades.csv.

The fingerprint of the graded files is computed here, outside the student's process: a repository
copy whose graded files differ from the template the class received (--template, or
--expected-fingerprint; by default the templates this checkout writes, instructor/template.py), or a
submission that changes them while it is graded, gets status "error" with the files named; its
points from the instructor's tests are kept in the row for the instructor to judge.
"""
import sys

from kata.quiet import preflight_problem     # the standard library only


def environment_or_exit():
    """TensorFlow, Keras 3 and numpy installed here (the kata's preflight), before anyone is graded
    and before this module imports numpy: else one line and exit 4, so that a fault of the
    instructor's environment is never reported as every student's. That they import is known when
    the preloaded process starts (grade_all)."""
    problem = preflight_problem()
    if problem:
        environment_fault(problem.split("\nFix:")[0])


def environment_fault(problem):
    print(f"the gradebook cannot grade with this Python: {' '.join(problem.split()).rstrip('.')}. Run it with the kata's own: "
          ".venv/bin/python -m instructor.gradebook ... (python3 run.py makes .venv)", file=sys.stderr)
    sys.exit(4)         # USAGE_ERROR, below


if __name__ == "__main__":
    environment_or_exit()

import argparse     # noqa: E402 (below: the check above needs none of them)
import contextlib
import ctypes
import fnmatch
import json
import math
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from dataclasses import replace
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from instructor import template
from instructor.preloaded import Preloaded
from instructor.shapes import WrongShape, locate
from instructor.spreadsheet import csv_text
from kata.feedback import visible
from kata.registry import ORDER
from kata.environment import clean_environment
from kata.results import (GRADED, NOT_REACHED, differences, fingerprint, load_expected,
                          task_id, write_whole)
from kata.results_model import Results, Status

ROOT = Path(__file__).resolve().parents[1]
IGNORED = ("__pycache__", "*.pyc", ".git", ".venv", ".tox", "results")   # never copied
USAGE_ERROR = 4             # bad options: one line, no grading
INTERRUPTED = 130           # Ctrl-C: the finished rows are kept
MAX_COPY_BYTES = 200 * 2**20     # a submission's copied files, in all
MAX_COPY_FILES = 5000            # ... and its files, folders and links
MAX_RESULTS_BYTES = 16 * 2**20   # a results file is some kB; beyond this it is not one
LOG_TAIL = 1500   # characters of a failed run's output kept as its reason
MALFORMED = "the results file is malformed"
TIME_LIMIT = 10     # seconds a call of a student's code may run: an honest call takes under 1 s, even on a
#                    loaded machine (the fork workers have TensorFlow imported already); --grade's own 60 s
#                    let four slow submissions of a class take 61 % of its grading time (benchmark/gradebook.py --slow)
GRADER_MEMORY = 4 * 2**30        # bytes of data a grading process may map: the grader needs under 1 GB
# The grading process leads its own session: it limits the size of every file written, then runs
# pytest as its child, so the learner's code (run by pytest) has it, not the gradebook, as parent.
BOOTSTRAP = ("import os, resource, signal, subprocess, sys\n"
             "limit = int(sys.argv[1])\n"
             "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
             f"resource.setrlimit(resource.RLIMIT_DATA, ({GRADER_MEMORY}, {GRADER_MEMORY}))\n"
             "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
             "code = subprocess.call([sys.executable, '-m', 'pytest', *sys.argv[2:]])\n"
             "if code < 0:   # pytest died of a signal: die of the same one\n"
             "    signal.signal(-code, signal.SIG_DFL)\n"
             "    os.kill(os.getpid(), -code)\n"
             "sys.exit(code % 256)\n")
RUNNING = set()                  # pids of the live grading processes (each its own process group)
PRELOADED = []                   # the preloaded process that forks them (instructor/preloaded.py), if any
SPAWNING = threading.Lock()      # starting a grading process, and killing strays, one at a time
STOPPING = threading.Event()     # set by Ctrl-C or SIGTERM: no grading process starts after it


class Uncopyable(Exception):
    """A submission the gradebook will not copy; the message names the file."""


class Stopped(Exception):
    """The gradebook is stopping: this submission gets no row."""


# --- copying a submission -------------------------------------------------------------------

class Budget:
    """What one submission's copy may still take: bytes, and files, folders and links."""

    def __init__(self, max_bytes=MAX_COPY_BYTES, max_files=MAX_COPY_FILES):
        self.max_bytes, self.max_files = max_bytes, max_files
        self.bytes, self.files = max_bytes, max_files

    def take(self, name, info):
        self.files -= 1
        self.bytes -= info.st_size if stat.S_ISREG(info.st_mode) else 0
        if self.files < 0:
            raise Uncopyable(f"more than {self.max_files} files and folders (at {name}): send the modules only")
        if self.bytes < 0:
            raise Uncopyable(f"more than {self.max_bytes / 2**20:g} MB (at {name}): send the modules only")


def ignored(name):
    return any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED)


def kind_of(mode):
    kinds = {stat.S_ISFIFO: "a FIFO (named pipe)", stat.S_ISCHR: "a character device",
             stat.S_ISBLK: "a block device", stat.S_ISSOCK: "a socket"}
    return next((kind for test, kind in kinds.items() if test(mode)), "not a regular file")


def link_inside(link, root, name):
    """What a copy of link should point at: the same file, relatively; only if it is inside root."""
    pointed = os.readlink(link)
    where = Path(os.path.realpath(link))
    if not where.exists():
        raise Uncopyable(f"{name} is a symbolic link to {pointed}, which does not exist")
    if not where.is_relative_to(root):
        raise Uncopyable(f"{name} is a symbolic link to {pointed}, outside the submission: send the file itself")
    return os.path.relpath(where, os.path.realpath(link.parent))


def copy_safely(source, target, root, budget):
    """Copy source (a file, folder or link under root) to target, never following a symbolic link.

    A link that stays inside root is copied as a link; a FIFO, a device, a socket, a link that
    dangles or leads out, or more than the budget raises Uncopyable naming the file."""
    todo = [(source, target)]
    while todo:
        source, target = todo.pop()
        name = source.relative_to(root).as_posix()
        info = source.lstat()
        budget.take(name, info)
        if stat.S_ISDIR(info.st_mode):
            target.mkdir(parents=True)
            todo += [(source / child, target / child) for child in sorted(os.listdir(source)) if not ignored(child)]
        elif stat.S_ISREG(info.st_mode):
            shutil.copyfile(source, target, follow_symlinks=False)
        elif stat.S_ISLNK(info.st_mode):
            os.symlink(link_inside(source, root, name), target)
        else:
            raise Uncopyable(f"{name} is {kind_of(info.st_mode)}: only files, folders and links inside "
                             "the submission are graded")


def is_repository(submission):
    """A repository copy: its exercises/ is a real folder (a link named exercises is not followed)."""
    return (submission / "exercises").is_dir() and not (submission / "exercises").is_symlink()


def copy_submission(submission, exercises, sent, budget=None):
    """Copy what is graded: the student's modules into exercises, a repository copy's graded files
    (conftest.py, tox.ini, tests/) into sent, to be compared with the instructor's."""
    budget = budget or Budget()
    if submission.is_symlink():
        raise Uncopyable(f"{submission.name} is a symbolic link: put the folder itself in the class folder")
    root = submission.resolve()
    sent.mkdir()
    if not is_repository(submission):
        copy_safely(root, exercises, root, budget)
        return
    copy_safely(root / "exercises", exercises, root, budget)
    for name in GRADED:
        if os.path.lexists(root / name):
            copy_safely(root / name, sent / name, root, budget)


def snapshot(into):
    """This checkout's graded files and hints, copied once: every student is graded by the same tests."""
    for name in (*GRADED, "exercises/hints"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns(*IGNORED))
        elif source.is_file():
            shutil.copy2(source, into / name)
    return into


# --- processes: start, kill, and leave none behind --------------------------------------------

def become_subreaper():
    """Orphans of a submission's processes become the gradebook's children, not init's: none can
    slip away by leaving its process group or session (Linux; elsewhere, the process group only)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)    # PR_SET_CHILD_SUBREAPER


def children_table():
    """{parent pid: [child pids]} of every process, from /proc."""
    table = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int(Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[1])
                table.setdefault(parent, []).append(int(entry.name))
    return table


def descendants(pid, table):
    found, todo = [], list(table.get(pid, []))
    while todo:
        found.append(todo.pop())
        todo += table.get(found[-1], [])
    return found


def kill(pid, group=False):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        (os.killpg if group else os.kill)(pid, signal.SIGKILL)


def kill_strays():
    """Kill and reap every process of the gradebook's that is not a running grading process or
    under one: what a finished or killed submission left behind. Call with SPAWNING held."""
    for _ in range(20):     # killing a parent hands its children to the gradebook: repeat until none
        table = children_table()
        keep = RUNNING | {server.process.pid for server in PRELOADED}
        strays = [pid for child in table.get(os.getpid(), []) if child not in keep
                  for pid in (child, *descendants(child, table))]
        if not strays:
            return
        for pid in strays:
            kill(pid)
        for pid in strays:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)      # only the gradebook's own children; the others are not its to reap


class Forked:
    """A grading process forked by the preloaded process: what run_grading needs of a Popen."""

    def __init__(self, server, job):
        self.server, self.pid = server, server.start(job)

    def wait(self, timeout=None):
        code = self.server.wait(self.pid, timeout)
        if code is None:
            raise subprocess.TimeoutExpired("grading", timeout)
        return code


def start_grading_process(command, kata, output, env, job):
    """A grading process leading its own session, forked by the preloaded process when there is
    one (no TensorFlow import per student), else a fresh Python; Stopped once the gradebook is stopping."""
    with SPAWNING:
        if STOPPING.is_set():
            raise Stopped
        if PRELOADED:
            child = Forked(PRELOADED[0], job)
        else:
            child = subprocess.Popen(command, cwd=kata, stdin=subprocess.DEVNULL, stdout=output,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)
        RUNNING.add(child.pid)
        return child


def end_grading_process(child):
    """Kill its process group, reap it, then kill whatever it left outside the group."""
    kill(child.pid, group=True)
    child.wait()
    with SPAWNING:
        RUNNING.discard(child.pid)
        kill_strays()


def leave_no_process():
    """The gradebook's last act: every grading process and whatever it started, killed and reaped."""
    with SPAWNING:
        for pid in RUNNING:
            kill(pid, group=True)
        kill_strays()


def stop_everything():
    """Ctrl-C: no grading process starts from now on, and the running ones are killed."""
    STOPPING.set()
    with SPAWNING:
        for pid in RUNNING:
            kill(pid, group=True)


# --- grading one submission -----------------------------------------------------------------

GRADING_ENV = {"PYTHONDONTWRITEBYTECODE": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "1",
               "TF_NUM_INTEROP_THREADS": "1", "OMP_NUM_THREADS": "1"}   # a core each


def grading_env():
    """The instructor's environment less all but what Python and TensorFlow need (kata/environment.py):
    no token or secret of theirs reaches a grading process, nor KATA_EXPECTED_FINGERPRINT (the
    comparison is made here, outside the child)."""
    return clean_environment({**os.environ, **GRADING_ENV})


def run_grading(kata, results, log, options):
    """Grade kata/exercises in a grading process; the reason it did not finish, or None."""
    limit = options.max_output_mb * 2**20
    arguments = ["-q", "--show-capture=no", f"--kata-seed={options.seed}", f"--results-json={results}",
                 "--grade", "--sandbox=class", "--workers=fork"]     # the box, whatever $KATA_WORKERS says
    arguments.append(f"--time-limit={options.time_limit:g}")
    if options.training_cache:     # outside every box: only the grading processes read and write it
        arguments.append(f"--training-cache={options.training_cache}")
    command = [sys.executable, "-c", BOOTSTRAP, str(limit), *arguments]
    env = {**grading_env(), "TMPDIR": str(kata.parent)}   # its workers' folders go where the gradebook cleans up
    with open(log, "w+b") as output:     # read back through this handle: the submission may replace the file
        job = {"id": str(kata), "kata": str(kata), "args": arguments, "log": str(log), "limit": limit,
               "memory": GRADER_MEMORY, "fork_server": True,
               "env": {name: env[name] for name in (*GRADING_ENV, "TMPDIR")}}
        child = start_grading_process(command, kata, output, env, job)
        try:
            code = child.wait(timeout=options.timeout)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            end_grading_process(child)
        if STOPPING.is_set() and code != 0:
            raise Stopped      # killed by the stop, not by its own doing
        if code is None:
            return (f"timed out after {options.timeout:g} s: look for a loop that never ends "
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


def read_small_file(path, limit):
    """The bytes of a regular file of at most limit bytes, never through a link; else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = file.read(limit + 1)
    return data if len(data) <= limit else None


def load_results(path):
    """(Results, problem): the results the grading process wrote if well-formed, else None and why."""
    if not os.path.lexists(path):
        return None, "grading wrote no results"
    data = read_small_file(path, MAX_RESULTS_BYTES)
    try:       # the learner's code runs in the process that wrote them: checked, never trusted
        return Results.parse(json.loads(data) if data is not None else None), None
    except (ValueError, RecursionError):          # Malformed is a ValueError, as is bad JSON
        return None, MALFORMED


def unsafe_to_fingerprint(root):
    """The first graded file under root the gradebook will not read (a link, a special or huge file), or None."""
    for name in GRADED:
        paths = [root / name]
        while paths:
            path = paths.pop()
            if not os.path.lexists(path):
                continue
            info = path.lstat()
            if stat.S_ISDIR(info.st_mode):
                paths += path.iterdir()
            elif not stat.S_ISREG(info.st_mode) or info.st_size > MAX_COPY_BYTES:
                return path.relative_to(root).as_posix()
    return None


def tampering(sent, kata, trusted, received):
    """Sentences naming graded files the student sent that differ from the template they received
    (the closest of the fingerprints in received), or that changed while being graded (from trusted)."""
    found = []
    unsafe = unsafe_to_fingerprint(kata)
    if unsafe:
        return [f"{unsafe} became a link, a special or a huge file while being graded"]
    sent_prints = fingerprint(sent)
    if sent_prints["files"]:     # a repository copy: it carries the graded files
        found += [f"the submission's {d}" for d in min((differences(template, sent_prints) for template in received), key=len)]
    found += [f"{d} while being graded" for d in differences(trusted, fingerprint(kata))]
    return found


def templates_received(options):
    """The fingerprints a repository copy's graded files may match: --expected-fingerprint's, the
    --template folder's, else those of the two templates this checkout writes (plain and Classroom)."""
    if options.expected_fingerprint:
        return [options.expected_fingerprint]
    if options.template:
        return [fingerprint(options.template)]
    return [template.fingerprint_of(classroom) for classroom in (False, True)]


def grade(submission, options, graded, trusted):
    """The results of one submission, always: an error with its reason when grading failed.
    Stopped when the gradebook stops first."""
    started = time.monotonic()
    if STOPPING.is_set():
        raise Stopped
    try:
        located = locate(submission)
    except WrongShape as shape:
        return failed(submission, str(shape), started)
    except OSError as error:
        return failed(submission, f"could not read the submission: {error}", started)
    with tempfile.TemporaryDirectory(prefix="kata-grade-", ignore_cleanup_errors=True) as tmp:
        tmp = Path(tmp)
        kata, sent = tmp / "kata", tmp / "sent"
        try:
            copy_submission(located.folder, kata / "exercises", sent)
            shutil.copytree(graded, kata, dirs_exist_ok=True)
        except (OSError, Uncopyable) as error:
            return failed(submission, f"could not copy the submission: {error}", started)
        reason = run_grading(kata, tmp / "results.json", tmp / "log.txt", options)
        results, problem = load_results(tmp / "results.json")
        if problem == MALFORMED:
            reason = MALFORMED + (f". Also: {reason}" if reason else "")
        if results is None:
            reason = reason or problem or "grading wrote no results"
            results = Results.error(reason)
        elif results.status is Status.ERROR and not reason:
            reason = results.message or "grading wrote no results"
        edits = tampering(sent, kata, trusted, options.received)
    if edits:
        reason = "graded files edited: " + "; ".join(edits) + (f". Also: {reason}" if reason else "")
    if reason:
        results = results.with_error(reason)
    elif located.note:
        results = replace(results, message=located.note)
    return results.with_facts(student=submission.name, seconds=round(time.monotonic() - started, 1))


def grade_or_stop(submission, options, graded, trusted):
    """grade(), with a fault of the gradebook itself costing this row only; None when stopped."""
    try:
        return grade(submission, options, graded, trusted)
    except Stopped:
        return None
    except Exception as error:
        return failed(submission, f"the gradebook failed: {type(error).__name__}: {error}", 0)


def failed(submission, reason, started):
    seconds = round(time.monotonic() - started, 1) if started else None
    return Results.error(reason, student=submission.name, seconds=seconds)


# --- the class: rows, CSV, the run ----------------------------------------------------------

def reason_of(results):
    """The run's message, else the first failed check's first line: what the instructor reads in the CSV."""
    failures = [t.message for t in results.tests if t.status is not Status.PASS and t.message]
    text = results.message or (failures[0].splitlines()[0] if failures else "")
    return text.replace("\n", " ")[:300]


def row_of(results):
    points = {name: score for name, (score, _) in results.by_exercise().items()}
    return {"student": results.about["student"], **points, "total": results.score,
            "max_score": results.max_score, "status": results.status.value, "reason": reason_of(results)}


def write_json(path, data):
    write_whole(path, json.dumps(data, indent=2) + "\n")   # a gradebook stopped mid-way leaves every earlier file intact


def write_csv(path, rows):
    """All rows so far, sorted by student; every exercise has a column, even in an empty class;
    the max score of a run that never started is the class's."""
    found = {key for row in rows for key in row} - {"student", "total", "max_score", "status", "reason"}
    exercises = sorted(found | set(ORDER), key=lambda name: (task_id(name) or 99, name))
    most = max((row["max_score"] or 0 for row in rows), default=0)

    header = ["student", *exercises, "total", "max_score", "status", "reason"]
    write_whole(path, csv_text(header, [{name: 0 for name in exercises} | row | {"max_score": row["max_score"] or most}
                                        for row in sorted(rows, key=lambda row: row["student"])]))


def student_folders(submissions, out):
    """Each student's folder (a link to one too: it is graded as an error, never followed); not
    hidden folders, nor --out if it is inside SUBMISSIONS_DIR."""
    return sorted(p for p in submissions.iterdir()
                  if not p.name.startswith(".") and p.is_dir() and p.resolve() != out.resolve())


def record(results, out, done, rows):
    """One student done: their results file, the whole CSV again (rows: one per student done), and a
    line on the terminal."""
    done.append(results)
    rows.append(row_of(results))
    student = results.about["student"]
    write_json(out / "results" / f"{student}.json", results.to_json())
    write_csv(out / "grades.csv", rows)
    print(f"{visible(student):<24}{results.score:>5} / {results.max_score or '?':<5}"
          f"{results.status.value:<7}{results.about['seconds'] or 0:>6.1f} s  {visible(reason_of(results)[:60])}",
          flush=True)


def grade_each(folders, out, options, graded, trusted):
    """Grade the folders, options.jobs at a time; the results of those done, in the order they finished."""
    done, rows = [], []
    pool = ThreadPoolExecutor(max_workers=options.jobs)
    pending = {pool.submit(grade_or_stop, folder, options, graded, trusted) for folder in folders}
    try:
        while pending and not STOPPING.is_set():
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in finished:
                if future.result() is not None:
                    record(future.result(), out, done, rows)
    finally:
        if STOPPING.is_set():
            stop_everything()
        pool.shutdown(wait=True, cancel_futures=True)
    for future in pending:      # finished on their own while the gradebook stopped: kept
        if future.done() and not future.cancelled() and future.result() is not None:
            record(future.result(), out, done, rows)
    return done


def write_class_report_if_available(results_list, out):
    """The class report, from instructor/class_report.py when that module exists (the Gradescope
    autograder grades a class of one and packs no class report)."""
    try:
        from instructor.class_report import write_class_report
    except ModuleNotFoundError as error:
        if error.name != "instructor.class_report":
            raise
        return
    write_class_report(results_list, out)


def grade_all(submissions, out, options):
    """Grade every student folder in parallel; results/<student>.json and grades.csv as each finishes."""
    (out / "results").mkdir(parents=True, exist_ok=True)
    folders = student_folders(submissions, out)
    with tempfile.TemporaryDirectory(prefix="kata-graded-") as tmp, \
            tempfile.TemporaryDirectory(prefix="kata-training-cache-") as cache:
        graded = snapshot(Path(tmp))
        trusted = fingerprint(graded)
        options.received = templates_received(options)
        options.training_cache = None if options.no_training_cache else cache
        write_json(out / "fingerprint.json", trusted)
        write_csv(out / "grades.csv", [])
        if not folders:
            print(f"no submissions found in {submissions}")
            return []
        if hasattr(os, "fork") and not PRELOADED:
            try:
                PRELOADED.append(Preloaded(grading_env()))
            except OSError:         # it imports TensorFlow, Keras and pytest before it says it is ready
                environment_fault(f"TensorFlow, Keras or pytest did not import in {sys.executable}")
        try:
            results_list = grade_each(folders, out, options, graded, trusted)
        finally:
            while PRELOADED:
                PRELOADED.pop().close()
    if STOPPING.is_set():
        return results_list
    # The class report: one place, after every student is graded (not after Ctrl-C).
    write_class_report_if_available(results_list, out)
    if fingerprint(ROOT) != trusted:
        print("Note: this checkout's graded files changed while grading; the grades above used the "
              "files as they were at the start (out/fingerprint.json).", file=sys.stderr)
    return results_list


# --- the command line -----------------------------------------------------------------------

class OneLineParser(argparse.ArgumentParser):
    """Bad input: one line naming the option, exit 4; no usage dump."""

    def error(self, message):
        print(f"{self.prog}: {message}", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def parse(argv):
    parser = OneLineParser(prog="python -m instructor.gradebook", description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS_DIR", help="a folder with one sub-folder per student")
    parser.add_argument("--out", type=Path, required=True,
                        help="where grades.csv, results/<student>.json and fingerprint.json go")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per submission (default 300)")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT,
                        help=f"seconds one call of a student's code may run (default {TIME_LIMIT})")
    received = parser.add_mutually_exclusive_group()
    received.add_argument("--template", type=Path, metavar="DIR",
                          help="the template the class received (python -m instructor.template's OUT): a "
                               "repository copy's graded files are compared with its (default: the templates "
                               "this checkout writes)")
    received.add_argument("--expected-fingerprint", metavar="FILE",
                          help="the same as a fingerprint: the JSON file python -m instructor.template writes "
                               "beside OUT (or python -m instructor.fingerprint prints)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="submissions graded at once (default: cores)")
    parser.add_argument("--seed", type=int, default=0, help="--kata-seed for every submission (default 0)")
    parser.add_argument("--max-output-mb", type=int, default=64,
                        help="largest file a submission may write, its captured output included (default 64)")
    parser.add_argument("--no-training-cache", action="store_true",
                        help="train every student's models afresh, even where a classmate's were the same model "
                             "(by default the gradebook trains each distinct model once: kata/training_cache.py)")
    options = parser.parse_args(argv)
    check(options, parser.error)
    return options


def check(options, error):
    """Every option in range, the folders usable: else error(one line naming the option)."""
    if options.jobs < 1:
        error(f"--jobs must be 1 or more, not {options.jobs}")
    if not (0 < options.timeout < math.inf):
        error(f"--timeout must be a number of seconds above 0, not {options.timeout:g}")
    if not 0 < options.max_output_mb <= 2**20:
        error(f"--max-output-mb must be from 1 to {2**20}, not {options.max_output_mb}")
    if not 0 <= options.seed < 2**32:
        error(f"--seed must be from 0 to {2**32 - 1}, not {options.seed}")
    if not (0 < options.time_limit < math.inf):
        error(f"--time-limit must be a number of seconds above 0, not {options.time_limit:g}")
    if options.template and not options.template.is_dir():
        error(f"--template {options.template}: no such folder")
    if options.expected_fingerprint:
        try:
            options.expected_fingerprint = load_expected(str(options.expected_fingerprint))
        except Exception as problem:        # pytest.UsageError, which kata/results.py raises for the graded run
            error(f"--expected-fingerprint: {problem}")
    if not options.submissions.is_dir():
        error(f"SUBMISSIONS_DIR {options.submissions}: no such folder")
    if options.out.exists() and not options.out.is_dir():
        error(f"--out {options.out} is a file, not a folder")
    try:
        options.out.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        error(f"--out {options.out}: cannot make the folder: {problem.strerror}")


def say_what_the_box_cannot_enforce():
    """One line per part of the sandbox this platform does not enforce (kata/sandbox.py)."""
    from kata.sandbox import enforceable
    for part, why in enforceable().items():
        if why:
            print(f"Note: the sandbox does not enforce {part} here: {why}", file=sys.stderr, flush=True)


def linux_or_exit():
    """The gradebook grades a class in the fork workers' box: where they cannot run, one line, exit 4."""
    from kata.backend import missing_for_fork
    missing = missing_for_fork()
    if missing:
        print(f"the gradebook needs Linux: it grades in the fork workers' box, and this Python lacks "
              f"{' and '.join(missing)}. Grade the class on a Linux machine or container.", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def main(argv=None):
    options = parse(argv)
    linux_or_exit()
    say_what_the_box_cannot_enforce()
    become_subreaper()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: STOPPING.set())    # grade_each notices within 0.2 s
    started = time.monotonic()
    try:
        results_list = grade_all(options.submissions, options.out, options)
    finally:
        leave_no_process()
    total = len(student_folders(options.submissions, options.out))
    if STOPPING.is_set():
        print(f"interrupted: {len(results_list)} of {total} submissions graded, their rows are in "
              f"{options.out / 'grades.csv'}; no grading process is left", file=sys.stderr)
        sys.exit(INTERRUPTED)
    if total:
        print(f"graded {total} submissions in {time.monotonic() - started:.1f} s -> {options.out / 'grades.csv'}")


if __name__ == "__main__":
    main()

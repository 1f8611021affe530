"""Machine-readable results: Exercism's results.json (version 3) with the points GitHub Classroom's
reporter and Gradescope read, the seed and versions, and a SHA-256 fingerprint of the graded files.

A pytest plugin, registered by conftest.py with --results-json or --grade. The file is rewritten
after every check, so a run that is killed part-way still leaves the checks it graded; the last
write, at the end of the session, holds the overall status. With --grade, the run ends with the
Score lines and exits 0 whenever grading completed: the results say pass or fail.
"""
import hashlib
import json
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from .registry import task_id
from .report import exercise_of, points_of
from .results_model import Check, Results, Status

ROOT = Path(__file__).resolve().parents[1]
GRADED = ("conftest.py", "tox.ini", "tests", "kata", ".github", ".gitlab-ci.yml", "requirements.txt",
          "requirements.lock")     # what a student must not change: the grader, its settings, its CI
OUTPUT_LIMIT = 500
TRUNCATED = "\n[Output was truncated. Please limit to 500 chars]"
FINGERPRINT_VARIABLE = "KATA_EXPECTED_FINGERPRINT"
NOT_REACHED = "not graded: grading stopped before this check"


def sha256(data):
    return hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest()


def graded_files(root):
    root = Path(root)
    for name in GRADED:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def fingerprint(root=ROOT):
    """{'sha256': digest, 'files': {path: sha256}} of the graded files under root.

    The digest is the SHA-256 of `sha256sum`'s listing of the files in sorted order, so
    `sha256sum $(files) | sha256sum` with LC_ALL=C sorting gives it without Python."""
    root = Path(root)
    files = {p.relative_to(root).as_posix(): sha256(p.read_bytes()) for p in graded_files(root)}
    listing = "".join(f"{digest}  {path}\n" for path, digest in sorted(files.items()))
    return {"sha256": sha256(listing), "files": dict(sorted(files.items()))}


def load_expected(source):
    """The instructor's fingerprint from a 64-hex digest, JSON text, or a JSON file (a fingerprint or results)."""
    source = source.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", source):
        return {"sha256": source.lower()}
    try:
        data = json.loads(source if source.startswith("{") else Path(source).read_text())
    except (OSError, ValueError) as error:
        raise pytest.UsageError(f"expected fingerprint {source[:80]!r}: {error}. Give a SHA-256 digest, "
                                "or the JSON of a fingerprint (or of a results file) as text or a path.")
    data = data.get("fingerprint", data) if isinstance(data, dict) else data
    if not isinstance(data, dict) or not isinstance(data.get("sha256"), str) \
            or not isinstance(data.get("files", {}), dict):
        raise pytest.UsageError(f"expected fingerprint {source[:80]!r} is not a fingerprint: give the JSON "
                                "object that python -m instructor.fingerprint prints, with its 'sha256' key.")
    return data


def differences(expected, actual):
    """'changed tests/x.py', 'missing ...', 'added ...' for each graded file unlike the expected ones."""
    if expected["sha256"] == actual["sha256"]:
        return []
    if "files" not in expected:
        return [f"fingerprint {actual['sha256'][:16]}... is not the expected {expected['sha256'][:16]}... "
                "(give the fingerprint's JSON, with its files, to see which differ)"]
    want, have = expected["files"], actual["files"]
    return ([f"changed {path}" for path in want if path in have and have[path] != want[path]]
            + [f"missing {path}" for path in want if path not in have]
            + [f"added {path}" for path in have if path not in want])


def truncated(output):
    if not output:
        return None
    return output if len(output) <= OUTPUT_LIMIT else output[:OUTPUT_LIMIT] + TRUNCATED


def test_entry(outcome):
    """One check in Exercism's shape, with Gradescope's score and max_score; 'not started' is a fail."""
    status = outcome.status.result
    feedback = outcome.feedback
    return Check(name=outcome.name, exercise=outcome.exercise, task_id=task_id(outcome.exercise),
                 status=status, message=outcome.message or None, output=truncated(outcome.output),
                 score=outcome.points if status is Status.PASS else 0, max_score=outcome.points,
                 cause=feedback.cause if feedback else None if status is Status.PASS else "kata.check_failed",
                 file=feedback.file if feedback else None, line=feedback.line if feedback else None)


def not_reached(item, points):
    """A check the run has not graded (yet): an error worth nothing, so max_score is always the whole."""
    return Check(name=item.nodeid, exercise=exercise_of(item), task_id=task_id(exercise_of(item)),
                 status=Status.ERROR, message=NOT_REACHED, score=0, max_score=points, cause="kata.not_reached")


def overall(graded, problems, finished):
    """(status, message) of the whole run in Exercism's terms; graded holds the checks that ran."""
    if problems:
        return Status.ERROR, "the graded files differ from the instructor's: " + "; ".join(problems)
    if not finished:
        return Status.ERROR, "grading stopped before the end"
    if not graded:
        return Status.ERROR, "no graded check ran"
    if all(test.status is Status.ERROR for test in graded):
        return Status.ERROR, graded[0].message or "every check errored"
    if all(test.status is Status.PASS for test in graded):
        return Status.PASS, None
    return Status.FAIL, None


class ResultsWriter:
    """The plugin (with --results-json or --grade): knows every check at collection, writes the
    file after each one and at the end, and prints the score of a grading run."""

    def __init__(self, settings, kata, outcomes):
        self.settings, self.kata, self.outcomes = settings, kata, outcomes
        self.path = settings.results_json
        self.items = []
        source = settings.expected_fingerprint or os.environ.get(FINGERPRINT_VARIABLE)
        self.expected = load_expected(source) if source else None
        self.results = None
        self.prints = None   # the graded files' fingerprint: taken before the checks run and again at the end
        self.at_start = None

    def pytest_collection_finish(self, session):
        self.items = [(item, points_of(item)) for item in session.items if hasattr(item.module, "EXERCISE")]
        self.prints = self.at_start = fingerprint()
        self.write(self.collect(finished=False), indent=None)     # every check's max_score, before any runs

    def pytest_runtest_logfinish(self):
        self.write(self.collect(finished=False), indent=None)   # compact: json's C encoder, 175 times a run

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        completed = exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
        self.prints = fingerprint()
        self.results = self.collect(finished=completed)
        self.write(self.results)
        if self.settings.grade and exitstatus == pytest.ExitCode.TESTS_FAILED:
            session.exitstatus = pytest.ExitCode.OK     # grading completed: the results say pass or fail

    @pytest.hookimpl(trylast=True)     # after the progress table: the last lines before pytest's own
    def pytest_terminal_summary(self, terminalreporter):
        if self.results and self.settings.grade:
            score_lines(terminalreporter, self.results)

    def collect(self, finished):
        graded = {}
        for outcome in self.outcomes:     # a check failing in call then in teardown: keep the failure
            if outcome.name not in graded or graded[outcome.name].status is Status.PASS:
                graded[outcome.name] = test_entry(outcome)
        collected = {item.nodeid for item, _ in self.items}
        tests = ([graded.get(item.nodeid) or not_reached(item, points) for item, points in self.items]
                 + [entry for name, entry in graded.items() if name not in collected])
        prints = self.prints or fingerprint()
        problems = differences(self.expected, prints) if self.expected else []
        if self.at_start:
            problems += [f"{difference} while being graded" for difference in differences(self.at_start, prints)]
        status, message = overall(list(graded.values()), problems, finished)
        if problems:      # edited graded files: no points, wherever a score is read
            tests = [replace(test, score=0) for test in tests]
        return Results(status, message, sum(test.score for test in tests), sum(test.max_score for test in tests),
                       tuple(tests), {"implementation": self.kata.label, "seed": self.kata.seed,
                                      "time_limit": self.kata.time_limit, **versions(), "platform": sys.platform,
                                      "workers": self.kata.server.kind, "sandbox": self.settings.enforced,
                                      "fingerprint": prints})

    def write(self, results, indent=2):
        if self.path:
            write_whole(self.path, json.dumps(results.to_json(), indent=indent) + "\n")


def write_whole(path, text):
    """Write a file whole or not at all: never a half-written file, even if the run is killed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", newline="", encoding="utf-8", errors="backslashreplace") as file:   # any character
        file.write(text)
    os.replace(partial, path)


def versions():
    import keras
    import tensorflow as tf
    return {"python": sys.version.split()[0], "tensorflow": tf.__version__, "keras": keras.__version__}


def score_lines(terminal, results):
    terminal.write_sep("-", f"score: {results.about['implementation']} (seed {results.about['seed']})")
    for exercise, (score, most) in results.by_exercise().items():
        terminal.write_line(f"{exercise:<16}{score:>4} / {most:<4}points")
    if results.status is Status.ERROR:
        terminal.write_line(f"ERROR: {results.message}")
    terminal.write_line(f"Score {results.score}/{results.max_score}")

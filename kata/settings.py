"""The kata's pytest options, each declared once beside the rule its value must keep, and read once
at configure time into a frozen Settings record: the plugin, the reporter and the results writer
read that record, never an option's text."""
import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pytest

from . import backend
from .diagnosis import NOTEBOOK_LABEL
from .results import FINGERPRINT_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEED = 0
LEARNER_TIME_LIMIT = 10     # seconds a call of the learner's code may run in a learner's run
GRADING_TIME_LIMIT = 60     # ... and in a grading run (--grade)
SEEDS = range(2**32)
MB = 2**20
LIMITS = {"network": False, "memory_bytes": 4096 * MB, "processes": 64, "file_bytes": 64 * MB,
          "disk_bytes": 256 * MB}
BOXES = {   # --sandbox: what the learner's code may touch (kata/sandbox.py enforces it)
    "local": {**LIMITS, "readable": None},   # reads anything the user may; writes only its own folder
    "class": {**LIMITS, "readable": []},     # reads only the graded folder and Python: for the gradebook
    "off": None,                             # for debugging the kata itself: nothing is enforced
}


def as_is(text):
    return text


def seed(text):
    value = int(text)
    if value not in SEEDS:
        raise ValueError(text)
    return value


def seconds(text):
    """A time limit above 0, or None for the default (which depends on --grade)."""
    if text is None:
        return None
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


def existing_folder(text):
    """--impl: a folder beside the kata's root by name (exercises), or any folder by path."""
    folder = Path(text) if Path(text).is_dir() or "/" in text else ROOT / text
    if not folder.is_dir():
        raise ValueError(text)
    return folder


def workers(text):
    try:
        return backend.choose(text)
    except ValueError as error:
        raise Refused(str(error)) from None


class Refused(ValueError):
    """A value refused with its own sentence, in place of the option's hint."""


@dataclass(frozen=True)
class Option:
    flag: str
    help: str
    read: Callable = as_is                  # text -> value; ValueError (or TypeError) if the text will not do
    hint: str = ""                          # the sentence a refused value gets: what to give instead
    keywords: dict = field(default_factory=dict)    # argparse's, as pytest's addoption takes them

    @property
    def dest(self):
        return self.flag.lstrip("-").replace("-", "_")

    def value(self, config):
        text = config.getoption(self.flag)
        try:
            return self.read(text)
        except Refused as error:
            raise pytest.UsageError(f"{self.flag}={text}: {error}") from None
        except (TypeError, ValueError):
            raise pytest.UsageError(f"{self.flag}={text}: {self.hint}") from None


OPTIONS = (
    Option("--impl", "folder to grade: exercises (default), or the path of any folder with the exercises' modules",
           existing_folder, "no such folder. Give exercises, or the path of a folder.", {"default": "exercises"}),
    Option("--kata-seed", f"seed for weight initialisation and training, 0 to 2**32-1 (default {DEFAULT_SEED})",
           seed, "give a whole number from 0 to 4294967295.", {"default": str(DEFAULT_SEED)}),
    Option("--results-json", "also write machine-readable results to PATH", keywords={"metavar": "PATH"}),
    Option("--grade", "grading run: print the score; exit 0 whenever grading completes, pass or fail",
           keywords={"action": "store_true"}),
    Option("--expected-fingerprint", f"the graded files' expected fingerprint (or ${FINGERPRINT_VARIABLE}); "
           "a mismatch makes the results an error naming the files", keywords={"metavar": "SHA256|JSON|PATH"}),
    Option("--hints", "--hints: the next hint not yet shown for the exercise you are on, each time you ask (those "
           "that give the code last, announced first); --hints=all: all of them",
           keywords={"nargs": "?", "const": "more", "choices": ("more", "all")}),
    Option("--kata-progress", argparse.SUPPRESS, keywords={"metavar": "PATH"}),   # watch mode: earlier rounds' rows
    Option("--kata-frontend", argparse.SUPPRESS,              # kata.notebook: say what to do in notebook terms
           keywords={"choices": ("terminal", "notebook"), "default": "terminal"}),
    Option("--sandbox", "local (default): the learner's code writes only its own temporary folder, with no "
           "network and no other processes in sight; class (the default with --grade, where "
           "the workers are fork workers): it also reads only the graded folder and Python, "
           "so no other folder of the checkout, nor the tests; off: nothing enforced",
           keywords={"choices": sorted(BOXES), "default": None}),
    Option("--workers", "what runs your code: fork (a fork server, Linux; boxed), spawn (fresh Python "
           f"processes, every OS; not boxed) or auto (default, or ${backend.VARIABLE}): fork "
           "where os.fork and os.pidfd_open exist, else spawn",
           workers, keywords={"default": backend.default_choice(), "metavar": "auto|fork|spawn"}),
    Option("--training-cache", "keep trained models' predictions in FOLDER for later runs to reuse (the gradebook "
           "shares one across a class); only the grader reads it, never the learner's code",
           keywords={"metavar": "FOLDER"}),
    Option("--time-limit", f"seconds one call of the learner's code may run (default {LEARNER_TIME_LIMIT}, "
           f"or {GRADING_TIME_LIMIT} with --grade)", seconds, "give a number of seconds above 0.",
           {"metavar": "SECONDS"}),
)


def add_options(parser):
    group = parser.getgroup("kata")
    for option in OPTIONS:
        group.addoption(option.flag, help=option.help, **option.keywords)


@dataclass(frozen=True)
class Settings:
    """One session's options, read and checked."""
    folder: Path                 # the graded folder
    label: str                   # how the learner names it: exercises, or the path given
    seed: int
    grade: bool
    workers: str                 # fork or spawn
    sandbox: str                 # a name in BOXES
    time_limit: float
    results_json: Optional[str] = None
    expected_fingerprint: Optional[str] = None
    hints: Optional[str] = None          # None, "more" or "all"
    progress: Optional[str] = None       # watch mode's file of earlier rounds
    training_cache: Optional[str] = None
    echo: bool = False                   # -s: the learner's output is shown as it comes
    frontend: str = "terminal"           # where the learner asked: terminal, or notebook (kata.notebook)

    @property
    def box(self):
        """What the workers enforce: only the fork workers are boxed."""
        return BOXES[self.sandbox] if self.workers == "fork" else None

    @property
    def enforced(self):
        """The sandbox as the results name it: none where the workers are not boxed."""
        return self.sandbox if self.workers == "fork" else "none"

    @classmethod
    def of(cls, config):
        """The options read, each by its own rule; UsageError (one line) for the first that will not do."""
        values = {option.dest: option.value(config) for option in OPTIONS}
        grade = values["grade"]
        sandbox = values["sandbox"] or ("class" if grade and values["workers"] == "fork" else "local")
        if values["workers"] == "spawn" and sandbox == "class":
            raise pytest.UsageError("--sandbox=class needs the fork workers (--workers=fork, on Linux): "
                                    "spawned workers are not boxed.")
        folder = values["impl"]
        text = config.getoption("--impl")
        label = text if not folder.resolve().is_relative_to(ROOT) else str(folder.resolve().relative_to(ROOT))
        if values["kata_frontend"] == "notebook":
            label = NOTEBOOK_LABEL         # the modules kata.notebook wrote: notebook/many_to_many.py
        return cls(folder, label, values["kata_seed"], grade, values["workers"], sandbox,
                   values["time_limit"] or float(GRADING_TIME_LIMIT if grade else LEARNER_TIME_LIMIT),
                   values["results_json"], values["expected_fingerprint"], values["hints"],
                   values["kata_progress"], values["training_cache"], config.getoption("capture") == "no",
                   values["kata_frontend"])

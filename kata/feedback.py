"""Feedback as data: what was called, what came back, what was expected, why, what to change, and a
stable cause id. Checks raise `Failed(Feedback(...))`; the terminal, results.json and the gradebook
render the record at their edge (`text()`), and nothing parses the text back.

Pure Python: no TensorFlow, no numpy.
"""
import re
from dataclasses import asdict, dataclass

import pytest

from .words import Word


class Kind(Word):
    """How a check that did not pass failed: the terminal files it by this; every kind fails the check."""
    FAILED = "failed"
    NOT_STARTED = "not started"
    BROKEN = "broken"                # the learner's function raised, or its file has no such function
    BROKEN_FILE = "broken file"      # the module does not import


FAILED, NOT_STARTED, BROKEN, BROKEN_FILE = Kind


@dataclass(frozen=True)
class Table:
    """Details that a run shows in full once, such as the learner's layers beside the expected ones:
    the next failure with the same table points to it (report.failure_text decides, at the edge)."""
    name: str                  # 'your layers beside the expected ones for build_model(5)'
    text: str

    def pointer(self):
        return f"    ({self.name}: see the table above)"


@dataclass(frozen=True)
class Feedback:
    cause: str                 # stable id: "<exercise>.<what went wrong>", e.g. "many_to_many.dense_not_time_distributed"
    called: str                # the first line: what was called and what happened
    got: str = ""
    expected: str = ""
    why: str = ""
    change: str = ""
    details: object = ""       # further lines, shown as they are, or a Table
    kind: str = FAILED
    file: str = None           # the learner's file and line the feedback points at, when known
    line: int = None
    function: str = ""         # the learner's function whose call ended so, when the feedback is of one call

    def text(self, shown=()):
        """The learner-facing text: the five parts one per line, then the details; no colour codes.
        Details that are a Table in shown (those the run has shown in full) are a pointer to it."""
        if self.got or self.expected or self.why or self.change:
            text = (f"{self.called}\n  got:      {self.got}\n  expected: {self.expected}\n"
                    f"  why:      {self.why}\n  change:   {self.change}")
        else:
            text = self.called
        details = self.details.pointer() if self.details in shown else getattr(self.details, "text", self.details)
        return visible(re.sub(r"\x1b\[[0-9;]*m", "", text + (f"\n{details}" if details else "")))

    def as_dict(self):
        return asdict(self)


class Failed(pytest.fail.Exception):
    """A check failed for a reason the learner reads in plain words: pytest shows the text, no traceback."""

    def __init__(self, feedback):
        self.feedback = feedback
        super().__init__(feedback.text(), pytrace=False)

    @property
    def kind(self):
        return self.feedback.kind

    def __str__(self):
        return self.msg


# What a terminal acts on instead of showing: C0 and C1 controls (escape codes, carriage returns,
# backspaces), DEL, and the bidirectional overrides that reorder what a line seems to say.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text):
    """The text with every control character but newline and tab written out as its escape (an
    ESC as \\x1b): a learner's message or output shows what it holds and moves no cursor."""
    return CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}",
                        text.replace("\r\n", "\n"))


def fail(cause, called, got, expected, why, change, details=""):
    """Raise the five-part feedback of a failed check."""
    raise Failed(Feedback(cause, called, got, expected, why, change, details))


def shape_text(shape):
    if not isinstance(shape, tuple):
        return str(shape)
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def code_shape(shape, length):
    """A shape as the learner should write it, with the sizes the exercises derive from the length:
    (1, length, 1) rather than (1, 5, 1), (1, (length + 1) // 2, 1) rather than (1, 3, 1)."""
    derived = {length: "length", (length + 1) // 2: "(length + 1) // 2"}
    return "(" + ", ".join(derived.get(size, str(size)) if size != 1 else "1" for size in shape) + \
        ("," if len(shape) == 1 else "") + ")"

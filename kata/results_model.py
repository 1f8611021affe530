"""The results of a grading as records: what the results writer writes, what the gradebook and the
Gradescope autograder read back (parse, which checks every key they use, since the learner's code
runs in the process that wrote the file), and the error document of a grading that produced none.

The wire format is results.json (Exercism's version 3, plus points and the run's facts): to_json
gives the same keys in the same order as the writer always has, so a file read and written again
is the same bytes. The standard library and the kata's registry only: no TensorFlow, no numpy.
"""
from dataclasses import dataclass, field, replace

from .registry import rank
from .words import Word

VERSION = 3
AFTER_TESTS = ("student", "seconds")     # the gradebook's own keys, written after the checks


class Status(Word):
    """How a check, or a whole grading, ended: Exercism's three words."""
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


class Malformed(ValueError):
    """Results that lack a key the readers use, have one of the wrong type, or do not add up."""


def _count(data, key):
    value = data.get(key)
    if type(value) is not int or value < 0:
        raise Malformed(f"{key} is {value!r}, not a count")
    return value


def _text(data, key):
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise Malformed(f"{key} is {type(value).__name__}, not text")
    return value


def _status(data):
    try:
        return Status(data.get("status"))
    except ValueError:
        raise Malformed(f"status is {data.get('status')!r}") from None


@dataclass(frozen=True)
class Check:
    """One check's result, as tests[] holds it."""
    name: str
    exercise: str
    status: Status
    score: int
    max_score: int
    message: str = None
    output: str = None
    task_id: int = None
    cause: str = None
    file: str = None
    line: int = None

    @classmethod
    def parse(cls, data):
        if not isinstance(data, dict):
            raise Malformed("a check is not an object")
        for key in ("name", "exercise"):
            if not isinstance(data.get(key), str):
                raise Malformed(f"a check's {key} is not text")
        score, most = _count(data, "score"), _count(data, "max_score")
        if score > most:
            raise Malformed(f"{data['name']} scores {score} of {most}")
        return cls(name=data["name"], exercise=data["exercise"], status=_status(data), score=score, max_score=most,
                   message=_text(data, "message"), output=_text(data, "output"), task_id=data.get("task_id"),
                   cause=data.get("cause"), file=data.get("file"), line=data.get("line"))

    def to_json(self):
        return {"name": self.name, "exercise": self.exercise, "task_id": self.task_id, "status": self.status.value,
                "message": self.message, "output": self.output, "score": self.score, "max_score": self.max_score,
                "cause": self.cause, "file": self.file, "line": self.line}


@dataclass(frozen=True)
class Results:
    """A results document: its status, message and points, its checks, and the run's facts (seed,
    versions, fingerprint, ...; the gradebook's student and seconds) kept in their order in about."""
    status: Status
    message: str = None
    score: int = 0
    max_score: int = None        # None: not known (a grading that never reached its checks)
    tests: tuple = ()
    about: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, data, gradebook=False):
        """The record of results JSON that is whole and adds up; Malformed otherwise. gradebook: the
        gradebook's own row may also be an error with no checks and no max_score (Results.error)."""
        if not isinstance(data, dict) or not isinstance(data.get("tests"), list):
            raise Malformed("no list of tests")
        tests = tuple(Check.parse(test) for test in data["tests"])
        status, score = _status(data), _count(data, "score")
        if gradebook and status is Status.ERROR and not tests and score == 0 and data.get("max_score") is None:
            return cls.error(_text(data, "message"), **cls.facts(data))
        most = _count(data, "max_score")
        if score != sum(t.score for t in tests) or most != sum(t.max_score for t in tests):
            raise Malformed(f"score {score}/{most} is not the checks' sum")
        if status is Status.PASS and any(t.status is not Status.PASS for t in tests):
            raise Malformed("status pass with a check that did not pass")
        return cls(status, _text(data, "message"), score, most, tests, cls.facts(data))

    @staticmethod
    def facts(data):
        return {key: value for key, value in data.items()
                if key not in ("version", "status", "message", "score", "max_score", "tests")}

    @classmethod
    def error(cls, reason, **about):
        """The results of a grading that produced none: an error with its reason, no checks."""
        return cls(Status.ERROR, reason, 0, None, (), about)

    def with_error(self, reason):
        return replace(self, status=Status.ERROR, message=reason)

    def with_facts(self, **about):
        return replace(self, about={**self.about, **about})

    def by_exercise(self):
        return by_exercise(self.tests)

    def to_json(self):
        before = {key: value for key, value in self.about.items() if key not in AFTER_TESTS}
        after = {key: self.about[key] for key in AFTER_TESTS if key in self.about}
        return {"version": VERSION, "status": self.status.value, "message": self.message, "score": self.score,
                "max_score": self.max_score, **before, "tests": [test.to_json() for test in self.tests], **after}


def by_exercise(tests):
    """{exercise: (score, max_score)} of Check records, in the README's order."""
    table = {}
    for test in tests:
        score, most = table.get(test.exercise, (0, 0))
        table[test.exercise] = (score + test.score, most + test.max_score)
    return dict(sorted(table.items(), key=lambda kv: rank(kv[0])))

"""The results model (kata/results_model.py), fast and without TensorFlow: a results file read and
written again is the same bytes, and parse refuses every way a file can fail to add up (the
gradebook reads what the learner's process wrote: test_gradebook.py's forged files go through it)."""
import json

import pytest

from kata.results_model import Check, Malformed, Results, Status, by_exercise


def check(exercise="one_to_one", status="pass", score=1, most=1, **more):
    return {"name": f"tests/test_{exercise}.py::test_x", "exercise": exercise, "task_id": 1, "status": status,
            "message": None, "output": None, "score": score, "max_score": most, "cause": None, "file": None,
            "line": None, **more}


def document(*tests, status="fail", **more):
    return {"version": 3, "status": status, "message": None, "score": sum(t["score"] for t in tests),
            "max_score": sum(t["max_score"] for t in tests), "seed": 0, "fingerprint": {"sha256": "ab" * 32},
            "tests": list(tests), "student": "ada", "seconds": 1.5, **more}


def test_a_document_read_and_written_again_is_the_same_bytes():
    data = document(check(), check("parameters", "fail", 0, 5, message="expected 140", cause="parameters.lstm"))
    text = json.dumps(data, indent=2)
    assert json.dumps(Results.parse(json.loads(text)).to_json(), indent=2) == text


@pytest.mark.parametrize("broken", [
    "not a dict",
    {"tests": "no list"},
    document(check(), status="finished"),                          # not Exercism's word
    document(check(status="passed")),                              # Gradescope's word, not ours
    dict(document(check()), score=2),                               # does not add up
    dict(document(check()), max_score=7),
    dict(document(check()), score=-1),
    dict(document(check()), score=True),                            # a bool is not a count
    document(check(score=2, most=1)),                               # more than the check is worth
    document(check(status="fail", score=0), status="pass"),         # pass with a check that did not pass
    document(check(message=["a list"])),
    document(check(exercise=None)),
    dict(document(check()), message=3),
])
def test_parse_refuses_results_that_do_not_add_up(broken):
    with pytest.raises(Malformed):
        Results.parse(broken)


def test_an_error_has_no_checks_and_keeps_its_facts_after_them():
    error = Results.error("could not copy the submission: x", student="ada", seconds=None)
    assert error.to_json() == {"version": 3, "status": "error", "message": "could not copy the submission: x",
                               "score": 0, "max_score": None, "tests": [], "student": "ada", "seconds": None}
    assert list(error.with_facts(seed=0).to_json()) == ["version", "status", "message", "score", "max_score",
                                                        "seed", "tests", "student", "seconds"]


def test_statuses_and_points_by_exercise():
    parsed = Results.parse(document(check("parameters", "fail", 0, 5), check(), check(score=0, status="error")))
    assert parsed.status is Status.FAIL and parsed.with_error("x").status is Status.ERROR
    assert by_exercise(parsed.tests) == parsed.by_exercise() == {"one_to_one": (1, 2), "parameters": (0, 5)}
    assert Check.parse(check()).to_json() == check()

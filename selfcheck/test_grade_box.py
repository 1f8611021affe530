"""A grading run boxes the learner's code as the gradebook does (issue 15, item 3): `--grade` on one
student's folder, from an instructor's checkout, is `--sandbox=class` where the workers fork, so the
student's code reads neither solutions/ nor the tests nor the grader. Stubs that read the checkout's
solutions once scored 0 -> 205 under `run.py --grade --impl=S`. The same code in a learner's run
(`--sandbox=local`) reads them: the test can fail."""
import shutil

import pytest

from .runs import ROOT, exercise_of, grade

PEEKS = '''
from pathlib import Path

CHECKOUT = Path({root!r})


def _peeked():
    """The instructor's files this code could read."""
    seen = []
    for name in ("solutions/one_to_one.py", "tests/test_one_to_one.py", "kata/registry.py"):
        try:
            (CHECKOUT / name).read_bytes()
            seen.append(name)
        except OSError:
            pass
    return seen


_honest_dataset = make_dataset


def make_dataset(length=5):
    if _peeked():
        raise PermissionError("read the instructor's " + ", ".join(_peeked()))
    return _honest_dataset(length)
'''


def peeking_folder(into):
    shutil.copytree(ROOT / "solutions", into, ignore=shutil.ignore_patterns("__pycache__"))
    path = into / "one_to_one.py"
    path.write_text(path.read_text() + PEEKS.format(root=str(ROOT)))
    return into


def peeked(results):
    return [test["message"][:200] for test in exercise_of(results, "one_to_one") if test["status"] != "pass"]


@pytest.mark.timeout(300)
def test_a_grading_run_reads_nothing_of_the_instructors(tmp_path):
    folder = peeking_folder(tmp_path / "student")
    _, output, graded = grade(folder, tmp_path / "graded.json", "tests/test_one_to_one.py")
    _, output, learners = grade(folder, tmp_path / "local.json", "--sandbox=local", "tests/test_one_to_one.py")
    assert graded is not None and learners is not None, output
    assert not peeked(graded), peeked(graded)
    assert any("read the instructor's solutions/one_to_one.py" in message for message in peeked(learners)), peeked(learners)
    assert graded["sandbox"] == "class" and learners["sandbox"] == "local"

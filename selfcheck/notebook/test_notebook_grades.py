"""A learner's notebook in a real kernel (nbclient and ipykernel, the self-check's extra): the first
exercise passes; a bare Dense where TimeDistributed(Dense(1)) belongs is named; the build_model of a
later cell is the one graded; and the notebook saved from that kernel, read statically as the gradebook
reads a submitted one (kata/notebook_file.py), gives the very modules the kernel graded. About 60 s:
it starts a kernel and grades three times."""
import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from kata.notebook_file import modules_from
from kata.registry import EXERCISES
from kernel import execute

ROOT = Path(__file__).resolve().parents[2]
MISTAKE = ROOT / "selfcheck" / "mistakes" / "many-to-many-dense-instead-of-time-distributed" / "many_to_many.py"

CELLS = [
    f"import json, sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom kata import notebook as kata",
    (ROOT / "solutions" / "one_to_one.py").read_text(),
    "first = kata.check('one_to_one')\nassert first.checks and not first.failing, str(first)",
    MISTAKE.read_text(),
    "bare = kata.check('many_to_many')\nprint('BARE', json.dumps(str(bare)))",
    (ROOT / "solutions" / "many_to_many.py").read_text(),
    "fixed = kata.check('many_to_many')\nassert fixed.checks and not fixed.failing, str(fixed)",
    "print('SOURCES', json.dumps({name: report.source for name, report in kata._checked.items()}))",
]


def printed(cell, prefix):
    text = "".join(output.get("text", "") for output in cell.outputs)
    line = next(line for line in text.splitlines() if line.startswith(prefix))
    return json.loads(line[len(prefix) + 1:])


def test_a_learners_notebook_is_graded_in_its_kernel_and_read_alike_from_its_file(tmp_path, monkeypatch):
    book = execute(tmp_path, monkeypatch, CELLS, timeout=180)
    bare = printed(book.cells[4], "BARE")
    assert "TimeDistributed(Dense(1))" in bare and "every timestep" in bare, bare
    kernel = printed(book.cells[7], "SOURCES")
    assert "TimeDistributed" in kernel["many_to_many"]         # the later cell's build_model was graded
    path = tmp_path / "learner.ipynb"
    nbformat.write(book, path)
    taken = modules_from([path], EXERCISES)
    assert taken.refused == {} and taken.modules == kernel

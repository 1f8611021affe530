"""kata.notebook.check() called in this process on a namespace built from the solution's source: it
grades in a separate pytest process, as --impl would, and this process never imports the module."""
import sys
from pathlib import Path

import pytest

from kata import notebook
from cells import run_cells

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = (ROOT / "solutions" / "many_to_many.py").read_text()
BARE_DENSE = SOLUTION.replace("keras.layers.TimeDistributed(keras.layers.Dense(1))", "keras.layers.Dense(1)")


@pytest.fixture(autouse=True)
def own_hints_state(tmp_path, monkeypatch):
    monkeypatch.setenv("KATA_HINTS_STATE", str(tmp_path / "hints.json"))      # the run inherits it


def learner_modules():
    folder = str(notebook._folder())
    return [name for name, module in list(sys.modules.items())
            if str(getattr(module, "__file__", "") or "").startswith(folder)]


def test_the_solution_passes_every_check():
    report = notebook.check("many_to_many", namespace=run_cells(SOLUTION), show=False)
    assert report.results is not None, str(report)
    assert report.checks and not report.failing, str(report)
    assert report.score == (report.results.max_score, report.results.max_score)
    assert "34 passed" in str(report) and "Every check here passes" in report.hint
    assert learner_modules() == []
    assert "many_to_many" in str(notebook.progress(show=False))


def test_a_bare_dense_for_time_distributed_is_named():
    report = notebook.check("many_to_many", namespace=run_cells(BARE_DENSE), show=False)
    causes = [check.cause for check in report.failing]
    assert "many_to_many.dense_not_time_distributed" in causes, str(report)
    page = report._repr_html_()
    assert "many_to_many.dense_not_time_distributed" in page and "TimeDistributed(Dense(1))" in page
    assert "Hint" in report.hint
    assert learner_modules() == []

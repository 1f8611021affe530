"""kata.notebook.check() called in this process on a namespace built from the solution's source: it
grades in a separate pytest process, as --impl would, and this process never imports the module."""
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kata import notebook
from kata.processes import alive, descendants
from cells import run_cells

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = (ROOT / "solutions" / "many_to_many.py").read_text()
BARE_DENSE = SOLUTION.replace("keras.layers.TimeDistributed(keras.layers.Dense(1))", "keras.layers.Dense(1)")
CRASH = "import os\ndef build_model(length=5):\n    os.abort()\n"


@pytest.fixture(autouse=True)
def own_hints_state(tmp_path, monkeypatch):
    monkeypatch.setenv("KATA_HINTS_STATE", str(tmp_path / "hints.json"))      # the run inherits it
    monkeypatch.setattr(notebook, "_checked", {})                              # each test its own kernel's


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
    assert re.search(r'Next in order: \w+, kata\.check\("\w+"\)\.', report.hint), report.hint   # not a test file
    assert "tests/test_" not in str(report)
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
    asked = notebook.hint("many_to_many", namespace=run_cells(BARE_DENSE), show=False)
    first, then = (re.search(r"Hint \d+ of \d+", text).group() for text in (report.hint, asked.hint))
    assert first != then, (report.hint, asked.hint)        # the counter climbs, as with --hints
    said = " ".join(asked.hint.split())
    assert 'kata.hint("many_to_many", all=True)' in said, said             # how to ask, in the notebook's words
    assert "--hints" not in said and "progress: your notebook" in str(asked)


def test_a_stub_is_not_started_in_the_notebooks_words():
    stub = (ROOT / "exercises" / "one_to_one.py").read_text()
    report = notebook.check("one_to_one", namespace=run_cells(stub), show=False)
    assert ("not started: one_to_one make_dataset(), build_model() - see the TODO in the exercise's text"
            in str(report)), str(report)
    assert "Next: one_to_one - fill in its functions in the cell under its text" in report.hint, report.hint
    assert 'Another hint: run kata.hint("one_to_one") (one more each time;' in " ".join(report.hint.split())
    assert "notebook/one_to_one.py" not in report.hint and "exercises/" not in str(report)
    assert "not started in" not in report.hint, report.hint             # pytest's count line is not the hint


def test_a_crash_in_the_learner_s_function_ends_in_the_worker_and_export_writes_what_was_checked(tmp_path):
    report = notebook.check("many_to_many", namespace=run_cells(SOLUTION, CRASH), show=False)
    assert report.results is not None and report.failing, str(report)
    assert [c for c in report.failing if "build_model" in (c.message or "")], str(report)
    written = notebook.export(tmp_path / "mine")
    assert (tmp_path / "mine" / "many_to_many.py").read_text() == report.source and len(written) == 1
    assert "os.abort()" in report.source and "import os" in report.source


def test_the_kernel_s_stop_button_ends_the_whole_run(monkeypatch):
    """A KeyboardInterrupt while the run is waited for (the kernel's interrupt) ends the run's whole
    process tree, then reaches the cell."""
    started, tree = [], []

    class Interrupted(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

        def wait(self, timeout=None):
            if timeout is not None:
                time.sleep(4)               # the run's pytest has started, and its workers with it
                tree.extend(descendants(self.pid))
                raise KeyboardInterrupt
            return super().wait()

    monkeypatch.setattr(notebook.subprocess, "Popen", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        notebook.check("many_to_many", namespace=run_cells(SOLUTION), show=False)
    assert started and started[0].poll() is not None and tree and alive(tree) == [], tree


@pytest.mark.parametrize("call, says", [
    (lambda: notebook.check("one_to_on", namespace={}, show=False), "no exercise 'one_to_on': give one of one_to_one"),
    (lambda: notebook.check("one_to_one", namespace={}, show=False, time_limit="abc"),
     "time_limit must be a number of seconds above 0, not 'abc'"),
    (lambda: notebook.hint("one_to_one", namespace=run_cells("x = 1\n"), show=False),
     "the notebook defines none of one_to_one's functions")])
def test_a_call_that_cannot_check_says_why_in_one_sentence_and_raises_nothing(call, says):
    report = call()
    assert report.results is None and says in report.refused and "\n" not in str(report), str(report)


def test_checking_again_with_another_exercises_functions_says_so():
    namespace = run_cells(SOLUTION)
    text = notebook.source("many_to_many", namespace)
    notebook._checked["many_to_many"] = notebook.Report("many_to_many", source=text)
    assert notebook._another_exercises("many_to_many", text) is None
    note = notebook._another_exercises("one_to_one", notebook.source("one_to_one", namespace))
    assert note.startswith("These are the functions you last checked for many_to_many") and "run its cell" in note


def test_export_says_where_it_wrote_and_the_command_that_grades_it(tmp_path, capsys):
    notebook._checked["many_to_many"] = notebook.Report("many_to_many", source=notebook.source(
        "many_to_many", run_cells(SOLUTION)))
    written = notebook.export(tmp_path / "mine")
    said = capsys.readouterr().out
    assert written == [str(tmp_path / "mine" / "many_to_many.py")]
    assert f"into {tmp_path / 'mine'}" in said and f"python3 run.py --impl={tmp_path / 'mine'}" in said

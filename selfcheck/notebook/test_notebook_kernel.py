"""A real notebook, executed headlessly with nbclient and ipykernel (the self-check's extra, installed by
tox.ini's selfcheck commands_pre): the solution's cells pass kata.check("many_to_many") and the report is
displayed once, as escaped HTML with its text; an endless build_model is stopped within the time limit
and the next cell still runs; the kernel never imported the learner's module. About 40 s: it starts a
kernel and grades twice."""
import time
from pathlib import Path

import pytest

pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from kernel import execute

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 3       # seconds a call may run: --time-limit, to keep the endless cell short

CELLS = [
    f"import sys, time\nsys.path.insert(0, {str(ROOT)!r})\nfrom kata import notebook as kata",
    (ROOT / "solutions" / "many_to_many.py").read_text(),
    "report = kata.check('many_to_many')\nassert report.checks and not report.failing, str(report)\nreport",
    "def build_model(length=5):\n    while True:\n        pass",
    f"started = time.monotonic()\nendless = kata.check('many_to_many', time_limit={LIMIT})\n"
    "took = time.monotonic() - started\n"
    "assert endless.failing and 'build_model' in str(endless), str(endless)\n"
    "print('endless stopped after', round(took), 's')",
    "folder = str(kata._folder())\n"
    "learner = [n for n, m in list(sys.modules.items()) if str(getattr(m, '__file__', '') or '').startswith(folder)]\n"
    "print('next cell ran; learner modules in the kernel:', learner)",
]


def test_a_notebook_checks_in_its_kernel_and_survives_an_endless_build_model(tmp_path, monkeypatch):
    started = time.monotonic()
    book = execute(tmp_path, monkeypatch, CELLS)
    took = time.monotonic() - started
    check, endless, last = book.cells[2].outputs, book.cells[4].outputs, book.cells[5].outputs
    html = [output["data"]["text/html"] for output in check if "text/html" in output.get("data", {})]
    assert len(html) == 1, check                              # displayed by check(), not again as the value
    assert "34 / 34 checks" in html[0] and "<script" not in html[0]
    assert "34 passed" in next(o["data"]["text/plain"] for o in check if "text/plain" in o.get("data", {}))
    stopped = int("".join(o.get("text", "") for o in endless).split("after ")[1].split()[0])
    assert stopped < 6 * LIMIT + 15, endless                  # the time limit stopped it, in the worker
    assert "next cell ran; learner modules in the kernel: []" in "".join(o.get("text", "") for o in last)
    assert took < 90

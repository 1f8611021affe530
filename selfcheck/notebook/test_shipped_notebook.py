"""notebooks/kata.ipynb, the notebook a learner opens in Colab or Jupyter: made by instructor/notebook.py
from the registry and exercises/ (so it cannot drift from them), run as it is in a real kernel started in
notebooks/ (the setup finds the kata there; no clone), and read by the gradebook as a stub per exercise."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from instructor import notebook
from kata.notebook_file import modules_from
from kata.registry import EXERCISES

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_notebook_is_the_one_instructor_notebook_writes():
    assert notebook.SHIPPED.read_text(encoding="utf-8") == notebook.text_of(notebook.notebook()), \
        "notebooks/kata.ipynb is stale: python -m instructor notebook notebooks/kata.ipynb writes it anew"


def test_it_is_a_valid_notebook_with_each_exercise_its_text_stub_and_check():
    nbformat = pytest.importorskip("nbformat")
    book = nbformat.read(notebook.SHIPPED, as_version=4)
    nbformat.validate(book)
    ids = [cell.id for cell in book.cells]
    for exercise in EXERCISES:
        assert ids.index(f"{exercise.name}-text") + 1 == ids.index(f"{exercise.name}-code") == \
            ids.index(f"{exercise.name}-check") - 1
        stub = (ROOT / "exercises" / f"{exercise.module}.py").read_text()
        assert book.cells[ids.index(f"{exercise.name}-code")].source in stub


def test_what_the_setup_installs_is_what_requirements_txt_asks_for():
    requirements = (ROOT / "requirements.txt").read_text()
    for package in notebook.INSTALLED:
        assert re.search(rf"^{re.escape(package.strip(chr(34)))}\s", requirements, re.M), package


def test_the_gradebook_reads_the_untouched_notebook_as_the_stubs(tmp_path):
    taken = modules_from([notebook.SHIPPED], EXERCISES)
    assert taken.refused == {} and list(taken.modules) == [exercise.name for exercise in EXERCISES]
    assert "raise NotImplementedError" in taken.modules["many_to_many"]


def test_an_instructor_writes_their_class_notebook_with_its_repository(tmp_path):
    run = subprocess.run([sys.executable, "-m", "instructor", "notebook", str(tmp_path / "class.ipynb"),
                          "--repository", "https://example.org/class/kata.git"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    setup = "".join(json.loads((tmp_path / "class.ipynb").read_text())["cells"][1]["source"])
    assert "REPOSITORY = 'https://example.org/class/kata.git'" in setup
    folder = subprocess.run([sys.executable, "-m", "instructor", "notebook", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True)
    assert folder.returncode == 4 and folder.stderr.count("\n") == 1 and "is a folder" in folder.stderr


def test_the_shipped_notebook_runs_as_it_is_in_a_kernel_started_in_notebooks(tmp_path, monkeypatch):
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from kernel import execute
    book = json.loads(notebook.SHIPPED.read_text())
    cells = ["".join(cell["source"]) for cell in book["cells"] if cell["cell_type"] == "code"]
    ran = execute(tmp_path, monkeypatch, cells, timeout=180, folder=notebook.SHIPPED.parent)   # raises if a cell does
    said = ["".join(output.get("text", "") or output.get("data", {}).get("text/plain", "") for output in cell.outputs)
            for cell in ran.cells]
    assert "Ready: kata.check(\"one_to_one\") checks the first exercise." in said[0], said[0]
    assert "tensorflow " in said[0] and "keras 3." in said[0]
    checks = [text for cell, text in zip(cells, said) if cell.startswith("kata.check(")]
    assert len(checks) == len(EXERCISES)
    assert all("not started" in text and "Traceback" not in text for text in checks), checks
    assert "not started" in said[-1]                       # kata.progress()
    streams = [output for cell in ran.cells for output in cell.outputs if output.get("name") == "stderr"]
    assert streams == [], streams                           # no TensorFlow log noise, no warning

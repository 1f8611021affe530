"""The Gradescope autograder, proven in a local harness with Gradescope's layout.

The zip that `python -m instructor.gradescope OUT` writes is unpacked under a prefix as Gradescope
does (AUTOGRADER_ROOT/source, then run_autograder copied beside it); setup.sh runs once with the
kata's own .venv (KATA_PYTHON: no pip install here) and grades the solutions as its self-check;
then run_autograder grades, each in a fresh root of its own, a mistake, a whole repository, an empty
folder, a hostile submission, one that never ends (a tiny deadline), one in too little memory, and
one whose Python is gone. Every results.json is validated against instructor/gradescope_schema.json.
The conversion itself is tested first, without TensorFlow. jsonschema, which validates, is an extra
that tox -e selfcheck installs.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from instructor.gradescope import Run, to_gradescope
from kata.results_model import Results

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "instructor" / "gradescope_schema.json").read_text())
PYTHON = sys.executable
MISTAKE = ROOT / "selfcheck" / "mistakes" / "many-to-many-dense-instead-of-time-distributed"


# --- the schema check ------------------------------------------------------------------------

jsonschema = pytest.importorskip("jsonschema", reason="tox -e selfcheck installs jsonschema")
CHECKER = jsonschema.Draft202012Validator(SCHEMA)


def schema_errors(data):
    return [f"{'.'.join(map(str, error.absolute_path)) or '$'}: {error.message}" for error in CHECKER.iter_errors(data)]


def validate(data):
    assert not schema_errors(data), schema_errors(data)


def test_the_schema_refuses_what_gradescope_would_not_read():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert schema_errors({"score": 1, "tests": [{"name": "a", "status": "pass"}]})      # the kata's word, not Gradescope's
    assert schema_errors({"tests": [{"name": "a"}]})                                      # no score anywhere
    assert schema_errors({"score": 1, "stdout_visiblity": "hidden"})                      # misspelt
    assert schema_errors({"score": -1})
    assert not schema_errors({"score": 1, "tests": [{"name": "a", "status": "passed", "tags": ["x"]}]})


# --- the conversion, without TensorFlow ------------------------------------------------------

def check(exercise, name, status="pass", points=1, message=None, output=None, cause=None):
    return {"name": f"tests/test_{exercise}.py::test_{name}", "exercise": exercise, "task_id": 1 + (exercise == "parameters"),
            "status": status, "message": message, "output": output, "score": points if status == "pass" else 0,
            "max_score": points, "cause": cause}


def kata_results(tests, status="fail", message=None):
    return {"version": 3, "status": status, "message": message, "score": sum(t["score"] for t in tests),
            "max_score": sum(t["max_score"] for t in tests), "seed": 0, "time_limit": 60, "python": "3.11",
            "tensorflow": "2.21.0", "keras": "3.15.1", "sandbox": "class",
            "fingerprint": {"sha256": "ab" * 32, "files": {}}, "tests": tests}


def test_one_gradescope_test_per_exercise_with_the_learners_output_once():
    results = kata_results([
        check("one_to_one", "layers", "fail", 4, "use TimeDistributed(Dense(1))", "hello\n",
              "one_to_one.dense_not_time_distributed"),
        check("one_to_one", "shape", "fail", 1, "output shape (None, 1)", "hello\n", "one_to_one.shape"),
        check("one_to_one", "compiled", output="hello\n"),
        check("parameters", "lstm_params")])
    converted = to_gradescope(Results.parse(results), Run(seconds=12.5, peak_memory_mb=855))
    validate(converted)
    first, second = converted["tests"]
    assert (first["name"], first["score"], first["max_score"], first["status"]) == ("one_to_one", 1, 6, "failed")
    assert (second["name"], second["score"], second["status"]) == ("parameters", 1, "passed")
    assert first["output"].count("hello") == 1
    assert "use TimeDistributed(Dense(1))" in first["output"] and "output shape (None, 1)" in first["output"]
    assert first["tags"] == ["one_to_one", "one_to_one.dense_not_time_distributed", "one_to_one.shape"]
    assert converted["score"] == 2 and "Score 2/7" in converted["output"] and "one_to_one" in converted["output"]
    assert converted["stdout_visibility"] == "hidden"
    kata = converted["extra_data"]["kata"]
    assert (kata["fingerprint"], kata["tensorflow"], kata["autograder"]["peak_memory_mb"]) == ("ab" * 32, "2.21.0", 855)


def test_a_grading_that_did_not_complete_keeps_its_points_and_says_what_happened():
    results = kata_results([check("one_to_one", "compiled"), check("parameters", "lstm_params", "error", 1,
                                                                    "not graded: grading stopped before this check")],
                           status="error", message="timed out after 480 s: look for a loop that never ends")
    converted = to_gradescope(Results.parse(results))
    validate(converted)
    assert converted["score"] == 1
    assert converted["tests"][-1]["name"] == "grading" and converted["tests"][-1]["status"] == "failed"
    assert "timed out after 480 s" in converted["tests"][-1]["output"] and "timed out" in converted["output"]


# --- the harness -----------------------------------------------------------------------------

def unzip(zipped, into):
    """Extract as Gradescope's unzip does, keeping each file's mode (run_autograder is executable)."""
    with zipfile.ZipFile(zipped) as archive:
        for info in archive.infolist():
            path = Path(archive.extract(info, into))
            if info.external_attr >> 16 & 0o777:
                path.chmod(info.external_attr >> 16 & 0o777)


def open_folder():
    """A folder under /tmp the grading user can reach (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="kata-gradescope-test-"))
    folder.chmod(0o755)
    return folder


def grading_user():
    return {"KATA_USER": "nobody"} if os.geteuid() == 0 else {}


def grading_python():
    """A Python with the kata's requirements that the grading user can run, as setup.sh makes one on
    Gradescope. This process's may not be: tox's virtualenv links to a Python under root's home,
    which only root can run; the quick start's .venv is a copy that every user can."""
    if os.geteuid() != 0:
        return PYTHON
    for candidate in (PYTHON, str(ROOT / ".venv" / "bin" / "python")):
        if Path(candidate).exists() and subprocess.run(
                ["runuser", "-u", "nobody", "--", candidate, "-c", "import tensorflow, keras"],
                capture_output=True, timeout=300).returncode == 0:
            return candidate
    pytest.fail("no Python with TensorFlow that the user nobody can run: python3 run.py makes .venv, which is one")


@pytest.fixture(scope="module")
def image():
    """The autograder as Gradescope builds it: the zip unpacked into source/, then setup.sh."""
    home = open_folder()
    built = subprocess.run([PYTHON, "-m", "instructor.gradescope", str(home / "out")], cwd=ROOT,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    source = home / "image" / "source"
    unzip(home / "out" / "autograder.zip", source)
    env = {**os.environ, "AUTOGRADER_ROOT": str(source.parent), "KATA_PYTHON": grading_python(), **grading_user()}
    setup = subprocess.run(["bash", str(source / "setup.sh")], env=env, capture_output=True, text=True, timeout=300)
    yield source, setup
    shutil.rmtree(home, ignore_errors=True)


def autograde(image, fill, **env):
    """Gradescope's run of one submission: a fresh root whose source is the image's, fill(submission),
    then run_autograder. (its results.json, its exit code, its seconds)."""
    source, setup = image
    assert setup.returncode == 0, setup.stdout + setup.stderr
    root = open_folder()
    try:
        (root / "source").symlink_to(source)
        shutil.copy2(source / "run_autograder", root / "run_autograder")
        (root / "submission").mkdir()
        fill(root / "submission", root)
        started = time.monotonic()
        ran = subprocess.run([str(root / "run_autograder")], cwd=root, capture_output=True, text=True, timeout=600,
                             env={**os.environ, "AUTOGRADER_ROOT": str(root), **env})
        results = json.loads((root / "results" / "results.json").read_text())
        validate(results)
        return results, ran.returncode, time.monotonic() - started
    finally:
        shutil.rmtree(root, ignore_errors=True)


def copy_in(*folders):
    def fill(submission, root):
        for folder in folders:
            shutil.copytree(folder, submission, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    return fill


def boxes(results):
    return {test["name"]: test for test in results["tests"]}


def test_setup_grades_the_solutions_in_full_then_deletes_them(image):
    source, setup = image
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert "the solutions scored 205/205" in setup.stdout
    assert not (source / "solutions").exists()
    results = json.loads((source / "selfcheck-results.json").read_text())
    validate(results)
    assert [test["status"] for test in results["tests"]] == ["passed"] * 6
    assert results["extra_data"]["kata"]["sandbox"] == "class"
    if os.geteuid() == 0:
        assert (source / "kata-user").read_text().strip() == "nobody"


@pytest.fixture(scope="module")
def mistake(image):
    return autograde(image, copy_in(MISTAKE))


def test_a_mistake_fails_its_exercise_with_its_cause_as_a_tag(mistake):
    results, code, _ = mistake
    assert code == 0
    many_to_many = boxes(results)["many_to_many"]
    assert many_to_many["status"] == "failed" and 0 < many_to_many["score"] < many_to_many["max_score"]
    assert "many_to_many.dense_not_time_distributed" in many_to_many["tags"]
    assert "TimeDistributed" in many_to_many["output"]
    assert boxes(results)["one_to_one"]["score"] == 0         # not sent
    assert results["score"] == sum(test["score"] for test in results["tests"]) < 205


def test_a_whole_repository_scores_in_full_against_the_template_fingerprint(image):
    def fill(submission, root):
        shutil.rmtree(submission)
        subprocess.run([PYTHON, "-m", "instructor.template", str(submission)], cwd=ROOT, check=True, capture_output=True)
        shutil.copytree(ROOT / "solutions", submission / "exercises", dirs_exist_ok=True)
    results, code, _ = autograde(image, fill)
    assert code == 0
    assert results["score"] == 205 and "grading" not in boxes(results), results["output"]


def test_a_notebook_upload_is_graded_from_its_cells_in_full(image):
    from selfcheck.submissions import notebook_file, solved_notebook_cells
    results, code, _ = autograde(image, lambda submission, root: notebook_file(submission / "kata.ipynb",
                                                                                solved_notebook_cells()))
    assert code == 0
    assert results["score"] == 205 and "grading" not in boxes(results), results["output"]
    assert "from kata.ipynb, its cells read, not run" in results["output"], results["output"]


def test_an_empty_folder_says_so(image):
    results, code, _ = autograde(image, lambda submission, root: None)
    assert code == 0 and results["score"] == 0
    assert "empty" in boxes(results)["grading"]["output"]


def test_a_hostile_submission_cannot_write_its_own_results(image):
    def fill(submission, root):
        forged = json.dumps({"score": 999, "tests": []})
        (submission / "parameters.py").write_text(
            "import os, signal\n"
            "try:\n"
            f"    open({str(root / 'results' / 'results.json')!r}, 'w').write({forged!r})\n"
            "except OSError:\n"
            "    print('could not write')\n"
            "os.kill(os.getppid(), signal.SIGKILL)\n")
    results, code, _ = autograde(image, fill)
    assert code == 0
    assert results["score"] == 0 and results["tests"]
    if os.geteuid() == 0:       # graded as the unprivileged user: the results folder is not theirs
        assert "could not write" in boxes(results)["parameters"]["output"]


def test_a_submission_past_the_deadline_keeps_the_points_graded_before_it(image):
    """Each call of the last exercise takes 8 s, inside the 10 s limit a call has, so no check
    stops it: only the deadline does (40 s, of which the gradebook gets 20). Its many calls take
    longer than that however fast the machine (a sleep at import alone did not, on a quiet one)."""
    def fill(submission, root):
        shutil.copytree(ROOT / "solutions", submission, dirs_exist_ok=True)
        slow = "import time\n" + (ROOT / "solutions" / "encoder_decoder.py").read_text()
        for function in ("def make_dataset(length=5):\n", "def build_model(length=5):\n"):
            assert function in slow
            slow = slow.replace(function, function + "    time.sleep(8)\n")
        (submission / "encoder_decoder.py").write_text(slow)          # the last exercise
    results, code, seconds = autograde(image, fill, KATA_DEADLINE="40")
    assert code == 0 and seconds < 40 + 15
    assert "timed out" in boxes(results)["grading"]["output"]
    assert boxes(results)["one_to_one"]["score"] == 40                    # graded before: kept
    last = boxes(results)["encoder_decoder"]
    assert last["status"] == "failed" and last["score"] < last["max_score"]
    assert "not graded: grading stopped before this check" in last["output"]


def test_too_little_memory_names_what_to_raise(image):
    results, code, _ = autograde(image, copy_in(MISTAKE), KATA_MEMORY_LIMIT="400M")
    assert code == 0 and results["score"] == 0
    said = boxes(results)["grading"]["output"]
    assert "raise the autograder's memory to at least 1.5 GB" in said and "400 MB" in said


def test_results_are_written_even_when_the_autograder_cannot_start(image):
    results, code, _ = autograde(image, copy_in(MISTAKE), KATA_PYTHON="/nonexistent/python")
    assert code == 0 and results["score"] == 0
    assert boxes(results)["grading"]["status"] == "failed" and "exit code 127" in results["output"]


def test_setup_fails_the_build_when_the_grading_user_cannot_run_python(image):
    """A Python under root's home (pyenv's) is root's alone: the build says so, not every grade."""
    if os.geteuid() != 0:
        pytest.skip("only root makes a grading user")
    source, _ = image
    root = open_folder()
    try:
        shutil.copytree(source, root / "source")        # a copy: setup.sh writes into its source
        ran = subprocess.run(["bash", str(root / "source" / "setup.sh")], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "AUTOGRADER_ROOT": str(root), "KATA_PYTHON": "/nonexistent/python",
                                  "KATA_USER": "nobody"})
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert ran.returncode == 1
    assert "nobody cannot run /nonexistent/python with TensorFlow" in ran.stderr


def test_the_deadline_is_written_into_run_autograder(tmp_path):
    from instructor.gradescope import build
    with zipfile.ZipFile(build(tmp_path, deadline=300)) as archive:
        assert 'DEADLINE="${KATA_DEADLINE:-300}"' in archive.read("run_autograder").decode()
    refused = subprocess.run([PYTHON, "-m", "instructor.gradescope", str(tmp_path / "x"), "--deadline", "5"],
                             cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 4 and len(refused.stderr.splitlines()) == 1 and "--deadline" in refused.stderr and "between 30 and 86400" in refused.stderr

"""The learner's path on the portable workers (kata/spawnpool.py), as macOS and Windows run it.

Here on Linux each test runs on every simulated platform: `spawn` forces the spawned workers
($KATA_WORKERS=spawn); `windows-like` and `macos-like` put selfcheck/platforms/<name>/ first on
PYTHONPATH, whose sitecustomize.py removes from every Python of the run what that OS lacks (os.fork
and os.pidfd_open, and for Windows also os.setsid, os.killpg, os.pread, SIGALRM...), so that a new
Linux-only call anywhere in the learner's path fails here. On a real macOS or Windows (the
platforms workflow, .github/workflows/platforms.yml) the tests run once, on the platform itself.

Every run is a subprocess: this pytest process has imported TensorFlow.
"""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kata import backend
from kata.processes import alive

from .test_learner_loop import (FITS_AND_PRINTS, NEVER_RETURNS, run_py_ctrl_c_leaves_nothing,
                                watch_grades_each_save_and_ctrl_c_leaves_nothing)

ROOT = Path(__file__).resolve().parents[1]
SIMULATED = ROOT / "selfcheck" / "platforms"
if backend.missing_for_fork():       # a real macOS or Windows: auto already chooses the spawned workers
    PLATFORMS = {"this-platform": {}}
else:
    PLATFORMS = {"spawn": {"KATA_WORKERS": "spawn"},
                 "windows-like": {"PYTHONPATH": str(SIMULATED / "windows_like")},
                 "macos-like": {"PYTHONPATH": str(SIMULATED / "macos_like")}}
POSIX = pytest.mark.skipif(os.name == "nt", reason="a test cannot press Ctrl-C in a Windows console")
EVERY = pytest.mark.parametrize("env", sorted(PLATFORMS), indirect=True)
MAIN = pytest.mark.parametrize("env", sorted(set(PLATFORMS) - {"macos-like"}), indirect=True)   # macOS-like
#      differs from Windows-like only in what it keeps: the cheap checks run on it, the long ones do not


@pytest.fixture
def env(request, tmp_path):
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KATA_HINTS_STATE": str(tmp_path / "hints.json"),
            **PLATFORMS[request.param], "KATA_TEST_PLATFORM": request.param}


@pytest.fixture
def impl(tmp_path):
    folder = tmp_path / "impl"
    shutil.copytree(ROOT / "exercises", folder, ignore=shutil.ignore_patterns("hints", "__pycache__"))
    return folder


def kata(env, *args):
    done = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def graded(env, folder, tmp_path):
    code, output = kata(env, "-q", "--grade", f"--impl={folder}", f"--results-json={tmp_path / 'results.json'}")
    return code, output, json.loads((tmp_path / "results.json").read_text())


@EVERY
def test_the_simulation_removes_what_the_platform_lacks(env):
    """The mechanism, not only the outcome: the child Pythons really lack the calls."""
    probe = ("import importlib.util, os, signal; from kata import backend\n"
             "try:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n"
             "print(hasattr(os, 'fork'), hasattr(os, 'pidfd_open'), hasattr(signal, 'SIGALRM'), fcntl is not None, "
             "backend.choose('auto'))")
    seen = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True).stdout.split()
    expected = {"windows-like": ["False", "False", "False", "False", "spawn"],
                "macos-like": ["True", "False", "True", "True", "spawn"], "spawn": ["True", "True", "True", "True", "fork"]}     # forced by $KATA_WORKERS, not by what is missing
    platform = env["KATA_TEST_PLATFORM"]
    assert seen == expected[platform] if platform in expected else seen[-1] == "spawn", seen


@EVERY
def test_the_solutions_score_full_points_on_the_spawned_workers(env, tmp_path):
    code, output, results = graded(env, ROOT / "solutions", tmp_path)
    assert (results["workers"], results["sandbox"]) == ("spawn", "none"), results["workers"]
    failed = [t["name"] for t in results["tests"] if t["status"] != "pass"]
    assert code == 0 and results["status"] == "pass" and not failed, failed or output
    assert results["score"] == results["max_score"] == 205
    assert "Traceback" not in output


@EVERY
def test_the_stubs_fail_every_check_with_not_started(env, tmp_path):
    code, output, results = graded(env, ROOT / "exercises", tmp_path)
    assert results["workers"] == "spawn"
    assert results["score"] == 0 and not [t for t in results["tests"] if t["status"] == "pass"]
    assert "not started: exercises/one_to_one.py make_dataset(), build_model()" in output
    assert "Traceback" not in output


@MAIN
def test_an_endless_loop_is_stopped_within_10_s_naming_the_line(env, impl):
    shutil.copy(NEVER_RETURNS, impl / "many_to_many.py")
    started = time.monotonic()
    _, output = kata(env, f"--impl={impl}", "tests/test_many_to_many.py")
    assert time.monotonic() - started < 45
    assert "timed out: many_to_many.build_model(5)" in output and "(10 s)" in output, output
    assert "many_to_many.py line 18 (while model.count_params() > 0:" in output, output


@MAIN
def test_an_endless_loop_costs_only_its_function_the_replacement_worker_grades_the_rest(env, impl):
    shutil.copy(NEVER_RETURNS, impl / "many_to_many.py")
    shutil.copy(ROOT / "solutions" / "many_to_one.py", impl / "many_to_one.py")
    _, output = kata(env, f"--impl={impl}", "tests/test_many_to_many.py", "tests/test_many_to_one.py")
    assert "many_to_one       34 / 34    done" in output, output


STARTS_A_CHILD_THEN_LOOPS = """
import subprocess, sys, time
from pathlib import Path


def make_dataset(length=5):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    Path({pids!r}).write_text(str(child.pid))
    while True:
        time.sleep(0.1)


def build_model(length=5):      # the next job, in the worker that replaced the stopped one
    import psutil
    try:
        child = psutil.Process(int(Path({pids!r}).read_text()))
        seen = "dead" if child.status() == psutil.STATUS_ZOMBIE else "alive"
    except psutil.NoSuchProcess:
        seen = "dead"
    Path({seen!r}).write_text(seen)
    raise NotImplementedError
"""


@MAIN
def test_a_worker_stopped_for_its_time_ends_what_it_started(env, impl, tmp_path):
    pids, seen = tmp_path / "child.pid", tmp_path / "seen.txt"
    (impl / "one_to_one.py").write_text(STARTS_A_CHILD_THEN_LOOPS.format(pids=str(pids), seen=str(seen)))
    _, output = kata(env, f"--impl={impl}", "--time-limit=3", "tests/test_one_to_one.py")
    assert "timed out: one_to_one.make_dataset(5)" in output, output
    assert seen.read_text() == "dead", "the stopped worker's child was still running during the next job"
    assert not alive([int(pids.read_text())])


@MAIN
def test_a_worker_that_exits_costs_only_its_function(env, impl):
    (impl / "one_to_one.py").write_text((ROOT / "exercises" / "one_to_one.py").read_text().replace(
        "def make_dataset(length=5):", "def make_dataset(length=5):\n    import os\n    os._exit(3)", 1))
    _, output = kata(env, f"--impl={impl}", "tests/test_one_to_one.py")
    assert "one_to_one.make_dataset(5) ended the process (exit code 3)" in output, output
    assert "not started: " in output and "build_model()" in output, output     # the next job, a new worker


@MAIN
def test_fit_in_build_model_is_skipped_and_own_output_shows_under_its_check(env, impl):
    (impl / "one_to_one.py").write_text(FITS_AND_PRINTS)
    started = time.monotonic()
    _, output = kata(env, f"--impl={impl}", "tests/test_one_to_one.py")
    assert time.monotonic() - started < 60, "the 1000 epochs ran"
    optimizer = output[output.index("is compiled with optimizer SGD"):]
    assert "your code printed:" in optimizer and "lstm (LSTM)" in optimizer, output
    assert "build_model calls model.fit(...): the tests train the model themselves" in output


@MAIN
def test_each_job_imports_the_learners_modules_afresh(env, impl):
    """A spawned worker serves several jobs (make_dataset's, then build_model's): each must import
    the learner's module, and a helper module of theirs, afresh, as a forked worker would."""
    (impl / "helper.py").write_text("IMPORTS = []\n")
    solution = (ROOT / "solutions" / "one_to_one.py").read_text()
    fresh = ("\n    if len(helper.IMPORTS) != 1:\n        raise RuntimeError('helper.py was imported before')\n")
    solution = solution.replace("def make_dataset(length=5):", "def make_dataset(length=5):" + fresh)
    solution = solution.replace("def build_model(length=5):", "def build_model(length=5):" + fresh)
    (impl / "one_to_one.py").write_text("import helper\nhelper.IMPORTS.append(1)\n" + solution)
    _, output = kata(env, f"--impl={impl}", "tests/test_one_to_one.py")
    assert "one_to_one        34 / 34    done" in output, output


@MAIN
def test_run_py_grades_a_folder_with_spaces_in_its_path_saved_with_crlf_line_endings(env, tmp_path):
    """As a Windows editor saves it, in a folder a learner might name; through run.py, as the README says."""
    folder = tmp_path / "my work (copy)" / "exercises 2"
    folder.mkdir(parents=True)
    for name in ("one_to_one.py", "many_to_one.py"):
        (folder / name).write_bytes((ROOT / "solutions" / name).read_bytes().replace(b"\n", b"\r\n"))
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), f"--impl={folder}", "tests/test_one_to_one.py",
                           "tests/test_many_to_one.py"], cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "68 passed" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]


@EVERY
@pytest.mark.parametrize("asked, words", [("--workers=fork", "the fork workers need os.fork"),
                                          ("--sandbox=class", "--sandbox=class needs the fork workers")])
def test_what_the_spawned_workers_cannot_do_is_one_line_not_a_traceback(env, asked, words):
    if asked == "--workers=fork" and "PYTHONPATH" not in env and not backend.missing_for_fork():
        pytest.skip("this Python can fork: --workers=fork works here")
    if "PYTHONPATH" in env and env["PYTHONPATH"].endswith("macos_like") and asked == "--workers=fork":
        words = "the fork workers need os.pidfd_open"
    extra = ["--workers=spawn"] if asked == "--sandbox=class" else []
    code, output = kata(env, "-q", asked, *extra, "tests/test_parameters.py")
    assert code == 4 and words in output and "Traceback" not in output, output


@pytest.mark.parametrize("env", sorted(set(PLATFORMS) - {"spawn"}), indirect=True)
def test_the_gradebook_says_in_one_line_that_it_needs_linux(env, tmp_path):
    (tmp_path / "class" / "alice").mkdir(parents=True)
    run = subprocess.run([sys.executable, "-m", "instructor.gradebook", str(tmp_path / "class"), "--out",
                          str(tmp_path / "out")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 4 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.strip().splitlines() == [run.stderr.strip()] and "the gradebook needs Linux" in run.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


@MAIN
@POSIX
def test_watch_grades_each_save_and_ctrl_c_leaves_nothing(env, impl, tmp_path):
    watch_grades_each_save_and_ctrl_c_leaves_nothing(impl, env, tmp_path, first_round=120, stopping=20)


@MAIN
@POSIX
def test_run_py_ctrl_c_ends_with_one_line_and_leaves_no_worker(env, tmp_path):
    run_py_ctrl_c_leaves_nothing(env, tmp_path, least=3, settle=6)   # run.py, pytest, a worker inside the call


@pytest.mark.skipif(backend.missing_for_fork() != [], reason="the catalogue runs on a simulated platform, on Linux")
@pytest.mark.parametrize("simulated", ["windows-like"])
def test_the_whole_mistakes_catalogue_keeps_its_words(simulated):
    """test_mistakes.py, every mistake and correct variant, run again with every graded run on the
    spawned workers; a child pytest, so that its own graded runs inherit the platform. The fixes'
    regrades are left out: what a message says is what differs between platforms, not what an edit does.
    Windows-like only: it lacks both os.fork and os.pidfd_open, so it takes every path "spawn" takes (the
    spawned workers) and those for a missing pidfd too; a real macOS and Windows run it in the CI matrix."""
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "selfcheck/test_mistakes.py",
                          "-k", "not fix_applied"],
                         cwd=ROOT, env={**os.environ, **PLATFORMS[simulated]}, capture_output=True, text=True,
                         timeout=1800)
    assert run.returncode == 0 and " passed" in run.stdout, run.stdout[-3000:] + run.stderr[-2000:]

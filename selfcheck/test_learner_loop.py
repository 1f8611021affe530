"""The learner's loop: watch mode, hints that wait to be asked, an honest "Next", run.py's paths and
Ctrl-C. Every run is a subprocess: this pytest process has run TensorFlow ops and must not fork."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kata.processes import alive, descendants
from run import pytest_args

ROOT = Path(__file__).resolve().parents[1]
NEVER_RETURNS = ROOT / "selfcheck" / "mistakes" / "many-to-many-build-never-returns" / "many_to_many.py"
SYNTAX_ERROR = ROOT / "selfcheck" / "mistakes" / "one-to-one-syntax-error" / "one_to_one.py"


@pytest.fixture
def impl(tmp_path):
    folder = tmp_path / "impl"
    shutil.copytree(ROOT / "exercises", folder, ignore=shutil.ignore_patterns("hints", "__pycache__"))
    return folder


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "KATA_HINTS_STATE": str(tmp_path / "hints.json"), "TF_CPP_MIN_LOG_LEVEL": "3"}


def kata(env, *args):
    done = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    return done.stdout + done.stderr


def hint_lines(output):
    return [line.strip() for line in output.splitlines() if line.strip().startswith("Hint ")]


def section(output, title):
    """The lines of a section of the summary, between its '--- title ---' line and the next one."""
    lines = output.splitlines()
    seps = [i for i, line in enumerate(lines) if re.fullmatch(r"-+ .+ -+", line)]
    start = next(i for i in seps if f" {title} " in lines[i])
    return lines[start + 1:min(i for i in seps + [len(lines)] if i > start)]


class Lines:
    """The watcher's output, read up to the line holding some words."""
    def __init__(self, process):
        self.process, self.seen = process, []

    def until(self, words, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.seen.append(line)
            if words in line:
                return line
        raise AssertionError(f"never printed {words!r}:\n{''.join(self.seen[-60:])}")


def ctrl_c_leaves_nothing(process, tree, temp, code, last_line, timeout):
    """Ctrl-C to the process group, as the terminal sends it; then the exit code, one last line and no
    traceback, nothing of the tree left running and no temporary file left behind."""
    try:
        os.killpg(process.pid, signal.SIGINT)
        output = process.communicate(timeout=timeout)[0]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == code
    assert output.strip().splitlines()[-1] == last_line and "Traceback" not in output, output
    time.sleep(0.5)
    assert not alive(tree), f"left behind: {alive(tree)}"
    assert not list(temp.iterdir()), "temporary files left behind"     # the stopped round's folders too


def watch_grades_each_save_and_ctrl_c_leaves_nothing(impl, env, tmp_path, first_round=90, stopping=10):
    """Watch mode as a learner uses it: a save graded alone, the table keeping the other rows, a
    syntax error and watching goes on, a worker busy for ever, then Ctrl-C."""
    temp = tmp_path / "temp"
    temp.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "kata.watch", f"--impl={impl}", "-q"], cwd=ROOT,
                               env={**env, "TMPDIR": str(temp)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    out = Lines(process)
    try:
        out.until("watching", timeout=first_round)
        assert "175 not started" in "".join(out.seen)
        shutil.copy(ROOT / "solutions" / "one_to_one.py", impl / "one_to_one.py")
        out.until("saved one_to_one.py")
        assert "34 passed" in out.until("passed in ")           # only the saved exercise is graded ...
        table = "".join(out.seen[-15:])
        assert "one_to_one        34 / 34    done" in table     # ... and the table keeps the others
        assert "many_to_one        0 / 34    not started  (graded earlier)" in table
        out.until("watching")
        shutil.copy(SYNTAX_ERROR, impl / "one_to_one.py")
        out.until("SyntaxError")
        out.until("watching")
        shutil.copy(NEVER_RETURNS, impl / "many_to_many.py")    # a worker busy for ever ...
        out.until("saved many_to_many.py")
        time.sleep(3)
        tree = descendants(process.pid)
        assert len(tree) >= 3, tree        # the watcher, a round (or round server), its workers
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    ctrl_c_leaves_nothing(process, tree, temp, 0, "stopped watching.", stopping)


def test_watch_grades_each_save_goes_on_after_a_broken_one_and_ctrl_c_leaves_nothing(impl, env, tmp_path):
    watch_grades_each_save_and_ctrl_c_leaves_nothing(impl, env, tmp_path)


def test_a_plain_run_shows_one_hint_and_no_code_and_hints_come_one_more_each_time(impl, env):
    plain = hint_lines(kata(env, f"--impl={impl}", "tests/test_one_to_one.py"))
    assert len(plain) == 1 and plain[0].startswith("Hint 1 of 4:"), plain
    first = kata(env, f"--impl={impl}", "--hints=more", "tests/test_one_to_one.py")     # hint 1 was shown: the next
    second = kata(env, f"--impl={impl}", "tests/test_one_to_one.py", "--hints")
    assert [h[:22] for h in hint_lines(first) + hint_lines(second)] == \
        ["Hint 2 of 4: Each samp", "Hint 3 of 4 (code): X "], first + second
    assert "the next one gives the code of make_dataset()" in first, first          # said before it is shown
    every = hint_lines(kata(env, f"--impl={impl}", "--hints=all", "tests/test_one_to_one.py"))
    assert [h.split(":")[0] for h in every] == ["Hint 1 of 4", "Hint 2 of 4", "Hint 3 of 4 (code)", "Hint 4 of 4 (code)"]


def test_hints_climb_to_the_code_and_say_which_were_skipped_when_the_model_fails(tmp_path, env):
    """The issue's sequence: make_dataset passes, build_model returns no sequences."""
    folder = tmp_path / "wrong_model"
    folder.mkdir()
    solution = (ROOT / "solutions" / "many_to_many.py").read_text()
    (folder / "many_to_many.py").write_text(solution.replace("LSTM(length, return_sequences=True)", "LSTM(length)"))
    run = [f"--impl={folder}", "tests/test_many_to_many.py", "-k", "not trained"]
    plain = kata(env, *run)
    assert [h[:22] for h in hint_lines(plain)] == ["Hint 2 of 4: The LSTM "], plain
    assert "the next one gives the code of build_model()" in plain, plain
    asked = kata(env, *run, "--hints")
    assert [h[:22] for h in hint_lines(asked)] == ["Hint 4 of 4 (code): `k"], asked
    said = " ".join(asked[asked.index("No more hints"):].split())
    assert said.startswith("No more hints for what still fails in many_to_many: hints 1 and 3 of 4 are about "
                           "make_dataset(), whose checks pass; --hints=all shows all 4."), asked
    again = kata(env, *run, "--hints")
    assert hint_lines(again) == [] and "No more hints for what still fails" in again, again


def test_no_stale_hint_once_make_dataset_passes(tmp_path, env):
    folder = tmp_path / "done_dataset"
    folder.mkdir()
    solution = (ROOT / "solutions" / "many_to_one.py").read_text()
    stub = (ROOT / "exercises" / "many_to_one.py").read_text()
    dataset = solution[solution.index("def make_dataset"):solution.index("def build_model")]
    (folder / "many_to_one.py").write_text(stub[:stub.index("def make_dataset")] + dataset
                                           + stub[stub.index("def build_model"):])
    shown = hint_lines(kata(env, f"--impl={folder}", "tests/test_many_to_one.py"))
    assert len(shown) == 1 and shown[0].startswith("Hint 2 of 4:"), shown


def test_next_names_the_next_exercise_after_those_run_and_says_the_rest_were_not_graded(env):
    output = kata(env, "--impl=solutions", "tests/test_one_to_one.py")
    assert "Next in order: many_to_one (tests/test_many_to_one.py)" in output and "not graded" in output, output
    assert "Next in order: many_to_many" in kata(env, "--impl=solutions", "tests/test_many_to_one.py")


def test_run_py_reads_paths_from_the_callers_folder():
    here = ROOT / "exercises"
    assert pytest_args(["../tests/test_one_to_one.py", "--impl=.", "-k", "shape"], here) == \
        ["tests/test_one_to_one.py", "--impl=exercises", "-k", "shape"]
    assert pytest_args(["--impl=solutions", "--results-json", "out.json"], ROOT / "tests") == \
        ["--impl=solutions", "--results-json", "tests/out.json"]
    assert pytest_args(["--hints", "../tests/test_one_to_one.py::test_x"], here) == \
        ["--hints=more", "tests/test_one_to_one.py::test_x"]
    assert pytest_args(["--impl", "/tmp"], here) == ["--impl", "/tmp"]


def test_run_py_updates_an_existing_venv_in_place_when_requirements_change(tmp_path, monkeypatch):
    """Recreating .venv over itself fails ('Text file busy') when .venv's Python runs run.py."""
    import run
    python, made, installed = tmp_path / "bin" / "python", [], []
    monkeypatch.setattr(run, "STAMP", tmp_path / "requirements.sha256")
    monkeypatch.setattr(run, "PYTHON", python)
    monkeypatch.setattr(run.venv, "create", lambda *a, **k: made.append(a))
    monkeypatch.setattr(run.subprocess, "run", lambda command, **k: installed.append(command))
    run.set_up()                                    # no .venv yet: created, then installed
    assert len(made) == 1 and len(installed) == 1
    run.set_up()                                    # stamp matches: nothing to do
    assert len(made) == 1 and len(installed) == 1
    python.parent.mkdir()
    python.touch()
    run.STAMP.write_text("an older requirements.txt")
    run.set_up()                                    # .venv exists, requirements changed: installed, not recreated
    assert len(made) == 1 and len(installed) == 2 and run.STAMP.read_text() == run.requirements_hash()


def run_py_ctrl_c_leaves_nothing(env, tmp_path, least, settle=0.0):
    """run.py grading a build_model that never returns; Ctrl-C once `least` processes are up (and
    `settle` seconds more): one line, exit 130, nothing left."""
    (tmp_path / "impl").mkdir()
    shutil.copy(NEVER_RETURNS, tmp_path / "impl" / "many_to_many.py")
    script = ("import sys, run; sys.exit(run.run([sys.executable, '-m', 'pytest', "
              f"'--impl={tmp_path / 'impl'}', '--time-limit=600', 'tests/test_many_to_many.py']))")
    temp = tmp_path / "temp"
    temp.mkdir()
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True,
                               env={**env, "TMPDIR": str(temp)})
    try:
        deadline = time.monotonic() + 60
        while len(descendants(process.pid)) < least and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(settle)
        tree = descendants(process.pid)
        assert len(tree) >= least, tree
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    ctrl_c_leaves_nothing(process, tree, temp, 130, "stopped (Ctrl-C).", 10 if not settle else 20)


def test_run_py_ctrl_c_ends_with_one_line_and_leaves_no_worker(tmp_path):
    run_py_ctrl_c_leaves_nothing(os.environ, tmp_path, least=4)      # run.py, pytest, the fork server, a worker


FITS_AND_PRINTS = '''
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(length, 1, 1), seq.reshape(length, 1)


def build_model(length=5):
    model = keras.Sequential([keras.Input((1, 1)), keras.layers.LSTM(length), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")        # the optimizer check fails
    model.summary()
    X, y = make_dataset(length)
    model.fit(X, y, epochs=1000, batch_size=length, verbose=2)   # the tutorial's recipe, in build_model
    return model
'''


def test_own_output_shows_under_its_check_and_fit_in_build_model_is_skipped(impl, env):
    (impl / "one_to_one.py").write_text(FITS_AND_PRINTS)
    started = time.monotonic()
    output = kata(env, f"--impl={impl}", "tests/test_one_to_one.py")
    assert time.monotonic() - started < 60, "the 1000 epochs ran"
    optimizer = output[output.index("is compiled with optimizer SGD"):]
    assert "your code printed:" in optimizer and "lstm (LSTM)" in optimizer, output
    assert "build_model calls model.fit(...): the tests train the model themselves" in output
    assert "passed" in output and "test_lstm_units_follow_the_length" not in output.split("FAILURES")[-1]
    summaries = [line for line in output.splitlines() if "Total params:" in line]
    assert len(summaries) == 3, output          # build_model(5), (3) and (8): each call's output once
    echoed = kata(env, f"--impl={impl}", "tests/test_one_to_one.py", "-s")
    assert len([line for line in echoed.splitlines() if "Total params:" in line]) == 3, echoed   # as it came, only


def test_own_output_of_a_passing_run_is_shown_once_per_call(tmp_path, env):
    folder = tmp_path / "prints"
    folder.mkdir()
    solution = (ROOT / "solutions" / "one_to_one.py").read_text()
    (folder / "one_to_one.py").write_text(solution.replace(
        "def make_dataset(length=5):\n", "def make_dataset(length=5):\n    print('a dataset of', length)\n", 1))
    output = kata(env, f"--impl={folder}", "tests/test_one_to_one.py")
    assert "34 passed" in output, output
    assert section(output, "your code printed") == [
        "[one_to_one.make_dataset(5)]", "a dataset of 5", "[one_to_one.make_dataset(3)]", "a dataset of 3",
        "[one_to_one.make_dataset(8)]", "a dataset of 8"], output
    assert output.count("a dataset of 5") == 1, output


def test_an_endless_loop_is_stopped_within_10_s_naming_the_call(impl, env):
    shutil.copy(NEVER_RETURNS, impl / "many_to_many.py")
    started = time.monotonic()
    output = kata(env, f"--impl={impl}", "tests/test_many_to_many.py")
    assert time.monotonic() - started < 40
    assert "timed out: many_to_many.build_model(5)" in output and "(10 s)" in output, output
    assert "It was running" in output and "many_to_many.py line 18 (while model.count_params() > 0:" in output, output

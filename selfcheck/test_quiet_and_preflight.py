"""A learner sees one clear sentence, never a traceback or TensorFlow's log lines: when the set-up
is wrong (preflight), on the untouched stubs, and on the solutions."""
import os
import subprocess
import sys

from kata import quiet
from kata.quiet import preflight_problem

from .runs import ROOT


def pytest_run(*options, **environment):
    run = subprocess.run([sys.executable, "-m", "pytest", *options], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, **environment})
    return run.returncode, run.stdout, run.stderr


def test_legacy_keras_is_refused_with_one_message_and_its_fix():
    code, out, err = pytest_run("-q", TF_USE_LEGACY_KERAS="1")
    assert code == 4
    assert err.startswith("ERROR: TF_USE_LEGACY_KERAS is set") and "Fix: unset TF_USE_LEGACY_KERAS" in err
    assert "Traceback" not in out + err


def test_missing_tensorflow_names_the_module_and_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)   # import tensorflow now fails
    problem = preflight_problem()
    assert problem.startswith("tensorflow is not installed") and "run.py" in problem


def test_a_python_tensorflow_does_not_support_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)
    monkeypatch.setattr(quiet, "SUPPORTED_PYTHONS", ((3, 0), (3, 1)))
    problem = preflight_problem()
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert f"no release for Python {version}" in problem and "use Python 3.0 to 3.1" in problem


def test_stubs_run_has_no_traceback_no_log_lines_no_warnings():
    code, out, err = pytest_run("-s")   # -s: pytest's own capture would hide TensorFlow's lines anyway
    assert code == 1 and "not started" in out
    for noise in ("Traceback", "I0000", "W0000", "E0000", "oneDNN", "cuda", "UserWarning", "warnings summary"):
        assert noise not in out + err, noise


def test_solutions_run_has_no_log_lines_no_warnings():
    code, out, err = pytest_run("-s", "--impl=solutions")
    assert code == 0
    for noise in ("I0000", "W0000", "E0000", "oneDNN", "cuda", "UserWarning", "warnings summary"):
        assert noise not in out + err, noise

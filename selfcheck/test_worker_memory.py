"""A worker knows nothing of the grader (issue 15, item 2): its memory holds neither the answer key
(kata.registry and the grader's other modules), nor the run's options, nor pytest's objects, nor
a variable of the grader's environment (in os.environ or in /proc/self/environ).

The learner's code below searches its own process, `sys.modules` and every object `gc` tracks, and
makes a correct dataset only if it finds nothing of the grader's; else it raises, naming what it
found. Graded in each way a run starts its workers: a learner's run (local box), the class box, the
spawned workers, the gradebook (whose grading processes are forks of one preloaded process) and
watch mode's rounds (forks of the watcher).
An earlier worker, a fork of the grading process, found all of it.
"""
import json
import shutil
import subprocess
import sys

import pytest

from .runs import ROOT, exercise_of, grade, gradebook

PROBE = '''
import gc
import os
import sys

import numpy as np

WORKER_SIDE = {"kata", "kata.worker", "kata.protocol", "kata.progress", "kata.forkserver", "kata.sandbox", "kata.environment",
               "kata.syscalls", "kata.landlock", "kata.seccomp", "kata.namespaces", "kata.quiet", "kata.backend", "kata.processes", "kata.spawned_worker",
               "kata.watch"}     # watch mode's loop, which forks each round: saves and rounds, no answers
GRADER_TYPES = ("_pytest.config.Config", "_pytest.main.Session", "pluggy._manager.PluginManager",
                "_pytest.config.argparsing.Parser")


def graders_secret():
    """Where the grader's environment variable KATA_PROBE_SECRET shows: os.environ, /proc/self/environ."""
    found = ["os.environ"] if "KATA_PROBE_SECRET" in os.environ else []
    try:
        with open("/proc/self/environ", "rb") as environ:    # the environment as the process started
            found += ["/proc/self/environ"] if b"KATA_PROBE_SECRET" in environ.read() else []
    except OSError:
        pass
    return found


def graders_memory():
    """The grader's modules and objects this process holds, by name, and its secret."""
    modules = [name for name in sys.modules if (name.startswith("kata.") and name not in WORKER_SIDE)
               or name.startswith(("tests.", "conftest", "instructor", "selfcheck"))]
    objects = {f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects()}
    kinds = [kind for kind in objects if kind in GRADER_TYPES
             or (kind.startswith("kata.") and kind.rsplit(".", 1)[0] not in WORKER_SIDE)]
    return sorted(modules) + sorted(kinds) + graders_secret()


def make_dataset(length=5):
    found = graders_memory()
    if found:
        raise ValueError("the grader's memory is here: " + ", ".join(found[:12]))
    seq = np.arange(length) / length
    return seq.reshape(length, 1, 1), seq.reshape(length, 1)
'''


def probe_folder(into):
    """solutions/ with make_dataset of one_to_one replaced by the probe."""
    shutil.copytree(ROOT / "solutions", into, ignore=shutil.ignore_patterns("__pycache__"))
    model = (ROOT / "solutions" / "one_to_one.py").read_text()
    (into / "one_to_one.py").write_text(model + "\n" + PROBE)
    return into


def failures(tests):
    return [f"{test['name']}: {(test.get('message') or '')[:300]}" for test in tests if test["status"] != "pass"]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("options", [("--sandbox=local",), ("--sandbox=class",), ("--workers=spawn", "--sandbox=local")],
                         ids=["local", "class", "spawn"])
def test_the_worker_holds_nothing_of_the_grader(tmp_path, monkeypatch, options):
    monkeypatch.setenv("KATA_PROBE_SECRET", "hunter2")
    code, output, results = grade(probe_folder(tmp_path / "probe"), tmp_path / "results.json", *options,
                                  "tests/test_one_to_one.py")
    assert results is not None, output
    tests = exercise_of(results, "one_to_one")
    assert tests and not failures(tests), "\n".join(failures(tests))


@pytest.mark.timeout(600)
def test_the_gradebook_workers_hold_nothing_of_the_grader(tmp_path, monkeypatch):
    monkeypatch.setenv("KATA_PROBE_SECRET", "hunter2")
    probe_folder(tmp_path / "class" / "prober")
    code, output, rows, results = gradebook(tmp_path / "class", tmp_path / "out", temp=tmp_path / "tmp")
    assert code == 0, output
    tests = exercise_of(results["prober"], "one_to_one")
    assert tests and not failures(tests), "\n".join(failures(tests))


@pytest.mark.timeout(300)
def test_watch_mode_rounds_hold_nothing_of_the_grader(tmp_path):
    """(Watch mode runs on the learner's machine, in the learner's environment: no secret is set.)"""
    folder, results = probe_folder(tmp_path / "probe"), tmp_path / "results.json"
    one_round = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from kata.quiet import preflight_or_exit
from kata.watch import ForkedRounds
preflight_or_exit()
rounds = ForkedRounds({str(tmp_path)!r})
rounds.start(["-q", "--impl={folder}", "--results-json={results}", "tests/test_one_to_one.py"])
while not rounds.over():
    time.sleep(0.1)
"""
    run = subprocess.run([sys.executable, "-c", one_round], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert results.is_file(), run.stdout + run.stderr
    tests = exercise_of(json.loads(results.read_text()), "one_to_one")
    assert tests and not failures(tests), "\n".join(failures(tests))

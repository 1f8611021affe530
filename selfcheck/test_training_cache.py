"""The training cache (kata/training_cache.py): a model trained once is not trained again for a
classmate who handed in the same model, and a cached grade is exactly the fresh one. Every run is a
subprocess: this pytest process has run TensorFlow ops and must not fork."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SOFTMAX_OUTPUT = ROOT / "selfcheck" / "mistakes" / "one-to-one-softmax-output" / "one_to_one.py"
TRAINED = "test_trained_model_predicts_every_step_within_tolerance"
EXERCISES = ["tests/test_one_to_one.py", "tests/test_many_to_many.py"]


def grades(impl, tmp_path, *options, exercises=EXERCISES):
    """{check: (status, message)} of one run over the exercises, in their order."""
    results = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "pytest", f"--impl={impl}", f"--results-json={results}",
                           "-q", *options, *exercises], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert results.is_file(), done.stdout + done.stderr
    return {test["name"]: (test["status"], test["message"]) for test in json.loads(results.read_text())["tests"]}


def impl_with_softmax_output(tmp_path):
    """The solutions, but one_to_one's output layer is softmax: its training check fails with a table."""
    impl = tmp_path / "impl"
    shutil.copytree(ROOT / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(SOFTMAX_OUTPUT, impl / "one_to_one.py")
    return impl


def test_a_cached_training_grades_exactly_as_a_fresh_one(tmp_path):
    """Whatever the process trained before: one_to_one cached by a run of its own is read back by a
    run that trains many_to_many first, and gives what that run gives without a cache."""
    impl, cache = impl_with_softmax_output(tmp_path), tmp_path / "cache"
    alone = grades(impl, tmp_path, f"--training-cache={cache}", exercises=EXERCISES[:1])
    assert len(list(cache.glob("*.npy"))) == 1                 # one entry a model trained
    fresh = grades(impl, tmp_path, exercises=EXERCISES[::-1])
    cached = grades(impl, tmp_path, f"--training-cache={cache}", exercises=EXERCISES[::-1])
    assert len(list(cache.glob("*.npy"))) == 2
    assert fresh == cached
    assert {name: grade for name, grade in fresh.items() if name in alone} == alone
    failed = fresh[f"tests/test_one_to_one.py::{TRAINED}"]
    assert failed[0] == "fail" and "prediction" in failed[1], failed    # the predictions table, cached too
    assert fresh[f"tests/test_many_to_many.py::{TRAINED}"][0] == "pass"
    grades(impl, tmp_path, f"--training-cache={cache}", "--kata-seed=7")
    assert len(list(cache.glob("*.npy"))) == 4                 # another seed: other entries


def test_the_grader_reads_the_cache_so_only_the_grader_may_write_it(tmp_path):
    """Zeros written over the entries turn a pass into a failure: the cache is read, which is why
    the gradebook keeps it out of every sandboxed worker's reach (the hostile class tries it)."""
    impl, cache = ROOT / "solutions", tmp_path / "cache"
    assert grades(impl, tmp_path, f"--training-cache={cache}")[f"tests/test_many_to_many.py::{TRAINED}"][0] == "pass"
    for entry in cache.glob("*.npy"):
        np.save(entry, np.zeros_like(np.load(entry)))
    spoiled = grades(impl, tmp_path, f"--training-cache={cache}")
    assert spoiled[f"tests/test_many_to_many.py::{TRAINED}"][0] == "fail"
    assert spoiled[f"tests/test_one_to_one.py::{TRAINED}"][0] == "fail"

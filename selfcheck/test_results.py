"""--results-json and --grade: Exercism's results (version 3) with points, the Score lines, exit codes,
and the fingerprint of the graded files."""
import json
import subprocess
import sys

import pytest

from selfcheck import submissions
from selfcheck.runs import ROOT, exercise_of, grade
from kata import results as kata_results
from kata.results_model import Results

ONE_EXERCISE = ("tests/test_one_to_one.py", "tests/test_many_to_one.py")
SLOW = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def half_done(tmp_path_factory):
    """--grade on one_to_one solved and many_to_one a stub: (exit code, output, results)."""
    tmp = tmp_path_factory.mktemp("half_done")
    student = submissions.half_done(tmp)
    return grade(student, tmp / "results.json", *ONE_EXERCISE)


def test_a_grading_run_that_completes_exits_0_even_when_checks_fail(half_done):
    code, output, results = half_done
    assert code == 0 and results["status"] == "fail", output


def test_results_have_the_exercism_version_3_keys_and_the_run_details(half_done):
    results = half_done[2]
    assert {"version", "status", "message", "score", "max_score", "seed", "python", "tensorflow",
            "keras", "fingerprint", "tests"} <= set(results)
    assert results["version"] == 3 and results["message"] is None
    assert {"name", "exercise", "task_id", "status", "message", "output", "score", "max_score"} <= set(results["tests"][0])


def test_a_solved_exercise_scores_its_points_and_a_stub_scores_none(half_done):
    results = half_done[2]
    solved, stub = exercise_of(results, "one_to_one"), exercise_of(results, "many_to_one")
    assert all(t["status"] == "pass" and t["score"] == t["max_score"] for t in solved)
    assert all(t["status"] == "fail" and t["score"] == 0 and t["message"].startswith("not started") for t in stub)
    assert results["score"] == sum(t["max_score"] for t in solved)
    assert results["max_score"] == sum(t["max_score"] for t in solved + stub)


def test_the_training_check_carries_4_points(half_done):
    trained = [t for t in half_done[2]["tests"] if "trained_model" in t["name"]]
    assert trained and all(t["max_score"] == 4 for t in trained)


def test_the_score_lines_are_printed(half_done):
    code, output, results = half_done
    assert f"Score {results['score']}/{results['max_score']}" in output
    assert "one_to_one" in output.split("score:")[-1]


def test_an_unknown_folder_is_a_usage_error_with_a_non_zero_exit(tmp_path):
    code, output, results = grade(tmp_path / "nowhere", tmp_path / "results.json")
    assert code == 4 and "no such folder" in output and results is None


@SLOW
def test_a_fingerprint_mismatch_is_an_error_naming_the_file(tmp_path):
    expected = kata_results.fingerprint(ROOT)
    expected["files"]["kata/checks/training.py"] = "0" * 64
    expected["sha256"] = "1" * 64
    (tmp_path / "expected.json").write_text(json.dumps(expected))
    code, output, results = grade(ROOT / "solutions", tmp_path / "results.json", ONE_EXERCISE[0],
                                  f"--expected-fingerprint={tmp_path / 'expected.json'}")
    assert code == 0, output
    assert results["status"] == "error" and "changed kata/checks/training.py" in results["message"]
    assert results["score"] == 0 and all(test["score"] == 0 for test in results["tests"])   # solutions, yet 0


@pytest.mark.parametrize("wrong", ['[1, 2]', '"text"', '{"sha256": 5}', '{"files": {}}', '{"sha256": "ab", "files": []}'])
def test_an_expected_fingerprint_of_the_wrong_type_is_one_line_and_exit_4(tmp_path, wrong):
    (tmp_path / "expected.json").write_text(wrong)
    code, output, results = grade(ROOT / "solutions", tmp_path / "results.json", ONE_EXERCISE[0],
                                  f"--expected-fingerprint={tmp_path / 'expected.json'}")
    assert code == 4 and "is not a fingerprint" in output and "Traceback" not in output, output


@pytest.mark.parametrize("seed", ["-1", "4294967296", "seven"])
def test_a_seed_outside_0_to_2_32_is_one_line_and_exit_4(tmp_path, seed):
    code, output, _ = grade(ROOT / "solutions", tmp_path / "results.json", ONE_EXERCISE[0], f"--kata-seed={seed}")
    assert code == 4 and f"--kata-seed={seed}" in output and "Traceback" not in output, output


def test_the_fingerprint_covers_the_graded_files():
    files = kata_results.fingerprint(ROOT)["files"]
    assert {"conftest.py", "tox.ini", "kata/checks/training.py", "kata/results.py", "requirements.txt",
            "requirements.lock", ".github/workflows/grade.yml"} <= set(files)
    assert not any(path.startswith(("exercises/", "solutions/", "instructor/")) for path in files)


def test_differences_name_changed_missing_and_added_files():
    expected = {"sha256": "a", "files": {"tox.ini": "1", "conftest.py": "2", "tests/a.py": "3"}}
    actual = {"sha256": "b", "files": {"tox.ini": "1", "conftest.py": "9", "tests/b.py": "4"}}
    assert kata_results.differences(expected, actual) == ["changed conftest.py", "missing tests/a.py",
                                                          "added tests/b.py"]


def test_a_digest_alone_still_detects_a_change():
    assert kata_results.differences(kata_results.load_expected("f" * 64), kata_results.fingerprint(ROOT))


def test_output_is_cut_at_500_characters():
    assert kata_results.truncated("x" * 501) == "x" * 500 + kata_results.TRUNCATED
    assert kata_results.truncated("x" * 500) == "x" * 500


def test_the_writers_own_file_round_trips(tmp_path):
    """A results file as the plugin writes it, from the untouched stubs (no TensorFlow is needed to
    read it; the plugin's run is the one subprocess here)."""
    out = tmp_path / "results.json"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--grade",
                    f"--results-json={out}", "tests/test_parameters.py"], cwd=ROOT, capture_output=True, timeout=300)
    text = out.read_text()
    assert json.dumps(Results.parse(json.loads(text)).to_json(), indent=2) + "\n" == text

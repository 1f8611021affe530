"""The author's and instructor's check of the graded suite itself: the solutions pass at several seeds,
and the untouched stubs fail every check (a check a stub passes gives free points)."""
import pytest

from instructor.tests.runs import ROOT, grade

SEEDS = (0, 7, 19)
SLOW = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def stubs(tmp_path_factory):
    return grade(ROOT / "exercises", tmp_path_factory.mktemp("stubs") / "results.json")


@SLOW
@pytest.mark.parametrize("seed", SEEDS)
def test_the_solutions_pass_every_check(tmp_path, seed):
    code, output, results = grade(ROOT / "solutions", tmp_path / "results.json", f"--kata-seed={seed}")
    failed = [t["name"] for t in results["tests"] if t["status"] != "pass"]
    assert code == 0 and results["status"] == "pass" and not failed, failed or output
    assert results["score"] == results["max_score"] > 0


@SLOW
def test_the_stubs_pass_no_check(stubs):
    code, output, results = stubs
    passed = [t["name"] for t in results["tests"] if t["status"] == "pass"]
    assert code == 0 and not passed, passed or output
    assert results["score"] == 0


@SLOW
def test_the_stubs_fail_every_check_the_solutions_have(stubs, tmp_path):
    _, _, solved = grade(ROOT / "solutions", tmp_path / "results.json", "--collect-only")
    assert {t["name"] for t in stubs[2]["tests"] if t["status"] == "fail"} == {t["name"] for t in solved["tests"]}

"""The author's and instructor's check of the graded suite itself: the solutions pass at several seeds,
and the untouched stubs fail every check (a check a stub passes gives free points)."""
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from selfcheck.runs import ROOT, grade

SEEDS = (0, 7, 19)
SLOW = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """{seed: (exit code, output, results)} of the solutions, graded at each seed, one process per core."""
    tmp = tmp_path_factory.mktemp("solved")
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        runs = pool.map(lambda seed: grade(ROOT / "solutions", tmp / f"{seed}.json", f"--kata-seed={seed}"), SEEDS)
        return dict(zip(SEEDS, runs))


@pytest.fixture(scope="module")
def stubs(tmp_path_factory):
    return grade(ROOT / "exercises", tmp_path_factory.mktemp("stubs") / "results.json")


@SLOW
@pytest.mark.parametrize("seed", SEEDS)
def test_the_solutions_pass_every_check(solved, seed):
    code, output, results = solved[seed]
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
def test_the_stubs_fail_every_check_the_solutions_have(stubs, solved):
    failed = {t["name"] for t in stubs[2]["tests"] if t["status"] == "fail"}
    assert failed == {t["name"] for t in solved[SEEDS[0]][2]["tests"]}

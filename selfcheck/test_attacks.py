"""The attack suite: a submission written to forge a grade gains nothing. Each attack in attacks.py is
graded beside its honest twin (the same answer without the attack), in a copy of the kata of its own:

- no exercise scores more than in the twin's grade, and the exercises the attack does not live in
  score exactly what the twin's do (a fault stays inside its exercise);
- no attack ends with status pass;
- results.json and junit.xml agree on every check;
- nothing the attack tried to plant outside its own folder exists afterwards.
"""
import json
import os
import shutil
import site
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .attacks import ATTACKS, PLANTED, ROOT, TWINS, source

KATA_FILES = ("conftest.py", "tox.ini", "kata", "tests", "exercises/hints")
QUIET_TF = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
SETTLE = 1.5       # seconds to wait after a run, so that anything it left behind has time to act


def kata_copy(into):
    into.mkdir(parents=True)
    for name in KATA_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, into / name)
    return into


def twin_source(attack):
    if attack.twin == "stub":
        return source("exercises", attack.module)
    if attack.twin == "solution":
        return source("solutions", attack.module)
    return TWINS[attack.twin]


def submission(folder, attack, hostile):
    """solutions/ with the attacked module replaced by the twin, or by the twin with the attack."""
    shutil.copytree(ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    honest = twin_source(attack)
    text = (attack.code + honest if attack.first else honest + attack.code) if hostile else honest
    (folder / f"{attack.module}.py").write_text(text)
    return folder


def grade(tmp, attack, hostile):
    """Grade the submission in its own kata copy: (results, {check: status} from junit.xml, kata copy)."""
    kata = kata_copy(tmp / "kata")
    folder = submission(tmp / "submission", attack, hostile)
    files = [f"tests/test_{name}.py" for name in dict.fromkeys((attack.module, *attack.exercises))]
    subprocess.run([sys.executable, "-m", "pytest", "-q", "--grade", f"--impl={folder}",
                    f"--results-json={tmp / 'results.json'}", f"--junitxml={tmp / 'junit.xml'}",
                    *attack.options, *files], cwd=kata, capture_output=True, text=True, timeout=300,
                   env={**os.environ, **QUIET_TF})
    time.sleep(SETTLE)
    results = json.loads((tmp / "results.json").read_text()) if (tmp / "results.json").is_file() else None
    junit = {}
    if (tmp / "junit.xml").is_file():
        for case in ET.parse(tmp / "junit.xml").iter("testcase"):
            name = case.get("classname").replace(".", "/") + ".py::" + case.get("name")
            junit[name] = "fail" if any(e.tag in ("failure", "error") for e in case) else "pass"
    return results, junit, kata


def by_exercise(results):
    table = {}
    for test in (results or {}).get("tests", []):
        table[test["exercise"]] = table.get(test["exercise"], 0) + test["score"]
    return table


def twin_key(attack):
    """Attacks with the same key have the same honest twin, graded the same way: it is graded once."""
    return attack.module, attack.twin, tuple(attack.exercises), tuple(attack.options)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{attack name: (attack grade, twin grade)}, graded two at a time, each distinct twin once."""
    def run(attack, hostile):
        tmp = tmp_path_factory.mktemp(f"{attack.name}-{'attack' if hostile else 'twin'}")
        return grade(tmp, attack, hostile)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        twins = {}
        for attack in ATTACKS:
            if twin_key(attack) not in twins:
                twins[twin_key(attack)] = pool.submit(run, attack, False)
        futures = {attack.name: (pool.submit(run, attack, True), twins[twin_key(attack)]) for attack in ATTACKS}
        yield {name: (mine.result(), twin.result()) for name, (mine, twin) in futures.items()}
    for folder in site.getsitepackages():
        Path(folder, f"{PLANTED}.pth").unlink(missing_ok=True)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.name)
def test_the_attack_gains_nothing(graded, attack):
    (results, junit, kata), (twin, twin_junit, _) = graded[attack.name]
    assert twin is not None and twin["status"] in ("pass", "fail"), f"the twin did not grade: {twin}"
    mine, theirs = by_exercise(results), by_exercise(twin)
    assert results is not None, "the attack's run left no results"
    for exercise, points in theirs.items():
        assert mine.get(exercise, 0) <= points, f"{exercise}: {mine.get(exercise)} points, its twin {points}"
        if exercise != attack.module:
            assert mine.get(exercise, 0) == points, f"{exercise} (not attacked): {mine.get(exercise)}, twin {points}"
    assert results["status"] != "pass"
    assert results["score"] <= twin["score"] and results["max_score"] == twin["max_score"]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.name)
def test_results_and_junit_agree(graded, attack):
    (results, junit, _), _ = graded[attack.name]
    statuses = {test["name"]: "pass" if test["status"] == "pass" else "fail" for test in results["tests"]}
    assert statuses == junit


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.name)
def test_nothing_is_planted_outside_the_submission(graded, attack):
    (_, _, kata), _ = graded[attack.name]
    planted = [path for path in attack.planted if (kata / path).exists()]
    planted += [folder for folder in site.getsitepackages() if Path(folder, f"{PLANTED}.pth").exists()]
    assert not planted, planted

"""The feedback teaches: every catalogued mistake fails a check whose message names its cause and its
fix, and every correct variant passes all the checks of its exercise.

Each folder is graded the way a learner's is, `pytest --impl=FOLDER tests/test_<exercise>.py`, in a
subprocess; the runs start together on a pool of one thread per core, and each test waits for its own.
"""
import os
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MISTAKES = ROOT / "instructor" / "mistakes"
VARIANTS = ROOT / "instructor" / "variants"
CATALOGUE = tomllib.loads((MISTAKES / "catalogue.toml").read_text())
TIME_LIMIT = 30          # seconds per check in the graded run, unless the entry says otherwise
QUIET_TF = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}


@dataclass
class Graded:
    """One graded run: each check's message if it failed, None if it passed."""
    checks: dict
    output: str

    @property
    def failures(self):
        return {name: message for name, message in self.checks.items() if message is not None}


def grade(folder, exercise, tmp, time_limit=TIME_LIMIT):
    xml = tmp / f"{folder.name}-{exercise}.xml"
    command = [sys.executable, "-m", "pytest", f"--impl={folder}", f"tests/test_{exercise}.py",
               f"--junitxml={xml}", f"--timeout={time_limit}", "-q"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **QUIET_TF}, timeout=600)
    if not xml.is_file():
        return Graded({}, done.stdout + done.stderr)
    checks = {}
    for case in ET.parse(xml).iter("testcase"):
        problems = case.findall("failure") + case.findall("error")
        checks[case.get("name")] = "\n".join(p.text or p.get("message", "") for p in problems) or None
    return Graded(checks, done.stdout + done.stderr)


def modules_of(folder):
    return sorted(path.stem for path in folder.glob("*.py"))


VARIANT_RUNS = [(folder, exercise) for folder in sorted(VARIANTS.iterdir()) if folder.is_dir()
                for exercise in modules_of(folder)]


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    """Every graded run, started at once on the pool; runs[key].result() waits for that one."""
    tmp = tmp_path_factory.mktemp("graded")
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        futures = {slug: pool.submit(grade, MISTAKES / slug, entry["exercise"], tmp,
                                     entry.get("time_limit", TIME_LIMIT))
                   for slug, entry in sorted(CATALOGUE.items())}
        futures.update({(folder.name, exercise): pool.submit(grade, folder, exercise, tmp)
                        for folder, exercise in VARIANT_RUNS})
        yield futures


def test_catalogue_lists_every_mistake_folder():
    folders = {path.name for path in MISTAKES.iterdir() if path.is_dir() and not path.name.startswith("_")}
    assert folders == set(CATALOGUE), (f"folders without an entry: {sorted(folders - set(CATALOGUE))}; "
                                       f"entries without a folder: {sorted(set(CATALOGUE) - folders)}")


@pytest.mark.parametrize("slug", sorted(CATALOGUE))
def test_mistake_fails_with_a_message_naming_cause_and_fix(runs, slug):
    entry = CATALOGUE[slug]
    graded = runs[slug].result()
    assert graded.failures, f"{slug}: no check fails ({entry['mistake']})\n{graded.output[-3000:]}"
    naming = [name for name, message in graded.failures.items()
              if all(word in message for word in entry["words"])]
    first = next(iter(graded.failures.items()))
    assert naming, (f"{slug}: no failing check says all of {entry['words']}.\n"
                    f"failing: {sorted(graded.failures)}\nfirst, {first[0]}:\n{first[1]}")


@pytest.mark.parametrize("folder, exercise", VARIANT_RUNS, ids=lambda v: getattr(v, "name", v))
def test_correct_variant_passes_every_check(runs, folder, exercise):
    graded = runs[(folder.name, exercise)].result()
    assert graded.checks, f"{folder.name}: no check ran\n{graded.output[-3000:]}"
    assert not graded.failures, "\n\n".join(f"{name}:\n{message}" for name, message in graded.failures.items())


def test_a_broken_file_leaves_the_other_exercises_graded(tmp_path):
    """A SyntaxError in one_to_one.py fails one_to_one's checks in two lines; the others are graded as usual."""
    for module in (ROOT / "solutions").glob("*.py"):
        (tmp_path / module.name).write_text(module.read_text())
    (tmp_path / "one_to_one.py").write_text((MISTAKES / "one-to-one-syntax-error" / "one_to_one.py").read_text())
    xml = tmp_path / "all.xml"
    subprocess.run([sys.executable, "-m", "pytest", f"--impl={tmp_path}", f"--junitxml={xml}", "-q"],
                   cwd=ROOT, capture_output=True, env={**os.environ, **QUIET_TF}, timeout=600)
    cases = list(ET.parse(xml).iter("testcase"))
    broken = [c for c in cases if "test_one_to_one" in c.get("classname")]
    others = [c for c in cases if "test_one_to_one" not in c.get("classname")]
    messages = {(c.find("failure").text or "").strip() for c in broken if c.find("failure") is not None}
    assert len(messages) == 1 and len(broken) == sum(c.find("failure") is not None for c in broken)
    message = messages.pop()
    assert "one_to_one.py line 6: SyntaxError" in message and len(message.splitlines()) == 2, message
    assert others and not [c.get("name") for c in others if c.find("failure") is not None or c.find("error") is not None]

"""The feedback teaches: every catalogued mistake fails a check whose message names its cause and its
fix, the fix (where it is a mechanical edit, the entry's `fix`) applied literally makes those checks
pass, and every correct variant passes all the checks of its exercise.

Each folder is graded the way a learner's is, `pytest --impl=FOLDER tests/test_<exercise>.py ...`, in
a subprocess. A mistake is one module, so mistakes of different exercises share a run, as a learner's
folder holds one module per exercise: each run pays for one start of pytest and TensorFlow, not six.
The runs start together on a pool of one thread per core, and each test waits for its own.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:     # Python 3.10: requirements.txt installs tomli, the library tomllib came from
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
MISTAKES = ROOT / "selfcheck" / "mistakes"
VARIANTS = ROOT / "selfcheck" / "variants"
CATALOGUE = tomllib.loads((MISTAKES / "catalogue.toml").read_text())
TIME_LIMIT = 30          # seconds per check in the graded run, unless the entry says otherwise
QUIET_TF = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}


@dataclass
class Graded:
    """One graded run: {(exercise, check): its message if it failed, None if it passed}."""
    checks: dict
    output: str

    def failures(self, exercise):
        return {check: message for (graded, check), message in self.checks.items()
                if graded == exercise and message is not None}

    def ran(self, exercise):
        return [check for graded, check in self.checks if graded == exercise]


def grade(folder, exercises, xml, time_limit=TIME_LIMIT):
    """pytest --impl=folder on the exercises' test files, as a learner would run it."""
    command = [sys.executable, "-m", "pytest", f"--impl={folder}", f"--junitxml={xml}",
               f"--time-limit={time_limit}", "-q"] + [f"tests/test_{exercise}.py" for exercise in exercises]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **QUIET_TF}, timeout=600)
    if not xml.is_file():
        return Graded({}, done.stdout + done.stderr)
    checks = {}
    for case in ET.parse(xml).iter("testcase"):
        exercise = case.get("classname").rsplit(".test_", 1)[-1]
        problems = case.findall("failure") + case.findall("error")
        checks[exercise, case.get("name")] = "\n".join(p.text or p.get("message", "") for p in problems) or None
    return Graded(checks, done.stdout + done.stderr)


def modules_of(folder):
    return sorted(path.stem for path in folder.glob("*.py"))


VARIANT_FOLDERS = sorted(folder for folder in VARIANTS.iterdir() if folder.is_dir())
VARIANT_RUNS = [(folder, exercise) for folder in VARIANT_FOLDERS for exercise in modules_of(folder)]
BROKEN, STILL_GRADED = "one_to_one", ["many_to_one", "many_to_many"]


def solutions_with_broken_file(folder):
    """solutions/ copied to folder, with one_to_one.py replaced by the catalogue's SyntaxError."""
    for module in (ROOT / "solutions").glob("*.py"):
        (folder / module.name).write_text(module.read_text())
    (folder / f"{BROKEN}.py").write_text((MISTAKES / "one-to-one-syntax-error" / f"{BROKEN}.py").read_text())
    return folder


FIXED = " fixed"     # the key of a mistake's run with its fix applied: "<slug> fixed"
FIXES = sorted(slug for slug, entry in CATALOGUE.items() if "fix" in entry)


def source_of(key):
    """The module a key grades: a mistake's as it is, or with its entry's fix applied ("<slug> fixed"):
    each [old, new] in turn, old replaced where it occurs (exactly once: a fix that matches nothing
    or twice is a defect)."""
    slug = key.removesuffix(FIXED)
    source = (MISTAKES / slug / f"{CATALOGUE[slug]['exercise']}.py").read_text()
    for old, new in CATALOGUE[slug]["fix"] if key.endswith(FIXED) else []:
        assert source.count(old) == 1, f"{slug}: the fix's {old!r} occurs {source.count(old)} times"
        source = source.replace(old, new)
    return source


@dataclass
class Module:
    """A graded run's key whose whole answer is one module: a mistake, or a mistake with its fix."""
    key: str
    exercise: str
    time_limit: int


def catalogue_modules(wanted):
    keys = sorted(CATALOGUE) + [slug + FIXED for slug in FIXES]
    return [Module(key, CATALOGUE[slug]["exercise"], CATALOGUE[slug].get("time_limit", TIME_LIMIT))
            for key in keys if key in wanted for slug in [key.removesuffix(FIXED)]]


def shared_runs(modules):
    """The modules grouped into runs, [{exercise: Module}]: each run's folder holds at most one
    module per exercise, and only modules of one time limit (first fit, in the order given)."""
    runs = []
    for module in modules:
        run = next((run for run in runs if module.exercise not in run
                    and next(iter(run.values())).time_limit == module.time_limit), None)
        if run is None:
            runs.append(run := {})
        run[module.exercise] = module
    return runs


def run_keys(item):
    """Which graded runs a selected test reads: a mistake's slug (and its fixed run), a variant's
    folder, or "broken file"."""
    params = item.callspec.params if hasattr(item, "callspec") else {}
    if "slug" in params:
        return {params["slug"], params["slug"] + FIXED} if "fix_applied" in item.name else {params["slug"]}
    if "folder" in params:
        return {params["folder"].name}
    return {"broken file"} if "broken_file" in item.name else set()


@pytest.fixture(scope="session")
def runs(request, tmp_path_factory):
    """The graded runs the selected tests read, started at once on the pool; runs[key].result() waits.
    Keys of one shared run wait on the same future, and each test reads only its exercise's checks."""
    wanted = set().union(*(run_keys(item) for item in request.session.items))
    tmp = tmp_path_factory.mktemp("graded")
    jobs = []       # ([keys], folder, exercises, time limit)
    for number, run in enumerate(shared_runs(catalogue_modules(wanted))):
        folder = tmp / f"run-{number}"
        folder.mkdir()
        for exercise, module in run.items():
            (folder / f"{exercise}.py").write_text(source_of(module.key))
        jobs.append(([module.key for module in run.values()], folder, sorted(run), next(iter(run.values())).time_limit))
    jobs += [([folder.name], folder, modules_of(folder), TIME_LIMIT) for folder in VARIANT_FOLDERS if folder.name in wanted]
    if "broken file" in wanted:
        jobs.append((["broken file"], solutions_with_broken_file(tmp_path_factory.mktemp("broken")),
                     [BROKEN] + STILL_GRADED, TIME_LIMIT))
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        futures = {}
        for number, (keys, folder, exercises, time_limit) in enumerate(jobs):
            future = pool.submit(grade, folder, exercises, tmp / f"{number}.xml", time_limit)
            futures.update({key: future for key in keys})
        yield futures


def graded_runs():
    """How many graded runs the whole file makes: shared runs, variants, the broken file."""
    every = set(CATALOGUE) | {slug + FIXED for slug in FIXES}
    return len(shared_runs(catalogue_modules(every))) + len(VARIANT_FOLDERS) + 1


def test_catalogue_lists_every_mistake_folder():
    folders = {path.name for path in MISTAKES.iterdir() if path.is_dir() and not path.name.startswith("_")}
    assert folders == set(CATALOGUE), (f"folders without an entry: {sorted(folders - set(CATALOGUE))}; "
                                       f"entries without a folder: {sorted(set(CATALOGUE) - folders)}")


@pytest.mark.parametrize("slug", sorted(CATALOGUE))
def test_mistake_fails_with_a_message_naming_cause_and_fix(runs, slug):
    entry = CATALOGUE[slug]
    failures = runs[slug].result().failures(entry["exercise"])
    assert failures, f"{slug}: no check fails ({entry['mistake']})\n{runs[slug].result().output[-3000:]}"
    naming = naming_checks(entry, failures)
    first = next(iter(failures.items()))
    assert naming, (f"{slug}: no failing check says all of {entry['words']}.\n"
                    f"failing: {sorted(failures)}\nfirst, {first[0]}:\n{first[1]}")


def naming_checks(entry, failures):
    """The failing checks whose message says every one of the entry's words."""
    return [check for check, message in failures.items() if all(word in message for word in entry["words"])]


@pytest.mark.parametrize("slug", FIXES)
def test_catalogue_fix_is_what_the_message_says(slug):
    """A fix carries out the message's change: its `said` (what the message says to write, or to remove)
    is part of an edit."""
    entry = CATALOGUE[slug]
    assert isinstance(entry.get("said"), str) and entry["said"], f"{slug}: a fix needs `said`"
    assert any(entry["said"] in new or entry["said"] in old and entry["said"] not in new for old, new in entry["fix"]), \
        f"{slug}: no edit writes (or removes) {entry['said']!r}"


@pytest.mark.parametrize("slug", FIXES)
def test_fix_applied_literally_passes_the_checks_it_failed(runs, slug):
    """The message's change, made as it is written, passes every check that named the mistake."""
    entry = CATALOGUE[slug]
    failures = runs[slug].result().failures(entry["exercise"])
    naming = [check for check in naming_checks(entry, failures) if entry["said"] in failures[check]]
    assert naming, f"{slug}: no failing check names the mistake and says {entry['said']!r}"
    fixed = runs[slug + FIXED].result()
    assert fixed.ran(entry["exercise"]), f"{slug} fixed: no check ran\n{fixed.output[-3000:]}"
    still = {check: message for check, message in fixed.failures(entry["exercise"]).items() if check in naming}
    assert not still, f"{slug}: with {entry['fix']} applied, these still fail:\n" + "\n\n".join(
        f"{check}:\n{message}" for check, message in still.items())


@pytest.mark.parametrize("folder, exercise", VARIANT_RUNS, ids=lambda v: getattr(v, "name", v))
def test_correct_variant_passes_every_check(runs, folder, exercise):
    graded = runs[folder.name].result()
    assert graded.ran(exercise), f"{folder.name}: no check of {exercise} ran\n{graded.output[-3000:]}"
    failures = graded.failures(exercise)
    assert not failures, "\n\n".join(f"{check}:\n{message}" for check, message in failures.items())


def test_a_broken_file_fails_its_exercise_in_two_lines(runs):
    graded = runs["broken file"].result()
    messages = set(graded.failures(BROKEN).values())
    assert len(graded.failures(BROKEN)) == len(graded.ran(BROKEN)) > 0, "some one_to_one check passed"
    assert len(messages) == 1, messages
    message = messages.pop()
    assert f"{BROKEN}.py line 6: SyntaxError" in message and len(message.splitlines()) == 2, message


@pytest.mark.parametrize("exercise", STILL_GRADED)
def test_a_broken_file_leaves_the_other_exercises_graded(runs, exercise):
    graded = runs["broken file"].result()
    assert graded.ran(exercise) and not graded.failures(exercise), graded.failures(exercise)


def test_the_docs_count_what_the_catalogue_holds():
    """The figures for the catalogue in docs/contributing.md are the files' own: a mistake or variant
    added without its sentence, or a sentence left behind, fails here."""
    docs = " ".join((ROOT / "docs/contributing.md").read_text().split())
    sourced = sum("source" in entry for entry in CATALOGUE.values())
    for sentence in (f"holds {len(CATALOGUE)} realistic learner mistakes",
                     f"{sourced} of them taken from public code",
                     f"{len(FIXES)} of them have a mechanical `fix`",
                     f"holds {len(VARIANT_FOLDERS)} correct solutions in other styles ({len(VARIANT_RUNS)} modules)",
                     f"({graded_runs()} graded runs"):
        assert sentence in docs, f"docs/contributing.md does not say {sentence!r}"

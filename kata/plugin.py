"""The kata's pytest plugin: choose the folder to grade, start the workers that run the learner's code
(kata/backend.py chooses the fork server or spawned workers), hand the checks their answers, turn
failures into plain sentences, and end every run with a progress table. This process never imports
or calls the learner's code.
"""
import argparse
import atexit
import gc
import shutil
from pathlib import Path

import pytest

from . import backend, report
from .answers import Kata
from .feedback import Failed, Kind
from .registry import BY_NAME
from .report import CATEGORIES
from .results import FINGERPRINT_VARIABLE, ResultsWriter
from .training_cache import TrainingCache

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEED = 0
LEARNER_TIME_LIMIT = 10     # seconds a call of the learner's code may run in a learner's run
GRADING_TIME_LIMIT = 60     # ... and in a grading run (--grade)
SEEDS = range(2**32)
MB = 2**20
LIMITS = {"network": False, "memory_bytes": 4096 * MB, "processes": 64, "file_bytes": 64 * MB,
          "disk_bytes": 256 * MB}
BOXES = {   # --sandbox: what the learner's code may touch (kata/sandbox.py enforces it)
    "local": {**LIMITS, "readable": None},   # reads anything the user may; writes only its own folder
    "class": {**LIMITS, "readable": []},     # reads only the graded folder and Python: for the gradebook
    "off": None,                             # for debugging the kata itself: nothing is enforced
}
# Python's last garbage collections at exit walk every TensorFlow object: 0.6-0.7 s of a learner's
# few-second run. Frozen objects are skipped; files and output are still flushed and closed.
atexit.register(gc.freeze)
KATA = pytest.StashKey()
OUTCOMES = pytest.StashKey()
PRINTED = pytest.StashKey()    # {call: [answer, shown]}: each call's own output is shown once


def seed(text):
    value = int(text)
    if value not in SEEDS:
        raise ValueError(text)
    return value


def positive(text):
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


def pytest_addoption(parser):
    group = parser.getgroup("kata")
    group.addoption("--impl", default="exercises",
                    help="folder to grade: exercises (default), or the path of any folder with the exercises' modules")
    group.addoption("--kata-seed", default=str(DEFAULT_SEED),
                    help=f"seed for weight initialisation and training, 0 to 2**32-1 (default {DEFAULT_SEED})")
    group.addoption("--results-json", metavar="PATH", help="also write machine-readable results to PATH")
    group.addoption("--grade", action="store_true",
                    help="grading run: print the score; exit 0 whenever grading completes, pass or fail")
    group.addoption("--expected-fingerprint", metavar="SHA256|JSON|PATH",
                    help=f"the graded files' expected fingerprint (or ${FINGERPRINT_VARIABLE}); "
                         "a mismatch makes the results an error naming the files")
    group.addoption("--hints", nargs="?", const="more", choices=("more", "all"),
                    help="--hints: the next hint not yet shown for the exercise you are on, each time you ask (those "
                         "that give the code last, announced first); --hints=all: all of them")
    group.addoption("--kata-progress", metavar="PATH", help=argparse.SUPPRESS)   # watch mode: the rows of earlier rounds
    group.addoption("--sandbox", choices=sorted(BOXES), default=None,
                    help="local (default): the learner's code writes only its own temporary folder, with no "
                         "network and no other processes in sight; class (the default with --grade, where "
                         "the workers are fork workers): it also reads only the graded folder and Python, "
                         "so no other folder of the checkout, nor the tests; off: nothing enforced")
    group.addoption("--workers", default=backend.default_choice(), metavar="auto|fork|spawn",
                    help="what runs your code: fork (a fork server, Linux; boxed), spawn (fresh Python "
                         f"processes, every OS; not boxed) or auto (default, or ${backend.VARIABLE}): fork "
                         "where os.fork and os.pidfd_open exist, else spawn")
    group.addoption("--training-cache", metavar="FOLDER",
                    help="keep trained models' predictions in FOLDER for later runs to reuse (the gradebook "
                         "shares one across a class); only the grader reads it, never the learner's code")
    group.addoption("--time-limit", metavar="SECONDS",
                    help=f"seconds one call of the learner's code may run (default {LEARNER_TIME_LIMIT}, "
                         f"or {GRADING_TIME_LIMIT} with --grade)")


def option(config, name, parse, hint):
    text = config.getoption(name)
    try:
        return parse(text)
    except (TypeError, ValueError):
        raise pytest.UsageError(f"{name}={text}: {hint}") from None


def pytest_configure(config):
    from .quiet import first_op_quietly, import_tensorflow
    config.addinivalue_line("markers", "points(n): points a check is worth (default 1)")
    chosen_seed = option(config, "--kata-seed", seed, "give a whole number from 0 to 4294967295.")
    default_limit = GRADING_TIME_LIMIT if config.getoption("--grade") else LEARNER_TIME_LIMIT
    time_limit = option(config, "--time-limit", lambda t: positive(t or default_limit),
                        "give a number of seconds above 0.")
    impl = config.getoption("--impl")
    folder = Path(impl) if Path(impl).is_dir() or "/" in impl else ROOT / impl
    if not folder.is_dir():
        raise pytest.UsageError(f"--impl={impl}: no such folder. Give exercises, or the path of a folder.")
    try:
        workers = backend.choose(config.getoption("--workers"))
    except ValueError as error:
        raise pytest.UsageError(f"--workers={config.getoption('--workers')}: {error}") from None
    sandbox = sandbox_of(config, workers)
    box = BOXES[sandbox]
    if workers == "spawn" and sandbox == "class":
        raise pytest.UsageError("--sandbox=class needs the fork workers (--workers=fork, on Linux): "
                                "spawned workers are not boxed.")
    server = start_spawned(grades(config)) if workers == "spawn" else start_fork_server(grades(config))
    tf, _ = import_tensorflow()                  # the workers import TensorFlow while this does
    tf.config.experimental.enable_op_determinism()
    tf.random.set_seed(chosen_seed)
    first_op_quietly()
    label = impl if not folder.resolve().is_relative_to(ROOT) else str(folder.resolve().relative_to(ROOT))
    cache = config.getoption("--training-cache")
    config.stash[KATA] = Kata(folder, label, chosen_seed, server, time_limit, box if workers == "fork" else None,
                              TrainingCache(cache) if cache else None)
    config.stash[KATA].echo = config.getoption("capture") == "no"
    config.stash[OUTCOMES] = []
    config.stash[PRINTED] = {}
    if config.getoption("--results-json") or config.getoption("--grade"):
        config.pluginmanager.register(ResultsWriter(config, config.stash[KATA], config.stash[OUTCOMES],
                                                   sandbox if workers == "fork" else "none"),
                                      "kata-results")


def sandbox_of(config, workers):
    """--sandbox, else class for a grading run (one student's folder graded from an instructor's
    checkout must not read the rest of the checkout or the tests) where the workers can be boxed, else local."""
    return config.getoption("--sandbox") or ("class" if config.getoption("--grade") and workers == "fork" else "local")


def grades(config):
    """Whether the session is likely to grade: it runs graded test files (tests/), not only others."""
    here = config.invocation_params.dir
    return any(Path(here, arg.split("::")[0]).resolve().is_relative_to(ROOT / "tests") for arg in config.args)


def start_fork_server(now):
    """The fork server: one made for this session before it began (kata/forkserver.py's PREMADE),
    else a fresh one, started now if the session grades, else at its first job."""
    from .forkserver import PREMADE, ForkServer
    return PREMADE.pop() if PREMADE else ForkServer.started(backend.workers_for_this_machine(), now)


def start_spawned(now):
    """The spawned workers: a pool kept by this process across sessions (watch mode's), else a new
    one, started now if the session grades, else at its first job."""
    from .spawnpool import SHARED, SpawnPool
    return SHARED[0] if SHARED else SpawnPool(backend.workers_for_this_machine(), start=now)


def pytest_unconfigure(config):
    from .spawnpool import SHARED
    kata = config.stash.get(KATA, None)
    if kata is not None:
        if kata.server not in SHARED:
            kata.server.close()
        shutil.rmtree(kata.work, ignore_errors=True)


def kata_of(config):
    return config.stash[KATA]


def outcomes_of(config):
    return config.stash[OUTCOMES]


@pytest.fixture
def kata(request):
    return kata_of(request.config)


@pytest.fixture
def exercise(request):
    """The exercise a test file grades: the registry entry its EXERCISE names."""
    return BY_NAME[request.module.EXERCISE]


def pytest_collection_modifyitems(config, items):
    """Exercises in the README's order. The time limit is on each call of the learner's code, in the
    workers, so pytest-timeout does not interrupt a check while it waits for an answer."""
    items.sort(key=report.exercise_rank)
    for item in items:
        if report.graded(item):
            item.add_marker(pytest.mark.timeout(0))


def pytest_collection_finish(session):
    """Ask the workers for every answer the collected checks need, in the order they will be read."""
    if KATA not in session.config.stash:
        return
    kata = kata_of(session.config)
    for name in dict.fromkeys(report.exercise_of(item) for item in session.items if report.graded(item)):
        kata.ask(BY_NAME[name])


def pytest_runtest_setup(item):
    if KATA in item.config.stash:
        kata_of(item.config).consulted = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    graded = report.graded(item)
    if call.excinfo is not None and call.when == "call":
        error = call.excinfo.value
        traceback_wanted = item.config.option.verbose > 0 or not graded
        rep.longrepr = report.failure_text(error, traceback_wanted) or rep.longrepr
        rep.kata_kind = getattr(error, "kind", Kind.FAILED)
        if isinstance(error, Failed):
            rep.kata_feedback = error.feedback
            rep.sections = [s for s in rep.sections if "stderr" not in s[0]]
    if graded and call.when == "call":
        rep.kata_output = report.printed(kata_of(item.config).consulted)     # the results' output of this check
    if graded and (rep.when == "call" or not rep.passed):
        outcomes = outcomes_of(item.config)
        outcomes.append(report.Outcome.of(item, rep))
        report.fold(rep, outcomes, item.config.option.verbose > 0)
    if graded and call.when == "call":
        kata = kata_of(item.config)
        report.show_output(rep, kata.consulted, item.config.stash[PRINTED], kata.echo)
    return rep


def pytest_report_teststatus(report):
    return CATEGORIES.get(getattr(report, "kata_kind", None))


def pytest_terminal_summary(terminalreporter, config):
    if KATA in config.stash:
        report.summarise(terminalreporter, config, kata_of(config), outcomes_of(config), config.stash[PRINTED])

"""The kata's pytest plugin: choose the folder to grade, start the workers that run the learner's code
(kata/backend.py chooses the fork server or spawned workers), hand the checks their answers, turn
failures into plain sentences, and end every run with a progress table. This process never imports
or calls the learner's code.
"""
import atexit
import gc
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import backend, report
from .answers import Kata
from .feedback import Failed, Kind
from .registry import BY_NAME
from .report import CATEGORIES, Outcome, Verdict
from .results import ResultsWriter
from .settings import ROOT, Settings, add_options
from .training_cache import TrainingCache

# Python's last garbage collections at exit walk every TensorFlow object: 0.6-0.7 s of a learner's
# few-second run. Frozen objects are skipped; files and output are still flushed and closed.
atexit.register(gc.freeze)


@dataclass
class Run:
    """One session's state, kept in config.stash[RUN]: nothing is added to pytest's own objects."""
    settings: Settings
    kata: Kata
    outcomes: list = field(default_factory=list)      # [Outcome], one per graded check's report
    printed: dict = field(default_factory=dict)       # {call: [answer, shown]}: each call's own output shown once
    verdicts: dict = field(default_factory=dict)      # {nodeid: Verdict} of each graded check's call
    tables: set = field(default_factory=set)          # the feedback Tables shown in full so far


RUN = pytest.StashKey[Run]()
KATA = pytest.StashKey[Kata]()      # the session's Kata, for the self-check's fixtures that borrow its workers


def pytest_addoption(parser):
    add_options(parser)


def pytest_configure(config):
    from .quiet import first_op_quietly, import_tensorflow
    config.addinivalue_line("markers", "points(n): points a check is worth (default 1)")
    settings = Settings.of(config)
    server = (start_spawned if settings.workers == "spawn" else start_fork_server)(grades(config))
    tf, _ = import_tensorflow()                  # the workers import TensorFlow while this does
    tf.config.experimental.enable_op_determinism()
    tf.random.set_seed(settings.seed)
    first_op_quietly()
    kata = Kata(settings.folder, settings.label, settings.seed, server, settings.time_limit, settings.box,
                TrainingCache(settings.training_cache) if settings.training_cache else None, echo=settings.echo)
    config.stash[RUN] = run = Run(settings, kata)
    config.stash[KATA] = kata
    if settings.results_json or settings.grade:
        config.pluginmanager.register(ResultsWriter(settings, kata, run.outcomes), "kata-results")


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
    run = config.stash.get(RUN, None)
    if run is not None:
        if run.kata.server not in SHARED:
            run.kata.server.close()
        shutil.rmtree(run.kata.work, ignore_errors=True)


@pytest.fixture
def kata(request):
    return request.config.stash[RUN].kata


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
    run = session.config.stash.get(RUN, None)
    if run is None:
        return
    for name in dict.fromkeys(report.exercise_of(item) for item in session.items if report.graded(item)):
        run.kata.ask(BY_NAME[name])


def pytest_runtest_setup(item):
    run = item.config.stash.get(RUN, None)
    if run is not None:
        run.kata.new_check()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    graded = report.graded(item)
    run = item.config.stash.get(RUN, None)
    verdict = Verdict()
    if call.excinfo is not None and call.when == "call":
        error = call.excinfo.value
        traceback_wanted = item.config.option.verbose > 0 or not graded
        rep.longrepr = report.failure_text(error, traceback_wanted, run.tables if run else None) or rep.longrepr
        verdict.kind = getattr(error, "kind", Kind.FAILED)
        if isinstance(error, Failed):
            verdict.feedback = error.feedback
            rep.sections = [s for s in rep.sections if "stderr" not in s[0]]
    if graded and call.when == "call":
        verdict.output = report.printed(run.kata.consulted)     # the results' output of this check
        verdict.functions = tuple(dict.fromkeys(answer.function for answer in run.kata.consulted))
    if graded and (rep.when == "call" or not rep.passed):
        run.outcomes.append(Outcome.of(item, rep, verdict))
        report.fold(verdict, run.outcomes, item.config.option.verbose > 0)
    if graded and call.when == "call":
        report.show_output(rep, verdict, run.kata.consulted, run.printed, run.kata.echo)
    if run is not None and call.when == "call":
        run.verdicts[rep.nodeid] = verdict
    return rep


def pytest_report_teststatus(report, config):
    run = config.stash.get(RUN, None)
    if run is not None and report.when == "call" and report.nodeid in run.verdicts:
        return CATEGORIES.get(run.verdicts[report.nodeid].kind)
    return None


def pytest_terminal_summary(terminalreporter, config):
    run = config.stash.get(RUN, None)
    if run is not None:
        report.summarise(terminalreporter, run.settings, run.kata, run.outcomes, run.printed)

"""The kata's pytest hooks: choose the folder to grade, import TensorFlow quietly, seed training,
turn failures into plain sentences, and end every run with a progress table."""
from pathlib import Path

import pytest

from tests.support.quiet import import_tensorflow, preflight_or_exit

preflight_or_exit()  # before anything below imports numpy or TensorFlow

from tests.support import report  # noqa: E402
from tests.support.report import CATEGORIES  # noqa: E402
from tests.support.implementation import Implementation, Problem  # noqa: E402
from tests.support.kata import Kata  # noqa: E402
from tests.support.results import FINGERPRINT_VARIABLE, ResultsWriter  # noqa: E402

ROOT = Path(__file__).parent
DEFAULT_SEED = 0
TIME_LIMIT = 60  # seconds per check; the slowest, training, takes about 1 s


def pytest_addoption(parser):
    group = parser.getgroup("kata")
    group.addoption("--impl", default="exercises",
                    help="folder to grade: exercises (default), solutions, or any path that keeps the contract")
    group.addoption("--kata-seed", type=int, default=DEFAULT_SEED,
                    help=f"seed for weight initialisation and training (default {DEFAULT_SEED})")
    group.addoption("--results-json", metavar="PATH", help="also write machine-readable results to PATH")
    group.addoption("--grade", action="store_true",
                    help="grading run: print the score; exit 0 whenever grading completes, pass or fail")
    group.addoption("--expected-fingerprint", metavar="SHA256|JSON|PATH",
                    help=f"the graded files' expected fingerprint (or ${FINGERPRINT_VARIABLE}); "
                         "a mismatch makes the results an error naming the files")
    group.addoption("--hints", action="store_true", help="show every hint of the unfinished exercises")


def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): points a check is worth (default 1)")
    impl = config.getoption("--impl")
    folder = Path(impl) if Path(impl).is_dir() or "/" in impl else ROOT / impl
    if not folder.is_dir():
        raise pytest.UsageError(f"--impl={impl}: no such folder. Give exercises, solutions or a path.")
    tf, _ = import_tensorflow()
    tf.config.experimental.enable_op_determinism()
    tf.random.set_seed(config.getoption("--kata-seed"))  # determinism needs a seed, even for a learner's own fit()
    label = impl if not folder.is_relative_to(ROOT) else str(folder.relative_to(ROOT))
    config.kata = Kata(Implementation(folder, label), config.getoption("--kata-seed"))
    config.kata_outcomes = []
    if config.getoption("--results-json") or config.getoption("--grade"):
        config.pluginmanager.register(ResultsWriter(config), "kata-results")


@pytest.fixture
def kata(request):
    return request.config.kata


@pytest.fixture
def exercise(request):
    """The exercise a test file grades: its module-level EXERCISE."""
    return request.module.EXERCISE


def pytest_collection_modifyitems(config, items):
    """Exercises in the README's order; a time limit on every check (pytest's --timeout, or TIME_LIMIT),
    so an endless loop cannot stall grading."""
    items.sort(key=report.exercise_rank)
    for item in items:
        item.add_marker(pytest.mark.timeout(config.getoption("timeout", None) or TIME_LIMIT))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    graded = hasattr(item.module, "EXERCISE")
    if call.excinfo is not None and call.when == "call":
        error = call.excinfo.value
        traceback_wanted = item.config.option.verbose > 0 or not graded
        rep.longrepr = report.failure_text(error, traceback_wanted) or rep.longrepr
        rep.kata_kind = getattr(error, "kind", "failed")
        if isinstance(error, Problem):
            rep.sections = [s for s in rep.sections if "stderr" not in s[0]]
    if graded and (rep.when == "call" or not rep.passed):
        outcomes = item.config.kata_outcomes
        outcomes.append(report.Outcome.of(item, rep))
        report.fold(rep, outcomes, item.config.option.verbose > 0)
    return rep


def pytest_report_teststatus(report):
    return CATEGORIES.get(getattr(report, "kata_kind", None))


def pytest_terminal_summary(terminalreporter, config):
    report.summarise(terminalreporter, config)

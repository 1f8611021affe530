"""The unit tests stay fast and pure: a test that imports TensorFlow or Keras fails, and so does a
run of these tests alone (pytest selfcheck/unit) that ends with either in sys.modules, whoever
imported it (a module of the grader imported at collection, a fixture, a helper).

pytest selfcheck/unit runs without the kata's plugin (see pytest.ini here). In the whole self-check
the plugin has imported TensorFlow before any test, so there only each test is held to it."""
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
HEAVY = ("tensorflow", "keras")


def heavy_modules():
    return [name for name in HEAVY if name in sys.modules]


@pytest.fixture(autouse=True)
def imports_no_tensorflow(request):
    before = heavy_modules()
    yield
    imported = [name for name in heavy_modules() if name not in before]
    if imported:
        pytest.fail(f"{request.node.nodeid} imported {', '.join(imported)}: a unit test must not "
                    "(move it beside the self-check's other tests, in selfcheck/)", pytrace=False)


def only_unit_tests(session):
    """Every test collected is in this folder, and the kata's plugin (which imports TensorFlow) is not loaded."""
    return (not session.config.pluginmanager.has_plugin("kata.plugin")
            and all(HERE in Path(str(item.path)).resolve().parents for item in session.items))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    imported = heavy_modules()
    if imported and only_unit_tests(session):
        session.config.get_terminal_writer().line()
        session.config.get_terminal_writer().line(
            f"selfcheck/unit: {', '.join(imported)} imported during the unit tests (by a module they import, "
            "at collection or in a fixture): they must run without TensorFlow", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

"""An import that never ends costs one time limit per module, not one per function: after the first
job of a module stops while importing it, both worker backends answer the module's other jobs as
timed out without running them (kata/progress.py's HungImports), and the learner reads the same
message under every check. A module saved since is imported again.

The mechanism, not a stopwatch: the module counts its own imports in a file, which only an unboxed
run (--sandbox=off) lets it write."""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COUNTS_ITS_IMPORTS = "with open({log!r}, 'a') as log:\n    log.write('imported\\n')\nwhile True:\n    pass\n"


def graded(folder, workers, junit):
    """The run's output, and {check: its failure message} from its JUnit XML."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", f"--impl={folder}", f"--workers={workers}",
                           "--sandbox=off", "--time-limit=2", f"--junitxml={junit}", "tests/test_many_to_one.py"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return done.stdout + done.stderr, {case.get("name"): " ".join(p.text or "" for p in case) for case in ET.parse(junit).iter("testcase")}


@pytest.mark.parametrize("workers", ["fork", "spawn"])
def test_a_module_whose_import_never_ends_is_imported_once(tmp_path, workers):
    if workers == "fork" and not hasattr(os, "fork"):
        pytest.skip("no fork workers on this platform")
    log = tmp_path / "imports.txt"
    (tmp_path / "impl").mkdir()
    (tmp_path / "impl" / "many_to_one.py").write_text(COUNTS_ITS_IMPORTS.format(log=str(log)))
    output, checks = graded(tmp_path / "impl", workers, tmp_path / "junit.xml")
    assert log.read_text().splitlines() == ["imported"], (log.read_text(), output[-3000:])
    said = [name for name, message in checks.items() if "many_to_one.py did not finish within the time limit" in message]
    assert len(checks) > 20 and said == list(checks), [name for name in checks if name not in said]   # make_dataset's and build_model's
    assert "Traceback" not in output, output[-3000:]

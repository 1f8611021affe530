"""One command for the learner's tools and one for the instructor's: python -m kata COMMAND and
python -m instructor TOOL, each with --help, a bad command one line and exit 4, and the old
spellings (python3 run.py, python kata/ci_report.py, python -m instructor.<module>) the same program.
Each in a child process; how a command maps to its run.py spelling is in unit/test_commands.py."""
import subprocess
import sys

import pytest

from kata.__main__ import LEARNER
from instructor.__main__ import TOOLS

from .runs import ROOT


def command(*args):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_python_m_kata_lists_its_commands_and_refuses_an_unknown_one_in_one_line():
    code, out, err = command("-m", "kata", "--help")
    assert code == 0 and all(name in out for name in [*LEARNER, "report"])
    code, out, err = command("-m", "kata", "bogus")
    assert code == 4 and len(err.strip().splitlines()) == 1 and "bogus" in err and not out


def test_python_m_instructor_lists_its_tools_and_refuses_an_unknown_one_in_one_line():
    code, out, err = command("-m", "instructor", "--help")
    assert code == 0 and all(f"{name} " in out and module in out for name, (module, _) in TOOLS.items())
    code, out, err = command("-m", "instructor", "bogus")
    assert code == 4 and err.strip().splitlines() == [
        f"python -m instructor: no tool 'bogus': give one of {', '.join(TOOLS)}"]


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_every_tool_has_help_and_a_bad_option_is_one_line(tool):
    code, out, err = command("-m", "instructor", tool, "--help")
    assert code == 0 and out.startswith("usage: "), (out, err)
    code, out, err = command("-m", "instructor", tool, "--no-such-option", "x")
    assert code == 4 and len(err.strip().splitlines()) == 1 and err.startswith(f"python -m {TOOLS[tool][0]}: "), (code, err)


def test_the_ci_report_takes_both_spellings_and_a_bad_command_is_one_line(tmp_path):
    for spelling in (["kata/ci_report.py"], ["-m", "kata", "report"]):
        code, out, err = command(*spelling, "summary", str(tmp_path / "none.json"))
        assert code == 1 and "Grading did not complete: no results at" in err
        code, out, err = command(*spelling, "bogus")
        assert code == 2 and len(err.strip().splitlines()) == 1 and "bogus" in err

"""python -m kata COMMAND: the learner's commands, one style, each with --help.

    python -m kata run [PYTEST ARGS]      grade your exercises/ (the same as python3 run.py)
    python -m kata watch [PYTEST ARGS]    grade again each time you save (python3 run.py --watch)
    python -m kata hints [PYTEST ARGS]    the next hint for the exercise you are on (python3 run.py --hints)
    python -m kata grade [PYTEST ARGS]    a grading run: the score (python3 run.py --grade)
    python -m kata report {github,summary,classroom} [RESULTS]    the CI report (kata/ci_report.py)

The standard library only: a Python without the requirements runs it, and `run` sets up .venv first.
"""
import importlib.util
import sys
from pathlib import Path

from .cli import OneLineParser

ROOT = Path(__file__).resolve().parents[1]
LEARNER = {   # command: (what run.py is given before the rest, what it does)
    "run": ((), "grade your exercises/ (or --impl=FOLDER); every other argument goes to pytest"),
    "watch": (("--watch",), "grade, then again each time you save a file (--poll: by polling, for WSL or "
                            "network drives)"),
    "hints": (("--hints",), "the next hint for the exercise you are on, one more each time (--all: every hint)"),
    "grade": (("--grade",), "a grading run: every check, then the score; --results-json=PATH writes the results"),
}


def run_py():
    """run.py beside the kata, as a module: it sets up .venv, then runs pytest there."""
    spec = importlib.util.spec_from_file_location("kata_run_py", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parser():
    top = OneLineParser(prog="python -m kata", description=__doc__.split("\n")[0].split(": ", 1)[1])
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (_, text) in LEARNER.items():
        commands.add_parser(name, help=text, description=text, usage=f"python -m kata {name} [PYTEST ARGS]")
    commands.add_parser("report", help="the CI report from results.json (github, summary or classroom)",
                        add_help=False)
    return top


def run_py_args(argv):
    """What run.py is given for a learner's command: `hints --all ...` is run.py --hints=all ...."""
    known, rest = parser().parse_known_args(argv)
    before, _ = LEARNER[known.command]
    if known.command == "hints" and "--all" in rest:
        rest = [arg for arg in rest if arg != "--all"]
        before = ("--hints=all",)
    return [*before, *rest]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["report"]:
        from .ci_report import main as report
        return report(argv[1:])
    return run_py().main(run_py_args(argv))


if __name__ == "__main__":
    sys.exit(main())

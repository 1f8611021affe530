"""What the gradebook checks before it grades anyone: its own Python (TensorFlow, Keras 3, numpy),
the machine (the fork workers' box needs Linux) and what the box cannot enforce here. A fault of
the instructor's environment is one line and exit 4, never a row of every student's. The standard
library only at import: this runs before numpy is imported."""
import sys

from kata.quiet import preflight_problem     # the standard library only

USAGE_ERROR = 4             # bad options or an unusable Python or machine: one line, no grading


def environment_or_exit():
    """TensorFlow, Keras 3 and numpy installed here (the kata's preflight), before anyone is graded
    and before the gradebook imports numpy: else one line and exit 4, so that a fault of the
    instructor's environment is never reported as every student's. That they import is known when
    the preloaded process starts (class_run.grade_all)."""
    problem = preflight_problem()
    if problem:
        environment_fault(problem.split("\nFix:")[0])


def environment_fault(problem):
    print(f"the gradebook cannot grade with this Python: {' '.join(problem.split()).rstrip('.')}. Run it with the kata's own: "
          ".venv/bin/python -m instructor.gradebook ... (python3 run.py makes .venv)", file=sys.stderr)
    sys.exit(USAGE_ERROR)


def linux_or_exit():
    """The gradebook grades a class in the fork workers' box: where they cannot run, one line, exit 4."""
    from kata.backend import missing_for_fork
    missing = missing_for_fork()
    if missing:
        print(f"the gradebook needs Linux: it grades in the fork workers' box, and this Python lacks "
              f"{' and '.join(missing)}. Grade the class on a Linux machine or container.", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def box_notes():
    """A sentence per part of the sandbox this machine does not enforce (kata/sandbox.py's enforceable())."""
    from kata.sandbox import enforceable
    return [f"the sandbox does not enforce {part} here: {why}" for part, why in enforceable().items() if why]


def say_what_the_box_cannot_enforce():
    """One line per part of the sandbox this platform does not enforce."""
    for note in box_notes():
        print(f"Note: {note}", file=sys.stderr, flush=True)

"""Which workers run the learner's code: chosen by what this Python offers, never by the OS's name.

- fork: the fork server (kata/forkserver.py), a fork of the grader made right after TensorFlow's
  import; it needs os.fork and os.pidfd_open (Linux), and each worker can be boxed (kata/sandbox.py).
- spawn: spawned worker processes (kata/spawnpool.py), fresh Pythons that serve the session; they
  run everywhere (macOS, where forking after TensorFlow's import hangs, and Windows) and are not boxed.

`--workers=auto` (the default, or $KATA_WORKERS) takes fork where it can run, else spawn.
"""
import os

CHOICES = ("auto", "fork", "spawn")
VARIABLE = "KATA_WORKERS"


def missing_for_fork():
    """What the fork server needs that this Python lacks: ['os.fork', 'os.pidfd_open'] or part of it."""
    return [f"os.{name}" for name in ("fork", "pidfd_open") if not hasattr(os, name)]


def choose(requested):
    """'fork' or 'spawn' for --workers=requested; ValueError with one sentence if it cannot be had."""
    if requested not in CHOICES:
        raise ValueError(f"give one of {', '.join(CHOICES)}.")
    missing = missing_for_fork()
    if requested == "fork" and missing:
        raise ValueError(f"the fork workers need {' and '.join(missing)}, which this Python lacks: "
                         "use --workers=spawn (or auto).")
    if requested == "auto":
        return "spawn" if missing else "fork"
    return requested


def workers_for_this_machine():
    """One worker fewer than there are cores: a core for the grader."""
    return max((os.cpu_count() or 2) - 1, 1)


def default_choice():
    return os.environ.get(VARIABLE) or "auto"

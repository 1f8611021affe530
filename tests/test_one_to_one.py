"""Graded checks for Exercise 1 - one-to-one: learn to echo each value of the sequence 0.0 0.2 0.4 0.6 0.8."""
from tests.checks.datasets import *  # noqa: F401,F403 - the checks, run for EXERCISE
from tests.checks.models import *  # noqa: F401,F403
from tests.checks.training import *  # noqa: F401,F403
from tests.support.exercises import ONE_TO_ONE as EXERCISE  # noqa: F401

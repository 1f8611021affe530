"""Graded checks for Exercise 2 - many-to-one: read the whole sequence, then output it as one vector."""
from tests.checks.datasets import *  # noqa: F401,F403 - the checks, run for EXERCISE
from tests.checks.models import *  # noqa: F401,F403
from tests.checks.training import *  # noqa: F401,F403
from tests.support.exercises import MANY_TO_ONE as EXERCISE  # noqa: F401

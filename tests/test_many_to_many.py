"""Graded checks for Exercise 3 - many-to-many: one output at every timestep, with TimeDistributed."""
from tests.checks.datasets import *  # noqa: F401,F403 - the checks, run for EXERCISE
from tests.checks.models import *  # noqa: F401,F403
from tests.checks.training import *  # noqa: F401,F403
from tests.support.exercises import MANY_TO_MANY as EXERCISE  # noqa: F401

"""Graded checks for bonus exercise one_to_many: one value in, the whole sequence out, with RepeatVector."""
from tests.checks.datasets import *  # noqa: F401,F403 - the checks, run for EXERCISE
from tests.checks.models import *  # noqa: F401,F403
from tests.checks.training import *  # noqa: F401,F403
from tests.support.exercises import ONE_TO_MANY as EXERCISE  # noqa: F401

"""Graded checks for bonus exercise encoder_decoder: read the sequence, write every second value of it."""
from tests.checks.datasets import *  # noqa: F401,F403 - the checks, run for EXERCISE
from tests.checks.models import *  # noqa: F401,F403
from tests.checks.training import *  # noqa: F401,F403
from tests.support.exercises import ENCODER_DECODER as EXERCISE  # noqa: F401

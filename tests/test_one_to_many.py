"""Graded checks for Bonus exercise 5 - one-to-many: one value in, a sequence out.

The checks are written once, in kata/checks/, and applied to this exercise from kata/registry.py."""
from kata.checks import checks_for

EXERCISE = "one_to_many"
globals().update(checks_for(EXERCISE))

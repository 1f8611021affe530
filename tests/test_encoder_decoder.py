"""Graded checks for Bonus exercise 6 - encoder-decoder: a sequence in, a shorter sequence out.

The checks are written once, in kata/checks/, and applied to this exercise from kata/registry.py."""
from kata.checks import checks_for

EXERCISE = "encoder_decoder"
globals().update(checks_for(EXERCISE))

"""The graded checks, written once per kind and applied to each exercise from the registry.

A check is registered by the `check` decorator under its kind; `checks_for(name)` gives a test
file every check of the kinds its exercise lists. Nothing to keep in step by hand: a new check is
graded as soon as it is written.
"""
import pytest

from ..registry import BY_NAME

CHECKS = {"dataset": [], "model": [], "training": [], "parameters": []}


def check(kind, points=1, lengths=None):
    """Register a check of this kind, worth `points`, run at each of `lengths` if given."""
    def register(function):
        if lengths:
            function = pytest.mark.parametrize("length", lengths)(function)
        if points != 1:
            function = pytest.mark.points(points)(function)
        CHECKS[kind].append(function)
        return function
    return register


def checks_for(name):
    """{test name: check} for the exercise: what tests/test_<name>.py puts in its namespace."""
    from . import datasets, models, parameters, training  # noqa: F401 - each module registers its checks
    return {function.__name__: function for kind in BY_NAME[name].kinds for function in CHECKS[kind]}

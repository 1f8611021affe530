"""python -m kata COMMAND: each learner command is the run.py spelling it names (run_py_args, pure;
selfcheck/test_commands.py runs the commands themselves)."""
import pytest

from kata.__main__ import run_py_args


@pytest.mark.parametrize("argv, given", [
    (["run", "--impl=solutions", "-q"], ["--impl=solutions", "-q"]),
    (["watch", "--poll"], ["--watch", "--poll"]),
    (["hints", "tests/test_one_to_one.py"], ["--hints", "tests/test_one_to_one.py"]),
    (["hints", "--all", "tests/test_one_to_one.py"], ["--hints=all", "tests/test_one_to_one.py"]),
    (["grade", "--results-json=r.json"], ["--grade", "--results-json=r.json"]),
])
def test_each_learner_command_is_the_run_py_spelling_it_names(argv, given):
    assert run_py_args(argv) == given

"""One name per setting: the seed is --kata-seed (pytest's, kata/settings.py) and a submission's
whole grading time is --deadline (the Gradescope builder's) in the gradebook too; its old spellings,
--seed and --timeout, are the same options, so no existing command breaks. Parsing only: nothing is
graded and nothing is built."""
import pytest

pytest.importorskip("pwd", reason="the gradebook and the Gradescope autograder are Linux tools (they import pwd)")

from instructor import gradescope  # noqa: E402 - after the skip, which Windows takes
from instructor.gradebook import cli as gradebook  # noqa: E402


def gradebook_options(tmp_path, *options):
    (tmp_path / "class").mkdir(exist_ok=True)
    return gradebook.parse([str(tmp_path / "class"), "--out", str(tmp_path / "out"), *options])


@pytest.mark.parametrize("new, old, value, dest", [
    ("--kata-seed", "--seed", "7", "seed"),
    ("--deadline", "--timeout", "120", "deadline"),
])
def test_the_gradebooks_old_spelling_is_the_same_option(tmp_path, new, old, value, dest):
    parsed_new, parsed_old = gradebook_options(tmp_path, new, value), gradebook_options(tmp_path, old, value)
    assert getattr(parsed_new, dest) == getattr(parsed_old, dest) == type(getattr(parsed_new, dest))(value)
    assert vars(parsed_new) == vars(parsed_old)


def test_the_gradebooks_defaults_are_the_same_by_either_name(tmp_path):
    assert gradebook_options(tmp_path).seed == 0 and gradebook_options(tmp_path).deadline == 300


def help_of(parse, argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse([*argv, "--help"])
    assert stopped.value.code == 0
    return capsys.readouterr().out


def test_the_gradebooks_help_shows_the_one_name_first(capsys):
    shown = " ".join(help_of(gradebook.parse, [], capsys).split())
    assert "--kata-seed SEED, --seed SEED" in shown and "--deadline SECONDS, --timeout SECONDS" in shown


def test_the_gradescope_builder_names_the_deadline_alike(tmp_path, capsys):
    assert "--deadline SECONDS" in " ".join(help_of(gradescope.parse, [], capsys).split())
    assert gradescope.parse([str(tmp_path), "--deadline", "120"]).deadline == 120
    assert gradescope.parse([str(tmp_path)]).deadline == gradescope.DEADLINE


@pytest.mark.parametrize("options, named", [(["--seed", "-1"], "--kata-seed"), (["--timeout", "0"], "--deadline")])
def test_a_bad_value_by_the_old_spelling_is_named_by_the_one_name(tmp_path, capsys, options, named):
    with pytest.raises(SystemExit) as stopped:
        gradebook_options(tmp_path, *options)
    said = capsys.readouterr().err
    assert stopped.value.code == 4 and len(said.strip().splitlines()) == 1 and named in said, said

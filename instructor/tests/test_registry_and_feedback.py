"""The pure parts of the grader: the registry agrees with the files (as rustlings' `dev check` does),
feedback renders from its record, and none of it needs TensorFlow."""
import shutil
import subprocess
import sys

import pytest

from kata import registry
from kata.checks import CHECKS, checks_for
from kata.feedback import Failed, Feedback, fail

from .runs import ROOT

PURE = ("kata.registry", "kata.feedback", "kata.advice", "kata.results", "kata.report", "kata.hints",
        "kata.ci_report", "kata.protocol", "kata.backend", "kata.progress", "kata.processes", "kata.spawnpool",
        "kata.forkserver", "kata.environment")


def test_the_pure_modules_import_without_tensorflow():
    code = ("import sys; import " + ", ".join(PURE) +
            "; heavy = [m for m in ('tensorflow', 'keras') if m in sys.modules]; print(heavy); sys.exit(bool(heavy))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_registry_and_the_files_agree():
    assert registry.check_files(ROOT) == []


def test_a_missing_solution_and_an_unlisted_stub_are_named(tmp_path):
    for name in ("exercises", "solutions", "tests"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "solutions" / "many_to_one.py").unlink()
    (tmp_path / "exercises" / "extra.py").write_text("")
    problems = registry.check_files(tmp_path)
    assert problems == ["many_to_one: missing solutions/many_to_one.py",
                        "exercises/extra.py: no exercise named extra in kata/registry.py"]


def test_task_ids_follow_the_readme_order():
    assert [registry.task_id(name) for name in registry.ORDER] == list(range(1, len(registry.ORDER) + 1))


def test_the_expected_parameter_counts_are_the_tutorials():
    counts = {exercise.name: exercise.params(5) for exercise in registry.MODEL_EXERCISES}
    assert counts == {"one_to_one": 146, "many_to_one": 170, "many_to_many": 146, "one_to_many": 146,
                      "encoder_decoder": 366}


def test_every_registered_check_is_applied_to_every_exercise_of_its_kind():
    for exercise in registry.EXERCISES:
        applied = set(checks_for(exercise.name).values())
        expected = {check for kind in exercise.kinds for check in CHECKS[kind]}
        assert applied == expected and applied


def test_a_new_check_is_graded_without_being_listed_anywhere():
    from kata.checks import check

    @check("dataset")
    def test_something_new(kata, exercise):
        pass
    try:
        assert "test_something_new" in checks_for("one_to_one")
        assert "test_something_new" not in checks_for("parameters")
    finally:
        CHECKS["dataset"].remove(test_something_new)


def test_feedback_renders_its_five_parts_and_keeps_its_cause():
    with pytest.raises(Failed) as failed:
        fail("many_to_many.y_axes_missing", "called.", got="(1, 5)", expected="(1, 5, 1)", why="because.",
             change="reshape.", details="    table")
    record = failed.value.feedback
    assert record.cause == "many_to_many.y_axes_missing"
    assert str(failed.value) == ("called.\n  got:      (1, 5)\n  expected: (1, 5, 1)\n  why:      because.\n"
                                 "  change:   reshape.\n    table")


def test_feedback_without_parts_is_its_first_line_and_has_no_colour_codes():
    assert Feedback("x.y", "not started: \x1b[31mexercises/x.py\x1b[0m f()").text() == "not started: exercises/x.py f()"

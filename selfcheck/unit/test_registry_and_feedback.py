"""The pure parts of the grader: the registry agrees with the files (as rustlings' `dev check` does),
feedback renders from its record, and none of it needs TensorFlow (selfcheck/test_pure_imports.py
imports each pure module in a fresh Python)."""
import shutil
from pathlib import Path

import pytest

from kata import registry
from kata.checks import CHECKS, checks_for
from kata.feedback import Failed, Feedback, fail

from selfcheck.runs import ROOT


def check_files(root):
    """Sentences naming what the registry and the files disagree on: a listed exercise without its
    stub, solution, hints or test file, or a stub, solution or test file no exercise lists."""
    root = Path(root)
    problems = []
    for exercise in registry.EXERCISES:
        for path in (Path("exercises") / f"{exercise.module}.py", Path("solutions") / f"{exercise.module}.py",
                     exercise.hints_file, exercise.test_file):
            if not (root / path).is_file():
                problems.append(f"{exercise.name}: missing {path.as_posix()}")
    listed = set(registry.ORDER)
    for folder, pattern, prefix in (("exercises", "*.py", ""), ("solutions", "*.py", ""),
                                    ("exercises/hints", "*.md", ""), ("tests", "test_*.py", "test_")):
        for path in sorted((root / folder).glob(pattern)):
            name = path.stem.removeprefix(prefix)
            if name not in listed and not name.startswith("_"):
                problems.append(f"{folder}/{path.name}: no exercise named {name} in kata/registry.py")
    return problems


def test_the_registry_and_the_files_agree():
    assert check_files(ROOT) == []


def test_a_missing_solution_and_an_unlisted_stub_are_named(tmp_path):
    for name in ("exercises", "solutions", "tests"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "solutions" / "many_to_one.py").unlink()
    (tmp_path / "exercises" / "extra.py").write_text("")
    problems = check_files(tmp_path)
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


def test_the_hints_that_give_the_code_come_last_in_every_hints_file():
    from kata.hints import hints
    for exercise in registry.EXERCISES:
        steps = hints(exercise.name)
        codes = [step.code for step in steps]
        assert codes == sorted(codes) and False in codes and True in codes, (exercise.name, codes)
        assert [step.number for step in steps] == list(range(1, len(steps) + 1))


def failures(*about):
    """[Failure] of checks about these functions, e.g. ("make_dataset", "build_model")."""
    from kata.hints import Failure
    return [Failure((function,), change) for function, change in about]


NOT_STARTED = failures(("make_dataset", ""), ("build_model", ""))      # both stubs: neither feedback says what to change
NO_SEQUENCES = failures(("build_model", "compare your layers"))


def climb(exercise, failures, runs, shown=frozenset(), announced=None):
    """[(hint numbers shown, the line after them)] for runs, e.g. [None, "more"]: a plain run, then --hints."""
    from kata.hints import plan
    said = []
    for asked in runs:
        steps, line, shown, announced = plan(exercise, failures, set(shown), announced, asked)
        said.append(([step.number for step in steps], line))
    return said


def test_each_hints_shows_the_next_hint_not_shown_and_says_before_the_code():
    said = climb("one_to_one", NOT_STARTED, [None, "more", "more", "more", "more"])
    assert [numbers for numbers, _ in said] == [[1], [2], [3], [4], []]       # the plain run's hint 1 counts as shown
    assert "the next one gives the code of make_dataset()" in said[1][1] and "code of build_model()" in said[2][1]
    assert said[4][1] == "No more hints for one_to_one: you have seen all 4; --hints=all shows them again."


def test_a_code_hint_is_never_shown_before_a_run_has_said_it_gives_the_code():
    said = climb("one_to_one", NOT_STARTED, ["more", "more"], shown={1, 2})     # e.g. hint 2's function now passes
    assert said[0] == ([], "The next hint for one_to_one gives the code of make_dataset(): add --hints again to see it.")
    assert said[1][0] == [3]


def broken_file(exercise, functions, kind, said):
    """The outcomes of a module that does not import, one per function, as the plugin records them."""
    from kata.feedback import Feedback
    from kata.report import Outcome
    return [Outcome(f"tests/test_{exercise}.py::test_{function}", exercise, "broken file", said, "", 1,
                    Feedback(f"{exercise}.{function}.{kind}", said)) for function in functions]


def test_a_file_that_does_not_import_says_what_to_do_and_its_hints_are_not_passed_over():
    """Before: "fix exercises/one_to_one.py so that it imports" of a file that does not exist, and
    "hints 1, 2, 3 and 4 of 4 are about make_dataset(), build_model(), whose checks pass"."""
    from kata.hints import plan
    from kata.report import hint_failures, next_step
    functions = ("make_dataset", "build_model")
    missing = broken_file("one_to_one", functions, "missing_file",
                          "missing file: exercises/one_to_one.py - create it with the functions the exercise asks for")
    syntax = broken_file("one_to_one", functions, "syntax", "exercises/one_to_one.py line 3: SyntaxError: invalid syntax")
    assert next_step("one_to_one", missing, "exercises/") == (
        "create exercises/one_to_one.py with the functions the exercise asks for (see broken files above).")
    assert next_step("one_to_one", syntax, "exercises/") == (
        "fix exercises/one_to_one.py so that it imports (see broken files above).")
    for outcomes in (missing, syntax):
        steps, line, _, _ = plan("one_to_one", hint_failures(outcomes), set(), None)
        assert [step.number for step in steps] == [1] and "whose checks pass" not in line, line


def test_no_more_hints_names_the_hints_skipped_and_never_claims_they_were_shown():
    said = climb("many_to_many", NO_SEQUENCES, [None, "more", "more"])
    assert [numbers for numbers, _ in said] == [[2], [4], []]
    assert "the next one gives the code of build_model()" in said[0][1]
    assert said[1][1] == said[2][1] == ("No more hints for what still fails in many_to_many: hints 1 and 3 of 4 are "
                                        "about make_dataset(), whose checks pass; --hints=all shows all 4.")


def test_the_hints_shown_are_kept_and_an_older_count_reads_as_the_first_hints(tmp_path, monkeypatch):
    from kata import hints
    monkeypatch.setenv("KATA_HINTS_STATE", str(tmp_path / "hints.json"))
    (tmp_path / "hints.json").write_text('{"exercises/": {"one_to_one": 2}}')
    assert hints.seen("exercises/", "one_to_one") == ({1, 2}, None)
    hints.remember("exercises/", "one_to_one", {1, 3}, 3)
    assert hints.seen("exercises/", "one_to_one") == ({1, 3}, 3) and hints.seen("other/", "one_to_one") == (set(), None)


def test_own_output_is_shown_once_per_call_under_the_first_failure_shown_and_the_rest_at_the_end():
    from types import SimpleNamespace as Fake
    from kata.report import FOLDED, Verdict, printed_elsewhere, show_output
    five, three = Fake(called="x.build_model(5)", output="summary 5\n"), Fake(called="x.build_model(3)", output="summary 3\n")
    printed, reports = {}, [Fake(failed=True, longrepr="first."), Fake(failed=True, longrepr="second."),
                            Fake(failed=True, longrepr="folded."), Fake(failed=False, longrepr=None)]
    verdicts = [Verdict(), Verdict(), Verdict(kind=FOLDED), Verdict()]
    for rep, verdict, read in zip(reports, verdicts, ([five], [five], [three, five], [three])):
        show_output(rep, verdict, read, printed, echoed=False)
    assert reports[0].longrepr == "first.\n  your code printed:\n    [x.build_model(5)]\n    summary 5"
    assert reports[1].longrepr == "second." and reports[2].longrepr == "folded."
    assert printed_elsewhere(printed) == ["[x.build_model(3)]", "summary 3"]
    echoed = {}
    show_output(Fake(failed=True, longrepr="first."), Verdict(), [five], echoed, echoed=True)       # -s showed it as it came
    assert printed_elsewhere(echoed) == []


def test_an_exercise_this_run_did_not_grade_has_no_stale_hints():
    said = climb("many_to_one", [], [None])           # watch mode: a round that graded another exercise
    assert said == [([1], "Another hint: add --hints (one more each time; --hints=all for all of them).")]

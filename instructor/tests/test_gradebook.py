"""The gradebook grades a class in parallel, and a bad submission costs only its own row: each bad
kind ends in a results entry with a clear reason, and the good submission beside it keeps full marks."""
import pytest

from instructor.tests import submissions
from instructor.tests.runs import exercise_of, gradebook
from kata.results import NOT_REACHED, OUTPUT_LIMIT, TRUNCATED

SLOW = pytest.mark.timeout(600)   # one gradebook run for the whole module, in the first test's setup
BATCH = [submissions.solved, submissions.missing_module, submissions.prints_megabytes,
         submissions.crashes_at_import, submissions.huge_model, submissions.edits_tests_while_graded,
         submissions.repository_with_edited_check]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One gradebook run over the bad submissions and a good one: (exit code, output, rows, results)."""
    tmp = tmp_path_factory.mktemp("gradebook")
    submissions.make_class(tmp / "class", BATCH)
    return gradebook(tmp / "class", tmp / "out", "--timeout", "120")


@pytest.fixture(scope="module")
def looped(tmp_path_factory):
    """A gradebook run, alone, of a module that loops forever at import, with a small timeout."""
    tmp = tmp_path_factory.mktemp("looped")
    submissions.make_class(tmp / "class", [submissions.loops_at_import])
    return gradebook(tmp / "class", tmp / "out", "--timeout", "30")


@SLOW
def test_every_submission_has_a_row_and_a_results_file(graded):
    code, output, rows, results = graded
    names = [builder.__name__ for builder in BATCH]
    assert code == 0, output
    assert sorted(rows) == sorted(names) and sorted(results) == sorted(names), output


@SLOW
def test_a_good_submission_beside_bad_ones_keeps_full_marks(graded):
    row = graded[2]["solved"]
    assert row["status"] == "pass" and row["total"] == row["max_score"], row


@SLOW
def test_a_missing_module_fails_its_checks_naming_the_file(graded):
    results = graded[3]["missing_module"]
    messages = {test["message"] for test in exercise_of(results, "many_to_one")}
    assert all("missing file: exercises/many_to_one.py" in message for message in messages), messages
    assert all(test["status"] == "pass" for test in exercise_of(results, "one_to_one"))


@SLOW
def test_a_module_that_loops_at_import_times_out_and_keeps_the_checks_before(looped):
    code, output, rows, results = looped
    results = results["loops_at_import"]
    assert code == 0, output
    assert results["status"] == "error" and "timed out after 30 s" in results["message"], results["message"]
    assert all(test["status"] == "pass" for test in exercise_of(results, "one_to_one")), output
    assert all(test["message"] == NOT_REACHED for test in exercise_of(results, "many_to_many"))


@SLOW
def test_megabytes_of_output_are_cut_to_500_characters(graded):
    results = graded[3]["prints_megabytes"]
    outputs = [test["output"] for test in results["tests"] if test["output"]]
    assert outputs and all(len(output) <= OUTPUT_LIMIT + len(TRUNCATED) for output in outputs)
    assert outputs[0].endswith(TRUNCATED)
    assert all(test["status"] == "pass" for test in exercise_of(results, "one_to_one"))


@SLOW
def test_a_crash_is_an_error_naming_the_check_it_was_on(graded):
    results = graded[3]["crashes_at_import"]
    assert results["status"] == "error", results["message"]
    assert "exited with code 3 during tests/test_many_to_one.py::" in results["message"]
    assert all(test["status"] == "pass" for test in exercise_of(results, "one_to_one"))


@SLOW
def test_a_50_million_parameter_model_fails_without_being_trained(graded):
    results = graded[3]["huge_model"]
    trained = [test for test in exercise_of(results, "many_to_one") if "trained" in test["name"]]
    assert trained and "50,000,138 parameters; not training it" in trained[0]["message"]


@SLOW
def test_a_submission_that_changes_the_tests_while_graded_is_an_error_naming_them(graded):
    results = graded[3]["edits_tests_while_graded"]
    assert results["status"] == "error"
    assert "changed kata/checks/training.py while being graded" in results["message"]


@SLOW
def test_a_repository_with_an_edited_check_is_an_error_and_gains_nothing(graded):
    results = graded[3]["repository_with_edited_check"]
    assert results["status"] == "error"
    assert "the submission's changed kata/checks/training.py" in results["message"]
    assert results["score"] == 0    # graded by the instructor's checks, not the edited one


def test_a_missing_submissions_folder_is_a_usage_error(tmp_path):
    code, output, rows, _ = gradebook(tmp_path / "nowhere", tmp_path / "out")
    assert code == 2 and "no such folder" in output and not rows

"""The gradebook grades a class in parallel, and a bad submission costs only its own row: each bad
kind ends in a results entry with a clear reason, and the good submission beside it keeps full marks.
A hostile one (killing its parent or its group, leaving processes, forging its results, links and
special files) costs nothing more; bad options are one line; Ctrl-C keeps the finished rows."""
import json
import os
import subprocess
import sys

import pytest

from instructor.gradebook import cli, copying, grading, results_file, tampering
from selfcheck import submissions
from selfcheck.runs import ROOT, ctrl_c, exercise_of, gradebook, gradebook_meanwhile, grades_in, processes_mentioning
from kata.registry import ORDER
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
    return gradebook(tmp / "class", tmp / "out", "--deadline", "120")


@pytest.fixture(scope="module")
def looped(tmp_path_factory):
    """A gradebook run, alone, of a module that loops forever at import, with a small deadline."""
    tmp = tmp_path_factory.mktemp("looped")
    submissions.make_class(tmp / "class", [submissions.loops_at_import])
    return gradebook(tmp / "class", tmp / "out", "--deadline", "30", "--time-limit", "60")   # the run's limit comes first


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
def test_a_crash_costs_only_its_exercise_and_is_named(graded):
    results = graded[3]["crashes_at_import"]
    assert results["status"] == "fail", results["message"]
    crashed = exercise_of(results, "many_to_one")
    assert crashed and all(test["score"] == 0 and "many_to_one.py ended the process (exit code 3)" in test["message"]
                           for test in crashed)
    assert all(test["status"] == "pass" for test in exercise_of(results, "one_to_one"))


@SLOW
def test_a_50_million_parameter_model_fails_without_being_trained(graded):
    results = graded[3]["huge_model"]
    trained = [test for test in exercise_of(results, "many_to_one") if "trained" in test["name"]]
    assert trained and "50,000,138 parameters; not training it" in trained[0]["message"]


@SLOW
def test_a_submission_cannot_change_the_tests_while_graded(graded):
    """Its box lets it write only its own folder: the edit fails where it is made, as the learner's error."""
    results = graded[3]["edits_tests_while_graded"]
    assert results["status"] == "fail", results["message"]
    assert all("PermissionError while importing" in test["message"] for test in exercise_of(results, "many_to_one"))


@SLOW
def test_a_repository_with_an_edited_check_is_an_error_and_gains_nothing(graded):
    results = graded[3]["repository_with_edited_check"]
    assert results["status"] == "error"
    assert "the submission's changed kata/checks/training.py" in results["message"]
    assert results["score"] == 0    # graded by the instructor's checks, not the edited one


# --- what the class received, and submissions of the wrong shape ---------------------------------

RECEIVED = [submissions.template_solved, submissions.template_with_edited_check, submissions.empty,
            submissions.notebook_only, submissions.readme_only, submissions.nested, submissions.notebook_solved,
            submissions.notebook_with_forged_outputs]


@pytest.fixture(scope="module")
def received(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("received")
    submissions.make_class(tmp / "class", RECEIVED)
    return gradebook(tmp / "class", tmp / "out", "--deadline", "120", "--time-limit", "25")


@SLOW
def test_an_untouched_solved_template_repository_passes_with_full_points(received):
    results = received[3]["template_solved"]
    assert (results["status"], results["score"], results["message"]) == ("pass", 205, None), results["message"]
    assert results["time_limit"] == 25     # the class's --time-limit, on every call of the student's code


@SLOW
def test_a_template_repository_with_one_edit_is_an_error_naming_that_edit_alone(received):
    results = received[3]["template_with_edited_check"]
    assert results["status"] == "error" and results["score"] == 0
    assert results["message"] == "graded files edited: the submission's changed kata/checks/training.py", results["message"]


@SLOW
@pytest.mark.parametrize("student, says", [
    ("empty", "the submission is empty: no files"),
    ("notebook_only", "nothing could be taken from kata.ipynb: it checks no exercise"),
    ("readme_only", "the submission holds none of the modules the kata grades (one_to_one.py, "),
    ("readme_only", "it has README.md")])
def test_a_submission_with_nothing_to_grade_is_an_error_row_saying_what_it_holds(received, student, says):
    row = received[2][student]
    assert row["status"] == "error" and row["total"] == "0" and says in row["reason"], row


@SLOW
def test_a_notebook_is_graded_from_its_cells_read_not_run_with_full_points(received):
    row = received[2]["notebook_solved"]
    assert (row["status"], row["total"]) == ("pass", "205"), row
    assert row["reason"] == ("graded one_to_one, many_to_one, many_to_many, parameters, one_to_many, encoder_decoder "
                             "from kata.ipynb, its cells read, not run"), row


@SLOW
def test_a_notebooks_saved_outputs_count_for_nothing_only_its_code(received):
    """Beside its honest twin (the solved notebook, above): the stubs, saved with a perfect run's outputs."""
    row = received[2]["notebook_with_forged_outputs"]
    assert (row["status"], row["total"]) == ("fail", "0"), row
    assert "from kata.ipynb, its cells read, not run" in row["reason"], row


@SLOW
def test_work_one_folder_down_is_graded_where_it_is_with_a_note(received):
    row = received[2]["nested"]
    assert (row["status"], row["total"]) == ("pass", "205"), row
    assert row["reason"].startswith("graded kata-alice/, the one folder in the submission"), row


@pytest.mark.parametrize("option", ["--template", "--expected-fingerprint"])
def test_the_template_received_is_the_one_given(tmp_path, option):
    from instructor import template
    out = tmp_path / "classroom"
    assert template.main([str(out), "--classroom"]) == 0
    given = out if option == "--template" else template.fingerprint_file(out)
    (tmp_path / "class").mkdir()
    options = cli.parse([str(tmp_path / "class"), "--out", str(tmp_path / "out"), option, str(given)])
    assert tampering.templates_received(options) == [template.fingerprint_of(classroom=True)]


def test_by_default_a_repository_may_match_either_template_this_checkout_writes(tmp_path):
    from instructor import template
    (tmp_path / "class").mkdir()
    options = cli.parse([str(tmp_path / "class"), "--out", str(tmp_path / "out")])
    assert tampering.templates_received(options) == [template.fingerprint_of(False), template.fingerprint_of(True)]


def test_a_python_without_tensorflow_is_one_line_and_exit_4_before_anyone_is_graded(tmp_path):
    """The instructor's guide's command run with a Python that lacks the kata's packages (here: no site-packages)."""
    submissions.make_class(tmp_path / "class", [submissions.solved])
    run = subprocess.run([sys.executable, "-S", "-m", "instructor.gradebook", str(tmp_path / "class"), "--out",
                          str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 4 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert "is not installed in this Python" in run.stderr and ".venv/bin/python -m instructor.gradebook" in run.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


# --- bad options: one line naming the option, exit 4 ------------------------------------------

@pytest.mark.parametrize("options, named", [
    (["--jobs", "0"], "--jobs"), (["--deadline", "0"], "--deadline"), (["--timeout", "-5"], "--deadline"),
    (["--max-output-mb", "0"], "--max-output-mb"), (["--kata-seed", "-1"], "--kata-seed"),
    (["--seed", str(2**32)], "--kata-seed"),      # the old spellings are the same options, named by their one name
    (["--jobs", "two"], "--jobs"), (["--time-limit", "0"], "--time-limit"),
    (["--template", "/nonexistent/template"], "--template"), (["--expected-fingerprint", "/nonexistent.json"], "--expected-fingerprint")])
def test_an_option_out_of_range_is_one_line_naming_it(tmp_path, options, named):
    (tmp_path / "class").mkdir()
    code, output, rows, _ = gradebook(tmp_path / "class", tmp_path / "out", *options)
    assert code == 4 and len(output.strip().splitlines()) == 1 and named in output, output
    assert "Traceback" not in output and "usage:" not in output and not rows


def test_an_out_that_is_a_file_is_one_line_naming_it(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "out").write_text("not a folder")
    code, output, _, _ = gradebook(tmp_path / "class", tmp_path / "out")
    assert code == 4 and len(output.strip().splitlines()) == 1 and "--out" in output, output


def test_a_missing_submissions_folder_is_a_usage_error(tmp_path):
    code, output, rows, _ = gradebook(tmp_path / "nowhere", tmp_path / "out")
    assert code == 4 and len(output.strip().splitlines()) == 1 and "no such folder" in output and not rows


def test_an_empty_class_writes_the_header_only(tmp_path):
    (tmp_path / "class").mkdir()
    code, output, _, _ = gradebook(tmp_path / "class", tmp_path / "out")
    assert code == 0 and f"no submissions found in {tmp_path / 'class'}" in output, output
    header = ",".join(["student", *ORDER, "total", "max_score", "status", "reason"])
    assert (tmp_path / "out" / "grades.csv").read_text().splitlines() == [header]


# --- copying a submission: never through a link, within a bound ----------------------------

@pytest.mark.parametrize("builder, named", [
    (submissions.has_a_fifo, "data is a FIFO"), (submissions.has_a_socket, "sock is a socket"),
    (submissions.links_to_dev_zero, "one_to_one.py is a symbolic link to /dev/zero, outside the submission"),
    (submissions.links_to_another_student, "many_to_one.py is a symbolic link to"),
    (submissions.has_a_dangling_link, "notes.txt is a symbolic link to"),
    (submissions.is_a_link_to_another_student, "is_a_link_to_another_student is a symbolic link"),
    pytest.param(submissions.has_a_device, "zero is a character device",
                 marks=pytest.mark.skipif(os.geteuid() != 0, reason="making a device needs root"))])
def test_a_special_file_or_a_link_out_is_not_copied_and_named(tmp_path, builder, named):
    submissions.make_class(tmp_path / "class", [submissions.solved])
    student = builder(tmp_path / "class")
    with pytest.raises(copying.Uncopyable, match=named):
        copying.copy_submission(student, tmp_path / "kata" / "exercises", tmp_path / "sent")


def test_a_link_inside_the_submission_is_copied_as_a_link(tmp_path):
    student = submissions.solved(tmp_path)
    (student / "same.py").symlink_to(student / "one_to_one.py")
    copying.copy_submission(student, tmp_path / "copy", tmp_path / "sent")
    assert os.readlink(tmp_path / "copy" / "same.py") == "one_to_one.py"


@pytest.mark.parametrize("budget, named", [(dict(max_bytes=1000), "more than"), (dict(max_files=3), "more than 3 files")])
def test_a_submission_beyond_the_size_bound_is_not_copied(tmp_path, budget, named):
    student = submissions.solved(tmp_path)
    with pytest.raises(copying.Uncopyable, match=named):
        copying.copy_submission(student, tmp_path / "copy", tmp_path / "sent", copying.Budget(**budget))


@pytest.mark.parametrize("text", ["", "[]", '{"tests": [{"name": "x"}]}', '{"status": "pass", "score": NaN}',
                                  "[" * 100_000, '{"version": 3, "status": "pass", "message": null, "score": 9, '
                                                 '"max_score": 9, "tests": []}'])
def test_a_malformed_results_file_is_never_trusted(tmp_path, text):
    (tmp_path / "results.json").write_text(text)
    assert results_file.load_results(tmp_path / "results.json") == (None, results_file.MALFORMED)


def test_a_results_file_that_is_a_link_is_never_read(tmp_path):
    (tmp_path / "results.json").symlink_to("/dev/zero")
    assert results_file.load_results(tmp_path / "results.json") == (None, results_file.MALFORMED)


# --- hostile submissions: every student still gets a row, no process is left ----------------

HOSTILE = [submissions.solved, submissions.kills_its_parent, submissions.terminates_its_parent,
           submissions.kills_its_group, submissions.leaves_processes, submissions.writes_its_own_results,
           submissions.has_a_fifo, submissions.links_to_another_student, submissions.links_to_dev_zero,
           submissions.is_a_link_to_another_student, submissions.reads_solutions, submissions.spoils_classmates,
           submissions.poisons_the_training_cache, submissions.brings_a_conftest, submissions.half_done,
           submissions.raises_a_lone_surrogate, submissions.forges_a_formula, submissions.forges_a_terminal_row]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One gradebook run over hostile submissions and a good one, its temporary files in temp:
    (exit code, output, rows, results, processes left that mention temp)."""
    tmp = tmp_path_factory.mktemp("hostile")
    submissions.make_class(tmp / "class", HOSTILE)
    ran = gradebook(tmp / "class", tmp / "out", "--deadline", "120", "--jobs", "2", temp=tmp / "temp")
    return (*ran, processes_mentioning(str(tmp / "temp")))


@SLOW
def test_every_hostile_submission_has_a_row_and_the_good_one_full_marks(hostile):
    code, output, rows, results, _ = hostile
    assert code == 0, output
    assert sorted(rows) == sorted(builder.__name__ for builder in HOSTILE), output
    assert rows["solved"]["status"] == "pass" and rows["solved"]["total"] == rows["solved"]["max_score"]


@SLOW
@pytest.mark.parametrize("student", ["kills_its_parent", "terminates_its_parent", "kills_its_group"])
def test_a_submission_that_signals_its_parent_or_group_costs_only_its_exercise(hostile, student):
    """Its box holds its signals in: the grading process lives on, the other exercises keep their points."""
    results = hostile[3][student]
    assert results["status"] == "fail", results["message"]
    assert all(test["status"] == "pass" for test in exercise_of(results, "one_to_one"))
    assert all(test["score"] == 0 for test in exercise_of(results, "many_to_one"))


@SLOW
def test_processes_a_submission_leaves_behind_are_killed(hostile):
    code, output, rows, results, left = hostile
    assert rows["leaves_processes"]["status"] == "fail", rows["leaves_processes"]
    assert not left, left


@SLOW
def test_a_submission_cannot_read_the_instructors_solutions(hostile):
    """Its box reads only its own copy and Python: the instructor's solutions/ are out of its sight."""
    row = hostile[2]["reads_solutions"]
    assert row["one_to_one"] == "0" and row["total"] == "0", row


@SLOW
def test_a_conftest_or_sitecustomize_in_a_submission_is_never_run(hostile):
    """The submission is graded as data in exercises/: pytest loads no conftest.py from it."""
    row = hostile[2]["brings_a_conftest"]
    assert row["total"] == "0" and row["status"] == "fail", row


@SLOW
def test_no_honest_row_changes_because_of_a_classmate(hostile, tmp_path):
    """The honest students graded beside the hostile ones get exactly the rows they get alone."""
    alone = tmp_path / "alone"
    submissions.make_class(alone, [submissions.solved, submissions.half_done])
    _, output, rows, _ = gradebook(alone, tmp_path / "out", "--deadline", "120", "--jobs", "2")
    beside = hostile[2]
    for student in ("solved", "half_done"):
        mine = {key: value for key, value in beside[student].items()}
        assert mine == rows[student], (student, mine, rows[student], output)
    assert beside["spoils_classmates"]["one_to_one"] == "40"     # its own honest work still counts
    assert beside["poisons_the_training_cache"]["one_to_one"] == "40"


@SLOW
def test_a_students_text_is_written_as_text_in_every_csv_and_never_stops_the_class(hostile):
    """A lone surrogate once crashed the CSV writer (later students ungraded, no class report); a
    forged record made a working =HYPERLINK formula of the reason. Both rows are written, as text."""
    rows = hostile[2]
    assert "\\udcff" in rows["raises_a_lone_surrogate"]["reason"], rows["raises_a_lone_surrogate"]
    assert rows["forges_a_formula"]["reason"].startswith("'=HYPERLINK"), rows["forges_a_formula"]
    assert rows["raises_a_lone_surrogate"]["one_to_one"] == rows["forges_a_formula"]["one_to_one"] == "40"


@SLOW
def test_a_students_escape_codes_reach_no_terminal(hostile):
    """A forged record once rewrote the gradebook's terminal line (a carriage return, ESC[2K, a row
    of full marks); its escape codes are now shown as text, in the terminal and in every file."""
    code, output, rows, results, _ = hostile
    line = [line for line in output.splitlines() if line.startswith("forges_a_terminal_row ")]
    assert len(line) == 1 and "\\x0d\\x1b[2K" in line[0], line
    assert "\x1b" not in output and "\r" not in output, repr(output[-2000:])
    assert "\\x1b[2K" in rows["forges_a_terminal_row"]["reason"], rows["forges_a_terminal_row"]
    text = json.dumps(results["forges_a_terminal_row"], ensure_ascii=False)
    assert "\x1b" not in text and "\\u001b" not in text, text[:2000]


@SLOW
def test_a_submission_cannot_write_its_own_results_file(hostile):
    """Its box lets it write only its own folder: the forgery fails, and the row is its honest grade."""
    row = hostile[2]["writes_its_own_results"]
    assert row["status"] == "fail" and "while importing" in row["reason"], row
    assert row["total"] == "40" and row["many_to_one"] == "0"


@SLOW
@pytest.mark.parametrize("student, named", [("has_a_fifo", "data is a FIFO"),
                                            ("links_to_another_student", "many_to_one.py is a symbolic link"),
                                            ("links_to_dev_zero", "one_to_one.py is a symbolic link to /dev/zero"),
                                            ("is_a_link_to_another_student", "is a symbolic link")])
def test_a_submission_that_cannot_be_copied_is_an_error_naming_the_file(hostile, student, named):
    row = hostile[2][student]
    assert row["status"] == "error" and named in row["reason"], row


# --- Ctrl-C -------------------------------------------------------------------------------

@SLOW
def test_ctrl_c_stops_at_once_keeping_the_finished_rows_and_no_process(tmp_path):
    out, temp = tmp_path / "out", tmp_path / "temp"
    code, output, after = gradebook_meanwhile(submissions.to_interrupt(tmp_path / "class"), out, "--jobs", "1",
                                              temp=temp, act=ctrl_c(out, pause=2))   # the next one is being graded
    rows, results = grades_in(out)
    assert after is not None and after < 5, output
    assert (code, sorted(rows), sorted(results)) == (130, ["solved"], ["solved"]), output
    assert output.splitlines()[-1].startswith("interrupted: 1 of 3"), output
    assert sum(line.startswith("interrupted") for line in output.splitlines()) == 1
    assert not processes_mentioning(str(temp))


def test_the_gradebook_says_what_the_sandbox_cannot_enforce_here(tmp_path):
    from kata.sandbox import enforceable
    (tmp_path / "class").mkdir()
    _, output, _, _ = gradebook(tmp_path / "class", tmp_path / "out")
    for part, why in enforceable().items():
        assert (f"does not enforce {part} here" in output) == bool(why), (part, output)


def test_a_grading_process_has_limits_on_its_file_size_and_memory(tmp_path):
    """A forged model is counted before it is built (test_forged_models.py); should anything else
    grow the grader, the preloaded grading process is capped at GRADER_MEMORY of data."""
    from instructor.gradebook.preloaded import Preloaded
    (tmp_path / "test_limits.py").write_text(
        "import resource\n"
        "def test_limits():\n"
        f"    assert resource.getrlimit(resource.RLIMIT_DATA) == ({grading.GRADER_MEMORY},) * 2\n"
        "    assert resource.getrlimit(resource.RLIMIT_FSIZE) == (2**20, 2**20)\n")
    preloaded = Preloaded(grading.grading_env())
    try:
        pid = preloaded.start({"id": "limits", "kata": str(tmp_path), "log": str(tmp_path / "log.txt"),
                               "args": ["-q", "-p", "no:cacheprovider", "test_limits.py"], "limit": 2**20,
                               "memory": grading.GRADER_MEMORY, "env": {}})
        code = preloaded.wait(pid, timeout=120)
    finally:
        preloaded.close()
    assert code == 0, (tmp_path / "log.txt").read_text()

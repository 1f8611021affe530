"""kata/ci_report.py: the job summary, the annotations, the Classroom reporter's copy and the exit codes;
and the CI files that run it."""
import base64
import json

import pytest

from selfcheck.runs import ROOT
from kata import ci_report
from kata.results_model import Check, Results

WORKFLOWS = ROOT / ".github" / "workflows"


def check(name, exercise, status="fail", message=None, points=1, **more):
    return {"name": f"tests/test_{exercise}.py::{name}", "exercise": exercise,
            "task_id": ["one_to_one", "many_to_one", "many_to_many"].index(exercise) + 1, "status": status,
            "message": message if status != "pass" else None, "output": None,
            "score": points if status == "pass" else 0, "max_score": points, **more}


NOT_STARTED = "not started: exercises/one_to_one.py make_dataset() - see the TODO in its docstring"
RESULTS = {
    "version": 3, "status": "fail", "message": None, "implementation": "exercises/", "tests": [
        *[check(f"test_x[{n}]", "one_to_one", message=NOT_STARTED) for n in range(5)],
        check("test_dataset", "many_to_many", "pass"),
        check("test_shape", "many_to_many", message="y has shape (1, 5)\n  expected: (1, 5, 1)"),
        check("test_layers", "many_to_many", message="layers LSTM -> Dense", points=4,
              cause="many_to_many.dense_not_time_distributed", file="exercises/many_to_many.py", line=17),
        check("test_layers_again", "many_to_many", message="other words, same cause", points=4,
              cause="many_to_many.dense_not_time_distributed", file="exercises/many_to_many.py", line=17),
    ]}
RESULTS.update(score=1, max_score=sum(t["max_score"] for t in RESULTS["tests"]))


def whole(results):
    """The results with the totals of their checks, as the writer makes them."""
    return dict(results, score=sum(t["score"] for t in results["tests"]),
                max_score=sum(t["max_score"] for t in results["tests"]))


def write(tmp_path, results, add_up=True):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(whole(results) if add_up else results))
    return path


def github(tmp_path, monkeypatch, capsys, results):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    code = ci_report.main(["github", str(write(tmp_path, results) if results else tmp_path / "missing.json")])
    return code, capsys.readouterr().out, (tmp_path / "summary.md").read_text()


def test_failing_checks_are_a_grade_not_a_ci_failure(tmp_path, monkeypatch, capsys):
    code, out, summary = github(tmp_path, monkeypatch, capsys, RESULTS)
    assert code == 0
    assert "## Score 1 / 15" in summary
    assert "| one_to_one | 0 / 5 | 0 / 5 |" in summary and "| many_to_many | 1 / 4 | 1 / 10 |" in summary


def test_one_annotation_per_problem_the_exercise_under_way_and_the_most_points_first(tmp_path, monkeypatch, capsys):
    errors = [line for line in github(tmp_path, monkeypatch, capsys, RESULTS)[1].splitlines()
              if line.startswith("::error")]
    assert errors == [
        "::error file=exercises/many_to_many.py,line=17,title=many_to_many%3A test_layers (and 1 more check)"
        "::layers LSTM -> Dense",
        "::error file=exercises/many_to_many.py,title=many_to_many%3A test_shape::y has shape (1, 5)%0A  expected: (1, 5, 1)",
        "::error file=exercises/one_to_one.py,title=one_to_one%3A test_x[0] (and 4 more checks)::" + NOT_STARTED,
    ]


def test_at_most_10_error_annotations_then_a_notice(tmp_path, monkeypatch, capsys):
    results = dict(RESULTS, tests=[check(f"test_{n}", "one_to_one", message=f"problem {n}") for n in range(25)])
    out = github(tmp_path, monkeypatch, capsys, results)[1]
    assert out.count("::error") == 10 and "::notice title=More problems::15 more" in out


def test_status_error_fails_the_job_and_says_why_first(tmp_path, monkeypatch, capsys):
    results = dict(RESULTS, status="error", message="the graded files differ from the instructor's: changed tests/x.py")
    code, out, summary = github(tmp_path, monkeypatch, capsys, results)
    assert code == 1
    assert out.splitlines()[0] == ("::error title=Grading did not complete::the graded files differ from the "
                                   "instructor's%3A changed tests/x.py".replace("%3A", ":"))
    assert "**Grading did not complete:** the graded files differ" in summary


def test_missing_or_unreadable_results_fail_the_job(tmp_path, monkeypatch, capsys):
    code, out, summary = github(tmp_path, monkeypatch, capsys, None)
    assert code == 1 and "no results at" in out and "Grading did not complete" in summary
    (tmp_path / "bad.json").write_text("{not json")
    assert ci_report.main(["summary", str(tmp_path / "bad.json")]) == 1


def test_summary_prints_the_table_and_exits_by_the_status(tmp_path, capsys):
    assert ci_report.main(["summary", str(write(tmp_path, RESULTS))]) == 0
    assert "| many_to_many | 1 / 4 | 1 / 10 |" in capsys.readouterr().out
    assert ci_report.main(["summary", str(write(tmp_path, dict(RESULTS, status="error")))]) == 1


def test_annotation_escapes_properties_and_messages():
    test = Check.parse(check("test_a", "one_to_one", message="100% wrong\r\nsecond: line", file="exercises/a,b.py",
                             line=3))
    assert ci_report.annotation(Results.parse(RESULTS), test, 1) == (
        "::error file=exercises/a%2Cb.py,line=3,title=one_to_one%3A test_a::100%25 wrong%0D%0Asecond: line")


def test_a_check_without_file_or_line_is_annotated_on_its_exercise_file():
    test = Check.parse(check("test_a", "one_to_one", message="m", file=None, line=None))
    assert ci_report.annotation(Results.parse(dict(RESULTS, implementation="student/")), test, 1).startswith(
        "::error file=student/one_to_one.py,title=")


def decoded(encoded):
    return json.loads(base64.b64decode(encoded))


def test_the_classroom_copy_keeps_the_points_and_cuts_messages(tmp_path):
    results = dict(RESULTS, tests=[dict(t, output="printed") for t in RESULTS["tests"]])
    copy = decoded(ci_report.classroom(write(tmp_path, results)))
    assert (copy["score"], copy["max_score"], copy["status"]) == (1, 15, "fail")
    assert [t["score"] for t in copy["tests"]] == [t["score"] for t in RESULTS["tests"]]
    assert all("output" not in t and t["line_no"] == 0 and len(t["message"] or "") <= 150 for t in copy["tests"])


def test_the_classroom_copy_drops_messages_rather_than_pass_the_environment_limit(tmp_path):
    many = [check(f"test_{n:04}_" + "x" * 80, "one_to_one", message="m" * 150) for n in range(300)]
    encoded = ci_report.classroom(write(tmp_path, dict(RESULTS, tests=many)))
    assert len(encoded) <= ci_report.CLASSROOM_LIMIT
    assert all(t["message"] is None for t in decoded(encoded)["tests"])


def test_results_that_do_not_add_up_fail_the_job(tmp_path, monkeypatch, capsys):
    """A results file whose score is not its checks' sum (a forged score) is not a grade; its honest twin is."""
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    assert ci_report.main(["github", str(write(tmp_path, RESULTS))]) == 0
    forged = dict(whole(RESULTS), score=15)
    assert ci_report.main(["github", str(write(tmp_path, forged, add_up=False))]) == 1
    assert "is not a results file that adds up (score 15/15 is not the checks' sum)" in capsys.readouterr().out


def test_missing_results_give_the_classroom_an_error_worth_nothing(tmp_path):
    copy = decoded(ci_report.classroom(tmp_path / "missing.json"))
    assert copy["status"] == "error" and copy["score"] == 0 and copy["tests"] == []


def test_ci_report_imports_neither_tensorflow_nor_pytest():
    source = (ROOT / "kata" / "ci_report.py").read_text()
    assert "import tensorflow" not in source and "import keras" not in source and "import pytest" not in source


def test_the_classroom_workflow_runs_every_step_of_grade_yml_then_the_reporter():
    grade = (WORKFLOWS / "grade.yml").read_text()
    classroom = (WORKFLOWS / "classroom.yml").read_text()
    assert grade[grade.index("    steps:\n"):] in classroom
    assert "jobs:\n  run-autograding-tests:\n    runs-on" in classroom      # no name: the reporter's check name
    assert "classroom-resources/autograding-grading-reporter@v1" in classroom and "runners: kata" in classroom


@pytest.mark.parametrize("path", [WORKFLOWS / "grade.yml", WORKFLOWS / "classroom.yml", ROOT / "ci" / "gitlab-ci.yml"])
def test_the_ci_files_parse_and_run_the_report_on_results_json(path):
    import yaml      # in requirements.txt: the self-check must parse them, never skip
    data = yaml.safe_load(path.read_text())
    assert "kata/ci_report.py" in path.read_text() and "tox -e grade" in path.read_text()
    if path.name == "gitlab-ci.yml":
        assert data["grade"]["artifacts"]["reports"]["junit"] == "results/junit.xml"
    else:
        steps = next(iter(data["jobs"].values()))["steps"]
        assert [s for s in steps if "upload-artifact" in s.get("uses", "")][0]["with"]["path"] == "results/"
        assert [s for s in steps if "cache/save" in s.get("uses", "")][0]["if"].startswith("always()")

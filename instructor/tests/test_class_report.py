"""The class report: exact figures in its three CSV files, and one self-contained, escaped, well-formed
HTML page with a chart per section, from a synthetic class and from a real grading run."""
import copy
import csv
import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from instructor.class_report import main, write_class_report
from instructor.tests.runs import ROOT, grade

HOSTILE = "<script>alert(1)</script>"
NOT_REACHED = "not graded: grading stopped before this check"   # as the results writer says it
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "area", "base", "col", "embed", "source", "track"}
SVG_EMPTY = {"line", "rect", "path", "circle"}   # written either empty or closed


def check(exercise, name, status, message=None, points=1, **cause):
    task = {"one_to_one": 1, "many_to_one": 2}[exercise]
    return {"name": f"tests/test_{exercise}.py::test_{name}", "exercise": exercise, "task_id": task,
            "status": status, "message": message, "output": None, "score": points if status == "pass" else 0,
            "max_score": points, "file": None, "line": None, **cause}


def student(name, status, tests, message=None):
    return {"version": 3, "student": name, "status": status, "message": message, "tests": tests,
            "score": sum(t["score"] for t in tests), "max_score": sum(t["max_score"] for t in tests) or None}


def synthetic_class():
    """ada and the hostile name fail one check each; bob timed out; carol never ran a check."""
    solved = [check("one_to_one", "dataset", "pass", cause=None), check("one_to_one", "shape[5]", "pass", cause=None),
              check("one_to_one", "units", "pass", points=2, cause=None)]
    sgd = check("many_to_one", "adam", "fail", "compiled with SGD\nchange: use Adam", cause="many_to_one.sgd")
    return [
        student("ada", "fail", [check("many_to_one", "dataset", "pass"), sgd, *solved]),   # out of order: task_id orders
        student(HOSTILE, "fail", [
            check("one_to_one", "dataset", "pass"),
            check("one_to_one", "shape[5]", "fail", "got X < 3 & y\nmore lines"),      # no cause: older file
            check("one_to_one", "units", "fail", "Units: <b>5</b> & 7", points=2, cause="one_to_one.wrong_units"),
            check("many_to_one", "dataset", "pass"),
            check("many_to_one", "adam", "fail", "SGD & <Adam>", cause="many_to_one.sgd")]),
        student("bob", "error", [*solved, check("many_to_one", "dataset", "error", NOT_REACHED, cause=None),
                                 check("many_to_one", "adam", "error", NOT_REACHED)],
                message="timed out after 60 s: <loop> & more"),
        student("carol", "error", [], message="could not copy the submission: <denied>"),
    ]


def read_csv(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("class")
    paths = write_class_report(synthetic_class(), out)
    return out, paths


def test_it_writes_the_page_and_three_csv_files_beside_grades_csv(report):
    out, paths = report
    assert [p.name for p in paths] == ["class_report.html", "class_scores.csv", "class_checks.csv", "class_causes.csv"]
    assert all(p.parent == out and p.is_file() for p in paths)


def test_scores_count_students_per_score_from_0_to_the_exercises_points(report):
    rows = [(r["exercise"], int(r["score"]), int(r["students"])) for r in read_csv(report[0] / "class_scores.csv")]
    assert rows == [("one_to_one", 0, 1), ("one_to_one", 1, 1), ("one_to_one", 2, 0), ("one_to_one", 3, 0),
                    ("one_to_one", 4, 2),
                    ("many_to_one", 0, 2), ("many_to_one", 1, 2), ("many_to_one", 2, 0)]


def test_checks_give_the_share_passed_among_the_students_who_ran_them_in_exercise_order(report):
    rows = [tuple(r.values()) for r in read_csv(report[0] / "class_checks.csv")]
    assert rows == [("one_to_one", "tests/test_one_to_one.py::test_dataset", "3", "3", "1.000"),
                    ("one_to_one", "tests/test_one_to_one.py::test_shape[5]", "2", "3", "0.667"),
                    ("one_to_one", "tests/test_one_to_one.py::test_units", "2", "3", "0.667"),
                    ("many_to_one", "tests/test_many_to_one.py::test_dataset", "2", "3", "0.667"),
                    ("many_to_one", "tests/test_many_to_one.py::test_adam", "0", "3", "0.000")]


def test_causes_count_students_most_common_first_with_the_first_line_when_no_cause(report):
    rows = [tuple(r.values()) for r in read_csv(report[0] / "class_causes.csv")]
    assert rows == [("many_to_one.sgd", "many_to_one", "2", "SGD & <Adam>"),   # the example: first student by name
                    ("got X < 3 & y", "one_to_one", "1", "got X < 3 & y\nmore lines"),
                    ("one_to_one.wrong_units", "one_to_one", "1", "Units: <b>5</b> & 7"),
                    (NOT_REACHED, "many_to_one", "1", NOT_REACHED)]


class Page(HTMLParser):
    """Every tag must close in order; collects the text, the tags and each section's HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.tags, self.text, self.problems = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:]} at {self.getpos()}")
        else:
            self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def parsed(html):
    page = Page()
    page.feed(html)
    page.close()
    assert not page.problems and not page.open, (page.problems, page.open)
    return page


def sections(html):
    return {re.search(r"<h2>(.*?)</h2>", part).group(1): part for part in html.split("<section>")[1:]}


def test_the_page_is_well_formed_and_fetches_nothing(report):
    html = (report[0] / "class_report.html").read_text()
    page = parsed(html)
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower() and "<link" not in html.lower() and "<img" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "@import" not in html and "url(" not in html
    assert {tag for tag, _ in page.tags} <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p",
                                             "section", "div", "svg", "text", "rect", "line", "table", "tr", "th",
                                             "td", "code", "pre", "ul", "li", "b"}


def test_names_and_messages_are_escaped_text(report):
    html = (report[0] / "class_report.html").read_text()
    text = "".join(parsed(html).text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and HOSTILE in text
    for message in ("SGD & <Adam>", "Units: <b>5</b> & 7", "timed out after 60 s: <loop> & more"):
        assert message in text
    assert "<b>5</b>" not in html and "<Adam>" not in html and "<loop>" not in html


def test_each_chart_section_has_its_svg_and_the_errors_are_listed_with_why(report):
    html = (report[0] / "class_report.html").read_text()
    parts = sections(html)
    assert list(parts) == ["Scores per exercise", "Checks passed", "Causes of failure", "Errors"]
    assert parts["Scores per exercise"].count("<svg") == 2      # a histogram per exercise
    assert parts["Checks passed"].count("<svg") == 2            # a bar chart per exercise
    assert parts["Causes of failure"].count("<svg") == 1
    errors = "".join(parsed(html).text).split("Errors", 1)[1]
    assert "bob: timed out after 60 s: <loop> & more" in errors
    assert "carol: could not copy the submission: <denied>" in errors
    assert "4 students: 0 pass, 2 fail, 2 error." in html


def test_the_cli_rebuilds_the_report_from_the_results_folder(report, tmp_path, capsys):
    (tmp_path / "results").mkdir()
    for one in synthetic_class():
        name = one.pop("student").replace("<", "_").replace(">", "_").replace("/", "_")   # as a file name
        (tmp_path / "results" / f"{name}.json").write_text(json.dumps(one))
    (tmp_path / "results" / "broken.json").write_text("{")     # named on stderr, left out
    main([str(tmp_path)])
    assert (tmp_path / "class_causes.csv").read_text() == (report[0] / "class_causes.csv").read_text()
    assert "skipped" in capsys.readouterr().err


def test_the_module_does_not_import_tensorflow():
    run = subprocess.run([sys.executable, "-c", "import sys, instructor.class_report; "
                          "sys.exit('tensorflow' in sys.modules or 'keras' in sys.modules)"], cwd=ROOT)
    assert run.returncode == 0


@pytest.mark.timeout(300)
def test_a_class_of_copies_of_a_real_results_file(tmp_path):
    """A real grading run (one_to_one solved, many_to_one missing) copied into a class of five,
    one of them an error: the figures multiply, the page still parses."""
    code, output, real = grade(ROOT / "instructor/mistakes/one-to-one-softmax-output", tmp_path / "r.json",
                               "tests/test_one_to_one.py", "tests/test_many_to_one.py")
    assert code == 0 and real["status"] == "fail", output
    students = [dict(copy.deepcopy(real), student=f"student {n} & <co>") for n in range(5)]
    students[0].update(status="error", message="timed out after 300 s")
    write_class_report(students, tmp_path)

    for row in read_csv(tmp_path / "class_checks.csv"):
        test = next(t for t in real["tests"] if t["name"] == row["check"])
        assert (int(row["passed"]), int(row["total"])) == (5 * (test["status"] == "pass"), 5), row
    scores = {(r["exercise"], int(r["score"])): int(r["students"]) for r in read_csv(tmp_path / "class_scores.csv")}
    earned = {e: sum(t["score"] for t in real["tests"] if t["exercise"] == e) for e in ("one_to_one", "many_to_one")}
    assert all(scores[exercise, score] == 5 for exercise, score in earned.items())
    assert sum(scores.values()) == 10
    causes = {(row["cause"], row["exercise"]): row["count"] for row in read_csv(tmp_path / "class_causes.csv")}
    failing = {(t.get("cause") or t["message"].splitlines()[0], t["exercise"]) for t in real["tests"] if t["status"] != "pass"}
    assert causes == dict.fromkeys(failing, "5")

    html = (tmp_path / "class_report.html").read_text()
    assert "student 0 & <co>: timed out after 300 s" in "".join(parsed(html).text) and "<co>" not in html
    assert "<script" not in html.lower()

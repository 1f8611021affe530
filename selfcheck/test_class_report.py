"""The class report: exact figures in its three CSV files, and one self-contained, escaped, well-formed
HTML page with a chart per section, from a synthetic class and from a real grading run."""
import copy
import csv
import json
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser

import pytest

from instructor.class_report import main, report_html, write_class_report
from selfcheck.runs import ROOT, grade

HOSTILE = "<script>alert(1)</script>"
NOT_REACHED = "not graded: grading stopped before this check"   # as the results writer says it
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "area", "base", "col", "embed", "source", "track"}
SVG_EMPTY = {"line", "rect", "path", "circle"}   # written either empty or closed


def check(exercise, name, status, message=None, points=1, **cause):
    task = {"one_to_one": 1, "many_to_one": 2}[exercise]
    return {"name": f"tests/test_{exercise}.py::test_{name}", "exercise": exercise, "task_id": task,
            "status": status, "message": message, "output": None, "score": points if status == "pass" else 0,
            "max_score": points, "file": None, "line": None, **cause}


RUN = {"seed": 0, "time_limit": 60.0, "python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1",
       "fingerprint": {"sha256": "ab" * 32, "files": {}}}   # as kata/results.py records a run


def student(name, status, tests, message=None, seconds=None, ran=True):
    return {"version": 3, "student": name, "status": status, "message": message, "tests": tests,
            "score": sum(t["score"] for t in tests), "max_score": sum(t["max_score"] for t in tests) or None,
            **(RUN if ran else {}), "seconds": seconds}


def synthetic_class():
    """ada and the hostile name fail one check each; bob timed out; carol never ran a check;
    dan did not start one_to_one and has no many_to_one file."""
    solved = [check("one_to_one", "dataset", "pass", cause=None), check("one_to_one", "shape[5]", "pass", cause=None),
              check("one_to_one", "units", "pass", points=2, cause=None)]
    sgd = check("many_to_one", "adam", "fail", "compiled with SGD\nchange: use Adam", cause="many_to_one.sgd")
    started = "one_to_one.make_dataset.not_started"
    missing = "many_to_one.make_dataset.missing_file"
    return [
        student("ada", "fail", [check("many_to_one", "dataset", "pass"), sgd, *solved], seconds=12.5),   # task_id orders
        student(HOSTILE, "fail", [
            check("one_to_one", "dataset", "pass"),
            check("one_to_one", "shape[5]", "fail", "got X < 3 & y\nmore lines"),      # no cause: older file
            check("one_to_one", "units", "fail", "Units: <b>5</b> & 7", points=2, cause="one_to_one.wrong_units"),
            check("many_to_one", "dataset", "pass"),
            check("many_to_one", "adam", "fail", "SGD & <Adam>", cause="many_to_one.sgd")], seconds=3.0),
        student("bob", "error", [*solved, check("many_to_one", "dataset", "error", NOT_REACHED, cause=None),
                                 check("many_to_one", "adam", "error", NOT_REACHED)],
                message="timed out after 60 s: <loop> & more", seconds=60.2),
        student("carol", "error", [], message="could not copy the submission: <denied>", ran=False),
        student("dan", "fail", [check("one_to_one", "dataset", "fail", "not started", cause=started),
                                check("one_to_one", "shape[5]", "fail", "not started", cause=started),
                                check("one_to_one", "units", "fail", "not started", points=2, cause=started),
                                check("many_to_one", "dataset", "fail", "missing file", cause=missing),
                                check("many_to_one", "adam", "fail", "missing file", cause=missing)], seconds=1.0),
    ]


def read_csv(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("class")
    paths = write_class_report(synthetic_class(), out)
    return out, paths


def test_it_writes_the_page_and_four_csv_files_beside_grades_csv(report):
    out, paths = report
    assert [p.name for p in paths] == ["class_report.html", "class_scores.csv", "class_checks.csv",
                                       "class_causes.csv", "class_students.csv"]
    assert all(p.parent == out and p.is_file() for p in paths)


def test_scores_count_students_per_score_from_0_to_the_exercises_points(report):
    rows = [(r["exercise"], int(r["score"]), int(r["students"])) for r in read_csv(report[0] / "class_scores.csv")]
    assert rows == [("one_to_one", 0, 2), ("one_to_one", 1, 1), ("one_to_one", 2, 0), ("one_to_one", 3, 0),
                    ("one_to_one", 4, 2),
                    ("many_to_one", 0, 3), ("many_to_one", 1, 2), ("many_to_one", 2, 0)]


def test_checks_give_the_share_passed_among_the_students_who_attempted_the_exercise(report):
    """Not among the whole class: carol (no checks), dan (not started, missing) and bob's many_to_one
    (never reached) are left out of the denominators."""
    rows = [tuple(r.values()) for r in read_csv(report[0] / "class_checks.csv")]
    assert rows == [("one_to_one", "tests/test_one_to_one.py::test_dataset", "3", "3", "1.000"),
                    ("one_to_one", "tests/test_one_to_one.py::test_shape[5]", "2", "3", "0.667"),
                    ("one_to_one", "tests/test_one_to_one.py::test_units", "2", "3", "0.667"),
                    ("many_to_one", "tests/test_many_to_one.py::test_dataset", "2", "2", "1.000"),
                    ("many_to_one", "tests/test_many_to_one.py::test_adam", "0", "2", "0.000")]


def test_causes_come_misunderstood_first_apart_from_not_started_missing_and_not_graded(report):
    rows = [tuple(r.values()) for r in read_csv(report[0] / "class_causes.csv")]
    assert rows == [("many_to_one.sgd", "many_to_one", "misunderstood", "2", "2", "SGD & <Adam>"),   # first by name
                    ("got X < 3 & y", "one_to_one", "misunderstood", "1", "3", "got X < 3 & y\nmore lines"),
                    ("one_to_one.wrong_units", "one_to_one", "misunderstood", "1", "3", "Units: <b>5</b> & 7"),
                    ("one_to_one.make_dataset.not_started", "one_to_one", "not_started", "1", "3", "not started"),
                    ("many_to_one.make_dataset.missing_file", "many_to_one", "missing_file", "1", "2", "missing file"),
                    (NOT_REACHED, "many_to_one", "not_graded", "1", "2", NOT_REACHED)]


def test_the_students_csv_has_a_row_per_student_with_time_and_reason(report):
    rows = [tuple(r.values()) for r in read_csv(report[0] / "class_students.csv")]
    assert rows == [(HOSTILE, "1", "1", "2", "6", "fail", "3.0", "got X < 3 & y"),
                    ("ada", "4", "1", "5", "6", "fail", "12.5", "compiled with SGD"),
                    ("bob", "4", "0", "4", "6", "error", "60.2", "timed out after 60 s: <loop> & more"),
                    ("carol", "0", "0", "0", "6", "error", "", "could not copy the submission: <denied>"),
                    ("dan", "0", "0", "0", "6", "fail", "1.0", "not started")]


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
    return {re.search(r"<h2>(.*?)</h2>", part).group(1): part for part in re.split(r"<section[ >]", html)[1:]}


def rows_of(part):
    """The text of each cell, row by row, of the HTML part's tables."""
    return [[unescape(re.sub(r"<[^>]*>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", part, re.S) if "<td" in row]


def test_the_page_is_well_formed_and_fetches_nothing(report):
    html = (report[0] / "class_report.html").read_text()
    page = parsed(html)
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower() and "<link" not in html.lower() and "<img" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert all(attrs["href"].startswith("#") for tag, attrs in page.tags if tag == "a")
    assert "@import" not in html and "url(" not in html
    assert {tag for tag, _ in page.tags} <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p",
                                             "section", "div", "svg", "text", "rect", "line", "table", "tr", "th",
                                             "td", "code", "pre", "ul", "li", "b", "a", "details", "summary", "wbr"}


def test_names_and_messages_are_escaped_text(report):
    html = (report[0] / "class_report.html").read_text()
    text = "".join(parsed(html).text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and HOSTILE in text
    for message in ("SGD & <Adam>", "Units: <b>5</b> & 7", "timed out after 60 s: <loop> & more"):
        assert message in text
    assert "<b>5</b>" not in html and "<Adam>" not in html and "<loop>" not in html


def test_the_page_leads_with_what_the_class_misunderstood(report):
    parts = sections((report[0] / "class_report.html").read_text())
    assert list(parts) == ["What the class misunderstood", "Not started, missing, not graded", "Scores per exercise",
                           "Checks passed by fewer than 80%", "Students", "Time: the slowest submissions and the timeouts",
                           "Errors", "The run"]
    taught = parts["What the class misunderstood"]
    assert [row[:2] for row in rows_of(taught)] == [["2 of 2", "many_to_one"], ["1 of 3", "one_to_one"],
                                                     ["1 of 3", "one_to_one"]]
    assert rows_of(taught)[0][2].startswith("many_to_one.sgd") and "SGD &amp; &lt;Adam&gt;" in taught and taught.count("<svg") == 1
    assert "not_started" not in taught and "missing_file" not in taught and "not graded" not in taught


def test_every_exercise_accounts_for_the_whole_class_as_the_header_counts_it(report):
    """The issue's "out of 52 while the header says 53": carol, with no checks at all, is counted."""
    html = (report[0] / "class_report.html").read_text()
    assert "5 students: 0 pass, 3 fail, 2 error." in html
    rows = rows_of(sections(html)["Not started, missing, not graded"])
    assert rows == [["one_to_one", "3", "1", "0", "1", "5"], ["many_to_one", "2", "0", "1", "2", "5"]]
    assert all(sum(map(int, row[1:5])) == 5 for row in rows)


def test_the_checks_section_draws_only_the_weak_checks_and_folds_the_rest(report):
    part = sections((report[0] / "class_report.html").read_text())["Checks passed by fewer than 80%"]
    drawn = re.findall(r'<text x="[^"]*" y="[^"]*" text-anchor="end" font-size="12"[^>]*>([^<]*)</text>', part)
    assert drawn == ["shape[5]", "units", "adam"]
    assert "2/3 (67%)" in part and "0/2 (0%)" in part
    folded = part.split("<details>", 1)[1]
    assert "The other 2 checks" in folded and [row[:3] for row in rows_of(folded)] == [
        ["one_to_one", "test_dataset", "3/3"],
        ["many_to_one", "test_dataset", "2/2"]]


def test_the_students_table_is_given_by_score_and_by_name(report):
    part = sections((report[0] / "class_report.html").read_text())["Students"]
    by_score, by_name = part.split('id="by-name"')
    assert [row[0] for row in rows_of(by_score)] == ["carol", "dan", HOSTILE, "bob", "ada"]
    assert [row[0] for row in rows_of(by_name)] == [HOSTILE, "ada", "bob", "carol", "dan"]
    assert rows_of(by_name)[2] == ["bob", "4", "0", "4 / 6", "error", "60.2", "timed out after 60 s: <loop> & more"]
    assert 'href="#by-score"' in part and 'href="#by-name"' in part


def test_time_lists_the_slowest_with_their_share_and_the_timeouts(report):
    part = sections((report[0] / "class_report.html").read_text())["Time: the slowest submissions and the timeouts"]
    slowest, stopped = part.split("1 timeout")
    assert [row[:3] for row in rows_of(slowest)] == [["bob", "60.2", "78%"], ["ada", "12.5", "16%"],
                                                      [HOSTILE, "3.0", "4%"],
                                                      ["dan", "1.0", "1%"]]
    assert "76.7 s of grading" in part and "bob</b>: timed out after 60 s" in stopped


def test_the_run_names_the_seed_versions_and_fingerprint(report):
    rows = dict(row for row in rows_of(sections((report[0] / "class_report.html").read_text())["The run"]))
    assert rows["seed"] == "0" and rows["TensorFlow"] == "2.21.0" and rows["Keras"] == "3.15.1"
    assert rows["Python"] == "3.11.7" and rows["fingerprint (SHA-256)"] == "ab" * 32


def test_a_class_graded_with_different_seeds_or_versions_says_so(tmp_path):
    students = synthetic_class()
    students[0].update(seed=1, keras="3.9.0")
    part = sections(report_html(students))["The run"]
    assert "Not every student was graded alike: seed, Keras differ." in part
    assert "0 (3 students), 1 (1 student)" in part


def test_each_chart_section_has_its_svg_and_the_errors_are_listed_with_why(report):
    html = (report[0] / "class_report.html").read_text()
    parts = sections(html)
    assert parts["Scores per exercise"].count("<svg") == 2      # a histogram per exercise
    assert parts["Checks passed by fewer than 80%"].count("<svg") == 2      # a bar chart per exercise with weak checks
    errors = "".join(parsed(html).text).split("Errors", 1)[1]
    assert "bob: timed out after 60 s: <loop> & more" in errors
    assert "carol: could not copy the submission: <denied>" in errors


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
    code, output, real = grade(ROOT / "selfcheck/mistakes/one-to-one-softmax-output", tmp_path / "r.json",
                               "tests/test_one_to_one.py", "tests/test_many_to_one.py")
    assert code == 0 and real["status"] == "fail", output
    students = [dict(copy.deepcopy(real), student=f"student {n} & <co>") for n in range(5)]
    students[0].update(status="error", message="timed out after 300 s")
    write_class_report(students, tmp_path)

    for row in read_csv(tmp_path / "class_checks.csv"):     # one_to_one attempted by all five, many_to_one by none
        test = next(t for t in real["tests"] if t["name"] == row["check"])
        attempted = 5 * (row["exercise"] == "one_to_one")
        assert (int(row["passed"]), int(row["attempted"])) == (attempted * (test["status"] == "pass"), attempted), row
    scores = {(r["exercise"], int(r["score"])): int(r["students"]) for r in read_csv(tmp_path / "class_scores.csv")}
    earned = {e: sum(t["score"] for t in real["tests"] if t["exercise"] == e) for e in ("one_to_one", "many_to_one")}
    assert all(scores[exercise, score] == 5 for exercise, score in earned.items())
    assert sum(scores.values()) == 10
    causes = {(row["cause"], row["exercise"]): row["students"] for row in read_csv(tmp_path / "class_causes.csv")}
    failing = {(t.get("cause") or t["message"].splitlines()[0], t["exercise"]) for t in real["tests"] if t["status"] != "pass"}
    assert causes == dict.fromkeys(failing, "5")
    kinds = {(row["exercise"], row["kind"]) for row in read_csv(tmp_path / "class_causes.csv")}
    assert kinds == {("one_to_one", "misunderstood"), ("many_to_one", "missing_file")}   # the kata's cause ids, read right

    html = (tmp_path / "class_report.html").read_text()
    assert "student 0 & <co>: timed out after 300 s" in "".join(parsed(html).text) and "<co>" not in html
    assert "<script" not in html.lower()

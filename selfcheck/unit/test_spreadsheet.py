"""What a student's text becomes in the instructor's CSV files: never a formula, never a crash.
The hostile class of test_gradebook.py sends the same through a real gradebook run."""
import csv

from instructor.class_report import Cause, causes_csv
from instructor.gradebook.grades import write_csv

FORMULA = '=HYPERLINK("http://127.0.0.1/","click")'


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_grades_csv_writes_a_formula_as_text_and_a_lone_surrogate_visibly(tmp_path):
    rows = [{"student": "notes\udcff", "total": 0, "max_score": 205, "status": "error", "reason": "ValueError: \udcff"},
            {"student": "mallory", "total": 40, "max_score": 205, "status": "fail", "reason": FORMULA},
            {"student": "-bob", "total": -1, "max_score": 205, "status": "fail", "reason": "+1 @me"}]
    write_csv(tmp_path / "grades.csv", rows)            # a UnicodeEncodeError here ended a class run
    read = {row["student"]: row for row in rows_of(tmp_path / "grades.csv")}
    assert read["mallory"]["reason"] == "'" + FORMULA
    assert read["notes\\udcff"]["reason"] == "ValueError: \\udcff"
    assert read["'-bob"]["reason"] == "'+1 @me" and read["'-bob"]["total"] == "-1"     # numbers stay numbers
    assert read["mallory"]["total"] == "40"


def test_the_honest_twin_reads_back_as_it_was_written(tmp_path):
    rows = [{"student": "alice", "total": 205, "max_score": 205, "status": "pass", "reason": "all checks pass"}]
    write_csv(tmp_path / "grades.csv", rows)
    assert rows_of(tmp_path / "grades.csv")[0]["reason"] == "all checks pass"


def test_the_class_causes_csv_writes_a_formula_as_text(tmp_path):
    cause = Cause("one_to_one.make_dataset.import", "one_to_one", "misunderstood", ["mallory"], 1, FORMULA)
    (tmp_path / "causes.csv").write_text(causes_csv([cause]))
    assert rows_of(tmp_path / "causes.csv") == [{"cause": "one_to_one.make_dataset.import", "exercise": "one_to_one",
                                                 "kind": "misunderstood", "students": "1", "attempted": "1",
                                                 "example": "'" + FORMULA}]


def test_a_control_character_is_written_as_its_escape_so_printing_the_file_drives_no_terminal(tmp_path):
    rows = [{"student": "eve\x1b]0;owned\x07", "total": 0, "max_score": 205, "status": "error",
             "reason": "\x1b[2Jgraded from \x1b[31mkata.ipynb\tand more\nlines"}]
    write_csv(tmp_path / "grades.csv", rows)
    text = (tmp_path / "grades.csv").read_text()
    assert "\x1b" not in text and "\x07" not in text
    read = rows_of(tmp_path / "grades.csv")[0]
    assert read["student"] == "eve\\x1b]0;owned\\x07" and read["reason"].endswith("\tand more\nlines")

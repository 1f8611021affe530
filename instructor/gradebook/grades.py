"""What the gradebook writes for the instructor: grades.csv (a row per student, every exercise a
column), results/<student>.json, and a line on the terminal as each student is done. Each file is
written whole or not at all: a gradebook stopped mid-way leaves every earlier file intact."""
import json

from instructor.spreadsheet import csv_text
from kata.feedback import visible
from kata.registry import ORDER
from kata.results import task_id, write_whole
from kata.results_model import Status

FIXED_COLUMNS = ("student", "total", "max_score", "status", "reason")


def reason_of(results):
    """The run's message, else the first failed check's first line: what the instructor reads in the CSV."""
    failures = [t.message for t in results.tests if t.status is not Status.PASS and t.message]
    text = results.message or (failures[0].splitlines()[0] if failures else "")
    return text.replace("\n", " ")[:300]


def row_of(results):
    points = {name: score for name, (score, _) in results.by_exercise().items()}
    return {"student": results.about["student"], **points, "total": results.score,
            "max_score": results.max_score, "status": results.status.value, "reason": reason_of(results)}


def write_json(path, data):
    write_whole(path, json.dumps(data, indent=2) + "\n")


def write_csv(path, rows):
    """All rows so far, sorted by student; every exercise has a column, even in an empty class;
    the max score of a run that never started is the class's."""
    found = {key for row in rows for key in row} - set(FIXED_COLUMNS)
    exercises = sorted(found | set(ORDER), key=lambda name: (task_id(name) or 99, name))
    most = max((row["max_score"] or 0 for row in rows), default=0)

    header = ["student", *exercises, "total", "max_score", "status", "reason"]
    write_whole(path, csv_text(header, [{name: 0 for name in exercises} | row | {"max_score": row["max_score"] or most}
                                        for row in sorted(rows, key=lambda row: row["student"])]))


def terminal_line(results):
    """The student, the score, the status, the seconds and the reason's start, each control character shown."""
    student = results.about["student"]
    return (f"{visible(student):<24}{results.score:>5} / {results.max_score or '?':<5}"
            f"{results.status.value:<7}{results.about['seconds'] or 0:>6.1f} s  {visible(reason_of(results)[:60])}")

"""Run the graded suite and the gradebook in child processes, as an instructor would: the tests in
instructor/tests never grade in their own process, whose TensorFlow the root conftest already set up."""
import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def grade(impl, results, *options):
    """pytest --grade on impl; (exit code, output, results as a dict)."""
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "--grade", f"--impl={impl}",
                          f"--results-json={results}", *options],
                         cwd=ROOT, capture_output=True, text=True)
    return run.returncode, run.stdout + run.stderr, json.loads(Path(results).read_text()) if Path(results).is_file() else None


def gradebook(submissions, out, *options):
    """python -m instructor.gradebook; (exit code, output, {student: CSV row}, {student: results})."""
    run = subprocess.run([sys.executable, "-m", "instructor.gradebook", str(submissions), "--out", str(out), *options],
                         cwd=ROOT, capture_output=True, text=True)
    rows = {}
    if (out / "grades.csv").is_file():
        with open(out / "grades.csv", newline="") as file:
            rows = {row["student"]: row for row in csv.DictReader(file)}
    results = {path.stem: json.loads(path.read_text()) for path in out.glob("results/*.json")}
    return run.returncode, run.stdout + run.stderr, rows, results


def exercise_of(results, name):
    return [test for test in results["tests"] if test["exercise"] == name]

"""Run the graded suite and the gradebook in child processes, as an instructor would: the tests in
selfcheck never grade in their own process, whose TensorFlow the root conftest already set up."""
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def grade(impl, results, *options):
    """pytest --grade on impl; (exit code, output, results as a dict)."""
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "--grade", f"--impl={impl}",
                          f"--results-json={results}", *options],
                         cwd=ROOT, capture_output=True, text=True)
    return run.returncode, run.stdout + run.stderr, json.loads(Path(results).read_text()) if Path(results).is_file() else None


def gradebook_command(submissions, out, *options):
    return [sys.executable, "-m", "instructor.gradebook", str(submissions), "--out", str(out), *options]


def with_temp_folder(folder):
    """An environment whose temporary files go under folder: every grading process names it."""
    folder.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "TMPDIR": str(folder)}


def gradebook(submissions, out, *options, temp=None):
    """python -m instructor.gradebook, its temporary files in temp if given;
    (exit code, output, {student: CSV row}, {student: results})."""
    run = subprocess.run(gradebook_command(submissions, out, *options), cwd=ROOT, capture_output=True, text=True,
                         env=with_temp_folder(temp) if temp else None)
    return run.returncode, run.stdout + run.stderr, *grades_in(out)


def gradebook_meanwhile(submissions, out, *options, act, temp=None, within=600):
    """python -m instructor.gradebook, act(its Popen) called every 0.05 s until it returns True or the
    gradebook ends; (exit code, output, seconds from the act to the end, or None if it never acted)."""
    run = subprocess.Popen(gradebook_command(submissions, out, *options), cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, env=with_temp_folder(temp) if temp else None)
    acted = None
    try:
        deadline = time.monotonic() + within
        while acted is None and run.poll() is None and time.monotonic() < deadline:
            if act(run):
                acted = time.monotonic()
            else:
                time.sleep(0.05)
        output, _ = run.communicate(timeout=within)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    return run.returncode, output, None if acted is None else time.monotonic() - acted


def ctrl_c(out, ready=lambda run: True, pause=0):
    """An act for gradebook_meanwhile: SIGINT, once a row is in out and ready(run), pause seconds later."""
    def act(run):
        if not (grades_in(out)[0] and ready(run)):
            return False
        time.sleep(pause)
        run.send_signal(signal.SIGINT)
        return True
    return act


def grades_in(out):
    """({student: CSV row}, {student: results}) of a gradebook's --out."""
    rows = {}
    if (out / "grades.csv").is_file():
        with open(out / "grades.csv", newline="") as file:
            rows = {row["student"]: row for row in csv.DictReader(file)}
    results = {path.stem: json.loads(path.read_text()) for path in out.glob("results/*.json")}
    return rows, results


def processes_mentioning(text):
    """[(pid, command line)] of the live processes whose command line or folder mentions text."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                folder = os.readlink(entry / "cwd")
            except OSError:
                continue
            if text in command or text in folder:
                found.append((int(entry.name), command))
    return found


def exercise_of(results, name):
    return [test for test in results["tests"] if test["exercise"] == name]

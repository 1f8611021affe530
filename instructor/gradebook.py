"""Grade a class: a folder of submissions into one CSV and one results JSON per student.

    python -m instructor.gradebook SUBMISSIONS_DIR --out DIR [--timeout 300] [--jobs N] [--seed 0]

SUBMISSIONS_DIR holds one folder per student: either the student's implementation folder (the
modules of the contract) or a copy of the student's whole repository, whose exercises/ is graded.
Every submission is graded by this checkout's own tests, never by the copy the student sent:

- in a private copy of the graded files, in its own process group, one per core at a time;
- with a time limit and a size limit on every file it writes (so endless output stops);
- its results are written the moment it finishes, and the CSV after every student, so a crash,
  a hang or a flood of output in one submission costs that student an error row, nothing else.

The fingerprint of the graded files is computed here, outside the student's process: a repository
copy whose tests/, conftest.py or tox.ini differ from this checkout's, or a submission that changes
them while it is graded, gets status "error" with the files named; its points from the instructor's
tests are kept in the row for the instructor to judge.
"""
import argparse
import contextlib
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from kata.results import (GRADED, NOT_REACHED, by_exercise, differences, fingerprint, task_id,
                                   write_whole)

ROOT = Path(__file__).resolve().parents[1]
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".git", ".venv", ".tox", "results")
LOG_TAIL = 1500   # characters of a failed run's output kept as its reason
# The child limits the size of every file it writes, then runs pytest: no preexec_fn in threads.
BOOTSTRAP = ("import resource, sys, pytest\n"
             "limit = int(sys.argv[1])\n"
             "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
             "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
             "sys.exit(pytest.main(sys.argv[2:]))\n")
RUNNING = set()   # live process groups, killed if the gradebook itself is interrupted


def implementation_of(submission):
    """A repository copy's exercises/, else the folder itself."""
    return submission / "exercises" if (submission / "exercises").is_dir() else submission


def snapshot(into):
    """This checkout's graded files and hints, copied once: every student is graded by the same tests."""
    for name in (*GRADED, "exercises/hints"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=IGNORED)
        elif source.is_file():
            shutil.copy2(source, into / name)
    return into


def prepare(kata, submission, graded):
    """A private grading folder: the snapshot of the graded files, the student's modules as exercises/."""
    shutil.copytree(implementation_of(submission), kata / "exercises", ignore=IGNORED)
    shutil.copytree(graded, kata, dirs_exist_ok=True)


def run_pytest(kata, results, log, options):
    """Grade kata/exercises in a child process; the reason it did not finish, or None."""
    limit = options.max_output_mb * 2**20
    command = [sys.executable, "-c", BOOTSTRAP, str(limit), "-q", "--show-capture=no",
               f"--kata-seed={options.seed}", f"--results-json={results}", "--grade"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TF_CPP_MIN_LOG_LEVEL": "3",
           "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "OMP_NUM_THREADS": "1"}  # a core each
    env.pop("KATA_EXPECTED_FINGERPRINT", None)    # the comparison is made here, outside the child
    with open(log, "wb") as output:
        child = subprocess.Popen(command, cwd=kata, stdin=subprocess.DEVNULL, stdout=output,
                                 stderr=subprocess.STDOUT, env=env, start_new_session=True)
        RUNNING.add(child.pid)
        try:
            code = child.wait(timeout=options.timeout)
        except subprocess.TimeoutExpired:
            kill(child.pid)
            child.wait()
            return (f"timed out after {options.timeout:g} s: look for a loop that never ends "
                    "or a model far too large; the checks graded before it are kept")
        finally:
            RUNNING.discard(child.pid)
    if code != 0:
        return died(code, log, read_results(results))
    return None


def died(code, log, partial):
    """Why the grading process ended early: its code or signal, the check it was on, its last words."""
    how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
    waiting = [t["name"] for t in (partial or {}).get("tests", []) if t["message"] == NOT_REACHED]
    during = f" during {waiting[0]}" if waiting else ""
    words = [line for line in log.read_bytes()[-LOG_TAIL:].decode(errors="replace").splitlines()
             if line.strip(".sFEnBf[]% 0123456789")]      # not pytest's progress dots
    return (f"the grading process {how}{during} (a crash or an exit in the submission's code)"
            + (": " + " | ".join(words[-5:]) if words else ""))


def kill(group):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


def read_results(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def tampering(submission, kata, trusted):
    """Sentences naming graded files the student sent changed, or that changed while being graded."""
    found = []
    sent = fingerprint(submission)
    if sent["files"]:     # a repository copy: it carries the graded files
        found += [f"the submission's {d}" for d in differences(trusted, sent)]
    found += [f"{d} while being graded" for d in differences(trusted, fingerprint(kata))]
    return found


def grade(submission, options, graded, trusted):
    """The results of one submission, always: an error with its reason when grading failed."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kata-grade-") as tmp:
        kata, results_path, log = Path(tmp) / "kata", Path(tmp) / "results.json", Path(tmp) / "log.txt"
        try:
            prepare(kata, submission, graded)
        except OSError as error:
            return failed(submission, f"could not copy the submission: {error}", started)
        reason = run_pytest(kata, results_path, log, options)
        results = read_results(results_path) or {"version": 3, "score": 0, "max_score": None, "tests": []}
        if results.get("status") not in ("pass", "fail") and not reason:
            reason = results.get("message") or "grading wrote no results"
        edits = tampering(submission, kata, trusted)
    if edits:
        reason = "graded files edited: " + "; ".join(edits) + (f". Also: {reason}" if reason else "")
    if reason:
        results.update(status="error", message=reason)
    results.update(student=submission.name, seconds=round(time.monotonic() - started, 1))
    return results


def failed(submission, reason, started):
    seconds = round(time.monotonic() - started, 1) if started else None
    return {"version": 3, "status": "error", "message": reason, "score": 0, "max_score": None,
            "tests": [], "student": submission.name, "seconds": seconds}


def reason_of(results):
    """The run's message, else the first failed check's first line: what the instructor reads in the CSV."""
    failures = [t["message"] for t in results["tests"] if t["status"] != "pass" and t.get("message")]
    text = results.get("message") or (failures[0].splitlines()[0] if failures else "")
    return text.replace("\n", " ")[:300]


def row_of(results):
    points = {name: score for name, (score, _) in by_exercise(results["tests"]).items()}
    return {"student": results["student"], **points, "total": results["score"],
            "max_score": results["max_score"], "status": results["status"], "reason": reason_of(results)}


def write_json(path, data):
    write_whole(path, json.dumps(data, indent=2) + "\n")   # a gradebook stopped mid-way leaves every earlier file intact


def write_csv(path, rows):
    """All rows so far, sorted by student; the max score of a run that never started is the class's."""
    exercises = sorted({key for row in rows for key in row} - {"student", "total", "max_score", "status", "reason"},
                       key=lambda name: (task_id(name) or 99, name))
    most = max((row["max_score"] or 0 for row in rows), default=0)

    text = io.StringIO()
    writer = csv.DictWriter(text, ["student", *exercises, "total", "max_score", "status", "reason"])
    writer.writeheader()
    for row in sorted(rows, key=lambda row: row["student"]):
        writer.writerow({name: 0 for name in exercises} | row | {"max_score": row["max_score"] or most})
    write_whole(path, text.getvalue())


def grade_all(submissions, out, options):
    """Grade every student folder in parallel; results/<student>.json and grades.csv as each finishes."""
    (out / "results").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kata-graded-") as tmp:
        graded = snapshot(Path(tmp))
        trusted = fingerprint(graded)
        write_json(out / "fingerprint.json", trusted)
        rows = grade_each(submissions, out, options, graded, trusted)
    if fingerprint(ROOT) != trusted:
        print("Note: this checkout's graded files changed while grading; the grades above used the "
              "files as they were at the start (out/fingerprint.json).", file=sys.stderr)
    return rows


def grade_each(submissions, out, options, graded, trusted):
    rows = []
    folders = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        futures = {pool.submit(grade, folder, options, graded, trusted): folder for folder in folders}
        for future in as_completed(futures):
            try:
                results = future.result()
            except Exception as error:     # a fault of the gradebook itself: this row only
                results = failed(futures[future], f"the gradebook failed: {type(error).__name__}: {error}", 0)
            write_json(out / "results" / f"{results['student']}.json", results)
            rows.append(row_of(results))
            write_csv(out / "grades.csv", rows)
            print(f"{results['student']:<24}{results['score']:>5} / {results['max_score'] or '?':<5}"
                  f"{results['status']:<7}{results['seconds'] or 0:>6.1f} s  {reason_of(results)[:60]}",
                  flush=True)
    return rows


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m instructor.gradebook", description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path, help="a folder with one sub-folder per student")
    parser.add_argument("--out", type=Path, required=True,
                        help="where grades.csv, results/<student>.json and fingerprint.json go")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per submission (default 300)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="submissions graded at once (default: cores)")
    parser.add_argument("--seed", type=int, default=0, help="--kata-seed for every submission (default 0)")
    parser.add_argument("--max-output-mb", type=int, default=64,
                        help="largest file a submission may write, its captured output included (default 64)")
    options = parser.parse_args(argv)
    if not options.submissions.is_dir():
        parser.error(f"{options.submissions}: no such folder")
    return options


def main(argv=None):
    options = parse(argv)
    started = time.monotonic()
    try:
        rows = grade_all(options.submissions, options.out, options)
    finally:
        for group in list(RUNNING):
            kill(group)
    print(f"graded {len(rows)} submissions in {time.monotonic() - started:.1f} s -> {options.out / 'grades.csv'}")


if __name__ == "__main__":
    main()

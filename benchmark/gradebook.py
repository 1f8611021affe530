"""How fast the gradebook grades a class, now and before this kata boxed each submission (the revision
BEFORE, checked out in a temporary worktree), on the same class in the same run.

    python benchmark/gradebook.py [--students 20] [--jobs 2] [--before 35bbf41]
    python benchmark/gradebook.py --slow [--before 6a639cc]     # with four slow submissions among them

The class: the solutions under several names (honest, complete work) and folders from the mistakes
catalogue (partial work). Prints the wall time of each gradebook, the seconds per submission per
core (wall x jobs / students), and the mean seconds an honest submission took on its core (each of
the --jobs gradings runs beside the others, one a core), with the slowest.

"now" trains each distinct model once for the class (kata/training_cache.py): the honest students
here hand in the same solutions, as much of a real class does, so all but the first are spared the
training. "now, no training cache" trains every student's models afresh: the figure for a class in
which no two models are alike.

    python benchmark/gradebook.py --cluster [--students 20] [--jobs 2] [--repeat 1]   # the local pool beside a LocalCluster

--cluster runs the same class through the local pool (--jobs N) and a Dask LocalCluster of N worker
processes (--cluster local:N, dask: requirements-cluster.txt), one after the other in the same run
(--repeat rounds, interleaved), and prints each run's seconds per submission per core, the medians
and their ratio (no revision before).

--slow adds four slow submissions (an import that never ends, an endless loop in a function, a 20 s
sleep at import, a process spawner; those of selfcheck/submissions.py) and prints the share
of the class's grading core-time (the sum of every submission's seconds) that they took.
"""
import argparse
import csv
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "35bbf41"


ENDLESS_LOOP = "def make_dataset(length=5):\n    while True:\n        pass\n"
SLOW = ("loops_at_import", "loops_in_a_function", "sleeps_20_s_at_import", "leaves_processes")


def add_slow(into):
    """The four slow submissions beside the class, each with one_to_one solved."""
    sys.path.insert(0, str(ROOT))
    from selfcheck import submissions
    submissions.loops_at_import(into)
    submissions.folder_with(into, "loops_in_a_function", one_to_one=submissions.one_to_one_solved(),
                            many_to_one=ENDLESS_LOOP)
    submissions.folder_with(into, "sleeps_20_s_at_import", one_to_one=submissions.one_to_one_solved(),
                            many_to_one="import time\ntime.sleep(20)\n")
    submissions.leaves_processes(into)


def make_class(into, students):
    honest = max(students // 2, 1)
    for i in range(honest):
        shutil.copytree(ROOT / "solutions", into / f"solved_{i:02d}", ignore=shutil.ignore_patterns("__pycache__"))
    mistakes = sorted(p for p in (ROOT / "selfcheck" / "mistakes").iterdir() if p.is_dir())
    for mistake in mistakes[:students - honest]:
        shutil.copytree(mistake, into / f"mistake_{mistake.name}")
    return honest


def grade(checkout, submissions, out, jobs, *options):
    start = time.perf_counter()
    # --timeout: the spelling the gradebook has always taken (today an alias of --deadline), so that a
    # revision from before the one name can be compared
    done = subprocess.run([sys.executable, "-m", "instructor.gradebook", str(submissions), "--out", str(out),
                           "--jobs", str(jobs), "--timeout", "120", *options], cwd=checkout, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"the gradebook in {checkout} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    with open(out / "grades.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        results = json.loads((out / "results" / f"{row['student']}.json").read_text())
        row["seconds"] = float(results.get("seconds") or 0)
    return wall, rows


def compare_cluster(options):
    """The local pool and a LocalCluster, on the same class in the same run, interleaved --repeat
    times: seconds per submission per core, each run's and the medians, and their ratio."""
    backends = (("local pool", ()), ("LocalCluster", ("--cluster", f"local:{options.jobs}")))
    with tempfile.TemporaryDirectory(prefix="kata-gradebook-bench-") as tmp:
        tmp = Path(tmp)
        make_class(tmp / "class", options.students)
        per_core = {name: [] for name, _ in backends}
        for number in range(options.repeat):
            for name, extra in backends:
                wall, rows = grade(ROOT, tmp / "class", tmp / f"out-{name[0]}-{number}", options.jobs, *extra)
                per_core[name].append(wall * options.jobs / len(rows))
                print(f"{name:<14} {len(rows)} students in {wall:6.1f} s on {options.jobs} cores: "
                      f"{per_core[name][-1]:4.1f} s per submission per core", flush=True)
        medians = {name: statistics.median(figures) for name, figures in per_core.items()}
        print(f"medians of {options.repeat}: " + ", ".join(f"{name} {m:4.1f} s" for name, m in medians.items())
              + f"; LocalCluster / local pool: {medians['LocalCluster'] / medians['local pool']:.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--before", default=None, help=f"the revision to compare with (default {BEFORE}; "
                                                        "with --slow, 6a639cc: before an import was stopped once per module)")
    parser.add_argument("--slow", action="store_true", help="add four slow submissions; print their share of the core-time")
    parser.add_argument("--cluster", action="store_true",
                        help="the local pool beside a LocalCluster of --jobs workers; print the ratio")
    parser.add_argument("--repeat", type=int, default=1, help="with --cluster: rounds of both, interleaved")
    options = parser.parse_args()
    if options.cluster:
        return compare_cluster(options)
    options.before = options.before or ("6a639cc" if options.slow else BEFORE)
    with tempfile.TemporaryDirectory(prefix="kata-gradebook-bench-") as tmp:
        tmp = Path(tmp)
        honest = make_class(tmp / "class", options.students)
        if options.slow:
            add_slow(tmp / "class")
        before = tmp / "before"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(before), options.before], cwd=ROOT, check=True)
        try:
            runs = (("now", ROOT, ()), ("now, no training cache", ROOT, ("--no-training-cache",)),
                    (f"before ({options.before})", before, ()))
            for i, (name, checkout, extra) in enumerate(runs):
                wall, rows = grade(checkout, tmp / "class", tmp / f"out-{i}", options.jobs, *extra)
                solved = [row for row in rows if row["student"].startswith("solved_")]
                passed = sum(row["status"] == "pass" for row in solved)
                seconds = [row["seconds"] for row in solved]
                print(f"{name:<24} {len(rows)} students in {wall:6.1f} s on {options.jobs} jobs: "
                      f"{wall * options.jobs / len(rows):4.1f} s per submission per core; an honest one "
                      f"{statistics.mean(seconds):4.1f} s on its core, the slowest {max(seconds):4.1f} s "
                      f"({passed} of {honest} pass)", flush=True)
                if options.slow:
                    slow = sum(row["seconds"] for row in rows if row["student"] in SLOW)
                    print(f"{'':<24} the four slow submissions: {slow:6.1f} s of {sum(r['seconds'] for r in rows):6.1f} s "
                          f"of grading ({slow / sum(r['seconds'] for r in rows):.0%}): "
                          + ", ".join(f"{row['student']} {row['seconds']:.0f} s" for row in rows if row["student"] in SLOW),
                          flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT)


if __name__ == "__main__":
    main()

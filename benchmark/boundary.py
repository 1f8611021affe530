"""What the worker boundary costs a learner: cold runs now, beside the same runs of the grader before
the learner's code moved out of its process (the revision BEFORE, checked out in a temporary worktree).

    python benchmark/boundary.py [--before 35bbf41] [--repeat 3]

Each command runs --repeat times, now and before interleaved, so both see the same load; the median
wall time of each is printed with the difference. Read the difference, not the absolute times: the
machines are shared and noisy.
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "35bbf41"      # the last commit with the learner's code inside the grading process
RUNS = {
    "one exercise (tests/test_many_to_many.py)": ["--impl=solutions", "-q", "tests/test_many_to_many.py"],
    "the three tutorial exercises": ["--impl=solutions", "-q", "tests/test_one_to_one.py",
                                     "tests/test_many_to_one.py", "tests/test_many_to_many.py"],
    "whole suite, six exercises": ["--impl=solutions", "-q"],
}


def wall(folder, arguments):
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", *arguments], cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"pytest {' '.join(arguments)} failed in {folder}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default=BEFORE, help=f"the revision to compare with (default {BEFORE})")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command, now and before (default 3)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kata-before-") as tmp:
        before = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(before), options.before], cwd=ROOT, check=True)
        try:
            print(f"cold runs, median of {options.repeat}, now ({ROOT.name}) and before ({options.before}):")
            for name, arguments in RUNS.items():
                now, then = [], []
                for _ in range(options.repeat):
                    now.append(wall(ROOT, arguments))
                    then.append(wall(before, arguments))
                a, b = statistics.median(now), statistics.median(then)
                print(f"  {name:<44} now {a:5.1f} s   before {b:5.1f} s   difference {a - b:+5.1f} s", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT)


if __name__ == "__main__":
    main()

"""Watch mode's "save to verdict": how long after a save the watcher prints the verdict.

    python benchmark/watch.py          # about 30 seconds

Starts `python -m kata.watch --impl=<a copy of exercises/>` with its output on a pipe,
waits until it is watching, then saves solutions/many_to_many.py into the copy REPEAT times and
times each save to the line that ends the round's report (`34 passed in ...`). Prints the median.
"""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 5
EXERCISE = "many_to_many"


def read_until(process, words, timeout=120):
    """Lines of the watcher's output until one holds `words`; the time it came."""
    deadline = time.monotonic() + timeout
    for line in process.stdout:
        if words in line:
            return time.perf_counter()
        if time.monotonic() > deadline:
            break
    sys.exit(f"the watcher never printed {words!r}")


def save_to_verdict(python=sys.executable, repeat=REPEAT):
    """[seconds from each save to its verdict]."""
    folder = Path(tempfile.mkdtemp(prefix="kata-bench-"))
    impl = folder / "impl"
    shutil.copytree(ROOT / "exercises", impl, ignore=shutil.ignore_patterns("hints", "__pycache__"))
    process = subprocess.Popen([python, "-m", "kata.watch", f"--impl={impl}", "-q"], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, "KATA_HINTS_STATE": str(folder / "hints.json")})
    try:
        read_until(process, "watching")
        times = []
        for _ in range(repeat):
            saved = time.perf_counter()
            shutil.copy(ROOT / "solutions" / f"{EXERCISE}.py", impl / f"{EXERCISE}.py")
            times.append(read_until(process, "34 passed") - saved)
            read_until(process, "watching")
        return times
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def main():
    times = save_to_verdict()
    print(f"watch mode, save to verdict ({EXERCISE}, {len(times)} saves): median {statistics.median(times):.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f})")


if __name__ == "__main__":
    main()

"""How much faster is the graded suite than the tutorial's training recipes? Both measured now.
(On the default workers only: benchmark/backends.py measures the fork and the spawned workers side by side.)

    python benchmark/speed.py        # about four minutes, most of it the tutorial's recipes

Prints the wall time of `pytest --impl=solutions` (TensorFlow's import included), of the three
tutorial exercises' tests, of one exercise's tests, of the tutorial's recipes, and the ratios. The machines are shared and
noisy: read the ratio, which compares times taken in the same run.
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from watch import save_to_verdict   # benchmark/watch.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kata import backend  # noqa: E402

WORKERS = f"{backend.choose(backend.default_choice())} workers"   # what pytest and the watcher run: auto is fork here
CORE = ["tests/test_one_to_one.py", "tests/test_many_to_one.py", "tests/test_many_to_many.py"]


def wall(*command):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return elapsed, result.stdout


def main():
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    python = sys.executable
    suite, _ = wall(python, "-m", "pytest", "--impl=solutions", "-q")
    core, _ = wall(python, "-m", "pytest", "--impl=solutions", "-q", *CORE)
    one, _ = wall(python, "-m", "pytest", "--impl=solutions", "-q", "tests/test_many_to_many.py")
    watched = statistics.median(save_to_verdict())
    print("tutorial recipes (model.fit, verbose=2 as in the tutorial):", flush=True)
    tutorial, out = wall(python, "benchmark/tutorial_recipes.py")
    print("".join(line + "\n" for line in out.splitlines() if "largest error" in line), end="")
    print(f"whole graded suite on solutions/, six exercises:    {suite:6.1f} s wall ({WORKERS})")
    print(f"the three tutorial exercises' tests:                 {core:6.1f} s wall ({WORKERS})")
    print(f"one exercise (tests/test_many_to_many.py):           {one:6.1f} s wall ({WORKERS})")
    print(f"watch mode, save to verdict (many_to_many):   {watched:6.1f} s wall (median of 5 saves, each a new model; "
          f"benchmark/watch.py; {WORKERS})")
    print(f"tutorial recipes (benchmark/tutorial_recipes.py):    {tutorial:6.1f} s wall")
    print(f"ratio tutorial recipes / whole suite:       {tutorial / suite:5.1f}x ({WORKERS})")
    print(f"ratio tutorial recipes / three exercises:   {tutorial / core:5.1f}x ({WORKERS})")


if __name__ == "__main__":
    main()

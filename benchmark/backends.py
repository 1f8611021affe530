"""The two worker backends side by side: the fork server and the spawned workers, in the same run.

    .venv/bin/python benchmark/backends.py [--repeat 5]     # about 8 minutes at --repeat 3 (2 cores, loaded)

Three figures, each taken --repeat times per backend, the backends interleaved (fork, spawn,
spawn Windows-simulated, fork, spawn, ...) so that all see the same load:

1. one exercise cold: `python -m pytest --impl=solutions -q tests/test_many_to_many.py`, the wall
   time of the whole command, TensorFlow's import included;
2. the whole suite cold: `python -m pytest --impl=solutions -q`;
3. watch mode, save to verdict: save_to_verdict() of benchmark/watch.py, a new watcher each time,
   timing its first SAVES saves (each a new model) to "34 passed".

The backends: `fork` (--workers=fork, $KATA_WORKERS=fork for the watcher), `spawn` (the same with
spawn) and "spawn, Windows simulated": spawn with selfcheck/platforms/windows_like/ first on
PYTHONPATH, whose sitecustomize.py takes os.fork, os.setsid, os.killpg, SIGALRM... out of every
Python of the run. Every command must exit 0 (the watcher must print its verdict), else the
benchmark stops with the tail of its output.

How to read it: for each figure and backend, the median and the slowest run, in seconds, and beside
each spawn group the ratios spawn/fork of the medians and of the slowest runs, with the floor the
issue sets (spawn at most 1.5x fork cold; at most 3 s from a save to its verdict, absolute). The
machines are shared and noisy: read the ratios, which compare runs made under the same load; the
absolute times move with the load (printed at the start and the end). The watch floor is absolute,
so a loaded machine can fail it for both backends: compare with fork's figure beside it.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from watch import save_to_verdict   # benchmark/watch.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
WINDOWS_LIKE = os.pathsep.join(filter(None, [str(ROOT / "selfcheck" / "platforms" / "windows_like"),
                                             os.environ.get("PYTHONPATH")]))
BACKENDS = {"fork": ("fork", {}),        # label: (workers, what the environment adds)
            "spawn": ("spawn", {}),
            "spawn, Windows simulated": ("spawn", {"PYTHONPATH": WINDOWS_LIKE})}
SAVES = 2           # saves timed per watcher: the first after it started, and one more
PYTEST = [sys.executable, "-m", "pytest", "--impl=solutions", "-q"]


def cold(*arguments):
    """A figure: the wall time of one pytest run of `arguments` on these workers."""
    def run(workers, env):
        start = time.perf_counter()
        done = subprocess.run([*PYTEST, f"--workers={workers}", *arguments], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"pytest --workers={workers} {' '.join(arguments)} exited {done.returncode}:\n"
                     f"{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return [time.perf_counter() - start]
    return run


def watched(workers, env):
    return save_to_verdict(repeat=SAVES, env=env)


FIGURES = [  # name, run(workers, env) -> [seconds], floor: ("x", ratio to fork) or ("s", seconds)
    ("one exercise cold: pytest --impl=solutions -q tests/test_many_to_many.py",
     cold("tests/test_many_to_many.py"), ("x", 1.5)),
    ("whole suite cold: pytest --impl=solutions -q", cold(), ("x", 1.5)),
    (f"watch mode, save to verdict (many_to_many, a new model each save; {SAVES} saves a watcher)",
     watched, ("s", 3.0)),
]


def verdict(floor, median, slowest, fork):
    """'at most 1.5x fork: median within, slowest OVER' and the like."""
    kind, limit = floor
    if kind == "x":
        median, slowest = median / fork[0], slowest / fork[1]
    median, slowest = ("within" if value <= limit else "OVER" for value in (median, slowest))
    return f"at most {limit:g}{'x fork' if kind == 'x' else ' s'}: median {median}, slowest {slowest}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each figure per backend (default 5)")
    options = parser.parse_args()
    envs = {label: {**os.environ, "KATA_WORKERS": workers, **extra}
            for label, (workers, extra) in BACKENDS.items()}
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores; "
          f"--repeat {options.repeat}, interleaved", flush=True)
    cold("tests/test_many_to_many.py")("fork", envs["fork"])   # untimed: the disk cache warm for the first fork run
    for name, run, floor in FIGURES:
        times = {label: [] for label in BACKENDS}
        for _ in range(options.repeat):
            for label, (workers, _extra) in BACKENDS.items():
                times[label] += run(workers, envs[label])
        print(f"\n{name}\n  {'':<26}{'median':>8}{'slowest':>9}   spawn/fork: median  slowest   floor")
        fork = statistics.median(times["fork"]), max(times["fork"])
        for label, seconds in times.items():
            median, slowest = statistics.median(seconds), max(seconds)
            line = f"  {label:<26}{median:6.2f} s{slowest:7.2f} s"
            if label != "fork":
                line += f"{median / fork[0]:17.2f}x{slowest / fork[1]:8.2f}x   {verdict(floor, median, slowest, fork)}"
            print(line, flush=True)
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

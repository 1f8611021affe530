"""Watch mode's "save to verdict": how long after a save the watcher prints the verdict.

    python benchmark/watch.py          # about 30 seconds

Starts `python -m kata.watch --impl=<a copy of exercises/>` with its output on a pipe,
waits until it is watching, then saves solutions/many_to_many.py into the copy REPEAT times and
times each save to the line that ends the round's report (`34 passed in ...`). Prints the median.

Each save gives the LSTM a new name, so every save is a model the watcher has not trained yet:
the rounds share a training cache, and the same model saved again would not be trained again.
The figure for such a save (an edit that leaves the model as it was) is printed beside it.
"""
import collections
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
    seen = collections.deque(maxlen=30)
    for line in process.stdout:
        if words in line:
            return time.perf_counter()
        seen.append(line)
        if time.monotonic() > deadline:
            break
    sys.exit(f"the watcher never printed {words!r}; its last lines:\n{''.join(seen)}")


def saved_text(i, new_model):
    """The solution, as a new model (its LSTM named after the save) or as the same one edited."""
    text = (ROOT / "solutions" / f"{EXERCISE}.py").read_text()
    if new_model:
        return text.replace("return_sequences=True),", f"return_sequences=True, name='lstm_{i}'),", 1)
    return text + f"\n# save {i}\n"


def save_to_verdict(python=sys.executable, repeat=REPEAT, new_model=True, env=None):
    """[seconds from each save to its verdict]; env: the watcher's environment (default this one's)."""
    folder = Path(tempfile.mkdtemp(prefix="kata-bench-"))
    env = dict(os.environ if env is None else env, KATA_HINTS_STATE=str(folder / "hints.json"))
    impl = folder / "impl"
    shutil.copytree(ROOT / "exercises", impl, ignore=shutil.ignore_patterns("hints", "__pycache__"))
    process = subprocess.Popen([python, "-m", "kata.watch", f"--impl={impl}", "-q"], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                               env=env)
    try:
        read_until(process, "watching")
        times = []
        if not new_model:      # the model the saves keep, trained once before they are timed
            (impl / f"{EXERCISE}.py").write_text(saved_text(0, new_model))
            read_until(process, "34 passed")
            read_until(process, "watching")
        for i in range(repeat):
            text = saved_text(i + 1, new_model)
            saved = time.perf_counter()
            (impl / f"{EXERCISE}.py").write_text(text)
            times.append(read_until(process, "34 passed") - saved)
            read_until(process, "watching")
        return times
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def main():
    for new_model, what in ((True, "a new model each save"), (False, "the same model, edited")):
        times = save_to_verdict(new_model=new_model)
        print(f"watch mode, save to verdict ({EXERCISE}, {what}, {len(times)} saves): median "
              f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})")


if __name__ == "__main__":
    main()

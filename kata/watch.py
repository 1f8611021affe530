"""Watch mode: grade, then grade again each time a .py file of the implementation folder is saved.

    python -m kata.watch [--poll] [pytest arguments]      (python3 run.py --watch ... runs this)

This process imports TensorFlow once and never runs a TensorFlow op, so it may fork: each round is
a forked child that runs pytest.main(...), whose plugin forks its own fork server before its first
op. The first round grades what the arguments say; after a save, a round grades the saved module's
exercise (tests/test_<module>.py) and the progress table adds the rows of earlier rounds.

Saves are debounced (editors often write twice). A save during a round stops that round and starts
another. Ctrl-C stops the round and the watching at once. --poll uses watchdog's PollingObserver,
for WSL, network drives and other places where file-system events do not arrive.
"""
import contextlib
import os
import queue
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEBOUNCE = 0.15     # seconds without another save before a round starts
POLL_INTERVAL = 0.5


def impl_folder(args):
    """The folder --impl names (default exercises/), as the plugin resolves it."""
    impl = "exercises"
    for i, arg in enumerate(args):
        if arg.startswith("--impl="):
            impl = arg.split("=", 1)[1]
        elif arg == "--impl" and i + 1 < len(args):
            impl = args[i + 1]
    folder = Path(impl) if Path(impl).is_dir() or "/" in impl else ROOT / impl
    return folder.resolve()


def is_test_path(arg):
    path = Path(arg.split("::")[0])
    return not arg.startswith("-") and (ROOT / path).exists() and (ROOT / path).resolve().is_relative_to(ROOT / "tests")


def round_args(args, saved, progress):
    """pytest's arguments for a round: the user's, and after a save only the saved module's tests.
    A bare --hints reveals one more hint: asked once, it applies to the first round only. The rounds
    share a training cache in the watcher's own temporary folder: a save that leaves a model as it
    was (a fix to make_dataset, say) does not train it again."""
    test_file = ROOT / "tests" / f"test_{Path(saved).stem}.py" if saved else None
    options = [a for a in args if not is_test_path(a)]
    if saved:
        options = [a for a in options if a not in ("--hints", "--hints=more")]
    if not any(a.startswith("--training-cache") for a in options):
        options.append(f"--training-cache={progress.parent / 'training-cache'}")
    paths = [str(test_file.relative_to(ROOT))] if test_file and test_file.is_file() else [a for a in args if is_test_path(a)]
    return options + [f"--kata-progress={progress}"] + paths


def start_round(args, tmp):
    """Fork a child that runs pytest.main(args), its temporary files in tmp; its pid."""
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the watcher's: it ends this round
            os.environ["TMPDIR"] = tempfile.tempdir = tmp   # a stopped round's files go with the watcher's folder
            import pytest
            code = int(pytest.main(args))
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return pid


def descendants(pid):
    """pid and every process below it (Linux: read from /proc; elsewhere pid alone)."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children.setdefault(int(stat.read_text().rsplit(")", 1)[1].split()[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def end_tree(pid):
    """SIGKILL pid and everything below it: the round's pytest, its fork server and the workers
    (each in a session of its own, and the server is killed with its grader before it can end
    them). Stopped first, so that none forks another while the tree is read."""
    for _ in range(2):
        for each in descendants(pid):
            with contextlib.suppress(OSError):
                os.kill(each, signal.SIGSTOP)
    for each in descendants(pid):
        with contextlib.suppress(OSError):
            os.kill(each, signal.SIGKILL)


def stop_round(pid):
    if pid is not None:
        end_tree(pid)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    return None


def round_over(pid):
    if pid is None:
        return True
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done == pid


def observe(folder, saves, poll):
    """Start watchdog on folder, putting the path of each saved .py file on saves; the observer."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    class Saved(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type not in ("modified", "created", "moved") or event.is_directory:
                return
            path = getattr(event, "dest_path", "") or event.src_path
            if str(path).endswith(".py") and "__pycache__" not in str(path):
                saves.put(str(path))

    for make in ([] if poll else [Observer]) + [lambda: PollingObserver(timeout=POLL_INTERVAL)]:
        observer = make()
        try:
            observer.schedule(Saved(), str(folder), recursive=False)
            observer.start()
            return observer
        except OSError as error:     # e.g. inotify's watch limit reached: poll instead
            print(f"(file-system events unavailable: {error}; polling instead)", flush=True)
    raise SystemExit(f"cannot watch {folder}")


def last_save(saves, first):
    """The last of a burst of saves: wait until DEBOUNCE seconds pass without another."""
    saved = first
    while True:
        try:
            saved = saves.get(timeout=DEBOUNCE)
        except queue.Empty:
            return saved


def watch(args, poll=False):
    from .quiet import import_tensorflow, preflight_or_exit
    os.chdir(ROOT)
    folder = impl_folder(args)
    if not folder.is_dir():
        raise SystemExit(f"--impl: no such folder {folder}")
    preflight_or_exit()
    import_tensorflow()                 # once, and no op: this process must stay able to fork
    import pytest  # noqa: F401        preloaded for every round (kata.plugin itself is left for
    from . import answers, report, results, worker  # noqa: F401    pytest to import: it rewrites asserts)
    shown = str(folder.relative_to(ROOT)) + "/" if folder.is_relative_to(ROOT) else str(folder)
    progress = Path(tempfile.mkdtemp(prefix="kata-watch-")) / "progress.json"
    saves, observer, child = queue.Queue(), None, None
    try:
        observer = observe(folder, saves, poll)
        child = start_round(round_args(args, None, progress), str(progress.parent))
        while True:
            if round_over(child) and child is not None:
                child = None
                print(f"\nwatching {shown} (Ctrl-C to stop)", flush=True)
            try:
                saved = saves.get(timeout=0.2)
            except queue.Empty:
                continue
            saved = last_save(saves, saved)
            child = stop_round(child)
            if sys.stdout.isatty():
                print("\033[2J\033[H", end="")
            print(f"saved {Path(saved).name}: grading again", flush=True)
            child = start_round(round_args(args, saved, progress), str(progress.parent))
    except KeyboardInterrupt:
        stop_round(child)
        print("\nstopped watching.", flush=True)
        return 0
    finally:
        if observer is not None:
            observer.stop()
        shutil.rmtree(progress.parent, ignore_errors=True)


def main(argv):
    poll = "--poll" in argv
    try:
        return watch([a for a in argv if a != "--poll"], poll)
    except KeyboardInterrupt:              # Ctrl-C while TensorFlow was still loading
        print("\nstopped watching.", flush=True)
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Watch mode: grade, then grade again each time a .py file of the implementation folder is saved.

    python -m kata.watch [--poll] [pytest arguments]      (python3 run.py --watch ... runs this)

The first round grades what the arguments say; after a save, a round grades the saved module's
exercise (tests/test_<module>.py) and the progress table adds the rows of earlier rounds. How a
round runs follows the workers (kata/backend.py):

- fork: this process imports TensorFlow once and never runs a TensorFlow op, so it may fork: each
  round is a forked child that first forks its fork server (before the grader's modules exist:
  see kata/forkserver.py), then runs pytest.main(...).
- spawn (macOS, Windows, --workers=spawn): a *round server*, a spawned Python that has imported
  TensorFlow and started its spawned workers, runs each round's pytest.main(...) in turn, keeping
  both warm for the next save. A save during a round ends the server with its workers (a new one
  takes its place); this process itself never imports TensorFlow.

Saves are debounced (editors often write twice). A save during a round stops that round and starts
another. Ctrl-C stops the round and the watching at once. --poll uses watchdog's PollingObserver,
for WSL, network drives and other places where file-system events do not arrive.
"""
import contextlib
import json
import os
import queue
import subprocess
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from . import backend
from .processes import end_tree, own_group, python_command

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


class ForkedRounds:
    """Each round a child forked from this process, which has imported TensorFlow and run no op."""

    def __init__(self, tmp):
        from .quiet import import_tensorflow
        import_tensorflow()                 # once, and no op: this process must stay able to fork
        import pytest  # noqa: F401        preloaded for every round; the grader's modules are not:
        from . import forkserver, worker  # noqa: F401    each round forks its fork server before they exist
        self.tmp, self.pid = tmp, None

    def start(self, args):
        """Fork a child that runs pytest.main(args), its temporary files in tmp."""
        sys.stdout.flush()
        self.pid = os.fork()
        if self.pid == 0:
            code = 3
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the watcher's: it ends this round
                os.environ["TMPDIR"] = tempfile.tempdir = self.tmp   # a stopped round's files go with the watcher's folder
                import pytest
                from .forkserver import PREMADE, ForkServer
                PREMADE.append(ForkServer.forked(backend.workers_for_this_machine()))
                code = int(pytest.main(args))
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)

    def over(self):
        if self.pid is None:
            return True
        try:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            done = self.pid
        if done == self.pid:
            self.pid = None
        return self.pid is None

    def stop(self):
        if self.pid is not None:
            end_tree(self.pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
        self.pid = None

    close = stop


def serve_rounds(status):
    """The round server (in a spawned Python): start the spawned workers, import TensorFlow, then run
    pytest.main(args) for each line of stdin, appending {"ready": pid} and {"done": exit code} to
    the status file. Ctrl-C is the watcher's to handle; this process is in a group of its own."""
    from .quiet import import_tensorflow, quiet_environment
    from .spawnpool import SHARED, SpawnPool
    quiet_environment()
    SHARED.append(SpawnPool(backend.workers_for_this_machine()))
    _, keras = import_tensorflow()
    import pytest
    from . import answers, report, results  # noqa: F401
    with open(status, "a") as told:
        told.write(json.dumps({"ready": os.getpid()}) + "\n")
        told.flush()
        for line in sys.stdin:
            code = int(pytest.main(json.loads(line)))
            keras.backend.clear_session()
            sys.stdout.flush()
            told.write(json.dumps({"done": code}) + "\n")
            told.flush()


class SpawnedRounds:
    """Rounds run in turn by a round server (serve_rounds), which keeps TensorFlow and its workers
    warm; a round stopped by a save ends the server, and a new one starts."""

    def __init__(self, tmp):
        self.tmp, self.server, self.status, self.read, self.running = tmp, None, None, 0, False
        self.start_server()

    def start_server(self):
        self.status = Path(self.tmp) / f"rounds-{time.monotonic_ns()}.jsonl"
        self.status.touch()
        self.read = 0
        self.server = subprocess.Popen(python_command(f"from kata.watch import serve_rounds; serve_rounds({str(self.status)!r})"),
                                       stdin=subprocess.PIPE, text=True, cwd=ROOT,
                                       env={**os.environ, "TMPDIR": self.tmp}, **own_group())

    def start(self, args):
        sys.stdout.flush()
        if self.server.poll() is not None:           # gone while the learner was editing
            self.start_server()
        self.server.stdin.write(json.dumps(args) + "\n")
        self.server.stdin.flush()
        self.running = True

    def over(self):
        if self.running:
            text = self.status.read_text()
            lines = text[self.read:].splitlines()
            if any('"done"' in line for line in lines):
                self.read = len(text)
                self.running = False
            elif self.server.poll() is not None:     # the server itself is gone: start another
                self.running = False
                self.start_server()
        return not self.running

    def stop(self):
        if self.running:
            self.close()
            self.start_server()

    def close(self):
        end_tree(self.server.pid)
        self.server.wait()
        self.running = False


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
    from .quiet import preflight_or_exit
    os.chdir(ROOT)
    folder = impl_folder(args)
    if not folder.is_dir():
        raise SystemExit(f"--impl: no such folder {folder}")
    preflight_or_exit()
    try:
        workers = backend.choose(workers_asked(args))
    except ValueError as error:
        raise SystemExit(f"--workers: {error}") from None
    shown = str(folder.relative_to(ROOT)) + "/" if folder.is_relative_to(ROOT) else str(folder)
    progress = Path(tempfile.mkdtemp(prefix="kata-watch-")) / "progress.json"
    saves, observer, rounds = queue.Queue(), None, None
    try:
        rounds = (ForkedRounds if workers == "fork" else SpawnedRounds)(str(progress.parent))
        observer = observe(folder, saves, poll)
        rounds.start(round_args(args, None, progress))
        waiting = False
        while True:
            if not waiting and rounds.over():
                waiting = True
                print(f"\nwatching {shown} (Ctrl-C to stop)", flush=True)
            try:
                saved = saves.get(timeout=0.05 if not waiting else 0.2)
            except queue.Empty:
                continue
            saved = last_save(saves, saved)
            rounds.stop()
            if sys.stdout.isatty() and os.name != "nt":     # an older Windows console prints the codes
                print("\033[2J\033[H", end="")
            print(f"saved {Path(saved).name}: grading again", flush=True)
            rounds.start(round_args(args, saved, progress))
            waiting = False
    except KeyboardInterrupt:
        if rounds is not None:
            rounds.close()
        print("\nstopped watching.", flush=True)
        return 0
    finally:
        if observer is not None:
            observer.stop()
        shutil.rmtree(progress.parent, ignore_errors=True)


def workers_asked(args):
    """--workers=... among the arguments, else $KATA_WORKERS, else auto (the plugin reads the same)."""
    for i, arg in enumerate(args):
        if arg.startswith("--workers="):
            return arg.split("=", 1)[1]
        if arg == "--workers" and i + 1 < len(args):
            return args[i + 1]
    return backend.default_choice()


def main(argv):
    poll = "--poll" in argv
    try:
        return watch([a for a in argv if a != "--poll"], poll)
    except KeyboardInterrupt:              # Ctrl-C while TensorFlow was still loading
        print("\nstopped watching.", flush=True)
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

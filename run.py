#!/usr/bin/env python3
"""Set up the kata once (a .venv with requirements.txt), then run the graded tests.

    python3 run.py                   grade your exercises/
    python3 run.py --impl=FOLDER     grade another folder that holds the exercises' modules
    python3 run.py tests/test_one_to_one.py   one exercise
    python3 run.py --watch           grade again each time you save a file in exercises/
                                     (--poll: check for saves by polling, for WSL or network drives)

Any other argument is passed to pytest. Paths are read from the folder you run this in.
"""
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / "requirements.sha256"
PATH_OPTIONS = ("--impl", "--results-json", "--junitxml", "--expected-fingerprint", "--rootdir")
INTERACTIVE = ("--pdb", "--trace")      # pytest reads the keyboard: leave Ctrl-C to it


def requirements_hash():
    return hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()


def set_up():
    if STAMP.is_file() and STAMP.read_text() == requirements_hash():
        return
    if PYTHON.exists():     # requirements.txt changed: update in place (.venv may be the Python running this)
        print("Updating .venv: requirements.txt has changed...", flush=True)
    else:
        print("Setting up .venv with TensorFlow (once; a few minutes on a slow connection)...", flush=True)
        venv.create(VENV, with_pip=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", ROOT / "requirements.txt"], check=True)
    STAMP.write_text(requirements_hash())


def from_root(path, cwd):
    """A path given from cwd, as the root sees it: relative when it is inside the root."""
    full = Path(os.path.normpath(Path(cwd, path)))
    try:
        return str(full.relative_to(ROOT))
    except ValueError:
        return str(full)


def pytest_args(argv, cwd):
    """argv with its paths read from cwd rewritten for a run in the root: test paths (node ids too,
    'tests/test_x.py::check'), and the values of --impl, --results-json and the other path options.
    A bare '--impl' name that is no folder here stays a name of the root's (a folder beside run.py).
    A bare --hints is written --hints=more, so that a test path after it is not taken as its value."""
    args, rest = [], list(argv)
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if arg == "--hints":
            args.append("--hints=more")
        elif name in PATH_OPTIONS and eq:
            args.append(f"{name}={option_path(name, value, cwd)}")
        elif arg in PATH_OPTIONS and rest:
            args += [arg, option_path(arg, rest.pop(0), cwd)]
        elif not arg.startswith("-") and Path(cwd, arg.split("::")[0]).exists():
            path, sep, node = arg.partition("::")
            args.append(from_root(path, cwd) + sep + node)
        else:
            args.append(arg)
    return args


def option_path(name, value, cwd):
    if name == "--impl" and "/" not in value and not Path(cwd, value).is_dir():
        return value
    return from_root(value, cwd)


def run(command, handles_ctrl_c=False):
    """Run the command to its end; Ctrl-C stops it with one line. The command runs in a process
    group of its own (a session on POSIX, a new process group on Windows) so that Ctrl-C reaches
    only this script, which then ends it and every process below it, and in a temporary folder of
    its own, removed after it however it ended (a grader stopped mid-run leaves its workers'
    folders). A command that handles Ctrl-C itself (watch mode, pytest's --pdb) shares the
    terminal's group and is waited for."""
    sys.path.insert(0, str(ROOT))
    from kata.processes import end_tree, own_group      # the standard library only: no .venv needed
    alone = not handles_ctrl_c and not any(arg in INTERACTIVE for arg in command)
    signal.signal(signal.SIGTERM, interrupted)            # a stop asked by another program: the same end
    with tempfile.TemporaryDirectory(prefix="kata-run-", ignore_cleanup_errors=True) as tmp:
        child = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "TMPDIR": tmp, "TMP": tmp, "TEMP": tmp},
                                 **(own_group() if alone else {}))
        try:
            return wait(child)
        except KeyboardInterrupt:
            if alone:
                end_tree(child.pid)
                child.wait()
                print("\nstopped (Ctrl-C).", file=sys.stderr)
                return 130
            while child.poll() is None:          # it says its own last line
                try:
                    wait(child)
                except KeyboardInterrupt:
                    continue
            return child.returncode


def wait(child):
    """child.wait(), in short waits: on Windows a wait without a timeout cannot be interrupted by
    Ctrl-C (CPython bpo-28168), which would then come only once the run had ended by itself."""
    while True:
        try:
            return child.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue


def interrupted(number, frame):
    raise KeyboardInterrupt


def main(argv):
    try:
        set_up()
    except (subprocess.CalledProcessError, OSError) as error:
        return f"Setting up .venv failed ({error}). Check your connection and run again." + (
            "\nOn Windows, TensorFlow's files can be too deep for the default path limit: move the kata to a "
            "short folder such as C:\\kata, or enable long paths, then run again." if os.name == "nt" else "")
    except KeyboardInterrupt:
        return "\nstopped (Ctrl-C) while setting up .venv: run again to finish it."
    args = pytest_args(argv, Path.cwd())
    if "--watch" in args:                  # the watcher handles Ctrl-C itself
        return run([str(PYTHON), "-m", "kata.watch", *[a for a in args if a != "--watch"]], handles_ctrl_c=True)
    return run([str(PYTHON), "-m", "pytest", *args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

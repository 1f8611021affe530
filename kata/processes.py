"""Child processes on every OS: start one in a group of its own, find everything below it, end it all.

psutil knows process trees on Linux, macOS and Windows; run.py runs before .venv exists, with the
Python that started it, so without psutil this falls back on /proc (Linux), `ps` (macOS) or
`taskkill /T` (Windows). Only the standard library is imported at the top.
"""
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

WINDOWS = os.name == "nt"


def own_group():
    """Popen arguments that start a child in a process group of its own, which the terminal's Ctrl-C
    does not reach: a session on POSIX, a new process group on Windows (Ctrl-C is then off in it)."""
    if WINDOWS:
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)}
    return {"start_new_session": True}


def descendants(pid):
    """pid and every live process below it, parents before children."""
    try:
        import psutil
    except ImportError:
        return _descendants_without_psutil(pid)
    try:
        root = psutil.Process(pid)
        return [pid] + [child.pid for child in root.children(recursive=True)]
    except psutil.Error:
        return []


def _children_table():
    """{parent pid: [child pids]} from /proc or ps."""
    children = {}
    if Path("/proc/self/stat").exists():
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(stat.parent.name))
        return children
    listing = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid="], capture_output=True, text=True).stdout
    for line in listing.splitlines():
        with contextlib.suppress(ValueError):
            child, parent = map(int, line.split())
            children.setdefault(parent, []).append(child)
    return children


def _descendants_without_psutil(pid):
    if WINDOWS:
        return [pid]
    children, found, todo = _children_table(), [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def end_tree(pid, wait=3.0):
    """Kill pid and everything below it, at once, and wait up to `wait` seconds for them to be gone
    (a temporary folder they hold open can then be removed, on Windows too). On POSIX the tree is
    stopped first (SIGSTOP), so that none of it forks another while it is read; Windows has no
    stopping, and psutil (or taskkill /T) reads the tree in one go."""
    if WINDOWS and _psutil() is None:
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
        return
    if not WINDOWS:
        for _ in range(2):
            for each in descendants(pid):
                with contextlib.suppress(OSError):
                    os.kill(each, signal.SIGSTOP)
    tree = descendants(pid)
    for each in tree:
        if WINDOWS:
            with contextlib.suppress(Exception):
                _psutil().Process(each).kill()
        else:
            with contextlib.suppress(OSError):
                os.kill(each, signal.SIGKILL)
    deadline = time.monotonic() + wait
    while alive(tree) and time.monotonic() < deadline:
        time.sleep(0.02)


def _psutil():
    try:
        import psutil
    except ImportError:
        return None
    return psutil


def alive(pids):
    """The pids of pids still running (a zombie is not)."""
    try:
        import psutil
    except ImportError:
        return [pid for pid in pids if _running_without_psutil(pid)]
    running = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                running.append(pid)
    return running


def _running_without_psutil(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def python_command(code):
    """A command that runs `code` in a fresh Python, this one, with the kata importable."""
    root = str(Path(__file__).resolve().parents[1])
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {root!r}); {code}"]

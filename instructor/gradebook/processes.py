"""The grading processes of a class: each forked by the preloaded process (preloaded.py) in a
session of its own, ended with everything it left behind, and none left when the gradebook stops.

The gradebook is the subreaper of every process below it: an orphan that left its process group or
session becomes the gradebook's child, not init's, and is killed as a stray. GradingProcesses holds
what is running; Ctrl-C (stop) kills it and lets no other start."""
import contextlib
import os
import signal
import subprocess
import threading
from dataclasses import dataclass, field

from kata.processes import descendants
from kata.syscalls import Prctl, prctl

from .preloaded import Preloaded


class Stopped(Exception):
    """The gradebook is stopping: this submission gets no row."""


def become_subreaper():
    """Orphans of a submission's processes become this process's children, not init's: none can
    slip away by leaving its process group or session (Linux; elsewhere, the process group only)."""
    with contextlib.suppress(Exception):
        prctl(Prctl.SET_CHILD_SUBREAPER, 1)


def kill(pid, group=False):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        (os.killpg if group else os.kill)(pid, signal.SIGKILL)


def kill_strays(keep=()):
    """Kill and reap every process below this one that is not in keep or under one of them: what a
    finished or killed submission left behind (this process is their subreaper)."""
    for _ in range(20):     # killing a parent hands its children to this process: repeat until none
        below = descendants(os.getpid())[1:]        # read first: what starts after it is not a stray
        kept = {pid for each in keep for pid in descendants(each)}
        strays = [pid for pid in below if pid not in kept]
        if not strays:
            return
        for pid in strays:
            kill(pid)
        for pid in strays:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)      # only this process's own children; the others are not its to reap


@dataclass
class Forked:
    """A grading process forked by the preloaded process."""
    server: Preloaded
    pid: int

    def wait(self, timeout=None):
        code = self.server.wait(self.pid, timeout)
        if code is None:
            raise subprocess.TimeoutExpired("grading", timeout)
        return code


@dataclass
class GradingProcesses:
    """The class's grading processes: the preloaded process that forks them, those running, and
    whether the gradebook is stopping (set by Ctrl-C or SIGTERM: no grading process starts after it).
    Starting one, ending one and killing strays happen one at a time (lock)."""
    stopping: threading.Event = field(default_factory=threading.Event)
    server: Preloaded = None
    running: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @contextlib.contextmanager
    def forked_by(self, server):
        """Grading processes forked by server (a Preloaded) for the duration; then it is closed."""
        self.server = server
        try:
            yield
        finally:
            self.server = None
            server.close()

    def start(self, job):
        """A grading process leading its own session, forked by the preloaded process; Stopped once
        the gradebook is stopping."""
        with self.lock:
            if self.stopping.is_set():
                raise Stopped
            child = Forked(self.server, self.server.start(job))
            self.running.add(child.pid)
            return child

    def end(self, child):
        """Kill its process group, reap it, then kill whatever it left outside the group."""
        kill(child.pid, group=True)
        child.wait()
        with self.lock:
            self.running.discard(child.pid)
            self.kill_strays()

    def kill_strays(self):
        """kill_strays, keeping the running grading processes and the preloaded process. Call with lock held."""
        kill_strays(self.running | ({self.server.process.pid} if self.server else set()))

    def stop(self):
        """Ctrl-C: no grading process starts from now on, and the running ones are killed."""
        self.stopping.set()
        with self.lock:
            for pid in self.running:
                kill(pid, group=True)

    def leave_none(self):
        """The gradebook's last act: every grading process and whatever it started, killed and reaped."""
        with self.lock:
            for pid in self.running:
                kill(pid, group=True)
            self.kill_strays()

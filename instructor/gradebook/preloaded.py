"""A grading process per student without importing TensorFlow per student.

The gradebook starts one *preloaded* process: a fresh Python that imports TensorFlow, Keras, numpy
and pytest once, runs no TensorFlow op (a process that has run one must not fork), then forks one
grading process per request. Each grading process leads its own session, limits the size of every
file it writes, and runs pytest on the student's private copy of the kata, whose boxed workers its
fork server forks as in any run. What it saves is TensorFlow's import, about 2.5 s of CPU, for
every student.

The gradebook talks to it through two pipes, a JSON line a message: a request names the copy, the
pytest arguments, the log file and the limits; the preloaded process answers "started" with the
grading process's pid, then "ended" with its exit code (negative: the signal that killed it).

For a request with "fork_server", the grading process forks the kata's fork server
(kata/forkserver.py) first, before pytest and the grader's modules make anything: the workers of
the box then hold nothing of the grader's.

This module is the gradebook's handle; the process itself is preloaded_server.py.
"""
import json
import subprocess
import sys
import threading
from pathlib import Path

SERVER = Path(__file__).with_name("preloaded_server.py")     # run by its path: see its docstring


class Preloaded:
    """The gradebook's handle: start(job) -> pid, then wait(pid, timeout) -> exit code or None."""

    def __init__(self, env):
        self.process = subprocess.Popen([sys.executable, str(SERVER)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                        start_new_session=True)
        self.changed = threading.Condition()
        self.started, self.ended, self.gone = {}, {}, False
        first = self.process.stdout.readline()
        if not first:
            raise OSError("the preloaded grading process did not start")
        self.pid = json.loads(first)["ready"]
        threading.Thread(target=self.read_replies, daemon=True).start()

    def read_replies(self):
        for line in self.process.stdout:
            message = json.loads(line)
            with self.changed:
                if "started" in message:
                    self.started[message["started"]] = message["pid"]
                else:
                    self.ended[message["ended"]] = message["code"]
                self.changed.notify_all()
        with self.changed:
            self.gone = True
            self.changed.notify_all()

    def start(self, job):
        """Fork a grading process for the job (a dict with a unique "id"); its pid."""
        with self.changed:
            self.process.stdin.write((json.dumps(job) + "\n").encode())
            self.process.stdin.flush()
            self.changed.wait_for(lambda: job["id"] in self.started or self.gone)
            if self.gone:
                raise OSError("the preloaded grading process is gone")
            return self.started[job["id"]]

    def wait(self, pid, timeout=None):
        """The grading process's exit code, or None if it has not ended within timeout seconds."""
        with self.changed:
            self.changed.wait_for(lambda: pid in self.ended or self.gone, timeout)
            return self.ended.get(pid, -9 if self.gone else None)

    def close(self):
        self.process.stdin.close()
        self.process.wait()

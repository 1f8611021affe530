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
"""
import json
import subprocess
import sys
import threading

SERVER = r'''
import json, os, resource, select, signal, sys, tempfile
os.environ.update({"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow"})
quiet, saved = os.open(os.devnull, os.O_WRONLY), os.dup(2)
os.dup2(quiet, 2)                        # TensorFlow's C++ start-up lines
import numpy, pytest, keras
import tensorflow as tf
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
os.dup2(saved, 2)
replies = sys.stdout


def say(**message):
    replies.write(json.dumps(message) + "\n")
    replies.flush()


def grade(job):
    """In the forked grading process: never returns."""
    code = 70
    try:
        os.setsid()
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(number, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_FSIZE, (job["limit"], job["limit"]))
        resource.setrlimit(resource.RLIMIT_DATA, (job["memory"], job["memory"]))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        for fd, target in ((0, null), (1, log), (2, log)):
            os.dup2(target, fd)
        os.closerange(3, 1024)
        os.chdir(job["kata"])
        sys.path.insert(0, job["kata"])
        os.environ.update(job["env"])
        tempfile.tempdir = None              # TMPDIR may have changed: ask again
        sys.stdin = open(os.devnull)
        sys.stdout = os.fdopen(1, "w", buffering=1)
        sys.stderr = os.fdopen(2, "w", buffering=1)
        if job.get("fork_server"):          # the kata's: forked before the grader's modules exist
            from kata.backend import workers_for_this_machine
            from kata.forkserver import PREMADE, ForkServer
            PREMADE.append(ForkServer.forked(workers_for_this_machine()))
        code = int(pytest.main(job["args"]))
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        code = 70
    finally:
        os._exit(code)


say(ready=os.getpid())
pending = b""
while True:
    if select.select([0], [], [], 0.05)[0]:
        chunk = os.read(0, 65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in filter(None, lines):
            job = json.loads(line)
            pid = os.fork()
            if pid == 0:
                grade(job)
            say(started=job["id"], pid=pid)
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        say(ended=pid, code=os.waitstatus_to_exitcode(status))
'''


class Preloaded:
    """The gradebook's handle: start(job) -> pid, then wait(pid, timeout) -> exit code or None."""

    def __init__(self, env):
        self.process = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE,
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

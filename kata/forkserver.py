"""The fork server: a process forked from the grader right after `import tensorflow` and before any
TensorFlow op, which forks one worker per job. Forking a process that has run TensorFlow ops can
deadlock the child (its thread pools exist); the server never runs one, so the grader may train
models freely while the server goes on forking workers that build and save theirs.

The grader sends jobs (kata/protocol.py's Job) as JSON lines; the server runs up to `workers` at
once, each in a session of its own, stops one whose calls stop making progress for `time_limit`
seconds (SIGTERM, then SIGKILL to its process group), and answers each job with a JobEnded line.
It needs os.fork and os.pidfd_open: where either is missing, kata/spawnpool.py runs the workers.
When the grader closes its end, or dies (the kernel closes it then), the server kills every worker
and exits.
"""
import collections
import os
import select
import signal
import time
import traceback
from pathlib import Path

from .protocol import Job, JobEnded
from .progress import Progress

POLL = 0.05        # seconds between progress checks of running workers
GRACE = 2.0        # seconds a worker asked to stop has before it is killed


def close_all_but(*keep):
    """Close every inherited descriptor but these and 0-2: a worker must not write to the grader's files."""
    for fd in map(int, os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else range(3, 256)):
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def point_std_at(path):
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    out = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)   # read back per call: see worker.Output
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(null)
    os.close(out)


def default_signals():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGCHLD, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)


def start_worker(job, run):
    """Fork a worker for the job: its own session, its output and answers files in the job's folder
    (opened before the box, outside the files/ folder the box may write), the box if the job names
    one, then run(job, answers)."""
    folder = Path(job.dir)
    (folder / "files").mkdir(parents=True, exist_ok=True)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.setsid()
            default_signals()
            close_all_but()
            point_std_at(folder / "output.txt")
            answers = open(folder / "answers.jsonl", "a")
            if job.box is not None:
                from .sandbox import Box, enter
                enter(Box(**{key: tuple(value) if isinstance(value, list) else value
                             for key, value in job.box.items()}))
            run(job, answers)
        except BaseException:
            traceback.print_exc()          # into output.txt: the worker's own fault, for the grader's eyes
            code = 70
        finally:
            os._exit(code)
    return pid


class Running:
    def __init__(self, job, pid):
        self.job, self.pid = job, pid
        self.pidfd = os.pidfd_open(pid)
        self.progress = Progress(job)
        self.stopping_at = None     # when it was asked to stop (SIGTERM), once it ran too long


def ended(job, status, timed_out, seconds):
    if os.WIFSIGNALED(status):
        return JobEnded(job.id, None, signal.Signals(os.WTERMSIG(status)).name, timed_out, seconds)
    return JobEnded(job.id, os.WEXITSTATUS(status), None, timed_out, seconds)


def serve(requests, replies, workers, run):
    """The server's loop (in the forked server process)."""
    queue, running, pending = collections.deque(), {}, b""

    def reply(item, timed_out):
        _, status = os.waitpid(item.pid, 0)
        os.close(item.pidfd)
        os.write(replies, ended(item.job, status, timed_out, item.progress.seconds()).to_line().encode())

    def kill(item):
        for target in (lambda: os.killpg(item.pid, signal.SIGKILL), lambda: os.kill(item.pid, signal.SIGKILL)):
            try:
                target()
            except (ProcessLookupError, PermissionError):
                pass

    def stop(item, now):
        """SIGTERM first: a boxed worker's outer process then ends the box and keeps the answers
        written so far; SIGKILL to the whole group after GRACE seconds, whatever the worker does."""
        if item.stopping_at is None:
            item.stopping_at = now
            try:
                os.kill(item.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        elif now - item.stopping_at > GRACE:
            kill(item)

    while True:
        while queue and len(running) < workers:
            job = queue.popleft()
            item = Running(job, start_worker(job, run))
            running[item.pidfd] = item
        ready, _, _ = select.select([requests, *running], [], [], POLL if running else None)
        for fd in ready:
            if fd == requests:
                chunk = os.read(requests, 65536)
                if not chunk:                       # the grader is gone or done: so is every worker
                    for item in running.values():
                        kill(item)
                    os._exit(0)
                pending += chunk
                *lines, pending = pending.split(b"\n")
                queue.extend(Job.from_line(line) for line in lines if line.strip())
            else:
                item = running.pop(fd)
                kill(item)                        # whatever it left in its group goes with it
                reply(item, timed_out=item.stopping_at is not None)
        now = time.monotonic()
        for item in running.values():
            if item.stopping_at is not None or item.progress.stalled(now):
                stop(item, now)


class ForkServer:
    """The grader's handle on the server: submit(job), then wait(job_id) for its reply."""
    kind = "fork"

    def __init__(self, workers, run):
        to_server, from_grader = os.pipe()
        from_server, to_grader = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.setsid()                      # Ctrl-C in the terminal is the grader's to handle
                default_signals()
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                close_all_but(to_server, to_grader)
                serve(to_server, to_grader, workers, run)
            except BaseException:
                code = 70
            finally:
                os._exit(code)
        os.close(to_server)
        os.close(to_grader)
        self.pid, self.requests = pid, from_grader
        self.replies = os.fdopen(from_server, "rb")
        self.done = {}

    def submit(self, job):
        os.write(self.requests, job.to_line().encode())

    def wait(self, job_id):
        """The server's JobEnded for the job; lost if the server itself is gone."""
        while job_id not in self.done:
            line = self.replies.readline()
            if not line:
                return JobEnded(job_id, lost=True)
            reply = JobEnded.from_line(line)
            self.done[reply.id] = reply
        return self.done[job_id]

    def close(self):
        if self.requests is not None:
            os.close(self.requests)
            self.requests = None
            os.waitpid(self.pid, 0)
            self.replies.close()

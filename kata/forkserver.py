"""The fork server: a process that has imported TensorFlow and runs no TensorFlow op, which forks
one worker per job. Forking a process that has run TensorFlow ops can deadlock the child (its
thread pools exist); the server never runs one, while the grader trains models freely.

The grader sends jobs (kata/protocol.py's Job) as JSON lines; the server runs up to `workers` at
once, each in a session of its own, stops one whose calls stop making progress for `time_limit`
seconds (SIGTERM, then SIGKILL to its process group), and answers each job with a JobEnded line.
It needs os.fork and os.pidfd_open: where either is missing, kata/spawnpool.py runs the workers.
The server is a fresh Python, or a fork made before the grader's modules exist: see ForkServer.
When the grader closes its end, or dies (the kernel closes it then), the server kills every worker
and exits.
"""
import collections
import os
import select
import signal
import subprocess
import time
import traceback
from pathlib import Path

from .protocol import WITHOUT_KERAS, Job, JobEnded
from .progress import HungImports, Progress

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
            if job.box is not None:     # a job without Keras: Keras's files unread, where reads are ruled
                from .sandbox import Box, enter
                enter(Box(**{key: tuple(value) if isinstance(value, list) else value for key, value in job.box.items()},
                          hidden=() if job.keras else WITHOUT_KERAS))
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
    queue, running, pending, hung = collections.deque(), {}, b"", HungImports()

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
            if job in hung:     # its module's import already ran out of time: not run again
                os.write(replies, JobEnded(job.id, signal="SIGKILL", timed_out=True).to_line().encode())
                continue
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
            stalled = item.stopping_at is None and item.progress.stalled(now)
            if stalled and item.progress.importing():
                hung.add(item.job)
            if stalled or item.stopping_at is not None:
                stop(item, now)


class ForkServer:
    """The grader's handle on a server: submit(job), then wait(job_id) for its reply.

    The server knows nothing of the grader: it is either a fresh Python (started(), the usual way)
    or a fork made before the grader's modules, options and pytest's objects existed (forked(), by
    a process that imports TensorFlow once for many sessions: the gradebook's preloaded process,
    watch mode's rounds), kept in PREMADE for the session's plugin to take. So a worker, a fork of
    the server, holds neither the answer key (kata.registry), nor the run's options, nor pytest's
    Config in its memory."""
    kind = "fork"

    def __init__(self, pid=None, requests=None, replies=None, reap=None, launch=None):
        self.pid, self.requests, self.replies, self.reap = pid, requests, replies, reap
        self.launch, self.done = launch, {}      # launch: how to start the server at the first job

    @classmethod
    def started(cls, workers, now=True):
        """A fresh Python that imports TensorFlow (while the grader imports its own) and serves, in
        a session of its own (Ctrl-C in the terminal is the grader's to handle), with the grader's
        environment cleaned (kata/environment.py): its /proc/self/environ is what every worker's is.
        Not now: at the first job (a session that grades nothing starts no server)."""
        def launch():
            from .processes import python_command
            from .environment import clean_environment
            process = subprocess.Popen(python_command(f"from kata.forkserver import main; main({int(workers)})"),
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                       env=clean_environment(os.environ), start_new_session=True, bufsize=0)
            server.pid, server.requests, server.replies = process.pid, os.dup(process.stdin.fileno()), process.stdout
            server.reap, server.launch = process.wait, None
            process.stdin.close()
        server = cls(launch=launch)
        if now:
            launch()
        return server

    @classmethod
    def forked(cls, workers):
        """A fork of this process, which must have imported TensorFlow, run no op, and nothing of
        the grader's yet."""
        run = forked_job_runner()
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
        return cls(pid, from_grader, os.fdopen(from_server, "rb"), lambda: os.waitpid(pid, 0))

    def submit(self, job):
        if self.launch is not None:
            self.launch()
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
        self.launch = None
        if self.requests is not None:
            os.close(self.requests)
            self.requests = None
            self.reap()
            self.replies.close()


def forked_job_runner():
    """What each worker runs: kata/worker.py's run_forked_job, with the sources it may need read now."""
    from .worker import own_sources, run_forked_job
    sources = own_sources()
    return lambda job, answers: run_forked_job(job, answers, sources)


PREMADE = []    # a server forked for the next session of this process (see ForkServer.forked)


def main(workers):
    """The fresh server (ForkServer.started): jobs on fd 0, replies on fd 1, which then point at
    /dev/null; TensorFlow imported, no op run; serve until the grader closes its end."""
    requests, replies = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .quiet import import_tensorflow, quiet_environment
    quiet_environment()
    tf, _ = import_tensorflow()
    tf.config.experimental.enable_op_determinism()
    serve(requests, replies, workers, forked_job_runner())

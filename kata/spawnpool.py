"""The portable worker backend: spawned worker processes (kata/spawned_worker.py), for platforms
where the fork server cannot run (no os.fork or no os.pidfd_open: Windows, macOS) or when
--workers=spawn asks for it.

The workers are started when the pool is made, before the grader imports TensorFlow, so both
imports run at once; they serve the whole session. A job goes to a worker that is ready (its
TensorFlow imported), so the import never counts against a call's time limit. A worker whose calls
stop making progress for the time limit (kata/progress.py) is killed with everything it started,
and so is one that crashed; a new worker takes its place. Same jobs, same replies
(protocol.JobEnded) as the fork server's, so the grader cannot tell the backends apart.

There is no box: a spawned worker serves several jobs, and the sandbox (kata/sandbox.py) is
entered once, for good, by a process that serves one. The learner's code runs outside the grading
process all the same.
"""
import collections
import os
import json
import subprocess
import threading
import time

from .environment import clean_environment
from .processes import end_tree, own_group, python_command
from .progress import HungImports, Progress
from .protocol import JobEnded

POLL = 0.05           # seconds between checks of the running jobs (a worker's message wakes it sooner)
RESTARTS = 3          # workers that may die before they are ready before the pool gives up
SHARED = []           # a pool that a process keeps across pytest sessions (watch mode's rounds)


class Worker:
    """One spawned worker process and what it last said."""

    def __init__(self, wake):
        self.wake = wake           # set when the worker says something: the supervisor looks at once
        self.process = subprocess.Popen(python_command("from kata.spawned_worker import main; main()"),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, bufsize=1, env=clean_environment(os.environ), **own_group())
        self.messages = collections.deque()
        self.ready, self.job, self.progress = False, None, None
        threading.Thread(target=self.listen, daemon=True).start()

    def listen(self):
        try:
            for line in self.process.stdout:
                try:
                    self.messages.append(json.loads(line))
                except ValueError:
                    continue
                self.wake.set()
        except (OSError, ValueError):  # the pipe closed under it: the worker was stopped
            pass
        self.wake.set()                # its end: it exited or was killed

    def send(self, job):
        """Give it the job; if it has just died, the next check replies for the job."""
        self.job, self.progress = job, Progress(job)
        try:
            self.process.stdin.write(job.to_line())
            self.process.stdin.flush()
        except OSError:
            pass

    def stop(self):
        end_tree(self.process.pid)
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass


def ended_by(returncode):
    """(exit, signal) of a Popen's returncode: negative is the signal that killed it (POSIX)."""
    if returncode is not None and returncode < 0:
        import signal
        try:
            return None, signal.Signals(-returncode).name
        except ValueError:
            return None, f"signal {-returncode}"
    return returncode, None


class SpawnPool:
    """submit(Job), wait(job id) -> JobEnded, close(): the fork server's interface."""
    kind = "spawn"

    def __init__(self, workers, start=True):
        """workers processes, started now (while the grader imports TensorFlow) or, not start, at
        the first job (a session that grades nothing, such as the self-check's own, starts none)."""
        self.size, self.changed = workers, threading.Condition()
        self.queue, self.done, self.closed, self.restarts = collections.deque(), {}, False, 0
        self.broken = False      # no worker could start: every job is lost
        self.hung = HungImports()
        self.wake = threading.Event()
        self.workers = [Worker(self.wake) for _ in range(workers)] if start else []
        threading.Thread(target=self.supervise, daemon=True).start()

    def submit(self, job):
        with self.changed:
            if self.broken:
                self.done[job.id] = JobEnded(job.id, lost=True)
            else:
                self.queue.append(job)
                if not self.workers and not self.closed:
                    self.workers = [Worker(self.wake) for _ in range(self.size)]
        self.wake.set()

    def wait(self, job_id):
        with self.changed:
            self.changed.wait_for(lambda: job_id in self.done)
            return self.done[job_id]

    def close(self):
        with self.changed:
            self.closed = True
            workers, self.workers = self.workers, []
        for worker in workers:
            worker.stop()

    # --- the supervisor thread -------------------------------------------------------------------

    def reply(self, worker, **how):
        with self.changed:
            self.done[worker.job.id] = JobEnded(worker.job.id, seconds=worker.progress.seconds(), **how)
            self.changed.notify_all()
        worker.job = worker.progress = None

    def replace(self, worker):
        """A new worker in the place of this one, which has been stopped."""
        with self.changed:
            if not self.closed and worker in self.workers:
                self.workers[self.workers.index(worker)] = Worker(self.wake)

    def supervise(self):
        try:
            while self.restarts <= RESTARTS:
                with self.changed:
                    if self.closed:
                        return
                    workers = list(self.workers)
                now = time.monotonic()
                for worker in workers:
                    self.check(worker, now)
                self.wake.wait(POLL)
                self.wake.clear()
        finally:                                   # given up, or a fault of the kata's here
            self.give_up()

    def check(self, worker, now):
        while worker.messages:
            message = worker.messages.popleft()
            if "ready" in message:
                worker.ready = True
            elif worker.job is not None and message.get("ended") == worker.job.id:
                self.reply(worker, exit=0)
        code = worker.process.poll()
        if code is not None:                       # crashed, exited, or killed from inside
            worker.stop()                          # and whatever it started goes with it
            if worker.job is not None:
                exit, signal = ended_by(code)
                self.reply(worker, exit=exit, signal=signal)
            elif not worker.ready:
                self.restarts += 1
            self.replace(worker)
        elif worker.job is not None and worker.progress.stalled(now):
            if worker.progress.importing():
                self.hung.add(worker.job)
            worker.stop()                          # before the reply: it writes no answer after it
            self.reply(worker, exit=None, signal="SIGKILL", timed_out=True)
            self.replace(worker)
        elif worker.job is None and worker.ready:
            with self.changed:
                job = self.queue.popleft() if self.queue else None
                while job is not None and job in self.hung:     # its module's import ran out of time
                    self.done[job.id] = JobEnded(job.id, signal="SIGKILL", timed_out=True)
                    self.changed.notify_all()
                    job = self.queue.popleft() if self.queue else None
            if job is not None:
                worker.send(job)

    def give_up(self):
        """Workers that die before they are ready (TensorFlow will not import in them): every job
        still waiting is lost, which the grader reports as the kata's fault."""
        with self.changed:
            self.broken = not self.closed
            while self.queue:
                job = self.queue.popleft()
                self.done[job.id] = JobEnded(job.id, lost=True)
            self.changed.notify_all()

"""When a job's worker has run too long: the time limit both worker backends enforce.

A call may run for `time_limit` seconds without progress (a call starting or ending, seen as the
job's answers.jsonl growing), and the whole job for `time_limit` per call and one more (a worker
that keeps writing lines of its own cannot run for ever). Reading a file's size works on every OS.

An import that never ends costs one time limit per module, not one per function: a job stopped
before its first call started (nothing in answers.jsonl) was importing the module, and the backend
answers every later job of the same module, the file unchanged, as timed out without running it
(HungImports).
"""
import os
import time
from pathlib import Path


class Progress:
    def __init__(self, job, now=None):
        self.job, self.answers = job, Path(job.dir) / "answers.jsonl"
        self.started = self.progress_at = time.monotonic() if now is None else now
        self.size = -1

    def stalled(self, now):
        """True once no call has started or ended for time_limit seconds (or the job's cap has passed)."""
        try:
            size = self.answers.stat().st_size
        except OSError:
            size = 0
        if size != self.size:
            self.size, self.progress_at = size, now
        cap = self.job.time_limit * (len(self.job.calls) + 1)
        return now - self.progress_at > self.job.time_limit or now - self.started > cap

    def importing(self):
        """Whether no call had started when last looked at: the worker was still importing the module."""
        return self.size <= 0

    def seconds(self):
        return round(time.monotonic() - self.started, 3)


class HungImports:
    """The learner's modules whose import ran out of time in this backend, each as its file was then
    (a module saved since, in watch mode, is imported again)."""

    def __init__(self):
        self.keys = set()

    @staticmethod
    def key(job):
        try:
            info = os.stat(Path(job.folder) / f"{job.module}.py")
        except OSError:
            return None
        return job.folder, job.module, info.st_mtime_ns, info.st_size

    def add(self, job):
        if self.key(job) is not None:
            self.keys.add(self.key(job))

    def __contains__(self, job):
        key = self.key(job)
        return key is not None and key in self.keys

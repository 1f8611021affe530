"""When a job's worker has run too long: the time limit both worker backends enforce.

A call may run for `time_limit` seconds without progress (a call starting or ending, seen as the
job's answers.jsonl growing), and the whole job for `time_limit` per call and one more (a worker
that keeps writing lines of its own cannot run for ever). Reading a file's size works on every OS.
"""
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

    def seconds(self):
        return round(time.monotonic() - self.started, 3)

"""A spawned worker (the portable backend, kata/spawnpool.py): a fresh Python, never a fork, that
imports TensorFlow once and then runs the jobs the grader sends it, one at a time, for the session.

Jobs arrive as protocol.Job lines on stdin; each one's calls are made by kata/worker.py's run_job,
as in a forked worker, with a fresh import of the learner's module. Between jobs the worker puts back
what a job may have changed in this process: the modules the learner's folder brought, sys.path,
the working folder, sys.stdout and sys.stderr, Keras's global state (layer names count from 0 again).
It says on stdout, one JSON line each: {"ready": pid}, {"started": id}, {"ended": id}.

When the grader goes (its end of stdin closes), the worker exits at once, even inside a call.
"""
import json
import os
import queue
import sys
import threading
from pathlib import Path


def say(replies, **message):
    replies.write(json.dumps(message) + "\n")
    replies.flush()


def read_jobs(pipe, jobs):
    """In a thread: each job line onto jobs; at end of file (the grader is gone), end the process."""
    for line in pipe:
        if line.strip():
            jobs.put(line)
    os._exit(0)


def learners_modules(before, folder):
    """The modules imported since `before` that are the learner's: kata_<module>, and any module
    whose file is in the graded folder (a helper module or package of theirs)."""
    found, folder = [], Path(folder).resolve()
    for name in set(sys.modules) - before:
        file = getattr(sys.modules.get(name), "__file__", None) or ""
        if name.startswith("kata_") or (file and Path(file).resolve().is_relative_to(folder)):
            found.append(name)
    return found


def run_one(job, null):
    from .worker import run_job
    import keras
    folder = Path(job.dir)
    (folder / "files").mkdir(parents=True, exist_ok=True)
    modules, path, cwd, streams = set(sys.modules), list(sys.path), os.getcwd(), (sys.stdout, sys.stderr)
    keras.backend.clear_session()            # as in a fresh process: layer names count from 0
    output = os.open(folder / "output.txt", os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o600)
    #        O_BINARY: on Windows a text-mode descriptor would turn "\n" into "\r\n" and stop reading at ^Z
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    try:
        with open(folder / "answers.jsonl", "a") as answers:
            run_job(job, answers)
    finally:
        sys.stdout, sys.stderr = streams
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(null, 1)
        os.dup2(null, 2)
        for name in learners_modules(modules, job.folder):
            sys.modules.pop(name, None)
        sys.path[:] = path
        os.chdir(cwd)


def main():
    from .protocol import Job
    from .quiet import first_op_quietly, import_tensorflow, quiet_environment
    replies = os.fdopen(os.dup(1), "w")              # the grader's; fds 1 and 2 become each job's output
    pipe = os.fdopen(os.dup(0), "r")                 # the jobs; fd 0 becomes /dev/null: input() gets nothing
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdin = open(os.devnull)
    quiet_environment()
    tf, _ = import_tensorflow()
    tf.config.experimental.enable_op_determinism()
    first_op_quietly()
    jobs = queue.Queue()
    threading.Thread(target=read_jobs, args=(pipe, jobs), daemon=True).start()
    say(replies, ready=os.getpid())
    while True:
        job = Job.from_line(jobs.get())
        say(replies, started=job.id)
        try:
            run_one(job, null)
        except BaseException as error:        # the kata's own fault: the grader sees the job end badly
            say(replies, failed=job.id, error=f"{type(error).__name__}: {error}")
            os._exit(70)
        say(replies, ended=job.id)


if __name__ == "__main__":
    main()

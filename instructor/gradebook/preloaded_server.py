"""The preloaded process itself (instructor/gradebook/preloaded.py is its handle): a fresh Python
that imports TensorFlow, Keras, numpy and pytest once, runs no TensorFlow op (a process that has run
one must not fork), then forks one grading process per request read on stdin, and says on stdout
when each started and ended, a JSON line a message.

Run by its path (`python .../preloaded_server.py`), never imported and never as `-m
instructor.gradebook...`: no module of the gradebook's is in the memory its grading processes, the
kata's fork server and the boxed workers inherit (selfcheck/test_worker_memory.py)."""
import json
import os
import resource
import select
import signal
import sys
import tempfile

GRADING_FAILED = 70      # a grading process whose pytest raised: EX_SOFTWARE
HERE = os.path.dirname(os.path.realpath(__file__))     # first on sys.path, as the folder of the script run


def import_once():
    """TensorFlow, Keras, numpy and pytest imported, quietly, each op on one thread."""
    os.environ.update({"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow"})
    quiet, saved = os.open(os.devnull, os.O_WRONLY), os.dup(2)
    os.dup2(quiet, 2)                        # TensorFlow's C++ start-up lines
    import keras, numpy, pytest  # noqa: F401, E401
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    os.dup2(saved, 2)


def say(**message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def grade(job):
    """In the forked grading process: its own session, its limits, its log, the job's copy of the
    kata as its folder and first import path, then pytest. Never returns."""
    code = GRADING_FAILED
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
        sys.path[:] = [job["kata"], *(path for path in sys.path if path != HERE)]   # the copy's kata, not this folder
        os.environ.update(job["env"])
        tempfile.tempdir = None              # TMPDIR may have changed: ask again
        sys.stdin = open(os.devnull)
        sys.stdout = os.fdopen(1, "w", buffering=1)
        sys.stderr = os.fdopen(2, "w", buffering=1)
        if job.get("fork_server"):          # the kata's: forked before the grader's modules exist
            from kata.backend import workers_for_this_machine
            from kata.forkserver import PREMADE, ForkServer
            PREMADE.append(ForkServer.forked(workers_for_this_machine()))
        import pytest
        code = int(pytest.main(job["args"]))
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        code = GRADING_FAILED
    finally:
        os._exit(code)


def serve():
    """Fork a grading process per request line on stdin until it closes; report each start and end."""
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


if __name__ == "__main__":
    import_once()
    serve()

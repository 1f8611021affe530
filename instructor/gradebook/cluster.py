"""The class on a Dask cluster (--cluster local:N, --scheduler ADDRESS): each submission one Dask task.

Imported only when one of those options is given (dask is an extra: requirements-cluster.txt).
Every submission is located and copied here, with the local pool's rules (copying.py), and sent to
a worker as data (Sent: its files, a tar archive), with the graded files sent once to every worker
(Grader, a WorkerPlugin): the workers need no shared file system, only this checkout's Python (its
TensorFlow and this package). Each Dask worker keeps one preloaded process and grades each student
in the same box as the local pool (grading.grade_copy); what comes back is an Outcome, data that is
checked here (grading.judged: the results file parsed, the fingerprints compared), and the rows
are written as the tasks complete.

A worker that dies mid-task has the task retried once on another (the scheduler's allowed-failures
is 1 on a LocalCluster; start a scheduler of your own with DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1),
then the student gets an error row naming the lost worker. A scheduler that cannot be reached
within CONNECT_TIMEOUT is one line, exit 4."""
import contextlib
import io
import logging
import shutil
import socket
import sys
import tarfile
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import dask
from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker
from distributed.comm import parse_address, parse_host_port

from kata.results import fingerprint

from .grading import copied_in, failed, finished, grade_copy, gradebook_fault, grading_env, judged
from .preflight import USAGE_ERROR, box_notes
from .preloaded import Preloaded
from .processes import GradingProcesses, Stopped, become_subreaper

PLUGIN = "kata-grader"
CONNECT_TIMEOUT = 10     # seconds to reach --scheduler, then one line and exit 4
QUIET = logging.CRITICAL  # Dask's own log lines: a lost worker is said in its student's row


@dataclass(frozen=True)
class Sent:
    """One submission as a task's data: the student, and their copied files as a tar archive
    (kata/exercises/, and a repository copy's graded files under sent/)."""
    student: str
    archive: bytes


def packed(folder, names):
    """A tar archive of folder's names (files, folders, links inside them: what copying.py let through)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name in names:
            archive.add(folder / name, arcname=name)
    return buffer.getvalue()


def unpacked(archive, into):
    """Unpack an archive of packed() into into, with tarfile's data filter (no link or path out of it)."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as files:
        files.extractall(into, filter="data")


class Grader(WorkerPlugin):
    """On each Dask worker, set up once: the graded files (sent as data), a training cache (the
    coordinator's, shared, on a LocalCluster; else the worker's own), and a preloaded process with
    its grading processes, started in the background and kept."""

    def __init__(self, graded, shared_cache=None):
        self.graded_archive, self.shared_cache = graded, shared_cache

    def setup(self, worker):
        become_subreaper()      # what a submission leaves behind becomes this worker's to kill
        self.folder = tempfile.TemporaryDirectory(prefix="kata-worker-", ignore_cleanup_errors=True)
        self.graded, self.cache = Path(self.folder.name) / "graded", Path(self.folder.name) / "cache"
        unpacked(self.graded_archive, self.graded)
        self.cache.mkdir()
        if self.shared_cache:       # the same machine as the coordinator: one cache, as the local pool's
            self.cache = Path(self.shared_cache)
        self.processes, self.problem = GradingProcesses(), None
        self.ready = threading.Thread(target=self.preload, daemon=True)
        self.ready.start()

    def preload(self):
        try:
            self.processes.server = Preloaded(grading_env())
        except OSError as error:
            self.problem = f"the preloaded grading process did not start on this worker: {error}"

    def teardown(self, worker):
        self.ready.join()
        self.processes.stop()
        self.processes.leave_none()
        if self.processes.server:
            self.processes.server.close()
        self.folder.cleanup()


def grade_sent(sent, settings):
    """The Dask task, on a worker: the submission unpacked beside the graded files, graded in this
    worker's grading process; its Outcome."""
    grader = get_worker().plugins[PLUGIN]
    grader.ready.join()
    if grader.problem:
        raise OSError(grader.problem)
    settings = replace(settings, training_cache=str(grader.cache) if settings.training_cache else None)
    with tempfile.TemporaryDirectory(prefix="kata-grade-", ignore_cleanup_errors=True) as tmp:
        tmp = Path(tmp)
        unpacked(sent.archive, tmp)
        shutil.copytree(grader.graded, tmp / "kata", dirs_exist_ok=True)
        return grade_copy(tmp, settings, grader.processes)


def stop_grading(dask_worker):
    """Ctrl-C, run on every worker: its grading processes killed, none started from now on."""
    dask_worker.plugins[PLUGIN].processes.stop()


def unreachable(address):
    """Why --scheduler's address cannot be reached (one line), or None: a TCP connection tried, no Dask yet."""
    try:
        host, port = parse_host_port(parse_address(address)[1])
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT).close()
    except (OSError, ValueError, TypeError) as error:
        return (f"--scheduler {address}: no Dask scheduler answers there within {CONNECT_TIMEOUT} s "
                f"({getattr(error, 'strerror', None) or error}): start one (dask scheduler) or give its address")
    return None


def cluster_fault(what, error):
    """One line, exit 4: the cluster cannot grade (its scheduler gone, workers that cannot load the gradebook)."""
    first = (str(error).strip().splitlines() or [""])[0][:300]
    print(f"python -m instructor.gradebook: {what} ({type(error).__name__}: {first}): start the scheduler and "
          "every worker with the kata's Python and this checkout on PYTHONPATH (docs/instructors.md: More than "
          "one machine)", file=sys.stderr)
    sys.exit(USAGE_ERROR)


@contextlib.contextmanager
def connected(options):
    """A Client of a LocalCluster of options.cluster worker processes on 127.0.0.1 (their scratch
    space a temporary folder), or of the scheduler at options.scheduler; closed (the LocalCluster too)
    at the end."""
    for name in ("distributed", "tornado"):
        logging.getLogger(name).setLevel(QUIET)
    with tempfile.TemporaryDirectory(prefix="kata-dask-", ignore_cleanup_errors=True) as scratch, \
            dask.config.set({"distributed.scheduler.allowed-failures": 1, "temporary-directory": scratch,
                             "distributed.comm.timeouts.connect": f"{CONNECT_TIMEOUT}s"}):
        if options.scheduler:
            try:
                client = Client(options.scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as error:
                cluster_fault(f"--scheduler {options.scheduler}: no Dask scheduler answered within {CONNECT_TIMEOUT} s", error)
            with client:
                yield client
            return
        with LocalCluster(n_workers=options.cluster, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, silence_logs=QUIET) as cluster, Client(cluster) as client:
            yield client


def say_what_the_workers_box_cannot_enforce(client, said):
    """The notes of preflight.box_notes() on the workers (their machines, containers or users may differ
    from this one's) that are not among those said here: one line each, naming the workers."""
    where = {}
    for worker, notes in client.run(box_notes).items():
        for note in notes:
            where.setdefault(note, []).append(worker)
    for note, workers in where.items():
        if note not in said:
            print(f"Note: on the Dask worker{'s' if len(workers) > 1 else ''} {', '.join(sorted(workers))}, "
                  f"{note}", file=sys.stderr, flush=True)


def lost(error):
    """The reason of a task that did not return: its worker lost twice, or what it raised."""
    worker = getattr(getattr(error, "last_worker", None), "address", None)
    if worker:
        before = getattr(error, "allowed_failures", 1)
        return (f"the Dask worker grading it was lost ({worker}), as {'was the one' if before == 1 else f'were the {before}'} "
                "that tried before: grade it again (a machine that stopped, or memory run out)")
    return f"the gradebook failed on a Dask worker: {type(error).__name__}: {error}"


@dataclass
class Task:
    """A submission sent: what its row needs once its Outcome is back."""
    submission: Path
    note: str
    sent_prints: dict
    copying: float      # seconds it took to locate and copy here; the worker says how long grading took


def send(client, submission, settings, key):
    """Locate and copy the submission here, send it as a task: (its Task, its future), or (its error Results, None)."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kata-send-", ignore_cleanup_errors=True) as tmp:
        tmp = Path(tmp)
        located, error = copied_in(submission, tmp, started)
        if error:
            return error, None
        archive = packed(tmp, ["kata", "sent"])
        task = Task(submission, located.note, fingerprint(tmp / "sent"), time.monotonic() - started)
    with warnings.catch_warnings():     # a large submission is within copying.py's bounds: no warning
        warnings.filterwarnings("ignore", message="(Large object|Sending large graph)")
        return task, client.submit(grade_sent, Sent(submission.name, archive), settings, key=key, pure=False, retries=1)


def row_of_task(future, task, trusted, received):
    """The Results of a finished future: judged here like the local pool's, or an error naming the
    loss; None for a task cancelled or stopped by Ctrl-C."""
    if future.status == "finished":
        outcome = future.result()
        return finished(task.submission, judged(outcome, task.sent_prints, task.note, trusted, received), 0,
                        task.copying + outcome.seconds)
    error = None if future.status == "cancelled" else future.exception()
    if error is None or isinstance(error, Stopped):
        return None
    return failed(task.submission, lost(error), 0)


def grade_on_cluster(folders, record, settings, graded, trusted, processes, options):
    """Grade the folders as Dask tasks; each one's files written (record.add) as its task completes."""
    with connected(options) as client:
        try:
            grader = Grader(packed(graded, sorted(p.name for p in graded.iterdir())),
                            shared_cache=settings.training_cache if options.cluster else None)
            client.register_plugin(grader, name=PLUGIN)
        except Exception as error:      # a worker without this checkout or its Python's packages
            cluster_fault("the Dask workers could not set up the gradebook", error)
        say_what_the_workers_box_cannot_enforce(client, box_notes())
        tasks, completed = {}, as_completed()

        def record_completed():
            for future in completed.next_batch(block=False):
                task = tasks.pop(future)
                try:
                    results = row_of_task(future, task, trusted, settings.received)
                except Exception as error:      # a fault of the gradebook's costs this row only
                    results = gradebook_fault(task.submission, error)
                if results is not None and not processes.stopping.is_set():
                    record.add(results)

        try:
            for number, folder in enumerate(folders):
                if processes.stopping.is_set():
                    break
                try:
                    task, future = send(client, folder, settings, f"grade-{number}")
                except Exception as error:      # a fault of the gradebook's costs this row only
                    task, future = gradebook_fault(folder, error), None
                if future is None:
                    record.add(task)
                else:
                    tasks[future] = task
                    completed.add(future)
                record_completed()
            while tasks and not processes.stopping.is_set():
                time.sleep(0.1)
                record_completed()
        finally:
            if processes.stopping.is_set():
                client.cancel(list(tasks))
                with contextlib.suppress(Exception):
                    client.run(stop_grading)
    return record.done

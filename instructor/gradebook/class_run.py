"""A class graded: every student folder, options.jobs at a time, by one snapshot of this checkout's
graded files; each student's results file, the whole CSV and a terminal line written the moment
they are done; the class report at the end (not after Ctrl-C)."""
import sys
import tempfile
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from instructor.class_report import write_class_report
from kata.results import fingerprint

from .copying import ROOT, snapshot
from .grades import row_of, terminal_line, write_csv, write_json
from .grading import Settings, grade_or_stop, grading_env
from .preflight import environment_fault
from .preloaded import Preloaded
from .shards import SHARD_FILE, shard_facts, share_of
from .tampering import templates_received


def student_folders(submissions, out):
    """Each student's folder (a link to one too: it is graded as an error, never followed); not
    hidden folders, nor --out if it is inside SUBMISSIONS_DIR."""
    return sorted(p for p in submissions.iterdir()
                  if not p.name.startswith(".") and p.is_dir() and p.resolve() != out.resolve())


@dataclass
class Record:
    """The students done so far, in the order they finished, and their CSV rows (one each)."""
    out: Path
    done: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    def add(self, results):
        """One student done: their results file, the whole CSV again, and a line on the terminal."""
        self.done.append(results)
        self.rows.append(row_of(results))
        write_json(self.out / "results" / f"{results.about['student']}.json", results.to_json())
        write_csv(self.out / "grades.csv", self.rows)
        print(terminal_line(results), flush=True)


def grade_each(folders, record, settings, graded, trusted, processes, jobs):
    """Grade the folders, jobs at a time; the results of those done, in the order they finished."""
    pool = ThreadPoolExecutor(max_workers=jobs)
    pending = {pool.submit(grade_or_stop, folder, settings, graded, trusted, processes) for folder in folders}
    try:
        while pending and not processes.stopping.is_set():
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in finished:
                if future.result() is not None:
                    record.add(future.result())
    finally:
        if processes.stopping.is_set():
            processes.stop()
        pool.shutdown(wait=True, cancel_futures=True)
    for future in pending:      # finished on their own while the gradebook stopped: kept
        if future.done() and not future.cancelled() and future.result() is not None:
            record.add(future.result())
    return record.done


def grade_locally(folders, record, settings, graded, trusted, processes, jobs):
    """The local pool: one preloaded process forks every student's grading process, jobs at a time."""
    try:
        server = Preloaded(grading_env())
    except OSError:         # it imports TensorFlow, Keras and pytest before it says it is ready
        environment_fault(f"TensorFlow, Keras or pytest did not import in {sys.executable}")
    with processes.forked_by(server):
        return grade_each(folders, record, settings, graded, trusted, processes, jobs)


def class_folders(options):
    """The student folders this run grades: the whole class, or its --shard's share."""
    return share_of(student_folders(options.submissions, options.out), options.shard)


def grade_all(submissions, out, options, processes):
    """Grade every student folder in parallel; results/<student>.json and grades.csv as each finishes."""
    (out / "results").mkdir(parents=True, exist_ok=True)
    folders = class_folders(options)
    with tempfile.TemporaryDirectory(prefix="kata-graded-") as tmp, \
            tempfile.TemporaryDirectory(prefix="kata-training-cache-") as cache:
        graded = snapshot(Path(tmp))
        trusted = fingerprint(graded)
        settings = Settings(deadline=options.deadline, time_limit=options.time_limit, seed=options.seed,
                            max_output_mb=options.max_output_mb, received=templates_received(options),
                            training_cache=None if options.no_training_cache else cache)
        write_json(out / "fingerprint.json", trusted)
        if options.shard:
            write_json(out / SHARD_FILE, shard_facts(options))
        write_csv(out / "grades.csv", [])
        if not folders:
            print(f"no submissions found in {submissions}")
            return []
        record = Record(out)
        if options.cluster or options.scheduler:
            from .cluster import grade_on_cluster       # dask, an extra, only when asked for
            results_list = grade_on_cluster(folders, record, settings, graded, trusted, processes, options)
        else:
            results_list = grade_locally(folders, record, settings, graded, trusted, processes, options.jobs)
    if processes.stopping.is_set():
        return results_list
    # The class report: one place, after every student is graded (not after Ctrl-C).
    write_class_report(results_list, out)
    if fingerprint(ROOT) != trusted:
        print("Note: this checkout's graded files changed while grading; the grades above used the "
              "files as they were at the start (out/fingerprint.json).", file=sys.stderr)
    return results_list

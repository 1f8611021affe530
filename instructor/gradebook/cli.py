"""The gradebook's command line: the options, each checked (one line naming a bad one, exit 4),
then the class graded with Ctrl-C and SIGTERM stopping it at once (exit 130, the finished rows
kept) and no grading process left behind. `python -m instructor.gradebook` runs main()."""
import argparse
import importlib
import math
import os
import signal
import sys
import time
from pathlib import Path

from instructor import gradebook as package
from kata.cli import OneLineParser
from kata.results import load_expected

from .class_run import class_folders, grade_all
from .preflight import linux_or_exit, say_what_the_box_cannot_enforce
from .processes import GradingProcesses, become_subreaper
from .shards import merge_main, shard

DESCRIPTION = package.__doc__.split("\n")[0]     # the package's first line
INTERRUPTED = 130           # Ctrl-C: the finished rows are kept
TIME_LIMIT = 10     # seconds a call of a student's code may run: an honest call takes under 1 s, even on a
#                    loaded machine (the fork workers have TensorFlow imported already); --grade's own 60 s
#                    let four slow submissions of a class take 61 % of its grading time (benchmark/gradebook.py --slow)
INSTALL_DASK = ".venv/bin/python -m pip install -r requirements-cluster.txt"


def parse(argv):
    parser = OneLineParser(prog="python -m instructor.gradebook", description=DESCRIPTION)
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS_DIR", help="a folder with one sub-folder per student")
    parser.add_argument("--out", type=Path, required=True,
                        help="where grades.csv, results/<student>.json and fingerprint.json go")
    parser.add_argument("--deadline", "--timeout", dest="deadline", type=float, default=300, metavar="SECONDS",
                        help="seconds one submission's grading may take in all, then it is stopped (default 300; "
                             "the Gradescope builder's --deadline; --timeout is the old spelling)")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT,
                        help=f"seconds one call of a student's code may run (default {TIME_LIMIT})")
    received = parser.add_mutually_exclusive_group()
    received.add_argument("--template", type=Path, metavar="DIR",
                          help="the template the class received (python -m instructor.template's OUT): a "
                               "repository copy's graded files are compared with its (default: the templates "
                               "this checkout writes)")
    received.add_argument("--expected-fingerprint", metavar="FILE",
                          help="the same as a fingerprint: the JSON file python -m instructor.template writes "
                               "beside OUT (or python -m instructor.fingerprint prints)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="submissions graded at once (default: cores)")
    parser.add_argument("--kata-seed", "--seed", dest="seed", type=int, default=0, metavar="SEED",
                        help="the seed every submission is graded with, pytest's --kata-seed (default 0; "
                             "--seed is the old spelling)")
    parser.add_argument("--max-output-mb", type=int, default=64,
                        help="largest file a submission may write, its captured output included (default 64)")
    parser.add_argument("--no-training-cache", action="store_true",
                        help="train every student's models afresh, even where a classmate's were the same model "
                             "(by default the gradebook trains each distinct model once: kata/training_cache.py)")
    backend = parser.add_mutually_exclusive_group()
    backend.add_argument("--cluster", type=local_workers, metavar="local:N",
                         help="grade on a Dask LocalCluster of N worker processes, a submission a task (needs "
                              f"dask: {INSTALL_DASK})")
    backend.add_argument("--scheduler", metavar="ADDRESS",
                         help="grade on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:8786), a "
                              "submission a task")
    parser.add_argument("--shard", type=shard, metavar="I/N",
                        help="grade the I-th of N shares of the class (the sorted students whose index %% N is "
                             "I-1); join the shards with: python -m instructor.gradebook merge OUT SHARD_DIR...")
    options = parser.parse_args(argv)
    check(options, parser.error)
    return options


def local_workers(text):
    """--cluster's value: local:N, N worker processes (else one line naming it)."""
    kind, _, count = text.partition(":")
    if kind != "local" or not count.isdigit() or int(count) < 1:
        raise argparse.ArgumentTypeError(f"give local:N, N worker processes (1 or more), not {text!r}")
    return int(count)


def dask_or_error(options, error):
    """--cluster and --scheduler need dask (an extra), imported only then: else one line saying how to install it."""
    if options.cluster or options.scheduler:
        try:
            importlib.import_module("distributed")
        except ImportError as problem:
            option = "--cluster" if options.cluster else "--scheduler"
            error(f"{option} needs dask, which does not import in {sys.executable} ({problem}): {INSTALL_DASK}")
    if options.scheduler:
        from .cluster import unreachable
        problem = unreachable(options.scheduler)
        if problem:
            error(problem)


def check(options, error):
    """Every option in range, the folders usable: else error(one line naming the option)."""
    dask_or_error(options, error)
    if options.jobs < 1:
        error(f"--jobs must be 1 or more, not {options.jobs}")
    if not (0 < options.deadline < math.inf):
        error(f"--deadline must be a number of seconds above 0, not {options.deadline:g}")
    if not 0 < options.max_output_mb <= 2**20:
        error(f"--max-output-mb must be from 1 to {2**20}, not {options.max_output_mb}")
    if not 0 <= options.seed < 2**32:
        error(f"--kata-seed must be from 0 to {2**32 - 1}, not {options.seed}")
    if not (0 < options.time_limit < math.inf):
        error(f"--time-limit must be a number of seconds above 0, not {options.time_limit:g}")
    if options.template and not options.template.is_dir():
        error(f"--template {options.template}: no such folder")
    if options.expected_fingerprint:
        try:
            options.expected_fingerprint = load_expected(str(options.expected_fingerprint))
        except Exception as problem:        # pytest.UsageError, which kata/results.py raises for the graded run
            error(f"--expected-fingerprint: {problem}")
    if not options.submissions.is_dir():
        error(f"SUBMISSIONS_DIR {options.submissions}: no such folder")
    if options.out.exists() and not options.out.is_dir():
        error(f"--out {options.out} is a file, not a folder")
    try:
        options.out.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        error(f"--out {options.out}: cannot make the folder: {problem.strerror}")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["merge"]:     # python -m instructor.gradebook merge OUT SHARD_DIR... (a class folder named merge: ./merge)
        return merge_main(argv[1:])
    options = parse(argv)
    linux_or_exit()
    say_what_the_box_cannot_enforce()
    become_subreaper()
    processes = GradingProcesses()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: processes.stopping.set())    # grade_each notices within 0.2 s
    started = time.monotonic()
    try:
        results_list = grade_all(options.submissions, options.out, options, processes)
    finally:
        processes.leave_none()
    total = len(class_folders(options))
    if processes.stopping.is_set():
        print(f"interrupted: {len(results_list)} of {total} submissions graded, their rows are in "
              f"{options.out / 'grades.csv'}; no grading process is left", file=sys.stderr)
        sys.exit(INTERRUPTED)
    if total:
        print(f"graded {total} submissions in {time.monotonic() - started:.1f} s -> {options.out / 'grades.csv'}")

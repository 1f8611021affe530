"""The gradebook on a Dask cluster (--cluster local:N, --scheduler ADDRESS) and in shards (--shard I/N,
merge): a LocalCluster of two worker processes gives a class exactly the rows the local pool gives;
a worker killed mid-class still leaves every student a row; shards merged equal the whole; without
dask, an unreachable scheduler or shards that differ, one line and exit 4.

The cluster's tests are skipped, saying so, where dask is not installed (requirements-cluster.txt:
tox -e selfcheck installs it). Every address is 127.0.0.1."""
import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from instructor.gradebook import shards
from selfcheck import submissions
from selfcheck.runs import ROOT, ctrl_c, gradebook, gradebook_command, gradebook_meanwhile, grades_in, processes_mentioning

NEEDS_DASK = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="dask is not installed: pip install -r requirements-cluster.txt")
SLOW = pytest.mark.timeout(900)
SOLVED = [f"solved_{i}" for i in range(8)]
MISTAKES = sorted(p for p in (ROOT / "selfcheck" / "mistakes").iterdir() if p.is_dir())[::11][:8]
BUILDERS = [submissions.half_done, submissions.missing_module, submissions.kills_its_parent,
            submissions.kills_its_group, submissions.has_a_fifo]


def make_class(into, solved=SOLVED, mistakes=MISTAKES, builders=BUILDERS):
    """The solutions under several names, mistakes from the catalogue, and bad or hostile submissions."""
    into.mkdir(parents=True)
    for name in solved:
        submissions.solved(into, name)
    for mistake in mistakes:
        submissions.copy_of(mistake.relative_to(ROOT), into, f"mistake_{mistake.name}")
    for builder in builders:
        builder(into)
    return sorted(p.name for p in into.iterdir())


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """The class, and its rows from the local pool (--jobs 2): (folder, students, rows)."""
    tmp = tmp_path_factory.mktemp("klass")
    students = make_class(tmp / "class")
    code, output, rows, _ = gradebook(tmp / "class", tmp / "local", "--jobs", "2", "--deadline", "120")
    assert code == 0 and sorted(rows) == students, output
    return tmp / "class", students, rows


def test_the_class_is_as_large_as_the_issue_asks():
    assert len(SOLVED) + len(MISTAKES) + len(BUILDERS) >= 20


@NEEDS_DASK
@SLOW
def test_a_local_cluster_of_two_workers_gives_the_rows_the_local_pool_gives(klass, tmp_path):
    folder, students, local = klass
    code, output, rows, results = gradebook(folder, tmp_path / "out", "--cluster", "local:2", "--deadline", "120")
    assert code == 0, output
    assert rows == local, output            # every column of every row, the reasons included
    assert sorted(results) == students and (tmp_path / "out" / "class_report.html").is_file()
    assert rows["kills_its_parent"]["status"] == "fail" and rows["kills_its_parent"]["one_to_one"] == "40"
    stray = [line for line in output.splitlines() if not line.startswith(("Note: the sandbox", "graded 21 "))
             and line.split(" ", 1)[0] not in students]      # no log line of Dask's, no warning, no traceback
    assert not stray and len(students) == 21, stray


@NEEDS_DASK
@SLOW
def test_shards_merged_equal_the_whole(klass, tmp_path):
    """Shard 1 on a LocalCluster, shard 2 on the local pool: merged, the rows of the whole class."""
    folder, students, local = klass
    runs = [gradebook(folder, tmp_path / "1", "--shard", "1/2", "--cluster", "local:2", "--deadline", "120"),
            gradebook(folder, tmp_path / "2", "--shard", "2/2", "--jobs", "2", "--deadline", "120")]
    assert [code for code, *_ in runs] == [0, 0], [output for _, output, *_ in runs]
    assert sorted(runs[0][2]) == students[0::2] and sorted(runs[1][2]) == students[1::2]
    merged = subprocess.run([sys.executable, "-m", "instructor.gradebook", "merge", str(tmp_path / "all"),
                             str(tmp_path / "1"), str(tmp_path / "2")], cwd=ROOT, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr
    rows, results = grades_in(tmp_path / "all")
    assert rows == local and sorted(results) == students
    assert (tmp_path / "all" / "class_report.html").is_file()


def free_port():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]      # closed on return: nothing listens there


@contextlib.contextmanager
def dask_cluster_of_our_own(port):
    """`dask scheduler` and one `dask worker` (two threads) on 127.0.0.1:port, as the instructor's guide
    starts them (the checkout on PYTHONPATH); their process groups killed at the end."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
    dask = str(Path(sys.executable).with_name("dask"))
    started = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.2)
        started.append(subprocess.Popen([dask, "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "2", "--host",
                                         "127.0.0.1", "--no-dashboard"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True))
        yield
    finally:
        for process in reversed(started):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@NEEDS_DASK
@SLOW
def test_a_scheduler_and_worker_of_our_own_give_the_rows_the_local_pool_gives(klass, tmp_path):
    _, _, local = klass
    students = make_class(tmp_path / "class", solved=SOLVED[:1], mistakes=MISTAKES[:1],
                          builders=[submissions.half_done, submissions.kills_its_parent, submissions.has_a_fifo])
    port = free_port()
    with dask_cluster_of_our_own(port):
        code, output, rows, _ = gradebook(tmp_path / "class", tmp_path / "out", "--scheduler",
                                          f"tcp://127.0.0.1:{port}", "--deadline", "120")
    assert code == 0 and sorted(rows) == students, output
    assert rows == {name: local[name] for name in students}, output


def descendants_of(pid):
    """{pid: parent} of the live processes below pid."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    below, found = {pid}, {}
    for _ in range(10):
        for child, parent in parents.items():
            if parent in below and child not in below:
                below.add(child)
                found[child] = parent
    return found


def busy_dask_worker(gradebook_pid):
    """The pid of a Dask worker process below the gradebook whose preloaded process is grading (has a child), or None."""
    below = descendants_of(gradebook_pid)
    preloaded = {pid for pid in below if b"preloaded_server.py" in command_of(pid)}
    for pid in preloaded:       # the preloaded process itself, not a grading process it forked, nor an orphan
        if below[pid] not in preloaded and below[pid] != gradebook_pid and pid in below.values():
            return below[pid]
    return None


def command_of(pid):
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        return b""


def kill_a_busy_worker(out):
    """An act for gradebook_meanwhile: once a row is written, SIGKILL a Dask worker that is grading."""
    def act(run):
        worker = busy_dask_worker(run.pid) if grades_in(out)[0] else None
        if worker:
            os.kill(worker, signal.SIGKILL)
        return worker is not None
    return act


@NEEDS_DASK
@SLOW
def test_a_worker_killed_mid_class_still_leaves_every_student_a_row(klass, tmp_path):
    """Its task is retried on another worker: every student gets the row the local pool gives."""
    _, _, local = klass
    students = make_class(tmp_path / "class", solved=SOLVED[:3], mistakes=MISTAKES[:1],
                          builders=[submissions.half_done, submissions.kills_its_parent])
    out = tmp_path / "out"
    code, output, after = gradebook_meanwhile(tmp_path / "class", out, "--cluster", "local:2", "--deadline", "120",
                                              act=kill_a_busy_worker(out))
    rows, _ = grades_in(out)
    assert after is not None, f"no Dask worker was found grading: {output}"
    assert code == 0 and sorted(rows) == students, output
    assert {name: rows[name] for name in students} == {name: local[name] for name in students}, output


@NEEDS_DASK
@SLOW
def test_a_submission_whose_worker_is_lost_twice_is_an_error_row_naming_it(tmp_path):
    """Its task is retried once: the second worker killed too, the row says so, and the class ends well."""
    submissions.make_class(tmp_path / "class", [submissions.solved])
    killed = []

    def kill_each_busy_worker(run):
        worker = busy_dask_worker(run.pid)
        if worker and worker not in killed:
            os.kill(worker, signal.SIGKILL)
            killed.append(worker)
        return len(killed) == 2

    code, output, after = gradebook_meanwhile(tmp_path / "class", tmp_path / "out", "--cluster", "local:2",
                                              act=kill_each_busy_worker)
    row = grades_in(tmp_path / "out")[0].get("solved")
    assert after is not None and code == 0 and row, output
    assert row["status"] == "error" and row["reason"].startswith("the Dask worker grading it was lost (tcp://127.0.0.1:"), row
    assert (tmp_path / "out" / "class_report.html").is_file()


@NEEDS_DASK
@SLOW
def test_ctrl_c_on_a_cluster_keeps_the_finished_rows_and_leaves_nothing(tmp_path):
    out, temp = tmp_path / "out", tmp_path / "temp"
    code, output, after = gradebook_meanwhile(submissions.to_interrupt(tmp_path / "class"), out, "--cluster",
                                              "local:1", temp=temp, act=ctrl_c(out, ready=lambda run: busy_dask_worker(run.pid)))
    rows, results = grades_in(out)
    assert after is not None and (code, sorted(rows), sorted(results)) == (130, ["solved"], ["solved"]), output
    assert output.splitlines()[-1].startswith("interrupted: 1 of 3"), output
    assert not processes_mentioning(str(temp)) and not list(temp.iterdir()), list(temp.iterdir())


def test_lost_twice_is_an_error_row_naming_the_worker():
    pytest.importorskip("distributed", reason="dask is not installed: pip install -r requirements-cluster.txt")
    from distributed.scheduler import KilledWorker
    from instructor.gradebook import cluster
    reason = cluster.lost(KilledWorker("grade-3", SimpleNamespace(address="tcp://127.0.0.1:40123"), 1))
    assert "the Dask worker grading it was lost (tcp://127.0.0.1:40123)" in reason, reason
    assert cluster.lost(OSError("gone")) == "the gradebook failed on a Dask worker: OSError: gone"


# --- one line, exit 4 --------------------------------------------------------------------------

def one_line_run(tmp_path, *options, env=None):
    submissions.make_class(tmp_path / "class", [submissions.solved])
    run = subprocess.run(gradebook_command(tmp_path / "class", tmp_path / "out", *options), cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 4 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert not grades_in(tmp_path / "out")[0]
    return run.stderr


@pytest.mark.parametrize("option", [["--cluster", "local:2"], ["--scheduler", "tcp://127.0.0.1:8786"]])
def test_without_dask_the_cluster_options_say_how_to_install_it(tmp_path, option):
    fake = tmp_path / "no-dask" / "distributed"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named distributed')\n")
    said = one_line_run(tmp_path, *option, env={**os.environ, "PYTHONPATH": str(fake.parent)})
    assert f"{option[0]} needs dask" in said and "pip install -r requirements-cluster.txt" in said, said


@NEEDS_DASK
def test_a_scheduler_that_cannot_be_reached_is_one_line(tmp_path):
    port = free_port()
    said = one_line_run(tmp_path, "--scheduler", f"tcp://127.0.0.1:{port}")
    assert f"--scheduler tcp://127.0.0.1:{port}: no Dask scheduler answers there" in said, said


@pytest.mark.parametrize("option, named", [(["--cluster", "local:0"], "--cluster"), (["--cluster", "ssh:2"], "--cluster"),
                                           (["--shard", "3/2"], "--shard"), (["--shard", "0/2"], "--shard"),
                                           (["--shard", "1"], "--shard")])
def test_a_bad_cluster_or_shard_option_is_one_line_naming_it(tmp_path, option, named):
    assert named in one_line_run(tmp_path, *option)


def test_the_gradebook_imports_no_dask_unless_asked(tmp_path):
    (tmp_path / "class").mkdir()
    code = ("import sys\nfrom instructor.gradebook import cli, class_run, shards\n"
            f"options = cli.parse([{str(tmp_path / 'class')!r}, '--out', {str(tmp_path / 'out')!r}, '--shard', '1/2'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "[]", run.stdout + run.stderr


# --- merge refuses shards that differ ------------------------------------------------------------

def fake_shard(folder, index, of=2, seed=0, sha="a" * 64, students=()):
    (folder / "results").mkdir(parents=True)
    (folder / "fingerprint.json").write_text(json.dumps({"sha256": sha, "files": {}}))
    (folder / shards.SHARD_FILE).write_text(json.dumps({"shard": index, "of": of, "seed": seed, "time_limit": 10,
                                                        "deadline": 300, "versions": shards.versions()}))
    for student in students:
        (folder / "results" / f"{student}.json").write_text(json.dumps(
            {"version": 3, "status": "error", "message": "x", "score": 0, "max_score": None, "tests": []}))
    return folder


def merged(tmp_path, *folders):
    run = subprocess.run([sys.executable, "-m", "instructor.gradebook", "merge", str(tmp_path / "all"),
                          *map(str, folders)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return run.returncode, run.stdout + run.stderr


@pytest.mark.parametrize("second, named", [
    (dict(seed=7), "was graded with seed 7"), (dict(sha="b" * 64), "fingerprint.json differs"),
    (dict(index=1), "the shards given are 1, 1 of 2"), (dict(of=3), "was graded with of 3"),
    (dict(students=["ann"]), "ann is in two shards")])
def test_merge_refuses_shards_that_differ_in_one_line(tmp_path, second, named):
    first = fake_shard(tmp_path / "s1", 1, students=["ann"])
    other = fake_shard(tmp_path / "s2", **{"index": 2, **second})
    code, output = merged(tmp_path, first, other)
    assert code == 4 and len(output.strip().splitlines()) == 1 and named in output, output
    assert "Traceback" not in output and not (tmp_path / "all" / "grades.csv").exists()


def test_merge_refuses_a_folder_that_is_not_a_shard(tmp_path):
    (tmp_path / "plain").mkdir()
    code, output = merged(tmp_path, fake_shard(tmp_path / "s1", 1), tmp_path / "plain")
    assert code == 4 and len(output.strip().splitlines()) == 1 and "not a shard's --out folder" in output, output


def test_merge_joins_the_shards_rows(tmp_path):
    code, output = merged(tmp_path, fake_shard(tmp_path / "s1", 1, students=["ann"]),
                          fake_shard(tmp_path / "s2", 2, students=["bob", "cy"]))
    rows, results = grades_in(tmp_path / "all")
    assert code == 0 and sorted(rows) == sorted(results) == ["ann", "bob", "cy"], output
    assert json.loads((tmp_path / "all" / "fingerprint.json").read_text())["sha256"] == "a" * 64

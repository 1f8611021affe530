"""Gradescope: build the autograder zip, grade one submission inside it, and turn the kata's
results into Gradescope's.

    .venv/bin/python -m instructor.gradescope OUT [--classroom]     writes OUT/autograder.zip

The zip holds setup.sh and run_autograder (below, as SETUP and RUN_AUTOGRADER), the template the
class received (python -m instructor.template's files) with its fingerprint, the instructor modules
the gradebook needs, and solutions/, which setup.sh grades once, when Gradescope builds the image,
and then deletes. Inside the image, run_autograder calls

    python -m instructor.gradescope run --submission DIR --results FILE

which grades DIR as a class of one with the gradebook (its copy rules, its box, its fingerprint
check against the packaged template's), as an unprivileged user when it runs as root, within a
deadline and a memory watch, and always writes FILE. Both scripts honour AUTOGRADER_ROOT (default
/autograder), so a test can run them under a prefix with Gradescope's layout.
"""
import argparse
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kata.cli import OneLineParser
from kata.processes import descendants, end_tree
from kata.results_model import Results, Status

ROOT = Path(__file__).resolve().parents[1]
STUDENT = "submission"              # the one folder of the class of one
DEADLINE = 540                      # seconds: KATA_DEADLINE's default, inside Gradescope's default 10 min
RESERVE = 60                        # of the deadline (at most half), for the gradebook's start (TensorFlow's import) and end
NEEDED_MEMORY = 1536 * 2**20        # bytes: a grading peaked at 855 MB (PSS; docs/instructors.md), plus a margin
WATCH_SHARE = 0.9                   # the watch kills the grading at this share of the memory limit
FINGERPRINT = "template.fingerprint.json"
INSTRUCTOR_FILES = ("__init__.py", "gradebook", "gradescope.py", "template.py", "shapes.py", "spreadsheet.py",
                    "fingerprint.py", "class_report.py")   # the gradebook (a package) and what it imports


# --- the conversion: the kata's results.json to Gradescope's ------------------------------------

@dataclass
class Run:
    """What the autograder knows of a grading beyond its results: for extra_data and the messages."""
    seconds: float = None
    peak_memory_mb: int = None
    memory_limit_mb: int = None
    problem: str = None             # a sentence for the student when grading did not complete


def exercise_boxes(tests):
    """{exercise: [checks]} in the order the checks ran (the README's order of the exercises)."""
    boxes = {}
    for test in tests:
        boxes.setdefault(test.exercise, []).append(test)
    return boxes


def once(texts):
    """The texts without repeats or blanks, in order."""
    return list(dict.fromkeys(text for text in texts if text))


def check_name(test):
    return test.name.split("::")[-1].removeprefix("test_").replace("_", " ")


def exercise_test(exercise, checks):
    """One Gradescope test for one exercise: its points, passed only if every check passed; the
    output lists each message of the checks that did not pass once (with the check's name, or how many
    checks got it), then what the learner's code printed, once."""
    failed = [t for t in checks if t.status is not Status.PASS]
    lines = [f"{len(checks) - len(failed)} of {len(checks)} checks passed."]
    said = {}           # message: the checks that got it (a file not sent fails all 34 alike)
    for test in failed:
        said.setdefault(test.message or test.status.value, []).append(check_name(test))
    lines += [f"\n- {names[0] if len(names) == 1 else f'{len(names)} checks'}: {message}" for message, names in said.items()]
    printed = once(t.output for t in checks)
    if printed:
        lines.append("\nYour code printed:\n" + "\n".join(printed))
    task = checks[0].task_id
    return {"name": exercise, "number": str(task) if task else None,
            "score": sum(t.score for t in checks), "max_score": sum(t.max_score for t in checks),
            "status": "failed" if failed else "passed", "output": "\n".join(lines),
            "tags": once([exercise, *(t.cause for t in failed)]), "visibility": "visible"}


def score_table(boxes, results):
    """The top-level output: one line per exercise and the total, as the kata prints it."""
    rows = [f"{name:<16}{sum(t.score for t in checks):>4} / {sum(t.max_score for t in checks):<4}points"
            for name, checks in boxes.items()]
    rows.append(f"Score {results.score}/{results.max_score or 0}")
    return "\n".join(rows)


def to_gradescope(results, run=None):
    """Gradescope's results.json for the kata's results of one submission (Results, as the gradebook
    writes them). Pure: no file, no TensorFlow.

    One Gradescope test per exercise, not per check: a submission has 175 checks, and 175 boxes bury
    the one that matters (issue 17); an exercise is what the learner works on, and its box lists the
    checks that did not pass, each message once, then what the learner's code printed, once (the kata
    keeps the output per check, where the same print repeats). Checks stay in extra_data's counts and in
    the gradebook's own results. A grading that did not complete, or graded files that differ from
    the template's, adds one more visible test, "grading", saying what happened; the points of the
    checks graded before it are kept (the gradebook's rule: the instructor judges)."""
    run = run or Run()
    boxes = exercise_boxes(results.tests)
    tests = [exercise_test(name, checks) for name, checks in boxes.items()]
    problem = run.problem or (results.message if results.status is Status.ERROR else None)
    if problem:
        tests.append({"name": "grading", "score": 0, "max_score": 0, "status": "failed",
                      "output": problem, "tags": ["grading"], "visibility": "visible"})
    note = results.message if results.status is not Status.ERROR else None    # e.g. nested one folder down
    output = "\n\n".join(once([score_table(boxes, results) if boxes else "Not graded.", problem, note]))
    extra = {"status": results.status.value, **{key: results.about.get(key) for key in (
        "seed", "time_limit", "python", "tensorflow", "keras", "sandbox", "student", "seconds")}}
    extra.update(fingerprint=(results.about.get("fingerprint") or {}).get("sha256"),
                 checks={"passed": sum(t.status is Status.PASS for t in results.tests), "total": len(results.tests)},
                 autograder={"seconds": run.seconds, "peak_memory_mb": run.peak_memory_mb,
                             "memory_limit_mb": run.memory_limit_mb})
    for test in tests:
        if test.get("number") is None:
            test.pop("number", None)
    return {"score": results.score, "output": output, "output_format": "text",
            "test_output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
            "extra_data": {"kata": extra}, "tests": tests}




# --- grading one submission inside the autograder ----------------------------------------------

def memory_limit():
    """Bytes the container may use: $KATA_MEMORY_LIMIT (bytes, or with a K, M or G), else the cgroup's; None if unlimited."""
    text = os.environ.get("KATA_MEMORY_LIMIT", "").strip().upper()
    if text:
        scale = {"K": 2**10, "M": 2**20, "G": 2**30}.get(text[-1], 1)
        return int(float(text.rstrip("KMG")) * scale)
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            value = Path(path).read_text().strip()
        except OSError:
            continue
        return int(value) if value.isdigit() and int(value) < 2**60 else None
    return None


def oom_kills():
    """The cgroup's count of processes the kernel killed for memory (cgroup v2; 0 where unknown)."""
    try:
        events = Path("/sys/fs/cgroup/memory.events").read_text().split()
        return int(events[events.index("oom_kill") + 1])
    except (OSError, ValueError, IndexError):
        return 0


def proportional_memory(pids):
    """Bytes the processes use, shared pages split between them (PSS): what a cgroup is charged, near enough."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except (OSError, ValueError):
            pass
    return total


@dataclass
class Watch:
    """Samples the grading's memory twice a second; kills it past WATCH_SHARE of the limit, as the
    container's limit would, but leaving the autograder alive to say so."""
    pid: int
    limit: int = None
    peak: int = 0
    killed: bool = False
    done: threading.Event = field(default_factory=threading.Event)

    def run(self):
        while not self.done.wait(0.5):
            used = proportional_memory(descendants(self.pid))
            self.peak = max(self.peak, used)
            if self.limit and used > WATCH_SHARE * self.limit:
                self.killed = True
                end_tree(self.pid)
                return


def grading_user():
    """(uid, gid) of the unprivileged user setup.sh made ($KATA_USER or source/kata-user), when run as root; else None."""
    if os.geteuid() != 0:
        return None
    recorded = ROOT / "kata-user"
    name = os.environ.get("KATA_USER") or (recorded.read_text().strip() if recorded.is_file() else None)
    if not name:
        return None
    user = pwd.getpwnam(name)
    return user.pw_uid, user.pw_gid


def megabytes(size):
    return None if size is None else round(size / 2**20)


def memory_advice(limit):
    need = -(-NEEDED_MEMORY // 2**29) / 2      # GB, rounded up to a half
    have = f" (it has {megabytes(limit)} MB)" if limit else ""
    return (f"The autograder ran out of memory{have}: grading a submission needs about "
            f"{megabytes(NEEDED_MEMORY)} MB. Instructor: raise the autograder's memory to at least {need:g} GB "
            "(the assignment's Settings, Autograder Settings), then regrade. Student: this is not your code's fault.")


def grade(submission, deadline, work):
    """(Results, Run) of the submission, graded by the gradebook in work; never raises for the
    submission's sake."""
    from instructor.gradebook.copying import Budget, Uncopyable, copy_safely
    from instructor.gradebook.processes import kill_strays
    started = time.monotonic()
    limit = memory_limit()
    run = Run(memory_limit_mb=megabytes(limit))
    student = work / "class" / STUDENT
    student.parent.mkdir()
    try:
        if submission.is_symlink() or not submission.is_dir():
            raise Uncopyable(f"{submission} is not a folder")
        copy_safely(submission.resolve(), student, submission.resolve(), Budget())
    except (OSError, Uncopyable) as error:
        return Results.error(f"could not copy the submission: {error}"), run
    user = grading_user()
    if user:
        for path in (work, *work.rglob("*")):
            os.lchown(path, *user)
    command = [sys.executable, "-m", "instructor.gradebook", str(student.parent), "--out", str(work / "out"),
               "--jobs", "1", "--deadline", f"{max(1.0, deadline - min(RESERVE, deadline / 2)):g}",
               "--expected-fingerprint", str(ROOT / FINGERPRINT)]
    env = {**os.environ, "HOME": str(work), "TMPDIR": str(work)}
    for name in ("KATA_MEMORY_LIMIT", "KATA_DEADLINE", "KATA_USER", "AUTOGRADER_ROOT"):
        env.pop(name, None)
    before = oom_kills()
    with open(work / "gradebook.log", "w+b") as log:
        child = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                 env=env, start_new_session=True, **(
                                     {"user": user[0], "group": user[1], "extra_groups": []} if user else {}))
        watch = Watch(child.pid, limit)
        threading.Thread(target=watch.run, daemon=True).start()
        try:
            code = child.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            code = None
        watch.done.set()
        end_tree(child.pid)
        child.wait()
        kill_strays()         # whatever it left: the autograder is their subreaper (run_command)
        log.seek(max(0, os.fstat(log.fileno()).st_size - 1500))
        last_words = log.read().decode(errors="replace").strip()
    run.seconds = round(time.monotonic() - started, 1)
    run.peak_memory_mb = megabytes(watch.peak)
    limit_said = f"{run.memory_limit_mb} MB" if limit else "none"
    print(f"gradebook: exit {code}, {run.seconds} s, peak memory {run.peak_memory_mb} MB "
          f"(limit {limit_said})\n{last_words}", flush=True)
    out = work / "out" / "results" / f"{STUDENT}.json"
    results = Results.parse(json.loads(out.read_text()), gradebook=True) if out.is_file() and not out.is_symlink() else None
    if watch.killed or oom_kills() > before:
        run.problem = memory_advice(limit)
    elif code is None:
        run.problem = (f"The grading did not finish within the autograder's deadline ({deadline:g} s). "
                       "Look for a loop that never ends or a model far too large.")
    elif results is None:
        how = f"exit code {code}" if code >= 0 else f"killed by {signal.Signals(-code).name}"
        run.problem = f"The grading stopped before it wrote any results ({how})."
        if code < 0 and limit and limit < NEEDED_MEMORY:
            run.problem += " " + memory_advice(limit)
    return results or Results.error(run.problem), run


def write_results(path, data):
    from kata.results import write_whole
    write_whole(path, json.dumps(data, indent=2) + "\n")


def run_command(argv):
    parser = argparse.ArgumentParser(prog="python -m instructor.gradescope run")
    parser.add_argument("--submission", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--deadline", type=float, default=DEADLINE)
    options = parser.parse_args(argv)
    from instructor.gradebook.processes import become_subreaper
    become_subreaper()
    deadline = options.deadline
    with tempfile.TemporaryDirectory(prefix="kata-gradescope-", ignore_cleanup_errors=True) as work:
        os.chmod(work, 0o700)
        results, run = grade(options.submission, deadline, Path(work))
    write_results(options.results, to_gradescope(results, run))
    return 0


# --- building the zip ----------------------------------------------------------------------------

SETUP = r'''#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image: Python and the kata's
# locked requirements in a virtualenv, an unprivileged user to grade as, then a self-check that
# grades the solutions (a broken image fails the build) and deletes them.
#   KATA_PYTHON=path   use this Python (with the requirements installed) and make no virtualenv
#   KATA_USER=name     the user to grade as (default kata-grader; made if missing, when root)
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
if [ -z "${KATA_PYTHON:-}" ]; then
    usable() {      # a Python 3.11 or newer that runs and can make a virtualenv (a pyenv shim may not run)
        "$1" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
    }
    BASE=""
    for candidate in python3.13 python3.12 python3.11 python3; do
        if usable "$candidate"; then BASE=$(command -v "$candidate"); break; fi
    done
    if [ -z "$BASE" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3.11 python3.11-venv
        if usable python3.11; then BASE=$(command -v python3.11); fi
    fi
    [ -n "$BASE" ] || { echo "setup.sh: no Python 3.11 or newer, and apt-get could not install one" >&2; exit 1; }
    "$BASE" -m venv "$ROOT/kata-venv"
    "$ROOT/kata-venv/bin/pip" install -q --no-cache-dir --upgrade pip
    "$ROOT/kata-venv/bin/pip" install -q --no-cache-dir -r "$SOURCE/requirements.lock"
    KATA_PYTHON="$ROOT/kata-venv/bin/python"
fi
echo "$KATA_PYTHON" > "$SOURCE/kata-python"
USER_NAME="${KATA_USER:-kata-grader}"
if [ "$(id -u)" = 0 ]; then
    id -u "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
    echo "$USER_NAME" > "$SOURCE/kata-user"
    # a Python under root's home (pyenv's, say) is not the grading user's to run: say so here, not in every grade
    runuser -u "$USER_NAME" -- "$KATA_PYTHON" -c 'import tensorflow, keras' >/dev/null 2>&1 || {
        echo "setup.sh: $USER_NAME cannot run $KATA_PYTHON with TensorFlow: use a Python every user can read (KATA_PYTHON)" >&2; exit 1; }
else
    echo "setup.sh: not root, so no user of its own: submissions are graded as $(id -un)"
fi
# The self-check: the solutions, graded by run_autograder in a root of their own, must score in full.
CHECK=$(mktemp -d)
trap 'rm -rf "$CHECK"' EXIT
mkdir "$CHECK/results"
ln -s "$SOURCE" "$CHECK/source"
cp -r "$SOURCE/solutions" "$CHECK/submission"
AUTOGRADER_ROOT="$CHECK" bash "$SOURCE/run_autograder"
cp "$CHECK/results/results.json" "$SOURCE/selfcheck-results.json"
rm -rf "$SOURCE/solutions"      # graded: no submission may read them
"$KATA_PYTHON" - "$SOURCE/selfcheck-results.json" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))
most = sum(test.get("max_score", 0) for test in results["tests"])
print(f"setup.sh self-check: the solutions scored {results['score']}/{most}")
if not most or results["score"] != most or any(test["status"] != "passed" for test in results["tests"]):
    print(results["output"])
    sys.exit("setup.sh: the self-check failed: this image cannot grade; see the lines above")
EOF
'''

RUN_AUTOGRADER = r'''#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades $ROOT/submission with the kata's gradebook
# and always writes $ROOT/results/results.json, then exits 0, whatever happened to the grading.
#   KATA_DEADLINE=seconds   the grading's deadline (default @DEADLINE@, from python -m instructor.gradescope --deadline)
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
RESULTS="$ROOT/results/results.json"
PYTHON="${KATA_PYTHON:-$(cat "$SOURCE/kata-python" 2>/dev/null || echo "$ROOT/kata-venv/bin/python")}"
DEADLINE="${KATA_DEADLINE:-@DEADLINE@}"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
cd "$SOURCE" && timeout -s KILL "$(( ${DEADLINE%.*} + 30 ))" \
    "$PYTHON" -m instructor.gradescope run --submission "$ROOT/submission" --results "$RESULTS" --deadline "$DEADLINE"
code=$?
if [ "$code" != 0 ] || [ ! -s "$RESULTS" ]; then      # only a run that ended well wrote a results file we trust
    reason="the autograder itself stopped (exit code $code) before it could grade this submission"
    cat > "$RESULTS" <<EOF
{"score": 0, "output": "Not graded: $reason. Instructor: see the autograder's output (stdout).",
 "stdout_visibility": "hidden",
 "tests": [{"name": "grading", "score": 0, "max_score": 0, "status": "failed", "visibility": "visible",
            "output": "Not graded: $reason. This is not your code's fault unless it used all of the memory or time."}]}
EOF
fi
exit 0
'''


def build(out, classroom=False, deadline=DEADLINE):
    """Write out/autograder.zip, whose run_autograder grades within deadline seconds; return its path."""
    from instructor import template
    from kata.results import fingerprint
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kata-gradescope-build-") as tmp:
        source = Path(tmp) / "source"
        template.write(source, classroom)
        (source / FINGERPRINT).write_text(json.dumps(fingerprint(source), indent=2) + "\n")
        shutil.copytree(ROOT / "solutions", source / "solutions", ignore=template.SKIP)
        (source / "instructor").mkdir()
        for name in INSTRUCTOR_FILES:
            if (ROOT / "instructor" / name).is_dir():
                shutil.copytree(ROOT / "instructor" / name, source / "instructor" / name, ignore=template.SKIP)
            else:
                shutil.copy2(ROOT / "instructor" / name, source / "instructor" / name)
        zipped = out / "autograder.zip"
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in (("setup.sh", SETUP), ("run_autograder", RUN_AUTOGRADER.replace("@DEADLINE@", f"{deadline:g}"))):
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = 0o100755 << 16
                archive.writestr(info, text, zipfile.ZIP_DEFLATED)
            for path in sorted(source.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(source).as_posix())
    return zipped


def positive_seconds(text):
    value = float(text)
    if not 30 <= value <= 24 * 3600:
        raise argparse.ArgumentTypeError(f"{text} is not between 30 and 86400 seconds")
    return value


def parse(argv):
    """The builder's options (OUT, --classroom, --deadline), each checked: else one line and exit 4."""
    parser = OneLineParser(prog="python -m instructor.gradescope", description=__doc__.split("\n")[0])
    parser.add_argument("out", metavar="OUT", help="the folder to write autograder.zip in")
    parser.add_argument("--classroom", action="store_true",
                        help="the class received the GitHub Classroom template (python -m instructor.template --classroom)")
    parser.add_argument("--deadline", type=positive_seconds, default=DEADLINE, metavar="SECONDS",
                        help=f"seconds a submission's grading may take in all (default {DEADLINE}: inside Gradescope's "
                             "default timeout of 10 minutes; keep it a minute under the timeout you set)")
    return parser.parse_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["run"]:
        return run_command(argv[1:])
    args = parse(argv)
    zipped = build(args.out, args.classroom, args.deadline)
    print(f"wrote {zipped}: upload it as the assignment's autograder (Configure Autograder, Zip file upload)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

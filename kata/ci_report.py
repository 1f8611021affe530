"""CI reports from results/results.json: pure Python (no TensorFlow, no pytest), run as a script.

    python kata/ci_report.py github [RESULTS]     score table to $GITHUB_STEP_SUMMARY, one annotation per failing check
    python kata/ci_report.py summary [RESULTS]    the score table (Markdown) on stdout: GitLab's log, or a terminal
    python kata/ci_report.py classroom [RESULTS]  base64 of the copy GitHub Classroom's reporter reads (<RUNNER>_RESULTS)

(or `python -m kata report ...`, the same.)

RESULTS defaults to results/results.json. `github` and `summary` exit 1 when grading did not complete
(no results, unreadable results, or status "error", e.g. edited graded files), 0 otherwise: failing checks
are a grade, not a CI failure. `classroom` always exits 0: the reporter itself marks the run failed.
"""
import base64
import json
import os
import sys
from argparse import RawDescriptionHelpFormatter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))    # run as a script: the kata package beside it
from kata.cli import OneLineParser  # noqa: E402
from kata.results_model import Malformed, Results, Status  # noqa: E402

DEFAULT = "results/results.json"
MAX_ERRORS = 10            # GitHub shows at most 10 error annotations per step
MESSAGE_LIMIT = 1500       # characters of a check's message in an annotation
CLASSROOM_MESSAGE = 150    # the reporter reads an environment variable: Linux caps one at 128 KiB
CLASSROOM_LIMIT = 100_000  # bytes of base64; past it the copy drops the messages


class Incomplete(Exception):
    """Grading did not complete: the results are missing, unreadable, or say status "error"."""


def load(path):
    try:
        results = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Incomplete(f"no results at {path}: grading did not run to the end (see the grading step's log)")
    except (OSError, ValueError) as error:
        raise Incomplete(f"unreadable results at {path}: {error}")
    try:
        return Results.parse(results)
    except Malformed as error:
        raise Incomplete(f"{path} is not a results file that adds up ({error})")


def exercises(results):
    """[(exercise, passed checks, checks, score, max_score)] in the order the checks ran."""
    rows = {}
    for test in results.tests:
        row = rows.setdefault(test.exercise, [0, 0, 0, 0])
        row[0] += test.status is Status.PASS
        row[1] += 1
        row[2] += test.score
        row[3] += test.max_score
    return [(name, *row) for name, row in rows.items()]


def summary(results):
    """The score table, in Markdown."""
    lines = [f"## Score {results.score} / {results.max_score}", ""]
    if results.status is Status.ERROR:
        lines += [f"**Grading did not complete:** {results.message or 'status error'}", ""]
    lines += ["| exercise | checks passed | points |", "|---|---:|---:|"]
    lines += [f"| {name} | {passed} / {count} | {score} / {most} |"
              for name, passed, count, score, most in exercises(results)]
    failing = failures(results)
    if failing:
        lines += ["", f"{len(failing)} distinct problems; the first:", ""]
        lines += ["```", (failing[0][0].message or "").strip()[:MESSAGE_LIMIT], "```"]
    lines += ["", "Every check's message is in the `results` artifact (results.json, junit.xml)."]
    return "\n".join(lines) + "\n"


def failures(results):
    """[(test, how many checks share its problem)] for the checks that did not pass, most useful first.

    Checks that fail for one reason (its `cause`, else its message's first line) are one entry, so an
    exercise not started is one line, not 34. Exercises under way (some check passed) come before
    untouched ones, then in the kata's order; within an exercise the checks worth more points first."""
    tests = results.tests
    passed = {t.exercise for t in tests if t.status is Status.PASS}
    groups = {}
    for index, test in enumerate(tests):
        if test.status is Status.PASS:
            continue
        key = test.cause or (test.message or test.name).strip().split("\n")[0]
        if key in groups:
            groups[key][1] += 1
        else:
            groups[key] = [test, 1, index]
    order = sorted(groups.values(), key=lambda g: (g[0].exercise not in passed, g[0].task_id or 99,
                                                   -g[0].max_score, g[2]))
    return [(test, count) for test, count, _ in order]


def escape(text, property=False):
    text = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property else text


def annotation(results, test, count):
    """`::error file=...,line=...,title=...::message` for one failing check."""
    folder = (results.about.get("implementation") or "exercises").rstrip("/")
    file = test.file or f"{folder}/{test.exercise}.py"
    check = test.name.split("::")[-1]
    title = f"{test.exercise}: {check}" + (f" (and {count - 1} more {'check' if count == 2 else 'checks'})" if count > 1 else "")
    where = [f"file={escape(file, True)}"] + ([f"line={int(test.line)}"] if isinstance(test.line, int) else [])
    message = (test.message or f"{check}: {test.status.value}").strip()[:MESSAGE_LIMIT]
    return f"::error {','.join(where + ['title=' + escape(title, True)])}::{escape(message)}"


def github(path):
    """Write the summary and print the annotations, the most useful first; 1 if grading did not complete."""
    try:
        results = load(path)
    except Incomplete as error:
        write_summary(f"## No score\n\n**Grading did not complete:** {error}\n")
        print(f"::error title=Grading did not complete::{escape(error)}")
        return 1
    write_summary(summary(results))
    incomplete = results.status is Status.ERROR
    if incomplete:
        print(f"::error title=Grading did not complete::{escape(results.message or 'status error')}")
    failing = failures(results)
    room = MAX_ERRORS - incomplete
    for test, count in failing[:room]:
        print(annotation(results, test, count))
    if len(failing) > room:
        print(f"::notice title=More problems::{len(failing) - room} more: see the job summary and the results artifact")
    print(f"Score {results.score}/{results.max_score}")
    return 1 if incomplete else 0


def write_summary(text):
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as file:
            file.write(text)
    else:
        print(text)


def classroom(path):
    """The results for classroom-resources/autograding-grading-reporter, base64-encoded: per check only what
    it reads, messages cut to 150 characters (all dropped if still too long for one environment variable),
    and line_no 0 so its log does not print "line undefined". Missing results become an error worth nothing."""
    try:
        results = load(path)
    except Incomplete as error:
        results = replace(Results.error(str(error)), max_score=0)     # the reporter adds max_score up
    tests = [{"name": t.name, "status": t.status.value, "score": t.score, "max_score": t.max_score, "line_no": 0,
              "message": (t.message or "")[:CLASSROOM_MESSAGE] or None} for t in results.tests]
    copy = dict(results.to_json(), tests=tests)
    encoded = base64.b64encode(json.dumps(copy).encode()).decode()
    if len(encoded) > CLASSROOM_LIMIT:
        copy["tests"] = [dict(t, message=None) for t in tests]
        encoded = base64.b64encode(json.dumps(copy).encode()).decode()
    return encoded


def parse(argv):
    parser = OneLineParser(prog="python kata/ci_report.py", code=2, description=__doc__.split("\n")[0],
                           epilog=__doc__.split("\n\n", 2)[2], formatter_class=RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("github", "summary", "classroom"))
    parser.add_argument("results", nargs="?", default=DEFAULT, metavar="RESULTS", help=f"default {DEFAULT}")
    options = parser.parse_args(argv)
    return options.command, options.results


def main(argv):
    command, path = parse(argv)
    if command == "github":
        return github(path)
    if command == "classroom":
        print(classroom(path))
        return 0
    try:
        results = load(path)
    except Incomplete as error:
        print(f"Grading did not complete: {error}", file=sys.stderr)
        return 1
    print(summary(results), end="")
    return 1 if results.status is Status.ERROR else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

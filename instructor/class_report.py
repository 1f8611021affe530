"""A class at a glance, for teaching: the gradebook's results/<student>.json as one HTML page and four CSV files.

    python -m instructor.class_report OUT      # reads OUT/results/*.json, writes beside OUT/grades.csv

- class_report.html: one self-contained page (inline SVG charts, no script, nothing fetched). It
  leads with what the class misunderstood: the causes of failing checks among the students who
  attempted the exercise, with one example each; then, apart, how many did not start an exercise,
  had no file for it, or were not graded on it; the scores; the checks that fewer than
  WEAK_SHARE of the attempting students pass (the others folded); a table of students twice, by
  score and by name; the slowest submissions and the timeouts; the errors; the seed, versions
  and fingerprint the class was graded with.
- class_scores.csv (exercise, score, students): how many students scored each score;
- class_checks.csv (exercise, check, passed, attempted, share): each check, in the order it ran;
  attempted is the number of students who attempted its exercise, share is passed / attempted;
- class_causes.csv (cause, exercise, kind, students, attempted, example): every cause of a failing
  check, kind "misunderstood", "not_started", "missing_file" or "not_graded" (an error of the run);
- class_students.csv (student, a score per exercise, total, max_score, status, seconds, reason).

A student "attempted" an exercise when one of its checks passed or failed for a reason other than
not started or a missing file. Every student of the class is in every exercise's count: attempted
+ not started + missing file + not graded = the class size in the page's first line.

Students' names and messages are the students' text: everything shown is escaped. The figures are
computed first, as plain data; rendering them to HTML and to CSV comes after.
"""
import html
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

from instructor.spreadsheet import csv_text
from kata.cli import OneLineParser
from kata.results import write_whole
from kata.results_model import Results, Status

SHOWN_CAUSES = 15     # causes charted and listed on the page; class_causes.csv has them all
EXAMPLE_CHARS = 1200  # of an example message on the page
REASON_CHARS = 300    # of a student's reason in the students' table, as in grades.csv
WEAK_SHARE = 0.8      # checks passed by fewer than this share of the attempting students are drawn
LOW_SHARE = 0.5       # ... and those passed by fewer than this share are drawn in orange
SLOWEST = 5           # submissions listed by time
BLUE, ORANGE, GREY, INK = "#3a6ea5", "#d9822b", "#e6e6e6", "#222"

# What a check's result says about the student's work on its exercise (kind_of), and the state of
# a student's exercise as a whole (state_of).
PASSED, MISUNDERSTOOD, NOT_GRADED = "pass", "misunderstood", "not_graded"
NOT_STARTED, MISSING = "not_started", "missing_file"    # as the kata's cause ids end
ATTEMPTED = "attempted"
STATES = (ATTEMPTED, NOT_STARTED, MISSING, NOT_GRADED)


class Cause(NamedTuple):
    cause: str
    exercise: str
    kind: str              # MISUNDERSTOOD, NOT_STARTED, MISSING or NOT_GRADED
    students: list         # by name, sorted: those with at least one failing check of this cause
    attempted: int         # students who attempted the exercise (the share's denominator)
    example: str           # the first student's message


class Check(NamedTuple):
    exercise: str
    check: str
    passed: int
    attempted: int         # students who attempted the exercise


class StudentRow(NamedTuple):
    student: str
    scores: dict           # {exercise: points}
    total: float
    max_score: float
    status: str
    seconds: object        # float, or None when the gradebook did not time it
    reason: str


# ---- the figures, as data ---------------------------------------------------------------------

def student_of(results):
    return str(results.about.get("student") or "?")


def in_order(results):
    """The results sorted by student, so every figure and example is the same from run to run."""
    return sorted(results, key=student_of)


def exercises_of(results):
    """Every exercise in the results, in the README's order (their task_id); unknown ones last."""
    ranks = {}
    for test in (test for one in results for test in one.tests):
        ranks.setdefault(test.exercise, test.task_id or 99)
    return sorted(ranks, key=lambda exercise: (ranks[exercise], exercise))


def cause_of(test):
    """The stable id of a failing check's feedback; in older files, the first line of its message."""
    message = (test.message or "").strip()
    return test.cause or (message.splitlines()[0] if message else f"{test.status.value} (no message)")


def kind_of(test):
    """PASSED, MISUNDERSTOOD, NOT_STARTED, MISSING (causes '<exercise>.<function>.not_started' and
    '.missing_file') or NOT_GRADED (status error: the run never reached the check, or a fault outside it)."""
    if test.status is Status.PASS:
        return PASSED
    if test.status is Status.ERROR:
        return NOT_GRADED
    cause = cause_of(test)
    return next((kind for kind in (NOT_STARTED, MISSING) if cause.endswith("." + kind)), MISUNDERSTOOD)


def state_of(tests):
    """A student's exercise from its checks: ATTEMPTED if one passed or failed for what the student
    wrote; else MISSING, else NOT_STARTED; NOT_GRADED when no check of it was graded (or none ran)."""
    kinds = {kind_of(test) for test in tests}
    if kinds & {PASSED, MISUNDERSTOOD}:
        return ATTEMPTED
    return next((state for state in (MISSING, NOT_STARTED) if state in kinds), NOT_GRADED)


def exercise_states(results):
    """{exercise: {student: state}} for every student of the class in every exercise."""
    states = {}
    for exercise in exercises_of(results):
        states[exercise] = {student_of(one): state_of([t for t in one.tests if t.exercise == exercise])
                            for one in results}
    return states


def attempts(results):
    """{exercise: {state: students}}: each exercise's counts add up to the class size."""
    return {exercise: {state: list(by_student.values()).count(state) for state in STATES}
            for exercise, by_student in exercise_states(results).items()}


def score_distribution(results):
    """{exercise: {score: students}} for every score from 0 to the exercise's points. A student
    without checks in an exercise (grading never reached it) counts as 0, as in grades.csv."""
    exercises = exercises_of(results)
    scores = {exercise: Counter() for exercise in exercises}
    most = dict.fromkeys(exercises, 0)
    for one in results:
        earned, possible = Counter(), Counter()
        for test in one.tests:
            earned[test.exercise] += test.score
            possible[test.exercise] += test.max_score
        for exercise in exercises:
            scores[exercise][earned[exercise]] += 1
            most[exercise] = max(most[exercise], possible[exercise])
    return {exercise: {score: scores[exercise][score]
                       for score in sorted(set(range(int(most[exercise]) + 1)) | set(scores[exercise]))}
            for exercise in exercises}


def check_shares(results):
    """[Check]: grouped by exercise, each check in the order it ran; passed counts the students who
    passed it, attempted those who attempted its exercise (a check they lack counts as not passed)."""
    passed, exercise_of = Counter(), {}
    for test in (test for one in results for test in one.tests):
        exercise_of.setdefault(test.name, test.exercise)
        passed[test.name] += test.status is Status.PASS
    counts = attempts(results)
    rank = {exercise: place for place, exercise in enumerate(exercises_of(results))}
    checks = sorted(exercise_of, key=lambda name: rank[exercise_of[name]])   # stable: run order within
    return [Check(exercise_of[name], name, passed[name], counts[exercise_of[name]][ATTEMPTED]) for name in checks]


def failure_causes(results):
    """[Cause], the most common first within each kind, MISUNDERSTOOD first: students are those
    with at least one failing check of that cause (not started, missing and not graded apart)."""
    students, example = defaultdict(set), {}
    for one in in_order(results):
        for test in one.tests:
            if test.status is not Status.PASS:
                key = (cause_of(test), test.exercise, kind_of(test))
                students[key].add(student_of(one))
                example.setdefault(key, test.message or "")
    counts = attempts(results)
    rank = {exercise: place for place, exercise in enumerate(exercises_of(results))}
    order = {kind: place for place, kind in enumerate((MISUNDERSTOOD, NOT_STARTED, MISSING, NOT_GRADED))}
    keys = sorted(students, key=lambda key: (order[key[2]], -len(students[key]), rank[key[1]], key[0]))
    return [Cause(cause, exercise, kind, sorted(students[cause, exercise, kind]), counts[exercise][ATTEMPTED],
                  example[cause, exercise, kind]) for cause, exercise, kind in keys]


def reason_of(results):
    """The run's message, else the first failing check's first line (as in grades.csv)."""
    failures = [t.message for t in results.tests if t.status is not Status.PASS and t.message]
    text = results.message or (failures[0].splitlines()[0] if failures else "")
    return " ".join(str(text).split())[:REASON_CHARS]


def student_rows(results):
    """[StudentRow] by name; an exercise a student has no checks in scores 0, and a run that never
    started is out of the class's max score (as in grades.csv)."""
    rows, most = [], class_summary(results)["max_score"]
    for one in in_order(results):
        scores = dict.fromkeys(exercises_of(results), 0)
        for test in one.tests:
            scores[test.exercise] += test.score
        rows.append(StudentRow(student_of(one), scores, one.score, one.max_score or most,
                               one.status.value, one.about.get("seconds"), reason_of(one)))
    return rows


def by_score(rows):
    """The rows lowest total first (the students to help first), then by name."""
    return sorted(rows, key=lambda row: (row.total, row.student))


def slowest(rows, count=SLOWEST):
    """The count slowest rows, slowest first, and the class's total seconds."""
    timed = [row for row in rows if isinstance(row.seconds, (int, float))]
    return sorted(timed, key=lambda row: (-row.seconds, row.student))[:count], sum(row.seconds for row in timed)


def timeouts(results):
    """[(student, what)]: runs stopped at the gradebook's time limit (status error, 'timed out ...'),
    then checks whose call or import did not return within the kata's (cause '....timed_out')."""
    runs = [(student_of(one), one.message) for one in in_order(results)
            if one.status is Status.ERROR and (one.message or "").startswith("timed out")]
    calls = [(student_of(one), f"{cause} ({exercise})") for one in in_order(results)
             for cause, exercise in sorted({(cause_of(t), t.exercise) for t in one.tests
                                            if t.status is not Status.PASS and cause_of(t).endswith("timed_out")})]
    return runs + calls


def errored_students(results):
    """[(student, why)] for every student whose results have status error."""
    return [(student_of(one), one.message or "no reason given")
            for one in in_order(results) if one.status is Status.ERROR]


def run_facts(results):
    """{what: Counter(value: students)} of the seed, versions, time limit and graded files'
    fingerprint the results record (absent from a row the gradebook wrote without a run)."""
    keys = {"seed": "seed", "TensorFlow": "tensorflow", "Keras": "keras", "Python": "python",
            "time limit per call (s)": "time_limit", "workers": "workers", "sandbox": "sandbox"}
    facts = {label: Counter(str(one.about[key]) for one in results if one.about.get(key) is not None)
             for label, key in keys.items()}
    prints = (one.about.get("fingerprint") for one in results)
    facts["fingerprint (SHA-256)"] = Counter(str(p.get("sha256") if isinstance(p, dict) else p) for p in prints if p)
    return {label: values for label, values in facts.items() if values}


def class_summary(results):
    """{'students', 'pass', 'fail', 'error', 'mean', 'max_score'} of the class as a whole."""
    statuses = Counter(one.status for one in results)
    mean = sum(one.score for one in results) / len(results) if results else 0
    return {"students": len(results), **{status.value: statuses[status] for status in Status},
            "mean": mean, "max_score": max((one.max_score or 0 for one in results), default=0)}


# ---- CSV --------------------------------------------------------------------------------------

def share(passed, attempted):
    return f"{passed / attempted:.3f}" if attempted else ""


def scores_csv(distribution):
    return csv_text(["exercise", "score", "students"],
                    [(exercise, score, students) for exercise, counts in distribution.items()
                     for score, students in counts.items()])


def checks_csv(checks):
    return csv_text(["exercise", "check", "passed", "attempted", "share"],
                    [(*check, share(check.passed, check.attempted)) for check in checks])


def causes_csv(causes):
    return csv_text(["cause", "exercise", "kind", "students", "attempted", "example"],
                    [(c.cause, c.exercise, c.kind, len(c.students), c.attempted, c.example) for c in causes])


def students_csv(rows, exercises):
    return csv_text(["student", *exercises, "total", "max_score", "status", "seconds", "reason"],
                    [(row.student, *(row.scores[e] for e in exercises), row.total, row.max_score, row.status,
                      "" if row.seconds is None else row.seconds, row.reason) for row in rows])


# ---- HTML: inline SVG charts ------------------------------------------------------------------

def esc(text):
    return html.escape(str(text), quote=True)


def clipped(text, chars):
    text = " ".join(str(text).split())
    return text if len(text) <= chars else text[:chars - 1] + "…"


def svg(width, height, title, body):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">'
            f"<title>{esc(title)}</title>{''.join(body)}</svg>")


def text(x, y, words, anchor="start", size=12, color=INK, weight="normal"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{color}" '
            f'font-weight="{weight}">{esc(words)}</text>')


def rect(x, y, width, height, color, tooltip=None):
    tip = f"<title>{esc(tooltip)}</title>" if tooltip else ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" fill="{color}">{tip}</rect>'


def histogram_svg(exercise, counts):
    """Students per score, one bar per score from 0 to the exercise's points."""
    width, height, left, right, top, bottom = 400, 190, 34, 12, 28, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    most, scores = max(counts.values(), default=0) or 1, list(counts)
    step = plot_w / len(scores)
    students = sum(counts.values())
    mean = sum(score * n for score, n in counts.items()) / students if students else 0
    body = [text(left, 16, f"{exercise}: mean {mean:.1f} / {scores[-1]}", weight="bold", size=13),
            f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>',
            text(left - 6, top + plot_h, 0, "end", 10), text(left - 6, top + 9, most, "end", 10),
            text(left + plot_w / 2, height - 4, "points", "middle", 10, "#555")]
    for place, score in enumerate(scores):
        n, x = counts[score], left + place * step
        bar = plot_h * n / most
        if n:
            body += [rect(x + step * 0.1, top + plot_h - bar, step * 0.8, bar, BLUE,
                          f"{n} student{'s' * (n != 1)} scored {score}"),
                     text(x + step / 2, top + plot_h - bar - 3, n, "middle", 10)]
        if place in (0, len(scores) - 1) or (len(scores) > 4 and place == len(scores) // 2):
            body.append(text(x + step / 2, top + plot_h + 13, score, "middle", 10, "#555"))
    return svg(width, height, f"{exercise}: students per score", body)


def bars_svg(title, rows, label_chars=66):
    """Horizontal bars: rows of (label, value from 0 to 1, the words at the bar's end, colour)."""
    label_w, bar_w, row_h, words_w = 440, 300, 20, 120
    width, height = label_w + bar_w + words_w, row_h * len(rows) + 6
    body = []
    for place, (label, value, words, color) in enumerate(rows):
        y = 3 + place * row_h
        body += [text(label_w - 8, y + 14, clipped(label, label_chars), "end", 12),
                 rect(label_w, y + 3, bar_w, row_h - 6, GREY),
                 rect(label_w, y + 3, bar_w * value, row_h - 6, color, f"{label}: {words}"),
                 text(label_w + bar_w + 8, y + 14, words, size=12)]
    return svg(width, height, title, body)


def check_bars_svg(exercise, checks):
    rows = [(check.check.split("::")[-1].removeprefix("test_"), check.passed / check.attempted,
             f"{check.passed}/{check.attempted} ({check.passed / check.attempted:.0%})",
             BLUE if check.passed / check.attempted >= LOW_SHARE else ORANGE) for check in checks]
    return bars_svg(f"{exercise}: share of the attempting students passing each check", rows)


def cause_bars_svg(causes):
    rows = [(c.cause if c.cause.startswith(c.exercise + ".") else f"{c.exercise}: {c.cause}",
             len(c.students) / (c.attempted or 1),
             f"{len(c.students)} of {c.attempted}", ORANGE) for c in causes]
    return bars_svg("what the class misunderstood: students among those who attempted", rows, label_chars=64)


# ---- HTML: the page ---------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 1180px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 4px; } h2 { margin-top: 36px; border-bottom: 1px solid #ccc; }
h3 { margin: 18px 0 6px; font-size: 1.05em; }
.note { color: #555; } .who { color: #555; font-size: 0.85em; margin: 4px 0 0; } .grid { display: flex; flex-wrap: wrap; gap: 12px 28px; }
table { border-collapse: collapse; width: 100%; } td, th { border-top: 1px solid #ddd; padding: 6px;
        vertical-align: top; text-align: left; overflow-wrap: anywhere; } th { background: #f4f4f4; }
td.n, th.n { text-align: right; } td.n, td.k { white-space: nowrap; } th { overflow-wrap: normal; }
code { font-size: 0.92em; } td.reason { font-size: 0.85em; min-width: 16em; } tr.error td { background: #fdf0e6; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-size: 0.85em; background: #f8f8f8; padding: 6px; }
li { margin: 4px 0; overflow-wrap: anywhere; } svg { max-width: 100%; height: auto; } svg text { font-family: inherit; }
summary { cursor: pointer; margin: 8px 0; }
"""


def section(title, note, *parts, anchor=None):
    name = f' id="{esc(anchor)}"' if anchor else ""
    return f"<section{name}><h2>{esc(title)}</h2><p class=\"note\">{esc(note)}</p>{''.join(parts)}</section>"


def table(header, rows, numeric=()):
    """A table of escaped cells; the columns named in numeric are right-aligned."""
    def cells(tag, values):
        return "".join(f'<{tag}{" class=n" if column in numeric else ""}>{esc(value)}</{tag}>'
                       for column, value in zip(header, values))
    body = "".join("<tr>" + cells("td", row) + "</tr>" for row in rows)
    return f"<table><tr>{cells('th', header)}</tr>{body}</table>"


def breakable(identifier):
    """An identifier, escaped, that may wrap after each dot or underscore (many_to_many.not_started)."""
    return esc(identifier).replace("_", "_<wbr>").replace(".", ".<wbr>")


def plural(count, word):
    return f"{count} {word}{'s' * (count != 1)}"


def names(students, shown=8):
    more = len(students) - shown
    return ", ".join(students[:shown]) + (f" and {more} more" if more > 0 else "")


def clipped_message(message):
    return message if len(message) <= EXAMPLE_CHARS else message[:EXAMPLE_CHARS] + "\n[…]"


def misunderstood_section(causes):
    taught = [cause for cause in causes if cause.kind == MISUNDERSTOOD]
    shown = taught[:SHOWN_CAUSES]
    if not shown:
        return section("What the class misunderstood", "No check failed among the students who attempted an exercise.")
    rows = "".join(f"<tr><td class=\"n\">{len(c.students)} of {c.attempted}</td><td class=\"k\">{esc(c.exercise)}</td>"
                   f"<td><code>{breakable(c.cause)}</code><p class=\"who\">{esc(names(c.students))}</p></td>"
                   f"<td><pre>{esc(clipped_message(c.example))}</pre></td></tr>" for c in shown)
    listed = ("<table><tr><th class=\"n\">students</th><th>exercise</th><th>cause, and who</th>"
              f"<th>example message (the first student's)</th></tr>{rows}</table>")
    return section("What the class misunderstood",
                   f"The {len(shown)} most common of {len(taught)} causes of failing checks among the students who "
                   "attempted the exercise (passed a check of it, or failed one for what they wrote): how many of "
                   "them have at least one failing check of that cause, and one message as the learner saw it. "
                   "Not started, missing files and checks never graded are counted apart, below; every cause is in "
                   "class_causes.csv.", cause_bars_svg(shown), listed)


def attempts_section(counts, students):
    rows = [(exercise, n[ATTEMPTED], n[NOT_STARTED], n[MISSING], n[NOT_GRADED], students) for exercise, n in counts.items()]
    return section("Not started, missing, not graded",
                   "Per exercise, how many students attempted it, left every function they were given not "
                   "started, had no file for it, or were not graded on it (no check of it ran: grading stopped, "
                   "or the submission could not be graded). Each row adds up to the class.",
                   table(["exercise", "attempted", "not started", "missing file", "not graded", "class"], rows,
                         numeric={"attempted", "not started", "missing file", "not graded", "class"}))


def scores_section(distribution):
    charts = "".join(histogram_svg(exercise, counts) for exercise, counts in distribution.items())
    return section("Scores per exercise", "Students per score; a student whose grading never reached "
                   "an exercise counts as 0, as in grades.csv.", f'<div class="grid">{charts}</div>')


def checks_section(checks, counts):
    weak, strong = defaultdict(list), []
    for check in checks:
        if check.attempted and check.passed / check.attempted < WEAK_SHARE:
            weak[check.exercise].append(check)
        else:
            strong.append(check)
    parts = [f"<h3>{esc(exercise)}: {plural(counts[exercise][ATTEMPTED], 'student')} attempted it</h3>"
             f"{check_bars_svg(exercise, rows)}" for exercise, rows in weak.items()]
    if not weak:
        parts.append(f"<p>Every check is passed by at least {WEAK_SHARE:.0%} of the students who attempted its exercise.</p>")
    if strong:
        rows = [(check.exercise, check.check.split("::")[-1], f"{check.passed}/{check.attempted}",
                 f"{check.passed / check.attempted:.0%}" if check.attempted else "nobody attempted") for check in strong]
        parts.append(f"<details><summary>The other {plural(len(strong), 'check')}: passed by at least "
                     f"{WEAK_SHARE:.0%}, or in an exercise nobody attempted</summary>"
                     + table(["exercise", "check", "passed", "share"], rows, numeric={"passed", "share"}) + "</details>")
    return section(f"Checks passed by fewer than {WEAK_SHARE:.0%}",
                   "Per check, the share of the students who attempted its exercise that pass it, in the order the "
                   f"checks run; orange: fewer than {LOW_SHARE:.0%}. All checks are in class_checks.csv.", *parts)


def student_table(rows, exercises):
    header = ["student", *exercises, "total", "status", "seconds", "reason"]
    numeric = {*exercises, "total", "seconds"}
    head = "".join(f'<th{" class=n" if column in numeric else ""}>{breakable(column)}</th>' for column in header)
    body = "".join(f'<tr{" class=error" if row.status == "error" else ""}><td>{esc(row.student)}</td>'
                   + "".join(f'<td class="n">{esc(row.scores[e])}</td>' for e in exercises)
                   + f'<td class="n">{esc(row.total)} / {esc(row.max_score)}</td><td class="k">{esc(row.status)}</td>'
                   + f'<td class="n">{"" if row.seconds is None else esc(f"{row.seconds:.1f}")}</td>'
                   + f'<td class="reason">{esc(row.reason)}</td></tr>' for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def students_section(rows, exercises):
    return section("Students", "Points per exercise, status, seconds of grading and the reason (the run's message, "
                   "else the first failing check's first line). The table twice: by score, lowest first, and by "
                   "name; class_students.csv has the same rows for any other order.",
                   '<p><a href="#by-score">by score</a> · <a href="#by-name">by name</a></p>',
                   f'<h3 id="by-score">By score, lowest first</h3>{student_table(by_score(rows), exercises)}',
                   f'<h3 id="by-name">By name</h3>{student_table(rows, exercises)}', anchor="students")


def time_section(rows, stopped):
    top, total = slowest(rows)
    timed = [(row.student, f"{row.seconds:.1f}", f"{row.seconds / total:.0%}" if total else "", row.status, row.reason)
             for row in top]
    parts = [f"<h3>The {plural(len(top), 'slowest submission')}</h3>",
             table(["student", "seconds", "share of the class's time", "status", "reason"], timed,
                   numeric={"seconds", "share of the class's time"}) if top else "<p>No submission was timed.</p>",
             f"<h3>{plural(len(stopped), 'timeout')}</h3>"]
    parts.append("<ul>" + "".join(f"<li><b>{esc(student)}</b>: {esc(what)}</li>" for student, what in stopped) + "</ul>"
                 if stopped else "<p>No run and no call timed out.</p>")
    return section("Time: the slowest submissions and the timeouts",
                   f"The class took {total:.1f} s of grading in all. Timeouts: runs the gradebook stopped at its time "
                   "limit, then checks whose call or import did not return within the kata's.", *parts)


def errors_section(errors):
    if not errors:
        return section("Errors", "No student's grading ended in an error.")
    items = "".join(f"<li><b>{esc(student)}</b>: {esc(why)}</li>" for student, why in errors)
    return section("Errors", f"{plural(len(errors), 'student')} with status error "
                   "(grading did not complete, or the graded files were edited), and why:", f"<ul>{items}</ul>")


def run_section(facts):
    rows = [(label, ", ".join(f"{value} ({plural(n, 'student')})" if len(values) > 1 else value
                              for value, n in values.most_common())) for label, values in facts.items()]
    mixed = [label for label, values in facts.items() if len(values) > 1]
    warning = (f"<p><b>Not every student was graded alike: {esc(', '.join(mixed))} differ.</b></p>" if mixed else "")
    return section("The run", "What the class was graded with, from the results files; the fingerprint is the "
                   "SHA-256 of the graded files (tests and grader).", warning, table(["", "value"], rows))


def report_html(results):
    """The whole page: a summary line, then what the class misunderstood, then the rest."""
    results = in_order(records(results))
    summary, counts = class_summary(results), attempts(results)
    rows, exercises = student_rows(results), exercises_of(results)
    headline = (f"{summary['students']} students: {summary['pass']} pass, {summary['fail']} fail, "
                f"{summary['error']} error. Mean score {summary['mean']:.1f} / {summary['max_score']}.")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Class report</title>"
            f"<style>{STYLE}</style></head><body><h1>Class report</h1><p>{esc(headline)}</p>"
            + misunderstood_section(failure_causes(results)) + attempts_section(counts, len(results))
            + scores_section(score_distribution(results)) + checks_section(check_shares(results), counts)
            + students_section(rows, exercises) + time_section(rows, timeouts(results))
            + errors_section(errored_students(results)) + run_section(run_facts(results))
            + "</body></html>\n")


# ---- files --------------------------------------------------------------------------------------

def records(results):
    """The gradebook's results, as dicts or already as records, as records (Results.parse)."""
    return [one if isinstance(one, Results) else Results.parse(one, gradebook=True) for one in results]


def write_class_report(results, out):
    """Write class_report.html and the four CSV files into out (beside grades.csv) from a list of
    the gradebook's results (dicts, as in results/<student>.json); the paths written."""
    out, results = Path(out), in_order(records(results))
    files = {"class_report.html": report_html(results),
             "class_scores.csv": scores_csv(score_distribution(results)),
             "class_checks.csv": checks_csv(check_shares(results)),
             "class_causes.csv": causes_csv(failure_causes(results)),
             "class_students.csv": students_csv(student_rows(results), exercises_of(results))}
    for name, content in files.items():
        write_whole(out / name, content)
    return [out / name for name in files]


def read_results(out):
    """Every OUT/results/*.json; a file that cannot be read is named on stderr and left out."""
    results = []
    for path in sorted(Path(out, "results").glob("*.json")):
        try:
            one = json.loads(path.read_text())
            results.append(Results.parse({"student": path.stem, **one}, gradebook=True))
        except (OSError, ValueError, TypeError) as error:      # Malformed is a ValueError
            print(f"skipped {path}: {error}", file=sys.stderr)
    return results


def main(argv=None):
    parser = OneLineParser(prog="python -m instructor.class_report", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="the gradebook's --out folder, holding results/<student>.json")
    out = parser.parse_args(argv).out
    results = read_results(out)
    if not results:
        parser.error(f"no results in {out / 'results'}")
    for path in write_class_report(results, out):
        print(path)


if __name__ == "__main__":
    main()

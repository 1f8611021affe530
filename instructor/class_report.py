"""A class at a glance: the gradebook's results/<student>.json as one HTML page and three CSV files.

    python -m instructor.class_report OUT      # reads OUT/results/*.json, writes beside OUT/grades.csv

- class_report.html: one self-contained page (inline SVG charts, no script, nothing fetched):
  the scores per exercise, the share of the class passing each check, the most common causes
  of failure with one example message each, and the students whose grading ended in an error;
- class_scores.csv (exercise, score, students): how many students scored each score;
- class_checks.csv (exercise, check, passed, total, share): each check, in the order it ran;
- class_causes.csv (cause, exercise, count, example): count is the number of students with at
  least one failing check of that cause; example is one full message.

Students' names and messages are the students' text: everything shown is escaped. The figures are
computed first, as plain data; rendering them to HTML and to CSV comes after.
"""
import argparse
import html
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from instructor.spreadsheet import csv_text
from kata.results import write_whole

SHOWN_CAUSES = 15     # causes charted and listed on the page; class_causes.csv has them all
EXAMPLE_CHARS = 1200  # of an example message on the page
LOW_SHARE = 0.5       # checks passed by fewer than this share of the class are drawn in orange
BLUE, ORANGE, GREY, INK = "#3a6ea5", "#d9822b", "#e6e6e6", "#222"


# ---- the figures, as data ---------------------------------------------------------------------

def student_of(results):
    return str(results.get("student") or "?")


def in_order(results):
    """The results sorted by student, so every figure and example is the same from run to run."""
    return sorted(results, key=student_of)


def exercises_of(results):
    """Every exercise in the results, in the README's order (their task_id); unknown ones last."""
    ranks = {}
    for test in (test for one in results for test in one.get("tests", [])):
        ranks.setdefault(test["exercise"], test.get("task_id") or 99)
    return sorted(ranks, key=lambda exercise: (ranks[exercise], exercise))


def cause_of(test):
    """The stable id of a failing check's feedback; in older files, the first line of its message."""
    message = (test.get("message") or "").strip()
    return test.get("cause") or (message.splitlines()[0] if message else f"{test['status']} (no message)")


def score_distribution(results):
    """{exercise: {score: students}} for every score from 0 to the exercise's points. A student
    without checks in an exercise (grading never reached it) counts as 0, as in grades.csv."""
    exercises = exercises_of(results)
    scores = {exercise: Counter() for exercise in exercises}
    most = dict.fromkeys(exercises, 0)
    for one in results:
        earned, possible = Counter(), Counter()
        for test in one.get("tests", []):
            earned[test["exercise"]] += test["score"]
            possible[test["exercise"]] += test["max_score"]
        for exercise in exercises:
            scores[exercise][earned[exercise]] += 1
            most[exercise] = max(most[exercise], possible[exercise])
    return {exercise: {score: scores[exercise][score]
                       for score in sorted(set(range(int(most[exercise]) + 1)) | set(scores[exercise]))}
            for exercise in exercises}


def check_shares(results):
    """[(exercise, check, passed, total)]: grouped by exercise, each check in the order it ran;
    total counts the students whose results have that check."""
    passed, total, exercise_of = Counter(), Counter(), {}
    for test in (test for one in results for test in one.get("tests", [])):
        exercise_of.setdefault(test["name"], test["exercise"])
        total[test["name"]] += 1
        passed[test["name"]] += test["status"] == "pass"
    rank = {exercise: place for place, exercise in enumerate(exercises_of(results))}
    checks = sorted(exercise_of, key=lambda name: rank[exercise_of[name]])   # stable: run order within
    return [(exercise_of[name], name, passed[name], total[name]) for name in checks]


def failure_causes(results):
    """[(cause, exercise, students, example)], the most common first: students are those with at
    least one failing check of that cause, by name; example is the first student's message."""
    students, example = defaultdict(set), {}
    for one in in_order(results):
        for test in one.get("tests", []):
            if test["status"] != "pass":
                key = (cause_of(test), test["exercise"])
                students[key].add(student_of(one))
                example.setdefault(key, test.get("message") or "")
    rank = {exercise: place for place, exercise in enumerate(exercises_of(results))}
    keys = sorted(students, key=lambda key: (-len(students[key]), rank[key[1]], key[0]))
    return [(cause, exercise, sorted(students[cause, exercise]), example[cause, exercise]) for cause, exercise in keys]


def errored_students(results):
    """[(student, why)] for every student whose results have status error."""
    return [(student_of(one), one.get("message") or "no reason given")
            for one in in_order(results) if one.get("status") == "error"]


def class_summary(results):
    """{'students', 'pass', 'fail', 'error', 'mean', 'max_score'} of the class as a whole."""
    statuses = Counter(one.get("status") for one in results)
    mean = sum(one.get("score") or 0 for one in results) / len(results) if results else 0
    return {"students": len(results), **{status: statuses[status] for status in ("pass", "fail", "error")},
            "mean": mean, "max_score": max((one.get("max_score") or 0 for one in results), default=0)}


# ---- CSV --------------------------------------------------------------------------------------

def scores_csv(distribution):
    return csv_text(["exercise", "score", "students"],
                    [(exercise, score, students) for exercise, counts in distribution.items()
                     for score, students in counts.items()])


def checks_csv(shares):
    return csv_text(["exercise", "check", "passed", "total", "share"],
                    [(exercise, check, passed, total, f"{passed / total:.3f}") for exercise, check, passed, total in shares])


def causes_csv(causes):
    return csv_text(["cause", "exercise", "count", "example"],
                    [(cause, exercise, len(students), example) for cause, exercise, students, example in causes])


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


def check_bars_svg(exercise, shares):
    rows = [(check.split("::")[-1].removeprefix("test_"), passed / total, f"{passed}/{total} ({passed / total:.0%})",
             BLUE if passed / total >= LOW_SHARE else ORANGE) for _, check, passed, total in shares]
    return bars_svg(f"{exercise}: share of the class passing each check", rows)


def cause_bars_svg(causes, students):
    rows = [(f"{exercise}: {cause}", len(who) / (students or 1), f"{len(who)} of {students} students", ORANGE)
            for cause, exercise, who, _ in causes]
    return bars_svg("the most common causes of failure", rows, label_chars=64)


# ---- HTML: the page ---------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 1180px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 4px; } h2 { margin-top: 36px; border-bottom: 1px solid #ccc; }
h3 { margin: 18px 0 6px; font-size: 1.05em; }
.note { color: #555; } .who { color: #555; font-size: 0.85em; margin: 4px 0 0; } .grid { display: flex; flex-wrap: wrap; gap: 12px 28px; }
table { border-collapse: collapse; width: 100%; } td, th { border-top: 1px solid #ddd; padding: 6px;
        vertical-align: top; text-align: left; } th { background: #f4f4f4; }
td.n { text-align: right; white-space: nowrap; } code { font-size: 0.92em; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0; font-size: 0.85em; background: #f8f8f8;
      padding: 6px; } li { margin: 4px 0; } svg text { font-family: inherit; }
"""


def section(title, note, *parts):
    return f"<section><h2>{esc(title)}</h2><p class=\"note\">{esc(note)}</p>{''.join(parts)}</section>"


def scores_section(distribution):
    charts = "".join(histogram_svg(exercise, counts) for exercise, counts in distribution.items())
    return section("Scores per exercise", "Students per score; a student whose grading never reached "
                   "an exercise counts as 0, as in grades.csv.", f'<div class="grid">{charts}</div>')


def checks_section(shares):
    groups = defaultdict(list)
    for row in shares:
        groups[row[0]].append(row)
    parts = [f"<h3>{esc(exercise)}</h3>{check_bars_svg(exercise, rows)}" for exercise, rows in groups.items()]
    return section("Checks passed", f"The share of the class passing each check, in the order the checks run; "
                   f"orange: fewer than {LOW_SHARE:.0%} passed. All figures are in class_checks.csv.", *parts)


def causes_section(causes, students):
    shown = causes[:SHOWN_CAUSES]
    if not shown:
        return section("Causes of failure", "No check failed.")
    rows = "".join(f"<tr><td class=\"n\">{len(who)}</td><td>{esc(exercise)}</td><td><code>{esc(cause)}</code>"
                   f"<p class=\"who\">{esc(names(who))}</p></td><td><pre>{esc(clipped_message(example))}</pre></td></tr>"
                   for cause, exercise, who, example in shown)
    table = ("<table><tr><th>students</th><th>exercise</th><th>cause, and who</th>"
             f"<th>example message (the first student's)</th></tr>{rows}</table>")
    return section("Causes of failure", f"The {len(shown)} most common of {len(causes)} causes: the number of "
                   "students with at least one failing check of that cause, and one message as the learner saw it. "
                   "All of them are in class_causes.csv.", cause_bars_svg(shown, students), table)


def names(students, shown=8):
    more = len(students) - shown
    return ", ".join(students[:shown]) + (f" and {more} more" if more > 0 else "")


def clipped_message(message):
    return message if len(message) <= EXAMPLE_CHARS else message[:EXAMPLE_CHARS] + "\n[…]"


def errors_section(errors):
    if not errors:
        return section("Errors", "No student's grading ended in an error.")
    items = "".join(f"<li><b>{esc(student)}</b>: {esc(why)}</li>" for student, why in errors)
    return section("Errors", f"{len(errors)} student{'s' * (len(errors) != 1)} with status error "
                   "(grading did not complete, or the graded files were edited), and why:", f"<ul>{items}</ul>")


def report_html(results):
    """The whole page: a summary line, then the four sections."""
    results = in_order(results)
    summary = class_summary(results)
    headline = (f"{summary['students']} students: {summary['pass']} pass, {summary['fail']} fail, "
                f"{summary['error']} error. Mean score {summary['mean']:.1f} / {summary['max_score']}.")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Class report</title>"
            f"<style>{STYLE}</style></head><body><h1>Class report</h1><p>{esc(headline)}</p>"
            + scores_section(score_distribution(results)) + checks_section(check_shares(results))
            + causes_section(failure_causes(results), len(results)) + errors_section(errored_students(results))
            + "</body></html>\n")


# ---- files --------------------------------------------------------------------------------------

def write_class_report(results, out):
    """Write class_report.html, class_scores.csv, class_checks.csv and class_causes.csv into out
    (beside grades.csv) from a list of results dicts; the paths written."""
    out, results = Path(out), in_order(results)
    files = {"class_report.html": report_html(results),
             "class_scores.csv": scores_csv(score_distribution(results)),
             "class_checks.csv": checks_csv(check_shares(results)),
             "class_causes.csv": causes_csv(failure_causes(results))}
    for name, content in files.items():
        write_whole(out / name, content)
    return [out / name for name in files]


def read_results(out):
    """Every OUT/results/*.json; a file that cannot be read is named on stderr and left out."""
    results = []
    for path in sorted(Path(out, "results").glob("*.json")):
        try:
            one = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            print(f"skipped {path}: {error}", file=sys.stderr)
            continue
        results.append({"student": path.stem, **one})
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor.class_report", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="the gradebook's --out folder, holding results/<student>.json")
    out = parser.parse_args(argv).out
    results = read_results(out)
    if not results:
        parser.error(f"no results in {out / 'results'}")
    for path in write_class_report(results, out):
        print(path)


if __name__ == "__main__":
    main()

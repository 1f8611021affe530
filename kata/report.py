"""What a run says at its end: one line per unstarted exercise, a progress table, the next step."""
import json
import textwrap
import traceback
from dataclasses import dataclass
from pathlib import Path

from .advice import TIPS
from .feedback import Failed, Kind, Table, visible
from .hints import TERMINAL, Failure, hints, in_notebook, plan, remember, seen
from .registry import ORDER, rank
from .results_model import Status
from .words import Word

WIDTH = 72
SHOWN_PER_EXERCISE = 5   # full failure messages per exercise, one per check; the rest are listed by name

# How the terminal files a check that did not pass: pytest's (category, letter, word).
# Each still fails the run and counts as failed in the results.
FOLDED = "also failed"    # a failure whose message is folded into a line of the summary: a display choice
CATEGORIES = {
    Kind.NOT_STARTED: ("not started", "n", "NOT STARTED"),
    Kind.BROKEN_FILE: ("broken file", "B", "BROKEN FILE"),
    FOLDED: ("also failed", "f", "FAILED"),
}


class Ended(Word):
    """How one graded check ended, as the terminal tells it: its results status is Ended.result."""
    PASS = "pass"
    FAIL = "fail"
    NOT_STARTED = "not started"
    BROKEN_FILE = "broken file"
    ERROR = "error"              # a fault outside the check itself, e.g. in a fixture


    @property
    def result(self):
        """The results' word: not started and a broken file are failures there."""
        return {Ended.PASS: Status.PASS, Ended.ERROR: Status.ERROR}.get(self, Status.FAIL)

    @classmethod
    def of(cls, rep, kind=None):
        if rep.passed:
            return cls.PASS
        if rep.when != "call":
            return cls.ERROR
        return {Kind.NOT_STARTED: cls.NOT_STARTED, Kind.BROKEN_FILE: cls.BROKEN_FILE}.get(kind, cls.FAIL)


@dataclass
class Verdict:
    """What the plugin learned of one check's call beyond pytest's report: how its failure is filed
    (a Kind, FOLDED once fold() decides, None if it passed), its Feedback record and its own output."""
    kind: object = None
    feedback: object = None
    output: str = ""
    functions: tuple = ()       # the learner's functions whose answers the check read, in order


OUTPUT_SHOWN = 1500      # characters of one call's own output shown: under a failing check, or at the end


def graded(item):
    return hasattr(getattr(item, "module", None), "EXERCISE")


def exercise_of(item):
    return str(getattr(item.module, "EXERCISE", "other"))


def printed(answers):
    """What the learner's code printed in the calls a check read, each call's output once."""
    return "".join(dict.fromkeys(answer.output for answer in answers if answer.output))


def printed_lines(answers, indent):
    """Each call's output under its name (calls that printed the same, under all their names), cut
    after OUTPUT_SHOWN characters."""
    calls = {}
    for answer in answers:
        calls.setdefault(answer.output, []).append(answer.called)
    lines = []
    for output, called in calls.items():
        output = output if len(output) <= OUTPUT_SHOWN else output[:OUTPUT_SHOWN] + "\n[... cut]"
        lines += [f"{indent}[{', '.join(called)}]"] + [indent + line for line in visible(output).rstrip().splitlines()]
    return lines


def printed_section(answers):
    return "\n  your code printed:\n" + "\n".join(printed_lines(answers, "    "))


def show_output(rep, verdict, consulted, printed_calls, echoed):
    """What the learner's code printed, each call once: under the first check shown in full that
    read it; the rest wait in printed_calls ({call: [answer, shown]}) for the summary. With -s it
    was echoed as it came: not again."""
    for answer in consulted:
        if answer.output:
            printed_calls.setdefault(answer.called, [answer, echoed])
    new = {a.called: printed_calls[a.called] for a in consulted if a.output and not printed_calls[a.called][1]}
    if new and rep.failed and verdict.kind not in CATEGORIES and isinstance(rep.longrepr, str):
        rep.longrepr += printed_section([answer for answer, _ in new.values()])
        for entry in new.values():
            entry[1] = True


def printed_elsewhere(printed_calls):
    """The output of the calls no failure above showed: those read only by checks that passed or were folded."""
    return printed_lines([answer for answer, shown in printed_calls.values() if not shown], "")


def exercise_rank(item):
    return rank(exercise_of(item))


def points_of(item):
    marker = item.get_closest_marker("points")
    return marker.args[0] if marker else 1


def failure_text(error, traceback_wanted=False, tables=None):
    """The learner-facing text of a failed check; None (pytest's traceback) for a fault of the kata
    when a traceback is wanted. A timeout in the learner's code is already a Failed naming the call
    (see kata/diagnosis.py); one elsewhere in a check is named here. tables: the Tables this run has
    shown in full (a later failure with one points to it; this one's is added)."""
    if isinstance(error, Failed):
        if tables is None:
            return str(error)
        text = error.feedback.text(tables)
        if isinstance(error.feedback.details, Table):
            tables.add(error.feedback.details)
        return text
    if "Timeout" in str(error):
        return ("timed out: the check was still running after the time limit.\n"
                "  Look for a loop that never ends, or layers far larger than the exercise asks for.")
    if traceback_wanted:
        return None
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return (f"the check itself failed: {type(error).__name__}: {error}\n"
            f"  at {Path(frame.filename).name} line {frame.lineno}. This is a fault of the kata, not "
            "of your code as far as the check can tell: please tell your instructor (-v shows the traceback).")


@dataclass
class Outcome:
    """One graded check's result."""
    name: str
    exercise: str
    status: Ended
    message: str
    output: str
    points: int
    feedback: object = None     # the Feedback record of a failed check, when it has one
    shown: bool = False         # its message was shown in full (fold() decides; not folded into a line)
    functions: tuple = ()       # the learner's functions whose answers the check read, in order

    def __post_init__(self):
        self.status = Ended(self.status)

    @classmethod
    def of(cls, item, rep, verdict):
        message = "" if rep.passed else (rep.longreprtext or "")
        return cls(item.nodeid, exercise_of(item), Ended.of(rep, verdict.kind), message, verdict.output,
                   points_of(item), verdict.feedback, functions=verdict.functions)


def check_name(outcome):
    """The check without its parameters: 'test_parameter_count' for 'test_parameter_count[8]'."""
    return outcome.name.split("::")[-1].split("[")[0]


def cause(outcome):
    """The feedback's cause id: one crash at lengths 5, 3 and 8 is one cause. A failure without a
    record (a fault of the kata) is its own."""
    return outcome.feedback.cause if outcome.feedback else outcome.message


def fold(verdict, outcomes, verbose):
    """File a plain failure as FOLDED when the same check already failed in full (at another
    length), or its exercise has shown SHOWN_PER_EXERCISE failures in full: a short screen to read."""
    if verbose or verdict.kind not in (Kind.FAILED, Kind.BROKEN):
        return
    this, earlier = outcomes[-1], outcomes[:-1]
    shown = [o for o in earlier if o.exercise == this.exercise and o.shown]
    same_cause = same_check = False
    for o in shown:
        same_cause |= cause(o) == cause(this)
        same_check |= check_name(o) == check_name(this)
    if len(shown) < SHOWN_PER_EXERCISE and not same_check and not same_cause:
        this.shown = True
    else:
        verdict.kind = FOLDED


def progress(outcomes):
    """{exercise: (passed, total)} in the README's order."""
    table = {}
    for outcome in outcomes:
        passed, total = table.get(outcome.exercise, (0, 0))
        table[outcome.exercise] = (passed + (outcome.status is Ended.PASS), total + 1)
    return dict(sorted(table.items(), key=lambda kv: rank(kv[0])))


def state(passed, total, statuses):
    if Ended.BROKEN_FILE in statuses:
        return "broken file"
    return "done" if passed == total else "not started" if statuses == {Ended.NOT_STARTED} else "in progress"


def section_lines(outcomes, status):
    """Each distinct message once, for the checks with that status."""
    return list(dict.fromkeys(o.message for o in outcomes if o.status == status))


def not_started_lines(outcomes, notebook=False):
    """One line per file whose functions are still stubs (in a notebook: per exercise, no file named)."""
    functions = {}
    for outcome in outcomes:
        if outcome.status is Ended.NOT_STARTED and outcome.feedback:
            path, function = outcome.feedback.file, outcome.feedback.function
            functions.setdefault(path, [])
            if function not in functions[path]:
                functions[path].append(function)
    if notebook:
        return [f"not started: {Path(path).stem} {', '.join(f + '()' for f in fs)} - see the TODO in the "
                "exercise's text" for path, fs in functions.items()]
    return [f"not started: {path} {', '.join(f + '()' for f in fs)} - see the TODO in its docstring"
            for path, fs in functions.items()]


def folded_lines(outcomes, terminal):
    """The folded failures: those sharing a cause shown above in one line, the others one line each."""
    folded_ids = {rep.nodeid for rep in terminal.stats.get(FOLDED, [])}
    shown_causes = {cause(o) for o in outcomes if o.shown}
    lines, same = [], {}
    for o in outcomes:
        if o.name not in folded_ids:
            continue
        if cause(o) in shown_causes:
            same.setdefault(o.exercise, []).append(check_name(o))
        else:
            lines.append(f"{o.name.split('::')[-1]}: {o.message.splitlines()[0]}")
    for exercise, checks in same.items():
        names = list(dict.fromkeys(checks))
        lines.append(f"{exercise}: {len(checks)} more check{'s fail' if len(checks) > 1 else ' fails'} with an error shown above "
                     f"({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})")
    return lines


def missing(outcome):
    return bool(outcome.feedback) and outcome.feedback.cause.endswith(".missing_file")


NOTEBOOK_STEPS = {   # next_step's words in a notebook, where the learner's files are cells
    "missing": "define its functions in a cell, run it, then check again.",
    "broken": "fix the cells its functions come from so that they run (see broken files above).",
    "not started": "fill in its functions in the cell under its text, run that cell, then check again.",
}


def next_step(name, outcomes, label, notebook=False):
    statuses = {o.status for o in outcomes}
    broken = [o for o in outcomes if o.status is Ended.BROKEN_FILE]
    if notebook and (broken or statuses <= {Ended.NOT_STARTED}):
        return NOTEBOOK_STEPS["missing" if broken and all(missing(o) for o in broken) else
                              "broken" if broken else "not started"]
    if broken and all(missing(o) for o in broken):
        return f"create {label}{name}.py with the functions the exercise asks for (see broken files above)."
    if broken:
        return f"fix {label}{name}.py so that it imports (see broken files above)."
    if statuses <= {Ended.NOT_STARTED}:
        return f"open {label}{name}.py and read its docstring."
    return "read its first failure above, change one thing, run again."


def hint_failures(outcomes):
    """The failures the hints are chosen by: none for a file that does not import (missing, or
    broken), whose functions all fail alike, so that no hint about one of them is passed over."""
    if any(o.status is Ended.BROKEN_FILE for o in outcomes):
        return []
    return [Failure(o.functions, o.feedback.change if o.feedback else "") for o in outcomes if o.status is not Ended.PASS]


def remembered_progress(path, table, outcomes):
    """Watch mode: the table of this run over the rows remembered from earlier rounds (path, JSON);
    {exercise: (passed, total, state, earlier)}, also written back to path."""
    rows = {}
    if path:
        try:
            rows = {name: (*row, True) for name, row in json.loads(Path(path).read_text()).items()}
        except (OSError, ValueError):
            rows = {}
    for exercise, (passed, total) in table.items():
        statuses = {o.status for o in outcomes if o.exercise == exercise}
        rows[exercise] = (passed, total, state(passed, total, statuses), False)
    if path:
        Path(path).write_text(json.dumps({name: row[:3] for name, row in rows.items()}))
    return dict(sorted(rows.items(), key=lambda kv: rank(kv[0])))


def next_after(names):
    """The next exercise in the README's order after the last of these, or None."""
    later = [name for name in ORDER if rank(name) > max(map(rank, names))]
    return later[0] if later else None


def write_hint(terminal, exercise, step):
    total = len(hints(exercise))
    label = f"Hint {step.number} of {total}" + (" (code)" if step.code else "")
    terminal.write_line(textwrap.fill(f"{label}: {step.text}", WIDTH + 8,
                                      initial_indent="  ", subsequent_indent="    "))


def summarise(terminal, settings, kata, outcomes, printed_calls=None):
    if not outcomes:
        return
    notebook = settings.frontend == "notebook"
    sections = [("your code printed", printed_elsewhere(printed_calls or {})),
                ("not started", not_started_lines(outcomes, notebook)),
                ("broken files", section_lines(outcomes, Ended.BROKEN_FILE)),
                ("also failing" + ("" if notebook else " (add -v to see each message)"), folded_lines(outcomes, terminal))]
    for title, lines in sections:
        if lines:
            terminal.write_sep("-", title)
            for line in lines:
                terminal.write_line(line)
    terminal.write_sep("-", f"progress: {'your notebook' if notebook else kata.label} (seed {kata.seed})")
    ran = progress(outcomes)
    table = remembered_progress(settings.progress, ran, outcomes)
    terminal.write_line(f"{'exercise':<16}{'checks':>10}   state")
    for exercise, (passed, total, how, earlier) in table.items():
        terminal.write_line(f"{exercise:<16}{passed:>4} / {total:<3}   {how}" + ("  (graded earlier)" if earlier else ""))
    unfinished = [name for name, (passed, total, _, _) in table.items() if passed < total]
    for tip in sorted(TIPS[name] for name in kata.tips if name in TIPS):
        terminal.write_line(f"Tip: {tip}")
    letters = [f"{letter} {kind}" for kind, (_, letter, _) in CATEGORIES.items() if terminal.stats.get(kind)]
    if letters:
        terminal.write_line("Letters above: . passed, F failed, " + ", ".join(letters))
    if not unfinished:
        following = next_after(table) if set(table) != set(ORDER) else None
        if notebook:
            terminal.write_line("Every check here passes. Well done!" + (
                f' Next in order: {following}, kata.check("{following}").' if following else ""))
            return
        terminal.write_line("Every check here passes. Well done!" + (
            f" Next in order: {following} (tests/test_{following}.py). The exercises not run here were "
            "not graded: run without a test file to grade them all." if following else ""))
        return
    name = unfinished[0]
    mine = [o for o in outcomes if o.exercise == name]
    terminal.write_line(f"Next: {name} - " + next_step(name, mine, kata.label, notebook))
    failures = hint_failures(mine)
    asked = settings.hints
    shown, announced = seen(kata.label, name)
    steps, line, now_shown, now_announced = plan(name, failures, shown, announced, asked,
                                                 in_notebook(name) if notebook else TERMINAL)
    for step in steps:
        write_hint(terminal, name, step)
    if (now_shown, now_announced) != (shown, announced) and not settings.grade:
        remember(kata.label, name, now_shown, now_announced)
    if line:
        terminal.write_line(textwrap.fill(line + (f"  One exercise at a time: add tests/test_{name}.py"
                                                  if not asked and len(ran) > 1 else ""), WIDTH + 8,
                                          subsequent_indent="  "))

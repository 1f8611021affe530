"""What a run says at its end: one line per unstarted exercise, a progress table, the next step."""
import textwrap
from dataclasses import dataclass

from .exercises import ORDER
from .feedback import hints
from .implementation import Problem

WIDTH = 72


def exercise_of(item):
    return str(getattr(item.module, "EXERCISE", "other"))


def exercise_rank(item):
    name = exercise_of(item)
    return ORDER.index(name) if name in ORDER else len(ORDER)


def points_of(item):
    marker = item.get_closest_marker("points")
    return marker.args[0] if marker else 1


def failure_text(error, implementation):
    """The learner-facing text of a failed check, or the original report for a fault in the tests."""
    if isinstance(error, Problem):
        return str(error)
    if "Timeout" in str(error):
        running = implementation.running or "the check"
        return (f"timed out: {running} was still running after the time limit.\n"
                "  Look for a loop that never ends, or layers far larger than the exercise asks for.")
    return None


@dataclass
class Outcome:
    name: str
    exercise: str
    status: str          # "pass", "fail", "not started", "error"
    message: str
    output: str
    points: int

    @classmethod
    def of(cls, item, rep):
        if rep.passed:
            status = "pass"
        elif getattr(rep, "not_started", False):
            status = "not started"
        else:
            status = "fail" if rep.when == "call" else "error"
        message = "" if rep.passed else (rep.longreprtext or "")
        return cls(item.nodeid, exercise_of(item), status, message, rep.capstdout, points_of(item))


def progress(outcomes):
    """{exercise: (passed, total)} in the README's order."""
    table = {}
    for outcome in outcomes:
        passed, total = table.get(outcome.exercise, (0, 0))
        table[outcome.exercise] = (passed + (outcome.status == "pass"), total + 1)
    return dict(sorted(table.items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else 99))


def state(passed, total):
    return "done" if passed == total else "not started" if passed == 0 else "in progress"


def not_started_lines(outcomes):
    """One line per file whose functions are still stubs."""
    functions = {}
    for outcome in outcomes:
        if outcome.status == "not started":
            head = outcome.message.split(" - ")[0]            # not started: exercises/x.py f()
            path, function = head.removeprefix("not started: ").rsplit(" ", 1)
            functions.setdefault(path, [])
            if function not in functions[path]:
                functions[path].append(function)
    return [f"not started: {path} {', '.join(fs)} - see the TODO in its docstring"
            for path, fs in functions.items()]


def summarise(terminal, config):
    outcomes = config.kata_outcomes
    if not outcomes:
        return
    kata = config.kata
    lines = not_started_lines(outcomes)
    if lines:
        terminal.write_sep("-", "not started")
        for line in lines:
            terminal.write_line(line)
    terminal.write_sep("-", f"progress: {kata.implementation.label} (seed {kata.seed})")
    table = progress(outcomes)
    terminal.write_line(f"{'exercise':<16}{'checks':>10}   state")
    for exercise, (passed, total) in table.items():
        terminal.write_line(f"{exercise:<16}{passed:>4} / {total:<3}   {state(passed, total)}")
    unfinished = [name for name, (passed, total) in table.items() if passed < total]
    for tip in sorted(kata.implementation.tips):
        terminal.write_line(f"Tip: {tip}")
    if not unfinished:
        terminal.write_line("Every check passes. Well done!")
        return
    shown = unfinished if config.getoption("--hints") else unfinished[:1]
    for name in shown:
        steps = hints(name)
        terminal.write_line(f"Next: {name} - open {kata.implementation.label}{name}.py and read its docstring.")
        for number, text in enumerate(steps if config.getoption("--hints") else steps[:1], 1):
            terminal.write_line(textwrap.fill(f"Hint {number} of {len(steps)}: {text}", WIDTH + 8,
                                              initial_indent="  ", subsequent_indent="    "))
    if not config.getoption("--hints"):
        terminal.write_line(f"More hints: add --hints.  One exercise at a time: add tests/test_{unfinished[0]}.py")

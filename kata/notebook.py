"""The kata's checks from a Jupyter or Colab notebook: `from kata import notebook as kata`, then
`kata.check("many_to_many")` in a cell.

The contract's functions are taken from the kernel's namespace as source (kata/notebook_source.py),
written as the exercise's module in a private folder, and graded there exactly as `--impl` would,
by pytest in a separate process started with subprocess (fork and exec): the kernel never imports
the learner's module and never forks itself, and an endless loop or a crash in the learner's code
stops in the kata's worker, not in the kernel. Only data comes back: the results file (size-capped
and checked by kata.results_model) and the run's terminal text (capped), shown as HTML (every
string escaped, no JavaScript, inline styles) with that text as its plain-text form.

Importing this module needs no TensorFlow, no numpy and no IPython: the kata's registry (which
imports numpy) is read when a check is asked for.
"""
import hashlib
import html
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from . import notebook_source
from .processes import end_tree, own_group

ROOT = Path(__file__).resolve().parents[1]
MB = 2**20
RESULTS_CAP = 4 * MB          # a results file larger than this is not read
TEXT_CAP = 1 * MB             # the terminal text kept of a run
RUN_CAP = 30 * 60             # seconds a whole run may take before it is ended (the kata's own limits come first)

_checked = {}                 # exercise -> its last Report (progress() and export() read them)


# --- what is graded -----------------------------------------------------------------------------

def _exercise(name):
    from .registry import BY_NAME          # numpy: only when a check is asked for
    if name not in BY_NAME:
        raise ValueError(f"no exercise {name!r}: give one of {', '.join(BY_NAME)}")
    return BY_NAME[name]


def _namespace(namespace):
    return sys.modules["__main__"].__dict__ if namespace is None else namespace


def source(exercise, namespace=None):
    """The module kata.notebook writes for the exercise, from the namespace (the kernel's by default);
    notebook_source.Refused when something cannot be carried across."""
    return notebook_source.extract(exercise, _exercise(exercise).functions, _namespace(namespace))


def _folder():
    """The private folder the modules are written in: one per user and kata, kept (so that the hints
    shown, which the kata keeps per graded folder, climb from one check to the next), mode 0700 and
    checked to be this user's own folder, not a link."""
    uid = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"kata-notebook-{uid}-{digest}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and
                                           (info.st_uid != os.getuid() or info.st_mode & 0o077)):
        return Path(tempfile.mkdtemp(prefix="kata-notebook-"))
    return folder


def _write(folder, exercise, text):
    path = Path(folder) / f"{exercise}.py"
    partial = path.with_name(f".{exercise}.py.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return path


# --- the run ------------------------------------------------------------------------------------

def _grade(exercise, text, extra=()):
    """Grade text as the exercise's module in a separate pytest process: (returncode, terminal text,
    Results or None, why there are none)."""
    from .results_model import Malformed, Results
    folder = _folder()
    _write(folder, exercise, text)
    with tempfile.TemporaryDirectory(prefix="kata-notebook-run-", ignore_cleanup_errors=True) as tmp:
        results, out = Path(tmp) / "results.json", Path(tmp) / "terminal.txt"
        scratch = Path(tmp) / "tmp"
        scratch.mkdir()
        command = [sys.executable, "-m", "pytest", "-q", "--color=no", "-p", "no:cacheprovider",
                   f"--impl={folder}", "--kata-frontend=notebook", f"tests/test_{exercise}.py",
                   f"--results-json={results}", *extra]
        env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
        env.pop("PYTEST_ADDOPTS", None)
        with open(out, "wb") as terminal:
            child = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=terminal,
                                     stderr=subprocess.STDOUT, **own_group())
            try:
                code = child.wait(timeout=RUN_CAP)
            except subprocess.TimeoutExpired:
                end_tree(child.pid)
                code = child.wait()
            except KeyboardInterrupt:          # the kernel's stop button: end the whole run, then stop
                end_tree(child.pid)
                child.wait()
                raise
        with open(out, "rb") as terminal:
            said = terminal.read(TEXT_CAP).decode("utf-8", "replace")
        if not results.is_file():
            return code, said, None, "the run wrote no results"
        if results.stat().st_size > RESULTS_CAP:
            return code, said, None, f"the results file is larger than {RESULTS_CAP // MB} MB"
        try:
            return code, said, Results.parse(json.loads(results.read_text(encoding="utf-8"))), None
        except (ValueError, Malformed) as error:
            return code, said, None, f"the results file is not valid: {error}"


def _hint_text(said):
    """The run's closing lines (the next step, the hint, where to find another), without pytest's count."""
    lines = said.rstrip("\n").splitlines()
    start = next((i for i, line in enumerate(lines)
                  if line.startswith(("Next:", "Every check here passes", "No more hints"))), None)
    if start is None:
        return ""
    kept = lines[start:]
    while kept and _summary().match(kept[-1].strip()):
        kept.pop()
    return "\n".join(kept).strip("\n")


def _summary():
    """pytest's count line: its own words and the kata's categories ("34 not started in 0.29s")."""
    from .report import CATEGORIES         # the registry's numpy: only once a check has run
    words = ("passed", "failed", "error", "errors", "skipped", *(word for word, _, _ in CATEGORIES.values()))
    return re.compile(rf"^(\d+ ({'|'.join(map(re.escape, words))})\b.*| *no tests ran.*)$")


def _run(exercise, namespace, show=True, time_limit=None, hints=None):
    """Check the exercise (with --hints=hints, if given): its Report, displayed if show. What cannot be
    checked (an unknown exercise, a bad time_limit, a function that cannot be carried) is a Report
    refusing it in one sentence, never a traceback."""
    try:
        _exercise(exercise)
        extra = (*((f"--hints={hints}",) if hints else ()), *_limit(time_limit))
        text = source(exercise, namespace)
    except ValueError as refusal:        # notebook_source.Refused too
        report = Report(str(exercise), refused=str(refusal))
    else:
        code, said, results, why = _grade(exercise, text, extra)
        report = Report(exercise, results=results, text=said, hint=_hint_text(said), error=why,
                        returncode=code, source=text, note=_another_exercises(exercise, text))
        _checked[exercise] = report
    if show:
        _display(report)
    return report


def _another_exercises(exercise, text):
    """A note when the functions graded are those last checked for another exercise: every exercise
    defines make_dataset and build_model, so after running the cells below, an earlier check grades
    the later exercise's functions."""
    body = text.split("\n", 1)[-1]
    for other, report in _checked.items():
        if other != exercise and report.source and report.source.split("\n", 1)[-1] == body:
            return (f"These are the functions you last checked for {other}: every exercise defines its own, "
                    f"so to check {exercise} again, run its cell first, then this check.")
    return None


def _limit(time_limit):
    if time_limit is None:
        return ()
    try:
        seconds = float(time_limit)
    except (TypeError, ValueError):
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ValueError(f"time_limit must be a number of seconds above 0, not {time_limit!r}")
    return (f"--time-limit={seconds}",)


def check(exercise, namespace=None, show=True, time_limit=None):
    """Grade the notebook's functions for the exercise as `python run.py tests/test_<exercise>.py`
    would, display the report and return it (HTML in a notebook, its text elsewhere). time_limit:
    the seconds one call may run, as --time-limit (the kata's default otherwise)."""
    return _run(exercise, namespace, show, time_limit)


def hint(exercise, namespace=None, show=True, time_limit=None, all=False):
    """check with --hints: the next hint not yet shown for the exercise, as `--hints` gives it (all=True:
    every hint, as --hints=all)."""
    return _run(exercise, namespace, show, time_limit, hints="all" if all else "more")


def progress(show=True):
    """The progress of the exercises checked in this kernel so far, from their results."""
    table = Progress({name: report for name, report in _checked.items()})
    if show:
        _display(table)
    return table


def export(folder, *exercises, namespace=None):
    """Write the exercises' modules to folder, for `python run.py --impl=folder` to grade: those named,
    taken from the namespace now, or with none named, the source last checked of each exercise."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    written = {}
    if exercises:
        for name in exercises:
            written[name] = _write(folder, name, source(name, namespace))
    else:
        for name, report in _checked.items():
            if report.source:
                written[name] = _write(folder, name, report.source)
    if not written:
        raise ValueError("nothing to export: check an exercise first, or name the exercises to export")
    folder = Path(folder).resolve()
    shown = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
    print(f"wrote {', '.join(path.name for path in written.values())} into {folder} "
          f"({'the functions named, as they are now' if exercises else 'the functions of each exercise last checked'});"
          f" to grade them in a terminal, in the kata's folder: python3 run.py --impl={shown}")
    return [str(path) for path in written.values()]


def about(show=True):
    """What this runtime has for the kata: Python, the packages a check needs against requirements.txt
    (TensorFlow and Keras 3 among them, which Colab brings), and what the box enforces here. When they
    will do, TensorFlow is imported here without its log lines, so that the cells after it show none."""
    from . import runtime
    shown = About(runtime.python_line(), runtime.packages(), runtime.box_lines())
    if shown.ready:
        _quiet_tensorflow()
    if show:
        _display(shown)
    return shown


def _quiet_tensorflow():
    """TensorFlow and Keras imported, and a first op run, with file descriptor 2 silenced: their log lines
    go nowhere. The kernel never forks (checks are separate processes), so an op here is harmless."""
    from .quiet import first_op_quietly, quiet_environment, stderr_descriptor_silenced
    quiet_environment()
    try:
        with stderr_descriptor_silenced():
            import keras  # noqa: F401
        first_op_quietly()
    except Exception:          # a TensorFlow that will not import: the check's preflight says why, in one line
        pass


# --- what is shown -------------------------------------------------------------------------------

def _in_kernel():
    shell = sys.modules.get("IPython")
    return shell is not None and getattr(shell, "get_ipython", lambda: None)() is not None


def _execution():
    return sys.modules["IPython"].get_ipython().execution_count if _in_kernel() else None


def _display(shown):
    if _in_kernel():
        from IPython.display import display       # already imported: the kernel runs IPython
        display(shown)
    else:
        print(str(shown))


class Shown:
    """Shown once per cell: check() displays it, and the cell's value (the same object) is not shown again."""
    _cell = None

    def _ipython_display_(self):
        from IPython.display import display
        if self._cell is not None and self._cell == _execution():
            return
        self._cell = _execution()
        display({"text/plain": str(self), "text/html": self._repr_html_()}, raw=True)

    def __repr__(self):
        return str(self)


BOX = ("font-family:sans-serif;font-size:14px;line-height:1.4;border:1px solid #ccc;border-radius:4px;"
       "padding:8px 12px;margin:4px 0")
PRE = ("white-space:pre-wrap;font-family:monospace;font-size:13px;background:#f6f6f6;color:#222;"
       "padding:6px 8px;margin:4px 0;border-radius:3px")
COLOURS = {"pass": "#1a7f37", "fail": "#b35900", "error": "#c0392b"}


def _pre(text):
    return f'<pre style="{PRE}">{html.escape(text)}</pre>'


def _short(name):
    return name.split("::")[-1].removeprefix("test_").replace("_", " ")


class Report(Shown):
    """One check's report: the results, the run's terminal text (its plain-text form) and the hint."""

    def __init__(self, exercise, results=None, text="", hint="", error=None, refused=None, returncode=None,
                 source=None, note=None):
        self.exercise, self.results, self.text, self.hint = exercise, results, text, hint
        self.error, self.refused, self.returncode, self.source = error, refused, returncode, source
        self.note = note            # said before the report: the functions are another exercise's

    @property
    def checks(self):
        return [t for t in self.results.tests if t.exercise == self.exercise] if self.results else []

    @property
    def failing(self):
        return [t for t in self.checks if t.status.value != "pass"]

    @property
    def passed(self):
        return sum(t.status.value == "pass" for t in self.checks)

    @property
    def score(self):
        """(points, points possible) of the exercise, or None without results."""
        return self.results.by_exercise().get(self.exercise) if self.results else None

    def __str__(self):
        if self.refused:
            return f"{self.exercise}: not graded. {self.refused}"
        if self.results is None:
            return f"{self.exercise}: no results ({self.error}).\n{self.text}"
        return (f"Note: {self.note}\n" if self.note else "") + self.text

    def _repr_html_(self):
        title = html.escape(self.exercise)
        if self.refused:
            return (f'<div style="{BOX}"><b>{title}</b>: not graded.'
                    f'<div style="color:{COLOURS["error"]};margin-top:4px">{html.escape(self.refused)}</div></div>')
        if self.results is None:
            return (f'<div style="{BOX}"><b>{title}</b>: no results '
                    f'({html.escape(self.error or "")}).{_pre(self.text)}</div>')
        points, most = self.score or (0, 0)
        state = "pass" if not self.failing else "fail"
        parts = [f'<div style="{BOX}"><div><b>{title}</b>: '
                 f'<span style="color:{COLOURS[state]};font-weight:bold">{self.passed} / {len(self.checks)} checks</span>'
                 f' ({points} of {most} points)</div>']
        if self.note:
            parts.append(f'<div style="color:{COLOURS["fail"]};margin-top:4px">{html.escape(self.note)}</div>')
        if self.failing:
            first, rest = self.failing[0], self.failing[1:]
            parts.append(f'<div style="margin-top:6px"><b>{html.escape(_short(first.name))}</b>'
                         + (f' <span style="color:#666;font-size:12px">({html.escape(first.cause)})</span>'
                            if first.cause else "") + '</div>')
            parts.append(_pre(first.message or first.status.value))
            if first.output:
                parts.append(f"<div>your code printed:</div>{_pre(first.output)}")
            if rest:
                items = "".join(f'<div style="margin-top:4px"><b>{html.escape(_short(t.name))}</b>'
                                + (f' <span style="color:#666;font-size:12px">({html.escape(t.cause)})</span>'
                                   if t.cause else "") + '</div>'
                                f'{_pre(t.message or t.status.value)}' for t in rest)
                parts.append(f'<details style="margin-top:4px"><summary>{len(rest)} more failing '
                             f'check{"s" if len(rest) > 1 else ""}</summary>{items}</details>')
        if self.hint:
            parts.append(_pre(self.hint))
        parts.append(f'<details style="margin-top:4px"><summary>the run\'s text</summary>{_pre(self.text)}</details>')
        parts.append("</div>")
        return "".join(parts)


class Progress(Shown):
    """The exercises checked so far: checks passed, points and state, in the README's order."""

    def __init__(self, reports):
        from .registry import rank
        self.rows = []
        for name in sorted(reports, key=rank):
            report = reports[name]
            if report.results is None:
                self.rows.append((name, "-", "-", "no results"))
                continue
            points, most = report.score or (0, 0)
            state = "done" if not report.failing else "in progress" if report.passed else "not started"
            self.rows.append((name, f"{report.passed} / {len(report.checks)}", f"{points} / {most}", state))

    def __str__(self):
        if not self.rows:
            return "No exercise checked yet: kata.check(\"one_to_one\") checks the first."
        lines = [f"{'exercise':<18}{'checks':>9}{'points':>10}   state"]
        lines += [f"{name:<18}{checks:>9}{points:>10}   {state}" for name, checks, points, state in self.rows]
        return "\n".join(lines)

    def _repr_html_(self):
        if not self.rows:
            return f'<div style="{BOX}">{html.escape(str(self))}</div>'
        cell = "padding:2px 10px;text-align:left"
        head = "".join(f'<th style="{cell}">{h}</th>' for h in ("exercise", "checks", "points", "state"))
        body = "".join("<tr>" + "".join(f'<td style="{cell}">{html.escape(v)}</td>' for v in row) + "</tr>"
                       for row in self.rows)
        return f'<div style="{BOX}"><table style="border-collapse:collapse"><tr>{head}</tr>{body}</table></div>'


class About(Shown):
    """kata.about(): the runtime's Python, packages and box, and what to install when one will not do."""

    def __init__(self, python, packages, box):
        self.python, self.packages, self.box = python, packages, box

    @property
    def ready(self):
        return all(package.fine for package in self.packages)

    def advice(self):
        wrong = [package for package in self.packages if not package.fine]
        if not wrong:
            return "Ready: kata.check(\"one_to_one\") checks the first exercise."
        names = " ".join(f'"{p.name}>={p.wanted}"' if p.wanted else p.name for p in wrong)
        return f"Not ready: install what is missing or too old with %pip install -q {names}, then restart the kernel."

    def __str__(self):
        return "\n".join([self.python, *(package.line() for package in self.packages), *self.box, self.advice()])

    def _repr_html_(self):
        items = "".join(f'<div style="color:{COLOURS["pass" if p.fine else "error"]}">{html.escape(p.line())}</div>'
                        for p in self.packages)
        box = "".join(f"<div>{html.escape(line)}</div>" for line in self.box)
        state = COLOURS["pass" if self.ready else "error"]
        return (f'<div style="{BOX}"><div><b>{html.escape(self.python)}</b></div>{items}'
                f'<div style="margin-top:4px">{box}</div>'
                f'<div style="margin-top:4px;color:{state};font-weight:bold">{html.escape(self.advice())}</div></div>')

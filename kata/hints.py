"""The hints kept beside the exercises: exercises/hints/<exercise>.md, one '## Hint N' heading a step.

A heading may name the function the step is about ('## Hint 2 - build_model'), so the run can
show the hint for the function whose check failed first. A heading ending in '(code)'
('## Hint 4 - build_model (code)') gives the code itself: the code hints come last in each file.

Hints wait to be asked, and climb: a plain run shows at most one, never a code hint, never one
about a function whose checks all pass. Each `--hints` shows the next hint not yet shown (one a
plain run showed counts as shown): the others first, the code hints last, and a code hint only
after the run before said that the next hint gives the code. The hints shown, per exercise, are
kept in .kata-hints.json (or $KATA_HINTS_STATE); `--hints=all` shows them all.
"""
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "exercises" / "hints"
CODE = "(code)"


@dataclass(frozen=True)
class Hint:
    number: int
    function: str       # '' when the hint is about the exercise as a whole
    code: bool          # gives the code: shown only when asked for
    text: str


def hints(exercise):
    """[Hint] in order."""
    path = FOLDER / f"{exercise}.md"
    if not path.is_file():
        return []
    steps = []
    for number, part in enumerate(path.read_text().split("\n## ")[1:], 1):
        heading, *body = part.splitlines()
        about = heading.split(" - ", 1)[1].strip() if " - " in heading else ""
        code = about.endswith(CODE) or heading.strip().endswith(CODE)
        function = about.removesuffix(CODE).strip()
        steps.append(Hint(number, function, code, " ".join(line.strip() for line in body if line.strip())))
    return steps


@dataclass(frozen=True)
class Failure:
    """What the hints are chosen by, of one check that did not pass: the learner's functions whose
    answers it read, in order (kata/report.py's Outcome.functions), and what its feedback says to change."""
    functions: tuple = ()
    change: str = ""


def names(text):
    """The code names in a text: 'TimeDistributed', 'return_sequences', 'LSTM', not plain words."""
    return {name for name in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text)
            if (any(c.isupper() for c in name) or "_" in name) and name != "None"}


def failing_functions(failures):
    """The functions the failures are about, e.g. {'make_dataset'}."""
    return {function for failure in failures for function in failure.functions}


def current(step, failures):
    """A hint still worth reading: about the whole exercise, or about a function that still fails. With
    no failures known (a watch round that did not grade the exercise) none is stale."""
    return not failures or not step.function or step.function in failing_functions(failures)


def first_hint_for(exercise, failures, shown=()):
    """The one hint a plain run shows, or None: among the hints that give no code, are not stale and
    not in shown, those about a function the first failure is about, the one sharing most code names
    with the failures' changes (first failures counting most); else the first current one."""
    steps = [s for s in hints(exercise) if not s.code and current(s, failures) and s.number not in shown]
    if not steps:
        return None
    first = failures[0].functions if failures else ()
    about = [s for s in steps if s.function and s.function in first] or steps[:1]

    def score(step):
        return sum(len(names(step.text) & names(f.change)) / (rank + 1) for rank, f in enumerate(failures))
    return max(about, key=lambda s: (score(s), -s.number))


# --- hints asked for: --hints and --hints=all -------------------------------------------------------

def state_file():
    return Path(os.environ.get("KATA_HINTS_STATE") or ROOT / ".kata-hints.json")


def seen(folder, exercise):
    """(the numbers of the hints shown, the code hint last announced or None) for the exercise. An
    older state file kept a count: hints 1 to count."""
    try:
        kept = json.loads(state_file().read_text()).get(folder, {}).get(exercise, {})
    except (OSError, ValueError, AttributeError):
        kept = {}
    if isinstance(kept, int):
        return set(range(1, kept + 1)), None
    try:
        return {int(n) for n in kept.get("shown", [])}, kept.get("announced")
    except (AttributeError, TypeError, ValueError):
        return set(), None


def remember(folder, exercise, shown, announced):
    path = state_file()
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        state = {}
    state.setdefault(folder, {})[exercise] = {"shown": sorted(shown), "announced": announced}
    try:
        path.write_text(json.dumps(state, indent=1) + "\n")
    except OSError:
        pass            # a read-only checkout: hints still show, what was shown is not kept


def next_hint(exercise, failures, shown):
    """The hint --hints gives next, or None: of those not shown yet and not stale, the one a plain run
    would choose among the hints that give no code, else the first code hint."""
    return first_hint_for(exercise, failures, shown) or next(
        (s for s in hints(exercise) if s.code and s.number not in shown and current(s, failures)), None)


def numbers(steps):
    """'1', '1 and 3', '1, 2 and 4'."""
    listed = [str(s.number) for s in steps]
    return ", ".join(listed[:-1]) + " and " + listed[-1] if len(listed) > 1 else "".join(listed)


@dataclass(frozen=True)
class Asking:
    """How the learner asks for the next hint, and for all of them: flags in a terminal, calls in a notebook."""
    more: str
    all: str


TERMINAL = Asking("add --hints", "--hints=all")


def in_notebook(exercise):
    return Asking(f'run kata.hint("{exercise}")', f'kata.hint("{exercise}", all=True)')


def no_more(exercise, shown, ask=TERMINAL):
    """What a run says when no hint is left to show: all of them seen, or the rest are stale."""
    steps = hints(exercise)
    skipped = [s for s in steps if s.number not in shown]
    if not skipped:
        return f"No more hints for {exercise}: you have seen all {len(steps)}; {ask.all} shows them again."
    about = ", ".join(dict.fromkeys(f"{s.function}()" for s in skipped if s.function)) or "what passes"
    return (f"No more hints for what still fails in {exercise}: hint{'s' if len(skipped) > 1 else ''} "
            f"{numbers(skipped)} of {len(steps)} {'are' if len(skipped) > 1 else 'is'} about {about}, whose checks "
            f"pass; {ask.all} shows all {len(steps)}.")


def gives_code(step):
    return f"the code of {step.function}()" if step.function else "the code"


def plan(exercise, failures, shown, announced, asked=None, ask=TERMINAL):
    """What a run says about hints: (the hints to show, the line after them, the hints shown and the
    code hint announced once it has said it). failures: [Failure]. asked: None (a plain run: the hint for the first
    failure), "more" (--hints: the next one not shown, or first the news that it gives the code)
    or "all"."""
    steps = hints(exercise)
    if asked == "all":
        return steps, "", {s.number for s in steps}, announced
    step = next_hint(exercise, failures, shown) if asked else first_hint_for(exercise, failures)
    if step and step.code and step.number != announced:
        return [], f"The next hint for {exercise} gives {gives_code(step)}: {ask.more} again to see it.", \
            shown, step.number
    show = [step] if step else []
    shown = shown | {s.number for s in show}
    following = next_hint(exercise, failures, shown)
    if following is None:
        return show, no_more(exercise, shown, ask), shown, announced
    if following.code:
        return show, (f"Another hint: {ask.more}; the next one gives {gives_code(following)} "
                      f"({ask.all} shows them all)."), shown, following.number
    return show, f"Another hint: {ask.more} (one more each time; {ask.all} for all of them).", shown, announced

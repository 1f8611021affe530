"""The hints kept beside the exercises: exercises/hints/<exercise>.md, one '## Hint N' heading a step.

A heading may name the function the step is about ('## Hint 2 - build_model'), so the run can
show the hint for the function whose check failed first. A heading ending in '(code)'
('## Hint 4 - build_model (code)') gives the code itself: it is shown only when asked for.

Hints wait to be asked: a plain run shows at most one, never a code hint, never one about a
function whose checks all pass. `--hints` reveals one more each time (the count per exercise is
kept in .kata-hints.json, or $KATA_HINTS_STATE); `--hints=all` shows them all.
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


def names(text):
    """The code names in a text: 'TimeDistributed', 'return_sequences', 'LSTM', not plain words."""
    return {name for name in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text)
            if (any(c.isupper() for c in name) or "_" in name) and name != "None"}


def change_line(failure):
    return next((line for line in failure.splitlines() if line.strip().startswith("change:")), "")


def failing_functions(failures):
    """The functions the failures' first lines call, e.g. {'make_dataset'}."""
    return set(re.findall(r"\b([a-z_]+)\(", " ".join(f.splitlines()[0] for f in failures if f)))


def current(step, failures):
    """A hint still worth reading: about the whole exercise, or about a function that still fails."""
    return not step.function or step.function in failing_functions(failures)


def first_hint_for(exercise, failures):
    """The one hint a plain run shows, or None: among the hints that give no code and are not stale,
    those about the function the first failure calls, the one sharing most code names with the
    failures' 'change:' lines (first failures counting most); else the first current one."""
    steps = [s for s in hints(exercise) if not s.code and current(s, failures)]
    if not steps:
        return None
    called = failures[0].splitlines()[0] if failures and failures[0] else ""
    about = [s for s in steps if s.function and f"{s.function}(" in called] or steps[:1]

    def score(step):
        return sum(len(names(step.text) & names(change_line(f))) / (rank + 1) for rank, f in enumerate(failures))
    return max(about, key=lambda s: (score(s), -s.number))


# --- hints asked for: --hints and --hints=all -------------------------------------------------------

def state_file():
    return Path(os.environ.get("KATA_HINTS_STATE") or ROOT / ".kata-hints.json")


def shown_counts(folder):
    try:
        return json.loads(state_file().read_text()).get(folder, {})
    except (OSError, ValueError, AttributeError):
        return {}


def remember(folder, exercise, count):
    path = state_file()
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        state = {}
    state.setdefault(folder, {})[exercise] = count
    try:
        path.write_text(json.dumps(state, indent=1) + "\n")
    except OSError:
        pass            # a read-only checkout: hints still show, the count is not kept


def asked_hints(folder, exercise, failures, how):
    """The hints to show for --hints (how='more': the next one not stale, remembered) or --hints=all."""
    steps = hints(exercise)
    if how == "all":
        remember(folder, exercise, len(steps))
        return steps
    shown = shown_counts(folder).get(exercise, 0)
    step = next((s for s in steps if s.number > shown and current(s, failures)), None)
    if step:
        remember(folder, exercise, step.number)
    return [step] if step else []

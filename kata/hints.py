"""The hints kept beside the exercises: exercises/hints/<exercise>.md, one '## Hint N' heading a step.

A heading may name the function the step is about ('## Hint 2 - build_model'), so the run can
show the first hint for the function whose check failed first.
"""
import re
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "exercises" / "hints"


def hints(exercise):
    """[(function or '', text)] in order."""
    path = FOLDER / f"{exercise}.md"
    if not path.is_file():
        return []
    steps = []
    for part in path.read_text().split("\n## ")[1:]:
        heading, *body = part.splitlines()
        function = heading.split(" - ", 1)[1].strip() if " - " in heading else ""
        steps.append((function, " ".join(line.strip() for line in body if line.strip())))
    return steps


def names(text):
    """The code names in a text: 'TimeDistributed', 'return_sequences', 'LSTM', not plain words."""
    return {name for name in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text)
            if (any(c.isupper() for c in name) or "_" in name) and name != "None"}


def change_line(failure):
    return next((line for line in failure.splitlines() if line.strip().startswith("change:")), "")


def first_hint_for(exercise, failures):
    """(number, total, text) of the hint for the failures, first ones counting most: among the hints
    about the function the first failure names, the one sharing most code names with their 'change:'
    lines; hint 1 when nothing matches."""
    steps = hints(exercise)
    if not steps:
        return None
    called = failures[0].splitlines()[0] if failures and failures[0] else ""
    about = [(number, text) for number, (function, text) in enumerate(steps, 1)
             if function and f"{function}(" in called] or [(1, steps[0][1])]

    def score(step):
        return sum(len(names(step[1]) & names(change_line(f))) / (rank + 1) for rank, f in enumerate(failures))
    number, text = max(about, key=score)
    return number, len(steps), text

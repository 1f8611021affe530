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
    """The Python names in a text: 'TimeDistributed', 'return_sequences', ..."""
    return set(re.findall(r"[A-Za-z_][A-Za-z_0-9]{3,}", text))


def first_hint_for(exercise, failure):
    """(number, total, text) of the hint for the first failure: among the hints about the function
    it names, the one sharing most names with its 'change:' line; else hint 1."""
    steps = hints(exercise)
    if not steps:
        return None
    called = failure.splitlines()[0] if failure else ""
    change = next((line for line in failure.splitlines() if line.strip().startswith("change:")), "")
    about = [(number, text) for number, (function, text) in enumerate(steps, 1)
             if function and f"{function}(" in called]
    if not about:
        return 1, len(steps), steps[0][1]
    number, text = max(about, key=lambda step: len(names(step[1]) & names(change)))
    return number, len(steps), text

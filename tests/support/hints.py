"""The hints kept beside the exercises: exercises/hints/<exercise>.md, one '## Hint N' heading a step.

A heading may name the function the step is about ('## Hint 2 - build_model'), so the run can
show the first hint for the function whose check failed first.
"""
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


def first_hint_for(exercise, failing_line):
    """(number, total, text) of the first hint about the function in the first failure, else hint 1."""
    steps = hints(exercise)
    if not steps:
        return None
    for number, (function, text) in enumerate(steps, 1):
        if function and f"{function}(" in failing_line:
            return number, len(steps), text
    return 1, len(steps), steps[0][1]

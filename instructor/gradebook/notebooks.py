"""A submission of notebooks graded as modules: each exercise's functions taken from the notebook
statically (kata/notebook_file.py: the cells parsed, never run), written as exercises/<module>.py
where the student's modules would have been copied, and a note for the row saying what was taken
and what was not, why."""
from kata.notebook_file import modules_from, printable
from kata.registry import EXERCISES

from instructor.shapes import WrongShape

MAX_NOTEBOOKS = 20          # notebook files read from one submission


def reasons(by_exercise):
    """{exercise: sentence} said once per sentence: "one_to_one, many_to_one: the sentence"."""
    grouped = {}
    for name, why in by_exercise.items():
        grouped.setdefault(why, []).append(name)
    return "; ".join(f"{', '.join(names)}: {why}" for why, names in grouped.items())


def write_modules(located, exercises):
    """Write the modules taken from located.notebooks into the folder exercises; the row's note.
    WrongShape when no exercise could be taken from them."""
    names = ", ".join(printable(path.name) for path in located.notebooks)
    if len(located.notebooks) > MAX_NOTEBOOKS:
        raise WrongShape(f"the submission holds {len(located.notebooks)} notebooks, more than {MAX_NOTEBOOKS}: "
                         "send the one with the exercises")
    taken = modules_from(located.notebooks, EXERCISES)
    problems = "; ".join(filter(None, [reasons(taken.refused), "; ".join(taken.unread.values())]))
    if not taken.modules:
        raise WrongShape(f"nothing could be taken from {names}: " + (problems or
                         "it checks no exercise (after an exercise's functions, a cell calls "
                         "kata.check(\"one_to_one\"), as the kata's notebook does) and is named after none "
                         "(one_to_one.ipynb)"))
    exercises.mkdir(parents=True)
    by_name = {exercise.name: exercise for exercise in EXERCISES}
    for name, text in taken.modules.items():
        (exercises / f"{by_name[name].module}.py").write_text(text, encoding="utf-8")
    used = ", ".join(name for name in (printable(path.name) for path in located.notebooks) if name not in taken.unread)
    note = (f"graded {', '.join(taken.modules)} from {used}, its cells read, not run"
            + (f"; not taken: {reasons(taken.refused)}" if taken.refused else "")
            + (f"; set aside: {'; '.join(taken.unread.values())}" if taken.unread else ""))
    return "; ".join(part for part in (located.note, note) if part)

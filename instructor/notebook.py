"""The kata's notebook, for Colab or Jupyter: `python -m instructor.notebook OUT [--repository URL]`.

One notebook for every exercise, made from the registry and exercises/: a setup cell (in Colab it
clones the kata from --repository and installs what Colab lacks; in a Jupyter started in the kata's
folder or its notebooks/ folder it uses that copy; then kata.about() says what the runtime has and what
the box enforces there), then for each exercise its text, the stub's cell and a kata.check cell, which
marks the exercise's section for the gradebook too (kata/notebook_file.py). notebooks/kata.ipynb is this
notebook with no repository: an instructor writes their class's with --repository, so that a learner
opening it in Colab runs it as it is.
"""
import json
import sys
from pathlib import Path

from kata.cli import OneLineParser
from kata.registry import EXERCISES

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "notebooks" / "kata.ipynb"
CLONE = "timedistributed-kata"          # the folder Colab's copy of the kata is cloned into
INSTALLED = ('"pytest>=8"', '"pytest-timeout>=2.2"')   # what a check needs that Colab does not bring

INTRODUCTION = """# The TimeDistributed kata, in a notebook

Shape sequence data for Keras LSTMs and learn when to use `TimeDistributed`: the sequence
`0.0 0.2 0.4 0.6 0.8` learned one-to-one, many-to-one and many-to-many, then the bonus exercises.

1. Run the setup cell below once per session (in Colab: *Runtime, Run all* works too).
2. For each exercise: read its text, fill in the functions in the cell under it, run that cell,
   then run its `kata.check(...)` cell. `kata.hint(...)` gives the next hint, one more each time.

Your functions are graded in a separate process, never in this kernel: an endless loop is stopped
at the time limit and the notebook goes on. The report is the one `python3 run.py` prints in a
terminal, with the first failing check in full."""

SETUP = """# Setup: run once per session. In Colab it fetches the kata into {clone}/; in a Jupyter started in
# the kata's folder (or in notebooks/) it uses that copy.
import os, sys
REPOSITORY = {repository!r}   # the kata's git address (your class's copy of it)
KATA = next((folder for folder in (".", "..", {clone!r}) if os.path.isfile(os.path.join(folder, "run.py"))), None)
if KATA is None and REPOSITORY:
    !git clone -q --depth 1 {{REPOSITORY}} {clone}
    KATA = {clone!r} if os.path.isfile(os.path.join({clone!r}, "run.py")) else None
if KATA is None:
    print("No kata here yet: set REPOSITORY in this cell to the kata's git address (your class's copy of it)"
          if not REPOSITORY else "git could not clone REPOSITORY (see its line above): check the address, then "
          "run this cell again")
else:
    !"{{sys.executable}}" -m pip install -q {installed}
    sys.path.insert(0, os.path.abspath(KATA))
    from kata import notebook as kata
    kata.about()"""

END = """## Your progress

`kata.progress()` shows the exercises checked in this session. `kata.export("my-exercises")` writes
them as modules, for `python3 run.py --impl=my-exercises` in a terminal, or to hand in."""


def exercise_text(exercise, number, docstring):
    title, _, body = docstring.strip().partition("\n")
    return f"## {number}. {exercise.name}: {title.split(' - ', 1)[-1]}\n\n```text\n{body.strip()}\n```"


def split_module(path):
    """(docstring, the code after it) of a module of the contract."""
    text = path.read_text(encoding="utf-8")
    quote = text[:3]
    if quote not in ('"""', "'''"):
        return "", text
    end = text.index(quote, 3)
    return text[3:end], text[end + 3:].lstrip("\n")


def cells(repository="", functions_from=ROOT / "exercises"):
    """[(cell type, id, text)] of the notebook: the functions' cells from the folder functions_from
    (the stubs by default; the self-check fills them from solutions/)."""
    made = [("markdown", "introduction", INTRODUCTION),
            ("code", "setup", SETUP.format(repository=repository, clone=CLONE, installed=" ".join(INSTALLED)))]
    for number, exercise in enumerate(EXERCISES, 1):
        docstring, _ = split_module(ROOT / "exercises" / f"{exercise.module}.py")
        _, code = split_module(Path(functions_from) / f"{exercise.module}.py")
        made += [("markdown", f"{exercise.name}-text", exercise_text(exercise, number, docstring)),
                 ("code", f"{exercise.name}-code", code.rstrip("\n")),
                 ("code", f"{exercise.name}-check",
                  f'kata.check("{exercise.name}")   # kata.hint("{exercise.name}"): the next hint')]
    made += [("markdown", "progress-text", END), ("code", "progress", "kata.progress()")]
    return made


def notebook(repository="", functions_from=ROOT / "exercises"):
    """The notebook as nbformat 4.5 JSON data."""
    def cell(kind, identifier, text):
        lines = text.splitlines(True)
        made = {"cell_type": kind, "id": identifier, "metadata": {}, "source": lines}
        if kind == "code":
            made.update(execution_count=None, outputs=[])
        return made

    return {"cells": [cell(*made) for made in cells(repository, functions_from)],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def text_of(data):
    """The file's text, as Jupyter writes one: indent 1, keys sorted."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv=None):
    parser = OneLineParser(prog="python -m instructor.notebook", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, metavar="OUT", help="the notebook file to write (kata.ipynb)")
    parser.add_argument("--repository", default="", metavar="URL",
                        help="the git address Colab clones the kata from: your class's copy (default: none, "
                             "and the learner is asked for it)")
    options = parser.parse_args(argv)
    if options.out.is_dir():
        parser.error(f"OUT {options.out} is a folder: give the notebook's file name, such as {options.out / 'kata.ipynb'}")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(text_of(notebook(options.repository)), encoding="utf-8")
    print(f"wrote {options.out}: {len(EXERCISES)} exercises" +
          (f", cloned from {options.repository} in Colab" if options.repository else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

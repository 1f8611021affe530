"""Where a submission's work is: the folder the gradebook grades, or one sentence saying why there is
nothing to grade (an empty folder, no module of the contract and no notebook).

A submission is graded where its modules are: the student's folder itself (the contract's modules,
or a whole repository with exercises/), or the one folder inside it that holds them, as an archive
unpacked into a folder of its own gives (graded there, with a note). A folder with notebooks (.ipynb
files) and no module is graded from its notebooks, taken statically (kata/notebook_file.py). Nothing
here opens a file or follows a symbolic link: the copy, which comes after, refuses what is unsafe.
"""
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kata.registry import EXERCISES

MODULES = [f"{exercise.module}.py" for exercise in EXERCISES]
LOOKED_AT = 5000        # entries listed at most, to name what a wrong-shaped submission holds


class WrongShape(Exception):
    """Nothing in the submission can be graded; the message says what it holds instead."""


@dataclass
class Located:
    folder: Path            # what copy_submission copies: a folder of modules, or a repository
    note: str | None        # said in the row when the work was not where it belongs
    notebooks: tuple = ()   # the notebook files the modules are taken from, when there are no modules


def holds_work(folder):
    """A repository copy (a real exercises/ folder) or a folder with one of the contract's modules."""
    if (folder / "exercises").is_dir() and not (folder / "exercises").is_symlink():
        return True
    return any(os.path.lexists(folder / name) for name in MODULES)


def notebooks_in(folder):
    """What is named *.ipynb at folder's top, other than a folder (a link or a FIFO too: the notebook
    reader refuses it by name, never following or opening it)."""
    found = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".ipynb") and not stat.S_ISDIR(os.lstat(folder / name).st_mode):
            found.append(folder / name)
    return tuple(found)


def files_in(submission):
    """Up to LOOKED_AT paths of files under submission, relative, never through a link."""
    found = []
    for top, folders, files in os.walk(submission):        # os.walk follows no link by default
        folders[:] = sorted(name for name in folders if name not in ("__pycache__", ".git"))
        found += [(Path(top) / name).relative_to(submission).as_posix() for name in sorted(files)]
        if len(found) >= LOOKED_AT:
            break
    return found


def locate(submission):
    """Located(folder, note) of the submission's work; WrongShape when it holds none."""
    if submission.is_symlink() or holds_work(submission):
        return Located(submission, None)
    inside = [path for path in sorted(submission.iterdir())
              if path.is_dir() and not path.is_symlink() and not path.name.startswith((".", "__"))]
    if len(inside) == 1 and holds_work(inside[0]):
        return Located(inside[0], f"graded {inside[0].name}/, the one folder in the submission, "
                                  "which holds the work (the modules belong at the submission's top)")
    at_top = notebooks_in(submission)
    if at_top:
        return Located(submission, None, at_top)
    one_down = notebooks_in(inside[0]) if len(inside) == 1 else ()
    if one_down:
        return Located(inside[0], f"graded {inside[0].name}/, the one folder in the submission, which holds "
                                  "the notebook (it belongs at the submission's top)", one_down)
    files = files_in(submission)
    expected = ", ".join(MODULES)
    if not files:
        raise WrongShape(f"the submission is empty: no files (the kata grades {expected})")
    notebooks = [name for name in files if name.endswith(".ipynb")]
    if notebooks:
        raise WrongShape(f"the submission holds a notebook ({notebooks[0]}) too deep to be graded, and none of "
                         f"the modules the kata grades ({expected}): put the notebook at the submission's top")
    shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    raise WrongShape(f"the submission holds none of the modules the kata grades ({expected}): it has {shown}")

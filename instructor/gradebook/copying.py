"""A submission's files copied for grading: never through a symbolic link, within a budget of bytes
and files; and this checkout's graded files, copied once, that grade every student.

A link that stays inside the submission is copied as a link; a FIFO, a device, a socket, a link
that dangles or leads out, or more than the budget raises Uncopyable, whose message names the file.
The Gradescope autograder copies an upload with the same rules (instructor/gradescope.py)."""
import fnmatch
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from kata.results import GRADED

ROOT = Path(__file__).resolve().parents[2]
IGNORED = ("__pycache__", "*.pyc", ".git", ".venv", ".tox", "results")   # never copied
MAX_COPY_BYTES = 200 * 2**20     # a submission's copied files, in all
MAX_COPY_FILES = 5000            # ... and its files, folders and links


class Uncopyable(Exception):
    """A submission the gradebook will not copy; the message names the file."""


@dataclass
class Budget:
    """What one submission's copy may still take: bytes, and files, folders and links."""
    max_bytes: int = MAX_COPY_BYTES
    max_files: int = MAX_COPY_FILES
    bytes: int = field(init=False)
    files: int = field(init=False)

    def __post_init__(self):
        self.bytes, self.files = self.max_bytes, self.max_files

    def take(self, name, info):
        self.files -= 1
        self.bytes -= info.st_size if stat.S_ISREG(info.st_mode) else 0
        if self.files < 0:
            raise Uncopyable(f"more than {self.max_files} files and folders (at {name}): send the modules only")
        if self.bytes < 0:
            raise Uncopyable(f"more than {self.max_bytes / 2**20:g} MB (at {name}): send the modules only")


def ignored(name):
    return any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED)


def kind_of(mode):
    kinds = {stat.S_ISFIFO: "a FIFO (named pipe)", stat.S_ISCHR: "a character device",
             stat.S_ISBLK: "a block device", stat.S_ISSOCK: "a socket"}
    return next((kind for test, kind in kinds.items() if test(mode)), "not a regular file")


def link_inside(link, root, name):
    """What a copy of link should point at: the same file, relatively; only if it is inside root."""
    pointed = os.readlink(link)
    where = Path(os.path.realpath(link))
    if not where.exists():
        raise Uncopyable(f"{name} is a symbolic link to {pointed}, which does not exist")
    if not where.is_relative_to(root):
        raise Uncopyable(f"{name} is a symbolic link to {pointed}, outside the submission: send the file itself")
    return os.path.relpath(where, os.path.realpath(link.parent))


def copy_safely(source, target, root, budget):
    """Copy source (a file, folder or link under root) to target, never following a symbolic link.

    A link that stays inside root is copied as a link; a FIFO, a device, a socket, a link that
    dangles or leads out, or more than the budget raises Uncopyable naming the file."""
    todo = [(source, target)]
    while todo:
        source, target = todo.pop()
        name = source.relative_to(root).as_posix()
        info = source.lstat()
        budget.take(name, info)
        if stat.S_ISDIR(info.st_mode):
            target.mkdir(parents=True)
            todo += [(source / child, target / child) for child in sorted(os.listdir(source)) if not ignored(child)]
        elif stat.S_ISREG(info.st_mode):
            shutil.copyfile(source, target, follow_symlinks=False)
        elif stat.S_ISLNK(info.st_mode):
            os.symlink(link_inside(source, root, name), target)
        else:
            raise Uncopyable(f"{name} is {kind_of(info.st_mode)}: only files, folders and links inside "
                             "the submission are graded")


def is_repository(submission):
    """A repository copy: its exercises/ is a real folder (a link named exercises is not followed)."""
    return (submission / "exercises").is_dir() and not (submission / "exercises").is_symlink()


def copy_submission(submission, exercises, sent, budget=None):
    """Copy what is graded: the student's modules into exercises, a repository copy's graded files
    (conftest.py, tox.ini, tests/) into sent, to be compared with the instructor's."""
    budget = budget or Budget()
    if submission.is_symlink():
        raise Uncopyable(f"{submission.name} is a symbolic link: put the folder itself in the class folder")
    root = submission.resolve()
    sent.mkdir()
    if not is_repository(submission):
        copy_safely(root, exercises, root, budget)
        return
    copy_safely(root / "exercises", exercises, root, budget)
    for name in GRADED:
        if os.path.lexists(root / name):
            copy_safely(root / name, sent / name, root, budget)


def snapshot(into):
    """This checkout's graded files and hints, copied once: every student is graded by the same tests."""
    for name in (*GRADED, "exercises/hints"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns(*IGNORED))
        elif source.is_file():
            shutil.copy2(source, into / name)
    return into

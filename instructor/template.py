"""Write the repository a class receives: the stubs, the graded tests and what runs them, nothing else.

    python -m instructor.template OUT              plain GitHub Actions grading (.github/workflows/grade.yml)
    python -m instructor.template OUT --classroom  GitHub Classroom instead (.github/workflows/classroom.yml)

OUT must be new or an empty folder. Only the paths in TEMPLATE are copied: never solutions/, instructor/, selfcheck/,
benchmark/, .ci/ or docs/. Its README.md is this repository's up to the line README_END, the learners'
part: one README, no copy to drift. Hand out OUT (push it as the assignment's template repository), never
this repository.
Beside OUT it writes OUT.fingerprint.json, the fingerprint of its graded files: the gradebook's
--expected-fingerprint, and the text of $KATA_EXPECTED_FINGERPRINT for grading in CI.
"""
import json
import shutil
import sys
import tempfile
from pathlib import Path

from kata.cli import OneLineParser
from kata.results import fingerprint

ROOT = Path(__file__).resolve().parents[1]

# (path in this repository, path in the template, which variant: None for both). Folders are copied whole,
# less __pycache__. Nothing else is ever copied.
TEMPLATE = (
    ("exercises", "exercises", None),                        # the stubs and exercises/hints/
    ("tests", "tests", None),                                # the graded checks
    ("kata", "kata", None),                                  # the grading engine and kata/ci_report.py
    ("notebooks", "notebooks", None),                        # the kata's notebook, for Colab or Jupyter
    ("conftest.py", "conftest.py", None),
    ("run.py", "run.py", None),
    ("tox.ini", "tox.ini", None),
    ("requirements.txt", "requirements.txt", None),          # ranges, for the learner's own machine
    ("requirements.lock", "requirements.lock", None),        # exact pins, for grading in CI
    (".gitignore", ".gitignore", None),
    ("README.md", "README.md", None),                        # the learners' README: up to README_END
    (".github/workflows/grade.yml", ".github/workflows/grade.yml", "plain"),
    (".github/workflows/classroom.yml", ".github/workflows/classroom.yml", "classroom"),
    ("ci/gitlab-ci.yml", ".gitlab-ci.yml", None),            # the same grading on GitLab
)
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")
README_END = ("<!-- the template's README ends here: what follows is for this repository's instructors and "
              "contributors -->")
INSTRUCTORS_ONLY = ("[testenv:solutions]", "[testenv:selfcheck]")    # tox environments a class has no use for


def learners_tox(text):
    """tox.ini less the sections in INSTRUCTORS_ONLY (each from its header to the next header)."""
    kept, keep = [], True
    for line in text.splitlines(keepends=True):
        if line.startswith("["):
            keep = line.strip() not in INSTRUCTORS_ONLY
        kept.append(line) if keep else None
    return "".join(kept)


def learners_readme(text):
    """README.md up to (not including) the line README_END, less the blank lines before it. A README
    without that line (the template's own, as the Gradescope autograder holds it) is the learners' already."""
    return text.split("\n" + README_END + "\n")[0].rstrip("\n") + "\n"


def entries(classroom=False):
    variant = "classroom" if classroom else "plain"
    return [(source, target) for source, target, only in TEMPLATE if only in (None, variant)]


def write(out, classroom=False, root=ROOT):
    """Copy the allowlisted paths of root into out; return the files written, relative to out."""
    out = Path(out)
    for source, target in entries(classroom):
        source, target = Path(root) / source, out / target
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=SKIP)
        elif target.name == "tox.ini":
            target.write_text(learners_tox(source.read_text()))
        elif target.name == "README.md":
            target.write_text(learners_readme(source.read_text()))
        else:
            shutil.copy2(source, target)
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def fingerprint_of(classroom=False, root=ROOT):
    """The fingerprint of the template written from root (kata/results.py's fingerprint)."""
    with tempfile.TemporaryDirectory(prefix="kata-template-") as tmp:
        write(Path(tmp) / "template", classroom, root)
        return fingerprint(Path(tmp) / "template")


def fingerprint_file(out):
    out = Path(out).resolve()
    return out.with_name(out.name + ".fingerprint.json")


def main(argv=None):
    parser = OneLineParser(prog="python -m instructor.template", description=__doc__.split("\n")[0])
    parser.add_argument("out", metavar="OUT", help="a new or empty folder")
    parser.add_argument("--classroom", action="store_true",
                        help="grade with GitHub Classroom's reporter (classroom.yml) in place of grade.yml")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if out.is_file() or (out.is_dir() and any(out.iterdir())) or (out.exists() and not out.is_dir()):
        print(f"OUT {out}: exists and is not an empty folder; give a new or empty folder", file=sys.stderr)
        return 4
    files = write(out, args.classroom)
    fingerprint_file(out).write_text(json.dumps(fingerprint(out), indent=2) + "\n")
    print(f"wrote {len(files)} files to {out}, and its fingerprint to {fingerprint_file(out)} (give it to the "
          "gradebook as --expected-fingerprint, or to CI as $KATA_EXPECTED_FINGERPRINT)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

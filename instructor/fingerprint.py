"""Print the fingerprint of this checkout's graded files (the grader, its tests and settings, CI and requirements) as JSON.

    python -m instructor.fingerprint [ROOT] > fingerprint.json     # ROOT: this checkout, or the template you hand out

Give it back as --expected-fingerprint=fingerprint.json, or as the text of the variable
KATA_EXPECTED_FINGERPRINT (GitHub Classroom: a repository or organisation variable), and a grading
run whose graded files differ ends with status "error" naming each changed, missing or added file.
"""
import json
import sys
from pathlib import Path

from kata.cli import OneLineParser
from kata.results import ROOT, fingerprint


def main(argv=None):
    parser = OneLineParser(prog="python -m instructor.fingerprint", description=__doc__.split("\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=ROOT, metavar="ROOT",
                        help="this checkout (the default), or the template you hand out")
    root = parser.parse_args(argv).root
    if not root.is_dir():
        parser.error(f"ROOT {root}: no such folder")
    print(json.dumps(fingerprint(root), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

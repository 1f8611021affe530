"""Print the fingerprint of this checkout's graded files (the grader, its tests and settings, CI and requirements) as JSON.

    python -m instructor.fingerprint [ROOT] > fingerprint.json     # ROOT: this checkout, or the template you hand out

Give it back as --expected-fingerprint=fingerprint.json, or as the text of the variable
KATA_EXPECTED_FINGERPRINT (GitHub Classroom: a repository or organisation variable), and a grading
run whose graded files differ ends with status "error" naming each changed, missing or added file.
"""
import json
import sys
from pathlib import Path

from kata.results import ROOT, fingerprint

if __name__ == "__main__":
    print(json.dumps(fingerprint(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT), indent=2))

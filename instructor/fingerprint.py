"""Print the fingerprint of this checkout's graded files (tests/, conftest.py, tox.ini) as JSON.

    python -m instructor.fingerprint > fingerprint.json

Give it back as --expected-fingerprint=fingerprint.json, or as the text of the variable
KATA_EXPECTED_FINGERPRINT (GitHub Classroom: a repository or organisation variable), and a grading
run whose graded files differ ends with status "error" naming each changed, missing or added file.
"""
import json

from kata.results import ROOT, fingerprint

if __name__ == "__main__":
    print(json.dumps(fingerprint(ROOT), indent=2))

#!/usr/bin/env python3
"""Set up the kata once (a .venv with requirements.txt), then run the graded tests.

    python3 run.py                   grade your exercises/
    python3 run.py --impl=solutions  grade the reference solutions
    python3 run.py tests/test_one_to_one.py   one exercise

Any argument is passed to pytest. Needs only Python 3.9 to 3.13.
"""
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / "requirements.sha256"


def requirements_hash():
    return hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()


def set_up():
    if STAMP.is_file() and STAMP.read_text() == requirements_hash():
        return
    print("Setting up .venv with TensorFlow (once; a few minutes on a slow connection)...", flush=True)
    venv.create(VENV, with_pip=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", ROOT / "requirements.txt"], check=True)
    STAMP.write_text(requirements_hash())


if __name__ == "__main__":
    try:
        set_up()
    except (subprocess.CalledProcessError, OSError) as error:
        sys.exit(f"Setting up .venv failed ({error}). Check your connection and run again.")
    os.chdir(ROOT)
    sys.exit(subprocess.run([PYTHON, "-m", "pytest", *sys.argv[1:]]).returncode)

"""What this Python has for the kata, for kata.notebook.about(): the packages of requirements.txt that
a check needs, each against its range (read from their metadata, nothing imported), and what runs the
learner's code here, with what the box enforces on this runtime (kata/sandbox.py's enforceable()).
A runtime such as Colab brings its own TensorFlow: this says whether it will do."""
import os
import platform
import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import backend

ROOT = Path(__file__).resolve().parents[1]
NEEDED = ("tensorflow", "keras", "numpy", "pytest", "pytest-timeout", "psutil")   # what a check imports
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+)\s*(?:>=\s*([0-9.]+))?")
LEARNERS_WORDS = {   # enforceable()'s sentences, for a learner running as root (Colab does)
    "processes": "you run as root here (Colab does), and Linux does not limit the processes of root.",
}
BOXED = ("may read what you may read, writes only its own temporary folder, has no network, and may use at "
         "most {memory} GB of memory, {processes} processes and threads, files of {file} MB and {disk} MB of disk in all")


@dataclass(frozen=True)
class Package:
    name: str
    wanted: str | None          # the lowest version requirements.txt takes, or None for any
    found: str | None           # the installed version, or None when it is not installed

    @property
    def fine(self):
        return self.found is not None and (self.wanted is None or numbers(self.found) >= numbers(self.wanted))

    def line(self):
        wanted = f" (the kata needs {self.wanted} or newer)" if self.wanted else ""
        if self.found is None:
            return f"{self.name}: not installed{wanted}"
        return f"{self.name} {self.found}" + ("" if self.fine else f": too old{wanted}")


def numbers(version):
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def wanted_versions():
    """{package: lowest version or None} of requirements.txt's lines for the packages a check needs."""
    wanted = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = REQUIREMENT.match(line.strip())
        if match and match.group(1).lower() in NEEDED and ";" not in line:
            wanted[match.group(1).lower()] = match.group(2)
    return wanted


def installed(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def packages():
    wanted = wanted_versions()
    return [Package(name, wanted.get(name), installed(name)) for name in NEEDED]


def box_lines():
    """What runs the learner's code here, and what the box enforces, one sentence a line."""
    from .settings import BOXES, LEARNER_TIME_LIMIT
    workers = backend.choose("auto")
    lines = [f"Your functions run in a worker process, never in this kernel; a call is stopped after "
             f"{LEARNER_TIME_LIMIT} s."]
    if workers != "fork":
        lines.append(f"The box is not enforced on {sys.platform}: it needs Linux (what a check runs may read "
                     "and write what you may).")
        return lines
    from .sandbox import enforceable           # Linux only: it reads /proc and runs a probe
    box = BOXES["local"]
    lines.append("The box your functions run in " + BOXED.format(
        memory=box["memory_bytes"] // 2**30, processes=box["processes"], file=box["file_bytes"] // 2**20,
        disk=box["disk_bytes"] // 2**20) + ".")
    missing = {part: why for part, why in enforceable().items() if why and part != "read"}
    for part, why in missing.items():
        lines.append(f"Not enforced here ({part}): {LEARNERS_WORDS.get(part, why) if os.geteuid() == 0 else why}")
    return lines


def python_line():
    return f"Python {platform.python_version()} on {sys.platform}"

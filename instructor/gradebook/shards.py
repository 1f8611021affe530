"""A class graded in shards (--shard I/N: the sorted student folders whose index % N is I-1, on as
many machines or jobs as you like) and the shards merged:

    python -m instructor.gradebook merge OUT SHARD_DIR...

joins the shards' --out folders into one grades.csv, results folder, fingerprint.json and class
report in OUT. It refuses (one line, exit 4) shards graded with different graded files
(fingerprint.json), seeds, time limits or versions (each shard's shard.json), a shard missing or
given twice, and a student in two shards."""
import argparse
import json
import platform
import shutil
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from instructor.class_report import read_results, write_class_report
from kata.cli import OneLineParser

from .grades import row_of, write_csv, write_json

SHARD_FILE = "shard.json"      # beside grades.csv in a shard's --out: what merge compares
SAME_IN_EVERY_SHARD = ("of", "seed", "time_limit", "deadline", "versions")


@dataclass(frozen=True)
class Shard:
    """--shard I/N: this run grades the I-th of N shares of the class."""
    index: int
    of: int

    def __str__(self):
        return f"{self.index}/{self.of}"


def shard(text):
    """--shard's value: I/N with 1 <= I <= N (else one line naming it)."""
    index, slash, of = text.partition("/")
    if not (slash and index.isdigit() and of.isdigit() and 1 <= int(index) <= int(of)):
        raise argparse.ArgumentTypeError(f"give I/N, the I-th of N shares, 1 <= I <= N, not {text!r}")
    return Shard(int(index), int(of))


def share_of(folders, shard):
    """The folders (sorted) a shard grades: the whole class without one."""
    folders = sorted(folders)
    return folders if shard is None else [f for k, f in enumerate(folders) if k % shard.of == shard.index - 1]


def versions():
    """The versions that decide a grade, read without importing TensorFlow."""
    found = {"python": platform.python_version()}
    for package in ("tensorflow", "keras", "numpy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def shard_facts(options):
    """shard.json: which shard, and what every shard of the class must share."""
    return {"shard": options.shard.index, "of": options.shard.of, "seed": options.seed,
            "time_limit": options.time_limit, "deadline": options.deadline, "versions": versions()}


def read_json(path, error):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as problem:
        error(f"{path.parent}: not a shard's --out folder: cannot read {path.name} ({type(problem).__name__})")


def checked_shards(folders, error):
    """[(folder, its shard.json, its fingerprint)] of shards that can be merged; else error(one line)."""
    shards = [(folder, read_json(folder / SHARD_FILE, error), read_json(folder / "fingerprint.json", error))
              for folder in folders]
    first, facts, prints = shards[0]
    for folder, other, other_prints in shards[1:]:
        if other_prints.get("sha256") != prints.get("sha256"):
            error(f"{folder} was graded with other graded files than {first} (fingerprint.json differs): "
                  "grade every shard with the same checkout")
        for key in SAME_IN_EVERY_SHARD:
            if other.get(key) != facts.get(key):
                error(f"{folder} was graded with {key} {other.get(key)}, {first} with {facts.get(key)}: "
                      "grade every shard with the same options and Python")
    given = sorted(facts["shard"] for _, facts, _ in shards)
    if given != list(range(1, facts["of"] + 1)):
        error(f"the shards given are {', '.join(map(str, given))} of {facts['of']}: give each of 1 to {facts['of']} once")
    return shards


def merge(out, folders, error):
    """Join the shards' results into out: results/, grades.csv, fingerprint.json, the class report."""
    shards = checked_shards(folders, error)
    results, seen = [], {}
    for folder, _, _ in shards:
        for one in read_results(folder):
            student = one.about["student"]
            if student in seen:
                error(f"{student} is in two shards, {seen[student]} and {folder}: give each shard once")
            seen[student] = folder
            results.append(one)
    (out / "results").mkdir(parents=True, exist_ok=True)
    for one in results:
        shutil.copyfile(seen[one.about["student"]] / "results" / f"{one.about['student']}.json",
                        out / "results" / f"{one.about['student']}.json")
    write_json(out / "fingerprint.json", shards[0][2])
    write_csv(out / "grades.csv", [row_of(one) for one in results])
    if results:
        write_class_report(results, out)
    print(f"merged {len(shards)} shards, {len(results)} students -> {out / 'grades.csv'}")


def merge_main(argv):
    parser = OneLineParser(prog="python -m instructor.gradebook merge",
                           description="join the --out folders of a class graded in shards (--shard I/N) into one")
    parser.add_argument("out", type=Path, metavar="OUT", help="where the merged grades.csv, results/ and report go")
    parser.add_argument("shards", type=Path, nargs="+", metavar="SHARD_DIR", help="each shard's --out folder")
    options = parser.parse_args(argv)
    if options.out.exists() and not options.out.is_dir():
        parser.error(f"OUT {options.out} is a file, not a folder")
    if options.out.resolve() in {folder.resolve() for folder in options.shards}:
        parser.error(f"OUT {options.out} is one of the shards: merge into a new folder")
    merge(options.out, options.shards, parser.error)
    sys.stdout.flush()

"""The results file a grading process wrote, read as untrusted data: the learner's code ran in the
process that wrote it. Never through a link, within a size bound, then checked whole
(Results.parse); a malformed one is an error row."""
import json
import os
import stat

from kata.results_model import Results

MAX_RESULTS_BYTES = 16 * 2**20   # a results file is some kB; beyond this it is not one
MALFORMED = "the results file is malformed"
MISSING = "grading wrote no results"


def read_small_file(path, limit):
    """The bytes of a regular file of at most limit bytes, never through a link; else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = file.read(limit + 1)
    return data if len(data) <= limit else None


def read_results_file(path):
    """(bytes, problem): the results file a grading process wrote, within MAX_RESULTS_BYTES and never
    through a link (None and why, if not): read where it was written (a Dask worker, say), parsed
    where the rows are written (parse_results)."""
    if not os.path.lexists(path):
        return None, MISSING
    data = read_small_file(path, MAX_RESULTS_BYTES)
    return data, None if data is not None else MALFORMED


def parse_results(data, problem=None):
    """(Results, problem): the results in a results file's bytes if well-formed, else None and why."""
    if problem:
        return None, problem
    try:       # the learner's code runs in the process that wrote them: checked, never trusted
        return Results.parse(json.loads(data)), None
    except (ValueError, RecursionError):          # Malformed is a ValueError, as is bad JSON
        return None, MALFORMED


def load_results(path):
    """(Results, problem): the results the grading process wrote if well-formed, else None and why."""
    return parse_results(*read_results_file(path))

"""Graded files that are not the instructor's: those a repository copy sent that differ from the
template the class received, and those that changed while the submission was graded. The
fingerprints are computed here, outside the student's process."""
import os
import stat

from instructor import template
from kata.results import GRADED, differences, fingerprint

from .copying import MAX_COPY_BYTES


def templates_received(options):
    """The fingerprints a repository copy's graded files may match: --expected-fingerprint's, the
    --template folder's, else those of the two templates this checkout writes (plain and Classroom)."""
    if options.expected_fingerprint:
        return [options.expected_fingerprint]
    if options.template:
        return [fingerprint(options.template)]
    return [template.fingerprint_of(classroom) for classroom in (False, True)]


def unsafe_to_fingerprint(root):
    """The first graded file under root the gradebook will not read (a link, a special or huge file), or None."""
    for name in GRADED:
        paths = [root / name]
        while paths:
            path = paths.pop()
            if not os.path.lexists(path):
                continue
            info = path.lstat()
            if stat.S_ISDIR(info.st_mode):
                paths += path.iterdir()
            elif not stat.S_ISREG(info.st_mode) or info.st_size > MAX_COPY_BYTES:
                return path.relative_to(root).as_posix()
    return None


def graded_after(kata):
    """What grading left of the graded files under kata, computed where it ran: (the first the
    gradebook will not read, None) or (None, their fingerprint)."""
    unsafe = unsafe_to_fingerprint(kata)
    return (unsafe, None) if unsafe else (None, fingerprint(kata))


def edits_found(sent_prints, after, trusted, received):
    """Sentences naming graded files the student sent (sent_prints, their fingerprint) that differ from
    the template they received (the closest of the fingerprints in received), or that changed while
    being graded (after, graded_after's, against trusted)."""
    unsafe, graded_prints = after
    if unsafe:
        return [f"{unsafe} became a link, a special or a huge file while being graded"]
    found = []
    if sent_prints["files"]:     # a repository copy: it carries the graded files
        found += [f"the submission's {d}" for d in min((differences(template, sent_prints) for template in received), key=len)]
    found += [f"{d} while being graded" for d in differences(trusted, graded_prints)]
    return found


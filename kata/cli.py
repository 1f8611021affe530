"""The style every command of the kata and its tools shares: argparse, with --help, and a bad
argument is one line naming it, then an exit code (no usage dump). The standard library only, so
that a Python without the kata's requirements can run it (run.py sets up .venv with it)."""
import argparse
import sys

USAGE_ERROR = 4       # the gradebook's and the tools' exit code for a command line that will not do


class OneLineParser(argparse.ArgumentParser):
    """argparse, whose errors are one line, `prog: message`, then exit `code` (USAGE_ERROR unless given)."""

    def __init__(self, *args, code=USAGE_ERROR, **kwargs):
        super().__init__(*args, **kwargs)
        self.code = code

    def error(self, message):
        print(f"{self.prog}: {message}", file=sys.stderr)
        sys.exit(self.code)

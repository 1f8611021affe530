"""python -m instructor TOOL [ARGS]: the instructor's tools, each with --help.

Each tool also runs as python -m instructor.<module> (the module named below), as the docs and CI
files have always spelled it: the same program, run the same way.
"""
import runpy
import sys

from kata.cli import USAGE_ERROR

TOOLS = {   # tool: (its module, what it does)
    "gradebook": ("instructor.gradebook", "grade a class: a folder of submissions into grades.csv and a results file each"),
    "report": ("instructor.class_report", "the class report (HTML and CSV) from a gradebook's --out folder"),
    "template": ("instructor.template", "write the repository template a class receives, and its fingerprint"),
    "gradescope": ("instructor.gradescope", "build the Gradescope autograder (autograder.zip)"),
    "fingerprint": ("instructor.fingerprint", "print the fingerprint of a checkout's graded files"),
    "notebook": ("instructor.notebook", "write the kata's notebook for Colab or Jupyter, cloning your class's copy"),
}
PROG = "python -m instructor"


def usage():
    width = max(map(len, TOOLS))
    return "\n".join([f"usage: {PROG} TOOL [ARGS]   ({PROG} TOOL --help: its options)", "", "tools:"]
                     + [f"  {name:<{width}}  {text}  ({module})" for name, (module, text) in TOOLS.items()])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0 if argv else USAGE_ERROR
    if argv[0] not in TOOLS:
        print(f"{PROG}: no tool {argv[0]!r}: give one of {', '.join(TOOLS)}", file=sys.stderr)
        return USAGE_ERROR
    module, _ = TOOLS[argv[0]]
    sys.argv = [f"{PROG} {argv[0]}", *argv[1:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)    # as python -m <module> runs it
    return 0


if __name__ == "__main__":
    sys.exit(main())

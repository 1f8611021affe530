"""The kata's own CI on Linux, macOS and Windows, .github/workflows/platforms.yml, and the Pythons it
promises, 3.10 to 3.13. A workflow is only run once pushed, so its mistakes show late and on someone
else's machine: here its matrix and steps are checked as data, its commands are run through bash as a
runner runs them, and the code they load is read for what Python 3.10 lacks (this machine has 3.11).
"""
import ast
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "platforms.yml"
OSES = ["ubuntu-latest", "macos-latest", "windows-latest"]
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
STUBS, COUNT, UNIT, SOLUTIONS, SPAWN, PORTABLE = COMMANDS = [
    "python run.py -q --junitxml=stubs.xml || true",
    "python .ci/stubs_fail_every_check.py stubs.xml",
    "python run.py -q selfcheck/unit",
    "python run.py -q --impl=solutions",
    "python run.py -q --impl=solutions --workers=spawn",
    "python run.py -q selfcheck/test_portable.py",
]
STEP_TIMEOUT = 300      # seconds: a safety net; each command run here takes 5 to 30


def the_job():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    assert len(jobs) == 1, f"one job, the learner's path, expected: {sorted(jobs)}"
    return next(iter(jobs.values()))


def run_steps(job):
    return [step for step in job["steps"] if "run" in step]


# --- the workflow as data ------------------------------------------------------------------------

def test_the_matrix_is_three_systems_by_four_pythons():
    job = the_job()
    strategy = job["strategy"]
    # Compared as strings: an unquoted 3.10 in YAML is the float 3.1, which setup-python reads as 3.1.
    assert strategy["matrix"] == {"os": OSES, "python": PYTHONS}, strategy["matrix"]
    assert strategy["fail-fast"] is False, "one system failing must not cancel the others"
    assert job["runs-on"] == "${{ matrix.os }}"
    assert 15 <= job["timeout-minutes"] <= 60, "TensorFlow's install takes minutes; a hung job should not take 6 hours"


def test_python_is_the_matrix_version_and_pip_is_cached_on_requirements():
    checkout, setup, *_ = the_job()["steps"]
    assert checkout["uses"].startswith("actions/checkout@")
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"] == {"python-version": "${{ matrix.python }}", "cache": "pip",
                             "cache-dependency-path": "requirements.txt"}


def test_every_run_step_runs_in_bash():
    """Git Bash on Windows: `|| true` and forward slashes mean the same on all three systems."""
    job = the_job()
    default = job.get("defaults", {}).get("run", {}).get("shell")
    shells = {step["run"]: step.get("shell", default) for step in run_steps(job)}
    assert shells and set(shells.values()) == {"bash"}, shells


def test_the_steps_are_the_learners_path_in_order():
    steps = the_job()["steps"]
    assert [step["run"].strip() for step in steps if "run" in step] == COMMANDS
    assert all("run" in step for step in steps[2:]), "checkout and setup-python first, then only commands"


# --- .ci/stubs_fail_every_check.py -----------------------------------------------------------------

def junit(*cases):
    return "<testsuites><testsuite>" + "".join(f'<testcase name="c{n}">{inner}</testcase>'
                                               for n, inner in enumerate(cases)) + "</testsuite></testsuites>"


@pytest.mark.parametrize("xml, code, line", [
    (junit("<failure/>", "<error/>", "<skipped/>"), 0, "stubs: 3 checks, 0 passed"),
    (junit("<failure/>", ""), 1, "stubs: 2 checks, 1 passed"),
    (junit(), 1, "stubs: 0 checks, 0 passed"),
    (None, 1, "stubs: no junit XML to read"),
], ids=["all-fail", "one-passes", "no-checks", "no-file"])
def test_the_stubs_check_fails_on_a_pass_or_on_no_checks(tmp_path, xml, code, line):
    path = tmp_path / "stubs.xml"
    if xml is not None:
        path.write_text(xml)
    done = subprocess.run([sys.executable, ROOT / ".ci" / "stubs_fail_every_check.py", path],
                          capture_output=True, text=True)
    assert done.returncode == code and done.stdout.startswith(line), done.stdout + done.stderr


# --- the workflow's commands, run here ----------------------------------------------------------

@pytest.fixture(scope="module")
def bash(tmp_path_factory):
    """Runs a command as the workflow's steps do: bash, in the repository's root, with `python` first
    on PATH (a shim for this interpreter, as setup-python puts its Python first)."""
    shim = tmp_path_factory.mktemp("shim") / "python"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}"}

    def run(command):
        assert command in COMMANDS, f"not one of the workflow's commands: {command}"
        process = subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=env, start_new_session=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            output = process.communicate(timeout=STEP_TIMEOUT)[0]
        except subprocess.TimeoutExpired:   # Ctrl-C, as a learner would: run.py then ends its pytest and workers
            os.killpg(process.pid, signal.SIGINT)
            output = process.communicate(timeout=60)[0]
            pytest.fail(f"$ {command}\ntook over {STEP_TIMEOUT} s\n{output[-3000:]}")
        return process.returncode, output, f"$ {command}\nexit {process.returncode}\n{output[-3000:]}"
    return run


def test_the_stubs_steps_pass_here(bash):
    xml = ROOT / "stubs.xml"
    xml.unlink(missing_ok=True)             # a report left by an earlier run must not count
    try:
        code, _, shown = bash(STUBS)
        assert code == 0 and xml.is_file(), shown
        code, output, shown = bash(COUNT)
    finally:
        xml.unlink(missing_ok=True)         # not git-ignored: leave the work tree as it was
    found = re.match(r"stubs: (\d+) checks, 0 passed$", output)
    assert code == 0 and found and int(found[1]) > 0, shown


# Both solutions steps are run: they take 13 to 30 s here, and test_selfcheck.py grades the solutions
# with pytest --grade, not through run.py as a learner does.
@pytest.mark.parametrize("command", [UNIT, SOLUTIONS, SPAWN], ids=["unit", "solutions", "spawn"])
def test_a_solutions_step_passes_here(bash, command):
    code, output, shown = bash(command)
    summary = (output.strip().splitlines() or [""])[-1]
    assert code == 0 and re.fullmatch(r"\d+ passed in [\d.]+s", summary), shown


def test_the_portable_step_is_in_the_self_check():
    """The last step is not run here: test_portable.py is in selfcheck, so the self-check
    (pytest selfcheck) runs it anyway, and it takes minutes (it grades the whole mistakes
    catalogue again on the simulated platforms), far past this file's minute and a half."""
    path = ROOT / PORTABLE.split()[-1]
    assert path.parent == ROOT / "selfcheck" and path.is_file(), f"{path} is missing"


@pytest.mark.parametrize("platform", ["windows_like", "macos_like"])
def test_the_unit_step_passes_on_the_simulated_platforms(platform):
    """The workflow's unit step on what Windows and macOS lack (no fork, no pwd or fcntl on Windows):
    a unit test that needs a Linux module skips there, none fails to import."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "selfcheck" / "platforms" / platform)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "selfcheck/unit"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert done.returncode == 0 and re.search(r"^\d+ passed", done.stdout, re.M), done.stdout[-3000:] + done.stderr[-2000:]


# --- Python 3.10 ---------------------------------------------------------------------------------

SCANNED = ["kata", "run.py", "conftest.py", "tests", "exercises", "solutions", "instructor", "selfcheck", ".ci"]
NOT_PYTHON_ON_ANY_VERSION = {"selfcheck/mistakes/one-to-one-syntax-error/one_to_one.py"}   # a catalogued mistake

# What Python 3.10 lacks, by the version that brought it: modules, and names in modules.
NEWER = {
    "tomllib": "3.11", "wsgiref.types": "3.11", "datetime.UTC": "3.11", "hashlib.file_digest": "3.11",
    "typing.Self": "3.11", "typing.LiteralString": "3.11", "typing.Never": "3.11", "typing.assert_never": "3.11",
    "typing.assert_type": "3.11", "typing.reveal_type": "3.11", "typing.dataclass_transform": "3.11",
    "typing.Required": "3.11", "typing.NotRequired": "3.11", "typing.TypeVarTuple": "3.11", "typing.Unpack": "3.11",
    "enum.StrEnum": "3.11", "enum.ReprEnum": "3.11", "enum.verify": "3.11", "enum.member": "3.11",
    "enum.nonmember": "3.11", "enum.global_enum": "3.11", "asyncio.TaskGroup": "3.11", "asyncio.timeout": "3.11",
    "asyncio.Runner": "3.11", "asyncio.Barrier": "3.11", "contextlib.chdir": "3.11", "operator.call": "3.11",
    "sys.exception": "3.11", "math.exp2": "3.11", "math.cbrt": "3.11", "logging.getLevelNamesMapping": "3.11",
    "inspect.getmembers_static": "3.11", "locale.getencoding": "3.11", "re.NOFLAG": "3.11", "os.login_tty": "3.11",
    "itertools.batched": "3.12", "typing.override": "3.12", "os.unshare": "3.12", "os.setns": "3.12",
    "os.path.splitroot": "3.12", "os.path.isjunction": "3.12", "math.sumprod": "3.12", "sys.monitoring": "3.12",
    "logging.getHandlerByName": "3.12", "types.get_original_bases": "3.12",
    "copy.replace": "3.13", "warnings.deprecated": "3.13", "os.process_cpu_count": "3.13",
    "queue.ShutDown": "3.13", "typing.TypeIs": "3.13", "typing.ReadOnly": "3.13",
}
# And what 3.12 and 3.13, also in the matrix, removed (PEP 594, PEP 632).
REMOVED = {name: "3.12" for name in ("distutils", "imp", "asynchat", "asyncore", "smtpd")} | {
    name: "3.13" for name in ("aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "lib2to3", "mailcap",
                              "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau",
                              "telnetlib", "uu", "xdrlib")}
NEWER_BUILTINS = {"ExceptionGroup": "3.11", "BaseExceptionGroup": "3.11", "PythonFinalizationError": "3.13"}
NEWER_METHODS = {"add_note": "3.11", "is_junction": "3.12", "with_segments": "3.12", "full_match": "3.13"}
NEWER_KEYWORDS = {"process_group": "3.11", "max_tasks_per_child": "3.11", "include_hidden": "3.11",
                  "onexc": "3.12", "delete_on_close": "3.12", "walk_up": "3.12"}
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "AttributeError"}


class Newer(ast.NodeVisitor):
    """What Python 3.10 lacks in one module (or 3.13 no longer has), as (line, what). What a try/except
    ImportError or an `if sys.version_info ...` guards is allowed: that is how a fallback is written."""

    def __init__(self):
        self.found, self.aliases, self.guarded = [], {}, 0

    def flag(self, node, what, version, removed=None):
        if version and not self.guarded:
            self.found.append((node.lineno, f"{what} is Python {version}+"))
        if removed and not self.guarded:
            self.found.append((node.lineno, f"{what}: removed in Python {removed}"))

    def visit_guarded(self, nodes):
        self.guarded += 1
        for node in nodes:
            self.visit(node)
        self.guarded -= 1

    def visit_Try(self, node):
        caught = {ast.unparse(handler.type) for handler in node.handlers if handler.type}
        names = {name.strip("() ") for types in caught for name in types.split(",")}
        if names & IMPORT_ERRORS:
            self.visit_guarded(node.body)
            for part in node.handlers + node.orelse + node.finalbody:
                self.visit(part)
        else:
            self.generic_visit(node)

    def visit_If(self, node):
        if "version_info" in ast.unparse(node.test):
            self.visit_guarded(node.body + node.orelse)
        else:
            self.generic_visit(node)

    def visit_Import(self, node):
        for alias in node.names:
            self.flag(node, f"import {alias.name}", NEWER.get(alias.name), REMOVED.get(alias.name.split(".")[0]))
            bound = alias.asname or alias.name.split(".")[0]     # import os.path binds os
            self.aliases[bound] = alias.name if alias.asname else bound

    def visit_ImportFrom(self, node):
        for alias in node.names:
            dotted = f"{node.module}.{alias.name}"
            self.flag(node, f"from {node.module} import {alias.name}", NEWER.get(dotted) or NEWER.get(node.module),
                      REMOVED.get(str(node.module).split(".")[0]))
            self.aliases[alias.asname or alias.name] = dotted

    def dotted(self, node):
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value)
            return base and f"{base}.{node.attr}"
        return None

    def visit_Attribute(self, node):
        dotted = self.dotted(node)
        self.flag(node, dotted, NEWER.get(dotted))
        self.flag(node, f".{node.attr}()", NEWER_METHODS.get(node.attr))
        self.generic_visit(node)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id not in self.aliases:
            self.flag(node, node.id, NEWER_BUILTINS.get(node.id))

    def visit_Call(self, node):
        for keyword in node.keywords:
            self.flag(node, f"{keyword.arg}=", NEWER_KEYWORDS.get(keyword.arg))
        self.generic_visit(node)

    def visit_Subscript(self, node):        # x[*a]: PEP 646, which ast.parse's feature_version lets through
        index = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if any(isinstance(item, ast.Starred) for item in index):
            self.flag(node, "a star in an index", "3.11")
        self.generic_visit(node)


def newer_than_3_10(source):
    finder = Newer()
    finder.visit(ast.parse(source))
    return sorted(finder.found)


def python_files():
    for name in SCANNED:
        path = ROOT / name
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def test_every_file_is_python_3_10_syntax():
    """except*, and what else 3.11+ brought to the grammar, is refused by ast.parse's feature_version."""
    broken = []
    for path in python_files():
        name = path.relative_to(ROOT).as_posix()
        try:
            ast.parse(path.read_text(encoding="utf-8"), name, feature_version=(3, 10))
        except SyntaxError as error:
            if name not in NOT_PYTHON_ON_ANY_VERSION:
                broken.append(f"{name}:{error.lineno}: {error.msg}")
    assert not broken, "\n".join(broken)
    for name in NOT_PYTHON_ON_ANY_VERSION:      # the exemption is for files that fail on 3.11 too
        with pytest.raises(SyntaxError):
            ast.parse((ROOT / name).read_text())


def test_no_file_needs_a_module_or_name_newer_than_python_3_10():
    found = [f"{path.relative_to(ROOT).as_posix()}:{line}: {what}"
             for path in python_files() if path.relative_to(ROOT).as_posix() not in NOT_PYTHON_ON_ANY_VERSION
             for line, what in newer_than_3_10(path.read_text(encoding="utf-8"))]
    assert not found, "platforms.yml runs Python 3.10 to 3.13:\n" + "\n".join(found)


def test_the_scan_finds_what_3_10_lacks_and_lets_a_fallback_be():
    source = textwrap.dedent("""\
        import tomllib
        import datetime as dt, hashlib, enum, subprocess, asyncio
        from typing import Self
        when = dt.UTC
        digest = hashlib.file_digest(open("f", "rb"), "sha256")
        class Colour(enum.StrEnum): pass
        subprocess.Popen(["true"], process_group=0)
        async def main():
            async with asyncio.TaskGroup(): raise ExceptionGroup("x", [ValueError()])
        try:
            import tomllib
            from datetime import UTC
        except ModuleNotFoundError:
            tomllib = UTC = None
        if sys.version_info >= (3, 11):
            from typing import Self
        import datetime
        noon = datetime.time(12)
        import imp
        from distutils.util import strtobool
    """)
    assert newer_than_3_10(source) == [
        (1, "import tomllib is Python 3.11+"), (3, "from typing import Self is Python 3.11+"),
        (4, "datetime.UTC is Python 3.11+"), (5, "hashlib.file_digest is Python 3.11+"),
        (6, "enum.StrEnum is Python 3.11+"), (7, "process_group= is Python 3.11+"),
        (9, "ExceptionGroup is Python 3.11+"), (9, "asyncio.TaskGroup is Python 3.11+"),
        (19, "import imp: removed in Python 3.12"), (20, "from distutils.util import strtobool: removed in Python 3.12")]
    with pytest.raises(SyntaxError, match="3.11"):
        ast.parse("try:\n    pass\nexcept* ValueError:\n    pass\n", feature_version=(3, 10))

"""python -m instructor.template: the repository a class receives holds the allowlisted files only, no
solution code, and grades the untouched stubs as failing every check."""
import ast
import json
import os
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from instructor import template
from selfcheck.runs import ROOT

TOP_LEVEL = {".github/workflows/grade.yml", ".gitignore", ".gitlab-ci.yml", "README.md", "conftest.py",
             "requirements.lock", "requirements.txt", "run.py", "tox.ini"}
TREES = ("exercises", "tests", "kata", "notebooks")
FORBIDDEN = {"solutions", "instructor", "selfcheck", "benchmark", ".ci", "variants", "mistakes", "docs"}
# What the learners' README may not name: the instructor-only files and folders, and the docs beside it.
NOT_FOR_LEARNERS = ("solutions", "instructor/", "-m instructor", "selfcheck", "benchmark", ".ci/", "docs/", "template_README")


def files_under(root, folder):
    return {p.relative_to(root).as_posix() for p in (root / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def run_template(*args):
    return subprocess.run([sys.executable, "-m", "instructor.template", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("template") / "class"
    run = run_template(out)
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def written(out):
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_the_template_holds_the_allowlisted_files_and_nothing_else(out):
    expected = TOP_LEVEL.union(*(files_under(ROOT, tree) for tree in TREES))
    assert written(out) == expected
    readme = (ROOT / "README.md").read_text()
    assert readme.count(template.README_END) == 1 and f"\n{template.README_END}\n" in readme
    assert (out / "README.md").read_text() == template.learners_readme(readme)
    assert readme.startswith((out / "README.md").read_text())
    assert (out / ".gitlab-ci.yml").read_text() == (ROOT / "ci/gitlab-ci.yml").read_text()


def test_no_solutions_or_instructor_material_is_copied(out):
    assert not [path for path in written(out) if FORBIDDEN & set(Path(path).parts)]


def function_bodies(path):
    """Each function's body in path, whitespace collapsed (docstrings left out)."""
    source = path.read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            yield node.name, " ".join("\n".join(ast.get_source_segment(source, s) for s in body).split())


def test_no_solution_function_body_appears_in_any_template_file(out):
    texts = {path: " ".join((out / path).read_text(errors="replace").split()) for path in written(out)}
    leaks = [(solution.name, name, path) for solution in (ROOT / "solutions").glob("*.py")
             for name, body in function_bodies(solution) if body
             for path, text in texts.items() if body in text]
    assert not leaks


def test_every_function_of_the_template_exercises_only_raises_not_implemented(out):
    for stub in (out / "exercises").glob("*.py"):
        for name, body in function_bodies(stub):
            assert re.fullmatch(r"raise NotImplementedError\(.*\)", body), f"{stub.name}: {name}() is not a stub"


def test_the_untouched_template_grades_every_check_as_failing(out, tmp_path):
    junit = tmp_path / "junit.xml"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "--impl=exercises", f"--junitxml={junit}",
                          "tests/test_one_to_one.py"], cwd=out, capture_output=True, text=True, timeout=300)
    cases = list(ET.parse(junit).iter("testcase"))
    passed = [c.get("name") for c in cases if not any(e.tag in ("failure", "error", "skipped") for e in c)]
    assert run.returncode == 1 and len(cases) >= 30 and not passed, run.stdout[-2000:]


def test_classroom_puts_the_classroom_workflow_in_place_of_grade_yml(tmp_path):
    run = run_template(tmp_path / "class", "--classroom")
    files = written(tmp_path / "class")
    assert run.returncode == 0 and ".github/workflows/classroom.yml" in files
    assert ".github/workflows/grade.yml" not in files


@pytest.mark.parametrize("kind", ["a file", "a folder that is not empty"])
def test_an_out_that_exists_is_refused_with_exit_4_and_one_line(tmp_path, kind):
    out = tmp_path / "out"
    if kind == "a file":
        out.write_text("x")
    else:
        (out / "sub").mkdir(parents=True)
    run = run_template(out)
    assert run.returncode == 4 and run.stderr.count("\n") == 1 and "OUT" in run.stderr
    assert not (out / "exercises").exists()


def test_an_empty_folder_is_accepted(tmp_path):
    assert run_template(tmp_path).returncode == 0 and (tmp_path / "exercises").is_dir()


def code_blocks(readme):
    """(info string, text) of each fenced code block of the README."""
    return re.findall(r"^```(\w*)\n(.*?)^```", readme, flags=re.S | re.M)


def readme_commands(readme):
    """The commands of the README's code blocks, their comments left out. A block with no info string
    holds commands, every line; a block marked `text` (what a run prints, a diagram) holds none."""
    blocks = code_blocks(readme)
    assert {kind for kind, _ in blocks} <= {"", "text"}, "a README code block is either commands or ```text"
    shown = [line for kind, block in blocks if kind == "text" for line in block.splitlines()]
    assert not [line for line in shown if re.match(r"\s*(\$ |python|py |pip |tox|\.venv|cd )", line)], \
        "a command in a ```text block would not be run here: put it in a block of commands"
    return [line.split("#")[0].strip() for kind, block in blocks if not kind for line in block.splitlines()
            if line.split("#")[0].strip()]


# What each command of the learners' README must print in the untouched template, besides no traceback.
SAYS = {"python3 run.py": "not started: exercises/one_to_one.py",
        "python3 run.py --watch": "watching exercises/",
        "python3 run.py tests/test_one_to_one.py": "34 not started",
        "python3 run.py --hints": "Hint 2 of 4",      # the plain runs before it showed hint 1
        "python3 run.py --hints=all": "Hint 4 of 4 (code)",
        "python3 run.py -x": "stopping after 1 failures",
        "python3 run.py -v": "test_one_to_one.py::test_trained_model_predicts_every_step_within_tolerance NOT STARTED",
        "python3 run.py --grade --results-json=results/results.json": "Score 0/205"}


def test_every_command_in_the_template_readme_runs_inside_the_template(out, tmp_path):
    """As a learner types them, in the README's order, in the template (its .venv: this checkout's,
    so nothing is installed), with hints never asked for before."""
    env = {**os.environ, "KATA_HINTS_STATE": str(tmp_path / "hints.json")}
    commands = readme_commands((out / "README.md").read_text())
    assert sorted(commands) == sorted(SAYS), "the README's commands changed: say here what each must print"
    if not (out / ".venv").exists():
        (out / ".venv").symlink_to(ROOT / ".venv")
    for command in commands:
        if "--watch" in command:
            child = subprocess.Popen(command.split(), cwd=out, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True, env=env)
            seen = ""
            for line in child.stdout:
                seen += line
                if SAYS[command] in line:
                    os.killpg(child.pid, signal.SIGINT)     # Ctrl-C, to the terminal's group
            child.wait(timeout=60)
            printed = seen
        else:
            done = subprocess.run(command.split(), cwd=out, capture_output=True, text=True, timeout=300, env=env)
            assert done.returncode in (0, 1), f"{command}: exit code {done.returncode}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            printed = done.stdout + done.stderr
        assert SAYS[command] in printed and "Traceback" not in printed, f"{command}:\n{printed[-3000:]}"
    assert (out / "results" / "results.json").is_file()


def test_the_template_keeps_no_instructor_environment_and_names_no_instructor_file(out):
    tox = (out / "tox.ini").read_text()
    assert "[testenv:grade]" in tox and "[testenv:solutions]" not in tox and "[testenv:selfcheck]" not in tox
    assert tox.split("[pytest]")[1] == (ROOT / "tox.ini").read_text().split("[pytest]")[1]
    named = [(path, word) for path in written(out) if path.endswith((".py", ".md", ".ini", ".yml"))
             for word in ("solutions", "instructor/", "selfcheck") if word in (out / path).read_text()]
    assert not named, named
    readme = (out / "README.md").read_text()
    assert not [word for word in NOT_FOR_LEARNERS if word in readme], "the learners' README names an instructor's file"
    links = re.findall(r"\]\(([^)#\s]+)", readme)
    assert not [link for link in links if "://" not in link and not (out / link).exists()], links


def test_the_readme_keeps_the_ci_test_command_after_the_learners_part():
    """.ci/run ends with "the README's test command": it is in a block of commands after README_END."""
    readme = (ROOT / "README.md").read_text()
    learners, _, rest = readme.partition(template.README_END)
    command = (ROOT / ".ci/run").read_text().strip().splitlines()[-1].strip()
    assert command == "python3 run.py --impl=solutions"
    assert command in readme_commands(rest) and command not in readme_commands(learners)


def test_the_template_writes_its_fingerprint_beside_it(out):
    from kata.results import fingerprint
    written_print = json.loads(template.fingerprint_file(out).read_text())
    assert written_print == fingerprint(out) == template.fingerprint_of()

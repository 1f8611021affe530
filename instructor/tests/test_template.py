"""python -m instructor.template: the repository a class receives holds the allowlisted files only, no
solution code, and grades the untouched stubs as failing every check."""
import ast
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from instructor import template
from instructor.tests.runs import ROOT

TOP_LEVEL = {".github/workflows/grade.yml", ".gitignore", ".gitlab-ci.yml", "README.md", "conftest.py",
             "requirements.lock", "requirements.txt", "run.py", "tox.ini"}
TREES = ("exercises", "tests", "kata")
FORBIDDEN = {"solutions", "instructor", "benchmark", ".ci", "variants", "mistakes"}


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
    assert (out / "README.md").read_text() == (ROOT / "instructor/template_README.md").read_text()
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

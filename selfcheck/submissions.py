"""A class of submissions for the gradebook's tests and demos: good, half done, and bad in every way
a submission can be bad. Each builder makes one student folder under `into` and returns it."""
import json
import os
import shutil
import socket
import stat
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LOOPS_AT_IMPORT = "while True:\n    pass\n"
PRINTS_MEGABYTES = "print('x' * 3_000_000)   # 3 MB of output at import\n"
CRASHES_AT_IMPORT = "import os\nos._exit(3)   # the whole process dies, as a segfault would\n"
HUGE_MODEL = '''
import keras
import numpy as np


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length)


def build_model(length=5):
    """An LSTM and a Dense layer of 8.3 million units: 50 million parameters."""
    model = keras.Sequential([keras.Input(shape=(length, 1)), keras.layers.LSTM(length),
                              keras.layers.Dense(8_333_333)])
    model.compile(loss="mse", optimizer="adam")
    return model
'''
EDITS_TESTS_WHILE_GRADED = '''
from pathlib import Path

check = Path(__file__).resolve().parents[1] / "kata" / "checks" / "training.py"
check.write_text(check.read_text() + "\\n# edited by the submission\\n")
'''
# Hostile submissions: each attacks the grading itself, at import.
KILLS_ITS_PARENT = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
TERMINATES_ITS_PARENT = "import os, signal\nos.kill(os.getppid(), signal.SIGTERM)\n"
KILLS_ITS_GROUP = "import os, signal\nos.killpg(0, signal.SIGKILL)\n"
LEAVES_PROCESSES = '''
import os, subprocess, sys

SLEEP = "import time; time.sleep(300)"
DAEMON = "import os, time\\nif os.fork() == 0:\\n    os.setsid()\\n    if os.fork() == 0:\\n        time.sleep(300)\\n    os._exit(0)\\ntime.sleep(300)\\n"
here = os.getcwd()     # inside the gradebook's temporary folder: a test finds these processes by it
subprocess.Popen([sys.executable, "-c", SLEEP, here])                           # in its process group
subprocess.Popen([sys.executable, "-c", SLEEP, here], start_new_session=True)   # in a session of its own
subprocess.Popen([sys.executable, "-c", DAEMON, here])                           # a daemon: fork, setsid, fork
'''
WRITES_ITS_OWN_RESULTS = '''
import json, os, sys

path = next(arg.split("=", 1)[1] for arg in sys.argv if arg.startswith("--results-json="))
with open(path, "w") as file:
    json.dump({"status": "pass", "score": 999, "max_score": 999, "tests": [{"name": "forged", "score": 999}]}, file)
os._exit(0)
'''
# Reads the instructor's solutions through sys.prefix (the gradebook's virtualenv sits in its checkout).
READS_SOLUTIONS = '''
import pathlib, sys
for _root in (pathlib.Path(sys.prefix).parent, pathlib.Path(sys.prefix).parent.parent):
    _solution = _root / "solutions" / "one_to_one.py"
    if _solution.is_file():
        exec(_solution.read_text())
        break
'''
# Overwrites every classmate's one_to_one.py it can find with the solution, through /proc and the paths around it.
SPOILS_CLASSMATES = '''
import os, pathlib
_mine = pathlib.Path(__file__).resolve()
_places = {_mine.parents[2], _mine.parents[3]}
for _pid in os.listdir("/proc"):
    try:
        _places.update(pathlib.Path(a.decode()) for a in open(f"/proc/{_pid}/cmdline", "rb").read().split(b"\\0") if a.startswith(b"/"))
    except OSError:
        pass
for _place in _places:
    try:
        for _module in _place.glob("**/one_to_one.py"):
            if _module.resolve() != _mine:
                _module.write_text("raise SystemExit('spoiled by a classmate')\\n")
    except OSError:
        pass
'''
POISONS_THE_TRAINING_CACHE = '''
import pathlib
import numpy as np
_mine = pathlib.Path(__file__).resolve()
for _place in {_mine.parents[2], _mine.parents[3], pathlib.Path("/tmp")}:
    try:
        for _entry in _place.glob("kata-training-cache-*/*.npy"):   # a classmate's trained model: now all zeros
            np.save(_entry, np.zeros_like(np.load(_entry)))
    except (OSError, ValueError):
        pass
'''
SLEEPS_AT_IMPORT = "import time\ntime.sleep(60)\n"
ALWAYS_PASSES = '''"""Edited by the student: every training check passes."""


def test_trained_model_predicts_every_step_within_tolerance():
    assert True


__all__ = ["test_trained_model_predicts_every_step_within_tolerance"]
'''


def copy_of(folder, into, name):
    student = into / name
    shutil.copytree(ROOT / folder, student, ignore=shutil.ignore_patterns("__pycache__", "hints"))
    return student


def solved(into, name="solved"):
    return copy_of("solutions", into, name)


def untouched(into, name="untouched"):
    return copy_of("exercises", into, name)


PASSES_EVERY_REPORT = '''
import kata.results as _results

_honest_entry = _results.test_entry


def _passed(outcome):
    return dict(_honest_entry(outcome), status="pass", score=outcome.points, message=None)


_results.test_entry = _passed        # every check in results.json: a pass, full points
'''


def brings_a_conftest(into, name="brings_a_conftest"):
    """The stubs, with a conftest.py and a sitecustomize.py that make every check in results.json a
    pass: files pytest or Python would run if the submission were a folder they load from."""
    student = untouched(into, name)
    for file in ("conftest.py", "sitecustomize.py"):
        (student / file).write_text(PASSES_EVERY_REPORT)
    return student


def half_done(into, name="half_done"):
    """one_to_one solved, the rest still the stubs."""
    student = untouched(into, name)
    shutil.copy(ROOT / "solutions" / "one_to_one.py", student / "one_to_one.py")
    return student


def missing_module(into, name="missing_module"):
    student = solved(into, name)
    (student / "many_to_one.py").unlink()
    return student


def folder_with(into, name, **modules):
    """Only the modules given: the exercises without one fail fast, as a missing file."""
    student = into / name
    student.mkdir()
    for module, source in modules.items():
        (student / f"{module}.py").write_text(source)
    return student


def one_to_one_solved():
    return (ROOT / "solutions" / "one_to_one.py").read_text()


def loops_at_import(into, name="loops_at_import"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=LOOPS_AT_IMPORT)


def prints_megabytes(into, name="prints_megabytes"):
    return folder_with(into, name, one_to_one=PRINTS_MEGABYTES + one_to_one_solved())


def crashes_at_import(into, name="crashes_at_import"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=CRASHES_AT_IMPORT)


def huge_model(into, name="huge_model"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=HUGE_MODEL)


def edits_tests_while_graded(into, name="edits_tests_while_graded"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=EDITS_TESTS_WHILE_GRADED)


RAISES_A_LONE_SURROGATE = 'raise ValueError("\\udcff")   # a character no UTF-8 file can hold\n'
FORGES_A_FORMULA = '''
import gc, io, json
for _file in gc.get_objects():   # its worker's answers file: an import failure whose file is a formula
    if isinstance(_file, io.TextIOWrapper) and str(getattr(_file, "name", "")).endswith("answers.jsonl"):
        _file.write(json.dumps({"import_error": {"kind": "import", "type": "ValueError", "message": "x", "line": 1,
                                                "file": '=HYPERLINK("http://127.0.0.1/","click")'}}) + "\\n")
        _file.flush()
'''

# The same forgery with escape codes: back to the start of the line, erase it, write a better row.
FORGES_A_TERMINAL_ROW = FORGES_A_FORMULA.replace(
    """'=HYPERLINK("http://127.0.0.1/","click")'""", r"'\r\x1b[2Kforges_a_terminal_row    205 / 205  pass\x1b[8m'")


def raises_a_lone_surrogate(into, name="raises_a_lone_surrogate"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=RAISES_A_LONE_SURROGATE)


def forges_a_formula(into, name="forges_a_formula"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=FORGES_A_FORMULA)


def forges_a_terminal_row(into, name="forges_a_terminal_row"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=FORGES_A_TERMINAL_ROW)


def kills_its_parent(into, name="kills_its_parent"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=KILLS_ITS_PARENT)


def terminates_its_parent(into, name="terminates_its_parent"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=TERMINATES_ITS_PARENT)


def kills_its_group(into, name="kills_its_group"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=KILLS_ITS_GROUP)


def leaves_processes(into, name="leaves_processes"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=LEAVES_PROCESSES)


def writes_its_own_results(into, name="writes_its_own_results"):
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=WRITES_ITS_OWN_RESULTS)


def reads_solutions(into, name="reads_solutions"):
    """An untouched one_to_one stub that tries to run the instructor's solution instead."""
    return folder_with(into, name, one_to_one=READS_SOLUTIONS + "\n" + (ROOT / "exercises" / "one_to_one.py").read_text())


def spoils_classmates(into, name="spoils_classmates"):
    """A solved one_to_one whose many_to_one overwrites the classmates' one_to_one.py."""
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=SPOILS_CLASSMATES)


def poisons_the_training_cache(into, name="poisons_the_training_cache"):
    """A solved one_to_one whose many_to_one writes zeros over the gradebook's trained predictions."""
    return folder_with(into, name, one_to_one=one_to_one_solved(), many_to_one=POISONS_THE_TRAINING_CACHE)


def sleeps_at_import(into, name="sleeps_at_import"):
    return folder_with(into, name, one_to_one=SLEEPS_AT_IMPORT)


def has_a_fifo(into, name="has_a_fifo"):
    student = solved(into, name)
    os.mkfifo(student / "data")
    return student


def has_a_socket(into, name="has_a_socket"):
    student = solved(into, name)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(student / "sock"))
    return student


def has_a_device(into, name="has_a_device"):
    """A character device like /dev/zero (making one needs root)."""
    student = solved(into, name)
    os.mknod(student / "zero", 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    return student


def links_to_dev_zero(into, name="links_to_dev_zero"):
    student = solved(into, name)
    (student / "one_to_one.py").unlink()
    (student / "one_to_one.py").symlink_to("/dev/zero")
    return student


def links_to_another_student(into, name="links_to_another_student"):
    """Its many_to_one.py is a link to the solved student's."""
    student = solved(into, name)
    (student / "many_to_one.py").unlink()
    (student / "many_to_one.py").symlink_to(into / "solved" / "many_to_one.py")
    return student


def has_a_dangling_link(into, name="has_a_dangling_link"):
    student = solved(into, name)
    (student / "notes.txt").symlink_to(into / "nowhere")
    return student


def is_a_link_to_another_student(into, name="is_a_link_to_another_student"):
    """The student's folder itself is a link to the solved student's folder."""
    (into / name).symlink_to(into / "solved")
    return into / name


def repository_with_edited_check(into, name="repository_with_edited_check"):
    """A copy of the student's whole repository: untouched stubs, and a training check that always passes."""
    student = into / name
    student.mkdir()
    for path in ("conftest.py", "tox.ini", "tests", "kata", "exercises"):
        source = ROOT / path
        if source.is_dir():
            shutil.copytree(source, student / path, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, student / path)
    (student / "kata" / "checks" / "training.py").write_text(ALWAYS_PASSES)
    return student


def template_solved(into, name="template_solved"):
    """The repository the class received (instructor/template.py), the solutions in its exercises/."""
    from instructor import template
    student = into / name
    template.write(student)
    for module in (ROOT / "solutions").glob("*.py"):
        shutil.copy(module, student / "exercises" / module.name)
    return student


def template_with_edited_check(into, name="template_with_edited_check"):
    """The template, untouched stubs, one graded file edited: the training check always passes."""
    from instructor import template
    student = into / name
    template.write(student)
    (student / "kata" / "checks" / "training.py").write_text(ALWAYS_PASSES)
    return student


def empty(into, name="empty"):
    (into / name).mkdir()
    return into / name


def notebook_file(path, cells):
    """A notebook file (format 4) of code cells, as Jupyter saves one."""
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                                           "outputs": [], "source": text} for text in cells],
                                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    return path


def solved_notebook_cells():
    """The kata's notebook (instructor/notebook.py) with the solutions in the stubs' cells, and a
    training cell such as a learner's notebook has: the code cells, in order."""
    from instructor.notebook import cells
    code = []
    for kind, identifier, text in cells(functions_from=ROOT / "solutions"):
        if kind == "code":
            code.append(text)
        if identifier == "one_to_one-code":
            code.append("X, y = make_dataset()\nmodel = build_model()\nmodel.fit(X, y, epochs=1000, verbose=0)")
    return code


def notebook_solved(into, name="notebook_solved"):
    """The solutions as one notebook: graded from its cells, statically."""
    (into / name).mkdir()
    notebook_file(into / name / "kata.ipynb", solved_notebook_cells())
    return into / name


def notebook_with_forged_outputs(into, name="notebook_with_forged_outputs"):
    """The kata's notebook untouched (the stubs), saved with the outputs and metadata of a perfect run
    written in by hand: every check cell showing full marks. Its honest twin is notebook_solved."""
    from instructor.notebook import notebook
    (into / name).mkdir()
    data = notebook()
    forged = {"output_type": "display_data", "metadata": {},
              "data": {"text/plain": ["34 passed\nScore 205/205"], "text/html": ["<b>34 / 34 checks</b>"]}}
    for cell in data["cells"]:
        if cell["cell_type"] == "code" and cell["id"].endswith("-check"):
            cell["outputs"], cell["execution_count"] = [forged], 1
    data["metadata"]["kata"] = {"score": 205, "max_score": 205, "status": "pass"}
    (into / name / "kata.ipynb").write_text(json.dumps(data, indent=1))
    return into / name


def notebook_only(into, name="notebook_only"):
    (into / name).mkdir()
    (into / name / "kata.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    return into / name


def readme_only(into, name="readme_only"):
    (into / name).mkdir()
    (into / name / "README.md").write_text("I could not get TensorFlow to install.\n")
    return into / name


def nested(into, name="nested"):
    """The solved modules one folder down, as an archive unpacked into a folder of its own gives."""
    (into / name).mkdir()
    shutil.copytree(ROOT / "solutions", into / name / "kata-alice", ignore=shutil.ignore_patterns("__pycache__"))
    (into / name / "notes.txt").write_text("see the folder\n")
    return into / name


CLASS = [solved, untouched, half_done, missing_module, loops_at_import, prints_megabytes,
         crashes_at_import, huge_model, edits_tests_while_graded, repository_with_edited_check]


def to_interrupt(into):
    """A class for Ctrl-C: one quick row (solved), then two submissions that sleep at import."""
    make_class(into, [solved])
    sleeps_at_import(into, "z_sleeps")
    sleeps_at_import(into, "zz_sleeps_too")
    return into


def make_class(into, builders=CLASS):
    into.mkdir(parents=True, exist_ok=True)
    return {builder.__name__: builder(into) for builder in builders}

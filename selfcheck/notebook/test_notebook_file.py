"""kata/notebook_file.py: a notebook file's functions taken statically (cells parsed, never run) agree
with what kata.notebook takes from the kernel that ran the same cells. The kernel here is the cells
exec'd into a dict after IPython's own transformation of them (selfcheck/notebook/cells.py), with a
kata.check that records the kernel's extraction at the moment it is called; the real kernel's
agreement is in test_notebook_grades.py. No TensorFlow."""
import os
import re
import textwrap
from pathlib import Path

import pytest

from kata import notebook_file, notebook_source
from kata.notebook_file import Refused, modules_from, read
from kata.registry import BY_NAME, EXERCISES
from cells import run_cells
from selfcheck.submissions import notebook_file as write_notebook

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ("make_dataset", "build_model")


class RecordingKata:
    """kata.notebook's check and hint as a kernel would call them, recording the source they would grade."""

    def __init__(self, namespace):
        self.namespace, self.sources = namespace, {}

    def check(self, exercise, **options):
        self.sources[exercise] = notebook_source.extract(exercise, BY_NAME[exercise].functions, self.namespace)

    hint = check

    def about(self):
        return None

    progress = about


def kernel_sources(cells):
    """The sources kata.check recorded, the cells run in order as a kernel runs them, magics and all."""
    shell = Shell({"__name__": "__main__"})
    shell.namespace.update(get_ipython=lambda: shell, kata=RecordingKata(shell.namespace))
    for text in cells:
        shell.run(text)
    return shell.namespace["kata"].sources


class Shell:
    """get_ipython() for the transformed cells: !pip and %matplotlib do nothing here, %%time runs its cell."""

    def __init__(self, namespace):
        self.namespace = namespace
        self.transform = pytest.importorskip("IPython.core.inputtransformer2").TransformerManager().transform_cell

    def run(self, text):
        python = self.transform(text).replace("from kata import notebook as kata", "pass")   # the recording kata
        run_cells(python, namespace=self.namespace)

    def run_cell_magic(self, name, line, cell):
        self.run(cell)

    def system(self, *args):
        return None

    def run_line_magic(self, *args, **kwargs):
        return None

    def getoutput(self, *args):
        return ["out"]


def same_module(static, kernel):
    """The two extractions give one module: the same text after the imports, and imports that bind the
    same names to the same objects (the kernel names a module by its own name: `import xml` where the
    notebook said `import xml.dom.minidom`; both bind xml)."""
    def split(text):
        lines = text.splitlines(True)
        imports = [line for line in lines if line.startswith(("import ", "from "))]
        return imports, "".join(line for line in lines if line not in imports)

    (static_imports, static_rest), (kernel_imports, kernel_rest) = split(static), split(kernel)
    if static_rest != kernel_rest:
        return False
    if static_imports == kernel_imports:
        return True
    bound = []
    for imports in (static_imports, kernel_imports):
        namespace = {}
        exec("".join(imports), namespace)
        bound.append({name: value for name, value in namespace.items() if name != "__builtins__"})
    return bound[0].keys() == bound[1].keys() and all(bound[0][name] is bound[1][name] for name in bound[0])


def static_sources(tmp_path, cells, name="kata.ipynb"):
    path = write_notebook(tmp_path / name, cells)
    taken = modules_from([path], EXERCISES)
    return taken.modules, taken.refused


HELPERS = [
    "!pip install -q tensorflow\n%matplotlib inline\nfrom kata import notebook as kata\nimport json as js\n"
    "import xml.dom.minidom\nfrom collections import OrderedDict as Ordered\nimport functools",
    "LENGTH = 5\nSCALE, NAME = 2, 'seq'\nfiles = !ls\n",
    "def helper(n):\n    # a comment inside\n    return [i * SCALE for i in range(n)]\n",
    "@functools.lru_cache(maxsize=None)\ndef cached(n):\n    return js.dumps(helper(n))\n",
    "def make_dataset(length=LENGTH):\n    return cached(length), xml.dom.minidom.__name__\n",
    "def build_model(length=5):\n    return Ordered(name=NAME, units=length)\n",
    "kata.check('one_to_one')",
    "SCALE = 3\n\ndef build_model(length=5):\n    '''Why? The second definition wins.'''\n    return ('second', SCALE)\n",
    "report = kata.check(\"many_to_one\")",
    "def build_model(length=5):\n    return 'after every check: graded for no exercise'\n",
]


def test_the_static_extraction_agrees_with_the_kernels_at_every_check(tmp_path):
    kernel = kernel_sources(HELPERS)
    static, refused = static_sources(tmp_path, HELPERS)
    assert refused == {} and set(static) == set(kernel) == {"one_to_one", "many_to_one"}
    for exercise in kernel:
        assert same_module(static[exercise], kernel[exercise]), (static[exercise], kernel[exercise])
    assert "import xml.dom.minidom" in static["one_to_one"]      # as the notebook wrote it
    assert "SCALE = 2" in static["one_to_one"] and "SCALE = 3" in static["many_to_one"]
    assert "'second'" in static["many_to_one"] and "'second'" not in static["one_to_one"]
    assert "@functools.lru_cache" in static["one_to_one"] and "files" not in static["one_to_one"]


def test_the_solutions_notebook_agrees_with_the_kernel_on_every_exercise(tmp_path):
    from selfcheck.submissions import solved_notebook_cells
    cells = [cell for cell in solved_notebook_cells() if "model.fit" not in cell]   # no training here
    kernel = kernel_sources(cells)
    static, refused = static_sources(tmp_path, cells)
    assert refused == {} and len(static) == len(EXERCISES)
    for exercise in EXERCISES:
        assert static[exercise.name] == kernel[exercise.name], exercise.name    # the same text, imports too


def test_a_notebook_named_after_an_exercise_is_that_exercise_without_a_check(tmp_path):
    cells = [(ROOT / "solutions" / "many_to_many.py").read_text()]
    static, refused = static_sources(tmp_path, cells, name="many_to_many.ipynb")
    assert list(static) == ["many_to_many"] and refused == {}
    assert static["many_to_many"] == notebook_source.extract("many_to_many", FUNCTIONS, run_cells(*cells))


def test_a_notebook_that_checks_nothing_and_is_named_after_nothing_gives_nothing(tmp_path):
    static, refused = static_sources(tmp_path, [(ROOT / "solutions" / "one_to_one.py").read_text()])
    assert static == {} and refused == {}


def test_nothing_in_the_notebook_is_run(tmp_path):
    sentinel = tmp_path / "ran"
    cells = [f"open({str(sentinel)!r}, 'w').write('ran')\nimport os\nos._exit(3)",
             f"def make_dataset(length=5):\n    open({str(sentinel)!r}, 'w')\n    return length\n"
             f"make_dataset()\n",
             "kata.check('one_to_one')"]
    static, _ = static_sources(tmp_path, cells)
    assert "def make_dataset" in static["one_to_one"] and not sentinel.exists()


@pytest.mark.parametrize("cell, sentence", [
    ("import numpy as np\ndata = np.zeros((1, 5, 1))\ndef make_dataset(length=5):\n    return data\n",
     "make_dataset uses `data`, a value computed in the notebook: make it inside the function"),
    ("class MyLayer:\n    pass\ndef build_model(length=5):\n    return MyLayer()\n",
     "build_model uses `MyLayer`, a class defined in the notebook: use Keras's own layers"),
    ("build_model = print\n", "build_model is a computed value, not a function defined in the notebook"),
])
def test_what_cannot_be_carried_is_refused_for_its_exercise_in_one_sentence(tmp_path, cell, sentence):
    static, refused = static_sources(tmp_path, [cell, "kata.check('one_to_one')"])
    assert static == {} and refused["one_to_one"].startswith(sentence), refused
    assert "\n" not in refused["one_to_one"]


def test_ipython_lines_a_cell_magic_and_a_cell_that_does_not_parse_are_set_aside(tmp_path):
    cells = ["%%bash\necho 'def make_dataset(length=5): return 1'",
             "def make_dataset(length=5):\n    return 2\n",
             "def make_dataset(length=5)\n    return 'a syntax error: the kernel runs none of this cell'\n",
             "%%time\nnp.arange?\nx = %pwd\n!echo hi\nkata.check('one_to_one')"]
    static, refused = static_sources(tmp_path, cells)
    assert "return 2" in static["one_to_one"] and refused == {}
    assert kernel_sources(cells[1:2] + cells[3:])["one_to_one"] == static["one_to_one"]


def test_two_notebooks_that_check_one_exercise_are_refused_for_it_by_name(tmp_path):
    first = write_notebook(tmp_path / "a.ipynb", ["def make_dataset(length=5):\n    return 1\n",
                                                  "kata.check('one_to_one')"])
    second = write_notebook(tmp_path / "b.ipynb", ["def make_dataset(length=5):\n    return 2\n",
                                                   "kata.check('one_to_one')", "kata.check('many_to_one')"])
    taken = modules_from([first, second], EXERCISES)
    assert taken.refused == {"one_to_one": "a.ipynb and b.ipynb both check one_to_one: keep its cells in one notebook"}
    assert list(taken.modules) == ["many_to_one"]


@pytest.mark.parametrize("content, says", [
    (b"\x89PNG not json", "is not a notebook (not JSON)"),
    (b'{"nbformat": 3, "worksheets": []}', "is not a notebook of format 4"),
    (b'[1, 2]', "is not a notebook of format 4")])
def test_a_file_that_is_not_a_notebook_is_refused_by_name(tmp_path, content, says):
    (tmp_path / "kata.ipynb").write_bytes(content)
    with pytest.raises(Refused, match=re.escape(f"kata.ipynb {says}")):
        read(tmp_path / "kata.ipynb")


def test_a_notebook_too_large_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(notebook_file, "MAX_NOTEBOOK_BYTES", 1000)
    write_notebook(tmp_path / "kata.ipynb", ["x = 1\n" * 500])
    with pytest.raises(Refused, match="larger than"):
        read(tmp_path / "kata.ipynb")


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "O_NOFOLLOW"), reason="POSIX files only")
def test_a_link_or_a_fifo_named_ipynb_is_never_read(tmp_path):
    write_notebook(tmp_path / "real.ipynb", ["def make_dataset(length=5):\n    return 1\n", "kata.check('one_to_one')"])
    (tmp_path / "link.ipynb").symlink_to(tmp_path / "real.ipynb")
    os.mkfifo(tmp_path / "fifo.ipynb")
    with pytest.raises(Refused, match="link.ipynb is a symbolic link: save the notebook itself"):
        read(tmp_path / "link.ipynb")
    with pytest.raises(Refused, match="fifo.ipynb is not a regular file"):
        read(tmp_path / "fifo.ipynb")          # opened without blocking, then refused


SOLUTION = (ROOT / "solutions" / "one_to_one.py").read_text()


def test_code_hidden_in_a_comment_by_a_character_python_does_not_end_lines_at_is_not_read(tmp_path):
    """\\x1c ends a line for str.splitlines, not for Python: the kernel runs the cell as one comment."""
    hidden = "# notes\x1c" + SOLUTION.replace("\n", "\x1c")
    static, refused = static_sources(tmp_path, [hidden, "kata.check('one_to_one')"])
    assert static == {} and refused["one_to_one"].startswith("the notebook defines none of one_to_one's functions")


def test_what_an_if_false_holds_is_never_defined_as_in_the_kernel(tmp_path):
    cells = ["if False:\n" + textwrap.indent(SOLUTION, "    "), "kata.check('one_to_one')"]
    assert static_sources(tmp_path, cells)[0] == {}
    cells = ["if True:\n" + textwrap.indent(SOLUTION, "    ") + "else:\n    def build_model(length=5):\n"
             "        return None\n", "kata.check('one_to_one')"]
    static, _ = static_sources(tmp_path, cells)
    assert "return None" not in static["one_to_one"] and "keras.layers.LSTM" in static["one_to_one"]


def test_a_notebook_that_cannot_be_read_is_set_aside_and_the_others_are_read(tmp_path):
    good = write_notebook(tmp_path / "kata.ipynb", [SOLUTION, "kata.check('one_to_one')"])
    (tmp_path / "Untitled.ipynb").write_text("")
    taken = modules_from([good, tmp_path / "Untitled.ipynb"], EXERCISES)
    assert list(taken.modules) == ["one_to_one"] and taken.refused == {}
    assert taken.unread == {"Untitled.ipynb": "Untitled.ipynb is not a notebook (not JSON): save it from Jupyter "
                                              "or Colab as .ipynb"}


def test_a_submissions_notebooks_share_one_budget_of_code(tmp_path, monkeypatch):
    monkeypatch.setattr(notebook_file, "MAX_CODE_CHARS", len(SOLUTION) + 100)
    first = write_notebook(tmp_path / "a.ipynb", [SOLUTION, "kata.check('one_to_one')"])
    second = write_notebook(tmp_path / "b.ipynb", [SOLUTION, "kata.check('many_to_one')"])
    taken = modules_from([first, second], EXERCISES)
    assert list(taken.modules) == ["one_to_one"] and "b.ipynb brings the notebooks past" in taken.unread["b.ipynb"]


def test_a_notebooks_name_reaches_messages_with_its_control_characters_escaped(tmp_path):
    name = "\x1b[2Jowned\x07.ipynb"
    (tmp_path / name).write_text("{}")
    taken = modules_from([tmp_path / name], EXERCISES)
    [(shown, why)] = taken.unread.items()
    assert shown == "\\x1b[2Jowned\\x07.ipynb" and "\x1b" not in why and "\x07" not in why


def test_the_gradebook_says_a_reason_shared_by_exercises_once():
    from instructor.gradebook.notebooks import reasons
    assert reasons({"one_to_one": "both", "many_to_one": "both", "parameters": "other"}) == \
        "one_to_one, many_to_one: both; parameters: other"

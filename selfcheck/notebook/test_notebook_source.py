"""kata/notebook_source.py: what a notebook's functions need, carried across as source. No kernel, no
TensorFlow: the namespaces are cells exec'd into a dict (selfcheck/notebook/cells.py)."""
import subprocess
import sys
from pathlib import Path

import pytest

from kata.notebook_source import Refused, extract
from cells import run_cells

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ("make_dataset", "build_model")


def module_of(source):
    """The extracted source run as a module of its own: what the kata's worker would import."""
    namespace = {"__name__": "extracted"}
    exec(compile(source, "extracted.py", "exec"), namespace)
    return namespace


def test_importing_kata_notebook_needs_no_tensorflow_numpy_or_ipython():
    code = ("import sys; from kata import notebook as kata; "
            "print(sorted(m for m in ('numpy', 'tensorflow', 'keras', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_modules_become_import_lines_with_their_names():
    ns = run_cells("import json as js\nimport xml.dom.minidom as md\nfrom xml import dom\nimport string\n"
                   "def make_dataset(length=5):\n    return js.dumps([md.__name__, dom.__name__, length])\n")
    source = extract("one_to_one", FUNCTIONS, ns)
    assert "import json as js" in source and "import xml.dom.minidom as md" in source
    assert "from xml import dom" in source
    assert "string" not in source                   # imported in the notebook, not read: not carried
    assert module_of(source)["make_dataset"](3) == '["xml.dom.minidom", "xml.dom", 3]'


def test_a_module_attribute_becomes_a_from_import_that_round_trips():
    ns = run_cells("from collections import OrderedDict\nfrom json import dumps as to_text\n"
                   "def build_model(length=5):\n    return to_text(OrderedDict(n=length))\n")
    source = extract("one_to_one", FUNCTIONS, ns)
    assert "from collections import OrderedDict" in source
    assert "from json import dumps as to_text" in source
    assert module_of(source)["build_model"](2) == '{"n": 2}'


def test_helpers_are_carried_recursively_before_the_function_that_calls_them():
    ns = run_cells("def scale(x):\n    return x * FACTOR\n",
                   "def shape(n):\n    return [scale(i) for i in range(n)]\nFACTOR = 2\n",
                   "def make_dataset(length=5):\n    return shape(length)\n")
    source = extract("one_to_one", FUNCTIONS, ns)
    assert source.index("def scale") < source.index("def shape") < source.index("def make_dataset")
    assert "FACTOR = 2" in source
    assert module_of(source)["make_dataset"](3) == [0, 2, 4]


def test_constants_and_default_arguments_are_carried_as_their_values():
    ns = run_cells("LENGTH = 5\nSHAPE = (1, [2, 3.5], 'x', None, True)\nLOSS = 'mean_squared_error'\n"
                   "def make_dataset(length=LENGTH, shape=SHAPE):\n    return length, shape, LOSS\n")
    source = extract("one_to_one", FUNCTIONS, ns)
    assert "LENGTH = 5" in source and "SHAPE = (1, [2, 3.5], 'x', None, True)" in source
    assert "LOSS = 'mean_squared_error'" in source
    assert module_of(source)["make_dataset"]() == (5, (1, [2, 3.5], "x", None, True), "mean_squared_error")


def test_the_latest_definition_wins():
    ns = run_cells("UNITS = 1\ndef build_model(length=5):\n    return 'first'\n",
                   "UNITS = 7\ndef build_model(length=5):\n    return ('second', UNITS)\n")
    source = extract("one_to_one", FUNCTIONS, ns)
    assert "first" not in source and "UNITS = 7" in source
    assert module_of(source)["build_model"]() == ("second", 7)


def test_locals_arguments_builtins_and_nested_names_are_not_looked_up():
    ns = run_cells("length = object()\nx = object()\n"     # would be refused if they were read as globals
                   "def make_dataset(length=5):\n    x = list(range(length))\n"
                   "    def inner(y):\n        return [x[i] + y for i in range(len(x))]\n"
                   "    return inner(1), sorted(v for v in x), (lambda x: x)(2)\n")
    source = extract("one_to_one", FUNCTIONS, ns)
    assert module_of(source)["make_dataset"](2) == ([1, 2], [0, 1], 2)


def test_functions_the_notebook_does_not_define_are_left_out_and_none_is_refused():
    ns = run_cells("def make_dataset(length=5):\n    return length\n")
    assert "build_model" not in extract("one_to_one", FUNCTIONS, ns)
    with pytest.raises(Refused, match=r"^the notebook defines none of one_to_one's functions"):
        extract("one_to_one", FUNCTIONS, run_cells("x = 1\n"))


@pytest.mark.parametrize("cell, sentence", [
    ("import numpy as np\ndata = np.zeros((1, 5, 1))\n"
     "def make_dataset(length=5):\n    return data\n",
     "make_dataset uses `data`, a numpy array made in the notebook: make it inside the function "
     "(the tests call it with length alone)"),
    ("class MyLayer:\n    pass\n"
     "def build_model(length=5):\n    return MyLayer()\n",
     "build_model uses `MyLayer`, a class defined in the notebook: use Keras's own layers"),
    ("square = lambda x: x * x\n"
     "def make_dataset(length=5):\n    return square(length)\n",
     "make_dataset uses `square`, a lambda: define it with def square(...) in a cell"),
    ("build_model = lambda length=5: None\n",
     "build_model is a lambda: define it with def build_model(...) in a cell"),
    ("settings = {'units': 5}\n"
     "def build_model(length=5):\n    return settings\n",
     "build_model uses `settings`, a dict made in the notebook: make it inside the function"),
])
def test_what_cannot_be_carried_is_refused_in_one_sentence_naming_it(cell, sentence):
    with pytest.raises(Refused) as refused:
        extract("one_to_one", FUNCTIONS, run_cells(cell))
    assert str(refused.value).startswith(sentence)
    assert "\n" not in str(refused.value)


def test_a_keras_model_made_in_the_notebook_is_refused_by_name():
    pytest.importorskip("keras")
    ns = run_cells("import keras\nmodel = keras.Sequential([keras.Input((5, 1)), keras.layers.Dense(1)])\n"
                   "def build_model(length=5):\n    return model\n")
    with pytest.raises(Refused, match=r"^build_model uses `model`, a Keras model made in the notebook: "
                                      r"make it inside the function"):
        extract("one_to_one", FUNCTIONS, ns)


def test_the_solution_comes_out_as_a_module_that_compiles_with_its_imports():
    text = (ROOT / "solutions" / "many_to_many.py").read_text()
    source = extract("many_to_many", FUNCTIONS, run_cells(text))
    compile(source, "many_to_many.py", "exec")
    assert "import numpy as np" in source and "import keras" in source
    assert "def make_dataset(length=5):" in source and "def build_model(length=5):" in source

"""The source of an exercise's module, taken from a notebook's namespace: pure, and no kernel needed.

Each contract function is taken as its source (inspect.getsource: Jupyter and Colab register every
cell in linecache), and what it needs from the notebook is found from its syntax tree (symtable,
which reads the same tree as ast and says which names are the function's own): every name it reads
that is neither its own local nor a builtin is looked up in the namespace, so that the latest
definition, which the namespace holds, is the one carried across:

    a module                                  -> an import line: import numpy as np
    a class or function of an importable module -> from keras.layers import LSTM (checked to round-trip)
    a function defined in the notebook        -> its source too, and what it needs in turn
    a constant (int, float, str, bool, None, bytes, or tuples and lists of them) -> NAME = repr(value)

Decorators, default arguments and annotations are read too. Anything else (an array, a model or a
class made in the notebook, a lambda, an object of any other type) is refused by Refused, in one
sentence that names it and says what to do. Nothing here imports a module: importable means already
in sys.modules, as it must be for the notebook to hold one of its objects.
"""
import builtins
import inspect
import symtable
import sys
import textwrap
import types

HEADER = '"""{exercise}: the functions taken from the notebook by kata.notebook."""\n'
CONSTANTS = (int, float, complex, str, bytes, bool, type(None))


class Refused(ValueError):
    """What cannot be carried across from the notebook, in one sentence."""


def is_constant(value):
    if type(value) in CONSTANTS:
        try:
            return eval(repr(value), {}) == value         # nan and inf do not round-trip
        except Exception:
            return False
    if type(value) in (tuple, list):
        return all(is_constant(item) for item in value)
    return False


def kind_of(value):
    """How a refused value is named: 'a numpy array', 'a Keras model', 'a dict'."""
    kind, module = type(value).__name__, type(value).__module__ or ""
    if module.split(".")[0] == "numpy" and kind == "ndarray":
        return "a numpy array"
    if module.split(".")[0] in ("keras", "tf_keras", "tensorflow"):
        if kind in ("Sequential", "Functional", "Model") or hasattr(value, "layers"):
            return "a Keras model"
        return f"a {module.split('.')[0].replace('tf_keras', 'keras').capitalize()} {kind}"
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    return f"{article} {kind}"


def module_path(value):
    """The name value's module is imported by, or None when no loaded module has it under that name."""
    name = getattr(value, "__name__", None)
    if isinstance(name, str) and sys.modules.get(name) is value:
        return name
    return None


def import_of(value):
    """(module, attribute) that give value back from an imported module, or None."""
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "." in qualname or "<" in qualname:
        return None
    loaded = sys.modules.get(module)
    if loaded is None or getattr(loaded, qualname, None) is not value:
        return None
    return module, qualname


def global_names(tree):
    """The names read as globals by the code of a symbol table: the top level's (decorators, defaults,
    annotations) and, in every function, lambda, comprehension or class inside, those not its own."""
    names = []

    def walk(table, top):
        for symbol in table.get_symbols():
            name = symbol.get_name()
            if top and symbol.is_referenced() and not symbol.is_assigned() or \
                    not top and symbol.is_global() and (symbol.is_referenced() or symbol.is_assigned()):
                if name not in names:
                    names.append(name)
        for child in table.get_children():
            walk(child, False)

    walk(tree, True)
    return names


class Extraction:
    def __init__(self, namespace, main_names=("__main__",)):
        self.namespace = namespace
        self.main = set(main_names) | {namespace.get("__name__", "__main__")}
        self.imports, self.constants, self.functions = [], [], []
        self.done = set()

    def in_notebook(self, value):
        return getattr(value, "__module__", None) in self.main

    def refuse(self, user, name, what, fix):
        raise Refused(f"{user} uses `{name}`, {what}: {fix}")

    def function(self, name, value, user=None):
        """Carry the notebook function value (named name) across, and what it needs first."""
        if name in self.done:
            return
        self.done.add(name)
        source = self.source_of(name, value, user)
        try:
            table = symtable.symtable(source, f"<{name}>", "exec")
        except SyntaxError:
            raise Refused(f"the source of {name} cannot be read on its own: "
                          f"define it with def at the top level of a cell") from None
        for needed in global_names(table):
            if needed != name:
                self.resolve(needed, name)
        self.functions.append(source.rstrip() + "\n")

    def source_of(self, name, value, user):
        """The source of the notebook function value, dedented; Refused when it has none of its own."""
        if value.__name__ == "<lambda>":
            if user is None:
                raise Refused(f"{name} is a lambda: define it with def {name}(...) in a cell, and run that cell")
            self.refuse(user, name, "a lambda", f"define it with def {name}(...) in a cell, and run that cell")
        if value.__name__ != name:
            what = f"`{name}`" if user is None else f"{user} uses `{name}`, which"
            raise Refused(f"{what} is the notebook's function {value.__name__} under another name: "
                          f"define it with def {name}(...), or call it {value.__name__}")
        try:
            return textwrap.dedent(inspect.getsource(value))
        except (OSError, TypeError):
            raise Refused(f"the source of {name} cannot be found: run the cell that defines it again") from None

    def resolve(self, name, user):
        if name not in self.namespace:
            return              # a builtin, or a name the notebook never defined: a NameError, there as here
        value = self.namespace[name]
        if isinstance(value, types.ModuleType):
            path = module_path(value)
            if path is None:
                self.refuse(user, name, "a module made in the notebook", "import it inside the function")
            if path == name:
                line = f"import {name}"
            elif path.rpartition(".")[2] == name:
                line = f"from {path.rpartition('.')[0]} import {name}"
            else:
                line = f"import {path} as {name}"
            self.add_import(line)
        elif self.notebook_function(value):
            self.function(name, value, user)
        elif is_constant(value):
            if name not in self.done:
                self.done.add(name)
                self.constants.append(f"{name} = {value!r}")
        elif isinstance(value, type) and self.in_notebook(value):
            self.refuse(user, name, "a class defined in the notebook",
                        "use Keras's own layers (the tests save and load the model), or define it inside the function")
        elif value is getattr(builtins, name, object()):
            return
        elif callable(value) and import_of(value):
            module, attribute = import_of(value)
            self.add_import(f"from {module} import {attribute}" if attribute == name
                            else f"from {module} import {attribute} as {name}")
        else:
            made = kind_of(value)
            self.refuse(user, name, f"{made} made in the notebook", "make it inside the function (the tests call it with length alone)")

    def notebook_function(self, value):
        """A function defined in the notebook, or one a decorator wrapped (functools.wraps, lru_cache)."""
        try:
            value = inspect.unwrap(value) if callable(value) else value
        except ValueError:                     # a cycle of __wrapped__
            return False
        return isinstance(value, types.FunctionType) and self.in_notebook(value)

    def imported(self, value):
        return callable(value) and import_of(value) is not None

    def described(self, value):
        return kind_of(value)

    def module(self, exercise, functions):
        """The module's source: the functions the namespace defines and what they need, compiled."""
        found = [name for name in functions if name in self.namespace]
        if not found:
            names = " and ".join(f"{name}()" for name in functions)
            raise Refused(f"the notebook defines none of {exercise}'s functions ({names}): "
                          "define them in a cell, run it, then check again")
        for name in found:
            value = self.namespace[name]
            if self.notebook_function(value):
                self.function(name, value)
            elif self.imported(value):
                self.resolve(name, "the exercise")
            else:
                raise Refused(f"{name} is {self.described(value)}, not a function defined in the notebook: "
                              f"define it with def {name}(...) in a cell, and run that cell")
        text = self.source(exercise)
        compile(text, f"{exercise}.py", "exec")
        return text

    def add_import(self, line):
        if line not in self.imports:
            self.imports.append(line)

    def source(self, exercise):
        parts = [HEADER.format(exercise=exercise)]
        if self.imports:
            parts.append("\n".join(self.imports) + "\n")
        if self.constants:
            parts.append("\n".join(self.constants) + "\n")
        parts += self.functions
        return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"


def extract(exercise, functions, namespace):
    """The source of the module exercise.py, made of the notebook's functions (the names in
    functions, those it defines) and what they need; Refused when none is defined or one cannot be
    carried across. The source is compiled before it is returned."""
    return Extraction(namespace).module(exercise, functions)

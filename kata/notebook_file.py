"""The exercises' functions taken from a notebook file (.ipynb) statically: its code cells are parsed,
never run, so a submitted notebook's `model.fit(epochs=1000)` or `!pip install` does nothing here.

The result is the module kata.notebook would have written in the kernel after running the notebook
from the top (kata/notebook_source.py, whose Extraction this reuses): the same function sources, the
same constants, and imports that bind the same names. A notebook's sections are marked by its calls
of `kata.check("many_to_many")` (or hint): what an exercise is graded on is what the kernel held at its
last such call, the functions defined in the cells above it, so that one notebook can hold every
exercise although each defines its own build_model. A notebook named after an exercise
(many_to_many.ipynb) is that exercise's throughout.

What cells bind is read from their top-level statements (and those inside a top-level if, try, with,
for or while): imports, functions, classes, constants (literals), and any other value, which is
refused by name if a function needs it, as the kernel refuses an array. IPython's own lines (`!cmd`,
`%magic`, `name?`, a cell magic) are set aside; a cell that does not parse is skipped, as a kernel
runs none of it. Only the standard library; nothing is imported or executed.
"""
import ast
import json
import os
import re
import stat
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .notebook_source import Extraction, Refused, is_constant

MAX_NOTEBOOK_BYTES = 20 * 2**20     # a larger notebook file is not read (its outputs are in it too)
MAX_CODE_CHARS = 256 * 2**10        # the code cells of a submission's notebooks, in all: parsing costs about
#                                     500 bytes of memory a character, and the gradebook parses them itself
MAX_CELLS = 2000                    # code cells, in all
NEWLINE = re.compile(r"\r\n|\r|\n")  # the line ends Python's tokenizer knows (str.splitlines knows more: \x1c, \u2028)
CALLS = ("check", "hint")           # the kata.notebook calls that mark an exercise's section
MAGIC = re.compile(r"^(\s*)([!%]|\?\s*[\w.]+\s*$|[\w.]+\?{1,2}\s*$)")
ASSIGNED_MAGIC = re.compile(r"^(\s*[\w.]+\s*=\s*)[!%].*$")
PYTHON_CELL_MAGICS = ("%%time", "%%capture")       # whose body is Python the kernel runs


@dataclass(frozen=True)
class Binding:
    """What a name holds after a statement: its kind, and the import line, the source or the value."""
    kind: str                   # "import", "function", "constant", "class" or "computed"
    text: str = ""              # an import line, or a function's source (decorators included)
    value: object = None        # a constant's value


@dataclass(frozen=True)
class Event:
    """One step of running the notebook from the top: a name bound or deleted, or an exercise checked."""
    name: str                   # the name bound, or the exercise checked
    binding: Binding | None     # None: deleted (del name), or a check
    checks: bool = False


@dataclass
class Notebook:
    """A notebook file's code as events, and the sections of the exercises it checks."""
    path: Path
    events: list = field(default_factory=list)
    star_imports: list = field(default_factory=list)    # `from m import *` lines, which bind names unseen

    def namespace(self, upto=None):
        """name -> Binding after the events before upto (all of them by default)."""
        names = {}
        for event in self.events[:upto]:
            if event.checks:
                continue
            if event.binding is None:
                names.pop(event.name, None)
            else:
                names[event.name] = event.binding
        return names

    def checked(self):
        """The exercises the notebook checks, each with the index of its last check."""
        return {event.name: index for index, event in enumerate(self.events) if event.checks}

    def section(self, exercise):
        """The namespace the exercise is graded on, or None when the notebook has no section for it."""
        checked = self.checked()
        if exercise in checked:
            return self.namespace(checked[exercise])
        if self.path.stem == exercise:
            return self.namespace()
        return None


def read(path, budget=None):
    """A Notebook of the file at path; Refused (one sentence naming it) when it is not one. budget: a
    Budget shared by a submission's notebooks, which their code may not exceed."""
    path = Path(path)
    budget, name = budget or Budget(), printable(path.name)
    if path.is_symlink():
        raise Refused(f"{name} is a symbolic link: save the notebook itself")
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"{name} is not a regular file: save the notebook itself")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise Refused(f"{name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB: clear its outputs, "
                          "save it, then submit it again")
        raw = file.read(MAX_NOTEBOOK_BYTES + 1)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused(f"{name} is not a notebook (not JSON): save it from Jupyter or Colab as .ipynb") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list) or data.get("nbformat") != 4:
        raise Refused(f"{name} is not a notebook of format 4: open it in Jupyter or Colab and save it again")
    sources = [cell_text(cell) for cell in cells
               if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    budget.take(name, len(sources), sum(len(text) for text in sources))
    notebook = Notebook(path)
    for text in sources:
        tree = parse_cell(text)
        if tree is not None:
            for statement in tree.body:
                read_statement(notebook, statement, text)
    return notebook


@dataclass
class Budget:
    """What a submission's notebooks may still hold: code cells, and characters of code."""
    cells: int = field(default_factory=lambda: MAX_CELLS)
    chars: int = field(default_factory=lambda: MAX_CODE_CHARS)

    def take(self, name, cells, chars):
        self.cells, self.chars = self.cells - cells, self.chars - chars
        if self.cells < 0:
            raise Refused(f"{name} brings the notebooks past {MAX_CELLS} code cells: submit the exercises' cells")
        if self.chars < 0:
            raise Refused(f"{name} brings the notebooks past {MAX_CODE_CHARS // 2**10} KB of code: "
                          "submit the exercises' cells")


def cell_text(cell):
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def parse_cell(text):
    """The cell's syntax tree as the kernel would run it, IPython's own lines set aside; None when the
    kernel would run none of it (a cell magic of another language, or a syntax error)."""
    lines = NEWLINE.split(text)
    if lines and lines[0].startswith("%%"):
        if not lines[0].split()[0] in PYTHON_CELL_MAGICS:
            return None
        lines = ["pass"] + lines[1:]
    for attempt in ("\n".join(lines), "\n".join(without_magic(line) for line in lines)):
        try:
            return ast.parse(attempt)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def without_magic(line):
    """The line, or a Python line of the same indent doing what the kernel's would not let us see."""
    assigned = ASSIGNED_MAGIC.match(line)
    if assigned:
        return assigned.group(1) + "None if False else ..."      # a value of its own: computed, not a constant
    magic = MAGIC.match(line)
    return magic.group(1) + "pass" if magic else line


def function_source(statement, text):
    """The function's lines, from its first decorator (as inspect.getsource gives them), dedented."""
    lines = NEWLINE.split(text)
    first = min([statement.lineno] + [decorator.lineno for decorator in statement.decorator_list])
    return textwrap.dedent("\n".join(lines[first - 1:statement.end_lineno]) + "\n")


def read_statement(notebook, statement, text):
    bind = lambda name, binding: notebook.events.append(Event(name, binding))
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            if alias.asname:
                bind(alias.asname, Binding("import", f"import {alias.name} as {alias.asname}"))
            else:
                bind(alias.name.split(".")[0], Binding("import", f"import {alias.name}"))
    elif isinstance(statement, ast.ImportFrom):
        module = "." * statement.level + (statement.module or "")
        for alias in statement.names:
            if alias.name == "*":
                notebook.star_imports.append(f"from {module} import *")
            elif statement.level:
                bind(alias.asname or alias.name, Binding("computed"))        # relative: nothing to import there
            else:
                line = f"from {module} import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                bind(alias.asname or alias.name, Binding("import", line))
    elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        bind(statement.name, Binding("function", function_source(statement, text)))
    elif isinstance(statement, ast.ClassDef):
        bind(statement.name, Binding("class"))
    elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        value = None if isinstance(statement, ast.AugAssign) else statement.value
        for target in targets:
            assign(bind, target, value)
    elif isinstance(statement, ast.Delete):
        for target in statement.targets:
            if isinstance(target, ast.Name):
                notebook.events.append(Event(target.id, None))
    elif isinstance(statement, (ast.If, ast.While)) and constant_truth(statement.test) is not None:
        taken = statement.body if constant_truth(statement.test) else statement.orelse    # if False: never runs
        for inner in taken:
            read_statement(notebook, inner, text)
    elif isinstance(statement, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
        for part in ("body", "orelse", "finalbody"):
            for inner in getattr(statement, part, []):
                read_statement(notebook, inner, text)
        for handler in getattr(statement, "handlers", []):
            for inner in handler.body:
                read_statement(notebook, inner, text)
        if isinstance(statement, ast.For):
            assign(bind, statement.target, None)
    checked = checked_exercise(statement)      # kata.check("x"), or report = kata.check("x")
    if checked:
        notebook.events.append(Event(checked, None, checks=True))
    for node in ast.walk(statement):
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            bind(node.target.id, Binding("computed"))


def constant_truth(test):
    """True or False for a condition that is a literal (if False:, while 0:), else None."""
    try:
        return bool(ast.literal_eval(test))
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return None


def assign(bind, target, value):
    """Bind the names of target to value's literal, when it is a constant, or to a computed value."""
    if isinstance(target, ast.Name):
        try:
            literal = ast.literal_eval(value) if value is not None else None
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            bind(target.id, Binding("computed"))
            return
        bind(target.id, Binding("constant", value=literal) if value is not None and is_constant(literal)
             else Binding("computed"))
    elif isinstance(target, (ast.Tuple, ast.List)):
        values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) \
            and not any(isinstance(e, ast.Starred) for e in target.elts) else [None] * len(target.elts)
        for inner, inner_value in zip(target.elts, values):
            assign(bind, inner.value if isinstance(inner, ast.Starred) else inner, inner_value)


def checked_exercise(statement):
    """The exercise a `kata.check("name")` or `kata.hint("name")` statement checks, or None."""
    call = statement.value if isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
    if not isinstance(call, ast.Call) or not call.args:
        return None
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
    first = call.args[0]
    if name in CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


class StaticExtraction(Extraction):
    """kata.notebook_source's Extraction over a namespace of Bindings, read from the file."""

    def __init__(self, namespace, star_imports=()):
        super().__init__(namespace)
        self.star_imports = list(star_imports)

    def notebook_function(self, value):
        return value.kind == "function"

    def imported(self, value):
        return value.kind == "import"

    def described(self, value):
        return {"class": "a class", "constant": "a constant"}.get(value.kind, "a computed value")

    def source_of(self, name, value, user):
        return value.text

    def resolve(self, name, user):
        if name not in self.namespace:
            for line in self.star_imports:      # a name a star import may bind: the kernel would have it
                self.add_import(line)
            return
        value = self.namespace[name]
        if value.kind == "import":
            self.add_import(value.text)
        elif value.kind == "function":
            self.function(name, value, user)
        elif value.kind == "constant":
            if name not in self.done:
                self.done.add(name)
                self.constants.append(f"{name} = {value.value!r}")
        elif value.kind == "class":
            self.refuse(user, name, "a class defined in the notebook",
                        "use Keras's own layers (the tests save and load the model), or define it inside the function")
        else:
            self.refuse(user, name, "a value computed in the notebook",
                        "make it inside the function (the tests call it with length alone)")


@dataclass(frozen=True)
class Taken:
    """What a submission's notebooks give the gradebook: each exercise's module source, what was not
    taken and why, and the notebooks that could not be read, why."""
    modules: dict               # exercise -> the module's source
    refused: dict               # exercise -> one sentence
    unread: dict = field(default_factory=dict)      # notebook's name (printable) -> one sentence


def printable(name):
    """A file name as a message may show it: its control characters escaped (no terminal escapes)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in name)


def modules_from(notebooks, exercises):
    """Taken from the notebook files (paths) for the exercises (records with name and functions).

    An exercise is taken from the one notebook that has a section for it; several such notebooks are
    refused for that exercise, by name. A notebook that cannot be read (an empty Untitled.ipynb, say)
    is set aside, and the others are read; they share one Budget."""
    read_ones, refused, unread, budget = [], {}, {}, Budget()
    for path in sorted(notebooks):
        try:
            read_ones.append(read(path, budget))
        except (Refused, OSError) as problem:
            unread[printable(Path(path).name)] = printable(str(problem))
    modules = {}
    for exercise in exercises:
        sections = [(book, book.section(exercise.name)) for book in read_ones]
        sections = [(book, names) for book, names in sections if names is not None]
        if len(sections) > 1:
            refused[exercise.name] = (f"{' and '.join(printable(book.path.name) for book, _ in sections)} "
                                      f"both check {exercise.name}: keep its cells in one notebook")
            continue
        if not sections:
            continue
        book, names = sections[0]
        try:
            modules[exercise.name] = StaticExtraction(names, book.star_imports).module(exercise.name,
                                                                                        exercise.functions)
        except Refused as problem:
            refused[exercise.name] = str(problem)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            refused[exercise.name] = f"the functions taken for {exercise.name} do not compile together"
    return Taken(modules, refused, unread)

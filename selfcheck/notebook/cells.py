"""Namespaces as a kernel holds them, for the notebook tests: cell texts exec'd into a dict, each cell
registered in linecache under a name of its own as Jupyter does, so that inspect.getsource finds it."""
import itertools
import linecache

_cells = itertools.count(1)


def run_cells(*texts, namespace=None):
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    for text in texts:
        name = f"<kata-test-cell-{next(_cells)}>"
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
        exec(compile(text, name, "exec"), namespace)
    return namespace

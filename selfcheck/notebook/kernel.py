"""A real notebook executed headlessly for the notebook tests: nbclient runs the cells in an ipykernel
on this Python (a kernelspec of its own on JUPYTER_PATH, not whatever python3 kernel is found first),
with the hints' state in the test's own folder."""
import json
import sys

import nbclient
import nbformat

KERNEL = "kata-selfcheck"


def execute(tmp_path, monkeypatch, cells, timeout=90, folder=None):
    """The notebook of cells, executed in folder (tmp_path by default): each cell's outputs in its
    .outputs. A cell that raises fails the test."""
    monkeypatch.setenv("KATA_HINTS_STATE", str(tmp_path / "hints.json"))     # the kernel inherits it
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f",
                                                           "{connection_file}"],
                                                  "display_name": KERNEL, "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text) for text in cells])
    nbclient.NotebookClient(book, timeout=timeout, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(folder or tmp_path)}}).execute()
    return book

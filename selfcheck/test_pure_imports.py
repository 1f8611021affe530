"""The pure modules of the grader import without TensorFlow, each in a fresh Python (the unit tests,
selfcheck/unit/, run in this process, whose conftest has imported the plugin already)."""
import subprocess
import sys

from .runs import ROOT

PURE = ("kata.registry", "kata.feedback", "kata.advice", "kata.results", "kata.results_model", "kata.report",
        "kata.hints", "kata.ci_report", "kata.protocol", "kata.backend", "kata.progress", "kata.processes",
        "kata.spawnpool", "kata.forkserver", "kata.environment", "kata.settings", "kata.diagnosis", "kata.vetting",
        "kata.words", "kata.notebook_source", "kata.notebook_file")


def test_the_pure_modules_import_without_tensorflow():
    code = ("import sys; import " + ", ".join(PURE) +
            "; heavy = [m for m in ('tensorflow', 'keras') if m in sys.modules]; print(heavy); sys.exit(bool(heavy))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr

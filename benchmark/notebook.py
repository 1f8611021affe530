"""What kata.check() costs in a running kernel, beside the cold terminal run of the same exercise.

    python benchmark/notebook.py [--exercise many_to_many] [--repeat 3]

One kernel is started (nbclient and ipykernel, the self-check's extra) and given the solution's cells;
then, --repeat times and interleaved so both see the same load: the cold terminal run
(`python -m pytest -q tests/test_<exercise>.py --impl=<the solution's folder>`, what run.py runs), and
in the kernel `kata.check("<exercise>")` from call to rendered report (its HTML made). The issue's aim:
the check at most the cold run plus 1 s. Read the difference, not the absolute times.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL = "kata-benchmark"


def cold(exercise):
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", f"tests/test_{exercise}.py", "--impl=solutions"],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the cold run failed:\n{done.stdout[-2000:]}")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exercise", default="many_to_many")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    try:
        import nbformat
        from jupyter_client.manager import start_new_kernel
    except ImportError:
        sys.exit("needs nbclient and ipykernel: pip install nbclient ipykernel nbformat")
    del nbformat
    with tempfile.TemporaryDirectory(prefix="kata-benchmark-") as tmp:
        spec = Path(tmp) / "jupyter" / "kernels" / KERNEL
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f",
                                                               "{connection_file}"], "language": "python",
                                                      "display_name": KERNEL}))
        os.environ["JUPYTER_PATH"] = str(Path(tmp) / "jupyter")
        manager, client = start_new_kernel(kernel_name=KERNEL, cwd=tmp, stderr=subprocess.DEVNULL)
        try:
            def run(code):
                printed = []
                reply = client.execute_interactive(code, timeout=600, output_hook=lambda message: printed.append(
                    message["content"].get("text", "")) if message["msg_type"] == "stream" else None)
                if reply["content"]["status"] != "ok":
                    sys.exit(f"the kernel failed: {reply['content'].get('evalue')}")
                return "".join(printed)

            run(f"import sys, time\nsys.path.insert(0, {str(ROOT)!r})\nfrom kata import notebook as kata")
            run((ROOT / "solutions" / f"{options.exercise}.py").read_text())
            check = (f"started = time.perf_counter()\nreport = kata.check({options.exercise!r}, show=False)\n"
                     "report._repr_html_()\nassert not report.failing, str(report)\n"
                     "print(time.perf_counter() - started)")
            terminal, kernel = [], []
            for _ in range(options.repeat):
                terminal.append(cold(options.exercise))
                kernel.append(float(run(check).strip().splitlines()[-1]))
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    t, k = statistics.median(terminal), statistics.median(kernel)
    print(f"{options.exercise}, median of {options.repeat}:")
    print(f"  cold terminal run                {t:6.1f} s   ({', '.join(f'{x:.1f}' for x in terminal)})")
    print(f"  kata.check() in a running kernel {k:6.1f} s   ({', '.join(f'{x:.1f}' for x in kernel)})")
    print(f"  difference                       {k - t:+6.1f} s   (the aim: at most +1.0 s)")


if __name__ == "__main__":
    main()

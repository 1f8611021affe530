"""Record the answers that test_diagnosis.py reads: run each case's module in real workers, keep
what each job left (its Job, the backend's reply, answers.jsonl, the end of its output, the
module) and the Feedback the grader gave each call, in <case>.json. Run from the kata's root, with the
kata's Python, after changing how workers answer or how feedback reads:

    .venv/bin/python selfcheck/unit/answers/record.py

The recorded files are tests' data: review the diff of their "expected" before committing.
"""
import json
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(Path.cwd()))      # the kata whose grader records: the one run from

GOOD_DATASET = '''
import numpy as np
def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length, 1)
'''
# case: the many_to_many module it grades (None: no file at all)
CASES = {
    "missing_file": None,
    "missing_function": GOOD_DATASET,
    "syntax_error": "def make_dataset(length=5:\n    return 1\n",
    "import_raises": "from keras.layers.recurrent import LSTM\n",
    "exit_at_import": "import sys\nsys.exit(3)\n",
    "not_started": "def make_dataset(length=5):\n    raise NotImplementedError\n\n"
                   "def build_model(length=5):\n    raise NotImplementedError\n",
    "raised_in_call": '''
def make_dataset():
    return None
def build_model(length=5):
    import keras
    model = keras.Sequential([keras.Input((length, 1)), keras.layers.LSTM(length),
                              keras.layers.TimeDistributed(keras.layers.Dense(1))])
    return model
''',
    "exit_in_call": GOOD_DATASET + "def build_model(length=5):\n    import sys\n    sys.exit('done')\n",
    "timed_out": GOOD_DATASET + "def build_model(length=5):\n    n = 0\n    while True:\n        n += 1\n",
    "import_timed_out": "while True:\n    pass\n",
    "process_ended": '''
import os, signal
def make_dataset(length=5):
    os.kill(os.getpid(), signal.SIGKILL)
def build_model(length=5):
    os._exit(7)
''',
    "returns_values": None,      # the solution: every call answers
}
TIME_LIMIT = 3


def main():
    from kata.answers import Kata
    from kata.feedback import Failed
    from kata.forkserver import ForkServer
    from kata.registry import BY_NAME
    exercise = BY_NAME["many_to_many"]
    server = ForkServer.started(2, True)
    for case, module in CASES.items():
        folder = Path(tempfile.mkdtemp(prefix=f"kata-record-{case}-"))
        if case == "returns_values":
            shutil.copy(HERE.parents[2] / "solutions" / "many_to_many.py", folder)
        elif module is not None:
            (folder / "many_to_many.py").write_text(textwrap.dedent(module).lstrip())
        kata = Kata(folder, "exercises/", 0, server, time_limit=TIME_LIMIT)
        kata.ask(exercise)
        expected, jobs = {}, []
        for key, job in kata.jobs.items():
            for index, args in enumerate(job.calls):
                try:
                    kata.answer(exercise, job.function, tuple(args))
                    expected[job.call_text(index)] = None
                except Failed as failed:
                    expected[job.call_text(index)] = failed.feedback.as_dict()
            left = {name: (Path(job.dir) / name).read_bytes()[-20000:].decode(errors="replace")
                    if (Path(job.dir) / name).is_file() else "" for name in ("answers.jsonl", "output.txt")}
            jobs.append({"job": json.loads(job.to_line()), "reply": json.loads(server.wait(job.id).to_line()), **left})
        source = (folder / "many_to_many.py").read_text() if (folder / "many_to_many.py").is_file() else ""
        (HERE / f"{case}.json").write_text(json.dumps({"source": source, "jobs": jobs, "expected": expected},
                                                      indent=1) + "\n")
        shutil.rmtree(kata.work, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        print(case, {call: (f or {}).get("cause") for call, f in expected.items()})
    server.close()


if __name__ == "__main__":
    main()

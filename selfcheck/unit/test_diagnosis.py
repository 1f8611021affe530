"""kata/diagnosis.py, from answers recorded from real workers (answers/record.py): every call of
each recorded job gets the Feedback the grader gave it when it was recorded, word for word; in
milliseconds, without TensorFlow, a worker or a file of the learner's (selfcheck/test_pure_imports.py
imports kata.diagnosis in a fresh Python)."""
import json
from pathlib import Path

import pytest

from kata.diagnosis import JobRecord, diagnose
from kata.feedback import Feedback, Table
from kata.protocol import Job, JobEnded, read_answers

ANSWERS = Path(__file__).resolve().parent / "answers"
CASES = sorted(path.stem for path in ANSWERS.glob("*.json"))


def records(case):
    """(JobRecord, {call: expected feedback or None}) of a recorded case."""
    recorded = json.loads((ANSWERS / f"{case}.json").read_text())
    for left in recorded["jobs"]:
        job, reply = Job(**left["job"]), JobEnded(**left["reply"])
        dumped = left["output.txt"] if reply.timed_out else ""
        yield JobRecord(job, reply, read_answers(left["answers.jsonl"], len(job.calls)), recorded["source"],
                        dumped), recorded["expected"]


def as_data(feedback):
    return None if feedback is None else json.loads(json.dumps(feedback.as_dict()))


def test_every_way_a_call_ends_is_recorded():
    assert len(CASES) >= 12, CASES
    causes = {f["cause"].rsplit(".", 1)[1] for case in CASES for _, expected in records(case)
              for f in expected.values() if f}
    assert causes >= {"missing_file", "missing_function", "syntax", "import", "exit_at_import", "not_started",
                      "type_error", "raised", "exit_in_call", "timed_out", "import_timed_out", "process_ended"}


@pytest.mark.parametrize("case", CASES)
def test_recorded_answers_give_the_recorded_feedback(case):
    for record, expected in records(case):
        for index in range(len(record.job.calls)):
            call = record.job.call_text(index)
            assert as_data(diagnose(record, index)) == expected[call], f"{case}: {call}"


def first(case, function):
    return next(record for record, _ in records(case) if record.job.function == function)


def test_a_timeout_names_the_line_it_was_running_from_the_stack_the_worker_dumped():
    record = first("timed_out", "build_model")
    assert "line 7 (while True:)" in diagnose(record, 0).called
    without_dump = JobRecord(record.job, record.reply, record.answers, record.source, dumped="")
    assert "It was running" not in diagnose(without_dump, 0).called


def test_a_line_that_is_no_answer_is_malformed_and_a_lost_backend_is_the_kata_s_fault():
    record = first("returns_values", "make_dataset")
    garbage = '{"call": 0, "seconds": 0.1, "output": "", "notes": [], "value": {"type": 5}}\n'
    forged = JobRecord(record.job, record.reply, read_answers(garbage, len(record.job.calls)), record.source)
    assert diagnose(forged, 0).cause == "many_to_many.make_dataset.malformed_answer"
    lost = JobRecord(record.job, JobEnded(record.job.id, lost=True), read_answers("", 3), record.source)
    assert "fault of the kata" in diagnose(lost, 1).called


def test_a_layer_table_is_shown_once_then_pointed_to():
    table = Table("your layers beside the expected ones for build_model(5)", "  #  layer ...")
    feedback = Feedback("x.layers", "x.build_model(5) has layers Dense.", "Dense", "LSTM", "why", "change",
                        details=table)
    assert feedback.text().endswith("  #  layer ...")
    assert feedback.text({table}).endswith("(your layers beside the expected ones for build_model(5): "
                                           "see the table above)")


"""kata.notebook's report as HTML: every learner string escaped, no JavaScript, the first failure in
full and the rest folded, the score, the hint. Built from results records: no run, no kernel."""
from kata.notebook import Progress, Report
from kata.results_model import Results

EVIL = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def results(*checks):
    tests = [{"name": f"tests/test_many_to_many.py::test_{name}", "exercise": "many_to_many", "task_id": 3,
              "status": status, "message": message, "output": output, "score": int(status == "pass"),
              "max_score": 1, "cause": cause, "file": None, "line": None}
             for name, status, message, output, cause in checks]
    score = sum(t["score"] for t in tests)
    return Results.parse({"version": 3, "status": "pass" if score == len(tests) else "fail", "message": None,
                          "score": score, "max_score": len(tests), "tests": tests})


def failing_report():
    return Report("many_to_many", results(
        ("shapes", "pass", None, None, None),
        ("layers", "fail", f"got {EVIL}\n  change: wrap it", f"printed {EVIL}", "many_to_many.dense_not_time_distributed"),
        ("training", "fail", f"second {EVIL}", None, "many_to_many.training"),
        ("more", "fail", "third", None, None),
    ), text=f"..F terminal {EVIL}", hint=f"Next: many_to_many\n  Hint 2 of 4: {EVIL}")


def test_every_learner_string_is_escaped_and_no_script_is_left():
    page = failing_report()._repr_html_()
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "javascript" not in page.lower()
    refused = Report("many_to_many", refused=f"build_model uses `{EVIL}`, a dict")._repr_html_()
    assert "<script" not in refused.lower() and "&lt;script&gt;" in refused
    broken = Report("many_to_many", text=EVIL, error=EVIL)._repr_html_()
    assert "<script" not in broken.lower()


def test_the_first_failure_in_full_the_rest_folded_the_score_and_the_hint():
    page = failing_report()._repr_html_()
    details = page.index("<details")
    assert page.index("change: wrap it") < details                     # the first failing check, in full
    assert page.index("many_to_many.dense_not_time_distributed") < details
    assert "2 more failing checks" in page and page.index("second") > details and page.index("third") > details
    assert "1 / 4 checks" in page and "(1 of 4 points)" in page
    assert "Hint 2 of 4:" in page
    assert "style=" in page and "<style" not in page and "class=" not in page     # inline styles only


def test_the_plain_text_form_is_the_run_s_text():
    report = failing_report()
    assert str(report) == repr(report) == f"..F terminal {EVIL}"
    assert str(Report("one_to_one", refused="x is y")) == "one_to_one: not graded. x is y"


def test_progress_of_the_exercises_checked():
    table = Progress({"many_to_many": failing_report()})
    assert "many_to_many" in str(table) and "1 / 4" in str(table) and "in progress" in str(table)
    assert "<script" not in table._repr_html_()
    assert "No exercise checked yet" in str(Progress({}))

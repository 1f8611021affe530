"""The class report in a real browser: headless Chromium (the OS package) renders the page of a
synthetic class of 50 to a PNG that is not blank, and a copy of the page with one injected script
measures its layout: nothing wider than the window, no SVG label outside its chart.

The report itself has no script; only the measured copy does. Skipped, with the reason, where no
Chromium is installed (apt-get install -y chromium).
"""
import json
import random
import re
import shutil
import struct
import subprocess
import zlib
from html import unescape

import pytest

from instructor.class_report import main

WIDTH, HEIGHT = 1280, 4000
CHROMIUM = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium to render the page: apt-get install -y chromium")

EXERCISES = {"one_to_one": 1, "many_to_one": 2, "many_to_many": 3, "parameters": 4, "one_to_many": 5, "encoder_decoder": 6}
# Misconceptions a class makes, as the kata names them, each with a message shaped like the kata's.
MISTAKES = {
    "many_to_many": [("many_to_many.dense_not_time_distributed",
                      "many_to_many.build_model(5) has layers LSTM -> Dense.\n  got:      LSTM -> Dense\n"
                      "  expected: LSTM -> TimeDistributed(Dense)\n  change:   wrap it as TimeDistributed(Dense(1)).\n"
                      "       #  layer                      output shape  params  return_sequences\n"
                      "    >  2  Dense(1)                   (None, 5, 1)  6       -                 yours\n"
                      "          TimeDistributed(Dense(1))  (None, 5, 1)  6       -                 expected"),
                     ("many_to_many.build_model.timed_out", "timed out: build_model(5) in exercises/many_to_many.py "
                      "did not return within the time limit (60 s); every check that calls build_model() fails the same way.")],
    "parameters": [("parameters.caret_for_power", "parameters.lstm_parameters(5, 1) returned 5 ^ 2 = 7: in Python ^ is "
                    "the bitwise exclusive or; a power is **. " + "The formula is 4 * (units * (units + features) + units). " * 3)],
    "many_to_one": [("many_to_one.hard_coded_length", "many_to_one.make_dataset(length=8) returned 5 timesteps: the length "
                     "is hard-coded; use the length argument.")],
    "one_to_one": [("one_to_one.swapped_axes", "one_to_one.make_dataset() returned X of shape (1, 5, 1), expected (5, 1, 1): "
                    "samples and timesteps are swapped.")],
    "one_to_many": [("one_to_many.repeat_vector_missing", "one_to_many.build_model() has no RepeatVector: " + "x" * 150)],
    "encoder_decoder": [("encoder_decoder.decoder_not_returning_sequences", "the decoder LSTM has return_sequences=False.")],
}


def check_names(exercise, count=29):
    """Check names as long as the kata's, one of them far longer."""
    names = [f"test_{exercise}_check_{n}_returns_what_the_exercise_asks_for" for n in range(count)]
    names[3] = f"test_{exercise}_" + "a_check_with_an_unusually_long_name_" * 4
    return [f"tests/test_{exercise}.py::{name}" for name in names]


def entry(exercise, name, status, message=None, cause=None, points=1):
    return {"name": name, "exercise": exercise, "task_id": EXERCISES[exercise], "status": status, "message": message,
            "output": None, "score": points if status == "pass" else 0, "max_score": points, "cause": cause,
            "file": None, "line": None}


def results_of(number, rng):
    """One student's results dict, as the gradebook writes it: some solved, some not started or
    missing, misconceptions, one empty folder, one run stopped at the time limit."""
    run = {"version": 3, "implementation": "exercises/", "seed": 0, "time_limit": 60.0, "python": "3.11.7",
           "tensorflow": "2.21.0", "keras": "3.15.1", "platform": "linux", "workers": "fork", "sandbox": "class",
           "fingerprint": {"sha256": "cb53eb19760debfa1ad9324c97b1a7d58fa07a1d6ce27b702dda8fbd0641ad1c", "files": {}},
           "seconds": round(rng.uniform(8, 40), 1), "message": None}
    if number == 7:
        return {"version": 3, "status": "error", "message": "the submission is an empty folder", "score": 0,
                "max_score": None, "tests": [], "seconds": 0.1}
    tests = []
    for exercise in EXERCISES:
        late = list(EXERCISES).index(exercise) >= 3
        cause, message = rng.choice(MISTAKES[exercise]) if rng.random() < 0.3 else (None, None)   # a misconception
        failing = set(rng.sample(range(29), 8))        # ... fails some checks, the first two most often
        for place, name in enumerate(check_names(exercise)):
            if number % 10 == 0:
                tests.append(entry(exercise, name, "fail", "not started", f"{exercise}.build_model.not_started"))
            elif number % 10 == 1 and late:
                tests.append(entry(exercise, name, "fail", "missing file", f"{exercise}.make_dataset.missing_file"))
            elif number == 13 and late:
                tests.append(entry(exercise, name, "error", "not graded: grading stopped before this check", "kata.not_reached"))
            elif cause and (place in failing or place < 2):
                tests.append(entry(exercise, name, "fail", message, cause))
            else:
                tests.append(entry(exercise, name, "pass"))
    status = "pass" if all(test["status"] == "pass" for test in tests) else "fail"
    if number == 13:
        status, run["message"], run["seconds"] = "error", "timed out after 300 s: look for a loop that never ends", 300.4
    return {**run, "status": status, "tests": tests, "score": sum(t["score"] for t in tests),
            "max_score": sum(t["max_score"] for t in tests)}


def write_class(out, students=50):
    """OUT/results/<student>.json for a class of students, names of every shape among them."""
    rng = random.Random(17)
    names = [f"student-{n:02d}" for n in range(students)]
    names[5] = "<b>Hostile</b> & \"quoted\""
    names[9] = "a-name-without-any-space-that-is-far-longer-than-a-table-cell-usually-is-" * 2
    names[11] = "Zoë Ñúñez-Østergård 李小龍"
    (out / "results").mkdir(parents=True)
    for number, name in enumerate(names):
        results = results_of(number, rng)
        (out / "results" / f"{name.replace('/', '_')}.json").write_text(json.dumps(results))


MEASURE = """<script>
const width = document.documentElement.clientWidth, problems = [];
for (const element of document.querySelectorAll("body *")) {
  const box = element.getBoundingClientRect();
  const where = element.closest("section") ? element.closest("section").querySelector("h2").textContent : "the top";
  if (box.right > width + 0.5 && !element.closest("svg"))
    problems.push(element.tagName + " ends at " + Math.round(box.right) + " px in " + where);
}
for (const label of document.querySelectorAll("svg text")) {
  const box = label.getBBox(), view = label.ownerSVGElement.viewBox.baseVal;
  if (box.x < -0.5 || box.x + box.width > view.width + 0.5) problems.push("svg label cut: " + label.textContent);
}
document.title = JSON.stringify({scrollWidth: document.documentElement.scrollWidth, problems: [...new Set(problems)]});
</script>"""


def chromium(*arguments, timeout=120):
    """Headless Chromium at the window's size; its stdout. The Debian launcher's own chatter goes to stderr."""
    run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                          f"--window-size={WIDTH},{HEIGHT}", *arguments], capture_output=True, text=True, timeout=timeout)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def png_rows(path):
    """(width, height, the distinct decompressed scanlines) of a PNG: a blank page has one or two."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, place = [], 8
    while place < len(data):
        length, kind = struct.unpack(">I4s", data[place:place + 8])
        chunks.append((kind, data[place + 8:place + 8 + length]))
        place += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = 1 + width * {2: 3, 6: 4}[colour] * depth // 8
    return width, height, {pixels[row * stride:(row + 1) * stride] for row in range(height)}


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("class50")
    write_class(out)
    main([str(out)])
    return out / "class_report.html"


@pytest.mark.timeout(300)
def test_the_page_renders_in_chromium_to_a_screenshot_that_is_not_blank(page):
    shot = page.with_name("class_report.png")
    chromium(f"--screenshot={shot}", page.as_uri())
    width, height, rows = png_rows(shot)
    assert (width, height) == (WIDTH, HEIGHT)
    assert len(rows) > 500, f"only {len(rows)} distinct pixel rows: the page looks blank"


@pytest.mark.timeout(300)
def test_nothing_is_wider_than_the_window_and_no_chart_label_is_cut(page):
    """Measured in a copy of the page with a script added (the report has none)."""
    html = page.read_text()
    assert "<script" not in html
    measured = page.with_name("measured.html")
    measured.write_text(html.replace("</body>", MEASURE + "</body>"))
    dom = chromium("--dump-dom", measured.as_uri())
    layout = json.loads(unescape(re.search(r"<title>(.*?)</title>", dom, re.S).group(1)))
    assert layout["scrollWidth"] <= WIDTH and layout["problems"] == [], layout


def test_the_class_of_50_is_counted_whole(page):
    """Every exercise's counts add up to the 50 in the first line, the empty folder included."""
    html = page.read_text()
    assert "50 students:" in html
    part = html.split("Not started, missing, not graded", 1)[1].split("</table>", 1)[0]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", part) if "<td" in row]
    assert len(rows) == len(EXERCISES) and all(sum(map(int, row[1:5])) == int(row[5]) == 50 for row in rows)

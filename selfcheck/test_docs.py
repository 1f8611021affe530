"""The docs say what the code does: each count or limit that README.md or docs/*.md quotes is read from
the code here and the sentence quoting it must say that value; every relative link resolves.

Fast and light: no TensorFlow, no subprocess. The modules that import TensorFlow (kata/plugin.py,
kata/worker.py, kata/training.py) are read, not imported: their constants are evaluated from their source."""
import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MB, GB = 2**20, 2**30


@cache
def constants(path):
    """{name: value} of path's top-level assignments whose value is made of literals and earlier ones."""
    values = {}
    for node in ast.parse((ROOT / path).read_text()).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            try:
                value = eval(compile(ast.Expression(node.value), path, "eval"), {"__builtins__": {}}, dict(values))
            except Exception:
                continue
            values.update({t.id: value for t in targets if isinstance(t, ast.Name)})
    return values


def constant(path, name):
    assert name in constants(path), f"{path} no longer sets {name}: say here where the figure comes from"
    return constants(path)[name]


def option_default(path, option):
    """The default= of the parser.add_argument(option, ...) call in path (a name resolved as a constant)."""
    for node in ast.walk(ast.parse((ROOT / path).read_text())):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument" and node.args
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == option):
            default = next(k.value for k in node.keywords if k.arg == "default")
            return default.value if isinstance(default, ast.Constant) else constant(path, default.id)
    raise AssertionError(f"{path} has no option {option}")


def text(doc):
    """The doc's text, whitespace collapsed, so that a sentence may be wrapped anywhere."""
    return " ".join((ROOT / doc).read_text().split())


def number(value):
    """1500 -> '1,500', 150000 -> '150,000', 20.0 -> '20'."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def words(n):
    return {5: "five"}.get(n, str(n))


PLUGIN, GRADESCOPE = "kata/settings.py", "instructor/gradescope.py"
GRADEBOOK, COPYING, GRADING = "instructor/gradebook/cli.py", "instructor/gradebook/copying.py", "instructor/gradebook/grading.py"


def attacks():
    from selfcheck.attacks import ATTACKS        # the standard library only
    return len(ATTACKS)


def catalogue():
    from selfcheck import test_mistakes as m     # reads catalogue.toml and the folders, no grading
    return {"mistakes": len(m.CATALOGUE), "sourced": sum("source" in e for e in m.CATALOGUE.values()),
            "fixes": len(m.FIXES), "variants": len(m.VARIANT_FOLDERS), "modules": len(m.VARIANT_RUNS),
            "runs": m.graded_runs()}


def python_versions():
    """The first and last Python of the platforms workflow's matrix."""
    matrix = re.search(r"python: \[(.*?)\]", (ROOT / ".github/workflows/platforms.yml").read_text()).group(1)
    versions = [v.strip(' "\'') for v in matrix.split(",")]
    return versions[0], versions[-1]


# (doc, what the figure is, the sentence, a function giving its values from the code). The sentence is a
# format string of those values.
FIGURES = [
    # the per-call time limits: kata/settings.py
    ("README.md", "the learner's time limit", "A call that runs past {} s",
     lambda: [constant(PLUGIN, "LEARNER_TIME_LIMIT")]),
    ("docs/instructors.md", "the time limits", "Each call of the learner's code has a time limit: {} s in a "
     "learner's run, {} s with `--grade`", lambda: [constant(PLUGIN, "LEARNER_TIME_LIMIT"), constant(PLUGIN, "GRADING_TIME_LIMIT")]),
    ("docs/instructors.md", "the time limits, in --time-limit's comment", "(default {}, or {} with --grade)",
     lambda: [constant(PLUGIN, "LEARNER_TIME_LIMIT"), constant(PLUGIN, "GRADING_TIME_LIMIT")]),
    ("docs/threat-model.md", "the time limits", "(`--time-limit`, {} s in a learner's run, {} s with `--grade`)",
     lambda: [constant(PLUGIN, "LEARNER_TIME_LIMIT"), constant(PLUGIN, "GRADING_TIME_LIMIT")]),
    ("docs/instructors.md", "the learner's time limit, per platform", "an endless loop stopped after {} s",
     lambda: [constant(PLUGIN, "LEARNER_TIME_LIMIT")]),
    ("docs/contributing.md", "the learner's time limit, in the self-check", "an endless loop stopped within {} s",
     lambda: [constant(PLUGIN, "LEARNER_TIME_LIMIT")]),
    # the gradebook's options and limits: instructor/gradebook/
    ("docs/instructors.md", "the gradebook's defaults", "[--deadline {}] [--time-limit {}] [--jobs N] [--kata-seed {}] "
     "[--max-output-mb {}]", lambda: [number(option_default(GRADEBOOK, o)) for o in
                                      ("--deadline", "--time-limit", "--kata-seed", "--max-output-mb")]),
    ("docs/instructors.md", "the gradebook's time limit, and CI's", "`--time-limit` each call of a student's code "
     "(default {} s, as on a learner's machine;", lambda: [number(option_default(GRADEBOOK, "--time-limit"))]),
    ("docs/instructors.md", "CI's time limit", "`tox -e grade` in CI allows {} s.",
     lambda: [constant(PLUGIN, "GRADING_TIME_LIMIT")]),
    ("docs/instructors.md", "the copy limits", "so is a submission above {} MB or {} files.",
     lambda: [number(constant(COPYING, "MAX_COPY_BYTES") / MB), number(constant(COPYING, "MAX_COPY_FILES"))]),
    ("docs/instructors.md", "the scheduler's connect timeout", "A scheduler that does not answer within {} s",
     lambda: [constant("instructor/gradebook/cluster.py", "CONNECT_TIMEOUT")]),
    ("docs/instructors.md", "the copy limits, on a cluster", "with the local pool's rules (links, special files, {} MB)",
     lambda: [number(constant(COPYING, "MAX_COPY_BYTES") / MB)]),
    ("docs/threat-model.md", "a grading process's memory", "caps each grading process at {} GB of data (`GRADER_MEMORY`)",
     lambda: [number(constant(GRADING, "GRADER_MEMORY") / GB)]),
    # the box: kata/settings.py's LIMITS, kata/namespaces.py
    ("docs/threat-model.md", "the box's limits", "CPU time, {} GB private memory, {} processes, {} MB per file, "
     "{} MB in all", lambda: [number(constant(PLUGIN, "LIMITS")["memory_bytes"] / GB), constant(PLUGIN, "LIMITS")["processes"],
                              number(constant(PLUGIN, "LIMITS")["file_bytes"] / MB),
                              number(constant(PLUGIN, "LIMITS")["disk_bytes"] / MB)]),
    ("docs/threat-model.md", "the box's /dev/shm", "(a tmpfs of at most {} MB,",
     lambda: [number(constant("kata/namespaces.py", "SHM_BYTES") / MB)]),
    # what a model may be, and training's budget: kata/worker.py, kata/training.py
    ("docs/threat-model.md", "the largest model", "(more than a {} is \"too large\"",
     lambda: [{1_000_000: "million"}.get(constant("kata/worker.py", "LARGEST_MODEL"), "?")]),
    ("docs/threat-model.md", "training's budget", "over {} multiply-adds",
     lambda: [number(constant("kata/training.py", "COST_LIMIT"))]),
    ("docs/threat-model.md", "training's time", "the clock read between them, up to {} s; a recurrent layer over "
     "more than {} timesteps is not unrolled", lambda: [number(constant("kata/training.py", "TIME_BUDGET")),
                                                        constant("kata/training.py", "UNROLLED_UP_TO")]),
    ("docs/contributing.md", "the training recipe", "`tf.while_loop` of {} Adam steps at a learning rate of {}",
     lambda: [constant("kata/training.py", "STEPS"), number(constant("kata/training.py", "LEARNING_RATE"))]),
    ("docs/instructors.md", "the training check's tolerance", "against a tolerance of {})",
     lambda: [number(constant("kata/training.py", "TOLERANCE"))]),
    # what a learner is shown: kata/report.py, kata/results.py, kata/ci_report.py
    ("README.md", "failures shown in full", "each exercise shows at most {} failures in full",
     lambda: [words(constant("kata/report.py", "SHOWN_PER_EXERCISE"))]),
    ("README.md", "a call's own output", "cut after {} characters",
     lambda: [number(constant("kata/report.py", "OUTPUT_SHOWN"))]),
    ("docs/results-format.md", "results.json's output", "At most {} characters, then `{}`",
     lambda: [constant("kata/results.py", "OUTPUT_LIMIT"), constant("kata/results.py", "TRUNCATED").strip()]),
    ("README.md", "CI's annotations", "(GitHub: at most {}, the exercise you are working on first)",
     lambda: [constant("kata/ci_report.py", "MAX_ERRORS")]),
    ("docs/instructors.md", "CI's annotations", "GitHub shows at most {} error annotations a step",
     lambda: [constant("kata/ci_report.py", "MAX_ERRORS")]),
    # Gradescope: instructor/gradescope.py
    ("docs/instructors.md", "the autograder's deadline", "[--deadline {}]", lambda: [number(constant(GRADESCOPE, "DEADLINE"))]),
    ("docs/instructors.md", "the autograder's deadline", "`--deadline` (default {} s)",
     lambda: [number(constant(GRADESCOPE, "DEADLINE"))]),
    ("docs/instructors.md", "the autograder's memory", "(at least {} GB)",
     lambda: [number(constant(GRADESCOPE, "NEEDED_MEMORY") / GB)]),
    ("docs/instructors.md", "the autograder's memory watch", "stops the grading at {} % of the container's limit",
     lambda: [number(constant(GRADESCOPE, "WATCH_SHARE") * 100)]),
    # the attack suite and the mistakes catalogue: selfcheck/attacks.py, selfcheck/mistakes/
    ("docs/threat-model.md", "the attack suite", "runs the attack suite (`selfcheck/attacks.py`): {} attacks",
     lambda: [attacks()]),
    ("docs/contributing.md", "the attack suite", "the attack suite: {} attacks on the grader", lambda: [attacks()]),
    ("docs/contributing.md", "the catalogue", "holds {mistakes} realistic learner mistakes", lambda: catalogue()),
    ("docs/contributing.md", "the catalogue", "{sourced} of them taken from public code", lambda: catalogue()),
    ("docs/contributing.md", "the catalogue", "{fixes} of them have a mechanical `fix`", lambda: catalogue()),
    ("docs/contributing.md", "the variants", "holds {variants} correct solutions in other styles ({modules} modules)",
     lambda: catalogue()),
    ("docs/contributing.md", "the catalogue's runs", "({runs} graded runs", lambda: catalogue()),
    # the Pythons: .github/workflows/platforms.yml
    ("README.md", "the Pythons", "You need Python {} to {} on Linux, macOS or Windows", python_versions),
]


@pytest.mark.parametrize("doc, figure, sentence, values", FIGURES, ids=[f"{d}: {f}" for d, f, _, _ in FIGURES])
def test_the_doc_quotes_the_code(doc, figure, sentence, values):
    got = values()
    said = sentence.format(**got) if isinstance(got, dict) else sentence.format(*got)
    assert said in text(doc), f"{doc} should say {said!r} ({figure}, from the code)"


def test_every_figure_names_a_doc_that_exists():
    assert {doc for doc, *_ in FIGURES} == {d.relative_to(ROOT).as_posix() for d in DOCS}


def without_code(markdown):
    """The markdown less its fenced code blocks and inline code: no heading or link is read from them."""
    markdown = re.sub(r"(?ms)^```.*?^```", "", markdown)
    return re.sub(r"`[^`\n]*`", "", markdown)


def anchors(path):
    """GitHub's anchors for path's headings: lower case, punctuation but - and _ dropped, spaces to -."""
    seen, found = {}, set()
    for heading in re.findall(r"(?m)^#{1,6} +(.+?) *#*$", re.sub(r"(?ms)^```.*?^```", "", path.read_text())):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return found


def links(path):
    markdown = without_code(path.read_text())
    inline = re.findall(r"\]\(([^)\s]+)\)", markdown)
    defined = dict(re.findall(r"(?m)^\[([^\]]+)\]: +(\S+)", markdown))
    used = re.findall(r"\]\[([^\]]+)\]", markdown)
    assert not [ref for ref in used if ref not in defined], f"{path.name}: a reference link with no definition"
    return [link for link in inline + list(defined.values()) if "://" not in link and not link.startswith("mailto:")]


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(doc):
    broken = []
    for link in links(doc):
        target, _, anchor = link.partition("#")
        path = (doc.parent / target).resolve() if target else doc
        if not path.exists() or (anchor and (path.suffix != ".md" or anchor not in anchors(path))):
            broken.append(link)
    assert not broken, f"{doc.name}: {broken}"


def test_the_readme_links_every_doc():
    linked = {(ROOT / link.partition("#")[0]).resolve() for link in links(ROOT / "README.md")}
    assert set(DOCS[1:]) <= linked, "a file of docs/ that the README does not link"

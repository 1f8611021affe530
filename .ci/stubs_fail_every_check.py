"""The untouched stubs must fail every graded check: read the junit XML of a run on exercises/,
print how many checks ran and passed, and exit 1 if none ran or any passed.

A file and not an inline script so that .ci/run and .github/workflows/platforms.yml share one
check that runs the same on Linux, macOS and Windows (stdlib only: it runs before .venv exists).

    python .ci/stubs_fail_every_check.py stubs.xml
"""
import sys
import xml.etree.ElementTree as ET

NOT_A_PASS = ("failure", "error", "skipped")


def main(path):
    try:
        cases = list(ET.parse(path).iter("testcase"))
    except (OSError, ET.ParseError) as error:      # the run ended before pytest wrote its report
        print(f"stubs: no junit XML to read ({error})")
        return 1
    passed = [case.get("name") for case in cases if not any(child.tag in NOT_A_PASS for child in case)]
    print(f"stubs: {len(cases)} checks, {len(passed)} passed")
    for name in passed:
        print(f"  passed on the stubs: {name}")
    return 1 if not cases or passed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))

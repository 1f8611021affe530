"""The kata's grader: a pytest plugin that grades a folder of learner code without ever running that
code in its own process. See docs/contributing.md's layout table for one module's job each."""

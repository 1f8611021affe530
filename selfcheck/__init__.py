"""The grader's own tests (the self-check: tox -e selfcheck) and their fixtures: the mistakes
catalogue (mistakes/), correct variants (variants/) and the simulated platforms (platforms/). The
fast unit tests of the pure parts, without TensorFlow, are in unit/."""

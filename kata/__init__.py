"""Helpers for the graded tests: loading a learner's folder, describing models, training, feedback."""

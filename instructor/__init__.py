"""The instructor's tools (the grader's own tests are in selfcheck/)."""

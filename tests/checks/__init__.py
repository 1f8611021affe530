"""The graded checks, written once. Each tests/test_<exercise>.py imports them and names its EXERCISE."""

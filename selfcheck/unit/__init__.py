"""Fast unit tests of the grader's pure parts: no TensorFlow, no subprocess, seconds in all
(pytest selfcheck/unit). Their conftest fails the run if TensorFlow or Keras was imported."""

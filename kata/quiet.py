"""Import TensorFlow and Keras without their start-up noise, after checking they can be used.

TensorFlow's C++ logger writes straight to file descriptor 2 before it reads
TF_CPP_MIN_LOG_LEVEL, so the variable alone does not silence it: we point the
descriptor at /dev/null for the import and the first operation.
"""
import contextlib
import importlib.metadata
import importlib.util
import logging
import os
import sys
import warnings

SUPPORTED_PYTHONS = ((3, 9), (3, 13))  # what TensorFlow 2.16 to 2.21 publish wheels for
SETUP = f"{'py' if os.name == 'nt' else 'python3'} run.py  (it makes .venv and installs requirements.txt)"


@contextlib.contextmanager
def stderr_descriptor_silenced():
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def installed(name):
    """True if the module can be imported here, without importing it (the grader imports TensorFlow
    later, once its spawned workers have started to import theirs)."""
    if name in sys.modules:
        return sys.modules[name] is not None
    return importlib.util.find_spec(name) is not None


def keras_version():
    if sys.modules.get("keras") is not None:
        return sys.modules["keras"].__version__
    try:
        return importlib.metadata.version("keras")
    except importlib.metadata.PackageNotFoundError:
        return None


def preflight_problem():
    """One sentence and its fix when TensorFlow with Keras 3 cannot be used here, else None."""
    if os.environ.get("TF_USE_LEGACY_KERAS", "").lower() in ("1", "true", "yes"):
        return ("TF_USE_LEGACY_KERAS is set, which makes TensorFlow use Keras 2 (tf_keras); "
                "this kata is written for Keras 3.\nFix: unset TF_USE_LEGACY_KERAS and run again.")
    low, high = SUPPORTED_PYTHONS
    version = sys.version_info[:2]
    for name in ("numpy", "tensorflow", "keras"):
        if not installed(name):
            if not low <= version <= high:
                return (f"{name} is not installed, and TensorFlow has no release for Python "
                        f"{version[0]}.{version[1]}.\nFix: use Python {low[0]}.{low[1]} to "
                        f"{high[0]}.{high[1]}, then run: {SETUP}")
            return f"{name} is not installed in this Python ({sys.executable}).\nFix: run {SETUP}"
    keras = keras_version()
    if keras is None or int(keras.split(".")[0]) < 3:
        return (f"Keras {keras} is active; this kata needs Keras 3 "
                "(TensorFlow 2.16 or newer).\nFix: pip install -U 'tensorflow>=2.16' 'keras>=3'")
    return None


def quiet_environment():
    """TensorFlow's settings for the kata, before it is imported (workers inherit them)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")   # oneDNN's kernels can vary in the last digits


def preflight_or_exit():
    """Stop with one message and its fix, no traceback, when TensorFlow with Keras 3 cannot run here."""
    quiet_environment()
    with stderr_descriptor_silenced():
        problem = preflight_problem()
    if problem:
        import pytest        # here only: the fork server imports this module and never pytest
        sys.stderr.write(f"ERROR: {problem}\n")
        raise SystemExit(pytest.ExitCode.USAGE_ERROR)


def import_tensorflow():
    """Import TensorFlow and Keras without their log lines (after preflight_or_exit), running no op:
    a process that has run a TensorFlow op must not fork (see kata/forkserver.py)."""
    with stderr_descriptor_silenced():
        import keras
        import numpy.random   # noqa: F401  every worker's first set_random_seed imports it: once here instead
        import tensorflow as tf
        # One thread: these models are tiny, so it is faster, and with several threads the order
        # of float sums (and so the last digits of a prediction) can vary from run to run.
        if tf.config.threading.get_intra_op_parallelism_threads() != 1:   # once: a second session of
            tf.config.threading.set_intra_op_parallelism_threads(1)      # this process (watch mode's
            tf.config.threading.set_inter_op_parallelism_threads(1)      # rounds) may not set it again
    quiet_loggers(tf, keras)
    return tf, keras


def first_op_quietly():
    """Run a first TensorFlow op with file descriptor 2 silenced: the first one logs too."""
    import tensorflow as tf
    with stderr_descriptor_silenced():
        tf.constant(0.0) + 1.0


def quiet_loggers(tf, keras):
    tf.get_logger().setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    keras.utils.disable_interactive_logging()
    warnings.filterwarnings("ignore", module=r"keras(\.|$)")
    warnings.filterwarnings("ignore", module=r"tensorflow(\.|$)")

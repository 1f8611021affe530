"""The environment a worker runs in: the grader's, less everything but what Python, TensorFlow and
Keras need. The grader's environment may hold an instructor's tokens, CI's variables or a session
bus's address; none of them is the learner's code's business.

Pure Python, for every OS: the box applies it to os.environ (kata/sandbox.py), and whatever starts
a worker process passes it as env= (the fork server, the spawned workers, the gradebook's grading
processes), so that a worker's /proc/self/environ, its environment as it was started, is clean too.
"""
ENVIRONMENT = frozenset({
    'PATH', 'HOME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TERM', 'NO_COLOR',
    'PYTHONPATH',      # where the grader's Python was told to find modules (the platform simulations' too)
    'PYTHONHASHSEED', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING', 'PYTHONUTF8', 'PYTHONUNBUFFERED',
    'TF_CPP_MIN_LOG_LEVEL', 'TF_ENABLE_ONEDNN_OPTS', 'TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS',
    'KERAS_BACKEND', 'KERAS_HOME', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS',
    'CUDA_VISIBLE_DEVICES',
    'SYSTEMROOT', 'WINDIR', 'TEMP', 'TMP', 'USERPROFILE', 'PATHEXT',  # Windows: Python needs SYSTEMROOT to start
})


def clean_environment(environ) -> dict:
    """The variables of `environ` that a worker keeps: those named in ENVIRONMENT, and LC_*."""
    return {name: value for name, value in environ.items() if name in ENVIRONMENT or name.startswith('LC_')}

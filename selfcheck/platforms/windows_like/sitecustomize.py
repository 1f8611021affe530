"""Windows, simulated on Linux for the self-check: this Python lacks what Windows lacks and the
learner's path might reach for (put this folder first on PYTHONPATH; every child inherits it):
fork and pidfd_open, sessions and process groups, pread, SIGALRM and its timers, and POSIX-only
modules (an import of one raises ImportError, as it would there). `resource` stays: psutil's Linux
backend needs it, where its Windows backend does not, and the kata's process trees go through psutil."""
import os
import signal
import sys

for name in ("fork", "forkpty", "pidfd_open", "setsid", "killpg", "getpgid", "pread"):
    if hasattr(os, name):
        delattr(os, name)
for name in ("setitimer", "SIGALRM", "ITIMER_REAL"):
    if hasattr(signal, name):
        delattr(signal, name)
for name in ("fcntl", "termios", "pwd", "grp"):
    if name not in sys.modules:
        sys.modules[name] = None

"""Windows, simulated on Linux for the self-check: this Python lacks what Windows lacks and the
learner's path might reach for (put this folder first on PYTHONPATH; every child inherits it)."""
import os
import signal

for name in ("fork", "forkpty", "pidfd_open", "setsid", "killpg", "getpgid", "pread"):
    if hasattr(os, name):
        delattr(os, name)
for name in ("setitimer", "SIGALRM", "ITIMER_REAL"):
    if hasattr(signal, name):
        delattr(signal, name)

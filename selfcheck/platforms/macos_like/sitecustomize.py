"""macOS, simulated on Linux for the self-check: there is no os.pidfd_open (put this folder first on
PYTHONPATH; every child inherits it). os.fork exists, but forking after TensorFlow's import hangs
there, so the kata must not use it: auto chooses the spawned workers."""
import os

if hasattr(os, "pidfd_open"):
    del os.pidfd_open

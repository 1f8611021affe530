"""What a fresh, single-threaded Python may do here, for kata/sandbox.py's enforceable(): unshare the
box's namespaces and mount a /proc of its own (a process that has started threads cannot make a user
namespace, and the caller may have: so this runs in its own Python), and install a seccomp filter.

    python -I -S kata/box_probe.py

prints two lines: 'proc' (namespaces and a private /proc), 'ns' (namespaces only) or why not; then
'seccomp' or why not. Run by its path: -I leaves the kata off sys.path, so it is put there below."""
import contextlib
import os
import sys
from pathlib import Path


def namespaces():
    from kata.namespaces import BOX_NAMESPACES, private_proc
    from kata.syscalls import Clone, unshare
    try:
        unshare(BOX_NAMESPACES | Clone.NEWNET)
    except OSError as error:
        return error.strerror
    uid = os.geteuid()
    for path, text in (('/proc/self/setgroups', 'deny'), ('/proc/self/uid_map', f'{uid} {uid} 1')):
        with contextlib.suppress(OSError):      # refused to root in some containers: the namespaces are made all the same
            with open(path, 'w') as file:
                file.write(text)
    pid = os.fork()
    if pid == 0:
        with contextlib.suppress(OSError):
            private_proc()
            os._exit(0)
        os._exit(1)
    return 'proc' if os.waitpid(pid, 0)[1] == 0 else 'ns'


def seccomp():
    from kata import seccomp
    try:
        seccomp.install(seccomp.ALLOW_ALL)
    except OSError as error:
        return error.strerror
    return 'seccomp'


if __name__ == '__main__':
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    print(namespaces())
    print(seccomp())

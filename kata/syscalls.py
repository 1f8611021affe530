"""The Linux system calls the box makes, through ctypes: their numbers and flags named once, each
call raising OSError (with errno) when it fails. Where there is no C library to load (Windows),
every call raises OSError: the callers enforce what they can (kata/sandbox.py's enter)."""
import ctypes
import enum
import errno
import os

try:
    LIBC = ctypes.CDLL(None, use_errno=True)
except Exception:                   # no POSIX C library here
    LIBC = None
MACHINE = os.uname().machine if hasattr(os, 'uname') else ''


class Number(enum.IntEnum):
    """System call numbers called by number (x86_64 and arm64 share these)."""
    LANDLOCK_CREATE_RULESET = 444
    LANDLOCK_ADD_RULE = 445
    LANDLOCK_RESTRICT_SELF = 446


class Clone(enum.IntFlag):
    """unshare(2)'s namespaces."""
    NEWNS = 0x00020000
    NEWIPC = 0x08000000
    NEWUSER = 0x10000000
    NEWPID = 0x20000000
    NEWNET = 0x40000000


class Mount(enum.IntFlag):
    """mount(2)'s flags."""
    NOSUID = 2
    NODEV = 4
    NOEXEC = 8
    BIND = 4096
    REC = 16384
    PRIVATE = 1 << 18


class Prctl(enum.IntEnum):
    """prctl(2)'s options."""
    SET_PDEATHSIG = 1
    SET_DUMPABLE = 4
    SET_SECCOMP = 22
    SET_CHILD_SUBREAPER = 36
    SET_NO_NEW_PRIVS = 38


SECCOMP_MODE_FILTER = 2
CAPABILITY_VERSION_3 = 0x20080522        # _LINUX_CAPABILITY_VERSION_3: 64-bit sets, in two words


def check(result):
    """result, unless it is -1: then the OSError of errno."""
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def libc_call(name, *args):
    """The C library's function name called with args, checked."""
    if LIBC is None:
        raise OSError(errno.ENOSYS, f'no C library here for {name}')
    return check(getattr(LIBC, name)(*args))


def syscall(number, *args):
    return libc_call('syscall', Number(number), *args)


def prctl(option, *args):
    """prctl(option, args...), the unused arguments 0."""
    return libc_call('prctl', Prctl(option), *(list(args) + [0] * 4)[:4])


def unshare(flags):
    return libc_call('unshare', Clone(flags))


def mount(source, target, fstype, flags, data=None):
    return libc_call('mount', *(None if a is None else a.encode() for a in (source, target, fstype)),
                     ctypes.c_ulong(flags), None if data is None else data.encode())


def no_new_privs():
    """This process and all it starts may gain no privilege (setuid, file capabilities): Landlock
    and seccomp filters need it."""
    prctl(Prctl.SET_NO_NEW_PRIVS, 1)


def drop_capabilities():
    """Every capability of this process, in its user namespace, dropped."""
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)      # this process
    data = (ctypes.c_uint32 * 6)()
    libc_call('capset', header, data)

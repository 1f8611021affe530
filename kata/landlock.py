"""Landlock through its three system calls: the access rights as flags, the kernel's ABI version,
and a Ruleset that handles some rights, allows them beneath some paths, and restricts this thread
and all it starts, irreversibly:

    with Ruleset(abi, handled_fs=..., handled_net=..., scoped=...) as rules:
        rules.allow(path, AccessFs.READ_FILE | ...).allow(...)
        rules.apply()

What the box allows is kata/sandbox.py's; why ctypes and not the PyPI `landlock` package is said there."""
import ctypes
import enum
import os

from .syscalls import Number, no_new_privs, syscall


# LANDLOCK_ACCESS_FS_*, in the kernel's order: the n-th is bit n. REFER came with ABI 2, TRUNCATE with 3,
# IOCTL_DEV with 5 (SINCE below); the others with ABI 1.
FS_RIGHTS = ('EXECUTE', 'WRITE_FILE', 'READ_FILE', 'READ_DIR', 'REMOVE_DIR', 'REMOVE_FILE', 'MAKE_CHAR', 'MAKE_DIR',
             'MAKE_REG', 'MAKE_SOCK', 'MAKE_FIFO', 'MAKE_BLOCK', 'MAKE_SYM', 'REFER', 'TRUNCATE', 'IOCTL_DEV')
AccessFs = enum.IntFlag('AccessFs', {name: 1 << bit for bit, name in enumerate(FS_RIGHTS)}, module=__name__)


class AccessNet(enum.IntFlag):     # ABI 4
    BIND_TCP = 1
    CONNECT_TCP = 2


class Scope(enum.IntFlag):         # ABI 6
    ABSTRACT_UNIX_SOCKET = 1
    SIGNAL = 2


READ = AccessFs.EXECUTE | AccessFs.READ_FILE | AccessFs.READ_DIR
FILE_ONLY = AccessFs.EXECUTE | AccessFs.WRITE_FILE | AccessFs.READ_FILE | AccessFs.TRUNCATE | AccessFs.IOCTL_DEV
#           the rights a rule on a file (not a folder) may hold
SINCE = {AccessFs.REFER: 2, AccessFs.TRUNCATE: 3, AccessFs.IOCTL_DEV: 5}   # rights newer than ABI 1
CREATE_RULESET_VERSION = 1         # landlock_create_ruleset's flag: return the ABI version
RULE_PATH_BENEATH = 1


class _RulesetAttr(ctypes.Structure):
    _fields_ = [('handled_access_fs', ctypes.c_uint64), ('handled_access_net', ctypes.c_uint64),
                ('scoped', ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [('allowed_access', ctypes.c_uint64), ('parent_fd', ctypes.c_int32)]


def abi() -> int:
    """The kernel's Landlock ABI version, 0 when there is none (old kernel, disabled, not Linux)."""
    try:
        return syscall(Number.LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0


def fs_rights(version) -> AccessFs:
    """Every file system right Landlock ABI `version` knows."""
    return AccessFs(sum(right for right in AccessFs if SINCE.get(right, 1) <= version))


class Ruleset:
    """A Landlock ruleset of ABI `version`: the rights it handles are denied but where a rule allows them."""

    def __init__(self, version, handled_fs, handled_net=AccessNet(0), scoped=Scope(0)):
        self.handled_fs = AccessFs(handled_fs)
        attr = _RulesetAttr(self.handled_fs, handled_net, scoped)
        size = 8 if version < 4 else 16 if version < 6 else 24      # the fields this ABI's kernel reads
        self.fd = syscall(Number.LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))

    def allow(self, path, rights):
        """Allow rights (less those not handled, and on a file those only a folder may have) beneath
        path; a path this system does not have is passed over."""
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return self
        try:
            rights = AccessFs(rights) & (self.handled_fs if os.path.isdir(f'/proc/self/fd/{fd}') else self.handled_fs & FILE_ONLY)
            rule = _PathBeneath(rights, fd)
            syscall(Number.LANDLOCK_ADD_RULE, self.fd, RULE_PATH_BENEATH, ctypes.byref(rule), ctypes.c_uint32(0))
        finally:
            os.close(fd)
        return self

    def apply(self):
        """Restrict this thread (the only one, after fork) and all it will start, irreversibly."""
        no_new_privs()
        syscall(Number.LANDLOCK_RESTRICT_SELF, self.fd, ctypes.c_uint32(0))

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

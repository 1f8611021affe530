"""The box's seccomp filter: a BPF program, as data, that refuses some system calls, and its
installation. What it refuses and why is `program`'s docstring; the numbers differ per architecture."""
import ctypes
import enum
import errno

from .syscalls import MACHINE, SECCOMP_MODE_FILTER, Prctl, no_new_privs, prctl

# The system calls the filter refuses differ per architecture: (AUDIT_ARCH_*, their numbers).
ARCHITECTURES = {
    'x86_64': (0xc000003e, {'socket': 41, 'setsid': 112, 'add_key': 248, 'request_key': 249,
                            'keyctl': 250, 'io_uring_setup': 425}),
    'aarch64': (0xc00000b7, {'socket': 198, 'setsid': 157, 'add_key': 217, 'request_key': 218,
                             'keyctl': 219, 'io_uring_setup': 425}),
}
REFUSED = ('setsid', 'add_key', 'request_key', 'keyctl', 'io_uring_setup')    # EPERM, whatever the arguments
X32 = 0x40000000                                          # x32 system call numbers on x86_64
AF_UNIX = 1


class Op(enum.IntEnum):
    LOAD = 0x20              # BPF_LD | BPF_W | BPF_ABS
    JUMP_EQ = 0x15           # BPF_JMP | BPF_JEQ | BPF_K
    JUMP_GE = 0x35           # BPF_JMP | BPF_JGE | BPF_K
    RETURN = 0x06            # BPF_RET | BPF_K


class Verdict(enum.IntEnum):  # SECCOMP_RET_*
    ALLOW = 0x7fff0000
    ERRNO = 0x00050000


class Field(enum.IntEnum):    # offsets in struct seccomp_data
    NR = 0
    ARCH = 4
    ARG0 = 16                 # the first argument's low half (little-endian)


class _SockFilter(ctypes.Structure):
    _fields_ = [('code', ctypes.c_uint16), ('jt', ctypes.c_uint8), ('jf', ctypes.c_uint8), ('k', ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.POINTER(_SockFilter))]


def supported():
    """Whether the filter knows this machine's system call numbers."""
    return MACHINE in ARCHITECTURES


def program(arch, numbers):
    """BPF instructions (code, jump if true, jump if false, k): refuse socket(AF_UNIX, ...) with
    EACCES (a pathname socket outside the box is out of Landlock's reach; socketpair() stays), the
    keyring (add_key, request_key, keyctl), setsid (a session of its own is an autogroup, a CPU
    share, of its own), io_uring (its operations open and connect sockets without socket()), and
    every system call of an ABI whose numbers these are not (i386's int 0x80, x32)."""
    refuse = lambda err: (Op.RETURN, 0, 0, Verdict.ERRNO | err)
    instructions = [(Op.LOAD, 0, 0, Field.ARCH), (Op.JUMP_EQ, 1, 0, arch), refuse(errno.EPERM), (Op.LOAD, 0, 0, Field.NR)]
    if arch == ARCHITECTURES['x86_64'][0]:
        instructions += [(Op.JUMP_GE, 0, 1, X32), refuse(errno.EPERM)]
    for name in REFUSED:
        instructions += [(Op.JUMP_EQ, 0, 1, numbers[name]), refuse(errno.EPERM)]
    return instructions + [(Op.JUMP_EQ, 0, 3, numbers['socket']), (Op.LOAD, 0, 0, Field.ARG0),
                           (Op.JUMP_EQ, 0, 1, AF_UNIX), refuse(errno.EACCES), (Op.RETURN, 0, 0, Verdict.ALLOW)]


def install(instructions):
    """The filter of these instructions on this process and all it will start, irreversibly."""
    compiled = (_SockFilter * len(instructions))(*instructions)
    no_new_privs()
    prctl(Prctl.SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(_SockFprog(len(compiled), compiled)))


def install_for_this_machine():
    """The box's filter, for this machine's architecture."""
    install(program(*ARCHITECTURES[MACHINE]))


ALLOW_ALL = [(Op.RETURN, 0, 0, Verdict.ALLOW)]      # a filter that refuses nothing: whether filters can be installed

"""The box a grading worker enters before it imports a learner's code.

Everything here is enforced by the Linux kernel, not by Python: Landlock (file system, TCP,
signals, abstract unix sockets), namespaces (user, network, PID, mount, IPC: no interfaces, other
processes invisible, no memory shared with anyone, nothing left behind), a seccomp filter (no unix
socket, no keyring, no session of its own: one CPU share per worker) and rlimits (CPU, memory,
threads, file size, cores). Of the environment, only the variables of an allow-list stay.
`enter()` is best effort on purpose: on a platform that lacks a part it enforces the rest and
`enforceable()` says, in one sentence each, what is missing and why.

Why ctypes and not the PyPI `landlock` package: the three Landlock system calls take two small
structs, the package is not in this project's requirements, and its supported ABI lags the
kernel's (scopes, ABI 6, are what keep signals inside the box).
"""
import contextlib
import ctypes
import errno
import functools
import os
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass

from .environment import clean_environment

PARTS = ('write', 'read', 'network', 'signals', 'processes', 'memory', 'cpu', 'file size', 'disk',
         'leftover processes', 'ipc', 'unix sockets', 'keyring', 'cpu share', 'environment')

# What the last enter() in this process actually put in force (for logs and for the tests).
applied: dict = {}


@dataclass(frozen=True)
class Box:
    writable: tuple          # folders the boxed code may write (and read); all else read-only or hidden
    readable: tuple | None   # None: the whole file system may be read; a tuple: only these trees
    #                          (plus the Python installation and what TensorFlow reads at run time)
    network: bool = False
    cpu_seconds: int | None = None
    memory_bytes: int | None = None  # RLIMIT_DATA: private memory (heap, anonymous maps, stacks)
    processes: int | None = None     # live processes + threads of the box (RLIMIT_NPROC)
    file_bytes: int | None = None    # largest file it may write (RLIMIT_FSIZE)
    disk_bytes: int | None = None    # total it may write into `writable` (a size-capped tmpfs)
    hidden: tuple = ()               # with readable: packages of the Python's site-packages it may
    #                                  not read ('keras', 'tensorflow': the parameters exercise)


# ---------------------------------------------------------------- Linux system calls (x86_64 + arm64 share these numbers)

_libc = ctypes.CDLL(None, use_errno=True)
_SYS = {'landlock_create_ruleset': 444, 'landlock_add_rule': 445, 'landlock_restrict_self': 446}
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x10000000, 0x20000000, 0x40000000
CLONE_NEWIPC = 0x08000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS = 1, 4, 22, 38
SECCOMP_MODE_FILTER = 2

# The system calls the seccomp filter refuses differ per architecture: (AUDIT_ARCH_*, their numbers).
SECCOMP_ARCH = {
    'x86_64': (0xc000003e, {'socket': 41, 'setsid': 112, 'add_key': 248, 'request_key': 249,
                            'keyctl': 250, 'io_uring_setup': 425}),
    'aarch64': (0xc00000b7, {'socket': 198, 'setsid': 157, 'add_key': 217, 'request_key': 218,
                             'keyctl': 219, 'io_uring_setup': 425}),
}
MACHINE = os.uname().machine if hasattr(os, 'uname') else ''


def _check(result):
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def _syscall(name, *args):
    return _check(_libc.syscall(_SYS[name], *args))


# ---------------------------------------------------------------- Landlock

class _RulesetAttr(ctypes.Structure):
    _fields_ = [('handled_access_fs', ctypes.c_uint64), ('handled_access_net', ctypes.c_uint64),
                ('scoped', ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [('allowed_access', ctypes.c_uint64), ('parent_fd', ctypes.c_int32)]


EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1, 2, 4, 8
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = (
    1 << n for n in range(4, 13))
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15          # ABI 2, 3, 5
READ = EXECUTE | READ_FILE | READ_DIR
FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # rights a rule on a file may hold
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2                              # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2                   # ABI 6


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when there is none (old kernel, disabled, not Linux)."""
    try:
        return _syscall('landlock_create_ruleset', None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    except (OSError, AttributeError):
        return 0


def _fs_rights(abi):
    rights = (1 << 13) - 1
    for version, right in ((2, REFER), (3, TRUNCATE), (5, IOCTL_DEV)):
        rights |= right if abi >= version else 0
    return rights


# Read at run time, beyond the Python installation: building, training and saving a Keras LSTM
# under strace with nothing else readable fails only on /dev/urandom (TensorFlow's
# std::random_device aborts without it). The others are what a lazily loaded library reads
# (the loader's cache, the CPU count); none of them holds anything of the grader's. The system's
# libraries are for a worker that starts a fresh Python inside the box (kata/worker.py's
# run_forked_job): the dynamic loader and libc, wherever the Python was built.
RUNTIME_READABLE = ('/dev/urandom', '/dev/random', '/etc/ld.so.cache', '/sys/devices/system/cpu',
                    '/lib', '/lib64', '/usr/lib', '/usr/lib64')
RUNTIME_WRITABLE = ('/dev/null',)


def _runtime_paths():
    """The Python installation and virtualenv this process runs from: the box must read them.
    Found at import, while sysconfig can still read its files."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.__file__),
             os.path.dirname(os.path.realpath(sys.executable))}
    try:
        paths.update(p for key, p in sysconfig.get_paths().items()
                     if key in ('stdlib', 'platstdlib', 'purelib', 'platlib'))
    except Exception:
        pass
    return tuple(sorted(paths))


RUNTIME_PATHS = _runtime_paths()
SITE_PACKAGES = tuple(sorted({os.path.realpath(p) for key, p in sysconfig.get_paths().items()
                              if key in ('purelib', 'platlib')}))


def _python_rules(hidden):
    """READ rules for the Python installation; with `hidden`, its site-packages folders may be
    listed but the packages whose names start with one of `hidden` not read: every other entry
    gets a rule of its own, and every folder on the way down to site-packages is walked the same way."""
    if not hidden:
        return [(p, READ) for p in RUNTIME_PATHS]

    def on_the_way(real):
        return any(site == real or site.startswith(real + os.sep) for site in SITE_PACKAGES)

    def walk(top):
        real = os.path.realpath(top)
        if real in SITE_PACKAGES:
            return [(real, READ_DIR)] + [(os.path.join(real, name), READ) for name in os.listdir(real)
                                         if not name.lower().startswith(hidden)]
        if not on_the_way(real):
            return [(real, READ)]
        rules = [(real, READ_DIR)]
        for name in os.listdir(real):
            path = os.path.join(real, name)
            if not (os.path.islink(path) and on_the_way(os.path.realpath(path))):   # a link's target is walked as itself
                rules += walk(path)
        return rules
    return [rule for top in RUNTIME_PATHS if os.path.exists(top) for rule in walk(top)]


def _landlock(box, abi, own_proc, own_writable=()):
    """Restrict this thread (the only one, after fork) and all it will start, irreversibly."""
    fs = _fs_rights(abi)
    if box.readable is None:
        fs &= ~(READ | IOCTL_DEV)        # reads stay as they are; only writes are handled (denied)
    attr = _RulesetAttr(fs, 0 if box.network or abi < 4 else NET_BIND_TCP | NET_CONNECT_TCP,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = _syscall('landlock_create_ruleset', ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    try:
        rules = [(p, fs) for p in tuple(box.writable) + RUNTIME_WRITABLE + tuple(own_writable)]
        if box.readable is not None:
            rules += [(p, READ) for p in tuple(box.readable) + RUNTIME_READABLE + (own_proc,)]
            rules += _python_rules(tuple(box.hidden))
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue                  # a runtime path this system does not have
            try:
                rights &= fs if os.path.isdir(f'/proc/self/fd/{fd}') else fs & FILE_ONLY
                rule = _PathBeneath(rights, fd)
                _syscall('landlock_add_rule', ruleset, 1, ctypes.byref(rule), ctypes.c_uint32(0))
            finally:
                os.close(fd)
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        _syscall('landlock_restrict_self', ruleset, ctypes.c_uint32(0))
    finally:
        os.close(ruleset)


# ---------------------------------------------------------------- seccomp

class _SockFilter(ctypes.Structure):
    _fields_ = [('code', ctypes.c_uint16), ('jt', ctypes.c_uint8), ('jf', ctypes.c_uint8), ('k', ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.POINTER(_SockFilter))]


LOAD, JUMP_EQ, JUMP_GE, RETURN = 0x20, 0x15, 0x35, 0x06   # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K
ALLOW, ERRNO = 0x7fff0000, 0x00050000                     # SECCOMP_RET_*
NR, ARCH, ARG0 = 0, 4, 16                                 # struct seccomp_data; ARG0: its low half (little-endian)
X32 = 0x40000000                                          # x32 system call numbers on x86_64
AF_UNIX = 1


def _seccomp_program(arch, numbers):
    """BPF instructions (code, jump if true, jump if false, k): refuse socket(AF_UNIX, ...) with
    EACCES (a pathname socket outside the box is out of Landlock's reach; socketpair() stays), the
    keyring (add_key, request_key, keyctl), setsid (a session of its own is an autogroup, a CPU
    share, of its own), io_uring (its operations open and connect sockets without socket()), and
    every system call of an ABI whose numbers these are not (i386's int 0x80, x32)."""
    refuse = lambda err: (RETURN, 0, 0, ERRNO | err)
    program = [(LOAD, 0, 0, ARCH), (JUMP_EQ, 1, 0, arch), refuse(errno.EPERM), (LOAD, 0, 0, NR)]
    if arch == SECCOMP_ARCH['x86_64'][0]:
        program += [(JUMP_GE, 0, 1, X32), refuse(errno.EPERM)]
    for name in ('setsid', 'add_key', 'request_key', 'keyctl', 'io_uring_setup'):
        program += [(JUMP_EQ, 0, 1, numbers[name]), refuse(errno.EPERM)]
    return program + [(JUMP_EQ, 0, 3, numbers['socket']), (LOAD, 0, 0, ARG0),
                      (JUMP_EQ, 0, 1, AF_UNIX), refuse(errno.EACCES), (RETURN, 0, 0, ALLOW)]


def _seccomp():
    """Install the filter on this process and all it will start, irreversibly."""
    arch, numbers = SECCOMP_ARCH[MACHINE]
    instructions = _seccomp_program(arch, numbers)
    program = (_SockFilter * len(instructions))(*instructions)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(_SockFprog(len(program), program)), 0, 0))


# ---------------------------------------------------------------- namespaces

def _write(path, text):
    with open(path, 'w') as f:
        f.write(text)


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(*(None if a is None else a.encode() for a in (source, target, fstype)),
                       ctypes.c_ulong(flags), None if data is None else data.encode()))


def _unshare(box):
    """New user, mount, PID and IPC (and, without network, network) namespaces, this uid mapped to itself.

    The user namespace is what lets an ordinary user create the others; mapping the uid to itself
    (not to root) keeps file ownership as it is. It also makes RLIMIT_NPROC count this box's
    processes only (Linux >= 5.14 counts rlimits per user namespace), not every process of the uid.
    The IPC namespace holds the box's SysV shared memory, semaphores and message queues: no one
    else sees them, and they go when the box ends.
    """
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | (0 if box.network else CLONE_NEWNET)
    _check(_libc.unshare(flags))


def _map_ids(uid, gid):
    _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))   # a setuid() before us made /proc/self root's
    _write('/proc/self/setgroups', 'deny')
    _write('/proc/self/uid_map', f'{uid} {uid} 1')
    _write('/proc/self/gid_map', f'{gid} {gid} 1')
    _mount(None, '/', None, MS_REC | MS_PRIVATE)


def _disk(box):
    """One tmpfs of disk_bytes holds every writable folder: it starts as a copy of them and is
    copied back by the outer process when the box ends (deletions are not copied back).
    Returns [(folder, descriptor of the real folder underneath, its folder on the tmpfs)]."""
    top = box.writable[0]
    real = [(w, os.open(w, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)) for w in box.writable]
    _mount('tmpfs', top, 'tmpfs', MS_NOSUID | MS_NODEV, f'size={box.disk_bytes},mode=0700')
    staged = []
    for i, (w, fd) in enumerate(real):
        inner = os.path.join(top, f'.box{i}')
        shutil.copytree(f'/proc/self/fd/{fd}', inner, symlinks=True)
        staged.append((w, fd, inner))
    for w, fd, inner in reversed(staged):   # the first folder last: it holds the others' sources
        _mount(inner, w, None, MS_BIND)
    return staged


SHM_BYTES = 64 << 20


def _private_shm(box):
    """A /dev/shm of the box alone (POSIX shared memory, semaphores), at most SHM_BYTES (or
    disk_bytes): like the IPC namespace, it goes when the box ends. Returns its size."""
    if any(f'{os.path.realpath(w)}/'.startswith('/dev/shm/') for w in box.writable) or not os.path.isdir('/dev/shm'):
        return None                       # it would hide a writable folder
    size = min(SHM_BYTES, box.disk_bytes or SHM_BYTES)
    _mount('tmpfs', '/dev/shm', 'tmpfs', MS_NOSUID | MS_NODEV, f'size={size},mode=1777')
    return size


GRADER_FILE = re.compile(r'call\d+(_\d+)?\.(npy|keras|json)')   # kata/worker.py's describe(): call{i}, call{i}_{j}


def _copy_back(staged, largest):
    """Only what the grader reads: regular files named GRADER_FILE directly in a writable folder,
    each at most `largest` bytes; never the whole tmpfs."""
    for w, fd, _ in staged:
        with contextlib.suppress(OSError):
            for entry in os.scandir(w):
                if GRADER_FILE.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        _copy_file(entry.path, entry.name, fd, largest)


def _copy_file(path, name, folder_fd, largest):
    with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), 'rb') as source:
        size = os.fstat(source.fileno()).st_size
        if largest is not None and size > largest:
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
        with open(os.open(name, flags, 0o644, dir_fd=folder_fd), 'wb') as target:
            shutil.copyfileobj(source, target)


def _become_pid1(staged, largest):
    """Fork: the child, PID 1 of the new PID namespace, returns the pipe on which to report the boxed
    process's status; this process (the caller's pid) waits, copies back the tmpfs if any, and exits
    as the boxed process did (or dies of its signal). When PID 1 ends the kernel kills every
    process of the namespace: nothing the box started outlives it."""
    alive_r, alive_w = os.pipe()
    status_r, status_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(alive_w)
        os.close(status_r)
        _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0))  # if the outer process is killed
        if select.select([alive_r], [], [], 0)[0]:                      # ... even before this line
            os._exit(1)
        os.close(alive_r)
        return status_w
    os.close(alive_r)
    os.close(status_w)
    code = 1
    try:                                 # whatever happens here, this process must not return
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda s, _frame: os.kill(pid, signal.SIGKILL))
        _, status = os.waitpid(pid, 0)
        reported = os.read(status_r, 32)
        _copy_back(staged, largest)
        code = os.waitstatus_to_exitcode(int(reported) if reported else status)
        if code < 0:                     # killed by signal -code: die of it too
            with contextlib.suppress(OSError, ValueError):
                signal.signal(-code, signal.SIG_DFL)
            os.kill(os.getpid(), -code)
    finally:
        os._exit(code if code >= 0 else 128 - code)


def _fork_boxed(status_w):
    """PID 1 ignores every signal it has no handler for (SIGXCPU, SIGTERM, ...) and inherits every
    orphan: so the boxed code runs as PID 2, and PID 1 only reaps, then reports its status."""
    worker = os.fork()
    if worker == 0:
        os.close(status_w)
        return
    try:
        while True:
            pid, status = os.wait()
            if pid == worker:
                os.write(status_w, str(status).encode())
                break
    finally:
        os._exit(0)


def _private_proc():
    """A /proc of the new PID namespace, in a mount namespace of the box alone."""
    _check(_libc.unshare(CLONE_NEWNS))
    _mount('proc', '/proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _drop_capabilities():
    """The box got every capability inside its user namespace; it needs none of them now."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)      # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    _check(_libc.capset(header, data))


# ---------------------------------------------------------------- rlimits

def _rlimits(box):
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_CPU, box.cpu_seconds),
              (resource.RLIMIT_DATA, box.memory_bytes), (resource.RLIMIT_NPROC, box.processes),
              (resource.RLIMIT_FSIZE, box.file_bytes)]
    for which, value in limits:
        if value is not None:
            hard = value + 1 if which == resource.RLIMIT_CPU else value  # SIGXCPU first, SIGKILL a second later
            resource.setrlimit(which, (value, hard))


# ---------------------------------------------------------------- the two entry points

def enter(box: Box) -> None:
    """Box the calling process, irreversibly. Call it in a freshly forked, single-threaded worker.

    With namespaces (Linux with user namespaces) this forks once more: the caller's pid becomes a
    plain waiter that exits with the boxed child's exit status (or dies of its signal), and the
    code after enter() runs in a grandchild, PID 2 of a new PID namespace whose PID 1 only reaps
    (os.getpid() == 2, os.getppid() == 1). Treat the exit status of the worker you forked as the boxed code's.
    Never raises: what this platform cannot enforce is skipped (see enforceable() and `applied`).
    """
    applied.clear()
    errors = applied.setdefault('errors', [])
    try:
        uid, gid = os.geteuid(), os.getegid()
        _unshare(box)
    except Exception as e:               # nothing changed: carry on without namespaces
        errors.append(f'namespaces: {e}')
    else:                                # the next fork starts the PID namespace: it must be ours
        applied['namespaces'] = 'user mount pid ipc' + ('' if box.network else ' net')
        staged = []
        try:
            _map_ids(uid, gid)
            if box.disk_bytes is not None and box.writable:
                staged = _disk(box)
                applied['disk'] = box.disk_bytes
            if shm := _private_shm(box):
                applied['shm'] = shm
        except Exception as e:
            errors.append(f'namespaces: {e}')
        try:
            status_w = _become_pid1(staged, box.file_bytes)
            _private_proc()
            applied['proc'] = 'private'
            _drop_capabilities()
            _fork_boxed(status_w)
        except Exception as e:
            errors.append(f'namespaces: {e}')
    try:
        _rlimits(box)
        applied['rlimits'] = True
    except Exception as e:
        errors.append(f'rlimits: {e}')
    abi = landlock_abi()
    try:
        if abi:
            own_proc = '/proc' if applied.get('proc') else f'/proc/{os.getpid()}'
            _landlock(box, abi, own_proc, ('/dev/shm',) if applied.get('shm') else ())
            applied['landlock'] = abi
    except Exception as e:               # never raise: enforce what can be enforced
        errors.append(f'landlock: {e}')
    try:
        if MACHINE in SECCOMP_ARCH:
            _seccomp()
            applied['seccomp'] = MACHINE
    except Exception as e:
        errors.append(f'seccomp: {e}')
    environment = clean_environment(os.environ)
    os.environ.clear()
    os.environ.update(environment)
    if box.writable:                     # tempfile.* inside the box lands where it may write
        os.environ['TMPDIR'] = str(box.writable[0])
        tempfile.tempdir = None
    if not errors:
        del applied['errors']


_PROBE = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
ok = libc.unshare(0x10000000 | 0x00020000 | 0x20000000 | 0x40000000 | 0x08000000) == 0
if ok:
    uid = os.geteuid()
    open('/proc/self/setgroups', 'w').write('deny')
    open('/proc/self/uid_map', 'w').write(f'{uid} {uid} 1')
    pid = os.fork()
    if pid == 0:
        libc.unshare(0x00020000)
        os._exit(0 if libc.mount(b'proc', b'/proc', b'proc', ctypes.c_ulong(14), None) == 0 else 1)
    print('proc' if os.waitpid(pid, 0)[1] == 0 else 'ns')
else:
    print(os.strerror(ctypes.get_errno()))
allow = (ctypes.c_uint64 * 1)(0x7fff0000 << 32 | 6)     # one BPF instruction: return ALLOW
program = (ctypes.c_uint64 * 2)(1, ctypes.addressof(allow))
ok = libc.prctl(38, 1, 0, 0, 0) == 0 and libc.prctl(22, 2, program, 0, 0) == 0
print('seccomp' if ok else os.strerror(ctypes.get_errno()))
"""


@functools.cache
def enforceable() -> dict:
    """Each part of a Box -> None if this platform enforces it, else one sentence why not."""
    if not sys.platform.startswith('linux'):
        why = f'{sys.platform} has neither Landlock nor Linux namespaces; the box is not enforced there.'
        return dict.fromkeys(PARTS, why)
    abi = landlock_abi()
    probe = subprocess.run([sys.executable, '-I', '-S', '-c', _PROBE], capture_output=True, text=True)
    ns, filters = (probe.stdout.splitlines() + ['failed', 'failed'])[:2]
    nons = None if ns in ('ns', 'proc') else f'user namespaces are not available here ({ns}), so'
    no_landlock = 'this kernel has no Landlock' if not abi else None
    root = os.geteuid() == 0
    no_seccomp = (f'seccomp filters are not available here ({filters})' if filters != 'seccomp' else
                  None if MACHINE in SECCOMP_ARCH else f'the box has no seccomp filter for {MACHINE}')
    autogroup = _read('/proc/sys/kernel/sched_autogroup_enabled')
    if autogroup != '1':
        cpu_share = (f'sched_autogroup_enabled is {autogroup or "missing"} here: the processes of a box '
                     'share the CPU with every other process one by one, not as one share per worker.')
    else:
        cpu_share = no_seccomp and f'{no_seccomp}: a process of the box may call setsid and so take a CPU share of its own.'
    return {
        'write': no_landlock and f'{no_landlock}: the box may write wherever the user may.',
        'read': no_landlock and f'{no_landlock}: the box may read whatever the user may.',
        'network': None if nons is None or abi >= 4 else
        'neither a network namespace nor Landlock TCP rules (ABI 4) are available.',
        'signals': None if abi >= 6 or nons is None else
        f'Landlock ABI {abi} has no signal scope (ABI 6) and there is no PID namespace.',
        'processes': ('as root, RLIMIT_NPROC is never enforced (the kernel exempts uid 0): run the grader '
                      'as an ordinary user.') if root else
        None if nons is None else f'{nons} RLIMIT_NPROC counts every process of this uid, not only the box.',
        'memory': None,
        'cpu': None,
        'file size': None,
        'disk': None if ns == 'proc' or ns == 'ns' else f'{nons} no size-capped tmpfs can be mounted.',
        'leftover processes': None if nons is None else f'{nons} there is no PID namespace to end them all.',
        'ipc': None if nons is None else f'{nons} SysV shared memory and /dev/shm are shared with every box.',
        'unix sockets': no_seccomp and f'{no_seccomp}: the box may connect to any unix socket it can reach by path.',
        'keyring': no_seccomp and f'{no_seccomp}: the box may read the keys of the session keyring it inherits.',
        'cpu share': cpu_share,
        'environment': None,
    }


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None

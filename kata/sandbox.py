"""The box a grading worker enters before it imports a learner's code.

Everything here is enforced by the Linux kernel, not by Python: Landlock (file system, TCP,
signals, abstract unix sockets), namespaces (user, network, PID, mount, IPC: no interfaces, other
processes invisible, no memory shared with anyone, nothing left behind), a seccomp filter (no unix
socket, no keyring, no session of its own: one CPU share per worker) and rlimits (CPU, memory,
threads, file size, cores). Of the environment, only the variables of an allow-list stay.
`enter()` is best effort on purpose: on a platform that lacks a part it enforces the rest and
`enforceable()` says, in one sentence each, what is missing and why.

This module holds the rules: what the box allows (Box, the Python installation's paths) and the
order in which enter() puts each part in force. The mechanisms are modules of their own: the system
calls (kata/syscalls.py), Landlock (kata/landlock.py), the seccomp filter (kata/seccomp.py), the
namespaces (kata/namespaces.py), and the probe enforceable() runs (kata/box_probe.py).

Why ctypes and not the PyPI `landlock` package: the three Landlock system calls take two small
structs, the package is not in this project's requirements, and its supported ABI lags the
kernel's (scopes, ABI 6, are what keep signals inside the box).
"""
import functools
import os
import resource
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import namespaces, seccomp
from .environment import clean_environment
from .landlock import READ, AccessFs, AccessNet, Ruleset, Scope, fs_rights
from .landlock import abi as landlock_abi
from .syscalls import MACHINE, drop_capabilities

PARTS = ('write', 'read', 'network', 'signals', 'processes', 'memory', 'cpu', 'file size', 'disk',
         'leftover processes', 'ipc', 'unix sockets', 'keyring', 'cpu share', 'environment')


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


@dataclass
class Applied:
    """What one enter() put in force, part by part (for logs and for the tests), and why a part did not."""
    namespaces: str = None           # 'user mount pid ipc net', say
    disk: int = None                 # the tmpfs's bytes
    shm: int = None                  # the box's own /dev/shm's bytes
    proc: str = None                 # 'private': a /proc of the box's PID namespace
    rlimits: bool = False
    landlock: int = 0                # the Landlock ABI in force
    seccomp: str = None              # the machine whose filter is in force
    errors: list = field(default_factory=list)


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
            return [(real, AccessFs.READ_DIR)] + [(os.path.join(real, name), READ) for name in os.listdir(real)
                                         if not name.lower().startswith(hidden)]
        if not on_the_way(real):
            return [(real, READ)]
        rules = [(real, AccessFs.READ_DIR)]
        for name in os.listdir(real):
            path = os.path.join(real, name)
            if not (os.path.islink(path) and on_the_way(os.path.realpath(path))):   # a link's target is walked as itself
                rules += walk(path)
        return rules
    return [rule for top in RUNTIME_PATHS if os.path.exists(top) for rule in walk(top)]


def landlock(box, abi, own_proc, own_writable=()):
    """Restrict this thread (the only one, after fork) and all it will start, irreversibly: writes
    only in the box's writable folders; with readable, reads only there, in the Python installation
    and what it reads at run time; no TCP without network; no signal nor abstract unix socket out."""
    fs = fs_rights(abi)
    if box.readable is None:
        fs &= ~(READ | AccessFs.IOCTL_DEV)        # reads stay as they are; only writes are handled (denied)
    net = AccessNet(0) if box.network or abi < 4 else AccessNet.BIND_TCP | AccessNet.CONNECT_TCP
    scoped = Scope.ABSTRACT_UNIX_SOCKET | Scope.SIGNAL if abi >= 6 else Scope(0)
    with Ruleset(abi, fs, net, scoped) as ruleset:
        for path in tuple(box.writable) + RUNTIME_WRITABLE + tuple(own_writable):
            ruleset.allow(path, fs)
        if box.readable is not None:
            for path in tuple(box.readable) + RUNTIME_READABLE + (own_proc,):
                ruleset.allow(path, READ)
            for path, rights in _python_rules(tuple(box.hidden)):
                ruleset.allow(path, rights)
        ruleset.apply()


def _rlimits(box):
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_CPU, box.cpu_seconds),
              (resource.RLIMIT_DATA, box.memory_bytes), (resource.RLIMIT_NPROC, box.processes),
              (resource.RLIMIT_FSIZE, box.file_bytes)]
    for which, value in limits:
        if value is not None:
            hard = value + 1 if which == resource.RLIMIT_CPU else value  # SIGXCPU first, SIGKILL a second later
            resource.setrlimit(which, (value, hard))


# ---------------------------------------------------------------- the two entry points

def enter(box: Box) -> Applied:
    """Box the calling process, irreversibly. Call it in a freshly forked, single-threaded worker.

    With namespaces (Linux with user namespaces) this forks once more: the caller's pid becomes a
    plain waiter that exits with the boxed child's exit status (or dies of its signal), and the
    code after enter() runs in a grandchild, PID 2 of a new PID namespace whose PID 1 only reaps
    (os.getpid() == 2, os.getppid() == 1). Treat the exit status of the worker you forked as the boxed code's.
    Never raises: what this platform cannot enforce is skipped (see enforceable()); the record
    returned says what was put in force.
    """
    applied = Applied()
    errors = applied.errors
    try:
        uid, gid = os.geteuid(), os.getegid()
        applied.namespaces = namespaces.unshare_box(box.network)
    except Exception as e:               # nothing changed: carry on without namespaces
        errors.append(f'namespaces: {e}')
    else:                                # the next fork starts the PID namespace: it must be ours
        staged = []
        try:
            namespaces.map_ids(uid, gid)
            if box.disk_bytes is not None and box.writable:
                staged = namespaces.disk(box.writable, box.disk_bytes)
                applied.disk = box.disk_bytes
            applied.shm = namespaces.private_shm(box.writable, box.disk_bytes)
        except Exception as e:
            errors.append(f'namespaces: {e}')
        try:
            status_w = namespaces.become_pid1(staged, box.file_bytes)
            namespaces.private_proc()
            applied.proc = 'private'
            drop_capabilities()
            namespaces.fork_boxed(status_w)
        except Exception as e:
            errors.append(f'namespaces: {e}')
    try:
        _rlimits(box)
        applied.rlimits = True
    except Exception as e:
        errors.append(f'rlimits: {e}')
    abi = landlock_abi()
    try:
        if abi:
            own_proc = '/proc' if applied.proc else f'/proc/{os.getpid()}'
            landlock(box, abi, own_proc, ('/dev/shm',) if applied.shm else ())
            applied.landlock = abi
    except Exception as e:               # never raise: enforce what can be enforced
        errors.append(f'landlock: {e}')
    try:
        if seccomp.supported():
            seccomp.install_for_this_machine()
            applied.seccomp = MACHINE
    except Exception as e:
        errors.append(f'seccomp: {e}')
    environment = clean_environment(os.environ)
    os.environ.clear()
    os.environ.update(environment)
    if box.writable:                     # tempfile.* inside the box lands where it may write
        os.environ['TMPDIR'] = str(box.writable[0])
        tempfile.tempdir = None
    return applied


PROBE = Path(__file__).with_name('box_probe.py')


@functools.cache
def enforceable() -> dict:
    """Each part of a Box -> None if this platform enforces it, else one sentence why not."""
    if not sys.platform.startswith('linux'):
        why = f'{sys.platform} has neither Landlock nor Linux namespaces; the box is not enforced there.'
        return dict.fromkeys(PARTS, why)
    abi = landlock_abi()
    probe = subprocess.run([sys.executable, '-I', '-S', str(PROBE)], capture_output=True, text=True)
    ns, filters = (probe.stdout.splitlines() + ['failed', 'failed'])[:2]
    nons = None if ns in ('ns', 'proc') else f'user namespaces are not available here ({ns}), so'
    no_landlock = 'this kernel has no Landlock' if not abi else None
    root = os.geteuid() == 0
    no_seccomp = (f'seccomp filters are not available here ({filters})' if filters != 'seccomp' else
                  None if seccomp.supported() else f'the box has no seccomp filter for {MACHINE}')
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

"""The box's namespaces: new user, mount, PID and IPC (and, without network, network) namespaces; a
size-capped tmpfs holding its writable folders, a /dev/shm of its own, a PID 1 that only reaps, a
/proc of its own, no capabilities left; and, when the box ends, the grader's files copied back
from the tmpfs. Each step raises OSError when the kernel refuses it (kata/sandbox.py's enter
carries on without it)."""
import contextlib
import os
import re
import select
import shutil
import signal

from .syscalls import Clone, Mount, Prctl, mount, prctl, unshare

SHM_BYTES = 64 << 20
GRADER_FILE = re.compile(r'call\d+(_\d+)?\.(npy|keras|json)')   # kata/worker.py's describe(): call{i}, call{i}_{j}
BOX_NAMESPACES = Clone.NEWUSER | Clone.NEWNS | Clone.NEWPID | Clone.NEWIPC      # and NEWNET without network


def _write(path, text):
    with open(path, 'w') as f:
        f.write(text)


def unshare_box(network):
    """New user, mount, PID and IPC (and, without network, network) namespaces.

    The user namespace is what lets an ordinary user create the others; mapping the uid to itself
    (map_ids: not to root) keeps file ownership as it is. It also makes RLIMIT_NPROC count this
    box's processes only (Linux >= 5.14 counts rlimits per user namespace), not every process of the
    uid. The IPC namespace holds the box's SysV shared memory, semaphores and message queues: no
    one else sees them, and they go when the box ends. Returns their names."""
    unshare(BOX_NAMESPACES | (0 if network else Clone.NEWNET))
    return 'user mount pid ipc' + ('' if network else ' net')


def map_ids(uid, gid):
    """uid and gid mapped to themselves in the new user namespace; mounts private from now on."""
    prctl(Prctl.SET_DUMPABLE, 1)   # a setuid() before us made /proc/self root's
    _write('/proc/self/setgroups', 'deny')
    _write('/proc/self/uid_map', f'{uid} {uid} 1')
    _write('/proc/self/gid_map', f'{gid} {gid} 1')
    mount(None, '/', None, Mount.REC | Mount.PRIVATE)


def disk(writable, disk_bytes):
    """One tmpfs of disk_bytes holds every writable folder: it starts as a copy of them and is
    copied back by the outer process when the box ends (deletions are not copied back).
    Returns [(folder, descriptor of the real folder underneath, its folder on the tmpfs)]."""
    top = writable[0]
    real = [(w, os.open(w, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)) for w in writable]
    mount('tmpfs', top, 'tmpfs', Mount.NOSUID | Mount.NODEV, f'size={disk_bytes},mode=0700')
    staged = []
    for i, (w, fd) in enumerate(real):
        inner = os.path.join(top, f'.box{i}')
        shutil.copytree(f'/proc/self/fd/{fd}', inner, symlinks=True)
        staged.append((w, fd, inner))
    for w, fd, inner in reversed(staged):   # the first folder last: it holds the others' sources
        mount(inner, w, None, Mount.BIND)
    return staged


def private_shm(writable, disk_bytes):
    """A /dev/shm of the box alone (POSIX shared memory, semaphores), at most SHM_BYTES (or
    disk_bytes): like the IPC namespace, it goes when the box ends. Returns its size, or None."""
    if any(f'{os.path.realpath(w)}/'.startswith('/dev/shm/') for w in writable) or not os.path.isdir('/dev/shm'):
        return None                       # it would hide a writable folder
    size = min(SHM_BYTES, disk_bytes or SHM_BYTES)
    mount('tmpfs', '/dev/shm', 'tmpfs', Mount.NOSUID | Mount.NODEV, f'size={size},mode=1777')
    return size


def copy_back(staged, largest):
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


def become_pid1(staged, largest):
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
        prctl(Prctl.SET_PDEATHSIG, signal.SIGKILL)                     # if the outer process is killed
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
        copy_back(staged, largest)
        code = os.waitstatus_to_exitcode(int(reported) if reported else status)
        if code < 0:                     # killed by signal -code: die of it too
            with contextlib.suppress(OSError, ValueError):
                signal.signal(-code, signal.SIG_DFL)
            os.kill(os.getpid(), -code)
    finally:
        os._exit(code if code >= 0 else 128 - code)


def fork_boxed(status_w):
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


def private_proc():
    """A /proc of the new PID namespace, in a mount namespace of the box alone."""
    unshare(Clone.NEWNS)
    mount('proc', '/proc', 'proc', Mount.NOSUID | Mount.NODEV | Mount.NOEXEC)


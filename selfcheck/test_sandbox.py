"""kata.sandbox: every "the box forbids X" test runs the same action unboxed as well (its twin must
succeed, so the test can fail), as an ordinary user (uid 65534: we may be root here, and root
passes permission checks an ordinary user fails), and checks the kernel mechanism, not only the
outcome. Each scenario runs in a fresh Python (`CHILD` below) that forks a worker: the pytest
process has imported TensorFlow, and forking it is not safe. Its worker leads a session of its
own, as kata/forkserver.py's does."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kata import environment, namespaces, sandbox

REPO = Path(__file__).resolve().parents[1]
NOBODY = 65534

CHILD = r'''
import ctypes, dataclasses, encodings.idna, errno, getpass, grp, json, mmap, os, pwd, select, signal, socket, sys, time
sys.path.insert(0, sys.argv[1])
cfg = json.loads(sys.argv[2])
if cfg.get('tensorflow'):
    os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'
    import numpy as np, keras, tensorflow                        # imported, no op run: then fork
from kata import sandbox
from kata.syscalls import Prctl, prctl
os.setgroups([]); os.setgid(NOBODY); os.setuid(NOBODY)          # parent and worker: an ordinary user
prctl(Prctl.SET_DUMPABLE, 1)                                   # as if it had never been root
libc = ctypes.CDLL(None, use_errno=True)
MACHINE = os.uname().machine
NUMBERS = {'x86_64': {'add_key': 248, 'request_key': 249, 'keyctl': 250, 'io_uring_setup': 425},
           'aarch64': {'add_key': 217, 'request_key': 218, 'keyctl': 219, 'io_uring_setup': 425}}.get(MACHINE, {})
IPC_CREAT, IPC_RMID, KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_READ, SESSION_KEYRING = 0o1000, 0, 1, 11, -3

def outcome(action):
    try:
        value = action()
        return 'ok' if value is None else value
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))

def write(path, size=5):
    with open(path, 'wb') as f:
        f.write(b'x' * size)

def read(path):
    with open(path, 'rb') as f:
        f.read()

def checked(result):
    if result == -1:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return result

def call(name, *args):
    return checked(libc.syscall(NUMBERS[name], *(ctypes.c_long(a) if isinstance(a, int) else a for a in args)))

def segment(key, create=False):
    checked(libc.shmget(key, ctypes.c_size_t(4096 if create else 0), IPC_CREAT | 0o600 if create else 0))

def shared_memory():
    statvfs = os.statvfs('/dev/shm')
    return [outcome(lambda: segment(cfg['key'], create=True)),      # the box's own segment
            outcome(lambda: segment(cfg['key'] + 1)),               # the one the parent made
            cfg['marker'] in os.listdir('/dev/shm'),                # a file the test put in /dev/shm
            outcome(lambda: write(f"/dev/shm/{cfg['marker']}-inner")),
            statvfs.f_blocks * statvfs.f_frsize]

# push rbx; mov eax, 359 (i386 socket); mov ebx, AF_UNIX; mov ecx, SOCK_STREAM; xor edx, edx; int 0x80; pop rbx; ret
I386_SOCKET = bytes.fromhex('53 b867010000 bb01000000 b901000000 31d2 cd80 5b c3')

def i386_socket():
    code = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    code.write(I386_SOCKET)
    fd = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(code)))()
    if fd < 0:
        raise OSError(-fd, os.strerror(-fd))
    os.close(fd)

def unix_sockets():
    def connect():
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(2)
            s.connect(cfg['unix'])
            s.sendall(b'hello')
    def pair():
        a, b = socket.socketpair()
        a.sendall(b'x')
        assert b.recv(1) == b'x'
        a.close(), b.close()
    def lookups():             # glibc asks nscd (a unix socket) first, then reads the files
        pwd.getpwuid(os.getuid()), grp.getgrgid(os.getgid()), getpass.getuser()
        socket.getaddrinfo('localhost', None)
    return {'connect': outcome(connect), 'socketpair': outcome(pair), 'lookups': outcome(lookups),
            'i386': outcome(i386_socket) if MACHINE == 'x86_64' else 'n/a',
            'x32': outcome(lambda: checked(libc.syscall(0x40000000 | 41, 1, 1, 0)) and None)
            if MACHINE == 'x86_64' else 'n/a',
            'io_uring': outcome(lambda: os.close(call('io_uring_setup', 1, ctypes.create_string_buffer(120))))}

def keyring():
    def read():
        buffer = ctypes.create_string_buffer(64)
        size = call('keyctl', KEYCTL_READ, key, buffer, 64)
        return buffer.raw[:size].decode()
    return [outcome(read), outcome(lambda: call('request_key', b'user', b'kata-box-test', None, 0) and None),
            outcome(lambda: call('add_key', b'user', b'kata-box-other', b'x', 1, SESSION_KEYRING) and None)]

def autogroup():
    try:
        return open('/proc/self/autogroup').read().strip()
    except OSError as e:
        return errno.errorcode[e.errno]

def new_session():
    """[setsid() in a child, the child's autogroup, this process's autogroup]"""
    r2, w2 = os.pipe()
    child = os.fork()
    if child == 0:
        os.write(w2, json.dumps([outcome(os.setsid), autogroup()]).encode())
        os._exit(0)
    os.close(w2)
    os.waitpid(child, 0)
    return json.loads(os.read(r2, 1000)) + [autogroup()]

def grader_files():
    folder = cfg['box']['writable'][0]
    for name in ('call0.npy', 'call0_1.keras', 'call12.json', 'call3_4.json', 'notes.txt', 'call0.npy.bak'):
        write(os.path.join(folder, name))
    os.mkdir(os.path.join(folder, 'call7.npy'))
    write(os.path.join(folder, 'call7.npy', 'call1.npy'))
    os.symlink('there.txt', os.path.join(folder, 'call5.npy'))
    os.mkfifo(os.path.join(folder, 'call6.npy'))

def connect():
    with socket.socket() as s:
        s.settimeout(2)
        s.connect(('127.0.0.1', cfg['port']))

def fork_many():
    children, reason = [], 'ok'
    try:
        while len(children) < 30:
            pid = os.fork()
            if pid == 0:
                time.sleep(30)
                os._exit(0)
            children.append(pid)
    except OSError as e:
        reason = errno.errorcode[e.errno]
    for pid in children:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return [len(children), reason]

def leave_grandchild():
    if os.fork() == 0:
        outcome(os.setsid)              # the box refuses it: the PID namespace must end it all the same
        if os.fork() == 0:
            os.write(w, f'{os.getpid()}\n'.encode())
            time.sleep(30)
        os._exit(0)
    os.wait()

def tensorflow_lstm():
    model = keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(5, return_sequences=True),
                              keras.layers.TimeDistributed(keras.layers.Dense(1))])
    model.compile(loss='mse', optimizer='adam')
    model(np.zeros((4, 5, 1)))    # ops in the box (not fit: tf.data, imported lazily, may be unreadable to uid 65534)
    model.save(os.path.join(cfg['box']['writable'][0], 'call0.keras'))
    np.save(os.path.join(cfg['box']['writable'][0], 'call0_1.npy'), np.arange(3))
    return 'saved'

def spin(seconds):
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass

def allocate():
    try:
        bytearray(400 << 20)
    except MemoryError:
        return 'MemoryError'
    return 'ok'

def landlock_only_kill():
    sandbox.landlock(sandbox.Box(writable=(), readable=None), sandbox.landlock_abi(), '/proc/self')
    return outcome(lambda: os.kill(parent, signal.SIGTERM))

ACTIONS = {
    'write': lambda: {p: outcome(lambda: write(p)) for p in cfg['paths']},
    'read': lambda: {p: outcome(lambda: read(p)) for p in cfg['paths']},
    'connect': lambda: outcome(connect),
    'kill': lambda: outcome(lambda: os.kill(os.getppid() if cfg['boxed'] else parent, signal.SIGTERM)),
    'landlock_only_kill': landlock_only_kill,
    'proc': lambda: [outcome(lambda: read(f'/proc/{parent}/cmdline')),
                     outcome(lambda: os.readlink(f'/proc/{parent}/cwd'))],
    'fork': fork_many,
    'big_file': lambda: outcome(lambda: write(cfg['paths'][0], 2 << 20)),
    'disk': lambda: [outcome(lambda: write(p, 600 << 10)) for p in cfg['paths']],
    'grandchild': leave_grandchild,
    'tensorflow': tensorflow_lstm,
    'spin': lambda: spin(1.5),
    'allocate': allocate,
    'shm': shared_memory,
    'unix': unix_sockets,
    'keyring': keyring,
    'setsid': new_session,
    'environ': lambda: sorted(os.environ),
    'grader_files': grader_files,
}

parent = os.getpid()
outer = {n: os.readlink(f'/proc/self/ns/{n}') for n in ('user', 'net', 'pid', 'mnt', 'ipc')}
key = None
if cfg['action'] == 'keyring':      # a session keyring of this test's alone, one key in it
    call('keyctl', KEYCTL_JOIN_SESSION_KEYRING, None)
    key = call('add_key', b'user', b'kata-box-test', b'hunter2', 7, SESSION_KEYRING)
if cfg['action'] == 'shm':
    segment(cfg['key'] + 1, create=True)
signals = []
signal.signal(signal.SIGTERM, lambda *_: signals.append('SIGTERM'))
r, w = os.pipe()
worker = os.fork()
if worker == 0:
    os.close(r)
    os.setsid()
    report = {'autogroup': autogroup()}
    if cfg['boxed']:
        start = time.perf_counter()
        applied = sandbox.enter(sandbox.Box(**cfg['box']))
        report['cost'] = time.perf_counter() - start
        report['applied'] = dataclasses.asdict(applied)
        report['new_ns'] = [n for n in outer if os.readlink(f'/proc/self/ns/{n}') != outer[n]]
        report['status'] = {k: v.strip() for k, v in (l.split(':', 1) for l in open('/proc/self/status'))
                            if k in ('NoNewPrivs', 'CapEff', 'Uid', 'Seccomp')}
        report['pids'] = [os.getpid(), os.getppid()]
    report['result'] = ACTIONS[cfg['action']]()
    print('REPORT', json.dumps(report), flush=True)
    os._exit(0)
os.close(w)
status = os.waitpid(worker, 0)[1]
grandchild = 'none'
segment_left = None
if cfg['action'] == 'shm':          # the worker's segment, if it outlived the worker; then none is left
    segment_left = outcome(lambda: segment(cfg['key']))
    for k in (cfg['key'], cfg['key'] + 1):
        if outcome(lambda: segment(k)) == 'ok':
            libc.shmctl(libc.shmget(k, ctypes.c_size_t(0), 0), IPC_RMID, None)
if cfg['action'] == 'grandchild':     # its pipe end closes when it dies: EOF here, else it lives on
    line = os.read(r, 100)
    ready = select.select([r], [], [], 3)[0]
    grandchild = 'gone' if ready and os.read(r, 100) == b'' else 'alive'
    if grandchild == 'alive' and not cfg['boxed']:
        os.kill(int(line), signal.SIGKILL)
print('PARENT', json.dumps({'status': status, 'signals': signals, 'grandchild': grandchild,
                           'segment': segment_left}), flush=True)
'''.replace('NOBODY', str(NOBODY))


@pytest.fixture
def place():
    """A folder every user may use (pytest's tmp_path is root's alone): writable/, readable/, other/."""
    top = Path(tempfile.mkdtemp(prefix='kata-sandbox-'))
    top.chmod(0o755)
    for name in ('writable', 'readable', 'other'):
        (top / name).mkdir(mode=0o777)
        (top / name).chmod(0o777)
        (top / name / 'there.txt').write_text('secret')
        (top / name / 'there.txt').chmod(0o644)
    yield top
    shutil.rmtree(top)


def run(action, boxed, place, timeout=30, **box):
    """Run `action` in a worker (boxed or not) of a fresh Python; return (worker report, parent report)."""
    box = {'writable': (str(place / 'writable'),), 'readable': None, **box}
    cfg = {'action': action, 'boxed': boxed, 'box': box, **box.pop('cfg', {})}
    env = {**os.environ, **box.pop('env', {})}
    done = subprocess.run([sys.executable, '-c', CHILD, str(REPO), json.dumps(cfg)],
                          capture_output=True, text=True, timeout=timeout, env=env)
    lines = {line.split(' ', 1)[0]: json.loads(line.split(' ', 1)[1])
             for line in done.stdout.splitlines() if line.startswith(('REPORT ', 'PARENT '))}
    assert 'PARENT' in lines, done.stdout + done.stderr
    return lines.get('REPORT', {}), {**lines['PARENT'], 'stderr': done.stderr}


def assert_boxed(report, *namespaces):
    """The mechanism, not only the outcome: Landlock in force (it needs no_new_privs), new namespaces,
    an ordinary user, and no capabilities left."""
    applied = report['applied']
    assert applied['landlock'] >= 1 and not applied['errors'], applied
    assert report['status']['NoNewPrivs'] == '1'
    assert report['status']['CapEff'] == '0000000000000000'
    assert report['status']['Uid'].split()[0] == str(NOBODY)
    assert set(namespaces) <= set(report['new_ns'])


needs = pytest.mark.skipif(any(sandbox.enforceable()[part] for part in ('write', 'read', 'network', 'signals')),
                           reason=str(sandbox.enforceable()))


def enforced(part):
    """Skip where this machine cannot enforce the part (.get: a part the box does not name yet runs, and fails)."""
    why = sandbox.enforceable().get(part)
    return pytest.mark.skipif(bool(why), reason=str(why))


def paths(place, *names):
    return [str(place / name / 'new.txt') for name in names]


@needs
def test_writes_only_inside_writable(place):
    cfg = {'cfg': {'paths': paths(place, 'writable', 'other')}}
    inside, outside = paths(place, 'writable', 'other')
    assert run('write', False, place, **cfg)[0]['result'] == {inside: 'ok', outside: 'ok'}
    report, parent = run('write', True, place, **cfg)
    assert report['result'] == {inside: 'ok', outside: 'EACCES'}
    assert_boxed(report)


@needs
def test_reads_only_inside_readable(place):
    cfg = {'cfg': {'paths': [str(place / 'readable' / 'there.txt'), str(place / 'other' / 'there.txt')]}}
    mine, other = cfg['cfg']['paths']
    assert run('read', False, place, **cfg)[0]['result'] == {mine: 'ok', other: 'ok'}
    report, _ = run('read', True, place, readable=(str(place / 'readable'),), **cfg)
    assert report['result'] == {mine: 'ok', other: 'EACCES'}
    assert_boxed(report)
    # with readable=None everything may be read, but still nothing written outside `writable`
    assert run('read', True, place, **cfg)[0]['result'] == {mine: 'ok', other: 'ok'}


@needs
def test_no_tcp_to_a_local_server(place):
    with socket.create_server(('127.0.0.1', 0)) as server:
        cfg = {'cfg': {'port': server.getsockname()[1]}}
        assert run('connect', False, place, **cfg)[0]['result'] == 'ok'
        report, _ = run('connect', True, place, **cfg)
        assert report['result'] != 'ok'
        assert_boxed(report, 'net')
        assert report['applied']['landlock'] >= 4    # TCP bind/connect denied by Landlock too
        assert run('connect', True, place, network=True, **cfg)[0]['result'] == 'ok'


@needs
def test_no_signal_to_the_parent(place):
    report, parent = run('kill', False, place)
    assert report['result'] == 'ok' and parent['signals'] == ['SIGTERM']
    report, parent = run('kill', True, place)
    assert report['result'] == 'EPERM' and parent['signals'] == []   # getppid() is the box's PID 1
    assert_boxed(report, 'pid')
    assert report['pids'] == [2, 1]
    # Landlock's signal scope on its own (no PID namespace): the parent is visible, and out of reach
    report, parent = run('landlock_only_kill', False, place)
    assert report['result'] == 'EPERM' and parent['signals'] == []


@needs
def test_other_processes_are_invisible(place):
    assert run('proc', False, place)[0]['result'] == ['ok', str(REPO)]
    report, _ = run('proc', True, place)
    assert report['result'] == ['ENOENT', 'ENOENT']
    assert_boxed(report, 'pid', 'mnt')
    assert report['applied']['proc'] == 'private'


@pytest.mark.skipif(bool(sandbox.enforceable()['processes']) and os.geteuid() != 0,
                    reason=str(sandbox.enforceable()['processes']))
def test_fork_loop_stops_at_the_process_limit(place):
    assert run('fork', False, place)[0]['result'] == [30, 'ok']
    report, _ = run('fork', True, place, processes=20)
    count, reason = report['result']
    assert reason == 'EAGAIN' and 10 <= count < 20    # the outer waiter, PID 1 and the worker count too
    assert_boxed(report, 'user')
    assert subprocess.run(['true']).returncode == 0   # and the machine forks on


def test_file_size_limit(place):
    cfg = {'cfg': {'paths': paths(place, 'writable')}}
    assert run('big_file', False, place, file_bytes=1 << 20, **cfg)[0]['result'] == 'ok'
    report, _ = run('big_file', True, place, file_bytes=1 << 20, **cfg)
    assert report['result'] == 'EFBIG'
    assert (place / 'writable' / 'new.txt').stat().st_size == 1 << 20


def test_cpu_limit_kills_and_the_worker_dies_of_the_same_signal(place):
    assert run('spin', False, place)[1]['status'] == 0
    report, parent = run('spin', True, place, cpu_seconds=1)
    assert report == {} and os.WIFSIGNALED(parent['status'])
    assert os.WTERMSIG(parent['status']) in (signal.SIGXCPU, signal.SIGKILL)


def test_memory_limit(place):
    assert run('allocate', False, place)[0]['result'] == 'ok'
    report, _ = run('allocate', True, place, memory_bytes=200 << 20)
    assert report['result'] == 'MemoryError'      # RLIMIT_DATA: 400 MB of heap refused


@pytest.mark.skipif(bool(sandbox.enforceable()['disk']), reason=str(sandbox.enforceable()['disk']))
def test_disk_limit_and_copy_back(place):
    cfg = {'cfg': {'paths': [str(place / 'writable' / f'call{n}.npy') for n in range(3)]}}
    assert run('disk', False, place, disk_bytes=1 << 20, **cfg)[0]['result'] == ['ok'] * 3
    for p in cfg['cfg']['paths']:
        os.remove(p)
    report, _ = run('disk', True, place, disk_bytes=1 << 20, **cfg)
    assert report['result'] == ['ok', 'ENOSPC', 'ENOSPC']
    assert report['applied']['disk'] == 1 << 20
    assert (place / 'writable' / 'call0.npy').stat().st_size == 600 << 10    # copied back after the box
    assert (place / 'writable' / 'there.txt').read_text() == 'secret'    # and what was there stays


@pytest.mark.skipif(bool(sandbox.enforceable()['leftover processes']),
                    reason=str(sandbox.enforceable()['leftover processes']))
def test_no_process_outlives_the_worker(place):
    assert run('grandchild', False, place)[1]['grandchild'] == 'alive'   # (and then killed)
    report, parent = run('grandchild', True, place)
    assert parent['grandchild'] == 'gone' and parent['status'] == 0
    assert_boxed(report, 'pid')


@needs
def test_tensorflow_builds_and_saves_an_lstm_in_the_box(place):
    report, parent = run('tensorflow', True, place, timeout=60, readable=(), memory_bytes=1 << 30,
                         processes=64, cpu_seconds=30, file_bytes=50 << 20, cfg={'tensorflow': True})
    assert report['result'] == 'saved' and parent['status'] == 0
    assert_boxed(report, 'user', 'net', 'pid', 'mnt')
    assert {'call0.keras', 'call0_1.npy'} <= set(os.listdir(place / 'writable'))
    said = [line for line in parent['stderr'].splitlines()        # TensorFlow's own, at import, aside
            if 'absl::InitializeLog()' not in line and 'Could not find cuda drivers' not in line]
    assert said == []                   # nothing of the refused unix sockets, keyring or setsid
    print(f"enter() took {report['cost'] * 1000:.1f} ms")


# ---------------------------------------------------------------- what the box closes since issue 15, item 7

@enforced('ipc')
def test_shared_memory_ends_with_the_box_and_is_no_one_elses(place):
    """SysV segments live in the box's IPC namespace, POSIX ones in its own /dev/shm: a segment
    the box made is gone when it ends, and the box sees none of the machine's."""
    marker = f'kata-box-{os.getpid()}'
    cfg = {'cfg': {'key': 0x4b410000 + 2 * (os.getpid() % 0x8000), 'marker': marker}}
    (Path('/dev/shm') / marker).write_text('secret')
    try:
        report, parent = run('shm', False, place, **cfg)
        assert report['result'][:4] == ['ok', 'ok', True, 'ok'] and parent['segment'] == 'ok'   # (then removed)
        (Path('/dev/shm') / f'{marker}-inner').unlink()
        report, parent = run('shm', True, place, disk_bytes=1 << 20, **cfg)
        assert report['result'] == ['ok', 'ENOENT', False, 'ok', 1 << 20]
        assert parent['segment'] == 'ENOENT'             # the box's segment went with its namespace
        assert not (Path('/dev/shm') / f'{marker}-inner').exists()
        assert_boxed(report, 'ipc', 'mnt')
        assert report['applied']['shm'] == 1 << 20
    finally:
        for name in (marker, f'{marker}-inner'):
            (Path('/dev/shm') / name).unlink(missing_ok=True)


@pytest.fixture
def unix_server(place):
    """A unix socket server in the test's own folder, which any user may connect to."""
    path = place / 'other' / 'server.sock'
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        path.chmod(0o777)
        server.listen(4)
        server.setblocking(False)
        yield server, str(path)


def received(server):
    """What the connections waiting on the server sent, b'' if none."""
    data = b''
    while True:
        try:
            connection, _ = server.accept()
        except BlockingIOError:
            return data
        with connection:
            connection.settimeout(2)
            data += connection.recv(100)


@enforced('unix sockets')
def test_no_unix_socket_reaches_outside(place, unix_server):
    """socket(AF_UNIX) is refused by the seccomp filter (by mechanism: whatever the path), through
    i386's int 0x80 and x32's numbers too, and io_uring, which could open one without socket()."""
    server, path = unix_server
    report, parent = run('unix', False, place, cfg={'unix': path})
    unboxed = report['result']
    assert unboxed['connect'] == 'ok' and received(server) == b'hello'
    assert unboxed['socketpair'] == unboxed['lookups'] == unboxed['io_uring'] == 'ok'
    report, parent = run('unix', True, place, cfg={'unix': path})
    boxed = report['result']
    assert boxed['connect'] == 'EACCES' and received(server) == b''
    assert boxed['socketpair'] == boxed['lookups'] == 'ok' and parent['stderr'] == ''   # glibc falls back quietly
    assert boxed['io_uring'] == 'EPERM'
    if unboxed['i386'] == 'ok':                   # a kernel with i386 emulation
        assert boxed['i386'] == 'EPERM'
    if os.uname().machine == 'x86_64':          # no x32 here: ENOSYS from the kernel, EPERM from the filter
        assert unboxed['x32'] in ('ok', 'ENOSYS') and boxed['x32'] == 'EPERM'
    assert_boxed(report)
    assert report['status']['Seccomp'] == '2' and report['applied']['seccomp'] == os.uname().machine


@enforced('keyring')
def test_the_session_keyring_is_out_of_reach(place):
    """The test's session keyring holds a key; the worker inherits the keyring, the box may not use it."""
    assert run('keyring', False, place)[0]['result'] == ['hunter2', 'ok', 'ok']
    report, _ = run('keyring', True, place)
    assert report['result'] == ['EPERM'] * 3       # keyctl, request_key, add_key
    assert_boxed(report)
    assert report['status']['Seccomp'] == '2'


@enforced('cpu share')
def test_the_box_has_one_cpu_share(place):
    """Autogroup gives each session a CPU share: a box may not start a session, so each of its
    processes stays in its worker's autogroup."""
    report, _ = run('setsid', False, place)
    setsid, child, own = report['result']
    assert setsid == 'ok' and child != report['autogroup'] == own
    report, _ = run('setsid', True, place)
    assert report['result'] == ['EPERM', report['autogroup'], report['autogroup']]
    assert report['autogroup'].startswith('/autogroup-')
    assert_boxed(report, 'pid')
    assert report['status']['Seccomp'] == '2'


@enforced('environment')
def test_the_box_keeps_only_harmless_environment_variables(place):
    grader = {'KATA_BOX_SECRET': 'hunter2', 'DBUS_SESSION_BUS_ADDRESS': 'unix:path=/nowhere', 'LC_ALL': 'C.UTF-8'}
    assert {'KATA_BOX_SECRET', 'DBUS_SESSION_BUS_ADDRESS'} <= set(run('environ', False, place, env=grader)[0]['result'])
    report, _ = run('environ', True, place, env=grader)
    names = set(report['result'])
    assert not names & {'KATA_BOX_SECRET', 'DBUS_SESSION_BUS_ADDRESS'} and {'PATH', 'LC_ALL', 'TMPDIR'} <= names
    assert names <= environment.ENVIRONMENT | {"LC_ALL"}
    assert_boxed(report)
    # clean_environment is pure: a process started with it has a clean /proc/self/environ too
    environ = {**os.environ, **grader}
    before = dict(environ)
    cleaned = environment.clean_environment(environ)
    assert environ == before and cleaned['LC_ALL'] == 'C.UTF-8' and 'KATA_BOX_SECRET' not in cleaned
    show = [sys.executable, '-c', 'print(open("/proc/self/environ").read())']
    assert 'hunter2' in subprocess.run(show, env=environ, capture_output=True, text=True).stdout
    assert 'hunter2' not in subprocess.run(show, env=cleaned, capture_output=True, text=True).stdout


@enforced('disk')
def test_only_the_graders_files_are_copied_back(place, tmp_path):
    everything = {'call0.npy', 'call0_1.keras', 'call12.json', 'call3_4.json', 'notes.txt', 'call0.npy.bak',
                  'call5.npy', 'call6.npy', 'call7.npy', 'there.txt'}
    run('grader_files', False, place)
    assert set(os.listdir(place / 'writable')) == everything
    shutil.rmtree(place / 'writable')
    (place / 'writable').mkdir(mode=0o777)
    (place / 'writable').chmod(0o777)
    report, _ = run('grader_files', True, place, disk_bytes=1 << 20)
    assert report['applied']['disk'] == 1 << 20
    assert set(os.listdir(place / 'writable')) == {'call0.npy', 'call0_1.keras', 'call12.json', 'call3_4.json'}
    # and none above the box's largest file (the box itself cannot write one: RLIMIT_FSIZE)
    (tmp_path / 'box').mkdir()
    (tmp_path / 'real').mkdir()
    (tmp_path / 'box' / 'call0.npy').write_bytes(b'x' * 11)
    (tmp_path / 'box' / 'call1.npy').write_bytes(b'x' * 10)
    real = os.open(tmp_path / 'real', os.O_PATH | os.O_DIRECTORY)
    try:
        namespaces.copy_back([(str(tmp_path / 'box'), real, None)], 10)
    finally:
        os.close(real)
    assert os.listdir(tmp_path / 'real') == ['call1.npy']

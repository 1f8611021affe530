"""kata.sandbox: every "the box forbids X" test runs the same action unboxed as well (its twin must
succeed, so the test can fail), as an ordinary user (uid 65534: we may be root here, and root
passes permission checks an ordinary user fails), and checks the kernel mechanism, not only the
outcome. Each scenario runs in a fresh Python (`CHILD` below) that forks a worker: the pytest
process has imported TensorFlow, and forking it is not safe."""
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

from kata import sandbox

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534

CHILD = r'''
import errno, json, os, select, signal, socket, sys, time
sys.path.insert(0, sys.argv[1])
cfg = json.loads(sys.argv[2])
if cfg.get('tensorflow'):
    os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'
    import numpy as np, keras, tensorflow                        # imported, no op run: then fork
from kata import sandbox
os.setgroups([]); os.setgid(NOBODY); os.setuid(NOBODY)          # parent and worker: an ordinary user
sandbox._libc.prctl(sandbox.PR_SET_DUMPABLE, 1, 0, 0, 0)       # as if it had never been root

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
        os.setsid()
        if os.fork() == 0:
            os.write(w, f'{os.getpid()}\n'.encode())
            time.sleep(30)
        os._exit(0)
    os.wait()

def tensorflow_lstm():
    model = keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(5, return_sequences=True),
                              keras.layers.TimeDistributed(keras.layers.Dense(1))])
    model.compile(loss='mse', optimizer='adam')
    model.save(os.path.join(cfg['box']['writable'][0], 'm.keras'))
    np.save(os.path.join(cfg['box']['writable'][0], 'a.npy'), np.arange(3))
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
    sandbox._landlock(sandbox.Box(writable=(), readable=None), sandbox.landlock_abi(), '/proc/self')
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
}

parent = os.getpid()
outer = {n: os.readlink(f'/proc/self/ns/{n}') for n in ('user', 'net', 'pid', 'mnt')}
signals = []
signal.signal(signal.SIGTERM, lambda *_: signals.append('SIGTERM'))
r, w = os.pipe()
worker = os.fork()
if worker == 0:
    os.close(r)
    report = {}
    if cfg['boxed']:
        start = time.perf_counter()
        sandbox.enter(sandbox.Box(**cfg['box']))
        report['cost'] = time.perf_counter() - start
        report['applied'] = sandbox.applied
        report['new_ns'] = [n for n in outer if os.readlink(f'/proc/self/ns/{n}') != outer[n]]
        report['status'] = {k: v.strip() for k, v in (l.split(':', 1) for l in open('/proc/self/status'))
                            if k in ('NoNewPrivs', 'CapEff', 'Uid')}
        report['pids'] = [os.getpid(), os.getppid()]
    report['result'] = ACTIONS[cfg['action']]()
    print('REPORT', json.dumps(report), flush=True)
    os._exit(0)
os.close(w)
status = os.waitpid(worker, 0)[1]
grandchild = 'none'
if cfg['action'] == 'grandchild':     # its pipe end closes when it dies: EOF here, else it lives on
    line = os.read(r, 100)
    ready = select.select([r], [], [], 3)[0]
    grandchild = 'gone' if ready and os.read(r, 100) == b'' else 'alive'
    if grandchild == 'alive' and not cfg['boxed']:
        os.kill(int(line), signal.SIGKILL)
print('PARENT', json.dumps({'status': status, 'signals': signals, 'grandchild': grandchild}), flush=True)
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
    done = subprocess.run([sys.executable, '-c', CHILD, str(REPO), json.dumps(cfg)],
                          capture_output=True, text=True, timeout=timeout)
    lines = {line.split(' ', 1)[0]: json.loads(line.split(' ', 1)[1])
             for line in done.stdout.splitlines() if line.startswith(('REPORT ', 'PARENT '))}
    assert 'PARENT' in lines, done.stdout + done.stderr
    return lines.get('REPORT', {}), lines['PARENT']


def assert_boxed(report, *namespaces):
    """The mechanism, not only the outcome: Landlock in force (it needs no_new_privs), new namespaces,
    an ordinary user, and no capabilities left."""
    applied = report['applied']
    assert applied.get('landlock', 0) >= 1 and 'errors' not in applied, applied
    assert report['status']['NoNewPrivs'] == '1'
    assert report['status']['CapEff'] == '0000000000000000'
    assert report['status']['Uid'].split()[0] == str(NOBODY)
    assert set(namespaces) <= set(report['new_ns'])


needs = pytest.mark.skipif(any(sandbox.enforceable()[part] for part in ('write', 'read', 'network', 'signals')),
                           reason=str(sandbox.enforceable()))


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
    cfg = {'cfg': {'paths': [str(place / 'writable' / f'{n}.bin') for n in range(3)]}}
    assert run('disk', False, place, disk_bytes=1 << 20, **cfg)[0]['result'] == ['ok'] * 3
    for p in cfg['cfg']['paths']:
        os.remove(p)
    report, _ = run('disk', True, place, disk_bytes=1 << 20, **cfg)
    assert report['result'] == ['ok', 'ENOSPC', 'ENOSPC']
    assert report['applied']['disk'] == 1 << 20
    assert (place / 'writable' / '0.bin').stat().st_size == 600 << 10    # copied back after the box
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
    assert {'m.keras', 'a.npy'} <= set(os.listdir(place / 'writable'))
    print(f"enter() took {report['cost'] * 1000:.1f} ms")

"""kata/processes.py on every OS. The simulated platforms of test_portable.py remove calls but keep
os.name == "posix", so the Windows branches are taken here by hand, with their system calls faked;
the POSIX ones end real process trees."""
import subprocess
import sys
import time

import pytest

from kata import processes

SLEEPER = [sys.executable, "-c", "import subprocess, sys, time; "
           "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"]


def tree_of(process):
    deadline = time.monotonic() + 10
    while len(processes.descendants(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    return processes.descendants(process.pid)


@pytest.mark.parametrize("psutil_installed", [True, False])
def test_end_tree_kills_a_process_and_its_child_and_they_are_gone_when_it_returns(monkeypatch, psutil_installed):
    if not psutil_installed:
        monkeypatch.setitem(sys.modules, "psutil", None)       # run.py's Python: /proc or ps instead
    process = subprocess.Popen(SLEEPER, **processes.own_group())
    tree = tree_of(process)
    assert len(tree) == 2 and tree[0] == process.pid, tree
    processes.end_tree(process.pid)
    process.wait(timeout=10)
    assert processes.alive(tree) == [], processes.alive(tree)


def test_on_windows_a_child_gets_a_process_group_of_its_own(monkeypatch):
    monkeypatch.setattr(processes, "WINDOWS", True)
    assert processes.own_group() == {"creationflags": 0x200}     # CREATE_NEW_PROCESS_GROUP: no Ctrl-C in it


def test_on_windows_without_psutil_the_tree_goes_through_taskkill(monkeypatch):
    monkeypatch.setattr(processes, "WINDOWS", True)
    monkeypatch.setitem(sys.modules, "psutil", None)
    ran = []
    monkeypatch.setattr(processes.subprocess, "run", lambda command, **options: ran.append(command))
    processes.end_tree(4242)
    assert ran == [["taskkill", "/F", "/T", "/PID", "4242"]]
    assert processes.descendants(4242) == [4242]


def test_on_windows_with_psutil_every_process_of_the_tree_is_killed(monkeypatch):
    pytest.importorskip("psutil")
    monkeypatch.setattr(processes, "WINDOWS", True)
    process = subprocess.Popen(SLEEPER)
    tree = tree_of(process)
    processes.end_tree(process.pid)
    process.wait(timeout=10)
    assert processes.alive(tree) == [] and len(tree) == 2

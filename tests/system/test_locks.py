"""File locks (fs/locks.c), checked by user/lockstest.c, which passes on
Linux 6.1 too: POSIX record locks between processes (conflicts, F_GETLK,
split and merge, release at any close and at exit, F_SETLKW's wake-up,
EINTR, EDEADLK), OFD locks between threads, flock(2), /proc/locks and
bad arguments - on tmpfs (/tmp) and on the ext2 disk (/home)."""
import re

import pytest


@pytest.mark.parametrize("directory", ["/tmp", "/home"])
def test_file_locks_behave_as_on_linux(vm, directory):
    out = vm.run_suite("lockstest " + directory, timeout=300)
    assert "ok: deadlock: parent waiting for byte 1 would close the cycle: EDEADLK" in out
    assert "ok: closing ANOTHER descriptor of the file drops it (POSIX)" in out
    assert "ok: /proc/locks lists the lock as Linux does" in out


def test_lockstest_leaves_no_locks(vm):
    """Every lock lockstest took went with its closes and exits."""
    vm.run_suite("lockstest /tmp", timeout=300)
    out = vm.command("run /bin/cat /proc/locks", timeout=30)
    assert not re.search(r"^\d+: ", out, re.M), out


def test_busybox_flock_applet(vm):
    """busybox's flock, if it has one: a second exclusive lock with -n fails."""
    if not re.search(r"^flock\s", vm.command("ls /bin", timeout=30), re.M):
        pytest.skip("this busybox has no flock applet")
    out = vm.command("run /bin/flock /tmp/fl.lock /bin/flock -n /tmp/fl.lock /bin/true",
                     timeout=60)
    assert "exited with status 1" in out, out

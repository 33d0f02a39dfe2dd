"""Debian's busybox on Antidote: the shell scripts of tests/shell run with
/bin/sh (busybox's ash) on Antidote and with the host's /bin/busybox sh
on Linux, and must print the same thing.

The disk image holds the scripts in /tests/shell (the Makefile puts them
there). tests/shell/run.sh runs one with its output in a file and prints
it between marker lines; kernel messages that the console prints around
it are dropped. A script that needs something a Linux host may lack
(sysctl.sh: vm.memory_failure_early_kill, which needs
CONFIG_MEMORY_FAILURE) has NAME.expected, what Linux 6.1 prints; both
runs are compared with it, and the host's run is skipped if the host has
no such setting.
"""
import os
import re
import subprocess

import pytest

from machine import REPO_ROOT

SHELL_DIR = REPO_ROOT / "tests" / "shell"
SCRIPTS = sorted(p.stem for p in SHELL_DIR.glob("*.sh") if p.stem != "run")
HOST_BUSYBOX = "/bin/busybox"
TIMEOUT = 120   # seconds for one script under TCG on a loaded machine
KERNEL_LINE = re.compile(r"^\[ *\d+\.\d+\] ")
# What a script needs that a Linux host may not have.
NEEDS = {"sysctl": "/proc/sys/vm/memory_failure_early_kill",
         "hugetlbfs": "/proc/sys/vm/nr_hugepages"}


def between_markers(text, name):
    match = re.search(r"^=== %s begin\n(.*?)^=== %s end: status (\d+)$" % (name, name),
                      text, re.S | re.M)
    assert match, "no markers for %s in:\n%s" % (name, text)
    lines = [line for line in match.group(1).splitlines() if not KERNEL_LINE.match(line)]
    return "\n".join(lines), int(match.group(2))


def on_antidote(vm, name):
    out = vm.command("run /bin/sh /tests/shell/run.sh " + name, timeout=TIMEOUT)
    assert out.endswith("] sh exited with status 0"), out
    return between_markers(out, name)


def on_linux(name, tmp_path):
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TMPDIR": str(tmp_path), "LC_ALL": "C"}
    proc = subprocess.run([HOST_BUSYBOX, "sh", str(SHELL_DIR / "run.sh"), name], env=env,
                          capture_output=True, text=True, timeout=TIMEOUT, check=True)
    return between_markers(proc.stdout, name)


def expected(name):
    path = SHELL_DIR / (name + ".expected")
    return path.read_text().rstrip("\n") if path.exists() else None


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_prints_on_antidote_what_it_prints_on_linux(vm, name, tmp_path):
    output, status = on_antidote(vm, name)
    assert status == 0, output
    assert output.endswith("done"), output
    want = expected(name)
    if want is None:
        if not os.access(HOST_BUSYBOX, os.X_OK):
            pytest.skip("no busybox on this host: make deps installs busybox-static")
        want, host_status = on_linux(name, tmp_path)
        assert host_status == 0, want
    assert output == want


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_expected_output_is_what_linux_prints(name, tmp_path):
    """The .expected files are Linux's output, checked whenever this host
    can run the script."""
    if not os.path.exists(NEEDS[name]) or not os.access(HOST_BUSYBOX, os.X_OK):
        pytest.skip("this host's Linux has no %s" % NEEDS[name])
    if os.geteuid() != 0:
        pytest.skip("the script writes a setting: needs root")
    output, status = on_linux(name, tmp_path)
    assert status == 0 and output == expected(name)


def test_cat_copies_with_sendfile(vm):
    """busybox's cat copies a file with sendfile (syscall 40): it works,
    and the kernel logs no unknown system call for it."""
    out = vm.command("run /bin/cat /tests/shell/run.sh", timeout=TIMEOUT)
    assert "# run.sh NAME: run tests/shell/NAME.sh" in out
    assert out.endswith("cat exited with status 0"), out
    assert "system call 40 is not implemented" not in out + vm.command("log")


def test_top_in_batch_mode(vm):
    """busybox's top reads /proc/stat, /proc/meminfo, /proc/loadavg and
    each /proc/PID/stat: one screen of its header and the processes."""
    out = vm.command("run /bin/top -b -n 1", timeout=TIMEOUT)
    assert out.endswith("top exited with status 0"), out
    assert re.search(r"^Mem: \d+K used, \d+K free", out, re.M), out
    assert re.search(r"^CPU: +\d+% usr +\d+% sys .* \d+% idle", out, re.M), out
    assert re.search(r"^Load average: 0\.00 0\.00 0\.00 \d+/\d+ \d+$", out, re.M), out
    assert re.search(r"^ +1 +0 root +S +\d+ +\d+% +\d+% init$", out, re.M), out
    assert re.search(r"^ +\d+ +\d+ root +R +\d+ .*/bin/top -b -n 1$", out, re.M), out


def test_uptime(vm):
    """busybox's uptime: the time, the time up and the load averages
    (sysinfo)."""
    out = vm.command("run /bin/uptime", timeout=TIMEOUT)
    assert out.endswith("uptime exited with status 0"), out
    assert re.search(r"^ \d\d:\d\d:\d\d up +\d+ min, +0 users, +load average: 0\.00, 0\.00, 0\.00$",
                     out, re.M), out

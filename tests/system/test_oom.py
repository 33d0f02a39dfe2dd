"""The OOM killer (mm/oom_kill.c) on a 64 MiB machine without swap: a
process that touches memory without end is killed with SIGKILL, with
Linux 6.1's report; the other processes, the console and the kernel go
on; oom_score_adj -1000 protects a process, and /proc/PID/oom_score_adj,
oom_adj and oom_score behave as Linux's. user/oomtest.c does the work in
the guest (and passes on Linux)."""
import re

import pytest

from conftest import shared_vm
from machine import Machine

MEM = "64M"

INVOKED = re.compile(r"(\w+) invoked oom-killer: gfp_mask=(0x[0-9a-f]+)\(([\w|]*)\), "
                     r"order=(\d+), oom_score_adj=(-?\d+)\r?\n")
KILLED = re.compile(r"Out of memory: Killed process (\d+) \((\w+)\) total-vm:(\d+)kB, "
                    r"anon-rss:(\d+)kB, file-rss:(\d+)kB, shmem-rss:(\d+)kB, UID:(\d+) "
                    r"pgtables:(\d+)kB oom_score_adj:(-?\d+)\r?\n")


@pytest.fixture(scope="module")
def vm():
    """One 64 MiB machine for the module (the conftest's `vm` has 128)."""
    yield from shared_vm(Machine(mem=MEM))


def test_the_hog_is_killed_and_the_rest_go_on(vm):
    kills = vm.vmstat().get("oom_kill", 0)
    mark = vm.mark()
    out = vm.run_suite("oomtest kill 4", timeout=240)
    assert "the hog was killed by SIGKILL" in out
    invoked = vm.wait_for(INVOKED.pattern, since=mark)
    # A page fault of the hog's found no memory: Linux's flags for an
    # anonymous page or - its program's text, reclaimed meanwhile - a
    # file's, order 0.
    assert invoked.group(1) == "oomtest", invoked.group(0)
    assert invoked.group(2, 3) in [("0x140dca", "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO"),
                                   ("0x140cca", "GFP_HIGHUSER_MOVABLE|__GFP_COMP")], invoked.group(0)
    assert invoked.group(4, 5) == ("0", "0"), invoked.group(0)
    vm.wait_for(r"Tasks state \(memory values in pages\):", since=mark)
    killed = vm.wait_for(KILLED.pattern, since=mark)
    pid, name, total_vm, anon = killed.group(1), killed.group(2), *map(int, killed.group(3, 4))
    assert name == "oomtest" and killed.group(7) == "0" and killed.group(9) == "0", killed.group(0)
    # The hog had most of the memory, all of it anonymous.
    assert anon > 32 * 1024 and total_vm >= anon, killed.group(0)
    assert "[%s] oomtest" % pid not in vm.command("ps")
    assert vm.vmstat()["oom_kill"] == kills + 1
    # Its memory came back.
    assert vm.meminfo()["MemFree"] > 32 * 1024


def test_the_console_says_its_job_was_killed_by_the_oom_killer(vm):
    out = vm.command("run oomtest hog", timeout=240)
    assert re.search(r"\[\d+\] oomtest killed by signal 9 SIGKILL \(out of memory", out), out
    assert "kswapd0" in vm.command("ps")


def test_oom_score_adj_minus_1000_protects_the_biggest_process(vm):
    """The protected child holds more than half the free memory; the hog,
    smaller, is the one killed, and the protected child's memory checks
    out afterwards."""
    protected = vm.meminfo()["MemFree"] * 6 // 10 // 1024
    mark = vm.mark()
    out = vm.run_suite("oomtest protect %d" % protected, timeout=240)
    assert "the hog was killed by SIGKILL" in out
    killed = vm.wait_for(KILLED.pattern, since=mark)
    assert int(killed.group(4)) < protected * 1024, killed.group(0)
    table = vm.transcript[mark:killed.start()]
    assert re.search(r"\s-1000 oomtest", table), table


def test_a_sleeping_victim_is_woken_and_its_memory_freed(vm):
    """The biggest process sleeps in pause(); another needs more than is
    free. The sleeper is chosen, SIGKILL wakes it, it exits, and the
    other's allocations, which waited, go through."""
    free = vm.meminfo()["MemFree"] // 1024
    big, small = free * 6 // 10, free * 6 // 10
    mark = vm.mark()
    vm.run_suite("oomtest sleeper %d %d" % (big, small), timeout=240)
    killed = vm.wait_for(KILLED.pattern, since=mark)
    assert int(killed.group(4)) >= big * 1024 - 1024, killed.group(0)


def test_proc_oom_score_files(vm):
    vm.run_suite("oomtest proc", timeout=60)

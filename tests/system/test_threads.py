"""Threads (issue 9): musl's pthreads unmodified, thread and process
signals, exit vs exit_group, group stop, execve from a thread,
/proc/PID/task (user/threadtest.c); futexes and raw clone
(user/futextest.c); ps lists threads under their
process; the memory-failure thread rules with real threads
(user/mcethreads.c), through madvise, corrupt-pfn, the console's
injector and QEMU's machine checks."""
import re

import pytest

from test_machine_check import MISC_PAGE, SCRUB, qemu_mce
from test_processes import until_reaped


def test_threads_and_signals(vm):
    out = vm.run_suite("threadtest", timeout=180)
    assert "4 threads x 20000 locked increments: none lost" in out
    assert "execve in a thread" in out


def test_futexes_and_raw_clone(vm):
    out = vm.run_suite("futextest", timeout=180)
    assert "ok: FUTEX_CMP_REQUEUE moves both others to a second word (returns 2)" in out
    assert "ok: CLONE_CHILD_CLEARTID: 0 and a futex wake when it exited" in out


def test_ps_shows_threads_below_their_process(vm):
    out = vm.command("run threadtest hold &")
    pid = int(re.search(r"\[(\d+)\] threadtest", out).group(1))
    vm.wait_for(r"threadtest: holding", timeout=60)
    lines = vm.command("ps").splitlines()
    leader = next(i for i, line in enumerate(lines) if re.match(rf"^\s*{pid}\s", line))
    assert lines[leader].endswith(" threadtest")
    threads = lines[leader + 1:leader + 4]
    assert all(re.match(r"^\s*\d+\s+\d+\s+sleeping\s+default\s+\d+ \{threadtest\}$", t)
               for t in threads), lines
    vm.command(f"kill {pid} 9")
    said = until_reaped(vm, pid)
    assert f"[{pid}] threadtest killed by signal 9 SIGKILL" in said
    assert "{threadtest}" not in vm.command("ps")


def test_memory_failure_thread_rules(vm):
    """Linux 6.1's early-kill thread choice (reference sheet): one AO per
    process, to the first thread in thread order that set EARLY or has no
    setting while the sysctl is 1; AR to each thread that touches the
    page; prctl per thread, inherited at clone. Each case twice: poisoned
    by madvise(MADV_HWPOISON), and through debugfs's corrupt-pfn."""
    out = vm.run_suite("mcethreads", timeout=180)
    cases = re.findall(r"^ok: (.*) \((madvise|corrupt-pfn)\): (AO \S+ )?AR t2 AR t3 ?$", out, re.M)
    assert len(cases) == 16, out
    # One "Sending SIGBUS" (the AO) per case that has an early thread.
    assert len(re.findall(r"Sending SIGBUS to mcethreads:\d+", out)) == \
        sum(1 for _, _, ao in cases if ao), out


@pytest.mark.parametrize("via", ["console", "qemu"])
def test_machine_check_ao_goes_to_the_thread_that_asked_early(vm, via):
    """An action-optional machine check (a scrub error) on a page thread 2
    wrote, in a process where only thread 2 set PR_MCE_KILL_EARLY: the
    SIGBUS BUS_MCEERR_AO goes to thread 2 (Linux 6.1's early-kill thread
    choice), whether the console's injector or QEMU's `mce` raises it."""
    since = vm.mark()
    out = vm.command("run mcethreads hold &")
    pid = int(re.search(r"\[(\d+)\] mcethreads", out).group(1))
    held = vm.wait_for(r"mcethreads: holding pfn (0x[0-9a-f]+), t2 is tid (\d+)\s", timeout=60,
                       since=since)
    pfn, tid = int(held.group(1), 16), held.group(2)
    assert int(tid) != pid
    if via == "console":
        vm.command(f"inject srao {pfn:#x}")
    else:
        qemu_mce(vm, 9, SCRUB, 0x5, pfn << 12, MISC_PAGE)
    vm.wait_for(rf"Memory failure: {pfn:#x}: Sending SIGBUS to mcethreads:{tid} due to hardware "
                "memory corruption", timeout=30, since=since)
    vm.wait_for(rf"Memory failure: {pfn:#x}: recovery action for dirty LRU page: Recovered",
                timeout=30, since=since)
    vm.wait_for(r"mcethreads: SIGBUS si_code 5 to t2 at the page, lsb 12: ok", timeout=30,
                since=since)
    said = until_reaped(vm, pid)
    assert f"[{pid}] mcethreads exited with status 0" in said
    assert len(re.findall(r"Sending SIGBUS to mcethreads", vm.transcript[since:])) == 1

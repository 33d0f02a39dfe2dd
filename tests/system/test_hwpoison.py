"""Poisoned anonymous memory of user processes (user/victim.c), the way
Linux 6.1 handles it: who is told, when, with which si_code and address.

Most tests share one VM; each runs its own victim and poisons its page.
"""
import re

import pytest

PAGE_OFFSET_READ = 100  # the victim reads page[100]


def start_victim(vm, mode, what):
    """Run victim in the background; return (pid, page address, pfn)."""
    since = vm.mark()
    vm.command(f"run victim {mode} {what} &")
    m = vm.wait_for(r"victim: pid (\d+) page (0x[0-9a-f]+) mode", since=since)
    pid, page = int(m.group(1)), int(m.group(2), 16)
    table = vm.command(f"vm {pid}")
    m = re.search(rf"^  0x0*{page:x} pfn (0x[0-9a-f]+) rw", table, re.M)
    assert m, f"victim's page {page:#x} not resident:\n{table}"
    return pid, page, int(m.group(1), 16)


def run_victim(vm, mode, what):
    out = vm.command(f"run victim {mode} {what}")
    pid = int(re.search(r"victim: pid (\d+)", out).group(1))
    return pid, out


def sigbus_lines(out):
    return re.findall(r"victim: SIGBUS (BUS_MCEERR_A[OR]) si_addr=\S+ page\+(\d+) addr_lsb=(\d+)",
                      out)


def test_madvise_poison_late_kill(vm):
    before = vm.meminfo()["HardwareCorrupted"]
    pid, out = run_victim(vm, "late", "madvise")
    assert re.search(r"Injecting memory failure for pfn 0x[0-9a-f]+ at process virtual address "
                     r"0x[0-9a-f]+", out)
    assert re.search(r"Memory failure: 0x[0-9a-f]+: recovery action for dirty LRU page: "
                     r"Recovered", out)
    assert "Sending SIGBUS" not in out  # late: nobody is told yet
    # Every access: SIGBUS action required at the faulting address, lsb 12.
    assert sigbus_lines(out) == [("BUS_MCEERR_AR", "100", "12")] * 2
    assert len(re.findall(rf"MCE: Killing victim:{pid} due to hardware memory corruption "
                          r"fault at [0-9a-f]+064", out)) == 2
    assert "victim: madvise again -> -1 (Bad address)" in out  # already poisoned: EFAULT
    assert "victim: still running, fresh memory checksum ok" in out
    assert out.endswith("victim exited with status 0")
    assert vm.meminfo()["HardwareCorrupted"] == before + 4


def test_madvise_poison_early_kill(vm):
    pid, out = run_victim(vm, "early", "madvise")
    assert re.search(rf"Memory failure: 0x[0-9a-f]+: Sending SIGBUS to victim:{pid} due to "
                     r"hardware memory corruption", out)
    # Told at once (action optional, at the page), then again on each access.
    assert sigbus_lines(out) == [("BUS_MCEERR_AO", "0", "12"),
                                 ("BUS_MCEERR_AR", "100", "12"), ("BUS_MCEERR_AR", "100", "12")]
    assert out.index("BUS_MCEERR_AO") < out.index("victim: madvise -> 0")
    assert out.endswith("victim exited with status 0")


@pytest.mark.parametrize("sysctl,mode,early", [
    (1, "default", True), (0, "default", False),   # the sysctl decides
    (1, "late", False), (0, "early", True)])       # unless the process chose
def test_early_kill_policy(vm, sysctl, mode, early):
    vm.command(f"sysctl vm.memory_failure_early_kill={sysctl}")
    try:
        _, out = run_victim(vm, mode, "madvise")
    finally:
        vm.command("sysctl vm.memory_failure_early_kill=0")
    assert ("BUS_MCEERR_AO" in out) == early
    assert sigbus_lines(out)[-1] == ("BUS_MCEERR_AR", "100", "12")


def test_without_a_handler_the_process_dies_of_sigbus(vm):
    _, out = run_victim(vm, "default", "nohandler")
    assert out.endswith("victim killed by signal 7 SIGBUS")
    assert "still running" not in out


def test_prctl_mce_kill_as_linux(vm):
    out = vm.command("run victim prctl")  # a suite whose summary says "prctl"
    assert "FAIL" not in out, out
    assert "prctl: 0 failed" in out


def test_soft_offline_moves_the_data_and_retires_the_page(vm):
    before = vm.meminfo()["HardwareCorrupted"]
    _, out = run_victim(vm, "early", "softoffline")
    assert "victim: soft offline -> 0, data intact" in out
    assert re.search(r"soft offline: 0x[0-9a-f]+: contents moved to 0x[0-9a-f]+", out)
    assert "SIGBUS" not in out  # even in early mode: nothing was lost
    assert vm.meminfo()["HardwareCorrupted"] == before + 4
    old = re.search(r"soft offline: (0x[0-9a-f]+): contents moved", out).group(1)
    assert re.search(rf"^{old}\s+software\s+dirty LRU page\s+Recovered$",
                     vm.command("hwpoison list"), re.M)


def poison_externally(vm, via, pfn):
    if via == "hwpoison":
        vm.command(f"hwpoison corrupt-pfn {pfn:#x}")
    elif via == "console":
        vm.command(f"inject srao {pfn:#x}")
    else:
        assert vm.hmp(f"mce 0 9 0xbd000000000000c0 0x5 {pfn << 12:#x} 0x86") == ""


@pytest.mark.parametrize("via", ["hwpoison", "console", "qemu"])
@pytest.mark.parametrize("mode", ["late", "early"])
def test_poisoning_a_running_process_page(vm, via, mode):
    pid, page, pfn = start_victim(vm, mode, "wait")
    since = vm.mark()
    poison_externally(vm, via, pfn)
    vm.wait_for(rf"Memory failure: {pfn:#x}: recovery action for dirty LRU page: "
                "Recovered", since=since)
    vm.wait_for("victim: recovered from reading the page", since=since)
    assert vm.job_end(pid, since) == "exited with status 0"
    text = vm.transcript[since:]
    told = rf"Memory failure: {pfn:#x}: Sending SIGBUS to victim:{pid} due to hardware memory"
    assert bool(re.search(told, text)) == (mode == "early")
    expected = [("BUS_MCEERR_AR", "100", "12")]
    if mode == "early":
        expected.insert(0, ("BUS_MCEERR_AO", "0", "12"))
    assert sigbus_lines(text) == expected


def test_a_spinning_process_faults_on_its_next_read(vm):
    """Late kill, and the process never enters the kernel: the hwpoison
    entry alone stops it at its next read of the page."""
    pid, page, pfn = start_victim(vm, "late", "spin")
    since = vm.mark()
    vm.command(f"hwpoison corrupt-pfn {pfn:#x}")
    vm.wait_for(rf"MCE: Killing victim:{pid} due to hardware memory corruption fault at "
                rf"{page + PAGE_OFFSET_READ:x}", since=since)
    vm.wait_for(r"victim: SIGBUS BUS_MCEERR_AR si_addr=\S+ page\+100 addr_lsb=12", since=since)
    vm.wait_for("victim: recovered from reading the page", since=since)


def test_action_required_while_the_process_runs_in_user_mode(vm):
    pid, page, pfn = start_victim(vm, "late", "spin")
    since = vm.mark()
    vm.command(f"inject srar {pfn:#x} user:{pid}")
    vm.wait_for(r"mce: \[Hardware Error\]: RIP 23:[0-9a-f]+ \(user mode\)", since=since)
    vm.wait_for(rf"Memory failure: {pfn:#x}: Sending SIGBUS to victim:{pid} due to hardware "
                "memory corruption", since=since)
    # Even in late mode the process that consumed the data is told, with
    # the page's address.
    m = vm.wait_for(r"victim: SIGBUS BUS_MCEERR_AR si_addr=\S+ page\+(\d+) addr_lsb=12",
                    since=since)
    assert m.group(1) == "0"
    vm.wait_for("victim: recovered from reading the page", since=since)
    assert "Action required: data load error in a user process (action required)" in \
        vm.command("mcelog")


def test_bad_user_context_injection(vm):
    assert vm.command("inject srar 0x2000 user:30000") == \
        "mce-inject: ctx=user:PID needs a running user process; nothing injected"
    kworker = re.search(r"^\s*(\d+)\s.*\[kworker\]$", vm.command("ps"), re.M).group(1)
    assert vm.command(f"inject srar 0x2000 user:{kworker}") == \
        "mce-inject: ctx=user:PID needs a running user process; nothing injected"
    assert vm.command("mce-inject bank=1 status=0xbd80000000000134 addr=0x2000000 misc=0x8c "
                      "ctx=kernel:1") == "mce-inject: ctx is kernel or user:PID; nothing injected"
    assert vm.command("inject srar 0x2000 kernel:1").startswith("usage: inject KIND [PFN]")
    pid, _, _ = start_victim(vm, "late", "wait")
    assert vm.command(f"mce-inject bank=9 status=0x9c0000000000009f addr=0 misc=0x8c poll "
                      f"ctx=user:{pid}") == "mce-inject: ctx=user:PID needs raise; nothing injected"
    vm.command(f"kill {pid} 9")


def test_software_poisoned_user_page_can_be_unpoisoned(boot_vm):
    vm = boot_vm()  # no hardware error may have happened before
    _, out = run_victim(vm, "late", "madvise")
    pfn = re.search(r"Injecting memory failure for pfn (0x[0-9a-f]+)", out).group(1)
    assert vm.meminfo()["HardwareCorrupted"] == 4
    out = vm.command(f"hwpoison unpoison-pfn {pfn}")
    assert f"Unpoison: Software-unpoisoned page {pfn}" in out
    assert vm.meminfo()["HardwareCorrupted"] == 0
    assert "hwpoison" not in vm.command(f"page {pfn}")


@pytest.mark.parametrize("mode", ["early", "late"])
def test_page_of_a_vfork_child_and_its_parent_each_told_once(vm, mode):
    """A vfork child borrows its parent's mm: two processes map the page
    through one address space (memory-failure finds both on the mm's task
    list). Poisoned by the child with early kill, each is told once, in
    its own thread, as Linux does; with late kill nobody is told at once."""
    out = vm.command(f"run victim {mode} vfork", timeout=20)
    parent = int(re.search(r"victim: pid (\d+) page", out).group(1))
    m = re.search(r"victim: vfork child (\d+) exited with status (\d+)", out)
    assert m, out
    child = int(m.group(1))
    told = re.findall(r"Sending SIGBUS to victim:(\d+) due to hardware memory corruption", out)
    signals = re.findall(r"victim: SIGBUS (BUS_MCEERR_A[OR]) si_addr=\S+ page\+(\d+) "
                         r"addr_lsb=12 pid=(\d+)", out)
    if mode == "early":
        assert sorted(told) == sorted([str(parent), str(child)])
        assert sorted(signals) == sorted([("BUS_MCEERR_AO", "0", str(parent)),
                                          ("BUS_MCEERR_AO", "0", str(child))])
        assert m.group(2) == "0"
    else:
        assert told == [] and signals == []
        assert m.group(2) == "1"
    assert "exited with status 0" in out


@pytest.mark.parametrize("sharing", ["private", "shared"])  # copy-on-write / MAP_SHARED
def test_page_shared_by_late_parent_and_early_child(vm, sharing):
    out = vm.command(f"run victim late fork {sharing}", timeout=20)
    parent = int(re.search(r"victim: pid (\d+) page", out).group(1))
    child = int(re.search(r"victim: child (\d+) ready", out).group(1))
    told = re.findall(r"Sending SIGBUS to victim:(\d+) due to hardware memory corruption", out)
    assert told == [str(child)]  # only the early child, at once
    signals = re.findall(r"victim: SIGBUS (BUS_MCEERR_A[OR]) si_addr=\S+ page\+(\d+) "
                         r"addr_lsb=12 pid=(\d+)", out)
    assert ("BUS_MCEERR_AO", "0", str(child)) in signals
    assert ("BUS_MCEERR_AR", "100", str(parent)) in signals  # when the parent touches it
    assert ("BUS_MCEERR_AR", "100", str(child)) in signals
    assert not any(kind == "BUS_MCEERR_AO" and pid == str(parent) for kind, _, pid in signals)
    assert "victim: child exited with status 0" in out


def test_mlocked_page_behaves_the_same(vm):
    _, out = run_victim(vm, "late", "mlock")
    assert "Sending SIGBUS" not in out
    assert sigbus_lines(out) == [("BUS_MCEERR_AR", "100", "12")] * 2
    assert out.endswith("victim exited with status 0")


def wait_until_user_mode(vm, tries=200):
    """Ask QEMU until the CPU is running user code (CPL 3) twice in a row."""
    in_user = 0
    for _ in range(tries):
        in_user = in_user + 1 if "CPL=3" in vm.hmp("info registers") else 0
        if in_user == 2:
            return
    raise AssertionError("the CPU never settled in user mode")


def test_qemu_action_required_while_the_victim_spins(vm):
    """QEMU's own #MC, action required, while the victim runs in user mode.
    The victim must really be there: it says so from user space once the
    console is idle (SIGUSR1), and QEMU confirms CPL 3; after that it only
    leaves user mode for the timer tick, a few hundred instructions every
    10 ms, so that is where the #MC lands."""
    pid, page, pfn = start_victim(vm, "late", "spin")
    since = vm.mark()
    vm.command(f"kill {pid} 10")
    vm.wait_for("victim: spinning", since=since)
    wait_until_user_mode(vm)
    since = vm.mark()
    assert vm.hmp(f"mce 0 1 0xbd80000000000134 0x6 {pfn << 12:#x} 0x86") == ""
    vm.wait_for(r"RIP 23:[0-9a-f]+ \(user mode\)", since=since)
    vm.wait_for(rf"Memory failure: {pfn:#x}: Sending SIGBUS to victim:{pid} due to hardware "
                "memory corruption", since=since)
    vm.wait_for(r"victim: SIGBUS BUS_MCEERR_AR si_addr=\S+ page\+0 addr_lsb=12", since=since)
    vm.wait_for("victim: recovered from reading the page", since=since)


def wait_until_asleep(vm, pid, tries=200):
    for _ in range(tries):
        if re.search(rf"^\s*{pid}\s+\d+\s+sleeping\s", vm.command("ps"), re.M):
            return
    raise AssertionError(f"process {pid} never went to sleep:\n" + vm.command("ps"))


def test_injection_for_a_process_that_exits_is_withdrawn(vm):
    """A process asleep for good never runs in user mode: its armed
    injection must not outlive it and block the bank."""
    pid = int(re.search(r"^\[(\d+)\] sleep$", vm.command("run sleep 1000 &"), re.M).group(1))
    wait_until_asleep(vm, pid)  # else it may still be on its way to nanosleep, in user mode
    since = vm.mark()
    assert "#MC when that process next runs in user mode" in \
        vm.command(f"inject srar 0x3100 user:{pid}")
    vm.command(f"kill {pid} 9")
    vm.wait_for(rf"mce-inject: process {pid} is gone: injection withdrawn", since=since)
    # The bank is free again; the poller empties it once more.
    since = vm.mark()
    assert "left for the poller" in vm.command("inject ce 0x3100")
    vm.wait_for(r"Machine Check: 0 Bank 9: 9c0000000000009f", timeout=15, since=since)


def test_action_required_on_a_poisoned_frame_the_process_never_mapped(vm):
    """Bug 5: the consumed frame was poisoned before and the process has no
    mapping of it, so there is no address to report. Linux 6.1 logs
    "Memory error not recovered" and sends a plain SIGBUS (SI_KERNEL)."""
    pid, page, pfn = start_victim(vm, "late", "spin")
    other = 0x3200
    assert "free buddy page: Recovered" in vm.command(f"hwpoison corrupt-pfn {other:#x}")
    since = vm.mark()
    vm.command(f"inject srar {other:#x} user:{pid}")
    vm.wait_for(rf"Memory failure: {other:#x}: already hardware poisoned", since=since)
    vm.wait_for(r"mce: Memory error not recovered", since=since)
    vm.wait_for(r"victim: SIGBUS other si_addr=\S+ page\+\S+ addr_lsb=0", since=since)
    vm.command(f"kill {pid} 9")

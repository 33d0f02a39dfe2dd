"""Swap (mm/swapfile.c, mm/swapon.c, mm/swap_state.c, mm/page_io.c,
mm/swap_fault.c) on a 64 MiB machine with a 400 MiB swap disk made by
Debian's mkswap as vdb, which the kernel turns on at boot: anonymous
memory three times the RAM, every page checked, shared across fork;
/proc/swaps, meminfo and free; swapon and swapoff (system calls and
busybox's applets), also under load and when the pages cannot fit; no
writes to an active swap file or disk (ETXTBSY, O_EXCL: EBUSY); a
swap file on the ext2 disk (which e2fsck finds clean afterwards); the
pagemap's swap entries; and disk errors: a slot that fails to write loses
nothing, a slot that fails to read means SIGBUS (BUS_ADRERR) for the
page's owner and nothing else. user/swaptest.c and user/swapontest.c do
the work in the guest (both run unchanged on Linux)."""
import re
import subprocess

import pytest

from machine import EXIT_POWEROFF, Machine

MiB = 1024 * 1024
MEM = "64M"
SWAP = 400 * MiB
SWAP_KB = SWAP // 1024 - 4            # less the header page
BUS_ADRERR = 2
SWAPS_HEADING = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority"
TIMEOUT = 240                          # a workload of 3x RAM under TCG, loaded host


@pytest.fixture(scope="module")
def swap_vm():
    machine = Machine(mem=MEM, swap=SWAP)
    try:
        machine.boot()
        yield machine
    finally:
        machine.close()


def swaps(vm):
    out = vm.command("run /bin/cat /proc/swaps")
    return [line for line in out.splitlines() if not line.startswith("[")]


def vdb_line(used_kb=None):
    """/proc/swaps' line for vdb as Linux 6.1 prints it (a regex)."""
    used = r"\d+" if used_kb is None else str(used_kb)
    # The default priority is -2 at boot; after a failed swapoff it can be
    # -1 (Linux's least_priority is not put back then either).
    return r"^/dev/vdb {32}partition\t%d\t\t%s\t+-[12]$" % (SWAP_KB, used)


def test_boot_turns_the_swap_disk_on(swap_vm):
    assert re.search(r"Adding %dk swap on /dev/vdb\.  Priority:-2 extents:1 across:%dk"
                     % (SWAP_KB, SWAP_KB), swap_vm.transcript)
    lines = swaps(swap_vm)
    assert lines[0] == SWAPS_HEADING
    assert re.match(vdb_line(), lines[1]), lines
    meminfo = swap_vm.command("run /bin/cat /proc/meminfo")
    assert re.search(r"^SwapTotal: +%d kB$" % SWAP_KB, meminfo, re.M), meminfo
    assert re.search(r"^SwapFree: +\d+ kB$", meminfo, re.M)
    assert re.search(r"^SwapCached: +\d+ kB$", meminfo, re.M)
    free = swap_vm.command("run /bin/free")
    assert re.search(r"^Swap: +%d +\d+ +\d+$" % SWAP_KB, free, re.M), free


def test_three_times_ram_with_fork_loses_nothing(swap_vm):
    before = swap_vm.vmstat()
    out = swap_vm.command("run swaptest", timeout=TIMEOUT)
    after = swap_vm.vmstat()
    # Three times MemTotal, whatever the initramfs leaves of the 64 MiB.
    filled = re.search(r"^swaptest: (1[6-8]\d) MiB filled$", out, re.M)
    assert filled, out
    pages = int(filled.group(1)) * 256
    assert "swaptest: child checked %d pages, 0 bad" % pages in out, out
    assert "swaptest: parent checked %d pages twice, 0 bad" % pages in out, out
    assert out.endswith("swaptest: OK\n[%s] swaptest exited with status 0"
                        % re.search(r"\[(\d+)\] swaptest exited", out).group(1)), out
    # /proc/vmstat's swap counters: what did not fit in the 64 MiB went
    # out at least once and came back for the checks (three passes, a
    # clean page may be read more often than written); every swap-in that
    # found no page in the swap cache was a major fault, which reads at
    # least its own page.
    moved = {name: after[name] - before[name] for name in ("pswpin", "pswpout", "pgmajfault")}
    beyond_ram = pages - 64 * 256
    assert beyond_ram <= moved["pswpout"] <= 10 * pages, moved
    assert beyond_ram <= moved["pswpin"] <= 10 * pages, moved
    assert 0 < moved["pgmajfault"] <= moved["pswpin"], moved
    # Its slots were given back when it exited (the few left are init's).
    used = int(re.search(r"partition\t\d+\t+(\d+)", "\n".join(swaps(swap_vm))).group(1))
    assert used < 1024, swaps(swap_vm)


def test_pagemap_shows_swapped_pages(swap_vm):
    out = swap_vm.command("run swaptest pagemap 100", timeout=TIMEOUT)
    match = re.search(r"pagemap: (\d+) of 25600 pages swapped, first type (\d+) offset (\d+)",
                      out)
    assert match, out
    assert int(match.group(1)) > 25600 // 3 and match.group(2) == "0" and int(match.group(3)) > 0
    assert "swaptest: OK" in out, out


def test_swapon_swapoff_system_calls(swap_vm):
    for line in ("run /bin/dd if=/dev/zero of=/home/swapfile bs=1M count=8",
                 "run /bin/mkswap /home/swapfile", "run /bin/truncate -s 8M /home/holes",
                 "run /bin/mkswap /home/holes"):
        assert "exited with status 0" in swap_vm.command(line, timeout=60)
    out = swap_vm.run_suite("swapontest /dev/vdb /home/swapfile /home/holes")
    assert "swapontest: 0 failed" in out
    # The active swap disk is swap's: busybox's dd cannot write over it.
    out = swap_vm.command("run /bin/dd if=/dev/zero of=/dev/vdb bs=4096 seek=1 count=1 "
                          "conv=notrunc")
    assert "Text file busy" in out and "exited with status 1" in out, out
    log = swap_vm.command("log")
    assert "swapon: swapfile has holes" in log
    assert "Unable to find swap-space signature" in log
    swap_vm.command("run /bin/rm /home/swapfile /home/holes")


def start(vm, command):
    out = vm.command("run %s &" % command)
    return int(re.search(r"^\[(\d+)\] swaptest$", out, re.M).group(1))


def stop(vm, pid):
    """SIGTERM to a `swaptest loop`: its verdict."""
    vm.command("kill %d" % pid)
    return vm.wait_for(r"swaptest: (\d+) passes, (OK|FAIL)", timeout=TIMEOUT)


def test_swapoff_under_load_brings_every_page_back(swap_vm):
    # The workload sends all of its pages to swap after each pass over
    # them, and the next pass brings them back: swapoff runs while they
    # come and go.
    pid = start(swap_vm, "swaptest loop 24")
    swap_vm.wait_for(r"24 MiB filled, checking", timeout=TIMEOUT)
    swap_vm.wait_for(r"swaptest: paged out after the first pass", timeout=TIMEOUT)
    assert swap_used_kb(swap_vm) > 8 * 1024, swaps(swap_vm)
    out = swap_vm.command("run /bin/swapoff /dev/vdb", timeout=TIMEOUT)
    assert re.search(r"swapoff exited with status 0", out), out
    assert swaps(swap_vm) == [SWAPS_HEADING]
    assert re.search(r"^SwapTotal: +0 kB$", swap_vm.command("run /bin/cat /proc/meminfo"), re.M)
    passes = stop(swap_vm, pid)
    assert passes.group(2) == "OK" and int(passes.group(1)) >= 1, passes.group(0)
    out = swap_vm.command("run /bin/swapon /dev/vdb")
    assert re.search(r"Adding %dk swap on /dev/vdb\.  Priority:-[12] " % SWAP_KB, out), out
    assert re.match(vdb_line(), swaps(swap_vm)[1])


def test_swapoff_fails_with_enomem_when_pages_cannot_fit(swap_vm):
    pid = start(swap_vm, "swaptest loop 96")
    swap_vm.wait_for(r"96 MiB filled, checking", timeout=TIMEOUT)
    out = swap_vm.command("run /bin/swapoff /dev/vdb", timeout=TIMEOUT)
    assert "swapoff: /dev/vdb: Cannot allocate memory" in out, out
    assert re.match(vdb_line(), swaps(swap_vm)[1])   # still on
    passes = stop(swap_vm, pid)
    assert passes.group(2) == "OK", passes.group(0)


def test_read_error_is_sigbus_for_the_owner_only(swap_vm):
    pid = start(swap_vm, "swaptest readerr 64")
    slot = int(swap_vm.wait_for(r"page 4096 in swap slot (\d+);", timeout=TIMEOUT).group(1))
    try:
        swap_vm.command("blk fail vdb %d 8 read" % (slot * 8))
        since = swap_vm.mark()
        swap_vm.command("kill %d 10" % pid)   # SIGUSR1: touch the pages now
        swap_vm.wait_for(r"swaptest: SIGBUS si_code %d at that page" % BUS_ADRERR,
                         timeout=TIMEOUT)
        swap_vm.wait_for(r"swaptest: other pages: 0 bad", timeout=TIMEOUT)
        assert swap_vm.job_end(pid, since, timeout=TIMEOUT) == "exited with status 0"
    finally:
        swap_vm.command("blk heal vdb")
    assert re.search(r"Read-error on swap-device \(254:16:%d\)" % (slot * 8),
                     swap_vm.command("log"))


def swapon_vdb(vm):
    out = vm.command("run /bin/swapon /dev/vdb")
    # (The default priority depends on the swapons and swapoffs before.)
    assert re.search(r"Adding %dk swap on /dev/vdb\.  Priority:-\d+ " % SWAP_KB, out), out


def test_swapoff_over_an_unreadable_slot_leaves_a_swapin_error_entry(swap_vm):
    """As Linux 6.1's unuse_pte: a slot swapoff cannot read becomes a
    swap-in error entry, swapoff succeeds, and the owner gets SIGBUS
    BUS_ADRERR at that page only."""
    since = swap_vm.mark()
    pid = start(swap_vm, "swaptest readerr 40")
    slot = int(swap_vm.wait_for(r"page 2560 in swap slot (\d+);", timeout=TIMEOUT).group(1))
    swap_vm.command("blk fail vdb %d 8 read" % (slot * 8))
    try:
        out = swap_vm.command("run /bin/swapoff /dev/vdb", timeout=TIMEOUT)
    finally:
        swap_vm.command("blk heal vdb")
    try:
        assert "swapoff exited with status 0" in out, out
        assert swaps(swap_vm) == [SWAPS_HEADING]
        swap_vm.command("kill %d 10" % pid)   # SIGUSR1: touch the pages now
        swap_vm.wait_for(r"swaptest: SIGBUS si_code %d at that page" % BUS_ADRERR,
                         timeout=TIMEOUT)
        swap_vm.wait_for(r"swaptest: other pages: 0 bad", timeout=TIMEOUT)
        assert swap_vm.job_end(pid, since, timeout=TIMEOUT) == "exited with status 0"
    finally:
        swapon_vdb(swap_vm)
    assert re.search(r"Read-error on swap-device \(254:16:%d\)" % (slot * 8),
                     swap_vm.command("log"))


def test_shmem_pages_whose_slots_fail_to_read_stay_lost(boot_vm):
    """As Linux 6.1's shmem_set_folio_swapin_error: a tmpfs page whose
    slot fails to read is EIO (read, write) or SIGBUS BUS_ADRERR (an
    access) then and ever after - never stale data, never a page that
    quietly comes back - while every other page reads right; its slot is
    freed (swapoff succeeds), and truncation makes it a hole. (A machine
    of its own: its many Read-error lines use up the log's rate limit,
    which the other tests' lines would then miss.)"""
    swap_vm = boot_vm(mem=MEM, swap=SWAP)
    free_before = swap_vm.memory_in_use()["MemFree"]
    since = swap_vm.mark()
    out = swap_vm.command("run shmswaptest readerr 24 &")
    pid = int(re.search(r"^\[(\d+)\] shmswaptest$", out, re.M).group(1))
    swap_vm.wait_for(r"shmswaptest: readerr ready; waiting for SIGUSR1", timeout=TIMEOUT)
    swap_vm.command("blk fail vdb 0 %d read" % (SWAP // 512))   # every read of the disk
    try:
        swap_vm.command("kill %d 10" % pid)
        during = swap_vm.wait_for(r"shmswaptest: while reads fail (\d+) pages EIO, "
                                  r"(\d+) read right, (\d+) bad", timeout=TIMEOUT)
        swap_vm.wait_for(r"shmswaptest: reads failed; waiting for SIGUSR1", timeout=TIMEOUT)
    finally:
        swap_vm.command("blk heal vdb")
    eio = int(during.group(1))
    assert eio > 0 and during.group(3) == "0", during.group(0)
    out = swap_vm.command("run /bin/swapoff /dev/vdb", timeout=TIMEOUT)
    try:
        assert "swapoff exited with status 0" in out, out
        swap_vm.command("kill %d 10" % pid)
        lost = swap_vm.wait_for(r"after healing (\d+) pages still fail: SIGBUS BUS_ADRERR at "
                                r"(\d+), EIO for write at (\d+)\r?\n", timeout=TIMEOUT)
        assert lost.groups() == (str(eio),) * 3, lost.group(0)
        swap_vm.wait_for(r"after truncation the lost pages read as zeros", timeout=TIMEOUT)
        verdict = swap_vm.wait_for(r"shmswaptest: (OK|FAIL.*)\r?\n", timeout=TIMEOUT)
        assert verdict.group(1) == "OK", verdict.group(0)
        assert swap_vm.job_end(pid, since, timeout=TIMEOUT) == "exited with status 0"
    finally:
        swapon_vdb(swap_vm)
    assert "Read-error on swap-device (254:16:" in swap_vm.command("log")
    # The lost pages' frames went back (one is 4 kB; there were thousands).
    assert swap_vm.memory_in_use()["MemFree"] >= free_before - 1024


@pytest.mark.parametrize("workload", ["swaptest 100", "shmswaptest 24"])
def test_write_errors_mark_slots_bad_and_keep_the_pages(boot_vm, workload):
    """Anonymous pages, and tmpfs, shared-anonymous and SysV pages: a page
    whose slot fails to write stays in memory, and every page checks out."""
    m = boot_vm(mem=MEM, swap=SWAP)
    m.command("blk fail vdb 8 64 write")    # slots 1-8: the first handed out
    out = m.command("run %s" % workload, timeout=TIMEOUT)
    assert "%s: OK" % workload.split()[0] in out, out
    assert "Write-error on swap-device (254:16:8)" in m.command("log")
    # A failed slot is out of use for good once its page has left it (a
    # page still counted by some PTE keeps its slot until then): up to 8
    # pages less swap.
    size = int(re.match(r"^/dev/vdb {32}partition\t(\d+)\t", swaps(m)[1]).group(1))
    assert SWAP_KB - 32 <= size < SWAP_KB, swaps(m)


def test_swap_file_on_ext2(boot_vm):
    m = boot_vm(mem=MEM)
    for line in ("run /bin/dd if=/dev/zero of=/swapfile bs=1M count=40",
                 "run /bin/mkswap -L antidote-swap /swapfile"):
        assert "exited with status 0" in m.command(line, timeout=120)
    out = m.command("run /bin/swapon /swapfile")
    assert re.search(r"Adding 40956k swap on /swapfile\.  Priority:-\d+ extents:\d+ across:\d+k", out)
    assert re.match(r"^/swapfile {31}file\t\t40956\t\t0\t\t-2$", swaps(m)[1]), swaps(m)
    assert "swaptest: OK" in m.command("run swaptest pagemap 80", timeout=TIMEOUT)
    assert "exited with status 0" in m.command("run /bin/swapoff /swapfile", timeout=TIMEOUT)
    m.command("run /bin/sync")
    m.send("poweroff\r")
    m.expect_exit(EXIT_POWEROFF)
    fsck = subprocess.run(["e2fsck", "-fn", str(m.disk_path)], capture_output=True, text=True,
                          timeout=60)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def swap_used_kb(vm):
    return int(re.search(r"partition\t\d+\t+(\d+)", "\n".join(swaps(vm))).group(1))


def test_shmem_larger_than_ram_swaps_out_and_back(swap_vm):
    """A tmpfs file, a MAP_SHARED|MAP_ANONYMOUS area and a SysV segment,
    24 MiB each (more than the RAM together), go to swap and come back
    right in both processes of a fork; removing them frees their slots."""
    before = swap_used_kb(swap_vm)
    out = swap_vm.command("run shmswaptest 24", timeout=TIMEOUT)
    used = int(re.search(r"^shmswaptest: swap used (\d+) kB$", out, re.M).group(1))
    assert used > before + 8 * 1024, out           # shmem pages went to swap
    for who in ("child", "parent"):
        for area in ("tmpfs", "shared-anon", "sysv-shm"):
            assert "shmswaptest: %s checked 6144 %s pages, 0 bad" % (who, area) in out, out
        assert "shmswaptest: %s read 6144 tmpfs pages, 0 bad" % who in out, out
    assert "shmswaptest: partial truncation right" in out, out
    assert "shmswaptest: OK" in out, out
    after = int(re.search(r"swap used (\d+) kB after removing them", out).group(1))
    assert after < before + 1024, out               # truncate, unlink, IPC_RMID freed them
    meminfo = swap_vm.command("run /bin/cat /proc/meminfo")
    assert int(re.search(r"^Shmem: +(\d+) kB$", meminfo, re.M).group(1)) < 4096, meminfo


def test_swapoff_brings_shmem_pages_back(swap_vm):
    pid = int(re.search(r"^\[(\d+)\] shmswaptest$",
                        swap_vm.command("run shmswaptest hold 8 &"), re.M).group(1))
    swap_vm.wait_for(r"shmswaptest: filled; waiting for SIGUSR1", timeout=TIMEOUT)
    # A second workload pushes the shmem pages out to swap, then exits
    # (40 MiB and the holder's 24 are more than the RAM).
    assert "swaptest: OK" in swap_vm.command("run swaptest 40", timeout=TIMEOUT)
    assert swap_used_kb(swap_vm) > 8 * 1024, swaps(swap_vm)
    out = swap_vm.command("run /bin/swapoff /dev/vdb", timeout=TIMEOUT)
    assert re.search(r"swapoff exited with status 0", out), out
    assert swaps(swap_vm) == [SWAPS_HEADING]
    swap_vm.command("kill %d 10" % pid)   # SIGUSR1: check every page now
    verdict = swap_vm.wait_for(r"shmswaptest: (OK|FAIL.*)\r?\n", timeout=TIMEOUT)
    assert verdict.group(1) == "OK", verdict.group(0)
    swapon_vdb(swap_vm)

"""Transparent huge pages for anonymous memory (user/thptest.c,
mm/huge_memory.c): the fault, fork and copy-on-write, splitting, the
sysfs knobs, and one poisoned 4 KiB frame of a huge page. And
/proc/PID/smaps (user/smapstest.c), which reports them per area.

The tests share one VM; the one that poisons a frame says so.
"""
import re

import pytest

from machine import Machine

THP = "/sys/kernel/mm/transparent_hugepage"


def cat(vm, path):
    out = vm.command(f"run /bin/cat {path}")
    assert out.endswith("cat exited with status 0"), out
    return out.splitlines()[-2]  # (kernel log lines may come first)


def test_the_knobs_show_debians_defaults(vm):
    """Debian 12's Linux 6.1 is built with TRANSPARENT_HUGEPAGE_ALWAYS;
    defrag is Linux's default."""
    assert cat(vm, f"{THP}/enabled") == "[always] madvise never"
    assert cat(vm, f"{THP}/defrag") == "always defer defer+madvise [madvise] never"


def test_huge_pages_fault_fork_and_split(vm):
    """thptest's checks: 512 contiguous frames from one fault, kpageflags
    THP, AnonHugePages and the vmstat counters, copy-on-write of one
    4 KiB after fork, partial munmap / mprotect / MADV_DONTNEED, and
    MADV_NOHUGEPAGE; nothing leaks. (The first run caches the program
    and fills the slabs: only what the second takes must come back.)"""
    out = vm.run_suite("thptest")
    assert "ok: fork: the parent's 512 pages are as it wrote them" in out
    assert vm.meminfo()["AnonHugePages"] == 0
    before = vm.memory_in_use()
    vm.run_suite("thptest")
    assert vm.memory_in_use() == before


def test_vm_shows_a_huge_page_whole(vm):
    """The console's `vm PID` shows a huge page on one line, its 512
    frames and its PMD mapping count: looking does not split it."""
    since = vm.mark()
    vm.command("run thptest hold &")
    m = vm.wait_for(r"thptest: pid (\d+) holds 0x([0-9a-f]+)\s", since=since)  # the whole number
    pid, addr = m.group(1), int(m.group(2), 16)
    try:
        table = vm.command(f"vm {pid}")
        line = re.search(rf"^  0x0*{addr:x} pfn (0x[0-9a-f]+)-(0x[0-9a-f]+) huge rw "
                         r"\(([^)]*)\) mapcount 1$", table, re.M)
        assert line, table
        first, last = int(line.group(1), 16), int(line.group(2), 16)
        assert first % 512 == 0 and last == first + 511
        assert "anon" in line.group(3).split(",") and "head" in line.group(3).split(",")
        assert "huge" in vm.command(f"vm {pid}")  # still whole
    finally:
        vm.command(f"kill {pid} 9")
        vm.command("run sleep 0")  # (the console reports the job's end)


def test_a_poisoned_frame_costs_only_its_4k(vm):
    """Poisons one frame and soft-offlines another. memory_failure splits
    the huge page first (Linux: try_to_split_thp_page) and takes away only
    that frame: a read of it is SIGBUS BUS_MCEERR_AR with addr_lsb 12, and
    the other 511 pages read back intact. Soft offline splits too, and
    moves only its page."""
    before = vm.meminfo()["HardwareCorrupted"]
    out = vm.run_suite("thptest poison")
    assert re.search(r"Memory failure: 0x[0-9a-f]+: recovery action for dirty LRU page: "
                     r"Recovered", out)
    assert "ok: the other 511 pages read back intact" in out
    assert "ok: soft offline: all 512 pages intact, the others in their frames" in out
    assert vm.meminfo()["HardwareCorrupted"] == before + 8  # and soft offline's frame


def test_smaps_counts_what_each_area_holds(vm):
    """smapstest reads its own smaps: written pages are Private_Dirty,
    fork makes them Shared_Dirty with half the Pss, a huge page is
    `AnonHugePages:      2048 kB` (as Linux's khugepaged selftest parses
    it), hugetlb pages are Private_Hugetlb or, mapped twice,
    Shared_Hugetlb; smaps_rollup adds the areas up."""
    out = vm.run_suite("smapstest")
    assert "ok: one write: khugepaged's check_huge_anon finds the huge page" in out
    assert "ok: after fork: Shared_Hugetlb 2048 kB" in out


def test_smaps_of_another_process(vm):
    """Another process's smaps, as busybox cat reads it: thptest's held
    huge page, Linux's lines."""
    since = vm.mark()
    vm.command("run thptest hold &")
    m = vm.wait_for(r"thptest: pid (\d+) holds 0x([0-9a-f]+)\s", since=since)
    pid, addr = m.group(1), int(m.group(2), 16)
    try:
        out = vm.command(f"run /bin/cat /proc/{pid}/smaps")
        block = re.search(rf"^0*{addr:x}-.*?^VmFlags:.*$", out, re.M | re.S)
        assert block, out
        assert re.search(r"^AnonHugePages: {6}2048 kB$", block.group(0), re.M), block.group(0)
        assert re.search(r"^THPeligible: {4}1$", block.group(0), re.M), block.group(0)
        assert re.search(r"^VmFlags: rd wr .*\bhg\b", block.group(0), re.M), block.group(0)
    finally:
        vm.command(f"kill {pid} 9")
        vm.command("run sleep 0")  # (the console reports the job's end)


@pytest.fixture(scope="module")
def swap_vm():
    machine = Machine(swap=64 * 1024 * 1024)
    try:
        machine.boot()
        yield machine
    finally:
        machine.close()


def test_pageout_of_a_huge_page_swaps_all_of_it(swap_vm):
    """MADV_PAGEOUT of a whole huge page hands it to reclaim whole, which
    splits it (swap holds 4 KiB pages) and writes all 512; they come back
    intact."""
    out = swap_vm.run_suite("thptest pageout")
    assert "ok: MADV_PAGEOUT: all 512 pages were written to swap" in out


def test_smaps_shows_pages_on_swap(swap_vm):
    """Pages MADV_PAGEOUT wrote out are Swap, their SwapPss shared with a
    child that holds the same slots; shared memory's are Swap only."""
    out = swap_vm.run_suite("smapstest swap")
    assert "ok: after fork: SwapPss 16 kB, half ours" in out
    assert "ok: shared, on swap: Swap 32 kB" in out

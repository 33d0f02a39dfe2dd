"""Memory errors on swap-cache pages (mm/memory-failure.c's
me_swapcache_dirty and me_swapcache_clean, mm/hwpoison-kill.c,
mm/swap_fault.c), as Linux 6.1: a 64 MiB machine with a 256 MiB swap
disk; user/mfswap.c (which runs unchanged on Linux) fills 80 MiB, every
word checksummed, and poisons with MADV_HWPOISON, in early-kill mode:

- a page swapped back in by a read (clean swap-cache page): Recovered,
  nobody told, the data read back from swap;
- one swapped in and written (dirty swap-cache page): Delayed, kept in
  the swap cache; the writer and a forked child sharing it are told (AO)
  and get SIGBUS BUS_MCEERR_AR at every access, although their PTEs are
  ordinary swap entries;
- one out in swap: brought in, then as the clean one;
- swapoff with the dirty page's owner alive: SIGBUS BUS_ADRERR for that
  page (Linux 6.1's swap-in error entry), every other page comes in.

The kernel's lines, meminfo's HardwareCorrupted, and the poisoned frames
after a workload that needs all of memory are checked here."""
import re

import pytest

from machine import Machine

MiB = 1024 * 1024
TIMEOUT = 120


@pytest.fixture(scope="module")
def mfswap():
    """A fresh machine (the frames stay poisoned) that ran mfswap once:
    (machine, its output, the pids of parent and child, the three frames
    clean, dirty and swapped-out in that order)."""
    machine = Machine(mem="64M", swap=256 * MiB)
    try:
        machine.boot()
        out = machine.command("run mfswap 80 /dev/vdb", timeout=TIMEOUT)
        pfns = re.findall(r"Injecting memory failure for pfn (0x[0-9a-f]+) at process virtual "
                          r"address 0x[0-9a-f]+$", out, re.M)
        pids = re.findall(r"Sending SIGBUS to mfswap:(\d+) due to hardware memory corruption",
                          out)
        yield machine, out, pids, pfns
    finally:
        machine.close()


def test_mfswap_passes(mfswap):
    _, out, _, _ = mfswap
    lines = [line for line in out.splitlines() if line.startswith("mfswap:")]
    expected = [
        r"mfswap: 80 MiB filled",
        r"mfswap: clean: page \d+ read in: pfn 0x[0-9a-f]+ swapcache 1",
        r"mfswap: clean: poisoned: swapped 1 hwpoison 1 swapcache 0",
        r"mfswap: clean: read again: data ok, pfn 0x[0-9a-f]+, signals 0",
        r"mfswap: dirty: page \d+ read in and written: pfn 0x[0-9a-f]+ swapcache 1",
        r"mfswap: dirty: poisoned: swapped 1 hwpoison 1 swapcache 1",
        r"mfswap: parent: SIGBUS BUS_MCEERR_AO si_addr=page\+0 addr_lsb=12",
        r"mfswap: parent: SIGBUS BUS_MCEERR_AR si_addr=page\+96 addr_lsb=12",
        r"mfswap: parent: SIGBUS BUS_MCEERR_AR si_addr=page\+96 addr_lsb=12",
        r"mfswap: dirty: madvise again: Bad address",
        r"mfswap: child: SIGBUS BUS_MCEERR_AO si_addr=page\+0 addr_lsb=12",
        r"mfswap: child: SIGBUS BUS_MCEERR_AR si_addr=page\+96 addr_lsb=12",
        r"mfswap: swapped: poisoned page \d+: swapped 1",
        r"mfswap: swapped: read: data ok, signals 0",
        r"mfswap: 18431 other pages checked, 0 bad",
        r"mfswap: swapoff /dev/vdb: 511 pages in, 0 bad; the poisoned one: SIGBUS BUS_ADRERR",
        r"mfswap: swapoff: its pagemap: swapped 1 type 31 offset 0x[0-9a-f]+",
        r"mfswap: OK",
    ]
    assert len(lines) == len(expected), out
    for line, pattern in zip(lines, expected):
        assert re.fullmatch(pattern, line), f"{line!r} !~ {pattern!r}\n{out}"
    assert re.search(r"\[\d+\] mfswap exited with status 0$", out), out
    # swapoff's swap-in error entry names the dirty page's frame.
    dirty = re.search(r"dirty: page \d+ read in and written: pfn (\S+) ", out).group(1)
    assert f"its pagemap: swapped 1 type 31 offset {dirty}\n" in out, out
    # A clean page's new frame is not the poisoned one.
    clean = re.search(r"clean: page \d+ read in: pfn (\S+) .*\n(?:.*\n)*?.*read again: data ok, "
                      r"pfn (\S+),", out)
    assert clean and clean.group(1) != clean.group(2), out


def test_kernel_says_what_became_of_each_page(mfswap):
    _, out, pids, pfns = mfswap
    assert len(pfns) == 3 == len(set(pfns)), out
    clean, dirty, swapped = pfns
    for pfn in pfns:
        assert re.search(rf"Memory failure: {pfn}: keeping poisoned page in swap cache$", out,
                         re.M), out
    for pfn in (clean, swapped):
        assert re.search(rf"Memory failure: {pfn}: recovery action for clean swapcache page: "
                         rf"Recovered$", out, re.M), out
    assert re.search(rf"Memory failure: {dirty}: recovery action for dirty swapcache page: "
                     rf"Delayed$", out, re.M), out
    # Told: the dirty page's two owners, early, once each; nobody else.
    assert len(pids) == 2 == len(set(pids)), out
    assert len(re.findall(rf"Memory failure: {dirty}: Sending SIGBUS to mfswap:", out)) == 2, out
    parent, child = pids
    kills = re.findall(r"MCE: Killing mfswap:(\d+) due to hardware memory corruption fault at "
                       r"([0-9a-f]+)$", out, re.M)
    assert [pid for pid, _ in kills] == [parent, parent, child], out
    assert len({addr for _, addr in kills}) == 1 and kills[0][1].endswith("060"), out


def test_hardware_corrupted_counts_three_pages(mfswap):
    machine, _, _, _ = mfswap
    assert machine.meminfo()["HardwareCorrupted"] == 12


def test_swapoff_then_swapon_again(mfswap):
    machine, out, _, _ = mfswap
    assert len(re.findall(r"Adding 262140k swap on /dev/vdb\.  Priority:-2 ", machine.transcript)) \
        == 2, out
    swaps = machine.command("run /bin/cat /proc/swaps")
    used = re.search(r"^/dev/vdb +partition\t262140\t+(\d+)\t+-2$", swaps, re.M)
    assert used and int(used.group(1)) < 1024, swaps


def test_poisoned_frames_are_never_handed_out_again(mfswap):
    """A workload that needs all of memory and swap runs clean; the three
    frames stay poisoned, held by memory_failure, mapped by nobody."""
    machine, _, _, pfns = mfswap
    out = machine.command("run swaptest 80", timeout=TIMEOUT)
    assert "swaptest: parent checked 20480 pages twice, 0 bad" in out, out
    assert re.search(r"swaptest: OK\n\[\d+\] swaptest exited with status 0$", out), out
    for pfn in pfns:
        page = machine.command(f"page {pfn}")
        flags = re.search(r"flags 0x[0-9a-f]+ \(([a-z,]+)\) refcount (\d+) mapcount (\d+)", page)
        assert flags, page
        names = flags.group(1).split(",")
        assert "hwpoison" in names and "lru" not in names and "swapcache" not in names, page
        assert flags.group(2, 3) == ("1", "0"), page

"""Reclaim under memory pressure (mm/vmscan.c), on a 64 MiB machine with
the ext2 disk as "/": files larger than the free memory fill the page
cache, then a program touches anonymous memory close to all of RAM. The
allocation succeeds because the cache gives its pages back - clean ones
dropped, dirty ones written first, mapped ones unmapped - and every byte
of the files still reads back, in the guest and, after the machine is
gone, from the disk image on the host (debugfs), which e2fsck finds
clean. Poisoned frames stay out of all of it. user/reclaimtest.c does
the work in the guest."""
import random
import re
import struct
import subprocess

import pytest

from machine import EXIT_POWEROFF

MiB = 1024 * 1024
PAGE = 4096
MEM = "64M"
MASK64 = (1 << 64) - 1


def pattern_page(seed, page, words=PAGE // 4):
    """Page `page` of user/reclaimtest.c's pattern for seed (its first
    `words` words)."""
    first = page * PAGE // 4
    out = []
    for i in range(first, first + words):
        x = (((i + 1) * 0x9e3779b97f4a7c15) & MASK64) ^ seed
        x ^= x >> 29
        x = (x * 0xbf58476d1ce4e5b9) & MASK64
        out.append((x ^ (x >> 32)) & 0xffffffff)
    return struct.pack("<%dI" % len(out), *out)


def debugfs_dump(image, path, out):
    done = subprocess.run(["debugfs", "-R", "dump %s %s" % (path, out), str(image)],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def assert_on_disk(image, path, mib, seed, tmp_path):
    """The file in the image holds the pattern: its first and last pages
    and a sample of the others (the guest compared every byte)."""
    data = debugfs_dump(image, path, tmp_path / "dump")
    assert len(data) == mib * MiB, "%s is %d bytes on the disk" % (path, len(data))
    pages = mib * MiB // PAGE
    for page in [0, pages - 1] + random.Random(seed).sample(range(pages), 24):
        assert data[page * PAGE:(page + 1) * PAGE] == pattern_page(seed, page), \
            "%s: page %d on the disk is not what was written" % (path, page)


def assert_fsck_clean(image):
    out = subprocess.run(["e2fsck", "-fn", str(image)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def vmstat(m):
    out = m.command("run proctest cat /proc/vmstat", timeout=30)
    return {k: int(v) for k, v in re.findall(r"^(\w+) (\d+)$", out, re.M)}


def run_ok(m, command, timeout=600):
    return m.run_suite("reclaimtest " + command, timeout=timeout)


def pressure_mib(m):
    """Anonymous memory that needs all the free memory and most of the
    page cache: close to all of RAM."""
    info = m.meminfo()
    mib = (info["MemFree"] + info["Cached"]) // 1024 - 8
    assert mib * 1024 > info["MemFree"] + 16 * 1024, info
    return mib


def test_clean_cache_is_reclaimed_for_anonymous_memory(boot_vm, tmp_path):
    m = boot_vm(mem=MEM)
    run_ok(m, "write /home/a 20 1")
    run_ok(m, "write /home/b 20 2")
    before = m.meminfo()
    assert before["Cached"] > 36 * 1024 and before["MemFree"] < 24 * 1024, before
    assert before["MemAvailable"] > before["MemFree"] + 30 * 1024, before
    run_ok(m, "anon %d" % pressure_mib(m))
    after = m.meminfo()
    assert after["Cached"] < before["Cached"] - 16 * 1024, (before, after)
    stat = vmstat(m)
    assert stat["pgsteal_direct"] > 16 * MiB // PAGE and stat["allocstall_normal"] > 0, stat
    assert stat["pgscan_direct"] >= stat["pgsteal_direct"], stat
    # Read again - from the disk, for what reclaim dropped.
    run_ok(m, "verify /home/a 20 1")
    run_ok(m, "verify /home/b 20 2")
    m.send("poweroff\r")
    m.expect_exit(EXIT_POWEROFF, timeout=120)
    assert_fsck_clean(m.disk_path)
    assert_on_disk(m.disk_path, "/home/a", 20, 1, tmp_path)
    assert_on_disk(m.disk_path, "/home/b", 20, 2, tmp_path)


def test_dirty_pages_are_written_under_pressure(boot_vm, tmp_path):
    """Dirty pages nobody else writes - the flusher's timer off, the dirty
    limits at 100% - reach the disk because reclaim writes them: the
    machine is then stopped as by a power cut, without a sync, and the
    disk has the new data in every page reclaim took."""
    m = boot_vm(mem=MEM)
    for setting in ["vm.dirty_background_ratio=100", "vm.dirty_ratio=100",
                    "vm.dirty_writeback_centisecs=0"]:
        m.command("sysctl " + setting)
    # Blocks allocated and the inode written (fsync), then new data over
    # the same blocks, not synced: only data pages are dirty.
    run_ok(m, "write /home/d 32 3")
    run_ok(m, "write /home/d 32 4 nosync")
    assert m.meminfo()["Dirty"] > 30 * 1024
    run_ok(m, "anon %d" % pressure_mib(m))
    assert vmstat(m)["nr_vmscan_write"] > 16 * MiB // PAGE
    run_ok(m, "verify /home/d 32 4")
    info = m.meminfo()
    assert info["Writeback"] == 0, info
    m.proc.kill()  # a power cut: what is only in memory is lost
    m.proc.wait(timeout=30)
    # Each page on the disk is the new data, or - if it was still dirty
    # in memory at the cut - the old; never anything else.
    data = debugfs_dump(m.disk_path, "/home/d", tmp_path / "dump")
    pages = 32 * MiB // PAGE
    old = 0
    for page in range(pages):
        head = data[page * PAGE:page * PAGE + 64]
        if head != pattern_page(4, page, 16):
            assert head == pattern_page(3, page, 16), "page %d on the disk is garbage" % page
            old += 1
    assert old <= info["Dirty"] // 4, (old, info)
    for page in random.Random(4).sample(range(pages), 16):
        if data[page * PAGE:page * PAGE + 64] == pattern_page(4, page, 16):
            assert data[page * PAGE:(page + 1) * PAGE] == pattern_page(4, page)
    assert_fsck_clean(m.disk_path)


@pytest.mark.parametrize("who", ["child", "self"])
def test_mapped_clean_pages_are_reclaimed_and_fault_back(boot_vm, who):
    """A process maps a file and reads all of it; then a child sharing the
    mapping - or the process itself - faults in anonymous memory that
    needs many of those pages. They are unmapped from every process while
    it faults, and the next access reads them in again, the same."""
    m = boot_vm(mem=MEM)
    run_ok(m, "write /home/m 24 5")
    info = m.meminfo()
    # The free memory and much of the mapped file.
    out = run_ok(m, "mapped /home/m 24 5 %d%s" % (info["MemFree"] // 1024 + 12,
                                                  " self" if who == "self" else ""))
    present = int(re.search(r"(\d+) of 6144 mapped pages still present", out).group(1))
    assert present < 6144 - 1024, out


def test_poisoned_frames_are_never_reclaimed_or_handed_out(boot_vm):
    """A frame poisoned while free and one poisoned while it held a clean
    page of a file stay out of the allocator through the pressure; the
    file's page is read again from the disk."""
    m = boot_vm(mem=MEM)
    run_ok(m, "write /home/p 32 6")
    out = m.command("run reclaimtest pfn /home/p 100", timeout=60)
    cache_pfn = int(re.search(r"pfn (0x[0-9a-f]+)", out).group(1), 16)
    free_pfn = m.free_pfn(0x2000)
    for pfn in (free_pfn, cache_pfn):
        out = m.command("hwpoison corrupt-pfn %#x" % pfn)
        assert "returned 0" in out, out
    m.wait_for(r"recovery action for clean LRU page: Recovered", since=0)
    run_ok(m, "anon %d" % pressure_mib(m))
    for pfn in (free_pfn, cache_pfn):
        out = m.command("page %#x" % pfn)
        assert re.search(r"flags 0x20000 \(hwpoison\) refcount 0 mapcount 0$", out), out
    run_ok(m, "verify /home/p 32 6")

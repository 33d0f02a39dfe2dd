"""LRU aging, the watermarks and kswapd (mm/vmscan.c, mm/watermark.c) on
a 64 MiB machine with the ext2 disk: a small file read twice stays in
memory while a file larger than all of RAM streams through the cache
(re-reading it needs no disk read), kswapd does that reclaim and its
counters say so, vm.min_free_kbytes moves the watermarks as Linux's
formula says, and MADV_COLD / MADV_PAGEOUT act on a mapped file's pages.
user/reclaimtest.c does the work in the guest."""
import re
import shutil
import subprocess

import pytest

from conftest import shared_vm
from machine import DEFAULT_DISK, Disk, Machine

MEM = "64M"
STREAM_MIB = 96  # half as much again as all of RAM


@pytest.fixture(scope="module")
def vm(tmp_path_factory):
    """One 64 MiB machine for the module (the conftest's `vm` has 128),
    on a copy of the disk grown to hold a file larger than RAM."""
    image = tmp_path_factory.mktemp("kswapd") / "disk.img"
    shutil.copyfile(DEFAULT_DISK, image)
    with open(image, "r+b") as f:
        f.truncate(192 * 1024 * 1024)
    subprocess.run(["resize2fs", "-f", str(image)], check=True, capture_output=True, timeout=60)
    yield from shared_vm(Machine(mem=MEM, disk=Disk(image)))


def zoneinfo(m):
    out = m.command("run proctest cat /proc/zoneinfo", timeout=30)
    assert out.startswith("Node 0, zone   Normal"), out
    return {k: int(v) for k, v in re.findall(r"^\s+(?:pages )?(\w+)\s+(\d+)$", out, re.M)}


def sectors_read(m):
    """vda's rd_sect in the console's `blk` table."""
    line = re.search(r"^vda .*$", m.command("blk"), re.M).group(0)
    return int(line.split()[7])


def test_kswapd0_is_a_kernel_thread(vm):
    assert re.search(r"^\s+\d+\s+0 sleeping\s+-\s+0 \[kswapd0\]$", vm.command("ps"), re.M)


def test_min_free_kbytes_sets_the_watermarks(vm):
    zone = zoneinfo(vm)
    managed = zone["managed"]
    default = int(vm.command("sysctl vm.min_free_kbytes").split("=")[1])
    # Linux's init_per_zone_wmark_min: sqrt(16 * KiB of memory).
    assert default == int((managed * 4 * 16) ** 0.5), (default, zone)
    assert zone["min"] == default // 4
    try:
        assert vm.command("sysctl vm.min_free_kbytes=4096") == "vm.min_free_kbytes = 4096"
        zone = zoneinfo(vm)
        step = max(1024 // 4, managed * 10 // 10000)
        assert (zone["min"], zone["low"], zone["high"]) == (1024, 1024 + step, 1024 + 2 * step)
        assert "invalid value" in vm.command("sysctl vm.min_free_kbytes=-1")
        assert vm.command("sysctl vm.watermark_scale_factor=100") == \
            "vm.watermark_scale_factor = 100"
        step = max(1024 // 4, managed * 100 // 10000)
        assert zoneinfo(vm)["low"] == 1024 + step
    finally:
        vm.command("sysctl vm.watermark_scale_factor=10")
        vm.command("sysctl vm.min_free_kbytes=%d" % default)
    assert zoneinfo(vm)["min"] == default // 4
    assert vm.command("sysctl vm.swappiness") == "vm.swappiness = 60"
    assert "invalid value" in vm.command("sysctl vm.swappiness=201")


def test_a_hot_file_stays_cached_while_a_stream_passes(vm):
    vm.run_suite("reclaimtest write /home/hot 4 1", timeout=120)
    vm.run_suite("reclaimtest write /home/stream %d 2" % STREAM_MIB, timeout=300)
    before = vm.vmstat()
    vm.run_suite("reclaimtest hot /home/hot 4 1 /home/stream %d 2" % STREAM_MIB, timeout=300)
    after = vm.vmstat()
    # Reclaim happened - in the background, by kswapd.
    assert after["pgsteal_kswapd"] - before["pgsteal_kswapd"] > 8 * 256, (before, after)
    assert after["pgscan_kswapd"] >= after["pgsteal_kswapd"]
    assert after["pageoutrun"] > before["pageoutrun"]
    # The stream went through; the hot file's 4 MiB (8192 sectors) are
    # all still in memory: re-reading it reads at most a few blocks of
    # ext2's metadata (its inode's block, for the access time), never
    # its data.
    sectors = sectors_read(vm)
    vm.run_suite("reclaimtest verify /home/hot 4 1", timeout=120)
    assert sectors_read(vm) - sectors <= 64, "re-reading the hot file read its data again"


def test_madvise_cold_and_pageout_on_a_mapped_file(vm):
    vm.run_suite("reclaimtest write /home/cold 2 3", timeout=120)
    vm.run_suite("reclaimtest pageout /home/cold 2 3", timeout=120)

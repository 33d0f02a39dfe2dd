"""The console's cache and sync: a file written without fsync is cached
and dirty in its file system's page cache; sync writes it to the disk,
which the host then reads back."""
import re
import subprocess

import pytest

from iso import build_iso


def cache_line(vm, fstype, device):
    """(inodes, cached, dirty, writeback) of the file system's line."""
    out = vm.command("cache")
    m = re.search(r"^%s\s+%s\s+\d+:\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$" % (fstype, device), out,
                  re.M)
    assert m, out
    return tuple(int(n) for n in m.groups())


def pattern(n):
    return bytes(((i * 7 + 1) & 0xff) for i in range(n))


@pytest.fixture(scope="module")
def ext2_root(tmp_path_factory):
    return build_iso(tmp_path_factory.mktemp("iso"), cmdline="root=/dev/vda")


def test_written_file_is_dirty_until_sync(boot_vm, ext2_root):
    m = boot_vm(iso=ext2_root)
    m.wait_for(r"VFS: Mounted root \(ext2 filesystem\)", timeout=30, since=0)
    before = cache_line(m, "ext2", "vda")
    assert "writefile: 65536 bytes" in m.command("run writefile /home/cached 64")
    _, cached, dirty, _ = cache_line(m, "ext2", "vda")
    assert cached >= before[1] + 16 and dirty >= 16, (before, cached, dirty)
    assert m.command("sync") == ""
    _, cached_after, dirty_after, writeback_after = cache_line(m, "ext2", "vda")
    assert (dirty_after, writeback_after) == (0, 0) and cached_after == cached
    assert cache_line(m, "bdev", "bdev")[1] > 0   # the disks' metadata blocks
    # Synced, so it is on the disk now: the host reads it while the
    # machine still runs (and might never shut down cleanly).
    out = subprocess.run(["debugfs", "-R", "cat /home/cached", str(m.disk_path)],
                         capture_output=True, timeout=60)
    assert out.returncode == 0 and out.stdout == pattern(65536)


def tmpfs_lines(vm):
    out = vm.command("cache")
    return out, [tuple(int(n) for n in g) for g in
                 re.findall(r"^tmpfs\s+tmpfs\s+\d+:\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", out,
                            re.M)]


def test_tmpfs_pages_are_cached_but_never_dirty(vm):
    """tmpfs pages live only in the cache: there is no disk to write them
    to, so, as Linux's shmem pages, they never count as dirty."""
    _, before = tmpfs_lines(vm)
    assert "writefile: 32768 bytes" in vm.command("run writefile /tmp/cached 32")
    out, after = tmpfs_lines(vm)
    assert any(a[1] >= b[1] + 8 for a, b in zip(after, before)), out
    assert all(dirty == 0 and writeback == 0 for _, _, dirty, writeback in after), out

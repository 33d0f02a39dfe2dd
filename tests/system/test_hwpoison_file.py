"""Poisoned page-cache pages of files on the ext2 disk (user/mftest-file.c),
as Linux 6.1 handles them: a clean page is dropped and re-read, a dirty
one's data is lost with EIO and SIGBUS, truncation takes the poison
away, soft offline moves the page. The kernel's lines for each case are
checked here; the program checks data (by checksum), signals and error
codes. After power-off, e2fsck -fn finds the disk clean."""
import re
import subprocess

import pytest

from iso import build_iso
from machine import EXIT_POWEROFF

CLEAN = ["corrupted page was clean: dropped without side effects",
         "recovery action for clean LRU page: Recovered"]
# case -> the "Memory failure: PFN: ..." texts its poisoning must print
# (None: soft offline, which prints none).
EXPECTED = {
    "clean": CLEAN,
    "private-clean": CLEAN,
    "private-cow": ["Sending SIGBUS to mftest-file:{pid} due to hardware memory corruption",
                    "recovery action for dirty LRU page: Recovered"],
    "dirty": ["recovery action for dirty LRU page: Recovered"],
    "dirty-early": ["Sending SIGBUS to mftest-file:{pid} due to hardware memory corruption",
                    "recovery action for dirty LRU page: Recovered"],
    "clean-mlocked": ["corrupted page was clean: dropped without side effects",
                      "recovery action for clean mlocked LRU page: Recovered"],
    "dirty-mlocked": ["recovery action for dirty mlocked LRU page: Recovered"],
    "truncate": ["recovery action for dirty LRU page: Recovered"],
    "soft-clean": None,
    "soft-dirty": None,
}


@pytest.fixture(scope="module")
def ext2_root(tmp_path_factory):
    """An ISO whose kernel mounts the disk as "/" (root=/dev/vda)."""
    return build_iso(tmp_path_factory.mktemp("iso"), cmdline="root=/dev/vda")


def split_cases(out):
    """{case: the console lines from its "case NAME" to the next}."""
    cases, name = {}, None
    for line in out.splitlines():
        m = re.match(r"case (\S+)$", line)
        if m:
            name = m.group(1)
            cases[name] = []
        elif name:
            cases[name].append(line)
    return cases


def test_poisoned_file_pages(boot_vm, ext2_root):
    m = boot_vm(iso=ext2_root)
    m.wait_for(r"VFS: Mounted root \(ext2 filesystem\)", timeout=30, since=0)
    before = m.meminfo()["HardwareCorrupted"]
    out = m.run_suite("mftest-file /home/mftest", timeout=300)
    pid = re.search(r"Killing mftest-file:(\d+)", out).group(1)
    cases = split_cases(out)
    assert sorted(cases) == sorted(EXPECTED), out
    for name, texts in EXPECTED.items():
        lines = "\n".join(cases[name])
        how = "Soft offlining" if texts is None else "Injecting memory failure for"
        found = re.search(rf"{how} pfn (0x[0-9a-f]+) at process virtual address", lines)
        assert found, f"{name}:\n{lines}"
        pfn = found.group(1)
        said = re.findall(rf"Memory failure: {pfn}: (.*)", lines)
        if texts is None:
            assert said == [], f"{name}: soft offline says nothing of a failure:\n{lines}"
            assert re.search(rf"soft offline: {pfn}: contents moved to 0x", lines), lines
            continue
        assert said == [t.format(pid=pid) for t in texts], f"{name}:\n{lines}"
    # A clean page is nobody's business: nobody hears of it.
    for name in ("clean", "private-clean", "clean-mlocked"):
        assert not any("Sending SIGBUS" in line for line in cases[name]), name
    # Every poisoned or retired frame is counted, 4 kB each.
    assert m.meminfo()["HardwareCorrupted"] == before + 4 * len(EXPECTED)
    m.send("poweroff\r")
    m.expect_exit(EXIT_POWEROFF, timeout=120)
    fsck = subprocess.run(["e2fsck", "-fn", str(m.disk_path)], capture_output=True, text=True,
                          timeout=120)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def find_cache_pages(m, wanted):
    """{owner: pfn} for the page-cache pages named by their owners as the
    console's `page` report names them ("bdev 254:0 index 0x5", "ino 12
    dev 254:0 index 0"). A scan of every frame, 256 a command: nothing
    else lists the caches yet."""
    found, frames = {}, m.meminfo()["MemTotal"] // 4 + 4096  # the memory map's holes
    for first in range(0, frames, 256):
        out = m.command(f"page {first:#x} 256", timeout=30)
        for pfn, owner in re.findall(r"^pfn (0x[0-9a-f]+) .* mapping (.*)$", out, re.M):
            if owner in wanted:
                found[owner] = "%#x" % int(pfn, 16)  # as the log writes it
        if len(found) == len(wanted):
            break
    return found


def group0_block(image, what):
    """Where group 0's block bitmap or inode table is, by dumpe2fs."""
    out = subprocess.run(["dumpe2fs", str(image)], capture_output=True, text=True, timeout=60)
    return int(re.search(rf"^  {what} at (\d+)", out.stdout, re.M).group(1))


def test_poisoned_metadata_pages(boot_vm, ext2_root):
    """A clean page of a file, not mapped by anyone, is dropped and read
    again. The block device's cache holds ext2's metadata. A clean block is
    dropped (Linux: invalidate_inode_page) and read again when needed; a
    dirty one - the block bitmap after an allocation - cannot be dropped
    (Failed, as Linux) but is never written back: ext2's next fsync
    reports the lost write, and e2fsck finds the disk's older bitmap, and
    nothing else, wrong."""
    m = boot_vm(iso=ext2_root)
    bitmap = group0_block(m.disk_path, "Block bitmap")
    inodes = group0_block(m.disk_path, "Inode table")
    m.wait_for(r"VFS: Mounted root \(ext2 filesystem\)", timeout=30, since=0)
    m.command("sysctl vm.dirty_writeback_centisecs=0")  # dirty blocks stay dirty
    since = m.mark()
    m.command("run mftest-file hold /home/clean &")  # its page stays cached
    ino = m.wait_for(r"wrote /home/clean, inode (\d+)\s", since=since).group(1)
    holder = m.wait_for(r"mftest-file: pid (\d+) holding", since=since).group(1)
    assert "wrote /home/new" in m.command("run mftest-file create /home/new")
    data, bitmap, inodes = (f"ino {ino} dev 254:0 index 0", f"bdev 254:0 index {bitmap:#x}",
                            f"bdev 254:0 index {inodes:#x}")
    pfns = find_cache_pages(m, {data, bitmap, inodes})
    assert set(pfns) == {data, bitmap, inodes}, pfns
    listing = m.command("ls /bin")

    unmapped = m.command(f"hwpoison corrupt-pfn {pfns[data]}")
    assert re.findall(rf"Memory failure: {pfns[data]}: (.*)", unmapped) == CLEAN, unmapped
    since = m.mark()
    m.command(f"kill {holder} 10")  # SIGUSR1: read it back
    m.wait_for(r"/home/clean checksum ok", since=since)

    clean = m.command(f"hwpoison corrupt-pfn {pfns[inodes]}")
    assert re.findall(rf"Memory failure: {pfns[inodes]}: (.*)", clean) == CLEAN, clean
    assert f"hwpoison: corrupt-pfn {pfns[inodes]} returned 0" in clean, clean
    assert m.command("ls /bin") == listing

    dirty = m.command(f"hwpoison corrupt-pfn {pfns[bitmap]}")
    assert re.findall(rf"Memory failure: {pfns[bitmap]}: (.*)", dirty) == [
        "Failed to invalidate", "dirty LRU page still referenced by 1 users",
        "recovery action for dirty LRU page: Failed"], dirty
    assert f"hwpoison: corrupt-pfn {pfns[bitmap]} returned -16" in dirty, dirty
    out = m.command("run mftest-file fsync /home/new")
    assert "EXT2-fs (vda): error: ext2_fsync: detected IO error when writing metadata " \
        "buffers" in out, out
    assert "fsync /home/new -> -1 (I/O error)" in out, out
    assert "fsync /home/new -> 0 (ok)" in m.command("run mftest-file fsync /home/new")
    m.send("poweroff\r")
    m.expect_exit(EXIT_POWEROFF, timeout=120)
    fsck = subprocess.run(["e2fsck", "-fn", str(m.disk_path)], capture_output=True, text=True,
                          timeout=120)
    assert fsck.returncode == 4, fsck.stdout + fsck.stderr
    # The one block the lost bitmap write had marked, /home/new's, and
    # the free counts that follow from it - nothing else.
    block = int(subprocess.run(["debugfs", "-R", "bmap /home/new 0", str(m.disk_path)],
                               capture_output=True, text=True, timeout=60).stdout)
    problems = [line for line in fsck.stdout.splitlines()
                if not re.match(r"Pass \d|Fix\? no|antidote: |e2fsck |$", line)]
    free = re.match(r"Free blocks count wrong for group #0 \((\d+), counted=(\d+)\)\.",
                    problems[1])
    assert problems[0] == f"Block bitmap differences:  +{block}", fsck.stdout
    assert free and int(free.group(2)) == int(free.group(1)) + 1, fsck.stdout
    assert problems[2] == free.group(0).replace(" for group #0", ""), fsck.stdout
    assert len(problems) == 3, fsck.stdout

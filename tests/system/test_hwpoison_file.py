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

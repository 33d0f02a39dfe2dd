"""Defective RAM reported by the firmware (multiboot2 memory type 5).

QEMU's firmware never reports type 5, so GRUB's `badram ADDR,MASK` makes
it: the test boots an ISO whose grub.cfg is boot/grub.cfg plus that line.
Two GRUB 2.06 facts shape this:

  * Only GRUB for UEFI reports badram as type 5. BIOS GRUB registers the
    range as a hole, so it just vanishes from the map. On UEFI, GRUB
    allocates it as EfiUnusableMemory and reports that as type 5, so this
    test boots the ISO with OVMF (packages grub-efi-amd64-bin and ovmf).
  * The mask must leave bits 32-63 clear (memtest86's 32-bit masks). A
    mask such as 0xfffffffffffff000 makes GRUB hang before the kernel: its
    binary search in badram_iter overflows for any map entry above ADDR.
"""
import re

import pytest

from iso import OVMF, build_iso
from machine import Machine

BAD_START, BAD_FRAMES = 0x2000000, 4           # 16 KiB at 32 MiB
BADRAM = "badram 0x2000000,0xffffc000"         # the 16 KiB at BAD_START
BAD_PFNS = range(BAD_START >> 12, (BAD_START >> 12) + BAD_FRAMES)


@pytest.fixture(scope="module")
def badram_vm(tmp_path_factory):
    assert OVMF.exists(), "OVMF is missing: run make deps"
    iso = build_iso(tmp_path_factory.mktemp("badram"), before_menu=BADRAM, efi=True)
    machine = Machine(iso=iso, extra_args=["-bios", str(OVMF)])
    try:
        machine.boot(timeout=60)   # OVMF under TCG is slower than SeaBIOS
        yield machine
    finally:
        machine.close()



def test_boot_log_lists_the_defective_range(badram_vm):
    log = badram_vm.transcript
    end = BAD_START + BAD_FRAMES * 4096 - 1
    assert "BIOS-e820: [mem 0x%016x-0x%016x] defective RAM" % (BAD_START, end) in log
    assert ("mm: %d defective frames at [mem %#x-%#x] will never be used"
            % (BAD_FRAMES, BAD_START, end)) in log


def test_page_shows_defective_frames_as_reserved_hwpoison(badram_vm):
    out = badram_vm.command("page %#x %d" % (BAD_PFNS[0] - 1, BAD_FRAMES + 2))
    before, *bad, after = out.splitlines()
    assert len(bad) == BAD_FRAMES
    for pfn, line in zip(BAD_PFNS, bad):
        assert line.startswith("pfn %#07x " % pfn) and "(reserved,hwpoison)" in line, line
        assert "refcount 0 mapcount 0" in line, line
    assert "hwpoison" not in before and "hwpoison" not in after  # neighbours


def test_memmap_marks_exactly_the_defective_frames(badram_vm):
    header, *rows = badram_vm.command("memmap").splitlines()
    per = int(re.match(r"\d+ frames, (\d+) per character", header).group(1))
    chars = "".join(row.split(" ", 1)[1] for row in rows)
    x_cells = {i for i, c in enumerate(chars) if c == "X"}
    assert x_cells == {pfn // per for pfn in BAD_PFNS}


def test_memtotal_counts_only_usable_ram(badram_vm):
    log = badram_vm.transcript
    usable = sum(int(end, 16) + 1 - int(start, 16) for start, end in re.findall(
        r"BIOS-e820: \[mem 0x(\w+)-0x(\w+)\] usable", log))
    available_kb, total_kb = map(int, re.search(r"Memory: (\d+)K/(\d+)K available",
                                                 log).groups())
    assert total_kb == usable >> 10    # the defective range is not RAM
    info = badram_vm.meminfo()
    assert info["MemTotal"] == available_kb
    assert info["HardwareCorrupted"] == 0   # firmware's bad RAM is no runtime failure


def test_buddy_selftest_never_hands_out_defective_frames(badram_vm):
    out = badram_vm.command("selftest buddy", timeout=120)
    assert "selftest buddy: PASS" in out, out
    page = badram_vm.command("page %#x %d" % (BAD_PFNS[0], BAD_FRAMES))
    assert page.count("(reserved,hwpoison) refcount 0") == BAD_FRAMES, page
    assert badram_vm.meminfo()["HardwareCorrupted"] == 0

"""Address spaces and their page tables (user/memtest.c): PROT_NONE,
madvise, calls over huge ranges, and poisoned pages across fork.

The tests share one VM; the one that poisons a page says so.
"""
import re


def test_memory_calls_poison_nothing_they_refuse(vm):
    """MADV_HWPOISON of PROT_NONE pages (populated or not) and with a
    length that wraps fails before touching a page: memtest checks the
    errors and that the pages stay usable; no frame is taken away."""
    before = vm.meminfo()["HardwareCorrupted"]
    out = vm.run_suite("memtest")
    assert "ok: MADV_HWPOISON of a populated PROT_NONE page: EFAULT" in out
    assert "Injecting memory failure" not in out
    assert vm.meminfo()["HardwareCorrupted"] == before


def test_huge_ranges_take_no_time(vm):
    """mprotect, madvise and munmap over a 1 TiB reservation, and munmap
    of all of user space: with the walker skipping empty tables these are
    instant, where visiting every page would take hours."""
    out = vm.run_suite("memtest", timeout=30)
    assert "ok: munmap of all user space in a child: it dies of SIGSEGV at once" in out


def test_fork_after_a_shared_page_is_poisoned(vm):
    """Poisons one frame. The child inherits the hwpoison entry: fork
    works, and touching the page is an action-required SIGBUS, as Linux."""
    before = vm.meminfo()["HardwareCorrupted"]
    out = vm.run_suite("memtest shared-poison-fork")
    assert "ok: fork works" in out
    assert re.search(r"MCE: Killing memtest:\d+ due to hardware memory corruption fault at", out)
    assert vm.meminfo()["HardwareCorrupted"] == before + 4


def test_unmapping_a_written_page_marks_it_dirty(vm):
    """The CPU marks a PTE dirty on a write; unmapping it hands that to
    the page (PG_dirty, as Linux's zap_pte_range does), which the child
    still maps. The page that was only read stays clean. The child's
    PROT_NONE page is present, and `vm` shows it as `none`."""
    out = vm.run_suite("memtest dirty-hold")
    m = re.search(r"memtest: pid (\d+) holds (0x[0-9a-f]+) written, (0x[0-9a-f]+) read, "
                  r"(0x[0-9a-f]+) PROT_NONE", out)
    pid = m.group(1)
    written, read, none = (int(m.group(i), 16) for i in (2, 3, 4))
    try:
        table = vm.command(f"vm {pid}")
        pages = {int(a, 16): (rights, flags) for a, rights, flags in
                 re.findall(r"^  (0x[0-9a-f]+) pfn 0x[0-9a-f]+ (\w+) \(([^)]*)\)", table, re.M)}
        assert "dirty" in pages[written][1].split(","), table
        assert "dirty" not in pages[read][1].split(","), table
        assert pages[none][0] == "none", table  # present, for the kernel only
    finally:
        vm.command(f"kill {pid} 9")


def test_a_poisoned_prot_none_page_is_found_and_unmapped(vm):
    """Poisons one frame. A PROT_NONE page's PTE is not present for the
    CPU, but it maps the page: memory_failure finds it through the reverse
    map and leaves a hwpoison entry there, as for any other mapping."""
    out = vm.run_suite("memtest dirty-hold")
    m = re.search(r"memtest: pid (\d+) holds .* (0x[0-9a-f]+) PROT_NONE", out)
    pid, none = m.group(1), int(m.group(2), 16)
    try:
        table = vm.command(f"vm {pid}")
        m = re.search(rf"^  0x0*{none:x} pfn (0x[0-9a-f]+) none ", table, re.M)
        assert m, table
        out = vm.command(f"hwpoison corrupt-pfn {m.group(1)}")
        assert "Recovered" in out, out
        table = vm.command(f"vm {pid}")
        assert re.search(rf"^  0x0*{none:x} pfn {m.group(1)} hwpoison entry", table, re.M), table
    finally:
        vm.command(f"kill {pid} 9")

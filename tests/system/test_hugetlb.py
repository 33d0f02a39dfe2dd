"""hugetlbfs and the hugetlb pool (mm/hugetlb.c, mm/hugetlb_fault.c,
fs/hugetlbfs/inode.c), and memory_failure on a huge page, checked from a
user program (user/hugetlbtest.c) and the console."""
import re


def test_pool_files_mappings_and_segments(vm):
    out = vm.run_suite("hugetlbtest", timeout=120)
    assert "ok: mmap MAP_SHARED: at a 2 MiB-aligned address" in out
    assert "ok: mprotect(PROT_READ) of the first huge page: a write there is SIGSEGV" in out
    # The pool is empty again, and meminfo says so.
    assert vm.meminfo()["Hugetlb"] == 0
    assert re.search(r"^HugePages_Total:\s+0$", vm.command("meminfo"), re.M)


def test_poison_loses_the_whole_huge_page(vm):
    """One bad 4 KiB frame costs the whole 2 MiB page: Linux 6.1's
    "huge page" state, the log line, SIGBUS with si_addr_lsb 21."""
    out = vm.run_suite("hugetlbtest poison", timeout=120)
    assert len(re.findall(r"Memory failure: 0x[0-9a-f]+: recovery action for huge page: "
                          r"Recovered", out)) == 2, out
    # An 8-frame MADV_HWPOISON inside one huge page is one failure.
    assert len(re.findall(r"Injecting memory failure for pfn", out)) == 2, out
    assert re.search(r"Memory failure: 0x[0-9a-f]+: Sending SIGBUS to hugetlbtest:\d+ due to "
                     r"hardware memory corruption", out), out
    assert re.search(r"MCE: Killing hugetlbtest:\d+ due to hardware memory corruption fault at",
                     out), out


def test_nr_hugepages_from_the_console(vm):
    vm.command("sysctl vm.nr_hugepages=2")
    assert vm.meminfo()["Hugetlb"] == 4096
    assert re.search(r"^vm\.nr_hugepages = 2\b", vm.command("sysctl"), re.M)
    vm.command("sysctl vm.nr_hugepages=0")
    assert vm.meminfo()["Hugetlb"] == 0


def test_unpoison_refuses_a_huge_page_its_file_holds(vm):
    """Linux 6.1's refusal while the file keeps the page; once the file is
    gone the bad frame is an ordinary kept-off frame, and comes back."""
    out = vm.run_suite("hugetlbtest keep")
    pfn = re.search(r"Injecting memory failure for pfn (0x[0-9a-f]+)", out).group(1)
    out = vm.command(f"hwpoison unpoison-pfn {pfn}")
    assert f"Unpoison: the hwpoison page has non-NULL mapping {pfn}" in out
    assert "returned -16" in out
    # Another frame of it carries no mark of its own (Linux 6.1's answer).
    other = f"{int(pfn, 16) + 1:#x}"
    out = vm.command(f"hwpoison unpoison-pfn {other}")
    assert f"Unpoison: Page was already unpoisoned {other}" in out
    vm.run_suite("hugetlbtest drop")
    out = vm.command(f"hwpoison unpoison-pfn {pfn}")
    assert f"Unpoison: Software-unpoisoned free page {pfn}" in out, out


def test_poison_of_a_free_pool_page(vm):
    """A free pool page leaves the pool at once; its good frames go back
    to the buddy allocator, the bad one can be unpoisoned."""
    out = vm.run_suite("hugetlbtest free-poison")
    head = int(re.search(r"free pool page at pfn (0x[0-9a-f]+)", out).group(1), 16)
    assert f"Memory failure: {head + 3:#x}: recovery action for free huge page: Recovered" in out
    out = vm.command(f"hwpoison unpoison-pfn {head + 3:#x}")
    assert f"Unpoison: Software-unpoisoned free page {head + 3:#x}" in out, out

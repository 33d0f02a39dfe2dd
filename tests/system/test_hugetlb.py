"""hugetlbfs and the hugetlb pool (mm/hugetlb.c, mm/hugetlb_fault.c,
fs/hugetlbfs/inode.c), its sysfs files and surplus pages, and
memory_failure on a huge page, checked from a user program
(user/hugetlbtest.c), busybox and the console."""
import re


def test_pool_files_mappings_and_segments(vm):
    out = vm.run_suite("hugetlbtest", timeout=120)
    assert "ok: mmap MAP_SHARED: at a 2 MiB-aligned address" in out
    assert "ok: mprotect(PROT_READ) of the first huge page: a write there is SIGSEGV" in out
    assert "ok: MAP_HUGETLB of 2 pages, empty pool: 2 surplus pages, reserved" in out
    assert "ok: pagemap: 512 frames of a huge page, anonymous" in out
    assert "ok: pagemap: 512 frames of a huge page, a file's" in out
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


HSTATE = "/sys/kernel/mm/hugepages/hugepages-2048kB"
KERNEL_LINE = re.compile(r"^\[ *\d+\.\d+\] ")


def run(vm, line):
    """A busybox command's output lines, without the kernel's log lines
    and the job's end."""
    out = vm.command(f"run {line}")
    assert re.search(r"exited with status 0$", out), out
    return [l for l in out.splitlines()[:-1] if not KERNEL_LINE.match(l)]


def counts(vm):
    """nr, free, resv and surplus_hugepages."""
    return [run(vm, f"/bin/cat {HSTATE}/{name}_hugepages")[0]
            for name in ("nr", "free", "resv", "surplus")]


def write(vm, path, text):
    """Write text to path: "ok", or the error (strerror)."""
    out = vm.command(f"run proctest write {path} {text}")
    return re.search(rf"proctest: write {re.escape(path)}: (.*)$", out, re.M).group(1)


def test_sysfs_hugepages_files(vm):
    """Linux's hstate files: nr_hugepages sets the pool as the sysctl
    does; bad numbers and writes to the read-only counts change
    nothing."""
    assert run(vm, f"/bin/ls -1 {HSTATE}") == sorted([
        "free_hugepages", "nr_hugepages", "nr_overcommit_hugepages", "resv_hugepages",
        "surplus_hugepages"])
    assert write(vm, f"{HSTATE}/nr_hugepages", "3") == "ok"
    assert counts(vm) == ["3", "3", "0", "0"]
    assert run(vm, "/bin/cat /proc/sys/vm/nr_hugepages") == ["3"]
    assert vm.meminfo()["Hugetlb"] == 3 * 2048
    assert write(vm, f"{HSTATE}/nr_hugepages", "2x") == "Invalid argument"
    assert write(vm, f"{HSTATE}/nr_hugepages", "-1") == "Invalid argument"
    assert write(vm, f"{HSTATE}/free_hugepages", "1") == "Permission denied"
    assert counts(vm) == ["3", "3", "0", "0"]
    assert write(vm, f"{HSTATE}/nr_hugepages", "0") == "ok"
    assert vm.meminfo()["Hugetlb"] == 0


def test_nr_overcommit_hugepages_from_the_console(vm):
    """The sysctl and the sysfs file are one setting; a bad value is
    refused and leaves it."""
    vm.command("sysctl vm.nr_overcommit_hugepages=4")
    assert run(vm, f"/bin/cat {HSTATE}/nr_overcommit_hugepages") == ["4"]
    assert write(vm, f"{HSTATE}/nr_overcommit_hugepages", "0") == "ok"
    assert re.search(r"^vm\.nr_overcommit_hugepages = 0\b", vm.command("sysctl"), re.M)
    assert write(vm, "/proc/sys/vm/nr_overcommit_hugepages", "-1") == "Invalid argument"
    assert run(vm, "/bin/cat /proc/sys/vm/nr_overcommit_hugepages") == ["0"]


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

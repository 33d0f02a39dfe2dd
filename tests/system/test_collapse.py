"""The collapse daemon (mm/khugepaged.c) and MADV_COLLAPSE: 512 small
pages become one huge page with their data; a collapse whose copy reads
a frame armed by the emulated memory controller (mce/latent.c) is
abandoned and undone - the 511 other pages intact, the bad one taken by
memory_failure and SIGBUS for its owner - and the same collapse with a
plain memcpy panics. A read-only executable file's page cache collapses
the same way (collapse_file), and an abandoned collapse puts its old
pages back. user/collapsetest.c and user/filecollapse.c do the work in
the guest."""
import re

import pytest

from machine import EXIT_PANIC


def sysfs_number(vm, name):
    out = vm.command("run /bin/cat /sys/kernel/mm/transparent_hugepage/khugepaged/%s" % name)
    return int(re.search(r"^(\d+)$", out, re.M).group(1))


def test_khugepaged_knobs(vm):
    vm.run_suite("collapsetest knobs")


@pytest.mark.parametrize("how", ["madvise", "daemon"])
def test_small_pages_collapse_into_one_huge_page(vm, how):
    before = vm.vmstat()["thp_collapse_alloc"]
    collapsed = sysfs_number(vm, "pages_collapsed")
    vm.run_suite("collapsetest %s" % how, timeout=60)
    assert vm.vmstat()["thp_collapse_alloc"] == before + 1
    # khugepaged counts its own collapses only, as Linux does.
    assert sysfs_number(vm, "pages_collapsed") == collapsed + (how == "daemon")
    # The daemon slept and scanned with interrupts as the scheduler
    # wants them (kernel/sched.c:sched says so once otherwise).
    assert "BUG: sched() with interrupts on" not in vm.transcript


def test_pages_shared_after_fork_collapse_up_to_max_ptes_shared(vm):
    vm.run_suite("collapsetest shared", timeout=60)


def test_swapped_pages_are_brought_in_up_to_max_ptes_swap(boot_vm):
    m = boot_vm(swap=64 * 1024 * 1024)
    m.run_suite("collapsetest swap", timeout=120)


def start_armed(vm, command, poison=False):
    """`run COMMAND &`, and the frame it tells of (its page 100) armed -
    or, with poison, poisoned at once by software (memory_failure now):
    pid and frame."""
    name = command.split()[0]
    out = vm.command("run %s &" % command)
    pid = int(re.search(r"^\[(\d+)\] %s$" % name, out, re.M).group(1))
    pfn = int(vm.wait_for(r"%s: pfn (\d+);" % name, timeout=20).group(1))
    if poison:
        vm.command("hwpoison corrupt-pfn %#x" % pfn)
    else:
        assert "latent: %#x armed" % pfn in vm.command("inject latent %d" % pfn)
    return pid, pfn


FILE = "/home/collapse.bin"   # filecollapse's file, made anew


@pytest.mark.parametrize("command, state", [("collapsetest poison madvise", "dirty"),
                                            ("collapsetest poison daemon", "dirty"),
                                            ("filecollapse poison " + FILE, "clean")])
def test_a_collapse_over_a_bad_page_is_abandoned_and_undone(vm, command, state):
    name = command.split()[0]
    abandoned = sysfs_number(vm, "collapses_abandoned")
    pid, pfn = start_armed(vm, command)
    mark = vm.mark()
    vm.command("kill %d 10" % pid)       # collapse now
    vm.wait_for(r"khugepaged: collapse at 0x[0-9a-f]+ of %s\[%d\] abandoned: "
                r"the copy of pfn %#x read bad memory" % (name, pid, pfn), since=mark, timeout=30)
    vm.wait_for(r"%s: collapse abandoned" % name, since=mark, timeout=30)
    # copy_mc survived the machine check; the handler gave the page to
    # memory_failure. An anonymous page it took from its owner (late
    # kill: a hwpoison entry, SIGBUS at the next touch); a file's clean
    # page it dropped from the page cache, and the next read brings the
    # good data back from the disk, with no signal.
    vm.wait_for(r"Memory failure: %#x: recovery action for %s LRU page: Recovered" % (pfn, state),
                since=mark, timeout=30)
    assert "Action required: data load in error recoverable area of kernel" in vm.command("mcelog")
    since = vm.mark()
    vm.command("kill %d 10" % pid)       # check every page
    vm.wait_for(r"%s: 0 failed" % name, timeout=30)
    assert vm.job_end(pid, since, timeout=30) == "exited with status 0"
    assert sysfs_number(vm, "collapses_abandoned") == abandoned + 1
    assert ("SIGBUS" in vm.transcript[mark:]) == (state == "dirty")


def test_a_bad_frame_in_a_huge_page_costs_4_kib(vm):
    split = vm.vmstat()["thp_split_page"]
    pid, pfn = start_armed(vm, "collapsetest huge")
    assert vm.vmstat()["thp_split_page"] == split + 1
    since = vm.mark()
    vm.command("kill %d 10" % pid)
    vm.wait_for(r"collapsetest: 0 failed", timeout=30)
    assert vm.job_end(pid, since, timeout=30) == "exited with status 0"


def test_the_same_collapse_with_a_plain_memcpy_panics(boot_vm):
    """The control case: khugepaged copying without copy_mc."""
    m = boot_vm()
    pid, _ = start_armed(m, "collapsetest poison daemon memcpy")
    m.command("kill %d 10" % pid)
    m.wait_for(r"Kernel panic - not syncing: Fatal machine check: "
               r"Data load in unrecoverable area of kernel", timeout=30)
    assert m.wait_exit() == EXIT_PANIC


# ---- a file's page cache (collapse_file): user/filecollapse.c ----------

@pytest.mark.parametrize("how", ["madvise", "daemon", "writer", "changes"])
def test_a_files_pages_collapse_into_one_huge_page(vm, how):
    before = vm.vmstat()
    vm.run_suite("filecollapse %s %s" % (how, FILE), timeout=60)
    after = vm.vmstat()
    collapses = 3 if how == "changes" else 1
    assert after["thp_file_alloc"] == before["thp_file_alloc"] + collapses
    assert after["nr_file_hugepages"] == before["nr_file_hugepages"]  # gone with the file
    assert "BUG" not in vm.transcript


@pytest.mark.parametrize("poison", [False, True], ids=["armed", "poisoned"])
def test_a_bad_frame_in_a_files_huge_page_costs_nothing(vm, poison):
    """Armed (found when the page is read) or poisoned at once: the huge
    page splits, and the bad frame is a clean page-cache page, dropped
    and read again."""
    split = vm.vmstat()["thp_split_page"]
    since = vm.mark()
    pid, pfn = start_armed(vm, "filecollapse huge %s" % FILE, poison)
    assert vm.vmstat()["thp_split_page"] == split + 1
    vm.command("kill %d 10" % pid)
    vm.wait_for(r"Memory failure: %#x: recovery action for clean LRU page: Recovered" % pfn,
                since=since, timeout=30)
    vm.wait_for(r"filecollapse: 0 failed", timeout=30)
    assert vm.job_end(pid, since, timeout=30) == "exited with status 0"

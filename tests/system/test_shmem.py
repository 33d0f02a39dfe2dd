"""tmpfs and shared memory (mm/shmem.c, mm/memfd.c), checked from a user
program (user/shmemtest.c) and from the console's meminfo and ls."""
import re


def test_tmpfs_and_shared_memory_behave_as_on_linux(vm):
    out = vm.run_suite("shmemtest", timeout=120)
    assert "ok: a 100 KiB write stops at 64 KiB: a short count" in out
    # Bad mount options are refused with Linux's messages.
    assert "tmpfs: Bad value for 'size'" in out
    assert "tmpfs: Unknown parameter 'bogus'" in out
    assert "tmpfs: Too small a size for current use" in out


def test_meminfo_counts_tmpfs_pages_as_shmem(vm):
    """A 1 MiB file in /tmp is 1024 kB more Shmem, until it is removed."""
    before = vm.meminfo()["Shmem"]
    vm.run_suite("shmemtest hold")
    assert vm.meminfo()["Shmem"] == before + 1024
    assert re.search(r"^shmemtest\.hold\s+1048576$", vm.command("ls /tmp"), re.M)
    vm.run_suite("shmemtest drop")
    assert vm.meminfo()["Shmem"] == before


def test_a_poisoned_tmpfs_page_stays_in_its_file(vm):
    """Poisons one frame. The process is told when it touches the page,
    and so is a mapping of the file made after the poisoning: the page
    stays in the cache, PG_hwpoison, instead of turning into zeros."""
    before = vm.meminfo()["HardwareCorrupted"]
    out = vm.run_suite("shmemtest poison")
    assert len(re.findall(r"MCE: Killing shmemtest:\d+ due to hardware memory corruption "
                          r"fault at", out)) == 2, out
    assert re.search(r"Memory failure: 0x[0-9a-f]+: recovery action for dirty LRU page: "
                     r"Recovered", out), out
    assert vm.meminfo()["HardwareCorrupted"] == before + 4

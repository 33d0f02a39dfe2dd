"""System V IPC (ipc/): shared memory segments and semaphore sets,
checked by user/ipctest.c (keys, attaches, IPC_RMID, blocking semop,
timeouts, EIDRM, EINTR, SEM_UNDO, permissions) and user/sysvshmtest.c
(a poisoned segment page behaves as a poisoned shmem page)."""
import re


def ipc_objects(vm):
    """The lines of /proc/sysvipc/shm and /proc/sysvipc/sem after their headers."""
    lines = []
    for report in ("shm", "sem"):
        out = vm.command("run /bin/cat /proc/sysvipc/" + report, timeout=30)
        lines += [l for l in out.splitlines()[1:] if re.match(r"^ +-?\d+ +\d+ ", l)]
    return lines


def test_shared_memory_and_semaphores_behave_as_on_linux(vm):
    out = vm.run_suite("ipctest", timeout=120)
    assert "ok: IPC_RMID: it gets EIDRM" in out
    assert "ok: SEM_UNDO: +5 and -2 in a child, taken back at its exit" in out
    # What ipcs lists the objects with (Debian's busybox has no ipcs applet).
    assert "ok: SHM_STAT over the slots finds the segment: its id, size, attaches" in out
    assert "ok: SEM_STAT over the slots finds the set: its id, 5 semaphores" in out


def test_ipctest_leaves_no_segments_or_sets(vm):
    """Everything ipctest made it removed: /proc/sysvipc lists nothing new,
    and the memory comes back."""
    vm.run_suite("ipctest", timeout=120)   # the program into the page cache
    before, memory = ipc_objects(vm), vm.memory_in_use()
    vm.run_suite("ipctest", timeout=120)
    assert ipc_objects(vm) == before
    assert vm.memory_in_use() == memory


def test_a_poisoned_sysv_shm_page_behaves_as_a_poisoned_shmem_page(vm):
    """The reference sheet (Linux 6.1): the page stays in the segment's
    shmem file, poisoned; every access through any attach is AR; the log
    says "dirty LRU page: Recovered"; one frame more is HardwareCorrupted."""
    before = vm.meminfo()["HardwareCorrupted"]
    out = vm.run_suite("sysvshmtest", timeout=120)
    assert re.search(r"Memory failure: 0x[0-9a-f]+: recovery action for dirty LRU page: "
                     r"Recovered", out), out
    assert vm.meminfo()["HardwareCorrupted"] == before + 4

"""An ordinary Linux hwpoison test program, unmodified (user/tinjpage.c):
pthreads, SysV shared memory and semaphores, and system("sysctl -w ...")
through busybox's /bin/sh on the disk. It poisons a page in each state
with madvise(MADV_HWPOISON), late kill then early kill, and checks the
signals and data; here the kernel's side is checked: one "Memory failure:
PFN: recovery action for ...: Recovered" line for every frame poisoned."""
import re

CASES = ["anonymous-dirty", "anonymous-clean", "anonymous-mlocked", "file-private-clean",
         "file-private-cow", "file-shared-clean", "file-shared-dirty", "memfd", "sysv-shm",
         "thread-touched", "thread-main-late"]


def test_tinjpage_late_then_early(boot_vm):
    m = boot_vm()  # a fresh machine: the program poisons frames for good
    m.wait_for(r"VFS: Mounted root \(ext2 filesystem\)", timeout=30, since=0)
    out = m.command("run tinjpage /home/tinjpage", timeout=400)
    verdicts = re.findall(r"^(PASS|FAIL): (late|early) (\S+)(.*)$", out, re.M)
    assert [(mode, name) for _, mode, name, _ in verdicts] == \
        [(mode, name) for mode in ("late", "early") for name in CASES], out
    assert all(v == "PASS" for v, _, _, _ in verdicts), out
    for value in (1, 0):
        assert re.search(rf"sysctl -w vm.memory_failure_early_kill={value}: system\(\) status 0,"
                         rf" /proc/sys/vm/memory_failure_early_kill reads {value}", out), out
    assert re.search(r"tinjpage: 0 failed\n\[\d+\] tinjpage exited with status 0$", out), out
    # Each poisoning (one per case and mode) is one frame, recovered.
    pfns = re.findall(r"Injecting memory failure for pfn (0x[0-9a-f]+) at process virtual", out)
    assert len(pfns) == 2 * len(CASES) == len(set(pfns)), out
    for pfn in pfns:
        assert re.search(rf"Memory failure: {pfn}: recovery action for [^\n]+ page: Recovered$",
                         out, re.M), f"{pfn}:\n{out}"
    # The kernel is still there, and says so.
    assert "HardwareCorrupted" in m.command("meminfo")
    assert m.meminfo()["HardwareCorrupted"] >= 4 * len(pfns)

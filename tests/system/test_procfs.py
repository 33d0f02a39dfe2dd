"""/proc in Linux 6.1's formats, read by a user program (user/proctest.c)
and compared with what the console itself reports."""
import re
import time

from conftest import user_jobs
from iso import build_iso

PM_PRESENT, PM_SWAP = 1 << 63, 1 << 62
KPF_HWPOISON = 19
SWP_HWPOISON = 26


def test_proc_files_behave_as_on_linux(vm):
    vm.run_suite("proctest")


def test_meminfo_file_is_the_consoles_meminfo(vm):
    out = vm.command("run proctest meminfo")
    names = re.findall(r"^([\w()]+):", out, re.M)
    # Linux 6.1's lines, in its order (Debian's x86-64 configuration).
    assert names[:4] == ["MemTotal", "MemFree", "MemAvailable", "Buffers"]
    assert names[-3:] == ["Hugetlb", "DirectMap4k", "DirectMap2M"]
    assert len(names) == 53
    assert re.search(r"^MemTotal: +\d+ kB$", out, re.M)
    total = int(re.search(r"^MemTotal:\s+(\d+) kB", out, re.M).group(1))
    assert total == vm.meminfo()["MemTotal"]
    assert re.search(r"^HardwareCorrupted: +\d+ kB$", out, re.M)


def test_pagemap_frame_is_the_one_vm_shows(vm):
    before = vm.meminfo()
    since = vm.mark()
    vm.command("run proctest pagemap &")
    # To the end of the line: the serial line may still be sending the rest.
    m = vm.wait_for(r"proctest: pid (\d+) page (0x[0-9a-f]+) pfn (0x[0-9a-f]+)\r?\n", since=since)
    pid, page, pfn = int(m.group(1)), int(m.group(2), 16), int(m.group(3), 16)
    table = vm.command(f"vm {pid}")
    assert re.search(rf"^  0x0*{page:x} pfn {pfn:#07x} rw", table, re.M), table
    # meminfo counts its kernel stack (16 KiB) and its page tables.
    during = vm.meminfo()
    assert during["KernelStack"] == before["KernelStack"] + 16
    assert during["PageTables"] >= before["PageTables"] + 4 * 4  # PML4 down to a PT
    vm.command(f"kill {pid} 9")
    deadline = time.monotonic() + 10
    while pid in user_jobs(vm):  # until it is reaped
        assert time.monotonic() < deadline, vm.command("ps")
    assert vm.meminfo()["KernelStack"] == before["KernelStack"]
    assert vm.meminfo()["PageTables"] == before["PageTables"]
    # Reaped: its directory is gone.
    assert f"/proc/{pid}/status: No such file or directory" in \
        vm.command(f"run proctest cat /proc/{pid}/status")


def test_poisoned_page_in_pagemap_and_kpageflags(vm):
    before = vm.meminfo()["HardwareCorrupted"]
    out = vm.command("run proctest poison")
    m = re.search(r"before: pfn (0x[0-9a-f]+) kpageflags (0x[0-9a-f]+)", out)
    pfn, flags_before = int(m.group(1), 16), int(m.group(2), 16)
    m = re.search(r"after: pagemap (0x[0-9a-f]+) kpageflags (0x[0-9a-f]+)", out)
    entry, flags_after = int(m.group(1), 16), int(m.group(2), 16)
    assert not flags_before & (1 << KPF_HWPOISON)
    assert flags_after & (1 << KPF_HWPOISON)
    # A hwpoison swap entry: swapped, type 26, offset the lost frame.
    assert entry & PM_SWAP and not entry & PM_PRESENT
    assert entry & 0x1f == SWP_HWPOISON
    assert (entry & ((1 << 55) - 1)) >> 5 == pfn
    assert vm.meminfo()["HardwareCorrupted"] == before + 4


def test_sysctl_files_and_console_agree(vm):
    path = "/proc/sys/vm/memory_failure_early_kill"
    try:
        assert vm.command("sysctl vm.memory_failure_early_kill=1") == \
            "vm.memory_failure_early_kill = 1"
        assert vm.command(f"run proctest cat {path}").startswith("1\n")
        assert f"write {path}: ok" in vm.command(f"run proctest write {path} 0")
        assert vm.command("sysctl vm.memory_failure_early_kill") == \
            "vm.memory_failure_early_kill = 0"
        assert "Invalid argument" in vm.command(f"run proctest write {path} 2")
        assert vm.command("sysctl vm.memory_failure_early_kill") == \
            "vm.memory_failure_early_kill = 0"
    finally:
        vm.command("sysctl vm.memory_failure_early_kill=0")


def test_smaps_of_a_kernel_thread(vm):
    """A kernel thread (the kworker, pid 2) has no memory: its maps and
    smaps are empty, its smaps_rollup is ESRCH - Linux's answers."""
    for name in ("maps", "smaps"):
        out = vm.command(f"run /bin/cat /proc/2/{name}")
        lines = [line for line in out.splitlines() if not re.match(r"^\[ *\d+\.\d+\] ", line)]
        assert len(lines) == 1 and lines[0].endswith("cat exited with status 0"), out
    out = vm.command("run /bin/cat /proc/2/smaps_rollup")
    assert "cat: read error: No such process" in out and out.endswith("status 1"), out


def test_reading_proc_gives_back_its_memory(vm):
    vm.command("run proctest", timeout=60)   # the fixed entries' dentries stay cached
    before = vm.meminfo()
    vm.command("run proctest", timeout=60)
    after = vm.meminfo()
    # Reclaim's aging may move a cached page between the active and the
    # inactive list meanwhile; what /proc took must all be back.
    for split in ("Active", "Inactive", "Active(file)", "Inactive(file)"):
        del before[split], after[split]
    assert after == before


def test_kernel_filesystems_are_on_an_ext2_root(boot_vm, tmp_path):
    """Mounted after the root, on its own directories: a disk's root does
    not hide them."""
    m = boot_vm(iso=build_iso(tmp_path, cmdline="root=/dev/vda"))
    m.wait_for(r"VFS: Mounted root \(ext2 filesystem\)", timeout=30, since=0)
    mounts = m.command("run proctest cat /proc/mounts").splitlines()
    assert any(line.startswith("/dev/vda / ext2 rw") for line in mounts), mounts
    for line in ["devtmpfs /dev devtmpfs rw 0 0", "proc /proc proc rw 0 0",
                 "sysfs /sys sysfs rw 0 0", "debugfs /sys/kernel/debug debugfs rw 0 0"]:
        assert line in mounts, mounts
    m.run_suite("proctest")


def proc_stat(vm):
    out = vm.command("run /bin/cat /proc/stat")
    return out, {line.split()[0]: line.split()[1:] for line in out.splitlines()
                 if re.match(r"^[a-z]", line)}


def test_proc_stat_in_linux_format(vm):
    """/proc/stat: Linux 6.1's lines in its order, times in USER_HZ ticks
    that add up as the CPU runs (here: md5sum reading and summing a
    file)."""
    out, before = proc_stat(vm)
    names = [line.split()[0] for line in out.splitlines() if re.match(r"^(cpu|[a-z_]+ \d)", line)]
    assert names == ["cpu", "cpu0", "intr", "ctxt", "btime", "processes", "procs_running",
                     "procs_blocked", "softirq"], out
    assert re.search(r"^cpu  \d+( \d+){9}$", out, re.M), out
    assert before["cpu"] == before["cpu0"]
    intr = [int(n) for n in before["intr"]]
    assert intr[0] == sum(intr[1:]) and intr[1] > 0, "the total, then IRQ 0 (the timer) and the rest"
    assert len(before["softirq"]) == 11
    assert int(before["btime"][0]) > 1_000_000_000
    assert int(before["processes"][0]) >= 5 and int(before["procs_running"][0]) >= 1
    vm.command("run /bin/md5sum /bin/busybox")
    _, after = proc_stat(vm)
    user, system, idle = (int(after["cpu"][i]) - int(before["cpu"][i]) for i in (0, 2, 3))
    assert user + system > 0 and idle >= 0
    assert int(after["ctxt"][0]) > int(before["ctxt"][0])
    assert int(after["processes"][0]) >= int(before["processes"][0]) + 2

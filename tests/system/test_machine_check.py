"""Machine checks, end to end, through both ways an error arrives: the
console's software injector and QEMU's emulated hardware (monitor `mce`).

The tests in this module share one VM and poison different frames; the
ones that end the machine or need a pristine one boot their own.
"""
import re

import pytest

from machine import EXIT_PANIC

PATHS = ["console", "qemu"]
SCRUB = 0xbd000000000000c0      # VAL UC EN MISCV ADDRV S, MCACOD memory scrub: SRAO
DATA_LOAD = 0xbd80000000000134  # the same with AR, MCACOD data load: SRAR
CORRECTED = 0x9c0000000000009f  # VAL EN MISCV ADDRV, memory read: CE
UCNA = 0xbc0000000000009f       # VAL UC EN MISCV ADDRV, memory read
PCC = 0xb200000000000400        # VAL UC EN PCC
MISC_PAGE = 0x8c                # physical address, lowest valid bit 12


def qemu_mce(vm, bank, status, mcgstatus, addr=0, misc=0):
    """Inject through QEMU's monitor; it answers "" when it accepted."""
    answer = vm.hmp(f"mce 0 {bank} {status:#x} {mcgstatus:#x} {addr:#x} {misc:#x}")
    assert answer == "", answer


def failure_line(vm, pfn):
    """Wait for memory_failure's whole line about pfn (printed after the
    #MC handler returns, so it comes at its own pace)."""
    return vm.wait_for(rf"(Memory failure: {pfn:#x}: [^\r\n]*)\r?\n").group(1)


def scrub_error(vm, via, pfn):
    """An action-optional scrub error on pfn; returns memory_failure's line."""
    if via == "console":
        out = vm.command(f"inject srao {pfn:#x}")
        return re.search(rf"Memory failure: {pfn:#x}: [^\n]*", out).group(0)
    qemu_mce(vm, 9, SCRUB, 0x5, pfn << 12, 0x86)
    return failure_line(vm, pfn)



def page_line(vm, pfn):
    return vm.command(f"page {pfn:#x}")


def poisoned(vm, via, pfn):
    """pfn, poisoned by a scrub error through `via` unless an earlier test
    of this module did it already: every test must also pass alone."""
    if "hwpoison" not in page_line(vm, pfn):
        scrub_error(vm, via, pfn)
    return pfn


def mcelog_count(vm):
    out = vm.command("mcelog")
    m = re.match(r"mcelog: (\d+) records?", out)
    return int(m.group(1)) if m else 0


def test_boot_reports_machine_check_capabilities(vm):
    assert re.search(r"mce: MCG_CAP 0x100010a: 10 banks, MCG_CTL, SER \(recovery\), "
                     r"CR4\.MCE on, polling every 1000 ms", vm.transcript)


@pytest.mark.parametrize("via,near", [("console", 0x2345), ("qemu", 0x2346)])
def test_scrub_error_on_free_page_is_recovered(vm, via, near):
    pfn = vm.free_pfn(near)
    before = vm.meminfo()
    assert scrub_error(vm, via, pfn).endswith(
        "recovery action for free buddy page: Recovered")
    assert "(hwpoison)" in page_line(vm, pfn)
    after = vm.meminfo()
    assert after["HardwareCorrupted"] == before["HardwareCorrupted"] + 4
    assert after["MemFree"] <= before["MemFree"] - 4
    assert re.search(rf"^{pfn:#x}\s+hardware\s+free buddy page\s+Recovered$",
                     vm.command("hwpoison list"), re.M)


def test_poisoned_frames_are_never_allocated_again(vm):
    # selftest buddy takes every free frame and fails on a poisoned one.
    frames = [poisoned(vm, "console", 0x2350), poisoned(vm, "qemu", 0x2351)]
    out = vm.command("selftest buddy", timeout=120)
    assert "selftest buddy: PASS" in out, out
    for pfn in frames:
        assert "(hwpoison)" in page_line(vm, pfn)
        assert "free:" not in page_line(vm, pfn)


def test_memmap_marks_poisoned_frames(vm):
    pfn = poisoned(vm, "console", 0x2352)
    out = vm.command("memmap")
    per = int(re.search(r"(\d+) per character", out).group(1))
    rows = {int(row.split()[0], 16): row.split()[1] for row in out.splitlines()[1:]}
    row_start = max(start for start in rows if start <= pfn)
    assert rows[row_start][(pfn - row_start) // per] == "X"


@pytest.mark.parametrize("via", PATHS)
def test_second_error_on_same_page_is_already_poisoned(vm, via):
    pfn = poisoned(vm, via, {"console": 0x2353, "qemu": 0x2354}[via])
    corrupted = vm.meminfo()["HardwareCorrupted"]
    assert scrub_error(vm, via, pfn).endswith("already hardware poisoned")
    assert vm.meminfo()["HardwareCorrupted"] == corrupted


@pytest.mark.parametrize("via", PATHS)
def test_error_on_kernel_image_page_is_ignored(vm, via):
    kernel_pfn = {"console": 0x101, "qemu": 0x102}[via]  # the kernel is loaded at 1 MiB
    assert "(reserved" in page_line(vm, kernel_pfn)
    line = scrub_error(vm, via, kernel_pfn)
    assert line.endswith("recovery action for reserved kernel page: Ignored")
    assert "(reserved,hwpoison)" in page_line(vm, kernel_pfn)
    assert "MemTotal:" in vm.command("meminfo")  # and the kernel carries on


def find_slab_frame(vm):
    """A frame the slab allocator holds, found through memmap and page. A
    cell shows its busiest frame, so a slab frame may hide behind a U or
    an X."""
    out = vm.command("memmap")
    per = int(re.search(r"(\d+) per character", out).group(1))
    for row in out.splitlines()[1:]:
        start, cells = row.split()
        for i, cell in enumerate(cells):
            if cell in "SUX":
                first = int(start, 16) + i * per
                listing = vm.command(f"page {first:#x} {per}")
                m = re.search(r"^pfn (0x[0-9a-f]+) flags \S+ \(slab\)", listing, re.M)
                if m:
                    return int(m.group(1), 16)
    raise AssertionError("no slab page in memmap:\n" + out)


@pytest.mark.parametrize("via", PATHS)
def test_error_on_slab_page_is_ignored(boot_vm, via):
    vm = boot_vm()  # its own: the only slab page gets poisoned
    vm.command("hwpoison corrupt-pfn 0x2600")  # its record is the first kmalloc
    pfn = find_slab_frame(vm)
    assert scrub_error(vm, via, pfn).endswith(
        "recovery action for kernel slab page: Ignored")
    assert "(slab,hwpoison)" in page_line(vm, pfn)
    assert "0x2600" in vm.command("hwpoison list")  # the slab's objects still work


@pytest.mark.parametrize("via", PATHS)
def test_error_outside_ram_is_not_ours(vm, via):
    corrupted = vm.meminfo()["HardwareCorrupted"]
    assert scrub_error(vm, via, 0x7ff0000).endswith("memory outside kernel control")
    assert vm.meminfo()["HardwareCorrupted"] == corrupted


# QEMU raises #MC for every uncorrected status, S bit or not; the handler
# leaves a UCNA error (no S) in its bank for the poller, as Linux does.
@pytest.mark.parametrize("via,bank,kind,status,mcgstatus,pfn", [
    ("console", 9, "ce", CORRECTED, 0, 0x3001), ("qemu", 2, "ce", CORRECTED, 0, 0x3002),
    ("console", 9, "ucna", UCNA, 0, 0x3003), ("qemu", 3, "ucna", UCNA, 0x5, 0x3004)])
def test_unsignalled_errors_are_found_by_polling_and_logged(
        vm, via, bank, kind, status, mcgstatus, pfn):
    records = mcelog_count(vm)
    if via == "console":
        out = vm.command(f"inject {kind} {pfn:#x}")
        assert "left for the poller" in out
    else:
        qemu_mce(vm, bank, status, mcgstatus, pfn << 12, MISC_PAGE)
    # No #MC: the poller finds it within its one-second period.
    vm.wait_for(rf"Machine Check: 0 Bank {bank}: {status:016x}", timeout=5)
    out = vm.command("mcelog")
    assert mcelog_count(vm) == records + 1
    record = out[out.rindex(f"CPU 0 BANK {bank} STATUS {status:#018x}"):]
    assert "found by polling" in record
    assert f"physical address {pfn << 12:#x}: pfn {pfn:#x}" in record
    want = "corrected (CE)" if kind == "ce" else "uncorrected, no action required (UCNA)"
    assert f"class: {want}" in record
    assert "hwpoison" not in page_line(vm, pfn)  # logged, not acted on


def test_mcelog_decodes_a_scrub_error(vm):
    scrub_error(vm, "qemu", 0x2347)
    out = vm.command("mcelog")
    record = out[out.rindex("CPU 0 BANK 9 STATUS 0xbd000000000000c0 ADDR 0x2347000 MISC 0x86 "
                            "MCGSTATUS 0x5"):]
    record = record[:record.index("severity:") + 80]
    assert "found by the #MC handler in kernel mode" in record
    assert "status bits: VAL UC EN MISCV ADDRV S\n" in record
    assert "MCACOD 0x00c0: memory scrubbing" in record
    assert "address mode 2 (physical), lowest valid bit 6" in record
    assert "class: software recoverable, action optional (SRAO)" in record
    assert "severity: Action optional: memory scrubbing error (action optional)" in record


BAD_INJECTIONS = [
    ("mce-inject bank=9", "bank= and status= are required"),
    ("mce-inject bank=10 status=0xbd000000000000c0 addr=0x1000 misc=0x8c",
     "bank 10 does not exist (banks 0-9)"),
    ("mce-inject bank=2147483648 status=0xbd000000000000c0 addr=0x1000 misc=0x8c",
     "bank 2147483648 does not exist (banks 0-9)"),
    ("mce-inject bank=18446744073709551615 status=0xbd000000000000c0 addr=0x1000 misc=0x8c",
     "bank 18446744073709551615 does not exist (banks 0-9)"),
    ("mce-inject bank=9 status=0x3d000000000000c0 addr=0x1000 misc=0x8c",
     "status has no VAL bit"),
    ("mce-inject bank=9 status=0xbd000000000000c0 misc=0x8c",
     "ADDRV (bit 58) is set but no addr= given"),
    ("mce-inject bank=9 status=0xb9000000000000c0 addr=0x1000",
     "addr= given but ADDRV (bit 58) is clear"),
    ("mce-inject bank=9 status=0x9000000000000091 raise",
     "a corrected error (UC, bit 61, clear) never raises #MC: use poll"),
    ("mce-inject bank=9 status=0xb100000000000091 poll",
     "a signalled error (UC and S set) arrives by #MC, not polling: use raise"),
    ("mce-inject bank=9 status=0x9000000000000091 mcgstatus=5 poll",
     "mcgstatus= is what the #MC handler reads: it needs raise"),
    ("mce-inject bank=9 status=0xb1zz", "status: '0xb1zz' is not a number"),
    ("mce-inject bank=9 bank=8 status=0xb100000000000091", "bank= given twice"),
    ("mce-inject bank=9 colour=blue", "unknown field 'colour'"),
    ("mce-inject bank=9 status=0xb100000000000091 raise poll", "give raise or poll once"),
    ("mce-inject bank=9 oops", "'oops' is not key=value, raise or poll"),
]


@pytest.mark.parametrize("line,error", BAD_INJECTIONS)
def test_malformed_injection_is_refused_and_injects_nothing(vm, line, error):
    records = mcelog_count(vm)
    out = vm.command(line)
    assert error in out and out.endswith("nothing injected"), out
    assert "Machine Check" not in out
    assert mcelog_count(vm) == records


def test_bad_inject_shorthands(vm):
    assert vm.command("inject srao 12x") == \
        "inject: '12x' is not a page frame number; nothing injected"
    assert vm.command("inject srao").startswith("usage: inject KIND [PFN]")
    assert vm.command("inject meteor 1").startswith("usage: inject KIND [PFN]")
    records = mcelog_count(vm)
    # pcc takes no PFN, and the only context word is user:PID (the
    # console's own context is the default, not spelled "kernel").
    for line in ("inject pcc 0x1000", "inject srao 0x3000 kernel", "inject ce 0x3000 kernel"):
        assert vm.command(line).startswith("usage: inject KIND [PFN] [user:PID]"), line
    assert mcelog_count(vm) == records


def test_qemu_rejects_bad_mce_and_the_kernel_sees_nothing(vm):
    records = mcelog_count(vm)
    assert "Invalid MCE bank number" in vm.hmp("mce 0 10 0xbd000000000000c0 5 0 0")
    assert "Invalid MCE status code" in vm.hmp("mce 0 9 0x3d000000000000c0 5 0 0")
    assert mcelog_count(vm) == records


def test_sysctl_shows_and_sets_recovery_knobs(vm):
    out = vm.command("sysctl")
    assert re.search(r"^vm\.memory_failure_early_kill = 0\t# ", out, re.M)
    assert re.search(r"^vm\.memory_failure_recovery = 1\t# ", out, re.M)
    assert vm.command("sysctl vm.memory_failure_early_kill=1") == \
        "vm.memory_failure_early_kill = 1"
    assert vm.command("sysctl vm.memory_failure_early_kill") == \
        "vm.memory_failure_early_kill = 1"
    assert vm.command("sysctl vm.memory_failure_early_kill=0") == \
        "vm.memory_failure_early_kill = 0"
    assert vm.command("sysctl vm.memory_failure_recovery=2") == \
        'sysctl: setting key "vm.memory_failure_recovery": invalid value (0 to 1)'
    assert vm.command("sysctl vm.memory_failure_recovery=yes").startswith("sysctl: setting key")
    assert vm.command("sysctl vm.memory_failure_recovery") == "vm.memory_failure_recovery = 1"
    assert vm.command("sysctl vm.nope") == \
        "sysctl: no setting named 'vm.nope' (type 'sysctl' for the list)"


def test_hwpoison_command_bad_input(vm):
    assert vm.command("hwpoison") == "usage: hwpoison corrupt-pfn PFN | unpoison-pfn PFN | list"
    assert vm.command("hwpoison burn 1") == \
        "usage: hwpoison corrupt-pfn PFN | unpoison-pfn PFN | list"
    assert vm.command("hwpoison corrupt-pfn x1") == \
        "hwpoison: 'x1' is not a number (use decimal or 0x-prefixed hex)"


# -- the ones that end the machine, or need one no hardware error touched --

def expect_panic(vm, *messages):
    for message in messages:
        vm.wait_for(re.escape(message))
    assert vm.wait_exit() == EXIT_PANIC


@pytest.mark.parametrize("via", PATHS)
def test_processor_context_corrupt_panics(boot_vm, via):
    vm = boot_vm()
    if via == "console":
        vm.send("inject pcc\r")
    else:
        qemu_mce(vm, 0, PCC, 0x4)
    expect_panic(vm, "mce: [Hardware Error]: Machine check: Processor context corrupt",
                 "Kernel panic - not syncing: Fatal machine check: Processor context corrupt")


@pytest.mark.parametrize("via,reason", [
    ("console", "In kernel and no restart IP"),      # MCG_STATUS EIPV|MCIP, as hardware
    ("qemu", "MCIP not set in MCA handler")])        # QEMU stores the given 0x2 as is
def test_action_required_in_kernel_panics(boot_vm, via, reason):
    vm = boot_vm()
    if via == "console":
        vm.send("inject srar 0x2500\r")
    else:
        qemu_mce(vm, 1, DATA_LOAD, 0x2, 0x2500000, 0x86)
    expect_panic(vm, f"Machine check: {reason}",
                 f"Kernel panic - not syncing: Fatal machine check: {reason}")


@pytest.mark.parametrize("via", PATHS)
def test_recovery_disabled_panics_on_any_memory_failure(boot_vm, via):
    vm = boot_vm()
    assert vm.command("sysctl vm.memory_failure_recovery=0") == \
        "vm.memory_failure_recovery = 0"
    if via == "console":
        vm.send("inject srao 0x2345\r")
    else:
        qemu_mce(vm, 9, SCRUB, 0x5, 0x2345000, 0x86)
    expect_panic(vm, "Kernel panic - not syncing: Memory failure on page 2345")


@pytest.mark.parametrize("via", PATHS)
def test_unpoison_returns_software_poison_only(boot_vm, via):
    vm = boot_vm()
    buddy_before = vm.command("buddyinfo")
    free_before = vm.meminfo()["MemFree"]
    out = vm.command("hwpoison corrupt-pfn 0x2400")
    assert "Memory failure: 0x2400: recovery action for free buddy page: Recovered" in out
    assert re.search(r"^0x2400\s+software\s+free buddy page", vm.command("hwpoison list"), re.M)
    assert vm.meminfo()["HardwareCorrupted"] == 4

    out = vm.command("hwpoison unpoison-pfn 0x2400")
    assert "Unpoison: Software-unpoisoned free page 0x2400" in out
    assert "hwpoison" not in page_line(vm, 0x2400)
    assert vm.meminfo()["HardwareCorrupted"] == 0
    assert vm.meminfo()["MemFree"] == free_before
    assert vm.command("buddyinfo") == buddy_before  # merged back whole
    assert vm.command("hwpoison list") == "no poisoned pages"
    assert "Unpoison: Page was already unpoisoned 0x2400" in \
        vm.command("hwpoison unpoison-pfn 0x2400")

    # A kernel page stays poisoned: it is still in use.
    out = vm.command("hwpoison corrupt-pfn 0x101")
    assert "reserved kernel page: Ignored" in out
    assert "Unpoison: Someone grabs the hwpoison page 0x101" in \
        vm.command("hwpoison unpoison-pfn 0x101")

    # After a real hardware error, nothing can be unpoisoned any more.
    vm.command("hwpoison corrupt-pfn 0x2401")
    scrub_error(vm, via, 0x2402)
    assert "Unpoison: Disabled after HW memory failure 0x2401" in \
        vm.command("hwpoison unpoison-pfn 0x2401")
    assert "(hwpoison)" in page_line(vm, 0x2401)


def test_mcelog_keeps_the_newest_32_and_counts_the_dropped(boot_vm):
    vm = boot_vm()
    for i in range(35):
        vm.command(f"inject srao {0x5000 + i:#x}")
    out = vm.command("mcelog")
    assert out.startswith("mcelog: 32 records (3 older ones dropped: the log keeps 32)\n")
    addresses = re.findall(r"^CPU 0 BANK 9 STATUS 0xbd000000000000c0 ADDR (0x[0-9a-f]+)", out, re.M)
    assert addresses == [hex((0x5000 + i) << 12) for i in range(3, 35)]


def kernel_blocks(vm, pid):
    """{what: (first pfn, last pfn)} of a process's kernel allocations, from `vm PID`."""
    report = vm.command(f"vm {pid}")
    return {m.group(1): (int(m.group(2), 16), int(m.group(3), 16))
            for m in re.finditer(r"^(struct proc|kernel stack|page table root): "
                                 r"pfn (0x[0-9a-f]+)-(0x[0-9a-f]+)$", report, re.M)}


def start_sleeper(vm):
    return int(re.search(r"^\[(\d+)\] sleep$", vm.command("run sleep 1000 &"), re.M).group(1))


def wait_until_reaped(vm, pid, tries=200):
    for _ in range(tries):
        if not re.search(rf"^\s*{pid}\s", vm.command("ps"), re.M):
            return
    raise AssertionError(f"process {pid} was never reaped")


def test_frame_inside_a_kernel_stack_or_large_kmalloc_is_that_allocation(boot_vm):
    """A frame in the middle of a compound page is judged by its head: any
    tail of a 16 KiB kernel stack is a high-order kernel page, not an
    unknown one. (The struct proc, 2400 bytes, is a kmalloc-4k slab object:
    its frame is a slab page.)"""
    vm = boot_vm()
    pid = start_sleeper(vm)
    blocks = kernel_blocks(vm, pid)
    stack_first, stack_last = blocks["kernel stack"]
    proc_first, proc_last = blocks["struct proc"]
    assert (stack_last - stack_first, proc_last - proc_first) == (3, 0)
    for frame in [stack_first + 2, stack_last]:
        assert f"tail of pfn {stack_first:#x}" in page_line(vm, frame)
        out = vm.command(f"hwpoison corrupt-pfn {frame:#x}")
        assert f"Memory failure: {frame:#x}: recovery action for high-order kernel page: " \
               "Ignored" in out
        assert "unknown page" not in out
    out = vm.command(f"hwpoison corrupt-pfn {proc_last:#x}")
    assert f"Memory failure: {proc_last:#x}: recovery action for kernel slab page: Ignored" in out
    assert "compound order 2" in page_line(vm, stack_first)
    # The process does not notice (nothing was really corrupt) and exits
    # normally; the poisoned frames stay out of the allocator.
    vm.command(f"kill {pid} 9")
    wait_until_reaped(vm, pid)
    assert "(hwpoison)" in page_line(vm, stack_first + 2)
    assert "buddy" not in page_line(vm, proc_last)


def test_unpoison_refuses_frames_the_kernel_still_uses(boot_vm):
    """Bug 14: unpoison gives back only frames nobody holds. A frame of a
    kernel stack (its head and its last tail), a page table and a slab page
    are refused with EBUSY while in use; once the process is gone, its
    poisoned stack frames are free and come back."""
    vm = boot_vm()
    pid = start_sleeper(vm)
    blocks = kernel_blocks(vm, pid)
    stack_first = blocks["kernel stack"][0]
    pgd = blocks["page table root"][0]
    assert "(pgtable)" in page_line(vm, pgd)
    slab = find_slab_frame(vm)
    in_use = [stack_first, stack_first + 3, pgd, slab]
    for pfn in in_use:
        vm.command(f"hwpoison corrupt-pfn {pfn:#x}")
    corrupted = vm.meminfo()["HardwareCorrupted"]
    for pfn in in_use:
        out = vm.command(f"hwpoison unpoison-pfn {pfn:#x}")
        assert f"Unpoison: Someone grabs the hwpoison page {pfn:#x}" in out
        assert out.endswith(f"hwpoison: unpoison-pfn {pfn:#x} returned -16")
        assert "(hwpoison)" in page_line(vm, pfn) or ",hwpoison)" in page_line(vm, pfn)
    assert vm.meminfo()["HardwareCorrupted"] == corrupted

    vm.command(f"kill {pid} 9")
    wait_until_reaped(vm, pid)
    free_before = vm.meminfo()["MemFree"]
    for pfn in [stack_first, stack_first + 3]:
        out = vm.command(f"hwpoison unpoison-pfn {pfn:#x}")
        assert f"Unpoison: Software-unpoisoned free page {pfn:#x}" in out
        assert "hwpoison" not in page_line(vm, pfn)
    assert vm.meminfo()["MemFree"] == free_before + 8
    assert vm.meminfo()["HardwareCorrupted"] == corrupted - 8


def arm_a_sleeper(vm):
    """`run sleep 2 &`, and an action-required injection on one of its
    pages for when it next runs in user mode - which is not before
    its nanosleep returns. Returns (pid, pfn, mark)."""
    since = vm.mark()
    pid = int(re.search(r"\[(\d+)\] sleep", vm.command("run sleep 2 &")).group(1))
    # Its stack page: one it has written to itself, so a dirty LRU page.
    pfn = int(re.findall(r"^  0x[0-9a-f]+ pfn (0x[0-9a-f]+) rw", vm.command(f"vm {pid}"),
                         re.M)[-1], 16)
    assert vm.command(f"inject srar {pfn:#x} user:{pid}").endswith(
        "#MC when that process next runs in user mode")
    return pid, pfn, since


def expect_action_required_kill(vm, pid, pfn, since):
    """The sleeper's own machine check, when it wakes: its page is taken
    away and it dies of the SIGBUS (it has no handler)."""
    vm.wait_for(r"mce: \[Hardware Error\]: CPU 0: Machine Check Exception: 6 Bank 1: "
                r"bd80000000000134\r\n[^\n]*RIP 23:[0-9a-f]+ \(user mode\)", since=since)
    vm.wait_for(rf"Memory failure: {pfn:#x}: Sending SIGBUS to sleep:{pid} due to hardware "
                "memory corruption", since=since)
    vm.wait_for(rf"Memory failure: {pfn:#x}: recovery action for dirty LRU page: "
                "Recovered", since=since)
    assert vm.job_end(pid, since) == "killed by signal 7 SIGBUS"
    assert len(re.findall(r"Bank 1: bd80000000000134", vm.transcript[since:])) == 1


def test_a_waiting_injection_is_not_taken_by_another_machine_check(vm):
    """A waiting user:PID record belongs to that process's context only:
    another #MC (here the console's) neither sees nor clears it."""
    pid, pfn, since = arm_a_sleeper(vm)
    assert scrub_error(vm, "console", 0x2a00).endswith(
        "recovery action for free buddy page: Recovered")
    srao = vm.transcript[since:].split("inject srao 0x2a00")[1].split("Memory failure: 0x2a00")[0]
    assert "Bank 9: bd000000000000c0" in srao and "Bank 1" not in srao, srao
    expect_action_required_kill(vm, pid, pfn, since)


def test_a_waiting_injection_does_not_change_what_a_real_machine_check_reads(vm):
    """A scrub error from QEMU while a user:PID injection waits: the
    handler reads QEMU's MCG_STATUS (RIPV), not the waiting record's
    (EIPV only, which in the kernel would mean "no restart IP": panic)."""
    pid, pfn, since = arm_a_sleeper(vm)
    qemu_mce(vm, 9, SCRUB, 0x5, 0x2b00 << 12, 0x8c)
    assert failure_line(vm, 0x2b00).endswith("recovery action for free buddy page: Recovered")
    expect_action_required_kill(vm, pid, pfn, since)

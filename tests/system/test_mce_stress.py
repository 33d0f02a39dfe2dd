"""Machine checks that land anywhere: hundreds of them, from both paths.

The #MC handler may interrupt any kernel code - the run queue, the timer
list, the workqueue, printk, and the software injector's own #MC. These
tests fire many machine checks at such moments and check that the kernel
neither crashes nor hangs, and that every page is handled exactly once
(the log line of memory_failure, then `hwpoison list`).
"""
import re
import time

SCRUB = 0xbd000000000000c0  # VAL UC EN MISCV ADDRV S, memory scrub: action optional
MISC_PAGE = 0x8c


def qemu_scrub(vm, bank, pfn):
    answer = vm.hmp(f"mce 0 {bank} {SCRUB:#x} 0x5 {pfn << 12:#x} {MISC_PAGE:#x}")
    assert answer == "", answer


def handled(vm, pfn, since):
    """memory_failure's line for pfn. Most targets are free pages, but
    poisoning a free page splits its buddy block and the kernel soon hands
    out the neighbours: the result depends on who holds the page by then."""
    return vm.wait_for(rf"Memory failure: {pfn:#x}: recovery action for [^\r\n]+\r?\n",
                       since=since)


def hardware_poisoned(vm):
    return {int(m.group(1), 16) for m in
            re.finditer(r"^(0x[0-9a-f]+)\s+hardware\s", vm.command("hwpoison list"), re.M)}


def test_real_machine_check_inside_the_injectors_own(boot_vm):
    """`inject srao` on the console, and a QEMU `mce` 2-20 ms later: the
    real #MC lands in the middle of the software one (in its printk, its
    bank loop, the memory_failure queue...). Both pages are handled, once
    each, every time."""
    vm = boot_vm()
    rounds = 200
    for i in range(rounds):
        console_pfn, qemu_pfn = 0x5000 + i, 0x5400 + i
        since = vm.mark()
        vm.send(f"inject srao {console_pfn:#x}\r")
        time.sleep(0.002 * (1 + i % 10))  # where the QEMU #MC lands, not a wait
        qemu_scrub(vm, 2, qemu_pfn)
        handled(vm, console_pfn, since)
        handled(vm, qemu_pfn, since)
        # (No wait for the prompt: the QEMU #MC's log lines may land in
        # the middle of it, as kernel messages do in a shell's prompt.)
    vm.command("")
    text = vm.transcript
    for i in range(rounds):
        for pfn in (0x5000 + i, 0x5400 + i):
            assert len(re.findall(rf"Memory failure: {pfn:#x}: recovery action", text)) == 1, \
                hex(pfn)
    expected = {0x5000 + i for i in range(rounds)} | {0x5400 + i for i in range(rounds)}
    assert expected <= hardware_poisoned(vm)


def test_machine_checks_while_processes_fork_exit_sleep_and_wake(boot_vm):
    """QEMU's #MC arrives wherever the CPU is. With processes forking,
    exiting, sleeping and waking, that is often inside the run queue, a
    wait queue or the timer list - structures the handler must not touch."""
    vm = boot_vm()
    rounds = 300
    vm.command("run forktest &")
    for i in range(rounds):
        pfn = 0x2000 + i
        if i % 10 == 0:
            vm.command("run sleep 1 &")  # sleeps on the timer list, wakes, exits
        if i % 100 == 0:
            vm.command("run forktest &")
        since = vm.mark()
        qemu_scrub(vm, 9, pfn)
        handled(vm, pfn, since)
    assert {0x2000 + i for i in range(rounds)} <= hardware_poisoned(vm)
    text = vm.transcript
    for i in range(rounds):
        assert len(re.findall(rf"Memory failure: {0x2000 + i:#x}: recovery action", text)) == 1, \
            hex(0x2000 + i)
    # Each forktest ran to its end (a poisoned page of its own may kill it).
    pos = 0
    for _ in range(rounds // 100 + 1):
        pos = vm.wait_for(r"\[\d+\] forktest (exited|killed)", since=pos).end()

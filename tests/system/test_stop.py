"""Ways the machine stops: each boots its own VM, since it ends it."""
import re

from machine import EXIT_PANIC, EXIT_POWEROFF


def test_poweroff_exits_qemu_with_status_33(boot_vm):
    vm = boot_vm()
    vm.send(b"poweroff\r")
    vm.wait_for(r"reboot: Power down")
    assert vm.wait_exit() == EXIT_POWEROFF


def test_deliberate_panic_exits_with_panic_status(boot_vm):
    vm = boot_vm()
    vm.send(b"selftest panic\r")
    vm.wait_for(r"Kernel panic - not syncing: selftest: deliberate panic")
    vm.wait_for(r"---\[ end Kernel panic - not syncing: selftest: deliberate panic \]---")
    assert vm.wait_exit() == EXIT_PANIC
    # The backtrace names the functions on the way to the panic.
    trace = vm.transcript[vm.transcript.index("Kernel panic"):]
    assert re.search(r"deliberate_panic\+0x[0-9a-f]+/0x[0-9a-f]+", trace)
    assert "monitor_execute+" in trace


def test_kernel_page_fault_oopses_then_panics(boot_vm):
    vm = boot_vm()
    vm.send(b"selftest fault\r")
    vm.wait_for(r"BUG: unable to handle page fault for address: 0000000000000000")
    vm.wait_for(r"#PF: supervisor read access in kernel mode")
    vm.wait_for(r"#PF: error_code\(0x0000\) - not-present page")
    vm.wait_for(r"RIP: 0008:deliberate_fault\+0x0/")
    vm.wait_for(r"Kernel panic - not syncing: Fatal exception: page fault")
    assert vm.wait_exit() == EXIT_PANIC

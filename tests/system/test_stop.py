"""Ways the machine stops: each boots its own VM, since it ends it."""
import re
import subprocess

from machine import EXIT_PANIC, EXIT_POWEROFF, REPO_ROOT

KERNEL_ELF = REPO_ROOT / "build" / "kernel.elf"


def test_poweroff_exits_qemu_with_status_33(boot_vm):
    vm = boot_vm()
    vm.send(b"poweroff\r")
    vm.wait_for(r"reboot: Power down")
    assert vm.wait_exit() == EXIT_POWEROFF


def text_symbol_sizes():
    """{name: distance to the next text symbol} from the kernel's ELF."""
    out = subprocess.run(["nm", "-n", "--defined-only", str(KERNEL_ELF)], check=True,
                         capture_output=True, text=True).stdout
    syms = [(int(addr, 16), name) for addr, kind, name in
            (line.split()[:3] for line in out.splitlines() if len(line.split()) >= 3)
            if kind in "tT"]
    starts = sorted({addr for addr, _ in syms})
    following = dict(zip(starts, starts[1:]))
    sizes = {}
    for addr, name in syms:
        if addr in following:
            sizes.setdefault(name, following[addr] - addr)
    return sizes


def test_deliberate_panic_exits_with_panic_status(boot_vm):
    vm = boot_vm()
    vm.send(b"selftest panic\r")
    vm.wait_for(r"Kernel panic - not syncing: selftest: deliberate panic")
    vm.wait_for(r"---\[ end Kernel panic - not syncing: selftest: deliberate panic \]---")
    assert vm.wait_exit() == EXIT_PANIC
    # The backtrace names the functions on the way to the panic.
    trace = vm.transcript[vm.transcript.index("Kernel panic"):]
    frames = re.findall(r"^\[[ .0-9]+\]  (\w+)\+0x([0-9a-f]+)/0x([0-9a-f]+)\r?$", trace, re.M)
    names = [name for name, _, _ in frames]
    assert names[:3] == ["panic", "deliberate_panic", "cmd_selftest"], trace
    assert "monitor_execute" in names
    # Sizes run to the next symbol, as Linux's kallsyms measures them: the
    # call that ends noreturn deliberate_panic returns into its padding,
    # so it reads e.g. deliberate_panic+0x12/0x20, not +0x12/0x12 (the
    # ELF size), and never as the next function's +0x0.
    sizes = text_symbol_sizes()
    for name, offset, size in frames:
        assert int(size, 16) == sizes[name], (name, size, sizes[name])
        assert int(offset, 16) <= int(size, 16), (name, offset, size)
    # A kernel thread's first frame is where alloc_proc made it return.
    assert names[-1] == "trapret" and frames[-1][1] == "0"


def test_kernel_page_fault_oopses_then_panics(boot_vm):
    vm = boot_vm()
    vm.send(b"selftest fault\r")
    vm.wait_for(r"BUG: unable to handle page fault for address: 0000000000000000")
    vm.wait_for(r"#PF: supervisor read access in kernel mode")
    vm.wait_for(r"#PF: error_code\(0x0000\) - not-present page")
    vm.wait_for(r"RIP: 0008:deliberate_fault\+0x0/")
    vm.wait_for(r"Kernel panic - not syncing: Fatal exception: page fault")
    assert vm.wait_exit() == EXIT_PANIC

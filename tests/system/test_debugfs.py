"""/sys/kernel/debug: the hwpoison injector and its filters, and the
mce-inject files with Linux's mce-inject tool (user/mce-inject.c), from
user space (user/debugfstest.c), with Linux 6.1's results."""
import re

import pytest

EHWPOISON, EBUSY = 133, 16
KPF_LRU = 5


def corrupt(vm, what, pfn):
    out = vm.command(f"run debugfstest {what} {pfn:#x}")
    m = re.search(r"errno (\d+), poisoned (\d)", out)
    return int(m.group(1)), m.group(2) == "1"


def test_debugfs_files_behave_as_on_linux(vm):
    vm.run_suite("debugfstest")


def test_sys_and_debugfs_are_mounted(vm):
    mounts = vm.command("run proctest cat /proc/mounts")
    assert re.search(r"^sysfs /sys sysfs rw 0 0$", mounts, re.M)
    assert re.search(r"^debugfs /sys/kernel/debug debugfs rw 0 0$", mounts, re.M)


def test_corrupt_and_unpoison_a_free_page(boot_vm):
    # A machine of its own: after a hardware memory error (the scrub error
    # below, on the shared machine) Linux, and so Antidote, refuses to
    # unpoison anything ("Unpoison: Disabled after HW memory failure").
    vm = boot_vm()
    pfn = vm.free_pfn(0x3000)
    before = vm.meminfo()["HardwareCorrupted"]
    assert corrupt(vm, "corrupt", pfn) == (0, True)
    assert "(hwpoison)" in vm.command(f"page {pfn:#x}")
    assert vm.meminfo()["HardwareCorrupted"] == before + 4
    assert corrupt(vm, "corrupt", pfn) == (EHWPOISON, True)   # again: already poisoned
    assert corrupt(vm, "unpoison", pfn) == (0, False)
    assert vm.meminfo()["HardwareCorrupted"] == before
    assert corrupt(vm, "unpoison", pfn) == (EBUSY, False)      # never poisoned now


def test_filter_keeps_corrupt_pfn_off_free_pages(vm):
    pfn = vm.free_pfn(0x3100)
    hw = "/sys/kernel/debug/hwpoison"
    try:
        # Only pages on the LRU lists pass: a free frame is not one.
        for name, value in [("flags-mask", 1 << KPF_LRU), ("flags-value", 1 << KPF_LRU),
                            ("enable", 1)]:
            assert "ok" in vm.command(f"run proctest write {hw}/corrupt-filter-{name} {value}")
        # Filtered out: the write succeeds and nothing is poisoned.
        assert corrupt(vm, "corrupt", pfn) == (0, False)
        assert "hwpoison" not in vm.command(f"page {pfn:#x}")
    finally:
        vm.command(f"run proctest write {hw}/corrupt-filter-enable 0")
        vm.command(f"run proctest write {hw}/corrupt-filter-flags-mask 0")
        vm.command(f"run proctest write {hw}/corrupt-filter-flags-value 0")


def test_mce_inject_tool_scrub_error_on_a_free_page(vm):
    pfn = vm.free_pfn(0x3200)
    # At most 16 words on a console line: MCE starts a record on CPU 0,
    # and the #MC gets Linux's MCG_STATUS (MCIP EIPV RIPV).
    out = vm.command(f"run debugfstest mce-inject MCE BANK 9 STATUS UNCORRECTED SRAO 0xc0 "
                     f"ADDR {pfn << 12:#x} MISC 0x8c", timeout=20)
    assert f"Memory failure: {pfn:#x}: recovery action for free buddy page: Recovered" in out
    assert "debugfstest: mce-inject exited with 0" in out
    assert "(hwpoison)" in vm.command(f"page {pfn:#x}")


@pytest.mark.parametrize("text,error", [
    ("CPU 0 BANK 9 STATUS 0x9c000000000000c0 BOGUS", "<stdin>:1: syntax error at 'BOGUS'"),
    ("CPU 0 BANK 99 STATUS CORRECTED", "mce-inject/bank: Invalid argument"),
])
def test_mce_inject_tool_refuses_bad_input(vm, text, error):
    out = vm.command(f"run debugfstest mce-inject {text}")
    assert error in out
    assert "debugfstest: mce-inject exited with 1" in out

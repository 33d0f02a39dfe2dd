"""The kernel command line: words GRUB passes reach the subsystems that
read them. Here: sysctl.NAME=VALUE, as Linux accepts at boot."""
import re

import pytest

from iso import build_iso
from machine import EXIT_PANIC, REPO_ROOT, Machine

CMDLINE = "sysctl.vm.memory_failure_recovery=0 sysctl.vm.memory_failure_early_kill=7"


@pytest.fixture(scope="module")
def cmdline_iso(tmp_path_factory):
    return build_iso(tmp_path_factory.mktemp("cmdline"), cmdline=CMDLINE)


@pytest.fixture(scope="module")
def cmdline_vm(cmdline_iso):
    machine = Machine(iso=cmdline_iso)
    try:
        yield machine.boot()
    finally:
        machine.close()


def test_command_line_is_logged_whole(cmdline_vm):
    # boot/grub.cfg's own words first (console=, and root= if it has one).
    grub_words = re.search(r"^\s*multiboot2 \S+ (.*)$", (REPO_ROOT / "boot" / "grub.cfg").read_text(),
                           re.M).group(1).strip()
    assert f"Command line: {grub_words} {CMDLINE}\r\n" in cmdline_vm.transcript


def test_valid_boot_sysctl_is_applied(cmdline_vm):
    assert "sysctl: vm.memory_failure_recovery = 0 (from the command line)" in \
        cmdline_vm.transcript
    assert cmdline_vm.command("sysctl vm.memory_failure_recovery") == \
        "vm.memory_failure_recovery = 0"


def test_invalid_boot_sysctl_is_refused_and_changes_nothing(cmdline_vm):
    assert ("sysctl: vm.memory_failure_early_kill=7 on the command line: "
            "invalid value (keeping 0)") in cmdline_vm.transcript
    assert cmdline_vm.command("sysctl vm.memory_failure_early_kill") == \
        "vm.memory_failure_early_kill = 0"


def test_recovery_disabled_at_boot_panics_on_a_memory_error(boot_vm, cmdline_iso):
    # A machine of its own: the panic ends it, and the module's other
    # tests may run after this one.
    vm = boot_vm(iso=cmdline_iso)
    vm.send("inject srao 0x2345\r")
    vm.wait_for("Kernel panic - not syncing: Memory failure on page 2345")
    assert vm.wait_exit() == EXIT_PANIC

"""init, the first user process: started by the kernel, pid 1, reaper of
orphans; init=PROGRAM and the words after "--" choose what it runs."""
import re

from iso import build_iso
from machine import EXIT_PANIC, Machine


def test_init_is_pid_1_and_started_at_boot(vm):
    assert "init: pid 1, 0 arguments" in vm.transcript
    assert re.search(r"^\s*1\s+0\s+\S+\s+default\s+\d+ init$", vm.command("ps"), re.M)


def test_init_reaps_orphans(vm):
    since = vm.mark()
    out = vm.command("run orphan")
    child = re.search(r"orphan: parent \d+ leaves child (\d+) behind", out).group(1)
    vm.wait_for(rf"orphan: child {child} exits, parent was 1", since=since)
    vm.wait_for(rf"init: reaped orphan {child}", since=since)
    assert not re.search(rf"^\s*{child}\s", vm.command("ps"), re.M)


def boot_with(tmp_path, cmdline):
    machine = Machine(iso=build_iso(tmp_path, cmdline=cmdline))
    machine.start()
    return machine


def test_init_program_and_arguments_from_the_command_line(tmp_path):
    with boot_with(tmp_path, "init=/hello -- one two") as vm:
        vm.wait_for("argv\\[0\\] = hello\r\nargv\\[1\\] = one\r\nargv\\[2\\] = two", timeout=30)
        # hello returns: init must never exit.
        vm.wait_for(r"Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000")
        assert vm.wait_exit() == EXIT_PANIC


def test_missing_init_panics_with_advice(tmp_path):
    with boot_with(tmp_path, "init=/nothing") as vm:
        vm.wait_for(r"Kernel panic - not syncing: No working init found \(nothing: error -2\)\. "
                    r"Try passing init= option to kernel\.", timeout=30)
        assert vm.wait_exit() == EXIT_PANIC


def test_init_ignores_signals_it_does_not_handle(vm):
    for sig in (15, 9):
        assert vm.command(f"kill 1 {sig}") == ""
    assert re.search(r"^\s*1\s+0\s+\S+\s+default\s+\d+ init$", vm.command("ps"), re.M)

"""Tests of the test harness itself (machine.py, conftest.py).

If these fail, the other system tests cannot be trusted: look here first.
"""
import os
import re

import pytest

from machine import PROMPT, Machine


def test_command_returns_only_the_output(vm):
    output = vm.command("help")
    assert output.startswith("  help")          # no echoed "help" line
    assert "poweroff" in output
    assert "\r" not in output and not output.endswith("\n")
    assert PROMPT not in output


def test_wait_for_times_out_with_the_transcript(vm):
    with pytest.raises(AssertionError) as failure:
        vm.wait_for("this never appears", timeout=0.5)
    message = str(failure.value)
    assert "timed out after 0.5 s" in message
    assert PROMPT.rstrip() in message            # the tail of the transcript
    assert vm.command("") == ""                  # the machine is still usable


def test_hmp_talks_to_qemu(vm):
    assert re.match(r"\d+\.\d+", vm.hmp("info version"))
    assert "running" in vm.hmp("info status")


def test_wait_for_fails_at_once_when_qemu_exits(boot_vm):
    m = boot_vm()
    m.send("poweroff\r")
    with pytest.raises(AssertionError, match="QEMU exited with status 33"):
        m.wait_for("this never appears", timeout=60)


def test_extra_args_reach_qemu(boot_vm):
    m = boot_vm(extra_args=["-smp", "2"])
    assert "-smp" in m.args
    assert "CPU #1" in m.hmp("info cpus")


def test_qemu_error_is_reported():
    with Machine(extra_args=["-no-such-option"]) as m:
        with pytest.raises(AssertionError, match="invalid option"):
            m.boot()


def test_close_kills_qemu():
    m = Machine()
    m.boot()
    m.close()
    assert m.exit_status is not None
    assert not os.path.exists(m.tmpdir)

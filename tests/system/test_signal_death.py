"""Signal handlers that cannot run end the process, quickly, as on Linux
(user/sigdeath.c): a frame that would overflow the alternate stack or
cannot be written means SIGSEGV; a fault inside a handler whose signal is
blocked means that signal's default action."""
import re

import pytest


@pytest.mark.parametrize("mode, sig, name, max_faults", [
    # A SA_ONSTACK|SA_NODEFER handler at a bad address: about a dozen
    # frames fit on the 16 KiB alternate stack, then it would overflow.
    ("altstack", 11, "SIGSEGV", 40),
    # The same on the 8 MiB ordinary stack: frames pile up until the
    # stack is used up, as on Linux - thousands, but it ends.
    ("nodefer", 11, "SIGSEGV", 10000),
    # A SIGUSR1 handler on an alternate stack that is not mapped.
    ("badstack", 11, "SIGSEGV", 0),
])
def test_a_handler_that_keeps_faulting_ends_in_sigsegv(vm, mode, sig, name, max_faults):
    out = vm.command(f"run sigdeath {mode}", timeout=60)
    assert "still alive" not in out
    assert re.search(rf"\] sigdeath killed by signal {sig} {name}$", out), out[-2000:]
    assert len(re.findall(r"segfault at", out)) <= max_faults
    if mode == "altstack":
        assert re.search(r"sigdeath\[\d+\] overflowed sigaltstack", out)


def test_a_poisoned_sigbus_handler_kills_with_sigbus(vm):
    """The handler's code page is poisoned: fetching it raises SIGBUS
    BUS_MCEERR_AR while SIGBUS is blocked, so SIGBUS's default action
    happens - once, not a fault per instruction."""
    out = vm.command("run sigdeath poisoned", timeout=60)
    assert out.count("due to hardware memory corruption fault") == 1, out[-2000:]
    assert re.search(r"\] sigdeath killed by signal 7 SIGBUS$", out)


def test_a_poisoned_nodefer_handler_overflows_its_stack_and_dies(vm):
    """With SA_ONSTACK|SA_NODEFER nothing blocks SIGBUS: every fetch of the
    poisoned handler pushes a frame, until the alternate stack would
    overflow; then the kernel forces SIGSEGV."""
    out = vm.command("run sigdeath poisoned-nodefer", timeout=60)
    assert out.count("due to hardware memory corruption fault") <= 40, out[-2000:]
    assert re.search(r"sigdeath\[\d+\] overflowed sigaltstack", out)
    assert re.search(r"\] sigdeath killed by signal 11 SIGSEGV$", out)

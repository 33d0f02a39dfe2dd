"""pytest fixtures for the system tests: booted Antidote machines.

    from machine import EXIT_POWEROFF

    def test_meminfo(vm):                 # one machine shared by the module
        assert "MemTotal" in vm.command("meminfo")

    def test_poweroff(boot_vm):           # a fresh machine for this test only
        m = boot_vm(mem="64M")
        m.send("poweroff\\r")
        m.expect_exit(EXIT_POWEROFF)

When a test fails, the serial transcript of every machine it used is
saved to build/test-logs/<test id>.log, and the failure report says where.
"""
import random
import re
import shutil
import time

import pytest

from machine import DEFAULT_DISK, DEFAULT_ISO, QEMU, REPO_ROOT, Machine, describe_exit

LOG_DIR = REPO_ROOT / "build" / "test-logs"

# Node ids of the tests that failed while using a module's shared `vm`,
# kept on the module's node for the `vm` fixture's teardown.
FAILED_VM_TESTS = pytest.StashKey[list]()


# -- the order of the tests -------------------------------------------------

def pytest_addoption(parser):
    parser.addoption("--order", default="file",
                     help="file (as written), reverse, or shuffle:SEED; every test "
                          "must pass alone and in any order, and CI checks reverse")


def pytest_collection_modifyitems(config, items):
    """Reorder the tests, keeping each module's tests together so that its
    shared `vm` is still booted once."""
    order = config.getoption("--order")
    if order == "file":
        return
    modules = {}
    for item in items:
        modules.setdefault(item.module.__name__, []).append(item)
    groups = list(modules.values())
    if order == "reverse":
        groups = [group[::-1] for group in groups[::-1]]
    elif order.startswith("shuffle:"):
        rng = random.Random(order.partition(":")[2])
        rng.shuffle(groups)
        for group in groups:
            rng.shuffle(group)
    else:
        raise pytest.UsageError("--order is file, reverse or shuffle:SEED, not %r" % order)
    items[:] = [item for group in groups for item in group]


# -- the machines ----------------------------------------------------------

class MachineFactory:
    """boot_vm(mem="128M", extra_args=[], iso=DEFAULT_ISO, disk=DEFAULT_DISK,
    extra_disks=[]) -> a booted Machine of your own (Machine says what the
    disks are)."""

    def __init__(self):
        self.machines = []

    def __call__(self, **kwargs):
        machine = Machine(**kwargs)
        self.machines.append(machine)   # before boot: closed even if boot fails
        return machine.boot()

    def close_all(self):
        for machine in self.machines:
            machine.close()


@pytest.fixture
def boot_vm():
    """Boot fresh machines for tests that power off, panic or otherwise
    break them. All of them are killed when the test ends."""
    factory = MachineFactory()
    yield factory
    factory.close_all()


def shared_vm(machine):
    """For a module whose tests share a machine of another kind than the
    `vm` fixture's (less memory, another disk): its own module-scoped `vm`
    fixture does `yield from shared_vm(Machine(...))`."""
    try:
        machine.boot()
    except BaseException:
        machine.close()
        raise
    yield machine
    machine.close()


@pytest.fixture(scope="module")
def vm(request):
    """One booted machine shared by the tests of a module. Tests using it
    must leave it running, at the prompt."""
    module = request.node
    machine = Machine()
    try:
        machine.boot()
    except BaseException:
        machine.close()
        save_log(module.nodeid + ".vm", [machine], "the shared vm failed to boot")
        raise
    yield machine
    machine.close()
    failed = module.stash.get(FAILED_VM_TESTS, [])
    if failed:
        save_log(module.nodeid + ".vm", [machine],
                 "shared vm of %s; failed: %s" % (module.nodeid, " ".join(failed)))


@pytest.fixture(autouse=True)
def _shared_vm_left_quiet(request):
    """After each test on the module's shared `vm`: no job of the test is
    still running, and every job's end has been reported. Otherwise the
    next test would read that report in the middle of its own output, and
    the outcome would depend on the order of the tests."""
    yield
    if "vm" not in request.fixturenames or failed(request.node):
        return
    vm = request.getfixturevalue("vm")
    if vm.exit_status is not None:
        return
    for pid in user_jobs(vm):
        vm.command(f"kill {pid} 9")
    deadline = time.monotonic() + 10
    while vm.command("") or user_jobs(vm):   # "" once every report is out
        assert time.monotonic() < deadline, "jobs still running:\n" + vm.command("ps")


def user_jobs(vm):
    """The pids of the console's user jobs (everything but init and the
    kernel threads, which ps shows in brackets)."""
    return [int(m.group(1)) for m in re.finditer(r"^\s*(\d+)\s+\d+\s.*\s(\S+)$",
                                                 vm.command("ps"), re.M)
            if int(m.group(1)) != 1 and not m.group(2).startswith("[")]


@pytest.fixture(scope="session", autouse=True)
def _antidote_iso():
    """Stop at once, with a clear message, if there is nothing to boot."""
    for built in (DEFAULT_ISO, DEFAULT_DISK):
        if not built.exists():
            pytest.exit("%s is missing: run `make` first (`make test` builds it)"
                        % built, returncode=1)
    if shutil.which(QEMU) is None:
        pytest.exit("%s is not installed: run `make deps`" % QEMU, returncode=1)
    shutil.rmtree(LOG_DIR, ignore_errors=True)   # no stale logs from a last run


# -- saving the transcripts of failed tests ---------------------------------

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (item.rep_setup,
    item.rep_call) so fixtures can tell in teardown whether it failed;
    a failed report also says where the transcripts will be saved."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
    if report.failed and report.when == "call" and machines_used(item):
        report.sections.append(("serial transcripts", str(log_path(item.nodeid))))


@pytest.fixture(autouse=True)
def _save_transcripts_on_failure(request):
    """After a failed test, save the transcripts of the machines it used.

    Autouse fixtures are set up first and so torn down last: by now
    boot_vm has killed its machines and their transcripts are complete.
    """
    yield
    item = request.node
    if not failed(item):
        return
    if "vm" in item.funcargs:
        item.getparent(pytest.Module).stash.setdefault(
            FAILED_VM_TESTS, []).append(item.nodeid)
    machines = machines_used(item)
    if machines:
        save_log(item.nodeid, machines, "test: " + item.nodeid)


def failed(item):
    """Did the test's setup or body fail?"""
    reports = [getattr(item, "rep_" + phase, None) for phase in ("setup", "call")]
    return any(report is not None and report.failed for report in reports)


def machines_used(item):
    """The Machines a test asked for: `vm` and those it booted with boot_vm."""
    machines = []
    for value in (item.funcargs or {}).values():
        if isinstance(value, Machine):
            machines.append(value)
        elif isinstance(value, MachineFactory):
            machines.extend(value.machines)
    return machines


def log_path(name):
    return LOG_DIR / (re.sub(r"[^\w.-]+", "_", name) + ".log")


def save_log(name, machines, note):
    """Write the transcripts of `machines` to build/test-logs/<name>.log."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with open(log_path(name), "w") as f:
        f.write(note + "\n")
        for i, m in enumerate(machines, 1):
            f.write("===== machine %d: %s\n" % (i, " ".join(m.args)))
            f.write("===== QEMU %s\n" % describe_exit(m.exit_status))
            f.write(m.transcript.replace("\r\n", "\n"))
            f.write("\n===== what QEMU printed:\n%s\n" % m.stderr)

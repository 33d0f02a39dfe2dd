"""/dev as on Linux: devtmpfs with null, zero, full, tty, console and
kmsg; user/devtest.c checks them from user space."""
import re


def test_dev_nodes_behave_as_on_linux(boot_vm):
    # A fresh machine: the test fills the log ring.
    vm = boot_vm()
    out = vm.run_suite("devtest")
    assert "devtest: via /dev/tty" in out
    # A line written to /dev/kmsg at level 5 reaches the console, as a
    # kernel message does; the level-7 filler does not.
    assert re.search(r"^\[ *\d+\.\d{6}\] devtest: hello\tkmsg$", out, re.M)
    assert "filler" not in out
    # The ring now holds the newest lines, the console's log too.
    last = vm.command("log").splitlines()[-2:]
    assert last[0].endswith("] devtest: filler 5999") and last[1].endswith("] devtest: wake up")


def test_dev_is_mounted(vm):
    assert re.search(r"^devtmpfs /dev devtmpfs rw 0 0$",
                     vm.command("run proctest cat /proc/mounts"), re.M)

"""syslog(2), as dmesg uses it: user/syslogtest.c checks the format and
the rules from user space."""


def test_syslog_reads_the_kernel_log_as_dmesg_expects(boot_vm):
    # A fresh machine: the test clears the log.
    vm = boot_vm()
    vm.run_suite("syslogtest")
    # CLEAR empties what syslog reads, not the log itself.
    assert "BIOS-e820" in vm.command("log")

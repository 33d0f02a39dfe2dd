"""The page cache in the kernel: the block device's cache on vda
(`selftest bcache`, fs/buffer_selftest.c) and the write-back sysctls.
The host unit tests (tests/unit/test_filemap.c) cover the page cache's
logic over a fake file system."""
import re


def test_block_device_cache_reads_writes_reports_errors_and_flushes(vm):
    out = vm.command("selftest bcache", timeout=60)
    assert out.endswith("selftest bcache: PASS"), out
    # The disk's cache started the flusher thread.
    assert re.search(r"\bflush\b", vm.command("ps")), "no flusher thread in ps"
    # The injected errors were real I/O errors of the device.
    assert re.search(r"I/O error, dev vda, sector 120000 op 0x1:\(WRITE\)", out), out
    assert re.search(r"I/O error, dev vda, sector 120008 op 0x0:\(READ\)", out), out


def test_writeback_sysctls_have_linux_defaults_and_bounds(vm):
    defaults = {"vm.dirty_background_ratio": 10, "vm.dirty_ratio": 20,
                "vm.dirty_writeback_centisecs": 500, "vm.dirty_expire_centisecs": 3000}
    for name, value in defaults.items():
        assert vm.command("sysctl " + name) == "%s = %d" % (name, value)
    out = vm.command("sysctl vm.dirty_ratio=101")
    assert "invalid value (0 to 100)" in out, out
    assert vm.command("sysctl vm.dirty_ratio") == "vm.dirty_ratio = 20"
    assert "invalid value" in vm.command("sysctl vm.dirty_expire_centisecs=-1")

"""The clocks: TSC-based, calibrated at boot, REALTIME from the CMOS RTC,
sub-tick sleeps, and log timestamps from the same clock."""
import re
import time


def test_clocks_and_sleeps_behave_as_on_linux(vm):
    """user/clocktest.c: every clock id, getres, settime, sleeps relative
    and absolute, interrupted sleeps, EINVAL/EFAULT; REALTIME within 10 s
    of this host's clock (QEMU's RTC starts at the host's time)."""
    vm.run_suite("clocktest %d" % int(time.time()))


def test_boot_log_shows_calibration_and_the_date(vm):
    log = vm.command("log")
    mhz = re.search(r"tsc: Detected (\d+)\.(\d{3}) MHz processor", log)
    assert mhz and int(mhz.group(1)) > 100, log
    rtc = re.search(r"rtc_cmos: setting system clock to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d UTC "
                    r"\((\d+)\)", log)
    assert rtc and abs(int(rtc.group(1)) - time.time()) < 600, log
    assert re.search(r"lapic: timer at [\d.]+ MHz, one-shot", log), log


def test_log_timestamps_have_microseconds_from_the_clock(vm):
    """Linux's "[    1.234567] " prefix; with the TSC clock the boot lines
    carry distinct sub-tick stamps, not multiples of the 10 ms tick."""
    log = vm.command("log")
    stamps = [int(s) for s in re.findall(r"^\[\s*\d+\.(\d{6})\] ", log, re.M)]
    assert len(stamps) > 10, log
    assert any(s % 10000 for s in stamps), log

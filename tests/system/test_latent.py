"""Latent poison: the emulated memory controller (mce/latent.c). A frame
armed with `inject latent PFN` is bad but undetected; the first access
raises the machine check that real memory would, and the real handler
decides: a user load is an action-required SIGBUS, a kernel copy from or
to a user's bad page fails with EFAULT and takes the page away, a plain
kernel read panics, and the patrol scrubber finds an armed frame first
if it runs. user/latenttest.c does the work in the guest.

The tests share one VM (each arms a page of its own process) except the
panic, which boots its own."""
import re

from machine import EXIT_PANIC

BUS_MCEERR_AR = 4


def start(vm, mode):
    """Run `latenttest MODE` in the background: its pid and page frame."""
    out = vm.command("run latenttest %s &" % mode)
    pid = int(re.search(r"^\[(\d+)\] latenttest$", out, re.M).group(1))
    pfn = int(vm.wait_for(r"latenttest: pfn (\d+);", timeout=20).group(1))
    assert pfn > 0
    return pid, pfn


def arm(vm, pfn):
    out = vm.command("inject latent %d" % pfn)
    assert "latent: %#x armed" % pfn in out, out


def finish(vm, pid):
    """SIGUSR1: latenttest touches its page; its verdict."""
    since = vm.mark()
    vm.command("kill %d 10" % pid)
    vm.wait_for(r"latenttest: 0 failed", timeout=20)
    assert vm.job_end(pid, since, timeout=20) == "exited with status 0"


def test_a_user_load_is_an_action_required_machine_check(vm):
    pid, pfn = start(vm, "load")
    arm(vm, pfn)
    # The frame left the direct map: its 2 MiB page is 512 small ones now.
    assert vm.meminfo()["DirectMap4k"] >= 2048
    mark = vm.mark()
    finish(vm, pid)
    # The real handler graded the emulated record: bank 1, a data load
    # (0x134) at the frame, action required, from user mode.
    vm.wait_for(r"Machine Check Exception: 7 Bank \d+: bd80000000000134", since=mark)
    vm.wait_for(r"RIP 23:[0-9a-f]+ \(user mode\)", since=mark)
    vm.wait_for(r"ADDR %x[0-9a-f]{3} MISC 86" % pfn, since=mark)
    vm.wait_for(r"Memory failure: %#x: recovery action for dirty LRU page: Recovered" % pfn,
                since=mark)
    assert "Action required: data load error in a user process" in vm.command("mcelog")
    assert "hwpoison" in vm.command("page %d" % pfn)


def test_an_instruction_fetch_is_one_too(vm):
    pid, pfn = start(vm, "fetch")
    arm(vm, pfn)
    mark = vm.mark()
    finish(vm, pid)
    vm.wait_for(r"Machine Check Exception: 7 Bank \d+: bd80000000000150", since=mark)
    assert "Action required: instruction fetch error in a user process" in vm.command("mcelog")


def test_debugfs_latent_pfn_arms_a_frame_too(vm):
    pid, pfn = start(vm, "load")
    out = vm.command("run debugfstest latent %d" % pfn)
    assert "debugfstest: latent %d: errno 0" % pfn in out, out
    assert "latent" in vm.command("page %d" % pfn)
    finish(vm, pid)


def test_a_kernel_copy_from_a_bad_user_page_fails_with_efault(vm):
    pid, pfn = start(vm, "copyin")
    arm(vm, pfn)
    mark = vm.mark()
    finish(vm, pid)   # write(2) gave EFAULT; the load after it, SIGBUS
    vm.wait_for(r"RIP 08:[0-9a-f]+ \(kernel mode\)", since=mark)
    vm.wait_for(r"mce: Kernel accessed poison in user space at %x" % pfn, since=mark)
    vm.wait_for(r"MCE: Killing latenttest:%d due to hardware memory corruption" % pid, since=mark)
    assert "Action required: data load in error recoverable area of kernel" in vm.command("mcelog")


def test_a_kernel_copy_into_a_bad_user_page_fails_with_efault(vm):
    pid, pfn = start(vm, "copyout")
    arm(vm, pfn)
    mark = vm.mark()
    finish(vm, pid)
    vm.wait_for(r"mce: Kernel accessed poison in user space at %x" % pfn, since=mark)


def test_a_copy_on_write_from_a_bad_page_is_sigbus_for_the_writer(vm):
    pid, pfn = start(vm, "cow")   # the page is shared with a forked child
    arm(vm, pfn)
    mark = vm.mark()
    finish(vm, pid)
    # copy_mc survived the machine check; the handler gave the page to
    # memory_failure, and the writer was told at once.
    vm.wait_for(r"MCE: Killing latenttest:%d due to hardware memory corruption" % pid, since=mark)
    vm.wait_for(r"Memory failure: %#x: recovery action for dirty LRU page: Recovered" % pfn,
                since=mark)


def test_a_bad_page_cache_page_fails_one_read_and_is_read_again(vm):
    for line in ("run /bin/dd if=/bin/busybox of=/home/latent bs=4096 count=1",
                 "run /bin/sync"):
        assert "exited with status 0" in vm.command(line, timeout=30)
    pid, pfn = start(vm, "file /home/latent")
    arm(vm, pfn)
    mark = vm.mark()
    vm.command("kill %d 10" % pid)      # read(2): EFAULT
    vm.wait_for(r"latenttest: read failed", timeout=20)
    # The clean page is dropped: the next read reads the disk.
    vm.wait_for(r"Memory failure: %#x: recovery action for clean LRU page: Recovered" % pfn,
                since=mark, timeout=20)
    finish(vm, pid)
    assert "Action required: data load in error recoverable area of kernel" in vm.command("mcelog")


def test_writing_back_a_bad_dirty_page_fails_with_eio(vm):
    pid, pfn = start(vm, "dirty /home/latent-dirty")
    arm(vm, pfn)
    mark = vm.mark()
    finish(vm, pid)   # fsync: EIO
    vm.wait_for(r"latent: vda: a write from armed frame %#x fails" % pfn, since=mark)


def test_bad_frames_are_refused_and_nothing_changes(vm):
    out = vm.command("inject latent 0")
    assert "latent: 0: a reserved frame" in out and "not armed" in out, out
    out = vm.command("inject latent %d" % (1 << 39))
    assert "no such frame; not armed" in out, out
    free = vm.free_pfn(8192)
    assert "a free frame" in vm.command("inject latent %d" % free)
    assert "latent" not in vm.command("page %d" % free)
    assert "not a page frame number" in vm.command("inject latent ten")


def test_the_patrol_scrubber_finds_an_armed_frame_first(vm):
    pid, pfn = start(vm, "load")
    vm.command("sysctl vm.scrub_interval=1")
    try:
        mark = vm.mark()
        arm(vm, pfn)
        vm.wait_for(r"latent: patrol scrub found %#x" % pfn, since=mark, timeout=20)
        # Action optional: the page goes at once; with late kill nobody
        # is told until the process touches it (a hwpoison entry now).
        vm.wait_for(r"Memory failure: %#x: recovery action for dirty LRU page: Recovered" % pfn,
                    since=mark, timeout=20)
    finally:
        vm.command("sysctl vm.scrub_interval=0")
    assert "Action optional: memory scrubbing error" in vm.command("mcelog")
    finish(vm, pid)
    vm.wait_for(r"MCE: Killing latenttest:%d due to hardware memory corruption" % pid, since=mark)


def test_a_plain_kernel_read_of_a_bad_page_panics(boot_vm):
    m = boot_vm()
    pid, pfn = start(m, "cmdline")   # the frame of its argument strings
    arm(m, pfn)
    # /proc/PID/cmdline copies them with ordinary loads (as Linux's
    # access_remote_vm does): no fixup can save the kernel.
    m.send("run /bin/cat /proc/%d/cmdline\r" % pid)
    m.wait_for(r"Kernel panic - not syncing: Fatal machine check: "
               r"Data load in unrecoverable area of kernel", timeout=20)
    assert m.wait_exit() == EXIT_PANIC

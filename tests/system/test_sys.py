"""The general system calls busybox needs (kernel/sys.c, kernel/random.c,
rt_sigtimedwait and rt_sigsuspend in kernel/signal.c), checked by
user/systest.c; and the restartable sequences glibc registers
(kernel/rseq.c, user/rseqtest.c)."""
import re


def test_sys_calls_behave_as_on_linux(vm):
    out = vm.run_suite("systest", timeout=120)
    assert "ok: sigsuspend: the blocked SIGUSR1 gets through, its handler runs, EINTR" in out
    assert "ok: prlimit64: the old limit back, the new one set" in out


def test_cpu_time_itimers_and_wait_rusage_as_on_linux(vm):
    """ITIMER_VIRTUAL and ITIMER_PROF run on the ticks' user and system
    time; wait4 and waitid report the child's usage, and RUSAGE_CHILDREN
    and times() add it up (user/cputimetest.c passes on Linux too)."""
    out = vm.run_suite("cputimetest", timeout=180)
    assert "ok: SIGVTALRM once the process has used its 50 ms of user time" in out
    assert "ok: wait4's rusage: ru_maxrss in KiB, its 4 MiB" in out
    assert "ok: ...and the child was reaped, as on Linux" in out


def test_restartable_sequences_as_on_linux(vm):
    """rseq (kernel/rseq.c): a critical section that a signal or a
    preemption interrupts goes on at its abort address, two threads' adds
    through sections lose nothing, a bad descriptor is a SIGSEGV with
    Linux's warning for a forged signature; fork keeps the registration,
    threads and execve do not (user/rseqtest.c passes on Linux too)."""
    out = vm.run_suite("rseqtest", timeout=120)
    assert "ok: ...because preempted adds were restarted" in out
    assert re.search(r"Possible attack attempt\. Unexpected rseq signature 0x53053053, "
                     r"expecting 0x12345678 \(pid=\d+, addr=0x[0-9a-f]+\)\.", out), out

"""The general system calls busybox needs (kernel/sys.c, kernel/random.c,
rt_sigtimedwait and rt_sigsuspend in kernel/signal.c), checked by
user/systest.c."""


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

"""The general system calls busybox needs (kernel/sys.c, kernel/random.c,
rt_sigtimedwait and rt_sigsuspend in kernel/signal.c), checked by
user/systest.c."""


def test_sys_calls_behave_as_on_linux(vm):
    out = vm.run_suite("systest", timeout=120)
    assert "ok: sigsuspend: the blocked SIGUSR1 gets through, its handler runs, EINTR" in out
    assert "ok: prlimit64: the old limit back, the new one set" in out

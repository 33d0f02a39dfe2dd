"""Users (kernel/cred.c; the permission checks in fs/namei.c, fs/open.c,
fs/directory.c, fs/attr.c, kernel/execve.c; mm/madvise.c; /proc/PID/
pagemap): user/credtest.c runs as root and checks, in children that
become uid 1000, what Linux refuses a user who is not root."""


def test_ids_and_permissions_follow_linux_rules(vm):
    out = vm.run_suite("credtest", timeout=120)
    assert "ok: not root: MADV_HWPOISON EPERM" in out
    assert "ok: another user's /proc/PID/pagemap: EACCES" in out


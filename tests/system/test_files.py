"""File descriptors and the file system calls: user/files.c checks them
from user space (open, read, lseek, stat, pipes, dup, bad pointers and
descriptors) and says how many checks failed."""


def test_file_system_calls_behave_as_on_linux(vm):
    out = vm.run_suite("files")
    assert "ok: disk: create a file and write it" in out


def test_file_system_calls_on_rootfs_without_a_disk(boot_vm):
    vm = boot_vm(disk=None)
    out = vm.run_suite("files")
    assert "ok: rootfs: create a file: EROFS" in out


def test_open_files_give_back_all_their_memory(vm):
    """Every descriptor, open file and pipe of a finished program is freed.
    A first run fills the page cache with the program and its dentries;
    a second one must then give back all it took."""
    vm.command("run files", timeout=60)
    before = vm.meminfo()
    vm.command("run files", timeout=60)
    assert vm.meminfo() == before


def test_sendfile_behaves_as_on_linux(vm):
    """sendfile between files (tmpfs and the ext2 disk), into a pipe and to
    the terminal, with Linux's errors (user/sendfiletest.c passes on Linux
    too)."""
    for where in ("/tmp", "/home"):
        out = vm.run_suite("sendfiletest " + where)
        assert "ok: a count past the end: the rest of the file" in out
        assert "sendfile: this line went to the terminal" in out
        assert "ok: out_fd with O_APPEND: EINVAL" in out

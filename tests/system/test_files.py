"""File descriptors and the file system calls: user/files.c checks them
from user space (open, read, lseek, stat, pipes, dup, bad pointers and
descriptors) and says how many checks failed."""


def test_file_system_calls_behave_as_on_linux(vm):
    out = vm.command("run files", timeout=60)
    assert "FAIL" not in out, out
    assert "files: 0 failed" in out
    assert out.endswith("files exited with status 0")


def test_open_files_give_back_all_their_memory(vm):
    """Every descriptor, open file and pipe of a finished program is freed."""
    before = vm.meminfo()
    vm.command("run files", timeout=60)
    assert vm.meminfo() == before

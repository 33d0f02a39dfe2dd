"""File descriptors and the file system calls: user/files.c checks them
from user space (open, read, lseek, stat, pipes, dup, bad pointers and
descriptors) and says how many checks failed."""


def test_file_system_calls_behave_as_on_linux(vm):
    vm.run_suite("files")


def test_open_files_give_back_all_their_memory(vm):
    """Every descriptor, open file and pipe of a finished program is freed."""
    before = vm.meminfo()
    vm.command("run files", timeout=60)
    assert vm.meminfo() == before

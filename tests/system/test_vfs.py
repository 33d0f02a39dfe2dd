"""The VFS: paths, dentries, inodes and mounts, checked from a user
program (user/vfstest.c) and from the console's ls."""
import re


def test_name_operations_behave_as_on_linux(vm):
    out = vm.run_suite("vfstest", timeout=60)
    assert "vfstest: 0 failed" in out


def test_ls_shows_directories_and_sizes(vm):
    listing = vm.command("ls /")
    assert re.search(r"^tmp/\s+\d+$", listing, re.M)
    assert re.search(r"^hello\s+\d+$", listing, re.M)
    size = int(re.search(r"^hello\s+(\d+)$", listing, re.M).group(1))
    assert vm.command("ls /hello") == "hello%s %d" % (" " * 15, size)


def test_ls_of_a_missing_path_is_an_error(vm):
    assert vm.command("ls /nope") == "ls: cannot access '/nope': No such file or directory"
    assert vm.command("ls /hello/x") == "ls: cannot access '/hello/x': Not a directory"

"""The VFS: paths, dentries, inodes and mounts, checked from a user
program (user/vfstest.c) and from the console's ls."""
import re


def test_name_operations_behave_as_on_linux(vm):
    assert "ext2 filesystem" in vm.transcript   # "/" is the disk
    out = vm.run_suite("vfstest", timeout=60)
    assert "ok: the disk takes new regular files" in out


def test_name_operations_on_rootfs_without_a_disk(boot_vm):
    vm = boot_vm(disk=None)
    out = vm.run_suite("vfstest", timeout=60)
    assert "ok: rootfs has no new regular files: EROFS" in out


def test_ls_shows_directories_and_sizes(vm):
    listing = vm.command("ls /")
    assert re.search(r"^tmp/\s+\d+$", listing, re.M)
    assert re.search(r"^bin/\s+\d+$", listing, re.M)
    size = int(re.search(r"^hello\s+(\d+)$", vm.command("ls /bin"), re.M).group(1))
    assert vm.command("ls /bin/hello") == "hello%s %d" % (" " * 15, size)


def test_ls_of_a_missing_path_is_an_error(vm):
    assert vm.command("ls /nope") == "ls: cannot access '/nope': No such file or directory"
    assert vm.command("ls /bin/hello/x") == "ls: cannot access '/bin/hello/x': Not a directory"

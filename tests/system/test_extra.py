"""`make EXTRA=DIR`: how a class hands out its own programs. The Makefile's
real initramfs and disk rules run in a scratch build directory; the kernel
booted with that archive and disk must list and run the extra program, in
/bin on the disk root and on rootfs."""
import shutil
import subprocess

import pytest

from iso import build_iso, make_initramfs
from machine import REPO_ROOT, Machine


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("extra")


def test_extra_programs_are_packed_and_run(scratch):
    extra = scratch / "lab"
    extra.mkdir()
    shutil.copy(REPO_ROOT / "build" / "user" / "exit42", extra / "lab1")
    (extra / "notes.txt").write_text("read me\n")
    result = make_initramfs(scratch / "build", extra)
    assert result.returncode == 0, result.stdout + result.stderr
    iso = build_iso(scratch / "iso", initramfs=scratch / "build" / "initramfs.cpio")
    for disk in (scratch / "build" / "disk-fresh.img", None):
        with Machine(iso=iso, disk=disk) as vm:
            vm.boot()
            root = "ext2" if disk else "rootfs"
            assert ("VFS: Mounted root (ext2 filesystem)" in vm.transcript) == bool(disk)
            listing = vm.command("ls /bin")
            assert "lab1" in listing and "notes.txt" in listing and "hello" in listing, root
            assert vm.command("run lab1").endswith("lab1 exited with status 42"), root


def test_an_extra_file_may_not_shadow_a_user_program(scratch):
    extra = scratch / "clash"
    extra.mkdir()
    (extra / "hello").write_text("not the real one\n")
    result = make_initramfs(scratch / "build", extra)
    assert result.returncode != 0
    assert "'hello' has the name of a user program" in result.stdout + result.stderr


def test_a_program_built_without_static_is_refused(scratch):
    """docs/labs.md, Lab 5: musl-gcc without -static links libc.so, and the
    kernel has no dynamic loader."""
    extra = scratch / "dynamic"
    extra.mkdir()
    built = subprocess.run(["musl-gcc", "-O2", "-o", str(extra / "poke"),
                            str(REPO_ROOT / "user" / "hello.c")],
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    result = make_initramfs(scratch / "build-dynamic", extra)
    assert result.returncode == 0, result.stdout + result.stderr
    iso = build_iso(scratch / "iso-dynamic", initramfs=scratch / "build-dynamic" / "initramfs.cpio")
    with Machine(iso=iso, disk=scratch / "build-dynamic" / "disk-fresh.img") as vm:
        vm.boot()
        assert vm.command("run poke") == "run: poke: not a static x86-64 ELF executable"

"""ext2 as "/", read-write: user/disktest.c works on the disk, the machine
powers off, and the host's e2fsprogs check the machine's copy of the
image - e2fsck -fn finds nothing, debugfs reads back what the guest
wrote. Files persist from one boot to the next. A corrupt or truncated
disk is refused at mount with Linux's message, nothing is written to it,
and the console still comes up."""
import re
import subprocess

import pytest

from iso import build_iso
from machine import DEFAULT_DISK, DEFAULT_ISO, EXIT_POWEROFF, Disk

MiB = 1024 * 1024


def pattern(n):
    """The first n bytes of user/disktest.c's pattern()."""
    return bytes((i * 7 + i // 4096 + 1) & 0xff for i in range(n))


def debugfs(image, request):
    out = subprocess.run(["debugfs", "-R", request, str(image)], capture_output=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def assert_fsck_clean(image):
    out = subprocess.run(["e2fsck", "-fn", str(image)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def assert_left_clean(image):
    """poweroff synced and remounted read-only: the super block says the
    file system was cleanly unmounted, so nothing needs checking."""
    out = subprocess.run(["dumpe2fs", "-h", str(image)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert re.search(r"^Filesystem state:\s+clean$", out.stdout, re.M), out.stdout


@pytest.fixture(scope="module")
def ext2_root():
    """An ISO whose kernel mounts the disk as "/": the default one, since
    boot/grub.cfg passes root=/dev/vda (as `make run` boots)."""
    assert "root=/dev/vda" in (DEFAULT_ISO.parents[1] / "boot" / "grub.cfg").read_text()
    return DEFAULT_ISO


def power_off(m):
    m.send("poweroff\r")
    m.expect_exit(EXIT_POWEROFF, timeout=120)


def test_root_is_the_ext2_disk(boot_vm, ext2_root):
    m = boot_vm(iso=ext2_root)
    m.wait_for(r"VFS: Mounted root \(ext2 filesystem\) on device 254:0\.", timeout=30, since=0)
    listing = m.command("ls /bin")
    assert re.search(r"^disktest\s+\d+$", listing, re.M), listing
    power_off(m)
    assert_fsck_clean(m.disk_path)


def test_disktest_leaves_a_disk_e2fsck_and_debugfs_accept(boot_vm, ext2_root):
    m = boot_vm(iso=ext2_root)
    m.run_suite("disktest /home/disktest", timeout=600)
    power_off(m)
    assert_left_clean(m.disk_path)
    assert_fsck_clean(m.disk_path)
    assert debugfs(m.disk_path, "cat /home/disktest/keep.txt") == b"persisted by disktest\n"
    assert debugfs(m.disk_path, "cat /home/disktest/pattern") == pattern(9 * MiB + 17)
    assert debugfs(m.disk_path, "cat /home/disktest/cut") == \
        pattern(100000) + bytes(2 * MiB - 100000)
    # The 5 GiB sparse file: its far block, found by debugfs's own walk.
    far = int(debugfs(m.disk_path, "bmap /home/disktest/sparse %d" % (5 * 1024 * MiB // 4096)))
    with open(m.disk_path, "rb") as f:
        f.seek(far * 4096)
        block = f.read(4096)
    assert block == bytes((i * 7 + i // 4096 + 1) & 0xff
                          for i in range(5 * 1024 * MiB, 5 * 1024 * MiB + 4096))


def test_a_session_of_usertests_leaves_the_disk_clean(boot_vm, ext2_root):
    """The default machine, an ordinary session: every suite of usertests
    runs on the disk root, then poweroff. The machine's disk is clean."""
    m = boot_vm(iso=ext2_root)
    out = m.command("run usertests", timeout=300)
    assert "usertests: all 6 suites passed" in out, out
    power_off(m)
    assert_left_clean(m.disk_path)
    assert_fsck_clean(m.disk_path)


def test_no_disk_boots_to_rootfs_and_says_why(boot_vm):
    """make run DISK=: root=/dev/vda names no disk; "/" stays rootfs, whose
    /bin has the same programs."""
    m = boot_vm(disk=None)
    assert 'VFS: Cannot open root device "/dev/vda" (ext2, error -2): staying on rootfs' \
        in m.transcript
    assert "Mounted root" not in m.transcript
    assert m.command("run hello").endswith("hello exited with status 0")
    assert re.search(r"^rootfs\s+rootfs\s", m.command("cache"), re.M)


def test_files_persist_from_one_boot_to_the_next(boot_vm, ext2_root, tmp_path):
    image = tmp_path / "disk.img"
    image.write_bytes(DEFAULT_DISK.read_bytes())
    m = boot_vm(iso=ext2_root, disk=Disk(image))
    m.run_suite("disktest /home/first", timeout=600)
    power_off(m)
    m = boot_vm(iso=ext2_root, disk=Disk(image))
    out = m.command("run disktest /home/first", timeout=60)
    assert "cannot make and enter /home/first (errno 17)" in out, out   # EEXIST: still there
    power_off(m)
    assert_fsck_clean(image)
    assert debugfs(image, "cat /home/first/keep.txt") == b"persisted by disktest\n"


def test_read_only_root_writes_nothing(boot_vm, tmp_path):
    image = tmp_path / "disk.img"
    image.write_bytes(DEFAULT_DISK.read_bytes())
    before = image.read_bytes()
    m = boot_vm(iso=build_iso(tmp_path, cmdline="root=/dev/vda ro"), disk=Disk(image))
    m.wait_for(r"VFS: Mounted root \(ext2 filesystem\) readonly on device 254:0\.", timeout=30,
               since=0)
    out = m.command("run disktest /home/ro", timeout=60)
    assert "cannot make and enter /home/ro (errno 30)" in out, out   # EROFS
    assert "hello" in m.command("ls /bin")
    power_off(m)
    assert image.read_bytes() == before


def refused(boot_vm, iso, image, message):
    """Boot from image: root is refused with message, the console works,
    and not a byte of the image changed."""
    before = image.read_bytes()
    m = boot_vm(iso=iso, disk=Disk(image))
    m.wait_for(re.escape(message), timeout=30, since=0)
    m.wait_for(r"VFS: Cannot open root device \"/dev/vda\" \(ext2, error -22\): staying on rootfs",
               timeout=30, since=0)
    assert "hello" in m.command("ls /bin")   # rootfs's, from the initramfs
    power_off(m)
    assert image.read_bytes() == before


def test_corrupt_disk_is_refused_and_the_console_comes_up(boot_vm, ext2_root, tmp_path):
    image = tmp_path / "bad-magic.img"
    data = bytearray(DEFAULT_DISK.read_bytes())
    data[1024 + 56:1024 + 58] = b"\x34\x12"   # s_magic
    image.write_bytes(data)
    refused(boot_vm, ext2_root, image, "EXT2-fs (vda): error: can't find ext2 filesystem on dev vda.")


def test_truncated_disk_is_refused(boot_vm, ext2_root, tmp_path):
    image = tmp_path / "short.img"
    image.write_bytes(DEFAULT_DISK.read_bytes()[:32 * MiB])
    refused(boot_vm, ext2_root, image, "EXT2-fs (vda): bad geometry: block count 16384 exceeds size of "
                            "device (8192 blocks)")

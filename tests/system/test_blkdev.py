"""Block device files (/dev/vda, /dev/vdb) from user space, as Linux's
def_blk_fops: user/blkdevtest.c reads and writes a scratch disk through
the device's page cache; the host checks what reached the image file,
byte for byte, after poweroff, and that the mounted root's superblock
read through /dev/vda is the image's."""
import re
import zlib

from machine import EXIT_POWEROFF, make_disk
from test_block import blk_row

SECTOR = 512
MiB = 1024 * 1024
SIZE = 4 * MiB + 3 * SECTOR   # ends inside a page: the last one is partial


def pattern(offset, n):
    """Byte j of sector s is s + j (mod 256), as blkdevtest's pattern()."""
    assert offset % SECTOR == 0 and n % SECTOR == 0
    ramp = bytes(range(256)) * 4
    return b"".join(ramp[s % 256:s % 256 + SECTOR]
                    for s in range(offset // SECTOR, (offset + n) // SECTOR))


def written(size):
    """The disk once blkdevtest has written it (its expected())."""
    data = bytearray(pattern(0, size))
    data[3 * SECTOR:4 * SECTOR] = b"\xa5" * SECTOR
    data[MiB:MiB + 65536] = bytes((k * 7 + 3) & 0xff for k in range(65536))
    data[8192 - 100:8192 + 200] = b"\x3c" * 300
    text = b"written through a shared mapping"
    data[2 * MiB + 4096:2 * MiB + 4096 + len(text)] = text
    data[size - 10:] = b"\xee" * 10
    return bytes(data)


def test_block_device_files_as_linux(boot_vm, tmp_path):
    scratch = make_disk(tmp_path / "scratch.img", SIZE, fill=pattern)
    ro = make_disk(tmp_path / "ro.img", MiB, fill=pattern)
    ro.readonly = True
    m = boot_vm(extra_disks=[scratch, ro])
    out = m.run_suite("blkdevtest /dev/vdb /dev/vdc", timeout=180)
    want = written(SIZE)
    crc = re.search(r"^blkdevtest: /dev/vdb crc32 ([0-9a-f]{8})$", out, re.M)
    assert crc and crc.group(1) == "%08x" % zlib.crc32(want), out
    # The superblock the guest read through /dev/vda after sync() is the
    # one in the image now (the guest has not written since).
    sb = re.search(r"^blkdevtest: vda superblock crc32 ([0-9a-f]{8})$", out, re.M)
    with open(m.disk_path, "rb") as f:
        f.seek(1024)
        assert sb and sb.group(1) == "%08x" % zlib.crc32(f.read(1024)), out
    # It read the whole disk from the disk twice (first, and after
    # BLKFLSBUF): readahead put up to 16 pages in each request, where a
    # request per page would be more than 2 * 1025.
    reads = int(blk_row(m, "vdb")["reads"])
    assert 2 * SIZE // (16 * 4096) <= reads < 400, reads
    m.send("poweroff\r")
    m.expect_exit(EXIT_POWEROFF)
    assert (tmp_path / "scratch.img").read_bytes() == want
    assert (tmp_path / "ro.img").read_bytes() == pattern(0, MiB)


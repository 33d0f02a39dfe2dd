"""The disk: PCI, the virtio-blk driver and the block layer, seen from the
console's `blk` command. What the guest reads is checked against the
image file on the host (CRC-32, as zlib computes it); what it writes is
read back from the host after poweroff."""
import re
import subprocess
import zlib
from pathlib import Path

from machine import DEFAULT_DISK, EXIT_POWEROFF, REPO_ROOT, Disk, make_disk

SECTOR = 512
DISK_SECTORS = 64 * 1024 * 1024 // SECTOR   # make's 64 MiB image


def image_crc(path, sector, count):
    with open(path, "rb") as f:
        f.seek(sector * SECTOR)
        return "%08x" % zlib.crc32(f.read(count * SECTOR))


def crc_of(output):
    m = re.search(r"crc32 ([0-9a-f]{8})$", output)
    assert m, output
    return m.group(1)


def blk_row(vm, name):
    """`blk`'s line for one disk as {column: value}."""
    out = vm.command("blk")
    header = out.splitlines()[0].split()
    for line in out.splitlines()[1:]:
        words = line.split()
        if words[0] == name:
            columns = ["name", "dev", "sectors", "MiB", "mode"] + header[4:]
            row = dict(zip(columns, words))
            row["failing"] = " ".join(words[len(columns):])
            return row
    raise AssertionError("no %s in:\n%s" % (name, out))


def pattern(offset, size):
    """Bytes that differ from sector to sector: each is its byte offset mod 251."""
    return bytes((offset + i) % 251 for i in range(size))


def test_driver_finds_the_disk(vm):
    assert re.search(r"virtio-blk: vda: %d sectors \(64 MiB\)\r?\n" % DISK_SECTORS, vm.transcript)
    row = blk_row(vm, "vda")
    assert (row["dev"], row["sectors"], row["mode"]) == ("254:0", str(DISK_SECTORS), "rw")


def test_reads_match_the_image(vm):
    # The boot sector, the ext2 superblock (byte 1024), a whole bio at the
    # first block groups' metadata, and the last sector.
    for sector, count in ((0, 1), (2, 2), (8, 128), (DISK_SECTORS - 1, 1)):
        out = vm.command("blk read vda %d %d" % (sector, count))
        assert crc_of(out) == image_crc(vm.disk_path, sector, count), out
    with open(vm.disk_path, "rb") as f:
        f.seek(1024 + 56)
        assert f.read(2) == b"\x53\xef"   # the data read was really ext2's


def test_queue_holds_what_the_ring_cannot(vm):
    out = vm.command("selftest blk", timeout=60)
    assert out.endswith("selftest blk: PASS"), out
    waited = int(re.search(r"at most (\d+) waited in the queue", out).group(1))
    assert waited > 0, out


def test_write_reaches_the_host_file(boot_vm, tmp_path):
    size = 1024 * 1024
    scratch = make_disk(tmp_path / "scratch.img", size, fill=pattern)
    m = boot_vm(extra_disks=[scratch])
    assert re.search(r"virtio-blk: vdb: 2048 sectors \(1 MiB\)", m.transcript)
    assert blk_row(m, "vdb")["dev"] == "254:16"
    out = m.command("blk write vdb 10 3 0x5a")
    assert out == "vdb: wrote 3 sectors at 10: crc32 %08x" % zlib.crc32(b"\x5a" * 3 * SECTOR), out
    assert m.command("blk flush vdb") == "vdb: flushed"
    assert crc_of(m.command("blk read vdb 9 5")) == \
        "%08x" % zlib.crc32(pattern(9 * SECTOR, SECTOR) + b"\x5a" * 3 * SECTOR +
                            pattern(13 * SECTOR, SECTOR))
    row = blk_row(m, "vdb")
    assert (row["writes"], row["wr_sect"], row["flushes"], row["errors"]) == \
        ("1", "3", "1", "0"), row
    # A forced-unit-access write is a write, then a flush of the cache.
    assert m.command("blk write vdb 2047 1 0x11 fua").startswith("vdb: wrote 1 sectors at 2047")
    row = blk_row(m, "vdb")
    assert (row["writes"], row["wr_sect"], row["flushes"]) == ("2", "4", "2"), row
    m.send("poweroff\r")
    m.expect_exit(EXIT_POWEROFF)
    data = (tmp_path / "scratch.img").read_bytes()
    expected = bytearray(pattern(0, size))
    expected[10 * SECTOR:13 * SECTOR] = b"\x5a" * 3 * SECTOR
    expected[2047 * SECTOR:] = b"\x11" * SECTOR
    assert data == bytes(expected)


def test_injected_read_fault_fails_with_linux_error_line(vm):
    before = blk_row(vm, "vda")
    out = vm.command("blk fail vda 100 10 read")
    assert out == "vda: sectors 100-109 fail (read) until 'blk heal vda'"
    assert blk_row(vm, "vda")["failing"] == "failing 100+10 read"
    out = vm.command("blk read vda 95 8")   # 95-102: touches the range
    assert re.search(r"I/O error, dev vda, sector 95 op 0x0:\(READ\) flags 0x0 "
                     r"phys_seg 1 prio class 0", out), out
    assert out.endswith("blk: vda: read of 8 sectors at 95 failed: I/O error"), out
    good = vm.command("blk read vda 90 10")   # 90-99: next to it
    assert crc_of(good) == image_crc(vm.disk_path, 90, 10)
    written = vm.command("blk write vda 104 1 7")   # writes still work
    assert written.startswith("vda: wrote 1 sectors at 104")
    assert vm.command("blk heal vda") == "vda: no sectors fail"
    assert crc_of(vm.command("blk read vda 95 8")) == image_crc(vm.disk_path, 95, 8)
    after = blk_row(vm, "vda")
    assert int(after["errors"]) == int(before["errors"]) + 1 and after["failing"] == ""


def test_injected_write_fault_leaves_the_data(vm):
    crc = crc_of(vm.command("blk read vda 200 4"))
    vm.command("blk fail vda 202 1 write")
    out = vm.command("blk write vda 200 4 0xff")
    assert "I/O error, dev vda, sector 200 op 0x1:(WRITE) flags 0x0 phys_seg 1 prio class 0" in out
    assert out.endswith("blk: vda: write of 4 sectors at 200 failed: I/O error"), out
    assert crc_of(vm.command("blk read vda 200 4")) == crc   # reads are not failed
    vm.command("blk heal vda")
    assert crc_of(vm.command("blk read vda 200 4")) == crc == image_crc(vm.disk_path, 200, 4)


def test_beyond_the_end_fails(vm):
    out = vm.command("blk read vda %d 2" % (DISK_SECTORS - 1))
    assert "attempt to access beyond end of device" in out, out
    assert "vda: rw=0, sector=%d, nr_sectors = 2 limit=%d" % (DISK_SECTORS - 1, DISK_SECTORS) in out
    assert out.endswith("I/O error"), out
    out = vm.command("blk write vda %d 1 1" % DISK_SECTORS)
    assert "vda: rw=1, sector=%d, nr_sectors = 1 limit=%d" % (DISK_SECTORS, DISK_SECTORS) in out


def test_read_only_disk_refuses_writes(boot_vm, tmp_path):
    path = tmp_path / "ro.img"
    make_disk(path, 256 * 1024, fill=pattern)
    m = boot_vm(disk=Disk(path, readonly=True))
    assert re.search(r"virtio-blk: vda: 512 sectors \(0 MiB\), read-only", m.transcript)
    assert blk_row(m, "vda")["mode"] == "ro"
    out = m.command("blk write vda 0 1 0")
    assert "Trying to write to read-only block-device vda" in out, out
    assert out.endswith("blk: vda: write of 1 sectors at 0 failed: I/O error"), out
    assert crc_of(m.command("blk read vda 0 1")) == "%08x" % zlib.crc32(pattern(0, SECTOR))
    m.send("poweroff\r")
    m.expect_exit(EXIT_POWEROFF)
    assert path.read_bytes() == pattern(0, 256 * 1024)


def test_bad_input_changes_nothing(vm):
    before = blk_row(vm, "vda")
    cases = {
        "blk read vdz 0": "blk: no device 'vdz' (type 'blk' for the list)",
        "blk fail vdz 0 1": "blk: no device 'vdz' (type 'blk' for the list)",
        "blk read vda x": "blk: 'x' is not a number (use decimal or 0x-prefixed hex)",
        "blk read vda 0 129": "blk: COUNT must be 1 to 128 sectors",
        "blk read vda 0 0": "blk: COUNT must be 1 to 128 sectors",
        "blk write vda 0 1 256": "blk: BYTE must be 0 to 255",
        "blk fail vda 1 1 sideways": "blk: 'sideways' is not read, write or both",
        "blk fail vda %d 5" % (DISK_SECTORS - 2):
            "blk: vda has sectors 0 to %d: %d+5 is not within them" % (DISK_SECTORS - 1,
                                                                       DISK_SECTORS - 2),
        "blk fail vda 0 0": "blk: vda has sectors 0 to %d: 0+0 is not within them"
            % (DISK_SECTORS - 1),
        "blk heal": "usage: blk heal DEV",
        "blk write vda 0 1": "usage: blk write DEV SECTOR COUNT BYTE [fua]",
        "blk write vda 0 1 1 sync": "blk: 'sync' is not fua",
    }
    for line, error in cases.items():
        assert vm.command(line) == error, line
    assert vm.command("blk frobnicate").startswith("blk: unknown subcommand 'frobnicate'\nusage: blk")
    assert "blk fail DEV SECTOR COUNT [read|write|both]" in vm.command("blk help")
    assert blk_row(vm, "vda") == before


def test_no_disk(boot_vm):
    m = boot_vm(disk=None)
    assert "virtio-blk" not in m.transcript
    assert m.command("blk") == "no block devices"
    assert m.command("blk read vda 0") == "blk: no device 'vda' (type 'blk' for the list)"


def test_disks_sharing_an_interrupt_line(boot_vm, tmp_path):
    # Four disks, each sector filled with its own byte: the firmware routes
    # their interrupts to fewer lines than that, so some disks share one,
    # and each interrupt must reach the disk that raised it.
    disks = [make_disk(tmp_path / ("d%d.img" % i), 1024 * 1024,
                       fill=lambda offset, n, i=i: bytes([0x40 + i]) * n) for i in range(4)]
    m = boot_vm(disk=disks[0], extra_disks=disks[1:])
    lines = [int(irq) for irq in re.findall(r"PCI device 1af4:1001\r?\n.*\n\s+IRQ (\d+)",
                                            m.hmp("info pci"))]
    assert len(lines) == 4 and len(set(lines)) < 4, lines
    for i, name in enumerate(["vda", "vdb", "vdc", "vdd"]):
        out = m.command("blk read %s 0 16" % name)
        assert crc_of(out) == "%08x" % zlib.crc32(bytes([0x40 + i]) * 16 * SECTOR), out
    out = m.command("selftest blk", timeout=60)   # many interrupts from vda
    assert out.endswith("selftest blk: PASS"), out


def debugfs(image, request):
    out = subprocess.run(["debugfs", "-R", request, str(image)], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_built_image_is_the_promised_ext2():
    # No machine: what `make` built, as the host's e2fsprogs sees it.
    header = subprocess.run(["dumpe2fs", "-h", str(DEFAULT_DISK)], capture_output=True,
                            text=True, timeout=30).stdout
    assert re.search(r"^Filesystem volume name:\s+antidote$", header, re.M)
    assert re.search(r"^Block size:\s+4096$", header, re.M)
    assert re.search(r"^Block count:\s+16384$", header, re.M)   # 64 MiB
    assert "has_journal" not in header and "extent" not in header   # ext2, not ext4
    fsck = subprocess.run(["e2fsck", "-fn", str(DEFAULT_DISK)], capture_output=True,
                          text=True, timeout=60)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    root = {m.group(3): (m.group(1), m.group(2)) for m in
            re.finditer(r"^\s*\d+\s+(\d+) \(\d+\)\s+(\d+\s+\d+)\s+\d+\s+\S+\s+\S+\s+(\S+)$",
                        debugfs(DEFAULT_DISK, "ls -l /"), re.M)}
    for d in ("bin", "home", "proc", "sys", "dev", "mnt", "etc"):
        assert root[d] == ("40755", "0      0"), (d, root.get(d))
    assert root["tmp"][0] == "41777"
    programs = sorted(p.name for p in (REPO_ROOT / "build" / "initramfs.d" / "bin").iterdir())
    listed = debugfs(DEFAULT_DISK, "ls /bin").split()
    assert programs and set(programs) <= set(listed), (programs, listed)
    hello = subprocess.run(["debugfs", "-R", "cat /bin/hello", str(DEFAULT_DISK)],
                           capture_output=True, timeout=30).stdout
    assert hello == (REPO_ROOT / "build" / "user" / "hello").read_bytes()


def test_a_machine_writes_only_its_own_copy(boot_vm):
    before = image_crc(DEFAULT_DISK, 300, 1)
    m = boot_vm()
    assert m.disk_path != DEFAULT_DISK and m.disk_path.parent == Path(m.tmpdir)
    m.command("blk write vda 300 1 0xee")
    m.send("poweroff\r")
    m.expect_exit(EXIT_POWEROFF)
    assert image_crc(m.disk_path, 300, 1) == "%08x" % zlib.crc32(b"\xee" * SECTOR)
    assert image_crc(DEFAULT_DISK, 300, 1) == before


def test_device_error_reaches_the_submitter(boot_vm, tmp_path):
    # QEMU's blkdebug layer makes the host's read of sector 100 fail with
    # EIO, and rerror=report hands that to the guest: the request comes
    # back from the device with status IOERR (not a fault injected in the
    # guest's block layer).
    config = tmp_path / "blkdebug.conf"
    config.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "100"\n')
    # It is vdb: vda is the root disk, which the kernel reads at boot.
    image = make_disk(tmp_path / "bad.img", 1024 * 1024, fill=pattern).path
    m = boot_vm(extra_args=[
        "-drive", "file=blkdebug:%s:%s,if=none,id=bad,format=raw,rerror=report,werror=report"
        % (config, image), "-device", "virtio-blk-pci,drive=bad"])
    out = m.command("blk read vdb 96 8")
    assert "I/O error, dev vdb, sector 96 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0" in out
    assert out.endswith("blk: vdb: read of 8 sectors at 96 failed: I/O error"), out
    assert crc_of(m.command("blk read vdb 88 8")) == "%08x" % zlib.crc32(pattern(88 * SECTOR,
                                                                                 8 * SECTOR))
    row = blk_row(m, "vdb")
    # Two reads: sectors 88-95, and page 0, which the boot reads from each
    # disk to look for a swap signature (mm/swapon.c).
    assert (row["reads"], row["errors"], row["busy"], row["wait"]) == ("2", "1", "0", "0"), row

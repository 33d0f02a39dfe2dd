"""Boot ISOs for tests that need a boot the default ISO cannot give: more
words on the kernel command line, a GRUB command before the menu entry,
or an initramfs with a class's own programs (make EXTRA=DIR). Each is
build/kernel.elf and an initramfs with boot/grub.cfg changed, made by
grub-mkrescue in the test's own directory (well under a second)."""
import re
import subprocess
from pathlib import Path

from machine import REPO_ROOT

GRUB_BIOS_DIR = Path("/usr/lib/grub/i386-pc")
GRUB_EFI_DIR = Path("/usr/lib/grub/x86_64-efi")  # make deps: grub-efi-amd64-bin
OVMF = Path("/usr/share/ovmf/OVMF.fd")            # make deps: ovmf


def grub_cfg(cmdline="", before_menu=""):
    """boot/grub.cfg with words added to the kernel command line and/or a
    GRUB command placed before the menu entry."""
    cfg = (REPO_ROOT / "boot" / "grub.cfg").read_text()
    if cmdline:
        cfg, n = re.subn(r"^(\s*multiboot2 \S+.*)$", r"\1 " + cmdline, cfg, count=1, flags=re.M)
        assert n == 1, "boot/grub.cfg has no multiboot2 line"
    if before_menu:
        cfg, n = re.subn(r"^menuentry", before_menu + "\nmenuentry", cfg, count=1, flags=re.M)
        assert n == 1, "boot/grub.cfg has no menuentry"
    return cfg


def make_initramfs(build, extra):
    """Run the Makefile's real initramfs and disk rules, with EXTRA=extra,
    in a scratch build directory: the archive is build/initramfs.cpio and
    the disk image, with the same programs in /bin, build/disk-fresh.img
    (boot it as the root: Machine(disk=...))."""
    return subprocess.run(["make", "-s", "-C", str(REPO_ROOT), f"BUILD={build}",
                           f"EXTRA={extra}", f"{build}/initramfs.cpio",
                           f"{build}/disk-fresh.img"],
                          capture_output=True, text=True, timeout=300)


def build_iso(workdir, cmdline="", before_menu="", efi=False,
              initramfs=REPO_ROOT / "build" / "initramfs.cpio"):
    """Make workdir/antidote.iso; efi=True for a UEFI boot (run it with
    extra_args=["-bios", str(OVMF)]); initramfs: another archive."""
    grub_dir = GRUB_EFI_DIR if efi else GRUB_BIOS_DIR
    assert (grub_dir / "modinfo.sh").exists(), f"{grub_dir} is missing: run make deps"
    root = Path(workdir) / "iso"
    (root / "boot" / "grub").mkdir(parents=True)
    (root / "boot" / "kernel.elf").write_bytes((REPO_ROOT / "build" / "kernel.elf").read_bytes())
    # boot/grub.cfg's module2 line loads it.
    (root / "boot" / "initramfs.cpio").write_bytes(Path(initramfs).read_bytes())
    (root / "boot" / "grub" / "grub.cfg").write_text(grub_cfg(cmdline, before_menu))
    iso = Path(workdir) / "antidote.iso"
    subprocess.run(["grub-mkrescue", "-d", str(grub_dir), "-o", str(iso), str(root)],
                   check=True, capture_output=True, timeout=60)
    return iso

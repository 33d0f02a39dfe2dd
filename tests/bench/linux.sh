#!/usr/bin/env bash
# The Linux column of tests/bench/README.md: boot Debian 12's own Linux
# 6.1 kernel on the same QEMU machine as run.sh (qemu.sh: TCG, 512 MiB,
# the same copy of the disk as vda) and run the same static programs,
# from the disk, printing the same figures.
#
#   tests/bench/linux.sh             # needs `make` and the two packages below
#   KVER=6.1.0-57-amd64 tests/bench/linux.sh
#   RUN="tinjpage /mnt/home/tinjpage" tests/bench/linux.sh
#   MEM=160M SWAPDISK=swap.img RUN="sh -c 'swapon /dev/vdb; /mnt/bin/mfswap 160 /dev/vdb'" \
#       tests/bench/linux.sh
#
# RUN=PROGRAM ARGS runs /mnt/bin/PROGRAM instead of the benchmarks and
# prints what the machine printed meanwhile (docs/machine-check.md runs
# tinjpage so); its last line says the program's exit status.
#
# It is not part of `make deps` or `make test`: install once, as root,
#   apt-get install linux-image-amd64 busybox-static
# The initramfs is made here (build/linux-bench/): busybox as /init's
# shell, and the modules for virtio-blk and ext4 (which mounts ext2)
# copied from /lib/modules/KVER with their dependencies, in the order
# modprobe would load them. /init mounts the disk on /mnt, runs the
# benchmarks from /mnt/bin - so fork+execve runs /mnt/bin/exit42 from
# ext2, as Antidote runs /bin/exit42 - and powers off.
set -euo pipefail

MEM="${MEM:-512M}"
TIMEOUT="${TIMEOUT:-600}"   # seconds allowed for the whole run
# shellcheck source=tests/bench/qemu.sh
. "$(dirname "${BASH_SOURCE[0]}")/qemu.sh"

need_package() {
	echo "${0##*/}: $1 is missing; install it (as root) with: apt-get install $2" >&2
	exit 1
}

if [ -z "${KVER:-}" ]; then  # an installed Debian kernel (the last; KVER= picks one)
	for dir in /lib/modules/*-amd64; do
		[ -d "$dir" ] && KVER="${dir#/lib/modules/}"
	done
fi
KERNEL="/boot/vmlinuz-${KVER:-}"
if [ -z "${KVER:-}" ] || [ ! -r "$KERNEL" ]; then
	need_package "Debian's Linux kernel (/boot/vmlinuz-*)" linux-image-amd64
fi
BUSYBOX=/bin/busybox
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || need_package "a static busybox" busybox-static
command -v modprobe >/dev/null || need_package modprobe kmod
command -v cpio >/dev/null || need_package cpio cpio
bench_disk_args
# SWAPDISK=IMAGE: a disk made by mkswap, attached after the other as vdb.
if [ -n "${SWAPDISK:-}" ]; then
	# shellcheck disable=SC2054 # QEMU's commas
	DISK_ARGS+=(-drive "file=$SWAPDISK,if=none,id=swap0,format=raw" -device virtio-blk-pci,drive=swap0)
fi

# ---- the initramfs ------------------------------------------------------
WORK="$ROOT/build/linux-bench"
rm -rf "$WORK"
mkdir -p "$WORK/root/bin" "$WORK/root/modules" "$WORK/root/"{dev,proc,sys,mnt}
cp "$BUSYBOX" "$WORK/root/bin/busybox"
# modprobe prints the insmod lines in load order, dependencies first.
for module in virtio_pci virtio_blk ext4; do
	modprobe -S "$KVER" --show-depends "$module"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' > "$WORK/modules.list"
n=0
while read -r ko; do
	n=$((n + 1))
	cp "$ko" "$WORK/root/modules/$(printf %02d "$n")-${ko##*/}"
done < "$WORK/modules.list"

cat > "$WORK/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# crc32c-intel needs SSE 4.2, which TCG's CPU lacks: its failure is expected.
for m in /modules/*.ko; do insmod "$m" 2>/dev/null || echo "insmod ${m##*/} failed"; done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mount -t ext2 /dev/vda /mnt || { echo "linux-bench: cannot mount /dev/vda"; poweroff -f; }
echo "linux-bench: Linux $(uname -r) ready"
cd /
B=/mnt/bin
if [ -x /run.sh ]; then
	/run.sh
	umount /mnt
	echo "linux-bench: done"
	poweroff -f
fi
$B/bench-fault
$B/bench-spawn $B/exit42
$B/bench-spawn $B/true
$B/bench-pipe
$B/bench-file /mnt/home
echo 1 > /proc/sys/kernel/printk
$B/bench-hwpoison madvise-hwpoison-quiet
echo 4 > /proc/sys/kernel/printk
$B/bench-hwpoison madvise-hwpoison-printing-errors
echo 7 > /proc/sys/kernel/printk
$B/bench-hwpoison madvise-hwpoison-printing
echo 1 > /proc/sys/kernel/printk
umount /mnt
echo "linux-bench: done"
poweroff -f
INIT
chmod +x "$WORK/root/init"
if [ -n "${RUN:-}" ]; then
	printf '#!/bin/busybox sh\n/mnt/bin/%s\necho "linux-bench: %s exited with status $?"\n' \
		"$RUN" "${RUN%% *}" > "$WORK/root/run.sh"
	chmod +x "$WORK/root/run.sh"
fi
(cd "$WORK/root" && find . | sort | cpio -o -H newc --quiet) > "$WORK/initramfs.cpio"

# ---- boot it and read the figures --------------------------------------
# nokaslr: with 128 MiB the decompressor's random choice fell
# outside the RAM ("Invalid physical address chosen!"); swap.sh boots so.
export PYTHONPATH="$ROOT/tests/bench"   # serial_console.py
exec "$PYTHON" - "$TIMEOUT" "$MEM" "$ACCEL" "$KVER" "${RUN:-}" "${QEMU_MACHINE[@]}" "${DISK_ARGS[@]}" \
	-kernel "$KERNEL" -initrd "$WORK/initramfs.cpio" -append "console=ttyS0 panic=-1 nokaslr" <<'PYEOF'
import sys
from serial_console import SerialConsole, print_figures

timeout, mem, accel, kver, run = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
console = SerialConsole("linux.sh", sys.argv[6:])
try:
    boot = console.read_until(b"linux-bench: Linux ", timeout)
    text = console.read_until(b"linux-bench: done", timeout)
    print("Linux %s, %s, %s" % (kver, accel.upper(), mem), flush=True)
    if run:
        print(text.replace("\r", ""), end="", flush=True)
    else:
        print_figures(text)
    for line in (boot + text).splitlines():
        if line.startswith("insmod") and "crc32c-intel" not in line:
            print(line.strip(), flush=True)  # a module that did not load
finally:
    console.close()
PYEOF

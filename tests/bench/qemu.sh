# shellcheck shell=bash
# What the benchmark scripts share (sourced by boot.sh, run.sh, linux.sh): the
# ISO, the Python to drive QEMU with, and QEMU's command line - the same
# machine as the system tests (tests/system/machine.py), but the serial
# console is QEMU's stdin/stdout, plain pipes, and there is no QMP.
# Expects MEM; ACCEL=kvm for KVM, TCG otherwise. bench_disk_args makes
# a fresh copy of the disk image and sets DISK_ARGS to attach it as vda
# (as machine.py does); run.sh and linux.sh use it, boot.sh does not.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ISO="$ROOT/build/antidote.iso"
if [ "${ACCEL:-tcg}" = kvm ]; then ACCEL=kvm; else ACCEL=tcg; fi

if [ ! -f "$ISO" ]; then
	echo "${0##*/}: $ISO is missing: run make first" >&2
	exit 1
fi
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

# The machine (linux.sh boots another kernel on it), then Antidote's ISO.
# shellcheck disable=SC2034,SC2054 # used by the sourcing script; commas are QEMU's
QEMU_MACHINE=(qemu-system-x86_64 -M pc -m "$MEM" -accel "$ACCEL"
	-display none -no-reboot -net none
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-serial stdio -monitor none)
# QEMU_EXTRA: more QEMU options, for both kernels. With
# QEMU_EXTRA="-icount shift=0,sleep=off" the guest's clock counts one ns
# per instruction: the figures then count instructions, the same from
# run to run whatever else the host does (see README.md).
# shellcheck disable=SC2206 # split on purpose
QEMU_MACHINE+=(${QEMU_EXTRA:-})
# shellcheck disable=SC2034
QEMU_ARGS=("${QEMU_MACHINE[@]}" -cdrom "$ISO" -boot d)

# A copy of the image `make` builds, so that a benchmark's files never
# land in build/disk.img, the user's own.
bench_disk_args() {
	local fresh="$ROOT/build/disk-fresh.img" copy="$ROOT/build/bench-disk.img"
	if [ ! -f "$fresh" ]; then
		echo "${0##*/}: $fresh is missing: run make first" >&2
		exit 1
	fi
	cp --sparse=always "$fresh" "$copy"
	# shellcheck disable=SC2034,SC2054 # used by the sourcing script; commas are QEMU's
	DISK_ARGS=(-drive "file=$copy,if=none,id=disk0,format=raw"
		-device virtio-blk-pci,drive=disk0)
}

# What the benchmark scripts share (sourced by boot.sh and run.sh): the
# ISO, the Python to drive QEMU with, and QEMU's command line - the same
# machine as the system tests (tests/system/machine.py), but the serial
# console is QEMU's stdin/stdout, plain pipes, and there is no QMP.
# Expects MEM; ACCEL=kvm for KVM, TCG otherwise. ICOUNT=1 (TCG only) runs
# the guest by instruction count: one instruction is one nanosecond of the
# guest's clocks, so the figures count guest instructions, the same on a
# busy host as on an idle one (README.md, on issue 7's goals).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ISO="$ROOT/build/antidote.iso"
if [ "${ACCEL:-tcg}" = kvm ]; then ACCEL=kvm; else ACCEL=tcg; fi

if [ ! -f "$ISO" ]; then
	echo "${0##*/}: $ISO is missing: run make first" >&2
	exit 1
fi
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

# shellcheck disable=SC2034,SC2054 # used by the sourcing script; commas are QEMU's
QEMU_ARGS=(qemu-system-x86_64 -M pc -m "$MEM" -accel "$ACCEL"
	-cdrom "$ISO" -boot d -display none -no-reboot -net none
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-serial stdio -monitor none)
if [ "${ICOUNT:-0}" = 1 ] && [ "$ACCEL" = tcg ]; then
	# shellcheck disable=SC2054 # QEMU's commas
	QEMU_ARGS+=(-icount shift=0,sleep=off)
fi

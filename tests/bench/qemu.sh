# Sourced by the benchmark scripts, after they set MEM: the machine they
# boot, the same as the system tests' (tests/system/machine.py) but with
# the serial console on QEMU's stdin/stdout and no QMP. Sets ROOT, ISO,
# ACCEL (tcg, or kvm if ACCEL=kvm), PYTHON and QEMU_ARGS; stops with a
# message if `make` has not built the ISO.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ISO="$ROOT/build/antidote.iso"
if [ "${ACCEL:-tcg}" = kvm ]; then ACCEL=kvm; else ACCEL=tcg; fi

if [ ! -f "$ISO" ]; then
	echo "$(basename "$0"): $ISO is missing: run make first" >&2
	exit 1
fi
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

# shellcheck disable=SC2054 # the commas are inside QEMU options
QEMU_ARGS=(qemu-system-x86_64 -M pc -m "$MEM" -accel "$ACCEL"
	-cdrom "$ISO" -boot d -display none -no-reboot -net none
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-serial stdio -monitor none)

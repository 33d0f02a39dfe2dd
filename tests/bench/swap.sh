#!/usr/bin/env bash
# bench-swap on both kernels in the same QEMU (TCG) with the same swap: a
# fresh 400 MiB disk made by mkswap, attached as vdb, for each boot.
# Antidote turns it on at boot (docs/reclaim-and-swap.md), Linux's init
# runs `swapon /dev/vdb` first (linux.sh's RUN=). Prints, per kernel and
# round, the workload's size and the figures: swap-out and swap-in MiB/s,
# the 3x-RAM workload's ms (user/bench-swap.c; medians of 5 runs).
#
#   tests/bench/swap.sh                    # 2 rounds, Antidote 64M, Linux 128M
#   ROUNDS=1 LINUX_MEM=96M tests/bench/swap.sh
#
# Debian's Linux 6.1 cannot boot in 64 MiB: its image and initramfs keep
# 61 MiB before user space runs (QEMU exits at once at 64M; at 96M
# 36 MiB are left, at 128M 69 MiB), so it gets LINUX_MEM, and each
# kernel's workload is 3x its own MemTotal, as the figures say.
set -euo pipefail

MEM="${MEM:-64M}"
LINUX_MEM="${LINUX_MEM:-128M}"
ROUNDS="${ROUNDS:-2}"
TIMEOUT="${TIMEOUT:-900}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/bench/qemu.sh
. "$HERE/qemu.sh"
SWAPDISK="$ROOT/build/bench-swap.img"

fresh_swap_disk() {
	rm -f "$SWAPDISK"
	truncate -s 400M "$SWAPDISK"
	chmod 600 "$SWAPDISK"
	mkswap "$SWAPDISK" >/dev/null 2>&1
}

antidote() {
	bench_disk_args
	# shellcheck disable=SC2054 # QEMU's commas
	DISK_ARGS+=(-drive "file=$SWAPDISK,if=none,id=swap0,format=raw" -device virtio-blk-pci,drive=swap0)
	PYTHONPATH="$HERE" "$PYTHON" - "$TIMEOUT" "$MEM" "$ACCEL" "${QEMU_ARGS[@]}" "${DISK_ARGS[@]}" <<'PYEOF'
import sys
from serial_console import SerialConsole, print_figures

timeout, mem, accel, args = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
PROMPT = b"antidote> "
console = SerialConsole("swap.sh", args)
try:
    console.read_until(PROMPT, timeout)
    print("Antidote, %s, %s" % (accel.upper(), mem), flush=True)
    console.send("run bench-swap\r")
    text = console.read_until(PROMPT, timeout)
    print_figures(text)
    if "exited with status 0" not in text:
        console.fail("bench-swap: %s" % text.strip().splitlines()[-1])
finally:
    console.close()
PYEOF
}

linux() {
	MEM="$LINUX_MEM" SWAPDISK="$SWAPDISK" TIMEOUT="$TIMEOUT" \
		RUN="sh -c 'swapon /dev/vdb && /mnt/bin/bench-swap'" "$HERE/linux.sh" |
		sed -n -e '/^Linux /p' -e 's/^bench //p' -e '/exited with status [^0]/p'
}

echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
	echo "--- round $round"
	fresh_swap_disk
	antidote
	fresh_swap_disk
	linux
done
echo "host: load average $(cut -d' ' -f1-3 /proc/loadavg)"

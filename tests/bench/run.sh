#!/usr/bin/env bash
# The benchmarks of tests/bench/README.md: boot Antidote in QEMU with a
# copy of the disk (root=/dev/vda, so the programs run from ext2, and
# bench-file works in /home), run each
# user/bench-* program at the console and print the figures they report
# (each one the median of several runs, see user/bench.h). Builds nothing:
# run `make` first.
#
#   tests/bench/run.sh               # TCG, 512M, as in the README's table
#   MEM=1G tests/bench/run.sh
#   ICOUNT=1 tests/bench/run.sh     # guest instructions instead of time
#
# The madvise(MADV_HWPOISON) figure is taken three times: with the console
# log level at 1 (the kernel's log lines stay in the log ring, "quiet"),
# at 4 (as after `quiet` on the command line: only the KERN_ERR line
# "Memory failure: ...: recovery action ..." is printed) and at 7 (both
# lines, the pr_info "Injecting memory failure ..." too, are printed).
set -euo pipefail

MEM="${MEM:-512M}"
TIMEOUT="${TIMEOUT:-120}"   # seconds allowed for one command
# shellcheck source=tests/bench/qemu.sh
. "$(dirname "${BASH_SOURCE[0]}")/qemu.sh"
bench_disk_args

# Python drives the console: type a command, read until the next prompt,
# keep the "bench ..." lines. Every read waits with a deadline.
export PYTHONPATH="$ROOT/tests/bench"   # serial_console.py
exec "$PYTHON" - "$TIMEOUT" "$MEM" "$ACCEL" "${QEMU_ARGS[@]}" "${DISK_ARGS[@]}" <<'PYEOF'
import sys
from serial_console import SerialConsole, print_figures

timeout, mem, accel, args = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
PROMPT = b"antidote> "
STEPS = [  # (console command, what it is for)
    ("run bench-fault", None),
    ("run bench-spawn", None),
    ("run bench-spawn /bin/true", None),
    ("run bench-pipe", None),
    ("run bench-file /home", None),
    ("loglevel 1", "console quiet"),
    ("run bench-hwpoison madvise-hwpoison-quiet", None),
    ("loglevel 4", "console printing errors"),
    ("run bench-hwpoison madvise-hwpoison-printing-errors", None),
    ("loglevel 7", "console printing"),
    ("run bench-hwpoison madvise-hwpoison-printing", None),
]

console = SerialConsole("run.sh", args)
try:
    console.read_until(PROMPT, timeout)
    print("Antidote, %s, %s" % (accel.upper(), mem), flush=True)
    for command, note in STEPS:
        console.send(command + "\r")
        text = console.read_until(PROMPT, timeout)
        if note and "unknown command" in text:
            print("(no loglevel command: %s not measured as such)" % note, flush=True)
        print_figures(text)
        for line in text.splitlines():
            if "exited with status" in line and "status 0" not in line or "killed by signal" in line:
                console.fail("%s: %s" % (command, line.strip()))
finally:
    console.close()
PYEOF

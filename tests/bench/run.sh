#!/usr/bin/env bash
# The benchmarks of tests/bench/README.md: boot Antidote in QEMU, run each
# user/bench-* program at the console and print the figures they report
# (each one the median of several runs, see user/bench.h). Builds nothing:
# run `make` first.
#
#   tests/bench/run.sh               # TCG, 512M, as in the README's table
#   MEM=1G tests/bench/run.sh
#
# The madvise(MADV_HWPOISON) figure is taken twice: with the console log
# level at 1 (the kernel's log lines stay in the log ring, "quiet") and
# at 7 (they are printed on the console as they happen).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ISO="$ROOT/build/antidote.iso"
MEM="${MEM:-512M}"
TIMEOUT="${TIMEOUT:-120}"   # seconds allowed for one command
if [ "${ACCEL:-tcg}" = kvm ]; then ACCEL=kvm; else ACCEL=tcg; fi

if [ ! -f "$ISO" ]; then
	echo "run.sh: $ISO is missing: run make first" >&2
	exit 1
fi
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

# shellcheck disable=SC2054 # the commas are inside QEMU options
QEMU_ARGS=(qemu-system-x86_64 -M pc -m "$MEM" -accel "$ACCEL"
	-cdrom "$ISO" -boot d -display none -no-reboot -net none
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-serial stdio -monitor none)

# Python drives the console: type a command, read until the next prompt,
# keep the "bench ..." lines. Every read waits with a deadline.
exec "$PYTHON" - "$TIMEOUT" "$MEM" "$ACCEL" "${QEMU_ARGS[@]}" <<'PYEOF'
import os, select, subprocess, sys, tempfile, time

timeout, mem, accel, args = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
PROMPT = b"antidote> "
STEPS = [  # (console command, what it is for)
    ("run bench-fault", None),
    ("run bench-spawn", None),
    ("run bench-pipe", None),
    ("loglevel 1", "console quiet"),
    ("run bench-hwpoison madvise-hwpoison-quiet", None),
    ("loglevel 7", "console printing"),
    ("run bench-hwpoison madvise-hwpoison-printing", None),
]

err = tempfile.TemporaryFile()
qemu = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
out = b""


def fail(why):
    err.seek(0)
    qemu.kill()
    sys.exit("run.sh: %s\n--- serial ---\n%s\n--- QEMU said ---\n%s" % (
        why, out[-3000:].decode("latin-1"), err.read().decode("utf-8", "replace")))


def until_prompt():
    """Read until a prompt after what was read so far; return the text."""
    global out
    start, deadline = len(out), time.monotonic() + timeout
    while PROMPT not in out[start:]:
        ready, _, _ = select.select([qemu.stdout], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            fail("no prompt after %g s" % timeout)
        chunk = os.read(qemu.stdout.fileno(), 65536)
        if not chunk:
            fail("QEMU exited with status %d" % qemu.wait())
        out += chunk
    return out[start:].decode("latin-1")


try:
    until_prompt()
    print("Antidote, %s, %s" % (accel.upper(), mem), flush=True)
    for command, note in STEPS:
        qemu.stdin.write(command.encode() + b"\r")
        qemu.stdin.flush()
        text = until_prompt()
        if note and "unknown command" in text:
            print("(no loglevel command: %s not measured as such)" % note, flush=True)
        for line in text.splitlines():
            if line.startswith("bench "):
                print(line[len("bench "):].strip(), flush=True)
            elif "exited with status" in line and "status 0" not in line or "killed by signal" in line:
                fail("%s: %s" % (command, line.strip()))
finally:
    qemu.kill()
    qemu.wait()
PYEOF

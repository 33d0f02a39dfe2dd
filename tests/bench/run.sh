#!/usr/bin/env bash
# The benchmarks of tests/bench/README.md: boot Antidote in QEMU, run each
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
    ("loglevel 4", "console printing errors"),
    ("run bench-hwpoison madvise-hwpoison-printing-errors", None),
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

#!/usr/bin/env bash
# Sleep benchmark: boot Antidote, run user/bench-nanosleep (how long
# nanosleep(1 ms) really takes, median over RUNS sleeps) and print its
# line; SITTINGS boots (default 3) give one line each. Builds nothing:
# run `make` first.
#
#   tests/bench/nanosleep.sh                # TCG, 512M, 200 sleeps
#   RUNS=1000 SITTINGS=5 tests/bench/nanosleep.sh
set -euo pipefail

RUNS="${RUNS:-200}"
SITTINGS="${SITTINGS:-3}"
MEM="${MEM:-512M}"
TIMEOUT="${TIMEOUT:-120}"   # seconds allowed for one boot and run
# shellcheck source=tests/bench/qemu.sh
. "$(dirname "${BASH_SOURCE[0]}")/qemu.sh"

exec "$PYTHON" - "$RUNS" "$SITTINGS" "$TIMEOUT" "${QEMU_ARGS[@]}" <<'EOF_PY'
import os, re, select, subprocess, sys, time

runs, sittings, timeout, args = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
PROMPT = b"antidote> "
RESULT = re.compile(rb"nanosleep\(1 ms\) takes: [^\r\n]*(?=\r?\n)")


def read_until(qemu, pattern, deadline, out):
    """Read QEMU's stdout until pattern (bytes or regex) appears."""
    while True:
        found = pattern.search(out) if hasattr(pattern, "search") else pattern in out
        if found:
            return out
        ready, _, _ = select.select([qemu.stdout], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            sys.exit("timed out\n--- serial ---\n" + out[-2000:].decode("latin-1"))
        chunk = os.read(qemu.stdout.fileno(), 4096)
        if not chunk:
            sys.exit("QEMU exited with status %d" % qemu.wait())
        out += chunk


for sitting in range(1, sittings + 1):
    qemu = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        out = read_until(qemu, PROMPT, deadline, b"")
        qemu.stdin.write(b"run bench-nanosleep %s\r" % runs.encode())
        qemu.stdin.flush()
        out = read_until(qemu, RESULT, deadline, out)
        print("sitting %d: %s" % (sitting, RESULT.search(out).group().decode()), flush=True)
    finally:
        qemu.kill()
        qemu.wait()
EOF_PY

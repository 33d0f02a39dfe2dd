#!/usr/bin/env bash
# Boot benchmark: how long from starting QEMU to the first "antidote> "
# prompt on the serial console. Boots RUNS times (default 5) and prints
# each run and the median. Builds nothing: run `make` first.
#
#   tests/bench/boot.sh            # TCG, 128M
#   ACCEL=kvm MEM=512M RUNS=9 tests/bench/boot.sh
set -euo pipefail

RUNS="${RUNS:-5}"
MEM="${MEM:-128M}"
TIMEOUT="${TIMEOUT:-60}"    # seconds allowed for one boot
# shellcheck source=tests/bench/qemu.sh
. "$(dirname "${BASH_SOURCE[0]}")/qemu.sh"

# Python does the timing: start QEMU, read its stdout until the prompt,
# kill it. Everything it reads waits with a deadline, so a kernel that
# never prompts costs TIMEOUT seconds, not forever.
exec "$PYTHON" - "$RUNS" "$TIMEOUT" "$ACCEL" "${QEMU_ARGS[@]}" <<'EOF'
import os, select, statistics, subprocess, sys, tempfile, time

runs, timeout, accel, args = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4:]
PROMPT = b"antidote> "


def boot_once():
    """Milliseconds from starting QEMU to the prompt; exits on failure."""
    with tempfile.TemporaryFile() as err:
        start = time.monotonic()
        qemu = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err)
        out = b""
        try:
            while PROMPT not in out:
                left = start + timeout - time.monotonic()
                ready, _, _ = select.select([qemu.stdout], [], [], max(left, 0))
                if not ready:
                    fail("timed out after %g s" % timeout, out, err)
                chunk = os.read(qemu.stdout.fileno(), 4096)
                if not chunk:
                    fail("QEMU exited with status %d" % qemu.wait(), out, err)
                out += chunk
            return (time.monotonic() - start) * 1000
        finally:
            qemu.kill()
            qemu.wait()
            qemu.stdout.close()


def fail(why, out, err):
    err.seek(0)
    sys.exit("boot failed: %s\n--- serial ---\n%s\n--- QEMU said ---\n%s" % (
        why, out[-2000:].decode("latin-1"), err.read().decode("utf-8", "replace")))


times = []
for i in range(1, runs + 1):
    times.append(boot_once())
    print("run %d: %d ms" % (i, times[-1]), flush=True)
print("boot to prompt: median %d ms over %d runs (%s)"
      % (statistics.median(times), runs, accel.upper()))
EOF

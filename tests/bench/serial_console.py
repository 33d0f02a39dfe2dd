"""What run.sh and linux.sh share: QEMU with the guest's serial console on
its stdin and stdout, read with a deadline, so that a guest that never
answers costs a timeout, not forever."""
import os
import select
import subprocess
import sys
import tempfile
import time


class SerialConsole:
    def __init__(self, script, args):
        self.script = script  # for messages: "run.sh"
        self.err = tempfile.TemporaryFile()
        self.qemu = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err)
        self.out = b""

    def fail(self, why):
        """Stop with why, the end of the serial output and QEMU's stderr."""
        self.err.seek(0)
        self.qemu.kill()
        sys.exit("%s: %s\n--- serial ---\n%s\n--- QEMU said ---\n%s" % (
            self.script, why, self.out[-3000:].decode("latin-1"),
            self.err.read().decode("utf-8", "replace")))

    def send(self, text):
        self.qemu.stdin.write(text.encode())
        self.qemu.stdin.flush()

    def read_until(self, marker, timeout):
        """Read until marker (bytes) comes after what was read so far;
        return the text read meanwhile."""
        start, deadline = len(self.out), time.monotonic() + timeout
        while marker not in self.out[start:]:
            left = max(deadline - time.monotonic(), 0)
            ready, _, _ = select.select([self.qemu.stdout], [], [], left)
            if not ready:
                self.fail("no %r after %g s" % (marker.decode(), timeout))
            chunk = os.read(self.qemu.stdout.fileno(), 65536)
            if not chunk:
                self.fail("QEMU exited with status %d" % self.qemu.wait())
            self.out += chunk
        return self.out[start:].decode("latin-1")

    def close(self):
        self.qemu.kill()
        self.qemu.wait()


def print_figures(text):
    """Print the figures ("bench NAME: ...") in text, without "bench "."""
    for line in text.splitlines():
        if line.startswith("bench "):
            print(line[len("bench "):].strip(), flush=True)

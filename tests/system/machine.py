"""Drive one Antidote virtual machine (QEMU) from a test.

A Machine starts QEMU with the kernel's ISO, talks to the kernel over the
serial console (a Unix socket) and to QEMU itself over QMP (another Unix
socket). Tests never sleep and hope: every step waits for a pattern on
the serial console, with a timeout, and a timeout fails with the end of
the console transcript so you can see what the kernel last said.

    with Machine() as m:
        m.boot()
        print(m.command("meminfo"))
        m.send("poweroff\\r")
        m.expect_exit(EXIT_POWEROFF)
"""
import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ISO = REPO_ROOT / "build" / "antidote.iso"
# The disk image as `make` builds it (programs in /bin). Tests never use
# it directly: each Machine gets its own copy (see Machine's disk).
DEFAULT_DISK = REPO_ROOT / "build" / "disk-fresh.img"
QEMU = "qemu-system-x86_64"

PROMPT = "antidote> "
INIT_GREETING = r"init: pid 1, .*\r\n"   # user/init.c's first line, to its end
BOOT_TIMEOUT = 30      # seconds from QEMU start to the first prompt (TCG)
CONNECT_TIMEOUT = 10   # seconds for QEMU to create its sockets
QMP_TIMEOUT = 10       # seconds for QEMU to answer a QMP command

# QEMU's exit status. isa-debug-exit turns the kernel's write of N into
# status 2*N+1, so the kernel's 0x10 (poweroff) becomes 33 and 0x11
# (panic) becomes 35. A reset or triple fault under -no-reboot exits 0:
# that is why 0 never means success here.
EXIT_RESET = 0
EXIT_POWEROFF = 33
EXIT_PANIC = 35
EXIT_MEANING = {
    EXIT_RESET: "reset or triple fault",
    EXIT_POWEROFF: "poweroff",
    EXIT_PANIC: "kernel panic",
    1: "QEMU error, see what it printed",
}


def describe_exit(status):
    """Say in words what a QEMU exit status means, for error messages."""
    if status is None:
        return "still running"
    if status == -signal.SIGKILL:
        return "status %d (QEMU killed: close() does that)" % status
    if status < 0:
        return "status %d (QEMU killed by signal %d)" % (status, -status)
    return "status %d (%s)" % (status, EXIT_MEANING.get(status, "unexpected"))


class Disk:
    """A disk image to attach as the next virtio disk (vda, vdb, ...):
    raw by default; readonly=True makes QEMU refuse writes (and tell the
    guest, VIRTIO_BLK_F_RO)."""

    def __init__(self, path, readonly=False, fmt="raw"):
        self.path = Path(path)
        self.readonly = readonly
        self.fmt = fmt

    def qemu_args(self, index):
        drive = "file=%s,if=none,id=disk%d,format=%s" % (self.path, index, self.fmt)
        if self.readonly:
            drive += ",readonly=on"
        return ["-drive", drive, "-device", "virtio-blk-pci,drive=disk%d" % index]


def make_disk(path, size, fill=None):
    """Make a raw image of size bytes (sparse zeros, or fill(offset, n)
    -> bytes for its contents); returns a Disk."""
    with open(path, "wb") as f:
        if fill is None:
            f.truncate(size)
        else:
            f.write(fill(0, size))
    return Disk(path)


def mkswap_command():
    """Debian's mkswap (util-linux), which /sbin may hold off PATH."""
    return shutil.which("mkswap") or "/sbin/mkswap"


def make_swap_disk(path, size, extra=()):
    """A sparse raw image of size bytes with a swap header written by
    Debian's mkswap (extra: more mkswap options, e.g. -L LABEL); the
    kernel turns it on at boot. Returns a Disk."""
    with open(path, "wb") as f:
        f.truncate(size)
    subprocess.run([mkswap_command(), "-q", *extra, str(path)], check=True,
                   stdout=subprocess.DEVNULL)
    return Disk(path)


def qemu_command(iso, tmpdir, mem="128M", extra_args=()):
    """The whole QEMU command line, in one place so tests can add to it.

    The serial port is a socket server with wait=on: QEMU does not start
    the guest until we have connected, so not one byte of boot output is
    lost. QMP uses wait=off; we connect to it once QEMU is up.
    """
    accel = "kvm" if os.environ.get("ACCEL") == "kvm" else "tcg"
    return [
        QEMU,
        "-M", "pc",
        "-m", mem,
        "-accel", accel,
        "-cdrom", str(iso),
        "-boot", "d",
        "-display", "none",
        "-no-reboot",
        "-net", "none",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-chardev", "socket,id=ser0,path=%s/serial.sock,server=on,wait=on" % tmpdir,
        "-serial", "chardev:ser0",
        "-qmp", "unix:%s/qmp.sock,server=on,wait=off" % tmpdir,
        *extra_args,
    ]


def tail(text, lines=40):
    """The last few lines of a transcript, for failure messages."""
    return "\n".join(text.replace("\r\n", "\n").split("\n")[-lines:])


# Machines not yet closed. If a script forgets close(), QEMU is still
# killed when Python exits, so no emulator is left running.
_live_machines = set()


@atexit.register
def _close_forgotten_machines():
    for machine in list(_live_machines):
        machine.close()


class Machine:
    """One QEMU running Antidote, with its serial console and QMP."""

    def __init__(self, mem="128M", extra_args=(), iso=DEFAULT_ISO, disk=DEFAULT_DISK,
                 extra_disks=(), swap=0):
        """disk: the image for vda. By default a copy of DEFAULT_DISK made
        in the machine's own directory (self.disk_path, gone at close());
        None for no disk; a Disk to attach that image itself (the test
        made it and may write it). extra_disks: more Disks, vdb on.
        swap: bytes of a swap disk made by mkswap in the machine's
        directory and attached after the others (0: none)."""
        self.mem = mem
        self.iso = Path(iso)
        self.tmpdir = tempfile.mkdtemp(prefix="antidote-")
        disks = list(extra_disks)
        if swap:
            disks.append(make_swap_disk(Path(self.tmpdir) / "swap.img", swap))
        self.disk_path = None
        if disk is not None:
            if not isinstance(disk, Disk):
                disk = Disk(self._copy_disk(Path(disk)))
            self.disk_path = disk.path
            disks.insert(0, disk)
        disk_args = [arg for i, d in enumerate(disks) for arg in d.qemu_args(i)]
        self.args = qemu_command(self.iso, self.tmpdir, mem, disk_args + list(extra_args))
        self.proc = None
        self._qemu_log = None   # QEMU's stdout+stderr go to a file
        self._stderr = ""       # kept after close(), when the file is gone
        self._serial = None
        self._qmp = None
        self._qmp_file = None
        self._reader = None
        # The transcript: every serial byte, decoded as latin-1 so that one
        # byte is one character. The reader thread appends to it; wait_for
        # searches it from self._pos on.
        self._text = ""
        self._pos = 0
        self._eof = False
        self._cond = threading.Condition()

    def _copy_disk(self, image):
        """The machine's own copy of image: sparse, so a 64 MiB image of
        mostly free blocks costs little, and raw, so that tests can look
        at it afterwards with e2fsck or debugfs."""
        if not image.exists():
            raise AssertionError("%s is missing: run `make` first" % image)
        copy = Path(self.tmpdir) / "disk.img"
        subprocess.run(["cp", "--sparse=always", str(image), str(copy)], check=True)
        return copy

    # -- starting -------------------------------------------------------

    def start(self):
        """Start QEMU and connect to the serial console and QMP."""
        log_path = os.path.join(self.tmpdir, "qemu.log")
        self._qemu_log = open(log_path, "wb")
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=self._qemu_log,
                                     stderr=subprocess.STDOUT)
        _live_machines.add(self)
        # Serial first: with wait=on QEMU waits for this before anything else.
        self._serial = self._connect("serial.sock")
        self._reader = threading.Thread(target=self._read_serial, daemon=True)
        self._reader.start()
        self._qmp = self._connect("qmp.sock")
        self._qmp.settimeout(QMP_TIMEOUT)
        self._qmp_file = self._qmp.makefile("rb")
        self._qmp_handshake()

    def boot(self, timeout=BOOT_TIMEOUT):
        """Start QEMU and wait until the kernel shows its first prompt."""
        self.start()
        self.wait_for(re.escape(PROMPT), timeout=timeout)
        # init loads from the disk while the console starts, so its
        # greeting may come just after the first prompt: wait for it here,
        # or it would land in the middle of the first command's output.
        self.wait_for(INIT_GREETING, timeout=timeout, since=0)
        return self

    def _connect(self, name):
        """Connect to one of QEMU's Unix sockets once QEMU has made it.

        QEMU needs a moment to create the socket; we retry for a bounded
        time and, if QEMU died instead (bad option, missing ISO...), fail
        with what it printed.
        """
        path = os.path.join(self.tmpdir, name)
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("QEMU exited with %s before creating %s.\n"
                                     "QEMU said:\n%s\nCommand: %s"
                                     % (describe_exit(self.proc.returncode), name,
                                        self.stderr, " ".join(self.args)))
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(path)
                return sock
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
            if time.monotonic() > deadline:
                raise AssertionError("QEMU did not create %s within %d s.\n"
                                     "QEMU said:\n%s" % (path, CONNECT_TIMEOUT,
                                                         self.stderr))
            time.sleep(0.05)

    # -- serial console -------------------------------------------------

    def _read_serial(self):
        """Reader thread: append everything the kernel prints to the transcript."""
        while True:
            try:
                data = self._serial.recv(4096)
            except OSError:
                data = b""
            with self._cond:
                if not data:
                    self._eof = True   # QEMU exited, or we closed the socket
                    self._cond.notify_all()
                    return
                self._text += data.decode("latin-1")
                self._cond.notify_all()

    @property
    def transcript(self):
        """Everything the kernel has printed on the serial console so far."""
        with self._cond:
            return self._text

    def mark(self):
        """The current length of the transcript, for wait_for(since=...)."""
        with self._cond:
            return len(self._text)

    def wait_for(self, pattern, timeout=10, since=None):
        """Wait until `pattern` (a regex) appears after the read position
        (or after `since`, a mark(), even if commands have read past it).

        Returns the re.Match (its .string is the whole transcript) and moves
        the read position past it, so the next wait_for looks only at newer
        output. Fails with the end of the transcript on timeout, or at once
        if QEMU exits first.
        """
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                match = regex.search(self._text, self._pos if since is None else since)
                if match:
                    self._pos = max(self._pos, match.end())
                    return match
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    break
                self._cond.wait(left)
        self._fail_wait(regex, timeout)

    def _fail_wait(self, regex, timeout):
        if self._eof:
            why = "serial console closed, " + self._qemu_state()
        else:
            why = "timed out after %s s" % timeout
        raise AssertionError("%s waiting for %r on the serial console.\n"
                             "--- last serial output ---\n%s\n--- end ---"
                             % (why, regex.pattern, tail(self.transcript)))

    def send(self, text):
        """Type raw text (str or bytes) on the serial console; no Enter added."""
        if isinstance(text, str):
            text = text.encode("utf-8")
        try:
            self._serial.sendall(text)
        except OSError:
            self._qemu_gone("cannot type on the serial console")

    def send_ctrl(self, key):
        """Type Ctrl-KEY (send_ctrl("c") is Ctrl-C, byte 0x03; "]" is the
        console's escape key, 0x1d)."""
        self.send(bytes([ord(key.upper()) & 0x1f]))

    def command(self, line, timeout=10):
        """Type a command line and Enter; return its output.

        The output is what comes between the echo of the line and the next
        prompt, with "\\r\\n" turned into "\\n" and the newlines at either
        end removed.
        """
        return self.type_and_wait_prompt(line + "\r", timeout)

    def type_and_wait_prompt(self, keys, timeout=10):
        """Type raw keys (which must end the line) and return the output up
        to the next prompt, without the echoed line, as command() does."""
        with self._cond:
            start = self._pos
        self.send(keys)
        prompt = self.wait_for(re.escape(PROMPT), timeout=timeout)
        text = prompt.string[start:prompt.start()]
        _echo, _newline, output = text.partition("\n")  # drop the echoed line
        return output.replace("\r\n", "\n").strip("\n")

    def job_end(self, pid, since, timeout=10):
        """How the console's background job pid ended: its "[PID] NAME
        exited with status N" (or "killed by signal ...") line, waiting
        for it. A prompt after since (a mark() from before the end) may
        have told it already; if not, the job is running or unreaped and
        `fg PID` waits for it or tells its end at once."""
        end = re.compile(r"^\[%d\] \S+ (exited with status \d+|killed by signal .*?)\r?$"
                         % pid, re.M)
        match = end.search(self.transcript, since)
        if match:
            return match.group(1)
        out = self.command("fg %d" % pid, timeout=timeout)
        match = end.search(out)
        assert match, out
        return match.group(1)

    def run_suite(self, command, timeout=60):
        """Run one of the user-space test suites (`run NAME [ARGS]`): each
        prints ok/FAIL per check and "NAME: N failed". Fails unless every
        check passed and the program exited with status 0; returns its
        output."""
        name = command.split()[0]
        out = self.command(f"run {command}", timeout=timeout)
        assert "FAIL" not in out, out
        assert f"{name}: 0 failed" in out, out
        assert out.endswith(f"{name} exited with status 0"), out
        return out

    def free_pfn(self, near):
        """The first free frame at or after near (which frames the kernel's
        own allocations take depends on its size)."""
        for start in range(near, near + 4096, 256):
            for line in self.command(f"page {start:#x} 256").splitlines():
                if "buddy" in line or "free: in the order-" in line:
                    return int(line.split()[1], 16)
        raise AssertionError(f"no free frame near {near:#x}")

    def meminfo(self):
        """The `meminfo` command's lines as {name: kB}."""
        out = self.command("meminfo")
        return {m.group(1): int(m.group(2))
                for m in re.finditer(r"^([\w()]+):\s+(\d+) kB$", out, re.M)}

    def vmstat(self):
        """/proc/vmstat as {name: value} (read by user/proctest.c)."""
        out = self.command("run proctest cat /proc/vmstat", timeout=30)
        return {k: int(v) for k, v in re.findall(r"^(\w+) (\d+)$", out, re.M)}

    def memory_in_use(self):
        """meminfo with the page cache counted as free: programs that ran
        leave their files' pages cached (as Linux does), and that is not
        memory a process kept. A page a process leaked still shows."""
        info = self.meminfo()
        active_file, inactive_file = info.pop("Active(file)", 0), info.pop("Inactive(file)", 0)
        cached = active_file + inactive_file
        # Linux's Active and Inactive lines count both kinds.
        info["Active"] = info.get("Active", 0) - active_file
        info["Inactive"] = info.get("Inactive", 0) - inactive_file
        info.pop("MemAvailable", None)
        info.pop("Cached", None)
        info.pop("Buffers", None)
        info["MemFree"] += cached
        return info

    # -- QMP: talking to QEMU itself --------------------------------------

    def _qmp_handshake(self):
        """Read QEMU's greeting and leave capabilities negotiation mode."""
        greeting = self._qmp_read()
        if "QMP" not in greeting:
            raise AssertionError("unexpected QMP greeting: %r" % greeting)
        self.qmp("qmp_capabilities")

    def _qmp_read(self):
        """Read one QMP message (one JSON object per line)."""
        try:
            line = self._qmp_file.readline()
        except OSError:   # reset by QEMU as it dies, or our own timeout
            line = b""
        if not line:
            self._qemu_gone("QMP connection closed")
        return json.loads(line)

    def _qemu_state(self):
        """ "QEMU exited with status 35 (kernel panic)", after giving a dying
        QEMU a moment to finish exiting."""
        try:
            self.proc.wait(timeout=2)
            return "QEMU exited with " + describe_exit(self.proc.returncode)
        except subprocess.TimeoutExpired:
            return "QEMU still running"

    def _qemu_gone(self, what):
        """Fail with QEMU's exit status and what it printed."""
        raise AssertionError("%s: %s.\nQEMU said:\n%s"
                             % (what, self._qemu_state(), self.stderr))

    def qmp(self, execute, **arguments):
        """Run a QMP command and return its "return" value.

        Events (messages with "event", e.g. SHUTDOWN) can arrive at any
        time; they are skipped while we wait for our answer.
        """
        request = {"execute": execute}
        if arguments:
            request["arguments"] = arguments
        self._qmp.sendall(json.dumps(request).encode() + b"\n")
        while True:
            reply = self._qmp_read()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise AssertionError("QMP %s failed: %s" % (execute, reply["error"]))

    def hmp(self, cmdline):
        """Run a QEMU monitor command (e.g. "info registers"); return its text."""
        return self.qmp("human-monitor-command", **{"command-line": cmdline})

    # -- stopping ---------------------------------------------------------

    def wait_exit(self, timeout=30):
        """Wait for QEMU to exit by itself and return its exit status."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("QEMU still running after %s s.\n"
                                 "--- last serial output ---\n%s\n--- end ---"
                                 % (timeout, tail(self.transcript))) from None

    def expect_exit(self, status, timeout=30):
        """Wait for QEMU to exit and check its status (EXIT_POWEROFF...)."""
        got = self.wait_exit(timeout)
        assert got == status, ("QEMU exited with %s, expected %s.\n"
                               "--- last serial output ---\n%s\n--- end ---"
                               % (describe_exit(got), describe_exit(status),
                                  tail(self.transcript)))

    @property
    def exit_status(self):
        """QEMU's exit status, or None while it is still running."""
        return None if self.proc is None else self.proc.poll()

    @property
    def stderr(self):
        """What QEMU printed on its stdout and stderr."""
        if self._qemu_log is not None and not self._qemu_log.closed:
            self._qemu_log.flush()
            with open(self._qemu_log.name, "rb") as f:
                self._stderr = f.read().decode("utf-8", errors="replace")
        return self._stderr

    def close(self):
        """Kill QEMU if it still runs, close the sockets, remove the tmpdir."""
        _live_machines.discard(self)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for sock in (self._qmp_file, self._qmp, self._serial):
            if sock is not None:
                try:
                    if isinstance(sock, socket.socket):
                        sock.shutdown(socket.SHUT_RDWR)   # wakes the reader
                except OSError:
                    pass
                sock.close()
        if self._reader is not None:
            self._reader.join(timeout=5)
        if self._qemu_log is not None:
            self.stderr   # keep what QEMU said before the file goes
            self._qemu_log.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

"""busybox's shell on the terminal, started by the console's `sh`: its
line editing, pipelines, job control (&, jobs, Ctrl-Z, fg, Ctrl-C), the
console's escape key while it runs, `exit` back to the console, and vi
in raw mode. Every step waits for the shell's prompt or for what a
program prints; nothing sleeps."""
import re

import pytest

from machine import PROMPT

WAIT = 60          # s: generous, the machine may be busy with other tests' QEMUs
# ash's prompt (PS1 '\w \$ ', as root in /): at a line's start, or
# where vi has just left the alternate screen.
SHELL_PROMPT = r"(?:(?<=\n)|(?<=\x1b\[\?1049l))/ # "
ESC = "\x1b"
KERNEL_LOG_LINE = re.compile(r"\[ *\d+\.\d+\] ")


class Shell:
    """busybox's sh started from the console, with its pid."""

    def __init__(self, vm):
        self.vm = vm
        vm.send("sh\r")
        self.prompt()
        self.pid = int(self.run("echo $$"))

    def prompt(self, since=None):
        return self.vm.wait_for(SHELL_PROMPT, timeout=WAIT, since=since)

    def run(self, line):
        """Type a command line; what it printed up to the next prompt,
        without the kernel's log lines (cat's "system call 40 is not
        implemented", say) that the console shows meanwhile."""
        start = self.vm.mark()
        self.vm.send(line + "\r")
        prompt = self.prompt(since=start)
        text = prompt.string[start:prompt.start()]
        _echo, _newline, output = text.partition("\n")   # the line the shell echoed
        lines = output.replace("\r\n", "\n").strip("\n").split("\n")
        return "\n".join(l for l in lines if not KERNEL_LOG_LINE.match(l))

    def exit(self):
        self.vm.send("exit\r")
        self.vm.wait_for(rf"\[{self.pid}\] sh exited with status 0\r\n" + re.escape(PROMPT),
                         timeout=WAIT)


@pytest.fixture
def sh(vm):
    """A shell on the terminal. If the test failed with it (or a program
    it started) still owning the terminal, the escape key kills it, so
    that the next test's keys reach the console."""
    if "busybox" not in vm.command("ls /bin"):
        pytest.skip("busybox is not on this disk")
    shell = Shell(vm)
    yield shell
    if vm.exit_status is not None or vm.transcript.endswith(PROMPT):
        return   # a passing test ends at the console's prompt
    vm.send_ctrl("]")
    vm.wait_for(re.escape(PROMPT), timeout=WAIT)
    vm.send(f"kill {shell.pid} 9\r")
    vm.wait_for(rf"\[{shell.pid}\] sh killed by signal 9 SIGKILL\r\n" + re.escape(PROMPT),
                timeout=WAIT)


def test_line_editing_reaches_the_shell(sh):
    # DEL erases, the left arrow moves back to insert: busybox edits the
    # line itself, in raw mode, and runs what it ends up with.
    assert sh.run("echo wrd\x7fld" + (ESC + "[D") * 3 + "o") == "world"
    assert sh.run("echo $((6 * 7))") == "42"
    sh.exit()


def test_a_pipeline(sh):
    assert sh.run("echo hi | wc -c") == "3"
    assert sh.run("printf 'b\\na\\n' | sort | head -n 1") == "a"
    sh.exit()


def test_a_background_job_and_jobs(sh):
    assert sh.run("sleep 100 &") == ""
    assert re.fullmatch(r"\[1\]\+ +Running +sleep 100", sh.run("jobs"))
    out = sh.run("kill %1; wait %1; echo status $?").split("\n")
    assert out[-2] == "status 143", out                        # 128 + SIGTERM
    assert re.fullmatch(r"\[1\]\+ +Terminated +sleep 100", out[-1]), out
    assert sh.run("jobs") == ""
    sh.exit()


def escape_command(vm, line, expect):
    """Ctrl-], then one console command line while the shell (or its job)
    has the terminal; waits for `expect` in what it prints."""
    vm.send_ctrl("]")
    vm.wait_for(re.escape(PROMPT), timeout=WAIT)
    vm.send(line + "\r")
    return vm.wait_for(expect, timeout=WAIT)


def state_of(vm, name):
    """The state the console's `ps` gives the last process called name,
    through the escape key; a second escape (with an empty command) shows
    where ps's output ends."""
    vm.send_ctrl("]")
    start = vm.wait_for(re.escape(PROMPT), timeout=WAIT).end()
    vm.send("ps\r")
    vm.send_ctrl("]")
    end = vm.wait_for(re.escape(PROMPT), timeout=WAIT).start()
    vm.send("\r")
    states = re.findall(rf"^ *\d+ +\d+ +(\w+) +\S+ +\d+ {name}\r$", vm.transcript[start:end], re.M)
    return states[-1] if states else None


def until_state(vm, name, state):
    """Ask ps again until the process is in that state: a job that was
    just started or continued may not be yet."""
    for _ in range(50):
        if state_of(vm, name) == state:
            return
    raise AssertionError(f"{name} is never {state}")


def test_ctrl_z_stops_the_foreground_job_fg_continues_it_and_ctrl_c_ends_it(sh):
    sh.vm.send("sleep 100\r")
    # A Ctrl-Z typed before ash has given the terminal back to cooked
    # mode and to sleep's group would be a plain byte to its line editor
    # (ISIG off) or signal ash's own group: as on Linux, wait until sleep runs.
    until_state(sh.vm, "sleep", "sleeping")
    sh.vm.send_ctrl("z")
    sh.vm.wait_for(r"\[1\]\+ +Stopped +sleep 100\r\n", timeout=WAIT)
    sh.prompt()
    assert state_of(sh.vm, "sleep") == "stopped"
    sh.vm.send("fg\r")
    sh.vm.wait_for(r"fg\r\nsleep 100\r\n", timeout=WAIT)      # ash names the job it continues
    until_state(sh.vm, "sleep", "sleeping")
    sh.vm.send_ctrl("c")
    sh.prompt()
    assert sh.run("echo status $?") == "status 130"           # 128 + SIGINT
    sh.exit()


def test_the_escape_key_gives_one_console_command_while_the_shell_runs(sh):
    escape_command(sh.vm, "ps", rf"\s{sh.pid}\s+3\s+sleeping\s.*\ssh\r\n")
    assert sh.run("echo back to the shell") == "back to the shell"
    sh.exit()


def test_exit_returns_to_the_console(sh):
    sh.exit()
    assert "unknown command 'echo'" in sh.vm.command("echo")  # the console has the line again


def test_vi_in_raw_mode_inserts_text_and_writes_the_file(sh):
    sh.run("rm -f /tmp/vi.txt")
    start = sh.vm.mark()
    sh.vm.send("vi /tmp/vi.txt\r")
    sh.vm.wait_for(r"\x1b\[\?1049h[^\n]*/tmp/vi\.txt", timeout=WAIT, since=start)  # its screen
    mark = sh.vm.mark()
    sh.vm.send("ihello from vi" + ESC)
    # vi draws the text as the keys come, with cursor moves between the
    # pieces (how many depends on how the keys were read), so wait for
    # its status line instead ("-": command mode again, after the ESC);
    # the file's content is checked below.
    sh.vm.wait_for(r"- /tmp/vi\.txt \[Modified\]", timeout=WAIT, since=mark)  # back in command mode
    sh.vm.send(":wq\r")
    sh.vm.wait_for(r"'/tmp/vi\.txt' 1L, 14C", timeout=WAIT)      # vi's "written"
    sh.prompt()
    assert sh.run("cat /tmp/vi.txt") == "hello from vi"
    sh.exit()

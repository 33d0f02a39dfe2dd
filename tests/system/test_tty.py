"""The terminal: a foreground program reads what is typed on the serial
line through the tty layer (user/ttytest.c), with Linux's line editing,
raw mode, signals and job control; the console's escape key, `fg` and
`sh`. Every step waits for what the program prints before typing."""
import re

import pytest

from machine import PROMPT

WAIT = 60  # s: generous, the machine may be busy with other tests' QEMUs
started = []  # the pid of each ttytest a test started in the foreground


def start(vm, mode, ready):
    """`run ttytest MODE` in the foreground, once it says `ready`."""
    vm.send(f"run ttytest {mode}\r")
    match = vm.wait_for(r"ttytest\[(\d+)\]: " + re.escape(ready), timeout=WAIT)
    started.append(int(match.group(1)))


def wait(vm, pattern):
    return vm.wait_for(pattern, timeout=WAIT)


def finished(vm, status=0):
    """Until the console reports ttytest's end and prompts again."""
    wait(vm, rf"\[(\d+)\] ttytest exited with status {status}\r\n" + re.escape(PROMPT))


@pytest.fixture(autouse=True)
def _terminal_back_to_the_console(vm):
    """A test that failed may leave ttytest owning the terminal, and the
    next test's keys would go to it: kill it through the escape key (which
    the console's own line editor ignores, if it has the line already)."""
    started.clear()
    yield
    if vm.exit_status is not None:
        return
    for pid in started:
        vm.send_ctrl("]")
        vm.send(f"kill {pid} 9\r")
        vm.wait_for(rf"(\[{pid}\] ttytest killed by signal 9 SIGKILL|kill: no process {pid})"
                    r"\r\n" + re.escape(PROMPT), timeout=WAIT)


def test_canonical_lines_with_erase_kill_werase_and_eof(vm):
    start(vm, "lines", "type a line")
    since = vm.mark()
    vm.send("hello\r")
    wait(vm, r"read 6 bytes: 'hello\\n'")
    wait(vm, "type a line")
    vm.send("helx\x7fp\r")                     # DEL erases the x
    wait(vm, r"read 5 bytes: 'help\\n'")
    assert "helx\b \bp" in vm.transcript[since:]   # ECHOE: erased on the screen
    vm.send("foo bar\x17baz\r")                # Ctrl-W erases a word
    wait(vm, r"read 8 bytes: 'foo baz\\n'")
    vm.send("junk\x15ok\r")                    # Ctrl-U kills the line
    wait(vm, r"read 3 bytes: 'ok\\n'")
    vm.send("abc\x04")                         # Ctrl-D ends a line without \n
    wait(vm, r"read 3 bytes: 'abc'")
    wait(vm, "type a line")
    vm.send("\x04")                            # ...and alone, it is end of file
    wait(vm, r"end of file \(0\)")
    finished(vm)


def test_raw_mode_reads_single_bytes_without_signals(vm):
    start(vm, "raw", "raw: type three keys")
    vm.send(b"a\x03\r")
    wait(vm, r"raw read 1 bytes: 'a'")
    wait(vm, r"raw read 1 bytes: '\\x03'")     # Ctrl-C is a byte: ISIG is off
    wait(vm, r"raw read 1 bytes: '\\x0d'")     # and Enter a \r: ICRNL is off
    finished(vm)


def test_vmin_and_vtime(vm):
    start(vm, "vmin", "MIN 3 TIME 0: type three keys")
    vm.send("xyz")
    wait(vm, r"min3 3 bytes: 'xyz'")
    wait(vm, r"min0 time0 0 bytes: ''")
    wait(vm, r"min0 time2 \(nothing typed\) 0 bytes: ''")
    wait(vm, "MIN 5 TIME 10: type two keys")
    vm.send("pq")                               # then a second without a key
    wait(vm, r"min5 time10 2 bytes: 'pq'")
    finished(vm)


def test_ctrl_c_interrupts_the_foreground_group_only(vm):
    start(vm, "intr", "press Ctrl-C")
    since = vm.mark()
    vm.send_ctrl("c")
    wait(vm, "ttytest: 0 failed")
    assert "^C" in vm.transcript[since:]        # ECHOCTL
    finished(vm)


def test_ctrl_c_kills_a_program_without_a_handler(vm):
    start(vm, "lines", "type a line")
    vm.send_ctrl("c")
    wait(vm, r"\[\d+\] ttytest killed by signal 2 SIGINT\r\n" + re.escape(PROMPT))
    assert "unknown command 'echo'" in vm.command("echo")  # the console has the line again


def test_ctrl_z_stops_and_fg_continues(vm):
    start(vm, "susp", "press Ctrl-Z")
    vm.send_ctrl("z")
    match = wait(vm, r"\[(\d+)\] ttytest stopped by signal 20 SIGTSTP\r\n"
                        + re.escape(PROMPT))
    pid = match.group(1)
    assert re.search(rf"^\s*{pid}\s+\d+\s+stopped", vm.command("ps"), re.M)
    vm.send(f"fg {pid}\r")
    wait(vm, r"continued by SIGCONT after Ctrl-Z")
    wait(vm, "ttytest: 0 failed")
    finished(vm)


def escape_command(vm, line, expect):
    """Ctrl-], then one console command line, while a job has the terminal."""
    vm.send_ctrl("]")
    wait(vm, re.escape(PROMPT))
    vm.send(line + "\r")
    wait(vm, expect)


def test_escape_key_gives_one_console_command_then_input_goes_back(vm):
    start(vm, "lines", "type a line")
    escape_command(vm, "ps", r"\d+\s+3\s+sleeping\s.*\sttytest\r\n")  # while ttytest runs
    vm.send("after\r")                          # the job's input again
    wait(vm, r"read 6 bytes: 'after\\n'")
    vm.send("\x04")
    finished(vm)


def test_escape_command_cannot_start_a_second_foreground_job(vm):
    start(vm, "lines", "type a line")
    escape_command(vm, "run hello", "run: a job owns the terminal; add & to run in the background")
    vm.send("\x04")
    finished(vm)


def test_poll_on_the_terminal(vm):
    start(vm, "poll", "poll: type a line")
    vm.send("k\r")
    wait(vm, r"after poll 2 bytes: 'k\\n'")
    wait(vm, "ttytest: 0 failed")
    finished(vm)


def test_termios_sessions_groups_and_job_control_signals(vm):
    vm.run_suite("ttytest jobctl", timeout=WAIT)


def test_a_background_job_reading_the_terminal_stops_with_sigttin(vm):
    out = vm.command("run ttytest lines &")
    pid = re.search(r"^\[(\d+)\] ttytest$", out, re.M).group(1)
    said = ""
    for _ in range(100):
        said += vm.command("ps") + "\n"
        if f"[{pid}] ttytest stopped by signal 21 SIGTTIN" in said:
            break
    assert f"[{pid}] ttytest stopped by signal 21 SIGTTIN" in said, said
    vm.command(f"kill {pid} 9")
    for _ in range(100):
        if f"[{pid}] ttytest killed by signal 9 SIGKILL" in vm.command("ps"):
            return
    raise AssertionError(f"ttytest {pid} was not reaped")


def test_sh_runs_busybox_or_says_it_is_missing(vm):
    if "busybox" not in vm.command("ls /bin"):
        assert vm.command("sh") == "sh: no /bin/sh: busybox's shell is not on this system's disk"
        return
    vm.send("sh\r")
    wait(vm, r"# ")
    vm.send("echo $((6 * 7))\r")
    wait(vm, r"\r\n42\r\n")
    vm.send("exit\r")
    wait(vm, r"\[\d+\] sh exited with status 0\r\n" + re.escape(PROMPT))


def test_poll_select_pselect6_ppoll_on_pipes_and_files(vm):
    vm.run_suite("polltest", timeout=WAIT)

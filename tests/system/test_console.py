"""The console: help, line editing, and bad input that must change nothing."""
import re

from iso import build_iso
from machine import Machine

COMMANDS = ["help", "meminfo", "buddyinfo", "slabinfo", "page", "memmap", "log", "loglevel",
            "mcelog", "mce-inject", "inject", "hwpoison", "sysctl", "cache", "sync", "ls", "run", "ps", "kill", "fg", "sh", "vm",
            "blk", "selftest", "poweroff"]


def test_help_lists_every_command(vm):
    out = vm.command("help")
    listed = re.findall(r"^  (\S+)", out, re.M)
    assert listed == COMMANDS


def test_selftest_without_name_lists_tests(vm):
    out = vm.command("selftest")
    assert re.findall(r"^  (\S+)", out, re.M) == ["buddy", "offline", "slab", "locks", "blk",
                                                       "bcache", "panic", "fault"]


def test_backspace_edits_the_line(vm):
    out = vm.type_and_wait_prompt(b"mem\x7f\x7f\x7fhelq\x08p\r")
    assert "list the commands" in out


def test_crlf_runs_one_command(vm):
    vm.type_and_wait_prompt(b"buddyinfo\r\n")
    # The \n of \r\n must not count as a second, empty command line: the
    # next command's output comes right after one prompt.
    out = vm.command("help")
    assert out.startswith("  help")


def test_escape_sequences_are_ignored(vm):
    out = vm.type_and_wait_prompt(b"\x1b[Ahelp\x1b[D\r")  # arrow keys around "help"
    assert "list the commands" in out


def test_empty_line_just_prompts_again(vm):
    assert vm.command("") == ""
    assert vm.command("   ") == ""


def test_unknown_command(vm):
    assert vm.command("frobnicate 1 2") == \
        "error: unknown command 'frobnicate' (type 'help' for the list)"


def test_malformed_numbers(vm):
    for bad in ["12x", "0x", "-1", "0xzz", "99999999999999999999999"]:
        assert vm.command(f"page {bad}") == \
            f"page: '{bad}' is not a number (use decimal or 0x-prefixed hex)"
    assert "is not a number" in vm.command("page 1 lots")


def test_pfn_out_of_range(vm):
    out = vm.command("page 0x100000")
    assert re.fullmatch(r"page: pfn 0x100000 is out of range \(memory has pfns 0-0x[0-9a-f]+\)", out)


def test_bad_page_count(vm):
    assert vm.command("page 1 0") == "page: COUNT must be 1 to 256"
    assert vm.command("page 1 257") == "page: COUNT must be 1 to 256"


def test_wrong_number_of_arguments(vm):
    assert vm.command("page") == "usage: page PFN [COUNT]"
    assert vm.command("meminfo now") == "usage: meminfo "
    assert vm.command("selftest a b") == "usage: selftest [NAME]"


def test_unknown_selftest(vm):
    assert vm.command("selftest nope") == \
        "selftest: no test named 'nope' (type 'selftest' for the list)"


def test_too_many_words(vm):
    assert vm.command(" ".join(["x"] * 17)) == "error: too many words (at most 16)"


def program_output(out):
    """What a `run` printed, less log lines and the job's end."""
    return [line for line in out.splitlines() if not line.startswith("[")]


def test_quotes_keep_spaces_in_one_word(vm):
    out = vm.command(r'''run /bin/echo "a  b" 'c"d' "e\"f\\g" h''i''')
    assert program_output(out) == [r'a  b c"d e"f\g hi'], out
    out = vm.command('''run /bin/sh -c "echo one; echo 'two  three'"''')
    assert program_output(out) == ["one", "two  three"], out


def test_an_open_quote_is_refused(vm):
    assert vm.command('run /bin/echo "a b') == "error: a quote is not closed"
    assert vm.command("run /bin/echo 'a") == "error: a quote is not closed"


def test_overlong_line_is_rejected_whole(vm):
    before = vm.command("meminfo")
    out = vm.command("meminfo" + " " * 200 + "x")
    assert out.endswith("error: line too long (at most 160 characters); ignored")
    assert vm.command("meminfo") == before


def test_console_still_works_after_bad_input(vm):
    assert "MemTotal:" in vm.command("meminfo")


DEFAULT_LOGLEVEL = ("console log level 7: messages of levels 0 to 6 reach the console "
                    "(kernel.printk = 7 4 1 7)")
SEGFAULT = re.compile(r"crash\[(\d+)\]: segfault at 8 ")


def test_loglevel_decides_which_log_lines_reach_the_console(vm):
    assert vm.command("loglevel") == DEFAULT_LOGLEVEL
    try:
        assert vm.command("loglevel 6").startswith("console log level 6: messages of levels 0 to 5")
        out = vm.command("run crash segv")  # "segfault at" is KERN_INFO, level 6
        pid = re.search(r"\[(\d+)\] crash killed by signal 11", out).group(1)
        assert not SEGFAULT.search(out)
        assert pid in SEGFAULT.findall(vm.command("log"))  # logged all the same
    finally:
        assert vm.command("loglevel 7") == DEFAULT_LOGLEVEL
    assert SEGFAULT.search(vm.command("run crash segv"))


def test_loglevel_refuses_bad_levels_and_changes_nothing(vm):
    for bad in ["0", "9", "x", "-1"]:
        assert vm.command(f"loglevel {bad}") == \
            f"loglevel: '{bad}' is not a console log level (1 to 8)"
    assert vm.command("loglevel") == DEFAULT_LOGLEVEL


def boot_with(tmp_path, cmdline):
    workdir = tmp_path / str(len(list(tmp_path.iterdir())))
    return Machine(iso=build_iso(workdir, cmdline=cmdline)).boot()


def test_quiet_boot_prints_only_errors(tmp_path):
    with boot_with(tmp_path, "quiet") as machine:
        assert "Antidote is ready" not in machine.transcript  # KERN_INFO
        assert machine.command("loglevel").startswith("console log level 4: ")
        assert "Antidote is ready" in machine.command("log")


def test_loglevel_on_the_command_line_the_last_word_wins(tmp_path):
    with boot_with(tmp_path, "quiet loglevel=x loglevel=2") as machine:
        assert machine.command("loglevel").startswith("console log level 2: ")
    with boot_with(tmp_path, "loglevel=2 quiet") as machine:
        assert machine.command("loglevel").startswith("console log level 4: ")
    with boot_with(tmp_path, "quiet loglevel=x") as machine:
        assert "loglevel=x on the command line: not a level (0 to 15); keeping 4" in \
            machine.command("log")
        assert machine.command("loglevel").startswith("console log level 4: ")


FAULT_LINE = re.compile(r"segfaults\[\d+\]: segfault at 8 ")
SUPPRESSED = re.compile(r"show_signal_msg: (\d+) callbacks suppressed")


def test_handled_faults_are_not_logged(vm):
    out = vm.command("run segfaults handled 1000", timeout=60)
    assert "segfaults: 1000 handled" in out
    assert not FAULT_LINE.search(out)


def test_fault_lines_are_rate_limited(boot_vm):
    """Linux's printk_ratelimit: 10 lines per 5 seconds, then a count of
    the ones left out. Every fault is either printed or counted."""
    vm = boot_vm()
    out = vm.command("run segfaults unhandled 300", timeout=120)
    assert "segfaults: 301 killed by SIGSEGV" in out
    lines = out.splitlines()
    printed = [i for i, line in enumerate(lines) if FAULT_LINE.search(line)]
    counts = [(i, int(m.group(1))) for i, line in enumerate(lines)
              if (m := SUPPRESSED.search(line))]
    assert counts, out
    assert len(printed) + sum(n for _, n in counts) == 301
    # At most a burst of 10 between one count line and the next.
    edges = [-1] + [i for i, _ in counts] + [len(lines)]
    for start, end in zip(edges, edges[1:]):
        assert len([i for i in printed if start < i < end]) <= 10
    assert printed[-1] > counts[-1][0]  # the last fault, after the pause

"""User programs: started from the console, scheduled, killed, reaped."""
import re


def test_ls_lists_the_user_programs(vm):
    names = re.findall(r"^(\S+)\s+\d+$", vm.command("ls /bin"), re.M)
    assert {"hello", "hello-pie", "exit42", "spin"} <= set(names)


def test_hello_prints_and_exits_zero(vm):
    out = vm.command("run hello one two")
    lines = out.splitlines()
    assert lines[:4] == ["hello from user space", "argv[0] = hello", "argv[1] = one",
                         "argv[2] = two"]
    assert re.fullmatch(r"\[\d+\] hello exited with status 0", lines[-1])


def test_static_pie_runs_too(vm):
    out = vm.command("run hello-pie")
    assert out.startswith("hello from user space\n")
    assert out.endswith("hello-pie exited with status 0")


def test_exit_status_reaches_the_console(vm):
    assert vm.command("run exit42").endswith("exit42 exited with status 42")


def test_bad_run_requests(vm):
    assert vm.command("run nope") == "run: nope: no such program (type 'ls' for the list)"
    assert vm.command("run &") == "usage: run PROGRAM [ARGUMENTS] [&]"
    assert vm.command("run") == "usage: run PROGRAM [ARGUMENTS] [&]"


def gives_back_its_memory(vm, action):
    """Run action twice and check that the second run leaves meminfo as it
    found it. The first run reads the programs from the disk into the page
    cache, where they stay (clean file pages, as on Linux): only what the
    second run takes must all come back."""
    action()
    before = vm.memory_in_use()
    action()
    # The page cache aside: how much of a program the second run reads
    # in depends on where it was when it was killed.
    assert vm.memory_in_use() == before


def spawn_background(vm, command):
    """`run COMMAND &`: the new process's pid."""
    out = vm.command(f"run {command} &")
    name = command.split()[0]
    return int(re.search(rf"^\[(\d+)\] {name}$", out, re.M).group(1))


def test_fg_waits_for_a_background_job_and_tells_its_end(vm):
    pid = spawn_background(vm, "sleep 1")
    assert vm.command(f"fg {pid}") == f"[{pid}] sleep\n[{pid}] sleep exited with status 0"
    assert vm.command(f"fg {pid}") == f"fg: no job {pid} (the console's jobs: see ps)"
    # Killed in the background: either the prompt after kill tells its
    # end, or fg does (at once if it is a zombie by then), never both.
    pid = spawn_background(vm, "spin")
    since = vm.mark()
    vm.command(f"kill {pid} 9")
    assert vm.job_end(pid, since) == "killed by signal 9 SIGKILL"
    assert len(re.findall(rf"\[{pid}\] spin killed", vm.transcript[since:])) == 1


def ps_rows(out):
    """ps's output as {pid: (ppid, state, rss, name, kill mode)}."""
    rows = re.findall(r"^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\S+)$", out, re.M)
    return {int(pid): (int(ppid), state, int(rss), name, mode)
            for pid, ppid, state, mode, rss, name in rows}


def ps(vm):
    return ps_rows(vm.command("ps"))


def test_ps_shows_kernel_threads_and_programs(vm):
    spinner = spawn_background(vm, "spin")
    # Until its first pages are read from the disk, spin sleeps, with
    # nothing resident; then it spins for good.
    for _ in range(100):
        table = ps(vm)
        if table[spinner][1] != "sleeping" and table[spinner][2] > 0:
            break
    names = {row[3] for row in table.values()}
    assert {"[kworker]", "[console]"} <= names
    ppid, state, rss, name, mode = table[spinner]
    assert name == "spin" and state in ("runnable", "running") and rss > 0
    assert mode == "default"
    console = next(pid for pid, row in table.items() if row[3] == "[console]")
    assert ppid == console
    vm.command(f"kill {spinner} 9")
    until_reaped(vm, spinner)


def test_programs_share_the_cpu(vm):
    spinners = [spawn_background(vm, "spin") for _ in range(2)]
    # Two programs that never block, and still a third one runs to the end.
    assert vm.command("run hello").endswith("hello exited with status 0")
    for pid in spinners:
        vm.command(f"kill {pid} 9")
        until_reaped(vm, pid)


def until_reaped(vm, pid):
    """Like a shell, the console reports a background job's end after the
    next command it runs: run ps until pid is gone; return all it said."""
    said = ""
    for _ in range(100):
        out = vm.command("ps")
        said += out + "\n"
        if not re.search(rf"^\s*{pid}\s", out, re.M):
            return said
    raise AssertionError(f"process {pid} was never reaped:\n{said}")


def test_kill_ends_a_program_with_its_signal(vm):
    term, kill = spawn_background(vm, "spin"), spawn_background(vm, "spin")
    assert vm.command(f"kill {term}") == ""
    assert f"[{term}] spin killed by signal 15 SIGTERM" in until_reaped(vm, term)
    assert vm.command(f"kill {kill} 9") == ""
    assert f"[{kill}] spin killed by signal 9 SIGKILL" in until_reaped(vm, kill)


def test_bad_kill_requests(vm):
    table = ps(vm)
    kworker = next(pid for pid, row in table.items() if row[3] == "[kworker]")
    assert vm.command(f"kill {kworker}") == f"kill: {kworker} is a kernel thread"
    assert vm.command("kill 30000") == "kill: no process 30000"
    assert vm.command("kill 1 0") == "kill: 0 is not a signal (1-64)"
    assert vm.command("kill 1 65") == "kill: 65 is not a signal (1-64)"
    assert vm.command("kill x") == "kill: 'x' is not a number (use decimal or 0x-prefixed hex)"


def test_finished_programs_give_back_all_their_memory(vm):
    before = vm.memory_in_use()
    for _ in range(5):
        vm.command("run hello")
    pid = spawn_background(vm, "spin")
    vm.command(f"kill {pid} 9")
    until_reaped(vm, pid)
    assert vm.memory_in_use() == before


def test_signals_behave_as_on_linux(vm):
    """user/signals.c: handlers with siginfo, frames, masks, altstack."""
    vm.run_suite("signals")


def test_default_actions_kill_with_the_signal(vm):
    for arg, sig, name in [("segv", 11, "SIGSEGV"), ("ill", 4, "SIGILL"), ("fpe", 8, "SIGFPE"),
                           ("abort", 6, "SIGABRT"), ("usr1", 10, "SIGUSR1")]:
        out = vm.command(f"run crash {arg}")
        assert "still alive" not in out
        assert re.search(rf"\] crash killed by signal {sig} {name}$", out), out
    out = vm.command("run crash segv")
    assert re.search(r"crash\[\d+\]: segfault at 8 ip [0-9a-f]+ sp [0-9a-f]+ error 6", out)


def slab_objects(vm):
    """{cache: active objects} from `slabinfo`."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(kmalloc-\d+)\s+(\d+)", vm.command("slabinfo"), re.M)}


def test_fork_cow_execve_and_300_processes(vm):
    """user/forktest.c: fork, copy-on-write, MAP_SHARED, wait4, execve,
    and 300 processes alive at once; all their memory comes back - each
    reaped task's struct proc, signal_struct, sighand_struct and
    files_struct too (the kmalloc caches hold what they held before)."""
    vm.run_suite("forktest 1")   # the page cache now holds what forktest runs
    before, objects = vm.memory_in_use(), slab_objects(vm)
    out = vm.run_suite("forktest 300")
    assert "ok: 300 processes at once: 300 started, 300 exited as expected" in out
    assert vm.memory_in_use() == before
    assert slab_objects(vm) == objects


def test_a_page_shared_after_fork_is_mapped_twice_until_written(vm):
    """Copy-on-write as the reverse map counts it: one frame, two PTEs;
    the child's write gives it a copy, and each frame has one again."""
    since = vm.mark()
    parent = spawn_background(vm, "cowtest")
    m = vm.wait_for(r"cowtest: child (\d+) shares pfn (0x[0-9a-f]+)\r?\n", since=since)
    child, pfn = int(m.group(1)), int(m.group(2), 16)
    assert re.search(r"refcount 2 mapcount 2$", vm.command("page %#x" % pfn), re.M)
    vm.command("kill %d 10" % child)
    copy = int(vm.wait_for(r"cowtest: child wrote: pfn (0x[0-9a-f]+)\r?\n", since=since).group(1), 16)
    assert copy != pfn
    for frame in (pfn, copy):
        assert re.search(r"\(.*anon.*\) refcount 1 mapcount 1$", vm.command("page %#x" % frame),
                         re.M), frame
    vm.command("kill %d 10" % child)
    assert vm.job_end(parent, since) == "exited with status 0"


def test_memory_calls_and_malloc_stress(vm):
    """user/memtest.c: mmap/munmap/mprotect/mlock/msync/brk, SIGSEGV codes."""
    vm.run_suite("memtest")


def test_bad_pointers_give_efault_never_a_crash(vm):
    """user/badptr.c: every pointer-taking call with unmapped, kernel and
    non-canonical pointers; bad descriptors; an unknown call."""
    vm.run_suite("badptr")
    assert "MemTotal:" in vm.command("meminfo")  # and the kernel is fine


def test_usertests_runs_every_suite(vm):
    out = vm.command("run usertests", timeout=120)
    assert re.findall(r"^usertests: (\w+) ok$", out, re.M) == \
        ["startup", "signals", "forktest", "memtest", "badptr", "files"]
    assert "usertests: all 6 suites passed" in out


def test_startup_state_as_linux_lays_it_out(vm):
    """user/startup.c: argv, envp and the auxiliary vector."""
    vm.run_suite("startup one two")


def test_a_huge_console_write_leaves_the_console_answering_and_dies_of_sigkill(vm):
    """write(1, buf, 2 GiB) takes far longer than anyone waits: meanwhile
    the console answers, and SIGKILL ends the write and the process."""
    def write_and_kill():
        pid = spawn_background(vm, "bigwrite")
        assert ps(vm)[pid][3] == "bigwrite"
        assert vm.command(f"kill {pid} 9").replace("\0", "") == ""
        assert f"[{pid}] bigwrite killed by signal 9 SIGKILL" in until_reaped(vm, pid)
    gives_back_its_memory(vm, write_and_kill)


def test_a_signal_ends_a_huge_console_write_with_a_short_count(vm):
    """A caught signal ends the write early (the count so far, as a Linux
    terminal does); a default-action SIGTERM kills the writer."""
    since = vm.mark()
    pid = spawn_background(vm, "bigwrite handler")
    vm.wait_for("\0", since=since)  # the write has begun: the handler is in place
    vm.command(f"kill {pid} 10")
    said = until_reaped(vm, pid).replace("\0", "")
    count = int(re.search(r"bigwrite: wrote (\d+) bytes", said).group(1))
    assert 0 < count < 0x80000000
    assert f"[{pid}] bigwrite exited with status 0" in said
    pid = spawn_background(vm, "bigwrite")
    vm.command(f"kill {pid}")
    assert f"[{pid}] bigwrite killed by signal 15 SIGTERM" in until_reaped(vm, pid)


def test_stop_and_continue_as_on_linux(vm):
    """user/stoptest.c: stop signals, SIGCONT, SIGKILL of a stopped child,
    SIGCHLD with CLD_STOPPED/CLD_CONTINUED, wait4 and waitid reporting."""
    vm.run_suite("stoptest")


def until_state(vm, pid, states):
    """Run ps until pid is in one of states; return all the console said."""
    said = ""
    for _ in range(100):
        out = vm.command("ps")
        said += out + "\n"
        row = ps_rows(out).get(pid)
        if row and row[1] in states:
            return said
    raise AssertionError(f"process {pid} never got to {states}:\n{said}")


def test_the_console_stops_and_continues_a_job(vm):
    pid = spawn_background(vm, "spin")
    vm.command(f"kill {pid} 19")
    said = until_state(vm, pid, ("stopped",))
    said += vm.command("ps")
    assert f"[{pid}] spin stopped by signal 19 SIGSTOP" in said
    said = vm.command(f"kill {pid} 18")
    said += until_state(vm, pid, ("runnable", "running"))
    assert f"[{pid}] spin continued" in said
    vm.command(f"kill {pid} 19")
    until_state(vm, pid, ("stopped",))
    vm.command(f"kill {pid} 9")  # SIGKILL ends even a stopped process
    assert f"[{pid}] spin killed by signal 9 SIGKILL" in until_reaped(vm, pid)


def test_a_foreground_job_that_stops_gives_the_console_back(vm):
    out = vm.command("run stoptest self")
    pid = int(re.fullmatch(r"\[(\d+)\] stoptest stopped by signal 19 SIGSTOP", out).group(1))
    assert ps(vm)[pid][1] == "stopped"
    start = len(vm.transcript)
    said = vm.command(f"kill {pid} 18")
    said += until_reaped(vm, pid)
    # It prints while the console waits for input: look in the transcript.
    assert "stoptest: continued" in vm.transcript[start:]
    assert f"[{pid}] stoptest exited with status 0" in said


def test_vfork_posix_spawn_system_and_popen(vm):
    """user/spawntest.c: vfork shares memory and holds the parent until
    the child execs or exits; musl's posix_spawn(p) (clone with CLONE_VM,
    CLONE_VFORK and a stack) runs programs; system() and popen() run
    busybox's /bin/sh. No memory leaks."""
    gives_back_its_memory(vm, lambda: vm.run_suite("spawntest"))

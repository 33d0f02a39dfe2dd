"""The transcripts in docs/ and README.md, replayed on a real machine
(tests/system/transcripts.py says how), section by section; and for the
labs, what their prose claims about those transcripts."""
import re
import subprocess

import pytest

from iso import build_iso, make_initramfs
from machine import REPO_ROOT
from transcripts import NUMBER, Replay, parse

DOCS = sorted((REPO_ROOT / "docs").rglob("*.md")) + [REPO_ROOT / "README.md"]
SECTIONS = [(doc, section) for doc in DOCS for section in parse(doc)]


def outputs_of(outputs, command):
    """What each run of a command printed, in order: commands typed as
    `command`, or starting with it and a space."""
    return [out for typed, out in outputs if typed == command or typed.startswith(command + " ")]


def the_output(outputs, command):
    found = outputs_of(outputs, command)
    assert len(found) == 1, "expected one %r, got %d" % (command, len(found))
    return found[0]


def free_blocks(buddyinfo):
    """The counts of free blocks of each order, from buddyinfo's line."""
    line = re.search(r"^Node 0, zone +Normal(( +\d+)+) *$", buddyinfo, re.M)
    assert line, buddyinfo
    return [int(n) for n in line.group(1).split()]


def free_frames(buddyinfo):
    return sum(count << order for order, count in enumerate(free_blocks(buddyinfo)))


def meminfo_kb(meminfo, field):
    return int(re.search(r"^%s: +(\d+) kB$" % re.escape(field), meminfo, re.M).group(1))


def free_or_cache_kb(meminfo):
    """MemFree with the caches counted in: programs started meanwhile
    leave their file pages cached, and their inodes and dentries in the
    slab caches, which is not memory anyone lost."""
    return sum(meminfo_kb(meminfo, field) for field in ["MemFree", "Active(file)",
                                                         "Inactive(file)", "Slab"])


def frames_named(vm, what):
    """(first, last) frame of "struct proc", "kernel stack", ... in vm's output."""
    m = re.search(r"^%s: pfn 0x([0-9a-f]+)-0x([0-9a-f]+)$" % what, vm, re.M)
    assert m, "vm names no %s:\n%s" % (what, vm)
    return int(m.group(1), 16), int(m.group(2), 16)


def lab1_claims(outputs):
    before, during, after, after_selftest = outputs_of(outputs, "buddyinfo")
    meminfos = outputs_of(outputs, "meminfo")
    mem_before, mem_during, mem_after = (meminfo_kb(m, "MemFree") for m in meminfos)
    new_slab_pages = (meminfo_kb(meminfos[1], "Slab") - meminfo_kb(meminfos[0], "Slab")) // 4
    taken = free_frames(before) - free_frames(during)
    # 17: 13 frames of spin's own (kernel stack, struct proc, page
    # tables, resident pages: checked one by one below) and the slab pages
    # its kmalloc objects (files, signal handlers, areas, ...) need - 4
    # after a usual boot, one more for each cache that found its slabs
    # full, which depends on what the kernel did before (the mounts, the
    # kworkers' timers). meminfo's Slab counts those.
    assert taken - new_slab_pages == 13 and 4 <= new_slab_pages <= 6 and \
        mem_before - mem_during == 4 * taken, \
        "spin should take 13 frames and 4 (or a few more) new slab pages, 68 kB: took %d " \
        "frames, %d of them slab, MemFree fell %d kB" % (taken, new_slab_pages, mem_before - mem_during)
    b, d = free_blocks(before), free_blocks(during)
    # Which small blocks are free at boot changes with everything the
    # kernel allocates then (the disk's rings, for one). But the allocator
    # takes the smallest block that fits, and 17 frames fit in the first
    # free block of order 5 or more: no larger block is split.
    k = next(order for order in range(5, len(b)) if b[order])
    assert b[k + 1:] == d[k + 1:] and b != d, \
        "spin should split no block above order %d: %s -> %s" % (k, b, d)
    vm = the_output(outputs, "vm")
    stack, proc = frames_named(vm, "kernel stack"), frames_named(vm, "struct proc")
    assert stack[1] - stack[0] == 3 and proc[1] == proc[0], (stack, proc)
    resident = int(re.search(r"\): (\d+) resident pages", vm).group(1))
    assert resident == 5, "vm should count 5 resident pages, not %d" % resident
    pages = outputs_of(outputs, "page")
    assert "(head)" in pages[2] and "compound order 2" in pages[2] and \
        pages[2].count("tail of pfn %#x" % stack[0]) == 3, pages[2]
    assert "(slab)" in pages[3] and "(pgtable)" in pages[4], pages[3:5]
    assert after == before and mem_after == mem_before, "ending spin should merge its frames back exactly"
    assert after_selftest == before, "selftest buddy should give every frame back"


def mce_lines(output):
    """The #MC handler's lines, numbers masked and RIP's context dropped
    (it is wherever the CPU was)."""
    lines = re.findall(r"mce: \[Hardware Error\]: (.*)", output)
    return [re.sub(r"^RIP .*", "RIP", NUMBER.sub("N", line)) for line in lines]


def hwpoison_rows(listing):
    return re.findall(r"^0x[0-9a-f]+ +(hardware|software) +(.+?) +(Recovered|Ignored|Failed|Delayed)$",
                      listing, re.M)


def lab2_claims(outputs):
    console = [mce_lines(out) for out in outputs_of(outputs, "inject srao")]
    qemu = mce_lines(the_output(outputs, "mce"))
    assert qemu and all(lines == qemu for lines in console), (console, qemu)
    rows = hwpoison_rows(the_output(outputs, "hwpoison list"))
    assert len(rows) == 4, rows
    start, end = outputs_of(outputs, "meminfo")
    assert meminfo_kb(end, "HardwareCorrupted") == 4 * len(rows)
    lost = [row for row in rows if row[1] != "reserved kernel page"]
    assert free_or_cache_kb(start) - free_or_cache_kb(end) == 4 * len(lost), \
        "MemFree should lose the poisoned frames that were or became free (caches aside)"
    records = the_output(outputs, "mcelog").split("\nCPU ")[1:]
    bits = {re.search(r"MISC (0x\w+)", r).group(1): re.search(r"lowest valid bit (\d+)", r).group(1)
            for r in records}
    assert bits == {"0x8c": "12", "0x86": "6"}, bits
    hardware, software = outputs_of(outputs, "hwpoison unpoison-pfn")
    assert hardware.endswith("returned -95") and software.endswith("returned 0"), (hardware, software)


def lab3_claims(outputs):
    pcc, recovery_off, srar = (out for typed, out in outputs if typed.startswith("inject"))
    assert "do_machine_check" in pcc and "do_machine_check" in srar
    assert "do_machine_check" not in recovery_off and "memory_failure_work_func" in recovery_off


def sigbus(output):
    """(kind, offset in the page, pid) of each SIGBUS the victim printed."""
    return [(kind, int(offset), int(pid)) for kind, offset, pid in re.findall(
        r"victim: SIGBUS BUS_MCEERR_(A[OR]) si_addr=\S+ page\+(\d+) addr_lsb=12 pid=(\d+)", output)]


def lab4_claims(outputs):
    late, default = outputs_of(outputs, "inject srao")
    early = the_output(outputs, "hwpoison corrupt-pfn")
    fork = the_output(outputs, "run victim late fork private")
    action_required = the_output(outputs, "inject srar")
    assert [s[:2] for s in sigbus(late)] == [("AR", 100)], sigbus(late)
    killing = re.search(r"fault at ([0-9a-f]+)", late).group(1)
    assert re.search(r"si_addr=0x%s " % killing, late), "si_addr should be the faulting address"
    assert [s[:2] for s in sigbus(early)] == [("AO", 0), ("AR", 100)], sigbus(early)
    assert [s[:2] for s in sigbus(default)][:1] == [("AO", 0)], sigbus(default)
    parent, child = (int(p) for p in re.search(r"pid (\d+) .*\n.*child (\d+) ready", fork).groups())
    assert ("AR", 100, parent) in sigbus(fork) and ("AO", 0, child) in sigbus(fork), sigbus(fork)
    assert [s[:2] for s in sigbus(action_required)] == [("AR", 0)], sigbus(action_required)
    assert re.search(r"RIP 23:[0-9a-f]+ \(user mode\)", action_required)
    rows = hwpoison_rows(the_output(outputs, "hwpoison list"))
    assert len(rows) == 5 and all(row[1:] == ("dirty LRU page", "Recovered") for row in rows), rows
    assert [row[0] for row in rows].count("software") == 2, rows
    kept = outputs_of(outputs, "page")[0]
    assert "hwpoison" in kept and re.search(r"refcount 1 mapcount 0$", kept, re.M), kept


def lab5_claims(outputs):
    poke = the_output(outputs, "run poke")
    page = re.search(r"page at (0x[0-9a-f]+)", poke).group(1)
    after_madvise = poke.split("poke: madvise -> 0", 1)
    assert len(after_madvise) == 2 and "SIGBUS" not in after_madvise[0], poke
    assert "poke: SIGBUS, si_code 4 (BUS_MCEERR_AR), address %s" % page in after_madvise[1], poke
    poke2 = the_output(outputs, "run poke2")
    said = re.findall(r"^poke2: (.*)$", poke2, re.M)
    assert said == ["SIGBUS, si_code 5, address %s" % page, "madvise -> 0",
                    "write -> -1 (Bad address)", "madvise again -> -1 (Bad address)",
                    "SIGBUS, si_code 4, address %s" % page], said


def shell_session_claims(outputs):
    """README's session: the frame the pagemap gave is the one poisoned,
    the victim dies of SIGBUS at the poisoning (early kill), and that is
    one frame lost."""
    # The echoed number's line (the next prompt may follow it in the output).
    pfn = int(re.search(r"^(\d+)\r?$", the_output(outputs, "PFN=$((E & ((1 << 55) - 1))); echo $PFN"),
                        re.M).group(1))
    poisoned = the_output(outputs, "echo $PFN")
    assert "Injecting memory failure at pfn %#x\n" % pfn in poisoned, (pfn, poisoned)
    assert "Memory failure: %#x: Sending SIGBUS to victim:" % pfn in poisoned, poisoned
    assert_killed_by_sigbus(poisoned)
    meminfo = the_output(outputs, "grep HardwareCorrupted")
    assert re.search(r"^HardwareCorrupted: +4 kB$", meminfo, re.M), meminfo


def assert_killed_by_sigbus(output):
    assert re.search(r"^Bus error\n135\n\[1\]\+ +Bus error +victim default idle$", output, re.M), \
        "wait should say the victim died of SIGBUS, status 128 + 7:\n" + output


def shell_kill_claims(outputs):
    """docs/console.md's session: late kill at the victim's next touch,
    early kill at the poisoning; two frames lost."""
    late, early = outputs_of(outputs, "echo $PFN")
    assert "Sending SIGBUS" not in late and "MCE: Killing victim:" in late, late
    assert "Sending SIGBUS to victim:" in early and "MCE: Killing" not in early, early
    assert_killed_by_sigbus(late)
    assert_killed_by_sigbus(early)
    meminfo = the_output(outputs, "cat /proc/meminfo")
    assert re.search(r"^HardwareCorrupted: +8 kB$", meminfo, re.M), meminfo


CLAIMS = {
    ("README.md", "A shell session: poisoning a victim's page"): shell_session_claims,
    ("console.md", "A shell session: late and early kill"): shell_kill_claims,
    ("labs.md", "Lab 1: Physical memory"): lab1_claims,
    ("labs.md", "Lab 2: A machine check on a free page and on kernel pages"): lab2_claims,
    ("labs.md", "Lab 3: Fatal errors"): lab3_claims,
    ("labs.md", "Lab 4: A process's memory goes bad"): lab4_claims,
    ("labs.md", "Lab 5: Bring your own program"): lab5_claims,
}


def extra_iso(workdir, section, names):
    """An ISO whose initramfs, and a disk whose /bin, also hold the
    section's programs NAME.c, built as Lab 5 tells students to: static,
    with musl, into a directory of their own handed to make EXTRA=DIR.
    Returns (iso, disk)."""
    bindir = workdir / "bin"
    bindir.mkdir(parents=True)
    for name in names:
        assert name in section.sources, "no <!-- replay: source %s --> block" % name
        source = workdir / name
        source.write_text(section.sources[name])
        built = subprocess.run(["musl-gcc", "-static", "-O2", "-Wall", "-o",
                                str(bindir / name[:-len(".c")]), str(source)],
                               capture_output=True, text=True, timeout=120)
        assert built.returncode == 0 and not built.stderr, built.stderr
    made = make_initramfs(workdir / "build", bindir)
    assert made.returncode == 0, made.stdout + made.stderr
    iso = build_iso(workdir / "iso", initramfs=workdir / "build" / "initramfs.cpio")
    return iso, workdir / "build" / "disk-fresh.img"


def starts_a_shell(block):
    """The block starts busybox's shell and types commands at it."""
    return any(step.command == "sh" and not step.shell for step in block.steps) and \
        any(step.shell for step in block.steps)


@pytest.mark.parametrize("doc,section", SECTIONS,
                         ids=["%s:%s" % (d.name, s.title) for d, s in SECTIONS])
def test_transcript_replays(boot_vm, tmp_path, doc, section):
    replay, outputs = None, []
    for block in section.blocks:
        if "skip" in block.directives:
            assert block.directives["skip"], "%s:%d: say why it is skipped" % (doc, block.line)
            continue
        if "extra" in block.directives:
            iso, disk = extra_iso(tmp_path / str(block.line), section,
                                  block.directives["extra"].split())
            replay = Replay(boot_vm(iso=iso, disk=disk), outputs)
        elif replay is None or "fresh" in block.directives or replay.vm.exit_status is not None:
            replay = Replay(boot_vm(), outputs)
        if starts_a_shell(block) and "busybox" not in replay.vm.command("ls /bin"):
            pytest.skip("the shell session needs busybox on the disk")
        try:
            replay.block(block)
        except AssertionError as e:
            raise AssertionError("%s:%d: %s" % (doc.relative_to(REPO_ROOT), block.line, e))
    claims = CLAIMS.get((doc.name, section.title))
    if claims:
        claims(outputs)


def test_every_lab_is_replayed():
    titles = [s.title for s in parse(REPO_ROOT / "docs" / "labs.md")]
    labs = re.findall(r"^## (Lab \d+: .*)$", (REPO_ROOT / "docs" / "labs.md").read_text(), re.M)
    assert labs and set(labs) <= set(titles), (labs, titles)


def test_every_lab_has_its_claims_checked():
    titles = {s.title for s in parse(REPO_ROOT / "docs" / "labs.md") if s.title.startswith("Lab ")}
    assert titles == {title for doc, title in CLAIMS if doc == "labs.md"}, titles

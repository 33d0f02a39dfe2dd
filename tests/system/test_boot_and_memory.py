"""Boot, memory accounting and the memory commands, on one shared VM."""
import re

QEMU_MEM_MB = 128  # the harness default



def buddyinfo_counts(vm):
    out = vm.command("buddyinfo")
    m = re.match(r"Node 0, zone\s+Normal\s+((?:\d+\s+){11})$", out)
    assert m, out
    return [int(n) for n in m.group(1).split()]


def test_boot_log_shows_memory_map_and_reaches_prompt(vm):
    log = vm.transcript
    assert "Command line: console=ttyS0" in log
    assert re.search(r"BIOS-e820: \[mem 0x0000000000100000-0x[0-9a-f]{16}\] usable", log)
    assert re.search(r"Memory: \d+K/\d+K available", log)
    # The prompt, then perhaps init's greeting (init loads from the disk).
    assert re.search(r"\nantidote> (init: pid 1, .*\r\n)?$", log)


def test_memtotal_matches_qemu_memory_size(vm):
    info = vm.meminfo()
    total_kb = QEMU_MEM_MB * 1024
    # The kernel image, the page array, the first MiB and the firmware's
    # reserved ranges are not counted, and they take well under 8 MiB here.
    assert total_kb - 8 * 1024 < info["MemTotal"] < total_kb
    assert 0 < info["MemFree"] <= info["MemTotal"]
    # Linux's estimate (si_mem_available): the free memory less the
    # allocator's reserve, plus the part of the page cache reclaim could drop.
    file_kb = info["Active(file)"] + info["Inactive(file)"]
    assert info["MemFree"] - 4 * 1024 < info["MemAvailable"] <= info["MemFree"] + file_kb
    assert info["HardwareCorrupted"] == 0
    m = re.search(r"Memory: (\d+)K/(\d+)K available", vm.transcript)
    assert int(m.group(1)) == info["MemTotal"]


def test_meminfo_uses_linux_layout(vm):
    out = vm.command("meminfo")
    assert re.search(r"^MemTotal:\s{2,}\d{1,8} kB$", out, re.M)
    assert re.search(r"^HardwareCorrupted: {1,5}\d+ kB$", out, re.M)
    assert len("MemTotal:       ") == out.index("kB") - 9  # 16-char label, 8-digit field


def test_meminfo_counts_user_pages_on_the_lru_lists(vm):
    """Every user page is on an LRU list while it is mapped (inactive anon
    when new), and leaves it when freed."""
    out = vm.command("meminfo")
    for name in ["Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)"]:
        assert re.search(rf"^{re.escape(name)}:\s+\d{{1,8}} kB$", out, re.M)
    # The first run of sleep reads its inode and directory from the disk
    # (Slab, and the disk's own cache): what stays is not sleep's.
    assert vm.command("run sleep 0").endswith("sleep exited with status 0")
    def lru(info):
        return sum(info[name] for name in ["Active(anon)", "Inactive(anon)", "Active(file)",
                                           "Inactive(file)"])

    before, before_in_use = vm.meminfo(), vm.memory_in_use()
    pid = int(re.search(r"^\[(\d+)\] sleep$", vm.command("run sleep 1000 &"), re.M).group(1))
    rss = int(re.search(rf"^\s*{pid}\s+\d+\s+\S+\s+\S+\s+(\d+) sleep$", vm.command("ps"),
                        re.M).group(1))
    during = vm.meminfo()
    # Its anonymous pages are new (inactive anon); its program's pages are
    # file pages, on the file lists already if an earlier run cached them.
    # (Reading the program in may cache more of it than it maps.)
    assert during["Inactive(anon)"] > before["Inactive(anon)"]
    assert lru(during) > lru(before)
    assert during["Inactive(anon)"] - before["Inactive(anon)"] + \
        during["Inactive(file)"] + during["Active(file)"] >= 4 * rss
    vm.command(f"kill {pid} 9")
    for _ in range(200):
        if vm.meminfo()["Inactive(anon)"] == before["Inactive(anon)"]:
            break
    assert vm.memory_in_use() == before_in_use


def test_buddyinfo_agrees_with_memfree(vm):
    counts = buddyinfo_counts(vm)
    free_pages = sum(n << order for order, n in enumerate(counts))
    assert free_pages * 4 == vm.meminfo()["MemFree"]


def test_page_describes_free_and_reserved_frames(vm):
    out = vm.command("page 0 2")
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("pfn 0x00000 ") and "(reserved)" in lines[0]
    assert lines[1].startswith("pfn 0x00001 ")
    # The last free order-10 block on the list starts at a multiple of 1024.
    big = re.findall(r"pfn (0x[0-9a-f]+) flags 0x0002 \(buddy\) refcount 0 mapcount 0 order 10",
                     vm.command("page 0x1000"))
    assert big == ["0x01000"]
    tail = vm.command("page 0x1001")
    assert "free: in the order-10 block at pfn 0x1000" in tail


def test_page_count_is_clamped_to_memory(vm):
    last = int(re.search(r"pfns 0-(0x[0-9a-f]+)", vm.command("page 0xfffffff")).group(1), 16)
    out = vm.command(f"page {last - 1} 10")
    assert len(out.splitlines()) == 2


def test_memmap_draws_every_frame(vm):
    out = vm.command("memmap")
    header, *rows = out.splitlines()
    m = re.match(r"(\d+) frames, (\d+) per character", header)
    frames, per = int(m.group(1)), int(m.group(2))
    chars = "".join(row.split(" ", 1)[1] for row in rows)
    assert len(chars) == -(-frames // per)
    assert set(chars) <= set(".KSURX")
    assert chars[0] == "R"  # the first MiB: BIOS data
    assert chars.count(".") > len(chars) * 3 // 4  # mostly free after boot


def test_selftest_buddy_allocates_everything_and_merges_back(vm):
    before = buddyinfo_counts(vm)
    out = vm.command("selftest buddy", timeout=120)
    assert "selftest buddy: PASS" in out, out
    m = re.search(r"allocated (\d+) of (\d+) free frames, 0 left over", out)
    assert m and m.group(1) == m.group(2)
    assert buddyinfo_counts(vm) == before


def test_selftest_offline_never_hands_out_a_taken_frame(vm):
    before = buddyinfo_counts(vm)
    out = vm.command("selftest offline", timeout=120)
    assert "selftest offline: PASS" in out, out
    assert buddyinfo_counts(vm) == before


def test_selftest_slab(vm):
    before = vm.meminfo()
    out = vm.command("selftest slab", timeout=120)
    assert "selftest slab: PASS" in out, out
    after = vm.meminfo()
    assert after["MemFree"] == before["MemFree"]
    assert after["Slab"] == before["Slab"]


def test_selftest_locks_keeps_contending_threads_apart(vm):
    before = vm.meminfo()
    out = vm.command("selftest locks", timeout=60)
    assert "selftest locks: PASS" in out, out
    for lock in ("mutex", "page lock", "rwsem"):
        assert re.search(rf"^selftest locks: {lock}: 3 threads x \d+ rounds, 0 violations$",
                         out, re.M), out
    # The threads are gone again: their stacks and the test page are free.
    assert vm.meminfo()["MemFree"] == before["MemFree"]
    ps = vm.command("ps")
    assert not re.search(r"\[(mutex|page lock|rwsem)\]", ps), ps


def test_slabinfo_lists_kmalloc_caches(vm):
    out = vm.command("slabinfo")
    names = re.findall(r"^(kmalloc-\w+)\s", out, re.M)
    assert names[0] == "kmalloc-8" and names[-1] == "kmalloc-4k"


def test_log_replays_boot_messages(vm):
    out = vm.command("log")
    assert re.search(r"^\[\s*\d+\.\d{6}\] Antidote: a teaching kernel", out, re.M)
    assert "Memory: " in out

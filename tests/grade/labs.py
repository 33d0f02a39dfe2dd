"""The labs (docs/labs/README.md): each one's handout and the checks that
`make grade LAB=n` runs, with their points.

A check names a test the suite has already: a host unit test as
"unit:PROGRAM:TEST" (build/unit/PROGRAM prints "ok TEST"), or a system
test as its pytest node id - or a list of system tests, all of which
must pass (the cases of one parametrized test, say; unit tests are named
one per check). `make test` runs them all anyway, so it
also checks that the full tree scores every point of every lab
(tests/run_tests.py); tests/system/test_labs.py checks that each
student tree scores less.
"""
from collections import namedtuple

Lab = namedtuple("Lab", "name handout checks")
Check = namedtuple("Check", "name points test")


def tests_of(check):
    """The test ids a check needs to pass."""
    return check.test if isinstance(check.test, list) else [check.test]


def is_unit(check):
    return isinstance(check.test, str) and check.test.startswith("unit:")

BOOT = "tests/system/test_boot_and_memory.py::"
PROCESSES = "tests/system/test_processes.py::"
MCE = "tests/system/test_machine_check.py::"
LATENT = "tests/system/test_latent.py::"
HWPOISON = "tests/system/test_hwpoison.py::"
COLLAPSE = "tests/system/test_collapse.py::"

LABS = {
    1: Lab("Buddy allocator", "docs/labs/01-buddy.md", [
        Check("a fresh allocator: one free block per aligned run", 5,
              "unit:test_buddy:test_initial_state"),
        Check("every order, aligned to its size", 10, "unit:test_buddy:test_orders_and_alignment"),
        Check("random allocations and frees: all merged back", 15,
              "unit:test_buddy:test_random_alloc_free"),
        Check("all of memory taken, then given back", 10, "unit:test_buddy:test_exhaust_then_free"),
        Check("compound pages", 5, "unit:test_buddy:test_compound_pages"),
        Check("one free frame taken off the free lists", 10,
              "unit:test_buddy:test_take_page_off_buddy"),
        Check("the kernel boots to its prompt", 10,
              BOOT + "test_boot_log_shows_memory_map_and_reaches_prompt"),
        Check("selftest buddy: every frame, and back", 20,
              BOOT + "test_selftest_buddy_allocates_everything_and_merges_back"),
        Check("selftest offline: a taken frame is never handed out", 15,
              BOOT + "test_selftest_offline_never_hands_out_a_taken_frame"),
    ]),
    2: Lab("Page faults and the reverse map", "docs/labs/02-faults-and-rmap.md", [
        Check("a page shared after fork is found in both processes", 5,
              "unit:test_rmap:test_page_shared_after_fork_is_found_in_both"),
        Check("a split area: the page is found in its half", 5,
              "unit:test_rmap:test_split_area_finds_the_page_in_its_half"),
        Check("hwpoison entries found only when asked", 5,
              "unit:test_rmap:test_hwpoison_entries_only_when_asked"),
        Check("a private file page is copied at its first write", 10,
              "unit:test_filemap:test_file_faults"),
        Check("the kernel boots to its prompt", 10,
              BOOT + "test_boot_log_shows_memory_map_and_reaches_prompt"),
        Check("a program runs", 5, PROCESSES + "test_hello_prints_and_exits_zero"),
        Check("after fork one frame is mapped twice, until a write copies it", 20,
              PROCESSES + "test_a_page_shared_after_fork_is_mapped_twice_until_written"),
        Check("forktest: copy-on-write, execve and 300 processes", 15,
              PROCESSES + "test_fork_cow_execve_and_300_processes"),
        Check("usertests: every suite", 15, PROCESSES + "test_usertests_runs_every_suite"),
        Check("a poisoned page shared after fork: the child is told", 10,
              "tests/system/test_mm.py::test_fork_after_a_shared_page_is_poisoned"),
    ]),
    3: Lab("MCA bank decoding and the severity table", "docs/labs/03-severity.md", [
        Check("every rule of the table, one record each", 25,
              "unit:test_mce:test_every_severity_rule"),
        Check("records the handout does not show", 15, "unit:test_mce:test_held_back_cases"),
        Check("an address is usable only if MISC says it is physical and page-precise", 10,
              "unit:test_mce:test_usable_address"),
        Check("a scrub error on a free page is recovered", 10,
              MCE + "test_scrub_error_on_free_page_is_recovered[console-9029]"),
        Check("panic: processor context corrupt", 10,
              MCE + "test_processor_context_corrupt_panics[console]"),
        Check("panic: in kernel and no restart IP", 10,
              MCE + "test_action_required_in_kernel_panics[console-In kernel and no restart IP]"),
        Check("panic: data load in unrecoverable area of kernel", 5,
              LATENT + "test_a_plain_kernel_read_of_a_bad_page_panics"),
        Check("a user load of bad memory: action required, SIGBUS", 10,
              LATENT + "test_a_user_load_is_an_action_required_machine_check"),
        Check("a kernel copy from a bad user page: recoverable, EFAULT", 5,
              LATENT + "test_a_kernel_copy_from_a_bad_user_page_fails_with_efault"),
    ]),
    4: Lab("memory_failure's page states", "docs/labs/04-page-states.md", [
        Check("every page state: its handler and its log line", 20,
              "unit:test_memory_failure:test_every_page_state"),
        Check("a user page is unmapped and kept", 5,
              "unit:test_memory_failure:test_user_page_is_unmapped_and_kept"),
        Check("unpoison gives back only frames nobody uses", 10,
              "unit:test_memory_failure:test_unpoison_gives_back_only_unused_frames"),
        Check("a dirty swap-cache page is kept: Delayed", 5,
              "unit:test_memory_failure_swap:test_dirty_swapcache_page_is_kept"),
        Check("a clean swap-cache page is dropped: Recovered", 5,
              "unit:test_memory_failure_swap:test_clean_swapcache_page_is_dropped"),
        Check("a free frame is taken out of its free block", 10,
              "unit:test_buddy:test_take_page_off_buddy"),
        Check("free buddy page: Recovered", 10,
              MCE + "test_scrub_error_on_free_page_is_recovered[console-9029]"),
        Check("reserved kernel page: Ignored", 5,
              MCE + "test_error_on_kernel_image_page_is_ignored[console]"),
        Check("kernel slab page: Ignored", 5, MCE + "test_error_on_slab_page_is_ignored[console]"),
        Check("dirty LRU page of a running process: Recovered", 10,
              "tests/system/test_hwpoison.py::test_poisoning_a_running_process_page[late-hwpoison]"),
        Check("clean and dirty LRU pages of files", 5,
              "tests/system/test_hwpoison_file.py::test_poisoned_file_pages"),
        Check("unpoison returns software poison only", 10,
              MCE + "test_unpoison_returns_software_poison_only[console]"),
    ]),
    5: Lab("Early and late kill", "docs/labs/05-early-and-late-kill.md", [
        Check("early kill: one thread of the process, the one that asked", 10,
              "unit:test_memory_failure:test_early_kill_picks_one_thread"),
        Check("a vfork child and its parent: each told once", 5,
              "unit:test_memory_failure:test_vfork_child_and_parent_each_told_once"),
        Check("action required: the process that touched it", 5,
              "unit:test_memory_failure:test_kill_accessing_process"),
        Check("late kill: BUS_MCEERR_AR at the next touch, si_addr, si_addr_lsb 12", 10,
              HWPOISON + "test_poisoning_a_running_process_page[late-console]"),
        Check("early kill: BUS_MCEERR_AO at once, then AR at the touch", 10,
              HWPOISON + "test_poisoning_a_running_process_page[early-console]"),
        Check("vm.memory_failure_early_kill and PR_MCE_KILL, each way", 15,
              [HWPOISON + "test_early_kill_policy[%s]" % case
               for case in ("1-default-True", "0-default-False", "1-late-False", "0-early-True")]),
        Check("prctl(PR_MCE_KILL) as Linux: arguments and errors", 10,
              HWPOISON + "test_prctl_mce_kill_as_linux"),
        Check("a process spinning in user mode faults on its next read", 5,
              HWPOISON + "test_a_spinning_process_faults_on_its_next_read"),
        Check("after fork: a late parent and an early child", 10,
              [HWPOISON + "test_page_shared_by_late_parent_and_early_child[%s]" % how
               for how in ("private", "shared")]),
        Check("threads: who is told, each rule", 10,
              "tests/system/test_threads.py::test_memory_failure_thread_rules"),
        Check("Linux's own tinjpage: late, then early", 10,
              "tests/system/test_tinjpage.py::test_tinjpage_late_then_early"),
    ]),
    6: Lab("Poisoned page-cache pages", "docs/labs/06-page-cache.md", [
        Check("errseq: each open file hears of an error once", 10,
              "unit:test_errseq:test_each_open_file_reports_once"),
        Check("errseq: a dup shares the report", 5, "unit:test_errseq:test_dup_shares_the_report"),
        Check("errseq: a file opened after an unseen error hears it", 5,
              "unit:test_errseq:test_opened_after_error_before_anyone_saw"),
        Check("errseq: a new error after a report is reported again", 5,
              "unit:test_errseq:test_new_error_after_a_report"),
        Check("a clean file page is dropped silently", 10,
              "unit:test_memory_failure:test_clean_file_page_is_dropped_silently"),
        Check("a dirty file page loses its data, and the file says so", 10,
              "unit:test_memory_failure:test_dirty_file_page_loses_its_data"),
        Check("a write-back error: EIO once per open file", 10,
              "unit:test_filemap:test_writeback_error_reported_once_per_file"),
        Check("error_remove_page punches the page out", 5,
              "unit:test_filemap:test_error_remove_page"),
        Check("poisoned file pages: re-read data, EIO once, on every path", 20,
              "tests/system/test_hwpoison_file.py::test_poisoned_file_pages"),
        Check("poisoned metadata pages of the disk", 10,
              "tests/system/test_hwpoison_file.py::test_poisoned_metadata_pages"),
        Check("a bad page-cache page fails one read and is read again", 10,
              LATENT + "test_a_bad_page_cache_page_fails_one_read_and_is_read_again"),
    ]),
    7: Lab("Poisoned swap-cache pages", "docs/labs/07-swap-cache.md", [
        Check("a dirty swap-cache page is kept: Delayed", 10,
              "unit:test_memory_failure_swap:test_dirty_swapcache_page_is_kept"),
        Check("a clean swap-cache page is dropped: Recovered", 10,
              "unit:test_memory_failure_swap:test_clean_swapcache_page_is_dropped"),
        Check("an unmapped dirty swap-cache page reaches every owner", 10,
              "unit:test_memory_failure_swap:test_unmapped_dirty_swapcache_page_reaches_every_owner"),
        Check("a read-around page is dropped", 5,
              "unit:test_memory_failure_swap:test_read_around_page_is_dropped"),
        Check("a poisoned page is never written to swap", 10,
              "unit:test_memory_failure_swap:test_poisoned_page_is_never_written_to_swap"),
        Check("mfswap: every swap-cache case, as Linux", 15,
              "tests/system/test_swap_poison.py::test_mfswap_passes"),
        Check("the kernel says what became of each page", 10,
              "tests/system/test_swap_poison.py::test_kernel_says_what_became_of_each_page"),
        Check("swapoff, then swapon again", 5,
              "tests/system/test_swap_poison.py::test_swapoff_then_swapon_again"),
        Check("a memory hog three times RAM, poisoned while it swaps: every page checked", 25,
              "tests/system/test_swap_stress.py::test_poison_while_swapping"),
    ]),
    8: Lab("copy_mc and the collapse daemon", "docs/labs/08-copy-mc-and-collapse.md", [
        Check("MADV_COLLAPSE over a bad frame: abandoned, undone, 511 pages intact", 25,
              COLLAPSE + "test_a_collapse_over_a_bad_page_is_abandoned_and_undone"
              "[collapsetest poison madvise-dirty]"),
        Check("khugepaged over a bad frame: the same", 15,
              COLLAPSE + "test_a_collapse_over_a_bad_page_is_abandoned_and_undone"
              "[collapsetest poison daemon-dirty]"),
        Check("a file's collapse over a bad frame: the page cache as it was", 20,
              COLLAPSE + "test_a_collapse_over_a_bad_page_is_abandoned_and_undone"
              "[filecollapse poison /home/collapse.bin-clean]"),
        Check("the control case: the same collapse with a plain memcpy panics", 10,
              COLLAPSE + "test_the_same_collapse_with_a_plain_memcpy_panics"),
        Check("copy_from_user from a bad page: EFAULT", 10,
              LATENT + "test_a_kernel_copy_from_a_bad_user_page_fails_with_efault"),
        Check("copy_to_user into a bad page: EFAULT", 10,
              LATENT + "test_a_kernel_copy_into_a_bad_user_page_fails_with_efault"),
        Check("copy-on-write from a bad page: SIGBUS for the writer", 10,
              LATENT + "test_a_copy_on_write_from_a_bad_page_is_sigbus_for_the_writer"),
    ]),
}

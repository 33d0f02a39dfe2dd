"""The labs (docs/labs/README.md): each one's handout and the checks that
`make grade LAB=n` runs, with their points.

A check names a test the suite has already: a host unit test as
"unit:PROGRAM:TEST" (build/unit/PROGRAM prints "ok TEST"), or a system
test as its pytest node id. `make test` runs them all anyway, so it
also checks that the full tree scores every point of every lab
(tests/run_tests.py); tests/system/test_labs.py checks that each
student tree scores less.
"""
from collections import namedtuple

Lab = namedtuple("Lab", "name handout checks")
Check = namedtuple("Check", "name points test")

BOOT = "tests/system/test_boot_and_memory.py::"

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
}

#!/usr/bin/env python3
"""Run Antidote's tests and end with one summary line, "N passed, N failed".

Unit tests are the host programs build/unit/test_* (the Makefile builds
them); each prints "ok NAME" / "not ok NAME" and a closing count line.
System tests are pytest modules under tests/system that boot the kernel in
QEMU; their counts come from pytest's JUnit XML report.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
sys.path.insert(0, os.path.join(ROOT, "tests", "grade"))
import junit  # noqa: E402
from labs import LABS, tests_of  # noqa: E402  (the labs' checks)


def run_unit_tests(jobs, ok):
    """Run every unit-test binary, jobs at a time (each prints when it is
    done, in name order); return (passed, failed). Adds "unit:PROGRAM:TEST"
    to the set ok for each test that passed."""
    passed = failed = 0
    binaries = sorted(glob.glob(os.path.join(BUILD, "unit", "test_*")))
    if not binaries:
        print("no unit tests found under build/unit (run make unit-tests)")
        return 0, 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        results = pool.map(lambda b: subprocess.run([b], capture_output=True, text=True),
                           binaries)
    for binary, result in zip(binaries, results):
        program = os.path.basename(binary)
        ok |= {f"unit:{program}:{line[3:]}" for line in result.stdout.splitlines()
               if line.startswith("ok ")}
        sys.stdout.write(result.stdout)
        sys.stdout.write(result.stderr)
        counts = re.search(r"(\d+) passed, (\d+) failed\s*$", result.stdout)
        if counts:
            passed += int(counts.group(1))
            failed += int(counts.group(2))
        if result.returncode != 0 and (not counts or int(counts.group(2)) == 0):
            # A crash (sanitizer report, abort) is one more failure.
            print(f"{binary}: stopped with exit status {result.returncode}")
            failed += 1
    return passed, failed


def run_system_tests(order, jobs, ok):
    """Run pytest on tests/system in the given order, in jobs QEMU machines
    at a time (pytest-xdist; each module's tests stay in one worker, so a
    module's shared `vm` is still booted once); return (passed, failed).
    Adds the node id of each test that passed to the set ok."""
    report = os.path.join(BUILD, "system-tests.xml")
    if os.path.exists(report):
        os.remove(report)
    command = [sys.executable, "-m", "pytest", os.path.join(ROOT, "tests", "system"),
               "-q", "-p", "no:cacheprovider", f"--junitxml={report}", f"--order={order}"]
    if jobs > 1:
        command += ["-n", str(jobs), "--dist", "loadfile"]
    code = subprocess.run(command, cwd=ROOT).returncode
    if not os.path.exists(report):
        print(f"pytest wrote no report (exit status {code})")
        return 0, 1
    suite = ET.parse(report).getroot()
    if suite.tag == "testsuites":
        suite = suite[0]
    ok |= {node for node, (passed, _) in junit.results(report).items() if passed}
    total = int(suite.get("tests", 0))
    bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped = int(suite.get("skipped", 0))
    if total == 0:
        print("pytest collected no system tests")
        return 0, 1
    return total - bad - skipped, bad + (1 if code != 0 and bad == 0 else 0)


def grade_labs(ok):
    """Each lab's score from the tests that passed: every one must be full
    (a check naming a test that did not run counts as failed). Returns how
    many labs fell short."""
    short = 0
    for n, lab in sorted(LABS.items()):
        total = sum(c.points for c in lab.checks)
        missed = [c for c in lab.checks if not all(t in ok for t in tests_of(c))]
        score = total - sum(c.points for c in missed)
        print(f"lab {n} ({lab.name}): Score: {score}/{total}")
        for c in missed:
            print(f"  missed: {c.name} ({c.test})")
        short += bool(missed)
    return short


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--unit-only", action="store_true")
    parser.add_argument("--system-only", action="store_true")
    parser.add_argument("--order", default="file",
                        help="system tests in file order, reverse, or shuffle:SEED")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="unit-test programs, and system-test modules, run side by side "
                             "(default: one per CPU)")
    args = parser.parse_args()

    passed = failed = 0
    ok = set()
    if not args.system_only:
        print("== unit tests (host, ASan+UBSan) ==")
        p, f = run_unit_tests(args.jobs, ok)
        passed, failed = passed + p, failed + f
    if not args.unit_only:
        print("== system tests (QEMU, %s order) ==" % args.order)
        p, f = run_system_tests(args.order, args.jobs, ok)
        passed, failed = passed + p, failed + f
    if not args.unit_only and not args.system_only:
        print("== labs: the full tree's grades (tests/grade/labs.py) ==")
        failed += grade_labs(ok)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

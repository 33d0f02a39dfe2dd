#!/usr/bin/env python3
"""Grade a lab (`make grade LAB=n`): build the tree, run the lab's checks
(tests/grade/labs.py) - host unit tests, and system tests that boot QEMU
as `make test` does - and print one line per check and the score:

    == selftest buddy: every frame, and back (20 pts) == ... OK (4.1s)
    Score: 100/100

It works the same in the full tree and in a student tree (make lab-tree).
--first-failure stops at the first check that fails (the score is then
only an upper bound); the exit status is 0 for full marks, 1 otherwise.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junit  # noqa: E402
from labs import LABS, is_unit, tests_of  # noqa: E402

PYTHON = "/usr/bin/python3"   # Debian's, which has pytest (make deps)


def unit_program(check):
    return check.test.split(":")[1]


def build(lab, jobs):
    """make the kernel and the lab's unit-test programs; the error, or None."""
    programs = sorted({"build/unit/" + unit_program(c) for c in lab.checks if is_unit(c)})
    result = subprocess.run(["make", "--no-print-directory", f"-j{jobs}", "all"] + programs,
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode == 0:
        return None
    return (result.stdout + result.stderr)[-3000:]


class UnitRuns:
    """Each unit-test program run once: which of its tests passed, and how long
    the program took."""

    def __init__(self):
        self.runs = {}

    def result(self, check):
        program, test = check.test.split(":")[1:]
        if program not in self.runs:
            start = time.monotonic()
            try:
                run = subprocess.run([os.path.join(ROOT, "build", "unit", program)],
                                     capture_output=True, text=True, timeout=300)
                out = run.stdout + run.stderr
            except subprocess.TimeoutExpired:
                out = f"{program}: still running after 300 s"
            self.runs[program] = (out.splitlines(), time.monotonic() - start, out)
        lines, seconds, out = self.runs[program]
        return f"ok {test}" in lines, seconds, "" if f"ok {test}" in lines else out[-1500:]


def run_system(checks, jobs):
    """Run the checks' system tests in one pytest: {node id: (passed, seconds)}
    and pytest's own words."""
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "grade.xml")
        nodes = [node for c in checks for node in tests_of(c)]
        command = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   f"--junitxml={report}"] + nodes
        if jobs > 1 and len(nodes) > 1:
            command += ["-n", str(jobs), "--dist", "loadfile"]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        results = junit.results(report) if os.path.exists(report) else {}
        return results, (result.stdout + result.stderr)[-3000:]


def system_result(check, results):
    """(passed, seconds) of a system check: every test of it passed."""
    runs = [results.get(node, (False, 0.0)) for node in tests_of(check)]
    return all(passed for passed, _ in runs), sum(seconds for _, seconds in runs)


def check_line(check, passed, seconds):
    return (f"== {check.name} ({check.points} pts) == ... {'OK' if passed else 'FAIL'} "
            f"({seconds:.1f}s)")


def heading(n):
    return f"Lab {n}: {LABS[n].name} ({LABS[n].handout})"


def grade(lab, first_failure, jobs):
    """Print every check's line; the points scored."""
    units, score, why = UnitRuns(), 0, {}   # what failed checks said, once each
    system = [c for c in lab.checks if not is_unit(c)]
    results = {}
    if system and not first_failure:
        results, words = run_system(system, jobs)
        if not all(system_result(c, results)[0] for c in system):
            why["system tests"] = words
    for check in lab.checks:
        if is_unit(check):
            passed, seconds, words = units.result(check)
            if words:
                why[unit_program(check)] = words
        else:
            if first_failure:
                results, words = run_system([check], 1)
                if not system_result(check, results)[0]:
                    why[check.name] = words
            passed, seconds = system_result(check, results)
        print(check_line(check, passed, seconds), flush=True)
        score += check.points if passed else 0
        if first_failure and not passed:
            break
    for source, words in why.items():
        print(f"--- what {source} said ---\n" + words.rstrip())
    return score


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lab", type=int)
    parser.add_argument("--first-failure", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.lab not in LABS:
        sys.exit(f"grade: no lab {args.lab} (labs: {', '.join(map(str, sorted(LABS)))})")
    lab = LABS[args.lab]
    total = sum(c.points for c in lab.checks)
    print(heading(args.lab), flush=True)
    error = build(lab, args.jobs)
    if error:
        print(error.rstrip())
        print(f"== the tree builds == ... FAIL\nScore: 0/{total}")
        return 1
    score = grade(lab, args.first_failure, args.jobs)
    print(f"Score: {score}/{total}")
    return 0 if score == total else 1


if __name__ == "__main__":
    sys.exit(main())

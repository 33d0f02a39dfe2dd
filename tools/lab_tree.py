#!/usr/bin/env python3
"""Write a student tree for one lab (`make lab-tree LAB=n OUT=DIR`).

The kernel's sources carry each lab's solution between markers:

        /* LAB 1: BEGIN */
        ...the solution...
        /* LAB 1: STUB
        ...code for the student tree, in a comment here...
           LAB 1: END */

or, when the student tree needs no code in its place, a closing line
`/* LAB 1: END */` of its own. The student tree for lab n has lab n's
solutions replaced by their stubs - which compile, and fail clearly:
a panic("lab n: implement ...") or a wrong-but-safe answer - under a
line that says where to work; every other lab's solution stays, without
its markers. The instructor's guide (answers) is left out.

A source whose markers do not pair up is an error: nothing is written.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "grade"))
from labs import LABS  # noqa: E402  (the table of labs)
SOURCE_SUFFIXES = (".c", ".h")
LEFT_OUT = {"docs/labs/instructor.md"}   # answers to the handouts' questions

BEGIN = re.compile(r"^\s*/\* LAB (\d+): BEGIN \*/\s*$")
STUB = re.compile(r"^\s*/\* LAB (\d+): STUB\s*$")
END = re.compile(r"^\s*/\* LAB (\d+): END \*/\s*$")
STUB_END = re.compile(r"^\s*LAB (\d+): END \*/\s*$")


class MarkerError(Exception):
    pass


def regions(lines, path):
    """Split a source into ("text", lines) and ("lab", n, solution, stub,
    indent) pieces; MarkerError for markers that do not pair up."""
    pieces, i = [], 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        if not m:
            if STUB.match(lines[i]) or END.match(lines[i]) or STUB_END.match(lines[i]):
                raise MarkerError(f"{path}:{i + 1}: a LAB marker outside a BEGIN")
            pieces.append(("text", [lines[i]]))
            i += 1
            continue
        n, start = int(m.group(1)), i
        indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
        solution, stub, i = [], [], i + 1
        while i < len(lines) and not (END.match(lines[i]) or STUB.match(lines[i])):
            if BEGIN.match(lines[i]):
                raise MarkerError(f"{path}:{i + 1}: LAB regions may not nest")
            solution.append(lines[i])
            i += 1
        if i == len(lines):
            raise MarkerError(f"{path}:{start + 1}: LAB {n}: BEGIN without an END")
        closing = END.match(lines[i]) or STUB.match(lines[i])
        if int(closing.group(1)) != n:
            raise MarkerError(f"{path}:{i + 1}: LAB {closing.group(1)} inside LAB {n}")
        if STUB.match(lines[i]):
            i += 1
            while i < len(lines) and not STUB_END.match(lines[i]):
                stub.append(lines[i])
                i += 1
            if i == len(lines) or int(STUB_END.match(lines[i]).group(1)) != n:
                raise MarkerError(f"{path}:{start + 1}: LAB {n}: STUB without its END")
        pieces.append(("lab", n, solution, stub, indent))
        i += 1
    return pieces


def student_text(text, lab, path, handout="docs/labs/README.md"):
    """The source as lab `lab`'s student sees it."""
    out = []
    for piece in regions(text.splitlines(keepends=True), path):
        if piece[0] == "text":
            out += piece[1]
            continue
        _, n, solution, stub, indent = piece
        if n == lab:
            out.append(f"{indent}/* LAB {n}: your code here ({handout}) */\n")
            out += stub
        else:
            out += solution
    return "".join(out)


def tracked_files():
    """The files of the tree: git's list in a checkout, else every file."""
    try:
        listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                                 check=True).stdout.decode()
        return [f for f in listing.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        return [os.path.relpath(os.path.join(d, f), ROOT) for d, _, fs in os.walk(ROOT)
                if "/build" not in d + "/" and "/.git" not in d + "/" for f in fs]


def labs_in_tree(files):
    """Every lab number some source has a region of."""
    found = set()
    for f in files:
        if f.endswith(SOURCE_SUFFIXES):
            with open(os.path.join(ROOT, f), encoding="utf-8") as src:
                found |= {int(n) for n in re.findall(r"/\* LAB (\d+): BEGIN \*/", src.read())}
    return found


def write_tree(lab, out):
    files = [f for f in tracked_files() if f not in LEFT_OUT]
    if lab not in LABS or lab not in labs_in_tree(files):
        raise MarkerError(f"no lab {lab} (labs: {', '.join(map(str, sorted(LABS)))})")
    texts = {}
    for f in files:   # every source checked before anything is written
        if f.endswith(SOURCE_SUFFIXES):
            with open(os.path.join(ROOT, f), encoding="utf-8") as src:
                text = src.read()
            student = student_text(text, lab, f, LABS[lab].handout)
            if student != text:
                texts[f] = student
    for f in files:
        dest = os.path.join(out, f)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if f in texts:   # new, so that make rebuilds what depends on it
            with open(dest, "w", encoding="utf-8") as d:
                d.write(texts[f])
            shutil.copymode(os.path.join(ROOT, f), dest)
        elif not os.path.islink(os.path.join(ROOT, f)):
            shutil.copy2(os.path.join(ROOT, f), dest)
        else:
            os.symlink(os.readlink(os.path.join(ROOT, f)), dest)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lab", type=int)
    parser.add_argument("out")
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    if os.path.exists(out) and os.listdir(out):
        sys.exit(f"lab-tree: {args.out} exists and is not empty")
    if out == ROOT or out.startswith(ROOT + os.sep):
        sys.exit(f"lab-tree: {args.out} is inside this tree")
    try:
        write_tree(args.lab, out)
    except MarkerError as e:
        sys.exit(f"lab-tree: {e}")
    print(f"lab-tree: lab {args.lab}'s student tree is in {args.out}")


if __name__ == "__main__":
    main()

"""Every `file:function` that docs/ and README.md name must exist: the
walkthroughs send students to code by these names, so a renamed or
moved function must take its docs along. (No machine needed.)"""
import re

from machine import REPO_ROOT

DOCS = sorted((REPO_ROOT / "docs").rglob("*.md")) + [REPO_ROOT / "README.md"]
REFERENCE = re.compile(r"\b([\w./-]+\.(?:c|h|asm|S|py)):(\w+)")
SOURCE_DIRS = ["boot", "kernel", "mm", "mce", "fs", "lib", "block", "drivers", "user", "tests", "tools"]


def resolve(path):
    """A path from the top of the tree, or a bare file name ("gdt.c") if
    exactly one file in the tree has it."""
    if (REPO_ROOT / path).is_file():
        return REPO_ROOT / path
    if "/" in path:
        return None
    found = [f for d in SOURCE_DIRS for f in (REPO_ROOT / d).rglob(path)]
    return found[0] if len(found) == 1 else None


def references():
    for doc in DOCS:
        for number, line in enumerate(doc.read_text().split("\n"), 1):
            for m in REFERENCE.finditer(line):
                yield "%s:%d" % (doc.name, number), m.group(1), m.group(2)


def test_every_named_function_exists():
    refs = list(references())
    assert len(refs) > 50, "the docs name code as file:function; did the pattern break?"
    missing = []
    for where, path, symbol in refs:
        source = resolve(path)
        if not source:
            missing.append(f"{where}: no file {path} in the tree")
        elif not re.search(rf"\b{re.escape(symbol)}\b", source.read_text()):
            missing.append(f"{where}: {path} has no {symbol}")
    assert not missing, "\n".join(missing)

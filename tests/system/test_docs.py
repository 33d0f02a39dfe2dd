"""The transcripts in docs/ and README.md, replayed on a real machine
(tests/system/transcripts.py says how), section by section; and for the
labs, what their prose claims about those transcripts."""
import re
import subprocess

import pytest

from iso import build_iso, make_initramfs
from machine import REPO_ROOT
from transcripts import Replay, parse

DOCS = sorted((REPO_ROOT / "docs").glob("*.md")) + [REPO_ROOT / "README.md"]
SECTIONS = [(doc, section) for doc in DOCS for section in parse(doc)]


def outputs_of(replay, command):
    """What each run of `command` printed, in order."""
    return [out for typed, out in replay.outputs if typed == command]


def lab1_claims(replay):
    before, during, after, after_selftest = outputs_of(replay, "buddyinfo")
    assert during != before, "starting spin should take frames from the free lists"
    assert after == before, "killing spin should merge its frames back exactly"
    assert after_selftest == before, "selftest buddy should give every frame back"


CLAIMS = {
    ("labs.md", "Lab 1: Physical memory"): lab1_claims,
}


def extra_iso(workdir, section, names):
    """An ISO whose initramfs also holds the section's programs NAME.c,
    built as Lab 5 tells students to: static, with musl, into a directory
    of their own handed to make EXTRA=DIR."""
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
    return build_iso(workdir / "iso", initramfs=workdir / "build" / "initramfs.cpio")


@pytest.mark.parametrize("doc,section", SECTIONS,
                         ids=["%s:%s" % (d.name, s.title) for d, s in SECTIONS])
def test_transcript_replays(boot_vm, tmp_path, doc, section):
    replay = None
    for block in section.blocks:
        if "skip" in block.directives:
            assert block.directives["skip"], "%s:%d: say why it is skipped" % (doc, block.line)
            continue
        if "extra" in block.directives:
            iso = extra_iso(tmp_path / str(block.line), section, block.directives["extra"].split())
            replay = Replay(boot_vm(iso=iso))
        elif replay is None or "fresh" in block.directives or replay.vm.exit_status is not None:
            replay = Replay(boot_vm())
        try:
            replay.block(block)
        except AssertionError as e:
            raise AssertionError("%s:%d: %s" % (doc.relative_to(REPO_ROOT), block.line, e))
    claims = CLAIMS.get((doc.name, section.title))
    if claims:
        claims(replay)


def test_every_lab_is_replayed():
    titles = [s.title for s in parse(REPO_ROOT / "docs" / "labs.md")]
    labs = re.findall(r"^## (Lab \d+: .*)$", (REPO_ROOT / "docs" / "labs.md").read_text(), re.M)
    assert labs and set(labs) <= set(titles), (labs, titles)

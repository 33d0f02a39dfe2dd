"""The labs' tooling (docs/labs/README.md): `make lab-tree` writes a
student tree whose stubs really take each solution out - it builds, and
its grade is below full marks (tests/run_tests.py checks that the full
tree's is full) - and refuses bad requests, writing nothing."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from machine import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "tools"))
sys.path.insert(0, str(REPO_ROOT / "tests" / "grade"))
import grade  # noqa: E402
import lab_tree  # noqa: E402
from labs import LABS  # noqa: E402

PYTHON = "/usr/bin/python3"


def make_lab_tree(lab, out):
    return subprocess.run(["make", "--no-print-directory", "-C", str(REPO_ROOT), "lab-tree",
                           f"LAB={lab}", f"OUT={out}"], capture_output=True, text=True)


@pytest.mark.parametrize("lab", sorted(LABS))
def test_a_student_tree_builds_and_scores_below_full_marks(lab, tmp_path):
    out = tmp_path / "tree"
    made = make_lab_tree(lab, out)
    assert made.returncode == 0, made.stdout + made.stderr
    assert not (out / "docs" / "labs" / "instructor.md").exists()
    # The full tree's build, so that only what the stubs changed is
    # built again (lab-tree writes only the sources it changes).
    shutil.copytree(REPO_ROOT / "build", out / "build", symlinks=True)
    graded = subprocess.run([PYTHON, "tests/grade/grade.py", str(lab), "--first-failure",
                             "--jobs=1"], cwd=out, capture_output=True, text=True, timeout=600)
    said = graded.stdout + graded.stderr
    score = re.search(r"^Score: (\d+)/(\d+)$", said, re.M)
    assert score, said
    assert "== the tree builds == ... FAIL" not in said, said   # the stubs compile
    assert int(score.group(1)) < int(score.group(2)), said
    assert graded.returncode == 1
    assert re.search(r"^== .* == \.\.\. FAIL \(", said, re.M), said


def test_lab_tree_refuses_bad_requests_and_writes_nothing(tmp_path):
    made = make_lab_tree(99, tmp_path / "none")
    assert made.returncode != 0 and "lab-tree: no lab 99" in made.stderr, made.stderr
    assert not (tmp_path / "none").exists()
    full = tmp_path / "full"
    full.mkdir()
    (full / "mine.c").write_text("a student's work\n")
    made = make_lab_tree(1, full)
    assert made.returncode != 0 and "exists and is not empty" in made.stderr, made.stderr
    assert os.listdir(full) == ["mine.c"]
    made = make_lab_tree(1, REPO_ROOT / "build" / "lab1")
    assert made.returncode != 0 and "is inside this tree" in made.stderr, made.stderr
    usage = subprocess.run(["make", "--no-print-directory", "-C", str(REPO_ROOT), "lab-tree"],
                           capture_output=True, text=True)
    assert usage.returncode != 0 and "usage: make lab-tree LAB=n OUT=DIR" in usage.stdout


@pytest.mark.parametrize("source, error", [
    ("/* LAB 1: BEGIN */\nx;\n", "f.c:1: LAB 1: BEGIN without an END"),
    ("/* LAB 1: BEGIN */\nx;\n/* LAB 2: END */\n", "f.c:3: LAB 2 inside LAB 1"),
    ("/* LAB 1: BEGIN */\n/* LAB 1: BEGIN */\n", "f.c:2: LAB regions may not nest"),
    ("x;\n/* LAB 1: END */\n", "f.c:2: a LAB marker outside a BEGIN"),
    ("/* LAB 1: BEGIN */\nx;\n/* LAB 1: STUB\ny;\n", "f.c:1: LAB 1: STUB without its END"),
])
def test_markers_that_do_not_pair_up_are_an_error(source, error):
    with pytest.raises(lab_tree.MarkerError, match=re.escape(error)):
        lab_tree.student_text(source, 1, "f.c")


def test_a_region_becomes_its_stub_and_other_labs_keep_their_code():
    source = ("int f(void)\n{\n\t/* LAB 1: BEGIN */\n\treturn 42;\n\t/* LAB 1: STUB\n"
              "\treturn 0;\n\t   LAB 1: END */\n}\n"
              "\t/* LAB 2: BEGIN */\n\tg();\n\t/* LAB 2: END */\n")
    assert lab_tree.student_text(source, 1, "f.c", "docs/labs/01.md") == (
        "int f(void)\n{\n\t/* LAB 1: your code here (docs/labs/01.md) */\n\treturn 0;\n}\n"
        "\tg();\n")
    assert lab_tree.student_text(source, 2, "f.c") == (
        "int f(void)\n{\n\treturn 42;\n}\n"
        "\t/* LAB 2: your code here (docs/labs/README.md) */\n")


def test_every_lab_has_its_handout_and_its_regions():
    files = lab_tree.tracked_files()
    assert lab_tree.labs_in_tree(files) == set(LABS)
    for lab in LABS.values():
        handout = " ".join((REPO_ROOT / lab.handout).read_text().split())
        for check in lab.checks:   # the handout says what the grade checks
            assert check.name in handout, (lab.handout, check.name)


def test_the_readmes_grade_transcript_is_what_grade_prints():
    """docs/labs/README.md shows `make grade LAB=1`: the same lines as
    grade.py prints, times aside."""
    text = (REPO_ROOT / "docs" / "labs" / "README.md").read_text()
    shown = re.search(r"\$ make grade LAB=1\n(.*?)\n```", text, re.S).group(1).splitlines()
    first = LABS[1].checks[0]
    seconds = float(re.search(r"\((\d+\.\d)s\)$", shown[1]).group(1))
    total = sum(c.points for c in LABS[1].checks)
    assert shown == [grade.heading(1), grade.check_line(first, True, seconds), "...",
                     f"Score: {total}/{total}"]

"""The golden IR tests of ``tests/ir`` (lit + FileCheck) as part of the pytest run.

Each ``.ll`` / ``.py`` file under ``tests/ir/ll`` and ``tests/ir/analyse`` is one lit test (see
``tests/ir/lit.cfg.py``): its ``RUN:`` lines run ``python -m zymase`` on it and FileCheck
matches the output against its ``CHECK:`` lines.  Here every such file is one pytest test,
running lit on that file, plus a check that the machinery can fail: a copy of a golden test
with one ``CHECK:`` line made wrong must fail while the unchanged copy passes.

Needs the ``lit`` and ``filecheck`` packages (``pip install lit filecheck``); without them these
tests are skipped with that reason.
"""
import os
import re
import shutil
import subprocess
import sys

import pytest

pytest.importorskip("lit", reason="the golden IR tests need lit: pip install lit filecheck")
pytest.importorskip("filecheck",
                    reason="the golden IR tests need filecheck: pip install lit filecheck")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SUITES = ("ll", "analyse")
GOLDEN = sorted(os.path.join(d, f) for d in SUITES for f in os.listdir(os.path.join(HERE, d))
                if f.endswith((".ll", ".py")))
LIT = [sys.executable, "-c", "import sys, lit.main; sys.argv[0] = 'lit'; lit.main.main()"]


def run_lit(paths, exec_root, root=ROOT):
    """``lit -v`` on ``paths``; returns (exit status, output)."""
    proc = subprocess.run(LIT + ["-v", "-j", "1", "--param", f"exec_root={exec_root}",
                                 "--param", f"zymase_root={root}", *paths],
                          capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


def test_golden_files_found():
    assert len(GOLDEN) >= 7, GOLDEN


@pytest.mark.parametrize("name", GOLDEN)
def test_golden(name, tmp_path):
    rc, out = run_lit([os.path.join(HERE, name)], tmp_path)
    assert rc == 0 and re.search(r"^PASS: ", out, re.M), out


def test_a_wrong_check_line_fails(tmp_path):
    """The same golden test passes as it is and fails with one CHECK line changed."""
    suite = tmp_path / "suite"
    suite.mkdir()
    shutil.copy(os.path.join(HERE, "lit.cfg.py"), suite / "lit.cfg.py")
    src = open(os.path.join(HERE, "ll", "roundtrip_loop.ll")).read()
    right = "; CHECK-NEXT:    %s.next = fadd fast double %s, %v\n"
    assert right in src
    (suite / "as_is.ll").write_text(src)
    (suite / "wrong.ll").write_text(src.replace(right, right.replace("fadd", "fsub")))
    rc, out = run_lit([str(suite)], tmp_path / "exec")
    assert rc != 0, out
    assert re.search(r"^PASS: zymase-ir :: as_is\.ll", out, re.M), out
    assert re.search(r"^FAIL: zymase-ir :: wrong\.ll", out, re.M), out
    assert "fsub fast double" in out        # FileCheck names the line it could not match

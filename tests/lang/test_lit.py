"""The lit suite ``tests/lit``: C and C++ programs written for Enzyme, run through zymase.

Each program is compiled by zig's clang, its ``__enzyme_autodiff`` / ``__enzyme_fwddiff``
calls lowered by ``python -m zymase opt`` and its ``main`` run by ``python -m zymase lli``
(``tests/lit/lit.cfg.py`` has the details); a derivative that differs from its closed form
or from central differences aborts the program.  This test runs ``lit`` on the folder with
the interpreter running pytest and fails with lit's report of the failing programs.  It is
skipped only when ``lit`` or the ``ziglang`` package is not installed (both are in the
``test`` extra).  About a minute on two cores.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
LIT_DIR = os.path.join(os.path.dirname(HERE), "lit")
REPO = os.path.dirname(os.path.dirname(HERE))

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("lit") is None,
                       reason="lit is not installed (pip install lit, or the test extra)"),
    pytest.mark.skipif(importlib.util.find_spec("ziglang") is None,
                       reason="ziglang (zig's clang) is not installed "
                              "(pip install ziglang, or the test extra)"),
]


def test_lit_suite(tmp_path):
    # lit has no __main__ module; its console script does exactly this
    cmd = [sys.executable, "-c", "import sys, lit.main; sys.exit(lit.main.main())",
           "-v", "-j", str(min(2, os.cpu_count() or 1)),
           f"--param=python={sys.executable}", f"--param=exec_root={tmp_path}", LIT_DIR]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [REPO] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=1800)
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"lit failed (exit {proc.returncode}):\n{report}"
    assert "Passed" in report, report

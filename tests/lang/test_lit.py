"""The lit suite ``tests/lit``: C and C++ programs written for Enzyme, run through zymase.

Each program is compiled by zig's clang, its ``__enzyme_autodiff`` / ``__enzyme_fwddiff``
calls lowered by ``python -m zymase opt`` and its ``main`` run by ``python -m zymase lli``
(``tests/lit/lit.cfg.py`` has the details); a derivative that differs from its closed form
or from central differences aborts the program.  Every program is one pytest test that runs
``lit`` on that file with the interpreter running pytest and fails with lit's report (so that
pytest-xdist spreads the programs over the workers: the whole suite is about two minutes of
CPU); it passes when lit reports the file ``PASS`` (or ``XFAIL`` for a file marked
``XFAIL``, whose unexpected pass lit reports as a failure).  A further test checks that the
files listed here are exactly the ones lit discovers in the folder.  Skipped only when
``lit`` or the ``ziglang`` package is not installed (both are in the ``test`` extra).
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
LIT_DIR = os.path.join(os.path.dirname(HERE), "lit")
REPO = os.path.dirname(os.path.dirname(HERE))
# lit's discovery under tests/lit (lit.cfg.py: suffixes .c/.cpp, these folders excluded)
PROGRAMS = sorted(os.path.relpath(os.path.join(d, f), LIT_DIR)
                  for d, dirs, files in os.walk(LIT_DIR)
                  if not set(os.path.relpath(d, LIT_DIR).split(os.sep))
                  & {"Inputs", "tools", "Output"}
                  for f in files if f.endswith((".c", ".cpp")))

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("lit") is None,
                       reason="lit is not installed (pip install lit, or the test extra)"),
    pytest.mark.skipif(importlib.util.find_spec("ziglang") is None,
                       reason="ziglang (zig's clang) is not installed "
                              "(pip install ziglang, or the test extra)"),
]


def run_lit(args, exec_root):
    """lit (it has no __main__ module; its console script does exactly this) with zymase
    from this checkout; returns (exit status, report)."""
    cmd = [sys.executable, "-c", "import sys, lit.main; sys.exit(lit.main.main())",
           f"--param=python={sys.executable}", f"--param=exec_root={exec_root}", *args]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [REPO] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=1800)
    return proc.returncode, proc.stdout + proc.stderr


def test_every_program_is_listed(tmp_path):
    rc, report = run_lit(["--show-tests", LIT_DIR], tmp_path)
    assert rc == 0, report
    found = sorted(m.replace("/", os.sep)
                   for m in re.findall(r"^\s*zymase-enzyme-abi :: (\S+)$", report, re.M))
    assert found == PROGRAMS, report
    assert len(PROGRAMS) >= 20, PROGRAMS


@pytest.mark.parametrize("program", PROGRAMS)
def test_lit_program(program, tmp_path):
    rc, report = run_lit(["-v", "-j", "1", os.path.join(LIT_DIR, program)], tmp_path)
    assert rc == 0, f"lit failed (exit {rc}):\n{report}"
    name = re.escape(program.replace(os.sep, "/"))
    assert re.search(rf"^(PASS|XFAIL): zymase-enzyme-abi :: {name} ", report, re.M), report

"""The Rust example through Enzyme's ABI (``examples/rust/enzyme_demo.py``): Rust functions
that call ``__enzyme_autodiff`` / ``__enzyme_fwddiff`` are compiled by rustc, lowered by
``python -m zymase opt`` into an object file, linked into a Rust program, and that program
checks every derivative against central finite differences (1e-6 relative) and forward mode
against reverse mode (1e-12), exiting non-zero on a mismatch.  Skipped without rustc."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(REPO, "examples", "rust", "enzyme_demo.py")

pytestmark = pytest.mark.skipif(shutil.which("rustc") is None or shutil.which("cc") is None,
                                reason="rustc and a system linker (cc) are needed to build "
                                       "the Rust example")


@pytest.mark.parametrize("level", ["0", "3"])
def test_rust_enzyme_demo(level):
    r = subprocess.run([sys.executable, DEMO, "--opt-level", level], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "all derivatives agree with finite differences" in r.stdout
    assert r.stdout.count(" ok") == 11

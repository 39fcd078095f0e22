"""Rust through Enzyme's ABI, end to end, in one command::

    python examples/rust/enzyme_demo.py [--opt-level 0|1|2|3]

1. ``rustc --emit=llvm-ir --crate-type=lib enzyme_kernels.rs``: Rust functions that call
   ``__enzyme_autodiff`` / ``__enzyme_fwddiff`` (declared ``extern "C"``, as Enzyme's Rust
   users wrote them before ``std::autodiff``) become LLVM IR;
2. ``python -m zymase opt enzyme_kernels.ll -o enzyme_kernels.o``: zymase replaces each of
   those calls with the derivative it asks for and writes an object file;
3. ``rustc enzyme_main.rs -C link-arg=enzyme_kernels.o``: an ordinary Rust program links the
   object and calls the derivatives;
4. the program checks every derivative against central finite differences of the primal
   (and forward mode against reverse mode) and exits non-zero on a mismatch.

Needs ``rustc`` (any recent stable; the IR must be readable by llvmlite's LLVM) and a
system linker (``cc``), which rustc uses anyway.  Everything is built in a temporary folder.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def run(cmd, **kw):
    print("$", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, **kw)
    if r.returncode:
        sys.exit(f"enzyme_demo: the command failed with exit status {r.returncode}")
    return r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--opt-level", default="3", choices="0123",
                    help="rustc's -C opt-level for the kernels (default 3)")
    args = ap.parse_args(argv)
    if shutil.which("rustc") is None:
        sys.exit("enzyme_demo: rustc is not installed (https://rustup.rs)")
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as tmp:
        ll = os.path.join(tmp, "enzyme_kernels.ll")
        obj = os.path.join(tmp, "enzyme_kernels.o")
        exe = os.path.join(tmp, "enzyme_main")
        run(["rustc", "--edition=2021", "--crate-type=lib", "--emit=llvm-ir",
             "-C", f"opt-level={args.opt_level}", "-C", "panic=abort",
             os.path.join(HERE, "enzyme_kernels.rs"), "-o", ll])
        run([sys.executable, "-m", "zymase", "opt", ll, "-o", obj], env=env)
        run(["rustc", "--edition=2021", "-O", "-C", "panic=abort",
             os.path.join(HERE, "enzyme_main.rs"), "-C", f"link-arg={obj}", "-o", exe])
        run([exe])
    return 0


if __name__ == "__main__":
    sys.exit(main())

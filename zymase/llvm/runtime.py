"""Runtime libraries: small IR modules of helpers that zymase's generated code calls by
address or by symbol (Rust's and C++'s allocators for foreign code, the kept-block allocator),
compiled once per process into a Numba code library that the caller keeps alive for the rest
of the process (code that may run after any derivative is gone must not be unloaded)."""
from __future__ import annotations

import llvmlite.binding as llvm
from numba.core.compiler_lock import global_compiler_lock
from numba.core.registry import cpu_target


def runtime_library(name: str, text: str):
    """A code library compiled from runtime IR ``text``."""
    ctx = cpu_target.target_context
    ctx.refresh()
    lib = ctx.codegen().create_library(name)
    with global_compiler_lock:
        lib.add_llvm_module(llvm.parse_assembly(text))
        lib.finalize()
    return lib

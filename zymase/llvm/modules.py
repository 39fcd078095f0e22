"""Whole LLVM modules in and out, and running a module's ``main`` — the plumbing behind
``python -m zymase opt`` and ``python -m zymase lli``.

``read_module`` takes ``.ll`` text or ``.bc`` bitcode (told apart by the bitcode magic, not by
the name) from a path or ``-`` (standard input).  ``write_module`` writes text, bitcode, an
object file (the host target machine, position-independent) or a shared library (the object
linked by the system ``cc``), chosen by the flag or the output's suffix.

``run_main`` is LLVM's ``lli`` on llvmlite's MCJIT: the module is compiled in this process,
its static constructors run, ``main(argc, argv)`` is called, destructors run and C's stdio
buffers are flushed; ``main``'s return value is the exit status.  External symbols resolve
against this process (the C library, libm, and the C++ runtime when one is installed).  A
symbol that resolves nowhere is reported by name before anything runs: MCJIT would otherwise
abort the process while linking, or leave a null call.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import sys
import tempfile
from typing import List, Sequence

import llvmlite.binding as llvm

BITCODE_MAGIC = (b"BC\xc0\xde", b"\xde\xc0\x17\x0b")
_loaded = False


def read_module(path: str) -> llvm.ModuleRef:
    data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    if data[:4] in BITCODE_MAGIC:
        mod = llvm.parse_bitcode(data)
    else:
        mod = llvm.parse_assembly(data.decode("utf-8"))
    mod.verify()
    return mod


def output_format(path: str, text_flag: bool) -> str:
    if text_flag:
        return "ll"
    for suffix, fmt in ((".ll", "ll"), (".bc", "bc"), (".o", "obj"), (".so", "so")):
        if path.endswith(suffix):
            return fmt
    return "ll" if path == "-" else "bc"


def object_target_machine() -> llvm.TargetMachine:
    """For object files and shared libraries: position-independent code (a shared library
    and a PIE executable both link it) for the host CPU, like clang's defaults on Linux."""
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    return llvm.Target.from_default_triple().create_target_machine(
        cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
        opt=3, reloc="pic", codemodel="default")


def write_module(mod: llvm.ModuleRef, path: str, fmt: str) -> None:
    if fmt == "ll":
        data = str(mod).encode()
    elif fmt == "bc":
        data = mod.as_bitcode()
    else:
        data = object_target_machine().emit_object(mod)
        if fmt == "so":
            _link_shared(data, path)
            return
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        with open(path, "wb") as fh:
            fh.write(data)


def _link_shared(obj: bytes, path: str) -> None:
    cc = os.environ.get("CC", "cc")
    with tempfile.TemporaryDirectory() as tmp:
        o = os.path.join(tmp, "module.o")
        with open(o, "wb") as fh:
            fh.write(obj)
        r = subprocess.run([cc, "-shared", "-o", path, o, "-lm"], capture_output=True,
                           text=True)
        if r.returncode:
            raise RuntimeError(f"{cc} -shared failed: {r.stderr.strip()}")


def _load_runtime_libraries() -> None:
    global _loaded
    if _loaded:
        return
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    for name in ("c", "m", "stdc++", "c++", "gcc_s"):
        found = ctypes.util.find_library(name)
        if found:
            try:
                llvm.load_library_permanently(found)
            except RuntimeError:
                pass
    _loaded = True


def unresolved(mod: llvm.ModuleRef) -> List[str]:
    """Declared symbols that nothing in this process defines."""
    missing = []
    for g in list(mod.functions) + list(mod.global_variables):
        if not g.is_declaration or g.name.startswith("llvm."):
            continue
        if not llvm.address_of_symbol(g.name):
            missing.append(g.name)
    return missing


def run_main(mod: llvm.ModuleRef, argv: Sequence[str]) -> int:
    _load_runtime_libraries()
    if not _has(mod, "main"):
        raise RuntimeError("the module defines no function @main")
    missing = unresolved(mod)
    if missing:
        raise RuntimeError("the module uses symbols that this process does not define: "
                           + ", ".join(sorted(missing)[:12])
                           + (" …" if len(missing) > 12 else ""))
    # the engine takes ownership of its target machine: never hand it the shared one
    tm = llvm.Target.from_default_triple().create_target_machine(codemodel="jitdefault")
    engine = llvm.create_mcjit_compiler(mod, tm)
    engine.finalize_object()
    engine.run_static_constructors()
    args = [a.encode() for a in argv]
    argv_c = (ctypes.c_char_p * (len(args) + 1))(*args, None)
    main = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p))(
        engine.get_function_address("main"))
    rc = main(len(args), argv_c)
    engine.run_static_destructors()
    _flush_c_stdio()
    return rc


def _has(mod: llvm.ModuleRef, name: str) -> bool:
    return any(f.name == name and not f.is_declaration for f in mod.functions)


def _flush_c_stdio() -> None:
    libc = ctypes.CDLL(None)
    libc.fflush(None)


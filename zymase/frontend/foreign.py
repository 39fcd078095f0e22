"""Modules from other compilers (clang, rustc) made fit for differentiation and for the JIT.

Two audiences:

* ``for_differentiation(text)`` / ``lower_invokes(mod)``: what every adapter of a foreign
  module does before canonicalisation (``llvm_ir.prepare_ll`` and the Python binding alike):

  - ``optnone`` and ``noinline`` are dropped (clang -O0 and rustc opt-level 0 put them on
    every function; canonicalisation must inline and promote the copy it differentiates);
  - every ``invoke`` becomes a ``call`` (LLVM's lowerinvoke), and the landing pads,
    cleanups and ``resume`` blocks it reached are deleted (C++ exceptions, Rust's
    panic=unwind): unwinding paths are never in the derivative.  An exception thrown inside
    the differentiated function unwinds without running that function's cleanups (C++
    destructors, Rust drops); under the Python binding it reaches code without unwind
    tables and terminates the process, as it would for the primal.

* ``ForeignModule``: one module as a Numba code library the Python binding
  (``llvm_function.py``) links into its callers.  Its copy of the text is changed so that it
  links and runs inside Numba's JIT next to any other module:

  - target triple, data layout, ``target-cpu``/``target-features`` and module flags other
    than the debug-info ones are dropped (the code takes Numba's host target, so O3
    vectorises it for this CPU), comdats too;
  - every defined function and global variable is renamed ``<name>.zy<k>`` (``k`` numbers the
    modules of the process): two modules that both define ``energy`` never collide;
  - every function the module declares must resolve when the JIT links it, or a call would
    jump to address 0.  Declarations resolve to the process (libm, libc), to zymase's runtime
    (``_RUNTIME_IR``: Rust's allocator entry points ``__rust_alloc`` & co. and, where the
    process has no C++ runtime, ``operator new``/``delete`` on top of malloc/free, and the
    guards of C++ function-local statics), or else to a
    *stub* defined in the module: it prints which function was missing (for a Rust bounds
    check also the index and the length) to stderr and aborts.  The stub of an error path
    (a ``noreturn`` declaration, or a panic, ``handle_error``, ``__cxa_throw`` and the like
    by name: ``X.zymase.missing.zy<k>``) is ``noreturn``, so the optimiser removes the paths
    that reach it: they cost nothing and are never differentiated.  Any other stub
    (``X.zymase.undefined.zy<k>``: a helper defined in another module, code rustc shares with
    its standard library) is an ordinary function that canonicalisation keeps out of line:
    the primal runs as long as it is not called, and differentiating a call of it is an
    ``UnsupportedError`` that names it.  ``missing`` lists those; ``llvm_function`` warns
    about the ones the requested function can reach.
"""
from __future__ import annotations

import hashlib
import itertools
import re
import threading
from typing import Dict, List, Optional, Tuple

import llvmlite.binding as llvm

from ..errors import unsupported
from ..ir.demangle import demangle
from ..rules.table import rust_allocator

# -- names -------------------------------------------------------------------------------
# calls that are error paths of the source language: a stub for them is expected
_ERROR_PATHS = re.compile(
    r"panicking|panic_|_fail$|unwrap_failed|expect_failed|handle_error|handle_alloc_error|"
    r"capacity_overflow|__cxa_|__gxx_personality|_Unwind_|__throw_|rust_eh_personality|"
    r"rust_begin_unwind|__ubsan_handle|__assert_fail|terminate|abort|"
    r"^std::\w*(error|exception|bad_\w+)\b")


# -- for every adapter -----------------------------------------------------------------------
_EMPTY = '"zymase"'     # an attribute group must not be empty


def for_differentiation(text: str) -> str:
    """``text`` without ``optnone``/``noinline`` (attribute groups and inline attributes)."""
    from ..llvm.pipelines import allow_inlining
    return allow_inlining(text, filler=_EMPTY)


def lower_invokes(mod: llvm.ModuleRef) -> None:
    """Every ``invoke`` becomes a ``call`` followed by a branch to its normal destination
    (LLVM's lowerinvoke); simplifycfg then deletes the landing pads, cleanups and ``resume``
    blocks nothing reaches any more.  See the module docstring."""
    if not re.search(r"\binvoke\b", str(mod)):
        return
    from ..llvm.pipelines import target_machine
    pto = llvm.create_pipeline_tuning_options(speed_level=0)
    pb = llvm.create_pass_builder(target_machine(), pto)
    pm = llvm.create_new_module_pass_manager()
    pm.add_lower_invoke_pass()
    pm.add_simplify_cfg_pass()
    pm.run(mod, pb)


def refuse_unwinding(text: str, name: str) -> None:
    """After ``lower_invokes`` and canonicalisation no exception-handling instruction may
    remain (a ``catchswitch``/``cleanuppad`` of Windows-style EH, which lowerinvoke does not
    touch): refuse one that does, by name."""
    m = re.search(r"^\s*(?:%\S+ = )?(invoke|landingpad|resume|catchswitch|cleanuppad)\b",
                  text, flags=re.M)
    if m:
        raise unsupported(f"`{m.group(1)}` in @{name}: exception handling (C++ exceptions, "
                          f"Rust panic=unwind) that zymase could not lower to plain calls",
                          help="compile with -fno-exceptions (C++) or -C panic=abort (Rust)")


# -- for the JIT -----------------------------------------------------------------------------
_KEEP_FLAGS = ("Debug Info Version", "Dwarf Version")


def _jit_text(text: str) -> str:
    """Drop what ties the text to another target or another link (see the module docstring)."""
    text = re.sub(r"^target (datalayout|triple) = .*$", "", text, flags=re.M)
    text = re.sub(r'^\$[^\n=]+ = comdat \w+$', "", text, flags=re.M)
    text = re.sub(r"^(@[^\n]*?),\s*comdat(?:\(\$[^)]*\))?", r"\1", text, flags=re.M)
    text = re.sub(r"^(define[^\n]*?) comdat(?:\(\$[^)]*\))?", r"\1", text, flags=re.M)
    text = re.sub(r' "(target-cpu|target-features|tune-cpu)"="[^"]*"', "", text)
    m = re.search(r"^!llvm\.module\.flags = !\{(.*)\}$", text, flags=re.M)
    if m:
        keep = []
        for ref in re.findall(r"![0-9]+", m.group(1)):
            node = re.search(rf"^{ref} = (.*)$", text, flags=re.M)
            if node and any(f'"{k}"' in node.group(1) for k in _KEEP_FLAGS):
                keep.append(ref)
        text = text[:m.start()] + (f"!llvm.module.flags = !{{{', '.join(keep)}}}" if keep
                                   else "") + text[m.end():]
    return text


_CXX_ALLOC = {"_Znwm": "new", "_Znam": "new", "_ZdlPv": "delete", "_ZdaPv": "delete",
              "_ZdlPvm": "delete", "_ZdaPvm": "delete",
              "_ZnwmSt11align_val_t": "new_aligned", "_ZnamSt11align_val_t": "new_aligned",
              "_ZdlPvSt11align_val_t": "delete", "_ZdaPvSt11align_val_t": "delete",
              "_ZdlPvmSt11align_val_t": "delete", "_ZdaPvmSt11align_val_t": "delete",
              # function-local statics: initialised once (not thread-safe: the calls run
              # under the GIL unless the caller releases it), destructors never registered
              "__cxa_guard_acquire": "guard_acquire", "__cxa_guard_release": "guard_release",
              "__cxa_guard_abort": "guard_abort", "__cxa_atexit": "atexit"}

# zymase's runtime: Rust's allocator entry points on malloc/free (Rust's System allocator does
# the same), and operator new/delete for a process without a C++ runtime.  Compiled once and
# registered under the names the modules use.
_RUNTIME_IR = r"""
declare ptr @malloc(i64)
declare ptr @calloc(i64, i64)
declare ptr @realloc(ptr, i64)
declare void @free(ptr)
declare i32 @posix_memalign(ptr, i64, i64)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
declare i64 @llvm.umin.i64(i64, i64)
declare i32 @dprintf(i32, ptr, ...)
declare void @abort()

@.oom = private constant [51 x i8] c"zymase: out of memory in a foreign function (%lu)\0A\00"

define ptr @zymase.rt.aligned(i64 %size, i64 %align) {
  %big = icmp ugt i64 %align, 16
  br i1 %big, label %al, label %m
m:
  %p = call ptr @malloc(i64 %size)
  ret ptr %p
al:
  %slot = alloca ptr
  %r = call i32 @posix_memalign(ptr %slot, i64 %align, i64 %size)
  %ok = icmp eq i32 %r, 0
  %q = load ptr, ptr %slot
  %res = select i1 %ok, ptr %q, ptr null
  ret ptr %res
}

define ptr @zymase.rt.rust_alloc(i64 %size, i64 %align) {
  %p = call ptr @zymase.rt.aligned(i64 %size, i64 %align)
  ret ptr %p
}

define ptr @zymase.rt.rust_alloc_zeroed(i64 %size, i64 %align) {
  %p = call ptr @zymase.rt.aligned(i64 %size, i64 %align)
  %null = icmp eq ptr %p, null
  br i1 %null, label %out, label %zero
zero:
  call void @llvm.memset.p0.i64(ptr %p, i8 0, i64 %size, i1 false)
  br label %out
out:
  ret ptr %p
}

define void @zymase.rt.rust_dealloc(ptr %p, i64 %size, i64 %align) {
  call void @free(ptr %p)
  ret void
}

define ptr @zymase.rt.rust_realloc(ptr %p, i64 %old, i64 %align, i64 %new) {
  %big = icmp ugt i64 %align, 16
  br i1 %big, label %al, label %m
m:
  %r = call ptr @realloc(ptr %p, i64 %new)
  ret ptr %r
al:
  %q = call ptr @zymase.rt.aligned(i64 %new, i64 %align)
  %null = icmp eq ptr %q, null
  br i1 %null, label %out, label %copy
copy:
  %n = call i64 @llvm.umin.i64(i64 %old, i64 %new)
  call void @llvm.memcpy.p0.p0.i64(ptr %q, ptr %p, i64 %n, i1 false)
  call void @free(ptr %p)
  br label %out
out:
  ret ptr %q
}

define void @zymase.rt.rust_no_alloc_shim_is_unstable() {
  ret void
}

define ptr @zymase.rt.new(i64 %size) {
  %p = call ptr @malloc(i64 %size)
  %null = icmp eq ptr %p, null
  br i1 %null, label %oom, label %ok
oom:
  %msg = call i32 (i32, ptr, ...) @dprintf(i32 2, ptr @.oom, i64 %size)
  call void @abort()
  unreachable
ok:
  ret ptr %p
}

define ptr @zymase.rt.new_aligned(i64 %size, i64 %align) {
  %p = call ptr @zymase.rt.aligned(i64 %size, i64 %align)
  %null = icmp eq ptr %p, null
  br i1 %null, label %oom, label %ok
oom:
  %msg = call i32 (i32, ptr, ...) @dprintf(i32 2, ptr @.oom, i64 %size)
  call void @abort()
  unreachable
ok:
  ret ptr %p
}

define i32 @zymase.rt.guard_acquire(ptr %g) {
  %b = load i8, ptr %g
  %todo = icmp eq i8 %b, 0
  %r = zext i1 %todo to i32
  ret i32 %r
}

define void @zymase.rt.guard_release(ptr %g) {
  store i8 1, ptr %g
  ret void
}

define void @zymase.rt.guard_abort(ptr %g) {
  ret void
}

define i32 @zymase.rt.atexit(ptr %f, ptr %arg, ptr %dso) {
  ret i32 0
}

define void @zymase.rt.delete(ptr %p) {
  call void @free(ptr %p)
  ret void
}
"""

_runtime_lock = threading.Lock()
_runtime: Dict[str, int] = {}     # runtime entry point → address


def _runtime_address(entry: str) -> int:
    """The address of runtime function ``zymase.rt.<entry>`` (compiled on first use)."""
    with _runtime_lock:
        if not _runtime:
            from ..llvm.runtime import runtime_library
            lib = runtime_library("zymase.foreign.runtime", _RUNTIME_IR)
            for f in re.findall(r"^define \S+ @zymase\.rt\.(\w+)\(", _RUNTIME_IR, flags=re.M):
                _runtime[f] = lib.get_pointer_to_function(f"zymase.rt.{f}")
            _runtime["_lib"] = lib      # keeps the code alive
        return _runtime[entry]


def _runtime_entry(name: str) -> Optional[str]:
    kind = rust_allocator(name)
    if kind is not None:
        return "rust_" + kind
    return _CXX_ALLOC.get(name)


def _stub_ir(name: str, new_name: str, fnty: str, k: int, error: bool) -> Tuple[str, str]:
    """(global text, definition text) of a stub for declared function ``name``: ``noreturn``
    for an ``error`` path, otherwise an ordinary function that never returns (kept out of
    line by canonicalisation, so that differentiating a call of it is refused by name)."""
    m = re.fullmatch(r"(.+?) \((.*)\)", fnty)
    ret, params = m.group(1), m.group(2)
    plist = [p.strip() for p in params.split(",") if p.strip()] if params else []
    vararg = "..." in plist
    plist = [p for p in plist if p != "..."]
    readable = demangle(name)
    what = f"the foreign code called `{readable}`"
    args = ""
    if readable.endswith("panic_bounds_check") and plist[:2] == ["i64", "i64"]:
        what += ": index out of bounds: the index is %ld but the length is %ld"
        args = ", i64 %a0, i64 %a1"
    elif _ERROR_PATHS.search(readable) is None:
        what += ", which neither the module nor this process defines"
    msg = f"zymase: {what}; aborting\n"
    data = msg.replace("\\", "\\5C").replace('"', "\\22").replace("\n", "\\0A") + "\\00"
    size = len(msg.encode()) + 1
    glob = f'@.zymase.missing.{k} = private constant [{size} x i8] c"{data}"'
    sig = ", ".join([f"{t} %a{j}" for j, t in enumerate(plist)] + (["..."] if vararg else []))
    attrs = "cold noreturn nounwind" if error else "cold nounwind noinline"
    body = (f'define {ret} @"{new_name}"({sig}) {attrs} {{\n'
            f"  %m = call i32 (i32, ptr, ...) @dprintf(i32 2, ptr @.zymase.missing.{k}{args})\n"
            f"  call void @abort()\n  unreachable\n}}")
    return glob, body


_counter = itertools.count()
_modules: Dict[str, "ForeignModule"] = {}
_modules_lock = threading.Lock()


class ForeignModule:
    """One foreign module, prepared for the JIT (see the module docstring).

    ``functions``: original name → (IR return type, IR parameter types) of every definition;
    ``symbol(name)`` its name in the prepared module; ``text`` the prepared module;
    ``missing``: declared functions that got a stub and are no known error path."""

    def __init__(self, text: str, origin: str):
        self.origin = origin
        self.source_text = text
        self.k = next(_counter)
        try:
            mod = llvm.parse_assembly(for_differentiation(_jit_text(text)))
            mod.verify()
        except RuntimeError as e:
            detail = " | ".join(str(e).strip().splitlines()[:3])
            raise ValueError(f"error: {origin} is not valid LLVM IR for LLVM "
                             f"{llvm.llvm_version_info[0]}\n  = note: {detail}") from None
        lower_invokes(mod)
        self.functions: Dict[str, Tuple[str, List[str]]] = {}
        self.renamed: Dict[str, str] = {}
        for f in mod.functions:
            if f.is_declaration:
                continue
            t = f.global_value_type
            els = [str(e) for e in t.elements]
            self.functions[f.name] = (els[0], els[1:], t.is_function_vararg)
        for f in list(mod.functions):
            if not f.is_declaration:
                new = f"{f.name}.zy{self.k}"
                self.renamed[f.name] = new
                f.name = new
                if f.linkage in (llvm.Linkage.available_externally,):
                    f.linkage = llvm.Linkage.internal
                elif f.linkage not in (llvm.Linkage.internal, llvm.Linkage.private):
                    f.linkage = llvm.Linkage.external
        for g in mod.global_variables:
            if not g.is_declaration:
                g.name = f"{g.name}.zy{self.k}"
        self.missing: List[str] = []
        self.runtime: Dict[str, str] = {}
        stubs = []
        for f in list(mod.functions):
            if not f.is_declaration or f.name.startswith("llvm."):
                continue
            if llvm.address_of_symbol(f.name):
                continue
            entry = _runtime_entry(f.name)
            if entry is not None:
                self.runtime[f.name] = entry
                continue
            old = f.name
            error = _ERROR_PATHS.search(demangle(old)) is not None or \
                b"noreturn" in b" ".join(f.attributes).split()
            new = f"{old}.zymase.{'missing' if error else 'undefined'}.zy{self.k}"
            f.name = new
            stubs.append(_stub_ir(old, new, str(f.global_value_type), len(stubs), error))
            if not error:
                self.missing.append(old)
        data = []
        for g in mod.global_variables:
            if g.is_declaration and not llvm.address_of_symbol(g.name):
                if rust_allocator(g.name) is not None or g.name == "__dso_handle":
                    # older rustc's marker (a global i8); C++'s handle of static destructors
                    self.runtime[g.name] = "marker"
                    continue
                # type descriptors and vtables of C++ exceptions (only a throw reads them),
                # or data of another module: zeros, and a warning unless an error path's
                old = g.name
                g.name = f"{old}.zymase.missing.zy{self.k}"
                data.append(f'@"{g.name}" = global {g.global_value_type} zeroinitializer')
                if not re.match(r"_ZT[IVS]", old):
                    self.missing.append(old)
        if stubs or data:
            types = re.findall(r"^%\S+ = type .*$", str(mod), flags=re.M)
            extra = "declare i32 @dprintf(i32, ptr, ...)\ndeclare void @abort()\n" + \
                "\n".join(types + data + [g for g, _ in stubs] + [b for _, b in stubs]) + "\n"
            mod.link_in(llvm.parse_assembly(extra))
        # the mark zymase's Numba front end recognises (frontend/numba.py: FrontendResult.foreign)
        text = "; zymase foreign module\n" + str(mod)
        self.text = text
        llvm.parse_assembly(text).verify()
        self._library = None
        self._refs = None
        self._lock = threading.Lock()

    def symbol(self, name: str) -> str:
        return self.renamed[name]

    def missing_from(self, name: str) -> List[str]:
        """The ``missing`` functions and globals that definition ``name`` can reach."""
        if self._refs is None:
            self._refs = {}
            for m in re.finditer(r'^define [^\n]*?@("(?:[^"\\]|\\.)*"|[-\w.$]+)\((.*?)^\}$',
                                 self.text, flags=re.M | re.S):
                self._refs[m.group(1).strip('"')] = {
                    r.strip('"') for r in re.findall(r'@("(?:[^"\\]|\\.)*"|[-\w.$]+)',
                                                     m.group(2))}
        seen, work = set(), [self.symbol(name)]
        while work:
            f = work.pop()
            if f in seen:
                continue
            seen.add(f)
            work += self._refs.get(f, ())
        return [m for m in self.missing if f"{m}.zymase.undefined.zy{self.k}" in seen
                or f"{m}.zymase.missing.zy{self.k}" in seen]

    def library(self):
        """The Numba code library holding the prepared module (made on first use).  Its
        unoptimised text is recorded where zymase's Numba front end collects the IR of a
        function and its callees (``frontend/numba.py``), so a Python function calling into
        this module is differentiated through the foreign code."""
        with self._lock:
            if self._library is None:
                from numba.core.compiler_lock import global_compiler_lock
                from numba.core.registry import cpu_target
                for name, entry in self.runtime.items():
                    if not llvm.address_of_symbol(name):
                        llvm.add_symbol(name, _marker_address() if entry == "marker"
                                        else _runtime_address(entry))
                ctx = cpu_target.target_context
                ctx.refresh()
                lib = ctx.codegen().create_library(f"zymase.foreign.{self.k}")
                with global_compiler_lock:
                    lib.add_llvm_module(llvm.parse_assembly(self.text))
                    lib.__dict__["_zymase_ir"] = [(f"zymase.foreign.{self.k}", self.text)]
                    lib.finalize()
                self._library = lib
            return self._library


def register_runtime(text: str) -> None:
    """Bind the runtime functions (``RUNTIME``) that module ``text`` declares and this process
    lacks — a derivative loaded from the disk cache calls ``__rust_alloc`` before any
    ``ForeignModule`` of its source was loaded in this process."""
    if "__rust_" not in text and "@_Z" not in text:
        return
    for m in re.finditer(r'^declare [^\n]*?@("(?:[^"\\]|\\.)*"|[-\w.$]+)\(', text, flags=re.M):
        name = m.group(1).strip('"')
        entry = _runtime_entry(name)
        if entry is not None and not llvm.address_of_symbol(name):
            llvm.add_symbol(name, _runtime_address(entry))


_marker = None


def _marker_address() -> int:
    global _marker
    import ctypes
    if _marker is None:
        _marker = ctypes.c_uint8(0)
    return ctypes.addressof(_marker)


def load(text: str, origin: str) -> ForeignModule:
    """The prepared module of ``text`` (one per distinct text in a process)."""
    from numba.core.registry import cpu_target
    cpu_target.target_context.codegen()   # the process's symbols become searchable
    key = hashlib.sha256(text.encode()).hexdigest()
    with _modules_lock:
        m = _modules.get(key)
        if m is None:
            m = _modules[key] = ForeignModule(text, origin)
        return m

"""The pipeline end to end: Python function → canonical IR model → (transform) → machine code.

``prepare`` runs the front end and the canonicalising pipeline and parses the result into the
IR model; ``finish`` prints a (transformed) module, verifies it, runs O3 and loads it as a Numba
code library.  Transforms sit between the two and only ever see the IR model.
"""
from __future__ import annotations

import os
import sys
import contextlib
import gc
import time
from dataclasses import dataclass, field
from typing import Dict, Sequence

from .errors import internal
from .frontend.numba import FrontendResult, array_param_facts, compile_ir
from .rules.scipy_special import name_calls
from .ir.parser import parse_module
from .ir.printer import print_module
from .ir.values import Module
from .llvm import jit, pipelines
from .transforms.sign_checks import fold_sign_checks
from .transforms.refcounts import drop_borrowed_refcounts
from .transforms import typed_list
from .transforms.tape import forget_kept_blocks_text


def debug_flags(extra=None) -> set:
    flags = {f.strip() for f in os.environ.get("ZYMASE_PRINT", "").split(",") if f.strip()}
    if extra:
        flags |= {f.strip() for f in (extra.split(",") if isinstance(extra, str) else extra)}
    return flags


def dprint(flags, key, title, text):
    """Print ``text`` under ``key`` when that key is among the print flags; ``text`` may be a
    callable, made only then (dumps of large functions cost a noticeable part of a build)."""
    if key in flags:
        text = text() if callable(text) else text
        print(f"; ==== zymase {key}: {title} ====\n{text}", file=sys.stderr)


@dataclass
class Prepared:
    fe: FrontendResult
    module: Module
    timings: Dict[str, float] = field(default_factory=dict)

    @property
    def function(self):
        return self.module.functions[self.fe.llvm_name]


@contextlib.contextmanager
def paused_gc():
    """Python's cyclic garbage collector paused for a build.  Numba's compiler and zymase's IR
    model allocate many small objects, and each generation-2 collection walks all of them
    while freeing nearly nothing: pausing it saved 10-15 % of a first call's CPU time on
    numba-stats functions.  The collector is re-enabled when the outermost build ends (its
    next threshold then collects as usual); a build inside a build leaves it to the outer
    one."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def prepare(fn, argtypes: Sequence, print_flags=(), reuse: bool = True) -> Prepared:
    from .custom import protected_symbols
    from .frontend import canonical_cache
    from .frontend.numba import as_dispatcher
    from .recompute import recompute_symbols
    t0 = time.perf_counter()
    disp = as_dispatcher(fn)
    hit = canonical_cache.get(canonical_cache.key(
        disp, argtypes, reuse, protected_symbols() | recompute_symbols()))
    if hit is not None:     # another derivative of the same function (frontend/canonical_cache)
        fe, text = hit
        t1 = time.perf_counter()
    else:
        fe = compile_ir(fn, argtypes, reuse)
        t1 = time.perf_counter()
        # protected only now: custom functions the compile just reached have their symbols.
        # The text is filed under this set, the one a later lookup in this state computes
        protect = protected_symbols() | recompute_symbols()
        text = _canonical_text(fe, protect)
        canonical_cache.put(canonical_cache.key(disp, argtypes, reuse, protect), fe, text)
    t2 = time.perf_counter()
    dprint(print_flags, "ir-numba", fe.llvm_name, fe.module_text)
    dprint(print_flags, "ir-before", fe.llvm_name, text)
    module = parse_module(text)
    name_calls(module)   # indirect calls of SciPy special functions get their names
    prim = module.functions[fe.llvm_name]
    fold_sign_checks(prim, array_param_facts(prim, fe.argmap))
    for f in module.defined():      # the primal and what stays a call (recursion)
        if f.name.startswith("_ZN"):
            drop_borrowed_refcounts(f)
    t3 = time.perf_counter()
    return Prepared(fe, module, {"numba": t1 - t0, "canonicalise": t2 - t1, "parse": t3 - t2})


def _canonical_text(fe, protect) -> str:
    """``fe``'s module, canonicalised (typed.Lists built inside lowered), as text."""
    mod = pipelines.parse(_resolve_recursion(_freeze_dynamic_globals(
        pipelines.allow_inlining(forget_kept_blocks_text(fe.module_text)))))
    pipelines.canonicalise(mod, fe.llvm_name, protect=protect, thread_jumps=fe.foreign)
    text = str(mod)
    if typed_list.uses_typed_lists(text):
        # typed.Lists built inside become NRT memory zymase differentiates (typed_list.py)
        lowered = typed_list.lower(parse_module(text), fe.llvm_name)
        if lowered is not None:
            mod = pipelines.parse(lowered)
            pipelines.canonicalise(mod, fe.llvm_name, protect=protect, thread_jumps=fe.foreign)
            text = str(mod)
    return text


def prepare_derivative(inner, prim, print_flags, py_func, dispatcher) -> Prepared:
    """The IR of a derivative of a derivative: ``inner``'s transformed IR (before O3) for
    these argument types, its rule libraries linked in, canonicalised again."""
    from .frontend.numba import describe_args
    from .ir.printer import print_module
    from .rules.helpers import link_helpers
    module, symbol, restype = inner._transform(prim)
    mod = pipelines.parse(forget_kept_blocks_text(print_module(module)))
    link_helpers(mod)
    link_extra(mod, getattr(module, "extra_ir", {}), differentiated=True)
    pipelines.canonicalise(mod, symbol)
    text = str(mod)
    dprint(print_flags, "ir-before", symbol, text)
    fe = FrontendResult(symbol, text, describe_args(prim, inner.call_param_names, restype),
                        restype(*prim), py_func, dispatcher, ("<derivative>", 0))
    return Prepared(fe, parse_module(text))


def link_extra(mod, extra, differentiated: bool = False):
    """Link compiled rule libraries (custom derivatives) into the derivative's module: the
    rule entry points keep their names, everything else they bring becomes internal.
    ``differentiated``: the rules will be differentiated too (a derivative of a derivative),
    so a zymase derivative inside one stops keeping its tape (``forget_kept_blocks_text``)."""
    import llvmlite.binding as llvm
    for symbol, text in extra.items():
        m = llvm.parse_assembly(forget_kept_blocks_text(text) if differentiated else text)
        for f in m.functions:
            if not f.is_declaration:
                f.linkage = "linkonce_odr" if f.name == symbol else "internal"
        mod.link_in(m)


def _internalize(mod, keep: str) -> None:
    """Every function and global variable the derivative's module defines, except the
    derivative itself, becomes internal and is renamed under the derivative's symbol.

    The module carries copies of Numba functions (callees kept out of line, inactive
    functions, rule implementations) and of Numba's environment globals under Numba's
    symbol names.  The JIT resolves later code's references by name, internal symbols
    included, so a same-named copy here (which O3 may specialise, e.g. drop dead arguments)
    would be called by functions Numba compiles afterwards."""
    for f in mod.functions:
        if not f.is_declaration and f.name != keep:
            f.linkage = "internal"
            f.name = f"{keep}.{f.name}"
    for g in mod.global_variables:
        if not g.is_declaration:
            g.linkage = "internal"
            g.name = f"{keep}.{g.name}"


def _freeze_dynamic_globals(text: str) -> str:
    """Numba keeps the address of a C function it calls (ctypes, cffi, a first-class function
    such as SciPy's through ``WrapperAddressProtocol``) in a ``linkonce`` global initialised
    with that address, and guards first-class calls with a null test that falls back to asking
    the Python object.  The address never changes in a process, so the global becomes an
    internal constant: canonicalisation folds the loads, the fallback path disappears and the
    call's callee is the address itself, which the call rules recognise."""
    import re
    return re.sub(r"^(@numba\.dynamic\.globals\.[0-9a-fA-F]+(?:\.\d+)?) = linkonce global ptr "
                  r"inttoptr",
                  r"\1 = internal constant ptr inttoptr", text, flags=re.M)


def _resolve_recursion(text: str) -> str:
    """Numba compiles mutual recursion with calls through ``@".numba.unresolved$SYM"``, an
    external global its linker fills with SYM's address.  Where SYM is defined in the module
    the global becomes an internal constant holding ``@SYM``: canonicalisation folds the load
    and the call is direct (transforms/callees.py differentiates it)."""
    import re

    def fix(m):
        sym = m.group(2)
        if re.search(rf"^define [^\n]*@{re.escape(sym)}\(", text, flags=re.M):
            return f'{m.group(1)} = internal constant ptr @{sym}'
        return m.group(0)
    return re.sub(r'^(@"\.numba\.unresolved\$([\w.$]+)") = external global ptr', fix, text,
                  flags=re.M)


def finish(module: Module, name: str, print_flags=(), opt_level: int = 3):
    """Print, verify, optimise and load ``module``; returns (library, final text)."""
    from .transforms.kept_blocks import route, share_tape_slots
    route(module)       # arrays from blocks kept across calls (no fresh pages every call)
    share_tape_slots(module)     # tape blocks parked process-wide (one budget, releasable)
    from .transforms.loop_hints import keep_calling_loops_scalar
    keep_calling_loops_scalar(module)     # libm calls do not vectorise: no lane shuffling
    text = print_module(module)
    dprint(print_flags, "ir-after", name, text)
    try:
        mod = pipelines.parse(text)
    except RuntimeError as e:
        # the verifier's first lines name the broken rule; the IR itself only under ZYMASE_PRINT
        detail = " | ".join(str(e).strip().splitlines()[:2])
        raise internal(name, "it produced invalid LLVM IR", f"LLVM: {detail}") from None
    from .rules.helpers import link_helpers
    link_helpers(mod)
    link_extra(mod, getattr(module, "extra_ir", {}))
    _internalize(mod, name)
    if opt_level:
        pipelines.optimise(mod, opt_level)
    final = str(mod)
    dprint(print_flags, "final", name, final)
    lib = jit.library_from_ir(name, final, mod)
    return lib, final


def drop_unless_called(module, name: str) -> None:
    """After a transform: the primal ``name`` stays in the derivative's module only if
    something there still calls it (a recursive primal, called by its derivatives), private
    to the module; otherwise it goes."""
    fn = module.functions.get(name)
    if fn is None:
        return
    if any(i.opcode == "call" and i.callee_name == name
           for f in module.defined() if f is not fn for i in f.instructions()):
        fn.linkage = "internal"
    else:
        module.functions.pop(name)

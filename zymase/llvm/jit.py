"""Back end: turn final IR text into something Python and @njit code can call.

A derivative is an ordinary function in Numba's calling convention
(``i32 @name(ptr retptr, ptr excinfo, <flattened args>)``), compiled into a Numba
``CodeLibrary``.  It is reached through a Numba *intrinsic* whose code generator links that
library into the caller and emits a direct call, propagating the status code exactly as a
call between two njit functions does.  A thin ``@njit`` wrapper around the intrinsic is the
Python entry point, so Numba boxes/unboxes arguments and re-raises exceptions; any other
``@njit`` function can call the same wrapper (or the intrinsic) with no Python round trip.

The derivative arrives optimised (``pipelines.optimise``).  Numba optimises a library's whole
linked module when it finalises it; the entry points therefore link the derivative only after
their own module has been optimised (``link_after_optimisation``), so it is compiled to
machine code as zymase's O3 left it.  A user's ``@njit`` code that calls an entry point links
and optimises it the usual way (the derivative is inlined into the user's loops there).

The intrinsic's typer is where compilation happens: it receives the concrete Numba argument
types, asks the builder for (signature, library, symbol) once per type tuple, and caches it.
"""
from __future__ import annotations

import itertools
from typing import Callable, Dict, Tuple

import llvmlite.binding as llvm
import llvmlite.ir as llir
import numba
from numba.core import cgutils
from numba.core.compiler_lock import global_compiler_lock
from numba.core.registry import cpu_target
from numba.extending import intrinsic

from ..ir import types as T

_counter = itertools.count()


class _NoAddCodegen:
    """Numba's codegen, except that a finalised library is not handed to the JIT engine."""

    def __init__(self, codegen):
        self._inner = codegen

    def _add_module(self, module):
        return None

    def __getattr__(self, name):
        return getattr(self._inner, name)


def library_from_ir(name: str, text: str, module: "llvm.ModuleRef" = None):
    """A code library holding the derivative ``name`` of IR ``text`` (final, optimised).
    ``module``, when given, is that IR already parsed and verified (what ``pipeline.finish``
    just optimised): it is taken over as it is instead of parsing ``text`` again."""
    ctx = cpu_target.target_context
    ctx.refresh()  # initialises Numba's runtime (NRT symbols) in a process that compiled nothing yet
    lib = ctx.codegen().create_library(name)
    # the module arrives optimised (pipelines.optimise, same target machine): Numba's own
    # per-function and whole-module passes would run O3 a second time for nothing
    lib._optimize_functions = lambda module: None
    lib._optimize_final_module = lambda: None
    # nor is it turned into machine code on its own: it is only ever linked (as IR) into the
    # library of the @njit entry point that calls it, which compiles it there
    lib._finalize_specific = lambda: None
    lib._codegen = _NoAddCodegen(lib._codegen)
    from ..rules.scipy_special import register_symbols
    from ..frontend.foreign import register_runtime
    register_symbols(text)   # cached IR from another process: bind SciPy symbols here
    register_runtime(text)   # and Rust's allocator, C++'s new/delete where foreign code uses them
    from ..transforms.kept_blocks import register
    register(text)           # and the kept-block allocator of its arrays
    mod = module
    if mod is None:
        mod = llvm.parse_assembly(text)
        mod.verify()
    with global_compiler_lock:
        lib.add_llvm_module(mod)
        lib.finalize()
    # the library is only ever linked into others, for which Numba makes its external
    # functions linkonce_odr on a clone of the whole module: they are made so in place
    for fn in lib._final_module.functions:
        if not fn.is_declaration and fn.linkage == llvm.Linkage.external:
            fn.linkage = llvm.Linkage.linkonce_odr
    return lib


def link_after_optimisation(library, lib) -> None:
    """Link ``lib`` (a derivative's library) into ``library`` (the code library of a zymase
    entry point being compiled) after Numba has optimised ``library``'s own module.

    ``CodeLibrary.finalize`` links every library the code calls and then runs Numba's module
    pipeline (a cheap O3, refcount pruning, a full O3) over the whole linked module: the
    derivative, already optimised by ``pipelines.optimise``, would be optimised a second
    time, which on a large derivative costs as much as the first O3 and changes nothing
    worth having.  Libraries given here wait until that pipeline has run; they are then
    linked exactly as ``finalize`` links the others, so the entry's final module (what is
    compiled to machine code, and what a calling @njit library links in and optimises in
    the usual way) holds the derivative as zymase's O3 left it.  The entry's own code (the
    argument checks, boxing, the call) is optimised as before, with the derivative a
    declaration it calls."""
    pending = library.__dict__.get("_zymase_after_opt")
    if pending is None:
        pending = library._zymase_after_opt = []
        optimise_own = library._optimize_final_module

        def optimise_then_link():
            optimise_own()
            for dep in pending:
                library._reload_init.update(dep._reload_init)
                library._final_module.link_in(dep._get_module_for_linking(), preserve=True)
        library._optimize_final_module = optimise_then_link
    if lib not in pending:
        pending.append(lib)


def ir_type_of(llty) -> T.Type:
    """llvmlite.ir type → zymase IR type."""
    if isinstance(llty, llir.IntType):
        return T.IntType(llty.width)
    if isinstance(llty, llir.DoubleType):
        return T.F64
    if isinstance(llty, llir.FloatType):
        return T.F32
    if isinstance(llty, llir.HalfType):
        return T.FloatType("half")
    if isinstance(llty, llir.PointerType):
        return T.PTR
    if isinstance(llty, llir.LiteralStructType):
        return T.StructType(tuple(ir_type_of(e) for e in llty.elements), llty.packed)
    if isinstance(llty, llir.ArrayType):
        return T.ArrayType(llty.count, ir_type_of(llty.element))
    if isinstance(llty, llir.VectorType):
        return T.VectorType(llty.count, ir_type_of(llty.element))
    if isinstance(llty, llir.VoidType):
        return T.VOID
    raise TypeError(f"no zymase type for {llty}")


def value_type(nbtype) -> T.Type:
    """The in-memory LLVM type Numba uses for a value of ``nbtype`` (what retptr points to)."""
    dmm = cpu_target.target_context.data_model_manager
    return ir_type_of(dmm.lookup(nbtype).get_value_type())


def make_caller(nargs: int, build: Callable, name: str = "zymase_call", checks=(),
                param_names=None, prologue=()):
    """An intrinsic of ``nargs`` arguments and its ``@njit`` entry point.

    ``build(argtypes) -> (signature, lib, symbol)`` is called once per distinct tuple of Numba
    argument types.  ``checks`` is a sequence of (njit-callable, argument indices): the entry
    calls each before the derivative runs (the run-time shadow checks).  Returns the
    intrinsic, the checked entry (for ``@njit`` callers), the build cache and an entry
    without the checks, for callers that have checked the arguments already.  ``prologue``
    is a sequence like ``checks`` whose calls both entries make (setup, not checks)."""
    cache: Dict[Tuple, Tuple] = {}

    def typer(typingctx, *argtypes, own=False):
        key = tuple(argtypes)
        if key not in cache:
            cache[key] = build(key)
        sig, lib, symbol = cache[key]

        def codegen(context, builder, signature, args):
            if own:
                link_after_optimisation(context.active_code_library, lib)
            else:
                context.active_code_library.add_linking_library(lib)
            fnty = context.call_conv.get_function_type(signature.return_type, signature.args)
            fn = cgutils.get_or_insert_function(builder.module, fnty, symbol)
            status, res = context.call_conv.call_function(builder, fn, signature.return_type,
                                                          signature.args, args)
            with cgutils.if_unlikely(builder, status.is_error):
                # Numba's caller skips its own reference cleanup when a nested call fails
                # (numba#1549); the entry point's arguments are released here instead
                if context.enable_nrt:
                    for ty, val in zip(signature.args, args):
                        context.nrt.decref(builder, ty, val)
                context.call_conv.return_status_propagate(builder, status)
            return res

        return sig, codegen

    params = ", ".join(f"a{i}" for i in range(nargs))
    sep = ", " if nargs else ""

    def make_intrinsic(own):
        src = (f"def {name}(typingctx{sep}{params}):\n"
               f"    return _typer(typingctx{sep}{params}, own={own})\n")
        ns = {"_typer": typer}
        exec(src, ns)
        return intrinsic(ns[name])
    # ``intr`` links the derivative like any callee (any @njit code may call it); the entry
    # points call ``own``, which links it into their library after that library's own
    # optimisation (see ``link_after_optimisation``)
    intr, own = make_intrinsic(False), make_intrinsic(True)
    # the entry's parameters carry the derivative's own names, so a wrong call from @njit
    # code reads "missing a required argument: 'seed'" rather than "a3"
    names = list(param_names) if param_names and len(param_names) == nargs and \
        len(set(param_names)) == nargs and all(n.isidentifier() for n in param_names) \
        else [f"a{i}" for i in range(nargs)]
    eparams = ", ".join(names)
    body = "".join(f"    _chk{k}({', '.join(names[i] for i in idx)})\n"
                   for k, (_, idx) in enumerate(checks))
    pro = "".join(f"    _pro{k}({', '.join(names[i] for i in idx)})\n"
                  for k, (_, idx) in enumerate(prologue))
    wsrc = f"def {name}_entry({eparams}):\n{body}{pro}    return _intr({eparams})\n"
    wns = {"_intr": own}
    wns.update({f"_chk{k}": fn for k, (fn, _) in enumerate(checks)})
    wns.update({f"_pro{k}": fn for k, (fn, _) in enumerate(prologue)})
    exec(wsrc, wns)
    entry = numba.njit(wns[f"{name}_entry"])
    if not checks:
        return intr, entry, cache, entry
    # calls from Python check their shadows in Python first (exactly, with better messages):
    # their entry point skips the compiled checks, which cost a Numba compilation of their own
    psrc = f"def {name}_pyentry({eparams}):\n{pro}    return _intr({eparams})\n"
    pns = {"_intr": own}
    pns.update({f"_pro{k}": fn for k, (fn, _) in enumerate(prologue)})
    exec(psrc, pns)
    return intr, entry, cache, numba.njit(pns[f"{name}_pyentry"])


def unique_symbol(base: str) -> str:
    return f"zymase.{base}.{next(_counter)}"


def ident(s: str) -> str:
    """``s`` with every character but letters and digits replaced by ``_``: a Python
    function's name made fit for a symbol or a generated function's name."""
    return "".join(c if c.isalnum() else "_" for c in s)

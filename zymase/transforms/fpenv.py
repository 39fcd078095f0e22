"""Run a derivative with subnormal numbers flushed to zero (``flush_subnormals=True``).

Why.  When an adjoint is scaled by a subnormal weight (e.g. a mixture model's posterior
``exp(a - max)`` far below 2.2e-308), every multiply and add downstream of it works on
subnormal operands, which x86 cores run through a microcode assist costing tens of cycles
each.  The CPU can instead treat subnormal inputs as zero (DAZ, MXCSR bit 6) and flush
subnormal results to zero (FTZ, bit 15); JAX/XLA run CPU code that way.  The derivative then
runs at normal speed, and contributions below the smallest normal number become exactly 0.

The algorithm (IR in, IR out, after the derivative transform and before O3):

1. The derivative ``@D`` is renamed ``@D.fpenv.body``, made internal and ``noinline``.
2. A new ``@D`` with the same type (``noinline`` too) reads the caller's MXCSR
   (``llvm.x86.sse.stmxcsr``), loads it with ``| 0x8040`` (``llvm.x86.sse.ldmxcsr``), calls the
   body, loads the saved word back and returns the body's result.
3. Every parallel-loop launch (``numba_parallel_for(@K, …)``) in the module gets the same
   treatment for its kernel: worker threads have their own MXCSR, so the launch is pointed at
   ``@K.fpenv`` (save / set / call ``@K`` / restore) and ``@K`` becomes ``noinline``.  Each
   worker restores its own register when its share of the loop ends.

Invariant: the caller's floating-point environment (and each worker's) is the one it had
before the call on every way out of the derivative.  The body has exactly one way back to the
wrapper — its return: Numba's convention reports exceptions (an ``IndexError``, the tape's
``MemoryError``) as a non-zero status in the return value, never by unwinding, so the restore
after the call runs on every exit.  (The sticky exception-flag bits of MXCSR are restored
too: flags the derivative raised are not reported to the caller, which Numba never reads.)

Why the body is a separate ``noinline`` function.  LLVM compiles ordinary (non-``strictfp``)
code under the assumption that the floating-point environment is the default one, so inside
one function it may move, hoist or sink floating-point arithmetic across the ``ldmxcsr``
intrinsics (they are side effects on memory, not on the arithmetic).  No pass moves an
instruction out of a callee that it cannot inline, so with every floating-point operation of
the derivative inside the ``noinline`` body, all of it runs between the set and the restore.
The wrapper itself is ``noinline`` for the mirror reason: inlined into a caller's code (an
``@njit`` function calling the derivative), the caller's own arithmetic could be scheduled
between the set and the restore.  The cost is two calls and four MXCSR accesses per
derivative call (and per worker share of a parallel loop).

Nesting.  A derivative of a flushed derivative differentiates the inner one's IR before the
wrapper is added, under its own ``flush_subnormals=True`` (``check_option``); code that calls
a flushed derivative (whose wrapper canonicalisation inlines) is differentiated only with the
option too (``check_calls``).  The MXCSR intrinsics are inactive calls in the rules table, so
activity analysis sees through them, and inside a flushed derivative they only re-load the
value already set.  Only x86-64 has this register; ``check_supported`` refuses the option
elsewhere.
"""
from __future__ import annotations

import platform
import re

from ..errors import UnsupportedError, internal, unsupported
from ..ir.builder import Builder
from ..ir.types import I32, PTR, VOID, FunctionType
from ..ir.values import Argument, Function, GlobalRef, Module, const_int

# MXCSR: DAZ (denormals are zero, bit 6) | FTZ (flush to zero, bit 15)
FLUSH_BITS = 0x8040
STMXCSR = "llvm.x86.sse.stmxcsr"
LDMXCSR = "llvm.x86.sse.ldmxcsr"
_MXCSR_TYPE = FunctionType(VOID, (PTR,))
BODY_SUFFIX = ".fpenv.body"
KERNEL_SUFFIX = ".fpenv"
LAUNCH = "numba_parallel_for"
# parameter attributes that change how an argument is passed (a call must repeat them)
_ABI_ATTRS = re.compile(r"\b(byval|sret|inalloca|preallocated|byref|inreg|swiftself|"
                        r"swifterror|swiftasync|zeroext|signext)\b")


def is_x86_64() -> bool:
    """This process runs on x86-64 (and LLVM generates code for it)."""
    import llvmlite.binding as llvm
    return platform.machine().lower() in ("x86_64", "amd64") and \
        llvm.get_process_triple().startswith("x86_64")


def check_supported() -> None:
    """Refuse ``flush_subnormals=True`` where there is no MXCSR to set."""
    if not is_x86_64():
        raise UnsupportedError(
            f"error: flush_subnormals=True is supported on x86-64 only (it sets the FTZ and "
            f"DAZ bits of the SSE control register MXCSR); this machine is "
            f"{platform.machine() or 'unknown'}\n  = help: leave flush_subnormals=False")


def check_option(flush, inner, mode) -> bool:
    """The ``flush_subnormals=`` option of a derivative (``inner``: the derivative it
    differentiates, or None): x86-64 only; a flushed derivative is differentiated again only by
    a flushed one, which then flushes the whole computation (the inner one is differentiated
    unwrapped: ``Derivative._transform`` returns the IR before this module runs)."""
    if flush:
        check_supported()
    if inner is not None and inner.flush_subnormals and not flush:
        raise UnsupportedError(
            f"error: `{inner.__name__}` was built with flush_subnormals=True, so its "
            f"derivative must flush subnormals too\n  = help: pass flush_subnormals=True to "
            f"this autodiff_{mode.value} as well (the whole computation then runs with "
            f"subnormals flushed), or build the inner derivative without it")
    return bool(flush)


def check_calls(module: Module, flush: bool) -> None:
    """The code to differentiate calls a derivative built with ``flush_subnormals=True`` (its
    wrapper, inlined by canonicalisation) or sets MXCSR itself: that is differentiated only
    under ``flush=True``, where the whole derivative runs flushed, so the inner set and
    restore re-load the value already there and arithmetic LLVM moves across them sees the
    same mode.  Without it the flushed region's bounds would be wherever LLVM left them."""
    if flush:
        return
    for fn in module.defined():
        for i in fn.instructions():
            if i.opcode == "call" and i.callee_name == LDMXCSR:
                raise unsupported(
                    "a call of a derivative built with flush_subnormals=True (or code that "
                    "sets the SSE control register MXCSR)", i.loc,
                    "pass flush_subnormals=True to this derivative too: the whole "
                    "computation then runs with subnormals flushed")


def _no_inline(fn: Function) -> None:
    attrs = re.sub(r"\b(alwaysinline|inlinehint)\b", "", fn.attrs or "").split()
    if "noinline" not in attrs:
        attrs.append("noinline")
    fn.attrs = " ".join(attrs)


def _emit_wrapper(module: Module, name: str, callee: str, like: Function,
                  linkage: str) -> Function:
    """``@name``, of ``like``'s type: save MXCSR, set FTZ|DAZ, call ``@callee``, restore."""
    for a in like.args:
        if _ABI_ATTRS.search(a.attrs or ""):
            # the call below passes plain values; Numba's convention never has these
            raise internal(name, "flush_subnormals cannot wrap a parameter passed as "
                           f"`{a.attrs}`", "transforms/fpenv.py wraps plain parameters only")
    # the wrapper's parameters promise what the body's do (it only passes them on)
    params = [Argument(a.type, f"a{k}", a.attrs) for k, a in enumerate(like.args)]
    w = Function(name, like.ret_type, params, like.vararg)
    w.linkage = linkage
    w.attrs = "noinline"
    module.add_function(w)
    b = Builder(module, w.add_block("entry"))
    saved = b.alloca(I32, "mxcsr.saved")
    flushed = b.alloca(I32, "mxcsr.flushed")
    b.call(STMXCSR, _MXCSR_TYPE, [saved])
    word = b.load(I32, saved)
    b.store(b.binop("or", word, const_int(I32, FLUSH_BITS)), flushed)
    b.call(LDMXCSR, _MXCSR_TYPE, [flushed])
    r = b.call(callee, like.fnty, params)
    b.call(LDMXCSR, _MXCSR_TYPE, [saved])
    b.ret(None if like.ret_type == VOID else r)
    return w


def flush_subnormals(module: Module, symbol: str) -> None:
    """Make ``@symbol`` (the derivative) and every parallel kernel its module launches run
    with FTZ|DAZ set, restoring the caller's (each worker's) MXCSR on return."""
    body = module.functions.pop(symbol)
    linkage = body.linkage
    body.name = symbol + BODY_SUFFIX
    body.linkage = "internal"
    _no_inline(body)
    module.add_function(body)
    _emit_wrapper(module, symbol, body.name, body, linkage)
    _wrap_kernels(module)


def _wrap_kernels(module: Module) -> None:
    """Point every ``numba_parallel_for`` launch in the module at a save/set/restore wrapper
    of its kernel (one per kernel): each worker thread flushes, then gets its MXCSR back."""
    wrapped = {}
    for fn in list(module.defined()):
        for i in fn.instructions():
            if i.opcode != "call" or i.callee_name != LAUNCH:
                continue
            ref = i.operands[0]
            if not isinstance(ref, GlobalRef) or ref.name not in module.functions or \
                    module.functions[ref.name].is_declaration:
                # parallel.py / parfor_launch.py refuse such launches before this runs;
                # a kernel we cannot see must never run unflushed
                raise unsupported("flush_subnormals with a parallel loop whose kernel is not "
                                  "in the derivative's module", i.loc,
                                  "leave flush_subnormals=False for this function")
            if ref.name not in wrapped:
                kernel = module.functions[ref.name]
                _no_inline(kernel)
                wrapped[ref.name] = _emit_wrapper(module, ref.name + KERNEL_SUFFIX, ref.name,
                                                  kernel, "internal").name
            i.operands[0] = GlobalRef(wrapped[ref.name])

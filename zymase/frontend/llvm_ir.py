"""Functions in LLVM IR from other compilers (clang, rustc), under the C ABI.

A function such as ``double f(double *x, long n)`` is differentiated from its ``.ll`` text:
the module is canonicalised around it (everything it calls that has a body is inlined, then
SROA, instcombine, GVN, loop-simplify — transforms/…, llvm/pipelines.py), read into the IR
model, and given a ``DerivSignature`` built from its IR parameter types and the activities
asked for.  The derivative is added to the module next to the primal.

Activities, one per IR parameter (as Enzyme infers them without markers: a float is active,
a pointer is followed by its shadow, an integer is constant):

================  ============================  ===================================
parameter         reverse mode                  forward mode
================  ============================  ===================================
float scalar      ``Active`` (default), Const   ``Dual`` (default), ``DualOnly``, Const
pointer           ``Duplicated`` (default),     ``Dual`` (default), ``DualOnly``, Const
                  ``DuplicatedOnly``, Const
integer, other    Const                         Const
================  ============================  ===================================

The derivative's ABI follows Enzyme's ``__enzyme_autodiff`` / ``__enzyme_fwddiff``:

* parameters: every primal parameter in order; a ``Duplicated``/``Dual`` pointer is followed
  by its shadow (``double *x, double *dx``), a ``Dual`` float by its tangent
  (``double a, double da``).  With width N (forward mode; Enzyme's ``enzyme_width``) each
  shadow or tangent is N parameters: ``x, dx_1, …, dx_N``.  No seed parameter.
* reverse mode: the adjoint of a float result is 1.0 (Enzyme's convention: no seed
  argument; scale the results for another seed).  The adjoint of the contents of each
  Duplicated pointer on exit is what its shadow holds on entry, and the gradient is *added*
  into the shadow.  The derivative returns the adjoints of the Active float parameters, in
  order: ``void`` when there is none, a ``double`` when there is one, a literal struct
  ``{double, double, …}`` when there are several.  With ``ret=Active`` (instead of the
  default ``ActiveOnly``) the primal result comes first in that struct; with ``ret=Const``
  the result carries no derivative (only the shadows do).
* forward mode: the derivative returns the tangent of the result (``ret=DualOnly``, the
  default: ``double``; ``[N x double]`` at width N), or ``{primal, tangent}``
  (``ret=Dual``), or nothing (``ret=Const``, or a void function).  Shadows of written
  memory receive the tangents of what is written (overwritten).
* no status and no exceptions: the primal returns its result directly and always succeeds.

As C code calls it (width 1):

.. code-block:: c

    double df(double *x, double *dx, long n);              /* reverse, dup,const: void */
    double g_b(double *x, double *dx, double a, long n);   /* reverse, dup,active,const */
    double f_t(double *x, double *dx, long n);             /* forward, dual,const */

(``df`` above returns ``void``: ``f`` has no Active float parameter; its gradient lands in
``dx``.)  ``differentiate_ll`` returns the module text with the derivative under ``name``
(default ``<function>.zymase.<mode>``).

Any compiler's output is accepted (``foreign.py``): clang -O0 and rustc opt-level 0 (their
``optnone``/``noinline`` are dropped on the copy that is differentiated), C++ exceptions and
Rust's panic=unwind (``invoke`` is lowered to ``call``: landing pads never reach the
derivative), Rust's allocator and C++'s ``new``/``delete`` (allocations with shadows), panics
and other ``noreturn`` calls (inactive).  The derivative calls what the primal called: link it
with the same runtime (libstdc++, Rust's std) as the primal.  For calling such functions from
Python, see ``llvm_function.py``.
"""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

from .. import activities as A
from ..errors import UnsupportedError
from ..ir.values import Function, Module
from ..transforms.c_signature import c_signature, default_activities

def prepare_ll(text: str, name: str, inactive: frozenset = frozenset(),
               protect: frozenset = frozenset(),
               also_keep: frozenset = frozenset()) -> Tuple[Module, Function]:
    """Canonicalise ``text`` around function ``name`` and read it into the IR model.

    What any compiler's module needs first (``foreign.py``): ``optnone``/``noinline`` go
    (clang -O0, rustc opt-level 0), and ``invoke`` becomes ``call`` so that landing pads,
    cleanups and ``resume`` never reach the derivative.  Functions named in ``inactive`` stay
    calls (not inlined) that carry no derivative; those in ``protect`` stay calls (a rule of
    their own); those in ``also_keep`` stay in the module (functions the derivative calls)."""
    import llvmlite.binding as llvm
    from ..ir.parser import parse_module
    from ..llvm import pipelines
    from .foreign import for_differentiation, lower_invokes, refuse_unwinding
    from ..transforms.tape import forget_kept_blocks_text
    mod = pipelines.parse(for_differentiation(forget_kept_blocks_text(text)))
    lower_invokes(mod)
    defined = {f.name: f for f in mod.functions if not f.is_declaration}
    if name not in defined:
        found = ", ".join(sorted(defined)) or "none"
        raise UnsupportedError(f"error: the module defines no function @{name}\n  = note: "
                               f"it defines: {found}")
    if defined[name].linkage in (llvm.Linkage.internal, llvm.Linkage.private):
        defined[name].linkage = llvm.Linkage.external   # canonicalise keeps it by name
    pipelines.canonicalise(mod, name, protect=frozenset(inactive) | frozenset(protect),
                           also_keep=frozenset(also_keep), thread_jumps=True)
    out = str(mod)
    refuse_unwinding(out, name)
    module = parse_module(out)
    if inactive:
        from ..rules.calls import INACTIVE_FUNCTIONS
        module.__dict__[INACTIVE_FUNCTIONS] = frozenset(inactive)
    return module, module.functions[name]


def differentiate_ll(text: str, name: str, mode: A.Mode,
                     activities: Optional[Sequence[A.Activity]] = None,
                     ret: Optional[A.Activity] = None, width: int = 1,
                     symbol: Optional[str] = None, opt_level: int = 3,
                     inactive: frozenset = frozenset(), shadow_globals: Optional[list] = None,
                     context: bool = False):
    """Differentiate C-ABI function ``name`` of the LLVM module ``text``.

    Returns ``(module text, DerivResult)``: the module (verified by LLVM, optimised at
    ``opt_level``) holds the primal and its derivative ``symbol`` (default
    ``<name>.zymase.<mode>``); functions other than those two are internal.  Calls of the
    functions named in ``inactive`` carry no derivative (Enzyme's ``enzyme_inactive``).

    ``shadow_globals``: a list to receive ``(name, value type)`` of each mutable global the
    function writes, made a parameter of it with a shadow (``c_globals.py``): the derivative
    then takes, after its own parameters, each such global and its shadow(s), like a
    Duplicated / Dual pointer.  Without it (None) globals stay constants.  ``context``: the
    caller takes the shadows from an Enzyme context, so globals only read get one too."""
    from ..ir.printer import print_module
    from ..llvm import pipelines
    from ..pipeline import link_extra
    from ..rules.helpers import link_helpers
    from ..errors import internal
    from ..transforms import differentiate
    from .c_custom import prepare as custom_rules_of
    from ..rules.table import custom_rules
    from .c_custom import allocation_like, pointer_derivatives
    from ..rules.table import custom_allocators, custom_pointer_derivatives
    extra, rules, registered, partial_fns = custom_rules_of(text)
    allocators = allocation_like(text)
    pointer_fwd = pointer_derivatives(text)
    module, primal = prepare_ll(text + extra, name, inactive,
                                registered | frozenset(allocators) | frozenset(pointer_fwd),
                                partial_fns | frozenset(
                                    n for d in pointer_fwd.values() for n in d.values()))
    from ..transforms.scalarize import scalarize_module
    # before the recursion rewrite reads the callees' parameter types (differentiate scalarises
    # again, for the Numba route; a scalar function is left as it is)
    scalarize_module(module, primal)
    with custom_rules(rules), custom_allocators(allocators), \
            custom_pointer_derivatives(pointer_fwd):
        from .c_calls import lower_posix_memalign, status_convention
        lower_posix_memalign(module, primal)
        from .c_indirect import guard_indirect_calls
        guard_indirect_calls(module, primal)
        status_convention(module, primal)
        acts = tuple(activities) if activities is not None else None
        if shadow_globals is not None:
            from .c_globals import drop_hints, thread_globals
            drop_hints(primal)
            threaded = thread_globals(module, primal, context)
            shadow_globals.extend(threaded)
            if acts is not None:
                acts += (A.Duplicated if mode is A.Mode.REVERSE else A.Dual,) * len(threaded)
        if acts is None:
            acts = default_activities(primal, mode)
        sig = c_signature(primal, acts, mode, ret, width)
        symbol = symbol or f"{name}.zymase.{mode.value}"
        if symbol in module.functions:
            raise UnsupportedError(f"error: the module already defines @{symbol}\n  = help: "
                                   f"choose another name")
        res = differentiate(module, primal, sig, symbol)
    out = print_module(module)
    try:
        mod = pipelines.parse(out)
    except RuntimeError as e:
        detail = " | ".join(str(e).strip().splitlines()[:2])
        raise internal(f"@{name}", "it produced invalid LLVM IR", f"LLVM: {detail}") from None
    link_helpers(mod)
    link_extra(mod, getattr(module, "extra_ir", {}))
    for f in mod.functions:
        if not f.is_declaration and f.name not in (name, symbol):
            f.linkage = "internal"
    if opt_level:
        pipelines.optimise(mod, opt_level)
    mod.verify()
    return str(mod), res

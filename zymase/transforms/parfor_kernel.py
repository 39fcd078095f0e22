"""The derivative of a parallel loop's kernel, built once per module.

``kernel_derivative`` differentiates kernel ``K(args, dims, steps, data)`` with ``args``
carrying shadows: in forward mode with ``width`` lanes, in reverse mode with one (the adjoint
sweep launches it once per lane).  Slots that receive pointers without a derivative (the
schedule, Const arrays: ``const_slots``) are read from ``data`` instead by a *specialised*
copy of the kernel (``specialise``), so the derivative sees them as inactive.  In reverse
mode it registers the slots the kernel only reads (``parfor_checks.check_kernel``), whose
loads the tape plan may recompute (``parallel.readonly_origins``).  ``atomic_variant`` is the
copy whose accumulations into shared-read shadows are atomic (``parfor_atomics.py``).
"""
from __future__ import annotations

from .. import activities as A
from ..analysis.parfor_slots import offset_slot
from ..ir.builder import Builder
from ..ir.types import VOID
from ..ir.values import Argument, Function, Module
from .parfor_launch import Launch


def const_slots(launch: Launch, active) -> frozenset:
    """The slots of ``args`` that receive pointers without a derivative (the schedule, Const
    arrays)."""
    from .parfor_checks import stored_slots
    return frozenset(j for j, v in stored_slots(launch.args).items() if v not in active)


def specialise(module: Module, kernel: Function, const: frozenset) -> Function:
    """A copy of the kernel that reads the pointers of the ``const`` slots from its
    ``data`` parameter instead of ``args``: launched with ``data = args``, it computes the
    same, and its derivative sees those pointers as inactive (no shadow is read for them)."""
    from .clone import clone_into
    if not const:
        return kernel
    name = f"{kernel.name}.zy.c" + "_".join(map(str, sorted(const)))
    if name in module.functions:
        return module.functions[name]
    f = Function(name, VOID, [Argument(a.type, a.name) for a in kernel.args])
    f.linkage = "internal"
    f.attrs = kernel.attrs
    f.is_declaration = False
    module.add_function(f)
    clone_into(kernel, f, dict(zip(kernel.args, f.args)))
    base, data = f.args[0], f.args[3]
    for i in list(f.instructions()):
        if i.opcode == "load" and i.type.is_pointer and offset_slot(i.operands[0], base) in const:
            q = i.operands[0]
            if q is base:
                i.operands[0] = data
            else:
                i.operands[0] = Builder(module).before(i).gep(q.src_type, data, q.operands[1:])
    return f


def kernel_derivative(module: Module, kernel: Function, mode: A.Mode, width: int,
                      const: frozenset = frozenset()) -> str:
    """The derivative of kernel ``K(args, dims, steps, data)`` with ``args`` carrying
    shadows (``width`` lanes in forward mode; reverse mode has width 1, the caller launches
    it once per lane): ``K'(args, dargs_1..N, dims, steps, args)`` — the ``const`` slots'
    pointers are read from the last parameter (``specialise``).  Built once per module."""
    memo = module.__dict__.setdefault("zymase_parfor_derivs", {})
    key = (kernel.name, mode, width, const)
    if key in memo:
        return memo[key]
    plan_of = kernel
    kernel = specialise(module, kernel, const)
    # Numba's wraparound fix-ups of indices proven non-negative (``j - 1`` in ``range(1,
    # m)``) go, as in the primal (pipeline.py): cheaper adjoint addresses, stencil windows
    from .sign_checks import fold_sign_checks
    fold_sign_checks(kernel)
    from .c_signature import c_signature
    from . import differentiate
    shadowed = A.Dual if mode is A.Mode.FORWARD else A.Duplicated
    sig = c_signature(kernel, (shadowed, A.Const, A.Const, A.Const), mode, ret=A.Const,
                      width=width)
    tag = "fwd" if mode is A.Mode.FORWARD else "rev"
    name = f"{kernel.name}.zy.{tag}.w{width}"
    if mode is A.Mode.REVERSE:
        from .parfor_checks import check_kernel
        plan = check_kernel(plan_of)
        only_read = plan.reads - plan.writes - plan.reductions
        # (slots read through ``args``, slots read through ``data``: ``specialise``)
        module.__dict__.setdefault("zymase_parfor_readonly", {})[kernel.name] = \
            (frozenset(only_read - const), frozenset(only_read & const))
    res = differentiate(module, kernel, sig, name)
    res.function.linkage = "internal"
    memo[key] = name
    from ..pipeline import debug_flags, dprint
    if mode is A.Mode.REVERSE:
        dprint(debug_flags(), "tape", name, res.transform.report)
    return name


def atomic_variant(module: Module, plain: str, plan) -> str:
    """A copy of reverse kernel ``plain`` whose accumulations into the shadows of
    shared-read slots are atomic (``parfor_atomics.py``)."""
    from .clone import clone_into
    from .parfor_atomics import make_accumulations_atomic
    name = f"{plain}.atomic"
    if name in module.functions:
        return name
    src = module.functions[plain]
    f = Function(name, src.ret_type, [Argument(a.type, a.name) for a in src.args])
    f.linkage, f.attrs, f.is_declaration = "internal", src.attrs, False
    module.add_function(f)
    clone_into(src, f, dict(zip(src.args, f.args)))
    make_accumulations_atomic(f, plan)
    return name

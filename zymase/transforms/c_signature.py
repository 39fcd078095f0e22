"""The derivative signature of a function under the C ABI (Enzyme's ``__enzyme_autodiff``
calling convention; ``frontend/llvm_ir.py`` describes it): which activities each parameter may
take, the derivative's parameters (a shadow after each Duplicated/Dual pointer or float, ``width``
of them in forward mode), its results (primal, adjoints of Active floats, tangents) and the seed.

A transform-level description, used by the C front end and by the parallel-loop transform for
the kernels Numba outlines (``transforms/parallel.py``), so it lives below both.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from .. import activities as A
from ..errors import ActivityError, unsupported
from ..ir.types import I8, ArrayType, StructType, Type, VOID
from ..ir.values import Function
from .signature import (DerivSignature, FloatInput, Lanes, Output, Param, PointerInput,
                        Results, ReturnSpec, Seed)


_ALLOWED = {
    A.Mode.REVERSE: {"float": (A.Const, A.Active),
                     "pointer": (A.Const, A.Duplicated, A.DuplicatedOnly)},
    A.Mode.FORWARD: {"float": (A.Const, A.Dual, A.DualOnly),
                     "pointer": (A.Const, A.Dual, A.DualOnly)},
}


def default_activities(fn: Function, mode: A.Mode) -> Tuple[A.Activity, ...]:
    """Enzyme's activities without markers: floats active, pointers duplicated, the rest
    constant."""
    out = []
    for a in fn.args:
        if a.type.is_float:
            out.append(A.Active if mode is A.Mode.REVERSE else A.Dual)
        elif a.type.is_pointer:
            out.append(A.Duplicated if mode is A.Mode.REVERSE else A.Dual)
        else:
            out.append(A.Const)
    return tuple(out)


def c_signature(fn: Function, activities: Sequence[A.Activity], mode: A.Mode,
                ret: Optional[A.Activity] = None, width: int = 1) -> DerivSignature:
    """The ``DerivSignature`` of the derivative of C-ABI function ``fn`` (see the module
    docstring for the ABI).  ``ret``: the return activity (default ``ActiveOnly`` in
    reverse mode, ``DualOnly`` in forward mode, for a float result; Const otherwise)."""
    name = fn.name
    if len(activities) != len(fn.args):
        raise ActivityError(f"error: expected {len(fn.args)} activities for @{name}, found "
                            f"{len(activities)}\n  = help: one per parameter, e.g. "
                            + ",".join(a.name.lower() for a in default_activities(fn, mode)))
    if width < 1:
        raise ActivityError(f"error: width must be >= 1, found {width}")
    if width > 1 and mode is A.Mode.REVERSE:
        raise unsupported("a batched (width > 1) reverse-mode derivative under the C ABI",
                          help="use width 1, or forward mode")
    rt = fn.ret_type
    floating = rt.is_float
    if ret is None:
        ret = (A.ActiveOnly if mode is A.Mode.REVERSE else A.DualOnly) if floating else A.Const
    valid = (A.Const, A.Active, A.ActiveOnly) if mode is A.Mode.REVERSE else \
        (A.Const, A.Dual, A.DualOnly)
    if ret not in valid or (ret is not A.Const and not floating):
        raise ActivityError(f"error: return activity `{ret}` is not valid in {mode.value} mode "
                            f"for @{name}, which returns {rt}\n  = help: use "
                            + (", ".join(map(str, valid)) if floating else "Const"))
    params: List[Param] = []
    primal_param, inputs = {}, []
    for k, (a, act) in enumerate(zip(fn.args, activities)):
        pname = f"a{k}"
        kind = "float" if a.type.is_float else "pointer" if a.type.is_pointer else "other"
        allowed = _ALLOWED[mode].get(kind, (A.Const,))
        if act not in allowed:
            raise ActivityError(f"error: `{act}` is not valid in {mode.value} mode for parameter "
                                f"{k} of @{name} (type {a.type})\n  = help: use one of "
                                + ", ".join(map(str, allowed)))
        primal_param[k] = len(params)
        params.append(Param(a.type, pname))
        if act is A.Active:
            inputs.append(FloatInput(pname, k, a.type, act))
        elif act.has_shadow:
            lanes = Lanes(tuple(range(len(params), len(params) + width)))
            params += [Param(a.type, f"d{pname}" + (f".{j}" if width > 1 else ""))
                       for j in range(width)]
            if kind == "float":
                inputs.append(FloatInput(pname, k, a.type, act, lanes))
            else:
                inputs.append(PointerInput(pname, k, act, lanes))
    kind = "none" if rt == VOID else "float" if floating else "other"
    retspec = ReturnSpec(kind, rt if kind != "none" else I8, describe=str(rt))
    outputs: List[Output] = []
    if mode is A.Mode.REVERSE:
        if ret is A.Active:
            outputs.append(Output("primal", rt))
        outputs += [Output("adjoint", i.type, i) for i in inputs
                    if isinstance(i, FloatInput) and i.activity is A.Active]
    else:
        if ret is A.Dual:
            outputs.append(Output("primal", rt))
        if ret in (A.Dual, A.DualOnly):
            outputs.append(Output("tangent", rt if width == 1 else ArrayType(width, rt),
                                  pack="value" if width == 1 else "aggregate"))
    rtype: Optional[Type] = None
    if len(outputs) == 1:
        rtype = outputs[0].type
    elif outputs:
        rtype = StructType(tuple(o.type for o in outputs))
    seed = Seed(constant=1.0) if mode is A.Mode.REVERSE and ret in (A.Active, A.ActiveOnly) \
        else None
    return DerivSignature(mode, ret, width, params, inputs, primal_param, retspec,
                          Results(outputs, rtype), seed, None, name)

"""Calls that stay calls: derivatives of functions defined in the module that canonicalisation
could not inline — recursive ``@njit`` functions (self- or mutually recursive).

Canonicalisation inlines every callee it can, so the transforms normally see one flat
function.  A recursive callee cannot be inlined away: after inlining, a call to a function
whose body is in the module remains.  Such a call is differentiated by differentiating the
callee itself, as Enzyme does, with a forward derivative function per (callee, which float
arguments carry derivatives):

* forward:  ``i32 @G.zy.fwd.<mask>(ptr out, ptr excinfo, <G's arguments>, <tangents of the
  active float arguments>)`` stores ``{primal, tangent}`` through ``out``.  The caller's call of
  G is *replaced* by a call of the derivative (its primal output goes where G wrote its
  result), so a recursion of depth n costs n calls, like the primal; at width N lanes 1..N-1
  call it again with their tangents (the callee derivative has width 1).
* reverse:  the caller's forward sweep keeps its call of G and calls G's forward derivative
  once per active float argument, with that argument's unit tangent: the partial derivatives
  ∂G/∂a_j of the (scalar) result go to a heap block, and the adjoint sweep adds
  ``ȳ · ∂G/∂a_j`` to each argument's adjoint (every lane at width N).  For scalar callees this
  costs (k+1) primal calls for k active arguments — linear in the recursion's depth, where a
  combined reverse derivative recomputed at every level would be quadratic.

The memo (per module) is filled *before* a derivative is built, so the recursive call inside
the callee finds the derivative being built and calls it: the recursion of the primal becomes
the recursion of its derivative.

Supported: callees in Numba's calling convention (``i32 @G(ptr retptr, ptr excinfo, …)``)
whose arguments are float and integer scalars and whose result is a float (or nothing).
Callees taking arrays or pointers, or returning tuples, are refused by name: their memory may
change between the call and the adjoint sweep, which recomputation would not see.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from .. import activities as A
from ..errors import unsupported
from ..ir.types import I32, PTR, FunctionType, StructType, Type
from ..ir.values import Function, Instruction, Module, Value
from ..rules.calls import python_name
from .signature import (DerivSignature, FloatInput, Lanes, Output, Param, Results,
                        ReturnSpec)


def _result_types(callee: Function) -> Optional[set]:
    """The types the callee stores through its return slot (its first parameter); None when
    the slot is used any other way (a tuple written field by field, the slot passed on)."""
    slot = callee.args[0]
    types = set()
    for i in callee.instructions():
        if slot not in i.operands:
            continue
        if i.opcode == "store" and i.operands[1] is slot and i.operands[0] is not slot:
            types.add(i.operands[0].type)
        else:
            return None
    return types


def check_callee(callee: Function, loc) -> Optional[Type]:
    """Refuses what this module cannot differentiate; returns the result's type: a float,
    a struct of floats (a forward derivative's ``{primal, tangent}``, met when a derivative
    is differentiated again), or None for a function that returns nothing."""
    what = f"a call of the recursive function `{python_name(callee.name)}`"
    for a in callee.args[2:]:
        if not (a.type.is_float or a.type.is_int):
            raise unsupported(f"{what} with array or pointer arguments", loc,
                              help="recursive functions are differentiated when their "
                                   "arguments are float and integer scalars; pass indices "
                                   "instead of arrays, or write the recursion as a loop")
    types = _result_types(callee)
    if types is not None and not types:
        return None
    rt = types.pop() if types is not None and len(types) == 1 else None
    if rt is None or not (rt.is_float or (
            isinstance(rt, StructType) and all(e.is_float for e in rt.elements))):
        raise unsupported(f"{what} returning a tuple or a non-float value", loc,
                          help="recursive functions are differentiated when they return a "
                               "float")
    return rt


def _signature(callee: Function, mask: Tuple[bool, ...], rt: Type,
               name: str) -> DerivSignature:
    """The forward derivative's: ``(out, excinfo, <G's arguments>, <tangents>)``, result
    ``{primal, tangent}`` through ``out``, status returned."""
    nparams = len(callee.args)
    params = [Param(PTR, "out", "noalias"), Param(PTR, "excinfo", "noalias")]
    params += [Param(a.type, f"a{k}") for k, a in enumerate(callee.args[2:])]
    primal_param = {k: k for k in range(2, nparams)}
    inputs: List[FloatInput] = []
    for k, on in enumerate(mask):
        if not on:
            continue
        p = callee.args[2 + k]
        params.append(Param(p.type, f"t{k}"))
        inputs.append(FloatInput(f"a{k}", 2 + k, p.type, A.Dual, Lanes((len(params) - 1,))))
    ret = ReturnSpec("float", rt, slot=0, status=True, excinfo=1, describe=str(rt))
    outs = [Output("primal", rt), Output("tangent", rt)]
    rtype = outs[0].type if len(outs) == 1 else StructType(tuple(o.type for o in outs))
    return DerivSignature(A.Mode.FORWARD, A.Dual, 1, params, inputs, primal_param, ret,
                          Results(outs, rtype, slot=0), None, excinfo=1, name=name)


def derivative(module: Module, callee: Function, mask: Tuple[bool, ...],
               rt: Type) -> Tuple[str, DerivSignature]:
    """The name and signature of ``callee``'s forward derivative with the float arguments
    ``mask`` active, built in ``module`` on first use."""
    memo: Dict[tuple, Tuple[str, DerivSignature]] = module.__dict__.setdefault(
        "zymase_callee_derivs", {})
    key = (callee.name, mask)
    if key in memo:
        return memo[key]
    bits = "".join("1" if m else "0" for m in mask)
    name = f"{callee.name}.zy.fwd.{bits}"
    sig = _signature(callee, mask, rt, python_name(callee.name))
    memo[key] = (name, sig)
    from . import differentiate
    res = differentiate(module, callee, sig, name)
    res.function.linkage = "internal"
    return name, sig


class CallSite:
    """A call of a defined callee in reverse mode, for the adjoint sweep: which scalar
    arguments are active, the return slot (whose shadow holds the result's adjoint) and the
    exception info."""

    def __init__(self, callee: Function, inst: Instruction, rt: Type, mask: Tuple[bool, ...]):
        self.callee, self.inst, self.rt, self.mask = callee, inst, rt, mask
        self.args = call_args(inst)
        self.retptr, self.excinfo = inst.operands[0], inst.operands[1]


def call_type(sig: DerivSignature) -> FunctionType:
    return FunctionType(I32, tuple(p.type for p in sig.params))


def active_mask(i: Instruction, active) -> Tuple[bool, ...]:
    """Which of a call's scalar arguments carry a derivative."""
    return tuple(a.type.is_float and a in active for a in i.operands[2:])


def call_args(i: Instruction) -> List[Value]:
    return list(i.operands[2:])

"""Recursive C functions with pointer arguments, in reverse mode: a combined reverse
derivative per callee, called in the caller's adjoint sweep.

``callees.py`` differentiates recursive functions of scalars through their forward
derivative (one call per active float argument).  That cannot serve a callee that reads an
array — ``float tile_sum(float *data, long lo, long hi)`` recursing on halves — whose inputs
are the whole array.  Such a callee gets a *reverse* derivative of its own, as Enzyme builds
one per called function:

    R_G(<G's arguments, each active pointer followed by its shadow>, double ȳ)
        -> the adjoints of G's active float arguments (a float, or a struct of them);
           ȳ · ∂G/∂*p is added into the shadow of each active pointer p

built by the ordinary reverse transform with a seed parameter; the recursive call inside G
is again such a call, so R_G calls itself.  The caller's forward sweep keeps its call of G
(the primal value); its adjoint sweep calls R_G where the call's adjoint belongs, with the
call's arguments (taped or recomputed like any operand) and the result's adjoint.  R_G runs
G's forward sweep again — recomputation instead of a tape across the call, which costs a
factor of the recursion depth for linear recursion and ``log n`` for divide and conquer.

Exactness needs the memory G reads to be the same in the adjoint sweep as at the call:
so G must write no memory at all (``front end: c_calls.reverse_callees``), and the caller must
not write memory derived from the same arguments anywhere (checked here, conservatively, from
the origins of the pointers involved); otherwise the call is refused by name.  Width 1 and
reverse mode only (forward mode: refused by name).
"""
from __future__ import annotations

from typing import Dict, List, Tuple

from .. import activities as A
from ..errors import unsupported
from ..ir.types import PTR, StructType
from ..ir.values import Constant, Function, Instruction, Module, Value
from .signature import (DerivSignature, FloatInput, Lanes, Output, Param, PointerInput,
                        Results, ReturnSpec, Seed)

class CCalleeSite:
    """A call of such a callee: which float arguments and pointers carry derivatives."""

    def __init__(self, callee: Function, inst: Instruction, floats: Tuple[bool, ...],
                 pointers: Tuple[bool, ...]):
        self.callee, self.inst = callee, inst
        self.floats, self.pointers = floats, pointers
        self.args: List[Value] = list(inst.operands)


def masks(i: Instruction, act) -> Tuple[Tuple[bool, ...], Tuple[bool, ...]]:
    floats = tuple(a.type.is_float and a in act for a in i.operands)
    pointers = tuple(a.type.is_pointer and a in act for a in i.operands)
    return floats, pointers


def _signature(callee: Function, floats, pointers, name: str) -> DerivSignature:
    params: List[Param] = []
    inputs = []
    primal_param: Dict[int, int] = {}
    for k, a in enumerate(callee.args):
        primal_param[k] = len(params)
        params.append(Param(a.type, f"a{k}"))
        if pointers[k]:
            params.append(Param(PTR, f"da{k}"))
            inputs.append(PointerInput(f"a{k}", k, A.Duplicated, Lanes((len(params) - 1,))))
        elif floats[k]:
            inputs.append(FloatInput(f"a{k}", k, a.type, A.Active))
    rt = callee.ret_type
    params.append(Param(rt, "seed"))
    seed = Seed(lanes=Lanes((len(params) - 1,)))
    outputs = [Output("adjoint", i.type, i) for i in inputs if isinstance(i, FloatInput)]
    rtype = None
    if len(outputs) == 1:
        rtype = outputs[0].type
    elif outputs:
        rtype = StructType(tuple(o.type for o in outputs))
    retspec = ReturnSpec("float", rt, describe=str(rt))
    return DerivSignature(A.Mode.REVERSE, A.ActiveOnly, 1, params, inputs, primal_param,
                          retspec, Results(outputs, rtype), seed, None, name)


def reverse_derivative(module: Module, callee: Function, floats, pointers
                       ) -> Tuple[str, DerivSignature]:
    memo = module.__dict__.setdefault("zymase_c_callee_derivs", {})
    key = (callee.name, floats, pointers)
    if key in memo:
        return memo[key]
    bits = "".join("1" if f else "p" if p else "0" for f, p in zip(floats, pointers))
    name = f"{callee.name}.zy.crev.{bits}"
    sig = _signature(callee, floats, pointers, callee.name)
    memo[key] = (name, sig)
    from . import differentiate
    res = differentiate(module, callee, sig, name)
    res.function.linkage = "internal"
    return name, sig


def _after(fn: Function, i: Instruction):
    """The instructions that may run after ``i`` (later in its block, or anywhere reachable
    from it, its own block included when it is on a cycle)."""
    block = i.block
    out = list(block.instructions[block.instructions.index(i) + 1:])
    seen, todo = set(), list(block.successors())
    while todo:
        b = todo.pop()
        if b in seen:
            continue
        seen.add(b)
        out.extend(b.instructions if b is not block else block.instructions)
        todo.extend(b.successors())
    return out


def check_stable(fn: Function, types, i: Instruction, callee: Function) -> None:
    """Refuses the call when ``fn`` may write, after the call, memory that the callee's
    pointer arguments may reach (the adjoint sweep re-runs the callee on that memory).

    The aliasing rule is the write analysis's (``analysis/writes.py``): memory the function
    makes itself (``fresh_origins``) is distinct from every other origin; any two other
    origins — two pointer arguments, a pointer loaded from memory — may be the same memory.
    ``free`` is no such write: reverse mode defers the ``free`` of memory such a callee reads
    to the end of the adjoint sweep (``AugmentedSweep._reread_by_callee``)."""
    from ..analysis.writes import fresh_origins, written_pointers
    read = set()
    for a in i.operands:
        if a.type.is_pointer:
            read |= types.origins_of(a)
    if not read:
        return
    fresh = fresh_origins(fn, types)
    unknown_read = bool(read - fresh)
    for w in _after(fn, i):
        if w.opcode == "call" and w.callee_name == callee.name:
            continue
        targets = written_pointers(w)
        if targets is None:
            targets = [o for o in w.operands if o.type.is_pointer]
        for t in targets:
            if isinstance(t, Constant):
                continue
            origins = types.origins_of(t)
            if origins & read or (unknown_read and (origins - fresh or not origins)):
                raise unsupported(
                    f"a call of the recursive function `{callee.name}` on memory that the "
                    f"function differentiated may write after the call", i.loc,
                    help="the callee is re-run in the adjoint sweep and must see the memory "
                         "it saw; copy the data it reads into a block the function allocates, "
                         "or write the results after the last such call elsewhere")

"""Affine address decomposition, and the order of commuting adjoint accumulations.

``affine(p)`` walks a chain of single-index GEPs over scalar element types and writes ``p``
as ``root + Σ scale·v + const`` (bytes), where each ``v`` is an SSA integer with any
``add v, c`` peeled into the constant.  Two pointers with the same root and the same
variable terms differ by a known number of bytes.

Why the adjoint sweep cares.  The adjoint of a load ``r = load p`` is ``shadow(p) += r̄``.
Such accumulations commute with each other, so inside one reversed block they may be
emitted in any order as long as none moves across a read of shadow memory (a store's
adjoint reads and zeroes its shadow).  The order matters to LLVM's loop vectoriser: in a
stencil ``u[i] = f(u[i], u[i+1])`` reversed over descending ``i``, the accumulation into
``du[i+1]`` meets the one into ``du[i]`` of the *next* reverse iteration.  With the lower
offset first the two form a forward dependence (vectorisable); in source order they form
a backward one of distance 1 (scalar loop).  ``accumulation_order`` sorts each group of
accumulations on one root and one induction variable by offset, ascending when the reverse
loop walks addresses downwards, descending when it walks upwards; other accumulations keep
their place.
"""
from __future__ import annotations

from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple

from ..ir.types import IntType, alloc_size
from ..ir.values import Constant, Instruction, Value

Affine = Tuple[Value, FrozenSet[Tuple[Value, int]], int]


def _int_const(v: Value) -> Optional[int]:
    if isinstance(v, Constant) and isinstance(v.type, IntType):
        try:
            return int(v.text)
        except ValueError:
            return None
    return None


def _split(v: Value) -> Tuple[int, Optional[Value]]:
    """``v`` as ``c + w``: (c, w), w None when ``v`` is a constant."""
    c = 0
    while True:
        k = _int_const(v)
        if k is not None:
            return c + k, None
        if isinstance(v, Instruction) and v.opcode == "add":
            a, b = v.operands
            kb, ka = _int_const(b), _int_const(a)
            if kb is not None:
                c, v = c + kb, a
                continue
            if ka is not None:
                c, v = c + ka, b
                continue
        return c, v


def affine(p: Value) -> Affine:
    terms: Dict[Value, int] = {}
    const = 0
    while isinstance(p, Instruction) and p.opcode == "getelementptr" and len(p.operands) == 2 \
            and (p.src_type.is_float or p.src_type.is_int or p.src_type.is_pointer) \
            and p.operands[1].type.is_int:
        size = alloc_size(p.src_type)
        c, v = _split(p.operands[1])
        const += c * size
        if v is not None:
            terms[v] = terms.get(v, 0) + size
        p = p.operands[0]
    return p, frozenset((v, s) for v, s in terms.items() if s), const


def accumulation_order(ptrs: Sequence[Value], iv_step: Callable[[Value], Optional[int]]) -> List[int]:
    """A permutation of ``range(len(ptrs))``: the order in which to emit accumulations into
    the shadows of primal pointers ``ptrs`` (see the module docstring)."""
    info = [affine(p) for p in ptrs]
    groups: Dict[tuple, List[int]] = {}
    for k, (root, terms, _) in enumerate(info):
        groups.setdefault((root, terms), []).append(k)
    order = list(range(len(ptrs)))
    for (root, terms), members in groups.items():
        if len(members) < 2 or len(terms) != 1:
            continue
        (v, scale), = terms
        step = iv_step(v)
        if not step:
            continue
        # the primal walks addresses by step·scale per iteration; the reverse the other way
        downward = step * scale > 0
        ranked = sorted(members, key=lambda k: info[k][2], reverse=not downward)
        for pos, k in zip(members, ranked):
            order[pos] = k
    return order

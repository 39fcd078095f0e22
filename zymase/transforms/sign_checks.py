"""Fold Numba's negative-index checks away where indices are provably non-negative.

Numba guards every ``a[i]`` with ``select (icmp slt i, 0), len, 0`` (Python's negative
indices); the guard hides from LLVM that ``a[i]`` and ``a[i + 1]`` are different elements, and
in the adjoint sweep, where indices step backwards from taped values, LLVM can never remove
it.  ``analysis/ranges.py`` proves integer values non-negative; this rewrite uses the facts:

* for ``x ≥ l ≥ 0`` (``lower_bounds``: ``for i in range(1, n)`` gives ``i ≥ 1``),
  ``icmp slt x, c`` (c ≤ l) and ``icmp sle x, c`` (c < l) are false, ``icmp sgt x, c``
  (c < l) and ``icmp sge x, c`` (c ≤ l) true — with l = 0 these are Numba's
  ``a[i]`` guards, with l = 1 the guard of ``a[i - 1]`` (``icmp sgt i, 0`` after instcombine);
* ``icmp ugt x, c`` with ``c ≥ 2**63 - 1`` (unsigned) is false and ``icmp ult x, c`` with
  ``c ≥ 2**63`` true.

Uses are replaced by the constant (the dead comparisons are left to LLVM), and selects on a
decided condition take their operand.
"""
from __future__ import annotations

from typing import Dict, Optional

from ..analysis.ranges import int_constant, lower_bounds
from ..ir.types import I1
from ..ir.values import Constant, Function, Instruction, Value


def decided(i: Instruction, lower: Dict[Value, int]) -> Optional[bool]:
    """The constant value of comparison ``i`` given lower bounds of non-negative values
    (``analysis/ranges.lower_bounds``), or None."""
    if i.opcode != "icmp" or not i.operands[0].type.is_int or i.operands[0] not in lower:
        return None
    c = int_constant(i.operands[1])
    if c is None:
        return None
    lo = lower[i.operands[0]]
    bits = i.operands[0].type.bits
    unsigned = c % (1 << bits)
    smax = (1 << (bits - 1)) - 1
    pred = i.pred
    if pred == "slt" and c <= lo or pred == "sle" and c < lo:
        return False
    if pred == "sgt" and c < lo or pred == "sge" and c <= lo:
        return True
    if pred == "ugt" and unsigned >= smax or pred == "uge" and unsigned > smax:
        return False
    if pred == "ult" and unsigned > smax or pred == "ule" and unsigned >= smax:
        return True
    return None


def fold_sign_checks(fn: Function, known: Optional[Dict[Value, int]] = None) -> int:
    """Replace comparisons decided by non-negativity with constants; returns how many.
    ``known``: facts about parameters (a front end's, e.g. array shapes are ≥ 0)."""
    lower = lower_bounds(fn, known)
    n = 0
    for b in fn.blocks:
        for i in b.instructions:
            r = decided(i, lower)
            if r is not None:
                fn.replace_all_uses(i, Constant(I1, "true" if r else "false"))
                n += 1
    # selects on a decided condition (Numba's wraparound index fix-ups) take their operand,
    # so address analyses see `base + i` rather than `base + i + select(...)`
    for b in fn.blocks:
        for i in b.instructions:
            if i.opcode == "select" and isinstance(i.operands[0], Constant) \
                    and i.operands[0].text in ("true", "false"):
                fn.replace_all_uses(i, i.operands[1 if i.operands[0].text == "true" else 2])
    return n

"""Non-negative integers: which integer values are provably >= 0 (and below what bound).

Numba indexes arrays with Python semantics: ``a[i]`` for a negative ``i`` means
``a[i + len]``, so every index is guarded by ``select (icmp slt i, 0), len, 0``.  Inside
``for i in range(…)`` loops LLVM usually cannot remove the guard (Numba's loop index is
incremented without ``nsw``; the trip count lives in a separate countdown), and in the
adjoint sweep of reverse mode, where the index is stepped *backwards* from a value read
from the tape, it never can.  The guard hides from LLVM that ``a[i]`` and ``a[i + 1]`` are
different elements, which blocks store-to-load forwarding and vectorisation of adjoint
loops.  This module proves indices non-negative; ``transforms/sign_checks.py`` folds the comparisons.

Analysis: abstract interpretation over the lattice ⊥ < [0, u] < ⊤ (for every integer value
an upper bound u of a range [0, u], or ⊤ when it may be negative), least fixpoint over the
function in reverse post-order with widening at loop headers:
- a constant c ≥ 0 is [0, c]; ``zext`` from iN is [0, 2**N - 1];
- ``add``/``mul``/``shl`` of non-negative operands: the bound of the exact result when it
  stays below 2**63 (no wrap is possible then, flags or not); with ``nsw`` an unbounded
  non-negative result is also fine (wrapping would be poison);
- ``udiv``/``sdiv``/``urem``/``srem``/``lshr``/``and``/``smax``/``smin``/``umin``/``select``
  as arithmetic says; a phi is the join of its incoming values;
- an *induction variable* ``i = phi [i0, outside], [i + c, latch]`` (0 ≤ c ≤ 1024, flags or
  not) is [0, u(i0) + c·2**50]: this assumes no loop runs 2**50 times (about two weeks at
  one iteration per nanosecond) — the one assumption beyond LLVM semantics, and what lets
  the analysis see that ``for i in range(1, n)`` and ``a[i + 1]`` never index from the end.
  A phi whose bound keeps growing otherwise is widened to "non-negative, unbounded".

The folding of comparisons decided by these facts (an IR rewrite) is
``transforms/sign_checks.py``.
"""
from __future__ import annotations

from typing import Dict, Optional, Set

from ..ir.values import Constant, Function, Instruction, Value
from .loops import analyse_loops

MAX_IV_STEP = 1024
MAX_TRIPS = 1 << 50
SMAX = (1 << 63) - 1
TOP = None          # may be negative


def int_constant(v: Value) -> Optional[int]:
    if isinstance(v, Constant) and v.type.is_int:
        try:
            return int(v.text)
        except ValueError:
            return {"true": 1, "false": 0}.get(v.text)
    return None


def upper_bounds(fn: Function, known: Optional[Dict[Value, int]] = None) -> Dict[Value, int]:
    """Integer values of ``fn`` proven in [0, u] on every execution → u.  ``known``: facts
    about parameters (Numba array shapes, sizes and item sizes are ≥ 0)."""
    known = known or {}
    li = analyse_loops(fn)
    insts = [i for b in li.order for i in b.instructions if i.type.is_int and i.type.bits > 1]
    ub: Dict[Value, Optional[int]] = {}
    BOTTOM = object()

    def get(v: Value):
        c = int_constant(v)
        if c is not None:
            return c if c >= 0 else TOP
        if isinstance(v, Instruction) and v.type.is_int:
            return ub.get(v, BOTTOM)
        return known.get(v, TOP)

    def fit(x: int, nsw: bool = False):
        if x <= SMAX:
            return x
        return SMAX if nsw else TOP

    def iv_bound(phi: Instruction):
        lp = li.loops.get(phi.block)
        if lp is None:
            return None
        init = None
        step = None      # the largest step over the latches
        for v, src in zip(phi.operands, phi.blocks):
            if src in lp.blocks:
                if not (isinstance(v, Instruction) and v.opcode == "add" and v.operands[0] is phi):
                    return None
                c = int_constant(v.operands[1])
                if c is None or not 0 <= c <= MAX_IV_STEP:
                    return None
                step = c if step is None else max(step, c)
            else:
                x = get(v)
                if x is TOP:
                    return None
                if x is not BOTTOM:
                    init = x if init is None else max(init, x)
        if step is None:
            return None
        if init is None:
            return BOTTOM
        return fit(init + step * MAX_TRIPS)

    def transfer(i: Instruction):
        op, ops = i.opcode, i.operands
        nsw = "nsw" in (i.flags or "")
        if op == "phi":
            iv = iv_bound(i)
            if iv is not None:
                return iv
            vals = [get(v) for v in ops]
            if any(x is TOP for x in vals):
                return TOP
            known = [x for x in vals if x is not BOTTOM]
            return max(known) if known else BOTTOM
        if op == "zext":
            return (1 << ops[0].type.bits) - 1
        if op == "select":
            a, b = get(ops[1]), get(ops[2])
            if a is TOP or b is TOP:
                return TOP
            if a is BOTTOM or b is BOTTOM:
                return BOTTOM
            return max(a, b)
        if op == "call":
            name = i.callee_name or ""
            xs = [get(v) for v in ops[:2]]
            if name.startswith("llvm.smax."):
                good = [x for x in xs if x not in (TOP, BOTTOM)]
                if any(x is BOTTOM for x in xs):
                    return BOTTOM
                if not good:
                    return TOP
                return max(good) if len(good) == 2 else SMAX
            if name.startswith(("llvm.smin.", "llvm.umin.")):
                if any(x is TOP for x in xs):
                    return TOP
                if any(x is BOTTOM for x in xs):
                    return BOTTOM
                return min(xs)
            return TOP
        if op not in ("add", "mul", "shl", "udiv", "sdiv", "urem", "srem", "lshr", "and"):
            return TOP
        a, b = get(ops[0]), get(ops[1])
        if op == "and" and (a not in (TOP, BOTTOM) or b not in (TOP, BOTTOM)):
            return min(x for x in (a, b) if x not in (TOP, BOTTOM))
        if op == "lshr":
            c = int_constant(ops[1])
            if c is not None and 0 < c < i.type.bits:
                return (((1 << i.type.bits) - 1) if a in (TOP, BOTTOM) else a) >> c
        if a is TOP or b is TOP:
            return TOP
        if a is BOTTOM or b is BOTTOM:
            return BOTTOM
        if op == "add":
            return fit(a + b, nsw)
        if op == "mul":
            return fit(a * b, nsw)
        if op == "shl":
            return fit(a << b, nsw) if b < 64 else TOP
        if op in ("udiv", "sdiv", "lshr"):
            return a
        return min(a, b)  # urem / srem of non-negative operands

    headers = set(li.loops)
    changed = True
    while changed:
        changed = False
        for i in insts:
            new = transfer(i)
            old = ub.get(i, BOTTOM)
            if new is BOTTOM or new == old:
                continue
            if old is not BOTTOM and old is not TOP and new is not TOP:
                if new < old:
                    continue  # monotone: bounds only grow
                if i.opcode == "phi" and i.block in headers:
                    new = SMAX   # widening: a growing loop-carried bound
            if old is TOP:
                continue
            ub[i] = new
            changed = True
    return {v: u for v, u in ub.items() if u is not TOP}


def nonnegative_values(fn: Function, known: Optional[Dict[Value, int]] = None) -> Set[Value]:
    """Integer values of ``fn`` proven ≥ 0 (as signed integers) on every execution."""
    return set(upper_bounds(fn, known)) | set(known or {})


MAX_LB_ROUNDS = 64


def lower_bounds(fn: Function, known: Optional[Dict[Value, int]] = None) -> Dict[Value, int]:
    """Non-negative integer values of ``fn`` → a lower bound ``l`` (the value is ≥ ``l`` on
    every execution).  Only values the upper-bound analysis proved exact and non-negative
    take part, so no arithmetic here can wrap.  Iteration starts optimistic (+∞) and only
    descends: a constant is itself; an induction variable stepping upwards (``i = phi [i0,
    outside], [i + c, latch]``, c ≥ 0) is bounded by its initial values; any other phi and a
    ``select`` by the smallest incoming bound; ``add``/``mul`` by the sum/product of their
    operands' bounds; ``smax`` by the larger; everything else non-negative by 0.  Every value
    in a cycle is then at least its bound at entry into the cycle, which makes the optimistic
    fixpoint sound; a chain still descending after ``MAX_LB_ROUNDS`` rounds drops to 0.
    ``for i in range(1, n)`` gives ``i ≥ 1``, which decides ``a[i - 1]``'s wraparound guard
    (``icmp sgt i, 0``) that non-negativity alone cannot."""
    ub = upper_bounds(fn, known)
    nonneg = set(ub) | set(known or {})
    li = analyse_loops(fn)
    insts = [i for b in li.order for i in b.instructions if i in ub]
    INF = float("inf")
    lb: Dict[Value, float] = {}

    def get(v: Value):
        c = int_constant(v)
        if c is not None:
            return c if c >= 0 else None
        if isinstance(v, Instruction) and v in ub:
            return lb.get(v, INF)
        return 0 if v in nonneg else None

    def iv_init(phi: Instruction):
        lp = li.loops.get(phi.block)
        if lp is None:
            return None
        inits = []
        for v, src in zip(phi.operands, phi.blocks):
            if src in lp.blocks:
                c = int_constant(v.operands[1]) if isinstance(v, Instruction) and \
                    v.opcode == "add" and v.operands[0] is phi else None
                if c is None or c < 0:
                    return None
            else:
                inits.append(get(v))
        return None if not inits or any(x is None for x in inits) else min(inits)

    def transfer(i: Instruction):
        op, ops = i.opcode, i.operands
        if op == "phi":
            x = iv_init(i)
            if x is not None:
                return x
            xs = [get(v) for v in ops]
            return 0 if any(x is None for x in xs) else min(xs)
        if op == "select":
            xs = [get(ops[1]), get(ops[2])]
            return 0 if any(x is None for x in xs) else min(xs)
        if op in ("add", "mul"):
            a, b = get(ops[0]), get(ops[1])
            if a is None or b is None:
                return 0
            return a + b if op == "add" else (0 if 0 in (a, b) else a * b)
        if op == "call" and (i.callee_name or "").startswith("llvm.smax."):
            xs = [x for x in (get(ops[0]), get(ops[1])) if x is not None]
            return max(xs) if xs else 0
        return 0

    for _ in range(MAX_LB_ROUNDS):
        changed = False
        for i in insts:
            new = transfer(i)
            if new < lb.get(i, INF):
                lb[i] = new
                changed = True
        if not changed:
            break
    else:
        lb = {v: 0 for v in lb}
    out = {v: int(x) for v, x in lb.items() if x != INF}
    for v in nonneg:
        out.setdefault(v, 0)
    return out

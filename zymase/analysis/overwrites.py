"""Overwritten temporaries: where reverse mode may *set* a shadow cell instead of adding to
it, and where a store's adjoint need not zero its shadow cell.

Reverse mode reverses ``r = load p`` as ``shadow(p) += r̄`` and ``store v, p`` as
``v̄ += shadow(p); shadow(p) = 0``.  In a double-buffered stencil

    for t in range(steps):
        v[0] = u[0]; v[n-1] = u[n-1]
        for i in range(1, n-1): v[i] = f(u[i-1], u[i], u[i+1])
        for i in range(n): u[i] = v[i]

every cell of the temporary ``v`` is written in each time step before any of it is read, so
when the adjoint sweep reaches the copy's load of ``v[i]`` (step t) the shadow cell holds no
adjoint yet — the next access to ``v[i]`` after that load, in primal order, is a store in
step t+1 — and the load's adjoint may *set* it.  Once every load of ``v`` sets, the zeroing
done by the adjoint of the first store to a cell in a step is dead: the next adjoint to touch
the cell in the sweep is a set (or nothing, for the first step: the shadow is then freed).

What is proven, for one *fresh* array ``A`` (the data of an NRT allocation the function makes
before a loop ``T``), or nothing is decided for ``A``:

1. *No escape.*  Every load/store whose address may point into ``A`` (pointer origins) is a
   float access through single-index GEPs on one data pointer ``D`` defined outside ``T``;
   the allocation's data pointer and every pointer derived from it (GEPs, phis, selects) is
   used only as a load/store address or compared — never stored, passed to a call or turned
   into an integer; no call takes a pointer into ``A``.
2. *Shape.*  All accesses lie in ``T``: in ``T``'s own blocks or in direct child loops of
   ``T``.  ``T`` is counted, left only from its header (other exits are exception paths).
   There is exactly one load instruction ``L`` of ``A``.  Each access's *unit* (its block,
   or its child loop) runs in every iteration of ``T`` (the unit's entry dominates ``T``'s
   latch); in a child loop the access runs in every iteration of the child (its block
   dominates the child's latch, the child is left only from its header) and its index moves
   by ±1 element per iteration (so one cell per child iteration).  Every store unit runs
   before the load unit (dominance).
3. *Cells.*  Each access's cells in one iteration of ``T`` form an interval of element
   indices whose bounds are expressions (``+``, ``-``, ``smax``, ``smin``) of values defined
   outside every loop around ``T`` (and ``D`` too) — the same cells in every iteration of
   every run of ``T``.  A child loop's run count comes from
   its header test (a ±1 counter against a bound).  Numba's wraparound term
   ``select(c, 0, len)`` is accepted where ``c`` ⇔ "the index without the term is ≥ 0":
   such a store writes ``{e}`` when ``e ≥ 0`` and an unknown cell otherwise.
4. *Coverage* (for ``L`` to set): ``L``'s interval, which starts at a provably non-negative
   index, is contained in the union of the store intervals (chaining ``[lo, cur) ∪ [l, h) ⊇
   [lo, max(cur, h))`` when ``l ≤ max(cur, lo)``; a wrapped store counts with its ``e ≥ 0``
   cell, as only non-negative cells need covering).
5. *First store* (to drop a store's zeroing): ``L`` sets, and no store unit that runs
   earlier in the iteration (or the same unit: one cell per iteration already) may write a
   cell this store writes (``[a, b)`` and ``[c, d)`` are disjoint when ``b ≤ max(a, c)`` or
   ``d ≤ max(a, c)``; a wrapped store's unknown cell is disjoint only from an interval that
   is empty whenever the wrap happens).

Why 5 is enough: in one step the stores to a cell ``c`` run before the load, so in the sweep
the load's adjoint runs first and *sets* ``shadow(c)`` to its adjoint, then the stores'
adjoints run latest-first; the first store of the step reads the value meant for it
(the one before it zeroed, or the load's) and leaves it behind, and the next adjoint to touch
``c`` in the sweep is the previous step's load (a set) or — if ``L`` never reads ``c`` —
another store's, which only ever sees zeros.  Integer index arithmetic is assumed not to
wrap (indices of arrays in memory).

``OverwriteResults.dump`` prints the verdict per allocation (``ZYMASE_PRINT=tape`` shows it
with the tape plan).
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

from ..ir.types import store_size
from ..ir.values import Argument, Instruction, Value
from ..rules.calls import Kind, classify_call
from .addresses import affine
from .loops import failing_blocks
from .ranges import int_constant

# -- symbolic integer expressions: ("lin", terms, const) | ("max"|"min", a, b) --------------
Lin = Tuple[str, Tuple[Tuple[Value, int], ...], int]


def lin(terms: Dict[Value, int], c: int):
    return ("lin", tuple(sorted(((v, k) for v, k in terms.items() if k),
                                key=lambda t: id(t[0]))), c)


def const(c: int):
    return lin({}, c)


def add(a, b):
    if a[0] != "lin":
        return (a[0], add(a[1], b), add(a[2], b))
    if b[0] != "lin":
        return add(b, a)
    t = dict(a[1])
    for v, k in b[1]:
        t[v] = t.get(v, 0) + k
    return lin(t, a[2] + b[2])


def neg(a):
    if a[0] == "lin":
        return lin({v: -k for v, k in a[1]}, -a[2])
    return ("min" if a[0] == "max" else "max", neg(a[1]), neg(a[2]))


def smax(a, b):
    return ("max", a, b)


def le(a, b, depth: int = 0) -> bool:
    """``a ≤ b`` for every value of the atoms (sufficient, not complete)."""
    if depth > 24:
        return False
    d = depth + 1
    if a[0] == "max":
        return le(a[1], b, d) and le(a[2], b, d)
    if b[0] == "min":
        return le(a, b[1], d) and le(a, b[2], d)
    if b[0] == "max" and (le(a, b[1], d) or le(a, b[2], d)):
        return True
    if a[0] == "min" and (le(a[1], b, d) or le(a[2], b, d)):
        return True
    if a[0] == "lin" and b[0] == "lin":
        diff = add(b, neg(a))
        return not diff[1] and diff[2] >= 0
    return False


class Opaque(Exception):
    """An index expression the analysis does not model."""


def expr(v: Value, inside, depth: int = 0):
    """``v`` as an expression over integer values defined outside loop ``T`` (``inside``:
    ``T``'s blocks); integer arithmetic is looked through, anything else computed in ``T``
    (a phi, a load) is opaque."""
    c = int_constant(v)
    if c is not None:
        return const(c)
    if depth > 16:
        raise Opaque(v)
    if isinstance(v, Instruction):
        op, d = v.opcode, depth + 1
        if op == "add":
            return add(expr(v.operands[0], inside, d), expr(v.operands[1], inside, d))
        if op == "sub":
            return add(expr(v.operands[0], inside, d), neg(expr(v.operands[1], inside, d)))
        name = (v.callee_name or "") if op == "call" else ""
        if name.startswith(("llvm.smax.", "llvm.smin.")):
            a, b = expr(v.operands[0], inside, d), expr(v.operands[1], inside, d)
            return ("max" if "smax" in name else "min", a, b)
        if v.block in inside:
            raise Opaque(v)
    if isinstance(v, (Argument, Instruction)) and v.type.is_int:
        return lin({v: 1}, 0)
    raise Opaque(v)


# -- the analysis ---------------------------------------------------------------------------
class OverwriteResults:
    def __init__(self):
        self.set_loads: Set[Instruction] = set()
        self.nozero_stores: Set[Instruction] = set()
        self.verdicts: List[str] = []

    def drop(self, loads, stores):
        self.set_loads -= set(loads)
        self.nozero_stores -= set(stores)

    def dump(self) -> str:
        return "\n".join(["; overwritten temporaries (reverse: set, not add)"] + self.verdicts)


def _iv(lp, v) -> Optional[Tuple[Value, int]]:
    """(init, step) of ``v = phi [init, preheader], [v + step, latch]`` in ``lp``'s header."""
    if not (isinstance(v, Instruction) and v.opcode == "phi" and v.block is lp.header
            and lp.counted):
        return None
    init = step = None
    for x, src in zip(v.operands, v.blocks):
        if src is lp.preheader:
            init = x
        elif src is lp.latches[0] and isinstance(x, Instruction) and x.opcode == "add" \
                and x.operands[0] is v:
            step = int_constant(x.operands[1])
    return (init, step) if init is not None and step else None


_FLIP = {"slt": "sgt", "sgt": "slt", "sle": "sge", "sge": "sle"}
_NOT = {"slt": "sge", "sge": "slt", "sgt": "sle", "sle": "sgt"}


def _runs(lp, failing, inside):
    """Iterations of one run of counted loop ``lp``, left only from its header whose test
    is a ±1 counter against a bound computed outside ``T``."""
    h = lp.header
    t = h.terminator
    if t is None or t.opcode != "br" or len(t.operands) != 1:
        raise Opaque(h)
    if any(s not in lp.blocks and s not in failing for b in lp.blocks if b is not h
           for s in b.successors()):
        raise Opaque(h)
    cond = t.operands[0]
    ins = [b in lp.blocks for b in t.blocks]
    if not (isinstance(cond, Instruction) and cond.opcode == "icmp" and ins[0] != ins[1]
            and cond.pred in _FLIP):
        raise Opaque(h)
    a, c = cond.operands
    pred = cond.pred if ins[0] else _NOT[cond.pred]
    if _iv(lp, a) is None:
        a, c, pred = c, a, _FLIP[pred]
    iv = _iv(lp, a)
    if iv is None or abs(iv[1]) != 1:
        raise Opaque(h)
    p0, bound = expr(iv[0], inside), expr(c, inside)
    if iv[1] < 0 and pred in ("sgt", "sge"):
        span = add(p0, neg(bound))
    elif iv[1] > 0 and pred in ("slt", "sle"):
        span = add(bound, neg(p0))
    else:
        raise Opaque(h)
    if pred in ("sge", "sle"):
        span = add(span, const(1))
    return smax(span, const(0))


def _cells(i, ptr, D, size, T, unit, li, failing, inside):
    """(lo, hi, wrapped) element interval ``i`` touches in one iteration of ``T``."""
    root, terms, c = affine(ptr)
    if root is not D or c % size:
        raise Opaque(i)
    base = const(c // size)
    ivterm = None
    wrap = None
    for v, sc in terms:
        if sc % size:
            raise Opaque(i)
        k = sc // size
        if unit is not None and _iv(unit, v) is not None:
            if ivterm is not None:
                raise Opaque(i)
            ivterm = (v, k)
        elif isinstance(v, Instruction) and v.opcode == "select" and k == 1 and wrap is None:
            wrap = v
        else:
            base = add(base, lin({}, 0) if k == 0 else _scaled(expr(v, inside), k))
    if wrap is not None:
        # Numba's a[e]: e + (e < 0 ? len : 0); the term must vanish exactly when e >= 0
        if ivterm is not None or not _wrap_guard(wrap, base, inside):
            raise Opaque(i)
    if ivterm is None:
        if unit is not None:
            raise Opaque(i)         # one cell read/written many times per step
        return base, add(base, const(1)), wrap is not None
    v, k = ivterm
    init, step = _iv(unit, v)
    if abs(k * step) != 1 or not li.dominates(i.block, unit.latches[0]):
        raise Opaque(i)
    start = add(base, _scaled(expr(init, inside), k))
    runs = _runs(unit, failing, inside)
    if k * step > 0:
        return start, add(start, runs), False
    return add(add(start, neg(runs)), const(1)), add(start, const(1)), False


def _scaled(e, k):
    if e[0] != "lin":
        if k < 0:
            return _scaled(neg(e), -k)
        return (e[0], _scaled(e[1], k), _scaled(e[2], k))
    return lin({v: x * k for v, x in e[1]}, e[2] * k)


def _wrap_guard(sel, base, inside) -> bool:
    """``sel = select(cond, x, y)`` with the arm taken when ``base >= 0`` equal to 0."""
    cond, x, y = sel.operands
    if not (isinstance(cond, Instruction) and cond.opcode == "icmp" and cond.pred in _FLIP):
        return False
    zero_if_true = int_constant(x) == 0
    if not zero_if_true and int_constant(y) != 0:
        return False
    try:
        a, k = expr(cond.operands[0], inside), int_constant(cond.operands[1])
    except Opaque:
        return False
    if k is None:
        return False
    # cond ⇔ a >= t (ge) or a < t (lt)
    ge = {"sgt": (True, k + 1), "sge": (True, k), "slt": (False, k), "sle": (False, k + 1)}
    is_ge, t = ge[cond.pred]
    diff = add(base, neg(a))            # base = a + d  →  base >= 0 ⇔ a >= -d
    if diff[0] != "lin" or diff[1] or t != -diff[2]:
        return False
    return is_ge == zero_if_true


def _disjoint(a, b) -> bool:
    """No cell in both intervals.  ``[l1, h1)`` and ``[l2, h2)`` share none when one ends
    by the larger start; a wrapped cell ``{e}`` is unknown when ``e < 0``, so the other
    interval must then be empty: ``hi ≤ max(lo, lo + e + 1)``."""
    (l1, h1, w1), (l2, h2, w2) = a, b
    if w1 and w2:
        return False
    m = smax(l1, l2)
    if not (le(h1, m) or le(h2, m)):
        return False
    for (_, hw, w), (lo, hi, _) in ((a, b), (b, a)):
        if w and not le(hi, smax(lo, add(lo, hw))):
            return False
    return True


def analyse_overwrites(fn, types, li, primal: Set[Instruction]) -> OverwriteResults:
    """``primal``: the instructions of the primal computation (shadow code is ignored)."""
    res = OverwriteResults()
    failing = failing_blocks(fn)
    fresh_data = {i for i in primal if i.opcode == "load" and i.type.is_pointer and all(
        isinstance(o, Instruction) and o.opcode == "call" and classify_call(o) is Kind.ALLOCATOR
        for o in types.origins_of(i.operands[0])) and types.origins_of(i.operands[0])}
    accesses: Dict[Value, List[Instruction]] = {o: [] for o in fresh_data}
    bad: Set[Value] = set()
    for i in primal:
        ptrs = []
        if i.opcode in ("load", "store"):
            ptrs = [i.operands[-1] if i.opcode == "store" else i.operands[0]]
            if i.opcode == "store":     # a pointer into A stored as a value: A escapes
                bad |= types.origins_of(i.operands[0]) & fresh_data
        elif i.opcode == "call":
            bad |= {o for op in i.operands if op.type.is_pointer
                    for o in types.origins_of(op)} & fresh_data
            continue
        for p in ptrs:
            for o in types.origins_of(p) & fresh_data:
                accesses[o].append(i)
    for o in sorted(fresh_data, key=lambda x: x.name or ""):
        name = f"%{o.name or '?'}"
        if o in bad or not accesses[o]:
            res.verdicts.append(f";   {name}: passed to a call or stored" if o in bad
                                else f";   {name}: not accessed")
            continue
        try:
            loads, stores = _decide(o, accesses[o], types, li, failing, primal)
        except Opaque as e:
            res.verdicts.append(f";   {name}: not proven ({_what(e)})")
            continue
        res.set_loads |= set(loads)
        res.nozero_stores |= set(stores)
        res.verdicts.append(f";   {name}: loads set {len(loads)}, stores without zeroing "
                            f"{len(stores)} of {len([a for a in accesses[o] if a.opcode == 'store'])}")
    return res


def _what(e: Opaque) -> str:
    v = e.args[0] if e.args else None
    return f"%{getattr(v, 'name', None) or '?'}" if v is not None else "?"


def _decide(o, acc: List[Instruction], types, li, failing, primal):
    ptr = {i: (i.operands[1] if i.opcode == "store" else i.operands[0]) for i in acc}
    if any(not (i.operands[0].type if i.opcode == "store" else i.type).is_float for i in acc):
        raise Opaque(acc[0])
    roots = {affine(p)[0] for p in ptr.values()}
    if len(roots) != 1:
        raise Opaque(acc[0])
    D = roots.pop()
    _no_escape([o], primal)
    loops = [li.loop_of.get(i.block) for i in acc]
    # T: the innermost loop holding every access; accesses in T or a direct child
    T = None
    for lp in loops:
        cand = lp
        while cand is not None and not all(i.block in cand.blocks for i in acc):
            cand = cand.parent
        if cand is None:
            raise Opaque(acc[0])
        T = cand if T is None or len(cand.blocks) < len(T.blocks) else T
    if not T.counted or any(s not in T.blocks and s not in failing
                            for b in T.blocks if b is not T.header for s in b.successors()):
        raise Opaque(T.header)
    # the cell sets must be the same in every run of T, not only in every iteration of one
    # run: an outer loop could grow what L reads while the stores stay (a cell read in a
    # later run only would leave a skipped zeroing behind for an earlier run's store)
    top = T
    while top.parent is not None:
        top = top.parent
    inside = set(top.blocks)
    if isinstance(D, Instruction) and D.block in inside:
        raise Opaque(D)
    units = {}
    for i, lp in zip(acc, loops):
        if lp is T:
            units[i] = None
        elif lp is not None and lp.parent is T:
            units[i] = lp
        else:
            raise Opaque(i)
    entry = {i: (units[i].header if units[i] is not None else i.block) for i in acc}
    latch = T.latches[0]
    if any(not li.dominates(entry[i], latch) for i in acc):
        raise Opaque(T.header)
    loads = [i for i in acc if i.opcode == "load"]
    stores = [i for i in acc if i.opcode == "store"]
    if len(loads) != 1 or not stores:
        raise Opaque(loads[0] if loads else T.header)
    L = loads[0]
    size = store_size(L.type)
    if any(store_size(s.operands[0].type) != size for s in stores):
        raise Opaque(L)
    for s in stores:
        if entry[s] is entry[L] or not li.dominates(entry[s], entry[L]):
            raise Opaque(s)
    cells = {i: _cells(i, ptr[i], D, size, T, units[i], li, failing, inside) for i in acc}
    lo, hi, w = cells[L]
    if w or not le(const(0), lo):
        raise Opaque(L)
    # coverage: chain store intervals from lo
    cur, todo = lo, list(stores)
    progress = True
    while progress and not le(hi, smax(cur, lo)):
        progress = False
        for s in list(todo):
            sl, sh, _ = cells[s]
            if le(sl, smax(cur, lo)):
                cur = smax(cur, sh)
                todo.remove(s)
                progress = True
    if not le(hi, smax(cur, lo)):
        raise Opaque(L)
    # first stores: no store unit that runs earlier may write the same cells
    first = []
    for s in stores:
        earlier = [r for r in stores if r is not s and (
            entry[r] is entry[s] and (units[s] is not None or _before(r, s))
            or entry[r] is not entry[s] and li.dominates(entry[r], entry[s]))]
        if all(_disjoint(cells[r], cells[s]) for r in earlier):
            first.append(s)
    return [L], first


def _before(a: Instruction, b: Instruction) -> bool:
    ins = a.block.instructions
    return a.block is b.block and ins.index(a) < ins.index(b)


def _no_escape(origins, primal):
    """Pointers derived from the array's data pointer (GEPs, phis and selects of it) are
    used only as load/store addresses, by more GEPs, phis or selects, or compared."""
    work = list(origins)
    seen = set()
    users = None
    while work:
        p = work.pop()
        if id(p) in seen:
            continue
        seen.add(id(p))
        if users is None:
            users = p.block.function.users()
        for u in users.get(p, ()):
            if u not in primal:
                continue
            if u.opcode in ("getelementptr", "phi", "select") and u.type.is_pointer and (
                    u.opcode != "getelementptr" or u.operands[0] is p) and (
                    u.opcode != "select" or u.operands[0] is not p):
                work.append(u)
            elif u.opcode == "load" and u.operands[0] is p:
                continue
            elif u.opcode == "store" and u.operands[1] is p and u.operands[0] is not p:
                continue
            elif u.opcode == "icmp":
                continue
            else:
                raise Opaque(u)

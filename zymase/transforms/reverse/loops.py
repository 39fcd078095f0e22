"""The loop plan: what the adjoint sweep does differently per loop.

* **Skipped loops** (``free_of``): loops without adjoint work (a nearest-centroid search, a
  convergence test on inactive values).  The adjoint sweep jumps over them, so they record no
  control flow and no per-iteration values; the leaves they define are saved once before the
  loop and restored when the sweep skips it.
* **Accumulating loops** (``acc_loops``): counted loops whose adjoint touches shadow memory
  only by accumulating into it.  Accumulations commute, so one into an address that does not
  change across the loop's iterations is summed in a register and added to memory once, when
  the adjoint sweep leaves the loop (``adjoints.py``).
* **Computed trip counts** (``trip``): a counted loop whose bounds are available in the adjoint
  sweep has its iteration count recomputed there instead of taped at its exit.
* Sliding windows of stencil loops are planned in ``windows.py``; loops reversed in the
  primal's direction (``order_free``) in ``orderfree.py``.

Invariant: every decision here only removes tape traffic; the values and the order of the
adjoint accumulations are those of the plain per-iteration sweep (``order_free`` loops: the
same terms, each sum into one address in another order).
"""
from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Set

from ...ir.builder import Builder
from ...ir.types import I64, contains_float
from ...ir.values import Block, Constant, Instruction, Value, const_int
from ...rules import table
from ...rules.calls import Kind, classify_call


@dataclasses.dataclass(frozen=True)
class LoopPlan:
    li: object                                   # analysis.loops.LoopInfo
    failing: Set[Block]                          # blocks that can only end in an exception
    counted: Dict[Block, object]                 # header -> counted loop
    free_of: Dict[Block, object]                 # block -> the skipped loop it is in
    free_saves: Dict[object, List[Value]]        # skipped loop -> leaves it defines
    free_exit: Dict[Block, object]               # exit block -> the skipped loop it leaves
    acc_loops: Set[object]                       # accumulating loops
    trip: Dict[object, tuple]                    # loop -> (init, step, bound, pred)
    # loops whose adjoint runs first iteration to last (orderfree.py); filled once the
    # tape plan is known
    order_free: Set = dataclasses.field(default_factory=set)
    # selects of running extrema -> lastpick.LastPick (their adjoint needs one index per run)
    picks: Dict = dataclasses.field(default_factory=dict)

    def live_preds(self, blk: Block) -> List[Block]:
        """Predecessors the adjoint sweep can return to: not on an exception path."""
        return [p for p in self.li.preds.get(blk, []) if p not in self.failing]


def iv_step(li, phi: Instruction) -> Optional[int]:
    """``c`` if ``phi = [init, preheader], [phi + c, latch]`` in a counted loop header."""
    lp = li.loops.get(phi.block)
    if lp is None or not lp.counted or not phi.type.is_int:
        return None
    for v, src in zip(phi.operands, phi.blocks):
        if src is lp.latches[0]:
            if isinstance(v, Instruction) and v.opcode == "add" and v.operands[0] is phi \
                    and isinstance(v.operands[1], Constant):
                try:
                    return int(v.operands[1].text)
                except ValueError:
                    return None
            return None
    return None


def plan_iv_entries(li, rc) -> Dict[Instruction, Value]:
    """Induction variables of counted loops (taped leaves with a constant step) whose value
    on leaving a run of their loop the adjoint sweep computes: ``start + step · (header
    executions − 1)``, with the start value (the phi's preheader incoming) materialised where
    the sweep enters the run and the header executions it already knows (computed or
    popped for the run's count).  Without this, each run of an inner loop saves the value
    its induction variable had before the run (one tape slot per run) so that the adjoint
    of the previous run starts from it.  Planning only: records the start values' leaves."""
    out: Dict[Instruction, Value] = {}
    users = None
    for v in list(rc.leaves):
        if getattr(v, "opcode", None) != "phi" or iv_step(li, v) is None:
            continue
        lp = li.loops[v.block]
        users = users if users is not None else v.block.function.users()
        if _escapes(v, lp, users, rc):
            continue
        init = [x for x, src in zip(v.operands, v.blocks) if src is lp.preheader]
        if len(init) != 1:
            continue
        rc.materialize(init[0], None, {})
        out[v] = init[0]
    return out


def _escapes(v: Instruction, lp, users, rc) -> bool:
    """Whether a use of ``v`` outside loop ``lp`` reads its current-value slot: a direct
    use, or a use of something the adjoint sweep recomputes from ``v`` (a GEP, an add).  Such
    a use sits after some run's exit, and the sweep reaches it before it reaches that exit's
    computation of ``v``: it needs ``v``'s value from that run kept in the slot, which only the
    per-run save provides.  Values with slots of their own (taped phis, loads) stop the walk."""
    blocks = set(lp.blocks)
    seen = {id(v)}
    work = [v]
    while work:
        for u in users.get(work.pop(), ()):
            if u.block not in blocks:
                return True
            if id(u) not in seen and u.opcode != "phi" and rc.recomputable(u):
                seen.add(id(u))
                work.append(u)
    return False


def emit_iv_exit(b: Builder, phi: Instruction, init: Value, step: int, header_runs: Value,
                 rc, memo) -> Value:
    """The value ``phi`` has in the header execution that left the loop."""
    v0 = rc.materialize(init, b, memo)
    n = b.sub(header_runs, const_int(I64, 1))
    if phi.type != I64:
        n = b.cast("trunc", n, phi.type)
    return b.add(v0, b.mul(n, const_int(phi.type, step)))


def has_adjoint(i: Instruction, aug) -> bool:
    """Whether the adjoint sweep does anything for primal instruction ``i``."""
    act = aug.act.active
    if i.opcode == "store":
        return i.operands[1] in act and contains_float(i.operands[0].type)
    if i.opcode == "call":
        if i in aug.calls.custom or i in aug.calls.library:
            return True
        kind = classify_call(i)
        if kind in (Kind.MEMSET, Kind.MEMCPY):
            return i.operands[0] in act
        if kind is Kind.C_REALLOC:
            return i in act
        if kind is Kind.VARSIZE:
            return i in aug.varsize
    return i in act and contains_float(i.type)


def reads_shadow(i: Instruction, aug) -> bool:
    """The adjoint of ``i`` reads shadow memory (a store of an active value, a copy, a call
    with a rule): it does more than accumulate into it."""
    return ((i.opcode == "store" and i.operands[1] in aug.act.active
             and contains_float(i.operands[0].type))
            or (i.opcode == "call" and has_adjoint(i, aug)
                and not (i.type.is_float and table.lookup(i.callee_name or ""))))


def find_free_loops(li, aug, leaves):
    """Outermost loops without adjoint work that have a preheader and dedicated exits that
    are not loop headers themselves → (free_of, free_saves, free_exit)."""
    free_of: Dict[Block, object] = {}
    free_saves: Dict[object, List[Value]] = {}
    free_exit: Dict[Block, object] = {}
    for lp in sorted(li.loops.values(), key=lambda l: l.depth):
        if lp.preheader is None or not lp.dedicated_exits or not lp.exits \
                or lp.header in free_of or any(e in li.loops for e in lp.exits):
            continue
        # an exit phi receiving an active float through the loop would need to know
        # which exiting block ran, which a skipped loop does not record
        ok = not any(p in aug.act.active and contains_float(p.type)
                     for e in lp.exits for p in e.phis())
        for b in lp.blocks if ok else ():
            t = b.terminator
            if t is None or t.opcode not in ("br", "switch") or any(
                    has_adjoint(i, aug) for i in aug.snapshot.get(b, ())):
                ok = False
                break
        if not ok:
            continue
        for b in lp.blocks:
            free_of[b] = lp
        for e in lp.exits:
            free_exit[e] = lp
        free_saves[lp] = [v for v in leaves if getattr(v, "block", None) in lp.blocks]
    return free_of, free_saves, free_exit


def find_accumulating_loops(li, aug, free_of) -> Set:
    """Counted loops whose adjoint code touches shadow memory only by accumulating into it
    (``shadow(p) += r̄`` for loads; no stores of active values, copies or custom rules).
    (Pairwise energy: ``dx[i] += ḡ`` in the loop over ``j``, which would otherwise be a
    store-to-load chain through memory.)"""
    acc: Set = set()
    for lp in li.loops.values():
        if not lp.counted or lp.header in free_of:
            continue
        if not any(reads_shadow(i, aug) for b in lp.blocks for i in aug.snapshot.get(b, ())):
            acc.add(lp)
    return acc


_NEGATE = {"slt": "sge", "sge": "slt", "sgt": "sle", "sle": "sgt"}
_SWAP = {"slt": "sgt", "sgt": "slt", "sle": "sge", "sge": "sle"}


def header_test(li, lp) -> Optional[tuple]:
    """``(phi, init, step, bound, pred)`` when counted loop ``lp``'s header ends in
    ``br (phi <pred> bound)`` (signed; the loop continues while it holds) on an induction
    variable ``phi = [init, preheader], [phi + step, latch]`` of the header that moves
    towards ``bound``; ``init`` is the value on entry.  The header runs once per iteration
    and once more on leaving, so this bounds the iteration count of every run (a ``break``
    elsewhere can only end it earlier)."""
    h = lp.header
    t = h.terminator
    if not lp.counted or t is None or t.opcode != "br" or len(t.operands) != 1:
        return None
    cond = t.operands[0]
    inside = [blk in lp.blocks for blk in t.blocks]
    if not (isinstance(cond, Instruction) and cond.opcode == "icmp" and cond.block is h
            and inside[0] != inside[1] and cond.pred in _NEGATE):
        return None
    a, c = cond.operands
    pred = cond.pred if inside[0] else _NEGATE[cond.pred]
    if not (isinstance(a, Instruction) and a.block is h and a.opcode == "phi"
            and iv_step(li, a)):
        a, c, pred = c, a, _SWAP[pred]
    if not (isinstance(a, Instruction) and a.block is h and a.opcode == "phi"):
        return None
    step = iv_step(li, a)
    if not step or (step > 0) != (pred in ("slt", "sle")):
        return None
    init = next((v for v, src in zip(a.operands, a.blocks) if src is lp.preheader), None)
    if init is None:
        return None
    return a, init, step, c, pred


def plan_trip_counts(li, failing, free_of, rc) -> Dict:
    """Counted loops whose trip count the adjoint sweep computes instead of taping it:
    the header tests ``iv <pred> bound`` (signed, the induction variable's step moving
    towards the bound), the initial value and the bound are available in the adjoint
    sweep without taping (arguments, pure expressions of them and of other loops'
    inverted induction variables, values already taped), and every other way out of the
    loop is an exception path (a ``break`` would end the loop early).  ``range`` loops
    over array sizes (GMM's ``for j in range(d)``) record nothing at all."""
    trip: Dict = {}
    for lp in li.loops.values():
        if not lp.counted or lp.header in free_of:
            continue
        test = header_test(li, lp)
        if test is None:
            continue
        if any(s not in lp.blocks and s not in failing
               for blk in lp.blocks if blk is not lp.header for s in blk.successors()):
            continue
        _, init, step, c, pred = test
        if init is None or not (_available(rc, init, lp) and _available(rc, c, lp)):
            continue
        trip[lp] = (init, step, c, pred)
    return trip


def _available(rc, v: Value, lp, depth: int = 0) -> bool:
    """``v`` (defined outside ``lp``) can be materialised in the adjoint sweep without
    planning anything new onto the tape."""
    if rc.is_free(v) or v in rc.leaves:
        return getattr(v, "block", None) not in lp.blocks
    if depth > 12 or getattr(v, "block", None) in lp.blocks or (
            v.opcode == "load" and not rc.kernel_readonly_load(v)) or not rc.recomputable(v):
        return False
    return all(_available(rc, o, lp, depth + 1) for o in v.operands)


def emit_trip_count(b: Builder, trip_entry: tuple, rc) -> Value:
    """Header executions of the run of the loop being reversed: iterations + 1."""
    init, step, bound, pred = trip_entry
    memo: Dict[Value, Value] = {}
    v0 = rc.materialize(init, b, memo)
    c = rc.materialize(bound, b, memo)
    m = const_int(v0.type, abs(step))
    lo, hi = (v0, c) if step > 0 else (c, v0)   # iterations while lo < hi (or <=)
    span = b.sub(hi, lo)
    if pred in ("slt", "sgt"):
        runs = b.emit(Instruction("sdiv", v0.type, [b.add(span, b.sub(m, const_int(v0.type, 1))), m]))
        ok = b.icmp("sgt", span, const_int(v0.type, 0))
    else:
        runs = b.add(b.emit(Instruction("sdiv", v0.type, [span, m])), const_int(v0.type, 1))
        ok = b.icmp("sge", span, const_int(v0.type, 0))
    runs = b.select(ok, runs, const_int(v0.type, 0))
    if runs.type != I64:
        runs = b.cast("sext", runs, I64)
    return b.add(runs, const_int(I64, 1))

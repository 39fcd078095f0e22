"""Order-free loops: adjoint loops the sweep runs in the primal's direction.

The adjoint sweep reverses a loop's iterations last to first.  For a stencil loop that
costs LLVM a lane reversal of every vector it loads and stores (a descending loop's vector
holds iterations ``i, i-1, i-2, i-3``) on top of the shuffles of the sliding window's
recurrences — in the double-buffered heat stencil the reversals are half the shuffles of the
hottest loop.  When the adjoints of different iterations commute, any order gives the same
result, and the sweep may walk the iterations first to last.

A counted loop is order-free when (all checked here, on the plans already made):
* it is innermost, its body is one block after the header, its trip count is computed by
  the sweep (``loops.plan_trip_counts``) and nothing is taped per iteration: its only leaves
  are induction variables whose exit values the sweep computes (``TapePlan.iv_entry``), so
  the body's adjoint depends on the iteration only through them;
* no active float phi carries an adjoint from one iteration to the next;
* its adjoint calls nothing but rules of the derivative table (no custom or library rule,
  no memory intrinsic);
* every shadow access that is not an accumulation (a store's read-and-zero, a set-mode
  load, analysis/overwrites.py) moves by at least its own size each iteration through one
  induction variable, and no other shadow access of the loop may touch the same allocation
  (scopes.shadow_keys): accumulations commute with each other, and such an access meets
  only itself, in other iterations at other cells;
* its sliding windows (windows.py) are in add mode: they are mirrored to flush the lowest
  cell; set mode depends on the descending order.
Batched derivatives and checkpointed loops keep the descending order.

Sums into one address (a loop-invariant adjoint slot, a promoted accumulation) come out in
another order: the same terms, rounded differently — as with the windows' reordering.

In the sweep (sweep.py) an order-free loop's induction variables start one step *before*
their initial value when the sweep enters the loop and step forwards at each header;
windows flush their lowest cell and shift down (windows.py); accumulations are ordered for
the ascending direction (adjoints.py).
"""
from __future__ import annotations

from typing import Set

from ...analysis.addresses import affine
from ...ir.types import contains_float, store_size
from ...rules import table
from ...rules.calls import Kind, classify_call
from ..scopes import UNKNOWN, shadow_keys
from .loops import has_adjoint, iv_step
from .plan import loop_invariant


def plan_order_free(frame, aug, lplan, tplan, wplan, overwrites, checkpointed) -> Set:
    out: Set = set()
    if frame.width != 1 or checkpointed:   # (a checkpointed loop's adjoint is re-entered)
        return out
    li = lplan.li
    parents = {lp.parent for lp in li.loops.values() if lp.parent is not None}
    set_loads = overwrites.set_loads if overwrites is not None else set()
    for lp in li.loops.values():
        if lp in parents or lp not in lplan.trip or lp.header in lplan.free_of \
                or len(lp.blocks) != 2 or not lp.counted:
            continue
        B = lp.latches[0]
        if B is lp.header or any(w.set_mode for w in wplan.loop_windows.get(lp, ())):
            continue
        if any(getattr(v, "block", None) in lp.blocks and v not in tplan.iv_entry
               for v in tplan.leaves) or any(l is lp for l in tplan.inv.values()):
            continue
        if any(p in aug.act.active and contains_float(p.type) for p in lp.header.phis()):
            continue
        # the header's own adjoint would run with the induction variables of another
        # header execution
        if any(has_adjoint(i, aug) for i in aug.snapshot.get(lp.header, ())):
            continue
        if _commutes(aug, li, lp, set_loads):
            out.add(lp)
    return out


def _commutes(aug, li, lp, set_loads) -> bool:
    act, sb, types = aug.act.active, aug.sb, aug.act.types
    users = lp.header.function.users()
    ops = []              # (instruction, primal pointer, accumulates?)
    for b in lp.blocks:
        for i in aug.snapshot.get(b, ()):
            if i in aug.calls.anchor:
                return False
            # an adjoint arriving from after the loop belongs to the last iteration, which
            # an ascending sweep reverses last
            if i in act and contains_float(i.type) and any(
                    u.block not in lp.blocks for u in users.get(i, ())):
                return False
            if not has_adjoint(i, aug):
                continue
            if i.opcode == "call":
                if i in aug.calls.custom or i in aug.calls.library:
                    return False
                if classify_call(i) in (Kind.MEMSET, Kind.MEMCPY, Kind.C_REALLOC, Kind.VARSIZE) \
                        or not (i.type.is_float and table.lookup(i.callee_name or "")):
                    return False
            elif i.opcode == "load" and i.type.is_float and i.operands[0] in sb.shadow:
                ops.append((i, i.operands[0], i not in set_loads))
            elif i.opcode == "store":
                ops.append((i, i.operands[1], False))
    keys = {i: shadow_keys(types, p, sb.shadow) for i, p, _ in ops}
    for x, px, acc in ops:
        if acc:
            continue
        if UNKNOWN in keys[x] or not _one_cell_per_iteration(li, lp, x, px):
            return False
        for y, _, _ in ops:
            if y is not x and (UNKNOWN in keys[y] or keys[y] & keys[x]):
                return False
    return True


def _one_cell_per_iteration(li, lp, i, p) -> bool:
    root, terms, _ = affine(p)
    t = i.type if i.opcode == "load" else i.operands[0].type
    ivs = [(v, s) for v, s in terms if getattr(v, "block", None) is lp.header
           and v.opcode == "phi" and iv_step(li, v)]
    if len(ivs) != 1 or abs(ivs[0][1] * iv_step(li, ivs[0][0])) < store_size(t):
        return False
    return loop_invariant(root, lp) and all(loop_invariant(v, lp) for v, _ in terms
                                            if v is not ivs[0][0])

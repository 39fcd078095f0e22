"""Running maxima and minima: a select chain whose adjoint reaches only its last pick.

A loop that keeps a running extremum,

    header:  a = phi [init, preheader], [s, latch]
    body:    c = fcmp ogt x_i, a
             s = select c, x_i, a            (or ``select c, a, x_i``)

is reversed, in general, by taping ``a`` every iteration so that the adjoint sweep can
recompute ``c`` and route ``s̄`` to ``x_i`` or back to ``a``.  When nothing else in the loop
reads ``a`` or ``s`` in a way that carries an adjoint (only comparisons, which have none), the
adjoint of the chain is simple: ``ā`` arriving from after the loop travels back through the
iterations that kept ``a`` and ends in the ``x_k`` of the *last* iteration ``k`` whose select
picked it (in ``init`` if none did); every earlier iteration sees ``ā = 0`` and contributes
``−0.0``, which changes nothing it is added to.  So the adjoint sweep needs, per run of the
loop, only ``k``:

* forward: ``k = phi [0, preheader], [k', latch]`` with ``k' = select c, j, k`` beside ``s``
  (``j``: the loop's iteration counter, 1 in the first iteration; ``select c, k, j`` when the
  false arm picks), pushed once where the loop exits, next to its trip count;
* adjoint sweep: popped at the exit's reverse into a slot; the select's adjoint uses
  ``rcount == k`` (``!=`` for a false-arm pick) in place of ``c``: the reverse counter
  (``instrument.py``) equals ``j`` while the body of iteration ``j`` is reversed.

The values and the order of every adjoint accumulation are exactly those of the taped sweep
(the replaced condition agrees with ``c`` wherever ``ā`` may be non-zero).  The tape of the
loop shrinks from one slot per iteration (``a``) to one per run, and the forward loop keeps no
per-iteration pushes or capacity checks.

Conditions (all checked here): the loop is counted (one latch, a preheader, dedicated exits),
its only exit that is not an exception path leaves from the header, the select sits in a
block of the loop itself (not of an inner loop, not the header: the header runs once more
than the body), ``a`` is an active float phi with exactly the preheader and latch incomings,
``a``'s users inside the loop are ``s`` (as its kept arm) and comparisons, and ``s``'s only
users are ``a`` and comparisons.  Checkpointed derivatives keep the taped form (their loops'
adjoints are re-entered from snapshots).
"""
from __future__ import annotations

import dataclasses
from typing import Dict, List

from ...ir.builder import Builder
from ...ir.types import I64
from ...ir.values import Instruction, const_int


@dataclasses.dataclass(eq=False)
class LastPick:
    loop: object                 # analysis.loops.Loop holding the chain
    phi: Instruction             # the running value ``a`` (header phi)
    select: Instruction          # ``s``, the latch incoming of ``a``
    true_picks: bool             # the select's true arm is the new value (else: false arm)
    k: Instruction = None        # forward: the last picking iteration (header phi), set later
    slot: Instruction = None     # adjoint sweep: that value for the run being reversed
    jump: bool = False           # the sweep reverses only iteration k (plan_jumps)


def find_last_picks(frame, aug, li, failing, checkpoint) -> Dict[Instruction, LastPick]:
    """select -> LastPick for every chain the conditions above admit."""
    out: Dict[Instruction, LastPick] = {}
    if checkpoint:
        return out
    act = aug.act.active
    users = frame.fn.users()
    for lp in li.loops.values():
        h = lp.header
        if not lp.counted or len([e for e in lp.exits if e not in failing]) != 1:
            continue
        if any(s not in lp.blocks and s not in failing and blk is not h
               for blk in lp.blocks for s in blk.successors()):
            continue
        latch = lp.latches[0]
        for a in h.phis():
            if not (a.type.is_float and a in act) or len(a.operands) != 2:
                continue
            inc = dict(zip(a.blocks, a.operands))
            if set(inc) != {lp.preheader, latch}:
                continue
            s = inc[latch]
            if not (isinstance(s, Instruction) and s.opcode == "select"
                    and s.block in lp.blocks and s.block is not h
                    and li.loop_of.get(s.block) is lp):
                continue
            _, t, f = s.operands
            if (t is a) == (f is a):
                continue
            if not all(u is s or u.opcode == "fcmp" or u.block not in lp.blocks
                       for u in users.get(a, ())):
                continue
            if not all(u is a or u.opcode == "fcmp" for u in users.get(s, ())):
                continue
            out[s] = LastPick(lp, a, s, f is a)
    return out


def track_picks(module, picks: Dict[Instruction, LastPick], cnt: Dict):
    """Forward sweep: the last picking iteration of each chain (a phi in the loop header,
    updated beside the select; ``cnt``: loop -> iteration counter)."""
    for pk in picks.values():
        lp = pk.loop
        k = Instruction("phi", I64, [], name=f"{pk.phi.name or 'v'}.zy.pick")
        lp.header.insert(0, k)
        j = cnt[lp]
        nb = Builder(module).after(pk.select)
        c = pk.select.operands[0]
        nxt = nb.select(c, j, k) if pk.true_picks else nb.select(c, k, j)
        k.add_incoming(const_int(I64, 0), lp.preheader)
        k.add_incoming(nxt, lp.latches[0])
        pk.k = k


def of_loop(picks: Dict[Instruction, LastPick], lp) -> List[LastPick]:
    """The chains of loop ``lp``, in a fixed order (push order at the exit)."""
    return [pk for pk in picks.values() if pk.loop is lp]


def reverse_condition(b: Builder, pk: LastPick, rcount) -> Instruction:
    """In the adjoint sweep of the body of iteration ``rcount``: the select's condition as
    far as the adjoint needs it (true where the true arm receives the adjoint)."""
    j = b.load(I64, rcount)
    k = b.load(I64, pk.slot)
    return b.icmp("eq" if pk.true_picks else "ne", j, k)


def plan_jumps(picks: Dict[Instruction, LastPick], lplan, tplan, layout, aug, wplan):
    """Chains whose loop the adjoint sweep reverses at the last pick only (``pk.jump``).

    In a loop whose only adjoint work is the chain itself — the select, the phi, and the
    load (or loop-invariant value) the select picks, read by nothing but the select and
    comparisons — every iteration other than the last pick ``k`` adds ``−0.0`` to a shadow
    cell or adjoint, which leaves it unchanged.  The sweep then sets the reverse counter to
    ``k + 1`` on entering the loop (``k = 0``: straight to the preheader with ``ā``), so the
    header's reverse sends it to the body of iteration ``k`` once and then leaves the loop:
    the same additions, bit for bit, without the ``n`` no-op iterations.  Required besides:
    the loop is innermost, nothing is pushed in its blocks, its only taped values are
    induction variables whose values the sweep computes from the counter
    (``TapePlan.iv_entry``) and loop-invariant loads, and it has no sliding windows."""
    from .loops import has_adjoint
    by_loop: Dict[object, List[LastPick]] = {}
    for pk in picks.values():
        by_loop.setdefault(pk.loop, []).append(pk)
    parents = {lp.parent for lp in lplan.li.loops.values() if lp.parent is not None}
    users = None
    for lp, pks in by_loop.items():
        if len(pks) != 1 or lp in parents or lp in wplan.loop_windows:
            continue
        pk = pks[0]
        if any(layout.need.get(b, 0) for b in lp.blocks):
            continue
        if any(getattr(v, "block", None) in lp.blocks and v not in tplan.iv_entry
               and v not in tplan.inv for v in tplan.leaves):
            continue
        x = pk.select.operands[1 if pk.true_picks else 2]
        inside = isinstance(x, Instruction) and x.block in lp.blocks
        users = users if users is not None else lp.header.function.users()
        if inside and not (x.opcode == "load" and all(
                u is pk.select or u.opcode == "fcmp" for u in users.get(x, ()))):
            continue
        allowed = {pk.select, pk.phi} | ({x} if inside else set())
        if all(i in allowed or not has_adjoint(i, aug)
               for b in lp.blocks for i in aug.snapshot.get(b, ())):
            pk.jump = True


def jump_first(b: Builder, pk: LastPick, cnt):
    """The reversed header's "first iteration" test of a jumping loop: ``cnt == max(k, 1)``."""
    k = b.load(I64, pk.slot)
    one = const_int(I64, 1)
    return b.icmp("eq", cnt, b.select(b.icmp("eq", k, const_int(I64, 0)), one, k))


def jump_entry(b: Builder, pk: LastPick):
    """Header executions the sweep pretends the run had: ``k + 1``."""
    return b.add(b.load(I64, pk.slot), const_int(I64, 1))


def jumping(picks: Dict[Instruction, LastPick], lp):
    """The chain of ``lp`` whose loop the sweep reverses at its last pick only, or None."""
    for pk in picks.values():
        if pk.loop is lp and pk.jump:
            return pk
    return None

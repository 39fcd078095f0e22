"""The tape layout: the forward sweep's pushes, block by block (step 3 of reverse mode).

At the top of every block the forward sweep pushes, in this order: the id of the predecessor
it came from (only where the adjoint sweep must choose between several and no loop structure
tells it), the iteration counts of the counted loops it has just left (unless the loop plan
computes them in the adjoint sweep), and the previous values of the phi leaves; after each
other leaf's definition, the leaf's previous value.  The adjoint sweep pops exactly these, in
reverse, when it walks the block backwards.  Inverted induction variables and loop-invariant
loads are pushed once at the loop's preheader instead, and a skipped loop saves the leaves it
defines once before it runs.

Every counted loop gets an iteration counter (a phi in its header) and a twin counting down
in the adjoint sweep (``rcount``), which tells the reversed header whether it has reached the
first iteration.  A loop's exits also push the last pick of each running extremum in it
(``lastpick.py``).

Capacity: ``reserve_capacity`` makes room at the end of each block for what its successors
push (one grow check per edge, not per push); a counted loop whose blocks push nothing has its
exits' entries reserved once in the preheader, so its body stays free of checks and vectorises
like the primal's.  An innermost counted loop that does push gets, at the very end of the
transform, a copy without checks entered after one reservation for its whole run
(``versioning.py``).

Invariant: for every block, ``need[blk]`` equals the slots pushed on entering it, and the
order of ``pushed[blk]`` is the push order (the report prints it).
"""
from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Set

from ...ir.builder import Builder
from ...ir.types import I64, I8, PTR, Type
from ...ir.values import Block, Instruction, Value, const_int
from ..scopes import AliasScopes
from ..tape import Stack, narrow, slot_type, widen
from .common import nslots, vname
from .lastpick import of_loop, track_picks


@dataclasses.dataclass(frozen=True)
class TapeLayout:
    tape: Stack
    scopes: AliasScopes
    bid: Dict[Block, int]                 # block -> id pushed by its successors
    cnt: Dict                             # counted loop -> forward iteration counter (phi)
    rcount: Dict                          # counted loop -> adjoint sweep's counter slot
    need: Dict[Block, int]                # tape slots pushed on entering each block
    pushed: Dict[Block, List[str]]        # what those slots hold (for the report)
    pred_id: Dict[Block, Value]           # block -> its predecessor-id phi
    exit_loops: Dict[Block, List]         # block -> counted loops left on entering it
    iv_saves: Dict[Block, List[Value]]    # preheader -> values saved once per run of the loop
    final_block: Dict[Block, Block] = dataclasses.field(default_factory=dict)  # split by a grow check
    grow_blocks: List[Block] = dataclasses.field(default_factory=list)  # tested for a failed grow (oom.py)

    def orig_block(self, blk: Block) -> Block:
        for k, v in self.final_block.items():
            if v is blk:
                return k
        return blk

    def push(self, b: Builder, vals: List[Value], cond: Optional[Value] = None):
        """Push values (all of them, or none when ``cond`` is false) at ``b``."""
        t = self.tape
        top = b.load(PTR, t.top)
        off = 0
        for v in vals:
            self.scopes.add_tape(b.store(widen(b, v), b.gep(I8, top, [const_int(I64, 8 * off)]), 8))
            off += nslots(v.type)
        step = const_int(I64, 8 * off)
        if cond is not None:
            step = b.select(cond, step, const_int(I64, 0))
        b.store(b.gep(I8, top, [step]), t.top)

    def pop(self, b: Builder, t: Type, cond: Optional[Value] = None) -> Value:
        tp = self.tape
        top = b.load(PTR, tp.top)
        prev = b.gep(I8, top, [const_int(I64, -8 * nslots(t))])
        addr = prev if cond is None else b.select(cond, prev, b.load(PTR, tp.base))
        ld = b.load(slot_type(t), addr, 8)
        self.scopes.add_tape(ld)
        v = narrow(b, ld, t)
        b.store(prev if cond is None else b.select(cond, prev, top), tp.top)
        return v


def instrument(frame, aug, tplan, lplan, rc) -> TapeLayout:
    """Add the counters and the pushes of every block of the forward sweep."""
    module, fn = frame.module, frame.fn
    tape = Stack(module, frame.entry_builder, "zy.tape")
    # tape bytes of the most recent call go to a Python-owned cell (Derivative.tape_bytes);
    # every linked copy of the derivative writes the same cell
    bid = {blk: k for k, blk in enumerate(tplan.blocks)}
    # iteration counters (forward) and their reverse twins
    cnt: Dict = {}
    rcount: Dict = {}
    for h, lp in lplan.counted.items():
        c = Instruction("phi", I64, [])
        h.insert(0, c)
        cnt[lp] = c
        pre_b = Builder(module).before_terminator(lp.latches[0])
        nxt = pre_b.add(c, const_int(I64, 1))
        c.add_incoming(const_int(I64, 1), lp.preheader)
        c.add_incoming(nxt, lp.latches[0])
        eb = Builder(module).before(fn.entry.terminator)
        rcount[lp] = eb.alloca(I64, "zy.rcount")
    track_picks(module, lplan.picks, cnt)
    for pk in lplan.picks.values():
        pk.slot = Builder(module).before(fn.entry.terminator).alloca(I64, "zy.pick")
    layout = TapeLayout(tape, aug.scopes, bid, cnt, rcount, {}, {}, {}, {}, {})
    for blk in tplan.blocks:
        _instrument_block(layout, tplan, lplan, rc, blk, module)
    need = layout.need
    for pre, ivs in layout.iv_saves.items():
        b = Builder(module).before_terminator(pre)
        layout.push(b, [b.load(v.type, rc.cur_slot(v)) for v in ivs])
        need[pre] = need.get(pre, 0) + sum(nslots(v.type) for v in ivs)
    # a loop the adjoint sweep skips saves, once before it runs, the current values of
    # the leaves it defines; skipping it in reverse restores them
    for lp, saved in lplan.free_saves.items():
        if saved:
            b = Builder(module).before_terminator(lp.preheader)
            layout.push(b, [b.load(v.type, rc.cur_slot(v)) for v in saved])
            need[lp.preheader] = need.get(lp.preheader, 0) + sum(nslots(v.type) for v in saved)
    return layout


def _instrument_block(layout: TapeLayout, tplan, lplan, rc, blk: Block, module):
    n = 0
    b = Builder(module).after_phis(blk)
    preds = lplan.live_preds(blk)
    lp_here = lplan.counted.get(blk)
    pushed = layout.pushed
    if lplan.free_of.get(blk) is not None:
        # inside a loop the adjoint sweep skips: keep current values, record nothing
        for i in tplan.body[blk]:
            if i in tplan.leaves:
                ab = Builder(module).after_phis(blk) if i.opcode == "phi" \
                    else Builder(module).after(i)
                ab.store(i, rc.cur_slot(i))
        layout.exit_loops[blk] = []
        layout.need[blk] = 0
        return
    skipped = lplan.free_exit.get(blk)
    if len(preds) > 1 and lp_here is None and skipped is None:
        pid = Instruction("phi", I64, [])
        blk.insert(0, pid)
        for p in lplan.li.preds.get(blk, []):  # exception-path predecessors record -1
            # one entry per CFG edge: a switch may reach ``blk`` on several cases
            for _ in range(p.successors().count(blk)):
                pid.add_incoming(const_int(I64, layout.bid.get(p, -1) if p in preds else -1), p)
        layout.pred_id[blk] = pid
        b = Builder(module).after_phis(blk)
        layout.push(b, [pid])
        n += 1
        pushed.setdefault(blk, []).append("<pred id>")
    # loops left on entering this block (dedicated exits of counted loops)
    exited = []
    for lp in lplan.counted.values():
        if blk in lp.exits and (skipped is None or lp.header not in skipped.blocks):
            exited.append(lp)
    exited.sort(key=lambda l: -l.depth)
    layout.exit_loops[blk] = exited
    for lp in exited:
        # (a trip count the adjoint sweep computes is not pushed)
        if lp not in lplan.trip:
            layout.push(b, [layout.cnt[lp]])
            n += 1
            pushed.setdefault(blk, []).append(f"<trip count of {lp.header.name}>")
        for pk in of_loop(lplan.picks, lp):   # popped into pk.slot by the exit's reverse
            layout.push(b, [pk.k])
            n += 1
            pushed.setdefault(blk, []).append(f"<last pick of %{pk.phi.name or '?'}>")
    # phi leaves (current-value slots), then instruction leaves after each definition
    for phi in [p for p in tplan.body[blk] if p.opcode == "phi" and p in tplan.leaves]:
        if phi in tplan.iv_entry:
            pass  # the adjoint sweep computes its value on leaving the run (loops.py)
        elif phi in tplan.iv:
            # the value before the loop is saved once, at the end of the preheader
            layout.iv_saves.setdefault(lplan.counted[blk].preheader, []).append(phi)
        else:
            layout.push(b, [b.load(phi.type, rc.cur_slot(phi))])
            n += nslots(phi.type)
            pushed.setdefault(blk, []).append(vname(phi))
        b.store(phi, rc.cur_slot(phi))
    for i in tplan.body[blk]:
        if i.opcode != "phi" and i in tplan.leaves:
            ab = Builder(module).after(i)
            if i in tplan.inv:
                layout.iv_saves.setdefault(tplan.inv[i].preheader, []).append(i)
            else:
                old = ab.load(i.type, rc.cur_slot(i))
                layout.push(ab, [old])
                n += nslots(i.type)
                pushed.setdefault(blk, []).append(vname(i))
            ab.store(i, rc.cur_slot(i))
    layout.need[blk] = n


def reserve_capacity(frame, tplan, lplan, layout: TapeLayout):
    """Capacity checks at the end of every block, for what its successors push."""
    need = layout.need
    hoisted: Dict[Block, int] = {}
    skip: Dict[Block, Set[Block]] = {}
    for lp in list(lplan.counted.values()) + [f for f in lplan.free_saves if not f.counted]:
        if all(need.get(b, 0) == 0 for b in lp.blocks):
            n_exit = max((need.get(e, 0) for e in lp.exits), default=0)
            hoisted[lp.preheader] = max(hoisted.get(lp.preheader, 0), n_exit)
            for b in lp.blocks:
                skip[b] = set(lp.exits)
    _reserve(frame, layout, frame.fn.entry, need.get(frame.primal_entry, 0))
    for blk in tplan.blocks:
        succ = [s for s in blk.successors() if s not in skip.get(blk, ())]
        _reserve(frame, layout, blk, max([need.get(s, 0) for s in succ]
                                         + [hoisted.get(blk, 0)]))


def _reserve(frame, layout: TapeLayout, blk: Block, n: int):
    """Make room for ``n`` tape slots at the end of ``blk`` (grow the tape if needed)."""
    if n == 0:
        return
    fn, module = frame.fn, frame.module
    term = blk.terminator
    term.erase()
    grow = fn.add_block(f"{blk.name}.zy.grow")
    cont = fn.add_block(f"{blk.name}.zy.cont")
    b = Builder(module).at_end(blk)
    b.cbr(layout.tape.is_full(b, n), grow, cont)
    gb = Builder(module).at_end(grow)
    layout.tape.grow(gb, n, checked=True)
    gb.br(cont)
    layout.grow_blocks.append(grow)
    Builder(module).at_end(cont).emit(term)
    for s in term.successors():
        for phi in s.phis():
            phi.blocks = [cont if x is blk else x for x in phi.blocks]
    layout.final_block[blk] = cont

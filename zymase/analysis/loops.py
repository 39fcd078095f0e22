"""Control-flow analyses: reverse post-order, dominators, natural loops.

``analyse_loops(fn)`` returns a ``LoopInfo`` with
- ``order``: blocks reachable from the entry in reverse post-order (defs before uses),
- ``idom``: immediate dominators (Cooper–Harvey–Kennedy iterative algorithm),
- ``loops``: one ``Loop`` per header, built from back edges (``t → h`` with ``h`` dominating
  ``t``): its blocks, latches, the preheader (the unique predecessor outside the loop, if
  any), exit blocks and whether every exit is *dedicated* (all its predecessors are inside
  the loop — what loop-simplify guarantees);
- ``loop_of``: the innermost loop containing each block.

A loop is *counted* when it has one latch, one preheader and dedicated exits: reverse mode
then tells the first iteration from the others with an iteration counter instead of recording
which predecessor ran, and can invert ``i = phi [i0, pre], [i + c, latch]`` induction
variables instead of taping them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

from ..ir.values import Block, Function


@dataclass(eq=False)
class Loop:
    header: Block
    blocks: Set[Block] = field(default_factory=set)
    latches: List[Block] = field(default_factory=list)
    preheader: Optional[Block] = None
    exits: List[Block] = field(default_factory=list)
    dedicated_exits: bool = True
    parent: Optional["Loop"] = None

    @property
    def counted(self) -> bool:
        return len(self.latches) == 1 and self.preheader is not None and self.dedicated_exits

    @property
    def depth(self) -> int:
        d, p = 1, self.parent
        while p is not None:
            d, p = d + 1, p.parent
        return d


@dataclass
class LoopInfo:
    order: List[Block]
    preds: Dict[Block, List[Block]]
    idom: Dict[Block, Block]
    loops: Dict[Block, Loop]
    loop_of: Dict[Block, Optional[Loop]]

    def dominates(self, a: Block, b: Block) -> bool:
        while True:
            if a is b:
                return True
            nb = self.idom.get(b)
            if nb is None or nb is b:
                return False
            b = nb

    def loops_exited(self, src: Block, dst: Block) -> List[Loop]:
        """Loops left on the edge src → dst, innermost first."""
        out, lp = [], self.loop_of.get(src)
        while lp is not None and dst not in lp.blocks:
            out.append(lp)
            lp = lp.parent
        return out

    def dump(self) -> str:
        lines = ["; loops"]
        for h, lp in self.loops.items():
            lines.append(f"  header {h.name}: depth {lp.depth}, {len(lp.blocks)} blocks, latches "
                         f"{[b.name for b in lp.latches]}, preheader "
                         f"{lp.preheader.name if lp.preheader else None}, exits "
                         f"{[b.name for b in lp.exits]}, counted={lp.counted}")
        return "\n".join(lines)


def reverse_postorder(fn: Function) -> List[Block]:
    seen, order = {fn.entry}, []
    stack = [(fn.entry, iter(fn.entry.successors()))]
    while stack:
        blk, it = stack[-1]
        nxt = next(it, None)
        if nxt is None:
            order.append(blk)
            stack.pop()
        elif nxt not in seen:
            seen.add(nxt)
            stack.append((nxt, iter(nxt.successors())))
    order.reverse()
    return order


def analyse_loops(fn: Function) -> LoopInfo:
    order = reverse_postorder(fn)
    reach = set(order)
    index = {b: k for k, b in enumerate(order)}
    preds: Dict[Block, List[Block]] = {b: [] for b in order}
    for b in order:
        for s in b.successors():
            if b not in preds[s]:
                preds[s].append(b)
    # dominators
    idom: Dict[Block, Block] = {order[0]: order[0]}
    changed = True
    while changed:
        changed = False
        for b in order[1:]:
            ps = [p for p in preds[b] if p in idom]
            if not ps:
                continue
            new = ps[0]
            for p in ps[1:]:
                a, c = p, new
                while a is not c:
                    while index[a] > index[c]:
                        a = idom[a]
                    while index[c] > index[a]:
                        c = idom[c]
                new = a
            if idom.get(b) is not new:
                idom[b] = new
                changed = True
    info = LoopInfo(order, preds, idom, {}, {b: None for b in order})
    # natural loops from back edges
    for t in order:
        for h in t.successors():
            if h in reach and info.dominates(h, t):
                lp = info.loops.setdefault(h, Loop(h, {h}))
                lp.latches.append(t)
                work = [t]
                while work:
                    x = work.pop()
                    if x not in lp.blocks:
                        lp.blocks.add(x)
                        work.extend(p for p in preds[x])
    # nesting: parent = smallest strictly enclosing loop
    loops = sorted(info.loops.values(), key=lambda l: len(l.blocks))
    for k, lp in enumerate(loops):
        for outer in loops[k + 1:]:
            if lp.header in outer.blocks and outer is not lp:
                lp.parent = outer
                break
    for lp in reversed(loops):  # outermost first, inner ones overwrite
        for b in lp.blocks:
            info.loop_of[b] = lp
    for lp in loops:
        outside = [p for p in preds[lp.header] if p not in lp.blocks]
        if len(outside) == 1 and len(outside[0].successors()) == 1:
            lp.preheader = outside[0]
        exits = []
        for b in lp.blocks:
            for s in b.successors():
                if s not in lp.blocks and s not in exits:
                    exits.append(s)
        lp.exits = exits
        lp.dedicated_exits = all(all(p in lp.blocks for p in preds[e]) for e in exits)
    return info


def failing_blocks(fn: Function) -> Set[Block]:
    """Blocks from which every path returns an exception status (Numba's exception paths:
    ``raise`` stores the exception and returns 1).  A derivative never runs its adjoint
    sweep after such a return, so the sweep need not be able to come back through them.

    An edge ``b → r`` into a returning block fails when the status it returns is a non-zero
    constant, directly or as ``r``'s phi incoming from ``b``; a block fails when all its
    out-edges fail or lead to failing blocks.  Least fixpoint: a block on a cycle that
    never returns is not failing."""
    from ..ir.values import Constant, Instruction

    def nonzero(v) -> bool:
        # Numba's status codes: 0 ok, -2 "returned None" (an Optional result), -3
        # StopIteration; the exception codes are -1 and 1 (and any other constant)
        return isinstance(v, Constant) and v.text not in ("0", "-2", "-3", "false",
                                                          "zeroinitializer", "undef", "poison")

    def edge_fails(b: Block, s: Block) -> bool:
        t = s.terminator
        if t is None or t.opcode != "ret" or not t.operands:
            return False
        v = t.operands[0]
        if isinstance(v, Instruction) and v.opcode == "phi" and v.block is s:
            vals = [x for x, p in zip(v.operands, v.blocks) if p is b]
            return bool(vals) and all(nonzero(x) for x in vals)
        return nonzero(v)

    out: Set[Block] = set()
    changed = True
    while changed:
        changed = False
        for b in fn.blocks:
            if b in out or b.terminator is None:
                continue
            t = b.terminator
            if t.opcode == "ret":
                ok = bool(t.operands) and nonzero(t.operands[0])
            else:
                succ = b.successors()
                ok = bool(succ) and all(s in out or edge_fails(b, s) for s in succ)
            if ok:
                out.add(b)
                changed = True
    return out

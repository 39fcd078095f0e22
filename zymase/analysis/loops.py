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

from ..ir.types import I32
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


def postorder(roots, edges) -> List[Block]:
    """Depth-first postorder of the blocks reachable from ``roots`` along ``edges(block)``
    (successors for the CFG, predecessors for the reverse CFG), iteratively."""
    seen, order = set(roots), []
    for r in roots:
        stack = [(r, iter(edges(r)))]
        while stack:
            blk, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                order.append(blk)
                stack.pop()
            elif nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(edges(nxt))))
    return order


def reverse_postorder(fn: Function) -> List[Block]:
    return list(reversed(postorder([fn.entry], lambda b: b.successors())))


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


def failing_blocks(fn: Function, edges: Optional[Set] = None,
                   statuses: bool = False) -> Set[Block]:
    """Blocks from which every path returns an exception status (Numba's exception paths:
    ``raise`` stores the exception and returns 1).  A derivative never runs its adjoint
    sweep after such a return, so the sweep need not be able to come back through them.

    An edge ``b → r`` into a returning block fails when the status it returns is a non-zero
    constant, directly or as ``r``'s phi incoming from ``b``, or a status ``b`` runs only
    when it is not 0 (a propagated callee status: ``b``'s one predecessor switches or
    branches on it, 0 leading elsewhere — the sweep runs for status 0 only).  An edge into
    a block that switches on its own phi also fails when the phi's value on that edge is a
    constant whose target fails (a status set in an inlined callee).  A block fails
    when all its out-edges fail or lead to failing blocks.  Least fixpoint: a block on a
    cycle that never returns is not failing.  ``edges``, when given, receives the failing
    edges ``(b, s)`` out of blocks that do not fail themselves (a raise inside an inlined
    callee jumps to the callee's merged return, which the normal path passes too).
    The rules about propagated statuses (guards, merged returns, failing edges) apply only
    with ``statuses=True``: Numba's convention, where every return carries a status and the
    adjoint sweep runs for status 0 alone (``reverse/sweep.py``); otherwise (the C ABI, and
    callers that ask only about constant exception returns) the constant rule alone."""
    from ..ir.values import Constant, Instruction

    def nonzero(v) -> bool:
        # Numba's status codes: 0 ok, -2 "returned None" (an Optional result), -3
        # StopIteration; the exception codes are -1 and 1 (and any other constant)
        return isinstance(v, Constant) and v.text not in ("0", "-2", "-3", "false",
                                                          "zeroinitializer", "undef", "poison")

    preds: Dict[Block, List[Block]] = {}
    for b in fn.blocks:
        for s in b.successors():
            preds.setdefault(s, []).append(b)

    seen_status: Dict = {}

    def is_status(v, depth: int = 0) -> bool:
        # a Numba status: what a call in Numba's convention (``i32 @f(ptr retptr, ptr
        # excinfo, …)``) returns, or a phi of such values and constants.  Other i32 values
        # (LAPACK's ``info``, which Numba tests against 0 and may let pass) are not
        if v in seen_status:
            return seen_status[v]
        seen_status[v] = False          # a cycle of phis proves nothing
        ok = False
        if isinstance(v, Constant):
            ok = True
        elif isinstance(v, Instruction) and v.type == I32 and depth < 64:
            ops = v.operands
            if v.opcode == "call":
                ok = len(ops) >= 3 and ops[0].type.is_pointer and ops[1].type.is_pointer
            elif v.opcode == "phi":
                ok = all(is_status(o, depth + 1) for o in ops)
        seen_status[v] = ok
        return ok

    def guarded(v, b: Block) -> bool:
        # ``b`` runs only when status ``v`` is not 0: its one predecessor switches on ``v``
        # with 0 among the cases and ``b`` as the default only (Numba's check of a callee's
        # status, inlined: ``switch %st, label %raise [-2, ok; 0, ok]``), or branches to it
        # on ``v != 0`` / away from it on ``v == 0``
        if not is_status(v):
            return False
        ps = preds.get(b, [])
        if len(ps) != 1:
            return False
        t = ps[0].terminator
        if t is None:
            return False
        if t.opcode == "switch":
            return (t.operands[0] is v and t.blocks[0] is b and b not in t.blocks[1:]
                    and any(c.text == "0" for c in t.cases))
        if t.opcode == "br" and len(t.blocks) == 2 and t.blocks[0] is not t.blocks[1]:
            c = t.operands[0]
            if isinstance(c, Instruction) and c.opcode == "icmp" and c.pred in ("eq", "ne") \
                    and v in c.operands and any(isinstance(o, Constant) and o.text == "0"
                                                for o in c.operands):
                return t.blocks[0 if c.pred == "ne" else 1] is b
        return False

    def steered(b: Block, s: Block, known=frozenset(), depth: int = 0) -> bool:
        # the edge b → s fails: ``s`` is failing, or the path it starts is forced into
        # failure — a status set in an inlined callee is passed up through the merged
        # returns of its callers, each of which tests it (``phi == 0``, or GVN's phi of
        # that test) and passes it on.  ``known``: values known non-zero on this path.
        if s in out:
            return True
        t = s.terminator
        if t is None or depth > 64:
            return False
        nk = set()
        for p in s.phis():
            if p.type != I32:       # Numba's status codes are i32
                continue
            x = _incoming(p, s, b)
            if x is not None and (_nonzero_int(x) or x in known or guarded(x, b)):
                nk.add(p)
        nk = frozenset(nk)
        if t.opcode == "ret":
            v = t.operands[0] if t.operands else None
            return v is not None and (_nonzero_int(v) or v in nk or
                                      (v not in s.phis() and v in known))
        if t.opcode == "br" and len(t.blocks) == 1:
            return steered(s, t.blocks[0], nk, depth + 1)
        if t.opcode == "switch":
            x = _incoming(t.operands[0], s, b)
            if not isinstance(x, Constant):
                return False
            dest = next((d for k, d in zip(t.cases, t.blocks[1:]) if k.text == x.text),
                        t.blocks[0])
            return steered(s, dest, nk, depth + 1)
        if t.opcode != "br" or len(t.blocks) != 2:
            return False
        c = t.operands[0]
        flag = _incoming(c, s, b) if isinstance(c, Instruction) and c.opcode == "phi" \
            else None
        if isinstance(flag, Constant) and flag.text in ("true", "false"):
            return steered(s, t.blocks[0 if flag.text == "true" else 1], nk, depth + 1)
        if isinstance(c, Instruction) and c.opcode == "icmp" and c.pred in ("eq", "ne") \
                and len(c.operands) == 2 and isinstance(c.operands[1], Constant) \
                and c.operands[1].text == "0" and (c.operands[0] in nk or (
                    c.operands[0] in known and c.operands[0] not in s.phis())):
            return steered(s, t.blocks[1] if c.pred == "eq" else t.blocks[0], nk, depth + 1)
        return False

    def _nonzero_int(x) -> bool:
        return isinstance(x, Constant) and x.text.lstrip("-").isdigit() and x.text != "0"

    incoming: Dict = {}

    def _incoming(v, s: Block, b: Block):
        # ``v``'s value on the edge b → s: a phi of ``s`` takes its incoming value from b
        # (None when it has several)
        if isinstance(v, Instruction) and v.opcode == "phi" and v.block is s:
            table = incoming.get(v)
            if table is None:
                table = incoming[v] = {}
                for x, p in zip(v.operands, v.blocks):
                    table[p] = x if table.get(p, x) is x else None
            return table.get(b)
        return v

    dead: Set = set()     # edges found failing (a failing edge stays failing as out grows)

    def edge_fails(b: Block, s: Block) -> bool:
        if (b, s) in dead:
            return True
        t = s.terminator
        if statuses and steered(b, s):
            dead.add((b, s))
            return True
        if t is None or t.opcode != "ret" or not t.operands:
            return False
        v = t.operands[0]
        if isinstance(v, Instruction) and v.opcode == "phi" and v.block is s:
            vals = [x for x, p in zip(v.operands, v.blocks) if p is b]
            return bool(vals) and all(nonzero(x) or (statuses and guarded(x, b)) for x in vals)
        return nonzero(v) or (statuses and guarded(v, b))

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
    if edges is not None:
        for b in fn.blocks:
            if b not in out:
                edges.update((b, s) for s in b.successors() if s in out or edge_fails(b, s))
    return out

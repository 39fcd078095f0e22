"""Loop versioning: one tape reservation before a counted loop, then a copy without checks.

``instrument.reserve_capacity`` ends every block of the forward sweep with a capacity test
for what its successors push (``tape.is_full`` and a call of the checked grow on the cold
path).  In a loop that pushes in every iteration that test runs in every iteration: LLVM
leaves the loop scalar, and the pushed value is spilled around the call.  Loop unswitching
does not remove it (the test is not loop-invariant), so the engine makes the copy itself.

Which loops (``plan_versions``, before the tape is instrumented):
* innermost counted loops (no loop inside: one iteration is an acyclic walk from the header
  to the latch), outside checkpointed loops and outside loops the adjoint sweep skips;
* whose header tests an induction variable against a bound (``loops.header_test``), the
  starting value and the bound defined outside every loop but those around it (a value of
  a sibling loop would be redirected when that loop is copied):
  ``iters = ⌊|bound − init| / |step|⌋ + 1`` bounds the iterations of the run about to
  start, and the header runs at most ``iters + 1`` times — a ``break`` or an exception exit
  can only end the run earlier.

The copy (``version_loops``, on the finished derivative, after the alias scopes are applied,
so no other layer ever sees it and the copied accesses keep their scopes; ``TapeLayout``'s
``final_block`` and ``grow_blocks`` go on describing the original loop, which nothing reads
afterwards):
1. ``P``: the most slots one iteration can push — the longest path from the header through
   the loop's blocks, weighted by ``layout.need`` (slots pushed on entering a block; data
   dependent branches take the heavier side); ``E``: the most slots pushed on entering an exit.
   Loops with ``P = 0`` are skipped (``reserve_capacity`` already hoists their exits' needs).
2. At the end of the preheader: ``bytes = 8·((iters + 1)·P + E)``.  The unchecked copy runs
   when ``top + bytes <= end``, either at once or after ``tape.GROW_TRY`` (a growth that leaves
   the tape unchanged when the heap refuses); otherwise the original loop runs, with every
   check in place.  The original also runs when ``iters`` exceeds ``LIMIT_BYTES / (8·P)``
   (the product could overflow, and such a tape would not fit anyway) or when the induction
   variable could wrap before reaching the bound (a bound within ``|step|`` of the type's
   extreme).
3. The copy clones the loop's blocks (their grow blocks excepted) and replaces each capacity
   test by a branch to its continuation.  Exits are shared: their phis gain one incoming
   entry per copied edge, and a value of the loop used after it reads a phi in the one exit
   that dominates the use, or, failing that, a stack slot written by both copies (promoted
   to SSA by the optimiser).

Invariants: the copy executes the same instructions as the original on the same values, so
both push exactly the same entries (block ids, counters, values) and the adjoint sweep is
unchanged.  The copy never writes past the tape's end: the run cannot push more than
``bytes``, and ``top + bytes <= end`` held when it started.  A refused reservation changes
nothing: the original loop grows the tape as before, and a failure there still enters the
tape's failed state and ends as a ``MemoryError`` (``oom.py``).  The tape's failed state
(end marked by its low bit) lets the copy run only inside the old buffer, which the
comparison with the marked end already ensures.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Dict, List, Optional, Set

from ...analysis.loops import analyse_loops
from ...ir.builder import Builder
from ...ir.types import I64, PTR
from ...ir.values import Block, Constant, Instruction, Value, const_int
from ..tape import SLOT
from .loops import header_test

LIMIT_BYTES = 1 << 40        # a larger reservation is not attempted (the checked loop runs)


@dataclasses.dataclass(eq=False)
class Version:
    li: object                    # analysis.loops.LoopInfo of the primal clone
    loop: object                  # analysis.loops.Loop
    phi: Instruction              # the header's induction variable
    init: Value
    step: int
    bound: Value
    per_iter: int = 0             # P: slots one iteration pushes at most
    at_exit: int = 0              # E: slots pushed on entering an exit, at most


def plan_versions(li, lplan, checkpointed: Set[Block]) -> List[Version]:
    """The loops that may be versioned, with their header tests (before instrumentation:
    the header's phis still name the original preheader)."""
    out = []
    for h, lp in lplan.counted.items():
        if h in lplan.free_of or h in lplan.failing or h in checkpointed \
                or any(li.loop_of.get(b) is not lp for b in lp.blocks):
            continue
        test = header_test(li, lp)
        if test is None:
            continue
        phi, init, step, bound, _ = test
        if not all(_outside(li, v, lp) for v in (init, bound)):
            continue
        out.append(Version(li, lp, phi, init, step, bound))
    return out


def _outside(li, v: Value, lp) -> bool:
    """``v`` is defined outside every loop except those around ``lp``: no other versioned
    loop's copy ever redirects its uses, so the reservation can read it as it is."""
    b = getattr(v, "block", None)
    if b is None:
        return True
    owner = li.loop_of.get(b)
    return owner is None or (owner is not lp and lp.header in owner.blocks)


def version_loops(frame, layout, versions: List[Version]) -> List[Version]:
    """Make the unchecked copies (module docstring); returns the loops versioned."""
    done = []
    if not versions:
        return done
    fn = frame.fn
    grow = set(layout.grow_blocks)
    dom = None
    origin: Dict[Block, Block] = {}     # copied block -> its original (dominance queries)
    for v in versions:
        lp = v.loop
        v.per_iter = _longest_path(v.li, lp, layout.need)
        if v.per_iter == 0:
            continue
        preds = fn.predecessors()
        body = _body(lp, layout, grow, preds)
        if body is None:
            continue
        exits = {s for b in body for s in b.successors() if s not in body}
        if any(p not in body for e in exits for p in preds.get(e, ())):
            continue
        pre = [p for p in preds[lp.header] if p not in body]
        t = pre[0].terminator if len(pre) == 1 else None
        if t is None or t.opcode != "br" or t.operands or v.phi.block is not lp.header \
                or not any(x is v.init and src is pre[0] for x, src in v.phi.incoming()):
            continue
        v.at_exit = max(layout.need.get(e, 0) for e in exits) if exits else 0
        if dom is None:
            dom = analyse_loops(fn)
        _version(frame, layout, v, body, exits, pre[0], grow, dom, origin)
        done.append(v)
    return done


def _longest_path(li, lp, need: Dict[Block, int]) -> int:
    """The most slots pushed by one walk from the header through the loop's blocks (an
    innermost loop: acyclic once the edges back to the header are dropped).  The edges are
    the analysed CFG's: capacity tests have since moved the blocks' terminators."""
    succ: Dict[Block, List[Block]] = {b: [] for b in lp.blocks}
    for b in lp.blocks:
        if b is not lp.header:
            for p in li.preds.get(b, ()):
                if p in lp.blocks:
                    succ[p].append(b)
    memo: Dict[Block, int] = {}

    def walk(b: Block) -> int:
        if b not in memo:
            memo[b] = need.get(b, 0) + max([walk(s) for s in succ[b]], default=0)
        return memo[b]
    return walk(lp.header)


def _body(lp, layout, grow: Set[Block], preds) -> Optional[Set[Block]]:
    """The loop's blocks in the finished function (each original block, its grow block and
    its continuation), or None when something else entered the loop meanwhile."""
    body = set(lp.blocks)
    for b in lp.blocks:
        c = layout.final_block.get(b)
        if c is not None:
            body.add(c)
            body.update(s for s in b.successors() if s in grow)
    for b in body:
        if b is not lp.header and any(p not in body for p in preds.get(b, ())):
            return None
    if sum(p not in body for p in preds.get(lp.header, ())) != 1:
        return None
    return body


def _version(frame, layout, v: Version, body: Set[Block], exits: Set[Block], pre: Block,
             grow: Set[Block], dom, origin: Dict[Block, Block]):
    fn, m = frame.fn, frame.module
    lp = v.loop
    fast_in = fn.add_block(f"{lp.header.name}.zy.fast.enter")
    more = fn.add_block(f"{lp.header.name}.zy.reserve")
    attempt = fn.add_block(f"{lp.header.name}.zy.reserve.try")
    slow_in = fn.add_block(f"{lp.header.name}.zy.checked.enter")
    # 1. the copy
    order = [b for b in fn.blocks if b in body and b not in grow]
    bmap = {b: fn.add_block(f"{b.name}.zy.fast") for b in order}
    vmap: Dict[Value, Value] = {}
    copies = []
    for b in order:
        origin[bmap[b]] = origin.get(b, b)
        for i in b.instructions:
            c = i.clone()
            c.blocks = [bmap.get(x, x) for x in i.blocks]
            bmap[b].append(c)
            vmap[i] = c
            copies.append(c)
    for c in copies:
        c.operands = [vmap.get(o, o) for o in c.operands]
        if c.callee is not None and not isinstance(c.callee, Constant):
            c.callee = vmap.get(c.callee, c.callee)
        if c.opcode == "br" and len(c.blocks) == 2 and c.blocks[0] in grow:
            c.operands, c.blocks = [], [c.blocks[1]]        # the capacity test, dropped
        if c.tail:
            c.tail = re.sub(r",\s*!llvm\.loop ![\w.]+", "", c.tail)
    if any(c.opcode == "call" and not _inline_intrinsic(c.callee_name or "") for c in copies):
        # A loop that calls out (libm's exp, the allocator) gains nothing from unrolling, and
        # the copy, free of the tests that kept the original rolled, would be unrolled 8-fold
        # (log-sum-exp's gradient: 5-8 % slower so)
        node = _unroll_disable(m)
        for c in copies:
            if c.opcode == "br" and bmap[lp.header] in c.blocks:
                c.tail = (c.tail or "") + f", !llvm.loop {node}"
    for phi in bmap[lp.header].phis():
        phi.blocks = [fast_in if x is pre else x for x in phi.blocks]
    for phi in lp.header.phis():
        phi.blocks = [slow_in if x is pre else x for x in phi.blocks]
    # 2. exits: one incoming entry per copied edge
    for e in exits:
        for phi in e.phis():
            for val, src in phi.incoming():
                if src in bmap:
                    phi.add_incoming(vmap.get(val, val), bmap[src])
    _reroute_uses(frame, body, order, bmap, vmap, exits, dom, origin)
    # 3. the reservation at the end of the preheader
    t = pre.terminator
    t.erase()
    b = Builder(m).at_end(pre)
    nbytes, ok = _reservation(b, v)
    tape = layout.tape
    fits = lambda bb: bb.icmp("ule", bb.add(bb.cast("ptrtoint", bb.load(PTR, tape.top), I64),
                                             nbytes),
                              bb.cast("ptrtoint", bb.load(PTR, tape.end), I64))
    b.cbr(b.binop("and", ok, fits(b)), fast_in, more)
    mb = Builder(m).at_end(more)
    mb.cbr(ok, attempt, slow_in)
    ab = Builder(m).at_end(attempt)
    tape.try_grow(ab, nbytes)
    ab.cbr(fits(ab), fast_in, slow_in)
    Builder(m).at_end(fast_in).br(bmap[lp.header])
    Builder(m).at_end(slow_in).br(lp.header)


_INLINE = re.compile(r"llvm\.(fmuladd|fma|fabs|sqrt|copysign|minnum|maxnum|minimum|maximum|floor"
                     r"|ceil|trunc|rint|nearbyint|round|lifetime|assume|experimental|smax|smin"
                     r"|umax|umin|abs|ctpop|ctlz|cttz|expect|prefetch)\b")


def _inline_intrinsic(name: str) -> bool:
    """An intrinsic that becomes a few instructions, not a call."""
    return bool(_INLINE.match(name))


def _unroll_disable(m) -> str:
    """A fresh ``distinct !{self, !{!"llvm.loop.unroll.disable"}}`` loop-metadata node."""
    md = m.metadata
    nxt = max([int(k[1:]) for k in md if k[1:].isdigit()] + [999]) + 1
    opt, node = f"!{nxt}", f"!{nxt + 1}"
    md[opt] = f'{opt} = !{{!"llvm.loop.unroll.disable"}}'
    md[node] = f"{node} = distinct !{{{node}, {opt}}}"
    return node


def _reservation(b: Builder, v: Version):
    """(bytes, ok): the bytes the run may push, and whether that bound is trustworthy."""
    t = v.phi.type
    ext = (lambda x: x) if t.bits == 64 else (lambda x: b.cast("sext", x, I64))
    i0, c = ext(v.init), ext(v.bound)
    m = abs(v.step)
    lo, hi = (i0, c) if v.step > 0 else (c, i0)
    neg = b.icmp("slt", hi, lo)
    span = b.select(neg, const_int(I64, 0), b.sub(hi, lo))
    iters = span if m == 1 else b.emit(Instruction("udiv", I64, [span, const_int(I64, m)]))
    iters = b.add(iters, const_int(I64, 1))
    tmax, tmin = (1 << (t.bits - 1)) - 1, -(1 << (t.bits - 1))
    if v.step > 0:      # the variable must reach the bound without wrapping
        nowrap = b.icmp("sle", c, const_int(I64, tmax - m))
    else:
        nowrap = b.icmp("sge", c, const_int(I64, tmin + m))
    limit = LIMIT_BYTES // (SLOT * v.per_iter) - 2
    ok = b.binop("and", nowrap, b.icmp("ule", iters, const_int(I64, limit)))
    slots = b.add(b.mul(b.add(iters, const_int(I64, 1)), const_int(I64, v.per_iter)),
                  const_int(I64, v.at_exit))
    return b.mul(slots, const_int(I64, SLOT)), ok


def _reroute_uses(frame, body, order, bmap, vmap, exits, dom, origin):
    """Uses after the loop of values defined in it: a phi in the exit that dominates the use
    (made once per value and exit), else a stack slot stored by both copies.  (The value's
    block dominates the use, so it dominates that exit and every edge into it.)"""
    fn, m = frame.fn, frame.module
    users = fn.users()
    copied = set(bmap.values())
    made: Dict[tuple, Instruction] = {}
    slots: Dict[Value, Instruction] = {}

    def exit_phi(val, e):
        key = (id(val), e)
        if key not in made:
            phi = Instruction("phi", val.type, [])
            for p in order:
                for _ in range(p.successors().count(e)):
                    phi.add_incoming(val, p)
                    phi.add_incoming(vmap[val], bmap[p])
            e.insert(0, phi)
            made[key] = phi
        return made[key]

    def slot(val):
        if val not in slots:
            s = frame.entry().alloca(val.type, "zy.version")
            for d in (val, vmap[val]):
                at = Builder(m).after_phis(d.block) if d.opcode == "phi" else Builder(m).after(d)
                at.store(d, s)
            slots[val] = s
        return slots[val]

    def reach(val, blk, before):
        """``val`` as seen before ``before`` in ``blk`` (at its end when None)."""
        if blk in exits and (before is None or before.opcode != "phi"):
            return exit_phi(val, blk)
        ob = origin.get(blk, blk)
        for e in exits:
            if dom.dominates(e, ob):
                return exit_phi(val, e)
        b = Builder(m).before(before) if before is not None else Builder(m).before_terminator(blk)
        return b.load(val.type, slot(val))

    for blk in order:
        for val in list(blk.instructions):
            for u in {id(x): x for x in users.get(val, ())}.values():
                ub = u.block
                if ub is None or ub in body or ub in copied:
                    continue
                if u.opcode == "phi":
                    for k, (x, src) in enumerate(zip(u.operands, u.blocks)):
                        if x is val and src not in body and src not in copied:
                            u.operands[k] = reach(val, src, None)
                else:
                    r = reach(val, ub, u)
                    u.operands = [r if x is val else x for x in u.operands]
                    if u.callee is val:
                        u.callee = r

"""Skipped regions: acyclic stretches of control flow without adjoint work.

The adjoint sweep retraces the primal's control flow backwards, so every block with several
predecessors records which one ran (a tape slot per run) and gets a reverse block.  Code
that does nothing for the derivative — a string comparison on a keyword argument, an
exception-checked index computation, a sort producing ranks — pays for that all the same,
and inlined library code is full of such branches: pynndescent's ``spearmanr`` had some
800 tape-capacity checks and 1,800 reverse blocks for an adjoint that only touches its final
correlation, and its derivative was three times the size of its primal.

A *region* is the single-entry single-exit generalisation of a skipped loop (``loops.py``):

* it hangs off a block ``P`` (``P`` plays the loop preheader's part) and ends at ``X``,
  ``P``'s immediate post-dominator in the control flow that returns normally (exception
  paths — failing blocks and failing edges, ``failing_blocks`` — are never retraced);
* it is every block reachable from ``P``'s successors without passing ``X``; each of them
  is entered only from ``P`` or from the region, and so is ``X`` (a *dedicated* exit), ``X``
  being no loop header; a loop meeting the region lies inside it whole (exception paths
  left out: control that enters or leaves the region along one ends in an exception, and
  the sweep never runs);
* no block of it has adjoint work, its terminators are branches and switches, and ``X``
  receives no active float through a phi from it.

Reaching ``X`` then proves that control came from ``P`` through the region (or straight
from ``P``), so the adjoint sweep goes from ``X`` straight back to ``P``: the region records
nothing, and its leaves (values later adjoint code reads) are saved once at the end of ``P``
and restored on the way back — exactly what a skipped loop does, through the same plan
entries (``free_of``, ``free_saves``, ``free_exit``).  Invariant: only tape traffic and
reverse blocks go; every adjoint computation and its order are those of the plain sweep.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

from ...analysis.loops import postorder
from ...ir.types import contains_float
from ...ir.values import Block
from .loops import has_adjoint


@dataclass(eq=False)
class Region:
    """Quacks like ``analysis.loops.Loop`` where the loop plan uses a skipped loop."""
    header: Block                      # P (named in the tape plan's printout)
    preheader: Block                   # P
    exits: List[Block]                 # [X]
    blocks: Set[Block] = field(default_factory=set)
    latches: List[Block] = field(default_factory=list)
    dedicated_exits: bool = True
    parent: None = None
    counted: bool = False
    depth: int = 0


def post_dominators(order: List[Block], failing: Set[Block],
                    dead: Set) -> Dict[Block, Optional[Block]]:
    """Immediate post-dominators in the normally returning control flow (blocks in
    ``order`` not in ``failing``, edges not in ``dead``), Cooper–Harvey–Kennedy on the
    reversed graph with a virtual exit (``None``) after every returning block."""
    live = [b for b in order if b not in failing]
    alive = set(live)
    succ = {b: [s for s in dict.fromkeys(b.successors()) if s in alive and (b, s) not in dead]
            for b in live}
    # post-order of the reversed graph from the virtual exit = a DFS over predecessors
    preds: Dict[Block, List[Block]] = {b: [] for b in live}
    for b in live:
        for s in succ[b]:
            preds[s].append(b)
    roots = [b for b in live if not succ[b]]
    post = postorder(roots, preds.__getitem__)
    index = {b: k for k, b in enumerate(post)}
    index[None] = len(post)
    ipdom: Dict = {None: None}
    for r in roots:
        ipdom[r] = None
    rpo = list(reversed(post))
    changed = True
    while changed:
        changed = False
        for b in rpo:
            if b in roots:
                continue
            ps = [s for s in succ[b] if s in ipdom]
            if not ps:
                continue
            new = ps[0]
            for p in ps[1:]:
                a, c = p, new
                while a is not c:
                    while index[a] < index[c]:
                        a = ipdom[a]
                    while index[c] < index[a]:
                        c = ipdom[c]
                new = a
            if b not in ipdom or ipdom[b] is not new:
                ipdom[b] = new
                changed = True
    return ipdom


def find_free_regions(li, aug, leaves, blocks: List[Block], failing: Set[Block], dead: Set,
                      free_of: Dict, free_saves: Dict, free_exit: Dict) -> None:
    """Add the skipped regions to the skipped-loop plan entries (in place).  ``dead``: the
    failing edges (``analysis.loops.failing_blocks``), which the sweep never retraces.  A
    skipped loop found inside a region is absorbed by it."""
    inside = set(blocks)
    ipdom = post_dominators([b for b in li.order if b in inside], failing, dead)
    work = {b for b in blocks if any(has_adjoint(i, aug) for i in aug.snapshot.get(b, ()))}

    def live_preds(b):
        return [p for p in li.preds.get(b, []) if p not in failing and (p, b) not in dead]

    taken: Set[Block] = set()
    for P in blocks:
        t = P.terminator
        if P in failing or P in free_of or P in taken or t is None \
                or t.opcode not in ("br", "switch"):
            continue
        X = ipdom.get(P)
        if X is None or X not in inside or X in li.loops or X in free_of or X in taken:
            continue
        region: Set[Block] = set()
        todo = [s for s in dict.fromkeys(P.successors())
                if s is not X and s not in failing and (P, s) not in dead]
        ok = bool(todo)
        for s in todo:
            if s is P or s not in inside or s in taken:
                ok = False
            region.add(s)
        while todo and ok:
            b = todo.pop()
            term = b.terminator
            if b in work or term is None or term.opcode not in ("br", "switch"):
                ok = False
                break
            for s in b.successors():
                if s is X or s in failing or (b, s) in dead or s in region:
                    continue
                if s is P or s not in inside or s in taken:
                    ok = False
                    break
                region.add(s)
                todo.append(s)
        if not ok:
            continue
        if any(p not in region and p is not P for b in region for p in live_preds(b)) \
                or any(p not in region and p is not P for p in live_preds(X)):
            continue
        # a loop meeting the region lies inside it whole (it is skipped with it)
        if any(lp.header in region and not lp.blocks <= region for lp in li.loops.values()):
            continue
        if any(p in aug.act.active and contains_float(p.type)
               for p in X.phis() if any(src in region for src in p.blocks)):
            continue
        inner = {free_of[b] for b in region if b in free_of}
        if any(not lp.blocks <= region for lp in inner):
            continue
        for lp in inner:
            free_saves.pop(lp, None)
            for e in list(free_exit):
                if free_exit[e] is lp:
                    del free_exit[e]
        reg = Region(P, P, [X], region)
        for b in region:
            free_of[b] = reg
        free_exit[X] = reg
        free_saves[reg] = [v for v in leaves if getattr(v, "block", None) in region]
        taken |= region

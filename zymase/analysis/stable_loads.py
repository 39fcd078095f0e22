"""Stable loads: loads whose value no later instruction of the function can change.

Reverse mode needs many forward values again in its adjoint sweep.  A value loaded from
memory is either taped (pushed in the forward sweep, popped in the adjoint sweep) or loaded
again.  Loading again is exact when the memory still holds what the load read: the adjoint
sweep writes no primal memory, so it suffices that no instruction executed after the load
in the forward sweep may write there, and that the memory is still allocated.

A load ``L`` of address ``p`` is *stable* when

1. every origin of ``p`` (type analysis) is memory whose lifetime covers the whole call: an
   argument's memory (the caller owns it), an ``alloca``, or an allocation the caller of this
   analysis promises to keep alive until the adjoint sweep ends (``keepable``: in reverse
   mode, NRT allocations executed at most once per call — see ``reverse/keepalive.py``);
2. no instruction reachable from ``L`` in the control-flow graph — the rest of ``L``'s block,
   every block reachable from it, and, when ``L``'s block lies on a cycle, the whole block —
   may write memory that may alias ``p``.  Aliasing follows the write analysis's rule
   (``analysis/writes.py``): fresh memory (allocas, the function's own allocations) is
   distinct from everything else and from other fresh memory; any two other origins (two
   arguments, an argument and a pointer loaded from memory) may alias; a write through an
   unknown pointer (a call that may write anywhere, ``free``) may alias everything.

Reachability is a transitive closure of the block graph held as integer bit sets, computed
once per function; each load then costs one mask test plus a scan of its own block.

Invariant: the result only ever *removes* values from the tape; a load not proven stable is
taped as before.
"""
from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Optional, Set

from ..ir.values import Block, Constant, Instruction, Value


def _closure(blocks: List[Block]) -> Dict[Block, int]:
    """``reach[b]``: bit set of the blocks reachable from ``b`` by one or more edges."""
    index = {b: k for k, b in enumerate(blocks)}
    succ = {b: [s for s in b.successors() if s in index] for b in blocks}
    reach = {b: 0 for b in blocks}
    changed = True
    while changed:
        changed = False
        for b in reversed(blocks):
            r = reach[b]
            for s in succ[b]:
                r |= (1 << index[s]) | reach[s]
            if r != reach[b]:
                reach[b] = r
                changed = True
    return reach


def blocks_on_cycles(blocks: List[Block]) -> Set[Block]:
    """The blocks that can run more than once per call (each lies on a cycle)."""
    index = {b: k for k, b in enumerate(blocks)}
    reach = _closure(blocks)
    return {b for b in blocks if reach[b] >> index[b] & 1}


def stable_loads(blocks: List[Block], body: Dict[Block, List[Instruction]], types,
                 written: Callable[[Instruction], Optional[List[Value]]],
                 fresh: Set[Value], lifetime_ok: Callable[[Value], bool]) -> Set[Instruction]:
    """The stable loads among the loads in ``body`` (each block's instructions in order).

    ``written(i)``: the pointers ``i`` may write ([] none, None anywhere); ``fresh``: the
    origins that are the function's own memory; ``lifetime_ok(o)``: origin ``o``'s memory
    lives until the adjoint sweep ends (rule 1)."""
    index = {b: k for k, b in enumerate(blocks)}
    reach = _closure(blocks)
    # per write: its block's bit, its position and the origins it may write (None: anywhere)
    writes: List[tuple] = []
    for b in blocks:
        for pos, i in enumerate(body.get(b, ())):
            dsts = written(i)
            if dsts == []:
                continue
            if dsts is None:
                writes.append((b, pos, None))
                continue
            origins: Set[Value] = set()
            for d in dsts:
                if not isinstance(d, Constant):
                    origins |= types.origins_of(d)
            writes.append((b, pos, frozenset(origins)))

    def may_alias(w: Optional[frozenset], load_origins: Set[Value]) -> bool:
        if w is None:
            return True
        for o in load_origins:
            for x in w:
                if x is o or (x not in fresh and o not in fresh):
                    return True
        return False

    # per distinct origin set of the loads: the bit set of blocks holding a conflicting write
    masks: Dict[frozenset, int] = {}
    out: Set[Instruction] = set()
    for b in blocks:
        for pos, i in enumerate(body.get(b, ())):
            if i.opcode != "load":
                continue
            o = frozenset(types.origins_of(i.operands[0]))
            if not o or not all(lifetime_ok(x) for x in o):
                continue
            if o not in masks:
                m = 0
                for wb, _, wo in writes:
                    if may_alias(wo, o):
                        m |= 1 << index[wb]
                masks[o] = m
            m = masks[o]
            if reach[b] & m:
                continue                      # a conflicting write in a later block
            on_cycle = bool(reach[b] >> index[b] & 1)
            if (m >> index[b]) & 1 and _conflict_in_block(writes, b, pos, on_cycle, o,
                                                            may_alias):
                continue
            out.add(i)
    return out


def _conflict_in_block(writes: Iterable[tuple], b: Block, pos: int, on_cycle: bool, o,
                       may_alias) -> bool:
    for wb, wpos, wo in writes:
        if wb is b and (on_cycle or wpos > pos) and may_alias(wo, o):
            return True
    return False

"""Slots: which pointer of a parallel loop kernel's ``args`` an address derives from.

Numba's kernel ``K(args, dims, steps, data)`` loads each array's data pointer (and each
scalar cell's address) from ``args`` at a constant offset: ``load ptr, base + 8·j`` is slot
``j``.  Every pointer the kernel computes from such a load (through GEPs, casts, phis and
selects) points into that slot's memory; a phi or select of pointers of several slots may
point into any of them.  ``slot_map`` computes this for every pointer of the kernel, to a
fixpoint (pointers carried around loops); ``slot_of`` asks it about one pointer.  Used by the
checks of what a kernel reads and writes (``transforms/parfor_checks.py``), the atomic
accumulation (``transforms/parfor_atomics.py``) and the row windows (``parfor_index.py``).
"""
from __future__ import annotations

from typing import Dict, Optional

from ..ir.values import Argument, Constant, Function, Instruction, Value


def slot_map(fn: Function, base: Argument) -> Dict[Value, frozenset]:
    """For every pointer of ``fn``: the slots it may point into (``load ptr, base + 8·j`` is
    slot ``j``; GEPs and casts keep their operand's slots; phis and selects take the union),
    to a fixpoint so that pointers carried around loops are followed."""
    sets: Dict[Value, frozenset] = {}
    insts = [i for i in fn.instructions() if i.type.is_pointer]
    changed = True
    while changed:
        changed = False
        for i in insts:
            op = i.opcode
            if op == "load":
                j = offset_slot(i.operands[0], base)
                new = frozenset() if j is None else frozenset((j,))
            elif op in ("getelementptr", "bitcast", "addrspacecast", "freeze"):
                new = sets.get(i.operands[0], frozenset())
            elif op in ("phi", "select"):
                srcs = i.operands if op == "phi" else i.operands[1:]
                new = frozenset().union(*[sets.get(v, frozenset()) for v in srcs])
            else:
                continue
            if new != sets.get(i, frozenset()):
                sets[i] = new
                changed = True
    return sets


def slot_of(p: Value, base: Argument, memo: Dict = None) -> Optional[int]:
    """The slot ``j`` that pointer ``p`` derives from; None if none, -1 when it may point
    into several (``memo``: the function's ``slot_map``, computed on first use)."""
    fn = p.block.function if isinstance(p, Instruction) and p.block is not None else None
    if fn is None:
        return None
    if memo is None:
        memo = {}
    if "map" not in memo:
        memo["map"] = slot_map(fn, base)
    got = memo["map"].get(p, frozenset())
    if not got:
        return None
    return next(iter(got)) if len(got) == 1 else -1


def offset_slot(q: Value, base: Argument) -> Optional[int]:
    """``base`` → 0; ``gep T, base, c`` → the slot at byte offset ``c · sizeof(T)``."""
    if q is base:
        return 0
    if isinstance(q, Instruction) and q.opcode == "getelementptr" and q.operands[0] is base \
            and len(q.operands) == 2 and isinstance(q.operands[1], Constant):
        size = 1 if str(q.src_type) == "i8" else 8
        return int(q.operands[1].ref()) * size // 8
    return None

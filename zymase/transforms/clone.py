"""Clone a function body into a new function with a value map.

``clone_into(src, dst, vmap)`` copies every block and instruction of ``src`` into ``dst``
(appending blocks), rewriting operands through ``vmap`` (which must already map ``src``'s
arguments) and block references through the block map it builds.  Returns (vmap, bmap) so
transforms can find the copy of any primal value.
"""
from __future__ import annotations

from typing import Dict, Tuple

from ..ir.values import Block, Constant, Function, Instruction, Value


def clone_into(src: Function, dst: Function, vmap: Dict[Value, Value]) -> Tuple[Dict, Dict]:
    bmap: Dict[Block, Block] = {}
    for b in src.blocks:
        nb = dst.add_block(b.name)
        bmap[b] = nb
    pending = []
    for b in src.blocks:
        nb = bmap[b]
        for i in b.instructions:
            c = i.clone()
            c.blocks = [bmap[x] for x in i.blocks]
            nb.append(c)
            vmap[i] = c
            pending.append(c)
    for c in pending:
        c.operands = [vmap.get(o, o) for o in c.operands]
        if c.callee is not None and not isinstance(c.callee, Constant):
            c.callee = vmap.get(c.callee, c.callee)  # indirect calls (ctypes/cffi pointers)
    return vmap, bmap

"""Pointers that travel as integers get their pointer back (IR in, IR out).

Compiled Rust (and C that does pointer arithmetic in ``uintptr_t``) carries pointers through
integers: after SROA a ``Vec``'s buffer is an ``i64`` phi of ``ptrtoint`` of the allocation and
the dangling address ``8`` (an empty ``Vec``), turned back into a pointer by ``inttoptr``.  The
analyses follow pointers, not integers, so the memory behind such an ``inttoptr`` would have no
shadow.  This pass rewrites each ``inttoptr X`` whose integer ``X`` is built only from

* ``ptrtoint P``                   → ``P``
* an integer constant ``c``        → the constant ``inttoptr (i64 c to ptr)``
* ``phi``/``select`` of such       → a pointer ``phi``/``select`` of the pointers
* ``add X, k`` / ``sub X, k``      → ``getelementptr i8, P, k`` (``-k``)

into that pointer expression, so provenance is visible again; the integer computation stays for
its other uses.  Anything else (a pointer hashed, masked, loaded as an integer) is left alone.

Invariant: the new instructions compute the same address as the integers they shadow; a pointer
phi has the integer phi's blocks and sits next to it.
"""
from __future__ import annotations

from typing import Dict

from ..ir.builder import Builder
from ..ir.types import I8, PTR, IntType
from ..ir.values import Constant, Function, Instruction, Value


def _parts(x: Value):
    """The integer operands ``x``'s pointer form is built from, or None if it has none."""
    if isinstance(x, Constant):
        return [] if isinstance(x.type, IntType) and x.text.lstrip("-").isdigit() else None
    if not isinstance(x, Instruction):
        return None
    if x.opcode == "ptrtoint":
        return [] if x.operands[0].type == PTR else None
    if x.opcode == "phi":
        return list(x.operands)
    if x.opcode == "select":
        return list(x.operands[1:])
    if x.opcode == "add":
        return list(x.operands)     # either may be the pointer (see _recoverable)
    if x.opcode == "sub":
        return [x.operands[0]]
    return None


def _recoverable(roots) -> set:
    """The integers (from ``roots`` back through phis, selects, adds and subs) that have a
    pointer form: the greatest set closed under ``_parts`` (phis may form cycles)."""
    seen, work = set(), list(roots)
    while work:
        x = work.pop()
        if x in seen:
            continue
        seen.add(x)
        parts = _parts(x)
        if parts:
            work += parts
    good = {x for x in seen if _parts(x) is not None}
    changed = True
    while changed:
        changed = False
        for x in list(good):
            parts = _parts(x)
            if isinstance(x, Instruction) and x.opcode == "add":
                ok = parts[0] in good or parts[1] in good
            else:
                ok = all(p in good for p in parts)
            if not ok:
                good.discard(x)
                changed = True
    return good


def recover_pointers(fn: Function) -> int:
    """Rewrite the recoverable ``inttoptr`` of ``fn``; returns how many were rewritten."""
    module = fn.module
    casts = [i for i in fn.instructions() if i.opcode == "inttoptr"]
    if not casts:
        return 0
    good = _recoverable(i.operands[0] for i in casts)
    memo: Dict[Value, Value] = {}
    phis = []

    def ptr_of(x: Value) -> Value:
        if x in memo:
            return memo[x]
        if isinstance(x, Constant):
            out = Constant(PTR, "null" if int(x.text) == 0 else
                           f"inttoptr ({x.type} {x.text} to ptr)")
        elif x.opcode == "ptrtoint":
            out = x.operands[0]
        elif x.opcode == "phi":
            b = Builder(module)
            b.block, b.index = x.block, x.block.instructions.index(x) + 1
            out = b.phi(PTR)
            memo[x] = out
            phis.append((out, x))
            return out
        elif x.opcode == "select":
            a, c = ptr_of(x.operands[1]), ptr_of(x.operands[2])
            out = Builder(module).after(x).select(x.operands[0], a, c)
        else:                               # add / sub
            k = 0 if x.operands[0] in good else 1
            base = ptr_of(x.operands[k])
            off = x.operands[1 - k]
            b = Builder(module).after(x)
            if x.opcode == "sub":
                off = b.sub(Constant(off.type, "0"), off)
            out = b.gep(I8, base, [off])
        memo[x] = out
        return out

    count = 0
    for i in casts:
        if i.operands[0] in good:
            fn.replace_all_uses(i, ptr_of(i.operands[0]))
            i.erase()
            count += 1
    while phis:
        p, x = phis.pop()
        for v, blk in zip(x.operands, x.blocks):
            p.add_incoming(ptr_of(v), blk)
    return count

"""Split a parallel loop kernel's combined reverse derivative into its two sweeps.

The combined reverse derivative ``K'(args, dargs, dims, steps, data)`` of a kernel runs the
augmented forward sweep (the primal, recording the tape), then the adjoint sweep.  Run by the
adjoint launch, it re-runs the worker's share of the loop only to rebuild the tape.  The
*split* derivative ``K'ˢ(args, dargs, dims, steps, data, i64 mode, ptr state)`` lets the
primal launch record the tape instead:

* ``mode = 0`` runs the forward sweep (computing the primal exactly as ``K'`` does) and, where
  the adjoint sweep would start, saves what that sweep needs into a heap block whose address
  it writes to ``*state``, and returns;
* ``mode = 1`` restores that block and runs only the adjoint sweep (``*state`` null: the
  forward half never reached the sweep; nothing to do).

What the adjoint sweep needs from the forward sweep, in a function built by
``reverse_transform``:

1. the contents of the frame's allocas the forward sweep touches (tape cursors, loop
   counters' current values, the tape's and the shadow free list's base/top/end): saved and
   restored byte for byte (the others, adjoint slots, still hold what the entry block
   stored, which it stores again in mode 1);
2. the SSA values defined by the forward sweep and used by the adjoint sweep (pointers and
   strides loaded at the kernel's entry, …): saved, and the adjoint sweep's uses replaced by
   their reloads (the restore block dominates every adjoint block, which nothing else
   enters once the forward sweep returns at the transition instead);
3. the tape itself: its first buffer lives in the frame (``tape.Stack``); when the forward
   sweep ends with the tape still there, it moves to the heap first (the pointers into it
   are rebased), after which the tape and everything else it points to are heap memory or
   the caller's arrays, which outlive the call.

Blocks: the entry block (only allocas and their initialisation; it runs in both modes),
the forward blocks (reachable from it without entering the sweep) and the adjoint blocks
(reachable from a ``zy.rev.start.*`` block, the sweep's start).  The split is refused
(``None``: the caller keeps the combined derivative) unless these are cleanly separated,
every alloca the adjoint sweep uses sits in the entry block with a constant size, and no
such alloca's address is stored anywhere (so saving bytes saves everything), except in the
tape buffers' own cursors; the forward sweep's other allocas hold no floats or pointers.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from ..ir.builder import Builder
from ..ir.types import ArrayType, I64, I8, PTR, VOID, FunctionType, alloc_size, \
    contains_float, contains_pointer
from ..ir.values import Argument, Constant, Function, Instruction, Module, const_int
from .clone import clone_into
from .tape import GROW, GROW_CHECKED, GROW_TRY, INITIAL_BYTES, RELEASE

START = "zy.rev.start."
MALLOC = FunctionType(PTR, (I64,))
FREE = FunctionType(VOID, (PTR,))


def split_derivative(module: Module, name: str) -> Optional[str]:
    """The name of ``name``'s split derivative (built once), or None when the function's
    shape is not one this module can split (see the module docstring)."""
    memo = module.__dict__.setdefault("zymase_parfor_split", {})
    if name in memo:
        return memo[name]
    src = module.functions[name]
    f = Function(f"{name}.split", VOID, [Argument(a.type, a.name) for a in src.args]
                 + [Argument(I64, "zy.mode"), Argument(PTR, "zy.state")])
    f.linkage, f.attrs, f.is_declaration = "internal", src.attrs, False
    clone_into(src, f, dict(zip(src.args, f.args)))
    why = _split(module, f)
    if why is None:
        module.add_function(f)
    else:
        from ..pipeline import debug_flags, dprint
        dprint(debug_flags(), "parfor", name[-60:], f"not split: {why}")
    memo[name] = f.name if why is None else None
    return memo[name]


def _reachable(starts, stop) -> List:
    seen, todo, out = set(), list(starts), []
    while todo:
        blk = todo.pop()
        if blk in seen or blk in stop:
            continue
        seen.add(blk)
        out.append(blk)
        todo.extend(blk.successors())
    return out


def _stacks(entry, allocas):
    """{buffer alloca: [its cursor slots]} for the tape buffers in the frame, or None when an
    alloca's address is used other than by loads and stores through it."""
    users: Dict = {}
    fn = entry.function
    for i in fn.instructions():
        for o in i.operands:
            if isinstance(o, Instruction) and o.opcode == "alloca":
                users.setdefault(o, []).append(i)
    stacks = {}
    for a in allocas:
        if isinstance(a.src_type, ArrayType) and a.src_type.count * 8 == INITIAL_BYTES:
            slots = []
            for u in users.get(a, ()):
                if u.opcode == "store" and u.operands[0] is a and u.block is entry \
                        and u.operands[1] in allocas:
                    slots.append(u.operands[1])
                elif u.opcode == "getelementptr" and u.block is entry and u.operands[0] is a:
                    us = [x for x in fn.instructions() if u in x.operands]
                    if len(us) != 1 or us[0].opcode != "store" or us[0].operands[0] is not u \
                            or us[0].operands[1] not in allocas:
                        return None
                    slots.append(us[0].operands[1])
                elif u.opcode == "call" and u.callee_name in (GROW, GROW_CHECKED, GROW_TRY, RELEASE) \
                        and u.operands[-1] is a and a not in u.operands[:-1]:
                    continue
                else:
                    return None
            if len(slots) != 3:
                return None
            stacks[a] = slots
            continue
        for u in users.get(a, ()):
            if u.opcode == "load" and u.operands[0] is a:
                continue
            if u.opcode == "store" and u.operands[1] is a and u.operands[0] is not a:
                continue
            return None
    return stacks


def _split(module: Module, f: Function) -> Optional[str]:
    entry = f.blocks[0]
    t = entry.terminator
    if t is None or t.opcode != "br" or len(t.blocks) != 1:
        return "the entry block does not end in a branch"
    allocas = [i for i in entry.instructions if i.opcode == "alloca"]
    if any(i.opcode not in ("alloca", "store", "getelementptr", "br")
           for i in entry.instructions):
        return "the entry block computes more than alloca initialisation"
    for i in f.instructions():      # the forward sweep's own stack slots: integer scratch
        if i.opcode == "alloca" and i.block is not entry and (
                contains_float(i.src_type) or contains_pointer(i.src_type)):
            return "a stack slot for floats or pointers in the forward sweep"
    if any(len(a.operands) and not isinstance(a.operands[0], Constant) for a in allocas):
        return "an alloca of run-time size"
    stacks = _stacks(entry, set(allocas))
    if stacks is None:
        return "an alloca whose address escapes"
    starts = [blk for blk in f.blocks if (blk.name or "").startswith(START)]
    if not starts:
        return "no adjoint sweep"
    adjoint = _reachable(starts, set())
    aset = set(adjoint)
    forward = _reachable([t.blocks[0]], aset | {entry})
    fset = set(forward)
    if fset & aset or entry in aset:
        return "blocks shared by both sweeps"
    edges = []
    for blk in forward:
        for s in blk.successors():
            if s in aset:
                if s.phis():
                    return "a phi where the adjoint sweep starts"
                if (blk, s) not in edges:
                    edges.append((blk, s))
    if not edges:
        return "no transition into the adjoint sweep"
    live: List[Instruction] = []
    seen = set()
    for blk in adjoint:
        for i in blk.instructions:
            for o in list(i.operands) + ([i.callee] if i.callee is not None else []):
                if isinstance(o, Instruction) and o.block in fset and o not in seen:
                    if o.type == VOID:
                        return "a void value used across the sweeps"
                    if o.opcode == "alloca":
                        return "the adjoint sweep uses a stack slot of the forward sweep"
                    seen.add(o)
                    live.append(o)
    # the state block: [transition id][each alloca's bytes][each live value], 16-aligned
    off, where = 16, {}
    # an alloca the forward sweep never touches (an adjoint slot) holds at the transition
    # what the entry block stored, which the entry block stores again in mode 1: not saved,
    # so that LLVM still sees its initial value (-0.0 for adjoints) in the adjoint sweep
    touched = {o for blk in forward for i in blk.instructions for o in i.operands
               if isinstance(o, Instruction) and o.opcode == "alloca"}
    for a in allocas:
        if a in stacks or a not in touched:
            continue
        n = alloc_size(a.src_type) * (int(a.operands[0].ref()) if a.operands else 1)
        where[a] = off
        off += (n + 15) // 16 * 16
    for v in live:
        where[v] = off
        off += (alloc_size(v.type) + 15) // 16 * 16
    total = const_int(I64, off)
    state_param, mode = f.args[-1], f.args[-2]

    def at(b: Builder, base, k: int):
        return b.gep(I8, base, [const_int(I64, k)])

    def copy_alloca(b: Builder, a, dst, src):
        n = alloc_size(a.src_type) * (int(a.operands[0].ref()) if a.operands else 1)
        if not a.operands and not a.src_type.is_aggregate:
            b.store(b.load(a.src_type, src), dst)     # scalars: SROA keeps them in registers
        else:
            b.memcpy(dst, src, const_int(I64, n))
    # forward half: at each transition, rebase a tape still in the frame, save, return
    for k, (blk, target) in enumerate(edges):
        sv = f.add_block(f"zy.split.save.{k}")
        term = blk.terminator
        term.blocks = [sv if x is target else x for x in term.blocks]
        b = Builder(module, sv)
        for buf, slots in stacks.items():
            b = _rebase(module, f, b, buf, slots)
        st = b.call("malloc", MALLOC, [total])
        b.store(const_int(I64, k), st)
        for a, o in where.items():
            if isinstance(a, Instruction) and a.opcode == "alloca" and a in allocas:
                copy_alloca(b, a, at(b, st, o), a)
        for v in live:
            b.store(v, at(b, st, where[v]))
        b.store(st, state_param)
        b.ret()
    # adjoint half: the entry branches to the restore block in mode 1
    rs, nothing, go = f.add_block("zy.split.restore"), f.add_block("zy.split.none"), \
        f.add_block("zy.split.load")
    fwd_start = t.blocks[0]
    t.erase()
    eb = Builder(module, entry)
    eb.cbr(eb.icmp("eq", mode, const_int(I64, 1)), rs, fwd_start)
    rb = Builder(module, rs)
    st = rb.load(PTR, state_param)
    rb.cbr(rb.icmp("eq", st, Constant(PTR, "null")), nothing, go)
    Builder(module, nothing).ret()
    gb = Builder(module, go)
    for a in allocas:
        if a in where:
            copy_alloca(gb, a, a, at(gb, st, where[a]))
    reload = {v: gb.load(v.type, at(gb, st, where[v])) for v in live}
    k_id = gb.load(I64, st)
    gb.call("free", FREE, [st])
    for k, (_, target) in enumerate(edges[:-1]):
        nxt = f.add_block(f"zy.split.next.{k}")
        gb.cbr(gb.icmp("eq", k_id, const_int(I64, k)), target, nxt)
        gb = Builder(module, nxt)
    gb.br(edges[-1][1])
    for blk in adjoint:
        for i in blk.instructions:
            i.operands = [reload.get(o, o) for o in i.operands]
            if i.callee is not None and i.callee in reload:
                i.callee = reload[i.callee]
    return None


def _rebase(module: Module, f: Function, b: Builder, buf, slots) -> Builder:
    """Moves a tape whose cursors still point into its frame buffer ``buf`` to a heap copy
    (the cursors keep their offsets; a marked end, the failed-growth flag, stays marked)."""
    base_slot = slots[0]
    base = b.load(PTR, base_slot)
    move, done = f.add_block(None), f.add_block(None)
    b.cbr(b.icmp("eq", base, buf), move, done)
    mb = Builder(module, move)
    heap = mb.call("malloc", MALLOC, [const_int(I64, INITIAL_BYTES)])
    mb.memcpy(heap, buf, const_int(I64, INITIAL_BYTES))
    b0 = mb.cast("ptrtoint", buf, I64)
    for s in slots:
        p = mb.load(PTR, s)
        mb.store(mb.gep(I8, heap, [mb.sub(mb.cast("ptrtoint", p, I64), b0)]), s)
    mb.br(done)
    return Builder(module, done)

"""Race-free adjoint accumulation in a parallel loop's reverse kernel.

The reverse transform adds a load's adjoint into shadow memory as ``load``, ``fadd``,
``store`` of one address (directly, from a register promoted over a loop, or from a stencil
window).  In a kernel launched on many threads, memory the kernel only reads (``x[j]`` in a
pairwise loop) may be read by iterations on other threads, and their adjoints meet in the same
shadow element: each such accumulation becomes ``atomicrmw fadd`` (monotonic: the adds
commute, and the launcher's join orders them before anything reads the shadow).  Shadows of
memory the kernel writes, of reduction slots and of memory it allocates are touched by one
iteration or one thread only and stay plain (``parfor_checks.KernelPlan``).

Invariant checked at the end: no store into the shadow of a shared-read slot remains that is
not atomic — any other shape is refused rather than left racy.
"""
from __future__ import annotations

from ..errors import unsupported
from ..ir.values import Function, Instruction
from ..analysis.parfor_slots import slot_of
from .parfor_checks import KernelPlan


def make_accumulations_atomic(fn: Function, plan: KernelPlan) -> int:
    """Rewrites the accumulations into shared-read shadows of reverse kernel ``fn``
    (``fn(args, dargs, dims, steps, data)``); returns how many."""
    shared = plan.shared_reads
    if not shared:
        return 0
    dbase = fn.args[1]
    memo: dict = {}
    users = fn.users()
    count = 0
    for blk in fn.blocks:
        for st in list(blk.instructions):
            if st.opcode != "store":
                continue
            v, p = st.operands
            j = slot_of(p, dbase, memo)
            if j is None or j not in shared:
                continue
            delta = _accumulated(v, p, st, users)
            if delta is None or not v.type.is_float:
                raise unsupported("an adjoint in a parallel loop that zymase cannot add "
                                  "atomically", st.loc)
            cur = v.operands[0] if v.operands[1] is delta else v.operands[1]
            align = (st.tail or "").strip()
            rmw = Instruction("atomicrmw", v.type, [p, delta],
                              template=f"atomicrmw fadd ptr {{0}}, {v.type} {{1}} monotonic"
                                       + (f"{align}" if align.startswith(",") else ""))
            blk.instructions.insert(blk.instructions.index(st), rmw)
            rmw.block = blk
            st.erase()
            if not users.get(v) or users[v] == [st]:
                v.erase()
                if all(u is v for u in users.get(cur, ())):
                    cur.erase()
            count += 1
    return count


def _accumulated(v, p, st: Instruction, users):
    """``delta`` when ``v`` is ``fadd(load p, delta)`` (either order) whose only use is the
    store ``st`` and whose load reads ``p`` in ``st``'s block with no store in between."""
    if not isinstance(v, Instruction) or v.opcode != "fadd" or users.get(v) != [st]:
        return None
    for k in (0, 1):
        ld = v.operands[k]
        if isinstance(ld, Instruction) and ld.opcode == "load" and ld.operands[0] is p \
                and ld.block is st.block and users.get(ld) == [v]:
            ins = st.block.instructions
            between = ins[ins.index(ld) + 1:ins.index(st)]
            if any(x.opcode in ("store", "call", "atomicrmw") for x in between):
                return None
            return v.operands[1 - k]
    return None

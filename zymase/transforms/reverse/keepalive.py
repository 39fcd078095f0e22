"""Keeping NRT allocations alive until the adjoint sweep ends.

The tape plan (``plan.py``) loads again, in the adjoint sweep, values it proves no later
write changes (``analysis/stable_loads.py``) instead of taping them — also from arrays the
function allocates itself, such as a table it fills once and then reads in its loops.  The
primal releases such an array when its last reference goes, which may be in the forward
sweep; the adjoint sweep would then read freed memory.  So each allocation the plan reads
this way takes one more reference right after it is made, and that reference is dropped
with the shadows once the sweep is over (or the call fails): the array lives exactly as long
as the derivative needs it.  Only allocations that run at most once per call are chosen
(``plan.Recompute._stable_analysis``), so this costs no memory beyond a longer lifetime.

The reference is taken by ``zymase.keep`` (an atomic add on the MemInfo's reference count,
as Numba's ``NRT_incref`` does; nothing for a failed, null allocation) and dropped by
``zymase.unkeep`` (``NRT_MemInfo_release``, which runs the destructor at zero).
"""
from __future__ import annotations

from typing import Iterable

from ...ir.builder import Builder
from ...ir.types import I64, PTR, VOID, FunctionType
from ...ir.values import Argument, Constant, Function, Instruction, Module

KEEP, UNKEEP = "zymase.keep", "zymase.unkeep"


def _helper(module: Module, name: str, body) -> None:
    if name in module.functions:
        return
    arg = Argument(PTR, "mi")
    fn = Function(name, VOID, [arg])
    fn.linkage = "internal"
    module.add_function(fn)
    entry, work, done = (fn.add_block(n) for n in ("entry", "work", "done"))
    eb = Builder(module, entry)
    eb.cbr(eb.icmp("eq", arg, Constant(PTR, "null")), done, work)
    wb = Builder(module, work)
    body(wb, arg)
    wb.br(done)
    Builder(module, done).ret()


def _ensure_helpers(module: Module) -> None:
    def keep(b: Builder, mi):
        # the reference count is the MemInfo's first field (Numba's NRT_incref does the same)
        b.emit(Instruction("atomicrmw", I64, [mi],
                           template="atomicrmw add ptr {0}, i64 1 monotonic"))

    def unkeep(b: Builder, mi):
        b.call("NRT_MemInfo_release", FunctionType(VOID, (PTR,)), [mi])
    module.get_or_declare("NRT_MemInfo_release", FunctionType(VOID, (PTR,)))
    _helper(module, KEEP, keep)
    _helper(module, UNKEEP, unkeep)


def keep_alive(frame, aug, allocations: Iterable[Instruction]) -> None:
    """After each of ``allocations`` (NRT MemInfo allocator calls of the forward sweep): take
    a reference and record the MemInfo on the list released after the sweep."""
    allocations = list(allocations)
    if not allocations:
        return
    from ..tape import Stack
    from .augment import AugmentedSweep
    _ensure_helpers(frame.module)
    if UNKEEP not in aug.raw_lists:      # released by results.free_shadows, like shadows
        aug.raw_lists[UNKEEP] = Stack(frame.module, frame.entry_builder, "zy.keep")
    for c in allocations:
        b = Builder(frame.module).after(c)
        b.call(KEEP, FunctionType(VOID, (PTR,)), [c])
        AugmentedSweep._record(b, aug.raw_lists[UNKEEP], c)

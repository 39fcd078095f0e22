"""What the adjoint of a parallel loop may assume, proved from the IR or refused by name.

Reverse mode re-runs each worker's share of the kernel in the adjoint sweep
(``parallel.py``), so two things must hold:

1. **The kernel reads what it read at the primal launch.**  Within the kernel: no memory is
   both read and written (an in-place update ``x[i] = f(x[i])`` would read its own output
   when re-run), except Numba's *reduction slots* (``slot[get_thread_id()]``), whose
   values reach nothing but a sum into the same slot (``s += …``): re-running from a stale
   start changes the slot, not the derivative, and every slot's adjoint is the adjoint of
   the combined sum.  In the function around the launch: no write, after the launch, to
   memory the kernel reads (``check_stable``).
2. **Adjoint accumulation is race-free.**  Memory the kernel only reads may be read by many
   iterations on many threads (``x[j]`` in a pairwise loop): adjoints added into its shadow
   become atomic adds (``parfor_atomics.py``).  Memory the kernel writes is written by one
   iteration only (Numba's contract for ``prange``): the adjoints of those stores touch
   their own elements, plain loads and stores.  Reduction slots belong to one thread.

The kernel's memory is identified by *slot*: the index ``j`` of the pointer ``args[j]`` an
address is derived from (through GEPs, phis, selects and casts).  Addresses derived from
anything else (memory the kernel allocates itself) are private to an iteration.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Set

from ..errors import unsupported
from ..ir.values import Argument, Constant, Function, Instruction, Value
from ..rules.calls import Kind, classify_call
from ..analysis.parfor_slots import offset_slot, slot_of

THREAD_ID = "get_thread_id"


@dataclass
class KernelPlan:
    """Which slots the kernel reads, writes, and uses as per-thread reduction slots."""
    reads: Set[int] = field(default_factory=set)
    writes: Set[int] = field(default_factory=set)
    reductions: Set[int] = field(default_factory=set)

    @property
    def shared_reads(self) -> Set[int]:
        """Slots whose shadows other threads may accumulate into too: atomics."""
        return self.reads - self.writes - self.reductions


def _thread_indexed(p: Value, seen=None) -> bool:
    """Whether address ``p``'s GEP indices depend on ``get_thread_id()``."""
    seen = set() if seen is None else seen
    if p in seen or not isinstance(p, Instruction):
        return False
    seen.add(p)
    if p.opcode == "call" and p.callee_name == THREAD_ID:
        return True
    if p.opcode in ("load", "alloca") or p.type.is_float:
        return False
    return any(_thread_indexed(o, seen) for o in p.operands)


def _sum_only(load: Instruction, slot: int, base: Argument, users, memo) -> bool:
    """Whether the value loaded from a reduction slot reaches nothing but ``+``/``-`` chains
    stored back into the same slot (a ``prange`` ``+=`` reduction)."""
    todo, seen = [load], set()
    while todo:
        v = todo.pop()
        if v in seen:
            continue
        seen.add(v)
        for u in users.get(v, ()):
            op = u.opcode
            if op in ("fadd", "add", "phi") or (op in ("fsub", "sub") and u.operands[0] is v):
                todo.append(u)
            elif op == "store" and u.operands[0] is v and slot_of(u.operands[1], base, memo) == slot:
                continue
            else:
                return False
    return True


def check_kernel(kernel: Function, loc=None) -> KernelPlan:
    """Refuses kernels whose adjoint could not re-run exactly (see the module docstring).
    ``loc``: the launch's source line (the ``prange`` loop), named in refusals — the
    kernel's own lines are in Numba's generated source."""
    base = kernel.args[0]
    plan = KernelPlan()
    memo: Dict = {}
    loads, indexed, plain = {}, set(), set()
    users = kernel.users()
    for i in kernel.instructions():
        if i.opcode in ("load", "store"):
            p = i.operands[0] if i.opcode == "load" else i.operands[1]
            j = slot_of(p, base, memo)
            if p is base or offset_slot(p, base) is not None:
                continue        # reading args[j] itself
            if j is None:
                continue
            if j < 0:
                raise unsupported("a parallel loop whose body selects between two of its "
                                  "arrays", loc or i.loc)
            (plan.reads if i.opcode == "load" else plan.writes).add(j)
            (indexed if _thread_indexed(p) else plain).add(j)
            if i.opcode == "load":
                loads.setdefault(j, []).append(i)
        elif i.opcode == "call":
            kind = classify_call(i, kernel.module)
            for o in i.operands:
                if o.type.is_pointer and slot_of(o, base, memo) is not None and kind not in (
                        Kind.MATH, Kind.INACTIVE, Kind.REFCOUNT):
                    raise unsupported(f"a call of `{i.callee_name}` on an array inside a "
                                      f"parallel loop, in reverse mode", loc or i.loc,
                                      help="write the loop out element by element, or "
                                           "compile without parallel=True")
        elif i.opcode in ("atomicrmw", "cmpxchg") and slot_of(i.operands[0], base, memo) \
                is not None:
            raise unsupported("an atomic update inside a parallel loop", loc or i.loc)
    for j in plan.reads & plan.writes:
        if j in indexed and j not in plain and all(
                _sum_only(ld, j, base, users, memo) for ld in loads.get(j, ())):
            plan.reductions.add(j)
            continue
        what = loads[j][0]
        if j in indexed and j not in plain:
            raise unsupported("a `prange` reduction other than `+=` / `-=` (a product, min, "
                              "max or a combination), in reverse mode", loc or what.loc,
                              help="accumulate a sum, or compute the reduction in a serial "
                                   "loop after the parallel one")
        raise unsupported("a parallel loop that reads memory it also writes (an in-place "
                          "update such as `x[i] = f(x[i])`), in reverse mode", loc or what.loc,
                          help="write the result to another array")
    return plan


# -- the function around the launch -----------------------------------------------------------
def stored_slots(args: Value) -> Dict[int, Value]:
    """The pointers the function stores into the launch's ``args`` array, by slot."""
    out: Dict[int, Value] = {}
    for u in _uses(args):
        if u.opcode == "store" and u.operands[1] is args:
            out[0] = u.operands[0]
        elif u.opcode == "getelementptr" and u.operands[0] is args:
            j = offset_slot(u, args)
            if j is None:
                continue
            for s in _uses(u):
                if s.opcode == "store" and s.operands[1] is u:
                    out[j] = s.operands[0]
    return out


def _uses(v: Value):
    fn = v.block.function if isinstance(v, Instruction) else None
    if fn is None:
        return []
    return [i for i in fn.instructions() if v in i.operands]


def launch_origins(fn: Function, types, launch_inst: Instruction, module):
    """(origins the launch's kernel reads, origins it writes), reduction slots left out of
    the reads."""
    from .parfor_launch import Launch
    launch = Launch(launch_inst)
    plan = check_kernel(launch.kernel(module), launch_inst.loc)
    slots = stored_slots(launch.args)
    read, written = set(), set()
    for j, v in slots.items():
        if j in plan.reads and j not in plan.reductions:
            read |= types.origins_of(v) or {v}
        if j in plan.writes:
            written |= types.origins_of(v) or {v}
    for j in plan.reductions:
        if j in slots:
            _check_combine(fn, types, slots[j], launch_inst.loc)
    # distinct slots must be distinct arrays where one is written (the kernel's tape plan
    # re-reads the others: parallel.readonly_origins); two arguments count as distinct
    for j in plan.writes:
        for k, v in slots.items():
            if k != j and k in plan.reads and j in slots and \
                    (types.origins_of(v) or {v}) & (types.origins_of(slots[j]) or {slots[j]}):
                raise unsupported("a parallel loop that reads an array it also writes "
                                  "through another name", launch_inst.loc,
                                  help="write the result to a separate array")
    return plan, slots, read, written


def _check_combine(fn: Function, types, v: Value, loc) -> None:
    """A reduction slot's array must be Numba's: made by the function, and read back only
    into a sum (``c = c + slot[t]`` for every thread ``t``), so every slot's adjoint is the
    adjoint of that sum — whichever thread ran which share when the adjoint re-runs it."""
    from ..analysis.writes import fresh_origins
    origins = types.origins_of(v)
    fresh = fresh_origins(fn, types)
    ok = bool(origins) and origins <= fresh
    users = fn.users()
    signs = set()
    for i in fn.instructions() if ok else ():
        if i.opcode != "load" or not (types.origins_of(i.operands[0]) & origins):
            continue
        if not i.type.is_float:
            continue
        us = users.get(i, [])
        if len(us) != 1 or us[0].opcode not in ("fadd", "fsub"):
            ok = False
            break
        signs.add(-1 if us[0].opcode == "fsub" and us[0].operands[1] is i else 1)
    if not ok or len(signs) > 1:
        raise unsupported("a per-thread array indexed by the thread id that is not a `prange` "
                          "`+=` reduction, in reverse mode", loc,
                          help="accumulate with `s += …` in the prange loop")


def check_stable(fn: Function, types, launch_inst: Instruction, read: Set[Value],
                 module) -> None:
    """Refuses the launch when ``fn`` may write, after it, memory whose origins the kernel
    reads (``read``: origins, reduction slots excluded).  The aliasing rule is the write
    analysis's, with one addition: two different arguments are taken to be different
    arrays (the kernel is re-run on them; Numba's shadows must not alias either)."""
    from ..analysis.writes import written_pointers
    from .c_callees import _after
    if not read:
        return
    for w in _after(fn, launch_inst):
        if w.opcode == "call" and classify_call(w, module) is Kind.PARALLEL_FOR:
            origins_list = [launch_origins(fn, types, w, module)[3]]
        else:
            targets = written_pointers(w)
            if targets is None:
                targets = [o for o in w.operands if o.type.is_pointer]
            origins_list = [types.origins_of(t) for t in targets if not isinstance(t, Constant)]
        for origins in origins_list:
            if origins & read or not origins:
                raise unsupported(
                    "a parallel loop whose input is overwritten later in the function "
                    "differentiated", launch_inst.loc,
                    help="the loop is re-run in the adjoint sweep and must see the arrays it "
                         "read; write the new values to another array")

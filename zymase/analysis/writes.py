"""Written-argument analysis: which arguments' memory a function may write.

The question the JAX vocabulary asks before a call: must this argument be copied so that the
caller's array is left untouched?  The answer is per Python-level argument of the
canonicalised primal, and conservative: ``False`` is a proof that no instruction of the
function writes memory reachable from the argument, ``True`` only says it may.

Steps:
1. Every IR parameter belongs to one Python-level argument (the ``ArgMap``); ``retptr`` (the
   result slot) and ``excinfo`` (exception bookkeeping) belong to none and are no argument's
   memory.
2. *Fresh* origins are memory the function makes itself: allocas, the results of allocators
   (NRT MemInfos, ``malloc``-like blocks), data pointers loaded from an NRT MemInfo the
   function allocated, and ``NRT_MemInfo_data`` of such a MemInfo.
3. Each instruction is asked which pointers it may write: a store its address, the memory
   intrinsics their destination, BLAS/LAPACK calls their outputs; calls that write no
   memory (math, refcounts, allocators, inactive runtime calls) nothing; a call of a function
   whose body is in the module (a custom rule's callee kept out of line, a recursive
   function) what its body writes through its parameters (a per-callee summary, computed
   once per module); any other call with a pointer operand may write *anywhere*.
4. A written pointer's origins (type analysis) decide: a parameter marks its argument
   written; a fresh origin, ``retptr``, ``excinfo`` or a global marks nothing; any other
   origin (a pointer loaded from memory, ``inttoptr``) may be an argument's, so every
   argument is marked written.

Integer and float scalars are passed by value and are never written.  ``WriteResults.dump``
prints the verdict per argument (``ZYMASE_PRINT=writes``).
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Set

from ..ir.values import Constant, Function, Instruction, Value
from ..rules import table
from ..rules.calls import Kind, classify_call, written_by
from .types import TypeResults, analyse_types


class WriteResults:
    def __init__(self, fn: Function, names: Sequence[str], written: Sequence[bool],
                 why: Sequence[str]):
        self.fn = fn
        self.names = list(names)
        self.written = tuple(written)   # per Python-level argument
        self.why = list(why)

    def dump(self) -> str:
        lines = [f"; written-argument analysis of @{self.fn.name}"]
        for name, w, why in zip(self.names, self.written, self.why):
            lines.append(f"  {name}: {'may be written' if w else 'never written'}"
                         + (f" ({why})" if why else ""))
        return "\n".join(lines)


def written_pointers(i: Instruction, frees_write: bool = False) -> Optional[List[Value]]:
    """Pointers instruction ``i`` may write through ([] if none), or None when it may write
    anywhere (a call we know nothing about, with a pointer operand).

    ``frees_write``: ``free``/``realloc`` count as writing anywhere — for a caller that would
    re-read memory later (reverse mode re-loading values in its adjoint sweep), a block
    released in between is as bad as one overwritten; for the written-argument question they
    write nothing the caller sees."""
    if i.opcode == "store":
        return [i.operands[1]]
    # atomicrmw/cmpxchg in Numba code are MemInfo refcounts: never array data
    if i.opcode != "call":
        return []
    kind = classify_call(i)
    if frees_write and kind in (Kind.C_FREE, Kind.C_REALLOC):
        return None
    out = written_by(i, kind)
    if out is None:
        params = _callee_written_params(i, frees_write)
        if params is not None:
            return [i.operands[k] for k in params if k < len(i.operands)]
    return out


def _callee_written_params(i: Instruction, frees_write: bool) -> Optional[List[int]]:
    """A call of a function whose body is in the module (a custom rule's callee kept out of
    line, e.g. a ``zymase.inactive`` search, or a recursive function): the parameters its body
    may write through — its own stores and calls, traced to its parameters; a write through
    memory it made itself (an alloca, its own allocation) writes nothing the caller sees.
    None when some write's target is unknown, or the callee is (mutually) recursive."""
    block = i.block
    module = block.function.module if block is not None and block.function else None
    callee = module.functions.get(i.callee_name or "") if module is not None else None
    if callee is None or callee.is_declaration or len(i.operands) != len(callee.args):
        return None
    # kept with the module (callees kept out of line are not rewritten after canonicalisation);
    # while one is being computed a recursive call finds None: "anywhere"
    memo = module.__dict__.setdefault("_zymase_written_params", {})
    key = (callee.name, frees_write)
    if key not in memo:
        memo[key] = None
        memo[key] = _summary(callee, frees_write)
    return memo[key]


def _summary(callee: Function, frees_write: bool) -> Optional[List[int]]:
    types = analyse_types(callee)
    fresh = fresh_origins(callee, types)
    index = {a: k for k, a in enumerate(callee.args)}
    out: Set[int] = set()
    for inst in callee.instructions():
        dsts = written_pointers(inst, frees_write)
        if dsts is None:
            return None
        for d in dsts:
            if isinstance(d, Constant):
                continue
            origins = types.origins_of(d)
            if not origins:
                return None
            for o in origins:
                if o in index:
                    out.add(index[o])
                elif o not in fresh:
                    return None
    return sorted(out)


def fresh_origins(fn: Function, types: TypeResults) -> Set[Value]:
    """Memory ``fn`` makes itself (step 2 above): no argument's memory can be it."""
    allocs = {i for i in fn.instructions() if i.opcode == "call" and (
        (i.callee_name or "") in table.ALLOCATORS
        or table.raw_allocator(i.callee_name or "") is not None
        or table.raw_realloc(i.callee_name or "") is not None)}
    fresh: Set[Value] = {i for i in fn.instructions() if i.opcode == "alloca"} | allocs
    for i in fn.instructions():
        if i.opcode == "load" and i.type.is_pointer:
            o = types.origins_of(i.operands[0])
            if o and o <= allocs:
                fresh.add(i)          # the data pointer of the function's own MemInfo
        elif i.opcode == "call" and (i.callee_name or "") in table.MEMINFO_DATA:
            o = types.origins_of(i.operands[0])
            if o and o <= allocs:
                fresh.add(i)
    return fresh


def analyse_writes(fn: Function, argmap, types: TypeResults = None) -> WriteResults:
    """``argmap``: the primal's ``ArgMap`` (Python-level arguments → IR parameters)."""
    types = types or analyse_types(fn)
    owner = {}
    for info in argmap.args:
        for p in info.params:
            owner[fn.args[p]] = info.index
    n = len(argmap.args)
    written = [False] * n
    why = [""] * n
    fresh = fresh_origins(fn, types)
    harmless = {fn.args[0], fn.args[1]}          # retptr, excinfo

    def everything(reason):
        for k in range(n):
            if not written[k]:
                written[k], why[k] = True, reason

    for i in fn.instructions():
        dsts = written_pointers(i)
        if dsts is None:
            everything(f"call @{i.callee_name or '?'} may write any memory")
            continue
        for d in dsts:
            if isinstance(d, Constant):
                continue
            for o in types.origins_of(d):
                if o in owner:
                    k = owner[o]
                    if not written[k]:
                        written[k], why[k] = True, f"{i.opcode} into it"
                elif o in fresh or o in harmless or isinstance(o, Constant):
                    continue
                else:
                    everything(f"{i.opcode} through a pointer of unknown origin "
                               f"(%{getattr(o, 'name', None) or '?'})")
    names = [info.name for info in argmap.args]
    return WriteResults(fn, names, written, why)

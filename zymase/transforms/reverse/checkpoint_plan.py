"""What ``checkpoint=`` means and which loops it applies to (the analysis half of
checkpoint.py; no IR is emitted here except one helper phi).

* ``Checkpoint`` / ``parse_checkpoint``: the user's option — a snapshot count or a byte budget.
* ``select_loops``: the outermost counted loops with adjoint work, each with the memory its
  iterations write (``Region``: a base pointer available before the loop and its size in
  bytes — an array argument's nitems·itemsize, an alloca's size, an NRT allocation's size from
  its MemInfo; buffers swapped through header phis resolve to the arrays they alternate
  between).  Anything else is refused by name: unknown trip count, allocation in every
  iteration, calls that keep state for their adjoint, writes of unknown extent.
"""
from __future__ import annotations

import dataclasses
import re
from typing import List, Optional

from ...errors import UnsupportedError, unsupported
from ...ir.types import I64, PTR, alloc_size
from ...ir.values import Argument, Constant, Instruction, Value, const_int
from ...rules.calls import LIBRARY_RULES, Kind, classify_call
from ...rules.table import MEMINFO_DATA_OFFSET
from ..signature import ArrayInput
from .loops import has_adjoint
from .plan import written


# the modes a checkpointed loop runs in (checkpoint.py's docstring)
ADVANCE, FINISH, TAPE = 0, 1, 2


def ceil8(b, v):
    """``v`` rounded up to a multiple of 8 (slot offsets stay aligned)."""
    return b.mul(b.emit(Instruction("udiv", I64, [b.add(v, const_int(I64, 7)),
                                                  const_int(I64, 8)])), const_int(I64, 8))


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """``checkpoint=`` of ``autodiff_reverse``: at most ``snapshots`` saved loop states, or
    as many as fit in ``bytes`` (the snapshot buffer; two extra states are always kept: the
    last step's and the final memory)."""
    snapshots: Optional[int] = None
    bytes: Optional[int] = None

    def __post_init__(self):
        if (self.snapshots is None) == (self.bytes is None):
            raise ValueError("Checkpoint: give exactly one of snapshots= or bytes=")
        v = self.snapshots if self.snapshots is not None else self.bytes
        if not isinstance(v, int) or v < 1:
            raise ValueError(f"Checkpoint: expected a positive integer, found {v!r}")

    @property
    def key(self) -> str:
        return f"s{self.snapshots}" if self.snapshots is not None else f"b{self.bytes}"


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20,
          "gib": 2**30}


def parse_checkpoint(spec) -> Optional[Checkpoint]:
    """None, a ``Checkpoint``, an int (snapshots) or a size string ("64MB", "1GiB")."""
    if spec is None or isinstance(spec, Checkpoint):
        return spec
    if isinstance(spec, bool):
        raise ValueError(f"checkpoint= expects a snapshot count or a size, found {spec!r}")
    if isinstance(spec, int):
        return Checkpoint(snapshots=spec)
    if isinstance(spec, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?[iI]?[bB]?)\s*", spec)
        if m and m.group(2).lower() in _UNITS:
            return Checkpoint(bytes=int(float(m.group(1)) * _UNITS[m.group(2).lower()]))
    raise ValueError(f"checkpoint= expects a snapshot count (int), a size such as '64MB', or "
                     f"zymase.Checkpoint(...), found {spec!r}")


@dataclasses.dataclass
class Region:
    """Memory the loop writes: its base and its extent, from values available before the
    loop: a Python int (an alloca), ("meminfo", MemInfo) (an NRT allocation: its size
    field), or ("array", nitems, itemsize, shapes, strides) (an array argument, a view
    included)."""
    ptr: Value
    size: object


@dataclasses.dataclass
class CkLoop:
    loop: object
    regions: List[Region]


def _where(lp) -> Optional[object]:
    for b in lp.blocks:
        for i in b.instructions:
            if i.loc is not None:
                return i.loc
    return None


def select_loops(frame, aug, li, failing, free_of, trip, rc) -> List[CkLoop]:
    """The loops to checkpoint: the outermost counted loops with adjoint work that can be;
    where one cannot (an outer loop allocating per iteration, a ``while`` loop), the
    outermost ones inside it that can.  Refused by name when none in such a nest can."""
    out: List[CkLoop] = []
    for lp in li.loops.values():
        if lp.depth == 1:
            found = _consider(frame, aug, li, failing, free_of, lp, trip)
            if isinstance(found, Exception):
                raise found
            out += found
    return out


def _consider(frame, aug, li, failing, free_of, lp, trip):
    """[CkLoop, …] for ``lp`` or the outermost loops inside it that qualify; [] when it has
    no adjoint work; the refusal (an exception, not raised) when none qualifies."""
    if lp.header in free_of:
        return []
    insts = [i for b in lp.blocks if b not in failing for i in aug.snapshot.get(b, ())]
    if not any(has_adjoint(i, aug) for i in insts):
        return []
    try:
        return [_qualify(frame, aug, li, lp, insts, trip, failing)]
    except UnsupportedError as e:
        found = []
        for c in li.loops.values():
            if c.parent is lp:
                r = _consider(frame, aug, li, failing, free_of, c, trip)
                if not isinstance(r, Exception):
                    found += r
        return found or e


def _qualify(frame, aug, li, lp, insts, trip, failing) -> CkLoop:
    loc = _where(lp)
    what = "checkpointing this loop (checkpoint=)"
    for i in insts:
        if i.opcode != "call":
            continue
        kind = classify_call(i)
        if kind in (Kind.ALLOCATOR, Kind.C_MALLOC, Kind.C_REALLOC):
            raise unsupported(what + ": it allocates memory in every iteration", i.loc,
                              help="allocate the arrays before the loop and update them "
                                   "in place")
        if kind in (Kind.CUSTOM, Kind.CALLEE, Kind.C_CALLEE) or kind in LIBRARY_RULES \
                or i in aug.calls.custom or i in aug.calls.library:
            raise unsupported(what + f": the call to {i.callee_name} keeps saved state "
                              "for its adjoint", i.loc)
    if not lp.counted or lp not in trip or lp.preheader is None or len(lp.latches) != 1:
        raise unsupported(what + ": its trip count is not known before it runs", loc,
                          help="write it as `for k in range(n)` with n fixed before the "
                               "loop and no break, or drop checkpoint=")
    return CkLoop(lp, _regions(frame, aug, li, lp, insts, loc, failing))


def _regions(frame, aug, li, lp, insts, loc, failing) -> List[Region]:
    """The memory the loop writes, and the memory it reads that code outside the loop writes
    (after the loop, or between two runs of it): recomputing an iteration in the adjoint
    sweep must see what the iteration saw."""
    args = {}
    for inp in frame.sig.inputs:
        if isinstance(inp, ArrayInput):
            p = inp.primal
            par = frame.skeleton.param
            args[par(p.data)] = ("array", par(p.nitems), par(p.itemsize),
                                 [par(k) for k in p.shapes], [par(k) for k in p.strides])
    regions: List[Region] = []
    seen = set()
    for i in insts:
        dsts = written(i)
        if dsts is None:
            raise unsupported("checkpointing this loop (checkpoint=): "
                              f"`{i.callee_name or i.opcode}` may write any memory", i.loc)
        for d in dsts:
            base = d
            while isinstance(base, Instruction) and base.opcode == "getelementptr":
                base = base.operands[0]
            for b in _bases(li, lp, base):
                if b in seen:
                    continue
                seen.add(b)
                regions.append(_region(li, lp, b, args, i.loc))
    types = aug.act.types
    elsewhere, unknown = set(), None
    for blk in aug.order:
        if blk in lp.blocks or blk in failing:
            continue
        for i in aug.snapshot.get(blk, ()):
            dsts = written(i)
            if dsts is None:
                unknown = unknown or i
                continue
            for d in dsts:
                elsewhere |= types.origins_of(d)
    for i in insts:
        if i.opcode == "load":
            src = i.operands[0]
        elif i.opcode == "call" and classify_call(i) is Kind.MEMCPY:
            src = i.operands[1]
        else:
            continue
        origins = types.origins_of(src)
        if not (origins & elsewhere or (unknown is not None and origins - set(args))):
            continue
        if unknown is not None:
            raise unsupported("checkpointing this loop (checkpoint=): code outside it "
                              f"(`{unknown.callee_name or unknown.opcode}`) may change memory "
                              "the loop reads", unknown.loc)
        base = src
        while isinstance(base, Instruction) and base.opcode == "getelementptr":
            base = base.operands[0]
        for b in _bases(li, lp, base):
            if b not in seen:
                seen.add(b)
                regions.append(_region(li, lp, b, args, i.loc))
    return regions


def _bases(li, lp, base) -> List[Value]:
    """A pointer phi of the loop's header (buffers swapped every step: ``u, v = v, u``)
    addresses, over the iterations, what its incoming values from before the loop address;
    so does a pointer phi before the loop whose incoming values are all available there (the
    buffer a previous loop ended with); other pointers address their own base."""
    if isinstance(base, Instruction) and base.opcode == "phi" and base.block not in lp.blocks:
        leaves, seen, work = [], set(), [base]
        while work:
            p = work.pop()
            if p in seen:
                continue
            seen.add(p)
            for v in p.operands:
                while isinstance(v, Instruction) and v.opcode == "getelementptr":
                    v = v.operands[0]
                if isinstance(v, Instruction) and v.opcode == "phi" and v.block not in lp.blocks:
                    work.append(v)
                elif isinstance(v, Constant) and v.text in ("null", "undef", "poison"):
                    continue
                elif isinstance(v, Argument) or (isinstance(v, Instruction)
                                                and _dominates_loop(li, v, lp)):
                    if v not in leaves:
                        leaves.append(v)
                else:
                    return [base]
        return leaves or [base]
    if not (isinstance(base, Instruction) and base.opcode == "phi" and base.block is lp.header):
        return [base]
    out, seen, work = [], set(), [base]
    while work:
        p = work.pop()
        if p in seen:
            continue
        seen.add(p)
        for v in p.operands:
            while isinstance(v, Instruction) and v.opcode == "getelementptr" \
                    and v.block in lp.blocks:
                v = v.operands[0]
            if isinstance(v, Instruction) and v.opcode == "phi" and v.block is lp.header:
                work.append(v)
            elif isinstance(v, Instruction) and v.block in lp.blocks:
                return [base]          # refused by _region: not known before the loop
            elif v not in out:
                out.append(v)
    return out


def _dominates_loop(li, v, lp) -> bool:
    blk = getattr(v, "block", None)
    return blk is not None and blk not in lp.blocks and li.dominates(blk, lp.preheader)


def _region(li, lp, o, args, loc) -> Region:
    """The memory a written pointer's base (GEPs stripped) addresses: an array argument's
    data, an alloca, or the data of NRT allocations made before the loop (the MemInfo's
    size field gives the extent)."""
    if o in args:
        return Region(o, args[o])
    if isinstance(o, Instruction) and _dominates_loop(li, o, lp):
        if o.opcode == "alloca":
            if o.operands or o.src_type is None:
                return _refuse(o, loc)
            return Region(o, alloc_size(o.src_type))
        mi = _meminfo_of(o)
        if mi is not None:
            return Region(o, ("meminfo", mi))
        if o.opcode == "phi" and o.type == PTR:
            mis = []
            for v in o.operands:
                if isinstance(v, Constant) and v.text in ("null", "undef", "poison"):
                    mis.append(Constant(PTR, "null"))
                elif isinstance(v, Instruction) and _meminfo_of(v) is not None:
                    mis.append(_meminfo_of(v))
                else:
                    return _refuse(o, loc)
            mphi = Instruction("phi", PTR, [])
            o.block.insert(0, mphi)
            for v, b in zip(mis, o.blocks):
                mphi.add_incoming(v, b)
            return Region(o, ("meminfo", mphi))
    return _refuse(o, loc)


def _refuse(o, loc):
    raise unsupported(f"checkpointing this loop (checkpoint=): it writes memory whose extent "
                      f"is not known before the loop (%{getattr(o, 'name', None) or '?'})", loc,
                      help="write into array arguments or arrays allocated before the loop")


def _meminfo_of(o) -> Optional[Value]:
    """The NRT MemInfo whose data pointer ``o`` is (a load of its data field, or the
    MemInfo-to-data call): its allocation's size is the MemInfo's next field."""
    if o.opcode == "call" and classify_call(o) is Kind.MEMINFO_DATA:
        return o.operands[0]
    if o.opcode == "load":
        g = o.operands[0]
        if isinstance(g, Instruction) and g.opcode == "getelementptr" and len(g.operands) == 2 \
                and str(g.src_type) == "i8" and isinstance(g.operands[1], Constant) \
                and g.operands[1].text == str(MEMINFO_DATA_OFFSET):
            return g.operands[0]
    return None

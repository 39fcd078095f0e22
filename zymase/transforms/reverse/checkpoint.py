"""Checkpointed loops: the tape of a long counted loop bounded by recomputation (revolve).

With ``checkpoint=`` the outermost counted loops with adjoint work are not taped whole.  The
loop's *state* before iteration ``k`` is everything iteration ``k`` reads from earlier
iterations: the header's phis (primal values, shadow pointers, the iteration counter — all of
them, at width N too) and the memory the loop writes (argument arrays, the function's own
allocations and allocas made before the loop, whose extents are known at run time).  A
*snapshot* copies that state into one slot of a heap buffer.

The loop keeps its augmented code (pushes, counters, shadows) and runs in one of three modes,
chosen by a driver on the edges into and out of it:

* ``ADVANCE`` (to a step ``stop``): at the end of every iteration the tape is cut back to
  where it stood before the loop, so a run of any length keeps one iteration's entries;
  when the counter reaches ``stop`` the state goes to a scratch buffer and the driver runs;
* ``FINISH``: like ``ADVANCE``, but the loop runs to its exit; the exiting header execution
  and the code after the loop are taped as usual;
* ``TAPE``: one iteration, taped; at its end the adjoint sweep of that iteration starts
  (the reverse of the latch), walks back to the reversed header, and — unless it was the
  first iteration — returns to the driver for the next action.

The driver asks the run-time schedule (``revolve.py``, compiled and linked in) for actions:
advance to m, take a snapshot, restore one, reverse a step (youturn).  The schedule's first
youturn is step n-1, met at the end of the forward phase: the driver saves that state in an
extra slot and finishes the loop; when the adjoint sweep comes back through the exiting
header it saves the memory as the function left it (a second extra slot), restores step
n-1, and reverses it.  When the sweep leaves the loop's adjoint (past iteration 0) the final
memory is restored, so the caller sees the primal's results.

Invariants: every iteration's pushes are popped by its own reverse before the next taped
iteration runs, so the tape holds the entries before the loop, one iteration's and those
after the loop; the adjoint of the loop is accumulated in exactly the order of the fully
taped sweep (header k+1, latch k, …, header k), so results agree to rounding — in fact
bit for bit, the operations are the same.  Shadow memory and adjoint slots are never
snapshotted: they are the adjoint state, touched only by the reversed iterations, in order.

Refused by name (``UnsupportedError``): loops whose trip count the adjoint sweep cannot
compute, with allocations or calls with saved state (custom rules, BLAS, callees) inside,
or writing memory of unknown extent.
"""
from __future__ import annotations

import dataclasses
import re
from typing import List, Optional, Tuple

from ...errors import unsupported
from ...ir.builder import Builder
from ...ir.types import I1 as I1_, I64, I8, PTR, VOID, ArrayType, FunctionType, alloc_size
from ...ir.values import Argument, Block, Constant, Instruction, Value, const_int
from ...rules.calls import LIBRARY_RULES, Kind, classify_call
from ...rules.table import MEMINFO_DATA_OFFSET
from ..signature import ArrayInput
from . import revolve
from .loops import emit_trip_count, has_adjoint
from .plan import written

ADVANCE, FINISH, TAPE = 0, 1, 2


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
    """Memory the loop writes: its start and size in bytes, as values available before
    the loop (``size`` is an i64 value or a Python int)."""
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
    """The loops to checkpoint: outermost counted loops with adjoint work."""
    out = []
    for lp in li.loops.values():
        if lp.depth != 1 or lp.header in free_of:
            continue
        insts = [i for b in lp.blocks if b not in failing for i in aug.snapshot.get(b, ())]
        if not any(has_adjoint(i, aug) for i in insts):
            continue
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
        out.append(CkLoop(lp, _regions(frame, aug, li, lp, insts, loc)))
    return out


def _regions(frame, aug, li, lp, insts, loc) -> List[Region]:
    args = {}
    for inp in frame.sig.inputs:
        if isinstance(inp, ArrayInput):
            p = inp.primal
            args[frame.skeleton.param(p.data)] = (frame.skeleton.param(p.nitems),
                                                  frame.skeleton.param(p.itemsize))
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
            for b in _bases(lp, base):
                if b in seen:
                    continue
                seen.add(b)
                regions.append(_region(li, lp, b, args, i.loc))
    return regions


def _bases(lp, base) -> List[Value]:
    """A pointer phi of the loop's header (buffers swapped every step: ``u, v = v, u``)
    addresses, over the iterations, what its incoming values from before the loop address;
    other pointers address their own base."""
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
        n, size = args[o]
        return Region(o, ("mul", n, size))
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


# -- code generation ----------------------------------------------------------------------

def _round8(n):
    return (n + 7) // 8 * 8


class _Driver:
    """The driver of one checkpointed loop (see the module docstring)."""

    def __init__(self, frame, aug, lplan, layout, sweep, rc, ck: CkLoop, spec: Checkpoint, oom):
        self.frame, self.aug, self.lplan, self.layout = frame, aug, lplan, layout
        self.sweep, self.rc, self.ck, self.spec, self.oom = sweep, rc, ck, spec, oom
        self.m = frame.module
        self.fn = frame.fn
        lp = ck.loop
        self.lp = lp
        self.h = lp.header
        self.pre = layout.final_block.get(lp.preheader, lp.preheader)
        self.latch = lp.latches[0]
        self.latch_f = layout.final_block.get(self.latch, self.latch)
        self.phis = list(self.h.phis())
        self.offsets = []
        off = 0
        for p in self.phis:
            self.offsets.append(off)
            off += _round8(alloc_size(p.type))
        self.phi_bytes = max(off, 8)

    def block(self, name):
        return self.fn.add_block(f"zy.ckpt.{self.h.name}.{name}")

    def slot(self, name, t=I64, init=None):
        eb = self.frame.entry()
        a = eb.alloca(t, f"zy.ckpt.{name}")
        if init is not None:
            eb.store(init, a)
        return a

    def build(self):
        m, fn, h = self.m, self.fn, self.h
        for t in (self.pre.terminator, self.latch_f.terminator):
            if t is None or t.opcode != "br" or t.blocks.count(h) != 1:
                raise unsupported("checkpointing this loop: it is entered or continued by "
                                  "an unusual branch", _where(self.lp))
        inside = self._header_region()
        null = Constant(PTR, "null")
        self.cur = self.slot("state", ArrayType(self.phi_bytes // 8, I64))
        self.buf = self.slot("buf", PTR, null)
        self.sched = self.slot("sched", PTR, null)
        self.mode, self.stop, self.first = self.slot("mode"), self.slot("stop"), self.slot("first")
        self.seg, self.sbytes, self.s = self.slot("seg"), self.slot("bytes"), self.slot("s")
        self.saved = self.slot("final", I64, const_int(I64, 0))
        self.rptr = [self.slot(f"r{k}.ptr", PTR) for k in range(len(self.ck.regions))]
        self.rsize = [self.slot(f"r{k}.size") for k in range(len(self.ck.regions))]
        init, drv, restore = self.block("init"), self.block("drv"), self.block("restore")
        latch, adv, stop = self.block("latch"), self.block("adv"), self.block("stop")
        drv_rev, leave = self.block("drv.rev"), self.block("leave")
        self.drv, self.restore = drv, restore
        # the way in: the preheader's values become the scratch state, the driver starts
        _retarget(self.pre.terminator, h, init)
        self._init(init)
        self._driver(drv)
        rb = Builder(m, restore)
        loaded = [rb.load(p.type, self._at(rb, self.cur, o)) for p, o in zip(self.phis, self.offsets)]
        rb.br(h)
        for p, v in zip(self.phis, loaded):
            p.blocks = [restore if b is self.pre else b for b in p.blocks]
            p.operands = [v if b is restore else x for x, b in zip(p.operands, p.blocks)]
        self._live_ins(inside, init, restore)
        # the way around: TAPE → the iteration's adjoint; otherwise cut the tape back and
        # go on, or stop for the driver
        _retarget(self.latch_f.terminator, h, latch)
        lb = Builder(m, latch)
        mode = lb.load(I64, self.mode)
        lb.cbr(lb.icmp("eq", mode, const_int(I64, TAPE)), self.sweep.rev[self.latch], adv)
        ab = Builder(m, adv)
        tape = self.layout.tape
        ab.store(ab.gep(I8, ab.load(PTR, tape.base), [ab.load(I64, self.seg)]), tape.top)
        idx = self.layout.cnt[self.lp]   # header executions so far = the state index after
        at_stop = ab.icmp("eq", idx, ab.load(I64, self.stop))
        is_adv = ab.icmp("eq", ab.load(I64, self.mode), const_int(I64, ADVANCE))
        ab.cbr(ab.select(is_adv, at_stop, const_int(I64 if False else at_stop.type, 0)), stop, h)
        sb = Builder(m, stop)
        for p, o in zip(self.phis, self.offsets):
            sb.store(self._incoming(p, self.latch_f), self._at(sb, self.cur, o))
        sb.br(drv)
        for p in self.phis:
            p.blocks = [adv if b is self.latch_f else b for b in p.blocks]
        # the adjoint sweep: the reversed header goes back to the driver, or leaves
        self._redirect_header(drv_rev, leave)
        self._drv_rev(drv_rev)
        self._leave(leave)

    # -- helpers ----------------------------------------------------------------------------
    def _header_region(self):
        """Blocks the header dominates (the loop, the code after it): once the loop is
        re-entered from the driver they are no longer dominated by what ran before it."""
        from ...analysis.loops import analyse_loops
        li = analyse_loops(self.fn)
        return {b for b in li.order if li.dominates(self.h, b)}

    def _live_ins(self, inside, init, restore):
        """Values from before the loop used in the region the header dominates travel
        through a slot and a header phi (``[slot, restore], [itself, around]``)."""
        entry_blocks = {self.fn.entry, self.frame.primal_entry}
        outside = {}
        for blk in inside:
            for i in blk.instructions:
                if i.opcode == "phi" and blk is self.h:
                    continue
                for v in i.operands:
                    if isinstance(v, Instruction) and v.block not in inside \
                            and v.block not in entry_blocks and v not in outside:
                        outside[v] = None
        if not outside:
            return
        ib = Builder(self.m).before(init.terminator)
        rb = Builder(self.m).before(restore.terminator)
        repl = {}
        for v in outside:
            s = self.slot(f"in.{v.name or 'v'}", v.type)
            ib.store(v, s)
            phi = Instruction("phi", v.type, [], name=f"{v.name or 'v'}.zy.in")
            self.h.insert(0, phi)
            phi.add_incoming(rb.load(v.type, s), restore)
            phi.add_incoming(phi, self.latch_f)     # renamed with the other phis below
            repl[v] = phi
            self.phis.append(phi)
        for blk in inside:
            for i in blk.instructions:
                if i.opcode == "phi" and blk is self.h:
                    continue
                i.operands = [repl.get(v, v) for v in i.operands]

    @staticmethod
    def _incoming(p, blk):
        for v, b in zip(p.operands, p.blocks):
            if b is blk:
                return v
        raise RuntimeError(f"zymase internal error: phi %{p.name} has no value from {blk.name}")

    @staticmethod
    def _at(b, base, off):
        return b.gep(I8, base, [const_int(I64, off)]) if off else base

    def _copy(self, b, slot_ptr, to_slot: bool, phis: bool = True):
        """Copy the state (scratch phis + memory regions) into or out of a slot."""
        off = 0
        if phis:
            args = (slot_ptr, self.cur) if to_slot else (self.cur, slot_ptr)
            b.memcpy(*args, const_int(I64, self.phi_bytes))
        dst_off = b.gep(I8, slot_ptr, [const_int(I64, self.phi_bytes)])
        for p, n in zip(self.rptr, self.rsize):
            region = b.load(PTR, p)
            size = b.load(I64, n)
            if to_slot:
                b.memcpy(dst_off, region, size)
            else:
                b.memcpy(region, dst_off, size)
            dst_off = b.gep(I8, dst_off, [size])
        return off

    def _slot_ptr(self, b, k: Value):
        return b.gep(I8, b.load(PTR, self.buf), [b.mul(k, b.load(I64, self.sbytes))])

    def _init(self, blk):
        m, b = self.m, Builder(self.m, blk)
        # a stand-in MemInfo whose size field reads 0
        self.zero_mi = self.frame.entry().alloca(ArrayType(6, I64), "zy.ckpt.nomi")
        self.frame.entry().store(Constant(ArrayType(6, I64), "zeroinitializer"), self.zero_mi)
        for p, o in zip(self.phis, self.offsets):
            b.store(self._incoming(p, self.pre), self._at(b, self.cur, o))
        n = b.sub(emit_trip_count(b, self.lplan.trip[self.lp], self.rc), const_int(I64, 1))
        total = const_int(I64, self.phi_bytes)
        for r, pp, ps in zip(self.ck.regions, self.rptr, self.rsize):
            if isinstance(r.size, tuple) and r.size[0] == "meminfo":
                # a null MemInfo (a path that allocated nothing) has nothing to save
                mi = b.select(b.icmp("eq", r.size[1], Constant(PTR, "null")),
                              self.zero_mi, r.size[1])
                size = b.load(I64, b.gep(I8, mi, [const_int(I64, MEMINFO_DATA_OFFSET + 8)]))
            elif isinstance(r.size, tuple):
                size = b.mul(r.size[1], r.size[2])
            elif isinstance(r.size, int):
                size = const_int(I64, r.size)
            else:
                size = r.size
            size = b.mul(b.emit(Instruction("udiv", I64, [b.add(size, const_int(I64, 7)),
                                                          const_int(I64, 8)])), const_int(I64, 8))
            b.store(r.ptr, pp)
            b.store(size, ps)
            total = b.add(total, size)
        b.store(total, self.sbytes)
        if self.spec.snapshots is not None:
            s = const_int(I64, self.spec.snapshots)
        else:
            # each snapshot also costs its frame in the schedule's state (3 words)
            per = b.add(total, const_int(I64, 24))
            fit = b.sub(b.emit(Instruction("udiv", I64, [const_int(I64, self.spec.bytes), per])),
                        const_int(I64, 2 + 1 + revolve.FRAMES // 3))
            s = b.select(b.icmp("slt", fit, const_int(I64, 1)), const_int(I64, 1), fit)
        one = const_int(I64, 1)
        nn = b.select(b.icmp("slt", n, one), one, n)
        s = b.select(b.icmp("slt", nn, s), nn, s)
        b.store(s, self.s)
        # the slots (s of the schedule, the last step's state, the final memory) and the
        # schedule's state
        fty = FunctionType(PTR, (I64,))
        nbuf = b.mul(b.add(s, const_int(I64, 2)), total)
        buf = b.call("malloc", fty, [nbuf])
        b.store(buf, self.buf)
        nst = b.mul(b.add(s, const_int(I64, 1 + revolve.FRAMES // 3 + 1)), const_int(I64, 24))
        st = b.call("malloc", fty, [nst])
        b.store(st, self.sched)
        ok = self.fn.add_block(f"zy.ckpt.{self.h.name}.ok")
        bad = b.emit(Instruction("or", I1_, [b.icmp("eq", buf, Constant(PTR, "null")),
                                             b.icmp("eq", st, Constant(PTR, "null"))]))
        b.cbr(bad, self.oom(b, b.add(nbuf, nst)), ok)
        b = Builder(m, ok)
        step_sym, init_sym = revolve.schedule_symbol(m)
        b.call(init_sym, FunctionType(I64, (PTR, I64, I64)), [st, n, s])
        tape = self.layout.tape
        b.store(b.sub(b.cast("ptrtoint", b.load(PTR, tape.top), I64),
                      b.cast("ptrtoint", b.load(PTR, tape.base), I64)), self.seg)
        b.store(const_int(I64, 1), self.first)
        empty = self.fn.add_block(f"zy.ckpt.{self.h.name}.empty")
        b.cbr(b.icmp("sle", n, const_int(I64, 0)), empty, self.drv)
        eb = Builder(m, empty)
        eb.store(const_int(I64, FINISH), self.mode)
        eb.store(const_int(I64, 0), self.first)
        eb.br(self.restore)

    def _driver(self, blk):
        m = self.m
        b = Builder(m, blk)
        step_sym, _ = revolve.schedule_symbol(m)
        st = b.load(PTR, self.sched)
        a = b.call(step_sym, FunctionType(I64, (PTR,)), [st])
        arg = b.load(I64, b.gep(I64, st, [const_int(I64, revolve.ARG)]))
        adv, shot, rest, turn, done = (self.block(n) for n in ("a.adv", "a.shot", "a.rest",
                                                                "a.turn", "a.done"))
        b.emit(Instruction("switch", VOID, [a], blocks=[done, adv, shot, rest, turn],
                           cases=[const_int(I64, k) for k in (revolve.ADVANCE, revolve.TAKESHOT,
                                                              revolve.RESTORE, revolve.YOUTURN)]))
        Builder(m, done).emit(Instruction("unreachable", VOID, []))
        ab = Builder(m, adv)
        ab.store(arg, self.stop)
        ab.store(const_int(I64, ADVANCE), self.mode)
        ab.br(self.restore)
        sb = Builder(m, shot)
        self._copy(sb, self._slot_ptr(sb, arg), True)
        sb.br(blk)
        rb = Builder(m, rest)
        self._copy(rb, self._slot_ptr(rb, arg), False)
        rb.br(blk)
        tb = Builder(m, turn)
        first, later = self.block("a.first"), self.block("a.tape")
        tb.cbr(tb.icmp("ne", tb.load(I64, self.first), const_int(I64, 0)), first, later)
        fb = Builder(m, first)
        fb.store(const_int(I64, 0), self.first)
        self._copy(fb, self._slot_ptr(fb, fb.load(I64, self.s)), True)
        fb.store(const_int(I64, FINISH), self.mode)
        fb.br(self.restore)
        lb = Builder(m, later)
        lb.store(const_int(I64, TAPE), self.mode)
        lb.br(self.restore)

    def _redirect_header(self, drv_rev, leave):
        rev = self.sweep.rev
        hr = rev[self.h]
        t = hr.terminator
        if t is None or t.opcode != "br" or len(t.blocks) != 2:
            raise RuntimeError("zymase internal error: the reversed loop header does not "
                               "branch on its first iteration")
        first_t, rest_t = t.blocks
        if rest_t is rev[self.latch]:
            t.blocks = [first_t, drv_rev]
        else:
            et = rest_t.terminator
            if et is None or et.blocks != [rev[self.latch]]:
                raise RuntimeError("zymase internal error: unexpected edge out of the "
                                   "reversed loop header")
            et.blocks = [drv_rev]
        t.blocks = [leave, t.blocks[1]]
        Builder(self.m, leave).br(first_t)
        self._leave_target = first_t

    def _drv_rev(self, blk):
        m = self.m
        b = Builder(m, blk)
        once, later = self.block("rev.once"), self.drv
        b.cbr(b.icmp("eq", b.load(I64, self.saved), const_int(I64, 0)), once, later)
        ob = Builder(m, once)
        ob.store(const_int(I64, 1), self.saved)
        s = ob.load(I64, self.s)
        self._copy(ob, self._slot_ptr(ob, ob.add(s, const_int(I64, 1))), True, phis=False)
        self._copy(ob, self._slot_ptr(ob, s), False)
        ob.store(const_int(I64, TAPE), self.mode)
        ob.br(self.restore)

    def _leave(self, blk):
        m = self.m
        t = blk.terminator
        t.erase()
        b = Builder(m, blk)
        put, go = self.block("rev.final"), self._leave_target
        b.cbr(b.icmp("ne", b.load(I64, self.saved), const_int(I64, 0)), put, go)
        pb = Builder(m, put)
        s = pb.load(I64, self.s)
        self._copy(pb, self._slot_ptr(pb, pb.add(s, const_int(I64, 1))), False, phis=False)
        pb.store(const_int(I64, 0), self.saved)
        pb.br(go)

    def free_at_returns(self):
        fty = FunctionType(VOID, (PTR,))
        for blk in list(self.fn.blocks):
            t = blk.terminator
            if t is not None and t.opcode == "ret":
                b = Builder(self.m).before(t)
                b.call("free", fty, [b.load(PTR, self.buf)])
                b.call("free", fty, [b.load(PTR, self.sched)])


def _retarget(term, old, new):
    term.blocks = [new if b is old else b for b in term.blocks]


def apply_checkpoints(frame, aug, lplan, layout, sweep, rc, cks, spec, oom):
    """Rewrite each checkpointed loop (after the sweep is built; see the module docstring)."""
    drivers = []
    for ck in cks:
        d = _Driver(frame, aug, lplan, layout, sweep, rc, ck, spec, oom)
        d.build()
        drivers.append(d)
    return drivers


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

The loop is re-entered from the driver, so the code the header dominates (the loop and what
follows it) is no longer dominated by what ran before the loop: values from there that it
uses are stored in slots when the loop starts and come in through header phis
(``[slot, restore], [itself, around]``), which O3 folds back into loop invariants.

The primal releases its arrays before the adjoint sweep runs, but the driver still restores
and recomputes them then: each NRT allocation the loop writes gets one more reference when the
loop starts, released when the derivative returns (on every path, exceptions included, like
the snapshot buffers).  A loop inside another loop runs once per outer iteration; its runs
are set up from entries on the tape instead (``checkpoint_nested.py``).

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

from ...errors import unsupported
from ...ir.builder import Builder
from ...ir.types import I1, I64, I8, PTR, VOID, ArrayType, FunctionType, alloc_size
from ...ir.values import Constant, Instruction, Value, const_int
from ...rules.table import MEMINFO_DATA_OFFSET
from . import revolve
from .checkpoint_plan import ADVANCE, FINISH, TAPE, Checkpoint, CkLoop, _where, ceil8
from ..tape import Stack
from .loops import emit_trip_count



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
        self.held = None            # Stack of MemInfos kept alive until return
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
        m, h = self.m, self.h
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
        self.n = self.slot("n")
        self.livein_slots = []
        # a loop inside another runs many times: each run's entry state goes on the tape
        # and its schedule is replayed from there in the adjoint sweep (checkpoint_nested)
        self.nested = self.lp.depth > 1
        self.push_blk = self.block("push") if self.nested else None
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
        ab.cbr(ab.emit(Instruction("and", I1, [is_adv, at_stop])), stop, h)
        sb = Builder(m, stop)
        for p, o in zip(self.phis, self.offsets):
            sb.store(self._incoming(p, self.latch_f), self._at(sb, self.cur, o))
        sb.br(drv)
        for p in self.phis:
            p.blocks = [adv if b is self.latch_f else b for b in p.blocks]
        # the adjoint sweep: the reversed header goes back to the driver, or leaves
        self._redirect_header(drv_rev, leave)
        if self.nested:
            from . import checkpoint_nested as N
            N.push_entry(self, self.push_blk)
            N.replay(self, drv_rev)
            N.leave(self, leave)
        else:
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
        """Values from before the loop used in the region the header dominates (by an
        instruction there, or by a phi on an edge leaving it) travel through a slot and a
        header phi (``[slot, restore], [itself, around]``)."""
        entry_blocks = {self.fn.entry, self.frame.primal_entry}
        new_phis = set(self.phis)

        def uses():
            for blk in self.fn.blocks:
                for i in blk.instructions:
                    if i.opcode == "phi":
                        if i in new_phis and blk is self.h:
                            # the original header phis: only their value from the latch
                            for k, src in enumerate(i.blocks):
                                if src is not self.restore and src in inside:
                                    yield i, k
                            continue
                        for k, src in enumerate(i.blocks):
                            if src in inside:
                                yield i, k
                    elif blk in inside:
                        for k in range(len(i.operands)):
                            yield i, k

        def from_before(v):
            return isinstance(v, Instruction) and v.block is not None \
                and v.block not in inside and v.block not in entry_blocks

        sites = [(i, k) for i, k in uses() if from_before(i.operands[k])]
        if not sites:
            return
        ib = Builder(self.m).before(init.terminator)
        rb = Builder(self.m).before(restore.terminator)
        repl = {}
        for i, k in sites:
            v = i.operands[k]
            if v not in repl:
                s = self.slot(f"in.{v.name or 'v'}", v.type)
                self.livein_slots.append(s)
                ib.store(v, s)
                phi = Instruction("phi", v.type, [], name=f"{v.name or 'v'}.zy.in")
                self.h.insert(0, phi)
                phi.add_incoming(rb.load(v.type, s), restore)
                phi.add_incoming(phi, self.latch_f)     # renamed with the other phis below
                repl[v] = phi
                self.phis.append(phi)
            i.operands[k] = repl[v]

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
            dst_off = b.gep(I8, dst_off, [ceil8(b, size)])

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
            ptr = r.ptr
            if isinstance(r.size, tuple) and r.size[0] == "meminfo":
                # a null MemInfo (a path that allocated nothing) has nothing to save
                mi = b.select(b.icmp("eq", r.size[1], Constant(PTR, "null")),
                              self.zero_mi, r.size[1])
                size = b.load(I64, b.gep(I8, mi, [const_int(I64, MEMINFO_DATA_OFFSET + 8)]))
                self._hold(b, r.size[1])
            elif isinstance(r.size, tuple):
                ptr, size = _array_extent(b, r.ptr, *r.size[1:])
            elif isinstance(r.size, int):
                size = const_int(I64, r.size)
            else:
                size = r.size
            b.store(ptr, pp)
            b.store(size, ps)            # exact: a restore must not write past the end
            total = b.add(total, ceil8(b, size))
        b.store(total, self.sbytes)
        b.store(n, self.n)
        if self.nested:
            b.br(self.push_blk)
            return
        s = self._snapshots(b, n, total)
        st = self._allocate(b, s, total)
        ok = self.fn.add_block(f"zy.ckpt.{self.h.name}.ok")
        b.cbr(self._failed, self.oom(b, self._needed), ok)
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

    def _snapshots(self, b, n, total):
        """The schedule's slot count: the user's, or what fits in the byte budget (each
        snapshot also costs its frame in the schedule's state, 3 words), at most n."""
        if self.spec.snapshots is not None:
            s = const_int(I64, self.spec.snapshots)
        else:
            per = b.add(total, const_int(I64, 24))
            fit = b.sub(b.emit(Instruction("udiv", I64, [const_int(I64, self.spec.bytes), per])),
                        const_int(I64, 2 + 1 + revolve.FRAMES // 3))
            s = b.select(b.icmp("slt", fit, const_int(I64, 1)), const_int(I64, 1), fit)
        one = const_int(I64, 1)
        nn = b.select(b.icmp("slt", n, one), one, n)
        s = b.select(b.icmp("slt", nn, s), nn, s)
        b.store(s, self.s)
        return s

    def _allocate(self, b, s, total):
        """The slots (s of the schedule, the last step's state, the final memory) and the
        schedule's state; the previous run's are freed first (a loop inside another)."""
        fty = FunctionType(PTR, (I64,))
        free = FunctionType(VOID, (PTR,))
        b.call("free", free, [b.load(PTR, self.buf)])
        b.call("free", free, [b.load(PTR, self.sched)])
        nbuf = b.mul(b.add(s, const_int(I64, 2)), total)
        buf = b.call("malloc", fty, [nbuf])
        b.store(buf, self.buf)
        nst = b.mul(b.add(s, const_int(I64, 1 + revolve.FRAMES // 3 + 1)), const_int(I64, 24))
        st = b.call("malloc", fty, [nst])
        b.store(st, self.sched)
        self._failed = b.emit(Instruction("or", I1, [b.icmp("eq", buf, Constant(PTR, "null")),
                                                      b.icmp("eq", st, Constant(PTR, "null"))]))
        self._needed = b.add(nbuf, nst)
        return st

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

    def _hold(self, b, mi):
        """The primal releases its arrays before the adjoint sweep; the driver still
        restores and recomputes them then: one more reference, released at return."""
        if self.held is None:
            for name in ("NRT_incref", "NRT_decref"):
                f = self.m.functions.get(name)
                if f is None or not f.blocks:
                    raise unsupported("checkpointing this loop: the arrays it writes cannot "
                                      "be kept alive (no NRT reference counting here)",
                                      _where(self.lp))
            self.held = Stack(self.m, self.frame.entry(), f"zy.ckpt.{self.h.name}.held")
        b.call("NRT_incref", FunctionType(VOID, (PTR,)), [mi])
        fl = self.held
        fl.grow(b, 1, b.select(fl.is_full(b, 1), const_int(I64, 8), const_int(I64, 0)))
        fl.push_all(b, [mi])

    def free_at_returns(self):
        fty = FunctionType(VOID, (PTR,))
        if self.held is not None:
            _release_helper(self.m)
        for blk in list(self.fn.blocks):
            t = blk.terminator
            if t is not None and t.opcode == "ret":
                b = Builder(self.m).before(t)
                b.call("free", fty, [b.load(PTR, self.buf)])
                b.call("free", fty, [b.load(PTR, self.sched)])
                if self.held is not None:
                    b.call(RELEASE_HELD, FunctionType(VOID, (PTR, PTR)),
                           [b.load(PTR, self.held.base), b.load(PTR, self.held.top)])
                    self.held.release(b)


RELEASE_HELD = "zymase.ckpt.release"


def _release_helper(module):
    """``zymase.ckpt.release(lo, hi)``: NRT_decref every MemInfo pointer in [lo, hi)."""
    if RELEASE_HELD in module.functions:
        return
    from ...ir.values import Argument, Function
    lo, hi = Argument(PTR, "lo"), Argument(PTR, "hi")
    fn = Function(RELEASE_HELD, VOID, [lo, hi])
    fn.linkage = "internal"
    module.add_function(fn)
    entry, loop, done = fn.add_block("entry"), fn.add_block("loop"), fn.add_block("done")
    b = Builder(module, entry)
    b.cbr(b.icmp("eq", lo, hi), done, loop)
    lb = Builder(module, loop)
    p = lb.phi(PTR)
    lb.call("NRT_decref", FunctionType(VOID, (PTR,)), [lb.load(PTR, p)])
    nxt = lb.gep(I8, p, [const_int(I64, 8)])
    p.add_incoming(lo, entry)
    p.add_incoming(nxt, loop)
    lb.cbr(lb.icmp("eq", nxt, hi), done, loop)
    Builder(module, done).ret()
def _array_extent(b, data, nitems, itemsize, shapes, strides):
    """(first byte, byte count) an array argument's elements span: with strides (a view,
    possibly negative), not just nitems·itemsize from the data pointer."""
    span, low = itemsize, const_int(I64, 0)
    zero, one = const_int(I64, 0), const_int(I64, 1)
    for sh, st in zip(shapes, strides):
        ext = b.mul(b.sub(sh, one), st)
        neg = b.icmp("slt", ext, zero)
        span = b.add(span, b.select(neg, b.sub(zero, ext), ext))
        low = b.add(low, b.select(neg, ext, zero))
    empty = b.icmp("eq", nitems, zero)
    return b.gep(I8, data, [b.select(empty, zero, low)]), b.select(empty, zero, span)


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


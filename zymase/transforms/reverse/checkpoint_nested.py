"""Checkpointed loops inside other loops: one run of the loop per outer iteration.

The driver of ``checkpoint.py`` keeps its snapshots in one buffer, which serves one run of the
loop.  When the loop runs once per iteration of an enclosing loop, the adjoint sweep reverses
the runs last to first, long after their snapshots were overwritten.  So each run's *entry
state* goes on the tape instead (once per run: O(outer iterations × state), the memory the
outer loop's own tape would need anyway):

* forward (``push_entry``): the values from before the loop (live-ins), the memory regions'
  addresses and sizes, the trip count, the header phis and the regions' contents, then the
  byte count of all that; the run itself is finished without snapshots (FINISH mode: one
  iteration's tape at a time);
* adjoint sweep, entering the run's reverse (``replay``): read the entry back from the top of
  the tape (not popped: the iterations' tape goes above it), save the memory as the sweep
  found it (the final slot), restore the entry state, and start the schedule from step 0 —
  its forward phase is replayed here, then every step is reversed as in ``checkpoint.py``;
* leaving the run's reverse (``leave``): restore the memory as found, pop the entry.

Cost: one extra forward pass over each run.  Invariant: the tape between the entry and the
iterations' entries is exactly what ``push_entry`` pushed, so ``replay`` finds it at
``top - 8 - total``.
"""
from __future__ import annotations

from ...ir.builder import Builder
from ...ir.types import I64, I8, PTR, FunctionType, alloc_size
from ...ir.values import const_int
from . import revolve
from .checkpoint_plan import FINISH, TAPE, ceil8


def _round8(n):
    return (n + 7) // 8 * 8


def _leaf_slots(d):
    """Current-value slots of the leaves the loop defines: the sweep of an earlier outer
    iteration reads what they held before this run (its exit values), so ``leave`` puts
    that back — the fully taped sweep gets it from the run's first pushes, which FINISH
    mode drops."""
    return [s for v, s in d.rc.cur.items() if getattr(v, "block", None) in d.lp.blocks]


def _fixed(d):
    """(slot, type, offset) of the fixed part of a run's entry, and its size: the leaves'
    current values (restored by ``leave``), then what ``replay`` restores."""
    items, off = [], 0
    for s in _leaf_slots(d):
        t = s.src_type
        items.append((s, t, off))
        off += _round8(alloc_size(t))
    d.n_leaf_items = len(items)
    for s in d.livein_slots:
        t = s.src_type
        items.append((s, t, off))
        off += _round8(alloc_size(t))
    for s in d.rptr:
        items.append((s, PTR, off))
        off += 8
    for s in d.rsize + [d.n]:
        items.append((s, I64, off))
        off += 8
    return items, off


def _offset(d, b):
    tape = d.layout.tape
    return b.sub(b.cast("ptrtoint", b.load(PTR, tape.top), I64),
                 b.cast("ptrtoint", b.load(PTR, tape.base), I64))


def push_entry(d, blk):
    m = d.m
    b = Builder(m, blk)
    tape = d.layout.tape
    items, fixed = _fixed(d)
    total = b.add(const_int(I64, fixed), b.load(I64, d.sbytes))   # phis and regions
    need = b.add(total, const_int(I64, 8))
    # room for it (the checked growth: a refusal is a MemoryError)
    top = b.load(PTR, tape.top)
    after = b.cast("ptrtoint", b.gep(I8, top, [need]), I64)
    full = b.icmp("ugt", after, b.cast("ptrtoint", b.load(PTR, tape.end), I64))
    grow, cont = d.block("push.grow"), d.block("push.cont")
    b.cbr(full, grow, cont)
    gb = Builder(m, grow)
    tape.grow(gb, 0, need, checked=True)
    failed = gb.icmp("eq", gb.load(PTR, tape.end), const_null())
    gb.cbr(failed, d.oom(gb, need), cont)
    b = Builder(m, cont)
    top = b.load(PTR, tape.top)
    for s, t, off in items:
        b.store(b.load(t, s), b.gep(I8, top, [const_int(I64, off)]))
    data = b.gep(I8, top, [const_int(I64, fixed)])
    d._copy(b, data, True)
    b.store(total, b.gep(I8, top, [total]))
    b.store(b.gep(I8, top, [need]), tape.top)
    b.store(_offset(d, b), d.seg)
    b.store(const_int(I64, FINISH), d.mode)
    b.store(const_int(I64, 0), d.first)
    b.br(d.restore)


def const_null():
    from ...ir.values import Constant
    return Constant(PTR, "null")


def _entry(d, b):
    """Start of the run's entry on the tape (read from the count at its end)."""
    top = b.load(PTR, d.layout.tape.top)
    total = b.load(I64, b.gep(I8, top, [const_int(I64, -8)]))
    return b.gep(I8, top, [b.sub(const_int(I64, -8), total)])


def replay(d, blk):
    """At the first return to the driver in the run's reverse (``saved`` is clear): set the
    run up from its entry; later returns go straight to the driver."""
    m = d.m
    b = Builder(m, blk)
    first = d.block("replay")
    b.cbr(b.icmp("eq", b.load(I64, d.saved), const_int(I64, 0)), first, d.drv)
    b = Builder(m, first)
    start = _entry(d, b)
    items, fixed = _fixed(d)
    for s_, t, off in items[d.n_leaf_items:]:
        b.store(b.load(t, b.gep(I8, start, [const_int(I64, off)])), s_)
    # the leaves' values before the run wait in slots of their own until ``leave``
    d.leaf_saves = [d.slot(f"leaf{k}", t) for k, (_, t, _) in enumerate(items[:d.n_leaf_items])]
    for (_, t, off), keep in zip(items, d.leaf_saves):
        b.store(b.load(t, b.gep(I8, start, [const_int(I64, off)])), keep)
    total = const_int(I64, d.phi_bytes)
    for ps in d.rsize:
        total = b.add(total, ceil8(b, b.load(I64, ps)))
    b.store(total, d.sbytes)
    n = b.load(I64, d.n)
    s = d._snapshots(b, n, total)
    st = d._allocate(b, s, total)
    ok = d.block("replay.ok")
    b.cbr(d._failed, d.oom(b, d._needed), ok)
    b = Builder(m, ok)
    b.store(const_int(I64, 1), d.saved)
    # the memory as the sweep found it, then the run's entry state, which leaves the tape:
    # below it are the preheader's entries, which the reversed first iteration pops
    d._copy(b, d._slot_ptr(b, b.add(s, const_int(I64, 1))), True, phis=False)
    start = _entry(d, b)
    d._copy(b, b.gep(I8, start, [const_int(I64, fixed)]), False)
    b.store(start, d.layout.tape.top)
    _, init_sym = revolve.schedule_symbol(m)
    b.call(init_sym, FunctionType(I64, (PTR, I64, I64)), [st, n, s])
    b.store(_offset(d, b), d.seg)
    b.store(const_int(I64, TAPE), d.mode)
    b.br(d.drv)


def leave(d, blk):
    m = d.m
    t = blk.terminator
    go = t.blocks[0]
    t.erase()
    b = Builder(m, blk)
    put, pop = d.block("rev.final"), d.block("rev.leaves")
    b.cbr(b.icmp("ne", b.load(I64, d.saved), const_int(I64, 0)), put, pop)
    pb = Builder(m, put)
    s = pb.load(I64, d.s)
    d._copy(pb, d._slot_ptr(pb, pb.add(s, const_int(I64, 1))), False, phis=False)
    pb.store(const_int(I64, 0), d.saved)
    items, _ = _fixed(d)
    for (slot, t_, _), keep in zip(items, d.leaf_saves):
        pb.store(pb.load(t_, keep), slot)
    pb.br(go)
    b = Builder(m, pop)
    # a run of no iterations was never replayed: its entry is still on the tape
    b.store(_entry(d, b), d.layout.tape.top)
    b.br(go)

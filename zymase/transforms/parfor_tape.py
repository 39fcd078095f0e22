"""Parallel loops in reverse mode with the tape recorded by the primal launch.

With the kernel's split derivative (``parfor_split.py``), the forward sweep launches the
derivative's forward half *instead of* the primal kernel: it computes what the primal
computes and leaves, per schedule entry, the state its adjoint half needs.  The adjoint
sweep launches the adjoint half, which only does adjoint work: no share of the loop runs
twice, and no scratch memory receives a second copy of the outputs.

Tapes belong to schedule *entries*, not threads: the launcher may hand an entry to another
thread in the second launch.  The wrapper ``W(args_t, dims, steps, block)`` (``block``:
``{args, dargs, ctl, mode}``) therefore calls the split derivative once per entry ``r``
(the distance of the worker's schedule pointer from the schedule, in entries), with
``dims[0] = 1`` and ``state = states + 8·r``, and the same arguments in both launches.

``ctl`` (in the forward sweep's copy block): ``{states, entries, how, schedule, entry bytes,
phases, {base, span, neg} per slot}``.  The forward driver chooses ``how`` the adjoints of
memory the kernel only reads (``x[j]`` of a pairwise loop) are accumulated:

* WINDOWED: every such read is at row ``i + c`` of the loop index, ``|c| <= r``
  (``analysis/parfor_index.py``), and the schedule passes ``_guard`` (contiguous entries
  in order, the first starting at ``r`` or later, none shorter than ``4r``): the adjoint
  half adds straight into the shared shadow.  For ``r = 0`` entries touch disjoint rows;
  otherwise each entry is cut in two, ``[s, e − 2r]`` and ``[e − 2r + 1, e]``, before the
  forward launch, and the adjoint launches the first parts (rows up to ``e − r``, disjoint
  from the next entry's first part, which starts at row ``e + 1 − r``), then the tails
  (more than ``2r`` rows apart from each other);
* PRIVATE: a copy of the shadow per entry, zeroed by the entry's forward half (by the
  worker that runs it, in parallel), summed into the real shadow after the adjoint launch;
* ATOMIC: past ``parfor_private.BUDGET`` bytes of copies, the atomic kernel adds into the
  real shadow.

The shadows of reduction slots (``slot[get_thread_id()]``) get a copy per entry in every
case, filled from the real shadow before the adjoint launch.  The forward half took the thread
id of the first launch; two entries that ran on one thread there may run at the same time
in the adjoint launch, and the adjoint of a slot reads and zeroes its shadow for a while
(it leaves it as it found it: a ``+=`` chain has derivative 1 in the slot's old value).

The forward driver ``F(args, dargs, dims, steps, threads, ctl)`` chooses, allocates and
launches; the adjoint driver ``A(…)`` seeds the reduction copies, launches (once or per
phase), sums, frees.  A failure in the function between the two (an exception) skips the
adjoint sweep and leaks what ``F`` allocated, like the rest of the copy block.
"""
from __future__ import annotations

from ..ir.builder import Builder
from ..ir.types import I64, I8, PTR, VOID, FunctionType
from ..ir.values import Argument, Function, GlobalRef, Module, Value, const_int
from .forward_arrays import loop_nest
from . import parfor_private
from .parfor_launch import CTL_WORDS, LAUNCH, LAUNCH_TYPE
from .parfor_private import _size, extent

MALLOC = FunctionType(PTR, (I64,))
FREE = FunctionType(VOID, (PTR,))
ATOMIC, PRIVATE, WINDOWED = 0, 1, 2


def _fn(module: Module, name: str, params) -> tuple:
    f = Function(name, VOID, params)
    f.linkage = "internal"
    module.add_function(f)
    return f, Builder(module, f.add_block("entry"))


def _word(b: Builder, base: Value, k, t=I64) -> Value:
    idx = const_int(I64, k) if isinstance(k, int) else k
    return b.gep(t, base, [idx])


def split_wrapper(module: Module, plain: str, atomic: str, na: int, ni: int, shared,
                  reductions) -> str:
    """The wrapper launched by both drivers (see the module docstring); it calls split
    derivative ``plain``, or ``atomic`` when the shared-read shadows are not private."""
    name = f"{plain}.launch.tape"
    if name in module.functions:
        return name
    params = [Argument(PTR, "args_t"), Argument(PTR, "dims"), Argument(PTR, "steps"),
              Argument(PTR, "block")]
    f, b = _fn(module, name, params)
    args_t, dims, steps, block = params
    args0 = b.load(PTR, _word(b, block, 0, PTR))
    dargs = b.load(PTR, _word(b, block, 1, PTR))
    ctl = b.load(PTR, _word(b, block, 2, PTR))
    mode = b.load(I64, _word(b, block, 3))
    states = b.load(PTR, _word(b, ctl, 0, PTR))
    how = b.load(I64, _word(b, ctl, 2))
    private = b.icmp("eq", how, const_int(I64, PRIVATE))
    plain_kernel = b.icmp("ne", how, const_int(I64, ATOMIC))
    sched0 = b.cast("ptrtoint", b.load(PTR, _word(b, ctl, 3, PTR)), I64)
    esize = b.load(I64, _word(b, ctl, 4))
    n = b.load(I64, dims)
    dims_e = b.alloca(I64, "dims.e", const_int(I64, ni + 1))
    b.memcpy(dims_e, dims, const_int(I64, 8 * (ni + 1)))
    b.store(const_int(I64, 1), dims_e)
    args_e = b.alloca(PTR, "args.e", const_int(I64, na))
    dargs_e = b.alloca(PTR, "dargs.e", const_int(I64, na))
    table = {}
    for j in sorted(set(shared) | set(reductions)):
        table[j] = [b.load(I64 if k else PTR, _word(b, ctl, CTL_WORDS + 3 * j + k))
                    for k in range(3)]
    zero_it = b.icmp("eq", mode, const_int(I64, 0))
    ft = FunctionType(VOID, (PTR, PTR, PTR, PTR, PTR, I64, PTR))

    def body(bb: Builder, idx):
        e, = idx
        # the entry's index in the forward launch's schedule (a phase launch sees every
        # other entry: its steps[0] is twice the entry's size)
        s_e = bb.gep(I8, bb.load(PTR, args_t), [bb.mul(e, bb.load(I64, steps))])
        r = bb.binop("udiv", bb.sub(bb.cast("ptrtoint", s_e, I64), sched0), esize)
        for j in range(na):
            p0 = bb.load(PTR, _word(bb, args0, j, PTR))
            pt = bb.load(PTR, _word(bb, args_t, j, PTR))
            p = bb.gep(I8, pt, [bb.mul(e, bb.load(I64, _word(bb, steps, j)))])
            bb.store(p, _word(bb, args_e, j, PTR))
            off = bb.sub(bb.cast("ptrtoint", p, I64), bb.cast("ptrtoint", p0, I64))
            d = bb.gep(I8, bb.load(PTR, _word(bb, dargs, j, PTR)), [off])
            if j in table:
                base, span, neg = table[j]
                own = bb.gep(I8, base, [bb.add(bb.add(bb.mul(r, span), neg), off)])
                d = own if j in reductions else bb.select(private, own, d)
            bb.store(d, _word(bb, dargs_e, j, PTR))
        for j in shared:            # the forward half zeroes its entry's private copies
            base, span, _ = table[j]
            bb.memset(bb.gep(I8, base, [bb.mul(r, span)]), 0,
                      bb.select(bb.binop("and", zero_it, private), span, const_int(I64, 0)))
        st = bb.gep(PTR, states, [r])
        args = [args_e, dargs_e, dims_e, steps, args_e, mode, st]
        if atomic is None:
            bb.call(plain, ft, args)
            return
        yes, no, join = f.add_block(None), f.add_block(None), f.add_block(None)
        bb.cbr(plain_kernel, yes, no)
        Builder(module, yes).call(plain, ft, args)
        Builder(module, yes).br(join)
        Builder(module, no).call(atomic, ft, args)
        Builder(module, no).br(join)
        bb.block, bb.index = join, 0
    out = loop_nest(module, f, b, [n], body)
    out.ret()
    return name


def _launch(b: Builder, launch, wname: str, args, dims, steps, blk, threads):
    b.call(LAUNCH, LAUNCH_TYPE, [GlobalRef(wname), args, dims, steps, blk, launch.inner_ndim,
                                 launch.array_count, threads])


def _block(b: Builder, args, dargs, ctl, mode: int) -> Value:
    blk = b.alloca(PTR, "block", const_int(I64, 4))
    for k, v in enumerate([args, dargs, ctl]):
        b.store(v, _word(b, blk, k, PTR))
    b.store(const_int(I64, mode), _word(b, blk, 3))
    return blk


def _spans(b: Builder, dims, steps, slots):
    return {j: extent(b, dims, steps, nd, d_at, s_at, _size(et))
            for j, (nd, et, d_at, s_at) in slots.items()}


def _guard(module: Module, f: Function, b: Builder, sched: Value, entries: Value,
           radius: int) -> tuple:
    """(builder, i1): whether the schedule's entries are contiguous ranges of one index in
    increasing order, none shorter than ``max(4·radius, 1)``, the first starting at
    ``radius`` or later (then no read at ``i − c`` wraps around, and the tails of two
    entries are more than ``2·radius`` apart)."""
    ok = b.alloca(I64, "window.ok")
    b.store(const_int(I64, 1), ok)

    def body(bb: Builder, idx):
        k, = idx
        two_k = bb.mul(k, const_int(I64, 2))
        s_k = bb.load(I64, bb.gep(I64, sched, [two_k]))
        e_k = bb.load(I64, bb.gep(I64, sched, [bb.add(two_k, const_int(I64, 1))]))
        first = bb.icmp("eq", k, const_int(I64, 0))
        # the previous entry's end (entry 0 reads its own start: not used)
        prev = bb.load(I64, bb.gep(I64, sched, [bb.select(first, two_k,
                                                          bb.sub(two_k, const_int(I64, 1)))]))
        joined = bb.select(first, bb.icmp("sge", s_k, const_int(I64, radius)),
                           bb.icmp("eq", s_k, bb.add(prev, const_int(I64, 1))))
        long_enough = bb.icmp("sge", bb.sub(e_k, s_k), const_int(I64, max(4 * radius, 1) - 1))
        good = bb.binop("and", joined, long_enough)
        bb.store(bb.select(good, bb.load(I64, ok), const_int(I64, 0)), ok)
    b = loop_nest(module, f, b, [entries], body)
    return b, b.icmp("ne", b.load(I64, ok), const_int(I64, 0))


def forward_driver(module: Module, name: str, launch, wname: str, shared, reductions,
                   radius) -> str:
    """``void @name(ptr args, ptr dargs, ptr dims, ptr steps, i64 threads, ptr ctl)``: the
    forward launch (``shared``/``reductions``: {slot: (ndim, element type, dims index, steps
    index)}; ``radius``: the row window of every shared-read slot, ``parfor_index``, or
    None)."""
    if name in module.functions:
        return name
    f, b, (args, dargs, dims, steps, threads, ctl) = _driver(module, name)
    na, ni = launch.na, launch.ni
    entries = b.load(I64, dims)
    sched = b.load(PTR, args)
    esize = b.load(I64, steps)
    spans = _spans(b, dims, steps, {**shared, **reductions})
    total: Value = const_int(I64, 0)
    for j in shared:
        total = b.add(total, b.mul(entries, spans[j][0]))
    fits = b.icmp("ule", total, const_int(I64, parfor_private.BUDGET))
    how = b.select(fits, const_int(I64, PRIVATE), const_int(I64, ATOMIC))
    sched2, entries2, phases = sched, entries, const_int(I64, 1)
    if radius is not None and shared:
        b, ok = _guard(module, f, b, sched, entries, radius)
        ok = b.binop("and", ok, b.icmp("eq", esize, const_int(I64, 16)))     # 1-D schedule
        how = b.select(ok, const_int(I64, WINDOWED), how)
        if radius:      # each entry in two: [s, e − 2r] and [e − 2r + 1, e]
            yes, join = f.add_block("halves"), f.add_block("halved")
            hb = Builder(module, yes)
            halves = hb.call("malloc", MALLOC, [hb.mul(entries, const_int(I64, 32))])

            def half(bb: Builder, idx):
                k, = idx
                src = bb.gep(I64, sched, [bb.mul(k, const_int(I64, 2))])
                dst = bb.gep(I64, halves, [bb.mul(k, const_int(I64, 4))])
                s_k, e_k = bb.load(I64, src), bb.load(I64, bb.gep(I64, src, [const_int(I64, 1)]))
                cut = bb.sub(e_k, const_int(I64, 2 * radius))
                for w, v in enumerate((s_k, cut, bb.add(cut, const_int(I64, 1)), e_k)):
                    bb.store(v, bb.gep(I64, dst, [const_int(I64, w)]))
            hb = loop_nest(module, f, hb, [entries], half)
            hb.br(join)
            pre = b.block
            b.cbr(ok, yes, join)
            jb = Builder(module, join)
            p = jb.phi(PTR)
            p.add_incoming(sched, pre)
            p.add_incoming(halves, hb.block)
            sched2 = p
            entries2 = jb.select(ok, jb.mul(entries, const_int(I64, 2)), entries)
            phases = jb.select(ok, const_int(I64, 2), phases)
            b = jb
    states = b.call("calloc", FunctionType(PTR, (I64, I64)), [entries2, const_int(I64, 8)])
    for k, v in enumerate((states, entries2, how, sched2, esize, phases)):
        b.store(v, _word(b, ctl, k, PTR if v.type.is_pointer else I64))
    for j, (span, neg) in spans.items():
        size = b.mul(entries2, span)
        if j in shared:
            size = b.select(b.icmp("eq", how, const_int(I64, PRIVATE)), size, const_int(I64, 0))
        base = b.call("malloc", MALLOC, [size])
        b.store(base, _word(b, ctl, CTL_WORDS + 3 * j, PTR))
        b.store(span, _word(b, ctl, CTL_WORDS + 3 * j + 1))
        b.store(neg, _word(b, ctl, CTL_WORDS + 3 * j + 2))
    a2, d2, s2 = _view(b, args, dims, steps, na, ni, sched2, entries2, esize)
    _launch(b, launch, wname, a2, d2, s2, _block(b, a2, dargs, ctl, 0), threads)
    b.ret()
    return name


def _view(b: Builder, args, dims, steps, na: int, ni: int, sched, entries, step):
    """Copies of ``args``/``dims``/``steps`` launching ``entries`` entries of ``sched``,
    ``step`` bytes apart."""
    a2 = b.alloca(PTR, "args.v", const_int(I64, na))
    d2 = b.alloca(I64, "dims.v", const_int(I64, ni + 1))
    s2 = b.alloca(I64, "steps.v", const_int(I64, na + ni))
    b.memcpy(a2, args, const_int(I64, 8 * na))
    b.memcpy(d2, dims, const_int(I64, 8 * (ni + 1)))
    b.memcpy(s2, steps, const_int(I64, 8 * (na + ni)))
    b.store(sched, a2)
    b.store(entries, d2)
    b.store(step, s2)
    return a2, d2, s2


def _driver(module: Module, name: str):
    """A driver's function ``void @name(ptr args, ptr dargs, ptr dims, ptr steps, i64 threads,
    ptr ctl)``, its entry builder and its parameters."""
    params = [Argument(PTR, "args"), Argument(PTR, "dargs"), Argument(PTR, "dims"),
              Argument(PTR, "steps"), Argument(I64, "threads"), Argument(PTR, "ctl")]
    f, b = _fn(module, name, params)
    return f, b, params


def adjoint_driver(module: Module, name: str, launch, wname: str, shared, reductions) -> str:
    """``void @name(ptr args, ptr dargs, ptr dims, ptr steps, i64 threads, ptr ctl)``: the
    adjoint launch (two phases for row windows: the entries' first parts, then their
    tails), then the private copies summed into the real shadows and everything the forward
    driver allocated freed."""
    if name in module.functions:
        return name
    f, b, (args, dargs, dims, steps, threads, ctl) = _driver(module, name)
    na, ni = launch.na, launch.ni
    entries = b.load(I64, _word(b, ctl, 1))
    sched = b.load(PTR, _word(b, ctl, 3, PTR))
    esize = b.load(I64, _word(b, ctl, 4))
    phases = b.load(I64, _word(b, ctl, 5))

    def slot(bb: Builder, j):
        base = bb.load(PTR, _word(bb, ctl, CTL_WORDS + 3 * j, PTR))
        span = bb.load(I64, _word(bb, ctl, CTL_WORDS + 3 * j + 1))
        neg = bb.load(I64, _word(bb, ctl, CTL_WORDS + 3 * j + 2))
        real = bb.gep(I8, bb.load(PTR, _word(bb, dargs, j, PTR)), [bb.sub(const_int(I64, 0),
                                                                          neg)])
        return base, span, real
    for j in reductions:            # each entry's copy starts from the real shadow
        def seed(bb: Builder, idx, j=j):
            base, span, real = slot(bb, j)
            bb.memcpy(bb.gep(I8, base, [bb.mul(idx[0], span)]), real, span)
        b = loop_nest(module, f, b, [entries], seed)
    # phase k (of ``phases``) launches entries k, k + phases, …
    per = b.binop("udiv", entries, phases)

    def phase(bb: Builder, idx):
        k, = idx
        first = bb.gep(I8, sched, [bb.mul(k, esize)])
        a2, d2, s2 = _view(bb, args, dims, steps, na, ni, first, per, bb.mul(esize, phases))
        _launch(bb, launch, wname, a2, d2, s2, _block(bb, a2, dargs, ctl, 1), threads)
    b = loop_nest(module, f, b, [phases], phase)
    how = b.load(I64, _word(b, ctl, 2))
    summing, done = f.add_block("sum"), f.add_block("done")
    b.cbr(b.icmp("eq", how, const_int(I64, PRIVATE)), summing, done)
    sb = Builder(module, summing)
    for j, (nd, et, _, _) in shared.items():
        base, span, real = slot(sb, j)
        size = const_int(I64, _size(et))
        count = sb.binop("udiv", span, size)

        def body(bb: Builder, idx, base=base, span=span, real=real, et=et, size=size):
            r, w = idx
            off = bb.mul(w, size)
            src = bb.gep(I8, base, [bb.add(bb.mul(r, span), off)])
            dst = bb.gep(I8, real, [off])
            bb.store(bb.fadd(bb.load(et, dst), bb.load(et, src)), dst)
        sb = loop_nest(module, f, sb, [entries, count], body)
    sb.br(done)
    db = Builder(module, done)
    for j in {**shared, **reductions}:
        db.call("free", FREE, [db.load(PTR, _word(db, ctl, CTL_WORDS + 3 * j, PTR))])
    db.call("free", FREE, [db.load(PTR, _word(db, ctl, 0, PTR))])
    halved, end = f.add_block("halved"), f.add_block("end")
    db.cbr(db.icmp("eq", phases, const_int(I64, 2)), halved, end)
    hb = Builder(module, halved)
    hb.call("free", FREE, [sched])
    hb.br(end)
    Builder(module, end).ret()
    return name

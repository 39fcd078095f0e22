"""Forward mode, width N, interleaved layout: the seeds of Dual array arguments.

Dual array arguments keep the user-facing convention: the tangent ``dx`` has shape
``(N,) + x.shape`` and ``dx[k]`` is laid out like ``x`` (the shadow checks enforce it).  The
interleaved layout (forward_layout.py) wants shadow memory that is N times the primal's, so
each such array is handled in one of two ways, decided from how the function uses it
(``classify_array``):

* interleaved buffer: the entry block mallocs ``N·span`` bytes laid out as N times the
  primal view (any strides, negative ones included: base at ``N·(-lowest offset)``; zeroed
  when the view has gaps), copies the lanes in (``zymase.fwd.lanes_in``, a loop nest over
  the array's dimensions) and seeds a stack "MemInfo" for it (refcount 2^40, so no decref
  frees it; data word at ``N·24``).  Every ``ret``, exception paths included, copies the
  lanes back out (``lanes_out``, ``copy_lanes_out``) when the function may write the array
  (stores, memset/memcpy into it, unknown calls, or its pointer escapes) and frees the
  buffer;
* strided lanes, in place: when every use is a float load or store at a loop depth of at
  most ``max(1, ndim)`` (streaming: each tangent is touched about once, so a copy would only
  add memory traffic), no pointer is loaded through it or escapes, and no phi/select mixes
  it with other pointers, its shadow pointers point into ``dx[0]`` with the primal's offsets
  and lane k is at ``+k·dx.strides[0]`` (N scalar loads/stores per access).  Such pointers
  are the one exception to the ``N·o`` rule; the exception is static (``lane_offsets`` maps
  each of them, known before any shadow is emitted) and never meets an interleaved pointer
  (no phi, select, store or call mixes them).

Everything here is emitted in the derivative's entry block before activity analysis; the
values it creates are the transform's own (``ArraySeed.own``) and never active.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from ..ir.builder import Builder, type_suffix
from ..ir.types import I64, I8, PTR, VOID, ArrayType, FunctionType, Type, VectorType, store_size
from ..ir.values import Argument, Constant, Function, Instruction, Module, Value, const_int, undef
from ..rules import table
from ..rules.calls import Kind, classify_call
from .signature import ArrayInput
from .skeleton import Skeleton

# Stack "MemInfo" of a Dual array argument's interleaved tangent buffer: a reference count no
# incref/decref pair can bring to zero (the buffer is freed by the derivative, not by NRT).
STUB_REFCOUNT = 1 << 40
MI_DATA = table.MEMINFO_DATA_OFFSET  # byte offset of ``data`` in an NRT MemInfo


@dataclass(frozen=True)
class TangentBuffer:
    """The interleaved copy of a Dual array argument's tangent lanes."""
    ft: Type                   # element type
    nd: int                    # number of dimensions
    buf: Value                 # the malloc'ed block (freed at every return)
    base: Value                # where primal offset 0 lands (``N·(-lowest offset)`` into buf)
    dx: Value                  # the caller's tangent array data, shape ``(N,) + shape``
    dims: Tuple[Value, ...]    # the lanes helpers' shape, stride and dx stride arguments
    out: bool                  # the function may write the array: copy the lanes back out


@dataclass(frozen=True)
class ArraySeed:
    """How one Dual array argument was seeded."""
    seeds: Dict[Value, Value]                 # its data / MemInfo / parent params → shadows
    own: Tuple[Value, ...]                    # values the seeding created
    buffer: Optional[TangentBuffer]           # None: strided lanes in place
    lane_offsets: Dict[Value, List[Value]]    # in place: each derived pointer → N lane offsets


def seed_array(sk: Skeleton, b: Builder, inp: ArrayInput, width: int, loops) -> ArraySeed:
    """Seed Dual array argument ``inp`` at ``b`` (the entry block): its data pointer, a
    MemInfo and a parent are the shadows of the array's leaves.  ``loops`` is the loop
    analysis of the derivative's cloned body."""
    fn, w, P = sk.fn, width, sk.param
    ft = inp.primal.dtype
    isz = store_size(ft)
    pa, sa = inp.primal, inp.shadow
    mi, parent, nitems, data, shapes, strides = pa.meminfo, pa.parent, pa.nitems, pa.data, \
        pa.shapes, pa.strides
    smi, sparent, sdata, sstrides = sa.meminfo, sa.parent, sa.data, sa.strides
    derived, writes, in_place = classify_array(fn, loops, [P(data), P(mi), P(parent)],
                                               len(shapes))
    if in_place:
        # dx[k] has x's strides (the shadow checks guarantee it)
        s0 = fn.args[sstrides[0]]
        offs = [const_int(I64, 0)] + [b.mul(s0, const_int(I64, k)) for k in range(1, w)]
        seeds = {P(data): fn.args[sdata], P(mi): fn.args[smi], P(parent): fn.args[sparent]}
        return ArraySeed(seeds, (), None, {v: offs for v in derived})
    zero64 = const_int(I64, 0)
    lo: Value = zero64
    hi: Value = zero64
    for sh_, st_ in zip(shapes, strides):
        last = b.sub(P(sh_), const_int(I64, 1))
        last = b.select(b.icmp("slt", last, zero64), zero64, last)
        ext = b.mul(last, P(st_))
        neg = b.icmp("slt", ext, zero64)
        lo = b.add(lo, b.select(neg, ext, zero64))
        hi = b.add(hi, b.select(neg, zero64, ext))
    span = b.add(b.sub(hi, lo), const_int(I64, isz))
    nbytes = b.mul(span, const_int(I64, w))
    buf = b.call("malloc", FunctionType(PTR, (I64,)), [nbytes])
    base = b.gep(I8, buf, [b.mul(b.sub(zero64, lo), const_int(I64, w))])
    # a view with gaps (strided, or a broadcast) leaves bytes the lanes do not cover
    dense = b.icmp("eq", span, b.mul(P(nitems), const_int(I64, isz)))
    b.memset(buf, 0, b.select(dense, zero64, nbytes))
    stub = b.alloca(ArrayType(w * MI_DATA + 8, I8), "zy.stub.meminfo")  # entry block
    b.store(const_int(I64, STUB_REFCOUNT), stub, 8)
    b.store(Constant(PTR, "null"), b.gep(I8, stub, [const_int(I64, 8)]), 8)
    b.store(Constant(PTR, "null"), b.gep(I8, stub, [const_int(I64, 16)]), 8)
    b.store(base, b.gep(I8, stub, [const_int(I64, w * MI_DATA)]), 8)
    dims = [P(k) for k in shapes] + [P(k) for k in strides] + [fn.args[k] for k in sstrides]
    b.call(lanes_helper(sk.module, w, True, ft, len(shapes)),
           FunctionType(VOID, (PTR, PTR) + (I64,) * len(dims)), [base, fn.args[sdata]] + dims)
    buffer = TangentBuffer(ft, len(shapes), buf, base, fn.args[sdata], tuple(dims), writes)
    seeds = {P(data): base, P(mi): stub, P(parent): Constant(PTR, "null")}
    return ArraySeed(seeds, (buf, base, stub), buffer, {})


def copy_lanes_out(module: Module, width: int, rets: List[Instruction],
                   buffers: Sequence[TangentBuffer]) -> None:
    """Before every return (exception paths too): tangents the function may have written go
    back to the caller's arrays, and the interleaved buffers are freed."""
    for ret in rets:
        bb = Builder(module, loc=ret.loc).before(ret)
        for bf in buffers:
            if bf.out:
                bb.call(lanes_helper(module, width, False, bf.ft, bf.nd),
                        FunctionType(VOID, (PTR, PTR) + (I64,) * len(bf.dims)),
                        [bf.base, bf.dx] + list(bf.dims))
            bb.call("free", FunctionType(VOID, (PTR,)), [bf.buf])


def lanes_helper(module: Module, width: int, into: bool, ft: Type, nd: int) -> str:
    """``zymase.fwd.lanes_{in,out}.<T>.w<N>.d<nd>(ptr buf, ptr dx, i64 shape[nd],
    i64 stride[nd], i64 dx_stride[nd + 1])``: copy the N lanes of a tangent array ``dx``
    (shape ``(N,) + shape``, any strides) into (or out of) the interleaved buffer whose
    element at primal byte offset ``o`` is the ``<N x T>`` at ``buf + N·o``."""
    w = width
    name = f"zymase.fwd.lanes_{'in' if into else 'out'}.{type_suffix(ft)}.w{w}.d{nd}"
    if name in module.functions:
        return name
    args = [Argument(PTR, "buf"), Argument(PTR, "dx")] + \
        [Argument(I64, f"n{d}") for d in range(nd)] + \
        [Argument(I64, f"s{d}") for d in range(nd)] + \
        [Argument(I64, f"t{d}") for d in range(nd + 1)]
    f = Function(name, VOID, args)
    f.linkage = "internal"
    module.add_function(f)
    buf, dx = args[0], args[1]
    ns, ss, ts = args[2:2 + nd], args[2 + nd:2 + 2 * nd], args[2 + 2 * nd:]
    b = Builder(module, f.add_block("entry"))
    isz = store_size(ft)
    vt = VectorType(w, ft)
    lane_ptrs = [b.gep(I8, dx, [b.mul(ts[0], const_int(I64, k))]) for k in range(w)]

    def body(bb: Builder, idx):
        po: Value = const_int(I64, 0)
        qo: Value = const_int(I64, 0)
        for d, i in enumerate(idx):
            po = bb.add(po, bb.mul(i, ss[d]))
            qo = bb.add(qo, bb.mul(i, ts[d + 1]))
        sp = bb.gep(I8, buf, [bb.mul(po, const_int(I64, w))])
        qs = [bb.gep(I8, lp, [qo]) for lp in lane_ptrs]
        if into:
            vec: Value = undef(vt)
            for k, q in enumerate(qs):
                vec = bb.insertelement(vec, bb.load(ft, q, isz), k)
            bb.store(vec, sp, isz)
        else:
            vec = bb.load(vt, sp, isz)
            for k, q in enumerate(qs):
                bb.store(bb.extractelement(vec, k), q, isz)

    loop_nest(module, f, b, list(ns), body).ret()
    return name


def classify_array(fn: Function, loops, roots: List[Value], ndim: int = 1):
    """How a Dual array argument (its data/MemInfo/parent params ``roots``) is used:
    (the pointers derived from it, may the function write it, can its tangents stay in
    the caller's array).  Conservative: any use of a derived pointer other than loading
    a float or an integer through it, comparing it or refcounting it counts as a write
    (stores, memset/memcpy destinations, calls, escapes into memory or integers).

    In place ("strided lanes": lane k of the element at primal offset o is at
    ``dx + k·dx.strides[0] + o``, since ``dx[k]`` has ``x``'s strides) needs more: every
    use is a float load or store (plus GEPs, comparisons, refcounts), no pointer is
    loaded through it or escapes, phis/selects never mix it with other pointers, and
    every float access is at a loop depth of at most ``max(1, ndim)`` (streaming: each
    tangent touched about once, so copying the array into an interleaved buffer and back
    would only add memory traffic; a 1-D array in a double loop is reused and gets the
    buffer's vector accesses).  ``loops`` is ``analyse_loops(fn)``."""
    users = fn.users()
    loop_of = loops.loop_of

    def shallow(i):
        loop = loop_of.get(i.block)
        return loop is None or loop.depth <= max(1, ndim)

    seen = set(roots)
    work = list(roots)
    writes = False
    in_place = True
    merges = []
    while work:
        v = work.pop()
        for u in users.get(v, []):
            op = u.opcode
            derived = False
            if op in ("getelementptr", "bitcast", "addrspacecast", "freeze"):
                if u.operands[0] is not v:
                    writes, in_place = True, False
                    continue
                derived = True
            elif op in ("phi", "select"):
                if op == "select" and u.operands[0] is v:
                    continue
                derived = True
                merges.append(u)
            elif op == "load":
                if u.type.is_pointer:
                    derived, in_place = True, False
                elif u.type.is_float and not isinstance(u.type, VectorType):
                    in_place = in_place and shallow(u)
                elif not u.type.is_int:
                    writes, in_place = True, False
            elif op == "store":
                writes = True
                val = u.operands[0]
                if u.operands[1] is not v or val is v or not val.type.is_float \
                        or isinstance(val.type, VectorType):
                    in_place = False      # escapes, or stores a non-float into it
                else:
                    in_place = in_place and shallow(u)
            elif op == "icmp":
                continue
            elif op == "call":
                kind = classify_call(u)
                if kind is Kind.REFCOUNT:
                    continue
                in_place = False
                if kind is Kind.MEMINFO_DATA:
                    derived = True
                elif kind is Kind.MEMCPY and u.operands[0] is not v and u.operands[1] is v:
                    continue
                else:
                    writes = True
            else:
                writes, in_place = True, False
            if derived and u not in seen:
                seen.add(u)
                work.append(u)
    for u in merges:
        ins = u.operands if u.opcode == "phi" else u.operands[1:]
        if any(o not in seen and not isinstance(o, Constant) for o in ins):
            in_place = False
    return seen, writes, in_place


def loop_nest(module: Module, fn: Function, b: Builder, counts: List[Value], body) -> Builder:
    """Nested counted loops ``for i0 < counts[0]: for i1 < counts[1]: … body(builder, [i0, …])``
    emitted from ``b`` (whose block gets the branch in); returns a builder in the exit block."""
    if not counts:
        body(b, [])
        return b
    pre = b.block
    head, inner, exit_ = fn.add_block(None), fn.add_block(None), fn.add_block(None)
    b.br(head)
    hb = Builder(module, head)
    i = hb.phi(I64)
    hb.cbr(hb.icmp("slt", i, counts[0]), inner, exit_)
    ib = loop_nest(module, fn, Builder(module, inner), counts[1:],
                   lambda bb, idx: body(bb, [i] + idx))
    nxt = ib.binop("add", i, const_int(I64, 1), flags="nsw")
    ib.br(head)
    i.add_incoming(const_int(I64, 0), pre)
    i.add_incoming(nxt, ib.block)
    return Builder(module, exit_)

"""Forward mode (tangent propagation), scalar or batched (width N).

Algorithm
1. Create the derivative function with the signature's parameters (primal, shadow, primal,
   …) and clone the primal body into it (skeleton.py).  The primal's result goes to a local
   slot; the derivative's result is handed back at each ``ret`` (see step 5).
2. Seed activity: tangent params of Dual float scalars, shadow pointers of Dual pointers
   (and of Dual arrays' data pointers and MemInfos), the return slot when the return is
   Dual.  Run activity analysis.
3. Walk the cloned instructions in order; after each active one, emit its *shadow*:
   floats get a tangent ``Σ ∂r/∂x_i · ẋ_i`` from the rules table, pointers a shadow pointer
   (same GEP on the shadow base, load of a pointer from shadow memory, a second zeroed
   allocation for an NRT allocation), aggregates a shadow aggregate (integers inside shadow
   aggregates are the primal integers, so Numba's array structs stay well formed).  Stores
   through active pointers store the shadow into shadow memory; memcpy/memset are mirrored;
   refcount atomics and destructor calls are mirrored on shadow MemInfos so shadow arrays
   live exactly as long as their primals.
4. Phi shadows are created first (empty) and filled once every block is done.
5. At each ``ret``, the derivative's outputs (primal and/or tangent) are handed back as the
   signature's ``Results`` say: stored through Numba's return slot, or returned (C ABI).

Width N: every tangent is an ``<N x T>`` vector (the partial derivatives are computed once
and splatted); one call computes N directional derivatives.  Shadow *memory* has one of two
layouts, chosen per derivative when it is built (``ForwardTransform.layout``):

* Lane-interleaved (the default).  A shadow pointer is one scalar ``ptr``, and shadow memory
  is "N times the primal's layout": the tangent lanes of the primal scalar at byte offset
  ``o`` of an object are the ``<N x T>`` at byte offset ``N·o`` of its shadow object (lane k
  at ``N·o + k·sizeof(T)``).  Hence:
  - a shadow GEP is the primal GEP's byte offset times N (``gep [N·s x i8]`` per variable
    index of stride s, ``gep i8, N·c`` for the constant part, struct fields included);
  - a float load/store through a shadow is one ``<N x T>`` load/store (alignment: the
    primal's); a pointer stored in shadow memory lives in the first lane's bytes (``N·o``);
    integers are not mirrored into shadow memory (no shadow ever reads one back);
  - memset/memcpy/memmove lengths, malloc/realloc sizes and allocas are N times the
    primal's (zeroed like at width 1); free, refcounting (calls and ``atomicrmw``) and
    destructor calls act once on the one shadow pointer;
  - a shadow MemInfo is a real NRT MemInfo (its refcount is at ``N·0 = 0``, so NRT calls
    and refcount atomics work on it unchanged) that also holds its interleaved data pointer
    at byte ``N·24`` (the primal's ``data`` field, scaled), where the shadow of
    ``mi->data`` reads it: a shadow NRT allocation asks for ``N·size + HDR`` bytes
    (``HDR = ⌈(24N + 8)/64⌉·64``) and its shadow data starts ``HDR`` bytes into the NRT
    data block, past the word at ``N·24``.
  Dual array arguments keep the user-facing convention: the tangent ``dx`` has shape
  ``(N,) + x.shape`` and ``dx[k]`` is laid out like ``x`` (the shadow checks enforce it).
  Each is handled in one of two ways, decided from how the function uses it
  (``_classify_array``):
  - interleaved buffer: the entry block mallocs ``N·span`` bytes laid out as N times the
    primal view (any strides, negative ones included: base at ``N·(-lowest offset)``;
    zeroed when the view has gaps), copies the lanes in (``zymase.fwd.lanes_in``, a loop
    nest over the array's dimensions) and seeds a stack "MemInfo" for it (refcount 2^40, so
    no decref frees it; data word at ``N·24``).  Every ``ret``, exception paths included,
    copies the lanes back out (``lanes_out``) when the function may write the array (stores,
    memset/memcpy into it, unknown calls, or its pointer escapes) and frees the buffer;
  - strided lanes, in place: when every use is a float load or store at a loop depth of
    at most ``max(1, ndim)`` (streaming: each tangent is touched about once, so a copy
    would only add memory traffic), no pointer is loaded through it or escapes, and no
    phi/select mixes it with other pointers, its shadow pointers point into ``dx[0]`` with
    the primal's offsets and lane k is at ``+k·dx.strides[0]`` (N scalar loads/stores per
    access).  Such pointers are the one exception to the ``N·o`` rule; the exception is
    static (``lane_offsets`` maps each of them, known before any shadow is emitted) and
    never meets an interleaved pointer (no phi, select, store or call mixes them).
  Everything else (buffers, allocations, allocas, the return slot) is accessed with one
  contiguous ``<N x T>`` load/store per primal access, so LLVM keeps tangents in registers
  and vectorises freely where lanes of pointers needed gathers/scatters.

* Lanes of pointers.  A shadow pointer is an ``<N x ptr>`` (lane k points into shadow k,
  e.g. ``dx[k]``); shadow loads/stores are masked gathers/scatters and every allocation,
  copy and refcount is done once per lane.  Used when the interleaved layout cannot express
  the function, which is decided before anything is built (``choose_layout``): a shadow
  pointer of unknown extent (the C ABI's ``double *dx``), a custom rule called with arrays,
  vector GEPs, a Dual array of non-float dtype, BLAS/LAPACK calls, active structs
  (``interleave_obstacle`` lists them; ``DerivResult.layout_reason`` says which).  An error in
  the chosen layout is an error: no second attempt.  ``LAYOUT = "lanes"`` forces it.

A float result's N tangents come back as a 1-D array of N; an array result's as one
C-contiguous array of shape ``(N,) + shape`` (interleaved: de-interleaved from the returned
shadow array; lanes: the N lane arrays copied and released).  Both are built on the success
path only (on an exception the caller never sees the return slot).

Width 1 uses neither: a shadow pointer is a ``ptr`` into memory laid out exactly like the
primal's, and the user's tangent arrays are used in place.

Invariant: the primal instructions are untouched; shadows only read primal values.  Any
instruction that could carry a derivative and has no rule raises ``UnsupportedError`` with
its source line.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from ..activities import Dual, DualOnly
from ..errors import unsupported
from ..ir.builder import Builder
from ..ir.types import (I32, I64, I8, PTR, VOID, ArrayType, FunctionType, StructType, Type,
                        VectorType, alloc_size, contains_float, contains_pointer, member_offset,
                        store_size)
from ..ir.values import (Argument, Constant, Function, Instruction, Module, Value, const_int,
                         undef, zero)
from ..llvm.jit import value_type
from ..rules import table
from ..rules.linalg import blas, lapack
from . import callees
from ..rules.calls import Kind, classify_call
from ..rules.emit import active_partials, partials, scaled
from ..analysis.activity import analyse_activity
from ..analysis.loops import reverse_postorder
from .custom_calls import call_site, emit_rule_call
from ..custom import lookup_call
from .signature import ArrayInput, DerivResult, DerivSignature, FloatInput, PointerInput
from .shadows import NoInterleave, ShadowBuilder, align_of, byte_offsets, describe
from .skeleton import Skeleton


# Stack "MemInfo" of a Dual array argument's interleaved tangent buffer: a reference count no
# incref/decref pair can bring to zero (the buffer is freed by the derivative, not by NRT).
_STUB_REFCOUNT = 1 << 40
_MI_DATA = table.MEMINFO_DATA_OFFSET  # byte offset of ``data`` in an NRT MemInfo


def _hdr(width: int) -> int:
    """Bytes an interleaved shadow NRT allocation reserves in front of its data: room for the
    data word at ``width·24`` past the MemInfo (whose header is 48 bytes), 64-byte granular
    so the data keeps the allocation's alignment."""
    return -(-(width * _MI_DATA + 8) // 64) * 64


class ForwardTransform:
    def __init__(self, module: Module, primal: Function, sig: DerivSignature, name: str,
                 layout: str):
        self.module, self.primal, self.sig, self.name = module, primal, sig, name
        self.ret_act, self.width = sig.ret_activity, sig.width
        self.ret = sig.ret
        self.interleaved = layout == "interleaved"
        self.own: List[Value] = []        # the transform's own entry-block values (never active)
        self.buffers: List[dict] = []     # interleaved tangent buffers of Dual array arguments
        self.rets: List[Instruction] = []
        # primal pointers into Dual arrays read in place (strided lanes) → the N lane offsets
        self.lane_offsets: Dict[Value, List[Value]] = {}
        self._loops = None

    # -- step 1: the function and its seeds ------------------------------------------------
    def build(self):
        module, sig = self.module, self.sig
        sk = self.skeleton = Skeleton(module, self.primal, sig, self.name)
        self.fn, self.excinfo = sk.fn, sk.excinfo
        self.prim_slot, self.slot_t = sk.prim_slot, sk.slot_t
        fn, b, slot_t = sk.fn, sk.entry_builder, sk.slot_t
        self.has_ret = self.ret.has_value
        # seeds
        seeds: Dict[Value, Value] = {}
        w = self.width
        for inp in sig.inputs:
            if isinstance(inp, FloatInput):
                if inp.tangent is not None:
                    seeds[sk.param(inp.param)] = sk.lanes(b, inp.tangent)
            elif isinstance(inp, ArrayInput) and self.interleaved:
                self._seed_interleaved(b, inp, seeds)
            else:
                for ptr in inp.pointers(w) if isinstance(inp, ArrayInput) else [inp]:
                    seeds[sk.param(ptr.param)] = sk.lanes(b, ptr.shadow)
        self.ret_shadow = None
        if self.has_ret and self.ret_act in (Dual, DualOnly):
            if w > 1 and not (slot_t.is_float or self._wide_array_return()):
                raise unsupported(f"a batched forward derivative of a function returning "
                                  f"{self.ret.describe}", help="use width=1, or return a float "
                                  "or a C-contiguous array")
            if self.interleaved:
                self.ret_shadow = b.alloca(ArrayType(w, slot_t), "zy.ret.tangent")
                b.memset(self.ret_shadow, 0, const_int(I64, w * alloc_size(slot_t)))
                seeds[self.prim_slot] = self.ret_shadow
            else:
                self.ret_shadow = [b.alloca(slot_t, "zy.ret.tangent") for _ in range(w)]
                for a in self.ret_shadow:
                    b.store(zero(slot_t), a)
                seeds[self.prim_slot] = ShadowBuilder(module, fn, w, None).gather_lanes(
                    b, self.ret_shadow)
        self.seeds = seeds
        self.entry_builder = b

    def _seed_interleaved(self, b: Builder, inp: ArrayInput, seeds):
        """Width N, interleaved layout: a Dual array's tangent lanes are copied into a buffer
        laid out as N times the primal view; its data pointer, a stack MemInfo for it and a
        null parent are the shadows of the array's leaves (see the module docstring)."""
        fn, w = self.fn, self.width
        P = self.skeleton.param
        ft = inp.primal.dtype
        isz = store_size(ft)
        pa, sa = inp.primal, inp.shadow
        mi, parent, nitems, data, shapes, strides = pa.meminfo, pa.parent, pa.nitems, pa.data, \
            pa.shapes, pa.strides
        smi, sparent, sdata, sstrides = sa.meminfo, sa.parent, sa.data, sa.strides
        derived, writes, in_place = self._classify_array([P(data), P(mi), P(parent)], len(shapes))
        if in_place:
            # strided lanes: dx read (and written) in place, lane k at +k·dx.strides[0]
            # (dx[k] has x's strides: the shadow checks guarantee it)
            s0 = fn.args[sstrides[0]]
            offs = [const_int(I64, 0)] + [b.mul(s0, const_int(I64, k)) for k in range(1, w)]
            for v in derived:
                self.lane_offsets[v] = offs
            seeds[P(data)] = fn.args[sdata]
            seeds[P(mi)] = fn.args[smi]
            seeds[P(parent)] = fn.args[sparent]
            return
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
        stub = b.alloca(ArrayType(w * _MI_DATA + 8, I8), "zy.stub.meminfo")  # entry block
        b.store(const_int(I64, _STUB_REFCOUNT), stub, 8)
        b.store(Constant(PTR, "null"), b.gep(I8, stub, [const_int(I64, 8)]), 8)
        b.store(Constant(PTR, "null"), b.gep(I8, stub, [const_int(I64, 16)]), 8)
        b.store(base, b.gep(I8, stub, [const_int(I64, w * _MI_DATA)]), 8)
        dims = [P(k) for k in shapes] + [P(k) for k in strides] + [fn.args[k] for k in sstrides]
        b.call(self._lanes_helper(True, ft, len(shapes)),
               FunctionType(VOID, (PTR, PTR) + (I64,) * len(dims)), [base, fn.args[sdata]] + dims)
        self.own += [buf, base, stub]
        self.buffers.append(dict(ft=ft, nd=len(shapes), buf=buf, base=base, dx=fn.args[sdata],
                                 dims=dims, out=writes))
        seeds[P(data)] = base
        seeds[P(mi)] = stub
        seeds[P(parent)] = Constant(PTR, "null")

    def _lanes_helper(self, into: bool, ft: Type, nd: int) -> str:
        """``zymase.fwd.lanes_{in,out}.<T>.w<N>.d<nd>(ptr buf, ptr dx, i64 shape[nd],
        i64 stride[nd], i64 dx_stride[nd + 1])``: copy the N lanes of a tangent array ``dx``
        (shape ``(N,) + shape``, any strides) into (or out of) the interleaved buffer whose
        element at primal byte offset ``o`` is the ``<N x T>`` at ``buf + N·o``."""
        from ..ir.builder import type_suffix
        w = self.width
        name = f"zymase.fwd.lanes_{'in' if into else 'out'}.{type_suffix(ft)}.w{w}.d{nd}"
        if name in self.module.functions:
            return name
        args = [Argument(PTR, "buf"), Argument(PTR, "dx")] + \
            [Argument(I64, f"n{d}") for d in range(nd)] + \
            [Argument(I64, f"s{d}") for d in range(nd)] + \
            [Argument(I64, f"t{d}") for d in range(nd + 1)]
        f = Function(name, VOID, args)
        f.linkage = "internal"
        self.module.add_function(f)
        buf, dx = args[0], args[1]
        ns, ss, ts = args[2:2 + nd], args[2 + nd:2 + 2 * nd], args[2 + 2 * nd:]
        b = Builder(self.module, f.add_block("entry"))
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

        _loop_nest(self.module, f, b, list(ns), body).ret()
        return name

    def _classify_array(self, roots: List[Value], ndim: int = 1):
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
        buffer's vector accesses)."""
        users = self.fn.users()
        if self._loops is None:
            from ..analysis.loops import analyse_loops
            self._loops = analyse_loops(self.fn)
        loop_of = self._loops.loop_of

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

    # -- steps 2-4 -----------------------------------------------------------------------
    def run(self):
        self.build()
        fn, w = self.fn, self.width
        # without a wanted tangent of the result (None return, Const return) the primal's
        # return slot is scratch memory: its stores carry nothing (it gets no shadow)
        act = analyse_activity(fn, self.seeds.keys(), inactive=[self.prim_slot] + self.own)
        self.activity = act
        sb = ShadowBuilder(self.module, fn, w, act, self.interleaved)
        sb.shadow.update(self.seeds)
        self.sb = sb
        blocks = reverse_postorder(fn)[1:]  # defs before uses (phi back edges aside)
        snapshot = {blk: list(blk.instructions) for blk in blocks}
        phis = []
        for blk in blocks:
            for inst in snapshot[blk]:
                if inst in act.active or inst.opcode in ("store", "call", "ret") or inst.template:
                    self.visit(inst, sb, phis)
        sb.fill_phis(phis)
        # every return (exception paths too): tangents the function may have written go back
        # to the caller's arrays, and the interleaved buffers are freed
        for ret in self.rets:
            bb = Builder(self.module, loc=ret.loc).before(ret)
            for bf in self.buffers:
                if bf["out"]:
                    bb.call(self._lanes_helper(False, bf["ft"], bf["nd"]),
                            FunctionType(VOID, (PTR, PTR) + (I64,) * len(bf["dims"])),
                            [bf["base"], bf["dx"]] + bf["dims"])
                bb.call("free", FunctionType(VOID, (PTR,)), [bf["buf"]])
        return fn

    def visit(self, i: Instruction, sb: ShadowBuilder, phis):
        op = i.opcode
        active = i in self.activity.active
        b = Builder(self.module, loc=i.loc).after(i)
        if op == "phi":
            if active:
                sb.phi(b, i, phis)
            return
        if op == "ret":
            self.rets.append(self.emit_return(i, sb))
            return
        if op == "store":
            v, p = i.operands
            offs = self.lane_offsets.get(p)
            if offs is not None:
                # strided lanes in the caller's array: lane k at +k·dx.strides[0]
                sv, sp = sb.sh(v, b), sb.sh(p, b)
                for k, off in enumerate(offs):
                    b.store(b.extractelement(sv, k), b.gep(I8, sp, [off]) if k else sp, align_of(i))
                return
            if p in self.activity.active:
                if not (contains_float(v.type) or contains_pointer(v.type) or v.type.is_int
                        or isinstance(v.type, (StructType, ArrayType))):
                    return
                sb.store(b, sb.sh(v, b), sb.sh(p, b), align_of(i))
            elif v in self.activity.active and contains_float(v.type) and p is not self.prim_slot:
                # the tangent would be lost, and a later read of this memory would see none
                raise unsupported("a store of a value that carries a derivative into memory "
                                  "that has no shadow", i.loc,
                                  help="mark the array written here Dual (or DualOnly) "
                                       "instead of Const")
            return
        if op == "call":
            self.visit_call(i, b, sb, active)
            return
        if i.template is not None:
            if op == "atomicrmw" and i.operands and i.operands[0] in self.activity.active:
                # refcounts: the interleaved shadow MemInfo keeps its count at N·0 = 0
                if self.width == 1 or (self.interleaved and i.type.is_int):
                    c = i.clone()
                    c.name = None
                    c.operands = [sb.sh(i.operands[0], b)] + [o for o in i.operands[1:]]
                    b.emit(c)
                return
            if active:
                raise unsupported(describe(i), i.loc)
            return
        if not active:
            return
        t = i.type
        if op in table.INSTRUCTIONS:
            rule = table.INSTRUCTIONS[op]
            sb.shadow[i] = self.combine(b, sb, rule, i, i.operands)
        elif op in ("fpext", "fptrunc"):
            sb.shadow[i] = b.cast(op, sb.sh(i.operands[0], b), sb.stype(t))
        elif op in ("select", "extractvalue", "insertvalue"):
            sb.shadow[i] = sb.same_op(b, i)
        elif op == "getelementptr":
            if sb.interleaved and i not in self.lane_offsets:
                sb.shadow[i] = sb.gep(b, i, sb.sh(i.operands[0], b))
            else:   # strided lanes in place keep the primal's offsets
                sb.shadow[i] = sb.same_op(b, i)
        elif op == "load":
            sp = sb.sh(i.operands[0], b)
            offs = self.lane_offsets.get(i.operands[0])
            if offs is not None and t.is_float and not isinstance(t, VectorType):
                vec: Value = undef(sb.stype(t))
                for k, off in enumerate(offs):
                    lane = b.load(t, b.gep(I8, sp, [off]) if k else sp, align_of(i))
                    vec = b.insertelement(vec, lane, k)
                sb.shadow[i] = vec
            else:
                sb.shadow[i] = sb.load(b, t, sp, align_of(i))
        elif op == "alloca":
            sb.shadow[i] = self.shadow_alloca(b, sb, i)
        elif op in ("bitcast", "addrspacecast", "freeze"):
            sb.shadow[i] = b.cast(op, sb.sh(i.operands[0], b), sb.stype(t)) if op != "freeze" \
                else sb.sh(i.operands[0], b)
        else:
            raise unsupported(describe(i), i.loc)

    def combine(self, b: Builder, sb: ShadowBuilder, rule, i: Instruction, ops) -> Value:
        """Σ_k partial_k · shadow(op_k) over the active operands."""
        acc: Optional[Value] = None
        todo = active_partials(rule, ops, self.activity.active)
        # the partials first (the ones "1"/"-1" need no code), then the products
        wanted = {k: e for k, _, e in todo if e not in ("1", "-1")}
        vals = partials(b, [wanted.get(k) for k in range(len(rule.partials))], ops, i,
                        sb.helpers)
        for k, o, e in todo:
            if e == "0":
                continue
            term = scaled(b, e, sb.sh(o, b), lambda: vals[k], rule.checked[k], self.width)
            acc = term if acc is None else b.fadd(acc, term)
        if acc is None:
            return Constant(sb.stype(i.type), "zeroinitializer") if self.width > 1 else zero(i.type)
        return acc

    def shadow_alloca(self, b: Builder, sb: ShadowBuilder, i: Instruction) -> Value:
        t = i.src_type
        if sb.interleaved:
            # N times the bytes, zeroed where the primal slot is created
            at = ArrayType(self.width, t)
            count = i.operands[0] if i.operands else None
            if count is None:
                a = Builder(self.module).before(self.fn.entry.instructions[0]).alloca(at)
                n: Value = const_int(I64, alloc_size(at))
            else:
                a = b.alloca(at, count=count)
                n = b.mul(b.cast("sext", count, I64) if count.type != I64 else count,
                          const_int(I64, alloc_size(at)))
            a.tail = f", align {max(16, align_of(i) or 1)}"
            b.memset(a, 0, n)
            return a
        return sb.zeroed_allocas(b, i)

    def visit_call(self, i: Instruction, b: Builder, sb: ShadowBuilder, active: bool):
        name = i.callee_name or ""
        ops = i.operands
        any_active_op = any(o in self.activity.active for o in ops)
        kind = classify_call(i, self.module)
        if kind is Kind.CUSTOM:
            self.custom_call(i, lookup_call(i), b, sb)
            return
        if kind is Kind.CALLEE:
            self.recursive_call(i, callees.defined_callee(self.module, i), b, sb)
            return
        if kind in (Kind.LAPACK, Kind.BLAS_MATRIX, Kind.BLAS_VECTOR):
            if sb.interleaved:
                raise NoInterleave(f"a BLAS/LAPACK call ({name})")
            (self.lapack_call if kind is Kind.LAPACK else self.blas_call)(i, b, sb)
            return
        if sb.interleaved:
            if self.visit_call_interleaved(i, name, kind, b, sb, active):
                return
        elif kind is Kind.ALLOCATOR:
            if active:
                sb.shadow[i] = sb.gather_lanes(b, [sb.zeroed_allocation(b, i, meminfo=True)
                                                   for _ in range(self.width)])
            return
        if kind is Kind.C_MALLOC:
            if active:
                sb.shadow[i] = sb.gather_lanes(b, [sb.zeroed_allocation(b, i, meminfo=False)
                                                   for _ in range(self.width)])
            return
        if kind is Kind.C_REALLOC:
            if active:
                sb.shadow[i] = sb.gather_lanes(b, [b.call(name, i.fnty, [lane, ops[1]])
                                                   for lane in sb.lanes(b, sb.sh(ops[0], b))])
            return
        if kind in (Kind.C_FREE, Kind.REFCOUNT, Kind.DEALLOCATOR):
            if ops[0] in self.activity.active:
                for lane in sb.lanes(b, sb.sh(ops[0], b)):
                    b.call(name, i.fnty, [lane])
            return
        if kind is Kind.MEMINFO_DATA:
            if active:
                sb.shadow[i] = sb.same_op(b, i)
            return
        if kind is Kind.MEMSET:
            if ops[0] in self.activity.active:
                for lane in sb.lanes(b, sb.sh(ops[0], b)):
                    b.memset(lane, 0, ops[2])
            return
        if kind is Kind.MEMCPY:
            dst, src = ops[0], ops[1]
            if dst in self.activity.active:
                dl = sb.lanes(b, sb.sh(dst, b))
                if src in self.activity.active:
                    for d, s in zip(dl, sb.lanes(b, sb.sh(src, b))):
                        b.call(name, i.fnty, [d, s, ops[2], ops[3]])
                else:
                    for d in dl:
                        b.memset(d, 0, ops[2])
            return
        if kind is Kind.INACTIVE:
            return
        rule = table.lookup(name) if kind is Kind.MATH else None
        if rule is not None and i.type.is_float:
            if active:
                sb.shadow[i] = self.combine(b, sb, rule, i, ops)
            return
        if active or any_active_op and (contains_float(i.type) or any(
                contains_float(o.type) or o.type.is_pointer for o in ops if o in self.activity.active)):
            raise unsupported(describe(i), i.loc,
                              help="give the callee a custom derivative or mark it inactive "
                                   "with zymase.inactive")

    def lapack_call(self, i: Instruction, b: Builder, sb: ShadowBuilder):
        """``np.linalg`` calls (transforms/lapack.py): the call stays and computes the primal;
        the rule maps each lane's tangent in the shadows of its memory before the call to
        the tangent after it."""
        act = self.activity.active
        c = lapack.parse(i, act)
        if c is None:
            return
        on = [p in act for p in c.ptrs()]
        if not lapack.has_work(c, on, i):
            return
        b.after(i)  # the rule's code goes before and after the call
        lanes = [sb.lanes(b, sb.sh(p, b)) if ok else [None] * self.width
                 for p, ok in zip(c.ptrs(), on)]
        lapack.forward(i, b, self.entry_builder, c, [list(x) for x in zip(*lanes)])

    def blas_call(self, i: Instruction, b: Builder, sb: ShadowBuilder):
        """``np.dot`` / ``np.linalg.norm`` of vectors (transforms/blas.py): the call stays and
        computes the primal; each lane's tangent goes to the shadow of the result slot."""
        act = self.activity.active
        if classify_call(i) is Kind.BLAS_MATRIX:
            c = blas.parse_matrix(i)
            on = [p in act for p in blas.matrix_inputs(c)]
            if not any(on) or c.c not in act:
                return
            ins = [sb.lanes(b, sb.sh(p, b)) if ok else [None] * self.width
                   for p, ok in zip(blas.matrix_inputs(c), on)]
            outs = sb.lanes(b, sb.sh(c.c, b))
            for k in range(self.width):
                blas.matrix_tangent(b, self.entry_builder, c, ins[0][k], ins[1][k], outs[k])
            return
        c = blas.parse(i)
        on = [p in act for p, _ in c.vecs]
        if not any(on) or c.out not in act:
            return
        lanes = [sb.lanes(b, sb.sh(p, b)) if ok else [None] * self.width
                 for (p, _), ok in zip(c.vecs, on)]
        result = b.load(c.t, c.out) if c.name == blas.NRM2 else None
        outs = sb.lanes(b, sb.sh(c.out, b))
        for k in range(self.width):
            b.store(blas.tangent(b, c, [ln[k] for ln in lanes], result), outs[k])

    def visit_call_interleaved(self, i: Instruction, name: str, kind: Kind, b: Builder,
                               sb: ShadowBuilder, active: bool) -> bool:
        """Memory calls in the interleaved layout (sizes times N, one call on the one shadow
        pointer).  Returns False for calls it does not handle (rules, inactive calls, …)."""
        ops, w, act = i.operands, self.width, self.activity.active

        def times_w(n: Value) -> Value:
            """``n`` (an integer length) times N, as i64."""
            if isinstance(n, Constant):
                return const_int(I64, int(n.text) * w)
            if n.type != I64:
                n = b.cast("zext", n, I64)
            return b.mul(n, const_int(I64, w))

        if kind is Kind.ALLOCATOR:
            if active:
                # a real MemInfo; the shadow data starts HDR bytes into its data block and
                # is also stored at N·24, where the shadow GEP of ``mi->data`` reads it
                hdr = const_int(I64, _hdr(w))
                c = i.clone()
                c.name = None
                c.operands = [b.add(times_w(ops[0]), hdr)] + list(ops[1:])
                b.emit(c)
                data = b.load(PTR, b.gep(I8, c, [const_int(I64, _MI_DATA)]), 8)
                sdata = b.gep(I8, data, [hdr])
                b.store(sdata, b.gep(I8, c, [const_int(I64, w * _MI_DATA)]), 8)
                b.memset(sdata, 0, times_w(ops[0]))
                sb.shadow[i] = c
            return True
        if kind is Kind.C_MALLOC:
            if active:
                n = times_w(ops[0])
                c = b.call(name, i.fnty, [n if ops[0].type == I64 else b.cast("trunc", n, ops[0].type)])
                b.memset(c, 0, n)
                sb.shadow[i] = c
            return True
        if kind is Kind.C_REALLOC:
            if active:
                n = times_w(ops[1])
                sb.shadow[i] = b.call(name, i.fnty, [sb.sh(ops[0], b),
                                                     n if ops[1].type == I64 else b.cast("trunc", n, ops[1].type)])
            return True
        if kind in (Kind.C_FREE, Kind.REFCOUNT, Kind.DEALLOCATOR):
            if ops[0] in act:
                b.call(name, i.fnty, [sb.sh(ops[0], b)])
            return True
        if kind is Kind.MEMINFO_DATA:
            if active:
                sb.shadow[i] = b.load(PTR, b.gep(I8, sb.sh(ops[0], b),
                                                 [const_int(I64, w * _MI_DATA)]), 8)
            return True
        if kind is Kind.MEMSET:
            if ops[0] in act:
                b.memset(sb.sh(ops[0], b), 0, times_w(ops[2]))
            return True
        if kind is Kind.MEMCPY:
            dst, src = ops[0], ops[1]
            if dst in act:
                n = times_w(ops[2])
                if src in act:
                    b.call(name, i.fnty, [sb.sh(dst, b), sb.sh(src, b),
                                          n if ops[2].type == I64 else b.cast("trunc", n, ops[2].type),
                                          ops[3]])
                else:
                    b.memset(sb.sh(dst, b), 0, n)
            return True
        return False

    def custom_call(self, i: Instruction, cf, b: Builder, sb: ShadowBuilder):
        """A call with a user rule: tangent from ``jvp(primals, tangents)``; inactive
        functions give a zero tangent."""
        site = call_site(cf, i)
        act = self.activity.active
        w = self.width
        rp = site.retptr
        if sb.interleaved:
            if any(a.type.is_pointer for a in site.args):
                raise NoInterleave(f"a custom rule of `{cf.name}` called with arrays")
            if rp is not None:
                _float_fields(value_type(site.restype))  # refuses results holding pointers
        if cf.inactive or not any(a in act for a in site.args):
            if rp is not None and rp in act:
                vt = value_type(site.restype)
                if sb.interleaved:
                    b.memset(sb.sh(rp, b), 0, const_int(I64, w * alloc_size(vt)))
                    return
                for lane in sb.lanes(b, sb.sh(rp, b)):
                    b.store(zero(vt), lane)
            return
        entry = Builder(self.module).before(self.fn.entry.instructions[0])
        exc = site.excinfo if site.excinfo is not None else self.excinfo
        ydots = []
        for k in range(w):
            tangents = []
            for a in site.args:
                if a.type.is_float or a.type.is_pointer:
                    s_ = sb.sh(a, b)
                    tangents.append(b.extractelement(s_, k) if w > 1 else s_)
                else:
                    tangents.append(a)
            res = emit_rule_call(self.module, b, entry, site, "jvp", site.argtypes * 2,
                                 site.args + tangents, exc)
            ydots.append(b.extractvalue(res, [1]))
        if rp is not None:
            self._store_result_tangents(b, sb, rp, value_type(site.restype), ydots)
        else:
            sb.shadow[i] = sb.gather_lanes(b, ydots)

    def _store_result_tangents(self, b: Builder, sb: ShadowBuilder, rp: Value, vt: Type,
                               ydots: List[Value]):
        """A callee's result tangents (one per lane) into the shadow of its return slot."""
        if rp not in self.activity.active:
            return
        if sb.interleaved:
            # each float field at offset o: its N lanes at N·o (integers are not mirrored)
            sp = sb.sh(rp, b)
            for path, off in _float_fields(vt):
                lanes = [b.extractvalue(yd, path) if path else yd for yd in ydots]
                b.store(sb.gather_lanes(b, lanes),
                        b.gep(I8, sp, [const_int(I64, self.width * off)]))
        else:
            for lane, yd in zip(sb.lanes(b, sb.sh(rp, b)), ydots):
                b.store(yd, lane)

    def recursive_call(self, i: Instruction, callee: Function, b: Builder, sb: ShadowBuilder):
        """A call of a function defined in the module (recursion, callees.py): replaced by a
        call of the callee's forward derivative, which writes the primal result where the
        call did and the tangent into the return slot's shadow (lanes 1..N-1 call it again)."""
        rt = callees.check_callee(callee, i.loc)
        mask = callees.active_mask(i, self.activity.active)
        rp, exc = i.operands[0], i.operands[1]
        if rt is None or not any(mask):
            if rt is not None:
                self._store_result_tangents(b, sb, rp, rt, [zero(rt)] * self.width)
            return
        dname, dsig = callees.derivative(self.module, callee, mask, rt)
        entry = Builder(self.module).before(self.fn.entry.instructions[0])
        out_t = StructType((rt, rt))
        out = entry.alloca(out_t)
        args = callees.call_args(i)
        active_args = [a for a, on in zip(args, mask) if on]
        ydots, status = [], None
        for k in range(self.width):
            tangents = [b.extractelement(sb.sh(a, b), k) if self.width > 1 else sb.sh(a, b)
                        for a in active_args]
            st = b.call(dname, callees.call_type(dsig), [out, exc] + args + tangents)
            res = b.load(out_t, out)
            if k == 0:
                status = st
                b.store(b.extractvalue(res, [0]), rp)
            ydots.append(b.extractvalue(res, [1]))
        self._store_result_tangents(b, sb, rp, rt, ydots)
        self.fn.replace_all_uses(i, status)
        i.erase()

    # -- step 5 --------------------------------------------------------------------------
    def _wide_array_return(self) -> bool:
        """Width > 1 and the function returns a C-contiguous array (its tangent comes back as
        one array with a leading lane axis, see ``wide_array_tangent``)."""
        r = self.ret
        return self.width > 1 and r.kind == "array" and r.contiguous and r.array.dtype is not None

    def emit_return(self, ret: Instruction, sb: ShadowBuilder) -> Instruction:
        """Hand back the outputs at primal return ``ret``; returns the derivative's return
        there (``ret`` itself when the results go through a slot)."""
        b = Builder(self.module, loc=ret.loc).before(ret)
        sk = self.skeleton
        outs = self.sig.results.outputs
        if not outs and self.sig.results.slot is not None:
            return ret
        kinds = [o.kind for o in outs]
        wide_array = "tangent" in kinds and self._wide_array_return()
        split = "tangent" in kinds and self.width > 1 and self.ret.status
        if split:
            # Width N returns its tangents in a fresh array, built only on the success path:
            # on an exception the caller ignores the return slot (it would leak), the slots
            # hold no arrays and shapes may be garbage.
            blk = ret.block
            copy = self.fn.add_block(None, after=blk)
            done = self.fn.add_block(None, after=copy)
            ret.erase()
            done.append(ret)
            b = Builder(self.module, blk, loc=ret.loc)
            b.cbr(b.icmp("eq", ret.operands[0], const_int(I32, 0)), copy, done)
            b = Builder(self.module, copy, loc=ret.loc)
        vals = []
        for out in outs:
            if out.kind == "primal":
                vals.append(b.load(self.slot_t, self.prim_slot))
            elif wide_array and self.interleaved:
                vals.append(self.wide_array_tangent_interleaved(b, out.type))
            elif wide_array:
                vals.append(self.wide_array_tangent(b, out.type))
            elif self.interleaved:
                vals.append(sk.pack(b, out, b.load(VectorType(self.width, self.slot_t),
                                                   self.ret_shadow)))
            else:
                lanes = [b.load(self.slot_t, a) for a in self.ret_shadow]
                tv = lanes[0]
                if self.width > 1:
                    tv = sk.pack(b, out, ShadowBuilder(self.module, self.fn, self.width,
                                                       None).gather_lanes(b, lanes))
                vals.append(tv)
        ret = sk.return_results(b, vals, ret)
        if split:
            b.br(done)
        return ret

    def wide_array_tangent(self, b: Builder, out_t: Type) -> Value:
        """Width N, array return: copy lane k's tangent array into ``out[k]`` of a fresh
        C-contiguous array of shape ``(N,) + shape`` and release the lane arrays.

        Lane k's shadow array shares the primal's shape and strides (integers in shadow
        aggregates are the primal's; batched shadow stores skip them), so its data is
        ``nitems * itemsize`` contiguous bytes; its MemInfo carries the one reference the
        returned primal carries (refcounts are mirrored), which we drop after the copy.
        """
        w, nd = self.width, self.ret.array.ndim
        prim = b.load(self.slot_t, self.prim_slot)
        nitems = b.extractvalue(prim, [2])
        itemsize = b.extractvalue(prim, [3])
        shapes = [b.extractvalue(prim, [5, d]) for d in range(nd)]
        lane_bytes = b.mul(nitems, itemsize)
        mi = b.call("NRT_MemInfo_alloc_aligned", FunctionType(PTR, (I64, I32)),
                    [b.mul(lane_bytes, const_int(I64, w)), const_int(I32, 32)])
        data = b.load(PTR, b.gep(I8, mi, [const_int(I64, table.MEMINFO_DATA_OFFSET)]), 8)
        release = self._release_helper()
        for k, slot in enumerate(self.ret_shadow):
            lane = b.load(self.slot_t, slot)
            dst = b.gep(I8, data, [b.mul(lane_bytes, const_int(I64, k))])
            b.memcpy(dst, b.extractvalue(lane, [4]), lane_bytes)
            b.call(release, FunctionType(VOID, (PTR,)), [b.extractvalue(lane, [0])])
        return self._lane_array(b, out_t, mi, data, nitems, itemsize, shapes)

    def _lane_array(self, b: Builder, at: Type, mi, data, nitems, itemsize, shapes) -> Value:
        """The Numba struct (of type ``at``) of a fresh C-contiguous array of shape ``(N,) +
        shapes`` whose MemInfo and data are ``mi``/``data`` (the N lane tangents of an array
        result)."""
        w, nd = self.width, self.ret.array.ndim
        agg: Value = undef(at)
        for k, v in enumerate([mi, Constant(PTR, "null"), b.mul(nitems, const_int(I64, w)),
                               itemsize, data]):
            agg = b.insertvalue(agg, v, [k])
        dims = [const_int(I64, w)] + shapes
        strides = [itemsize]
        for d in range(nd, 0, -1):
            strides.insert(0, b.mul(strides[0], dims[d]))
        for d in range(nd + 1):
            agg = b.insertvalue(agg, dims[d], [5, d])
            agg = b.insertvalue(agg, strides[d], [6, d])
        return agg

    def wide_array_tangent_interleaved(self, b: Builder, out_t: Type) -> Value:
        """Width N, interleaved layout, array return: de-interleave the returned shadow
        array's data (element j's lanes are the ``<N x T>`` at ``N·j·itemsize``: the primal is
        C-contiguous) into ``out[k, …]`` of a fresh C-contiguous array of shape ``(N,) +
        shape``, and drop the reference the shadow array carries (refcounts are mirrored)."""
        w, nd = self.width, self.ret.array.ndim
        st = self.slot_t
        prim = b.load(st, self.prim_slot)
        nitems = b.extractvalue(prim, [2])
        itemsize = b.extractvalue(prim, [3])
        shapes = [b.extractvalue(prim, [5, d]) for d in range(nd)]
        smi = b.load(PTR, b.gep(I8, self.ret_shadow, [const_int(I64, w * member_offset(st, 0))]), 8)
        sdata = b.load(PTR, b.gep(I8, self.ret_shadow, [const_int(I64, w * member_offset(st, 4))]), 8)
        lane_bytes = b.mul(nitems, itemsize)
        mi = b.call("NRT_MemInfo_alloc_aligned", FunctionType(PTR, (I64, I32)),
                    [b.mul(lane_bytes, const_int(I64, w)), const_int(I32, 32)])
        data = b.load(PTR, b.gep(I8, mi, [const_int(I64, table.MEMINFO_DATA_OFFSET)]), 8)
        b.call(self._deinterleave_helper(self.ret.array.dtype), FunctionType(VOID, (PTR, PTR, I64)),
               [data, sdata, nitems])
        b.call(self._release_helper(), FunctionType(VOID, (PTR,)), [smi])
        return self._lane_array(b, out_t, mi, data, nitems, itemsize, shapes)

    def _deinterleave_helper(self, ft: Type) -> str:
        """``zymase.fwd.deinterleave.<T>.w<N>(ptr out, ptr src, i64 n)``: ``out[k·n + j] =``
        lane k of the ``<N x T>`` at ``src + N·j·sizeof(T)``."""
        from ..ir.builder import type_suffix
        w = self.width
        name = f"zymase.fwd.deinterleave.{type_suffix(ft)}.w{w}"
        if name in self.module.functions:
            return name
        out, src, n = Argument(PTR, "out"), Argument(PTR, "src"), Argument(I64, "n")
        f = Function(name, VOID, [out, src, n])
        f.linkage = "internal"
        self.module.add_function(f)
        isz = store_size(ft)
        vt = VectorType(w, ft)
        b = Builder(self.module, f.add_block("entry"))
        lanes = [b.gep(ft, out, [b.mul(n, const_int(I64, k))]) for k in range(w)]

        def body(bb: Builder, idx):
            j = idx[0]
            vec = bb.load(vt, bb.gep(ArrayType(w, ft), src, [j]), isz)
            for k, lp in enumerate(lanes):
                bb.store(bb.extractelement(vec, k), bb.gep(ft, lp, [j]), isz)

        _loop_nest(self.module, f, b, [n], body).ret()
        return name

    def _release_helper(self) -> str:
        """``zymase.meminfo_release(ptr)``: drop one reference of a MemInfo (null-safe)."""
        name = "zymase.meminfo_release"
        if name in self.module.functions:
            return name
        mi = Argument(PTR, "mi")
        f = Function(name, VOID, [mi])
        f.linkage = "internal"
        self.module.add_function(f)
        entry, rel, done = f.add_block("entry"), f.add_block("release"), f.add_block("done")
        bb = Builder(self.module, entry)
        bb.cbr(bb.icmp("eq", mi, Constant(PTR, "null")), done, rel)
        bb = Builder(self.module, rel)
        bb.call("NRT_MemInfo_release", FunctionType(VOID, (PTR,)), [mi])
        bb.br(done)
        Builder(self.module, done).ret()
        return name


def _float_fields(t: Type, path=(), off=0):
    """[(extractvalue path, byte offset)] of the float leaves of an in-memory type; integers
    are skipped (not mirrored in interleaved shadow memory); pointers are refused."""
    if t.is_float and not isinstance(t, VectorType):
        return [(list(path), off)]
    if t.is_int:
        return []
    if isinstance(t, StructType):
        out = []
        for k, e in enumerate(t.elements):
            out += _float_fields(e, path + (k,), off + member_offset(t, k))
        return out
    if isinstance(t, ArrayType):
        out = []
        for k in range(t.count):
            out += _float_fields(t.element, path + (k,), off + k * alloc_size(t.element))
        return out
    raise NoInterleave(f"a custom rule result of type {t}")


def _loop_nest(module: Module, fn: Function, b: Builder, counts: List[Value], body) -> Builder:
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
    ib = _loop_nest(module, fn, Builder(module, inner), counts[1:],
                    lambda bb, idx: body(bb, [i] + idx))
    nxt = ib.binop("add", i, const_int(I64, 1), flags="nsw")
    ib.br(head)
    i.add_incoming(const_int(I64, 0), pre)
    i.add_incoming(nxt, ib.block)
    return Builder(module, exit_)


# "auto": interleaved at width > 1, lanes of pointers where it cannot be used; "lanes": always
# lanes of pointers (for comparisons and benchmarks).
LAYOUT = "auto"


def choose_layout(primal: Function, sig: DerivSignature) -> Tuple[str, Optional[str]]:
    """The shadow memory layout of a forward derivative, decided before it is built:
    ``scalar`` at width 1, else ``interleaved`` unless something in the signature or the
    function rules it out (``interleave_obstacle``), then ``lanes`` with the reason."""
    if sig.width == 1:
        return "scalar", None
    if LAYOUT == "lanes":
        return "lanes", None
    reason = interleave_obstacle(primal, sig)
    return ("lanes", reason) if reason else ("interleaved", None)


def interleave_obstacle(primal: Function, sig: DerivSignature) -> Optional[str]:
    """Why the interleaved layout cannot express the width-N derivative of ``primal``, or
    None.  From the signature: a shadow pointer without an extent (a C pointer: its buffer
    cannot be laid out N times), a Dual array whose elements are not floats.  From the
    function and its activity: any BLAS/LAPACK call, a custom rule called with pointers or
    returning pointers, an active GEP whose byte offset cannot be scaled (vectors of
    pointers, variable struct indices), an active struct value, a struct stored into
    shadowed memory."""
    for inp in sig.inputs:
        if isinstance(inp, PointerInput):
            return f"a pointer argument `{inp.name}` of unknown extent"
        if isinstance(inp, ArrayInput) and inp.primal.dtype is None:
            return f"a Dual array of {getattr(inp.primal.source, 'dtype', 'non-floats')}"
    seeds: List[Value] = []
    for inp in sig.inputs:
        if isinstance(inp, FloatInput):
            if inp.tangent is not None:
                seeds.append(primal.args[inp.param])
        else:
            seeds += [primal.args[p.param] for p in inp.pointers(sig.width)]
    slot = [primal.args[sig.ret.slot]] if sig.ret.slot is not None else []
    if sig.ret.has_value and sig.ret_activity in (Dual, DualOnly):
        seeds += slot
    act = analyse_activity(primal, seeds, inactive=slot).active
    for blk in reverse_postorder(primal):
        for i in blk.instructions:
            if i.opcode == "call":
                name = i.callee_name or ""
                kind = classify_call(i)
                if kind is Kind.CUSTOM:
                    cf = lookup_call(i)
                    site = call_site(cf, i)
                    if any(a.type.is_pointer for a in site.args):
                        return f"a custom rule of `{cf.name}` called with arrays"
                    if site.retptr is not None:
                        try:
                            _float_fields(value_type(site.restype))
                        except NoInterleave as e:
                            return str(e)
                    continue
                if kind in (Kind.LAPACK, Kind.BLAS_MATRIX, Kind.BLAS_VECTOR):
                    return f"a BLAS/LAPACK call ({name})"
                if name in table.DTOR_ALLOCATORS and i in act:
                    # the destructor reads the members at their primal offsets from the
                    # MemInfo's data: one shadow MemInfo per lane
                    return "an active MemInfo with a destructor (a jitclass instance)"
            if i.opcode == "store" and i.operands[1] in act \
                    and isinstance(i.operands[0].type, StructType):
                return f"a batched store of {i.operands[0].type} into shadow memory"
            if i not in act:
                continue
            if isinstance(i.type, StructType):
                return f"a batched (width {sig.width}) shadow of a value of type {i.type}"
            if i.opcode == "getelementptr":
                try:
                    byte_offsets(i)
                except NoInterleave as e:
                    return str(e)
    return None


def forward_transform(module: Module, primal: Function, sig: DerivSignature,
                      name: str) -> DerivResult:
    """Build ``name``, the forward derivative of ``primal`` described by ``sig``, in
    ``module`` (the primal stays)."""
    layout, reason = choose_layout(primal, sig)
    ft = ForwardTransform(module, primal, sig, name, layout)
    ft.run()
    return DerivResult(ft.fn, sig, ft.activity, layout, reason, None, ft)

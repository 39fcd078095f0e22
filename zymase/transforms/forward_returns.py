"""Forward mode: handing the derivative's outputs back at each primal ``ret`` (step 5).

The primal's result lives in the skeleton's local slot and its tangent in that slot's shadow
(``ret_shadow``: an ``[N x T]`` alloca in the interleaved layout, else one alloca per lane).
At each ``ret`` the outputs (primal and/or tangent) go back as the signature's ``Results``
say: stored through Numba's return slot, or returned (C ABI).

Width N: a float result's N tangents come back as a 1-D array of N; an array result's as one
C-contiguous array of shape ``(N,) + shape`` (interleaved: de-interleaved from the returned
shadow array; lanes: the N lane arrays copied and released).  Both are built on the success
path only: on an exception the caller never sees the return slot (a fresh array would leak),
the slots hold no arrays and shapes may be garbage.  Other results have no width-N tangent
(``wide_array_return`` tells the driver which it can batch).
"""
from __future__ import annotations

from ..ir.builder import Builder, type_suffix
from ..ir.types import I32, I64, I8, PTR, VOID, ArrayType, FunctionType, Type, VectorType, \
    member_offset, store_size
from ..ir.values import Argument, Constant, Function, Instruction, Module, Value, const_int, undef
from ..rules import table
from .forward_arrays import loop_nest
from .shadows import ShadowBuilder
from .signature import DerivSignature
from .skeleton import Skeleton
from .varsize import null_safe_helper


def wide_array_return(sig: DerivSignature) -> bool:
    """Width > 1 and the function returns a C-contiguous array (its tangent comes back as
    one array with a leading lane axis)."""
    r = sig.ret
    return sig.width > 1 and r.kind == "array" and r.contiguous and r.array.dtype is not None


class ReturnEmitter:
    """The outputs of one forward derivative; ``ret_shadow`` is the shadow of the primal's
    result slot (None when no tangent of the result is wanted)."""

    def __init__(self, module: Module, sk: Skeleton, sig: DerivSignature, interleaved: bool,
                 ret_shadow):
        self.module, self.sk, self.sig = module, sk, sig
        self.width, self.ret = sig.width, sig.ret
        self.interleaved = interleaved
        self.ret_shadow = ret_shadow

    def emit(self, ret: Instruction) -> Instruction:
        """Hand back the outputs at primal return ``ret``; returns the derivative's return
        there (``ret`` itself when the results go through a slot)."""
        b = Builder(self.module, loc=ret.loc).before(ret)
        sk, w = self.sk, self.width
        fn, slot_t = sk.fn, sk.slot_t
        outs = self.sig.results.outputs
        if not outs and self.sig.results.slot is not None:
            return ret
        kinds = [o.kind for o in outs]
        wide_array = "tangent" in kinds and wide_array_return(self.sig)
        split = "tangent" in kinds and w > 1 and self.ret.status
        if split:
            # the tangents' fresh array only on the success path (module docstring)
            blk = ret.block
            copy = fn.add_block(None, after=blk)
            done = fn.add_block(None, after=copy)
            ret.erase()
            done.append(ret)
            b = Builder(self.module, blk, loc=ret.loc)
            b.cbr(b.icmp("eq", ret.operands[0], const_int(I32, 0)), copy, done)
            b = Builder(self.module, copy, loc=ret.loc)
        vals = []
        for out in outs:
            if out.kind == "primal":
                vals.append(b.load(slot_t, sk.prim_slot))
            elif wide_array and self.interleaved:
                vals.append(self.wide_array_tangent_interleaved(b, out.type))
            elif wide_array:
                vals.append(self.wide_array_tangent(b, out.type))
            elif self.interleaved:
                vals.append(sk.pack(b, out, b.load(VectorType(w, slot_t), self.ret_shadow)))
            else:
                lanes = [b.load(slot_t, a) for a in self.ret_shadow]
                tv = lanes[0]
                if w > 1:
                    tv = sk.pack(b, out, ShadowBuilder(self.module, fn, w,
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
        slot_t = self.sk.slot_t
        prim = b.load(slot_t, self.sk.prim_slot)
        nitems = b.extractvalue(prim, [2])
        itemsize = b.extractvalue(prim, [3])
        shapes = [b.extractvalue(prim, [5, d]) for d in range(nd)]
        lane_bytes = b.mul(nitems, itemsize)
        mi = b.call("NRT_MemInfo_alloc_aligned", FunctionType(PTR, (I64, I32)),
                    [b.mul(lane_bytes, const_int(I64, w)), const_int(I32, 32)])
        data = b.load(PTR, b.gep(I8, mi, [const_int(I64, table.MEMINFO_DATA_OFFSET)]), 8)
        release = release_helper(self.module)
        for k, slot in enumerate(self.ret_shadow):
            lane = b.load(slot_t, slot)
            dst = b.gep(I8, data, [b.mul(lane_bytes, const_int(I64, k))])
            b.memcpy(dst, b.extractvalue(lane, [4]), lane_bytes)
            b.call(release, FunctionType(VOID, (PTR,)), [b.extractvalue(lane, [0])])
        return self.lane_array(b, out_t, mi, data, nitems, itemsize, shapes)

    def lane_array(self, b: Builder, at: Type, mi, data, nitems, itemsize, shapes) -> Value:
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
        st = self.sk.slot_t
        prim = b.load(st, self.sk.prim_slot)
        nitems = b.extractvalue(prim, [2])
        itemsize = b.extractvalue(prim, [3])
        shapes = [b.extractvalue(prim, [5, d]) for d in range(nd)]
        smi = b.load(PTR, b.gep(I8, self.ret_shadow, [const_int(I64, w * member_offset(st, 0))]), 8)
        sdata = b.load(PTR, b.gep(I8, self.ret_shadow, [const_int(I64, w * member_offset(st, 4))]), 8)
        lane_bytes = b.mul(nitems, itemsize)
        mi = b.call("NRT_MemInfo_alloc_aligned", FunctionType(PTR, (I64, I32)),
                    [b.mul(lane_bytes, const_int(I64, w)), const_int(I32, 32)])
        data = b.load(PTR, b.gep(I8, mi, [const_int(I64, table.MEMINFO_DATA_OFFSET)]), 8)
        b.call(deinterleave_helper(self.module, w, self.ret.array.dtype),
               FunctionType(VOID, (PTR, PTR, I64)), [data, sdata, nitems])
        b.call(release_helper(self.module), FunctionType(VOID, (PTR,)), [smi])
        return self.lane_array(b, out_t, mi, data, nitems, itemsize, shapes)


def deinterleave_helper(module: Module, width: int, ft: Type) -> str:
    """``zymase.fwd.deinterleave.<T>.w<N>(ptr out, ptr src, i64 n)``: ``out[k·n + j] =``
    lane k of the ``<N x T>`` at ``src + N·j·sizeof(T)``."""
    w = width
    name = f"zymase.fwd.deinterleave.{type_suffix(ft)}.w{w}"
    if name in module.functions:
        return name
    out, src, n = Argument(PTR, "out"), Argument(PTR, "src"), Argument(I64, "n")
    f = Function(name, VOID, [out, src, n])
    f.linkage = "internal"
    module.add_function(f)
    isz = store_size(ft)
    vt = VectorType(w, ft)
    b = Builder(module, f.add_block("entry"))
    lanes = [b.gep(ft, out, [b.mul(n, const_int(I64, k))]) for k in range(w)]

    def body(bb: Builder, idx):
        j = idx[0]
        vec = bb.load(vt, bb.gep(ArrayType(w, ft), src, [j]), isz)
        for k, lp in enumerate(lanes):
            bb.store(bb.extractelement(vec, k), bb.gep(ft, lp, [j]), isz)

    loop_nest(module, f, b, [n], body).ret()
    return name


def release_helper(module: Module) -> str:
    """``zymase.meminfo_release(ptr)``: drop one reference of a MemInfo (null-safe)."""
    return null_safe_helper(module, "zymase.meminfo_release", "NRT_MemInfo_release")

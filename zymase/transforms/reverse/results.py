"""Where the adjoint sweep starts and ends (steps 4 and 6 of reverse mode).

Start: each successful return seeds the result's adjoint — a float's seed goes to the return
adjoint slot; an array result's seed array is added into the result's shadow (a compiled
``dst += src`` that raises ``ValueError`` on a shape mismatch, before any adjoint work); a tuple
result's float seeds are stored into their fields of the result's shadow and its array seeds
added like an array's.  At width N each seed has a leading axis of N and lane k gets seed k.

End: the results the signature asks for (the primal, the adjoints of Active arguments — at
width N packed per the signature) are returned after every recorded shadow allocation and the
tape are freed.  An error path (a raise in the primal, a bad seed) frees the same and returns
the status: no adjoint work runs after a failure.
"""
from __future__ import annotations

from numba.core import types as nbt

from ... import activities as A
from ...ir.builder import Builder
from ...ir.types import I32, I64, I8, PTR, VOID, FunctionType, Type
from ...ir.values import Block, Value, const_float, const_int, zero
from .common import accumulate_symbol, flatten, release_arrays


def free_shadows(frame, aug, b: Builder):
    """Pop every recorded shadow allocation and release it (emits a loop per list that
    anything was recorded on)."""
    for stack, release in [(aug.free_list, "NRT_MemInfo_call_dtor")] + [
            (fl, free_name) for free_name, fl in aug.raw_lists.items()]:
        if not stack.used:
            continue
        loop, body, done = (frame.fn.add_block(f"zy.free.{k}") for k in ("loop", "body", "done"))
        b.br(loop)
        lb = Builder(frame.module).at_end(loop)
        lb.cbr(stack.empty(lb), done, body)
        bb = Builder(frame.module).at_end(body)
        bb.call(release, FunctionType(VOID, (PTR,)), [stack.pop_all(bb, [PTR])[0]])
        bb.br(loop)
        b.block, b.index = done, 0
        stack.release(b)


def seed_value(frame, aug, b: Builder) -> Value:
    """The return adjoint: the seed parameter, a constant (1.0 for the C ABI), or at width
    N the ``<N x T>`` read from the seed array (its length is checked before the call,
    see shadowcheck)."""
    seed, st = frame.sig.seed, frame.slot_t

    def convert(v: Value) -> Value:
        if v.type == st:
            return v
        return b.cast("fptrunc" if v.type.bits > st.bits else "fpext", v, st)
    if seed.constant is not None:
        return aug.sb.splat(b, const_float(st, seed.constant))
    if seed.lanes.load is None:
        return convert(frame.skeleton.lanes(b, seed.lanes))
    return frame.skeleton.lanes(b, seed.lanes, convert)


def _ret_element(frame, b: Builder, slot: Value, path, t: Type) -> Value:
    """Pointer to element ``path`` (of IR type ``t``) of a return slot or its shadow."""
    if not path:
        return slot
    return b.gep(frame.slot_t, slot, [const_int(I64, 0)] + [const_int(I32, k) for k in path])


def seed_memory_return(frame, aug, tape, b: Builder, start: Block) -> Builder:
    """shadow(result) += seed for an array or tuple result (see the module docstring).  A
    shape mismatch raises (ValueError, before the adjoint sweep)."""
    if frame.array_ret:
        calls = _array_seed_calls(frame, b, (), frame.slot_t, frame.sig.seed.array,
                                  frame.ret.array.source)
    else:
        calls = []
        for el in frame.sig.seed.elements:
            if el.array is not None:
                calls += _array_seed_calls(frame, b, el.path, el.type, el.array,
                                           el.result.source)
                continue

            def convert(v, t=el.type):
                return v if v.type == t else \
                    b.cast("fptrunc" if v.type.bits > t.bits else "fpext", v, t)
            vals = convert(frame.skeleton.lanes(b, el.lanes)) if el.lanes.load is None \
                else frame.skeleton.lanes(b, el.lanes, convert)
            for k in range(frame.width):
                p = _ret_element(frame, b, frame.ret_bars[k], el.path, el.type)
                b.store(frame.lane(b, vals, k), p)
        if not calls:
            return b
    ok_blk = frame.fn.add_block(f"{start.name}.seeded")
    err = frame.fn.add_block(f"{start.name}.badseed")
    st = const_int(I32, 0)
    entry = frame.entry()
    for dst, src, src_t, ret_src in calls:
        sym = accumulate_symbol(frame.module, ret_src, src_t)
        rc = b.call(sym, FunctionType(I32, (PTR, PTR) + tuple(v.type for v in dst + src)),
                    [entry.alloca(I8), frame.excinfo] + dst + src)
        st = b.select(b.icmp("ne", st, const_int(I32, 0)), st, rc)
    b.cbr(b.icmp("eq", st, const_int(I32, 0)), ok_blk, err)
    eb = Builder(frame.module).at_end(err)
    release_arrays(eb, eb.load(frame.slot_t, frame.prim_slot), frame.ret.source)
    free_shadows(frame, aug, eb)
    tape.release(eb)
    eb.ret(st)
    return Builder(frame.module).at_end(ok_blk)


def _array_seed_calls(frame, b: Builder, path, t: Type, seed, ret_src) -> list:
    """The accumulations ``shadow(result element path) += seed`` (one per lane): for each,
    the destination shadow's descriptor leaves, the seed's (lane k: the view seed[k]),
    the seed's Numba type and the element's."""
    src_all = [frame.fn.args[k] for k in range(seed.first, seed.first + seed.count)]
    if frame.width == 1:
        dst = flatten(b, b.load(t, _ret_element(frame, b, frame.ret_bar, path, t)))
        return [(dst, src_all, seed.source, ret_src)]
    # lane k: the k-th pointer of every pointer field, and the view seed[k]
    nd = seed.ndim
    mi, parent, nitems, itemsize, data = src_all[:5]
    shape, strides = src_all[5:5 + nd], src_all[5 + nd:5 + 2 * nd]
    view_t = nbt.Array(seed.source.dtype, nd - 1, "A")
    count = const_int(I64, 1)
    for sh_ in shape[1:]:
        count = b.mul(count, sh_)
    calls = []
    prim = flatten(b, b.load(t, _ret_element(frame, b, frame.prim_slot, path, t)))
    for k in range(frame.width):
        # pointers from lane k's shadow; shape and strides (never written into
        # batched shadow memory) from the primal result
        lane = b.load(t, _ret_element(frame, b, frame.ret_bars[k], path, t))
        dst = [s_ if s_.type.is_pointer else p_ for s_, p_ in zip(flatten(b, lane), prim)]
        lane_data = b.gep(I8, data, [b.mul(strides[0], const_int(I64, k))])
        calls.append((dst, [mi, parent, count, itemsize, lane_data] + shape[1:]
                      + strides[1:], view_t, ret_src))
    return calls


def finish(frame, aug, store, tape, exit_blk: Block):
    """The sweep is over: free everything and return what the signature says."""
    b = Builder(frame.module).at_end(exit_blk)
    sk = frame.skeleton
    if (frame.array_ret or frame.tuple_ret) and frame.ret_act is A.DuplicatedOnly:
        release_arrays(b, b.load(frame.slot_t, frame.prim_slot), frame.ret.source)
    vals = []
    for out in frame.sig.results.outputs:
        if out.kind == "primal":
            vals.append(b.load(frame.slot_t, frame.prim_slot))
        else:
            p = sk.param(out.input.param)
            t = frame.stype(p.type)
            v = b.load(t, store.slot(p)) if p in aug.act.active else zero(t)
            if frame.width > 1:  # N adjoints: a 1-d array (Numba), an [N x T] (C)
                v = sk.pack(b, out, v)
            vals.append(v)
    free_shadows(frame, aug, b)
    tape.release(b)
    sk.return_results(b, vals)


"""Forward mode (tangent propagation), scalar or batched (width N): the driver.

Algorithm
1. Create the derivative function with the signature's parameters (primal, shadow, primal,
   …) and clone the primal body into it (skeleton.py).  The primal's result goes to a local
   slot; the derivative's result is handed back at each ``ret`` (see step 5).
2. Seed activity: tangent params of Dual float scalars, shadow pointers of Dual pointers
   (and of Dual arrays' data pointers and MemInfos), the return slot when the return is
   Dual.  Run activity analysis.  ``seed`` does this and returns a ``ForwardPlan``.
3. Walk the cloned instructions in order; after each active one, emit its *shadow*
   (forward_visit.py; calls in forward_calls.py): floats get a tangent ``Σ ∂r/∂x_i · ẋ_i``
   from the rules table, pointers a shadow pointer, aggregates a shadow aggregate.  Stores
   through active pointers store the shadow into shadow memory; memcpy/memset are mirrored;
   refcount atomics and destructor calls are mirrored on shadow MemInfos so shadow arrays
   live exactly as long as their primals.
4. Phi shadows are created first (empty) and filled once every block is done.
5. At each ``ret``, the derivative's outputs (primal and/or tangent) are handed back as the
   signature's ``Results`` say: stored through Numba's return slot, or returned (C ABI)
   (forward_returns.py).  Interleaved tangent buffers of Dual arrays are copied back out
   and freed before every ``ret`` (forward_arrays.py).

Width N: every tangent is an ``<N x T>`` vector; one call computes N directional
derivatives.  Shadow memory is lane-interleaved or lanes of pointers, chosen before anything
is built (``choose_layout``, forward_layout.py, which describes both; ``LAYOUT = "lanes"``
forces lanes of pointers).  Width 1 uses neither: shadow memory is laid out exactly like the
primal's and the user's tangent arrays are used in place.

Everything the phases after seeding need is fixed before they start: the plan (seeds,
return-slot shadow, tangent buffers, strided-lane pointers) and then the context
(``forward_visit.ForwardContext``: activity and the shadow builder).

Invariant: the primal instructions are untouched; shadows only read primal values.  Any
instruction that could carry a derivative and has no rule raises ``UnsupportedError`` with
its source line.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Tuple

from ..activities import Dual, DualOnly, Mode
from ..analysis.activity import analyse_activity
from ..analysis.loops import analyse_loops, reverse_postorder
from ..errors import unsupported
from ..ir.types import I64, ArrayType, alloc_size
from ..ir.values import Function, Module, Value, const_int, zero
from .forward_arrays import TangentBuffer, copy_lanes_out, seed_array
from .forward_calls import CallTangents
from .forward_layout import choose_layout
from .forward_returns import ReturnEmitter, wide_array_return
from .forward_visit import ForwardContext, TangentVisitor
from .shadows import ShadowBuilder
from .signature import ArrayInput, DerivResult, DerivSignature, FloatInput
from .skeleton import Skeleton

# "auto": interleaved at width > 1, lanes of pointers where it cannot be used; "lanes": always
# lanes of pointers (for comparisons and benchmarks).
LAYOUT = "auto"


@dataclass(frozen=True)
class ForwardPlan:
    """What seeding fixed before any tangent is emitted (``DerivResult.transform``)."""
    layout: str                                # "scalar" | "interleaved" | "lanes"
    skeleton: Skeleton
    seeds: Dict[Value, Value]                  # derivative value → its shadow or tangent
    ret_shadow: object                         # shadow of the result slot (None: not wanted)
    own: Tuple[Value, ...]                     # the transform's entry-block values (inactive)
    buffers: Tuple[TangentBuffer, ...]         # interleaved tangent buffers of Dual arrays
    lane_offsets: Dict[Value, List[Value]]     # strided-lane pointers → their N lane offsets


def seed(module: Module, primal: Function, sig: DerivSignature, name: str,
         layout: str) -> ForwardPlan:
    """Steps 1-2 up to activity analysis: the derivative's skeleton and the shadows and
    tangents of its parameters and result slot, all emitted in the entry block."""
    sk = Skeleton(module, primal, sig, name)
    b, slot_t, w = sk.entry_builder, sk.slot_t, sig.width
    interleaved = layout == "interleaved"
    seeds: Dict[Value, Value] = {}
    own: List[Value] = []
    buffers: List[TangentBuffer] = []
    lane_offsets: Dict[Value, List[Value]] = {}
    loops = None
    for inp in sig.inputs:
        if isinstance(inp, FloatInput):
            if inp.tangent is not None:
                seeds[sk.param(inp.param)] = sk.lanes(b, inp.tangent)
        elif isinstance(inp, ArrayInput) and interleaved:
            if loops is None:
                loops = analyse_loops(sk.fn)
            arr = seed_array(sk, b, inp, w, loops)
            seeds.update(arr.seeds)
            own += arr.own
            if arr.buffer is not None:
                buffers.append(arr.buffer)
            lane_offsets.update(arr.lane_offsets)
        else:
            for ptr in inp.pointers(w) if isinstance(inp, ArrayInput) else [inp]:
                seeds[sk.param(ptr.param)] = sk.lanes(b, ptr.shadow)
    ret_shadow = None
    if sig.ret.has_value and sig.ret_activity in (Dual, DualOnly):
        if w > 1 and not (slot_t.is_float or wide_array_return(sig)):
            raise unsupported(f"a batched forward derivative of a function returning "
                              f"{sig.ret.describe}", help="use width=1, or return a float "
                              "or a C-contiguous array")
        if interleaved:
            ret_shadow = b.alloca(ArrayType(w, slot_t), "zy.ret.tangent")
            b.memset(ret_shadow, 0, const_int(I64, w * alloc_size(slot_t)))
            seeds[sk.prim_slot] = ret_shadow
        else:
            ret_shadow = [b.alloca(slot_t, "zy.ret.tangent") for _ in range(w)]
            for a in ret_shadow:
                b.store(zero(slot_t), a)
            seeds[sk.prim_slot] = ShadowBuilder(module, sk.fn, w, None).gather_lanes(
                b, ret_shadow)
    return ForwardPlan(layout, sk, seeds, ret_shadow, tuple(own), tuple(buffers),
                       lane_offsets)


def forward_transform(module: Module, primal: Function, sig: DerivSignature,
                      name: str) -> DerivResult:
    """Build ``name``, the forward derivative of ``primal`` described by ``sig``, in
    ``module`` (the primal stays)."""
    from .parallel import refuse_derivative_launches
    refuse_derivative_launches(primal, Mode.FORWARD)
    layout, reason = choose_layout(primal, sig, LAYOUT)
    interleaved = layout == "interleaved"
    plan = seed(module, primal, sig, name, layout)
    sk = plan.skeleton
    fn, w = sk.fn, sig.width
    # without a wanted tangent of the result (None return, Const return) the primal's
    # return slot is scratch memory: its stores carry nothing (it gets no shadow)
    act = analyse_activity(fn, plan.seeds.keys(), inactive=[sk.prim_slot] + list(plan.own))
    sb = ShadowBuilder(module, fn, w, act, interleaved)
    sb.shadow.update(plan.seeds)
    ctx = ForwardContext(module=module, fn=fn, width=w, interleaved=interleaved,
                         active=act.active, sb=sb, prim_slot=sk.prim_slot, excinfo=sk.excinfo,
                         entry_builder=sk.entry_builder, lane_offsets=plan.lane_offsets)
    returns = ReturnEmitter(module, sk, sig, interleaved, plan.ret_shadow)
    visitor = TangentVisitor(ctx, CallTangents(ctx), returns)
    rets = visitor.run(reverse_postorder(fn)[1:])  # the cloned body (block 0: the seeds)
    copy_lanes_out(module, w, rets, plan.buffers)
    return DerivResult(fn, sig, act, layout, reason, None, plan)

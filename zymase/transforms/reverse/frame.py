"""The derivative's frame: its function, the cloned primal body, the seeds of the activity
analysis and where the return adjoint lives (step 1 of reverse mode, see ``__init__``).

``build_frame`` makes the function from the signature (``skeleton.py``: parameters x, dx, …,
seed; the primal's body cloned in; its result going to a local return slot) and decides, from
the signature alone, what is active at entry:

* an Active float parameter is a seed with no shadow (its adjoint lives in a slot);
* a Duplicated pointer (for Numba arrays: the data pointer and the MemInfo) is a seed whose
  shadow is the caller's ``dx`` (at width N an ``<N x ptr>`` of the lanes);
* the return slot is a seed whose shadow is ``ret_bar``: a zeroed slot of the result's type
  (a float's adjoint, or an array's / tuple's shadow descriptor, one slot per lane).

Invariant: the frame never changes once built — every later layer reads it, none writes it.
A return activity that does not fit the result (Active for an array, Duplicated for a float)
is an ``ActivityError`` here, before any IR of the sweep exists.
"""
from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional

from ... import activities as A
from ...errors import ActivityError, unsupported
from ...ir.builder import Builder
from ...ir.types import I64, Type, VectorType, alloc_size, contains_float, contains_pointer
from ...ir.values import Function, Module, Value, const_int, zero
from ..shadows import ShadowBuilder, gather, lane_pointers
from ..signature import ArrayInput, DerivSignature, FloatInput
from ..skeleton import Skeleton


@dataclasses.dataclass(frozen=True)
class Frame:
    module: Module
    primal: Function
    sig: DerivSignature
    name: str
    skeleton: Skeleton
    entry_builder: Builder               # before the entry's terminator, fixed at build time
    seeds: Dict[Value, Optional[Value]]  # activity seeds -> their shadows (None: a float)
    ret_bar: Optional[Value]             # the return adjoint slot (lane 0's at width N)
    ret_bars: List[Value]                # array / tuple results: one shadow slot per lane
    array_ret: bool
    tuple_ret: bool

    # -- what the skeleton and the signature already say -------------------------------
    @property
    def width(self) -> int:
        return self.sig.width

    @property
    def ret_act(self):
        return self.sig.ret_activity

    @property
    def ret(self):
        return self.sig.ret

    @property
    def fn(self) -> Function:
        return self.skeleton.fn

    @property
    def excinfo(self):
        return self.skeleton.excinfo

    @property
    def primal_entry(self):
        return self.skeleton.primal_entry

    @property
    def prim_slot(self) -> Value:
        return self.skeleton.prim_slot

    @property
    def slot_t(self) -> Type:
        return self.skeleton.slot_t

    @property
    def has_ret(self) -> bool:
        return self.sig.ret.has_value

    # -- width-N helpers ----------------------------------------------------------------
    def stype(self, t: Type) -> Type:
        """Type of a shadow or adjoint at this width (``<N x T>`` for floats and pointers)."""
        return shadow_type(self.width, t)

    def lane(self, b: Builder, v: Value, k: int) -> Value:
        return v if self.width == 1 else b.extractelement(v, k)

    def entry(self) -> Builder:
        """A fresh builder before the entry's terminator (allocas that dominate everything)."""
        return Builder(self.module).before(self.fn.entry.terminator)


def shadow_type(width: int, t: Type) -> Type:
    return t if width == 1 or not (t.is_float or t.is_pointer) else VectorType(width, t)


def _lane_pointers(module: Module, fn: Function, width: int, b: Builder, base: Value,
                   stride: Optional[Value]) -> Value:
    """Width N: the ``<N x ptr>`` shadow whose lane k is ``base + k·stride`` (the k-th
    slice of a shadow with a leading lane axis), or ``base`` in every lane when
    ``stride`` is None (MemInfo and parent pointers, shared by the lanes)."""
    if width == 1:
        return base
    lanes = [base] * width if stride is None else lane_pointers(b, base, stride, width)
    return ShadowBuilder(module, fn, width, None).gather_lanes(b, lanes)


def build_frame(module: Module, primal: Function, sig: DerivSignature, name: str) -> Frame:
    sk = Skeleton(module, primal, sig, name)
    width, ret, ret_act = sig.width, sig.ret, sig.ret_activity
    prim_slot, slot_t = sk.prim_slot, sk.slot_t
    eb = sk.entry_builder
    has_ret = ret.has_value
    seeds: Dict[Value, Optional[Value]] = {}
    for inp in sig.inputs:
        if isinstance(inp, FloatInput):
            if inp.activity is A.Active:
                seeds[sk.param(inp.param)] = None
        else:
            for ptr in inp.pointers(width) if isinstance(inp, ArrayInput) else [inp]:
                seeds[sk.param(ptr.param)] = sk.lanes(eb, ptr.shadow)
    ret_bar = None
    ret_bars: List[Value] = []
    what = ret.describe
    array_ret = ret.kind == "array"
    # a tuple result (floats, float arrays, integers, nested tuples) is stored through
    # the return slot field by field like an array's descriptor: its shadow is a slot of
    # the same struct type whose float fields receive the float elements' seeds and whose
    # array fields receive the elements' shadow descriptors (seeded like an array result)
    tuple_ret = ret.kind == "tuple"
    memory_ret = array_ret or tuple_ret
    if has_ret and not memory_ret and contains_pointer(slot_t):
        raise unsupported(f"a reverse-mode derivative of a function returning {what}",
                          help="return a float, an array or a tuple of them, or write "
                               "results into an output argument passed as Duplicated")
    if memory_ret:
        if ret_act in (A.Active, A.ActiveOnly):
            raise ActivityError(
                f"error: return activity `{ret_act}` is for float results, but the "
                f"function returns {'an array' if array_ret else 'a tuple'} ({what})"
                f"\n  = help: use ret=Duplicated and pass the output adjoint "
                f"{'array' if array_ret else 'tuple'} as the trailing seed, or ret=Const")
        # the returned array's shadow lands in this slot (the forward sweep stores the
        # shadow struct next to the primal one); the seed is added into its data
        # one slot per lane at width N (the shadow of an alloca)
        for _ in range(width):
            rb_ = eb.alloca(slot_t, "zy.ret.bar")
            eb.store(zero(slot_t), rb_)
            ret_bars.append(rb_)
        ret_bar = ret_bars[0]
        seeds[prim_slot] = ret_bars[0] if width == 1 else gather(eb, ret_bars)
    if has_ret and not memory_ret and ret_act in (A.Duplicated, A.DuplicatedOnly):
        # a float result has no shadow memory: Duplicated would silently drop its adjoint
        raise ActivityError(f"error: return activity `{ret_act}` is not valid for a "
                            f"function returning {what}\n  = help: use ret=Active (the "
                            f"return adjoint is the trailing seed argument) or ret=Const")
    if has_ret and not memory_ret:
        if not (slot_t.is_float or not contains_float(slot_t)):
            raise unsupported(f"a reverse-mode derivative of a function returning "
                              f"{what}", help="return a float, or write results into "
                                              "a Duplicated argument")
        st = shadow_type(width, slot_t)
        ret_bar = eb.alloca(st, "zy.ret.bar")
        eb.store(zero(st), ret_bar)
        seeds[prim_slot] = _lane_pointers(module, sk.fn, width, eb, ret_bar, const_int(
            I64, alloc_size(slot_t)) if width > 1 else None)
    return Frame(module, primal, sig, name, sk, eb, seeds, ret_bar, ret_bars, array_ret,
                 tuple_ret)

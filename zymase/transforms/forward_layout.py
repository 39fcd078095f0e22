"""Forward mode at width N: the two layouts of shadow memory, and which one a derivative gets.

Every tangent is an ``<N x T>`` vector (the partial derivatives are computed once and
splatted); one call computes N directional derivatives.  Shadow *memory* has one of two
layouts, chosen per derivative before it is built (``choose_layout``):

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
    ``mi->data`` reads it (forward_calls.py allocates it).
  Dual array arguments are copied into interleaved buffers or read in place with strided
  lanes (forward_arrays.py); in-place pointers are the one exception to the ``N·o`` rule.
  Everything else (buffers, allocations, allocas, the return slot) is accessed with one
  contiguous ``<N x T>`` load/store per primal access, so LLVM keeps tangents in registers
  and vectorises freely where lanes of pointers needed gathers/scatters.

* Lanes of pointers.  A shadow pointer is an ``<N x ptr>`` (lane k points into shadow k,
  e.g. ``dx[k]``); shadow loads/stores are masked gathers/scatters and every allocation,
  copy and refcount is done once per lane.  Used when the interleaved layout cannot express
  the function (``interleave_obstacle``): a shadow pointer of unknown extent (the C ABI's
  ``double *dx``), a custom rule called with arrays, vector GEPs, a Dual array of non-float
  dtype, BLAS/LAPACK calls, active structs (``DerivResult.layout_reason`` says which).  An
  error in the chosen layout is an error: there is no second attempt, so
  ``interleave_obstacle`` must find everything the interleaved rules raise ``NoInterleave``
  on.

Width 1 uses neither: a shadow pointer is a ``ptr`` into memory laid out exactly like the
primal's, and the user's tangent arrays are used in place.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

from ..activities import Dual, DualOnly
from ..analysis.activity import analyse_activity
from ..analysis.loops import reverse_postorder
from ..custom import lookup_call
from ..ir.types import ArrayType, StructType, Type, VectorType, alloc_size, member_offset
from ..ir.values import Function, Value
from ..llvm.jit import value_type
from ..rules import table
from ..rules.calls import LIBRARY_RULES, Kind, classify_call
from .custom_calls import call_site
from .shadows import NoInterleave, byte_offsets
from .signature import ArrayInput, DerivSignature, FloatInput, PointerInput


def choose_layout(primal: Function, sig: DerivSignature,
                  forced: str = "auto") -> Tuple[str, Optional[str]]:
    """The shadow memory layout of a forward derivative and, for ``lanes``, why:
    ``scalar`` at width 1, else ``interleaved`` unless something in the signature or the
    function rules it out (``interleave_obstacle``).  ``forced="lanes"`` always gives lanes
    of pointers (for comparisons and benchmarks)."""
    if sig.width == 1:
        return "scalar", None
    if forced == "lanes":
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
                            float_fields(value_type(site.restype))
                        except NoInterleave as e:
                            return str(e)
                    continue
                if kind in LIBRARY_RULES:
                    return f"a BLAS/LAPACK call ({name})"
                if kind is Kind.PARALLEL_FOR:
                    return "a parallel loop (its kernel takes lanes of pointers)"
                if name in table.VARSIZE_ALLOCATORS and i in act:
                    # its data moves when it grows (transforms/varsize.py)
                    return "an active growable MemInfo (a list)"
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


def float_fields(t: Type, path=(), off=0):
    """[(extractvalue path, byte offset)] of the float leaves of an in-memory type; integers
    are skipped (not mirrored in interleaved shadow memory); pointers are refused."""
    if t.is_float and not isinstance(t, VectorType):
        return [(list(path), off)]
    if t.is_int:
        return []
    if isinstance(t, StructType):
        out = []
        for k, e in enumerate(t.elements):
            out += float_fields(e, path + (k,), off + member_offset(t, k))
        return out
    if isinstance(t, ArrayType):
        out = []
        for k in range(t.count):
            out += float_fields(t.element, path + (k,), off + k * alloc_size(t.element))
        return out
    raise NoInterleave(f"a custom rule result of type {t}")

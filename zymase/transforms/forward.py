"""Forward mode (tangent propagation), scalar or batched (width N).

Algorithm
1. Create the derivative function with Numba's calling convention over the derivative's
   Python-level arguments (primal, shadow, primal, …) and clone the primal body into it.
   The primal's ``retptr`` becomes a local slot; the real return slot is written at each
   ``ret`` (see step 5).
2. Seed activity: tangent params of Dual float scalars, shadow data pointers (and MemInfos)
   of Dual arrays, the return slot when the return is Dual.  Run activity analysis.
3. Walk the cloned instructions in order; after each active one, emit its *shadow*:
   floats get a tangent ``Σ ∂r/∂x_i · ẋ_i`` from the rules table, pointers a shadow pointer
   (same GEP on the shadow base, load of a pointer from shadow memory, a second zeroed
   allocation for an NRT allocation), aggregates a shadow aggregate (integers inside shadow
   aggregates are the primal integers, so Numba's array structs stay well formed).  Stores
   through active pointers store the shadow into shadow memory; memcpy/memset are mirrored;
   refcount atomics and destructor calls are mirrored on shadow MemInfos so shadow arrays
   live exactly as long as their primals.
4. Phi shadows are created first (empty) and filled once every block is done.
5. At each ``ret``, the derivative's result (primal and/or tangent) is stored into the real
   return slot in the layout Numba expects.

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

* Lanes of pointers (the fallback).  A shadow pointer is an ``<N x ptr>`` (lane k points
  into shadow k, e.g. ``dx[k]``); shadow loads/stores are masked gathers/scatters and every
  allocation, copy and refcount is done once per lane.  Used when the interleaved layout
  cannot express the function: a custom rule called with arrays, vector GEPs, a Dual array of
  non-float dtype, or anything else the interleaved transform refuses (the primal is left
  untouched, so the derivative is rebuilt in this layout before any error is reported;
  ``fallback_reason`` says why).  ``LAYOUT = "lanes"`` forces it.

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

from typing import Dict, List, Optional

from numba.core import types as nbt

from ..activities import Const, Dual, DualOnly
from ..errors import UnsupportedError, unsupported
from ..ir.builder import Builder
from ..ir.types import (F64, I1, I32, I64, I8, PTR, VOID, ArrayType, FunctionType, IntType,
                        StructType, Type, VectorType, alloc_size, contains_float,
                        contains_pointer, member_offset, store_size)
from ..ir.values import (Argument, Block, Constant, Function, GlobalRef, Instruction, Module, Value,
                         const_float, const_int, undef, zero)
from ..llvm.jit import value_type
from ..rules import table
from . import blas, lapack
from ..rules.emit import partials, scale as emit_scale
from ..analysis.activity import analyse_activity
from .clone import clone_into
from ..analysis.loops import reverse_postorder
from .custom_calls import call_site, emit_rule_call
from ..custom import lookup_call
from .signature import mark_shadow_noalias, DerivSignature, array_leaves, float_leaves


def _describe(i: Instruction) -> str:
    if i.opcode == "call":
        if i.callee_name:
            return f"a call to {i.callee_name}"
        from ..custom import external_address, symbol_at
        addr = external_address(i)
        if addr is not None:
            name = symbol_at(addr)
            if name and name.startswith("a function in "):
                return f"a call to an external C function ({name[2:]}, at {addr:#x}, via ctypes/cffi)"
            return (f"a call to the external C function `{name}` (ctypes/cffi, at {addr:#x})"
                    if name else f"a call to an external C function at {addr:#x} (ctypes/cffi)")
        return "a call through a function pointer"
    return f"the instruction `{i.opcode}`"


class _NoInterleave(Exception):
    """The lane-interleaved layout cannot express this function: use lanes of pointers."""


# Stack "MemInfo" of a Dual array argument's interleaved tangent buffer: a reference count no
# incref/decref pair can bring to zero (the buffer is freed by the derivative, not by NRT).
_STUB_REFCOUNT = 1 << 40
_MI_DATA = table.MEMINFO_DATA_OFFSET  # byte offset of ``data`` in an NRT MemInfo


def _hdr(width: int) -> int:
    """Bytes an interleaved shadow NRT allocation reserves in front of its data: room for the
    data word at ``width·24`` past the MemInfo (whose header is 48 bytes), 64-byte granular
    so the data keeps the allocation's alignment."""
    return -(-(width * _MI_DATA + 8) // 64) * 64


class ShadowBuilder:
    """Shadow-value bookkeeping shared by the forward transform's instruction rules.

    ``interleaved`` selects the width-N memory layout (see the module docstring): shadow
    pointers are scalar ``ptr`` into N-times-scaled memory, else ``<N x ptr>`` lanes."""

    def __init__(self, module: Module, fn: Function, width: int, activity,
                 interleaved: bool = False):
        self.module, self.fn, self.width = module, fn, width
        self.act = activity
        self.interleaved = interleaved and width > 1
        self.shadow: Dict[Value, Value] = {}
        self.helpers = set()

    # -- types -------------------------------------------------------------------------
    def stype(self, t: Type) -> Type:
        """Type of the shadow of a value of type ``t``."""
        if self.width == 1:
            return t
        if t.is_pointer and self.interleaved:
            return t
        if t.is_float or t.is_pointer:
            return VectorType(self.width, t)
        if t.is_int:
            return t
        if isinstance(t, StructType) and not self.interleaved:
            # a struct of lanes: every pointer or float field becomes a vector of N
            return StructType(tuple(self.stype(e) for e in t.elements), t.packed)
        if isinstance(t, ArrayType) and not self.interleaved and t.element.is_int:
            return t
        raise unsupported(f"a batched (width {self.width}) shadow of a value of type {t}",
                          help="use width=1 for functions whose active values are aggregates")

    def sh(self, v: Value, b: Builder) -> Value:
        """Shadow of a (cloned) value; zero/primal for inactive floats/ints."""
        if v in self.shadow:
            return self.shadow[v]
        t = v.type
        if isinstance(v, Constant):
            if t.is_int or (isinstance(t, VectorType) and t.element.is_int):
                return v
            if t.is_pointer and self.interleaved and v.text in ("null", "zeroinitializer"):
                return Constant(PTR, "null")
            if v.text in ("null", "zeroinitializer", "undef", "poison") or t.is_float:
                return Constant(self.stype(t), "zeroinitializer" if self.width > 1 or not (t.is_float or t.is_pointer) else zero(t).text) \
                    if v.text != "undef" else undef(self.stype(t))
            if t.is_pointer and _read_only_data(self.module, v.text):
                # exception descriptors and other constant data without floats: nothing
                # can be written or differentiated through them, the shadow is the pointer
                return v if self.width == 1 or self.interleaved else b.splat(v, self.width)
            raise unsupported(f"a derivative through the constant {v.text} of type {t}")
        if t.is_int:
            return v
        if t.is_float:
            return Constant(self.stype(t), "zeroinitializer") if self.width > 1 else zero(t)
        if isinstance(t, (StructType, ArrayType)) and not contains_float(t) and not contains_pointer(t):
            return v
        if isinstance(t, (StructType, ArrayType)) and self.width == 1:
            return self._inactive_aggregate(v, t, b)
        loc = getattr(v, "loc", None)
        raise unsupported(f"a value of type {t} that mixes memory with and without a shadow "
                          f"({getattr(v, 'opcode', 'argument')} %{v.name})", loc,
                          help="mark the array argument Dual/Duplicated instead of Const")

    def _inactive_aggregate(self, v, t, b):
        # shadow of an inactive aggregate: zero floats, keep integers, null pointers
        out = Constant(t, "zeroinitializer")
        elems = t.elements if isinstance(t, StructType) else [t.element] * t.count
        for k, et in enumerate(elems):
            if et.is_int:
                out = b.insertvalue(out, b.extractvalue(v, [k]), [k])
        return out

    def splat(self, b: Builder, v: Value) -> Value:
        return v if self.width == 1 else b.splat(v, self.width)

    # -- memory through shadows -----------------------------------------------------------
    def load(self, b: Builder, t: Type, sp: Value, align=None) -> Value:
        if self.width == 1:
            return b.load(t, sp, align)
        st = self.stype(t)
        if not (t.is_float or t.is_pointer) or isinstance(t, VectorType):
            raise unsupported(f"a batched load of {t} from shadow memory")
        if self.interleaved:
            return b.load(st, sp, align or store_size(t))
        c = b.call(f"llvm.masked.gather.{_sfx(st)}.v{self.width}p0",
                   FunctionType(st, (VectorType(self.width, PTR), VectorType(self.width, I1), st)),
                   [sp, _true_mask(self.width), undef(st)])
        c.meta = {"pre": "", "arg_attrs": [f"align {align or 1}", "", ""]}
        return c

    def store(self, b: Builder, v: Value, sp: Value, align=None):
        if self.width == 1:
            return b.store(v, sp, align)
        if v.type.is_int:
            return None  # integers in batched shadow memory are never read back as shadows
        if isinstance(v.type, (StructType, ArrayType)):
            raise unsupported(f"a batched store of {v.type} into shadow memory",
                              help="use width=1 for functions that store whole structs")
        if self.interleaved:
            if not (v.type.is_pointer or (isinstance(v.type, VectorType) and v.type.element.is_float)):
                raise unsupported(f"a batched store of {v.type} into shadow memory")
            return b.store(v, sp, align or store_size(v.type.scalar))
        c = b.call(f"llvm.masked.scatter.{_sfx(v.type)}.v{self.width}p0",
                   FunctionType(VOID, (v.type, VectorType(self.width, PTR), VectorType(self.width, I1))),
                   [v, sp, _true_mask(self.width)])
        c.meta = {"pre": "", "arg_attrs": ["", f"align {align or 1}", ""]}
        return c

    def gep(self, b: Builder, i: Instruction, base: Value) -> Value:
        """Interleaved shadow of the GEP ``i`` on the shadow pointer ``base``: the primal's
        byte offset times N (``gep [N·s x i8], idx`` per variable index of stride s, one
        ``gep i8, N·c`` for the constant part)."""
        w = self.width
        if isinstance(i.type, VectorType) or any(isinstance(o.type, VectorType) for o in i.operands):
            raise _NoInterleave("a GEP producing a vector of pointers")
        flags = "inbounds" if "inbounds" in (i.flags or "").split() else ""
        cur = i.src_type
        const = 0
        terms = []
        for n, idx in enumerate(i.operands[1:]):
            if n == 0:
                scale = alloc_size(cur)
            elif isinstance(cur, StructType):
                if not isinstance(idx, Constant):
                    raise _NoInterleave("a GEP with a variable struct index")
                k = int(idx.text)
                const += member_offset(cur, k)
                cur = cur.elements[k]
                continue
            elif isinstance(cur, (ArrayType, VectorType)):
                cur = cur.element
                scale = alloc_size(cur)
            else:
                raise _NoInterleave(f"a GEP into {cur}")
            if isinstance(idx, Constant):
                try:
                    const += int(idx.text) * scale
                except ValueError:
                    raise _NoInterleave(f"a GEP index {idx.text}") from None
            elif scale:
                terms.append((idx, scale))
        p = base
        for idx, scale in terms:
            p = b.gep(ArrayType(w * scale, I8), p, [idx], flags=flags)
        if const:
            p = b.gep(I8, p, [const_int(I64, w * const)], flags=flags)
        return p

    def lanes(self, b: Builder, vec: Value) -> List[Value]:
        if self.width == 1:
            return [vec]
        return [b.extractelement(vec, k) for k in range(self.width)]

    def gather_lanes(self, b: Builder, vals: List[Value]) -> Value:
        if self.width == 1:
            return vals[0]
        vt = VectorType(self.width, vals[0].type)
        out: Value = undef(vt)
        for k, v in enumerate(vals):
            out = b.insertelement(out, v, k)
        return out


def _read_only_data(module: Module, ref: str) -> bool:
    """``ref`` names a global ``constant`` of this module whose type holds no floats."""
    import re
    name = ref[1:] if ref.startswith("@") else ref
    line = module.globals.get(name) or module.globals.get(ref) or \
        module.globals.get(name.strip('"'))
    if line is None:
        return False
    m = re.match(r'\S+\s*=\s*(?:[a-z_]+\s+)*?constant\s+(.*)$', line)
    if m is None:
        return False
    body = re.sub(r'c"[^"]*"', "", m.group(1))   # byte strings (messages) hold no types
    return not re.search(r"\b(double|float|half|x86_fp80|fp128)\b", body)


def _sfx(t: VectorType) -> str:
    from ..ir.builder import type_suffix
    return type_suffix(t)


def _true_mask(n):
    return Constant(VectorType(n, I1), "<" + ", ".join("i1 true" for _ in range(n)) + ">")


def _align(inst: Instruction) -> Optional[int]:
    import re
    m = re.search(r"align (\d+)", inst.tail or "")
    return int(m.group(1)) if m else None


class ForwardTransform:
    def __init__(self, prep, sig: DerivSignature, ret_activity, width: int, name: str,
                 interleaved: bool = True):
        self.prep, self.sig, self.ret_act, self.width, self.name = prep, sig, ret_activity, width, name
        self.module: Module = prep.module
        self.primal: Function = prep.function
        self.fe = prep.fe
        self.interleaved = interleaved and width > 1
        self.layout = "interleaved" if self.interleaved else ("lanes" if width > 1 else "scalar")
        self.fallback_reason: Optional[str] = None
        self.own: List[Value] = []        # the transform's own entry-block values (never active)
        self.buffers: List[dict] = []     # interleaved tangent buffers of Dual array arguments
        self.rets: List[Instruction] = []
        # primal pointers into Dual arrays read in place (strided lanes) → the N lane offsets
        self.lane_offsets: Dict[Value, List[Value]] = {}
        self._loops = None

    # -- step 1: the function and its seeds ------------------------------------------------
    def build(self):
        from ..ir.parser import parse_module  # noqa: F401  (kept for CLI symmetry)
        module, primal, sig = self.module, self.primal, self.sig
        args = [Argument(PTR, "retptr", "noalias"), Argument(PTR, "excinfo", "noalias")]
        for info in sig.deriv_map.args:
            for k in range(info.count):
                args.append(Argument(primal.args[0].type if False else _leaf_type(info, k),
                                     f"{_safe(info.name)}.{k}"))
        fn = Function(self.name, IntType(32), args)
        mark_shadow_noalias(fn, sig)
        module.add_function(fn)
        self.fn = fn
        entry = fn.add_block("zy.entry")
        b = Builder(module, entry)
        vmap: Dict[Value, Value] = {}
        # the primal's return slot becomes a local
        self.ret_nb = self.fe.signature.return_type
        self.has_ret = not isinstance(self.ret_nb, nbt.NoneType)
        slot_t = value_type(self.ret_nb) if self.has_ret else I8
        prim_slot = b.alloca(slot_t, "zy.ret")
        vmap[primal.args[0]] = prim_slot
        vmap[primal.args[1]] = fn.args[1]
        for p, d in sig.primal_param.items():
            vmap[primal.args[p]] = fn.args[d]
        clone_into(primal, fn, vmap)
        b.br(fn.blocks[1])
        b.before_terminator(entry)
        self.vmap = vmap
        self.prim_slot = prim_slot
        self.slot_t = slot_t
        # seeds
        seeds: Dict[Value, Value] = {}
        w = self.width
        for pinfo in self.fe.argmap.args:
            act = sig.activities[pinfo.index]
            if not act.has_shadow:
                continue
            sinfo = sig.shadow_info[pinfo.index]
            for leaf, sleaf in zip(float_leaves(pinfo), float_leaves(sinfo)):
                self._seed_leaf(b, leaf, sleaf, seeds)
        self.ret_shadow = None
        if self.has_ret and self.ret_act in (Dual, DualOnly):
            if w > 1 and not (slot_t.is_float or self._wide_array_return()):
                raise unsupported(f"a batched forward derivative of a function returning "
                                  f"{self.ret_nb}", help="use width=1, or return a float or a "
                                  "C-contiguous array")
            if self.interleaved:
                self.ret_shadow = b.alloca(ArrayType(w, slot_t), "zy.ret.tangent")
                b.memset(self.ret_shadow, 0, const_int(I64, w * alloc_size(slot_t)))
                seeds[prim_slot] = self.ret_shadow
            else:
                self.ret_shadow = [b.alloca(slot_t, "zy.ret.tangent") for _ in range(w)]
                for a in self.ret_shadow:
                    b.store(zero(slot_t), a)
                seeds[prim_slot] = ShadowBuilder(module, fn, w, None).gather_lanes(b, self.ret_shadow)
        self.seeds = seeds
        self.entry_builder = b

    def _seed_leaf(self, b: Builder, leaf, sleaf, seeds):
        fn, w = self.fn, self.width
        prim_param = lambda k: fn.args[self.sig.primal_param[k]]  # noqa: E731
        if leaf.is_float:
            if w == 1:
                seeds[prim_param(leaf.first)] = fn.args[sleaf.first]
            else:  # shadow is a 1-D array of N tangents
                _, _, _, _, data, _, strides = array_leaves(sleaf)
                ft = _leaf_type(leaf, 0, self.fe.argmap)
                lanes = [b.load(ft, p) for p in lane_pointers(b, fn.args[data],
                                                              fn.args[strides[0]], w)]
                seeds[prim_param(leaf.first)] = ShadowBuilder(
                    self.module, fn, w, None).gather_lanes(b, lanes)
            return
        mi, parent, _, _, data, _, _ = array_leaves(leaf)
        smi, sparent, _, _, sdata, _, sstrides = array_leaves(sleaf)
        if w == 1:
            seeds[prim_param(data)] = fn.args[sdata]
            seeds[prim_param(mi)] = fn.args[smi]
            seeds[prim_param(parent)] = fn.args[sparent]
        elif self.interleaved:
            self._seed_interleaved(b, leaf, sleaf, seeds)
        else:
            ptrs = lane_pointers(b, fn.args[sdata], fn.args[sstrides[0]], w)
            sb = ShadowBuilder(self.module, fn, w, None)
            seeds[prim_param(data)] = sb.gather_lanes(b, ptrs)
            seeds[prim_param(mi)] = sb.gather_lanes(b, [fn.args[smi]] * w)
            seeds[prim_param(parent)] = sb.gather_lanes(b, [fn.args[sparent]] * w)

    def _seed_interleaved(self, b: Builder, leaf, sleaf, seeds):
        """Width N, interleaved layout: a Dual array's tangent lanes are copied into a buffer
        laid out as N times the primal view; its data pointer, a stack MemInfo for it and a
        null parent are the shadows of the array's leaves (see the module docstring)."""
        fn, w = self.fn, self.width
        P = lambda k: fn.args[self.sig.primal_param[k]]  # noqa: E731
        dtype = getattr(leaf.nbtype, "dtype", None)
        if not isinstance(dtype, nbt.Float):
            raise _NoInterleave(f"a Dual array of {dtype}")
        ft = value_type(dtype)
        isz = store_size(ft)
        mi, parent, nitems, _, data, shapes, strides = array_leaves(leaf)
        smi, sparent, _, _, sdata, _, sstrides = array_leaves(sleaf)
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
                    name = u.callee_name or ""
                    if name in table.REFCOUNT:
                        continue
                    in_place = False
                    if name in table.MEMINFO_DATA:
                        derived = True
                    elif (name.startswith("llvm.memcpy.") or name.startswith("llvm.memmove.")) \
                            and u.operands[0] is not v and u.operands[1] is v:
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
        for inst, sphi in phis:
            bb = Builder(self.module)
            for v, pred in zip(inst.operands, inst.blocks):
                bb.before_terminator(pred)
                sphi.add_incoming(sb.sh(v, bb), pred)
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
                b.after_phis(i.block)
                b.index = i.block.instructions.index(i) + 1
                sphi = b.phi(sb.stype(i.type))
                sphi.loc = i.loc
                sb.shadow[i] = sphi
                phis.append((i, sphi))
            return
        if op == "ret":
            self.rets.append(i)
            self.emit_return(i, sb)
            return
        if op == "store":
            v, p = i.operands
            offs = self.lane_offsets.get(p)
            if offs is not None:
                # strided lanes in the caller's array: lane k at +k·dx.strides[0]
                sv, sp = sb.sh(v, b), sb.sh(p, b)
                for k, off in enumerate(offs):
                    b.store(b.extractelement(sv, k), b.gep(I8, sp, [off]) if k else sp, _align(i))
                return
            if p in self.activity.active:
                if not (contains_float(v.type) or contains_pointer(v.type) or v.type.is_int
                        or isinstance(v.type, (StructType, ArrayType))):
                    return
                sb.store(b, sb.sh(v, b), sb.sh(p, b), _align(i))
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
                raise unsupported(_describe(i), i.loc)
            return
        if not active:
            return
        t = i.type
        if op in table.INSTRUCTIONS:
            rule = table.INSTRUCTIONS[op]
            sb.shadow[i] = self.combine(b, sb, rule, i, i.operands)
        elif op in ("fpext", "fptrunc"):
            sb.shadow[i] = b.cast(op, sb.sh(i.operands[0], b), sb.stype(t))
        elif op == "select":
            c, x, y = i.operands
            sb.shadow[i] = b.select(c, sb.sh(x, b), sb.sh(y, b))
        elif op == "getelementptr":
            base = sb.sh(i.operands[0], b)
            if i in self.lane_offsets:
                sb.shadow[i] = b.gep(i.src_type, base, i.operands[1:], flags=i.flags)
            elif sb.interleaved:
                sb.shadow[i] = sb.gep(b, i, base)
            else:
                sb.shadow[i] = b.gep(i.src_type, base, i.operands[1:], flags=i.flags)
        elif op == "load":
            sp = sb.sh(i.operands[0], b)
            offs = self.lane_offsets.get(i.operands[0])
            if offs is not None and t.is_float and not isinstance(t, VectorType):
                vec: Value = undef(sb.stype(t))
                for k, off in enumerate(offs):
                    lane = b.load(t, b.gep(I8, sp, [off]) if k else sp, _align(i))
                    vec = b.insertelement(vec, lane, k)
                sb.shadow[i] = vec
            else:
                sb.shadow[i] = sb.load(b, t, sp, _align(i))
        elif op == "alloca":
            sb.shadow[i] = self.shadow_alloca(b, sb, i)
        elif op == "extractvalue":
            sb.shadow[i] = b.extractvalue(sb.sh(i.operands[0], b), i.indices)
        elif op == "insertvalue":
            sb.shadow[i] = b.insertvalue(sb.sh(i.operands[0], b), sb.sh(i.operands[1], b), i.indices)
        elif op in ("bitcast", "addrspacecast", "freeze"):
            sb.shadow[i] = b.cast(op, sb.sh(i.operands[0], b), sb.stype(t)) if op != "freeze" \
                else sb.sh(i.operands[0], b)
        else:
            raise unsupported(_describe(i), i.loc)

    def combine(self, b: Builder, sb: ShadowBuilder, rule, i: Instruction, ops) -> Value:
        """Σ_k partial_k · shadow(op_k) over the active operands."""
        acc: Optional[Value] = None
        todo = [(k, o) for k, o in enumerate(ops) if o in self.activity.active
                and k < len(rule.partials) and rule.partials[k] is not None]
        exprs = [rule.partials[k] if any(kk == k for kk, _ in todo) else None
                 for k in range(len(rule.partials))]
        simple = {"1", "-1"}
        complex_exprs = [e if e not in simple else None for e in exprs]
        vals = partials(b, complex_exprs, ops, i, sb.helpers)
        for k, o in todo:
            e = rule.partials[k]
            if e == "0":
                continue
            t = sb.sh(o, b)
            if e == "1":
                term = t
            elif e == "-1":
                term = b.fneg(t)
            else:
                term = emit_scale(b, t, sb.splat(b, vals[k]), rule.checked[k])
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
            a.tail = f", align {max(16, _align(i) or 1)}"
            b.memset(a, 0, n)
            return a
        eb = self.entry_builder
        lanes = []
        for _ in range(self.width):
            a = Builder(self.module).before(self.fn.entry.instructions[0]).alloca(t)
            lanes.append(a)
        # zero each shadow slot where the primal slot is created
        for a in lanes:
            b.memset(a, 0, const_int(I64, alloc_size(t)))
        return sb.gather_lanes(b, lanes)

    def visit_call(self, i: Instruction, b: Builder, sb: ShadowBuilder, active: bool):
        name = i.callee_name or ""
        ops = i.operands
        any_active_op = any(o in self.activity.active for o in ops)
        cf = lookup_call(i)
        if cf is not None:
            self.custom_call(i, cf, b, sb)
            return
        if name in blas.CALLS or name in lapack.CALLS:
            if sb.interleaved:
                raise _NoInterleave(f"a BLAS/LAPACK call ({name})")
            (self.gesv_call if name in lapack.CALLS else self.blas_call)(i, b, sb)
            return
        if sb.interleaved:
            if self.visit_call_interleaved(i, name, b, sb, active):
                return
        elif name in table.ALLOCATORS:
            if active:
                lanes = []
                for _ in range(self.width):
                    c = i.clone()
                    c.name = None
                    b.emit(c)
                    data_p = b.gep(I8, c, [const_int(I64, table.MEMINFO_DATA_OFFSET)])
                    data = b.load(PTR, data_p, 8)
                    b.memset(data, 0, ops[0])
                    lanes.append(c)
                sb.shadow[i] = sb.gather_lanes(b, lanes)
            return
        if name in table.C_MALLOCS:
            if active:
                lanes = []
                for _ in range(self.width):
                    c = b.call(name, i.fnty, [ops[0]])
                    b.memset(c, 0, ops[0])
                    lanes.append(c)
                sb.shadow[i] = sb.gather_lanes(b, lanes)
            return
        if name == table.C_REALLOC:
            if active:
                sb.shadow[i] = sb.gather_lanes(b, [b.call(name, i.fnty, [lane, ops[1]])
                                                   for lane in sb.lanes(b, sb.sh(ops[0], b))])
            return
        if name in table.C_FREES:
            if ops[0] in self.activity.active:
                for lane in sb.lanes(b, sb.sh(ops[0], b)):
                    b.call(name, i.fnty, [lane])
            return
        if name in table.REFCOUNT:
            if ops[0] in self.activity.active:
                for lane in sb.lanes(b, sb.sh(ops[0], b)):
                    b.call(name, i.fnty, [lane])
            return
        if name in table.DEALLOCATORS:
            if ops[0] in self.activity.active:
                for lane in sb.lanes(b, sb.sh(ops[0], b)):
                    b.call(name, i.fnty, [lane])
            return
        if name in table.MEMINFO_DATA:
            if active:
                lanes = [b.call(name, i.fnty, [lane]) for lane in sb.lanes(b, sb.sh(ops[0], b))]
                sb.shadow[i] = sb.gather_lanes(b, lanes)
            return
        if name.startswith("llvm.memset."):
            if ops[0] in self.activity.active:
                for lane in sb.lanes(b, sb.sh(ops[0], b)):
                    b.memset(lane, 0, ops[2])
            return
        if name.startswith("llvm.memcpy.") or name.startswith("llvm.memmove."):
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
        if table.is_inactive_call(name):
            return
        rule = table.lookup(name) if name else None
        if rule is not None and i.type.is_float:
            if active:
                sb.shadow[i] = self.combine(b, sb, rule, i, ops)
            return
        if active or any_active_op and (contains_float(i.type) or any(
                contains_float(o.type) or o.type.is_pointer for o in ops if o in self.activity.active)):
            raise unsupported(_describe(i), i.loc,
                              help="give the callee a custom derivative or mark it inactive "
                                   "with zymase.inactive")

    def gesv_call(self, i: Instruction, b: Builder, sb: ShadowBuilder):
        """``np.linalg.solve`` (transforms/lapack.py): Ẋ = A⁻¹(Ḃ − Ȧ X) per lane."""
        c = lapack.parse(i)
        act = self.activity.active
        if c.b not in act:
            if c.a in act:
                raise unsupported("np.linalg.solve whose solution memory has no shadow", i.loc)
            return
        acopy = lapack.save_before(Builder(self.module, loc=i.loc).before(i), c)
        b.after(i)  # code went in before the call: continue right after it
        sa = sb.lanes(b, sb.sh(c.a, b)) if c.a in act else [None] * self.width
        for k, sbk in enumerate(sb.lanes(b, sb.sh(c.b, b))):
            lapack.tangent(b, self.entry_builder, c, acopy, sa[k], sbk)
        b.call("free", FunctionType(VOID, (PTR,)), [acopy])

    def blas_call(self, i: Instruction, b: Builder, sb: ShadowBuilder):
        """``np.dot`` / ``np.linalg.norm`` of vectors (transforms/blas.py): the call stays and
        computes the primal; each lane's tangent goes to the shadow of the result slot."""
        act = self.activity.active
        if (i.callee_name or "") in blas.MATRIX:
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

    def visit_call_interleaved(self, i: Instruction, name: str, b: Builder, sb: ShadowBuilder,
                               active: bool) -> bool:
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

        if name in table.ALLOCATORS:
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
        if name in table.C_MALLOCS:
            if active:
                n = times_w(ops[0])
                c = b.call(name, i.fnty, [n if ops[0].type == I64 else b.cast("trunc", n, ops[0].type)])
                b.memset(c, 0, n)
                sb.shadow[i] = c
            return True
        if name == table.C_REALLOC:
            if active:
                n = times_w(ops[1])
                sb.shadow[i] = b.call(name, i.fnty, [sb.sh(ops[0], b),
                                                     n if ops[1].type == I64 else b.cast("trunc", n, ops[1].type)])
            return True
        if name in table.C_FREES or name in table.REFCOUNT or name in table.DEALLOCATORS:
            if ops[0] in act:
                b.call(name, i.fnty, [sb.sh(ops[0], b)])
            return True
        if name in table.MEMINFO_DATA:
            if active:
                sb.shadow[i] = b.load(PTR, b.gep(I8, sb.sh(ops[0], b),
                                                 [const_int(I64, w * _MI_DATA)]), 8)
            return True
        if name.startswith("llvm.memset."):
            if ops[0] in act:
                b.memset(sb.sh(ops[0], b), 0, times_w(ops[2]))
            return True
        if name.startswith("llvm.memcpy.") or name.startswith("llvm.memmove."):
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
                raise _NoInterleave(f"a custom rule of `{cf.name}` called with arrays")
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
        exc = site.excinfo if site.excinfo is not None else self.fn.args[1]
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
            if rp in act and sb.interleaved:
                # each float field at offset o: its N lanes at N·o (integers are not mirrored)
                sp = sb.sh(rp, b)
                for path, off in _float_fields(value_type(site.restype)):
                    lanes = [b.extractvalue(yd, path) if path else yd for yd in ydots]
                    b.store(sb.gather_lanes(b, lanes), b.gep(I8, sp, [const_int(I64, w * off)]))
            elif rp in act:
                for lane, yd in zip(sb.lanes(b, sb.sh(rp, b)), ydots):
                    b.store(yd, lane)
        else:
            sb.shadow[i] = sb.gather_lanes(b, ydots)

    # -- step 5 --------------------------------------------------------------------------
    def _wide_array_return(self) -> bool:
        """Width > 1 and the function returns a C-contiguous array (its tangent comes back as
        one array with a leading lane axis, see ``wide_array_tangent``)."""
        rt = self.ret_nb
        return self.width > 1 and isinstance(rt, nbt.Array) and rt.layout == "C" \
            and isinstance(rt.dtype, nbt.Float)

    def emit_return(self, ret: Instruction, sb: ShadowBuilder):
        b = Builder(self.module, loc=ret.loc).before(ret)
        out_nb, parts = self.result_layout()
        if out_nb is None:
            return
        out_t = value_type(out_nb)
        wide_array = "tangent" in parts and self._wide_array_return()
        split = "tangent" in parts and self.width > 1
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
        for part in parts:
            if part == "primal":
                vals.append(b.load(self.slot_t, self.prim_slot))
            elif wide_array and self.interleaved:
                vals.append(self.wide_array_tangent_interleaved(b))
            elif wide_array:
                vals.append(self.wide_array_tangent(b))
            elif self.interleaved:
                vals.append(lanes_to_array(b, b.load(VectorType(self.width, self.slot_t),
                                                         self.ret_shadow)))
            else:
                lanes = [b.load(self.slot_t, a) for a in self.ret_shadow]
                tv = lanes[0]
                if self.width > 1:
                    tv = lanes_to_array(b, ShadowBuilder(self.module, self.fn, self.width,
                                                             None).gather_lanes(b, lanes))
                vals.append(tv)
        if len(vals) == 1:
            b.store(vals[0], self.fn.args[0])
        else:
            agg: Value = undef(out_t)
            for k, v in enumerate(vals):
                agg = b.insertvalue(agg, v, [k])
            b.store(agg, self.fn.args[0])
        if split:
            b.br(done)

    def wide_array_tangent(self, b: Builder) -> Value:
        """Width N, array return: copy lane k's tangent array into ``out[k]`` of a fresh
        C-contiguous array of shape ``(N,) + shape`` and release the lane arrays.

        Lane k's shadow array shares the primal's shape and strides (integers in shadow
        aggregates are the primal's; batched shadow stores skip them), so its data is
        ``nitems * itemsize`` contiguous bytes; its MemInfo carries the one reference the
        returned primal carries (refcounts are mirrored), which we drop after the copy.
        """
        rt, w = self.ret_nb, self.width
        nd = rt.ndim
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
        return self._lane_array(b, rt, mi, data, nitems, itemsize, shapes)

    def _lane_array(self, b: Builder, rt, mi, data, nitems, itemsize, shapes) -> Value:
        """The Numba struct of a fresh C-contiguous array of shape ``(N,) + shapes`` whose
        MemInfo and data are ``mi``/``data`` (the N lane tangents of an array result)."""
        w, nd = self.width, rt.ndim
        at = value_type(nbt.Array(rt.dtype, nd + 1, "C"))
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

    def wide_array_tangent_interleaved(self, b: Builder) -> Value:
        """Width N, interleaved layout, array return: de-interleave the returned shadow
        array's data (element j's lanes are the ``<N x T>`` at ``N·j·itemsize``: the primal is
        C-contiguous) into ``out[k, …]`` of a fresh C-contiguous array of shape ``(N,) +
        shape``, and drop the reference the shadow array carries (refcounts are mirrored)."""
        rt, w = self.ret_nb, self.width
        nd = rt.ndim
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
        b.call(self._deinterleave_helper(value_type(rt.dtype)), FunctionType(VOID, (PTR, PTR, I64)),
               [data, sdata, nitems])
        b.call(self._release_helper(), FunctionType(VOID, (PTR,)), [smi])
        return self._lane_array(b, rt, mi, data, nitems, itemsize, shapes)

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

    def result_layout(self):
        """(Numba return type of the derivative, ['primal'|'tangent', …])."""
        if not self.has_ret:
            return None, []
        rt = self.ret_nb
        tt = rt
        if self.width > 1:
            if self._wide_array_return():
                tt = nbt.Array(rt.dtype, rt.ndim + 1, "C")
            elif not isinstance(rt, nbt.Float):
                raise unsupported(f"a batched forward derivative of a function returning {rt}",
                                  help="use width=1, or return a float or a C-contiguous array")
            else:
                tt = nbt.Array(rt, 1, "C")
        if self.ret_act is Dual:
            return nbt.Tuple((rt, tt)), ["primal", "tangent"]
        if self.ret_act is DualOnly:
            return tt, ["tangent"]
        return rt, ["primal"]

    def derivative_return_type(self):
        out_nb, _ = self.result_layout()
        return out_nb if out_nb is not None else nbt.none


def lane_pointers(b: Builder, base: Value, stride: Value, width: int) -> List[Value]:
    """``base + k·stride`` for k < width: the rows of an array with a leading lane axis
    (a width-N tangent, shadow or seed argument)."""
    return [b.gep(I8, base, [b.mul(stride, const_int(I64, k))]) for k in range(width)]


def lanes_to_array(b: Builder, vec: Value) -> Value:
    """Pack an ``<N x T>`` vector (N tangents or adjoints of a float) into a fresh 1-D
    C-contiguous Numba array {meminfo, parent, n, …} of N elements."""
    w = vec.type.count
    et = vec.type.element
    size = w * (8 if et == F64 else 4)
    mi = b.call("NRT_MemInfo_alloc_aligned", FunctionType(PTR, (I64, I32)),
                [const_int(I64, size), const_int(I32, 32)])
    data = b.load(PTR, b.gep(I8, mi, [const_int(I64, table.MEMINFO_DATA_OFFSET)]), 8)
    for k in range(w):
        b.store(b.extractelement(vec, k), b.gep(et, data, [const_int(I64, k)]))
    at = value_type(nbt.Array(nbt.float64 if et == F64 else nbt.float32, 1, "C"))
    agg: Value = undef(at)
    itemsize = size // w
    for k, v in enumerate([mi, Constant(PTR, "null"), const_int(I64, w), const_int(I64, itemsize),
                           data]):
        agg = b.insertvalue(agg, v, [k])
    agg = b.insertvalue(agg, const_int(I64, w), [5, 0])
    agg = b.insertvalue(agg, const_int(I64, itemsize), [6, 0])
    return agg


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)


def _leaf_type(info, k, argmap=None) -> Type:
    """IR type of leaf k of a Python argument (from Numba's data model)."""
    from numba.core.registry import cpu_target
    from ..llvm.jit import ir_type_of
    dmm = cpu_target.target_context.data_model_manager
    lt = dmm.lookup(info.nbtype).get_argument_type()
    flat = []

    def walk(x):
        if isinstance(x, (list, tuple)):
            for y in x:
                walk(y)
        else:
            flat.append(x)
    walk(lt)
    return ir_type_of(flat[k])


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
    raise _NoInterleave(f"a custom rule result of type {t}")


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


def forward_transform(prep, sig, ret_activity, width, name):
    ft = ForwardTransform(prep, sig, ret_activity, width, name, interleaved=LAYOUT != "lanes")
    if ft.interleaved:
        try:
            ft.run()
        except Exception as e:  # noqa: BLE001 — whatever the interleaved layout cannot do
            # the primal is untouched: drop the attempt and build the lanes-of-pointers
            # layout (it raises its own error if it cannot differentiate the function either)
            prep.module.functions.pop(name, None)
            ft = ForwardTransform(prep, sig, ret_activity, width, name, interleaved=False)
            ft.fallback_reason = str(e) if isinstance(e, (_NoInterleave, UnsupportedError)) \
                else f"{type(e).__name__}: {e}"
            ft.run()
    else:
        ft.run()
    # only the derivative and what it calls stay
    prep.module.functions.pop(prep.fe.llvm_name, None)
    return ft

"""Reverse mode: augmented forward sweep + adjoint sweep in one function, with a tape.

Algorithm (combined mode, like Enzyme's ``CombinedReverse``)
1. Build the derivative function (the signature's parameters: x, dx, …, seed), clone the
   primal body into it (skeleton.py); the primal's result goes to a local slot whose
   *shadow* holds the return adjoint.  Seeds for activity analysis: Active float params,
   Duplicated pointers (their shadows are the caller's dx; for Numba arrays the data
   pointers and MemInfos), the return slot.
2. Forward sweep (the cloned primal, augmented): pointers that may address active memory get
   shadow pointers exactly as in forward mode (GEP on the shadow base, pointer loads from
   shadow memory, a zeroed shadow for every NRT allocation and float alloca).  Shadow
   allocations are recorded on a free list instead of following the primal's refcounts: the
   adjoint sweep still needs them after the primal has freed its arrays.
3. Tape: for every block, the values its adjoint code needs (operands of active float
   instructions that appear in their rules, shadow pointers of active loads/stores, select
   conditions) are pushed at the end of the block, then the block's id (see tape.py).  Values
   that dominate the whole adjoint sweep (arguments, the entry blocks) are not taped.
4. Each ``ret`` becomes: status ≠ 0 → free everything, return the status (exceptions
   propagate, no adjoint sweep); status = 0 (or no status: the C ABI) → start the sweep with
   ``ret_bar = seed`` (1.0 for the C ABI, as ``__enzyme_autodiff``).  An array result's
   shadow is memory (the shadow of the return slot holds the shadow descriptor the forward
   sweep stored there): its seed array is added into it.  A tuple result's shadow slot has
   the result's struct type: float elements' seeds are stored into their fields (the
   adjoints of the primal's stores into the return slot pick them up), array elements'
   seed arrays are added into the element shadows.
5. Adjoint sweep: a dispatcher pops a block id and jumps to that block's adjoint code, which
   pops its values and walks the block's instructions backwards:
       float op r = f(x, y):    x_bar += r_bar · ∂f/∂x  (rules table), r_bar = 0
       r = load p:              shadow(p) += r_bar
       store v, p:              v_bar += shadow(p); shadow(p) = 0
       phi:                     the predecessor is the id now on top of the tape; its
                                incoming value's adjoint receives the phi's
   Adjoints of SSA floats live in zero-initialised stack slots (promoted by O3); each is reset
   when its definition is reversed, so loop iterations never mix.
6. When the tape is empty: free shadow allocations and the tape, hand back
   ``(primal, *adjoints of Active args)`` as the signature's ``Results`` say.

The gradient is with respect to the values at entry even when the function overwrites its
arrays: the adjoint sweep reads only taped values, never primal memory (except argument
memory the function provably never writes, which it may re-load).

What the adjoint code is allowed to reorder, and what it may leave out:
* Load adjoints ``shadow(p) += r̄`` commute with each other, so they wait in ``pending`` until
  something reads shadow memory (a store's adjoint, a call) or the block ends, and go out in
  stencil-friendly address order.  In a loop whose adjoint only accumulates, one into a
  loop-invariant address is summed in a register and written when the sweep leaves the loop;
  in a stencil loop a sliding window of registers writes each cell once (``_plan_windows``).
* Blocks that can only end in an exception are never dispatched to: the adjoint sweep runs
  after successful returns only.
* A counted loop's trip count is recomputed from its bounds when they are available in the
  adjoint sweep (``_plan_trip_counts``); otherwise it is taped at the exit.
* Loads and stores carry scoped-noalias metadata (primal / tape / one scope per shadow
  allocation, scopes.py), so LLVM can keep adjoints in registers and vectorise.
* BLAS/LAPACK calls (blas.py, lapack.py) copy what their adjoint needs to a heap block when
  they run and are reversed by call rules.

Width N (batched reverse): the forward sweep runs once and the tape is shared; every adjoint
is an ``<N x T>`` vector (slots, phis and rule products: partials are computed once and
splatted), and every shadow pointer an ``<N x ptr>`` whose lane k addresses shadow k (the
caller's ``dx[k]``), so adjoint loads/stores through shadows are gathers/scatters.  Shadow
allocations are made per lane; taped shadow pointers take N tape slots; a custom rule's
``bwd`` runs once per lane; an array result's shadow is one slot per lane, seeded with
``seed[k]``.  Invariant: lane k computes exactly what the width-1 derivative computes with
seed k and shadows k.
"""
from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Set

import numpy as np
from numba.core import types as nbt

from .. import activities as A
from ..analysis.activity import analyse_activity
from ..errors import ActivityError, unsupported
from ..ir.builder import Builder
from ..ir.types import (I32, I64, I8, PTR, VOID, ArrayType, FunctionType, StructType, Type,
                        VectorType, alloc_size, contains_float, contains_pointer, store_size)
from ..ir.values import (Argument, Block, Constant, Function, Instruction, Module, Value,
                         const_float, const_int, undef, zero)
from ..llvm.jit import value_type
from ..rules import table
from ..rules.emit import ExprEmitter, active_partials, expression_names, scaled
from .shadows import ShadowBuilder, align_of, describe, lane_pointers
from ..analysis.loops import reverse_postorder
from .signature import ArrayInput, DerivResult, DerivSignature, FloatInput
from .skeleton import Skeleton
from .tape import Stack, narrow, slot_type, widen
from .custom_calls import call_site, emit_rule_call
from ..custom import lookup_call
from ..analysis.loops import analyse_loops, failing_blocks
from .scopes import UNKNOWN, AliasScopes, shadow_keys
from . import blas, callees, lapack
from ..rules.calls import Kind, classify_call
from ..analysis.addresses import accumulation_order, affine
from ..analysis.writes import written_pointers


class ReverseTransform:
    def __init__(self, module: Module, primal: Function, sig: DerivSignature, name: str):
        self.module, self.primal, self.sig, self.name = module, primal, sig, name
        self.width, self.ret_act, self.ret = sig.width, sig.ret_activity, sig.ret
        self.slots: Dict[Value, Value] = {}
        self._copy_types: Dict[Instruction, Type] = {}
        self.custom_sites: Dict[Instruction, tuple] = {}
        self.custom_anchor: Dict[Instruction, Instruction] = {}
        self.scopes = AliasScopes(self.module, name)
        self.pending: List[tuple] = []   # load adjoints not yet emitted (see _flush)
        self.blas_sites: Dict[Instruction, tuple] = {}

    # -- 1. function, clone, seeds ------------------------------------------------------
    def build(self):
        sig = self.sig
        sk = self.skeleton = Skeleton(self.module, self.primal, sig, self.name)
        self.fn, self.excinfo, self.primal_entry = sk.fn, sk.excinfo, sk.primal_entry
        self.prim_slot, self.slot_t = prim_slot, slot_t = sk.prim_slot, sk.slot_t
        self.entry_builder = eb = sk.entry_builder
        self.has_ret = self.ret.has_value
        seeds: Dict[Value, Optional[Value]] = {}
        for inp in sig.inputs:
            if isinstance(inp, FloatInput):
                if inp.activity is A.Active:
                    seeds[sk.param(inp.param)] = None
            else:
                for ptr in inp.pointers(self.width) if isinstance(inp, ArrayInput) else [inp]:
                    seeds[sk.param(ptr.param)] = sk.lanes(eb, ptr.shadow)
        self.ret_bar = None
        what = self.ret.describe
        self.array_ret = self.ret.kind == "array"
        # a tuple result (floats, float arrays, integers, nested tuples) is stored through
        # the return slot field by field like an array's descriptor: its shadow is a slot of
        # the same struct type whose float fields receive the float elements' seeds and whose
        # array fields receive the elements' shadow descriptors (seeded like an array result)
        self.tuple_ret = self.ret.kind == "tuple"
        memory_ret = self.array_ret or self.tuple_ret
        if self.has_ret and not memory_ret and contains_pointer(slot_t):
            raise unsupported(f"a reverse-mode derivative of a function returning {what}",
                              help="return a float, an array or a tuple of them, or write "
                                   "results into an output argument passed as Duplicated")
        if memory_ret:
            if self.ret_act in (A.Active, A.ActiveOnly):
                raise ActivityError(
                    f"error: return activity `{self.ret_act}` is for float results, but the "
                    f"function returns {'an array' if self.array_ret else 'a tuple'} ({what})"
                    f"\n  = help: use ret=Duplicated and pass the output adjoint "
                    f"{'array' if self.array_ret else 'tuple'} as the trailing seed, or ret=Const")
            # the returned array's shadow lands in this slot (the forward sweep stores the
            # shadow struct next to the primal one); the seed is added into its data
            # one slot per lane at width N (the shadow of an alloca)
            self.ret_bars = []
            for _ in range(self.width):
                rb_ = eb.alloca(slot_t, "zy.ret.bar")
                eb.store(zero(slot_t), rb_)
                self.ret_bars.append(rb_)
            self.ret_bar = self.ret_bars[0]
            seeds[prim_slot] = self._gather(eb, self.ret_bars)
        if self.has_ret and not memory_ret and self.ret_act in (A.Duplicated, A.DuplicatedOnly):
            # a float result has no shadow memory: Duplicated would silently drop its adjoint
            raise ActivityError(f"error: return activity `{self.ret_act}` is not valid for a "
                                f"function returning {what}\n  = help: use ret=Active (the "
                                f"return adjoint is the trailing seed argument) or ret=Const")
        if self.has_ret and not memory_ret:
            if not (slot_t.is_float or not contains_float(slot_t)):
                raise unsupported(f"a reverse-mode derivative of a function returning "
                                  f"{what}", help="return a float, or write results into "
                                                  "a Duplicated argument")
            self.ret_bar = eb.alloca(self.stype(slot_t), "zy.ret.bar")
            eb.store(zero(self.stype(slot_t)), self.ret_bar)
            seeds[prim_slot] = self._lane_pointers(eb, self.ret_bar, const_int(
                I64, alloc_size(slot_t)) if self.width > 1 else None)
        self.seeds = seeds

    def stype(self, t: Type) -> Type:
        """Type of a shadow or adjoint at this width (``<N x T>`` for floats and pointers)."""
        return t if self.width == 1 or not (t.is_float or t.is_pointer) else VectorType(self.width, t)

    def _lane_pointers(self, b: Builder, base: Value, stride: Optional[Value]) -> Value:
        """Width N: the ``<N x ptr>`` shadow whose lane k is ``base + k·stride`` (the k-th
        slice of a shadow with a leading lane axis), or ``base`` in every lane when
        ``stride`` is None (MemInfo and parent pointers, shared by the lanes)."""
        if self.width == 1:
            return base
        lanes = [base] * self.width if stride is None else \
            lane_pointers(b, base, stride, self.width)
        return ShadowBuilder(self.module, self.fn, self.width, None).gather_lanes(b, lanes)

    # -- adjoint slots --------------------------------------------------------------------
    def slot(self, v: Value) -> Value:
        if v not in self.slots:
            eb = Builder(self.module).before(self.fn.entry.terminator)
            t = self.stype(v.type)
            s = eb.alloca(t, f"{v.name or 'v'}.bar")
            eb.store(_nzero(t), s)
            self.slots[v] = s
        return self.slots[v]

    def add_to(self, b: Builder, v: Value, delta: Value):
        if isinstance(v, Constant) or v not in self.act.active or not v.type.is_float:
            return
        s = self.slot(v)
        t = self.stype(v.type)
        b.store(b.fadd(b.load(t, s), delta), s)

    def take(self, b: Builder, v: Value) -> Value:
        s = self.slot(v)
        t = self.stype(v.type)
        val = b.load(t, s)
        b.store(_nzero(t), s)
        return val

    # -- 2. forward sweep: pointer shadows ----------------------------------------------------
    def forward_sweep(self):
        fn = self.fn
        # a function returning None still stores a (null) pointer into its return slot: that
        # slot is the transform's scratch memory, never active
        scratch = [] if self.has_ret else [self.prim_slot]
        self.act = act = analyse_activity(fn, self.seeds.keys(), inactive=scratch)
        sb = ShadowBuilder(self.module, fn, self.width, act)
        for k, v in self.seeds.items():
            if v is not None:
                sb.shadow[k] = v
        self.sb = sb
        self.order = reverse_postorder(fn)[1:]
        self.snapshot = {blk: list(blk.instructions) for blk in self.order}
        self.free_list = Stack(self.module, self.entry_builder, "zy.shadows")
        self.raw_lists: Dict[str, Stack] = {}
        phis = []
        for blk in self.order:
            for i in self.snapshot[blk]:
                if i in act.active or i.opcode in ("store", "call"):
                    self.shadow_of(i, sb, phis)
        sb.fill_phis(phis)

    def shadow_of(self, i: Instruction, sb: ShadowBuilder, phis):
        op = i.opcode
        act = self.act.active
        b = Builder(self.module, loc=i.loc).after(i)
        if op == "store":
            v, p = i.operands
            if v in act and p not in act and (v.type.is_float or contains_float(v.type)):
                raise unsupported("a store of an active value into memory that has no shadow "
                                  "(its derivative would be lost)", i.loc,
                                  help=self._no_shadow_help(p))
            if p in act and v.type.is_int and any(
                    o in self.act.types.pointer_memory for o in self.act.types.origins_of(p)):
                # integer fields of structs that also hold pointers (an array struct stored
                # field by field): the shadow struct needs the same shape and strides
                self._shadow_access(sb.store(b, v, sb.sh(p, b), align_of(i)), p)
                return
            if p in act and (contains_pointer(v.type)):
                if contains_float(v.type):
                    raise unsupported("a store of an aggregate holding floats and pointers", i.loc)
                self._shadow_access(sb.store(b, sb.sh(v, b), sb.sh(p, b), align_of(i)), p)
            elif p in act and isinstance(v.type, (StructType, ArrayType)) and contains_float(v.type):
                raise unsupported(f"a store of an aggregate of floats ({v.type}) in reverse mode", i.loc)
            return
        kind = classify_call(i, self.module) if op == "call" else None
        if kind is Kind.CUSTOM:
            self._custom_forward(i, lookup_call(i), b)
            return
        if kind is Kind.CALLEE:
            self._recursive_forward(i, callees.defined_callee(self.module, i), b)
            return
        if op == "call":
            name = i.callee_name or ""
            if (kind is Kind.MEMCPY and i.operands[1] in act
                    and i.operands[0] not in act and self.act.types.is_float_memory(i.operands[1])):
                raise unsupported("a copy of active memory into memory that has no shadow (its "
                                  "derivative would be lost)", i.loc,
                                  help=self._no_shadow_help(i.operands[0]))
            if kind is Kind.MEMCPY and i.operands[0] in act and i.operands[1] in act:
                self._copy_types[i] = self._memory_float_type(i)
            if kind is Kind.LAPACK:
                c = lapack.parse(i, act)
                on = [p in act for p in c.ptrs()] if c is not None else []
                if c is not None and lapack.has_work(c, on, i):
                    b.after(i)  # code goes in before and after the call
                    buf = lapack.save(i, b, c)
                    self.blas_sites[i] = (c, buf, on)
                    self.custom_anchor[b.block.instructions[b.index - 1]] = i
                return
            if kind is Kind.BLAS_MATRIX:
                c = blas.parse_matrix(i)
                on = [p in act for p in blas.matrix_inputs(c)]
                if any(on) and c.c in act:
                    self.blas_sites[i] = (c, blas.matrix_save(b, c, on), on)
                    self.custom_anchor[b.block.instructions[b.index - 1]] = i
                return
            if kind is Kind.BLAS_VECTOR:
                c = blas.parse(i)
                on = [p in act for p, _ in c.vecs]
                if any(on) and c.out in act:
                    self.blas_sites[i] = (c, blas.save(b, c, on), on)
                    # the adjoint runs where the saving ends, before the reverse walk
                    # restores the block's current-value slot (as for custom rules)
                    self.custom_anchor[b.block.instructions[b.index - 1]] = i
                return
            if kind in (Kind.ALLOCATOR, Kind.C_MALLOC) and i in act:
                # a zeroed shadow per lane, kept until the adjoint sweep ends: a MemInfo (data
                # at byte 24) or a raw block (a slice copy's temporary)
                meminfo = kind is Kind.ALLOCATOR
                lanes = []
                for _ in range(self.width):
                    c = sb.zeroed_allocation(b, i, meminfo, keep_dtor=False)
                    if meminfo:
                        self._record_allocation(b, c)
                    else:
                        self._record_raw(b, c, table.C_MALLOCS[name])
                    lanes.append(c)
                sb.shadow[i] = sb.gather_lanes(b, lanes)
            elif kind is Kind.MEMINFO_DATA and i in act:
                # MemInfo -> data pointer: the shadow is the same call on the shadow MemInfo
                sb.shadow[i] = sb.same_op(b, i)
            elif i in act and contains_pointer(i.type) and not i.type.is_float:
                raise unsupported(describe(i), i.loc)
            elif kind not in (Kind.MATH, Kind.INACTIVE, Kind.REFCOUNT, Kind.DEALLOCATOR,
                              Kind.C_FREE, Kind.C_MALLOC, Kind.MEMSET, Kind.MEMCPY):
                if i in act or any(o in act and (o.type.is_float or o.type.is_pointer)
                                   for o in i.operands):
                    raise unsupported(describe(i), i.loc,
                                      help="give the callee a custom derivative or mark it "
                                           "inactive with zymase.inactive")
            return
        if i not in act or not (i.type.is_pointer or isinstance(i.type, (StructType, ArrayType))):
            if i in act and i.template is not None:
                raise unsupported(describe(i), i.loc)
            return
        if isinstance(i.type, (StructType, ArrayType)) and contains_float(i.type):
            raise unsupported(f"an aggregate of floats ({i.type}) in reverse mode", i.loc)
        if op == "phi":
            sb.phi(b, i, phis)
        elif op == "load":
            sb.shadow[i] = sb.load(b, i.type, sb.sh(i.operands[0], b), align_of(i))
            self._shadow_access(sb.shadow[i], i.operands[0])
        elif op in ("getelementptr", "select", "extractvalue", "insertvalue"):
            sb.shadow[i] = sb.same_op(b, i)
        elif op == "alloca":
            sb.shadow[i] = sb.zeroed_allocas(b, i)
        elif op in ("bitcast", "addrspacecast", "freeze"):
            sb.shadow[i] = sb.sh(i.operands[0], b)
        else:
            raise unsupported(describe(i), i.loc)

    # -- custom derivatives (zymase.custom) -------------------------------------------------------
    def _custom_forward(self, i: Instruction, cf, b: Builder):
        """Forward sweep of a call with a user rule: the call itself stays (it computes the
        primal); ``fwd(*primals)`` runs beside it and its residuals go to a heap buffer whose
        address the adjoint sweep gets from the tape."""
        act = self.act.active
        site = call_site(cf, i)
        if cf.inactive or not any(a in act for a in site.args):
            self.inactive_customs = getattr(self, "inactive_customs", set()) | {i}
            return
        if cf.vjp_fwd is None:
            raise unsupported(f"`{cf.name}` in reverse mode: it has a custom derivative but no "
                              f"reverse rule", i.loc,
                              help=f"define one with {cf.name}.defvjp(fwd, bwd)")
        if isinstance(site.restype, nbt.Array):
            raise unsupported(f"a reverse-mode custom rule for `{cf.name}`, which returns an "
                              f"array", i.loc, help="return a float, or use forward mode")
        entry = Builder(self.module).before(self.fn.entry.terminator)
        exc = site.excinfo if site.excinfo is not None else self.excinfo
        res_all = emit_rule_call(self.module, b, entry, site, "fwd", site.argtypes, site.args, exc)
        _, _, fsig = cf.rule_function("fwd", site.argtypes)
        res_t = fsig.return_type.types[1]
        res = b.extractvalue(res_all, [1])
        size = const_int(I64, max(8, alloc_size(res.type)))
        buf = b.call("malloc", FunctionType(PTR, (I64,)), [size])
        b.store(res, buf)
        self._release_arrays(b, b.extractvalue(res_all, [0]), fsig.return_type.types[0])
        self.custom_sites[i] = (site, buf)
        site.res_t = res_t
        # the adjoint runs where the forward sequence ends (after `buf` exists), so that in
        # the reverse walk it comes before buf's current-value slot is restored
        self.custom_anchor[b.block.instructions[b.index - 1]] = i

    def _recursive_forward(self, i: Instruction, callee: Function, b: Builder):
        """Forward sweep of a call of a function defined in the module (recursion,
        callees.py): the call stays; the callee's forward derivative, called once per active
        float argument with that argument's unit tangent, gives the partial derivatives of
        the result, which go to a heap block for the adjoint sweep (linear in the depth of
        the recursion, unlike recomputing a reverse derivative at every level)."""
        rt = callees.check_callee(callee, i.loc)
        mask = callees.active_mask(i, self.act.active)
        if rt is None or not any(mask):
            return
        if not rt.is_float:
            raise unsupported(f"a reverse-mode call of the recursive function "
                              f"`{callees.python_name(callee.name)}` returning {rt}", i.loc)
        site = callees.CallSite(callee, i, rt, mask)
        dname, dsig = callees.derivative(self.module, callee, mask, rt)
        entry = Builder(self.module).before(self.fn.entry.terminator)
        out_t = StructType((rt, rt))
        out = entry.alloca(out_t)
        k = sum(mask)
        buf = b.call("malloc", FunctionType(PTR, (I64,)), [const_int(I64, 8 * k)])
        for j in range(k):
            unit = [const_float(a.type, 1.0 if m == j else 0.0)
                    for m, a in enumerate(a for a, on in zip(site.args, mask) if on)]
            b.call(dname, callees.call_type(dsig), [out, site.excinfo] + site.args + unit)
            b.store(b.extractvalue(b.load(out_t, out), [1]), b.gep(I64, buf, [const_int(I64, j)]))
        self.custom_sites[i] = (site, buf)
        self.custom_anchor[b.block.instructions[b.index - 1]] = i

    def _recursive_adjoint(self, b: Builder, i: Instruction, r, site, buf):
        """``a_j`` += ``ybar`` · ∂G/∂a_j for each active float argument (every lane)."""
        sb = self.sb
        rt = site.rt
        sp = r(sb.shadow[site.retptr])
        ybar = sb.load(b, rt, sp)
        sb.store(b, zero(self.stype(rt)), sp)
        fbuf = r(buf)
        active_args = [a for a, on in zip(site.args, site.mask) if on]
        for j, a in enumerate(active_args):
            d = b.load(rt, b.gep(I64, fbuf, [const_int(I64, j)]))
            lanes = [b.fmul(y, d) for y in sb.lanes(b, ybar)]
            delta = sb.gather_lanes(b, lanes)
            if a.type != rt:
                delta = b.cast("fptrunc" if a.type.bits < rt.bits else "fpext", delta,
                               self.stype(a.type))
            self.add_to(b, a, delta)
        b.call("free", FunctionType(VOID, (PTR,)), [fbuf])

    def _custom_adjoint(self, b: Builder, i: Instruction, r):
        site, buf = self.custom_sites[i]
        if isinstance(site, callees.CallSite):
            return self._recursive_adjoint(b, i, r, site, buf)
        cf = site.cf
        sb = self.sb
        if site.retptr is not None:
            vt = value_type(site.restype)
            sp = r(sb.shadow[site.retptr])
            if self.width > 1 and not vt.is_float:
                raise unsupported(f"a batched reverse-mode call of `{cf.name}`, whose result is "
                                  f"{site.restype}", i.loc, help="use width=1")
            ybar = sb.load(b, vt, sp)
            sb.store(b, zero(self.stype(vt)), sp)
        else:
            ybar = self.take(b, i)
        res_v = b.load(value_type(site.res_t), r(buf))
        entry = Builder(self.module).before(self.fn.entry.terminator)
        exc = site.excinfo if site.excinfo is not None else self.excinfo
        _, _, bsig = cf.rule_function("bwd", (site.res_t, site.restype))
        adj_types = bsig.return_type.types
        if len(adj_types) != len(site.argtypes):
            raise unsupported(f"the reverse rule of `{cf.name}`: bwd returned {len(adj_types)} "
                              f"adjoints for {len(site.argtypes)} arguments", i.loc)
        from ..frontend.numba import describe_args
        amap = describe_args(site.argtypes, [f"a{k}" for k in range(len(site.argtypes))], None)
        # width N: the rule runs once per lane, with that lane's result adjoint; float
        # adjoints are gathered back into vectors, array adjoints go to the lane's shadow
        float_adj: Dict[int, List[Value]] = {}
        for lane, ybar_k in enumerate(sb.lanes(b, ybar)):
            out = emit_rule_call(self.module, b, entry, site, "bwd", (site.res_t, site.restype),
                                 _flatten(b, res_v, site.res_t) + _flatten(b, ybar_k, site.restype),
                                 exc)
            for k, (info, at) in enumerate(zip(amap.args, adj_types)):
                leaves = site.args[info.first - 2: info.first - 2 + info.count]
                adj = b.extractvalue(out, [k])
                if isinstance(info.nbtype, nbt.Float) and isinstance(at, nbt.Float):
                    if at != info.nbtype:
                        adj = b.cast("fptrunc" if info.nbtype.bitwidth < 64 else "fpext", adj,
                                     leaves[0].type)
                    float_adj.setdefault(k, []).append(adj)
                elif isinstance(info.nbtype, nbt.Array) and isinstance(at, nbt.Array):
                    dst = [self._lane(b, r(sb.shadow[v]), lane) if v.type.is_pointer else r(v)
                           for v in leaves]
                    sym = _accumulate_symbol(self.module, info.nbtype, at)
                    b.call(sym, FunctionType(I32, (PTR, PTR) + tuple(v.type for v in dst)
                                             + tuple(t for t in _flat_types(adj.type))),
                           [entry.alloca(I8), exc] + dst + _flatten(b, adj, at))
                    self._release_arrays(b, adj, at)
        for k, adjs in float_adj.items():
            info = amap.args[k]
            self.add_to(b, site.args[info.first - 2], sb.gather_lanes(b, adjs))
        self._release_arrays(b, res_v, site.res_t)
        b.call("free", FunctionType(VOID, (PTR,)), [r(buf)])

    def _gather(self, b: Builder, vals: List[Value]) -> Value:
        """N values → one ``<N x T>`` (the value itself at width 1)."""
        if self.width == 1:
            return vals[0]
        v: Value = undef(VectorType(self.width, vals[0].type))
        for k, x in enumerate(vals):
            v = b.insertelement(v, x, k)
        return v

    def _shadow_access(self, inst, p: Value):
        """Record a load/store of shadow memory reached through the shadow of primal
        pointer ``p``, for the alias scopes (scopes.py)."""
        self.scopes.add_shadow(inst, shadow_keys(self.act.types, p, self.sb.shadow))

    def _lane(self, b: Builder, v: Value, k: int) -> Value:
        return v if self.width == 1 else b.extractelement(v, k)

    def _release_arrays(self, b: Builder, v: Value, nbtype):
        """Drop the references a rule returned inside ``v`` (arrays, recursively in tuples)."""
        if isinstance(nbtype, nbt.Array):
            b.call("NRT_MemInfo_release", FunctionType(VOID, (PTR,)), [b.extractvalue(v, [0])])
        elif isinstance(nbtype, nbt.BaseTuple):
            for k, t in enumerate(nbtype.types):
                if _has_array(t):
                    self._release_arrays(b, b.extractvalue(v, [k]), t)

    def _no_shadow_help(self, p: Value) -> str:
        origins = self.act.types.origins_of(p)
        if any(isinstance(o, Argument) for o in origins):
            return "mark the array written here Duplicated instead of Const"
        def describe(o):
            what = getattr(o, "callee_name", None) or getattr(o, "opcode", "value")
            return f"%{o.name or '?'} ({what})"
        where = ", ".join(sorted(describe(o) for o in origins))
        return f"zymase keeps no shadow for this memory (it comes from {where or 'unknown'})"

    def _record_raw(self, b: Builder, p: Value, free_name: str):
        """Remember a raw shadow block, released with ``free_name`` after the sweep (the
        primal's own free of its block leaves the shadow alone)."""
        if free_name not in self.raw_lists:
            self.raw_lists[free_name] = Stack(self.module, self.entry_builder, f"zy.raw.{free_name}")
        fl = self.raw_lists[free_name]
        fl.grow(b, 1, b.select(fl.is_full(b, 1), const_int(I64, 8), const_int(I64, 0)))
        fl.push_all(b, [p])

    def _record_allocation(self, b: Builder, mi: Value):
        # one-slot push on the free list, with its own growth check inline via the helper
        fl = self.free_list
        full = fl.is_full(b, 1)
        # keep it branch-free: grow unconditionally costs a call per allocation, which is
        # already a C call — acceptable on this cold path
        fl.grow(b, 1, b.select(full, const_int(I64, 8), const_int(I64, 0)))
        fl.push_all(b, [mi])

    # -- 3. what the adjoint code needs, and how it gets it -------------------------------------
    def needed(self, i: Instruction) -> List[Value]:
        act = self.act.active
        op = i.opcode
        if op == "phi":
            return []
        if op == "store":
            v, p = i.operands
            if p in act and v.type.is_float:
                return [self.sb.shadow[p]] if p in self.sb.shadow else []
            return []
        if op == "call" and i in self.blas_sites and isinstance(self.blas_sites[i][0],
                                                                lapack.CALL_TYPES):
            c, buf, on = self.blas_sites[i]
            ints = [v for v in c.ints() if not isinstance(v, Constant)]
            return [buf] + ints + [self.sb.shadow[p] for p, ok in zip(c.ptrs(), on) if ok]
        if op == "call" and i in self.blas_sites and isinstance(self.blas_sites[i][0], blas.MatCall):
            c, buf, on = self.blas_sites[i]
            ints = [v for v in (c.m, c.n, c.k, c.lda, c.ldb, c.ldc) if not isinstance(v, Constant)]
            return ([buf] + ints + [self.sb.shadow[p] for p, ok in
                                    zip(blas.matrix_inputs(c), on) if ok] + [self.sb.shadow[c.c]])
        if op == "call" and i in self.blas_sites:
            c, buf, on = self.blas_sites[i]
            return ([buf, c.n] + [inc for _, inc in c.vecs if not isinstance(inc, Constant)]
                    + [self.sb.shadow[p] for (p, _), ok in zip(c.vecs, on) if ok]
                    + [self.sb.shadow[c.out]])
        if op == "call" and i in self.custom_sites:
            site, buf = self.custom_sites[i]
            out = [buf] + [self.sb.shadow[a] for a in site.args
                           if a.type.is_pointer and a in self.sb.shadow]
            out += [a for a in site.args if a.type.is_int]
            if site.retptr is not None:
                out.append(self.sb.shadow[site.retptr])
            return out
        if op == "call":
            name = i.callee_name or ""
            kind = classify_call(i)
            if kind in (Kind.MEMSET, Kind.MEMCPY) and i.operands[0] in act:
                out = [self.sb.shadow[i.operands[0]], i.operands[2]]
                if kind is Kind.MEMCPY and i.operands[1] in act:
                    out.append(self.sb.shadow[i.operands[1]])
                return out
            rule = table.lookup(name) if name else None
            if rule is not None and i in act and i.type.is_float:
                return self._rule_needs(rule, i)
            return []
        if i not in act or not i.type.is_float:
            return []
        if op in table.INSTRUCTIONS:
            return self._rule_needs(table.INSTRUCTIONS[op], i)
        if op == "select":
            return [i.operands[0]]
        if op == "load":
            return [self.sb.shadow[i.operands[0]]]
        return []

    def _rule_needs(self, rule, i) -> List[Value]:
        names: Set[str] = set()
        for _, _, e in active_partials(rule, i.operands, self.act.active):
            names |= expression_names(e)
        env = {"r": i}
        env.update(zip("xyz", i.operands))
        return [env[n] for n in sorted(names) if n in env]

    def is_free(self, v: Value) -> bool:
        """Available unchanged everywhere in the adjoint sweep: no need to tape or recompute."""
        if isinstance(v, (Constant, Argument, Block)):
            return True
        blk = getattr(v, "block", None)
        return blk is self.fn.entry or blk is self.primal_entry

    _PURE = {"add", "sub", "mul", "shl", "lshr", "ashr", "and", "or", "xor", "fadd", "fsub", "fmul",
             "fdiv", "frem", "fneg", "trunc", "zext", "sext", "fptrunc", "fpext", "fptoui", "fptosi",
             "uitofp", "sitofp", "ptrtoint", "inttoptr", "bitcast", "icmp", "fcmp", "select",
             "getelementptr", "extractvalue", "insertvalue", "freeze"}

    _PURE_CALLS = ("llvm.smax.", "llvm.smin.", "llvm.umax.", "llvm.umin.")

    def recomputable(self, v: Value) -> bool:
        """Cheaper to recompute in the adjoint sweep than to tape (and provably the same value)."""
        if not isinstance(v, Instruction) or v.template is not None:
            return False
        if v.opcode in self._PURE:
            return True
        if v.opcode == "call" and (v.callee_name or "").startswith(self._PURE_CALLS):
            return True
        if v.opcode in ("sdiv", "udiv", "srem", "urem"):
            # by a constant other than 0 and -1: it cannot trap (range() with a step)
            d = v.operands[1]
            return isinstance(d, Constant) and d.text not in ("0", "-1")
        if v.opcode == "load" and v in self.primal_insts and self.readonly_loads:
            return all(o in self.param_origins for o in self.act.types.origins_of(v.operands[0]))
        return False

    def _readonly_analysis(self):
        """Loads from argument memory may be recomputed only if the function writes nothing
        but fresh memory (allocas, its own NRT allocations) and calls nothing unknown with a
        pointer: then no write can alias an argument, whatever the caller passed."""
        types = self.act.types
        self.param_origins = {a for a in self.fn.args}
        # excinfo: exception bookkeeping, never array data
        fresh = {self.excinfo} if self.excinfo is not None else set()
        for i in self.fn.instructions():
            if i.opcode == "alloca":
                fresh.add(i)
            elif i.opcode == "load" and i.type.is_pointer and all(
                    isinstance(o, Instruction) and o.opcode == "call"
                    and classify_call(o) is Kind.ALLOCATOR
                    for o in types.origins_of(i.operands[0])):
                fresh.add(i)
            elif i.opcode == "call" and classify_call(i) is Kind.MEMINFO_DATA:
                fresh.add(i)
        self.fresh = fresh
        ok = True
        for i in self.primal_insts:
            dsts = self._written(i)
            if dsts is None or not all(o in fresh for d in dsts for o in types.origins_of(d)):
                ok = False
        self.readonly_loads = ok

    @staticmethod
    def _written(i: Instruction) -> Optional[List[Value]]:
        """Pointers primal instruction ``i`` may write through (analysis/writes.py), with
        ``free``/``realloc`` as writing anywhere: the adjoint sweep re-reads memory."""
        return written_pointers(i, frees_write=True)

    def _loop_invariant(self, v: Value, lp, allow: Optional[Value] = None) -> bool:
        """Computed outside ``lp`` (or is ``allow``), or purely from such values: so
        re-materialising it after the loop gives the value every iteration used."""
        seen: Set[int] = set()
        work = [v]
        while work:
            x = work.pop()
            if id(x) in seen:
                continue
            seen.add(id(x))
            if not isinstance(x, Instruction) or x.block not in lp.blocks or x is allow:
                continue
            if x.opcode not in self._PURE or x.template is not None:
                return False
            work.extend(x.operands)
        return True

    def _invariant_load(self, v: Instruction, lp) -> bool:
        """A load in counted loop ``lp`` reads the same value in every iteration of one run
        of the loop: its address is computed outside the loop, it reads fresh memory (an
        alloca or the function's own allocation, which no argument can alias), and nothing
        in the loop writes memory of the same origin (every write in the loop goes to
        argument or fresh memory of other origins)."""
        p = v.operands[0]
        if not self._loop_invariant(p, lp):
            return False
        types = self.act.types
        origins = types.origins_of(p)
        if not origins or not origins <= self.fresh:
            return False
        known = self.fresh | self.param_origins
        for b in lp.blocks:
            for i in self.snapshot.get(b, ()):
                dsts = self._written(i)
                if dsts is None:
                    return False
                for d in dsts:
                    o = types.origins_of(d)
                    if not o or not o <= known or o & origins:
                        return False
        return True

    def materialize(self, v: Value, b: Optional[Builder], memo: Dict[Value, Value]) -> Value:
        """The value ``v`` had in the forward sweep, at the current point of the adjoint
        sweep: free values as they are, leaves from their current-value slot, the rest
        recomputed from those.  With ``b=None`` it only records leaves (planning pass)."""
        if v in memo:
            return memo[v]
        if self.is_free(v):
            out = v
        elif self.recomputable(v):
            ops = [self.materialize(o, b, memo) for o in v.operands]
            if b is None:
                out = v
            else:
                c = v.clone()
                c.name = None
                c.operands = ops
                c.blocks = []
                out = b.emit(c)
                self.scopes.add_primal(c)
        else:
            if v not in self.leaves:
                if b is not None:
                    raise RuntimeError(f"zymase internal error: %{v.name} needed by the adjoint "
                                       f"sweep was not planned onto the tape")
                self.leaves[v] = None
            out = v if b is None else b.load(v.type, self.cur_slot(v))
        memo[v] = out
        return out

    def cur_slot(self, v: Value) -> Value:
        if v not in self.cur:
            eb = Builder(self.module).before(self.fn.entry.terminator)
            self.cur[v] = eb.alloca(v.type, f"{v.name or 'v'}.cur")
        return self.cur[v]

    def _iv_step(self, phi: Instruction) -> Optional[int]:
        """``c`` if ``phi = [init, preheader], [phi + c, latch]`` in a counted loop header."""
        lp = self.li.loops.get(phi.block)
        if lp is None or not lp.counted or not phi.type.is_int:
            return None
        for v, src in zip(phi.operands, phi.blocks):
            if src is lp.latches[0]:
                if isinstance(v, Instruction) and v.opcode == "add" and v.operands[0] is phi \
                        and isinstance(v.operands[1], Constant):
                    try:
                        return int(v.operands[1].text)
                    except ValueError:
                        return None
                return None
        return None

    # -- 4/5. instrumentation and the adjoint sweep -----------------------------------------------
    def run(self):
        self.build()
        self.forward_sweep()
        fn, module = self.fn, self.module
        self.li = li = analyse_loops(fn)
        # the adjoint sweep never comes back through exception paths
        self.failing = failing_blocks(fn)
        blocks = [b for b in li.order if b is not fn.entry]
        # primal and shadow instructions of each block (shadow pointer phis can be leaves
        # too), captured before any tape instrumentation is added
        self.body = {blk: list(blk.instructions) for blk in blocks}
        self.primal_insts = {i for b in blocks for i in self.snapshot.get(b, ())}
        self._readonly_analysis()
        # planning: which values the adjoint code needs, which of them are leaves
        self.leaves: Dict[Value, None] = {}
        self.cur: Dict[Value, Value] = {}
        for blk in blocks:
            for i in self.snapshot[blk]:
                memo: Dict[Value, Value] = {}
                for v in self.needed(i):
                    self.materialize(v, None, memo)
        self._find_free_loops()
        self._find_accumulating_loops()
        self._plan_windows()
        self.iv = {v: self._iv_step(v) for v in self.leaves
                   if isinstance(v, Instruction) and v.opcode == "phi"
                   and v.block not in self.free_of}
        self.iv = {v: c for v, c in self.iv.items() if c is not None}
        # loads that read the same value in every iteration of their loop are taped once per
        # run of the loop (at the preheader), like induction variables, not per iteration
        self.inv = {}
        for v in self.leaves:
            if isinstance(v, Instruction) and v.opcode == "load" and v.block not in self.free_of:
                lp = li.loop_of.get(v.block)
                if lp is not None and lp.counted and self._invariant_load(v, lp):
                    self.inv[v] = lp
        self._plan_trip_counts()
        tape = Stack(module, self.entry_builder, "zy.tape")
        self.tape = tape
        # tape bytes of the most recent call go to a Python-owned cell (Derivative.tape_bytes);
        # every linked copy of the derivative writes the same cell
        self.bid = {blk: k for k, blk in enumerate(blocks)}
        counted = {lp.header: lp for lp in li.loops.values() if lp.counted}
        self.counted = counted
        # iteration counters (forward) and their reverse twins
        self.cnt: Dict = {}
        self.rcount: Dict = {}
        for h, lp in counted.items():
            cb = Builder(module).after_phis(h)
            c = Instruction("phi", I64, [])
            h.insert(0, c)
            self.cnt[lp] = c
            pre_b = Builder(module).before_terminator(lp.latches[0])
            nxt = pre_b.add(c, const_int(I64, 1))
            c.add_incoming(const_int(I64, 1), lp.preheader)
            c.add_incoming(nxt, lp.latches[0])
            eb = Builder(module).before(fn.entry.terminator)
            self.rcount[lp] = eb.alloca(I64, "zy.rcount")
        # forward pushes, per block, in the order the adjoint sweep pops them in reverse
        self.need: Dict[Block, int] = {}
        self.pushed: Dict[Block, List[str]] = {}
        self.pred_id: Dict[Block, Value] = {}
        self.exit_loops: Dict[Block, List] = {}
        self.iv_saves: Dict[Block, List[Value]] = {}
        for blk in blocks:
            self._instrument(blk)
        for pre, ivs in self.iv_saves.items():
            b = Builder(module).before_terminator(pre)
            self._push(b, [b.load(v.type, self.cur_slot(v)) for v in ivs])
            self.need[pre] = self.need.get(pre, 0) + sum(_nslots(v.type) for v in ivs)
        # a loop the adjoint sweep skips saves, once before it runs, the current values of
        # the leaves it defines; skipping it in reverse restores them
        for lp, saved in self.free_saves.items():
            if saved:
                b = Builder(module).before_terminator(lp.preheader)
                self._push(b, [b.load(v.type, self.cur_slot(v)) for v in saved])
                self.need[lp.preheader] = self.need.get(lp.preheader, 0) + sum(
                    _nslots(v.type) for v in saved)
        # returns → status check → adjoint sweep
        exit_blk = fn.add_block("zy.rev.exit")
        self.rev = {blk: fn.add_block(f"zy.rev.{blk.name}") for blk in blocks}
        for blk in blocks:
            term = blk.terminator
            if term is not None and term.opcode == "ret":
                status = self.skeleton.status(term)
                term.erase()
                b = Builder(module).at_end(blk)
                if status is None:  # no status: every return succeeds
                    start = fn.add_block(f"zy.rev.start.{self.bid[blk]}")
                    b.br(start)
                else:
                    ok = b.icmp("eq", status, const_int(I32, 0))
                    err = fn.add_block(f"zy.err.{self.bid[blk]}")
                    start = fn.add_block(f"zy.rev.start.{self.bid[blk]}")
                    b.cbr(ok, start, err)
                    eb = Builder(module).at_end(err)
                    self._free_shadows(eb)
                    tape.release(eb)
                    eb.ret(status)
                sb_ = Builder(module).at_end(start)
                if self.ret_bar is not None and self.ret_act in (A.Active, A.ActiveOnly):
                    sb_.store(self._seed_value(sb_), self.ret_bar)
                if (self.array_ret or self.tuple_ret) and \
                        self.ret_act in (A.Duplicated, A.DuplicatedOnly):
                    sb_ = self._seed_array_return(sb_, start)
                if self.tape_counter is not None:
                    used = sb_.sub(sb_.cast("ptrtoint", sb_.load(PTR, tape.top), I64),
                                   sb_.cast("ptrtoint", sb_.load(PTR, tape.base), I64))
                    sb_.store(used, Constant(PTR, f"inttoptr (i64 {self.tape_counter} to ptr)"))
                sb_.br(self.rev[blk])
        # capacity checks at the end of every block, for what its successors push; a counted
        # loop whose blocks push nothing has its exits' entries reserved once in its
        # preheader (nothing is pushed in between), so its body stays free of checks and
        # vectorises like the primal's
        hoisted: Dict[Block, int] = {}
        skip: Dict[Block, Set[Block]] = {}
        for lp in list(counted.values()) + [f for f in self.free_saves if not f.counted]:
            if all(self.need.get(b, 0) == 0 for b in lp.blocks):
                n_exit = max((self.need.get(e, 0) for e in lp.exits), default=0)
                hoisted[lp.preheader] = max(hoisted.get(lp.preheader, 0), n_exit)
                for b in lp.blocks:
                    skip[b] = set(lp.exits)
        self._reserve(fn.entry, self.need.get(self.primal_entry, 0))
        for blk in blocks:
            succ = [s for s in blk.successors() if s not in skip.get(blk, ())]
            self._reserve(blk, max([self.need.get(s, 0) for s in succ]
                                   + [hoisted.get(blk, 0)]))
        self.skip_blk = {}
        for lp, saved in self.free_saves.items():
            sk = fn.add_block(f"zy.rev.skip.{lp.header.name}")
            b = Builder(module, sk)
            for v in reversed(saved):
                b.store(self._pop(b, v.type), self.cur_slot(v))
            b.br(self.rev[lp.preheader])
            self.skip_blk[lp] = sk
        for blk in blocks:
            if blk in self.free_of:
                Builder(module, self.rev[blk]).emit(Instruction("unreachable", VOID, []))
            else:
                self._reverse_block(blk, exit_blk)
        self._store_promoted()
        self._finish_windows()
        self._finish(exit_blk)
        for blk in self.order:
            for i in self.snapshot[blk]:
                self.scopes.add_primal(i)
        if self.width == 1:
            self.scopes.apply()
        return fn

    # -- loops the adjoint sweep skips ------------------------------------------------------
    def _has_adjoint(self, i: Instruction) -> bool:
        """Whether the adjoint sweep does anything for primal instruction ``i``."""
        act = self.act.active
        if i.opcode == "store":
            return i.operands[1] in act and contains_float(i.operands[0].type)
        if i.opcode == "call":
            if i in self.custom_sites or i in self.blas_sites:
                return True
            if classify_call(i) in (Kind.MEMSET, Kind.MEMCPY):
                return i.operands[0] in act
        return i in act and contains_float(i.type)

    def _find_free_loops(self):
        """Loops without adjoint work (a nearest-centroid search, a convergence test on
        inactive values): the adjoint sweep jumps over them, so they record no control flow
        and no per-iteration values.  Outermost such loops with a preheader and dedicated
        exits that are not loop headers themselves."""
        li = self.li
        self.free_of: Dict[Block, object] = {}
        self.free_saves: Dict[object, List[Value]] = {}
        self.free_exit: Dict[Block, object] = {}
        for lp in sorted(li.loops.values(), key=lambda l: l.depth):
            if lp.preheader is None or not lp.dedicated_exits or not lp.exits \
                    or lp.header in self.free_of or any(e in li.loops for e in lp.exits):
                continue
            # an exit phi receiving an active float through the loop would need to know
            # which exiting block ran, which a skipped loop does not record
            ok = not any(p in self.act.active and contains_float(p.type)
                         for e in lp.exits for p in e.phis())
            for b in lp.blocks if ok else ():
                t = b.terminator
                if t is None or t.opcode not in ("br", "switch") or any(
                        self._has_adjoint(i) for i in self.snapshot.get(b, ())):
                    ok = False
                    break
            if not ok:
                continue
            for b in lp.blocks:
                self.free_of[b] = lp
            for e in lp.exits:
                self.free_exit[e] = lp
            self.free_saves[lp] = [v for v in self.leaves
                                   if getattr(v, "block", None) in lp.blocks]

    def _find_accumulating_loops(self):
        """Counted loops whose adjoint code touches shadow memory only by accumulating into
        it (``shadow(p) += r̄`` for loads; no stores of active values, copies or custom
        rules).  Accumulations commute, so inside such a loop one into an address that does
        not change across its iterations can be summed in a register and added to memory
        once, when the adjoint sweep leaves the loop — whatever else the loop accumulates
        into, the same address included.  (Pairwise energy: ``dx[i] += ḡ`` in the loop
        over ``j``, which would otherwise be a store-to-load chain through memory.)"""
        self.acc_loops: Set = set()
        self.acc_exit: Dict = {}             # loop -> edge block leaving its adjoint
        self.promoted: Dict = {}             # loop -> [(load, register slot)]
        for lp in self.li.loops.values():
            if not lp.counted or lp.header in self.free_of:
                continue
            ok = True
            for b in lp.blocks:
                for i in self.snapshot.get(b, ()):
                    if i.opcode == "store" and i.operands[1] in self.act.active \
                            and contains_float(i.operands[0].type):
                        ok = False
                    elif i.opcode == "call" and self._has_adjoint(i) and not (
                            i.type.is_float and table.lookup(i.callee_name or "")):
                        ok = False
                if not ok:
                    break
            if ok:
                self.acc_loops.add(lp)

    def _plan_windows(self):
        """Sliding accumulation windows for stencil loops (width 1).

        In an innermost counted loop whose latch block ``B`` loads ``a[i+u]`` for every
        ``u`` of a contiguous range ``umin..umax`` (``i`` the induction variable), the
        adjoint of iteration ``t`` accumulates into cells ``t+umin..t+umax`` and cell
        ``t+umax`` is never touched again by the (descending) adjoint loop.  Instead of a
        read-modify-write of every cell in every iteration, which chains iteration ``t`` to
        ``t-1`` through memory (LLVM will not vectorise a store followed by an overlapping
        load), the window keeps one register per offset: iteration ``t`` adds into them,
        writes cell ``t+umax`` once, and shifts.  Leaving the loop writes the cells still
        pending; a pointer slot that stays null until an iteration ran makes that safe for
        loops that ran zero times.  Every cell the window reads or writes is one a primal
        load of the group read, so no access falls outside the arrays.

        Other accumulations commute with these, so any may stay; a read of shadow memory in
        the loop that may alias the group's memory stops the window — except the adjoint of
        one store ``a[i+umin] = …`` in ``B`` that no pending accumulation touches ("set"
        mode).  That store's adjoint reads the cell (complete: nothing is pending for it)
        and does not zero it, because the window later *writes* the cell rather than adding
        to it; cells the store never reaches in this run of the loop are loaded into the
        registers when the adjoint loop is entered.  In set mode no other accumulation in
        the loop may touch the group's memory (it would be overwritten)."""
        self.windows_in: Dict[Block, List] = {}
        self.window_of: Dict[Instruction, _Window] = {}
        self.loop_windows: Dict = {}
        self.window_rz: Set[Instruction] = set()
        self.window_enter: Dict = {}
        if self.width != 1:
            return
        act, sb, types = self.act.active, self.sb, self.act.types
        parents = {lp.parent for lp in self.li.loops.values() if lp.parent is not None}
        for lp in self.li.loops.values():
            B = lp.latches[0] if lp.latches else None
            if not lp.counted or lp in parents or lp.header in self.free_of or B is lp.header:
                continue
            # set mode loads its first cells on the edge from an exit into the header's
            # adjoint: every exit must leave from the header
            exits_from_header = all(p is lp.header for e in lp.exits
                                    for p in self.li.preds.get(e, []) if p in lp.blocks)
            body = self.snapshot.get(B, [])
            pos = {i: k for k, i in enumerate(body)}
            groups: Dict[tuple, List] = {}
            for i in body:
                if i.opcode == "load" and i in act and i.type.is_float and i.operands[0] in sb.shadow:
                    root, terms, c = affine(i.operands[0])
                    # one term is the induction variable, the others do not change in the loop
                    ivs = [(v, sc) for v, sc in terms if isinstance(v, Instruction)
                           and v.block is lp.header and v.opcode == "phi" and self._iv_step(v)]
                    if len(ivs) == 1 and all(self._loop_invariant(v, lp)
                                             for v, _ in terms if v is not ivs[0][0]):
                        groups.setdefault((root, terms, ivs[0]), []).append((i, c))
            if not groups:
                continue
            reads = [i for b in lp.blocks for i in self.snapshot.get(b, ())
                     if (i.opcode == "store" and i.operands[1] in act
                         and contains_float(i.operands[0].type))
                     or (i.opcode == "call" and self._has_adjoint(i)
                         and not (i.type.is_float and table.lookup(i.callee_name or "")))]
            accs = [i for b in lp.blocks for i in self.snapshot.get(b, ())
                    if i.opcode == "load" and i in act and i.type.is_float and i.operands[0] in sb.shadow]
            for (root, terms, ivterm), mem in groups.items():
                w = self._window(lp, B, root, terms, ivterm, mem, reads, accs, pos)
                if w is None or (w.set_mode and not exits_from_header):
                    continue
                self.loop_windows.setdefault(lp, []).append(w)
                self.windows_in.setdefault(B, []).append(w)
                for i in w.u:
                    self.window_of[i] = w
                if w.rz is not None:
                    self.window_rz.add(w.rz)

    def _window(self, lp, B, root, terms, ivterm, mem, reads, accs, pos):
        sb, types = self.sb, self.act.types
        iv, scale = ivterm
        D = scale * self._iv_step(iv)
        t0 = mem[0][0].type
        if abs(D) != store_size(t0) or any(i.type != t0 for i, _ in mem):
            return None
        c0 = mem[0][1]
        if any((c - c0) % D for _, c in mem):
            return None
        u = {i: (c - c0) // D for i, c in mem}
        umin, umax = min(u.values()), max(u.values())
        if umin == umax or set(u.values()) != set(range(umin, umax + 1)):
            return None
        if not all(self._loop_invariant(sb.shadow[i.operands[0]], lp, allow=iv) for i in u):
            return None
        keys = shadow_keys(types, mem[0][0].operands[0], sb.shadow)
        if UNKNOWN in keys:
            return None

        def may_alias(p) -> bool:
            k = shadow_keys(types, p, sb.shadow)
            return UNKNOWN in k or bool(k & keys)
        rz = None
        for r in reads:
            if r.opcode == "store" and not may_alias(r.operands[1]):
                continue
            if r.opcode == "store" and r.block is B and rz is None and r.operands[0].type == t0:
                rr, rt, rc = affine(r.operands[1])
                if rr is root and rt == terms and (rc - c0) % D == 0 and (rc - c0) // D == umin \
                        and not any(pos[i] > pos[r] and u[i] == umin for i in u):
                    rz = r
                    continue
            return None
        if rz is not None and any(a not in u and may_alias(a.operands[0]) for a in accs):
            return None
        w = _Window(lp, u, umin, umax, D, rz)
        eb = Builder(self.module).before(self.fn.entry.terminator)
        for k in range(umin, umax + 1):
            w.regs[k] = eb.alloca(t0, f"zy.win{k - umin}")
            eb.store(_nzero(t0), w.regs[k])
        w.last = eb.alloca(PTR, "zy.win.last")
        eb.store(Constant(PTR, "null"), w.last)
        w.dummy = eb.alloca(ArrayType(umax - umin, t0), "zy.win.dummy")
        w.ref = next(i for i in u if u[i] == umax)
        return w

    def _window_cell(self, b: Builder, w, i: Instruction, sp: Value, val: Value):
        """Flush ``val`` into the cell at ``sp``: set it (set mode) or add to it."""
        if not w.set_mode:
            cur = self.sb.load(b, i.type, sp, align_of(i))
            self._shadow_access(cur, i.operands[0])
            val = b.fadd(cur, val)
        self._shadow_access(self.sb.store(b, val, sp, align_of(i)), i.operands[0])

    def _window_step(self, b: Builder, w):
        """End of the adjoint of one iteration: cell t+umax is final; shift the window."""
        t = w.ref.type
        if w.sp_max is None:
            raise RuntimeError("zymase internal error: a window's top member was not reversed")
        self._window_cell(b, w, w.ref, w.sp_max, b.load(t, w.regs[w.umax]))
        b.store(w.sp_max, w.last)
        for k in range(w.umax, w.umin, -1):
            b.store(b.load(t, w.regs[k - 1]), w.regs[k])
        b.store(_nzero(t), w.regs[w.umin])
        w.sp_max = None

    def _finish_windows(self):
        for lp, ws in self.loop_windows.items():
            # leaving: cells t0+umin..t0+umax-1 are pending (t0 the first primal iteration)
            b = Builder(self.module).before_terminator(self.acc_exit[lp])
            for w in ws:
                t = w.ref.type
                last = b.load(PTR, w.last)
                ran = b.icmp("ne", last, Constant(PTR, "null"))
                for k in range(w.umin + 1, w.umax + 1):
                    cell = b.gep(I8, last, [const_int(I64, (k - 1 - w.umax) * w.D)])
                    spare = b.gep(t, w.dummy, [const_int(I64, k - 1 - w.umin)])
                    self._window_cell(b, w, w.ref, b.select(ran, cell, spare), b.load(t, w.regs[k]))
                    b.store(_nzero(t), w.regs[k])
                b.store(Constant(PTR, "null"), w.last)
            # entering (set mode): cells T-1+umin+1..T-1+umax are never reached by the
            # store's adjoint in this run; their current contents start the registers
            for eb in self.window_enter.get(lp, ()):
                b = Builder(self.module).before_terminator(eb)
                ran = b.icmp("ugt", b.load(I64, self.rcount[lp]), const_int(I64, 1))
                for w in ws:
                    if not w.set_mode:
                        continue
                    t = w.ref.type
                    sp = self.materialize(self.sb.shadow[w.ref.operands[0]], b, {})
                    for k in range(w.umin + 1, w.umax + 1):
                        cell = b.gep(I8, sp, [const_int(I64, (k - 1 - w.umax) * w.D)])
                        spare = b.gep(t, w.dummy, [const_int(I64, k - 1 - w.umin)])
                        ld = self.sb.load(b, t, b.select(ran, cell, spare), align_of(w.ref))
                        self._shadow_access(ld, w.ref.operands[0])
                        b.store(b.select(ran, ld, _nzero(t)), w.regs[k])

    def _promotion_loop(self, i: Instruction, sp: Value):
        """The outermost accumulating loop around load ``i`` in which the shadow address
        ``sp`` is invariant (every loop in between accumulating too), or None."""
        best = None
        lp = self.li.loop_of.get(i.block)
        while lp is not None and lp in self.acc_loops and self._loop_invariant(sp, lp):
            best, lp = lp, lp.parent
        return best

    def _push(self, b: Builder, vals: List[Value], cond: Optional[Value] = None):
        """Push values (all of them, or none when ``cond`` is false) at ``b``."""
        t = self.tape
        top = b.load(PTR, t.top)
        off = 0
        for v in vals:
            self.scopes.add_tape(b.store(widen(b, v), b.gep(I8, top, [const_int(I64, 8 * off)]), 8))
            off += _nslots(v.type)
        step = const_int(I64, 8 * off)
        if cond is not None:
            step = b.select(cond, step, const_int(I64, 0))
        b.store(b.gep(I8, top, [step]), t.top)

    def _pop(self, b: Builder, t: Type, cond: Optional[Value] = None) -> Value:
        tp = self.tape
        top = b.load(PTR, tp.top)
        prev = b.gep(I8, top, [const_int(I64, -8 * _nslots(t))])
        addr = prev if cond is None else b.select(cond, prev, b.load(PTR, tp.base))
        ld = b.load(slot_type(t), addr, 8)
        self.scopes.add_tape(ld)
        v = narrow(b, ld, t)
        b.store(prev if cond is None else b.select(cond, prev, top), tp.top)
        return v

    def _instrument(self, blk: Block):
        module = self.module
        li = self.li
        n = 0
        b = Builder(module).after_phis(blk)
        preds = self._live_preds(blk)
        lp_here = self.counted.get(blk)
        free = self.free_of.get(blk)
        if free is not None:
            # inside a loop the adjoint sweep skips: keep current values, record nothing
            for i in self.body[blk]:
                if i in self.leaves:
                    ab = Builder(module).after_phis(blk) if i.opcode == "phi" \
                        else Builder(module).after(i)
                    ab.store(i, self.cur_slot(i))
            self.exit_loops[blk] = []
            self.need[blk] = 0
            return
        skipped = self.free_exit.get(blk)
        if len(preds) > 1 and lp_here is None and skipped is None:
            pid = Instruction("phi", I64, [])
            blk.insert(0, pid)
            for p in li.preds.get(blk, []):  # exception-path predecessors record -1
                # one entry per CFG edge: a switch may reach ``blk`` on several cases
                for _ in range(p.successors().count(blk)):
                    pid.add_incoming(const_int(I64, self.bid.get(p, -1) if p in preds else -1), p)
            self.pred_id[blk] = pid
            b = Builder(module).after_phis(blk)
            self._push(b, [pid])
            n += 1
            self.pushed.setdefault(blk, []).append("<pred id>")
        # loops left on entering this block (dedicated exits of counted loops)
        exited = []
        for lp in self.counted.values():
            if blk in lp.exits and (skipped is None or lp.header not in skipped.blocks):
                exited.append(lp)
        exited.sort(key=lambda l: -l.depth)
        self.exit_loops[blk] = exited
        for lp in exited:
            if lp in self.trip:
                continue  # the adjoint sweep computes it
            self._push(b, [self.cnt[lp]])
            n += 1
            self.pushed.setdefault(blk, []).append(f"<trip count of {lp.header.name}>")
        # phi leaves (current-value slots), then instruction leaves after each definition
        for phi in [p for p in self.body[blk] if p.opcode == "phi" and p in self.leaves]:
            if phi in self.iv:
                # the value before the loop is saved once, at the end of the preheader
                self.iv_saves.setdefault(self.counted[blk].preheader, []).append(phi)
            else:
                self._push(b, [b.load(phi.type, self.cur_slot(phi))])
                n += _nslots(phi.type)
                self.pushed.setdefault(blk, []).append(_vname(phi))
            b.store(phi, self.cur_slot(phi))
        for i in self.body[blk]:
            if i.opcode != "phi" and i in self.leaves:
                ab = Builder(module).after(i)
                if i in self.inv:
                    self.iv_saves.setdefault(self.inv[i].preheader, []).append(i)
                else:
                    old = ab.load(i.type, self.cur_slot(i))
                    self._push(ab, [old])
                    n += _nslots(i.type)
                    self.pushed.setdefault(blk, []).append(_vname(i))
                ab.store(i, self.cur_slot(i))
        self.need[blk] = n

    def _plan_trip_counts(self):
        """Counted loops whose trip count the adjoint sweep computes instead of taping it:
        the header tests ``iv <pred> bound`` (signed, the induction variable's step moving
        towards the bound), the initial value and the bound are available in the adjoint
        sweep without taping (arguments, pure expressions of them and of other loops'
        inverted induction variables, values already taped), and every other way out of the
        loop is an exception path (a ``break`` would end the loop early).  ``range`` loops
        over array sizes (GMM's ``for j in range(d)``) record nothing at all."""
        self.trip: Dict = {}
        negate = {"slt": "sge", "sge": "slt", "sgt": "sle", "sle": "sgt"}
        swap = {"slt": "sgt", "sgt": "slt", "sle": "sge", "sge": "sle"}
        for lp in self.li.loops.values():
            h = lp.header
            t = h.terminator
            if not lp.counted or h in self.free_of or t is None or t.opcode != "br" \
                    or len(t.operands) != 1:
                continue
            cond = t.operands[0]
            inside = [blk in lp.blocks for blk in t.blocks]
            if not (isinstance(cond, Instruction) and cond.opcode == "icmp" and cond.block is h
                    and inside[0] != inside[1] and cond.pred in negate):
                continue
            if any(s not in lp.blocks and s not in self.failing
                   for blk in lp.blocks if blk is not h for s in blk.successors()):
                continue
            a, c = cond.operands
            pred = cond.pred if inside[0] else negate[cond.pred]
            if not (isinstance(a, Instruction) and a.block is h and a.opcode == "phi"
                    and self._iv_step(a)):
                a, c, pred = c, a, swap[pred]
            if not (isinstance(a, Instruction) and a.block is h and a.opcode == "phi"):
                continue
            step = self._iv_step(a)
            if not step or (step > 0) != (pred in ("slt", "sle")):
                continue
            init = next((v for v, src in zip(a.operands, a.blocks) if src is lp.preheader), None)
            if init is None or not (self._available(init, lp) and self._available(c, lp)):
                continue
            self.trip[lp] = (init, step, c, pred)

    def _available(self, v: Value, lp, depth: int = 0) -> bool:
        """``v`` (defined outside ``lp``) can be materialised in the adjoint sweep without
        planning anything new onto the tape."""
        if self.is_free(v) or v in self.leaves:
            return getattr(v, "block", None) not in lp.blocks
        if depth > 12 or not self.recomputable(v) or v.opcode == "load" \
                or getattr(v, "block", None) in lp.blocks:
            return False
        return all(self._available(o, lp, depth + 1) for o in v.operands)

    def _trip_count(self, b: Builder, lp) -> Value:
        """Header executions of the run of ``lp`` being reversed: iterations + 1."""
        init, step, bound, pred = self.trip[lp]
        memo: Dict[Value, Value] = {}
        v0 = self.materialize(init, b, memo)
        c = self.materialize(bound, b, memo)
        m = const_int(v0.type, abs(step))
        lo, hi = (v0, c) if step > 0 else (c, v0)   # iterations while lo < hi (or <=)
        span = b.sub(hi, lo)
        if pred in ("slt", "sgt"):
            runs = b.emit(Instruction("sdiv", v0.type, [b.add(span, b.sub(m, const_int(v0.type, 1))), m]))
            ok = b.icmp("sgt", span, const_int(v0.type, 0))
        else:
            runs = b.add(b.emit(Instruction("sdiv", v0.type, [span, m])), const_int(v0.type, 1))
            ok = b.icmp("sge", span, const_int(v0.type, 0))
        runs = b.select(ok, runs, const_int(v0.type, 0))
        if runs.type != I64:
            runs = b.cast("sext", runs, I64)
        return b.add(runs, const_int(I64, 1))

    def _live_preds(self, blk: Block) -> List[Block]:
        """Predecessors the adjoint sweep can return to: not on an exception path."""
        return [p for p in self.li.preds.get(blk, []) if p not in self.failing]

    def _reserve(self, blk: Block, n: int):
        """Make room for ``n`` tape slots at the end of ``blk`` (grow the tape if needed)."""
        if n == 0:
            return
        fn, module = self.fn, self.module
        term = blk.terminator
        term.erase()
        grow = fn.add_block(f"{blk.name}.zy.grow")
        cont = fn.add_block(f"{blk.name}.zy.cont")
        b = Builder(module).at_end(blk)
        b.cbr(self.tape.is_full(b, n), grow, cont)
        gb = Builder(module).at_end(grow)
        self.tape.grow(gb, n)
        gb.br(cont)
        Builder(module).at_end(cont).emit(term)
        for s in term.successors():
            for phi in s.phis():
                phi.blocks = [cont if x is blk else x for x in phi.blocks]
        self.final_block = getattr(self, "final_block", {})
        self.final_block[blk] = cont

    def _reverse_block(self, blk: Block, exit_blk: Block):
        module = self.module
        rb = self.rev[blk]
        b = Builder(module).at_end(rb)
        primal = set(self.snapshot[blk])
        for i in reversed([i for i in self.body[blk] if i.opcode != "phi"]):
            b.loc = i.loc
            if i in self.custom_anchor:
                memo: Dict[Value, Value] = {}
                self._flush(b)
                site = self.custom_anchor[i]
                (self._blas_adjoint if site in self.blas_sites else self._custom_adjoint)(
                    b, site, lambda v, memo=memo: self.materialize(v, b, memo))
            elif i in primal and i not in self.custom_sites and i not in self.blas_sites:
                memo = {}
                self._adjoint(b, i, lambda v, memo=memo: self.materialize(v, b, memo))
            if i in self.leaves and i not in self.inv:
                b.store(self._pop(b, i.type), self.cur_slot(i))
        self._flush(b)
        for w in self.windows_in.get(blk, ()):
            self._window_step(b, w)
        lp_here = self.counted.get(blk)
        first = None
        if lp_here is not None:
            rc = self.rcount[lp_here]
            cnt = b.load(I64, rc)
            first = b.icmp("eq", cnt, const_int(I64, 1))
            b.store(b.sub(cnt, const_int(I64, 1)), rc)
        phis = [p for p in self.body[blk] if p.opcode == "phi"]
        leaf_phis = [p for p in phis if p in self.leaves]
        for phi in reversed([p for p in leaf_phis if p not in self.iv]):
            b.store(self._pop(b, phi.type), self.cur_slot(phi))
        # induction variables step back, invariant loads keep their value; on the first
        # iteration both restore the value the preheader saved (pushed after the
        # preheader's own entries, so popped first)
        if lp_here is not None:
            for v in reversed(self.iv_saves.get(lp_here.preheader, [])):
                cur = b.load(v.type, self.cur_slot(v))
                prev = b.sub(cur, const_int(v.type, self.iv[v])) if v in self.iv else cur
                popped = self._pop(b, v.type, first)
                b.store(b.select(first, popped, prev), self.cur_slot(v))
        for lp in reversed(self.exit_loops.get(blk, [])):
            cnt = self._trip_count(b, lp) if lp in self.trip else self._pop(b, I64)
            b.store(cnt, self.rcount[lp])
        preds = self._live_preds(blk)
        pid = self._pop(b, I64) if blk in self.pred_id else None
        # phi adjoints: the incoming value of the predecessor that ran receives the phi's
        # adjoint, on the edge to that predecessor's adjoint code (an edge block per
        # predecessor with incoming adjoints: no selects, so adjoints that only flow on
        # the loop-entry edge do not become a loop-carried chain).  Phis are parallel
        # copies (`a, b = b, a` makes one phi the incoming value of another): take every
        # phi's adjoint before distributing any
        fphis = [p for p in phis if p in self.act.active and p.type.is_float]
        taken = [self.take(b, p) for p in fphis]
        edge: Dict[Block, List] = {}
        for phi, pb in zip(fphis, taken):
            seen: Set[Block] = set()
            for v, src in zip(phi.operands, phi.blocks):
                # a predecessor reaching ``blk`` on several switch cases appears once per
                # edge, always with the same value: it receives the adjoint once
                if src in seen or isinstance(v, Constant) or v not in self.act.active:
                    continue
                seen.add(src)
                edge.setdefault(self._orig_block(src), []).append((v, pb))

        def dest(p: Block) -> Block:
            return exit_blk if p is self.fn.entry else self.rev[p]

        def target(p: Block) -> Block:
            adds = edge.get(p)
            # leaving a loop's adjoint: promoted accumulations and windows go to memory here
            leaving = lp_here if lp_here is not None and p is lp_here.preheader and (
                lp_here in self.acc_loops or lp_here in self.loop_windows) else None
            # entering it from an exit: set-mode windows load their first cells here
            entering = self.li.loops.get(p)
            if entering is None or blk not in entering.exits or not any(
                    w.set_mode for w in self.loop_windows.get(entering, ())):
                entering = None
            if leaving is not None or entering is not None:
                eb = self.fn.add_block(f"zy.rev.{blk.name}.{'done' if leaving else 'into'}")
                bb = Builder(module, eb)
                for v, pb in adds or ():
                    self.add_to(bb, v, pb)
                bb.br(dest(p))
                if leaving is not None:
                    self.acc_exit[leaving] = eb
                else:
                    self.window_enter.setdefault(entering, []).append(eb)
                return eb
            if not adds:
                return dest(p)
            eb = self.fn.add_block(f"zy.rev.{blk.name}.from.{p.name}")
            bb = Builder(module, eb)
            for v, pb in adds:
                self.add_to(bb, v, pb)
            bb.br(dest(p))
            return eb

        # where the adjoint sweep goes next: the reverse of the predecessor that ran
        if blk in self.free_exit:
            assert not edge, "a skipped loop passes no adjoint to its exit's phis"
            b.br(self.skip_blk[self.free_exit[blk]])
        elif not preds:
            b.br(exit_blk)
        elif lp_here is not None:
            b.cbr(first, target(lp_here.preheader), target(lp_here.latches[0]))
        elif len(preds) == 1:
            b.br(target(preds[0]))
        else:
            sw = Instruction("switch", VOID, [pid], blocks=[exit_blk] + [target(p) for p in preds],
                             cases=[const_int(I64, self.bid[p]) for p in preds])
            b.emit(sw)

    def _orig_block(self, blk: Block) -> Block:
        for k, v in getattr(self, "final_block", {}).items():
            if v is blk:
                return k
        return blk

    def _adjoint(self, b: Builder, i: Instruction, r):
        act = self.act.active
        op = i.opcode
        sb = self.sb
        if op == "store" or (op == "call" and not table.lookup(i.callee_name or "")):
            self._flush(b)  # it may read shadow memory that pending accumulations update
        if op == "store":
            v, p = i.operands
            if p in act and v.type.is_float:
                sp = r(sb.shadow[p])
                old = sb.load(b, v.type, sp, align_of(i))
                self._shadow_access(old, p)
                if i not in self.window_rz:  # a window sets the cell when it flushes it
                    self._shadow_access(sb.store(b, zero(self.stype(v.type)), sp, align_of(i)), p)
                self.add_to(b, v, old)
            return
        kind = classify_call(i) if op == "call" else None
        if kind is Kind.CUSTOM:
            if i.type.is_float and i in act:
                self.take(b, i)  # an inactive C function: its result carries no derivative
            return
        if op == "call":
            name = i.callee_name or ""
            if kind is Kind.MEMSET and i.operands[0] in act:
                for lane in sb.lanes(b, r(sb.shadow[i.operands[0]])):
                    b.memset(lane, 0, r(i.operands[2]))
            elif kind is Kind.MEMCPY and i.operands[0] in act:
                dst = sb.lanes(b, r(sb.shadow[i.operands[0]]))
                n = r(i.operands[2])
                if i.operands[1] in act:
                    for d, s_ in zip(dst, sb.lanes(b, r(sb.shadow[i.operands[1]]))):
                        self._memcpy_adjoint(b, d, s_, n, i)
                else:
                    for d in dst:
                        b.memset(d, 0, n)
            elif i in act and i.type.is_float:
                rule = table.lookup(name)
                if rule is None:
                    raise unsupported(describe(i), i.loc)
                self._rule_adjoint(b, rule, i, r)
            return
        if i not in act or not i.type.is_float:
            return
        if op in table.INSTRUCTIONS:
            self._rule_adjoint(b, table.INSTRUCTIONS[op], i, r)
        elif op in ("fpext", "fptrunc"):
            rb = self.take(b, i)
            back = "fptrunc" if op == "fpext" else "fpext"
            self.add_to(b, i.operands[0], b.cast(back, rb, self.stype(i.operands[0].type)))
        elif op == "select":
            rb = self.take(b, i)
            c = r(i.operands[0])
            z = _nzero(self.stype(i.type))
            self.add_to(b, i.operands[1], b.select(c, rb, z))
            self.add_to(b, i.operands[2], b.select(c, z, rb))
        elif op == "load":
            rb = self.take(b, i)
            self.pending.append((i, r(sb.shadow[i.operands[0]]), rb))
        elif op == "freeze":
            self.add_to(b, i.operands[0], self.take(b, i))
        else:
            raise unsupported(describe(i) + " in reverse mode", i.loc)

    def _blas_adjoint(self, b: Builder, i: Instruction, r):
        c, buf, on = self.blas_sites[i]
        sb = self.sb
        if isinstance(c, lapack.CALL_TYPES):
            lanes = [sb.lanes(b, r(sb.shadow[p])) if ok else [None] * self.width
                     for p, ok in zip(c.ptrs(), on)]
            entry = Builder(self.module).before(self.fn.entry.terminator)
            lapack.adjoint(b, entry, c.remap(r), r(buf), [list(x) for x in zip(*lanes)])
            return
        if isinstance(c, blas.MatCall):
            cr = dataclasses.replace(c, m=r(c.m), n=r(c.n), k=r(c.k), lda=r(c.lda), ldb=r(c.ldb),
                                     ldc=r(c.ldc), alpha=None, a=None, b=None, beta=None, c=None)
            ins = [sb.lanes(b, r(sb.shadow[p])) if ok else [None] * self.width
                   for p, ok in zip(blas.matrix_inputs(c), on)]
            outs = sb.lanes(b, r(sb.shadow[c.c]))
            entry = Builder(self.module).before(self.fn.entry.terminator)
            for k in range(self.width):
                blas.matrix_adjoint(b, entry, cr, on, r(buf), ins[0][k], ins[1][k], outs[k])
            b.call("free", FunctionType(VOID, (PTR,)), [r(buf)])
            return
        sp = r(sb.shadow[c.out])
        rbar = sb.load(b, c.t, sp)
        self._shadow_access(rbar, c.out)
        self._shadow_access(sb.store(b, zero(self.stype(c.t)), sp), c.out)
        cr = blas.BlasCall(c.name, c.t, r(c.n), [(None, r(inc)) for _, inc in c.vecs], None)
        lanes = [sb.lanes(b, r(sb.shadow[p])) if ok else [None] * self.width
                 for (p, _), ok in zip(c.vecs, on)]
        for k, rb in enumerate(sb.lanes(b, rbar)):
            blas.adjoint(b, cr, on, r(buf), rb, [ln[k] for ln in lanes])
        b.call("free", FunctionType(VOID, (PTR,)), [r(buf)])

    def _flush(self, b: Builder):
        """Emit the pending load adjoints ``shadow(p) += r̄``.  They commute, so they wait
        until something reads shadow memory (or the block ends) and then go out in the
        order that keeps stencil loops vectorisable (analysis/addresses.py)."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        sb = self.sb
        rest = []
        for i, sp, rb in pending:
            w = self.window_of.get(i)
            if w is not None:
                u = w.u[i]
                t = self.stype(i.type)
                b.store(b.fadd(b.load(t, w.regs[u]), rb), w.regs[u])
                if u == w.umax:
                    w.sp_max = sp
                continue
            lp = self._promotion_loop(i, self.sb.shadow[i.operands[0]])
            if lp is None:
                rest.append((i, sp, rb))
                continue
            t = self.stype(i.type)
            eb = Builder(self.module).before(self.fn.entry.terminator)
            reg = eb.alloca(t, f"{i.name or 'v'}.acc")
            eb.store(_nzero(t), reg)
            b.store(b.fadd(b.load(t, reg), rb), reg)
            self.promoted.setdefault(lp, []).append((i, reg))
        pending = rest
        step = lambda v: self._iv_step(v) if isinstance(v, Instruction) and v.opcode == "phi" else None
        for k in accumulation_order([i.operands[0] for i, _, _ in pending], step):
            i, sp, rb = pending[k]
            cur = sb.load(b, i.type, sp, align_of(i))
            self._shadow_access(cur, i.operands[0])
            self._shadow_access(sb.store(b, b.fadd(cur, rb), sp, align_of(i)), i.operands[0])

    def _store_promoted(self):
        for lp, items in self.promoted.items():
            b = Builder(self.module).before_terminator(self.acc_exit[lp])
            memo: Dict[Value, Value] = {}
            for i, reg in items:
                t = self.stype(i.type)
                sp = self.materialize(self.sb.shadow[i.operands[0]], b, memo)
                cur = self.sb.load(b, i.type, sp, align_of(i))
                self._shadow_access(cur, i.operands[0])
                self._shadow_access(self.sb.store(b, b.fadd(cur, b.load(t, reg)), sp, align_of(i)),
                                    i.operands[0])
                b.store(_nzero(t), reg)

    def _rule_adjoint(self, b: Builder, rule, i: Instruction, r):
        rb = self.take(b, i)
        todo = active_partials(rule, i.operands, self.act.active)
        names: Set[str] = set()
        for _, _, e in todo:
            names |= expression_names(e)
        # only what the partials use: anything else was not planned onto the tape
        env = {"r": r(i)} if "r" in names else {}
        for nm, o in zip("xyz", i.operands):
            if nm in names:
                env[nm] = r(o)
        em = ExprEmitter(b, i.type, env, self.sb.helpers, i.loc)
        for k, o, e in todo:
            d = scaled(b, e, rb, lambda: em.emit(e), rule.checked[k], self.width)
            if d is not None:
                self.add_to(b, o, d)

    def _memory_float_type(self, i: Instruction) -> Type:
        """The float type a memcpy/memmove copies, from how its memory is accessed.

        Every load and store of the primal whose address shares an origin with the copy's
        source or destination must access one and the same float type; otherwise the adjoint
        (an element-wise ``src_bar += dst_bar``) cannot be formed and we refuse.
        """
        types = self.act.types
        origins = types.origins_of(i.operands[0]) | types.origins_of(i.operands[1])
        seen: Set[Type] = set()
        for blk in self.order:
            for j in self.snapshot[blk]:
                if j.opcode == "load":
                    p, t = j.operands[0], j.type
                elif j.opcode == "store":
                    p, t = j.operands[1], j.operands[0].type
                else:
                    continue
                if types.origins_of(p) & origins:
                    seen.add(t.element if isinstance(t, VectorType) else t)
        if len(seen) == 1 and next(iter(seen)).is_float:
            return next(iter(seen))
        what = ", ".join(sorted(map(str, seen))) or "nothing we can see"
        raise unsupported(f"a copy (memcpy/memmove) of active memory accessed as {what}", i.loc,
                          help="copy the elements in a loop")

    def _memcpy_adjoint(self, b: Builder, dst: Value, src: Value, n: Value, i: Instruction):
        """src_bar += dst_bar; dst_bar = 0, element type from how the memory is accessed."""
        et = self._copy_types[i]
        helper = _memcpy_helper(self.module, et)
        b.call(helper, FunctionType(VOID, (PTR, PTR, I64)), [dst, src, n])

    def _free_shadows(self, b: Builder):
        """Pop every recorded shadow allocation and release it (emits a loop per list that
        anything was recorded on)."""
        for stack, release in [(self.free_list, "NRT_MemInfo_call_dtor")] + [
                (fl, free_name) for free_name, fl in self.raw_lists.items()]:
            if not stack.used:
                continue
            loop, body, done = (self.fn.add_block(f"zy.free.{k}") for k in ("loop", "body", "done"))
            b.br(loop)
            lb = Builder(self.module).at_end(loop)
            lb.cbr(stack.empty(lb), done, body)
            bb = Builder(self.module).at_end(body)
            bb.call(release, FunctionType(VOID, (PTR,)), [stack.pop_all(bb, [PTR])[0]])
            bb.br(loop)
            b.block, b.index = done, 0
            stack.release(b)

    def _seed_value(self, b: Builder) -> Value:
        """The return adjoint: the seed parameter, a constant (1.0 for the C ABI), or at width
        N the ``<N x T>`` read from the seed array (its length is checked before the call,
        see shadowcheck)."""
        seed, st = self.sig.seed, self.slot_t

        def convert(v: Value) -> Value:
            if v.type == st:
                return v
            return b.cast("fptrunc" if v.type.bits > st.bits else "fpext", v, st)
        if seed.constant is not None:
            return self.sb.splat(b, const_float(st, seed.constant))
        if seed.lanes.load is None:
            return convert(self.skeleton.lanes(b, seed.lanes))
        return self.skeleton.lanes(b, seed.lanes, convert)

    # -- 6. results -------------------------------------------------------------------------
    def _ret_element(self, b: Builder, slot: Value, path, t: Type) -> Value:
        """Pointer to element ``path`` (of IR type ``t``) of a return slot or its shadow."""
        if not path:
            return slot
        return b.gep(self.slot_t, slot, [const_int(I64, 0)] + [const_int(I32, k) for k in path])

    def _seed_array_return(self, b: Builder, start: Block) -> Builder:
        """shadow(result) += seed: the output adjoint array of an array result; for a tuple
        result each float element's seed is stored into its field of the result's shadow and
        each array element's seed array added into the element's shadow.  A shape mismatch
        raises (ValueError, before the adjoint sweep).  At width N each seed has a leading
        axis of N and lane k's shadow gets ``seed[k]``."""
        if self.array_ret:
            calls = self._array_seed_calls(b, (), self.slot_t, self.sig.seed.array,
                                           self.ret.array.source)
        else:
            calls = []
            for el in self.sig.seed.elements:
                if el.array is not None:
                    calls += self._array_seed_calls(b, el.path, el.type, el.array,
                                                    el.result.source)
                    continue
                def convert(v, t=el.type):
                    return v if v.type == t else \
                        b.cast("fptrunc" if v.type.bits > t.bits else "fpext", v, t)
                vals = convert(self.skeleton.lanes(b, el.lanes)) if el.lanes.load is None \
                    else self.skeleton.lanes(b, el.lanes, convert)
                for k in range(self.width):
                    p = self._ret_element(b, self.ret_bars[k], el.path, el.type)
                    b.store(self._lane(b, vals, k), p)
            if not calls:
                return b
        ok_blk = self.fn.add_block(f"{start.name}.seeded")
        err = self.fn.add_block(f"{start.name}.badseed")
        st = const_int(I32, 0)
        entry = Builder(self.module).before(self.fn.entry.terminator)
        for dst, src, src_t, ret_src in calls:
            sym = _accumulate_symbol(self.module, ret_src, src_t)
            rc = b.call(sym, FunctionType(I32, (PTR, PTR) + tuple(v.type for v in dst + src)),
                        [entry.alloca(I8), self.excinfo] + dst + src)
            st = b.select(b.icmp("ne", st, const_int(I32, 0)), st, rc)
        b.cbr(b.icmp("eq", st, const_int(I32, 0)), ok_blk, err)
        eb = Builder(self.module).at_end(err)
        self._release_arrays(eb, eb.load(self.slot_t, self.prim_slot), self.ret.source)
        self._free_shadows(eb)
        self.tape.release(eb)
        eb.ret(st)
        return Builder(self.module).at_end(ok_blk)

    def _array_seed_calls(self, b: Builder, path, t: Type, seed, ret_src) -> list:
        """The accumulations ``shadow(result element path) += seed`` (one per lane): for each,
        the destination shadow's descriptor leaves, the seed's (lane k: the view seed[k]),
        the seed's Numba type and the element's."""
        src_all = [self.fn.args[k] for k in range(seed.first, seed.first + seed.count)]
        if self.width == 1:
            dst = _flatten(b, b.load(t, self._ret_element(b, self.ret_bar, path, t)))
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
        prim = _flatten(b, b.load(t, self._ret_element(b, self.prim_slot, path, t)))
        for k in range(self.width):
            # pointers from lane k's shadow; shape and strides (never written into
            # batched shadow memory) from the primal result
            lane = b.load(t, self._ret_element(b, self.ret_bars[k], path, t))
            dst = [s_ if s_.type.is_pointer else p_ for s_, p_ in zip(_flatten(b, lane), prim)]
            lane_data = b.gep(I8, data, [b.mul(strides[0], const_int(I64, k))])
            calls.append((dst, [mi, parent, count, itemsize, lane_data] + shape[1:]
                          + strides[1:], view_t, ret_src))
        return calls

    def _finish(self, exit_blk: Block):
        b = Builder(self.module).at_end(exit_blk)
        sk = self.skeleton
        if (self.array_ret or self.tuple_ret) and self.ret_act is A.DuplicatedOnly:
            self._release_arrays(b, b.load(self.slot_t, self.prim_slot), self.ret.source)
        vals = []
        for out in self.sig.results.outputs:
            if out.kind == "primal":
                vals.append(b.load(self.slot_t, self.prim_slot))
            else:
                p = sk.param(out.input.param)
                t = self.stype(p.type)
                v = b.load(t, self.slot(p)) if p in self.act.active else zero(t)
                if self.width > 1:  # N adjoints: a 1-d array (Numba), an [N x T] (C)
                    v = sk.pack(b, out, v)
                vals.append(v)
        self._free_shadows(b)
        self.tape.release(b)
        sk.return_results(b, vals)

    def activity_dump(self) -> str:
        return self.act.dump() + "\n" + self.act.types.dump()

    def tape_report(self) -> str:
        lines = [f"; tape of {self.name}: 8-byte slots pushed when each block runs",
                 f";   leaves (taped once per definition): "
                 + ", ".join(f"%{v.name or '?'}:{v.type}" + (" (induction variable, inverted)"
                                                            if v in self.iv else "")
                             for v in self.leaves),
                 f";   counted loops (iteration count taped at exit): "
                 + ", ".join(h.name for h, lp in self.counted.items() if lp not in self.trip),
                 f";   counted loops (iteration count computed by the adjoint sweep): "
                 + ", ".join(lp.header.name for lp in self.trip)]
        for lp, ws in self.loop_windows.items():
            for w in ws:
                lines.append(f";   window in loop {lp.header.name}: offsets {w.umin}..{w.umax} "
                             f"({'set' if w.set_mode else 'add'} mode)")
        for blk, n in self.need.items():
            if n:
                what = ", ".join(self.pushed.get(blk, ()))
                lines.append(f"  {blk.name}: {n}" + (f"  ({what})" if what else ""))
        return "\n".join(lines)

class _Window:
    """One sliding accumulation window (ReverseTransform._plan_windows)."""

    def __init__(self, lp, u, umin, umax, D, rz):
        self.lp, self.u, self.umin, self.umax, self.D, self.rz = lp, u, umin, umax, D, rz
        self.set_mode = rz is not None
        self.regs: Dict[int, Value] = {}
        self.sp_max: Optional[Value] = None
        self.last = self.dummy = self.ref = None


def _vname(v: Value) -> str:
    src = f" = {v.opcode}" if isinstance(v, Instruction) else ""
    return f"%{v.name or '?'}{src}"


def _nzero(t: Type) -> Value:
    """-0.0: the additive identity of IEEE addition (x + -0.0 == x for every x, x = -0.0
    included), so LLVM folds the adds into freshly reset adjoints; +0.0 would not fold."""
    if t.is_float or (isinstance(t, VectorType) and t.element.is_float):
        return const_float(t, -0.0)
    return zero(t)


def _nslots(t: Type) -> int:
    """8-byte tape slots a value of type ``t`` takes (several for a width-N vector)."""
    return max(1, -(-alloc_size(t) // 8)) if isinstance(t, VectorType) else 1


def _has_array(t) -> bool:
    if isinstance(t, nbt.Array):
        return True
    return isinstance(t, nbt.BaseTuple) and any(_has_array(m) for m in t.types)


def _flat_types(t: Type):
    if isinstance(t, StructType):
        for e in t.elements:
            yield from _flat_types(e)
    elif isinstance(t, ArrayType):
        for _ in range(t.count):
            yield from _flat_types(t.element)
    else:
        yield t


def _flatten(b: Builder, v: Value, nbtype=None) -> List[Value]:
    """An aggregate value → its leaves in Numba's flattened argument order."""
    t = v.type
    if isinstance(t, StructType):
        out = []
        for k in range(len(t.elements)):
            out += _flatten(b, b.extractvalue(v, [k]))
        return out
    if isinstance(t, ArrayType):
        out = []
        for k in range(t.count):
            out += _flatten(b, b.extractvalue(v, [k]))
        return out
    return [v]


_acc_cache: Dict = {}


def _accumulate_symbol(module: Module, dst_t, src_t) -> str:
    """A compiled ``dst += src`` for two arrays (the adjoint of an array argument returned by
    a reverse rule, added into the argument's shadow); its IR is linked into ``module``."""
    import numba
    key = (dst_t, src_t)
    if key not in _acc_cache:
        def acc(dst, src):
            if dst.shape != src.shape:
                raise ValueError("an adjoint (seed or custom-rule result) has the wrong shape")
            for idx in np.ndindex(dst.shape):
                dst[idx] += src[idx]
        disp = numba.njit(acc)
        disp.compile((dst_t.copy(readonly=False), src_t))
        cres = disp.overloads[(dst_t.copy(readonly=False), src_t)]
        _acc_cache[key] = (cres.fndesc.llvm_func_name, cres.library)
    sym, lib = _acc_cache[key]
    module.__dict__.setdefault("extra_ir", {}).setdefault(sym, str(lib._final_module))
    return sym


def _memcpy_helper(module: Module, et) -> str:
    name = f"zymase.memcpy.adjoint.{et}"
    if name in module.functions:
        return name
    args = [Argument(PTR, "d"), Argument(PTR, "s"), Argument(I64, "n")]
    fn = Function(name, VOID, args)
    fn.linkage = "internal"
    module.add_function(fn)
    entry, loop, done = fn.add_block("entry"), fn.add_block("loop"), fn.add_block("done")
    d, s, n = args
    b = Builder(module, entry)
    size = alloc_size(et)
    count = b.emit(Instruction("udiv", I64, [n, const_int(I64, size)]))
    b.cbr(b.icmp("eq", count, const_int(I64, 0)), done, loop)
    lb = Builder(module, loop)
    k = lb.phi(I64)
    pd = lb.gep(et, d, [k])
    ps = lb.gep(et, s, [k])
    lb.store(lb.fadd(lb.load(et, ps), lb.load(et, pd)), ps)
    lb.store(zero(et), pd)
    k1 = lb.add(k, const_int(I64, 1))
    k.add_incoming(const_int(I64, 0), entry)
    k.add_incoming(k1, loop)
    lb.cbr(lb.icmp("ult", k1, count), loop, done)
    Builder(module, done).ret()
    return name


def reverse_transform(module: Module, primal: Function, sig: DerivSignature, name: str,
                      tape_counter: Optional[int] = None) -> DerivResult:
    """Build ``name``, the reverse derivative of ``primal`` described by ``sig``, in
    ``module`` (the primal stays).  ``tape_counter``: an address where each call stores the
    bytes of tape it used."""
    rt = ReverseTransform(module, primal, sig, name)
    rt.tape_counter = tape_counter
    rt.run()
    return DerivResult(rt.fn, sig, rt.act, "lanes" if sig.width > 1 else "scalar", None,
                       rt.tape_report(), rt)

"""Forward mode: the tangent of each instruction (steps 3 and 4 of forward.py).

``TangentVisitor.run`` walks the cloned primal blocks in reverse postorder (definitions
before uses, phi back edges aside) and, after each active instruction, emits its *shadow*:

* floats get a tangent ``Σ ∂r/∂x_i · ẋ_i`` from the rules table (``tangent_sum``: the partials
  are computed once, scaled by the operands' tangents; at width N the tangents are
  ``<N x T>`` and the partials are splatted);
* pointers get a shadow pointer (the same GEP on the shadow base, scaled by N in the
  interleaved layout; a load of a pointer from shadow memory; a zeroed allocation for an
  alloca), aggregates a shadow aggregate (integers inside shadow aggregates are the primal
  integers, so Numba's array structs stay well formed);
* stores through active pointers store the shadow into shadow memory; a store of an active
  float into memory without a shadow is refused (the tangent would be lost);
* refcount atomics are mirrored on shadow MemInfos, so shadow arrays live exactly as long
  as their primals;
* calls go to ``forward_calls.CallTangents`` and returns to ``forward_returns.ReturnEmitter``
  (both handed in by the driver).

Phi shadows are created first (empty) and filled once every block is done.  Strided-lane
pointers (``ForwardContext.lane_offsets``, forward_arrays.py) keep the primal's offsets and
access lane k at ``+k·dx.strides[0]`` with N scalar loads/stores.

Invariant: the primal instructions are untouched; shadows only read primal values.  Any
instruction that could carry a derivative and has no rule raises ``UnsupportedError`` with
its source line.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional

from ..errors import unsupported
from ..ir.builder import Builder
from ..ir.types import (I64, I8, ArrayType, StructType, VectorType, alloc_size, contains_float,
                        contains_pointer)
from ..ir.values import Constant, Function, Instruction, Module, Value, const_int, undef, zero
from ..rules import table
from ..rules.emit import active_partials, partials, scaled
from . import varsize
from .shadows import ShadowBuilder, align_of, describe


@dataclass(frozen=True)
class ForwardContext:
    """What the instruction and call rules read; fixed once the seeds are in and activity
    analysis has run."""
    module: Module
    fn: Function                               # the derivative
    width: int
    interleaved: bool                          # width N, lane-interleaved shadow memory
    active: object                             # the set of active values
    sb: ShadowBuilder                          # shadows so far (seeds included)
    prim_slot: Value                           # the primal result's local slot
    excinfo: Optional[Value]                   # the derivative's exception-info parameter
    entry_builder: Builder                     # before the entry block's branch
    lane_offsets: Dict[Value, List[Value]]     # strided-lane pointers → N lane offsets


def tangent_sum(ctx: ForwardContext, b: Builder, rule, i: Instruction, ops) -> Value:
    """Σ_k partial_k · shadow(op_k) over the active operands of ``i`` (an instruction or a
    math call with rule ``rule``)."""
    sb = ctx.sb
    acc: Optional[Value] = None
    todo = active_partials(rule, ops, ctx.active)
    # the partials first (the ones "1"/"-1" need no code), then the products
    wanted = {k: e for k, _, e in todo if e not in ("1", "-1")}
    vals = partials(b, [wanted.get(k) for k in range(len(rule.partials))], ops, i,
                    sb.helpers)
    for k, o, e in todo:
        if e == "0":
            continue
        term = scaled(b, e, sb.sh(o, b), lambda: vals[k], rule.checked[k], ctx.width)
        acc = term if acc is None else b.fadd(acc, term)
    if acc is None:
        return Constant(sb.stype(i.type), "zeroinitializer") if ctx.width > 1 else zero(i.type)
    return acc


class TangentVisitor:
    """Emits the shadows of one derivative's cloned instructions; ``calls`` handles calls
    (``visit(i, b, active)``), ``returns`` the primal returns (``emit(ret)``)."""

    def __init__(self, ctx: ForwardContext, calls, returns):
        self.ctx, self.calls, self.returns = ctx, calls, returns
        self.phis: list = []                 # shadow phis to fill once every block is done
        self.rets: List[Instruction] = []    # the derivative's returns

    def run(self, blocks) -> List[Instruction]:
        """Visit ``blocks`` (the cloned body in reverse postorder); returns the derivative's
        returns."""
        ctx = self.ctx
        snapshot = {blk: list(blk.instructions) for blk in blocks}
        for blk in blocks:
            for inst in snapshot[blk]:
                if inst in ctx.active or inst.opcode in ("store", "call", "ret") or inst.template:
                    self.visit(inst)
        ctx.sb.fill_phis(self.phis)
        return self.rets

    def visit(self, i: Instruction):
        ctx, sb = self.ctx, self.ctx.sb
        op = i.opcode
        active = i in ctx.active
        b = Builder(ctx.module, loc=i.loc).after(i)
        if op == "phi":
            if active:
                sb.phi(b, i, self.phis)
            return
        if op == "ret":
            self.rets.append(self.returns.emit(i))
            return
        if op == "store":
            self.visit_store(i, b)
            return
        if op == "call":
            self.calls.visit(i, b, active)
            return
        if i.template is not None:
            if op == "atomicrmw" and i.operands and i.operands[0] in ctx.active:
                # refcounts: the interleaved shadow MemInfo keeps its count at N·0 = 0
                if ctx.width == 1 or (ctx.interleaved and i.type.is_int):
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
            sb.shadow[i] = tangent_sum(ctx, b, rule, i, i.operands)
        elif op in ("fpext", "fptrunc"):
            sb.shadow[i] = b.cast(op, sb.sh(i.operands[0], b), sb.stype(t))
        elif op in ("select", "extractvalue", "insertvalue"):
            sb.shadow[i] = sb.same_op(b, i)
        elif op == "getelementptr":
            if sb.interleaved and i not in ctx.lane_offsets:
                sb.shadow[i] = sb.gep(b, i, sb.sh(i.operands[0], b))
            else:   # strided lanes in place keep the primal's offsets
                sb.shadow[i] = sb.same_op(b, i)
        elif op == "load":
            sp = sb.sh(i.operands[0], b)
            offs = ctx.lane_offsets.get(i.operands[0])
            if offs is not None and t.is_float and not isinstance(t, VectorType):
                vec: Value = undef(sb.stype(t))
                for k, off in enumerate(offs):
                    lane = b.load(t, b.gep(I8, sp, [off]) if k else sp, align_of(i))
                    vec = b.insertelement(vec, lane, k)
                sb.shadow[i] = vec
            else:
                sb.shadow[i] = sb.load(b, t, sp, align_of(i))
        elif op == "alloca":
            sb.shadow[i] = self.shadow_alloca(b, i)
        elif op in ("bitcast", "addrspacecast", "freeze"):
            sb.shadow[i] = b.cast(op, sb.sh(i.operands[0], b), sb.stype(t)) if op != "freeze" \
                else sb.sh(i.operands[0], b)
        else:
            raise unsupported(describe(i), i.loc)

    def visit_store(self, i: Instruction, b: Builder):
        ctx, sb = self.ctx, self.ctx.sb
        v, p = i.operands
        offs = ctx.lane_offsets.get(p)
        if offs is not None:
            # strided lanes in the caller's array: lane k at +k·dx.strides[0]
            sv, sp = sb.sh(v, b), sb.sh(p, b)
            for k, off in enumerate(offs):
                b.store(b.extractelement(sv, k), b.gep(I8, sp, [off]) if k else sp, align_of(i))
            return
        if p in ctx.active:
            if not (contains_float(v.type) or contains_pointer(v.type) or v.type.is_int
                    or isinstance(v.type, (StructType, ArrayType))):
                return
            if v.type.is_int and ctx.width > 1 and not sb.interleaved \
                    and varsize.in_payload(sb.act.types, p):
                # a list's header (its length): its destructor reads it to release the
                # items (shadow arrays), so every lane gets it
                for lane in sb.lanes(b, sb.sh(p, b)):
                    b.store(v, lane, align_of(i))
                return
            from .parallel import const_slot_shadow
            sv = const_slot_shadow(sb, v, p, b, ctx.active)
            sb.store(b, sv if sv is not None else sb.sh(v, b), sb.sh(p, b), align_of(i))
        elif v in ctx.active and contains_float(v.type) and p is not ctx.prim_slot:
            # the tangent would be lost, and a later read of this memory would see none
            raise unsupported("a store of a value that carries a derivative into memory "
                              "that has no shadow", i.loc,
                              help=varsize.passed_in_help(sb.act.types, p) or
                              "mark the array written here Dual (or DualOnly) instead of Const")

    def shadow_alloca(self, b: Builder, i: Instruction) -> Value:
        ctx, sb = self.ctx, self.ctx.sb
        t = i.src_type
        if sb.interleaved:
            # N times the bytes, zeroed where the primal slot is created
            at = ArrayType(ctx.width, t)
            count = i.operands[0] if i.operands else None
            if count is None:
                a = Builder(ctx.module).before(ctx.fn.entry.instructions[0]).alloca(at)
                n: Value = const_int(I64, alloc_size(at))
            else:
                a = b.alloca(at, count=count)
                n = b.mul(b.cast("sext", count, I64) if count.type != I64 else count,
                          const_int(I64, alloc_size(at)))
            a.tail = f", align {max(16, align_of(i) or 1)}"
            b.memset(a, 0, n)
            return a
        return sb.zeroed_allocas(b, i)

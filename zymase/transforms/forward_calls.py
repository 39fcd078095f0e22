"""Forward mode: the tangents of calls.

A call is handled by the first of these its kind (``rules.calls.classify_call``) matches:

* a user rule (``zymase.custom``): the tangent is ``jvp(primals, tangents)``, one rule call
  per lane; an inactive function (or one without active arguments) gives a zero tangent;
* a function defined in the module (recursion, callees.py): replaced by a call of the
  callee's forward derivative, which writes the primal result where the call did and the
  tangent into the return slot's shadow (lanes 1..N-1 call it again);
* BLAS/LAPACK (``rules/linalg/``, through their ``CallRule``): the call stays and computes the primal, the rule maps
  each lane's tangents; lanes of pointers only (``choose_layout`` never picks the
  interleaved layout for them);
* memory: allocations get zeroed shadow allocations, realloc/free/refcounts/destructors
  act on the shadows (a list's growable MemInfo: varsize.py), memset/memcpy are mirrored (a copy from memory without a shadow
  zeroes the destination's shadow).  Lanes of pointers: once per lane.  Interleaved: once,
  on the one shadow pointer, with lengths and sizes times N; a shadow NRT allocation is a
  real MemInfo of ``N·size + HDR`` bytes (``hdr``) whose shadow data starts ``HDR`` bytes
  into its data block, past the word at ``N·24`` that holds it (the shadow of
  ``mi->data`` reads it there);
* math functions with a rule in the rules table: ``Σ ∂r/∂x_i · ẋ_i`` like instructions;
* inactive calls: nothing.  Anything else that could carry a derivative is refused.
"""
from __future__ import annotations

from typing import List

from ..custom import lookup_call
from ..errors import unsupported
from ..ir.builder import Builder
from ..ir.types import I64, I8, PTR, FunctionType, StructType, Type, alloc_size, contains_float
from ..ir.values import Constant, Function, Instruction, Value, const_int, zero
from ..llvm.jit import value_type
from ..rules import table
from ..rules.call_rules import CallContext
from ..rules.calls import LIBRARY_RULES, Kind, classify_call, defined_callee
from . import callees, varsize
from .custom_calls import call_site, emit_rule_call, with_shadows
from .forward_arrays import MI_DATA
from .forward_layout import float_fields
from .forward_visit import ForwardContext, tangent_sum
from .shadows import call_help, raw_size
from .shadows import NoInterleave, describe



def hdr(width: int) -> int:
    """Bytes an interleaved shadow NRT allocation reserves in front of its data: room for the
    data word at ``width·24`` past the MemInfo (whose header is 48 bytes), 64-byte granular
    so the data keeps the allocation's alignment."""
    return -(-(width * MI_DATA + 8) // 64) * 64


class CallTangents:
    """The call rules of one forward derivative."""

    def __init__(self, ctx: ForwardContext):
        self.ctx = ctx

    def visit(self, i: Instruction, b: Builder, active: bool):
        ctx, sb, act = self.ctx, self.ctx.sb, self.ctx.active
        name = i.callee_name or ""
        ops = i.operands
        any_active_op = any(o in act for o in ops)
        kind = classify_call(i, ctx.module)
        if kind is Kind.CUSTOM:
            self.custom_call(i, lookup_call(i), b)
            return
        if kind is Kind.CALLEE:
            self.recursive_call(i, defined_callee(ctx.module, i), b)
            return
        if kind is Kind.PARALLEL_FOR:
            if sb.interleaved:
                raise NoInterleave("a parallel loop (prange)")
            from .parallel import forward_launch
            forward_launch(ctx, i, b)
            return
        if kind is Kind.C_CUSTOM_PTR:
            self.pointer_custom_call(i, b, any_active_op)
            return
        if kind is Kind.ENZYME_CONTEXT:
            self.context_call(i, b, active)
            return
        if kind in LIBRARY_RULES:
            if sb.interleaved:
                raise NoInterleave(f"a BLAS/LAPACK call ({name})")
            self.library_call(LIBRARY_RULES[kind], i, b)
            return
        if sb.interleaved:
            if self.memory_call_interleaved(i, name, kind, b, active):
                return
        elif kind is Kind.ALLOCATOR:
            if active:
                sb.shadow[i] = sb.gather_lanes(b, [sb.zeroed_allocation(b, i, meminfo=True)
                                                   for _ in range(ctx.width)])
            return
        if kind is Kind.VARSIZE:
            if ops[0] in act:
                if sb.interleaved:     # forward_layout picks lanes for active lists
                    raise NoInterleave("a growable MemInfo (a list)")
                varsize.forward(sb, act, i, b)
            return
        if kind is Kind.C_MALLOC:
            if active:
                sb.shadow[i] = sb.gather_lanes(b, [sb.raw_shadow(b, i, reverse=False)
                                                   for _ in range(ctx.width)])
            return
        if kind is Kind.C_REALLOC:
            # the grown part of a shadow is never read before the primal writes its part
            # (which sets the tangent): no zeroing needed
            if active:
                sb.shadow[i] = sb.gather_lanes(b, [b.call(name, i.fnty, [lane] + ops[1:])
                                                   for lane in sb.lanes(b, sb.sh(ops[0], b))])
            return
        if kind in (Kind.C_FREE, Kind.REFCOUNT, Kind.DEALLOCATOR):
            if ops[0] in act:
                for lane in sb.lanes(b, sb.sh(ops[0], b)):
                    b.call(name, i.fnty, [lane] + ops[1:])
            return
        if kind is Kind.MEMINFO_DATA:
            if active:
                sb.shadow[i] = sb.same_op(b, i)
            return
        if kind is Kind.MEMSET:
            if ops[0] in act:
                for lane in sb.lanes(b, sb.sh(ops[0], b)):
                    b.memset(lane, 0, ops[2])
            return
        if kind is Kind.MEMCPY:
            dst, src = ops[0], ops[1]
            if dst in act:
                dl = sb.lanes(b, sb.sh(dst, b))
                if src in act:
                    for d, s in zip(dl, sb.lanes(b, sb.sh(src, b))):
                        b.call(name, i.fnty, [d, s, ops[2], ops[3]])
                else:
                    for d in dl:
                        b.memset(d, 0, ops[2])
            return
        if kind in (Kind.INACTIVE, Kind.INACTIVE_FN):
            return
        if kind is Kind.C_CALLEE:
            if active or any_active_op:
                raise unsupported(f"a call of the recursive function `{name}` (it reads "
                                  f"arrays) in forward mode", i.loc,
                                  help="use reverse mode, or write the recursion as a loop")
            return
        rule = table.lookup(name) if kind is Kind.MATH else None
        if rule is not None and i.type.is_float:
            if active:
                sb.shadow[i] = tangent_sum(ctx, b, rule, i, ops)
            return
        if active or any_active_op and (contains_float(i.type) or any(
                contains_float(o.type) or o.type.is_pointer for o in ops if o in act)):
            raise unsupported(describe(i), i.loc, help=call_help(i))

    def pointer_custom_call(self, i: Instruction, b: Builder, any_active: bool):
        """A C function with pointer parameters and the program's own forward derivative
        (``__enzyme_register_derivative_f``, frontend/c_custom.py): the call stays (the
        primal), and the derivative is called after it with each pointer followed by its
        shadow, to write the tangents into the shadows."""
        ctx, sb, act = self.ctx, self.ctx.sb, self.ctx.active
        name = i.callee_name
        if not any_active:
            return
        if ctx.width > 1 or sb.interleaved:
            raise unsupported(f"a batched (width > 1) call of `{name}`, which has a registered "
                              f"derivative", i.loc, help="use width 1")
        args, types = with_shadows(i, act, sb, b, "derivative")
        fwd = table.pointer_derivative(name).get("fwd")
        if fwd is None:
            raise unsupported(f"a call of `{name}` in forward mode: the program registers its "
                              f"gradient but no forward derivative", i.loc,
                              help=f"register one with __enzyme_register_derivative_{name}")
        b.call(fwd, FunctionType(i.fnty.ret, tuple(types)), args)

    def context_call(self, i: Instruction, b: Builder, active: bool):
        """Enzyme's context API inside a function differentiated in forward mode (a forward
        derivative of a gradient that uses a context, frontend/c_context.py): a context's
        shadow is a second context of the same width, whose shadows of the globals hold
        the tangents of the first one's; ``__enzyme_shadow`` of the shadow context gives
        the tangent of the address ``__enzyme_shadow`` returns; zeroing zeroes both."""
        ctx, sb, act = self.ctx, self.ctx.sb, self.ctx.active
        name, ops = i.callee_name, i.operands
        if ctx.width > 1 or sb.interleaved:
            raise unsupported(f"a call of {name} in a batched (width > 1) forward derivative",
                              i.loc, help="use width 1")
        if name == "__enzyme_context":
            if active:
                sb.shadow[i] = b.call(name, i.fnty, list(ops))
            return
        if ops[0] not in act:
            if active:
                raise unsupported(f"a call of {name} on a context made outside the function",
                                  i.loc)
            return
        if name == "__enzyme_shadow":
            if active:
                sb.shadow[i] = b.call(name, i.fnty, [sb.sh(ops[0], b)] + list(ops[1:]))
        else:
            b.call(name, i.fnty, [sb.sh(ops[0], b)] + list(ops[1:]))

    def library_call(self, rule, i: Instruction, b: Builder):
        """A BLAS/LAPACK call (``rules/call_rules.py``): the call stays and computes the
        primal; the family's rule maps each lane's tangents of its inputs to the shadows of
        its outputs."""
        ctx = self.ctx
        act = ctx.active
        c = rule.describe(i, act)
        if c is None:
            return
        on = [p in act for p in rule.inputs(c)]
        if not rule.has_work(c, on, act, i):
            return
        rule.tangent(CallContext(b, lambda: ctx.entry_builder, ctx.width, ctx.sb), i, c, on)

    def memory_call_interleaved(self, i: Instruction, name: str, kind: Kind, b: Builder,
                                active: bool) -> bool:
        """Memory calls in the interleaved layout (sizes times N, one call on the one shadow
        pointer).  Returns False for calls it does not handle (rules, inactive calls, …)."""
        sb, act, w = self.ctx.sb, self.ctx.active, self.ctx.width
        ops = i.operands

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
                h = const_int(I64, hdr(w))
                c = i.clone()
                c.name = None
                c.operands = [b.add(times_w(ops[0]), h)] + list(ops[1:])
                b.emit(c)
                data = b.load(PTR, b.gep(I8, c, [const_int(I64, MI_DATA)]), 8)
                sdata = b.gep(I8, data, [h])
                b.store(sdata, b.gep(I8, c, [const_int(I64, w * MI_DATA)]), 8)
                b.memset(sdata, 0, times_w(ops[0]))
                sb.shadow[i] = c
            return True
        def scaled(args, k):
            """``args`` with operand ``k`` (a size) times N, in its own type."""
            n = times_w(args[k])
            args[k] = n if args[k].type == I64 else b.cast("trunc", n, args[k].type)
            return args

        if kind is Kind.C_MALLOC:
            if active:
                alloc = table.raw_allocator(name)
                c = b.call(name, i.fnty, scaled(list(ops), alloc.size[0]))
                if not alloc.zeroed:
                    b.memset(c, 0, times_w(raw_size(b, i)))
                sb.shadow[i] = c
            return True
        if kind is Kind.C_REALLOC:
            if active:
                r = table.raw_realloc(name)
                args = scaled([sb.sh(ops[0], b)] + list(ops[1:]), r.size)
                if r.old_size is not None:
                    args = scaled(args, r.old_size)
                sb.shadow[i] = b.call(name, i.fnty, args)
            return True
        if kind in (Kind.C_FREE, Kind.REFCOUNT, Kind.DEALLOCATOR):
            if ops[0] in act:
                args = [sb.sh(ops[0], b)] + list(ops[1:])
                size = table.raw_free(name)[1] if kind is Kind.C_FREE else None
                b.call(name, i.fnty, scaled(args, size) if size is not None else args)
            return True
        if kind is Kind.MEMINFO_DATA:
            if active:
                sb.shadow[i] = b.load(PTR, b.gep(I8, sb.sh(ops[0], b),
                                                 [const_int(I64, w * MI_DATA)]), 8)
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

    def custom_call(self, i: Instruction, cf, b: Builder):
        """A call with a user rule: tangent from ``jvp(primals, tangents)``; inactive
        functions give a zero tangent."""
        ctx, sb, act = self.ctx, self.ctx.sb, self.ctx.active
        site = call_site(cf, i)
        w = ctx.width
        rp = site.retptr
        if sb.interleaved:
            if any(a.type.is_pointer for a in site.args):
                raise NoInterleave(f"a custom rule of `{cf.name}` called with arrays")
            if rp is not None:
                float_fields(value_type(site.restype))  # refuses results holding pointers
        if cf.inactive or not any(a in act for a in site.args):
            if rp is not None and rp in act:
                vt = value_type(site.restype)
                if sb.interleaved:
                    b.memset(sb.sh(rp, b), 0, const_int(I64, w * alloc_size(vt)))
                    return
                for lane in sb.lanes(b, sb.sh(rp, b)):
                    b.store(zero(vt), lane)
            return
        entry = Builder(ctx.module).before(ctx.fn.entry.instructions[0])
        exc = site.excinfo if site.excinfo is not None else ctx.excinfo
        ydots = []
        for k in range(w):
            tangents = []
            for a in site.args:
                if a.type.is_float or a.type.is_pointer:
                    s_ = sb.sh(a, b)
                    tangents.append(b.extractelement(s_, k) if w > 1 else s_)
                else:
                    tangents.append(a)
            res = emit_rule_call(ctx.module, b, entry, site, "jvp", site.argtypes * 2,
                                 site.args + tangents, exc)
            ydots.append(b.extractvalue(res, [1]))
        if rp is not None:
            self.store_result_tangents(b, rp, value_type(site.restype), ydots)
        else:
            sb.shadow[i] = sb.gather_lanes(b, ydots)

    def store_result_tangents(self, b: Builder, rp: Value, vt: Type, ydots: List[Value]):
        """A callee's result tangents (one per lane) into the shadow of its return slot."""
        sb = self.ctx.sb
        if rp not in self.ctx.active:
            return
        if sb.interleaved:
            # each float field at offset o: its N lanes at N·o (integers are not mirrored)
            sp = sb.sh(rp, b)
            for path, off in float_fields(vt):
                lanes = [b.extractvalue(yd, path) if path else yd for yd in ydots]
                b.store(sb.gather_lanes(b, lanes),
                        b.gep(I8, sp, [const_int(I64, self.ctx.width * off)]))
        else:
            for lane, yd in zip(sb.lanes(b, sb.sh(rp, b)), ydots):
                b.store(yd, lane)

    def recursive_call(self, i: Instruction, callee: Function, b: Builder):
        """A call of a function defined in the module (recursion, callees.py): replaced by a
        call of the callee's forward derivative, which writes the primal result where the
        call did and the tangent into the return slot's shadow (lanes 1..N-1 call it again)."""
        ctx, sb = self.ctx, self.ctx.sb
        w = ctx.width
        rt = callees.check_callee(callee, i.loc)
        mask = callees.active_mask(i, ctx.active)
        rp, exc = i.operands[0], i.operands[1]
        if rt is None or not any(mask):
            if rt is not None:
                self.store_result_tangents(b, rp, rt, [zero(rt)] * w)
            return
        dname, dsig = callees.derivative(ctx.module, callee, mask, rt)
        entry = Builder(ctx.module).before(ctx.fn.entry.instructions[0])
        out_t = StructType((rt, rt))
        out = entry.alloca(out_t)
        args = callees.call_args(i)
        active_args = [a for a, on in zip(args, mask) if on]
        ydots, status = [], None
        for k in range(w):
            tangents = [b.extractelement(sb.sh(a, b), k) if w > 1 else sb.sh(a, b)
                        for a in active_args]
            st = b.call(dname, callees.call_type(dsig), [out, exc] + args + tangents)
            res = b.load(out_t, out)
            if k == 0:
                status = st
                b.store(b.extractvalue(res, [0]), rp)
            ydots.append(b.extractvalue(res, [1]))
        self.store_result_tangents(b, rp, rt, ydots)
        ctx.fn.replace_all_uses(i, status)
        i.erase()

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

Width N: every tangent is an ``<N x T>`` vector and every shadow pointer an ``<N x ptr>``
(lane k points into shadow k); loads/stores through shadows become gathers/scatters, the
partial derivatives are computed once and splatted.  One call computes N directional
derivatives.  A float result's N tangents come back as a 1-D array of N; an array result's
as one C-contiguous array of shape ``(N,) + shape``, assembled at the ``ret`` (success path
only) by copying the N lane arrays and releasing them.

Invariant: the primal instructions are untouched; shadows only read primal values.  Any
instruction that could carry a derivative and has no rule raises ``UnsupportedError`` with
its source line.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from numba.core import types as nbt

from ..activities import Const, Dual, DualOnly
from ..errors import unsupported
from ..ir.builder import Builder
from ..ir.types import (F64, I1, I32, I64, I8, PTR, VOID, ArrayType, FunctionType, IntType,
                        StructType, Type, VectorType, contains_float, contains_pointer)
from ..ir.values import (Argument, Block, Constant, Function, GlobalRef, Instruction, Module, Value,
                         const_float, const_int, undef, zero)
from ..llvm.jit import value_type
from ..rules import table
from ..rules.emit import partials
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


class ShadowBuilder:
    """Shadow-value bookkeeping shared by the forward transform's instruction rules."""

    def __init__(self, module: Module, fn: Function, width: int, activity):
        self.module, self.fn, self.width = module, fn, width
        self.act = activity
        self.shadow: Dict[Value, Value] = {}
        self.helpers = set()

    # -- types -------------------------------------------------------------------------
    def stype(self, t: Type) -> Type:
        """Type of the shadow of a value of type ``t``."""
        if self.width == 1:
            return t
        if t.is_float or t.is_pointer:
            return VectorType(self.width, t)
        if t.is_int:
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
            if v.text in ("null", "zeroinitializer", "undef", "poison") or t.is_float:
                return Constant(self.stype(t), "zeroinitializer" if self.width > 1 or not (t.is_float or t.is_pointer) else zero(t).text) \
                    if v.text != "undef" else undef(self.stype(t))
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

    def scale(self, b: Builder, partial: Value, tangent: Value) -> Value:
        return b.fmul(self.splat(b, partial), tangent)

    # -- memory through shadows -----------------------------------------------------------
    def load(self, b: Builder, t: Type, sp: Value, align) -> Value:
        if self.width == 1:
            return b.load(t, sp, align)
        st = self.stype(t)
        if not (t.is_float or t.is_pointer):
            raise unsupported(f"a batched load of {t} from shadow memory")
        c = b.call(f"llvm.masked.gather.{_sfx(st)}.v{self.width}p0",
                   FunctionType(st, (VectorType(self.width, PTR), VectorType(self.width, I1), st)),
                   [sp, _true_mask(self.width), undef(st)])
        c.meta = {"pre": "", "arg_attrs": [f"align {align or 1}", "", ""]}
        return c

    def store(self, b: Builder, v: Value, sp: Value, align):
        if self.width == 1:
            return b.store(v, sp, align)
        if v.type.is_int:
            return None  # integers in batched shadow memory are never read back as shadows
        c = b.call(f"llvm.masked.scatter.{_sfx(v.type)}.v{self.width}p0",
                   FunctionType(VOID, (v.type, VectorType(self.width, PTR), VectorType(self.width, I1))),
                   [v, sp, _true_mask(self.width)])
        c.meta = {"pre": "", "arg_attrs": ["", f"align {align or 1}", ""]}
        return c

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
    def __init__(self, prep, sig: DerivSignature, ret_activity, width: int, name: str):
        self.prep, self.sig, self.ret_act, self.width, self.name = prep, sig, ret_activity, width, name
        self.module: Module = prep.module
        self.primal: Function = prep.function
        self.fe = prep.fe

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
                ml, _, _, _, data, shapes, strides = array_leaves(sleaf)
                lanes = []
                ft = _leaf_type(leaf, 0, self.fe.argmap)
                for k in range(w):
                    off = b.mul(fn.args[strides[0]], const_int(I64, k))
                    p = b.gep(I8, fn.args[data], [off])
                    lanes.append(b.load(ft, p))
                vt = VectorType(w, ft)
                vec: Value = undef(vt)
                for k, l in enumerate(lanes):
                    vec = b.insertelement(vec, l, k)
                seeds[prim_param(leaf.first)] = vec
            return
        mi, parent, _, _, data, _, _ = array_leaves(leaf)
        smi, sparent, _, _, sdata, _, sstrides = array_leaves(sleaf)
        if w == 1:
            seeds[prim_param(data)] = fn.args[sdata]
            seeds[prim_param(mi)] = fn.args[smi]
            seeds[prim_param(parent)] = fn.args[sparent]
        else:
            ptrs, mis = [], []
            for k in range(w):
                off = b.mul(fn.args[sstrides[0]], const_int(I64, k))
                ptrs.append(b.gep(I8, fn.args[sdata], [off]))
            sb = ShadowBuilder(self.module, fn, w, None)
            seeds[prim_param(data)] = sb.gather_lanes(b, ptrs)
            seeds[prim_param(mi)] = sb.gather_lanes(b, [fn.args[smi]] * w)
            seeds[prim_param(parent)] = sb.gather_lanes(b, [fn.args[sparent]] * w)

    # -- steps 2-4 -----------------------------------------------------------------------
    def run(self):
        self.build()
        fn, w = self.fn, self.width
        # without a wanted tangent of the result (None return, Const return) the primal's
        # return slot is scratch memory: its stores carry nothing (it gets no shadow)
        act = analyse_activity(fn, self.seeds.keys(), inactive=[self.prim_slot])
        self.activity = act
        sb = ShadowBuilder(self.module, fn, w, act)
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
            self.emit_return(i, sb)
            return
        if op == "store":
            v, p = i.operands
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
                if self.width == 1:
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
            sb.shadow[i] = b.gep(i.src_type, base, i.operands[1:], flags=i.flags)
        elif op == "load":
            sp = sb.sh(i.operands[0], b)
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
                term = sb.scale(b, vals[k], t)
            acc = term if acc is None else b.fadd(acc, term)
        if acc is None:
            return Constant(sb.stype(i.type), "zeroinitializer") if self.width > 1 else zero(i.type)
        return acc

    def shadow_alloca(self, b: Builder, sb: ShadowBuilder, i: Instruction) -> Value:
        t = i.src_type
        eb = self.entry_builder
        lanes = []
        for _ in range(self.width):
            a = Builder(self.module).before(self.fn.entry.instructions[0]).alloca(t)
            lanes.append(a)
        # zero each shadow slot where the primal slot is created
        from ..ir.types import alloc_size
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
        if name in table.ALLOCATORS:
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
        if name == table.C_MALLOC:
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
        if name == table.C_FREE:
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

    def custom_call(self, i: Instruction, cf, b: Builder, sb: ShadowBuilder):
        """A call with a user rule: tangent from ``jvp(primals, tangents)``; inactive
        functions give a zero tangent."""
        site = call_site(cf, i)
        act = self.activity.active
        w = self.width
        rp = site.retptr
        if cf.inactive or not any(a in act for a in site.args):
            if rp is not None and rp in act:
                vt = value_type(site.restype)
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
            if rp in act:
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
        if wide_array:
            # The lanes' arrays are copied into one (N, ...) array only on the success path:
            # on an exception the slots hold no arrays (and shapes may be garbage).
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
            elif wide_array:
                vals.append(self.wide_array_tangent(b))
            else:
                lanes = [b.load(self.slot_t, a) for a in self.ret_shadow]
                tv = lanes[0]
                if self.width > 1:
                    tv = self.wide_to_array(b, ShadowBuilder(self.module, self.fn, self.width,
                                                             None).gather_lanes(b, lanes))
                vals.append(tv)
        if len(vals) == 1:
            b.store(vals[0], self.fn.args[0])
        else:
            agg: Value = undef(out_t)
            for k, v in enumerate(vals):
                agg = b.insertvalue(agg, v, [k])
            b.store(agg, self.fn.args[0])
        if wide_array:
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

    def wide_to_array(self, b: Builder, vec: Value) -> Value:
        """Pack an <N x T> tangent into a fresh 1-D Numba array {meminfo, parent, n, …}."""
        w = self.width
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

    def derivative_return_type(self):
        out_nb, _ = self.result_layout()
        return out_nb if out_nb is not None else nbt.none


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


def forward_transform(prep, sig, ret_activity, width, name):
    ft = ForwardTransform(prep, sig, ret_activity, width, name)
    ft.run()
    # only the derivative and what it calls stay
    prep.module.functions.pop(prep.fe.llvm_name, None)
    return ft

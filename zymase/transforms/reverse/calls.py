"""Calls with a rule of their own in reverse mode: what each saves in the forward sweep, what
the adjoint sweep needs to get back, and its adjoint.

Four families, told apart by ``rules/calls.classify_call``:

* **custom rules** (``zymase.custom`` with ``defvjp``): the call stays and computes the primal;
  ``fwd(*primals)`` runs beside it and its residuals go to a heap block; the adjoint calls
  ``bwd(residuals, ȳ)`` once per lane and adds the returned adjoints (float arguments into
  their slots, array arguments into their shadows through a compiled ``dst += src``);
* **recursive callees** (``callees.py``): the callee's forward derivative, called once per
  active float argument with that argument's unit tangent, gives ∂G/∂aⱼ, saved to a heap
  block; the adjoint adds ȳ·∂G/∂aⱼ — linear in the depth of the recursion;
* **LAPACK** and **BLAS** (``rules/linalg/``): the family's ``CallRule`` saves what the
  adjoint needs before the primal can overwrite it, says what the adjoint reads back, and
  emits the adjoint (per lane).

Invariant: every save's code ends at an *anchor* instruction recorded in ``CallSites.anchor``;
the adjoint runs where the reverse walk meets the anchor, so it comes before the walk restores
the heap block's current-value slot.  Every heap block is freed by its adjoint (the adjoint
sweep runs exactly once per forward execution of the call).
"""
from __future__ import annotations

import dataclasses
from typing import Dict, List

from numba.core import types as nbt

from ...errors import unsupported
from ...ir.builder import Builder
from ...ir.types import I32, I64, I8, PTR, VOID, FunctionType, StructType, alloc_size
from ...ir.values import Function, Instruction, Value, const_float, const_int, zero
from ...llvm.jit import value_type
from ...rules.call_rules import CallContext
from ...rules import table
from ...rules.calls import python_name
from .. import c_callees, callees, parallel
from ..custom_calls import call_site, emit_rule_call, with_shadows
from .common import accumulate_symbol, flat_types, flatten, free, release_arrays


@dataclasses.dataclass
class CallSites:
    """Filled by the forward sweep, read by the tape plan and the adjoint sweep."""
    custom: Dict[Instruction, tuple] = dataclasses.field(default_factory=dict)  # (site, buf)
    library: Dict[Instruction, tuple] = dataclasses.field(default_factory=dict)  # (rule, c, buf, on)
    anchor: Dict[Instruction, Instruction] = dataclasses.field(default_factory=dict)

    def anchor_here(self, b: Builder, i: Instruction):
        """The adjoint of ``i`` runs where the code just emitted at ``b`` ends."""
        self.anchor[b.block.instructions[b.index - 1]] = i


# -- forward sweep: saves ----------------------------------------------------------------------
def save_custom(frame, act, sites: CallSites, i: Instruction, cf, b: Builder):
    """A call with a user rule: ``fwd(*primals)`` runs beside it and its residuals go to a
    heap buffer whose address the adjoint sweep gets from the tape."""
    site = call_site(cf, i)
    if cf.inactive or not any(a in act for a in site.args):
        return
    if cf.vjp_fwd is None:
        raise unsupported(f"`{cf.name}` in reverse mode: it has a custom derivative but no "
                          f"reverse rule", i.loc,
                          help=f"define one with {cf.name}.defvjp(fwd, bwd)")
    if isinstance(site.restype, nbt.Array):
        raise unsupported(f"a reverse-mode custom rule for `{cf.name}`, which returns an "
                          f"array", i.loc, help="return a float, or use forward mode")
    entry = frame.entry()
    exc = site.excinfo if site.excinfo is not None else frame.excinfo
    res_all = emit_rule_call(frame.module, b, entry, site, "fwd", site.argtypes, site.args, exc)
    _, _, fsig = cf.rule_function("fwd", site.argtypes)
    res_t = fsig.return_type.types[1]
    res = b.extractvalue(res_all, [1])
    size = const_int(I64, max(8, alloc_size(res.type)))
    buf = b.call("malloc", FunctionType(PTR, (I64,)), [size])
    b.store(res, buf)
    release_arrays(b, b.extractvalue(res_all, [0]), fsig.return_type.types[0])
    sites.custom[i] = (site, buf)
    site.res_t = res_t
    sites.anchor_here(b, i)


def save_recursive(frame, act, sites: CallSites, i: Instruction, callee: Function, b: Builder):
    """A call of a function defined in the module: the call stays; ∂G/∂aⱼ for each active
    float argument goes to a heap block."""
    rt = callees.check_callee(callee, i.loc)
    mask = callees.active_mask(i, act)
    if rt is None or not any(mask):
        return
    if not rt.is_float:
        raise unsupported(f"a reverse-mode call of the recursive function "
                          f"`{python_name(callee.name)}` returning {rt}", i.loc)
    site = callees.CallSite(callee, i, rt, mask)
    dname, dsig = callees.derivative(frame.module, callee, mask, rt)
    entry = frame.entry()
    out_t = StructType((rt, rt))
    out = entry.alloca(out_t)
    k = sum(mask)
    buf = b.call("malloc", FunctionType(PTR, (I64,)), [const_int(I64, 8 * k)])
    for j in range(k):
        unit = [const_float(a.type, 1.0 if m == j else 0.0)
                for m, a in enumerate(a for a, on in zip(site.args, mask) if on)]
        b.call(dname, callees.call_type(dsig), [out, site.excinfo] + site.args + unit)
        b.store(b.extractvalue(b.load(out_t, out), [1]), b.gep(I64, buf, [const_int(I64, j)]))
    sites.custom[i] = (site, buf)
    sites.anchor_here(b, i)


def save_c_callee(frame, act, sites: CallSites, i: Instruction, b: Builder):
    """A recursive C function that reads arrays (``c_callees.py``): the call stays; its
    adjoint calls the callee's reverse derivative, which re-runs it on the same memory."""
    callee = frame.module.functions[i.callee_name]
    floats, pointers = c_callees.masks(i, act.active)
    if i not in act.active and not any(pointers):
        return
    if frame.width > 1:
        raise unsupported(f"a batched (width > 1) reverse-mode call of the recursive function "
                          f"`{callee.name}`", i.loc, help="use width 1")
    c_callees.check_stable(i.block.function, act.types, i, callee)
    site = c_callees.CCalleeSite(callee, i, floats, pointers)
    sites.custom[i] = (site, None)
    sites.anchor_here(b, i)


class PointerCustomSite:
    """A call of a C function with pointer parameters and the program's own gradient
    (``table.pointer_derivative``: ``aug`` and ``rev``)."""

    def __init__(self, inst: Instruction, rev: str, tape: bool):
        self.inst, self.rev, self.tape = inst, rev, tape
        self.args: List[Value] = list(inst.operands)


def save_custom_pointer(frame, act, sites: CallSites, i: Instruction, b: Builder, sb):
    """The call stays (the primal); the program's augmented forward function runs after it
    with each pointer followed by its shadow, and the tape it returns waits for the adjoint
    sweep, where the program's reverse function gets the same arguments and the tape."""
    name = i.callee_name
    if not any(o in act for o in i.operands):
        return
    rules = table.pointer_derivative(name)
    if "rev" not in rules:
        raise unsupported(f"a call of `{name}` in reverse mode: the program registers its "
                          f"forward derivative but no gradient", i.loc,
                          help=f"register one with __enzyme_register_gradient_{name}")
    if frame.width > 1:
        raise unsupported(f"a batched (width > 1) reverse-mode call of `{name}`", i.loc)
    args, types = with_shadows(i, act, sb, b, "gradient")
    aug = rules["aug"]
    fnty = frame.module.functions[aug].fnty
    t = b.call(aug, FunctionType(fnty.ret, tuple(types)), args)
    tape = fnty.ret.is_pointer
    sites.custom[i] = (PointerCustomSite(i, rules["rev"], tape), t if tape else None)
    sites.anchor_here(b, i)


def _pointer_custom_adjoint(frame, aug, b: Builder, r, site: PointerCustomSite, buf):
    sb = aug.sb
    args, types = [], []
    for a in site.args:
        args.append(r(a))
        types.append(a.type)
        if a.type.is_pointer:
            args.append(r(sb.shadow[a]))
            types.append(a.type)
    if site.tape:
        args.append(r(buf))
        types.append(PTR)
    b.call(site.rev, FunctionType(VOID, tuple(types)), args)


def save_library(frame, act, sites: CallSites, rule, i: Instruction, b: Builder):
    """A BLAS/LAPACK call (``rules/call_rules.py``): its rule saves what its adjoint needs."""
    c = rule.describe(i, act)
    on = [p in act for p in rule.inputs(c)] if c is not None else []
    if c is not None and rule.has_work(c, on, act, i):
        buf = rule.save(CallContext(b, frame.entry, frame.width, None), i, c, on)
        sites.library[i] = (rule, c, buf, on)
        # the adjoint runs where the saving ends, before the reverse walk restores the
        # block's current-value slot (as for custom rules)
        sites.anchor_here(b, i)


# -- what the adjoint sweep needs --------------------------------------------------------------
def call_needs(i: Instruction, sites: CallSites, shadow: Dict[Value, Value]) -> List[Value]:
    """Values the adjoint of a call with a rule reads (taped or recomputed), or None for a
    call without one."""
    if i in sites.library:
        rule, c, buf, on = sites.library[i]
        return rule.needs(c, buf, on, shadow)
    if i in sites.custom:
        site, buf = sites.custom[i]
        if isinstance(site, parallel.ParallelSite):
            return [buf]
        if isinstance(site, c_callees.CCalleeSite):
            return list(site.args) + [shadow[a] for a, on in zip(site.args, site.pointers)
                                      if on]
        if isinstance(site, PointerCustomSite):
            return list(site.args) + [shadow[a] for a in site.args if a.type.is_pointer] + \
                ([buf] if site.tape else [])
        out = [buf] + [shadow[a] for a in site.args if a.type.is_pointer and a in shadow]
        out += [a for a in site.args if a.type.is_int]
        if site.retptr is not None:
            out.append(shadow[site.retptr])
        return out
    return None


# -- adjoint sweep -----------------------------------------------------------------------------
def adjoint(frame, aug, store, b: Builder, site_inst: Instruction, r):
    """The adjoint of a call with a rule (``r`` materialises forward values)."""
    if site_inst in aug.calls.library:
        rule, c, buf, on = aug.calls.library[site_inst]
        rule.adjoint(CallContext(b, frame.entry, frame.width, aug.sb, r, reverse=True,
                                 shadow_access=aug.shadow_access), c, buf, on)
        return
    site, buf = aug.calls.custom[site_inst]
    if isinstance(site, parallel.ParallelSite):
        parallel.adjoint_launch(frame, aug, b, r, site, buf)
    elif isinstance(site, c_callees.CCalleeSite):
        _c_callee_adjoint(frame, aug, store, b, r, site)
    elif isinstance(site, PointerCustomSite):
        _pointer_custom_adjoint(frame, aug, b, r, site, buf)
    elif isinstance(site, callees.CallSite):
        _recursive_adjoint(frame, aug, store, b, r, site, buf)
    else:
        _custom_adjoint(frame, aug, store, b, site_inst, r, site, buf)


def _recursive_adjoint(frame, aug, store, b: Builder, r, site, buf):
    """``a_j`` += ``ybar`` · ∂G/∂a_j for each active float argument (every lane)."""
    sb = aug.sb
    rt = site.rt
    sp = r(sb.shadow[site.retptr])
    ybar = sb.load(b, rt, sp)
    sb.store(b, zero(frame.stype(rt)), sp)
    fbuf = r(buf)
    active_args = [a for a, on in zip(site.args, site.mask) if on]
    for j, a in enumerate(active_args):
        d = b.load(rt, b.gep(I64, fbuf, [const_int(I64, j)]))
        lanes = [b.fmul(y, d) for y in sb.lanes(b, ybar)]
        delta = sb.gather_lanes(b, lanes)
        if a.type != rt:
            delta = b.cast("fptrunc" if a.type.bits < rt.bits else "fpext", delta,
                           frame.stype(a.type))
        store.add_to(b, a, delta)
    free(b, fbuf)


def _c_callee_adjoint(frame, aug, store, b: Builder, r, site):
    """``R_G(args with shadows, ȳ)``: pointer shadows accumulate inside, the adjoints of the
    active float arguments come back."""
    sb = aug.sb
    ybar = store.take(b, site.inst)
    dname, dsig = c_callees.reverse_derivative(frame.module, site.callee, site.floats,
                                               site.pointers)
    args = []
    for a, on in zip(site.args, site.pointers):
        args.append(r(a))
        if on:
            args.append(r(sb.shadow[a]))
    args.append(ybar)
    rtype = dsig.results.type
    out = b.call(dname, FunctionType(rtype if rtype is not None else VOID,
                                     tuple(p.type for p in dsig.params)), args)
    active = [a for a, on in zip(site.args, site.floats) if on]
    for j, a in enumerate(active):
        store.add_to(b, a, out if len(active) == 1 else b.extractvalue(out, [j]))


def _custom_adjoint(frame, aug, store, b: Builder, i: Instruction, r, site, buf):
    cf = site.cf
    sb = aug.sb
    if site.retptr is not None:
        vt = value_type(site.restype)
        sp = r(sb.shadow[site.retptr])
        if frame.width > 1 and not vt.is_float:
            raise unsupported(f"a batched reverse-mode call of `{cf.name}`, whose result is "
                              f"{site.restype}", i.loc, help="use width=1")
        ybar = sb.load(b, vt, sp)
        sb.store(b, zero(frame.stype(vt)), sp)
    else:
        ybar = store.take(b, i)
    res_v = b.load(value_type(site.res_t), r(buf))
    entry = frame.entry()
    exc = site.excinfo if site.excinfo is not None else frame.excinfo
    _, _, bsig = cf.rule_function("bwd", (site.res_t, site.restype))
    adj_types = bsig.return_type.types
    if len(adj_types) != len(site.argtypes):
        raise unsupported(f"the reverse rule of `{cf.name}`: bwd returned {len(adj_types)} "
                          f"adjoints for {len(site.argtypes)} arguments", i.loc)
    from ...frontend.numba import describe_args
    amap = describe_args(site.argtypes, [f"a{k}" for k in range(len(site.argtypes))], None)
    # width N: the rule runs once per lane, with that lane's result adjoint; float
    # adjoints are gathered back into vectors, array adjoints go to the lane's shadow
    float_adj: Dict[int, List[Value]] = {}
    for lane, ybar_k in enumerate(sb.lanes(b, ybar)):
        out = emit_rule_call(frame.module, b, entry, site, "bwd", (site.res_t, site.restype),
                             flatten(b, res_v, site.res_t) + flatten(b, ybar_k, site.restype),
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
                dst = [frame.lane(b, r(sb.shadow[v]), lane) if v.type.is_pointer else r(v)
                       for v in leaves]
                sym = accumulate_symbol(frame.module, info.nbtype, at)
                b.call(sym, FunctionType(I32, (PTR, PTR) + tuple(v.type for v in dst)
                                         + tuple(t for t in flat_types(adj.type))),
                       [entry.alloca(I8), exc] + dst + flatten(b, adj, at))
                release_arrays(b, adj, at)
    for k, adjs in float_adj.items():
        info = amap.args[k]
        store.add_to(b, site.args[info.first - 2], sb.gather_lanes(b, adjs))
    release_arrays(b, res_v, site.res_t)
    free(b, r(buf))

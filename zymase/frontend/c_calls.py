"""Calls the C front end leaves in place: recursive C functions, brought to the calling
convention the callee rules know.

Canonicalisation inlines every callee it can; what stays a call to a function with a body in
the module is recursion.  ``transforms/callees.py`` differentiates such calls through the
callee's own forward derivative, for callees in Numba's convention
(``i32 @G(ptr retptr, ptr excinfo, <scalars>)``, the result stored through ``retptr``).  A
C function ``double G(double, int)`` is the same computation in another convention, so it
is rewritten into that one before the transform runs:

* ``G`` becomes ``i32 @<G in Numba's mangling>(ptr out, ptr excinfo, <G's parameters>)``
  with G's own blocks; each ``ret double %v`` becomes ``store %v, out`` and ``ret i32 0``;
* every call ``%r = call double @G(args)`` (in the function being differentiated and inside G
  itself) becomes a call of the new function with a stack slot, followed by a load of the
  slot.

The new name is Numba-style (``_ZN<len><name>E.zymase.c``) so that messages name the C
function.  Only functions whose parameters are integers and floats and whose result is a
float or nothing are rewritten; any other recursive callee stays a call, which the transform
refuses by name.  The rewrite is exact: same blocks, same arithmetic, one store and one load
per call.
"""
from __future__ import annotations

from typing import List

from ..ir.builder import Builder
from ..ir.types import I32, PTR, VOID, FunctionType
from ..rules import table
from ..ir.values import Argument, Function, Instruction, Module, const_int, zero


def _convertible(fn: Function) -> bool:
    rt = fn.ret_type
    return (not fn.vararg and (rt.is_float or rt == VOID)
            and all(a.type.is_float or a.type.is_int for a in fn.args))


def status_convention(module: Module, primal: Function) -> List[str]:
    """Rewrite the recursive C callees reached from ``primal``; returns their new names."""
    from ..rules.calls import INACTIVE_FUNCTIONS
    inactive = module.__dict__.get(INACTIVE_FUNCTIONS, frozenset())
    targets = {}
    if any(i.opcode == "call" and i.callee_name == primal.name
           for i in primal.instructions()) and (_convertible(primal) or _readable(primal)):
        primal = _split_entry(module, primal)
    for f in list(module.functions.values()):
        if (f is primal or f.is_declaration or not _convertible(f) or f.name in inactive
                or f.name.startswith("zymase_cr_") or table.lookup(f.name) is not None):
            continue
        called = any(i.opcode == "call" and i.callee_name == f.name
                     for g in (primal, f) for i in g.instructions())
        if called:
            targets[f.name] = f
    renamed = []
    for name, f in targets.items():
        new_name = f"_ZN{len(name)}{name}E.zymase.c"
        out, exc = Argument(PTR, "zy.out", "noalias"), Argument(PTR, "zy.excinfo", "noalias")
        g = Function(new_name, I32, [out, exc] + list(f.args))
        g.blocks = f.blocks
        for b in g.blocks:
            b.function = g
        g.is_declaration = False
        g.linkage = "internal"
        g.attrs = f.attrs
        g.subprogram = f.subprogram
        for b in list(g.blocks):
            t = b.terminator
            if t is not None and t.opcode == "ret":
                bb = Builder(module, loc=t.loc).before(t)
                if t.operands:
                    bb.store(t.operands[0], out)
                bb.ret(const_int(I32, 0))
                t.erase()
        del module.functions[name]
        module.add_function(g)
        targets[name] = g
        renamed.append(new_name)
    for fn in [primal] + [targets[n] for n in targets]:
        for i in [i for i in fn.instructions() if i.opcode == "call"
                  and i.callee_name in targets]:
            _redirect(module, fn, i, targets[i.callee_name])
    _reverse_callees(module, primal, inactive)
    return renamed


def _reverse_callees(module: Module, primal: Function, inactive) -> None:
    """Recursive functions with pointer arguments that write no memory: differentiated by a
    reverse derivative of their own (``transforms/c_callees.py``)."""
    from ..rules.calls import C_CALLEES
    candidates = {}
    for f in module.functions.values():
        if (f is primal or f.is_declaration or f.vararg or f.name in inactive
                or not f.ret_type.is_float or f.name.startswith("zymase_cr_")
                or table.lookup(f.name) is not None
                or not all(a.type.is_float or a.type.is_int or a.type.is_pointer
                           for a in f.args)
                or not any(a.type.is_pointer for a in f.args)):
            continue
        candidates[f.name] = f
    ok = set()
    for name, f in candidates.items():
        if _reads_only(f, candidates):
            ok.add(name)
    if ok:
        module.__dict__[C_CALLEES] = frozenset(ok)


def _readable(f: Function) -> bool:
    """Could be a reverse callee: pointer, float and integer parameters, a float result."""
    return (not f.vararg and f.ret_type.is_float
            and all(a.type.is_float or a.type.is_int or a.type.is_pointer for a in f.args))


def _reads_only(f: Function, candidates) -> bool:
    """``f`` writes no memory its caller can see: stores only into its own stack slots and
    heap blocks (``alloca``, ``malloc``/``calloc``, through GEPs), calls only itself, the
    other candidates, math and inactive functions and the C heap."""
    own = set()
    for i in f.instructions():
        if i.opcode == "alloca" or (i.opcode == "call" and i.callee_name in ("malloc",
                                                                             "calloc")):
            own.add(i)
    def local(p) -> bool:
        seen = 0
        while getattr(p, "opcode", None) == "getelementptr" and seen < 64:
            p, seen = p.operands[0], seen + 1
        return p in own
    for i in f.instructions():
        if i.opcode == "store":
            if not local(i.operands[1]):
                return False
        elif i.opcode in ("atomicrmw", "cmpxchg", "fence", "invoke", "va_arg"):
            return False
        elif i.opcode == "call":
            n = i.callee_name or ""
            if n in ("malloc", "calloc", "free") or n in candidates:
                continue
            if n.startswith(("llvm.memset.", "llvm.memcpy.", "llvm.memmove.")):
                if local(i.operands[0]):
                    continue
                return False
            if table.lookup(n) is not None or table.is_inactive_call(n):
                continue
            return False
    return True


def _split_entry(module: Module, primal: Function) -> Function:
    """A recursive function being differentiated: its body moves to a callee of the same
    name (rewritten below like any recursive callee) and the entry function becomes one call
    of it, so the recursion goes through the callee derivative."""
    body = Function(primal.name, primal.ret_type, list(primal.args), primal.vararg)
    body.blocks, body.attrs, body.subprogram = primal.blocks, primal.attrs, primal.subprogram
    for b in body.blocks:
        b.function = body
    body.is_declaration = False
    body.linkage = "internal"
    fresh = [Argument(a.type, a.name, a.attrs) for a in body.args]
    primal.args = fresh
    for k, a in enumerate(fresh):
        a.function, a.index = primal, k
    primal.blocks = []
    entry = primal.add_block("entry")
    b = Builder(module).at_end(entry)
    call = b.call(primal.name, primal.fnty, fresh)
    b.ret(call if primal.ret_type != VOID else None)
    # the entry function keeps its name; the body goes under a private one until renamed
    body.name = f"{primal.name}.zymase.body"
    module.add_function(body)
    for i in list(body.instructions()) + [call]:
        if i.opcode == "call" and i.callee_name == primal.name:
            i.callee = module.get_or_declare(body.name, body.fnty)
    return primal


def _redirect(module: Module, fn: Function, i: Instruction, g: Function) -> None:
    rt = i.type
    entry = Builder(module).before(fn.entry.instructions[0])
    slot = entry.alloca(rt) if rt != VOID else None
    b = Builder(module, loc=i.loc).before(i)
    ty = FunctionType(I32, tuple(a.type for a in g.args))
    args = [slot if slot is not None else zero(PTR), zero(PTR)] + list(i.operands)
    b.call(g.name, ty, args)
    if slot is not None:
        v = b.load(rt, slot)
        fn.replace_all_uses(i, v)
    i.erase()


def lower_posix_memalign(module: Module, fn: Function) -> int:
    """``posix_memalign(&p, a, n)`` → ``p = aligned_alloc(a, round_up(n, a))`` and a status of
    0, or ENOMEM (12) when the allocation fails: the allocation becomes a value (an allocator
    call the transforms give a shadow) instead of a pointer written through memory."""
    from ..ir.types import I64
    calls = [i for i in fn.instructions()
             if i.opcode == "call" and i.callee_name == "posix_memalign"]
    for i in calls:
        slot, align, size = i.operands
        b = Builder(module, loc=i.loc).before(i)
        up = b.add(size, b.sub(align, const_int(I64, 1)))
        rounded = b.binop("and", up, b.sub(const_int(I64, 0), align))
        p = b.call("aligned_alloc", FunctionType(PTR, (I64, I64)), [align, rounded])
        b.store(p, slot)
        failed = b.icmp("eq", p, zero(PTR))
        status = b.select(failed, const_int(i.type, 12), const_int(i.type, 0))
        fn.replace_all_uses(i, status)
        i.erase()
    return len(calls)

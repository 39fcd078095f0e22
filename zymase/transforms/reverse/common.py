"""Small IR helpers every layer of reverse mode uses: adjoint zeros, tape slot counts, the
flattening of aggregates into Numba's argument order, and the compiled helpers the adjoint
sweep calls (array accumulation, the adjoint of a memcpy).

Nothing here knows about a particular derivative: each helper takes the builder and the values
it works on.  ``PURE`` is the one list of opcodes the recompute plan may re-execute and the loop
plan may treat as invariant-preserving.
"""
from __future__ import annotations

from typing import Dict, List

import numpy as np
from numba.core import types as nbt

from ...ir.builder import Builder
from ...ir.types import I64, PTR, VOID, ArrayType, FunctionType, StructType, Type, VectorType, alloc_size
from ...ir.values import Argument, Function, Instruction, Module, Value, const_float, const_int, zero

# instructions without side effects whose result depends only on their operands: the adjoint
# sweep may execute them again instead of taping their results
PURE = frozenset({
    "add", "sub", "mul", "shl", "lshr", "ashr", "and", "or", "xor", "fadd", "fsub", "fmul",
    "fdiv", "frem", "fneg", "trunc", "zext", "sext", "fptrunc", "fpext", "fptoui", "fptosi",
    "uitofp", "sitofp", "ptrtoint", "inttoptr", "bitcast", "icmp", "fcmp", "select",
    "getelementptr", "extractvalue", "insertvalue", "freeze"})

PURE_CALLS = ("llvm.smax.", "llvm.smin.", "llvm.umax.", "llvm.umin.")


def entry_builder(module: Module, fn: Function) -> Builder:
    """A builder before the entry block's terminator: where adjoint slots and other
    function-wide allocas go (they dominate both sweeps)."""
    return Builder(module).before(fn.entry.terminator)


def vname(v: Value) -> str:
    src = f" = {v.opcode}" if isinstance(v, Instruction) else ""
    return f"%{v.name or '?'}{src}"


def nzero(t: Type) -> Value:
    """-0.0: the additive identity of IEEE addition (x + -0.0 == x for every x, x = -0.0
    included), so LLVM folds the adds into freshly reset adjoints; +0.0 would not fold."""
    if t.is_float or (isinstance(t, VectorType) and t.element.is_float):
        return const_float(t, -0.0)
    return zero(t)


def nslots(t: Type) -> int:
    """8-byte tape slots a value of type ``t`` takes (several for a width-N vector)."""
    return max(1, -(-alloc_size(t) // 8)) if isinstance(t, VectorType) else 1


def has_array(t) -> bool:
    if isinstance(t, nbt.Array):
        return True
    return isinstance(t, nbt.BaseTuple) and any(has_array(m) for m in t.types)


def flat_types(t: Type):
    if isinstance(t, StructType):
        for e in t.elements:
            yield from flat_types(e)
    elif isinstance(t, ArrayType):
        for _ in range(t.count):
            yield from flat_types(t.element)
    else:
        yield t


def flatten(b: Builder, v: Value, nbtype=None) -> List[Value]:
    """An aggregate value → its leaves in Numba's flattened argument order."""
    t = v.type
    if isinstance(t, StructType):
        out = []
        for k in range(len(t.elements)):
            out += flatten(b, b.extractvalue(v, [k]))
        return out
    if isinstance(t, ArrayType):
        out = []
        for k in range(t.count):
            out += flatten(b, b.extractvalue(v, [k]))
        return out
    return [v]


def release_arrays(b: Builder, v: Value, nbtype):
    """Drop the references a rule returned inside ``v`` (arrays, recursively in tuples)."""
    if isinstance(nbtype, nbt.Array):
        b.call("NRT_MemInfo_release", FunctionType(VOID, (PTR,)), [b.extractvalue(v, [0])])
    elif isinstance(nbtype, nbt.BaseTuple):
        for k, t in enumerate(nbtype.types):
            if has_array(t):
                release_arrays(b, b.extractvalue(v, [k]), t)


def free(b: Builder, p: Value):
    b.call("free", FunctionType(VOID, (PTR,)), [p])


_acc_cache: Dict = {}


def accumulate_symbol(module: Module, dst_t, src_t) -> str:
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


def memcpy_helper(module: Module, et) -> str:
    """``zymase.memcpy.adjoint.T(d, s, n)``: ``s[k] += d[k]; d[k] = 0`` over the ``n`` bytes
    of a copy of ``T`` elements (the adjoint of ``memcpy(d, s, n)``), defined once per type.
    The elements are visited upwards when ``d >= s`` and downwards when ``d < s``: that is
    the adjoint of an overlapping ``memmove`` too (a list's ``insert`` and ``pop(0)``), since
    each ``d[k]`` is then read before an earlier step could add into it."""
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
    down = lb.icmp("ult", d, s)
    j = lb.select(down, lb.sub(lb.sub(count, const_int(I64, 1)), k), k)
    pd = lb.gep(et, d, [j])
    ps = lb.gep(et, s, [j])
    lb.store(lb.fadd(lb.load(et, ps), lb.load(et, pd)), ps)
    lb.store(zero(et), pd)
    k1 = lb.add(k, const_int(I64, 1))
    k.add_incoming(const_int(I64, 0), entry)
    k.add_incoming(k1, loop)
    lb.cbr(lb.icmp("ult", k1, count), loop, done)
    Builder(module, done).ret()
    return name

"""Per-thread partial adjoints for the memory a parallel loop only reads.

Iterations on different threads may read the same element (``x[j]`` in a pairwise loop,
``u[i±1, j]`` in a stencil), so their adjoints meet in one shadow element.  Atomic adds
(``parfor_atomics.py``) are correct but cost a locked instruction per accumulation; this
module gives each worker a private, zeroed copy of each such shadow instead, launches the
reverse kernel on the copies (plain adds), and sums the copies into the real shadows after
the launch (serially, streaming through memory).

The *adjoint driver* ``void @D(ptr args, ptr dargs, ptr dims, ptr steps, i64 threads)``
does it all for one launch: the extent of each shared-read slot comes from the kernel's
arguments — their number of dimensions from the kernel's (Numba-mangled) argument types, their
shapes and strides from ``dims``/``steps`` (laid out argument after argument) — and the
private copies get ``threads`` times that many bytes.  When an extent is unknown (an argument
type this module does not read) or the copies would exceed ``BUDGET`` bytes, the driver
launches the atomic kernel instead.  Worker ``t`` (``get_thread_id()``, below ``threads``
like Numba's own reduction slots) uses copy ``t``.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from ..ir.builder import Builder
from ..ir.types import F32, F64, I64, I8, PTR, VOID, FunctionType, Type
from ..ir.values import Argument, Constant, Function, Module, Value, const_int
from .forward_arrays import loop_nest

BUDGET = 1 << 30        # bytes of private copies per launch before falling back to atomics

_ARRAY = re.compile(r"(\d+)ArrayI([a-z])Li(\d+)E1([CFA])\d+(?:mutable|readonly)7alignedE")


_SCALAR_BYTES = {"d": 8, "f": 4, "x": 8, "y": 8, "l": 8, "m": 8, "i": 4, "j": 4, "s": 2,
                 "t": 2, "a": 1, "h": 1, "b": 1}


def arg_shapes(kernel_name: str, na: int) -> Optional[List[Tuple[int, Optional[Type]]]]:
    """``(ndim, element float type or None)`` of each kernel argument, read from the
    mangled argument types at the end of the kernel's name; None when they cannot be read."""
    m = re.search(r"__numba_parfor_gufunc_\w+?E(?=\d+ArrayI|[a-z]\d*ArrayI)", kernel_name)
    if m is None:
        return None
    rest = kernel_name[m.end():]
    out: List[Tuple[int, Optional[Type]]] = []
    while rest:
        a = _ARRAY.match(rest)
        if a is not None:
            et = {"d": F64, "f": F32}.get(a.group(2))
            out.append((int(a.group(3)), et))
            rest = rest[a.end():]
        elif rest[0] in _SCALAR_BYTES:
            out.append((0, {"d": F64, "f": F32}.get(rest[0])))
            rest = rest[1:]
        else:
            return None
    return out if len(out) == na else None


def scalar_size(kernel_name: str, j: int, na: int) -> int:
    """Bytes of scalar argument ``j`` of the kernel (0 if not a scalar or unknown)."""
    m = re.search(r"__numba_parfor_gufunc_\w+?E(?=\d+ArrayI|[a-z]\d*ArrayI)", kernel_name)
    if m is None:
        return 0
    rest, k = kernel_name[m.end():], 0
    while rest:
        a = _ARRAY.match(rest)
        if a is not None:
            rest = rest[a.end():]
        elif rest[0] in _SCALAR_BYTES:
            if k == j:
                return _SCALAR_BYTES[rest[0]]
            rest = rest[1:]
        else:
            return 0
        k += 1
    return 0


def private_slots(kernel: Function, shared, const, na: int, ni: int):
    """The shared-read slots that get private copies: {slot: (ndim, element type, first
    dims index, first steps index)}; None when the argument types cannot be read."""
    shapes = arg_shapes(kernel.name, na)
    if shapes is None or sum(n for n, _ in shapes) != ni:
        return None
    out = {}
    d_at, s_at = 1, na
    for j, (nd, et) in enumerate(shapes):
        if j in shared and j not in const and et is not None:
            out[j] = (nd, et, d_at, s_at)      # a float array, or a float scalar's cell
        elif j in shared and j not in const and nd > 0:
            return None
        d_at += nd
        s_at += nd
    return out


def _size(t: Type) -> int:
    return 8 if t == F64 else 4


def array_layout(kernel_name: str, na: int, ni: int):
    """{slot: (ndim, itemsize, first dims index, first steps index)} of the kernel's array
    arguments; None when the argument types cannot be read."""
    shapes = arg_shapes(kernel_name, na)
    if shapes is None or sum(n for n, _ in shapes) != ni:
        return None
    sizes = _array_itemsizes(kernel_name)
    out = {}
    d_at, s_at, a = 1, na, 0
    for j, (nd, _) in enumerate(shapes):
        if nd > 0:
            if sizes is None or a >= len(sizes) or not sizes[a]:
                return None
            out[j] = (nd, sizes[a], d_at, s_at)
            a += 1
        d_at += nd
        s_at += nd
    return out


def array_orders(kernel_name: str, na: int):
    """{slot: 'C' | 'F' | 'A'} of the kernel's array arguments; None when the argument types
    cannot be read."""
    shapes = arg_shapes(kernel_name, na)
    if shapes is None:
        return None
    orders = [m.group(4) for m in _ARRAY.finditer(kernel_name)]
    slots = [j for j, (nd, _) in enumerate(shapes) if nd > 0]
    return dict(zip(slots, orders)) if len(slots) == len(orders) else None


def _array_itemsizes(kernel_name: str):
    return [_SCALAR_BYTES.get(m.group(2), 0) for m in _ARRAY.finditer(kernel_name)]


def extent(b: Builder, dims: Value, steps: Value, nd: int, d_at: int, s_at: int,
           itemsize: int) -> Tuple[Value, Value]:
    """(bytes spanned, bytes below the data pointer) of an array argument with ``nd``
    dimensions at ``dims[d_at…]`` and strides at ``steps[s_at…]``: 0 bytes when empty."""
    zero = const_int(I64, 0)
    span: Value = zero
    neg: Value = zero
    empty = None
    for k in range(nd):
        d = b.load(I64, b.gep(I64, dims, [const_int(I64, d_at + k)]))
        s = b.load(I64, b.gep(I64, steps, [const_int(I64, s_at + k)]))
        a = b.select(b.icmp("slt", s, zero), b.sub(zero, s), s)
        ext = b.select(b.icmp("sgt", d, zero), b.mul(b.sub(d, const_int(I64, 1)), a), zero)
        span = b.add(span, ext)
        neg = b.add(neg, b.select(b.icmp("slt", s, zero), ext, zero))
        e = b.icmp("sle", d, zero)
        empty = e if empty is None else b.binop("or", empty, e)
    span = b.add(span, const_int(I64, itemsize))
    if empty is not None:
        span = b.select(empty, zero, span)
    return span, neg


def private_wrapper(module: Module, deriv: str, na: int, slots) -> str:
    """Like ``parallel.wrapper`` (width 1), reading the private slots' shadows from the
    table ``{base, span, neg}`` per slot at ``block[3]``: worker ``t`` gets
    ``base + t·span + neg``."""
    name = f"{deriv}.launch.private"
    if name in module.functions:
        return name
    params = [Argument(PTR, "args_t"), Argument(PTR, "dims"), Argument(PTR, "steps"),
              Argument(PTR, "block")]
    f = Function(name, VOID, params)
    f.linkage = "internal"
    module.add_function(f)
    args_t, dims, steps, block = params
    b = Builder(module, f.add_block("entry"))

    def at(base: Value, k: int, t=PTR) -> Value:
        return b.gep(t, base, [const_int(I64, k)])
    base = b.load(PTR, at(block, 0))
    dbase = b.load(PTR, at(block, 1))
    table = b.load(PTR, at(block, 3))
    tid = b.call("get_thread_id", FunctionType(I64, ()), [])
    darr = b.alloca(PTR, "dargs", const_int(I64, na))
    for j in range(na):
        p_t = b.load(PTR, at(args_t, j))
        p0 = b.load(PTR, at(base, j))
        off = b.sub(b.cast("ptrtoint", p_t, I64), b.cast("ptrtoint", p0, I64))
        if j in slots:
            pb = b.load(PTR, at(table, 3 * j, I64))
            span = b.load(I64, at(table, 3 * j + 1, I64))
            neg = b.load(I64, at(table, 3 * j + 2, I64))
            d = b.gep(I8, pb, [b.add(b.mul(tid, span), neg)])
        else:
            d = b.load(PTR, at(dbase, j))
        b.store(b.gep(I8, d, [off]), at(darr, j))
    ft = FunctionType(VOID, (PTR, PTR, PTR, PTR, PTR))
    b.call(deriv, ft, [args_t, darr, dims, steps, args_t])
    b.ret()
    return name


def driver(module: Module, name: str, launch, slots, plain_wrapper: str,
           atomic_wrapper: str) -> str:
    """``void @name(ptr args, ptr dargs, ptr dims, ptr steps, i64 threads)``: one adjoint
    launch with private copies of the ``slots``' shadows (or the atomic kernel, see the
    module docstring)."""
    from .parfor_launch import LAUNCH, LAUNCH_TYPE
    if name in module.functions:
        return name
    params = [Argument(PTR, "args"), Argument(PTR, "dargs"), Argument(PTR, "dims"),
              Argument(PTR, "steps"), Argument(I64, "threads")]
    f = Function(name, VOID, params)
    f.linkage = "internal"
    module.add_function(f)
    args, dargs, dims, steps, threads = params
    b = Builder(module, f.add_block("entry"))
    zero = const_int(I64, 0)
    spans, negs = {}, {}
    total: Value = zero
    for j, (nd, et, d_at, s_at) in slots.items():
        spans[j], negs[j] = extent(b, dims, steps, nd, d_at, s_at, _size(et))
        total = b.add(total, b.mul(spans[j], threads))
    priv, atom, done = f.add_block("private"), f.add_block("atomic"), f.add_block("done")
    b.cbr(b.icmp("ule", total, const_int(I64, BUDGET)), priv, atom)

    def block_of(bb: Builder, extra: Optional[Value]) -> Value:
        n = 4
        blk = bb.alloca(PTR, "block", const_int(I64, n))
        for k, v in enumerate([args, dargs, Constant(PTR, "null"),
                               extra if extra is not None else Constant(PTR, "null")]):
            bb.store(v, bb.gep(PTR, blk, [const_int(I64, k)]))
        return blk

    def launch_with(bb: Builder, wname: str, blk: Value):
        from ..ir.values import GlobalRef
        bb.call(LAUNCH, LAUNCH_TYPE, [GlobalRef(wname), args, dims, steps, blk,
                                      launch.inner_ndim, launch.array_count, threads])

    ab = Builder(module, atom)
    launch_with(ab, atomic_wrapper, block_of(ab, None))
    ab.br(done)

    pb = Builder(module, priv)
    table = pb.alloca(I64, "table", const_int(I64, 3 * launch.na))
    bases = {}
    for j in slots:
        base = pb.call("calloc", FunctionType(PTR, (I64, I64)), [threads, spans[j]])
        bases[j] = base
        pb.store(base, pb.gep(I64, table, [const_int(I64, 3 * j)]))
        pb.store(spans[j], pb.gep(I64, table, [const_int(I64, 3 * j + 1)]))
        pb.store(negs[j], pb.gep(I64, table, [const_int(I64, 3 * j + 2)]))
    launch_with(pb, plain_wrapper, block_of(pb, table))
    # the copies summed into the real shadow: thread after thread, streaming (vectorisable)
    for j, (nd, et, _, _) in slots.items():
        size = const_int(I64, _size(et))
        count = pb.binop("udiv", spans[j], size)
        real = pb.gep(I8, pb.load(PTR, pb.gep(PTR, dargs, [const_int(I64, j)])),
                      [pb.sub(zero, negs[j])])
        span, base = spans[j], bases[j]

        def body(bb: Builder, idx, span=span, base=base, real=real, et=et, size=size):
            t, w = idx
            off = bb.mul(w, size)
            src = bb.gep(I8, base, [bb.add(bb.mul(t, span), off)])
            dst = bb.gep(I8, real, [off])
            bb.store(bb.fadd(bb.load(et, dst), bb.load(et, src)), dst)
        pb = loop_nest(module, f, pb, [threads, count], body)
        pb.call("free", FunctionType(VOID, (PTR,)), [base])
    pb.br(done)
    Builder(module, done).ret()
    return name

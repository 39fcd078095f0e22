"""Derivative of ``np.linalg.solve``: Numba's ``numba_xgesv`` (LAPACK gesv, column-major).

``gesv(n, nrhs, a, lda, ipiv, b, ldb)`` overwrites ``b`` with X = A⁻¹B and ``a`` with the LU
factors of A.  Numba calls it only from ``np.linalg.solve``, on Fortran-order copies it makes
of A and B; the factorised copy of A is discarded unread, so the LU output carries no
derivative and the rules are those of X = A⁻¹B:

* forward:  Ẋ = A⁻¹ (Ḃ − Ȧ X)      — one more gesv on a copy of A (taken before the call);
* reverse:  B̄ = A⁻ᵀ X̄,  Ā = −B̄ Xᵀ  — gesv on Aᵀ, then a gemm; the copies of A (before the
  call) and X (after it) go to a heap block that the adjoint sweep frees.

The extra solve costs what the primal's does (O(n³)); nothing is factorised twice in the
primal.  Complex kinds raise ``UnsupportedError``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..errors import unsupported
from ..ir.builder import Builder
from ..ir.types import I32, I64, I8, PTR, VOID, FunctionType, Type
from ..ir.values import Constant, Instruction, Value, const_float, const_int
from . import blas

GESV = "numba_xgesv"
CALLS = {GESV}
_GESV_T = FunctionType(I32, (I8, I64, I64, PTR, I64, PTR, PTR, I64))


@dataclass
class Gesv:
    t: Type
    kind: Value
    n: Value
    nrhs: Value
    a: Value
    lda: Value
    b: Value
    ldb: Value


def parse(i: Instruction) -> Gesv:
    o = i.operands
    code = int(o[0].text) if isinstance(o[0], Constant) else None
    if code not in blas._KIND:
        raise unsupported("np.linalg.solve of complex arrays", i.loc,
                          help="zymase differentiates real float64/float32 systems")
    return Gesv(blas._KIND[code], o[0], o[1], o[2], o[3], o[4], o[6], o[7])


def written(i: Instruction):
    return [i.operands[3], i.operands[6]]


def _alloc(b: Builder, t: Type, count: Value) -> Value:
    return b.call("malloc", FunctionType(PTR, (I64,)),
                  [b.mul(b.add(count, const_int(I64, 1)), const_int(I64, 8))])


def _pack2(b: Builder, t: Type, rows, cols, src, ld, dst):
    b.call(blas.pack2_helper(b.module, t), FunctionType(VOID, (I64, I64, PTR, I64, PTR)),
           [cols, rows, src, ld, dst])


def _transpose(b: Builder, t: Type, n: Value, src: Value, dst: Value):
    """dst (n×n, compact) = srcᵀ (n×n, compact): column c of dst is row c of src."""
    name = f"zymase.lapack.transpose.{blas.float_suffix(t)}"

    def body(bb, c, acc, a):
        nn, s, d = a
        blas.pack(bb, t, nn, bb.gep(t, s, [c]), nn, bb.gep(t, d, [bb.mul(c, nn)]))
        return None
    blas.loop_fn(b.module, name, VOID, [(I64, "n"), (PTR, "src"), (PTR, "dst")], body)
    b.call(name, FunctionType(VOID, (I64, PTR, PTR)), [n, src, dst])


def _gesv(b: Builder, c: Gesv, a, lda, ipiv, rhs, ldb):
    b.call(GESV, _GESV_T, [c.kind, c.n, c.nrhs, a, lda, ipiv, rhs, ldb])


def save_before(b: Builder, c: Gesv) -> Value:
    """A compact copy of A as the call sees it (the call overwrites it with LU), with room
    after it for X (reverse mode)."""
    nn = b.mul(c.n, c.n)
    buf = _alloc(b, c.t, b.add(nn, b.mul(c.n, c.nrhs)))
    _pack2(b, c.t, c.n, c.n, c.a, c.lda, buf)
    return buf


def save_after(b: Builder, c: Gesv, buf: Value) -> None:
    """X (the solution, in b after the call) after the copy of A."""
    _pack2(b, c.t, c.n, c.nrhs, c.b, c.ldb, b.gep(c.t, buf, [b.mul(c.n, c.n)]))


def _solve_copy(b: Builder, c: Gesv, mat: Value, rhs: Value, transpose: bool) -> None:
    """rhs ← mat⁻¹ rhs (or mat⁻ᵀ rhs) with a scratch copy of the compact matrix ``mat``."""
    nn = b.mul(c.n, c.n)
    work = _alloc(b, c.t, b.add(nn, c.n))
    if transpose:
        _transpose(b, c.t, c.n, mat, work)
    else:
        _pack2(b, c.t, c.n, c.n, mat, c.n, work)
    _gesv(b, c, work, c.n, b.gep(c.t, work, [nn]), rhs, c.ldb)
    b.call("free", FunctionType(VOID, (PTR,)), [work])


def tangent(b: Builder, entry: Builder, c: Gesv, acopy: Value, sa: Optional[Value],
            sb: Value) -> None:
    """One lane: ``sb`` holds Ḃ on entry and Ẋ on exit; ``sa`` is Ȧ (None if A is inactive);
    c.b holds X (after the primal call)."""
    t = c.t
    if sa is not None:
        minus = blas.scalar_slot(entry, b, t, const_float(t, -1.0))
        one = blas.scalar_slot(entry, b, t, const_float(t, 1.0))
        n_ = blas.i8_const(blas.TRANS_N)
        b.call(blas.GEMM, blas.GEMM_TYPE, [c.kind, n_, n_, c.n, c.nrhs, c.n, minus, sa, c.lda,
                                           c.b, c.ldb, one, sb, c.ldb])
    _solve_copy(b, c, acopy, sb, transpose=False)


def adjoint(b: Builder, entry: Builder, c: Gesv, buf: Value, sa: Optional[Value],
            sb: Value) -> None:
    """One lane: ``sb`` holds X̄ on entry and B̄ on exit; ``sa`` (if A is active) receives
    Ā = −B̄ Xᵀ (the factorised output carries no adjoint: Numba discards it unread)."""
    t = c.t
    _solve_copy(b, c, buf, sb, transpose=True)
    if sa is not None:
        x = b.gep(t, buf, [b.mul(c.n, c.n)])
        minus = blas.scalar_slot(entry, b, t, const_float(t, -1.0))
        zero = blas.scalar_slot(entry, b, t, const_float(t, 0.0))
        b.call(blas.GEMM, blas.GEMM_TYPE, [c.kind, blas.i8_const(blas.TRANS_N),
                                           blas.i8_const(blas.TRANS_T), c.n, c.n, c.nrhs, minus,
                                           sb, c.ldb, x, c.n, zero, sa, c.lda])

"""Derivative of singular values: Numba's ``numba_ez_gesdd`` with jobz 'N', which is what
``np.linalg.norm(A, 2)``, ``norm(A, -2)`` and ``np.linalg.cond(A)`` call (and ``matrix_rank``,
whose integer result carries no derivative).

gesdd(jobz 'N', m, n, a, lda, s, …) writes the k = min(m, n) singular values of the m×n matrix
A, descending, to ``s`` and destroys ``a`` (Numba discards it unread; u and vt are not
referenced).  With the thin SVD A = U diag(σ) Vᵀ (U m×k, V n×k):

* forward:  σ̇ᵢ = uᵢᵀ Ȧ vᵢ                 (the tangent of the destroyed ``a`` is set to zero);
* reverse:  Ā = U diag(σ̄) Vᵀ               (overwrites the adjoint of ``a``; σ̄ is consumed).

U and V come from one more gesdd (jobz 'S') on a copy of A taken before the call — O(m n k),
the primal's order.  Where singular values coincide, each σᵢ alone is not differentiable (its
derivative depends on the basis LAPACK picked) while symmetric functions of them (their sum)
are, and the formulas give those right; at σᵢ = 0 the derivative of σᵢ, like that of
|x| at 0, is one of the one-sided ones.

The singular *vectors* (``np.linalg.svd``, which calls gesdd with jobz 'A' or 'S', and
``pinv``) are refused by lapack.parse: with full_matrices the extra columns are not unique,
and the rule for the thin factors is not written yet.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import List, Optional

from ..ir.builder import Builder
from ..ir.types import F64, I32, I64, I8, PTR, VOID, FunctionType, Type
from ..ir.values import Value, const_float, const_int
from . import blas
from .lapack_kernels import Kit, malloc

GESDD = "numba_ez_gesdd"
JOB_N, JOB_S = 78, 83
_GESDD_T = FunctionType(I32, (I8, I8, I64, I64, PTR, I64, PTR, PTR, I64, PTR, I64))


@dataclass
class Svd:
    """A gesdd call with jobz 'N' on the m×n matrix in ``a`` (lda); ``s`` gets the values."""
    name: str
    t: Type
    kind: Value
    m: Value
    n: Value
    a: Optional[Value]
    lda: Value
    s: Optional[Value]

    def ptrs(self) -> List[Value]:
        return [self.a, self.s]

    def ints(self) -> List[Value]:
        return [self.m, self.n, self.lda]

    def remap(self, r) -> "Svd":
        return replace(self, m=r(self.m), n=r(self.n), lda=r(self.lda), a=None, s=None)


def _k(b: Builder, c: Svd) -> Value:
    return b.select(b.icmp("slt", c.m, c.n), c.m, c.n)


def _layout(b: Builder, c: Svd):
    """Offsets in the block [copy of A (m×n) | U (m×k) | Vᵀ (k×n) | σ (k)]."""
    k = _k(b, c)
    mn, mk = b.mul(c.m, c.n), b.mul(c.m, k)
    u = mn
    vt = b.add(u, mk)
    sv = b.add(vt, b.mul(k, c.n))
    return k, u, vt, sv, b.add(sv, k)


def _thin_svd(before: Builder, after: Builder, c: Svd) -> Value:
    """The block with U, Vᵀ (and σ again) of a copy of A taken before the call."""
    t = c.t
    k, u, vt, sv, total = _layout(before, c)
    buf = malloc(before, t, total)
    before.call(blas.pack2_helper(before.module, t), FunctionType(VOID, (I64, I64, PTR, I64, PTR)),
                [c.n, c.m, c.a, c.lda, buf])
    after.call(GESDD, _GESDD_T, [c.kind, const_int(I8, JOB_S), c.m, c.n, buf, c.m,
                                 after.gep(t, buf, [sv]), after.gep(t, buf, [u]), c.m,
                                 after.gep(t, buf, [vt]), k])
    return buf


def _coldots(b: Builder, t: Type, k, m, x, y, out) -> None:
    """out[i] = Σ_r x[r + i·m] y[r + i·m] for i < k (columns of two compact m-row matrices)."""
    def body(bb, i, acc, a):
        _, mm, xp, yp, op = a
        off = bb.mul(i, mm)
        one = const_int(I64, 1)
        bb.store(blas.dot(bb, t, mm, bb.gep(t, xp, [off]), one, bb.gep(t, yp, [off]), one),
                 bb.gep(t, op, [i]))
        return None
    name = blas.loop_fn(b.module, f"zymase.lapack.coldots.{blas.float_suffix(t)}", VOID,
                        [(I64, "k"), (I64, "m"), (PTR, "x"), (PTR, "y"), (PTR, "out")], body)
    b.call(name, FunctionType(VOID, (I64, I64, PTR, PTR, PTR)), [k, m, x, y, out])


def _scalecols(b: Builder, t: Type, k, m, src, d, dst) -> None:
    """dst[:, i] = d[i]·src[:, i] for i < k (compact m-row matrices)."""
    def body(bb, i, acc, a):
        _, mm, sp, dp, op = a
        off = bb.mul(i, mm)
        di = bb.load(t, bb.gep(t, dp, [i]))
        bb.call(blas.pack_helper(bb.module, t), FunctionType(VOID, (I64, PTR, I64, PTR)),
                [mm, bb.gep(t, sp, [off]), const_int(I64, 1), bb.gep(t, op, [off])])
        name1 = blas.scale2_helper(bb.module, t)   # one column: dst·d[i] (exactly 0 if d[i] = 0)
        bb.call(name1, FunctionType(VOID, (I64, I64, t, PTR, I64)),
                [const_int(I64, 1), mm, di, bb.gep(t, op, [off]), mm])
        return None
    name = blas.loop_fn(b.module, f"zymase.lapack.scalecols.{blas.float_suffix(t)}", VOID,
                        [(I64, "k"), (I64, "m"), (PTR, "src"), (PTR, "d"), (PTR, "dst")], body)
    b.call(name, FunctionType(VOID, (I64, I64, PTR, PTR, PTR)), [k, m, src, d, dst])


def _zero(b: Builder, c: Svd, p: Value) -> None:
    """The destroyed m×n matrix's derivative: exactly zero."""
    b.call(blas.scale2_helper(b.module, c.t), FunctionType(VOID, (I64, I64, c.t, PTR, I64)),
           [c.n, c.m, const_float(c.t, 0.0), p, c.lda])


def _gemm(kit: Kit, ta, tb, m, n, k, alpha, a, lda, bm, ldb, beta, cm, ldc) -> None:
    kit.b.call(blas.GEMM, blas.GEMM_TYPE,
               [kit.kind, blas.i8_const(ta), blas.i8_const(tb), m, n, k, kit.scalar(alpha),
                a, lda, bm, ldb, kit.scalar(beta), cm, ldc])


def svd_forward(kit: Kit, before: Builder, c: Svd, lanes) -> None:
    b, t = kit.b, c.t
    buf = _thin_svd(before, b, c)
    k, u, vt, _, _ = _layout(b, c)
    y = malloc(b, t, b.mul(c.m, k))
    for sa, ss in lanes:
        # Y = Ȧ V (m×k), σ̇ᵢ = uᵢ · yᵢ
        _gemm(kit, blas.TRANS_N, blas.TRANS_T, c.m, k, c.n, 1.0, sa, c.lda,
              b.gep(t, buf, [vt]), k, 0.0, y, c.m)
        _coldots(b, t, k, c.m, b.gep(t, buf, [u]), y, ss)
        _zero(b, c, sa)
    b.call("free", FunctionType(VOID, (PTR,)), [y])
    b.call("free", FunctionType(VOID, (PTR,)), [buf])


def svd_save(before: Builder, after: Kit, c: Svd) -> Value:
    return _thin_svd(before, after.b, c)


def svd_adjoint(kit: Kit, c: Svd, buf: Value, lanes) -> None:
    b, t = kit.b, c.t
    k, u, vt, _, _ = _layout(b, c)
    z = malloc(b, t, b.mul(c.m, k))
    size = const_int(I64, 8 if t == F64 else 4)
    for sa, ss in lanes:
        _scalecols(b, t, k, c.m, b.gep(t, buf, [u]), ss, z)          # U diag(σ̄)
        _gemm(kit, blas.TRANS_N, blas.TRANS_N, c.m, c.n, k, 1.0, z, c.m,
              b.gep(t, buf, [vt]), k, 0.0, sa, c.lda)               # Ā = U diag(σ̄) Vᵀ
        b.memset(ss, 0, b.mul(k, size))
    b.call("free", FunctionType(VOID, (PTR,)), [z])

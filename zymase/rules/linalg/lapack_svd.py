"""Derivatives of the SVD: Numba's ``numba_ez_gesdd`` — jobz 'N' (singular values only) for
``np.linalg.norm(A, 2)``, ``norm(A, -2)`` and ``np.linalg.cond(A)`` (and ``matrix_rank``, whose
integer result carries no derivative); jobz 'S' / 'A' for ``np.linalg.svd(A, full_matrices)``
and ``np.linalg.pinv``.

gesdd(jobz, m, n, a, lda, s, u, ldu, vt, ldvt) writes the k = min(m, n) singular values of the
m×n matrix A, descending, to ``s`` and destroys ``a`` (Numba discards it unread: its tangent is
set to zero and its adjoint is overwritten).  With the thin SVD A = U diag(σ) Vᵀ (U m×k, V n×k),
P = Uᵀ Ȧ V and F_ij = 1/(σⱼ² − σᵢ²) (0 on the diagonal):

* values:   σ̇ᵢ = Pᵢᵢ;   Ā = U diag(σ̄) Vᵀ.  With jobz 'N' U and V come from one more gesdd
  (jobz 'S') on a copy of A taken before the call — O(m n k), the primal's order.
* vectors (``vectors_forward`` / ``vectors_adjoint`` give the formulas):
  U̇ = U F∘(PΣ + ΣPᵀ) + (I − UUᵀ) Ȧ V Σ⁻¹,  V̇ = V F∘(ΣP + PᵀΣ) + (I − VVᵀ) Ȧᵀ U Σ⁻¹, and the
  adjoint is the exact transpose of the code of the forward map, per lane.

Quotients are *checked* (a zero numerator contributes zero), so values-only uses keep finite
derivatives at repeated or zero singular values, while vectors at repeated singular values (or,
through Σ⁻¹, at σᵢ = 0) — where they have no derivative — come out infinite or NaN, never as a
finite wrong number.  With full_matrices (jobz 'A') and m ≠ n the extra columns of U (rows of
Vᵀ) are LAPACK's choice of a basis of the complement: their tangent is NaN, and a nonzero
adjoint of them makes Ā NaN (an unused one is ignored).  Where singular values coincide, each σᵢ
alone is not differentiable, symmetric functions of them are and come out right.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import List, Optional

from ...ir.builder import Builder
from ...ir.types import F64, I32, I64, I8, PTR, VOID, FunctionType, Type
from ...ir.values import Value, const_float, const_int
from . import blas
from .lapack_kernels import Kit, malloc

GESDD = "numba_ez_gesdd"
JOB_N, JOB_S, JOB_A = 78, 83, 65
GESDD_T = FunctionType(I32, (I8, I8, I64, I64, PTR, I64, PTR, PTR, I64, PTR, I64))


@dataclass
class Svd:
    """A gesdd call on the m×n matrix in ``a`` (lda): ``s`` gets the values and, with jobz 'S'
    or 'A', ``u`` (ldu) and ``vt`` (ldvt) the vectors."""
    name: str
    t: Type
    kind: Value
    jobz: int
    m: Value
    n: Value
    a: Optional[Value]
    lda: Value
    s: Optional[Value]
    u: Optional[Value]
    ldu: Value
    vt: Optional[Value]
    ldvt: Value

    def ptrs(self) -> List[Value]:
        return [self.a, self.s] if self.jobz == JOB_N else [self.a, self.s, self.u, self.vt]

    def ints(self) -> List[Value]:
        return [self.m, self.n, self.lda] + ([] if self.jobz == JOB_N else [self.ldu, self.ldvt])

    def remap(self, r) -> "Svd":
        return replace(self, m=r(self.m), n=r(self.n), lda=r(self.lda), ldu=r(self.ldu),
                       ldvt=r(self.ldvt), a=None, s=None, u=None, vt=None)


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
    after.call(GESDD, GESDD_T, [c.kind, const_int(I8, JOB_S), c.m, c.n, buf, c.m,
                                 after.gep(t, buf, [sv]), after.gep(t, buf, [u]), c.m,
                                 after.gep(t, buf, [vt]), k])
    return buf


def coldots(b: Builder, t: Type, k, m, x, y, out) -> None:
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


def scalecols(b: Builder, t: Type, k, m, src, d, dst) -> None:
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


def scale_block(b: Builder, t: Type, rows, cols, beta: Value, p: Value, ld) -> None:
    """p[r + c·ld] = β·p[…] (exactly 0 for β = 0, NaN everywhere for β = NaN)."""
    b.call(blas.scale2_helper(b.module, t), FunctionType(VOID, (I64, I64, t, PTR, I64)),
           [cols, rows, beta, p, ld])


def _zero(b: Builder, c: Svd, p: Value) -> None:
    """The destroyed m×n matrix's derivative: exactly zero."""
    scale_block(b, c.t, c.m, c.n, const_float(c.t, 0.0), p, c.lda)


def gemm_kit(kit: Kit, ta, tb, m, n, k, alpha, a, lda, bm, ldb, beta, cm, ldc) -> None:
    kit.b.call(blas.GEMM, blas.GEMM_TYPE,
               [kit.kind, blas.i8_const(ta), blas.i8_const(tb), m, n, k, kit.scalar(alpha),
                a, lda, bm, ldb, kit.scalar(beta), cm, ldc])


def values_forward(kit: Kit, before: Builder, c: Svd, lanes) -> None:
    b, t = kit.b, c.t
    buf = _thin_svd(before, b, c)
    k, u, vt, _, _ = _layout(b, c)
    y = malloc(b, t, b.mul(c.m, k))
    for sa, ss in lanes:
        # Y = Ȧ V (m×k), σ̇ᵢ = uᵢ · yᵢ
        gemm_kit(kit, blas.TRANS_N, blas.TRANS_T, c.m, k, c.n, 1.0, sa, c.lda,
              b.gep(t, buf, [vt]), k, 0.0, y, c.m)
        coldots(b, t, k, c.m, b.gep(t, buf, [u]), y, ss)
        _zero(b, c, sa)
    b.call("free", FunctionType(VOID, (PTR,)), [y])
    b.call("free", FunctionType(VOID, (PTR,)), [buf])


def values_save(before: Builder, after: Kit, c: Svd) -> Value:
    return _thin_svd(before, after.b, c)


def values_adjoint(kit: Kit, c: Svd, buf: Value, lanes) -> None:
    b, t = kit.b, c.t
    k, u, vt, _, _ = _layout(b, c)
    z = malloc(b, t, b.mul(c.m, k))
    size = const_int(I64, 8 if t == F64 else 4)
    for sa, ss in lanes:
        scalecols(b, t, k, c.m, b.gep(t, buf, [u]), ss, z)          # U diag(σ̄)
        gemm_kit(kit, blas.TRANS_N, blas.TRANS_N, c.m, c.n, k, 1.0, z, c.m,
              b.gep(t, buf, [vt]), k, 0.0, sa, c.lda)               # Ā = U diag(σ̄) Vᵀ
        b.memset(ss, 0, b.mul(k, size))
    b.call("free", FunctionType(VOID, (PTR,)), [z])


# -- singular vectors (jobz 'S', 'A') ------------------------------------------------------------
def _chk(bb: Builder, t: Type, num: Value, den: Value) -> Value:
    """num / den, and exactly 0 where num is 0 (an unused adjoint meets no 1/0)."""
    z = const_float(t, 0.0)
    return bb.select(bb.fcmp("oeq", num, z), z, bb.fdiv(num, den))


def sumsq(b: Builder, t: Type, rows, cols, p: Value, ld) -> Value:
    """Σ p[r + c·ld]² over rows × cols."""
    def body(bb, c, acc, a):
        _, rr, pp, ll = a
        col = bb.gep(t, pp, [bb.mul(c, ll)])
        one = const_int(I64, 1)
        return bb.fadd(acc, blas.dot(bb, t, rr, col, one, col, one))
    name = blas.loop_fn(b.module, f"zymase.lapack.sumsq.{blas.float_suffix(t)}", t,
                        [(I64, "cols"), (I64, "rows"), (PTR, "p"), (I64, "ld")], body)
    return b.call(name, FunctionType(t, (I64, I64, PTR, I64)), [cols, rows, p, ld])


def nan_value(t: Type) -> Value:
    return const_float(t, float("nan"))


def vectors_forward(kit: Kit, before: Builder, c: Svd, lanes) -> None:
    """Thin SVD tangents, with P = Uᵀ Ȧ V, Y = Ȧ V, Z = Ȧᵀ U and F_ij = 1/(σⱼ² − σᵢ²):
    σ̇ = diag P;  U̇ = U G_U + Y Σ⁻¹,  G_U = F∘(P Σ + Σ Pᵀ) − P Σ⁻¹;
    V̇ = V G_V + Z Σ⁻¹,  G_V = F∘(Σ P + Pᵀ Σ) − Pᵀ Σ⁻¹   (the −PΣ⁻¹ terms make Y Σ⁻¹ the
    projection (I − UUᵀ) Ȧ V Σ⁻¹).  jobz 'A' with m ≠ n: the extra columns of U (rows of Vᵀ)
    are LAPACK's choice of a basis of the complement; their tangent is NaN."""
    b, t = kit.b, c.t
    k = _k(b, c)
    kk = Kit(b, kit.entry, t, c.kind, k)
    mk, nk, kk2 = b.mul(c.m, k), b.mul(c.n, k), b.mul(k, k)
    block = malloc(b, t, b.add(b.add(mk, nk), b.add(kk2, kk2)))
    y, z = block, b.gep(t, block, [mk])
    p = b.gep(t, block, [b.add(mk, nk)])
    g = b.gep(t, block, [b.add(b.add(mk, nk), kk2)])
    sig, zero = (c.s, const_int(I64, 0)), const_float(t, 0.0)

    def g_of(transposed: bool):
        """The U (``transposed=False``) or V kernel: they differ only in which of x, xᵀ
        pairs with the row's or the column's singular value."""
        def g(bb, r, col, at):
            x, x_t, sr, sc = at(0, r, col), at(0, col, r), at(1, r, col), at(1, col, r)
            a, a_t = (x_t, x) if transposed else (x, x_t)
            num = bb.fadd(bb.fmul(a, sc), bb.fmul(sr, a_t))
            off = bb.select(bb.icmp("eq", r, col), zero,
                            _chk(bb, t, num, bb.fsub(bb.fmul(sc, sc), bb.fmul(sr, sr))))
            return bb.fsub(off, _chk(bb, t, a, sc))
        return g
    g_u, g_v = g_of(False), g_of(True)
    for sa, ss, su, svt in lanes:
        gemm_kit(kit, blas.TRANS_N, blas.TRANS_T, c.m, k, c.n, 1.0, sa, c.lda, c.vt, c.ldvt,
              0.0, y, c.m)                                               # Y = Ȧ V
        gemm_kit(kit, blas.TRANS_T, blas.TRANS_N, k, k, c.m, 1.0, c.u, c.ldu, y, c.m, 0.0, p, k)
        blas.pack(b, t, k, p, b.add(k, const_int(I64, 1)), ss)          # σ̇ = diag P
        gemm_kit(kit, blas.TRANS_T, blas.TRANS_N, c.n, k, c.m, 1.0, sa, c.lda, c.u, c.ldu,
              0.0, z, c.n)                                               # Z = Ȧᵀ U
        kk.each("svd.gu", [(p, k), sig], (g, k), g_u)
        gemm_kit(kit, blas.TRANS_N, blas.TRANS_N, c.m, k, k, 1.0, c.u, c.ldu, g, k, 0.0, su, c.ldu)
        kit.each("svd.addcols", [(su, c.ldu), (y, c.m), sig], (su, c.ldu),   # + Y Σ⁻¹
                 lambda bb, r, col, at: bb.fadd(at(0, r, col),
                                                _chk(bb, t, at(1, r, col), at(2, col, r))),
                 rows=c.m, cols=k)
        kk.each("svd.gv", [(p, k), sig], (g, k), g_v)
        gemm_kit(kit, blas.TRANS_T, blas.TRANS_N, k, c.n, k, 1.0, g, k, c.vt, c.ldvt, 0.0, svt,
              c.ldvt)                                                    # V̇ᵀ = G_Vᵀ Vᵀ
        kit.each("svd.addrows", [(svt, c.ldvt), (z, c.n), sig], (svt, c.ldvt),  # + Σ⁻¹ Zᵀ
                 lambda bb, r, col, at: bb.fadd(at(0, r, col),
                                                _chk(bb, t, at(1, col, r), at(2, r, col))),
                 rows=k, cols=c.n)
        if c.jobz == JOB_A:
            scale_block(b, t, c.m, b.sub(c.m, k), nan_value(t), b.gep(t, su, [b.mul(k, c.ldu)]), c.ldu)
            scale_block(b, t, b.sub(c.n, k), c.n, nan_value(t), b.gep(t, svt, [k]), c.ldvt)
        _zero(b, c, sa)
    b.call("free", FunctionType(VOID, (PTR,)), [block])


def vectors_save(before: Builder, after: Kit, c: Svd) -> Value:
    """[U₁ (m×k) | V₁ᵀ (k×n) | σ (k)] after the call, compact."""
    b, t = after.b, c.t
    k = _k(b, c)
    mk, kn = b.mul(c.m, k), b.mul(k, c.n)
    buf = malloc(b, t, b.add(b.add(mk, kn), k))
    p2 = blas.pack2_helper(b.module, t)
    ft = FunctionType(VOID, (I64, I64, PTR, I64, PTR))
    b.call(p2, ft, [k, c.m, c.u, c.ldu, buf])
    b.call(p2, ft, [c.n, k, c.vt, c.ldvt, b.gep(t, buf, [mk])])
    blas.pack(b, t, k, c.s, const_int(I64, 1), b.gep(t, buf, [b.add(mk, kn)]))
    return buf


def vectors_adjoint(kit: Kit, c: Svd, buf: Value, lanes) -> None:
    """Ā = (U P̄ + Ū Σ⁻¹) Vᵀ + U Σ⁻¹ V̄ᵀ with P̄ the transpose of the forward's map
    P → (diag P, G_U, G_V) applied to (σ̄, UᵀŪ, VᵀV̄):
    P̄[a,b] = F_ab (Ḡ_U[a,b] σ_b − Ḡ_U[b,a] σ_b + Ḡ_V[a,b] σ_a − Ḡ_V[b,a] σ_a) (a ≠ b)
             + δ_ab σ̄_a − Ḡ_U[a,b]/σ_b − Ḡ_V[b,a]/σ_a.
    jobz 'A' with m ≠ n: a nonzero adjoint of the extra columns makes Ā NaN."""
    b, t = kit.b, c.t
    k = _k(b, c)
    kk = Kit(b, kit.entry, t, c.kind, k)
    mk, kn, kk2 = b.mul(c.m, k), b.mul(k, c.n), b.mul(k, k)
    u, vt = buf, b.gep(t, buf, [mk])
    sig = (b.gep(t, buf, [b.add(mk, kn)]), const_int(I64, 0))
    block = malloc(b, t, b.add(b.add(kk2, kk2), b.add(b.add(kk2, mk), kn)))
    gu, gv = block, b.gep(t, block, [kk2])
    pbar = b.gep(t, block, [b.add(kk2, kk2)])
    w1 = b.gep(t, pbar, [kk2])
    w2 = b.gep(t, w1, [mk])
    zero = const_float(t, 0.0)

    def p_bar(bb, r, col, at):
        gu_ab, gu_ba, gv_ab, gv_ba = at(0, r, col), at(0, col, r), at(1, r, col), at(1, col, r)
        sa_, sb_ = at(2, r, col), at(2, col, r)
        num = bb.fadd(bb.fmul(bb.fsub(gu_ab, gu_ba), sb_), bb.fmul(bb.fsub(gv_ab, gv_ba), sa_))
        off = bb.select(bb.icmp("eq", r, col), at(3, r, col),
                        _chk(bb, t, num, bb.fsub(bb.fmul(sb_, sb_), bb.fmul(sa_, sa_))))
        return bb.fsub(bb.fsub(off, _chk(bb, t, gu_ab, sb_)), _chk(bb, t, gv_ba, sa_))
    for sa, ss, su, svt in lanes:
        gemm_kit(kit, blas.TRANS_T, blas.TRANS_N, k, k, c.m, 1.0, u, c.m, su, c.ldu, 0.0, gu, k)
        gemm_kit(kit, blas.TRANS_N, blas.TRANS_T, k, k, c.n, 1.0, vt, k, svt, c.ldvt, 0.0, gv, k)
        kk.each("svd.pbar", [(gu, k), (gv, k), sig, (ss, const_int(I64, 0))], (pbar, k), p_bar)
        gemm_kit(kit, blas.TRANS_N, blas.TRANS_N, c.m, k, k, 1.0, u, c.m, pbar, k, 0.0, w1, c.m)
        kit.each("svd.addcols", [(w1, c.m), (su, c.ldu), sig], (w1, c.m),      # + Ū Σ⁻¹
                 lambda bb, r, col, at: bb.fadd(at(0, r, col),
                                                _chk(bb, t, at(1, r, col), at(2, col, r))),
                 rows=c.m, cols=k)
        kit.each("svd.scalerows", [(svt, c.ldvt), sig], (w2, k),               # Σ⁻¹ V̄ᵀ
                 lambda bb, r, col, at: _chk(bb, t, at(0, r, col), at(1, r, col)),
                 rows=k, cols=c.n)
        gemm_kit(kit, blas.TRANS_N, blas.TRANS_N, c.m, c.n, k, 1.0, w1, c.m, vt, k, 0.0, sa, c.lda)
        gemm_kit(kit, blas.TRANS_N, blas.TRANS_N, c.m, c.n, k, 1.0, u, c.m, w2, k, 1.0, sa, c.lda)
        ucols, vrows = k, k
        if c.jobz == JOB_A:
            extra = b.fadd(sumsq(b, t, c.m, b.sub(c.m, k), b.gep(t, su, [b.mul(k, c.ldu)]),
                                  c.ldu),
                           sumsq(b, t, b.sub(c.n, k), c.n, b.gep(t, svt, [k]), c.ldvt))
            scale_block(b, t, c.m, c.n, b.select(b.fcmp("une", extra, zero), nan_value(t),
                                            const_float(t, 1.0)), sa, c.lda)
            ucols, vrows = c.m, c.n
        # the outputs were written by the call: their adjoints are consumed
        b.memset(ss, 0, b.mul(k, const_int(I64, 8 if t == F64 else 4)))
        scale_block(b, t, c.m, ucols, zero, su, c.ldu)
        scale_block(b, t, vrows, c.n, zero, svt, c.ldvt)
    b.call("free", FunctionType(VOID, (PTR,)), [block])


def svd_forward(kit: Kit, before: Builder, c: Svd, lanes) -> None:
    (values_forward if c.jobz == JOB_N else vectors_forward)(kit, before, c, lanes)


def svd_save(before: Builder, after: Kit, c: Svd) -> Value:
    return (values_save if c.jobz == JOB_N else vectors_save)(before, after, c)


def svd_adjoint(kit: Kit, c: Svd, buf: Value, lanes) -> None:
    (values_adjoint if c.jobz == JOB_N else vectors_adjoint)(kit, c, buf, lanes)

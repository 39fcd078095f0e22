"""Derivative of ``np.linalg.lstsq``: Numba's ``numba_ez_gelsd`` (LAPACK gelsd, column-major).

gelsd(m, n, nrhs, a, lda, b, ldb, s, rcond, rank) overwrites rows 0..n-1 of ``b`` (ldb = max(m, n))
with the minimum-norm least-squares solution X = A⁺B of the m×n system, writes A's singular
values to ``s`` and the effective rank r (σᵢ > rcond·σ₁) to ``rank``, and destroys ``a``.  For
m > n rows n..m-1 of ``b`` hold the residual's components in a basis LAPACK picks (Numba sums
their squares for the residuals).

With A⁺ the rank-r pseudo-inverse (from one more gesdd on a copy of A: A⁺ = V_r Σ_r⁻¹ U_rᵀ),
R = B − A X, W = A⁺ᵀ X and N = I − A⁺A, the derivative at constant rank is

* forward:  Ẋ = A⁺(Ḃ − Ȧ X) + A⁺A⁺ᵀ Ȧᵀ R + N Ȧᵀ W;      σ̇ᵢ = uᵢᵀ Ȧ vᵢ;
* reverse:  B̄ = A⁺ᵀ X̄;   Ā = −B̄ Xᵀ + R X̄ᵀ A⁺A⁺ᵀ + W X̄ᵀ N + U diag(σ̄) Vᵀ.

The destroyed ``a`` gets a zero tangent and its adjoint is overwritten.  The residual rows
(m > n) are basis dependent: their tangent is NaN, and a nonzero adjoint of them makes both
input adjoints NaN — so ``lstsq(...)[1]`` (the residuals) has NaN derivatives, never wrong ones,
while the solution and the singular values are exact.  Where the rank changes (σᵣ at the
cutoff) X is not differentiable.  Everything is gemms on m×n-sized blocks, prepared once per
call (``_prepare``, shared by both modes) from copies of A and B taken before the call and X
after it; reverse mode keeps those copies and the rank in a heap block the adjoint sweep frees.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import List, Optional

from ...ir.builder import Builder
from ...ir.types import F64, I32, I64, I8, PTR, VOID, FunctionType, Type
from ...ir.values import Value, const_float, const_int
from . import blas
from .lapack_kernels import Kit, free, malloc
from .lapack_svd import GESDD, JOB_S, GESDD_T, coldots, gemm_kit, nan_value, scale_block, scalecols, sumsq

GELSD = "numba_ez_gelsd"
N_, T_ = blas.TRANS_N, blas.TRANS_T


@dataclass
class Lstsq:
    name: str
    t: Type
    kind: Value
    m: Value
    n: Value
    nrhs: Value
    a: Optional[Value]
    lda: Value
    b: Optional[Value]
    ldb: Value
    s: Optional[Value]
    rank: Optional[Value]

    def ptrs(self) -> List[Value]:
        return [self.a, self.b, self.s]

    def ints(self) -> List[Value]:
        return [self.m, self.n, self.nrhs, self.lda, self.ldb]

    def remap(self, r) -> "Lstsq":
        return replace(self, m=r(self.m), n=r(self.n), nrhs=r(self.nrhs), lda=r(self.lda),
                       ldb=r(self.ldb), a=None, b=None, s=None, rank=None)


def _blocks(b: Builder, t: Type, sizes: List[Value]):
    """One heap block cut into pieces of the given sizes; returns (block, pieces)."""
    offs, total = [], const_int(I64, 0)
    for sz in sizes:
        offs.append(total)
        total = b.add(total, sz)
    block = malloc(b, t, total)
    return block, [b.gep(t, block, [o]) for o in offs]


def _copy(k: Kit, rows, cols, src, lds, dst, ldd) -> None:
    k.each("lstsq.copy", [(src, lds)], (dst, ldd), lambda bb, r, c, at: at(0, r, c),
           rows=rows, cols=cols)


def _reciprocals(b: Builder, t: Type, k: Value, rank: Value, sig: Value, out: Value) -> None:
    """out[j] = 1/σⱼ for j < rank, else 0 (the pseudo-inverse's cutoff)."""
    def body(bb, j, acc, a):
        _, rk, sp, op = a
        inv = bb.fdiv(const_float(t, 1.0), bb.load(t, bb.gep(t, sp, [j])))
        bb.store(bb.select(bb.icmp("slt", j, rk), inv, const_float(t, 0.0)), bb.gep(t, op, [j]))
        return None
    name = blas.loop_fn(b.module, f"zymase.lapack.pinvdiag.{blas.float_suffix(t)}", VOID,
                        [(I64, "k"), (I64, "rank"), (PTR, "s"), (PTR, "out")], body)
    b.call(name, FunctionType(VOID, (I64, I64, PTR, PTR)), [k, rank, sig, out])


@dataclass
class _Prep:
    k: Value
    u: Value       # m×k
    vt: Value      # k×n
    pinv: Value    # n×m
    pp: Value      # n×n: A⁺A⁺ᵀ
    nproj: Value   # n×n: I − A⁺A
    r: Value       # m×nrhs: B − A X
    w: Value       # m×nrhs: A⁺ᵀ X
    block: Value


def _prepare(kit: Kit, c: Lstsq, acp: Value, bcp: Value, x: Value, rank: Value) -> _Prep:
    """From compact copies of A (m×n), B (m×nrhs) and X (n×nrhs) and the rank."""
    b, t, m, n, q = kit.b, c.t, c.m, c.n, c.nrhs
    k = b.select(b.icmp("slt", m, n), m, n)
    mn, mk, kn, nn, mq = b.mul(m, n), b.mul(m, k), b.mul(k, n), b.mul(n, n), b.mul(m, q)
    block, (work, u, vt, sig, sinv, vs, pinv, pp, nproj, r, w) = _blocks(
        b, t, [mn, mk, kn, k, k, b.mul(n, k), mn, nn, nn, mq, mq])
    _copy(kit, m, n, acp, m, work, m)
    b.call(GESDD, GESDD_T, [c.kind, const_int(I8, JOB_S), m, n, work, m, sig, u, m, vt, k])
    _reciprocals(b, t, k, rank, sig, sinv)
    kit.each("lstsq.vs", [(vt, k), (sinv, const_int(I64, 0))], (vs, n),    # V Σ_r⁺ (n×k)
             lambda bb, row, col, at: bb.fmul(at(0, col, row), at(1, col, row)), rows=n, cols=k)
    gemm_kit(kit, N_, T_, n, m, k, 1.0, vs, n, u, m, 0.0, pinv, n)          # A⁺
    gemm_kit(kit, N_, T_, n, n, k, 1.0, vs, n, vs, n, 0.0, pp, n)           # A⁺A⁺ᵀ
    gemm_kit(kit, N_, N_, n, n, m, -1.0, pinv, n, acp, m, 0.0, nproj, n)
    one, zero = const_float(t, 1.0), const_float(t, 0.0)
    kit.each("lstsq.addeye", [(nproj, n)], (nproj, n),                    # I − A⁺A
             lambda bb, row, col, at: bb.fadd(at(0, row, col),
                                              bb.select(bb.icmp("eq", row, col), one, zero)),
             rows=n, cols=n)
    _copy(kit, m, q, bcp, m, r, m)
    gemm_kit(kit, N_, N_, m, q, n, -1.0, acp, m, x, n, 1.0, r, m)            # R = B − A X
    gemm_kit(kit, T_, N_, m, q, n, 1.0, pinv, n, x, n, 0.0, w, m)            # W = A⁺ᵀ X
    return _Prep(k, u, vt, pinv, pp, nproj, r, w, block)


def _save(before: Builder, after: Kit, c: Lstsq) -> Value:
    """[A (m×n) | B (m×nrhs) before the call | X (n×nrhs) after it | rank], compact."""
    kb = Kit(before, after.entry, c.t, c.kind, c.n)
    b, t = after.b, c.t
    mn, mq, nq = before.mul(c.m, c.n), before.mul(c.m, c.nrhs), before.mul(c.n, c.nrhs)
    buf = malloc(before, t, before.add(before.add(mn, mq), before.add(nq, const_int(I64, 1))))
    _copy(kb, c.m, c.n, c.a, c.lda, buf, c.m)
    _copy(kb, c.m, c.nrhs, c.b, c.ldb, before.gep(t, buf, [mn]), c.m)
    xp = b.gep(t, buf, [b.add(mn, mq)])
    _copy(after, c.n, c.nrhs, c.b, c.ldb, xp, c.n)
    b.store(b.load(I32, c.rank), b.gep(t, xp, [nq]))
    return buf


def _parts(b: Builder, c: Lstsq, buf: Value):
    t = c.t
    mn, mq, nq = b.mul(c.m, c.n), b.mul(c.m, c.nrhs), b.mul(c.n, c.nrhs)
    xp = b.gep(t, buf, [b.add(mn, mq)])
    rank = b.cast("sext", b.load(I32, b.gep(t, xp, [nq])), I64)
    return buf, b.gep(t, buf, [mn]), xp, rank


def lstsq_forward(kit: Kit, before: Builder, c: Lstsq, lanes) -> None:
    b, t, m, n, q = kit.b, c.t, c.m, c.n, c.nrhs
    buf = _save(before, kit, c)
    acp, bcp, x, rank = _parts(b, c, buf)
    p = _prepare(kit, c, acp, bcp, x, rank)
    scratch, (t1, out, t2, y) = _blocks(b, t, [b.mul(m, q), b.mul(n, q), b.mul(n, q),
                                              b.mul(m, p.k)])
    for sa, sb, ss in lanes:
        _copy(kit, m, q, sb, c.ldb, t1, m)
        gemm_kit(kit, N_, N_, m, q, n, -1.0, sa, c.lda, x, n, 1.0, t1, m)      # Ḃ − Ȧ X
        gemm_kit(kit, N_, N_, n, q, m, 1.0, p.pinv, n, t1, m, 0.0, out, n)
        gemm_kit(kit, T_, N_, n, q, m, 1.0, sa, c.lda, p.r, m, 0.0, t2, n)     # Ȧᵀ R
        gemm_kit(kit, N_, N_, n, q, n, 1.0, p.pp, n, t2, n, 1.0, out, n)
        gemm_kit(kit, T_, N_, n, q, m, 1.0, sa, c.lda, p.w, m, 0.0, t2, n)     # Ȧᵀ W
        gemm_kit(kit, N_, N_, n, q, n, 1.0, p.nproj, n, t2, n, 1.0, out, n)
        gemm_kit(kit, N_, T_, m, p.k, n, 1.0, sa, c.lda, p.vt, p.k, 0.0, y, m)  # Ȧ V
        coldots(b, t, p.k, m, p.u, y, ss)                                  # σ̇
        _copy(kit, n, q, out, n, sb, c.ldb)
        tail = b.select(b.icmp("sgt", m, n), b.sub(m, n), const_int(I64, 0))
        scale_block(b, t, tail, q, nan_value(t), b.gep(t, sb, [n]), c.ldb)           # residual rows
        scale_block(b, t, m, n, const_float(t, 0.0), sa, c.lda)                 # destroyed
    free(b, scratch)
    free(b, p.block)
    free(b, buf)


def lstsq_save(before: Builder, after: Kit, c: Lstsq) -> Value:
    return _save(before, after, c)


def lstsq_adjoint(kit: Kit, c: Lstsq, buf: Value, lanes) -> None:
    b, t, m, n, q = kit.b, c.t, c.m, c.n, c.nrhs
    acp, bcp, x, rank = _parts(b, c, buf)
    p = _prepare(kit, c, acp, bcp, x, rank)
    scratch, (xb, bbar, tt, z) = _blocks(b, t, [b.mul(n, q), b.mul(m, q), b.mul(n, q),
                                               b.mul(m, p.k)])
    mx = b.select(b.icmp("sgt", m, n), m, n)
    tail = b.sub(mx, n)
    zero = const_float(t, 0.0)
    for sa, sb, ss in lanes:
        bad = b.fcmp("une", sumsq(b, t, tail, q, b.gep(t, sb, [n]), c.ldb), zero)
        _copy(kit, n, q, sb, c.ldb, xb, n)                                   # X̄
        gemm_kit(kit, T_, N_, m, q, n, 1.0, p.pinv, n, xb, n, 0.0, bbar, m)    # B̄ = A⁺ᵀ X̄
        gemm_kit(kit, N_, T_, m, n, q, -1.0, bbar, m, x, n, 0.0, sa, c.lda)    # −B̄ Xᵀ
        gemm_kit(kit, N_, N_, n, q, n, 1.0, p.pp, n, xb, n, 0.0, tt, n)
        gemm_kit(kit, N_, T_, m, n, q, 1.0, p.r, m, tt, n, 1.0, sa, c.lda)     # + R (A⁺A⁺ᵀX̄)ᵀ
        gemm_kit(kit, N_, N_, n, q, n, 1.0, p.nproj, n, xb, n, 0.0, tt, n)
        gemm_kit(kit, N_, T_, m, n, q, 1.0, p.w, m, tt, n, 1.0, sa, c.lda)     # + W (N X̄)ᵀ
        scalecols(b, t, p.k, m, p.u, ss, z)
        gemm_kit(kit, N_, N_, m, n, p.k, 1.0, z, m, p.vt, p.k, 1.0, sa, c.lda)  # + U diag(σ̄) Vᵀ
        scale_block(b, t, mx, q, zero, sb, c.ldb)                                # rows ≥ m: unread
        _copy(kit, m, q, bbar, m, sb, c.ldb)
        nan_or_one = b.select(bad, nan_value(t), const_float(t, 1.0))
        scale_block(b, t, m, n, nan_or_one, sa, c.lda)
        scale_block(b, t, mx, q, nan_or_one, sb, c.ldb)
        b.memset(ss, 0, b.mul(p.k, const_int(I64, 8 if t == F64 else 4)))
    free(b, scratch)
    free(b, p.block)

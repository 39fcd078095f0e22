"""Derivatives of the symmetric factorisations: Numba's ``numba_xxpotrf`` (``np.linalg.cholesky``)
and ``numba_ez_xxxevd`` (``np.linalg.eigh`` with jobz 'V', ``eigvalsh`` with jobz 'N').

Both calls read one triangle of the column-major matrix in ``a`` (``uplo``) and never the other,
so the function they compute is of that triangle: the symmetric matrix they see is
Aₛ = tri(M) + stri(M)ᵀ.  Forward mode symmetrises the tangent the same way; reverse mode turns
the adjoint Ā of Aₛ (any square matrix) into the triangle's adjoint, Ā[r,c] + Ā[c,r] off the
diagonal and Ā[r,r] on it, and leaves the other triangle's adjoint as the call leaves its
memory (untouched: passed through; overwritten: zero).  Finite differences that perturb the
unread triangle therefore see no change, and neither does zymase.

potrf, in the lower orientation A = L Lᵀ (Numba passes 'U' on C-order data, i.e. U = Lᵀ of the
column-major view; the rule reads and writes the triangle through that transposition), with
Φ(X) = the lower triangle of X with its diagonal halved:

* forward:  L̇ = L Φ(L⁻¹ Ȧ L⁻ᵀ),   written into the triangle (the other one is untouched);
* reverse:  Ā = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹   with L̄ the triangle's adjoint, then folded as above.

xxxevd, A = V diag(λ) Vᵀ (λ ascending, V orthogonal), with T = Vᵀ Ȧ V and
E[i,j] = T[i,j] / (λⱼ − λᵢ) off the diagonal, 0 on it:

* forward:  λ̇ᵢ = T[i,i];  V̇ = V E   (jobz 'V');
* reverse:  Ā = V (diag(λ̄) + E') Vᵀ,   E'[i,j] = (VᵀV̄)[i,j] / (λⱼ − λᵢ)   (jobz 'V').

The quotients are *checked*: a zero numerator contributes zero, so eigenvalue-only uses
(eigvalsh, or eigh with an unused V) have finite derivatives even at repeated eigenvalues.
With repeated eigenvalues and an active V the eigenvector derivative does not exist and
comes out infinite or NaN — never a finite wrong number.  With jobz 'N' LAPACK destroys the
read triangle (Numba discards the array unread): its tangent is set to zero, its adjoint
ignored, and V comes from one extra xxxevd (jobz 'V') on a copy of A made before the call.

L⁻¹ is formed once per call (lapack_kernels.inverse); every lane costs a few gemms.  Reverse
mode saves the factor (potrf) or V and λ (xxxevd) in a heap block freed by the adjoint sweep.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import List, Optional

from ...ir.builder import Builder
from ...ir.types import F64, I32, I64, I8, PTR, FunctionType, Type
from ...ir.values import Value, const_float, const_int
from . import blas
from .lapack_kernels import Kit, N, T, free, malloc

POTRF, EVD = "numba_xxpotrf", "numba_ez_xxxevd"
UP, LO, JOB_V, JOB_N = 85, 76, 86, 78
_EVD_T = FunctionType(I32, (I8, I8, I8, I64, PTR, I64, PTR))


@dataclass
class Sym:
    """A potrf (``jobz`` None, ``w`` None) or xxxevd call on the ``uplo`` triangle of ``a``."""
    name: str
    t: Type
    kind: Value
    uplo: int
    jobz: Optional[int]
    n: Value
    a: Optional[Value]
    lda: Value
    w: Optional[Value]

    def ptrs(self) -> List[Value]:
        return [self.a] if self.name == POTRF else [self.a, self.w]

    def ints(self) -> List[Value]:
        return [self.n, self.lda]

    def remap(self, r) -> "Sym":
        return replace(self, n=r(self.n), lda=r(self.lda), a=None, w=None)


def _in_tri(bb: Builder, uplo: int, r: Value, c: Value) -> Value:
    return bb.icmp("sge" if uplo == LO else "sle", r, c)


def _sym(k: Kit, uplo: int, src, dst) -> None:
    """dst = tri(src) + stri(src)ᵀ."""
    k.each(f"sym.sym{uplo}", [src], dst,
           lambda bb, r, c, at: bb.select(_in_tri(bb, uplo, r, c), at(0, r, c), at(0, c, r)))


def _fold(k: Kit, uplo: int, abar, g, keep: bool) -> None:
    """Triangle of g ← the triangle's adjoint from Ā (compact); the other strict triangle of g
    keeps its value (``keep``) or becomes zero."""
    z = const_float(k.t, 0.0)

    def f(bb, r, c, at):
        v = bb.select(bb.icmp("eq", r, c), at(0, r, c), bb.fadd(at(0, r, c), at(0, c, r)))
        return bb.select(_in_tri(bb, uplo, r, c), v, at(1, r, c) if keep else z)
    k.each(f"sym.fold{uplo}.{int(keep)}", [abar, g], g, f)


def _phi(k: Kit, src, dst) -> None:
    """dst = lower triangle of src with the diagonal halved."""
    t = k.t
    half, z = const_float(t, 0.5), const_float(t, 0.0)
    k.each("sym.phi", [src], dst,
           lambda bb, r, c, at: bb.select(bb.icmp("sgt", r, c), at(0, r, c),
                                          bb.select(bb.icmp("eq", r, c),
                                                    bb.fmul(half, at(0, r, c)), z)))


# -- potrf ---------------------------------------------------------------------------------------
def _lower_factor(k: Kit, uplo: int, src, dst) -> None:
    """dst (compact) = L in the lower orientation, read from the triangle of src."""
    z = const_float(k.t, 0.0)
    k.each(f"chol.factor{uplo}", [src], dst,
           lambda bb, r, c, at: bb.select(bb.icmp("sge", r, c),
                                          at(0, r, c) if uplo == LO else at(0, c, r), z))


def potrf_forward(k: Kit, before: Builder, c: Sym, lanes) -> None:
    block, (lc, li, s, y, z) = k.scratch(5)
    cs, cy, cz = k.compact(s), k.compact(y), k.compact(z)
    _lower_factor(k, c.uplo, (c.a, c.lda), k.compact(lc))
    k.inverse(k.compact(lc), li)
    up = c.uplo == UP
    for (sa,) in lanes:
        g = (sa, c.lda)
        _sym(k, c.uplo, g, cs)
        k.gemm(N, N, 1.0, k.compact(li), cs, 0.0, cy)
        k.gemm(N, T, 1.0, cy, k.compact(li), 0.0, cz)        # L⁻¹ Ȧ L⁻ᵀ
        _phi(k, cz, cy)
        k.gemm(N, N, 1.0, k.compact(lc), cy, 0.0, cz)        # L̇ (lower)
        k.each(f"chol.out{c.uplo}", [cz, g], g,
               lambda bb, r, col, at: bb.select(_in_tri(bb, c.uplo, r, col),
                                                at(0, col, r) if up else at(0, r, col),
                                                at(1, r, col)))
    free(k.b, block)


def potrf_save(before: Builder, after: Kit, c: Sym) -> Value:
    buf = malloc(after.b, after.t, after.nn())
    after.copy((c.a, c.lda), after.compact(buf))
    return buf


def potrf_adjoint(k: Kit, c: Sym, buf: Value, lanes) -> None:
    block, (lc, li, y, z) = k.scratch(4)
    cy, cz = k.compact(y), k.compact(z)
    _lower_factor(k, c.uplo, k.compact(buf), k.compact(lc))
    k.inverse(k.compact(lc), li)
    for (sa,) in lanes:
        g = (sa, c.lda)
        _lower_factor(k, c.uplo, g, cy)                       # L̄ (lower orientation)
        k.gemm(T, N, 1.0, k.compact(lc), cy, 0.0, cz)
        _phi(k, cz, cy)
        k.gemm(T, N, 1.0, k.compact(li), cy, 0.0, cz)
        k.gemm(N, N, 1.0, cz, k.compact(li), 0.0, cy)         # Ā
        _fold(k, c.uplo, cy, g, keep=True)                    # (fold(Āᵀ) = fold(Ā))
    free(k.b, block)


# -- xxxevd ----------------------------------------------------------------------------------------
def _evd(k: Kit, c: Sym, v: Value, w: Value) -> None:
    """V and λ of the compact copy in ``v`` (overwritten by V), into ``w``."""
    k.b.call(EVD, _EVD_T, [c.kind, const_int(I8, JOB_V), const_int(I8, c.uplo), k.n, v, k.n, w])


def _eigen_save(before: Builder, after: Kit, c: Sym) -> Value:
    """A block [V (compact), λ]: read after the call (jobz 'V'), or from an xxxevd of a copy
    of A taken before the call (jobz 'N')."""
    k = after
    kb = Kit(before, k.entry, k.t, k.kind, k.n)
    buf = malloc(before, k.t, before.add(kb.nn(), k.n))
    lam = k.b.gep(k.t, buf, [k.nn()])
    if c.jobz == JOB_V:
        k.copy((c.a, c.lda), k.compact(buf))
        k.b.memcpy(lam, c.w, k.b.mul(k.n, const_int(I64, 8 if k.t == F64 else 4)))
    else:
        kb.copy((c.a, c.lda), kb.compact(buf))
        _evd(k, c, buf, lam)
    return buf


def _quotients(k: Kit, num, lam: Value, diag: Optional[Value], dst) -> None:
    """dst[i,j] = num[i,j] / (λⱼ − λᵢ) off the diagonal (0 when num is 0), and diag[i] (or 0)
    on it.  λ and diag are read as matrices with leading dimension 0 (entry (i, j) = v[i])."""
    t = k.t
    z = const_float(t, 0.0)

    def f(bb, r, c, at):
        x = at(0, r, c)
        q = bb.fdiv(x, bb.fsub(at(1, c, r), at(1, r, c)))
        off = bb.select(bb.fcmp("oeq", x, z), z, q)
        return bb.select(bb.icmp("eq", r, c), at(2, r, c) if diag is not None else z, off)
    srcs = [num, (lam, const_int(I64, 0))]
    if diag is not None:
        srcs.append((diag, const_int(I64, 0)))
    k.each(f"eig.quot.{int(diag is not None)}", srcs, dst, f)


def evd_forward(k: Kit, before: Builder, c: Sym, lanes) -> None:
    buf = _eigen_save(before, k, c)
    v, lam = k.compact(buf), k.b.gep(k.t, buf, [k.nn()])
    block, (s, y, z) = k.scratch(3)
    cs, cy, cz = k.compact(s), k.compact(y), k.compact(z)
    for sa, sw in lanes:
        g = (sa, c.lda)
        _sym(k, c.uplo, g, cs)
        k.gemm(N, N, 1.0, cs, v, 0.0, cy)
        k.gemm(T, N, 1.0, v, cy, 0.0, cz)                      # T = Vᵀ Ȧ V
        blas.pack(k.b, k.t, k.n, z, k.b.add(k.n, const_int(I64, 1)), sw)   # λ̇ᵢ = T[i,i]
        if c.jobz == JOB_V:
            _quotients(k, cz, lam, None, cy)
            k.gemm(N, N, 1.0, v, cy, 0.0, g)                   # V̇ = V E
        else:                                                  # destroyed triangle: zero
            zf = const_float(k.t, 0.0)
            k.each(f"eig.destroyed{c.uplo}", [g], g,
                   lambda bb, r, col, at: bb.select(_in_tri(bb, c.uplo, r, col), zf,
                                                    at(0, r, col)))
    free(k.b, block)
    free(k.b, buf)


def evd_save(before: Builder, after: Kit, c: Sym) -> Value:
    return _eigen_save(before, after, c)


def evd_adjoint(k: Kit, c: Sym, buf: Value, lanes) -> None:
    v, lam = k.compact(buf), k.b.gep(k.t, buf, [k.nn()])
    block, (y, z) = k.scratch(2)
    cy, cz = k.compact(y), k.compact(z)
    for sa, sw in lanes:
        g = (sa, c.lda)
        if c.jobz == JOB_V:
            k.gemm(T, N, 1.0, v, g, 0.0, cz)                   # Vᵀ V̄
            _quotients(k, cz, lam, sw, cy)
        else:
            zf = const_float(k.t, 0.0)
            k.each("eig.diagof", [(sw, const_int(I64, 0))], cy,
                   lambda bb, r, col, at: bb.select(bb.icmp("eq", r, col), at(0, r, col), zf))
        k.gemm(N, N, 1.0, v, cy, 0.0, cz)
        k.gemm(N, T, 1.0, cz, v, 0.0, cy)                      # Ā
        _fold(k, c.uplo, cy, g, keep=c.jobz != JOB_V)
        k.b.memset(sw, 0, k.b.mul(k.n, const_int(I64, 8 if k.t == F64 else 4)))
    free(k.b, block)

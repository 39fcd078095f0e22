"""Derivatives of LU factorisation and inversion: Numba's ``numba_xxgetrf`` and
``numba_ez_xxgetri`` (``np.linalg.inv`` = getrf then getri; ``np.linalg.det`` and ``slogdet`` =
getrf then ordinary loop code over the diagonal and the pivots, which zymase differentiates
like any other code).

getrf(n, n, a, lda, ipiv) overwrites the n×n matrix A in ``a`` with its factors A = P L U,
packed: the strict lower triangle holds L (unit diagonal implied), the upper triangle U; ipiv
(int32, 1-based) holds the row interchanges that make P.  With F = L⁻¹ Pᵀ Ȧ U⁻¹ (from
Pᵀ Ȧ = L̇ U + L U̇: L⁻¹L̇ is strictly lower, U̇U⁻¹ upper):

* forward:  packed tangent  G = L̇ + U̇ = L·stril(F) + triu(F)·U   (the first term is strictly
  lower and the second upper, so their sum is the packed tangent with no masking);
* reverse:  from the packed adjoint Ḡ,  F̄ = stril(Lᵀ stril(Ḡ)) + triu(triu(Ḡ) Uᵀ),
  Ā = P L⁻ᵀ F̄ U⁻ᵀ   (overwrites the adjoint of ``a``: the call overwrote the matrix).

getri(n, a, lda, ipiv) overwrites the packed factors of M = P L U with X = M⁻¹.  It is
differentiated as a function of the packed factors it receives, so that any code between the
two calls is free to read or change them:

* forward:  Ṁ = P(L̇ U + L U̇) with L̇ = stril(G), U̇ = triu(G);   Ẋ = −X Ṁ X;
* reverse:  M̄ = −Xᵀ X̄ Xᵀ;  Ḡ = stril(Pᵀ M̄ Uᵀ) + triu(Lᵀ Pᵀ M̄).

For ``inv`` the two rules compose to Ẋ = −X Ȧ X (P L F U = Ȧ).  L⁻¹ and U⁻¹ are formed
explicitly, once per call (gesv of the triangular factors against I, lapack_kernels.py); every
lane then costs a few gemms — O(n³) like the primal.  Reverse mode saves what the adjoint
needs into one heap block (getrf: the packed factors and ipiv after the call; getri: the
factors and ipiv before it and X after it) that the adjoint sweep frees.  At an exactly
singular matrix (getrf's info > 0) U⁻¹ does not exist and the derivative is not finite.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import List, Optional

from ...ir.builder import Builder
from ...ir.types import I64, Type
from ...ir.values import Value, const_float, const_int
from .lapack_kernels import Kit, N, T, free, malloc

GETRF, GETRI = "numba_xxgetrf", "numba_ez_xxgetri"


@dataclass
class LU:
    """A getrf or getri call; ``a`` (lda) is the matrix, ``ipiv`` the pivots."""
    name: str
    t: Type
    kind: Value
    n: Value
    a: Optional[Value]
    lda: Value
    ipiv: Optional[Value]

    def ptrs(self) -> List[Value]:
        return [self.a]

    def ints(self) -> List[Value]:
        return [self.n, self.lda]

    def remap(self, r) -> "LU":
        return replace(self, n=r(self.n), lda=r(self.lda), a=None, ipiv=None)


def _factors(k: Kit, packed, lf: Value, uf: Value) -> None:
    """Explicit unit-lower L and upper U (compact) from packed factors."""
    t = k.t
    one, zero = const_float(t, 1.0), const_float(t, 0.0)
    k.each("lu.unitlower", [packed], k.compact(lf),
           lambda bb, r, c, at: bb.select(bb.icmp("sgt", r, c), at(0, r, c),
                                          bb.select(bb.icmp("eq", r, c), one, zero)))
    k.each("lu.upper", [packed], k.compact(uf),
           lambda bb, r, c, at: bb.select(bb.icmp("sle", r, c), at(0, r, c), zero))


def _stril(k: Kit, src, dst) -> None:
    z = const_float(k.t, 0.0)
    k.each("lu.stril", [src], dst,
           lambda bb, r, c, at: bb.select(bb.icmp("sgt", r, c), at(0, r, c), z))


def _triu(k: Kit, src, dst) -> None:
    z = const_float(k.t, 0.0)
    k.each("lu.triu", [src], dst,
           lambda bb, r, c, at: bb.select(bb.icmp("sle", r, c), at(0, r, c), z))


def _split(k: Kit, lower, upper, dst) -> None:
    """dst = stril(lower) + triu(upper)."""
    k.each("lu.split", [lower, upper], dst,
           lambda bb, r, c, at: bb.select(bb.icmp("sgt", r, c), at(0, r, c), at(1, r, c)))


# -- getrf --------------------------------------------------------------------------------------
def getrf_forward(k: Kit, before: Builder, c: LU, lanes: List[List[Optional[Value]]]) -> None:
    """``k`` sits after the call; lane j's shadow of ``a`` holds Ȧ and receives G."""
    block, (lf, uf, li, ui, x, y) = k.scratch(6)
    cx, cy = k.compact(x), k.compact(y)
    _factors(k, (c.a, c.lda), lf, uf)
    k.inverse(k.compact(lf), li)
    k.inverse(k.compact(uf), ui)
    for (sa,) in lanes:
        out = (sa, c.lda)
        k.copy(out, cx)
        k.swaps(c.ipiv, cx, backward=False)                 # Pᵀ Ȧ
        k.gemm(N, N, 1.0, k.compact(li), cx, 0.0, cy)
        k.gemm(N, N, 1.0, cy, k.compact(ui), 0.0, cx)       # F
        _stril(k, cx, cy)
        _triu(k, cx, cx)
        k.gemm(N, N, 1.0, k.compact(lf), cy, 0.0, out)      # L stril(F)
        k.gemm(N, N, 1.0, cx, k.compact(uf), 1.0, out)      # + triu(F) U
    free(k.b, block)


def getrf_save(before: Builder, after: Kit, c: LU) -> Value:
    """[packed factors (compact), ipiv] after the call."""
    k = after
    buf = malloc(k.b, k.t, k.b.add(k.nn(), k.n))
    k.copy((c.a, c.lda), k.compact(buf))
    k.copy_ints(c.ipiv, k.b.gep(k.t, buf, [k.nn()]))
    return buf


def getrf_adjoint(k: Kit, c: LU, buf: Value, lanes: List[List[Optional[Value]]]) -> None:
    block, (lf, uf, li, ui, x, y, z) = k.scratch(7)
    cx, cy, cz = k.compact(x), k.compact(y), k.compact(z)
    _factors(k, k.compact(buf), lf, uf)
    k.inverse(k.compact(lf), li)
    k.inverse(k.compact(uf), ui)
    ipiv = k.b.gep(k.t, buf, [k.nn()])
    for (sa,) in lanes:
        g = (sa, c.lda)
        _stril(k, g, cy)
        k.gemm(T, N, 1.0, k.compact(lf), cy, 0.0, cx)       # Lᵀ L̄
        _triu(k, g, cy)
        k.gemm(N, T, 1.0, cy, k.compact(uf), 0.0, cz)       # Ū Uᵀ
        _split(k, cx, cz, cy)                               # F̄
        k.gemm(T, N, 1.0, k.compact(li), cy, 0.0, cx)
        k.gemm(N, T, 1.0, cx, k.compact(ui), 0.0, g)        # L⁻ᵀ F̄ U⁻ᵀ
        k.swaps(ipiv, g, backward=True)                     # P (…)
    free(k.b, block)


# -- getri --------------------------------------------------------------------------------------
def getri_forward(k: Kit, before: Builder, c: LU, lanes: List[List[Optional[Value]]]) -> None:
    """``before`` sits before the call (the factors are copied there), ``k`` after it; lane
    j's shadow of ``a`` holds the packed tangent G and receives Ẋ."""
    kb = Kit(before, k.entry, k.t, k.kind, k.n)
    saved = malloc(before, k.t, kb.nn())
    kb.copy((c.a, c.lda), kb.compact(saved))
    block, (lf, uf, y, z) = k.scratch(4)
    cy, cz = k.compact(y), k.compact(z)
    _factors(k, k.compact(saved), lf, uf)
    xm = (c.a, c.lda)
    for (sa,) in lanes:
        g = (sa, c.lda)
        _stril(k, g, cy)
        k.gemm(N, N, 1.0, cy, k.compact(uf), 0.0, cz)       # L̇ U
        _triu(k, g, cy)
        k.gemm(N, N, 1.0, k.compact(lf), cy, 1.0, cz)       # + L U̇
        k.swaps(c.ipiv, cz, backward=True)                  # Ṁ = P (…)
        k.gemm(N, N, 1.0, xm, cz, 0.0, cy)
        k.gemm(N, N, -1.0, cy, xm, 0.0, g)                  # Ẋ = −X Ṁ X
    free(k.b, block)
    free(k.b, saved)


def getri_save(before: Builder, after: Kit, c: LU) -> Value:
    """[factors before the call, X after it (both compact), ipiv]."""
    k = after
    kb = Kit(before, k.entry, k.t, k.kind, k.n)
    nn = kb.nn()
    buf = malloc(before, k.t, before.add(before.mul(nn, const_int(I64, 2)), k.n))
    kb.copy((c.a, c.lda), kb.compact(buf))
    kb.copy_ints(c.ipiv, before.gep(k.t, buf, [before.mul(nn, const_int(I64, 2))]))
    k.copy((c.a, c.lda), k.compact(k.at(buf, 1)))
    return buf


def getri_adjoint(k: Kit, c: LU, buf: Value, lanes: List[List[Optional[Value]]]) -> None:
    block, (lf, uf, y, z, w) = k.scratch(5)
    cy, cz, cw = k.compact(y), k.compact(z), k.compact(w)
    _factors(k, k.compact(buf), lf, uf)
    xm = k.compact(k.at(buf, 1))
    ipiv = k.b.gep(k.t, buf, [k.b.mul(k.nn(), const_int(I64, 2))])
    for (sa,) in lanes:
        g = (sa, c.lda)
        k.gemm(T, N, 1.0, xm, g, 0.0, cy)
        k.gemm(N, T, -1.0, cy, xm, 0.0, cz)                 # M̄ = −Xᵀ X̄ Xᵀ
        k.swaps(ipiv, cz, backward=False)                   # Pᵀ M̄
        k.gemm(N, T, 1.0, cz, k.compact(uf), 0.0, cy)       # (Pᵀ M̄) Uᵀ
        k.gemm(T, N, 1.0, k.compact(lf), cz, 0.0, cw)       # Lᵀ (Pᵀ M̄)
        _split(k, cy, cw, g)
    free(k.b, block)

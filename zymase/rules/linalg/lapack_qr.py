"""Derivatives of ``np.linalg.qr``: Numba's ``numba_ez_geqrf`` followed by ``numba_ez_xxgqr``
(orgqr), differentiated together as one operation Q, R = qr(A).

Numba's ``qr`` copies A (m×n) to a Fortran-order scratch array ``q``, calls geqrf on it (R in
the upper triangle, Householder reflectors below it, their scales in ``tau``), copies the upper
trapezoid into R (ordinary loop code, which zymase differentiates like any other), then calls
orgqr on the same ``q`` and ``tau`` to turn the reflectors into the first k = min(m, n) columns
of Q.  The reflectors are LAPACK's internal representation of Q: rather than differentiate it,
the two calls are matched (the only orgqr on geqrf's memory and ``tau``; anything else is
refused) and the derivative of the pair is that of the thin QR.  Between the calls only R's
derivative is meaningful: the upper trapezoid of ``q``'s shadow holds it exactly, the strict
lower part is NaN in forward mode (nothing but orgqr may read it, and orgqr's rule replaces it
by Q̇) and is ignored in reverse mode.  The rule of one call hands the other a heap block in a
per-module table keyed by the geqrf instruction (forward: the lanes' Q̇; reverse: the saved
Q and R, into which orgqr's adjoint puts the address of the lanes' Q̄).

Write A = [A₁ A₂], R = [R₁ R₂] with A₁, R₁ the first k columns (R₁ upper triangular, A₁ = Q R₁
a tall or square QR; A₂ = Q R₂ exists only for wide A, m < n, where Q is square):

* forward:  D = Ȧ₁ R₁⁻¹,  C = Qᵀ D,  U = triu(C) + stril(C)ᵀ,  Ω = C − U (antisymmetric):
  Ṙ₁ = U R₁,  Q̇ = D − Q U,  Ṙ₂ = Qᵀ Ȧ₂ − Ω R₂;
* reverse:  Q̄' = Q̄ + Q R₂ R̄₂ᵀ,  M = R₁ R̄₁ᵀ − Q̄'ᵀ Q,
  Ā₁ = (Q̄' + Q copyltu(M)) R₁⁻ᵀ,  Ā₂ = Q R̄₂,   with copyltu(M) = tril(M) + stril(M)ᵀ.

R₁⁻¹ is formed once per call (lapack_kernels.inverse); each lane costs a few gemms — O(m n k),
the primal's order.  Forward mode forms Q by one more orgqr on a copy of geqrf's output.  At an
exactly rank-deficient A₁ (a zero on R₁'s diagonal) Q and R have no derivative and every
tangent / adjoint the rule writes is NaN, never a finite number.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from typing import Dict, List, Optional

from ...errors import unsupported
from ...ir.builder import Builder
from ...ir.types import F64, I32, I64, I8, PTR, FunctionType, Type
from ...ir.values import Instruction, Value, const_float, const_int
from . import blas
from .lapack_kernels import Kit, N, T, free, malloc
from .lapack_svd import gemm_kit, nan_value, scale_block

GEQRF, ORGQR = "numba_ez_geqrf", "numba_ez_xxgqr"
ORGQR_T = FunctionType(I32, (I8, I64, I64, I64, PTR, I64, PTR))
_OPS = {GEQRF: (3, 5), ORGQR: (4, 6)}        # operand indices of a and tau

# module -> {geqrf instruction: the heap block its rule hands to the orgqr rule}
_LINKS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@dataclass
class Qr:
    """A geqrf call (``n``: A's columns) or an orgqr call (``n``: k, Q's columns) on the m-row
    column-major matrix in ``a`` (lda); ``geqrf`` is the pair's geqrf instruction."""
    name: str
    t: Type
    kind: Value
    m: Value
    n: Value
    a: Optional[Value]
    lda: Value
    tau: Optional[Value]
    geqrf: Instruction

    def ptrs(self) -> List[Value]:
        return [self.a]

    def ints(self) -> List[Value]:
        return [self.m, self.n, self.lda]

    def remap(self, r) -> "Qr":
        return replace(self, m=r(self.m), n=r(self.n), lda=r(self.lda), a=None, tau=None)


def parse(name: str, t: Type, i: Instruction) -> Qr:
    """The description, with the pair matched: exactly one call of the other routine on the
    same memory and ``tau`` in the same function."""
    o = i.operands
    other = ORGQR if name == GEQRF else GEQRF
    a, tau = (o[k] for k in _OPS[name])
    ka, kt = _OPS[other]
    fn = i.block.function if i.block is not None else None
    found = [j for j in (fn.instructions() if fn is not None else ())
             if j.opcode == "call" and j.callee_name == other
             and j.operands[ka] is a and j.operands[kt] is tau]
    if len(found) != 1:
        raise unsupported(f"a LAPACK {'geqrf' if name == GEQRF else 'orgqr'} call that is not "
                          "paired with the one "
                          f"{'orgqr' if name == GEQRF else 'geqrf'} call np.linalg.qr makes "
                          "on the same memory", i.loc,
                          help="zymase differentiates geqrf and orgqr only together, as "
                               "np.linalg.qr")
    if name == GEQRF:
        return Qr(name, t, o[0], o[1], o[2], o[3], o[4], o[5], i)
    if o[2] is not o[3]:
        raise unsupported("an orgqr call forming a Q with more columns than reflectors", i.loc)
    return Qr(name, t, o[0], o[1], o[2], o[4], o[5], o[6], found[0])


def _links(b: Builder) -> Dict[Instruction, Value]:
    return _LINKS.setdefault(b.module, {})


def _linked(b: Builder, c: Qr) -> Value:
    block = _links(b).get(c.geqrf)
    if block is None:
        raise unsupported("np.linalg.qr whose orgqr call is reached before its geqrf call",
                          c.geqrf.loc, help="this is a zymase bug: please report it")
    return block


def _kmin(b: Builder, m: Value, n: Value) -> Value:
    return b.select(b.icmp("slt", m, n), m, n)


def _copy(kit: Kit, src, dst, rows, cols) -> None:
    kit.each("qr.copy", [src], dst, lambda bb, r, c, at: at(0, r, c), rows=rows, cols=cols)


def _triu(kk: Kit, src, dst) -> None:
    """dst = the upper triangle of src's leading k×k block (k = kk.n)."""
    z = const_float(kk.t, 0.0)
    kk.each("qr.triu", [src], dst,
            lambda bb, r, c, at: bb.select(bb.icmp("sle", r, c), at(0, r, c), z))


def _bad(b: Builder, t: Type, k: Value, r1: Value) -> Value:
    """NaN when the compact k×k R₁ has a zero on its diagonal (A₁ rank-deficient: no
    derivative), else 1 — the factor every output of the rule is scaled by."""
    def body(bb, i, acc, a):
        d = bb.load(t, bb.gep(t, a[1], [bb.add(i, bb.mul(i, a[0]))]))
        return bb.fadd(acc, bb.select(bb.fcmp("oeq", d, const_float(t, 0.0)),
                                      const_float(t, 1.0), const_float(t, 0.0)))
    name = blas.loop_fn(b.module, f"zymase.lapack.qr.zerodiag.{blas.float_suffix(t)}", t,
                        [(I64, "k"), (PTR, "r")], body)
    zeros = b.call(name, FunctionType(t, (I64, PTR)), [k, r1])
    return b.select(b.fcmp("ogt", zeros, const_float(t, 0.0)), nan_value(t),
                    const_float(t, 1.0))


def _r1_inverse(kit: Kit, kk: Kit, r_src, r1: Value, r1i: Value) -> Value:
    """R₁ (compact) from the upper triangle of ``r_src``, its inverse, and the NaN factor."""
    _triu(kk, r_src, kk.compact(r1))
    kk.inverse(kk.compact(r1), r1i)
    return _bad(kit.b, kit.t, kk.n, r1)


# -- geqrf ------------------------------------------------------------------------------------------
def geqrf_forward(kit: Kit, before: Builder, c: Qr, lanes) -> None:
    """``kit.b`` sits after geqrf; each lane's shadow of ``a`` holds Ȧ and receives Ṙ in its
    upper trapezoid (NaN below it); the lanes' Q̇ go to a block for orgqr's rule."""
    b, t = kit.b, c.t
    m, n, lda = c.m, c.n, c.lda
    k = _kmin(b, m, n)
    kk = Kit(b, kit.entry, t, c.kind, k)
    mk, k2, nk = b.mul(m, k), b.mul(k, k), b.sub(n, k)
    # scratch: Q | D (m×k) | R₁ | R₁⁻¹ | C | U | Ω | UR₁ (k×k) | Y (k×(n−k))
    block = malloc(b, t, b.add(b.add(b.mul(mk, const_int(I64, 2)),
                                     b.mul(k2, const_int(I64, 6))), b.mul(k, nk)))
    q, d = block, b.gep(t, block, [mk])
    r1, r1i, cm, u, om, ur, y = (b.gep(t, block, [b.add(b.mul(mk, const_int(I64, 2)),
                                                        b.mul(k2, const_int(I64, j)))])
                                 for j in range(7))
    _copy(kit, (c.a, lda), (q, m), m, k)
    b.call(ORGQR, ORGQR_T, [c.kind, m, k, k, q, m, c.tau])            # Q of a copy
    bad = _r1_inverse(kit, kk, (c.a, lda), r1, r1i)
    w = malloc(b, t, b.mul(mk, const_int(I64, len(lanes))))
    _links(b)[c.geqrf] = w
    zero, nan = const_float(t, 0.0), nan_value(t)
    a2 = b.gep(t, c.a, [b.mul(k, lda)])
    for j, (sa,) in enumerate(lanes):
        wj = b.gep(t, w, [b.mul(mk, const_int(I64, j))])
        sa2 = b.gep(t, sa, [b.mul(k, lda)])
        gemm_kit(kit, N, N, m, k, k, 1.0, sa, lda, r1i, k, 0.0, d, m)       # D = Ȧ₁ R₁⁻¹
        gemm_kit(kit, T, N, k, k, m, 1.0, q, m, d, m, 0.0, cm, k)           # C = Qᵀ D
        kk.each("qr.u", [(cm, k)], (u, k),                                  # U
                lambda bb, r, col, at: bb.select(
                    bb.icmp("slt", r, col), bb.fadd(at(0, r, col), at(0, col, r)),
                    bb.select(bb.icmp("eq", r, col), at(0, r, col), zero)))
        kk.each("qr.omega", [(cm, k)], (om, k),                             # Ω
                lambda bb, r, col, at: bb.select(
                    bb.icmp("sgt", r, col), at(0, r, col),
                    bb.select(bb.icmp("eq", r, col), zero, bb.fneg(at(0, col, r)))))
        _copy(kit, (d, m), (wj, m), m, k)
        gemm_kit(kit, N, N, m, k, k, -1.0, q, m, u, k, 1.0, wj, m)          # Q̇ = D − Q U
        gemm_kit(kit, N, N, k, k, k, 1.0, u, k, r1, k, 0.0, ur, k)          # Ṙ₁ = U R₁
        gemm_kit(kit, T, N, k, nk, m, 1.0, q, m, sa2, lda, 0.0, y, k)       # Ṙ₂ = Qᵀ Ȧ₂
        gemm_kit(kit, N, N, k, nk, k, -1.0, om, k, a2, lda, 1.0, y, k)      #      − Ω R₂
        kit.each("qr.nan", [], (sa, lda), lambda bb, r, col, at: nan, rows=m, cols=k)
        kk.each("qr.rtri", [(ur, k), (sa, lda)], (sa, lda),
                lambda bb, r, col, at: bb.select(bb.icmp("sle", r, col), at(0, r, col),
                                                 at(1, r, col)))
        _copy(kit, (y, k), (sa2, lda), k, nk)
        scale_block(b, t, m, n, bad, sa, lda)
        scale_block(b, t, m, k, bad, wj, m)
    free(b, block)


def geqrf_save(before: Builder, after: Kit, c: Qr) -> Value:
    """The block [slot for the address of the lanes' Q̄ | Q (m×k, orgqr's save) | R (k×n)],
    R copied after geqrf."""
    b, t = after.b, c.t
    k = _kmin(b, c.m, c.n)
    head = const_int(I64, 1 if t == F64 else 2)
    mk = b.mul(c.m, k)
    buf = malloc(b, t, b.add(b.add(head, mk), b.mul(k, c.n)))
    _copy(after, (c.a, c.lda), (b.gep(t, buf, [b.add(head, mk)]), k), k, c.n)
    _links(b)[c.geqrf] = buf
    return buf


def _s_plus_copyltu(bb: Builder, r: Value, col: Value, at) -> Value:
    """S + copyltu(M) with M = X − Sᵀ, from X (source 0) and S (source 1): Q̄' = Q̄ + Q S is
    never formed, since Q̄'ᵀ Q = Q̄ᵀ Q + Sᵀ (QᵀQ = I) and Q̄' + Q copyltu(M) = Q̄ + Q (S +
    copyltu(M))."""
    low = bb.fsub(at(0, r, col), at(1, col, r))
    up = bb.fsub(at(0, col, r), at(1, r, col))
    return bb.fadd(at(1, r, col), bb.select(bb.icmp("sge", r, col), low, up))


def geqrf_adjoint(kit: Kit, c: Qr, buf: Value, lanes) -> None:
    """Each lane's shadow of ``a`` holds R̄ in its upper trapezoid (from the copy loop's
    adjoint) and receives Ā; the lanes' Q̄ come from orgqr's adjoint (freed here)."""
    b, t = kit.b, c.t
    m, n, lda = c.m, c.n, c.lda
    k = _kmin(b, m, n)
    kk = Kit(b, kit.entry, t, c.kind, k)
    mk, k2, nk = b.mul(m, k), b.mul(k, k), b.sub(n, k)
    head = const_int(I64, 1 if t == F64 else 2)
    q = b.gep(t, buf, [head])
    rr = b.gep(t, buf, [b.add(head, mk)])
    r2 = b.gep(t, rr, [k2])
    qbars = b.load(PTR, buf)
    # scratch: R₁ | R₁⁻¹ | R̄₁ | S | M | copyltu(M) (k×k) | R̄₂ (k×(n−k))
    block = malloc(b, t, b.add(b.mul(k2, const_int(I64, 6)), b.mul(k, nk)))
    r1, r1i, rb1, s, mm, cl, rb2 = (b.gep(t, block, [b.mul(k2, const_int(I64, j))])
                                    for j in range(7))
    bad = _r1_inverse(kit, kk, (rr, k), r1, r1i)
    for j, (sa,) in enumerate(lanes):
        qb = b.gep(t, qbars, [b.mul(mk, const_int(I64, j))])
        sa2 = b.gep(t, sa, [b.mul(k, lda)])
        _triu(kk, (sa, lda), (rb1, k))                                      # R̄₁
        _copy(kit, (sa2, lda), (rb2, k), k, nk)                             # R̄₂
        gemm_kit(kit, N, T, k, k, nk, 1.0, r2, k, rb2, k, 0.0, s, k)        # S = R₂ R̄₂ᵀ
        gemm_kit(kit, N, T, k, k, k, 1.0, r1, k, rb1, k, 0.0, mm, k)        # R₁ R̄₁ᵀ
        gemm_kit(kit, T, N, k, k, m, -1.0, qb, m, q, m, 1.0, mm, k)         #   − Q̄ᵀ Q
        kk.each("qr.copyltu", [(mm, k), (s, k)], (cl, k), _s_plus_copyltu)
        gemm_kit(kit, N, N, m, k, k, 1.0, q, m, cl, k, 1.0, qb, m)          # Q̄' + Q copyltu(M)
        gemm_kit(kit, N, T, m, k, k, 1.0, qb, m, r1i, k, 0.0, sa, lda)      # Ā₁ = (…) R₁⁻ᵀ
        gemm_kit(kit, N, N, m, nk, k, 1.0, q, m, rb2, k, 0.0, sa2, lda)     # Ā₂ = Q R̄₂
        scale_block(b, t, m, n, bad, sa, lda)
    free(b, block)
    free(b, qbars)


# -- orgqr ------------------------------------------------------------------------------------------
def orgqr_forward(kit: Kit, before: Builder, c: Qr, lanes) -> None:
    """Each lane's shadow of Q's m×k columns receives the Q̇ geqrf's rule computed."""
    b, t = kit.b, c.t
    w = _linked(b, c)
    mk = b.mul(c.m, c.n)
    for j, (sa,) in enumerate(lanes):
        _copy(kit, (b.gep(t, w, [b.mul(mk, const_int(I64, j))]), c.m), (sa, c.lda), c.m, c.n)
    free(b, w)


def orgqr_save(before: Builder, after: Kit, c: Qr) -> Value:
    """geqrf's block, with Q (after the call) put in."""
    b, t = after.b, c.t
    buf = _linked(b, c)
    head = const_int(I64, 1 if t == F64 else 2)
    _copy(after, (c.a, c.lda), (b.gep(t, buf, [head]), c.m), c.m, c.n)
    return buf


def orgqr_adjoint(kit: Kit, c: Qr, buf: Value, lanes) -> None:
    """Moves each lane's Q̄ out of the shadow (zeroed: orgqr overwrote those columns) into a
    block whose address goes to the slot at the start of geqrf's block."""
    b, t = kit.b, c.t
    mk = b.mul(c.m, c.n)
    qbars = malloc(b, t, b.mul(mk, const_int(I64, len(lanes))))
    zero = const_float(t, 0.0)
    for j, (sa,) in enumerate(lanes):
        _copy(kit, (sa, c.lda), (b.gep(t, qbars, [b.mul(mk, const_int(I64, j))]), c.m),
              c.m, c.n)
        kit.each("qr.zero", [], (sa, c.lda), lambda bb, r, col, at: zero, rows=c.m, cols=c.n)
    b.store(qbars, buf)

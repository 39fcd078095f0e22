"""Partial derivatives of SciPy's distribution functions with respect to shape parameters.

The derivative table (``table.SCIPY_SPECIAL``) calls these as ``zy_<name>(...)``; each is
compiled by Numba and linked into the derivative like the digamma helper (``helpers.py``).
They are pure arithmetic: the SciPy values they need (the primal ``P`` and its complement
``Q``) come in as arguments, computed by the rule expression with ``sp_<name>``, so a
derivative's IR holds no process-specific address.  Every function returns NaN outside the
domain it states (never a finite number it cannot vouch for).

Logarithmic derivatives.  Each distribution function is a prefactor times a series or a
continued fraction, ``F = pre · S``, and the helper returns ``F · ∂ ln F/∂θ`` with ``F`` the
(accurate) SciPy value and ``∂ ln F/∂θ = ∂ ln pre/∂θ + ∂ ln S/∂θ``.  The prefactor's value
(``x^a e^-x / Γ(a)``, whose direct evaluation loses digits for large ``a``) never enters;
``∂ ln S/∂θ`` is carried along the series or the modified-Lentz recurrence of the fraction
(forward-mode differentiation of the recurrence, term by term).  Each function is evaluated
on its small side (``P`` or ``Q``, ``I_z(a, b)`` or ``I_{1-z}(b, a)``), so ``∂Q/∂a = -∂P/∂a``
never subtracts two nearly equal numbers.  The result's relative error is that of ``∂ ln F``
(below) plus SciPy's own relative error in ``F``.

Accuracy was measured against mpmath (40-50 digits, ``mp.diff`` of the logarithm of the small
side) and, where mpmath fails, as the agreement of the two algorithms at their switch; the
figures are for ``∂ ln F/∂θ`` given the exact ``F``.

``gammainc_da(a, x, p, q)``  ∂P(a, x)/∂a for the regularised lower incomplete gamma,
    ``p = P``, ``q = Q = 1 − P`` (both from SciPy).
    * ``x < a + 1``: the series ``P = x^a e^-x / Γ(a+1) · Σ_n s_n``, ``s_n = x^n/((a+1)…(a+n))``;
      ``∂ ln P/∂a = ln x − ψ(a+1) − Σ_n s_n H_n / Σ_n s_n`` with ``H_n = Σ_{k≤n} 1/(a+k)``.
    * otherwise Legendre's continued fraction ``Γ(a, x) = e^-x x^a / (x+1-a- 1(1-a)/(x+3-a- …))``:
      ``∂ ln Q/∂a = ln x − ψ(a) + ∂ ln CF/∂a``, and ``∂P/∂a = −Q ∂ ln Q/∂a``.
    ``ln x − ψ(a)`` is ``ln(x/a) + (ln a − ψ(a))`` (the latter by its asymptotic series for
    a ≥ 10), so it keeps its digits where x ≈ a are both large.
    Domain: a > 0, x ≥ 0, a ≤ 1e7 (NaN beyond: iteration counts grow like √a).
    Accuracy: 5e-15 relative at 400 random points, a in [1e-3, 1e5], x/a in [1e-4, 1e2]
    (and on a grid down to x = 1e-8 a); series and fraction agree to 3e-13 at x = a + 1 for
    a up to 1e7.  SciPy's own P, Q (which the result multiplies) are accurate to ~1e-13,
    2e-10 in the far tails at a = 1e6.

``betainc_da(a, b, z, zc, i, ic)``  ∂I_z(a, b)/∂a for the regularised incomplete beta,
    ``i = I_z(a, b)``, ``ic = 1 − i`` (from SciPy), ``zc = 1 − z`` (formed by the caller
    without cancellation).  ``I = z^a (1-z)^b / (a B(a,b)) · CF`` with the continued fraction
    of Numerical Recipes' ``betacf``, differentiated in both parameters along the
    modified-Lentz recurrence, for ``z < (a+1)/(a+b+2)``; otherwise ``I_z(a, b) = 1 −
    I_{1-z}(b, a)`` and the same fraction's derivative in its second parameter gives ∂/∂a.
    ∂I/∂b is ``−betainc_da(b, a, 1−z, z, 1−i, i)``.  ``ψ(a) − ψ(a+b)`` is formed without
    forming ``a + b`` where its rounding would matter (``digamma_diff``).
    Domain: a, b > 0, 0 ≤ z ≤ 1, a, b ≤ 1e7.  Accuracy: 4e-14 relative at 300 random points
    and a grid, a, b in [1e-2, 1e4], z in (0, 1).

``stdtr_ddf(df, t, i, ic)``  ∂F/∂ν of the Student t CDF ``F = stdtr(ν, t)``, with
    ``i = I_z(ν/2, ½) = 2 F(−|t|)``, ``ic = 1 − i``, ``z = ν/(ν+t²)``: ``F = ½ I_z(ν/2, ½)`` for
    t < 0, ``1 − ½ I_z`` for t > 0.  Written as ``∂I/∂a · ½ + ∂I/∂z · dz/dν`` the derivative
    would cancel to O(1/ν²) out of O(1/ν) terms, so the continued fraction of ``I_{1-z}(½,
    ν/2)`` (|t| up to ~√3) or of ``I_z(ν/2, ½)`` (beyond) is differentiated in ν at fixed t
    directly: its coefficients' ν-derivatives, and the prefactor's, are closed forms free of
    cancellation (``ψ(ν/2+½) − ψ(ν/2) − 1/ν`` term by term of its asymptotic series).  Where
    the second fraction still cancels (ν > 50), ``∂ ln F/∂ν = ∫ f g / ∫ f`` over s ≤ −|t|,
    with f the t density and ``g = ∂ ln f/∂ν`` (one sign there), by exp-sinh quadrature with
    step halving until two levels agree to 1e-14 (NaN if they never do).
    Domain: ν > 0, t finite, ν ≤ 1e7.  Accuracy: 7e-14 relative at 300 random points and a
    grid, ν in [0.05, 1e6], |t| in [1e-3, 1e3]; SciPy's betainc, which supplies ``i`` and
    ``ic``, is the larger error (up to ~5e-11 at ν ~ 1e5).

``chndtr_ddf(x, k, λ)``  ∂F/∂k of the noncentral chi-square CDF ``F = chndtr(x, k, λ)``:
    the Poisson mixture ``F = Σ_j w_j P(k/2 + j, x/2)``, ``w_j = e^-λ/2 (λ/2)^j / j!``, gives
    ``∂F/∂k = ½ Σ_j w_j ∂P/∂a(k/2 + j, x/2)``, a sum of negative terms.  Each term is formed
    in logarithms from the small side of ``P`` (series or fraction above, with the prefactor
    ``x^a e^-x/Γ(a+1)`` and the Poisson weights through ``a log1pmx((x−a)/a)`` and Stirling's
    error term, accurate for large a), so no SciPy value is needed.  The sum runs from j = 0
    past the Poisson mode and past k/2 + j ≈ x/2 until a term adds less than 1e-17.
    Domain: x ≥ 0, 0 < k ≤ 1e7, 0 ≤ λ ≤ 2e5 (NaN beyond).  Accuracy: 2.4e-14 relative
    against mpmath on a grid k in [0.2, 50], λ in [0, 100], x in [0.05, 200], and 3e-15 at
    (k, λ) = (2, 1e4); ~1 µs per term, ~λ/2 terms.

All of them need the digamma function of positive arguments: ``log_minus_digamma(a) =
ln a − ψ(a)`` by recurrence to a ≥ 10 and the asymptotic series through ``a^-14`` (absolute
error ~1e-17 at a = 10, less beyond), and differences of it term by term (``lmd_diff``).
"""
from __future__ import annotations

import math

import numba

_EPS = 1e-16          # stop a series or fraction when a term changes it by less than this
_TINY = 1e-300        # a Lentz denominator this small: the fraction broke down (NaN)
_MAX_ITER = 200_000   # iterations before giving up (NaN)
_MAX_PARAM = 1e7      # shape parameters beyond: NaN (iteration counts grow like sqrt(a))
_T_QUAD_NU = 50.0     # stdtr's tail: quadrature above this ν, the continued fraction below

_jit = numba.njit(error_model="numpy", cache=False)


@_jit
def log_minus_digamma(a):
    """ln a − ψ(a) for a > 0 (positive, ~1/(2a) for large a), without cancellation."""
    acc = 0.0
    x = a
    while x < 10.0:
        acc += 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    # 1/(2x) + sum B_2k / (2k x^2k), k = 1..7
    s = f * (1.0 / 12 + f * (-1.0 / 120 + f * (1.0 / 252 + f * (-1.0 / 240 + f * (
        1.0 / 132 + f * (-691.0 / 32760 + f * (1.0 / 12)))))))
    asym = 0.5 / x + s
    if x == a:
        return asym
    return log_ratio(a, x) + asym + acc


@_jit
def log_ratio(x, y):
    """ln(x / y) for x, y > 0, accurate when x ≈ y."""
    d = (x - y) / y
    if abs(d) < 0.5:
        return math.log1p(d)
    return math.log(x) - math.log(y)


@_jit
def log1pmx(x):
    """ln(1 + x) − x for x > −1, accurate for small x (|x| < 0.5: the atanh series)."""
    if abs(x) >= 0.5:
        return math.log1p(x) - x
    w = x / (2.0 + x)            # ln(1+x) = 2 atanh(w), and x − 2w = w x
    w2 = w * w
    s = 0.0
    p = w * w2
    k = 3.0
    while abs(p) > 1e-17 * abs(w * x):
        s += p / k
        p *= w2
        k += 2.0
    return 2.0 * s - w * x


@_jit
def lmd_diff(a, h):
    """(ln a − ψ(a)) − (ln(a+h) − ψ(a+h)) for a > 0, h ≥ 0, accurate when h is small
    relative to a (term-by-term differences of the asymptotic series for a ≥ 10)."""
    if a < 10.0:
        return log_minus_digamma(a) - log_minus_digamma(a + h)
    r = h / a
    lr = math.log1p(r)
    f = 1.0 / (a * a)
    out = 0.5 * h / (a * (a + h))
    fk = 1.0
    coef = (1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132, -691.0 / 32760, 1.0 / 12)
    for k in range(1, 8):
        fk *= f
        out += coef[k - 1] * fk * -math.expm1(-2.0 * k * lr)   # c_k (a^-2k − (a+h)^-2k)
    return out


@_jit
def digamma_diff(a, b):
    """ψ(a) − ψ(a + b) for a, b > 0, accurate when b is small relative to a (the sum a + b
    is never formed where its rounding would matter)."""
    acc = 0.0
    while a < 10.0:
        acc -= b / (a * (a + b))
        a += 1.0
    return acc - math.log1p(b / a) - lmd_diff(a, b)


# ---- incomplete gamma ---------------------------------------------------------------------
@_jit
def _gammainc_series(a, x):
    """(S, ∂ ln P/∂a) from the lower series P = x^a e^-x / Γ(a+1) · S (x < a + 1); NaNs if
    it does not converge."""
    term = 1.0     # s_n = x^n / ((a+1)...(a+n))
    h = 0.0        # H_n = sum_{k<=n} 1/(a+k)
    s = 1.0
    ds = 0.0       # sum s_n H_n
    for n in range(1, _MAX_ITER):
        ak = a + n
        term *= x / ak
        h += 1.0 / ak
        s += term
        ds += term * h
        if term < _EPS * s and term * h < _EPS * ds:
            # ln x − ψ(a+1) = ln(x/(a+1)) + (ln(a+1) − ψ(a+1))
            return s, log_ratio(x, a + 1.0) + log_minus_digamma(a + 1.0) - ds / s
    return math.nan, math.nan


@_jit
def _gammaincc_cf(a, x):
    """(CF, ∂ ln Q/∂a) from Legendre's continued fraction Q = x^a e^-x / Γ(a) · CF
    (x ≥ a + 1), modified Lentz with the a-derivative carried along; NaNs if it breaks down or
    does not converge."""
    b = x + 1.0 - a          # b_i = x + 2i + 1 - a, db_i/da = -1
    c = 1.0 / _TINY
    dc = 0.0
    d = 1.0 / b
    dd = d * d               # d(1/b)/da = -db/b^2 = 1/b^2
    h = d
    dlh = 1.0 / b            # d ln h/da
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)    # a_i, da_i/da = i
        b += 2.0
        dn = an * d + b
        ddn = i * d + an * dd - 1.0
        cn = b + an / c
        dcn = -1.0 + i / c - an * dc / (c * c)
        if abs(dn) < _TINY or abs(cn) < _TINY:
            return math.nan, math.nan
        d = 1.0 / dn
        dd = -ddn * d * d
        c = cn
        dc = dcn
        delta = c * d
        h *= delta
        ddelta = dcn / cn - ddn / dn
        dlh += ddelta
        if abs(delta - 1.0) < _EPS and abs(ddelta) < _EPS * abs(dlh):
            # ln x − ψ(a) = ln(x/a) + (ln a − ψ(a))
            return h, log_ratio(x, a) + log_minus_digamma(a) + dlh
    return math.nan, math.nan


@_jit
def gammainc_da(a, x, p, q):
    """∂P(a, x)/∂a given p = P(a, x), q = Q(a, x); see the module docstring."""
    if not (a > 0.0 and a <= _MAX_PARAM and x >= 0.0):
        return math.nan
    if x == 0.0 or math.isinf(x):
        return 0.0
    if x < a + 1.0:
        if p == 0.0:
            return 0.0
        return p * _gammainc_series(a, x)[1]
    if q == 0.0:
        return 0.0
    return -q * _gammaincc_cf(a, x)[1]


@_jit
def stirling_error(a):
    """ln Γ(a+1) − (a+½) ln a + a − ½ ln 2π for a > 0 (the asymptotic series for a ≥ 10)."""
    if a < 10.0:
        return math.lgamma(a + 1.0) - (a + 0.5) * math.log(a) + a - 0.9189385332046728
    f = 1.0 / (a * a)
    return (1.0 / 12 + f * (-1.0 / 360 + f * (1.0 / 1260 + f * (-1.0 / 1680 + f * (
        1.0 / 1188 + f * (-691.0 / 360360 + f * (1.0 / 156))))))) / a


@_jit
def log_gamma_prefactor(a, x):
    """ln(x^a e^-x / Γ(a+1)) for a ≥ 0, x > 0 (also the log of the Poisson probability of a
    at mean x), as ``a (ln(x/a) + 1) − x − ln Γ(a+1)`` = ``a log1pmx((x−a)/a) − ½ ln(2πa) −
    stirling_error(a)`` for a ≥ 10, which keeps its digits when a and x are large (and for
    a < 10 directly)."""
    if a < 10.0:
        return a * math.log(x) - x - math.lgamma(a + 1.0)
    d = (x - a) / a
    # a (ln(x/a) + 1) − x: through log1pmx near x = a, else directly (d near −1 would round)
    core = a * log1pmx(d) if abs(d) < 0.5 else a * (math.log(x) - math.log(a)) + (a - x)
    return core - 0.5 * math.log(6.283185307179586 * a) - stirling_error(a)


@_jit
def _gamma_small_side(a, x):
    """(ln T, ∂ ln T/∂a, lower): T = P(a, x) when x < a + 1 (lower), else Q(a, x); x > 0."""
    if x < a + 1.0:
        s, dl = _gammainc_series(a, x)
        return log_gamma_prefactor(a, x) + math.log(s), dl, True
    h, dl = _gammaincc_cf(a, x)
    return log_gamma_prefactor(a, x) + math.log(a) + math.log(h), dl, False


@_jit
def chndtr_ddf(x, k, nc):
    """∂F/∂k of the noncentral chi-square CDF F = chndtr(x, k, λ): with y = x/2, μ = λ/2,
    F = Σ_j e^-μ μ^j/j! · P(k/2 + j, y), so ∂F/∂k = ½ Σ_j w_j ∂P/∂a(k/2 + j, y); every term is
    negative (P decreases in a) and each is computed on its small side in logarithms, so
    the sum neither cancels nor underflows early.  The sum runs from j = 0 past both the
    Poisson mode and the term with k/2 + j ≈ y, until a term adds less than 1e-17.
    Domain: x ≥ 0, 0 < k ≤ 1e7, 0 ≤ λ ≤ 2e5 (NaN beyond: the sum has ~λ/2 terms)."""
    if not (k > 0.0 and k <= _MAX_PARAM and nc >= 0.0 and nc <= 2e5 and x >= 0.0):
        return math.nan
    if x == 0.0 or math.isinf(x):
        return 0.0
    y = 0.5 * x
    mu = 0.5 * nc
    total = 0.0                  # Σ w_j ∂P/∂a(k/2 + j, y), all terms ≤ 0
    for j in range(0, _MAX_ITER):
        a = 0.5 * k + j
        lt, dl, lower = _gamma_small_side(a, y)
        lw = log_gamma_prefactor(float(j), mu) if mu > 0.0 else 0.0   # ln w_j
        term = math.exp(lw + lt) * (dl if lower else -dl)           # ∂P/∂a = −∂Q/∂a
        if math.isnan(term):
            return math.nan
        total += term
        if mu == 0.0 or (j > mu and a > y + 1.0 and abs(term) <= 1e-17 * abs(total)):
            return 0.5 * total
    return math.nan


# ---- incomplete beta ----------------------------------------------------------------------
@_jit
def _betacf_dlog(a, b, z):
    """(∂ ln CF/∂a, ∂ ln CF/∂b) of the incomplete beta continued fraction at z, with
    I_z(a, b) = z^a (1-z)^b / (a B(a, b)) · CF; NaN if it breaks down or does not converge."""
    qab = a + b
    qap = a + 1.0
    # d_1 = -(a+b) z/(a+1)
    dn = 1.0 - qab * z / qap
    dna = z * (b - 1.0) / (qap * qap)     # d(1 - (a+b) z/(a+1))/da
    dnb = -z / qap
    if abs(dn) < _TINY:
        return math.nan, math.nan
    d = 1.0 / dn
    da = -dna * d * d
    db = -dnb * d * d
    c = 1.0
    ca = 0.0
    cb = 0.0
    la = -dna / dn           # d ln h/da, h = d
    lb = -dnb / dn
    for m in range(1, _MAX_ITER):
        m2 = 2.0 * m
        for odd in range(2):
            if odd == 0:
                # even step: alpha = m (b - m) z / ((a + 2m - 1)(a + 2m))
                p1 = a + m2 - 1.0
                p2 = a + m2
                al = m * (b - m) * z / (p1 * p2)
                ala = -al * (1.0 / p1 + 1.0 / p2)
                alb = m * z / (p1 * p2)
            else:
                # odd step: alpha = -(a + m)(a + b + m) z / ((a + 2m)(a + 2m + 1))
                p1 = a + m2
                p2 = a + m2 + 1.0
                al = -(a + m) * (qab + m) * z / (p1 * p2)
                ala = al * (1.0 / (a + m) + 1.0 / (qab + m) - 1.0 / p1 - 1.0 / p2)
                alb = -(a + m) * z / (p1 * p2)
            dn = 1.0 + al * d
            dna = ala * d + al * da
            dnb = alb * d + al * db
            cn = 1.0 + al / c
            cna = ala / c - al * ca / (c * c)
            cnb = alb / c - al * cb / (c * c)
            if abs(dn) < _TINY or abs(cn) < _TINY:
                return math.nan, math.nan
            d = 1.0 / dn
            da = -dna * d * d
            db = -dnb * d * d
            c = cn
            ca = cna
            cb = cnb
            dela = cna / cn - dna / dn
            delb = cnb / cn - dnb / dn
            la += dela
            lb += delb
            delta = c * d
        if (abs(delta - 1.0) < _EPS and abs(dela) <= _EPS * abs(la)
                and abs(delb) <= _EPS * abs(lb)):
            return la, lb
    return math.nan, math.nan


@_jit
def betainc_da(a, b, z, zc, i, ic):
    """∂I_z(a, b)/∂a given i = I_z(a, b), ic = 1 − i, zc = 1 − z; see the module docstring."""
    if not (a > 0.0 and b > 0.0 and a <= _MAX_PARAM and b <= _MAX_PARAM
            and z >= 0.0 and zc >= 0.0):
        return math.nan
    if z == 0.0 or zc == 0.0:
        return 0.0
    if z * (a + b + 2.0) < a + 1.0:
        if i == 0.0:
            return 0.0
        la, _ = _betacf_dlog(a, b, z)
        # ln I = a ln z + b ln(1-z) − ln a − ln B(a, b) + ln CF
        return i * (math.log(z) - 1.0 / a - digamma_diff(a, b) + la)
    if ic == 0.0:
        return 0.0
    # I_z(a, b) = 1 − I_{1-z}(b, a): a is the second parameter there
    _, lb = _betacf_dlog(b, a, zc)
    return -ic * (math.log(z) - digamma_diff(a, b) + lb)


# ---- Student t ----------------------------------------------------------------------------
@_jit
def _stdtr_cf_dlog(nu, u, sym):
    """d ln CF/dν at fixed t (u = t²) of the incomplete-beta continued fraction of
    I_z(ν/2, ½), z = ν/(ν+u) (``sym`` false), or of I_{1-z}(½, ν/2) (``sym`` true).  The
    coefficients' ν-derivatives are closed forms free of cancellation; NaN if the fraction
    breaks down or does not converge."""
    w = nu + u
    if sym:
        zc = u / w
        g = (1.0 + nu) * zc / 3.0                  # (p+q) x / (p+1), p = 1/2, q = ν/2
        dg = u * (u - 1.0) / (3.0 * w * w)
    else:
        z = nu / w
        g = (nu + 1.0) / (nu + 2.0) * z            # (p+q) x / (p+1), p = ν/2, q = 1/2
        dg = g * (1.0 / ((nu + 1.0) * (nu + 2.0)) + u / (nu * w))
    dn = 1.0 - g
    ddn = -dg
    if abs(dn) < _TINY:
        return math.nan
    d = 1.0 / dn
    dd = -ddn * d * d
    c = 1.0
    dc = 0.0
    lh = -ddn / dn
    for m in range(1, _MAX_ITER):
        for odd in range(2):
            if sym:
                if odd == 0:
                    den = (2.0 * m - 0.5) * (2.0 * m + 0.5)
                    al = m * (0.5 * nu - m) * zc / den
                    dal = m * u * (u + 2.0 * m) / (2.0 * w * w * den)
                else:
                    den = (2.0 * m + 0.5) * (2.0 * m + 1.5)
                    al = -(m + 0.5) * (0.5 * (1.0 + nu) + m) * zc / den
                    dal = -(m + 0.5) * u * (u - 1.0 - 2.0 * m) / (2.0 * w * w * den)
            else:
                if odd == 0:
                    q1 = nu + 4.0 * m - 2.0
                    q2 = nu + 4.0 * m
                    al = 4.0 * m * (0.5 - m) * z / (q1 * q2)
                    dal = al * (u / (nu * w) - 1.0 / q1 - 1.0 / q2)
                else:
                    r1 = nu + 2.0 * m
                    r2 = nu + 1.0 + 2.0 * m
                    q1 = nu + 4.0 * m
                    q2 = nu + 4.0 * m + 2.0
                    al = -r1 * r2 * z / (q1 * q2)
                    dal = al * (2.0 * m / (r1 * q1) + (2.0 * m + 1.0) / (r2 * q2) + u / (nu * w))
            dn = 1.0 + al * d
            ddn = dal * d + al * dd
            cn = 1.0 + al / c
            dcn = dal / c - al * dc / (c * c)
            if abs(dn) < _TINY or abs(cn) < _TINY:
                return math.nan
            d = 1.0 / dn
            dd = -ddn * d * d
            c = cn
            dc = dcn
            dl = dcn / cn - ddn / dn
            lh += dl
            delta = c * d
        if abs(delta - 1.0) < _EPS and abs(dl) <= _EPS * abs(lh):
            return lh
    return math.nan


@_jit
def _l1(v):
    """ln(1 + v) − v/(1 + v) for v ≥ 0 (≈ v²/2 for small v, without cancellation)."""
    if v < 0.5:
        return log1pmx(v) + v * v / (1.0 + v)
    return math.log1p(v) - v / (1.0 + v)


@_jit
def _stdtr_tail_dlog(nu, T):
    """∫ f g / ∫ f over s ≤ −T (T > 0), f the Student t density (unnormalised) and
    g = ∂ ln f/∂ν, by double-exponential (exp-sinh) quadrature in y = −T − s, step halved
    until two levels agree to 1e-14; NaN if they never do.  Only called where g < 0 on the
    whole range (T beyond the root of g), so neither integral cancels."""
    u = T * T
    w = nu + u
    L = w / ((nu + 1.0) * T)                  # e-folding length of f at s = −T
    hh = log1pmx(1.0 / nu) + lmd_diff(0.5 * nu, 0.5)
    half_pi = 0.5 * math.pi
    num = 0.0
    den = 0.0
    prev = math.nan
    step = 1.0
    for level in range(8):
        # level 0: every integer multiple of step; later: only the new (odd) points
        k = 0 if level == 0 else 1
        stride = 1 if level == 0 else 2
        side_num = 0.0
        side_den = 0.0
        for direction in (-1.0, 1.0):
            kk = k if direction > 0.0 or level > 0 else 1   # τ = 0 once, on the + side
            while True:
                tau = direction * kk * step
                kk += stride
                e = half_pi * math.sinh(tau)
                if e > 700.0:
                    break
                y = L * math.exp(e)
                wt = half_pi * math.cosh(tau) * y
                lf = -0.5 * (nu + 1.0) * math.log1p((2.0 * T + y) * y / w)
                fw = math.exp(lf) * wt
                v = (T + y) * (T + y) / nu
                g = 0.5 * (hh - _l1(v) + v / (nu * (1.0 + v)))
                side_num += fw * g
                side_den += fw
                if fw < 1e-20 * (den + side_den) and abs(tau) > 1.0:
                    break
        if level == 0:
            num = side_num * step
            den = side_den * step
        else:
            num = 0.5 * num + side_num * step
            den = 0.5 * den + side_den * step
        cur = num / den
        if abs(cur - prev) <= 1e-14 * abs(cur):
            return cur
        prev = cur
        step *= 0.5
    return math.nan


@_jit
def stdtr_ddf(nu, t, i, ic):
    """∂ stdtr(ν, t)/∂ν given i = I_z(ν/2, ½) and ic = 1 − i, z = ν/(ν+t²); see the module
    docstring."""
    if not (nu > 0.0 and nu <= _MAX_PARAM) or math.isnan(t):
        return math.nan
    u = t * t
    if t == 0.0 or math.isinf(u):
        return 0.0
    w = nu + u
    zc = u / w
    sign = 0.5 if t < 0.0 else -0.5          # F = ½ I (t < 0), 1 − ½ I (t > 0)
    # h = ψ(a+½) − ψ(a) − 1/(2a), a = ν/2
    a = 0.5 * nu
    h = log1pmx(0.5 / a) + lmd_diff(a, 0.5)
    if nu * (nu + 5.0) < (nu + 2.0) * w:      # z (a + b + 2) < a + 1: the fraction of I
        if i == 0.0:
            return 0.0
        if nu > _T_QUAD_NU:
            # the fraction's ν-derivative nearly cancels the prefactor's: quadrature
            return sign * i * _stdtr_tail_dlog(nu, abs(t))
        # d ln(z^a (1-z)^½ / (a B(a, ½)))/dν; ln z + (1-z) without cancellation
        lz = math.log(nu / w) + zc if zc > 0.5 else log1pmx(-zc)
        pre = 0.5 * (lz - 1.0 / w - 1.0 / nu + h)
        return sign * i * (pre + _stdtr_cf_dlog(nu, u, False))
    if ic == 0.0:
        return 0.0
    # I = 1 − J, J = I_{1-z}(½, a); d ln((1-z)^½ z^a / (½ B(½, a)))/dν
    pre = 0.5 * (u / (nu * w) + h + log1pmx(-zc))
    return -sign * ic * (pre + _stdtr_cf_dlog(nu, u, True))


# the helpers rule expressions call as ``zy_<name>(...)`` (see helpers.py)
HELPERS = {"gammainc_da": gammainc_da, "betainc_da": betainc_da, "stdtr_ddf": stdtr_ddf,
           "chndtr_ddf": chndtr_ddf}

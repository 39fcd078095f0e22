"""Derivatives of SciPy's distribution functions with respect to shape parameters.

``gammainc``/``gammaincc`` in ``a``, their inverses in ``a`` (implicit function theorem),
``betainc``/``betaincc`` and their inverses in ``a`` and ``b``, ``stdtr``/``stdtrit`` in ``df``,
``chndtr``/``chndtrix`` in ``df`` and ``nc`` (``zymase/rules/shape_params.py``), called from ``@njit`` code through ctypes exactly as
numba-scipy users write it.  References:

* closed forms: ``P(1, x) = 1 − e^−x`` gives ``∂P/∂a|_{a=1} = −e^−x (ln x + γ) − E1(x)``;
  ``I_z(a, 1) = z^a`` and ``I_z(1, b) = 1 − (1−z)^b``;
* central differences of SciPy's own functions, Richardson-extrapolated over three step
  sizes (error ~h⁶): the tolerance is 1e-8 relative, or the difference's own error estimate
  where that is larger (a handful of elements with df ~ 1e3, where a df-derivative is
  ~1/df² of a function of size 1);
* every partial on a grid of points spanning small and large shapes, arguments on both sides
  of the bulk and into the tails, in reverse and forward mode, at widths 1 and 3.
"""
from __future__ import annotations

import ctypes
import math

import numba
import numpy as np
import pytest
import scipy.special as S
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numba.extending import get_cython_function_address
from scipy.stats import ncx2

import zymase
from zymase import ActiveOnly, Dual, DualOnly, Duplicated
from zymase.rules import shape_params as sp

EULER = 0.5772156649015329


def _double_export(name):
    import scipy.special.cython_special as cs
    for export in [name] + [f"__pyx_fuse_{k}{name}" for k in range(3)]:
        cap = cs.__pyx_capi__.get(export)
        if cap is not None and str(cap).split('"')[1].startswith("double ("):
            return export
    raise LookupError(name)


def _c(name, nargs):
    addr = get_cython_function_address("scipy.special.cython_special", _double_export(name))
    return ctypes.CFUNCTYPE(ctypes.c_double, *[ctypes.c_double] * nargs)(addr)


_ginc, _gincc, _ginv, _gcinv = (_c(n, 2) for n in
                                ("gammainc", "gammaincc", "gammaincinv", "gammainccinv"))
_std, _stdit = _c("stdtr", 2), _c("stdtrit", 2)
_binc, _bincc, _binv, _bcinv = (_c(n, 3) for n in
                                ("betainc", "betaincc", "betaincinv", "betainccinv"))
_nc, _ncix = _c("chndtr", 3), _c("chndtrix", 3)

# (function, reference, kernel rows): each row of a kernel argument is one point
GAMMA_POINTS = [(a, a * r) for a in (0.05, 0.5, 1.0, 2.5, 10.0, 80.0, 600.0)
                for r in (0.02, 0.5, 0.95, 1.05, 2.0, 5.0)
                if min(S.gammainc(a, a * r), S.gammaincc(a, a * r)) > 1e-250]   # no underflow
GAMMA_POINTS += [(a, x) for a, x in ((1e-3, 0.3), (3.0, 40.0), (0.3, 1e-4), (2e3, 2.1e3))]
GAMMA_INV_POINTS = [(a, p) for a in (0.1, 1.0, 3.5, 50.0, 900.0)
                    for p in (1e-6, 0.05, 0.5, 0.93, 1 - 1e-7)]
T_POINTS = [(nu, t) for nu in (0.3, 1.0, 4.0, 25.0, 180.0, 3e3)
            for t in (-30.0, -4.0, -1.7, -0.4, 1e-3, 0.8, 2.5, 9.0)]
T_INV_POINTS = [(nu, p) for nu in (0.5, 2.0, 7.0, 60.0, 1e3)
                for p in (1e-6, 0.02, 0.3, 0.5 + 1e-6, 0.9, 1 - 1e-8)]
BETA_POINTS = [(a, b, z) for a, b in ((0.3, 0.7), (2.0, 3.0), (0.5, 40.0), (60.0, 0.5),
                                      (150.0, 230.0), (7.0, 7.0))
               for z in (0.01, 0.2, 0.45, 0.6, 0.93, 0.999)
               if min(S.betainc(a, b, z), S.betaincc(a, b, z)) > 1e-250]
BETA_INV_POINTS = [(a, b, p) for a, b in ((0.4, 0.8), (2.0, 3.0), (30.0, 4.0))
                   for p in (1e-5, 0.2, 0.5, 0.97)]
NCX2_INV_POINTS = [(q, k, nc) for k, nc in ((0.4, 0.3), (3.0, 4.0), (25.0, 60.0), (2.0, 400.0))
                   for q in (1e-6, 0.05, 0.5, 0.9, 0.999)]   # chndtrix has ~10 digits near 1
NCX2_POINTS = [(S.chndtrix(q, k, nc), k, nc) for q, k, nc in NCX2_INV_POINTS]


@numba.njit
def _kernel(g, gi, t, ti, b, bi, n, ni):
    """Every function at every row of its argument array; each array element feeds exactly
    one call, so the gradient's components are the individual partial derivatives."""
    s = 0.0
    for k in range(g.shape[0]):
        s += _ginc(g[k, 0], g[k, 1]) + _gincc(g[k, 2], g[k, 3])
    for k in range(gi.shape[0]):
        s += _ginv(gi[k, 0], gi[k, 1]) + _gcinv(gi[k, 2], gi[k, 3])
    for k in range(t.shape[0]):
        s += _std(t[k, 0], t[k, 1])
    for k in range(ti.shape[0]):
        s += _stdit(ti[k, 0], ti[k, 1])
    for k in range(b.shape[0]):
        s += _binc(b[k, 0], b[k, 1], b[k, 2]) + _bincc(b[k, 3], b[k, 4], b[k, 5])
    for k in range(bi.shape[0]):
        s += _binv(bi[k, 0], bi[k, 1], bi[k, 2]) + _bcinv(bi[k, 3], bi[k, 4], bi[k, 5])
    for k in range(n.shape[0]):
        s += _nc(n[k, 0], n[k, 1], n[k, 2])
    for k in range(ni.shape[0]):
        s += _ncix(ni[k, 0], ni[k, 1], ni[k, 2])
    return s


def _args():
    g = np.array([p + p for p in GAMMA_POINTS])
    gi = np.array([(a, p, a, p) for a, p in GAMMA_INV_POINTS])
    t = np.array(T_POINTS)
    ti = np.array(T_INV_POINTS)
    b = np.array([p + p for p in BETA_POINTS])
    bi = np.array([p + p for p in BETA_INV_POINTS])
    return [g, gi, t, ti, b, bi, np.array(NCX2_POINTS), np.array(NCX2_INV_POINTS)]


# per kernel argument: the SciPy functions its rows feed, in column order, with their arity
_SPECS = [[(S.gammainc, 2), (S.gammaincc, 2)], [(S.gammaincinv, 2), (S.gammainccinv, 2)],
          [(S.stdtr, 2)], [(S.stdtrit, 2)], [(S.betainc, 3), (S.betaincc, 3)],
          [(S.betaincinv, 3), (S.betainccinv, 3)], [(S.chndtr, 3)], [(S.chndtrix, 3)]]
# arguments in (0, 1) (a probability, the incomplete beta's z): steps shrink near the ends
_UNIT = {S.gammaincinv: 1, S.gammainccinv: 1, S.stdtrit: 1, S.betaincinv: 2,
         S.betainccinv: 2, S.betainc: 2, S.betaincc: 2, S.chndtrix: 0}


def richardson(f, x, h):
    """(f'(x), error estimate): central differences at h, h/2, h/4, extrapolated twice; the
    estimate is the last extrapolation's change plus the rounding of f's values (a few ulps
    of f over the smallest step, times the extrapolation's amplification)."""
    # divide by the steps actually taken (x ± s rounds where x is near 1)
    d = [(f(x + s) - f(x - s)) / ((x + s) - (x - s)) for s in (h, h / 2, h / 4)]
    r1 = [(4 * d[1] - d[0]) / 3, (4 * d[2] - d[1]) / 3]
    r2 = (16 * r1[1] - r1[0]) / 15
    rounding = 2e-15 * abs(f(x)) / (h / 4) * 2
    return r2, abs(r2 - r1[1]) + rounding + 1e-15 * abs(r2)


# F = 1 − G: a CDF near 1 is differentiated through its complement, which keeps its digits
_COMPLEMENT = {S.gammainc: S.gammaincc, S.gammaincc: S.gammainc, S.betainc: S.betaincc,
               S.betaincc: S.betainc, S.stdtr: lambda nu, t: S.stdtr(nu, -t),
               S.chndtr: lambda x, k, nc: ncx2.sf(x, k, nc)}


def _partial(fn, x, j):
    """(∂fn/∂x_j, tolerance) at x: a Richardson difference of SciPy; the tolerance is its
    error estimate, never below 1e-8 relative.  A CDF is differentiated through its small
    side (its complement when it exceeds ½; for stdtr near t = 0 the half-width
    |F − ½| = ½ I_(t²/(ν+t²))(½, ν/2)), and CDFs and inverses through log |F|, which varies
    slowly where F spans many orders of magnitude; steps are a fraction of the scale on
    which the argument acts (√v for a large shape, the distance to 0 or 1 for a probability)."""
    v = x[j]
    h = 0.02 * min(v, 1 - v) if _UNIT.get(fn) == j else 0.01 * min(abs(v), 3 * abs(v) ** 0.5)
    if fn is S.stdtrit and j == 1:
        h = min(h, 0.02 * abs(v - 0.5))       # t = 0 at p = ½: stay on one side
    sign = 1.0
    if fn is S.stdtr and abs(x[1]) < 1:
        sign = math.copysign(1.0, x[1])
        fn = _stdtr_half_width
    elif fn in _COMPLEMENT and fn(*x) > 0.5:
        fn, sign = _COMPLEMENT[fn], -1.0
    if fn(*x) < 0:
        fn, sign = (lambda *y, g=fn: -g(*y)), -sign

    def f(u):
        y = list(x)
        y[j] = u
        return fn(*y)
    value = fn(*x)
    d, est = richardson(lambda u: math.log(f(u)), v, h)
    return sign * d * value, max(1e-8 * abs(d * value), 20 * est * value, 1e-300)


def _stdtr_half_width(nu, t):
    return 0.5 * S.betainc(0.5, 0.5 * nu, t * t / (nu + t * t))


def _reference(arrays):
    """Per kernel argument: (derivatives, tolerances), element by element."""
    out = []
    for arr, spec in zip(arrays, _SPECS):
        ref, tol = np.zeros_like(arr), np.zeros_like(arr)
        for k in range(arr.shape[0]):
            col = 0
            for fn, n in spec:
                x = [float(v) for v in arr[k, col:col + n]]
                for j in range(n):
                    ref[k, col + j], tol[k, col + j] = _partial(fn, x, j)
                col += n
        out.append((ref, tol))
    return out


_ARGS = _args()
_REF = []


def _ref():
    if not _REF:
        _REF.append(_reference(_ARGS))
    return _REF[0]


def _check(got_arrays, scale=1.0):
    bad = []
    for name, got, (ref, tol) in zip("g gi t ti b bi n ni".split(), got_arrays, _ref()):
        for idx in np.ndindex(ref.shape):
            if not abs(got[idx] - scale * ref[idx]) <= abs(scale) * tol[idx]:
                bad.append((name, idx, got[idx], scale * ref[idx], tol[idx]))
    assert not bad, (len(bad), bad[:10])


_REV = []


def _reverse(width):
    key = width
    for k, d in _REV:
        if k == key:
            return d
    d = zymase.autodiff_reverse(_kernel, *[Duplicated] * 8, ret=ActiveOnly, width=width)
    _REV.append((key, d))
    return d


def test_closed_form_a_equals_one():
    """∂P/∂a at a = 1 against −e^−x (ln x + γ) − E1(x), the helper and the compiled rule."""
    for x in (1e-3, 0.2, 1.0, 2.0, 7.5, 40.0, 300.0):
        exact = -(math.exp(-x) * (math.log(x) + EULER) + S.exp1(x))
        got = sp.gammainc_da(1.0, x, S.gammainc(1.0, x), S.gammaincc(1.0, x))
        assert got == pytest.approx(exact, rel=1e-13), x
    g = zymase.grad(lambda a, x: _gincc(a, x), argnums=0)(1.0, 3.0)
    assert g == pytest.approx(math.exp(-3.0) * (math.log(3.0) + EULER) + S.exp1(3.0), rel=1e-13)


def test_betainc_closed_forms():
    """I_z(a, 1) = z^a and I_z(1, b) = 1 − (1−z)^b: ∂/∂a = z^a ln z, ∂/∂b = −(1−z)^b ln(1−z),
    on both sides of the continued fraction's switch (z vs (a+1)/(a+b+2))."""
    for a in (0.2, 1.7, 30.0):
        for z in (0.01, 0.4, 0.9, 0.999):
            i, ic = S.betainc(a, 1.0, z), S.betaincc(a, 1.0, z)
            got = sp.betainc_da(a, 1.0, z, 1 - z, i, ic)
            assert got == pytest.approx(z ** a * math.log(z), rel=1e-12), (a, z)
            # ∂I_z(1, b)/∂b = −∂I_(1−z)(b, 1)/∂b
            got_b = -sp.betainc_da(a, 1.0, 1 - z, z, S.betaincc(1.0, a, z), S.betainc(1.0, a, z))
            assert got_b == pytest.approx(-(1 - z) ** a * math.log1p(-z), rel=1e-12), (a, z)


def test_reverse_width1_every_partial():
    arrays = [a.copy() for a in _ARGS]
    grads = [np.zeros_like(a) for a in arrays]
    _reverse(1)(*[x for pair in zip(arrays, grads) for x in pair], 1.0)
    _check(grads)


def test_reverse_width3():
    arrays = [a.copy() for a in _ARGS]
    grads = [np.zeros((3,) + a.shape) for a in arrays]
    seeds = np.array([1.0, -0.5, 2.0])
    _reverse(3)(*[x for pair in zip(arrays, grads) for x in pair], seeds)
    for lane, s in enumerate(seeds):
        _check([g[lane] for g in grads], scale=s)


@pytest.mark.parametrize("width", [1, 3])
def test_forward_every_partial(width):
    """Forward mode, one unit tangent per element (``width`` at a time): every partial."""
    jvp = zymase.autodiff_forward(_kernel, *[Dual] * 8, ret=DualOnly, width=width)
    arrays = _ARGS
    sizes = [a.size for a in arrays]
    offsets = np.cumsum([0] + sizes)
    flat = np.zeros(offsets[-1])
    for start in range(0, flat.size, width):
        lanes = list(range(start, min(start + width, flat.size)))
        tangents = []
        for a, off in zip(arrays, offsets):
            t = np.zeros((width,) + a.shape) if width > 1 else np.zeros(a.shape)
            for lane, e in enumerate(lanes):
                if off <= e < off + a.size:
                    idx = np.unravel_index(e - off, a.shape)
                    if width > 1:
                        t[(lane,) + idx] = 1.0
                    else:
                        t[idx] = 1.0
            tangents.append(t)
        out = jvp(*[x for pair in zip(arrays, tangents) for x in pair])
        out = np.atleast_1d(out)
        for lane, e in enumerate(lanes):
            flat[e] = out[lane]
    _check([flat[o:o + a.size].reshape(a.shape) for a, o in zip(arrays, offsets)])


def test_domain_edges_are_nan_or_exact():
    """Outside the domain a partial is NaN, never a finite guess; at x = 0 (P ≡ 0) it is 0."""
    assert math.isnan(sp.gammainc_da(-1.0, 1.0, math.nan, math.nan))
    assert math.isnan(sp.gammainc_da(2.0, -1.0, math.nan, math.nan))
    assert math.isnan(sp.gammainc_da(2e7, 2e7, 0.5, 0.5))
    assert sp.gammainc_da(2.0, 0.0, 0.0, 1.0) == 0.0
    assert math.isnan(sp.stdtr_ddf(0.0, 1.0, 0.5, 0.5))
    assert sp.stdtr_ddf(3.0, 0.0, 1.0, 0.0) == 0.0
    assert math.isnan(sp.betainc_da(-0.5, 2.0, 0.3, 0.7, 0.1, 0.9))

    def f(a):
        return _ginc(a, 1.5)
    assert math.isnan(zymase.grad(f)(-0.5))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(-2.0, 3.0), st.floats(-2.0, 1.0))
def test_hypothesis_gammainc_a(log_a, log_ratio):
    """Random (a, x), a from 0.01 to 1000, x/a from 1/100 to 10: the compiled reverse
    derivative against a Richardson difference of SciPy."""
    a = 10.0 ** log_a
    x = a * 10.0 ** log_ratio
    assume(min(S.gammainc(a, x), S.gammaincc(a, x)) > 1e-250)   # not underflowed
    d, tol = _partial(S.gammainc, [a, x], 0)
    assert abs(_GINC_A(a, x) - d) <= tol, (a, x, _GINC_A(a, x), d)


def _p_of(a, x):
    return _ginc(a, x)


_GINC_A_D = zymase.autodiff_reverse(_p_of, zymase.Active, zymase.Const, ret=ActiveOnly)


def _GINC_A(a, x):
    return _GINC_A_D(a, x, 1.0)

"""Custom derivatives of C functions (ctypes and cffi) whose rules call C functions.

The natural rule for a C function calls that function (``y = c_cbrt(x)`` inside ``fwd``) and
often others (``c_exp`` in the derivative of ``erf``).  Regression (issue 13): the wrapper
``zymase.custom_derivative(ctypes_fn)`` was typed inside Numba as the bare ctypes pointer
type, whose lowering hands the *wrapper* to ``ctypes.cast`` — ``ArgumentError: wrong type``
as soon as differentiated code named the wrapper; cffi functions could not be wrapped at all.

Each test builds its wrappers afresh (``rules`` fixture): rules attach to the C function's
address, so the ctypes and cffi wrappers of the same libm function replace each other, and
each test must use the ones it just registered.  Derivatives are checked against closed forms
(rtol 1e-12) and central finite differences of the primal (rtol 1e-7)."""
import ctypes
import os
import ctypes.util
import math
import types

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, ActiveOnly, Dual, DualOnly, Duplicated

from tests.support import assert_fd_close, fd_gradient, fd_jvp

_LIBM_PATH = ctypes.util.find_library("m")
_libm = ctypes.CDLL(_LIBM_PATH)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
STEP = 1e-5       # finite-difference step (tests/support.py: Richardson-extrapolated)
_SIGS = {"cbrt": 1, "expm1": 1, "log1p": 1, "erf": 1, "exp": 1, "atan2": 2, "hypot": 2}


def _ctypes_functions():
    out = {}
    for name, n in _SIGS.items():
        f = getattr(_libm, name)
        f.restype = ctypes.c_double
        f.argtypes = [ctypes.c_double] * n
        out[name] = f
    return out


def _cffi_functions():
    cffi = pytest.importorskip("cffi")
    ffi = cffi.FFI()
    ffi.cdef("".join(f"double {name}({', '.join(['double'] * n)});" for name, n in _SIGS.items()))
    lib = ffi.dlopen(_LIBM_PATH)
    return {name: getattr(lib, name) for name in _SIGS}


def make_rules(c):
    """Wrappers with rules for cbrt, expm1, log1p, atan2 and erf; every rule calls the C
    function it describes, several also call other C functions (exp, hypot)."""
    c_cbrt, c_expm1, c_log1p, c_erf = c["cbrt"], c["expm1"], c["log1p"], c["erf"]
    c_exp, c_atan2, c_hypot = c["exp"], c["atan2"], c["hypot"]
    ns = types.SimpleNamespace(c=c)

    ns.cbrt = cbrt = zymase.custom_derivative(c_cbrt)

    def cbrt_fwd(x):
        y = c_cbrt(x)
        return y, (y,)
    cbrt.defvjp(cbrt_fwd, lambda res, g: (g / (3.0 * res[0] * res[0]),))

    @cbrt.defjvp
    def _(p, t):
        y = c_cbrt(p[0])
        return y, t[0] / (3.0 * y * y)

    ns.expm1 = expm1 = zymase.custom_derivative(c_expm1)

    def expm1_fwd(x):
        y = c_expm1(x)
        return y, (y,)
    expm1.defvjp(expm1_fwd, lambda res, g: (g * (res[0] + 1.0),))

    @expm1.defjvp
    def _(p, t):
        return c_expm1(p[0]), t[0] * c_exp(p[0])          # another C function

    ns.log1p = log1p = zymase.custom_derivative(c_log1p)

    def log1p_fwd(x):
        y = c_log1p(x)
        return y, (y,)
    log1p.defvjp(log1p_fwd, lambda res, g: (g * c_exp(-res[0]),))   # 1/(1+x) = exp(-log1p x)

    @log1p.defjvp
    def _(p, t):
        y = c_log1p(p[0])
        return y, t[0] * c_exp(-y)

    ns.atan2 = atan2 = zymase.custom_derivative(c_atan2)

    def atan2_fwd(y, x):
        r = c_hypot(y, x)
        return c_atan2(y, x), (y, x, r)

    def atan2_bwd(res, g):
        y, x, r = res
        return g * x / (r * r), -g * y / (r * r)
    atan2.defvjp(atan2_fwd, atan2_bwd)

    @atan2.defjvp
    def _(p, t):
        (y, x), (yd, xd) = p, t
        r = c_hypot(y, x)
        return c_atan2(y, x), (x * yd - y * xd) / (r * r)

    ns.erf = erf = zymase.custom_derivative(c_erf)

    def erf_fwd(x):
        return c_erf(x), (x,)
    erf.defvjp(erf_fwd, lambda res, g: (g * 1.1283791670955126 * c_exp(-res[0] * res[0]),))

    @erf.defjvp
    def _(p, t):
        return c_erf(p[0]), t[0] * 1.1283791670955126 * c_exp(-p[0] * p[0])

    def mix(a, b):
        return cbrt(a) * a + expm1(a * b) + log1p(b * b) + atan2(a, b) + erf(a - b)
    ns.mix = mix
    ns.term = term = numba.njit(mix)

    def loop_sum(x, w):
        s = 0.0
        for i in range(x.shape[0]):
            s += term(x[i], w[i])        # the wrappers reached through another njit function
        return s
    ns.loop_sum = loop_sum
    return ns


def mix_grad(a, b):
    """Closed-form gradient of ``mix``."""
    r2 = a * a + b * b
    e = _TWO_OVER_SQRT_PI * np.exp(-(a - b) ** 2)
    da = np.cbrt(a) + a / (3.0 * np.cbrt(a) ** 2) + b * np.exp(a * b) + b / r2 + e
    db = a * np.exp(a * b) + 2.0 * b / (1.0 + b * b) - a / r2 - e
    return da, db


POINTS = [(0.7, 0.4), (2.3, -0.6), (-1.5, 0.9), (8.0, 0.1)]


@pytest.fixture(params=["ctypes", "cffi"])
def rules(request):
    return make_rules(_ctypes_functions() if request.param == "ctypes" else _cffi_functions())


# -- the issue's example --------------------------------------------------------------------------
def test_issue_example_rule_calls_the_c_function_both_modes():
    libm = ctypes.CDLL(ctypes.util.find_library("m"))
    _cbrt = libm.cbrt
    _cbrt.restype = ctypes.c_double
    _cbrt.argtypes = [ctypes.c_double]
    cbrt = zymase.custom_derivative(_cbrt)

    def _fwd(x):
        y = _cbrt(x)
        return y, (y,)
    cbrt.defvjp(_fwd, lambda res, g: (g / (3.0 * res[0] * res[0]),))

    @cbrt.defjvp
    def _jvp(primals, tangents):
        y = _cbrt(primals[0])
        return y, tangents[0] / (3.0 * y * y)

    f = lambda a: cbrt(a) * a  # noqa: E731
    rev = zymase.autodiff_reverse(f, Active, ret=Active)
    fwd = zymase.autodiff_forward(f, Dual, ret=Dual)
    for a in (8.0, 0.3, -27.0, 5.5):
        c = np.cbrt(a)
        expect = c + a / (3.0 * c * c)
        y, da = rev(a, 1.0)
        y2, ydot = fwd(a, 1.0)
        assert y == y2 == pytest.approx(c * a, rel=1e-15)
        assert da == pytest.approx(expect, rel=1e-12)
        assert ydot == pytest.approx(expect, rel=1e-12)
        assert_fd_close(da, fd_jvp(f, (a,), (1.0,), STEP), 1e-7)
    assert rev(8.0, 1.0) == (16.0, pytest.approx(2.0 + 8.0 / 12.0, rel=1e-15))


# -- scalars, both modes, several libm functions -----------------------------------------------
def test_scalar_reverse_and_forward(rules):
    mix = rules.mix
    rev = zymase.autodiff_reverse(mix, Active, Active, ret=Active)
    fwd = zymase.autodiff_forward(mix, Dual, Dual, ret=Dual)
    for a, b in POINTS:
        da, db = mix_grad(a, b)
        y, ga, gb = rev(a, b, 1.0)
        assert y == pytest.approx(mix(a, b), rel=1e-14)
        np.testing.assert_allclose([ga, gb], [da, db], rtol=1e-12)
        assert_fd_close(ga, fd_jvp(mix, (a, b), (1.0, None), STEP), 1e-7, what="d/da")
        assert_fd_close(gb, fd_jvp(mix, (a, b), (None, 1.0), STEP), 1e-7, what="d/db")
        ya, ta = fwd(a, 1.0, b, 0.0)
        yb, tb = fwd(a, 0.0, b, 1.0)
        assert ya == yb == pytest.approx(y, rel=1e-15)
        np.testing.assert_allclose([ta, tb], [da, db], rtol=1e-12)
        # a general direction and a scaled seed
        assert fwd(a, 0.5, b, -2.0)[1] == pytest.approx(0.5 * da - 2.0 * db, rel=1e-12, abs=1e-14)
        np.testing.assert_allclose(rev(a, b, -3.0)[1:], [-3.0 * da, -3.0 * db], rtol=1e-12)


def test_width_4(rules):
    mix = rules.mix
    fwd4 = zymase.autodiff_forward(mix, Dual, Dual, ret=DualOnly, width=4)
    rev4 = zymase.autodiff_reverse(mix, Active, Active, ret=ActiveOnly, width=4)
    va = np.array([1.0, 0.0, 0.5, -1.0])
    vb = np.array([0.0, 1.0, 2.0, 3.0])
    seeds = np.array([1.0, -2.0, 0.25, 3.0])
    for a, b in POINTS:
        da, db = mix_grad(a, b)
        np.testing.assert_allclose(fwd4(a, va.copy(), b, vb.copy()), va * da + vb * db,
                                   rtol=1e-12, atol=1e-14)
        ga, gb = rev4(a, b, seeds.copy())
        np.testing.assert_allclose(ga, seeds * da, rtol=1e-12)
        np.testing.assert_allclose(gb, seeds * db, rtol=1e-12)


def test_in_a_loop_through_an_njit_callee(rules):
    a = np.array([0.7, 2.3, -1.5, 8.0, 0.35])
    b = np.array([0.4, -0.6, 0.9, 0.1, -1.2])
    da, db = mix_grad(a, b)
    ga, gb = np.zeros(5), np.zeros(5)
    rev = zymase.autodiff_reverse(rules.loop_sum, Duplicated, Duplicated, ret=Active)
    y = rev(a, ga, b, gb, 1.0)
    assert y == pytest.approx(sum(rules.mix(p, q) for p, q in zip(a, b)), rel=1e-14)
    np.testing.assert_allclose(ga, da, rtol=1e-12)
    np.testing.assert_allclose(gb, db, rtol=1e-12)
    fd = fd_gradient(lambda x: rules.loop_sum(x, b), a, STEP, relative=False)
    assert_fd_close(ga, fd, 1e-7)
    # forward, one tangent and four at once
    fwd = zymase.autodiff_forward(rules.loop_sum, Dual, Dual, ret=DualOnly)
    va, vb = np.linspace(-1, 1, 5), np.linspace(2, 0, 5)
    assert fwd(a, va.copy(), b, vb.copy()) == pytest.approx(da @ va + db @ vb, rel=1e-12)
    fwd4 = zymase.autodiff_forward(rules.loop_sum, Dual, Dual, ret=DualOnly, width=4)
    VA, VB = np.eye(5)[:4], np.zeros((4, 5))
    np.testing.assert_allclose(fwd4(a, VA.copy(), b, VB.copy()), da[:4], rtol=1e-12)
    # reverse, four seeds at once
    rev4 = zymase.autodiff_reverse(rules.loop_sum, Duplicated, Duplicated, ret=ActiveOnly, width=4)
    GA, GB = np.zeros((4, 5)), np.zeros((4, 5))
    seeds = np.array([1.0, 2.0, -1.0, 0.5])
    rev4(a, GA, b, GB, seeds)
    np.testing.assert_allclose(GA, np.outer(seeds, da), rtol=1e-12)
    np.testing.assert_allclose(GB, np.outer(seeds, db), rtol=1e-12)


def test_called_from_njit_code(rules):
    grad = zymase.autodiff_reverse(rules.mix, Active, Active, ret=ActiveOnly)
    tangent = zymase.autodiff_forward(rules.mix, Dual, Dual, ret=DualOnly)
    cbrt, atan2 = rules.cbrt, rules.atan2

    @numba.njit
    def descend(a, b, steps, lr):
        worst = 0.0                  # forward and reverse agree at every step
        for _ in range(steps):
            ga, gb = grad(a, b, 1.0)
            t = tangent(a, 1.0, b, 0.0)
            worst = max(worst, abs(t - ga) / abs(ga))
            a -= lr * ga
            b -= lr * gb
        return a, b, worst

    @numba.njit
    def plain(a, b):              # the wrappers themselves, called from njit code
        return cbrt(a) + atan2(a, b)

    a, b = 0.7, 0.4
    ra, rb = a, b
    for _ in range(5):
        ga, gb = mix_grad(ra, rb)
        ra, rb = ra - 0.01 * ga, rb - 0.01 * gb
    fa, fb, worst = descend(a, b, 5, 0.01)
    np.testing.assert_allclose((fa, fb), (ra, rb), rtol=1e-12)
    assert worst <= 1e-12
    assert plain(8.0, 1.0) == pytest.approx(2.0 + math.atan2(8.0, 1.0), rel=1e-15)
    assert rules.cbrt(27.0) == pytest.approx(3.0, rel=1e-15)   # and from Python


def test_hessian_through_rules_that_call_c_functions(rules):
    """Forward over reverse: the reverse derivative calls the compiled fwd rules, whose C
    calls (cbrt, expm1) the outer forward pass meets and replaces by their jvp rules."""
    cbrt, expm1 = rules.cbrt, rules.expm1

    def f(x):
        return cbrt(x[0]) * x[0] + expm1(x[0] * x[1])

    x = np.array([2.5, 0.3])
    a, b = x
    e = math.exp(a * b)
    H = zymase.hessian(f)(x)
    expect = np.array([[4.0 / (9.0 * np.cbrt(a) ** 2) + b * b * e, e + a * b * e],
                       [e + a * b * e, a * a * e]])
    np.testing.assert_allclose(H, expect, rtol=1e-12)


# -- what is refused ------------------------------------------------------------------------------
def test_cffi_function_without_rule_is_refused_and_inactive_works():
    cffi = pytest.importorskip("cffi")
    ffi = cffi.FFI()
    ffi.cdef("double tanh(double); double cbrt(double);")
    lib = ffi.dlopen(_LIBM_PATH)
    c_tanh = lib.tanh                # no rule anywhere in the test run
    stop = zymase.inactive(lib.cbrt)

    def f(x):
        return c_tanh(x) * x

    with pytest.raises(zymase.UnsupportedError, match="c_tanh"):
        zymase.autodiff_forward(f, Dual, ret=DualOnly)(0.5, 1.0)

    def g(x):
        return stop(x) * x
    assert zymase.autodiff_reverse(g, Active, ret=ActiveOnly)(8.0, 1.0) == 2.0
    assert zymase.autodiff_forward(g, Dual, ret=DualOnly)(8.0, 1.0) == 2.0


def test_reverse_rule_missing_names_the_c_function():
    c_erf = _cffi_functions()["erf"]
    only_fwd = zymase.custom_derivative(c_erf)
    only_fwd.defjvp(lambda p, t: (c_erf(p[0]), 0.0 * t[0]))

    def f(x):
        return only_fwd(x)
    with pytest.raises(zymase.UnsupportedError, match="no reverse rule"):
        zymase.autodiff_reverse(f, Active, ret=ActiveOnly)(0.5, 1.0)


def test_cache_true_never_stores_code_that_calls_a_c_address(tmp_path):
    """A C function's address is valid in one process only (libm loads elsewhere next time):
    such a derivative is rebuilt, never loaded from the disk cache (it crashed with SIGSEGV)."""
    import subprocess
    import sys
    import textwrap
    script = textwrap.dedent("""
        import ctypes, ctypes.util, zymase
        libm = ctypes.CDLL(ctypes.util.find_library("m"))
        _cbrt = libm.cbrt; _cbrt.restype = ctypes.c_double; _cbrt.argtypes = [ctypes.c_double]
        cbrt = zymase.custom_derivative(_cbrt)
        def _fwd(x):
            y = _cbrt(x)
            return y, (y,)
        cbrt.defvjp(_fwd, lambda res, g: (g / (3.0 * res[0] * res[0]),))
        d = zymase.autodiff_reverse(lambda a: cbrt(a) * a, zymase.Active, ret=zymase.Active,
                                    cache=True)
        print(repr(d(8.0, 1.0)))
    """)
    path = tmp_path / "cached_c.py"
    path.write_text(script)
    env = dict(os.environ, ZYMASE_CACHE_DIR=str(tmp_path / "cache"))
    outs = [subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env,
                           timeout=300) for _ in range(2)]
    for o in outs:
        assert o.returncode == 0, o.stderr
        assert o.stdout.strip() == "(16.0, 2.6666666666666665)"

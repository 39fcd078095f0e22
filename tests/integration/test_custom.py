"""Custom derivatives and inactive functions (zymase.custom_derivative / zymase.inactive).

Every test proves the *rule* is used, not the body: the rules here deliberately differ from
the true derivative (a factor 3), and the result changes exactly accordingly."""
import ctypes
import ctypes.util
import math

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, ActiveOnly, Const, Dual, DualOnly, Duplicated


@zymase.custom_derivative
def softplus(x):
    return math.log1p(math.exp(x))


@softplus.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (xd,) = primals, tangents
    return softplus(x), 3.0 * xd / (1.0 + math.exp(-x))   # 3 × the true derivative


def _sp_fwd(x):
    return softplus(x), (x,)


def _sp_bwd(res, ybar):
    (x,) = res
    return (3.0 * ybar / (1.0 + math.exp(-x)),)


softplus.defvjp(_sp_fwd, _sp_bwd)


@numba.njit
def inner(x):
    return softplus(x) * 2.0


def nested_loop(x, n):
    s = 0.0
    for i in range(n):
        s += inner(x[i]) + x[i]      # rule reached through another njit function, in a loop
    return s


def true_grad(x):
    return 2.0 / (1.0 + np.exp(-x)) + 1.0


def rule_grad(x):
    return 3.0 * 2.0 / (1.0 + np.exp(-x)) + 1.0


def test_forward_uses_the_rule():
    x = np.linspace(-1, 1, 5)
    v = np.linspace(0.5, 1.5, 5)
    df = zymase.autodiff_forward(nested_loop, Dual, Const, ret=DualOnly)
    got = df(x, v.copy(), 5)
    assert got == pytest.approx(float(np.dot(rule_grad(x), v)), rel=1e-12)
    assert not np.isclose(got, float(np.dot(true_grad(x), v)))


def test_forward_batched_uses_the_rule():
    x = np.linspace(-1, 1, 5)
    V = np.eye(5)[:4]
    df = zymase.autodiff_forward(nested_loop, Dual, Const, ret=DualOnly, width=4)
    np.testing.assert_allclose(df(x, V.copy(), 5), rule_grad(x)[:4], rtol=1e-12)


def test_reverse_uses_the_rule():
    x = np.linspace(-1, 1, 5)
    dx = np.zeros(5)
    df = zymase.autodiff_reverse(nested_loop, Duplicated, Const, ret=ActiveOnly)
    df(x, dx, 5, 1.0)
    np.testing.assert_allclose(dx, rule_grad(x), rtol=1e-12)


def test_scalar_active_reverse():
    def f(a):
        return softplus(a) * a
    df = zymase.autodiff_reverse(f, Active, ret=ActiveOnly)
    a = 0.3
    expect = 3.0 / (1.0 + math.exp(-a)) * a + math.log1p(math.exp(a))
    assert df(a, 1.0) == pytest.approx(expect, rel=1e-12)


# -- arrays in and out of rules; a numerically stable rule for an unstable body -------------------
@zymase.custom_derivative
def logsumexp(v):
    s = 0.0
    for i in range(v.shape[0]):
        s += math.exp(v[i])          # overflows for large v: the body's derivative is nan
    return math.log(s)


@numba.njit
def _lse_fwd(v):
    m = v[0]
    for i in range(v.shape[0]):
        m = max(m, v[i])
    s = 0.0
    for i in range(v.shape[0]):
        s += math.exp(v[i] - m)
    y = m + math.log(s)
    return y, (v.copy(), y)


def _lse_bwd(res, ybar):
    v, y = res
    g = np.empty_like(v)
    for i in range(v.shape[0]):
        g[i] = ybar * math.exp(v[i] - y)
    return (g,)


logsumexp.defvjp(_lse_fwd, _lse_bwd)


@logsumexp.defjvp
def _lse_jvp(primals, tangents):
    (v,), (vd,) = primals, tangents
    y, _ = _lse_fwd(v)
    t = 0.0
    for i in range(v.shape[0]):
        t += math.exp(v[i] - y) * vd[i]
    return y, t


def two_lse(v):
    return 2.0 * logsumexp(v)


def test_stable_gradient_where_the_body_overflows():
    v = np.array([1000.0, 1001.0, 999.0])
    soft = np.exp(v - v.max()) / np.exp(v - v.max()).sum()
    dv = np.zeros(3)
    zymase.autodiff_reverse(two_lse, Duplicated, ret=ActiveOnly)(v, dv, 1.0)
    np.testing.assert_allclose(dv, 2 * soft, rtol=1e-12)
    jv = zymase.autodiff_forward(two_lse, Dual, ret=DualOnly)(v, np.array([1.0, 0.0, 0.0]))
    assert jv == pytest.approx(2 * soft[0], rel=1e-12)


def test_rule_arrays_do_not_leak():
    from numba.core.runtime import _nrt_python, rtsys
    _nrt_python.memsys_enable_stats()
    df = zymase.autodiff_reverse(two_lse, Duplicated, ret=ActiveOnly)
    v = np.array([0.1, 0.2, 0.3])
    df(v, np.zeros(3), 1.0)
    s0 = rtsys.get_allocation_stats()
    df(v, np.zeros(3), 1.0)
    s1 = rtsys.get_allocation_stats()
    assert (s1.alloc - s0.alloc) == (s1.free - s0.free)
    assert (s1.mi_alloc - s0.mi_alloc) == (s1.mi_free - s0.mi_free)


# -- missing rules --------------------------------------------------------------------------------
@zymase.custom_derivative
def only_reverse(x):
    return x * x


only_reverse.defvjp(lambda x: (x * x, (x,)), lambda r, yb: (2.0 * r[0] * yb,))


def uses_only_reverse(x):
    return only_reverse(x) + 1.0


def test_missing_forward_rule_is_a_clear_error():
    df = zymase.autodiff_forward(uses_only_reverse, Dual)
    with pytest.raises(zymase.UnsupportedError, match="no forward rule"):
        df(1.0, 1.0)
    # reverse mode works with the rule it has
    assert zymase.autodiff_reverse(uses_only_reverse, Active, ret=ActiveOnly)(3.0, 1.0) == 6.0


# -- external C functions -------------------------------------------------------------------------
_libm = ctypes.CDLL(ctypes.util.find_library("m"))
c_cos = _libm.cos
c_cos.restype = ctypes.c_double
c_cos.argtypes = [ctypes.c_double]
c_cos_rule = zymase.custom_derivative(c_cos)
c_cos_rule.defjvp(numba.njit(lambda p, t: (math.cos(p[0]), -3.0 * math.sin(p[0]) * t[0])))
c_cos_rule.defvjp(numba.njit(lambda x: (math.cos(x), x)),
                  numba.njit(lambda r, yb: (-3.0 * math.sin(r) * yb,)))


def uses_c_cos(x):
    return c_cos(x) * x


def test_ctypes_function_gets_a_derivative_through_its_rule():
    x = 0.7
    expect = -3.0 * math.sin(x) * x + math.cos(x)
    assert zymase.autodiff_forward(uses_c_cos, Dual, ret=DualOnly)(x, 1.0) == pytest.approx(expect)
    assert zymase.autodiff_reverse(uses_c_cos, Active, ret=ActiveOnly)(x, 1.0) == pytest.approx(expect)


def test_ctypes_function_without_rule_is_refused():
    c_sin = _libm.sin
    c_sin.restype = ctypes.c_double
    c_sin.argtypes = [ctypes.c_double]

    def uses_c_sin(x):
        return c_sin(x) * x
    with pytest.raises(zymase.UnsupportedError, match="uses_c_sin|c_sin|sin"):
        zymase.autodiff_forward(uses_c_sin, Dual)(0.5, 1.0)


# -- inactive -------------------------------------------------------------------------------------
counter_like = zymase.inactive(numba.njit(lambda x: x * x))
_c_exp = _libm.exp
_c_exp.restype = ctypes.c_double
_c_exp.argtypes = [ctypes.c_double]
c_exp_inactive = zymase.inactive(_c_exp)


def with_inactive(x):
    return counter_like(x) + 2.0 * x + c_exp_inactive(x)


def test_inactive_njit_and_external_functions():
    x = 1.5
    assert zymase.autodiff_forward(with_inactive, Dual, ret=DualOnly)(x, 1.0) == pytest.approx(2.0)
    assert zymase.autodiff_reverse(with_inactive, Active, ret=ActiveOnly)(x, 1.0) == pytest.approx(2.0)
    assert zymase.autodiff_forward(with_inactive, Dual, ret=Dual)(x, 1.0)[0] == pytest.approx(
        x * x + 2 * x + math.exp(x))


def test_custom_function_callable_from_python_and_njit():
    assert softplus(0.0) == pytest.approx(math.log(2.0))

    @numba.njit
    def call(x):
        return softplus(x)
    assert call(0.0) == pytest.approx(math.log(2.0))


_LATER_CALLER = r'''
import math, numpy as np, numba, zymase
from zymase import ActiveOnly, Const, Duplicated

@numba.njit
def _nearest(x, c):
    best, jmin = math.inf, 0
    for j in range(c.shape[0]):
        if (x - c[j]) ** 2 < best:
            best, jmin = (x - c[j]) ** 2, j
    return jmin

nearest = zymase.inactive(_nearest)

def cost(x, c):
    t = x - c[nearest(x, c)]
    return t * t

c = np.array([0.0, 1.0, 2.0]); dc = np.zeros(3)
zymase.autodiff_reverse(cost, Const, Duplicated, ret=ActiveOnly)(0.9, c, dc, 1.0)
assert np.allclose(dc, [0.0, 0.2, 0.0])
# compiled after the derivative: must call Numba's own _nearest, not the derivative
# module's copy (internal, renamed, and specialised by O3)
assert abs(numba.njit(cost)(0.9, c) - 0.01) < 1e-15
print("ok")
'''


def test_functions_compiled_after_a_derivative_call_numbas_callees():
    """Regression: the derivative's module carried a copy of an inactive callee under
    Numba's symbol name; Numba code compiled afterwards was linked to that copy (whose
    arguments O3 had pruned) and crashed.  Run in a subprocess: the bug was a segfault."""
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-c", _LATER_CALLER], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "ok", (r.returncode, r.stderr[-2000:])


def test_hessian_through_a_custom_rule():
    """Forward over reverse through a call with rules: the reverse derivative's exception
    descriptors (constant data) need no shadow; the Hessian matches the closed form."""
    @zymase.custom_derivative
    def softplus(x):
        return math.log1p(math.exp(x))

    @softplus.defjvp
    def _(primals, tangents):
        (x,), (x_dot,) = primals, tangents
        return softplus(x), x_dot / (1.0 + math.exp(-x))

    softplus.defvjp(lambda x: (softplus(x), (x,)),
                    lambda res, y_bar: (y_bar / (1.0 + math.exp(-res[0])),))

    def f(x):
        s = 0.0
        for i in range(x.shape[0]):
            s += softplus(x[i]) * x[i]
        return s

    x = np.array([0.3, -0.2, 1.1, 2.5])
    H = zymase.hessian(f)(x)
    sig = 1.0 / (1.0 + np.exp(-x))
    np.testing.assert_allclose(H, np.diag(2 * sig + x * sig * (1 - sig)), rtol=1e-13,
                               atol=1e-15)

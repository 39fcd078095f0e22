"""The shared derivative checks of ``tests/support.py``: finite differences are accurate and
say how accurate; ``check_grads`` passes right derivatives and raises on wrong ones -- a rule
wrong by 1e-5 relative in forward mode, in reverse mode, forward and reverse modes that
disagree by 1e-8 (the dot-product test), a wrong Hessian-vector product."""
import math

import numba
import numpy as np
import pytest

import zymase
from tests.support import (FD, assert_fd_close, central_difference, check_dot_product,
                           check_grads, fd_gradient, fd_jacobian, fd_jvp)


# ----------------------------------------------------------------------------- finite differences

def test_central_difference_is_accurate_and_its_estimate_bounds_its_error():
    for h in (1e-2, 1e-3, 1e-6):
        fd = central_difference(lambda t: math.sin(1.0 + t), h)
        err = abs(float(fd.value) - math.cos(1.0))
        assert err <= float(fd.error), (h, err, fd.error)
    fd = central_difference(lambda t: math.sin(1.0 + t), 1e-2)
    assert abs(float(fd.value) - math.cos(1.0)) < 1e-9       # Richardson: O(h^4)
    assert float(fd.error) < 1e-4


def test_central_difference_of_structures():
    x = np.array([0.3, -1.2, 2.0])
    fd = central_difference(lambda t: (None, np.exp(x + t), [float(np.sum(x + t) ** 2)]), 1e-4)
    assert fd.value[0] is None and fd.error[0] is None
    np.testing.assert_allclose(fd.value[1], np.exp(x), rtol=1e-10)
    assert np.all(np.abs(fd.value[1] - np.exp(x)) <= fd.error[1])
    np.testing.assert_allclose(fd.value[2][0], 2 * np.sum(x) * 3, rtol=1e-10)
    assert isinstance(fd.value[2], list)


def test_fd_gradient_jacobian_jvp():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(5)
    A = rng.standard_normal((3, 5))
    g = fd_gradient(lambda z: float(np.sum(np.sin(z) * z)), x)
    want = np.cos(x) * x + np.sin(x)
    np.testing.assert_allclose(g.value, want, rtol=1e-8)
    assert np.all(np.abs(g.value - want) <= g.error)
    J = fd_jacobian(lambda z: np.tanh(A @ z), x)
    want = (1 - np.tanh(A @ x) ** 2)[:, None] * A
    np.testing.assert_allclose(J.value, want, rtol=1e-8, atol=1e-10)
    assert J.value.shape == J.error.shape == (3, 5)
    v = rng.standard_normal(5)
    fd = fd_jvp(lambda z, a, n: a * float(np.sum(z[:n] ** 3)), (x, 1.5, 4), (v, 0.5, None))
    want = 1.5 * float(np.sum(3 * x[:4] ** 2 * v[:4])) + 0.5 * float(np.sum(x[:4] ** 3))
    assert abs(float(fd.value) - want) < 1e-8 * max(1.0, abs(want))



def test_fd_of_floats_and_of_matrices():
    # a float argument: f sees a float, the gradient is 0-d, the Jacobian shaped like f's result
    seen = []
    g = fd_gradient(lambda a: seen.append(type(a)) or math.exp(2.0 * a), 0.3)
    assert seen and all(t is float for t in seen)
    assert g.value.shape == () and abs(float(g.value) - 2.0 * math.exp(0.6)) < 1e-8
    J = fd_jacobian(lambda a: np.array([a, a * a, 3.0]), 1.5)
    np.testing.assert_allclose(J.value, [1.0, 3.0, 0.0], atol=1e-9)
    # a matrix argument: J is shaped f(x).shape + x.shape
    X = np.arange(6.0).reshape(2, 3)
    J = fd_jacobian(lambda Z: np.array([np.sum(Z), np.sum(Z * Z)]), X)
    assert J.value.shape == (2, 2, 3)
    np.testing.assert_allclose(J.value[1], 2 * X, atol=1e-8)


def test_fd_jvp_of_what_a_function_writes():
    def scale_in_place(x, a):
        x *= a
        return float(np.sum(np.sin(x)))
    rng = np.random.default_rng(1)
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    x0 = x.copy()
    fd = fd_jvp(scale_in_place, (x, 1.3), (v, 0.5), written=(0,))
    r, (xw,) = fd.value
    np.testing.assert_allclose(xw, 1.3 * v + 0.5 * x, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(r, np.sum(np.cos(1.3 * x) * (1.3 * v + 0.5 * x)), rtol=1e-8)
    assert np.array_equal(x, x0)                                     # the caller's x unchanged
    # an integer argument with a tangent is moved as a float; tangents as {position: tangent}
    fd = fd_jvp(lambda n: n * n, (3,), (1.0,))
    assert abs(float(fd.value) - 6.0) < 1e-8
    fd = fd_jvp(lambda a, n, b: a * n * b, (2.0, 3, 5.0), {2: 1.0})
    assert abs(float(fd.value) - 6.0) < 1e-8


def test_fd_jvp_on_fresh_arguments_keeps_views_and_aliasing():
    base = np.linspace(0.1, 1.0, 8)

    def make():
        b = base.copy()
        return [b[::2], b[1::2], b]              # strided views of one buffer, and the buffer

    seen = []

    def f(x, y, b):
        seen.append((x.strides, np.shares_memory(x, b)))
        return float(np.sum(b ** 2))
    v = np.ones(4)
    fd = fd_jvp(f, make, (v, None, None))
    assert all(s == (16,) and shared for s, shared in seen)
    assert abs(float(fd.value) - 2.0 * float(np.sum(base[::2]))) < 1e-8
    # float32: evaluated on float64 copies (upcast), the others still in place
    make32 = lambda: [np.float32(0.5) * np.ones(3, np.float32), np.zeros(3)]   # noqa: E731
    fd = fd_jvp(lambda x, out: out.__setitem__(slice(None), x * x) or float(np.sum(x ** 3)),
                make32, (np.ones(3), None), h=1e-3, upcast=True, written=(1,))
    np.testing.assert_allclose(fd.value[0], 3 * 3 * 0.25, rtol=1e-9)
    np.testing.assert_allclose(fd.value[1][0], np.ones(3), rtol=1e-9)

def test_assert_fd_close_reports_the_error_estimate():
    fd = FD(np.array([1.0, 2.0]), np.array([1e-12, 1e-3]))
    assert_fd_close([1.0, 2.0 + 1e-7], fd, rtol=1e-6)
    with pytest.raises(AssertionError, match="error estimate 1.00e-03"):
        assert_fd_close([1.0, 2.01], fd, rtol=1e-6)
    with pytest.raises(AssertionError):
        assert_fd_close([1.0, np.nan], fd, rtol=1e-6)
    with pytest.raises(AssertionError, match="shape"):
        assert_fd_close([1.0], fd)


def test_dot_product_check():
    check_dot_product([1.0, 2.0], [3.0 + 1e-12], rtol=1e-10)
    with pytest.raises(AssertionError, match="dot-product"):
        check_dot_product([1.0, 2.0], [3.0 + 1e-8], rtol=1e-10)


# ----------------------------------------------------------------------------- check_grads

def pairwise(x, a, n):
    s = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = x[i] - x[j]
            s += a / (1.0 + d * d)
    return s


def smooth_map(x, a):
    y = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = math.sin(a * x[i]) * x[(i + 1) % x.shape[0]]
    return y


def test_check_grads_passes_right_derivatives():
    rng = np.random.default_rng(1)
    x = rng.random(6)
    check_grads(pairwise, (x, 0.7, 6))
    check_grads(pairwise, (x, 0.7, 6), order=2)
    check_grads(smooth_map, (x, 1.3))
    check_grads(pairwise, (x.astype(np.float32), np.float32(0.7), 6), modes=("fwd",))


@zymase.custom_derivative
def softplus(x):
    return math.log1p(math.exp(x))


@numba.njit
def _true(x):
    return 1.0 / (1.0 + math.exp(-x))


@softplus.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (xd,) = primals, tangents
    return softplus(x), xd * _true(x) * (1.0 + 1e-5)       # wrong by 1e-5 relative


softplus.defvjp(lambda x: (softplus(x), (x,)),
                lambda res, ybar: (ybar * _true(res[0]),))    # right


@zymase.custom_derivative
def softplus2(x):
    return math.log1p(math.exp(x))


@softplus2.defjvp
def _softplus2_jvp(primals, tangents):
    (x,), (xd,) = primals, tangents
    return softplus2(x), xd * _true(x)                        # right


softplus2.defvjp(lambda x: (softplus2(x), (x,)),
                 lambda res, ybar: (-ybar * _true(res[0]),))  # wrong sign


def uses_softplus(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += softplus(x[i]) * (i + 1.0)
    return s


def uses_softplus2(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += softplus2(x[i]) * (i + 1.0)
    return s


def test_check_grads_raises_on_a_wrong_forward_rule():
    x = np.linspace(-1.0, 1.0, 4)
    check_grads(uses_softplus, (x,), modes=("rev",))          # the reverse rule is right
    with pytest.raises(AssertionError, match="forward mode"):
        check_grads(uses_softplus, (x,), modes=("fwd",))
    with pytest.raises(AssertionError, match="forward mode"):
        check_grads(uses_softplus, (x,))


def test_check_grads_raises_on_a_wrong_reverse_rule():
    x = np.linspace(-1.0, 1.0, 4)
    check_grads(uses_softplus2, (x,), modes=("fwd",))         # the forward rule is right
    with pytest.raises(AssertionError, match="reverse mode"):
        check_grads(uses_softplus2, (x,), modes=("rev",))


def test_dot_product_catches_modes_that_disagree_below_the_fd_tolerance():
    """A vjp off by 1e-8 relative passes a loose comparison with finite differences, but not
    the dot-product test between the two modes."""
    x = np.linspace(-1.0, 1.0, 5)

    def f(z):
        return float(np.sum(np.sin(z) * z))

    def jvp(args, tangents):
        (z,), (v,) = args, tangents
        return f(z), float(np.dot(np.cos(z) * z + np.sin(z), v))

    def vjp(args, w):
        (z,) = args
        return ((np.cos(z) * z + np.sin(z)) * w * (1.0 + 1e-8),)

    check_grads(f, (x,), modes=("fwd",), jvp=jvp, vjp=vjp, rtol=1e-3)
    check_grads(f, (x,), modes=("rev",), jvp=jvp, vjp=vjp, rtol=1e-3)
    with pytest.raises(AssertionError, match="dot-product"):
        check_grads(f, (x,), jvp=jvp, vjp=vjp, rtol=1e-3)


def test_check_grads_raises_on_a_wrong_hessian_vector_product():
    x = np.random.default_rng(2).random(5)

    def wrong_hvp(args, v, k):
        tangents = tuple(v if j == k else None for j in range(len(args)))
        hv = zymase.hvp(pairwise, args, tangents, argnums=k)
        hv[0] *= 1.0 + 1e-5
        return hv

    with pytest.raises(AssertionError, match="Hessian-vector product"):
        check_grads(pairwise, (x, 0.7, 5), order=2, hvp=wrong_hvp)


def test_check_grads_raises_on_a_wrong_partial_of_an_array_result():
    x = np.random.default_rng(3).random(6)

    def jvp(args, tangents):
        y, t = zymase.jvp(smooth_map, args, tangents)
        t[2] *= -1.0
        return y, t

    with pytest.raises(AssertionError, match=r"forward mode J v"):
        check_grads(smooth_map, (x, 1.3), modes=("fwd",), jvp=jvp)

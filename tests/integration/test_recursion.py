"""Recursive @njit functions (transforms/callees.py): self- and mutually recursive, linear and
tree recursion, in both modes, at width 1 and 3, from Python and from @njit, checked against
closed forms and central finite differences; array arguments are refused by name."""
import math

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual
from tests.support import assert_fd_close, check_scalar_lanes, fd_jvp

STEP = 1e-5       # finite-difference step


@numba.njit
def horner(x, n):
    """x·horner(x, n-1) + sin x, horner(x, 0) = 1: a linear self-recursion."""
    if n <= 0:
        return 1.0
    return x * horner(x, n - 1) + np.sin(x)


def horner_top(x, n):
    return horner(x, n)


def horner_closed_grad(x, n):
    # horner(x, n) = x^n + sin x · (1 + x + … + x^{n-1})
    s = sum(x ** k for k in range(n))
    ds = sum(k * x ** (k - 1) for k in range(1, n))
    return n * x ** (n - 1) + math.cos(x) * s + math.sin(x) * ds


@numba.njit
def even(x, n):
    if n == 0:
        return x
    return np.cos(odd(x, n - 1)) * x


@numba.njit
def odd(x, n):
    if n == 0:
        return x * x
    return np.sin(even(x, n - 1)) + x


def mutual(x, n):
    return even(x, n) + 0.5 * odd(x, n)


@numba.njit
def tree(a, b, n):
    """Two recursive calls per level, arguments swapped in one: a tree recursion."""
    if n < 2:
        return a * b + n
    return tree(a, b, n - 1) * 0.5 + np.sin(tree(b, a, n - 2))


def tree_top(a, b, n):
    return tree(a, b, n) * a


@numba.njit
def through_loop(x, y, n):
    s = 0.0
    for k in range(n):
        s += tree(x * (1.0 + 0.1 * k), y, 4)
    return s


@pytest.mark.parametrize("n", [0, 1, 4, 9])
def test_linear_self_recursion_closed_form(n):
    g = zymase.grad(horner_top)(1.3, n)
    assert g == pytest.approx(horner_closed_grad(1.3, n), rel=1e-12, abs=1e-14)
    _, t = zymase.jvp(horner_top, (1.3, n), (1.0, 0))
    assert t == pytest.approx(horner_closed_grad(1.3, n), rel=1e-12, abs=1e-14)


def test_the_recursive_function_itself():
    # the top-level function is the recursive one: its derivatives call themselves
    assert zymase.grad(horner)(0.7, 6) == pytest.approx(horner_closed_grad(0.7, 6), rel=1e-12)
    df = zymase.autodiff_forward(horner, Dual, Const, ret=Dual)
    assert df(0.7, 2.0, 6)[1] == pytest.approx(2.0 * horner_closed_grad(0.7, 6), rel=1e-12)


@numba.njit
def fresh_horner(x, n):
    """horner again, compiled first by zymase itself: no test calls it from Python."""
    if n <= 0:
        return 1.0
    return x * fresh_horner(x, n - 1) + np.sin(x)


@numba.njit
def fresh_even(x, n):
    if n == 0:
        return x
    return np.cos(fresh_odd(x, n - 1)) * x


@numba.njit
def fresh_odd(x, n):
    if n == 0:
        return x * x
    return np.sin(fresh_even(x, n - 1)) + x


def test_a_recursive_function_zymase_compiles_first():
    # Numba types a recursive call as such only while the dispatcher says it is compiling;
    # zymase's own compilation of a never-called function must say so too, or the call inside
    # compiles the same signature again ("compiler re-entrant")
    assert not fresh_horner.overloads and not fresh_even.overloads
    g = zymase.grad(fresh_horner)(0.7, 6)
    assert g == pytest.approx(horner_closed_grad(0.7, 6), rel=1e-12)
    df = zymase.autodiff_forward(fresh_even, Dual, Const, ret=Dual)
    _, t = df(0.9, 1.0, 5)
    assert_fd_close(t, fd_jvp(fresh_even.py_func, (0.9, 5), {0: 1.0}, STEP), 1e-7)
    assert zymase.grad(fresh_even)(0.9, 5) == pytest.approx(t, rel=1e-12)
    # and the user's own calls still run: no overload names a symbol only zymase defined
    assert fresh_even(0.9, 5) == fresh_even.py_func(0.9, 5)
    assert fresh_horner(0.7, 6) == fresh_horner.py_func(0.7, 6)


@numba.njit
def fresh_rsum(x, lo, hi):
    if hi - lo == 1:
        return x[lo]
    mid = (lo + hi) // 2
    return fresh_rsum(x, lo, mid) + fresh_rsum(x, mid, hi)


def test_a_refused_recursive_function_zymase_compiles_first():
    # the refusal recompiles with line tables (reuse=False): the recursion must survive that too
    x = np.arange(1.0, 6.0)
    with pytest.raises(zymase.UnsupportedError, match="recursive function `.*fresh_rsum` with "
                                                      "array"):
        zymase.grad(fresh_rsum)(x, 0, 5)
    assert fresh_rsum(x, 0, 5) == 15.0


@pytest.mark.parametrize("n", [0, 1, 2, 5, 8])
def test_mutual_recursion(n):
    g = zymase.grad(mutual)(0.9, n)
    assert_fd_close(g, fd_jvp(mutual, (0.9, n), {0: 1.0}, STEP), 1e-7)
    _, t = zymase.jvp(mutual, (0.9, n), (1.0, 0))
    assert t == pytest.approx(g, rel=1e-12)


def test_tree_recursion_both_arguments():
    args = (0.7, 1.3, 9)
    da = zymase.autodiff_reverse(tree_top, Active, Active, Const, ret=Active)
    val, ga, gb = da(*args, 1.0)
    assert val == pytest.approx(tree_top(*args), rel=1e-14)
    assert_fd_close(ga, fd_jvp(tree_top, args, {0: 1.0}, STEP), 1e-7, what="d/da")
    assert_fd_close(gb, fd_jvp(tree_top, args, {1: 1.0}, STEP), 1e-7, what="d/db")
    # forward along (va, vb) against reverse: <J v, w> = <v, J^T w>
    df = zymase.autodiff_forward(tree_top, Dual, Dual, Const, ret=Dual)
    va, vb = 0.3, -1.1
    _, jv = df(0.7, va, 1.3, vb, 9)
    assert jv == pytest.approx(va * ga + vb * gb, rel=1e-12)


def test_only_one_argument_active():
    # the callee's derivative differentiates only what is active at the call
    g = zymase.autodiff_reverse(tree_top, Const, Active, Const, ret=Active)
    _, gb = g(0.7, 1.3, 7, 1.0)
    assert_fd_close(gb, fd_jvp(tree_top, (0.7, 1.3, 7), {1: 1.0}, STEP), 1e-7)


def test_recursion_called_in_a_loop_width_3():
    args = (0.4, 0.8, 5)
    want = [float(fd_jvp(through_loop, args, {k: 1.0}, STEP).value) for k in (0, 1)]
    check_scalar_lanes(through_loop, args, [0, 1], want, rtol=1e-7)


def test_called_from_njit():
    dr = zymase.autodiff_reverse(mutual, Active, Const, ret=Active)
    df = zymase.autodiff_forward(mutual, Dual, Const, ret=Dual)

    @numba.njit
    def both(x, n):
        return dr(x, n, 1.0)[1], df(x, 1.0, n)[1]

    gr, gf = both(1.1, 6)
    want = fd_jvp(mutual, (1.1, 6), {0: 1.0}, STEP)
    assert_fd_close(gr, want, 1e-7, what="reverse")
    assert_fd_close(gf, want, 1e-7, what="forward")


@numba.njit
def rsum(x, lo, hi):
    if hi - lo == 1:
        return x[lo]
    mid = (lo + hi) // 2
    return rsum(x, lo, mid) + rsum(x, mid, hi)


def rsum_top(x):
    return rsum(x, 0, x.shape[0]) ** 2


def test_array_arguments_are_refused_by_name():
    x = np.arange(1.0, 6.0)
    with pytest.raises(zymase.UnsupportedError, match="recursive function `.*rsum` with array"):
        zymase.grad(rsum_top)(x)
    with pytest.raises(zymase.UnsupportedError, match="recursive function `.*rsum` with array"):
        zymase.autodiff_forward(rsum_top, Dual)(x, np.ones_like(x))


def horner_pair(x):
    return horner(x[0], 4) * x[1]


def test_hessian_forward_over_reverse():
    # the reverse derivative calls the callee's reverse derivative, which forward mode then
    # differentiates as a recursive callee in its turn
    x = np.array([1.3, 0.5])
    H = zymase.hessian(horner_pair)(x)
    d1 = horner_closed_grad(1.3, 4)
    d2 = float(fd_jvp(horner_closed_grad, (1.3, 4), {0: 1.0}, STEP).value)
    np.testing.assert_allclose(H, [[d2 * 0.5, d1], [d1, 0.0]], rtol=1e-7, atol=1e-12)


@numba.njit
def pair(x, n):
    if n <= 0:
        return x, 1.0
    a, b = pair(x, n - 1)
    return a * x, b + a


def pair_top(x, n):
    a, b = pair(x, n)
    return a + b


def test_tuple_results_are_refused_by_name():
    with pytest.raises(zymase.UnsupportedError, match="recursive function `.*pair` returning a "
                                                      "tuple"):
        zymase.grad(pair_top)(0.5, 3)
    with pytest.raises(zymase.UnsupportedError, match="recursive function `.*pair` returning a "
                                                      "tuple"):
        zymase.jvp(pair_top, (0.5, 3), (1.0, 0))

"""Reverse mode on order-free loops: adjoint loops that run first iteration to last
(transforms/reverse/orderfree.py), with their sliding windows mirrored.

Every kernel goes through the vector-Jacobian check of test_reverse_stencil.py (central
differences and forward mode, trip counts from zero up, ``dx`` entering non-zero); the tape
report says which loops were found order-free.  Kernels with a loop that must keep the
descending order (a reduction, an in-place update, a value used after the loop) are here to
show they are refused — and still exact."""
import math

import numpy as np
import pytest

import zymase
from zymase import Active, Const, Duplicated

from tests.integration.test_reverse_stencil import _vjp_check


def laplacian_into(u, steps, alpha):            # window -1..1 mirrored, store elsewhere
    n = u.shape[0]
    w = np.empty(n)
    for _ in range(steps):
        for i in range(1, n - 1):
            w[i] = u[i - 1] - 2.0 * u[i] + u[i + 1]
        for i in range(1, n - 1):
            u[i] = u[i] + alpha * w[i] * u[i]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def lookahead_into(u, steps, alpha):            # window 0..2 mirrored
    n = u.shape[0]
    v = np.empty(n)
    for _ in range(steps):
        for i in range(n - 2):
            v[i] = u[i] - 2.0 * u[i + 1] + alpha * u[i + 2]
        for i in range(n - 2):
            u[i] = v[i] * alpha + u[i]
    return np.sum(u * u)                        # (linear steps: nothing taped per iteration)


def backward_diff(u, steps, alpha):             # window -2..0 mirrored
    n = u.shape[0]
    w = np.empty(n)
    for _ in range(steps):
        for i in range(2, n):
            w[i] = u[i - 2] + 0.5 * u[i - 1] - alpha * u[i]
        for i in range(2, n):
            u[i] = w[i]
    s = 0.0
    for i in range(n):
        s += math.sin(u[i])
    return s


def forward_diff(u, steps, alpha):              # window 0..1 mirrored, the result in a
    n = u.shape[0]                              # second fresh array
    w = np.empty(n)
    z = np.empty(n)
    for _ in range(steps):
        for i in range(n - 1):
            w[i] = u[i + 1] - alpha * u[i]
        for i in range(n - 1):
            z[i] = 2.0 * w[i]
        for i in range(n - 1):
            u[i] = z[i] + u[i + 1] * 0.0 + 0.25 * w[i]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def rows_into(u, steps, alpha):                 # 2-d: the inner loops over columns
    m, n = u.shape
    w = np.empty((m, n))
    for _ in range(steps):
        for r in range(m):
            for c in range(1, n - 1):
                w[r, c] = u[r, c - 1] - 2.0 * u[r, c] + u[r, c + 1]
        for r in range(m):
            for c in range(1, n - 1):
                u[r, c] = u[r, c] + alpha * w[r, c]
    s = 0.0
    for r in range(m):
        for c in range(n):
            s += u[r, c] * u[r, c]
    return s


def descending_copy(u, steps, alpha):           # the primal walks down: the wraparound guard
    # of a descending index is not folded (ranges.py), the address moves by a select: refused
    n = u.shape[0]
    v = np.empty(n)
    for _ in range(steps):
        for i in range(n - 1, -1, -1):
            v[i] = u[i] * alpha + 1.0
        for i in range(n - 1, 0, -1):
            u[i] = v[i] + u[i - 1]
    s = 0.0
    for i in range(n):
        s += u[i] * math.cos(u[i])
    return s


def strided(u, steps, alpha):                   # step 2: its trip count is taped, the
    # product's operands too: refused
    n = u.shape[0]
    v = np.zeros(n)
    for _ in range(steps):
        for i in range(0, n - 1, 2):
            v[i] = u[i] * u[i + 1]
        for i in range(0, n - 1, 2):
            u[i + 1] = v[i] + alpha * u[i + 1]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def inplace(u, steps, alpha):                   # store and loads on one array: refused
    n = u.shape[0]
    for _ in range(steps):
        for i in range(n - 1):
            u[i] = u[i] * u[i + 1] * alpha + u[i]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def inplace_linear(u, steps, alpha):            # nothing taped, but iteration i's store
    n = u.shape[0]                              # adjoint must see iteration i-1's
    for _ in range(steps):                      # accumulation into du[i]: refused
        for i in range(n - 1):
            u[i] = u[i + 1] * alpha + 1.0     # (one load: no window)
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def last_value(u, steps, alpha):                # a value of the last iteration used after
    n = u.shape[0]                              # the loop (a float phi), an in-place copy:
    # both loops refused
    v = np.empty(n)
    s = 0.0
    for _ in range(steps):
        x = 0.0
        for i in range(n):
            x = u[i] * alpha
            v[i] = x * u[i]
        for i in range(n):
            u[i] = v[i] + u[i]
        s += x * x
    for i in range(n):
        s += u[i]
    return s


# (kernel, loops expected order-free: True = at least one, False = none)
KERNELS = [(laplacian_into, True), (lookahead_into, True), (backward_diff, True),
           (forward_diff, True), (rows_into, True), (descending_copy, False),
           (strided, False), (inplace, False), (inplace_linear, False), (last_value, False)]


@pytest.mark.parametrize("f,expect", KERNELS, ids=[k.__name__ for k, _ in KERNELS])
def test_order_free_vjp(f, expect, capfd):
    shapes = [(3, 5), (2, 2), (1, 3), (4, 1)] if f is rows_into else \
        [(0,), (1,), (2,), (3,), (4,), (9,)]
    for shape in shapes:
        for steps in (0, 1, 3):
            _vjp_check(f, shape, steps)
    zymase.autodiff_reverse(f, Duplicated, Const, Const, ret=Active, print="tape")(
        np.ones(shapes[0]) * 0.3, np.zeros(shapes[0]), 2, 0.5, 1.0)
    report = capfd.readouterr().err
    assert ("(order-free)" in report) == expect, report
    if f in (laplacian_into, lookahead_into, backward_diff, forward_diff, rows_into):
        assert "(add mode), mirrored" in report, report


def scaled_copy(u, a, steps):                   # an Active scalar summed over iterations
    n = u.shape[0]
    v = np.empty(n)
    for _ in range(steps):
        for i in range(n):
            v[i] = u[i] + a * a
        for i in range(n):
            u[i] = 0.5 * v[i] - a
    return np.sum(u * u)


@pytest.mark.parametrize("n", [0, 1, 5, 17])
def test_active_scalar_accumulates_across_iterations(n, capfd):
    rng = np.random.default_rng(n)
    u0 = rng.random(n) * 0.5
    a0, steps = 0.8, 3
    df = zymase.autodiff_reverse(scaled_copy, Duplicated, Active, Const, ret=Active)
    du = np.zeros(n)
    res = df(u0.copy(), du, a0, steps, 1.0)
    da = res[1]
    import numba
    prim = numba.njit(scaled_copy)
    h = 1e-6
    fd_a = (prim(u0.copy(), a0 + h, steps) - prim(u0.copy(), a0 - h, steps)) / (2 * h)
    assert da == pytest.approx(fd_a, rel=1e-6, abs=1e-9)
    v = rng.standard_normal(n)
    fd_u = (prim(u0 + h * v, a0, steps) - prim(u0 - h * v, a0, steps)) / (2 * h)
    assert float(np.dot(du, v)) == pytest.approx(fd_u, rel=1e-6, abs=1e-9)
    zymase.autodiff_reverse(scaled_copy, Duplicated, Active, Const, ret=Active, print="tape")(
        u0.copy(), np.zeros(n), a0, steps, 1.0)
    assert "(order-free)" in capfd.readouterr().err


def test_mirrored_window_float32():
    _vjp_check(laplacian_into, (7,), 3, dtype=np.float32)

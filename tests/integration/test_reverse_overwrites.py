"""Reverse mode on double-buffered stencils: set-mode load adjoints and stores without
zeroing for overwritten temporaries (analysis/overwrites.py).

Each kernel runs through the vector-Jacobian check of test_reverse_stencil.py (central
differences and forward mode, trip counts from zero up, ``dx`` entering non-zero); the tape
report says whether the analysis proved the buffer overwritten.  Kernels it must refuse —
a cell not written every step, a conditional write, a buffer read before it is written —
have to come out exact all the same."""
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Duplicated

from tests.integration.test_reverse_stencil import _vjp_check


def buffered(u, steps, alpha):                  # bench/kernels.py's heat_double_buffer
    n = u.shape[0]
    v = np.empty(n)
    for _ in range(steps):
        v[0] = u[0]
        v[n - 1] = u[n - 1]
        for i in range(1, n - 1):
            v[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        for i in range(n):
            u[i] = v[i] * v[i] * 0.5 + alpha * v[i]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def buffered_nonlinear(u, steps, alpha):        # the buffer's load feeds a product
    n = u.shape[0]
    v = np.empty(n)
    for _ in range(steps):
        for i in range(n - 1):
            v[i] = u[i] * u[i + 1] * alpha
        v[n - 1] = u[0]
        for i in range(n):
            u[i] = np.sin(v[i]) + v[i]
    return u.sum()


def overlapping_writes(u, steps, alpha):        # v[0] written twice per step: the loop's
    n = u.shape[0]                              # store is not the first, keeps zeroing
    v = np.empty(n)
    for _ in range(steps):
        v[0] = u[0] * 3.0
        for i in range(n):
            v[i] = u[i] * alpha + 1.0
        for i in range(n):
            u[i] = v[i] * v[i]
    s = 0.0
    for i in range(n):
        s += u[i]
    return s


def outer_runs(u, steps, alpha):                # the time loop inside another loop, the
    n = u.shape[0]                              # cells the same in every run: proven
    v = np.empty(n)
    for p in range(2):
        for _ in range(steps):
            for i in range(n):
                v[i] = u[i] * alpha + 0.5 * p
            for i in range(n):
                u[i] = v[i] * 2.0 - 0.3
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def growing_runs(u, steps, alpha):              # a later run reads a cell an earlier run
    n = u.shape[0]                              # only writes: the stores' zeroing matters
    v = np.empty(n)
    for p in range(2):
        m = min(n, n - 1 + p)
        for _ in range(steps):
            for i in range(n):
                v[i] = u[i] * alpha + 0.5
            for i in range(m):
                u[i] = v[i] * 2.0 - 0.3
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def first_cell_once(u, steps, alpha):           # v[0] written in the first step only
    n = u.shape[0]
    v = np.empty(n)
    for t in range(steps):
        if t == 0:
            v[0] = u[0]
        v[n - 1] = u[n - 1]
        for i in range(1, n - 1):
            v[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        for i in range(n):
            u[i] = v[i] * u[i]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def conditional_write(u, steps, alpha):         # v[n-1] written only while it is large
    n = u.shape[0]
    v = np.zeros(n)
    for _ in range(steps):
        v[0] = u[0]
        if u[n - 1] > 0.5:
            v[n - 1] = u[n - 1] * alpha
        for i in range(1, n - 1):
            v[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        for i in range(n):
            u[i] = v[i] + 0.1 * u[i]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def read_before_write(u, steps, alpha):         # the buffer is read, then rewritten
    n = u.shape[0]
    v = np.zeros(n)
    for _ in range(steps):
        for i in range(n):
            u[i] = u[i] + alpha * v[i]
        for i in range(n):
            v[i] = u[i] * u[i]
    s = 0.0
    for i in range(n):
        s += u[i] * v[i]
    return s


def buffered_2d(u, steps, alpha):               # 2-D: rows inside the time loop
    m, n = u.shape
    v = np.empty((m, n))
    for _ in range(steps):
        for r in range(m):
            for c in range(n):
                left = u[r, c - 1] if c > 0 else u[r, c]
                right = u[r, c + 1] if c < n - 1 else u[r, c]
                v[r, c] = u[r, c] + alpha * (left - 2.0 * u[r, c] + right)
        for r in range(m):
            for c in range(n):
                u[r, c] = v[r, c] * v[r, c]
    s = 0.0
    for r in range(m):
        for c in range(n):
            s += u[r, c]
    return s


# (kernel, what the tape report must say about the buffer)
KERNELS = [
    (buffered, "loads set 1, stores without zeroing 2 of 3"),
    (buffered_nonlinear, "loads set 1, stores without zeroing 2 of 2"),
    (overlapping_writes, "loads set 1, stores without zeroing 1 of 2"),
    (outer_runs, "loads set 1, stores without zeroing 1 of 1"),
    (growing_runs, "not proven"),
    (first_cell_once, "not proven"),
    (conditional_write, None),
    (read_before_write, None),
    (buffered_2d, None),
]


@pytest.mark.parametrize("f,verdict", KERNELS, ids=[k.__name__ for k, _ in KERNELS])
def test_buffer_vjp(f, verdict, capfd):
    shapes = [(3, 4), (1, 2), (2, 1)] if f is buffered_2d else [(1,), (2,), (3,), (4,), (9,)]
    for shape in shapes:
        for steps in (0, 1, 4):
            _vjp_check(f, shape, steps)
    zymase.autodiff_reverse(f, Duplicated, Const, Const, ret=Active, print="tape")(
        np.ones(shapes[-1]) * 0.7, np.zeros(shapes[-1]), 2, 0.3, 1.0)
    report = capfd.readouterr().err
    if verdict is None:
        assert "loads set 1" not in report
    else:
        assert verdict in report, report

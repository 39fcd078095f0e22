"""Acyclic regions without adjoint work are skipped by the adjoint sweep
(transforms/reverse/regions.py), and exception statuses passed up through inlined callees'
merged returns are recognised as failing paths (analysis/loops.py ``failing_blocks``).

Each function mixes branchy code that does nothing for the derivative (keyword-like integer
modes, index arithmetic under bounds checks, an ``argsort``, a raise on bad input) with
active arithmetic that reads values the skipped code computed (leaves saved before the
region and restored when the sweep skips it, also once per loop iteration).  Gradients are
checked against central differences; the tape plan must report skipped regions."""
import math
import re

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Duplicated

from tests.support import fd_gradient


def modes(x, mode):
    # a region: integer branches only; k and j are read by the adjoint's addressing
    if mode == 1:
        k = 3
    elif mode == 2:
        k = 5
    else:
        k = 7
    j = (k * 7 + mode) % x.shape[0]
    s = 0.0
    for i in range(x.shape[0]):
        s += math.sin(x[i]) * x[(i + k) % x.shape[0]]
    return s + x[j] ** 3


def per_iteration(x, mode):
    # a region inside the loop: its leaves are saved and restored every iteration
    n = x.shape[0]
    s = 0.0
    for i in range(n):
        j = i
        if j % 3 == 0:
            j = (j + mode) % n
        elif j % 3 == 1:
            j = (2 * j + 1) % n
        else:
            if mode > 1:
                j = n - 1 - j
        s += x[i] * math.exp(-x[j])
    return s


def ranked(x, mode):
    # argsort: a sort's branches and loops have no adjoint work; the gather after it does
    r = np.argsort(x)
    n = x.shape[0]
    s = 0.0
    for i in range(n):
        s += x[r[i]] * (i + 1) ** 0.5
    if mode < 0:
        raise ValueError("mode must be non-negative")
    return s + x[r[n - 1]] * x[r[0]]


def checked(x, mode):
    # an exception raised inside a helper on bad input: a failing path through merged
    # returns
    k = _pick(x.shape[0], mode)
    return math.log(x[k]) * x[0] + x[-1] ** 2


@numba.njit
def _pick(n, mode):
    if mode > 100:
        raise IndexError("mode too large")
    if mode % 2 == 0:
        return (mode // 2) % n
    return (n - 1 - mode) % n


CASES = [modes, per_iteration, ranked, checked]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", [0, 1, 2, 3])
def test_gradient_matches_finite_differences(f, mode):
    rng = np.random.default_rng(abs(hash((f.__name__, mode))) % 2**32)
    x0 = 0.3 + rng.random(7)
    prim = numba.njit(f)
    dx = np.zeros(7)
    d = zymase.autodiff_reverse(f, Duplicated, Const, ret=Active)
    y = d(x0.copy(), dx, mode, 1.0)
    assert y == pytest.approx(prim(x0.copy(), mode), rel=1e-14)
    fd = fd_gradient(lambda z: prim(z, mode), x0, 1e-6)
    np.testing.assert_allclose(dx, fd.value, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_regions_are_skipped(f):
    d = zymase.autodiff_reverse(f, Duplicated, Const, ret=Active)
    d(np.linspace(0.5, 1.1, 7), np.zeros(7), 1, 1.0)
    report = str(d.last_tape)
    m = re.search(r"regions the adjoint sweep skips \(no adjoint work, regions.py\): (\d+)",
                  report)
    assert m and int(m.group(1)) >= 1, "the inactive branches should form a skipped region"


def test_exceptions_still_raise_after_skipped_regions():
    d = zymase.autodiff_reverse(checked, Duplicated, Const, ret=Active)
    with pytest.raises(IndexError, match="mode too large"):
        d(np.linspace(0.5, 1.1, 7), np.zeros(7), 101, 1.0)
    d2 = zymase.autodiff_reverse(ranked, Duplicated, Const, ret=Active)
    with pytest.raises(ValueError, match="non-negative"):
        d2(np.linspace(0.5, 1.1, 7), np.zeros(7), -1, 1.0)

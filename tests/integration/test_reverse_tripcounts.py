"""Trip counts the adjoint sweep computes instead of taping (ReverseTransform._plan_trip_counts).

Loops of every ``range`` shape — empty, ascending and descending, steps that do not divide
the span, bounds from arguments and from outer induction variables, ``while`` loops with an
induction variable — are differentiated against central differences, and the tape report
says which loops were computed; a loop that can ``break`` early must keep its taped count."""
import math

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Duplicated

from tests.support import fd_gradient


def ranges(x, a, b):
    s = 0.0
    for i in range(a, b):                    # may be empty
        s += math.sin(x[i % x.shape[0]]) * (i + 1)
    for i in range(a, b, 3):                 # step 3: ceil((b - a) / 3) iterations
        s += x[i % x.shape[0]] ** 2
    for i in range(b, a, -2):                # descending, step -2
        s += math.cos(x[i % x.shape[0]]) * 0.5
    for i in range(x.shape[0]):              # triangular nest: inner bounds from i
        for j in range(i + 1, x.shape[0]):
            s += x[i] * x[j] / (1.0 + j - i)
    return s


def while_loop(x, a, b):
    s = 0.0
    i = a
    while i < b:
        s += math.exp(-x[i % x.shape[0]]) * i
        i += 2
    k = b
    while k >= a:
        s += x[k % x.shape[0]] * 0.25
        k -= 3
    return s


def while_plain(x, a, b):
    """Header tests with steps of 2 and -3 (the count needs a ceiling division)."""
    s = float(a + b)
    i = 0
    while i < x.shape[0] - 1:
        s += x[i] * x[i + 1]
        i += 2
    k = x.shape[0] - 1
    while k > 0:
        s += math.sin(x[k]) * k
        k -= 3
    return s


def early_exit(x, a, b):
    s = 0.0
    for i in range(a, b):
        if x[i % x.shape[0]] > 0.9:
            break
        s += x[i % x.shape[0]] ** 3
    return s


@pytest.mark.parametrize("f", [ranges, while_loop, while_plain, early_exit],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("a,b", [(0, 0), (3, 1), (0, 7), (2, 11), (-4, 5), (5, 6)])
def test_computed_trip_counts(f, a, b):
    rng = np.random.default_rng(abs(hash((f.__name__, a, b))) % 2**32)
    x0 = rng.random(6) * 0.8
    prim = numba.njit(f)
    dx = np.zeros(6)
    y = zymase.autodiff_reverse(f, Duplicated, Const, Const, ret=Active)(x0.copy(), dx, a, b, 1.0)
    assert y == pytest.approx(prim(x0.copy(), a, b), rel=1e-14)
    fd = fd_gradient(lambda z: prim(z, a, b), x0, 1e-6, relative=False).value
    for k in range(6):
        assert dx[k] == pytest.approx(fd[k], rel=1e-6, abs=1e-8)


def test_report_says_which_counts_are_computed(capfd):
    x = np.random.default_rng(0).random(6)
    zymase.autodiff_reverse(ranges, Duplicated, Const, Const, ret=Active, print="tape")(
        x, np.zeros(6), 0, 7, 1.0)
    zymase.autodiff_reverse(early_exit, Duplicated, Const, Const, ret=Active, print="tape")(
        x, np.zeros(6), 0, 7, 1.0)
    zymase.autodiff_reverse(while_plain, Duplicated, Const, Const, ret=Active, print="tape")(
        x, np.zeros(6), 0, 7, 1.0)
    reports = capfd.readouterr().err.split("; ==== zymase tape")
    ranges_report = next(r for r in reports if "ranges" in r)
    early_report = next(r for r in reports if "early_exit" in r)
    computed = ranges_report.split("computed by the adjoint sweep): ")[1].splitlines()[0]
    # the unit-step range, the triangular nest (inner bounds from the outer index): a range
    # with another step gets its count from a branch (a phi), which stays taped
    assert len(computed.split(", ")) >= 3
    taped = early_report.split("taped at exit): ")[1].splitlines()[0]
    assert taped.strip(), "the loop with a break must keep its taped trip count"
    plain = next(r for r in reports if "while_plain" in r)
    assert plain.split("computed by the adjoint sweep): ")[1].splitlines()[0].strip()

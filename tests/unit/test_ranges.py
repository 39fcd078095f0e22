"""The non-negativity analysis (zymase/analysis/ranges.py) and the index-check folding.

Each case is a small function in the shape Numba emits (an index loop next to a countdown),
checked both ways: what must be proven (so the negative-index guard disappears) and what must
not (a wrong fold would make ``a[-1]`` read the wrong element, i.e. a wrong gradient).  The
end-to-end check is that a function that really indexes from the end still differentiates
correctly.
"""
from __future__ import annotations

import numpy as np
import pytest

import zymase
from zymase import Active, Const, Duplicated
from zymase.analysis.ranges import lower_bounds, upper_bounds
from zymase.transforms.sign_checks import fold_sign_checks
from zymase.ir.parser import parse_module

LOOP = r"""
define i64 @f(i64 %n, i64 %m, i64 %start) {
entry:
  %trips = call i64 @llvm.smax.i64(i64 %n, i64 0)
  br label %head
head:
  %i = phi i64 [ 1, %entry ], [ %i.next, %body ]
  %left = phi i64 [ %trips, %entry ], [ %left.next, %body ]
  %down = phi i64 [ %start, %entry ], [ %down.next, %body ]
  %more = icmp sgt i64 %left, 0
  br i1 %more, label %body, label %exit
body:
  %left.next = add nsw i64 %left, -1
  %i.next = add i64 %i, 1
  %down.next = add i64 %down, -1
  %neg = icmp slt i64 %i, 0
  %ip1neg = icmp slt i64 %i, -1
  %dneg = icmp slt i64 %down, 0
  %mneg = icmp slt i64 %m, 0
  %ip1 = add i64 %i, 1
  %big = icmp ugt i64 %ip1, -9223372036854775808
  %sum = add i64 %i, %m
  %sumneg = icmp slt i64 %sum, 0
  %gt0 = icmp sgt i64 %i, 0
  %gt1 = icmp sgt i64 %i, 1
  %downgt0 = icmp sgt i64 %down, 0
  br label %head
exit:
  ret i64 %i
}

declare i64 @llvm.smax.i64(i64, i64)
"""


def _fn():
    return parse_module(LOOP).functions["f"]


def _by_name(fn):
    return {i.name: i for b in fn.blocks for i in b.instructions if i.name}


def test_bounds_of_a_range_loop():
    fn = _fn()
    ub = {v.name: u for v, u in upper_bounds(fn).items()}
    assert ub["trips"] == 2 ** 63 - 1          # smax(n, 0): non-negative, unbounded
    assert ub["i"] == 1 + 2 ** 50              # induction variable from 1, step 1
    assert ub["ip1"] == 2 + 2 ** 50            # i + 1 cannot wrap
    assert "down" not in ub and "down.next" not in ub   # counts down from an unknown start
    assert "sum" not in ub                     # i + m: m may be negative


def test_folds_only_what_is_proven():
    fn = _fn()
    assert fold_sign_checks(fn) == 4           # %neg, %ip1neg, %big, %gt0
    # which comparisons were folded: fold again on a fresh copy, one at a time
    names = _by_name(_fn())
    from zymase.transforms.sign_checks import decided
    fresh = _fn()
    lower = lower_bounds(fresh)
    got = {n: decided(i, lower) for n, i in _by_name(fresh).items() if i.opcode == "icmp"}
    assert got == {"more": None, "neg": False, "ip1neg": False, "dneg": None, "mneg": None,
                   "big": False, "sumneg": None,
                   "gt0": True,        # i starts at 1 and only grows: a[i - 1] never wraps
                   "gt1": None,        # i = 1 in the first iteration
                   "downgt0": None}    # counts down from an unknown start
    assert set(names) >= set(got)


def test_lower_bounds():
    lb = {v.name: l for v, l in lower_bounds(_fn()).items() if v.name}
    assert lb["i"] == 1 and lb["ip1"] == 2 and lb["i.next"] == 2
    assert lb["trips"] == 0                    # smax(n, 0)
    assert "down" not in lb and "sum" not in lb and "left.next" not in lb


def _previous(x, n):
    # x[i - 1] from i = 0 wraps to x[-1]; from i = 1 it never does
    s = 0.0
    for i in range(n):
        s += (i + 1.0) * x[i - 1] ** 2
    for i in range(1, n):
        s += 0.5 * x[i - 1] * x[i]
    return s


def test_previous_element_indices_differentiate_correctly():
    n = 6
    x = np.linspace(0.5, 1.5, n)
    want = np.zeros(n)
    for i in range(n):
        want[(i - 1) % n] += 2.0 * (i + 1.0) * x[(i - 1) % n]
    for i in range(1, n):
        want[i - 1] += 0.5 * x[i]
        want[i] += 0.5 * x[i - 1]
    dx = np.zeros(n)
    zymase.autodiff_reverse(_previous, Duplicated, Const, ret=Active)(x, dx, n, 1.0)
    np.testing.assert_allclose(dx, want, rtol=1e-14)
    t = zymase.autodiff_forward(_previous, zymase.Dual, Const, ret=zymase.DualOnly)(
        x, np.eye(n)[2], n)
    assert t == pytest.approx(want[2], rel=1e-14)


def _from_the_end(x, n):
    # a[-1 - i]: indices that really are negative must keep Python's wraparound
    s = 0.0
    for i in range(n):
        s += (i + 1.0) * x[-1 - i] ** 2
    return s


def test_negative_indices_still_differentiate_correctly():
    x = np.linspace(0.5, 1.5, 6)
    dx = np.zeros(6)
    df = zymase.autodiff_reverse(_from_the_end, Duplicated, Const, ret=Active)
    df(x, dx, 6, 1.0)
    want = np.array([2.0 * (6 - k) * x[k] for k in range(6)])
    np.testing.assert_allclose(dx, want, rtol=1e-14)

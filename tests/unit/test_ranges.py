"""The non-negativity analysis (zymase/analysis/ranges.py) and the index-check folding.

Each case is a small function in the shape Numba emits (an index loop next to a countdown),
checked both ways: what must be proven (so the negative-index guard disappears) and what must
not (a wrong fold would make ``a[-1]`` read the wrong element, i.e. a wrong gradient).  The
end-to-end check is that a function that really indexes from the end still differentiates
correctly.
"""
from __future__ import annotations

import numpy as np

import zymase
from zymase import Active, Const, Duplicated
from zymase.analysis.ranges import upper_bounds
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
    assert fold_sign_checks(fn) == 3           # %neg, %ip1neg, %big
    # which comparisons were folded: fold again on a fresh copy, one at a time
    names = _by_name(_fn())
    from zymase.analysis.ranges import nonnegative_values
    from zymase.transforms.sign_checks import decided
    fresh = _fn()
    nonneg = nonnegative_values(fresh)
    got = {n: decided(i, nonneg) for n, i in _by_name(fresh).items() if i.opcode == "icmp"}
    assert got == {"more": None, "neg": False, "ip1neg": False, "dneg": None, "mneg": None,
                   "big": False, "sumneg": None}
    assert set(names) >= set(got)


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

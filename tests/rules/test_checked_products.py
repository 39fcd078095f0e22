"""Checked products: a zero tangent or adjoint times an infinite partial contributes zero.

Every rule of the derivative table whose partial can be infinite (or NaN) at a finite operand
is exercised exactly there, in both modes, at width 1 and width 4:

* reverse: the singular value ``d`` only feeds a branch that is not taken, so its adjoint is
  zero; unchecked, ``0 · ∞ = NaN`` reached every input the singular operand depends on;
* forward: ``d``'s operand is ``x0 - x0`` (tangent exactly zero in every direction) and ``d`` is
  added to the result, so the tangent must be exactly that of the rest of the result.

``test_every_checked_rule_is_covered`` ties the cases to the table: a new rule with a division
or a pole in a partial needs a case here.  The last tests are regressions of two reverse-mode
bugs at switches with several cases to one block (a global tuple indexed at run time).
"""
from __future__ import annotations

import math

import numba
import numba.extending
import numpy as np
import pytest

import zymase
from zymase import Active, ActiveOnly, Const, Dual, DualOnly, Duplicated
from zymase.rules import table

BIG = 1e300


@numba.extending.intrinsic
def _powi(typingctx, x, n):
    """``llvm.powi.f64.i32(x, n)``, as C compilers emit for ``pow(x, int)``."""
    from llvmlite import ir

    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(ir.DoubleType(), [ir.DoubleType(), ir.IntType(32)])
        f = builder.module.globals.get("llvm.powi.f64.i32") or \
            ir.Function(builder.module, fnty, "llvm.powi.f64.i32")
        return builder.call(f, [args[0], builder.trunc(args[1], ir.IntType(32))])
    return numba.types.float64(numba.types.float64, numba.types.int64), codegen

# rule name -> the singular expression in terms of z = x0 - x0 (== 0.0, tangent 0, active)
SINGULAR = {
    "fdiv": lambda z: 1.0 / z,
    "frem": lambda z: (1.0 + z) % z,
    "sqrt": lambda z: math.sqrt(z),
    "cbrt": lambda z: np.cbrt(z),
    "log": lambda z: math.log(z),
    "log2": lambda z: math.log2(z),
    "log10": lambda z: math.log10(z),
    "log1p": lambda z: math.log1p(z - 1.0),
    "asin": lambda z: math.asin(z + 1.0),
    "acos": lambda z: math.acos(z - 1.0),
    "acosh": lambda z: math.acosh(z + 1.0),
    "atanh": lambda z: math.atanh(z + 1.0),
    "atan2": lambda z: math.atan2(z, z),
    "hypot": lambda z: math.hypot(z, z),
    "pow": lambda z: z ** 0.5,
    "powi": lambda z: _powi(z, -2),    # Numba's own ** never emits llvm.powi; clang does
    "lgamma": lambda z: math.lgamma(z),
    "tgamma": lambda z: math.gamma(z),
}


def _checked_rules():
    rules = dict(table.MATH)
    rules.update(table.INSTRUCTIONS)
    return {name for name, r in rules.items() if any(r.checked)}


def test_every_checked_rule_is_covered():
    # derived from the expressions, not listed: fma has no division, atan/asinh are BOUNDED
    assert _checked_rules() == set(SINGULAR)
    assert not any(table.MATH["atan"].checked) and not any(table.MATH["asinh"].checked)


def test_partials_flagged_from_expressions():
    assert table.INSTRUCTIONS["fdiv"].checked == (True, True)
    assert table.INSTRUCTIONS["fmul"].checked == (False, False)
    assert table.MATH["pow"].checked == (True, True)
    assert table.MATH["sin"].checked == (False,)
    assert table.MATH["sqrt"].checked == (True,)


def _kernels(name):
    op = numba.njit(error_model="numpy")(SINGULAR[name])  # 1/0 is inf, not an exception

    def rev(x):
        z = x[0] - x[0]
        d = op(z)
        s = x[1] * x[1] + x[0]
        if d > BIG and x[2] > 1.0:     # never taken (x2 < 0): d's adjoint is zero
            s += d * x[2]
        return s

    def fwd(x):
        d = op(x[0] - x[0])
        return x[1] * x[1] + x[2] * x[0] + d

    return rev, fwd


def _x():
    return np.array([0.7, 1.3, -0.4])


@pytest.mark.parametrize("name", sorted(SINGULAR))
def test_reverse_zero_adjoint_through_infinite_partial(name):
    rev, _ = _kernels(name)
    x = _x()
    expect = np.array([1.0, 2 * x[1], 0.0])
    g = zymase.grad(rev)(x)
    np.testing.assert_allclose(g, expect, rtol=1e-14, atol=0)
    d4 = zymase.autodiff_reverse(rev, Duplicated, ret=ActiveOnly, width=4)
    dx = np.zeros((4, 3))
    seeds = np.array([1.0, -2.0, 0.5, 0.0])
    d4(x, dx, seeds)
    np.testing.assert_allclose(dx, seeds[:, None] * expect[None, :], rtol=1e-14, atol=0)


@pytest.mark.parametrize("name", sorted(SINGULAR))
def test_forward_zero_tangent_through_infinite_partial(name):
    _, fwd = _kernels(name)
    x = _x()
    grad = np.array([x[2], 2 * x[1], x[0]])
    df = zymase.autodiff_forward(fwd, Dual, ret=DualOnly)
    v = np.array([0.3, -1.1, 2.0])
    assert df(x, v) == pytest.approx(grad @ v, rel=1e-14)
    df4 = zymase.autodiff_forward(fwd, Dual, ret=DualOnly, width=4)
    V = np.random.default_rng(0).standard_normal((4, 3))
    np.testing.assert_allclose(df4(x, V), V @ grad, rtol=1e-13)


def test_issue_reproducer_sqrt_in_untaken_branch():
    def f(x):
        d = np.sqrt(x - x)
        s = x[0]
        for v in d:
            if v > 1e-6:
                s += v
        return s
    np.testing.assert_array_equal(zymase.grad(f)(np.array([1.0, 2.0])), [1.0, 0.0])
    y, t = zymase.jvp(f, (np.array([1.0, 2.0]),), (np.array([0.5, 3.0]),))
    assert (y, t) == (1.0, 0.5)


def test_nonzero_adjoint_still_sees_the_infinity():
    # the guard changes nothing when the adjoint is not zero: d/dx sqrt(x) at 0 is inf
    g = zymase.grad(lambda x: math.sqrt(x))(0.0)
    assert g == math.inf


_C = (0.5, 8.8, 66.1)


def _tuple_coeff(x, i):
    return x * _C[i]


@pytest.mark.parametrize("i", [-3, -2, -1, 0, 1, 2])
def test_global_tuple_indexed_at_run_time(i):
    # Numba lowers the index to a switch with two cases (i and i - 3) per target block
    assert zymase.grad(_tuple_coeff)(2.0, i) == _C[i]
    d = zymase.autodiff_reverse(_tuple_coeff, Active, Const, ret=Active, width=4)
    y, dx = d(2.0, i, np.array([1.0, 2.0, 3.0, 0.0]))
    assert y == 2.0 * _C[i]
    np.testing.assert_array_equal(dx, np.array([1.0, 2.0, 3.0, 0.0]) * _C[i])


def _tuple_of_actives(x, y, i):
    t = (x, y, x * y)
    return t[i] * x


@pytest.mark.parametrize("i", [-3, -2, -1, 0, 1, 2])
def test_phi_adjoint_once_per_predecessor(i):
    # the phi lists the switch block once per case reaching it, always with the same value;
    # that value receives the adjoint once (it was added twice: d/dx x*x came out as 3x)
    x, y = 2.0, 3.0
    expect = {0: (2 * x, 0.0), 1: (y, x), 2: (2 * x * y, x * x)}[i % 3]
    assert zymase.grad(_tuple_of_actives, argnums=(0, 1))(x, y, i) == pytest.approx(expect,
                                                                                   rel=1e-15)
    df = zymase.autodiff_forward(_tuple_of_actives, Dual, Dual, Const, ret=DualOnly)
    assert df(x, 1.0, y, 0.0, i) == pytest.approx(expect[0], rel=1e-15)


def test_internal_errors_name_the_function_and_say_it_is_a_bug(monkeypatch):
    from zymase.transforms.reverse.sweep import AdjointSweep

    def broken(*a, **k):
        raise KeyError("boom")
    monkeypatch.setattr(AdjointSweep, "rule_adjoint", broken)

    def square_it(a):
        return a * a
    with pytest.raises(zymase.InternalError) as e:
        zymase.autodiff_reverse(square_it, Active, ret=Active)(2.0, 1.0)
    msg = str(e.value)
    assert "square_it" in msg and "bug in zymase" in msg and "KeyError" in msg
    assert "define" not in msg   # no IR dump unless ZYMASE_PRINT asks for it

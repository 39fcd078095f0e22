"""Checked products: a zero tangent or adjoint times an infinite partial contributes zero.

Every rule of the derivative table whose partial can be infinite (or NaN) at a finite operand
is exercised exactly there, in both modes, at width 1 and width 4:

* reverse: the singular value ``d`` only feeds a branch that is not taken, so its adjoint is
  zero; unchecked, ``0 · ∞ = NaN`` reached every input the singular operand depends on;
* forward: ``d``'s operand is ``x0 - x0`` (tangent exactly zero in every direction) and ``d`` is
  added to the result, so the tangent must be exactly that of the rest of the result.

``test_every_checked_rule_is_covered`` ties the cases to the table: a new rule with a division
or a pole in a partial needs a case here.  The SciPy special functions' rules are exercised the
same way at their singular points (poles, log 0, the inverses of distribution functions at
p = 0 and 1), all in one kernel with one input and one output per point.  The last tests are regressions of two reverse-mode
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


# -- SciPy special functions (rules.table.SCIPY_SPECIAL) -------------------------------------
# name -> points where a partial is infinite or NaN although every operand is finite (a pole
# of the function or of its derivative, log 0, a density that is infinite at an end point);
# operand k of each point is perturbed by z = x_j - x_j (zero, tangent zero, active)
SCIPY_SINGULAR = [
    ("gammaln", (0.0,), 0), ("loggamma", (0.0,), 0), ("rgamma", (0.0,), 0),
    ("rgamma", (-2.0,), 0), ("psi", (0.0,), 0), ("logit", (0.0,), 0), ("logit", (1.0,), 0),
    ("y0", (0.0,), 0), ("y1", (0.0,), 0), ("k0", (0.0,), 0), ("k1", (0.0,), 0),
    ("k0e", (0.0,), 0), ("k1e", (0.0,), 0), ("yv", (1.5, 0.0), 1), ("kv", (1.5, 0.0), 1),
    ("kve", (1.5, 0.0), 1), ("xlogy", (0.0, 0.0), 0), ("xlogy", (1.3, 0.0), 1),
    ("xlog1py", (1.3, -1.0), 1), ("entr", (0.0,), 0), ("rel_entr", (0.0, 0.7), 0),
    ("kl_div", (0.0, 0.7), 0), ("exp1", (0.0,), 0), ("expi", (0.0,), 0),
    ("spence", (0.0,), 0), ("boxcox", (0.0, 0.5), 0), ("boxcox1p", (-1.0, 0.5), 0),
    ("powm1", (0.0, 0.5), 0), ("powm1", (0.0, 2.0), 1), ("gammainc", (0.5, 0.0), 1),
    ("gammaincc", (0.5, 0.0), 1), ("betainc", (0.5, 2.0, 0.0), 2),
    ("betaincc", (0.5, 2.0, 0.0), 2), ("gammaincinv", (2.5, 0.0), 1),
    ("chndtr", (0.0, 1.0, 2.0), 0),
    # inverses of distribution functions at p = 0 or 1: the result and its slope are infinite
    ("ndtri", (0.0,), 0), ("ndtri", (1.0,), 0), ("erfinv", (1.0,), 0), ("erfinv", (-1.0,), 0),
    ("erfcinv", (0.0,), 0), ("erfcinv", (2.0,), 0), ("ndtri_exp", (0.0,), 0),
]


def _scipy_cfunc(name, nargs):
    """SciPy's double-precision ``name`` through its Cython address, as numba-scipy users
    call it (a ctypes prototype over ``get_cython_function_address``)."""
    import ctypes

    import scipy.special.cython_special as cs
    for export in [name] + [f"__pyx_fuse_{k}{name}" for k in range(3)]:
        cap = cs.__pyx_capi__.get(export)
        if cap is not None and str(cap).split('"')[1].startswith("double ("):
            addr = numba.extending.get_cython_function_address(
                "scipy.special.cython_special", export)
            return ctypes.CFUNCTYPE(ctypes.c_double, *[ctypes.c_double] * nargs)(addr)
    raise LookupError(name)


def _scipy_kernels():
    """Forward mode runs at width 4 only (its lanes are width 1's code, and each compile of
    this kernel costs seconds).  rev(x): x1² + x0, plus, for term j, ``d_j = F_j(x[3+j] - x[3+j] + c_j, ...)`` feeding
    a branch that is never taken (x2 < 0); fwd(x, out): out[0] = x1² + x2 x0 and
    out[1+j] = d_j.  Every term has its own active input (reverse) and output (forward), so
    a NaN names its function."""
    env, rev_terms, fwd_terms = {}, [], []
    for j, (name, args, k) in enumerate(SCIPY_SINGULAR):
        env[f"F{j}"] = _scipy_cfunc(name, len(args))
        call = ", ".join(f"(x[{3 + j}] - x[{3 + j}] + {a!r})" if i == k else repr(a)
                         for i, a in enumerate(args))
        rev_terms.append(f"    d = F{j}({call})\n    if d > BIG and x[2] > 1.0:\n"
                         f"        s += d * x[2]")
        fwd_terms.append(f"    out[{1 + j}] = F{j}({call})")
    env["BIG"] = BIG
    src = ("def rev(x):\n    s = x[1] * x[1] + x[0]\n" + "\n".join(rev_terms) + "\n    return s\n"
           "def fwd(x, out):\n    out[0] = x[1] * x[1] + x[2] * x[0]\n" + "\n".join(fwd_terms)
           + "\n")
    exec(src, env)
    x = np.concatenate([_x(), np.linspace(0.3, 0.9, len(SCIPY_SINGULAR))])
    return numba.njit(env["rev"]), numba.njit(env["fwd"]), x


def test_scipy_singular_operands_are_checked():
    # the table flags every operand listed above (derived from the expressions: exp of the
    # result flags the inverses of distribution functions)
    for name, args, k in SCIPY_SINGULAR:
        assert table.SCIPY_SPECIAL[name].checked[k], (name, k)
    assert not any(table.SCIPY_SPECIAL["ndtr"].checked)


def test_scipy_slopes_at_singular_points_closed_forms():
    """Where the function is finite the slope is a number, not 0 · ∞: d/dx 1/Γ(x) at
    x = -n is (-1)^n n!; d/dλ of powm1(0, λ) = -1 is 0; d/dλ boxcox(0, λ) = 1/λ²."""
    rg = _scipy_cfunc("rgamma", 1)
    pm, bc, bc1 = (_scipy_cfunc(n, 2) for n in ("powm1", "boxcox", "boxcox1p"))

    def f(x):
        return rg(x)

    def g(x, lam):
        return pm(x, lam) + bc(x, lam) + 0.5 * bc1(x - 1.0, lam)

    df = zymase.autodiff_forward(f, Dual, ret=DualOnly)
    for n in range(4):
        assert zymase.grad(f)(-float(n)) == (-1) ** n * math.factorial(n)
        assert df(-float(n), 1.0) == (-1) ** n * math.factorial(n)
    for lam in (0.5, 2.0):
        want = 1.5 / lam ** 2
        assert zymase.grad(g, argnums=1)(0.0, lam) == pytest.approx(want, rel=1e-14)
        _, t = zymase.jvp(g, (0.0, lam), (0.0, 1.0))
        assert t == pytest.approx(want, rel=1e-14)


def test_scipy_zero_adjoint_and_tangent_through_infinite_partials():
    rev, fwd, x = _scipy_kernels()
    names = [f"{n}{a}" for n, a, _ in SCIPY_SINGULAR]
    expect = np.zeros_like(x)
    expect[:3] = [1.0, 2 * x[1], 0.0]
    # reverse, width 1 and 4: each singular term's own input gets exactly zero
    g = zymase.grad(rev)(x)
    bad = [names[j] for j in range(len(names)) if not g[3 + j] == 0.0]
    assert not bad, f"reverse: NaN/nonzero adjoint through {bad}"
    np.testing.assert_allclose(g, expect, rtol=1e-14, atol=0)
    d4 = zymase.autodiff_reverse(rev, Duplicated, ret=ActiveOnly, width=4)
    dx = np.zeros((4, x.size))
    seeds = np.array([1.0, -2.0, 0.5, 0.0])
    d4(x, dx, seeds)
    np.testing.assert_allclose(dx, seeds[:, None] * expect[None, :], rtol=1e-14, atol=0)
    # forward, width 4 (lane 3 is the zero direction): the singular outputs' tangents are
    # exactly zero in every lane
    grad0 = np.zeros_like(x)
    grad0[:3] = [x[2], 2 * x[1], x[0]]
    df4 = zymase.autodiff_forward(fwd, Dual, Dual, ret=Const, width=4)
    V = np.random.default_rng(1).standard_normal((4, x.size))
    V[3] = 0.0
    out = np.zeros(1 + len(names))
    T = np.zeros((4, out.size))
    df4(x, V, out, T)
    bad = [names[j] for j in range(len(names)) if not np.all(T[:, 1 + j] == 0.0)]
    assert not bad, f"forward: NaN/nonzero tangent through {bad}"
    np.testing.assert_allclose(T[:, 0], V @ grad0, rtol=1e-13)

"""The JAX vocabulary's conventions and its fast path (issue 13).

- ``hvp(f, primals, tangents, argnums)`` is the tangent output of
  ``jax.jvp(jax.grad(f, argnums), primals, tangents)``: checked against central differences
  of zymase's gradient (five-point stencil, error O(h^4), rtol 1e-8) for multi-argument
  functions with scalar, array and integer arguments, tangents on arguments inside and
  outside ``argnums``, and the one-tangent shorthand of single-argument functions.
- ``hessian`` with a tuple of argnums gives JAX's nested tuple of blocks.
- ``jvp`` / ``vjp`` / ``grad`` take JAX's arguments (tuples of primals and tangents,
  ``None`` or zeros for non-float arguments) and refuse wrong ones before any code runs.
- The fast path: arrays the function only reads are passed as they are, arrays it may
  write are copied (``Derivative.written_arguments``), and no caller array is ever modified
  — in-place functions, scratch arguments, Fortran order, strided views, read-only arrays.
"""
from __future__ import annotations

import math
import types

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual, Duplicated
from zymase import plans

from tests.support import central_difference, fd_jvp

RTOL = 1e-8


def energy(x, w):
    """Weighted pairwise energy: array × array → float, every second derivative non-zero."""
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(i + 1, x.shape[0]):
            d = x[i] - x[j]
            s += w[i] * w[j] / (1.0 + d * d)
    return s


def mixed(x, a, n, b):
    """Array, float, int, float → float."""
    s = 0.0
    for i in range(n):
        s += math.sin(a * x[i]) * b * b + x[i] ** 3 * a + math.exp(-b * x[i])
    return s


def scal(a, b):
    return math.exp(a) * b + a * b * b + math.sin(a * a)


def cube(a):
    return a * a * a + math.sin(a)


def inplace(x, a):
    """Scales its input in place, then reads it."""
    s = 0.0
    for i in range(x.shape[0]):
        x[i] = x[i] * a
        s += math.sin(x[i]) * x[i]
    return s


def scratch(x, work):
    """Uses its second (constant) argument as scratch space for weights."""
    for i in range(x.shape[0]):
        work[i] = 1.0 + 0.5 * i
    s = 0.0
    for i in range(x.shape[0]):
        s += work[i] * x[i] * x[i] * x[i]
    return s


def mat(A):
    s = 0.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            s += math.sin(A[i, j]) * (i + 1) + A[i, j] * A[i, j] * j
    return s


def dot_sum(x, y):
    return np.dot(x, y) * x[0]


RNG = np.random.default_rng(13)
X = RNG.uniform(-1.0, 1.0, 6)
W = RNG.uniform(0.5, 1.5, 6)
V = RNG.standard_normal(6)
U = RNG.standard_normal(6)


# finite differences (tests/support.py): central differences at steps 2e-3 and 1e-3, Richardson-
# extrapolated, i.e. the five-point stencil with h = 1e-3; tuple results differentiated leaf by leaf
STEP = 2e-3


def close(a, b, rtol=RTOL):
    if isinstance(b, tuple):
        assert isinstance(a, tuple) and len(a) == len(b)
        for p, q in zip(a, b):
            close(p, q, rtol)
        return
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    scale = max(1.0, float(np.max(np.abs(b)))) if b.size else 1.0
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale)


# -- hvp ------------------------------------------------------------------------------------------
def test_hvp_tuple_tangents_the_issue_case():
    """``hvp(energy, (x, w), (v, zeros_like(w)))`` used to fail with a reshape error."""
    x, w = X.copy(), W.copy()
    g = zymase.grad(energy)
    want = fd_jvp(g, (X, W), (V, None), STEP).value
    close(zymase.hvp(energy, (x, w), (V, np.zeros_like(W))), want)
    close(zymase.hvp(energy, (x, w), (V, None)), want)
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(w, W)


def test_hvp_tangent_on_an_argument_outside_argnums():
    """Mixed second derivatives: grad w.r.t. x, pushed along a tangent of w only, and of both."""
    g = zymase.grad(energy)
    close(zymase.hvp(energy, (X, W), (None, U)), fd_jvp(g, (X, W), (None, U), STEP).value)
    close(zymase.hvp(energy, (X, W), (V, U)), fd_jvp(g, (X, W), (V, U), STEP).value)
    g1 = zymase.grad(energy, argnums=1)
    close(zymase.hvp(energy, (X, W), (V, None), argnums=1),
          fd_jvp(g1, (X, W), (V, None), STEP).value)


def test_hvp_tuple_argnums():
    g = zymase.grad(energy, argnums=(0, 1))
    hv = zymase.hvp(energy, (X, W), (V, U), argnums=(0, 1))
    assert isinstance(hv, tuple) and len(hv) == 2
    close(hv, fd_jvp(g, (X, W), (V, U), STEP).value)


def test_hvp_scalar_array_and_int_arguments():
    a, n, b, da, db = 0.7, X.size, 1.3, -0.4, 0.9
    g = zymase.grad(mixed, argnums=(0, 1, 3))
    want = fd_jvp(g, (X, a, n, b), (V, da, None, db), STEP).value
    hv = zymase.hvp(mixed, (X, a, n, b), (V, da, None, db), argnums=(0, 1, 3))
    assert isinstance(hv[1], float) and isinstance(hv[2], float)
    close(hv, want)
    # zeros for the integer argument are "no tangent", like JAX's float0 zeros
    close(zymase.hvp(mixed, (X, a, n, b), (V, da, 0, db), argnums=(0, 1, 3)), want)
    # an int argnums gives one entry, the same as the tuple's
    close(zymase.hvp(mixed, (X, a, n, b), (V, da, None, db), argnums=1), want[1])
    close(zymase.hvp(mixed, (X, a, n, b), (V, da, None, db), argnums=-1), want[2])


def test_hvp_scalars():
    g = zymase.grad(scal, argnums=(0, 1))
    close(zymase.hvp(scal, (0.3, 1.2), (0.5, -0.7), argnums=(0, 1)),
          fd_jvp(g, (0.3, 1.2), (0.5, -0.7), STEP).value)


def test_hvp_shorthand_only_for_single_argument_functions():
    close(zymase.hvp(cube, (0.4,), 2.0),
          2.0 * fd_jvp(zymase.grad(cube), (0.4,), (1.0,), STEP).value)
    with pytest.raises(zymase.ActivityError, match="tuple of tangents"):
        zymase.hvp(energy, (X, W), V)
    with pytest.raises(zymase.ActivityError, match="2 primals and 1 tangents"):
        zymase.hvp(energy, (X, W), (V,))
    with pytest.raises(zymase.ShadowError, match=r"shape \(5,\)"):
        zymase.hvp(energy, (X, W), (V[:5], None))
    with pytest.raises(zymase.ActivityError, match="no tangent"):
        zymase.hvp(mixed, (X, 0.7, X.size, 1.3), (V, None, 1, None))


def test_hvp_of_an_in_place_function_is_at_the_entry_values():
    x = X.copy()
    g = zymase.grad(inplace, argnums=(0, 1))
    hv = zymase.hvp(inplace, (x, 1.3), (V, 0.2), argnums=(0, 1))
    np.testing.assert_array_equal(x, X)
    close(hv, fd_jvp(g, (X, 1.3), (V, 0.2), STEP).value)


# -- hessian --------------------------------------------------------------------------------------
def test_hessian_tuple_argnums_nested_blocks():
    a, n, b = 0.7, X.size, 1.3
    H = zymase.hessian(mixed, argnums=(0, 1, 3), width=4)(X, a, n, b)
    assert len(H) == 3 and all(len(row) == 3 for row in H)
    assert H[0][0].shape == (6, 6) and H[0][1].shape == (6,) and H[1][0].shape == (6,)
    assert isinstance(H[1][1], float) and isinstance(H[1][2], float)
    g = zymase.grad(mixed, argnums=(0, 1, 3))
    cols = [fd_jvp(g, (X, a, n, b), {0: np.eye(6)[k]}, STEP).value for k in range(6)]
    close(H[0][0], np.stack([c[0] for c in cols], axis=1))
    close(H[1][0], np.array([c[1] for c in cols]))
    close(H[2][0], np.array([c[2] for c in cols]))
    ga = fd_jvp(g, (X, a, n, b), {1: 1.0}, STEP).value
    close(H[0][1], ga[0])
    close(H[1][1], ga[1])
    close(H[1][2], fd_jvp(g, (X, a, n, b), {3: 1.0}, STEP).value[1])
    close(H[0][2], H[2][0], rtol=1e-13)
    close(H[0][0], H[0][0].T, rtol=1e-13)
    # an int argnums is the diagonal block
    close(zymase.hessian(mixed, argnums=0)(X, a, n, b), H[0][0], rtol=1e-13)


# -- jvp / vjp / grad conventions -----------------------------------------------------------------
def test_jvp_takes_tuples_and_zero_tangents_for_ints():
    a, n, b = 0.7, X.size, 1.3
    p = numba.njit(mixed)
    want = fd_jvp(p, (X, a, n, b), (V, 0.5, None, None), STEP).value
    y, t = zymase.jvp(mixed, (X, a, n, b), (V, 0.5, None, None))
    assert y == pytest.approx(p(X, a, n, b), rel=1e-14)
    close(t, want)
    close(zymase.jvp(mixed, [X, a, n, b], [V, 0.5, 0, 0.0])[1], want)
    close(zymase.jvp(mixed, (X, a, n, b), (list(V), 0.5, None, None))[1], want)   # array-like
    close(zymase.jvp(mixed, (X, a, n, b), (V.astype(np.float32), 0.5, None, None))[1],
          fd_jvp(p, (X, a, n, b), (V.astype(np.float32), 0.5, None, None), STEP).value)
    with pytest.raises(zymase.ActivityError, match="no tangent"):
        zymase.jvp(mixed, (X, a, n, b), (V, 0.5, 1, None))
    with pytest.raises(zymase.ShadowError, match=r"shape \(6, 1\)"):
        zymase.jvp(mixed, (X, a, n, b), (V[:, None], 0.5, None, None))
    with pytest.raises(zymase.ActivityError, match="tuple of primals"):
        zymase.jvp(mixed, (X, a, n, b), V)


def test_vjp_back_with_any_seed_and_fresh_arrays():
    """back(1.0) first hands over what vjp computed; other seeds and later calls run the
    reverse sweep again with their seed — the same numbers as the activity API seeded so."""
    a, n, b = 0.7, X.size, 1.3
    x = X.copy()
    y, back = zymase.vjp(mixed, x, a, n, b)
    d = zymase.autodiff_reverse(mixed, Duplicated, Active, Const, Active, ret=Active)

    def seeded(c):
        dx = np.zeros(6)
        r = d(X.copy(), dx, a, n, b, c)
        return r[0], (dx, r[1], r[2])
    assert y == seeded(1.0)[0]
    gx, ga, gn, gb = back(1.0)
    assert gn is None
    close((gx, ga, gb), seeded(1.0)[1], rtol=1e-15)
    gx[:] = 0.0                                     # the caller owns what back returned
    again = back(1.0)
    assert again[0] is not gx
    close((again[0], again[1], again[3]), seeded(1.0)[1], rtol=1e-15)
    for c in (-2.5, 0.0):
        r = back(c)
        close((r[0], r[1], r[3]), seeded(c)[1], rtol=1e-15)
    y2, back2 = zymase.vjp(mixed, x, a, n, b)
    r = back2(3.0)                                  # a first call with another seed
    close((r[0], r[1], r[3]), seeded(3.0)[1], rtol=1e-15)
    np.testing.assert_array_equal(x, X)
    with pytest.raises(zymase.ShadowError, match="float"):
        back(np.ones(2))


def test_grad_argnums_conventions():
    a, n, b = 0.7, X.size, 1.3
    g_int = zymase.grad(mixed, argnums=1)(X, a, n, b)
    g_tup = zymase.grad(mixed, argnums=(1,))(X, a, n, b)
    assert isinstance(g_int, float) and isinstance(g_tup, tuple) and len(g_tup) == 1
    assert g_tup[0] == g_int
    with pytest.raises(zymase.ActivityError, match="cannot be differentiated"):
        zymase.grad(mixed, argnums=2)(X, a, n, b)
    with pytest.raises(zymase.ActivityError, match="out of range"):
        zymase.grad(mixed, argnums=4)(X, a, n, b)


# -- the caller's arrays are never modified -------------------------------------------------------
def test_written_arguments_analysis():
    d = zymase.autodiff_reverse(inplace, Duplicated, Active, ret=Active)
    assert d.written_arguments(X, np.zeros(6), 1.3, 1.0) == (True, False)
    d = zymase.autodiff_reverse(scratch, Duplicated, Const, ret=Active)
    assert d.written_arguments(X, np.zeros(6), np.zeros(6), 1.0) == (False, True)
    d = zymase.autodiff_forward(dot_sum, Dual, Dual, ret=Dual)       # BLAS ddot reads only
    assert d.written_arguments(X, V, W, U) == (False, False)
    d = zymase.autodiff_reverse(energy, Duplicated, Const, ret=Active)
    assert d.written_arguments(X, np.zeros(6), W, 1.0) == (False, False)


def _plan_sources(fn):
    return [p.source for p in plans.store_for(fn).values() if hasattr(p, "source")]


def test_read_only_arguments_are_not_copied_written_ones_are():
    def plan(fn, *args):
        fresh = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_again")
        zymase.grad(fresh)(*args)
        (src,) = _plan_sources(fresh)
        return src
    src = plan(energy, X, W)
    assert "copy" not in src and "np.array" not in src, src
    src = plan(inplace, X.copy(), 1.3)
    assert "c0 = a0.copy('C')" in src, src


@pytest.mark.parametrize("api", ["grad", "value_and_grad", "jvp", "vjp", "hvp", "hessian",
                                 "jacobian"])
def test_caller_arrays_untouched_by_in_place_and_scratch_functions(api):
    x, v, work = X.copy(), V.copy(), np.full(6, 7.0)
    p_in, p_sc = numba.njit(inplace), numba.njit(scratch)
    for f, args, p in ((inplace, (x, 1.3), lambda x: p_in(x.copy(), 1.3)),
                       (scratch, (x, work), lambda x: p_sc(x, np.zeros(6)))):
        want = fd_jvp(p, (X,), (v,), STEP).value
        if api == "grad":
            r = zymase.grad(f)(*args) @ v
        elif api == "value_and_grad":
            r = zymase.value_and_grad(f)(*args)[1] @ v
        elif api == "jvp":
            r = zymase.jvp(f, args, (v, None))[1]
        elif api == "vjp":
            r = zymase.vjp(f, *args)[1](1.0)[0] @ v
        elif api == "hvp":
            r = zymase.hvp(f, args, (v, None)) @ v
            # the caller's other arguments themselves (not copies): they must stay unchanged
            want = central_difference(lambda t: zymase.grad(f)(X + t * v, *args[1:]) @ v,
                                      STEP).value
        elif api == "hessian":
            r = v @ zymase.hessian(f)(*args) @ v
            # the caller's other arguments themselves (not copies): they must stay unchanged
            want = central_difference(lambda t: zymase.grad(f)(X + t * v, *args[1:]) @ v,
                                      STEP).value
        else:
            r = zymase.jacobian(f)(*args) @ v
        close(r, want)
        for _ in range(2):       # the cached plan too
            zymase.grad(f)(*args)
            zymase.jvp(f, args, (v, None))
        np.testing.assert_array_equal(x, X)
        np.testing.assert_array_equal(v, V)
        np.testing.assert_array_equal(work, 7.0)


@pytest.mark.parametrize("layout", ["C", "F", "strided", "readonly"])
def test_layouts_give_the_gradient_and_leave_the_input(layout):
    rng = np.random.default_rng(3)
    base = rng.uniform(-1.0, 1.0, (4, 6))
    A = {"C": base.copy(), "F": np.asfortranarray(base), "strided": np.repeat(base, 2, 1)[:, ::2],
         "readonly": base.copy()}[layout]
    if layout == "readonly":
        A.flags.writeable = False
    keep = A.copy()
    p = numba.njit(mat)
    D = rng.standard_normal((4, 6))
    want = central_difference(lambda t: p(np.ascontiguousarray(base + t * D)), STEP).value
    for _ in range(2):
        g = zymase.grad(mat)(A)
        assert g.shape == (4, 6)
        close(np.sum(g * D), want)
        y, t = zymase.jvp(mat, (A,), (D,))
        close(t, want)
        np.testing.assert_array_equal(A, keep)


def test_a_second_grad_object_reuses_the_compiled_derivative():
    """grad, value_and_grad, vjp objects made anew each time share one derivative per
    activity pattern and return value (ActiveOnly for grad, Active for the others)."""
    def derivatives():
        return [k for k in plans.store_for(cube) if k[0] == "derivative"]
    zymase.grad(cube)(0.3)
    zymase.value_and_grad(cube)(0.3)
    first = derivatives()
    for t in (0.5, 0.7, 0.9):
        zymase.grad(cube)(t)
        zymase.value_and_grad(cube)(t)
        y, back = zymase.vjp(cube, t)
        close(back(1.0)[0], zymase.grad(cube)(t), rtol=1e-15)
    assert derivatives() == first and len(first) == 2

"""Lists passed in with a shadow list and lists returned (transforms/list_args.py).

A Python list of floats or of float arrays passed ``Duplicated`` / ``Dual`` (or
differentiated by ``grad``, ``jvp``, ``vjp``), a list built in ``@njit`` code passed to a
derivative called from there, and list results (forward mode's tangent list, ``vjp`` with a
list of cotangents): each against central finite differences in both modes with the
dot-product test ⟨J v, w⟩ = ⟨v, Jᵀ w⟩ between them; the run-time shadow checks from Python and
from ``@njit``; what is refused says so by name and leaves the caller's lists intact."""
import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import zymase
from zymase import Active, Const, Dual, Duplicated
from zymase.errors import ActivityError, ShadowError, UnsupportedError
from tests.support import assert_fd_close, assert_nrt_balanced, check_dot_product, \
    fd_gradient, fd_jacobian

pytestmark = pytest.mark.filterwarnings(
    "ignore::numba.core.errors.NumbaPendingDeprecationWarning")

X = [0.31, -0.72, 1.13, 0.45, -0.18, 0.92]


@numba.njit
def iterated(xs):
    s = 0.0
    for v in xs:
        s += math.sin(v)
    return s * xs[0] + sum(xs) * xs[-1]


@numba.njit
def comprehension_over(xs):
    L = [math.exp(0.3 * v) * v for v in xs]
    return sum(L) * max(xs) + L[len(L) // 2]


@numba.njit
def copied_then_grown(xs):
    L = list(xs)                     # a new list: this one may grow
    L.append(xs[0] * xs[1])
    M = xs[1:4]
    return sum(L) * L[-1] + M[0] * M[2] + sorted(xs)[0]


@numba.njit
def assigned_into(xs):
    xs[1] = xs[1] * xs[0]            # the function writes the list passed in
    xs[0] = 3.0
    s = 0.0
    for k, v in enumerate(xs):
        s += (k + 1.0) * v * v
    return s


@numba.njit
def to_array(xs):
    a = np.array(xs)
    return np.sum(np.sin(a) * a)


FLOAT_LISTS = [iterated, comprehension_over, copied_then_grown, assigned_into, to_array]
IDS = [f.__name__ for f in FLOAT_LISTS]


def _list_fd(f, xs):
    return fd_gradient(lambda v: f(list(v)), np.array(xs))


@pytest.mark.parametrize("f", FLOAT_LISTS, ids=IDS)
def test_float_list_both_modes(f):
    want = _list_fd(f, X)
    xs, dxs = list(X), [0.0] * len(X)
    y = zymase.autodiff_reverse(f, Duplicated, ret=Active)(xs, dxs, 1.0)
    assert y == pytest.approx(f(list(X)), rel=1e-14)
    assert isinstance(dxs, list) and len(dxs) == len(X)
    assert_fd_close(dxs, want, 1e-6, 1e-9, what="reverse")
    v = list(np.linspace(-1.0, 0.7, len(X)))
    y, t = zymase.autodiff_forward(f, Dual, ret=Dual)(list(X), list(v))
    assert t == pytest.approx(float(np.dot(v, want.value)), rel=1e-6)
    check_dot_product([t], [float(np.dot(v, dxs))])
    # the JAX vocabulary: a list's gradient is a list; the caller's list is left alone
    xs = list(X)
    g = zymase.grad(f)(xs)
    assert xs == X and isinstance(g, list)
    np.testing.assert_allclose(g, dxs, rtol=1e-14)
    y2, t2 = zymase.jvp(f, (xs,), (np.array(v),))
    assert xs == X and t2 == pytest.approx(t, rel=1e-14)
    _, back = zymase.vjp(f, xs)
    np.testing.assert_allclose(back(2.0)[0], 2.0 * np.array(dxs), rtol=1e-14)


def test_duplicated_list_accumulates_and_writes_back():
    # as for an array: the shadow list holds the adjoints of the final items on entry (here 1)
    # and the adjoints of the initial items on return; the function's writes reach the
    # caller's list (xs[0] = 3.0: its seed goes nowhere; xs[1] = xs[1] * xs[0]: its seed
    # adds xs[0] and xs[1]'s initial values crosswise)
    xs, dxs = list(X), [1.0] * len(X)
    zymase.autodiff_reverse(assigned_into, Duplicated)(xs, dxs, 1.0)
    assert xs[0] == 3.0 and xs[1] == pytest.approx(X[1] * X[0], rel=1e-15)
    ref = [0.0] * len(X)
    zymase.autodiff_reverse(assigned_into, Duplicated)(list(X), ref, 1.0)
    want = np.array(ref) + [X[1], X[0], 1.0, 1.0, 1.0, 1.0]
    np.testing.assert_allclose(dxs, want, rtol=1e-14)


@numba.njit
def two_lists(x, xs, c, ys):
    s = 0.0
    for a, b in zip(xs, ys):
        s += a * b * b * x[0]
    return s + c * xs[0]


def test_two_lists_with_arrays_and_scalars():
    ys = [1.0, 2.0, 3.0, -1.0, 0.5, 0.25]
    x = np.array([1.5])
    dx, dxs, dys = np.zeros(1), [0.0] * 6, [0.0] * 6
    _, dc = zymase.autodiff_reverse(two_lists, Duplicated, Duplicated, Active, Duplicated)(
        x, dx, list(X), dxs, 0.7, list(ys), dys, 1.0)
    xa, ya = np.array(X), np.array(ys)
    np.testing.assert_allclose(dxs, ya ** 2 * 1.5 + np.eye(6)[0] * 0.7, rtol=1e-14)
    np.testing.assert_allclose(dys, 2 * xa * ya * 1.5, rtol=1e-14)
    assert dx[0] == pytest.approx(float(np.sum(xa * ya ** 2)), rel=1e-14)
    assert dc == pytest.approx(X[0], rel=1e-15)
    g = zymase.grad(two_lists, (1, 3))(x, list(X), 0.7, ys)
    np.testing.assert_allclose(g[0], dxs, rtol=1e-14)
    np.testing.assert_allclose(g[1], dys, rtol=1e-14)


# -- lists of arrays --------------------------------------------------------------------------

@numba.njit
def arrays_read(xs):
    s = 0.0
    for a in xs:
        s += np.sum(np.sin(a) * a[0])
    return s * xs[0][1]


@numba.njit
def arrays_written(xs):
    xs[0][:] = xs[1] * xs[0]         # elements of an array of the list written in place
    return np.sum(xs[0] * xs[0]) + xs[1][0] * xs[2][1]


A = [np.array([0.1, 0.2]), np.array([0.5, 0.6]), np.array([-0.3, 0.8])]


def _flat_fd(f, arrays):
    sizes = np.cumsum([0] + [a.size for a in arrays])

    def flat(v):
        return f([v[sizes[k]:sizes[k + 1]].copy() for k in range(len(arrays))])
    return fd_gradient(flat, np.concatenate(arrays)), sizes


@pytest.mark.parametrize("f", [arrays_read, arrays_written])
def test_array_list_both_modes(f):
    want, sizes = _flat_fd(f, A)
    xs = [a.copy() for a in A]
    dxs = [np.zeros_like(a) for a in A]
    zymase.autodiff_reverse(f, Duplicated)(xs, dxs, 1.0)
    assert_fd_close(np.concatenate(dxs), want, 1e-6, 1e-9, what="reverse")
    rng = np.random.default_rng(1)
    v = [rng.uniform(-1, 1, a.shape) for a in A]
    _, t = zymase.autodiff_forward(f, Dual)([a.copy() for a in A], [w.copy() for w in v])
    vflat = np.concatenate(v)
    assert t == pytest.approx(float(vflat @ want.value), rel=1e-6)
    check_dot_product([t], [float(vflat @ np.concatenate(dxs))])
    xs = [a.copy() for a in A]
    g = zymase.grad(f)(xs)
    assert all(np.array_equal(a, b) for a, b in zip(xs, A))    # grad copies what f writes
    for a, b in zip(g, dxs):
        np.testing.assert_allclose(a, b, rtol=1e-14)
    _, t2 = zymase.jvp(f, (xs,), (v,))
    assert t2 == pytest.approx(t, rel=1e-14)


def test_non_contiguous_arrays_in_a_list():
    base = np.arange(12.0).reshape(3, 4) * 0.1
    xs = [base[:, 0], base[:, 1], base[:, 2]]          # strided views
    want, _ = _flat_fd(arrays_read, [a.copy() for a in xs])
    g = zymase.grad(arrays_read)(xs)
    assert_fd_close(np.concatenate(g), want, 1e-6, 1e-9)


# -- called from @njit ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def njit_derivs():
    return (zymase.autodiff_reverse(iterated, Duplicated), zymase.autodiff_forward(iterated, Dual),
            zymase.autodiff_reverse(arrays_written, Duplicated),
            zymase.autodiff_forward(arrays_written, Dual))


def test_called_from_njit(njit_derivs):
    rev, fwd, rev_a, fwd_a = njit_derivs

    @numba.njit
    def floats(x, v):
        xs = [a for a in x]              # lists built in @njit code (not reflected)
        dxs = [0.0 for _ in x]
        dxs.append(0.0)
        dxs.pop()                        # a shadow list with spare room is fine
        y = rev(xs, dxs, 1.0)
        t = fwd(xs, [a for a in v])[1]
        return y, np.array(dxs), t

    @numba.njit
    def arrays(a, b, c, va, vb, vc):
        dxs = [np.zeros_like(a), np.zeros_like(b), np.zeros_like(c)]
        rev_a([a.copy(), b.copy(), c.copy()], dxs, 1.0)
        t = fwd_a([a.copy(), b.copy(), c.copy()], [va.copy(), vb.copy(), vc.copy()])[1]
        return dxs[0], dxs[1], dxs[2], t

    v = np.linspace(-1.0, 0.7, len(X))
    y, dxs, t = floats(np.array(X), v)
    want = _list_fd(iterated, X)
    assert y == pytest.approx(iterated(list(X)), rel=1e-14)
    assert_fd_close(dxs, want, 1e-6, 1e-9, what="reverse from njit")
    assert t == pytest.approx(float(v @ want.value), rel=1e-6)
    check_dot_product([t], [float(v @ dxs)])
    want, _ = _flat_fd(arrays_written, A)
    rng = np.random.default_rng(2)
    va = [rng.uniform(-1, 1, a.shape) for a in A]
    *d, t = arrays(*A, *va)
    assert_fd_close(np.concatenate(d), want, 1e-6, 1e-9, what="reverse from njit")
    assert t == pytest.approx(float(np.concatenate(va) @ want.value), rel=1e-6)


def test_njit_shadow_checks(njit_derivs):
    rev, _, rev_a, _ = njit_derivs

    @numba.njit
    def short(x):
        return rev([a for a in x], [0.0], 1.0)

    @numba.njit
    def itself(x):
        xs = [a for a in x]
        return rev(xs, xs, 1.0)

    @numba.njit
    def wrong_shape(a):
        return rev_a([a, a * 2.0, a * 3.0], [np.zeros(2), np.zeros(3), np.zeros(2)], 1.0)

    @numba.njit
    def shared(a):
        z = np.zeros(2)
        return rev_a([a, a * 2.0, a * 3.0], [z, np.zeros(2), z], 1.0)

    with pytest.raises(ShadowError, match="does not have the length of `xs`"):
        short(np.array(X))
    with pytest.raises(ShadowError, match="is the list `xs` itself"):
        itself(np.array(X))
    with pytest.raises(ShadowError, match=r"shadow `dxs\[k\]` does not have the shape"):
        wrong_shape(np.ones(2))
    with pytest.raises(ShadowError, match="two arrays of shadow `dxs` share memory"):
        shared(np.ones(2))


# -- shadow checks from Python ------------------------------------------------------------

def test_python_shadow_checks():
    rev = zymase.autodiff_reverse(iterated, Duplicated)
    xs = list(X)
    with pytest.raises(ShadowError, match="must be a list of 6 items"):
        rev(xs, [0.0] * 5, 1.0)
    with pytest.raises(ShadowError, match="must be a list of 6 items"):
        rev(xs, np.zeros(6), 1.0)
    with pytest.raises(ShadowError, match="is the list `xs` itself"):
        rev(xs, xs, 1.0)
    with pytest.raises(ShadowError, match="item 2 of shadow `dxs` is int"):
        rev(xs, [0.0, 0.0, 0, 0.0, 0.0, 0.0], 1.0)
    rev_a = zymase.autodiff_reverse(arrays_read, Duplicated)
    with pytest.raises(ShadowError, match=r"shadow `dxs\[1\]` has shape"):
        rev_a(A, [np.zeros(2), np.zeros(3), np.zeros(2)], 1.0)
    with pytest.raises(ShadowError, match=r"shadow `dxs\[0\]` aliases its primal"):
        rev_a(A, [A[0], np.zeros(2), np.zeros(2)], 1.0)
    z = np.zeros(2)
    with pytest.raises(ShadowError, match="aliases shadow"):
        rev_a(A, [z, np.zeros(2), z], 1.0)
    with pytest.raises(UnsupportedError, match="shadow of the list `xs` with width=2"):
        zymase.autodiff_reverse(iterated, Duplicated, width=2)(xs, [0.0] * 6, np.ones(2))
    assert xs == X


# -- refusals ---------------------------------------------------------------------------------

@numba.njit
def appends_to_argument(x, xs):
    xs.append(x[0] * 2.0)
    return xs[-1] * xs[0]


@numba.njit
def pops_argument(xs):
    return xs.pop() * xs[0]


@numba.njit
def replaces_an_array(x, xs):
    xs[0] = x * 2.0
    return np.sum(xs[0])


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_resizing_a_shadowed_list_is_refused(mode):
    xs, dxs = [0.5, 1.5], [0.0, 0.0]
    with pytest.raises(UnsupportedError) as e:
        if mode == "rev":
            zymase.autodiff_reverse(appends_to_argument, Duplicated, Duplicated)(
                np.ones(1), np.zeros(1), xs, dxs, 1.0)
        else:
            zymase.autodiff_forward(appends_to_argument, Dual, Dual)(
                np.ones(1), np.ones(1), xs, dxs)
    msg = str(e.value)
    assert "growing or shrinking the list `xs`" in msg and "xs.append(x[0] * 2.0)" in msg
    assert xs == [0.5, 1.5] and dxs == [0.0, 0.0]         # nothing ran
    with pytest.raises(UnsupportedError, match="xs.pop"):
        zymase.grad(pops_argument)([0.5, 1.5])


def test_replacing_an_array_of_a_shadowed_list_is_refused():
    xs = [np.ones(2), np.ones(2)]
    with pytest.raises(UnsupportedError) as e:
        zymase.grad(replaces_an_array, (0, 1))(np.array([0.5, 1.0]), xs)
    assert "replacing an array in the list `xs`" in str(e.value)
    assert "xs[0] = x * 2.0" in str(e.value)
    assert all(np.array_equal(a, np.ones(2)) for a in xs)


# -- list results -----------------------------------------------------------------------------

@numba.njit
def list_of_floats(x, xs):
    L = [math.sin(v) * x[0] for v in xs]
    L.append(x[1] * x[0])
    return L


@numba.njit
def list_of_arrays(x):
    L = []
    for k in range(3):
        L.append(np.sin(x) * (k + 1.0) + x[k] * x)
    return L


def _flatten(y):
    return np.concatenate([np.atleast_1d(np.asarray(a, dtype=float)) for a in y])


def test_list_of_floats_result():
    x = np.array([0.4, -1.3])
    J = fd_jacobian(lambda v: _flatten(list_of_floats(v, X)), x)
    v = np.array([0.7, -0.2])
    y, t = zymase.autodiff_forward(list_of_floats, Dual, Const)(x, v, X)
    assert y == list_of_floats(x, X) and isinstance(t, list)
    assert_fd_close(np.array(t), type(J)(J.value @ v, np.abs(J.error) @ np.abs(v)), 1e-6, 1e-9)
    y2, t2 = zymase.jvp(list_of_floats, (x, X), (v, None))
    np.testing.assert_allclose(t2, t, rtol=1e-15)
    w = list(np.linspace(-1.0, 1.0, len(y)))
    y3, back = zymase.vjp(list_of_floats, x, X)
    g = back(w)
    assert_fd_close(g[0], type(J)(np.array(w) @ J.value, np.abs(w) @ J.error), 1e-6, 1e-9)
    check_dot_product([float(np.dot(w, t))], [float(v @ g[0])])
    # the list argument's derivative too (the vjp of both)
    _, back = zymase.vjp(list_of_floats, x, list(X))
    gx, gxs = back(w)
    Jxs = fd_jacobian(lambda u: _flatten(list_of_floats(x, list(u))), np.array(X))
    assert_fd_close(np.array(gxs), type(Jxs)(np.array(w) @ Jxs.value, np.abs(w) @ Jxs.error),
                    1e-6, 1e-9)


def test_list_of_arrays_result():
    x = np.array([0.4, -1.3, 0.8])
    J = fd_jacobian(lambda v: _flatten(list_of_arrays(v)), x)
    v = np.array([0.7, -0.2, 0.3])
    y, t = zymase.jvp(list_of_arrays, (x,), (v,))
    assert_fd_close(_flatten(t), type(J)(J.value @ v, np.abs(J.error) @ np.abs(v)), 1e-6, 1e-9)
    w = [np.linspace(-1.0, 1.0, 3) * (k + 1) for k in range(3)]
    _, back = zymase.vjp(list_of_arrays, x)
    (g,) = back(w)
    wf = _flatten(w)
    assert_fd_close(g, type(J)(wf @ J.value, np.abs(wf) @ J.error), 1e-6, 1e-9)
    check_dot_product([float(wf @ _flatten(t))], [float(v @ g)])
    with pytest.raises(ShadowError, match="a list of 3 cotangents"):
        back(w[:2])


def test_list_result_from_njit():
    fwd = zymase.autodiff_forward(list_of_arrays, Dual)

    @numba.njit
    def caller(x, v):
        y, t = fwd(x, v)
        s = 0.0
        for a in t:
            s += np.sum(a)
        return s

    x, v = np.array([0.4, -1.3, 0.8]), np.array([0.7, -0.2, 0.3])
    _, t = fwd(x, v)
    assert caller(x, v) == pytest.approx(float(np.sum(_flatten(t))), rel=1e-14)


def test_list_result_refusals():
    x = np.array([0.4, -1.3, 0.8])
    with pytest.raises(ActivityError, match="returns a list .* through zymase.vjp"):
        zymase.autodiff_reverse(list_of_arrays, Duplicated, ret=Duplicated)(
            x, np.zeros(3), [np.ones(3)] * 3)
    with pytest.raises(ActivityError, match="returns a list"):
        zymase.grad(list_of_arrays)(x)
    with pytest.raises(UnsupportedError, match="width 2.*returns a list"):
        zymase.autodiff_forward(list_of_arrays, Dual, width=2)(x, np.ones((2, 3)))


def test_no_leaks():
    rev = zymase.autodiff_reverse(arrays_written, Duplicated)
    fwd = zymase.autodiff_forward(list_of_arrays, Dual)
    revf = zymase.autodiff_reverse(iterated, Duplicated)
    calls = [lambda: rev([a.copy() for a in A], [np.zeros(2) for _ in A], 1.0),
             lambda: fwd(np.array([0.4, -1.3, 0.8]), np.ones(3)),
             lambda: revf(list(X), [0.0] * len(X), 1.0)]
    assert_nrt_balanced(calls)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=9))
def test_random_lists_both_modes(values):
    want = _list_fd(iterated, values)
    g = zymase.grad(iterated)(list(values))
    assert_fd_close(g, want, 1e-6, 1e-8)
    v = list(np.cos(np.arange(len(values))))
    _, t = zymase.jvp(iterated, (list(values),), (v,))
    check_dot_product([t], [float(np.dot(v, g))])


@numba.njit
def list_in_a_tuple(t):
    return t[0][0] * t[1][1]


def test_list_inside_a_tuple_and_second_derivatives_are_refused():
    # Numba copies a list inside a tuple back to Python never: its derivatives would be lost
    d = ([0.0, 0.0], [0.0, 0.0])
    with pytest.raises(UnsupportedError, match=r"list `t\[0\]` inside a tuple"):
        zymase.autodiff_reverse(list_in_a_tuple, Duplicated)(([1.0, 2.0], [3.0, 4.0]), d, 1.0)
    with pytest.raises(ActivityError, match="second derivatives with respect to a list"):
        zymase.hessian(iterated)(list(X))


@numba.njit
def list_and_array(xs, y, zs):
    return np.sum(xs[0] * y) + zs[0] * zs[1]


def test_shadows_shared_between_arguments():
    rev = zymase.autodiff_reverse(list_and_array, Duplicated, Duplicated, Duplicated)

    @numba.njit
    def fine(a):
        dxs, dy, dzs = [np.zeros(2)], np.zeros(2), [0.0, 0.0]
        rev([a.copy()], dxs, a * 3.0, dy, [1.0, 2.0], dzs, 1.0)
        return dxs[0], dy, dzs[0], dzs[1]

    @numba.njit
    def array_in_list(a):
        z = np.zeros(2)
        return rev([a.copy()], [z], a.copy(), z, [1.0, 2.0], [0.0, 0.0], 1.0)

    dxs0, dy, dz0, dz1 = fine(np.array([0.5, 2.0]))
    np.testing.assert_array_equal(dxs0, [1.5, 6.0])
    np.testing.assert_array_equal(dy, [0.5, 2.0])
    assert (dz0, dz1) == (2.0, 1.0)
    with pytest.raises(ShadowError, match="shadow `dxs` shares memory with shadow `dy`"):
        array_in_list(np.ones(2))
    z = np.zeros(2)
    with pytest.raises(ShadowError, match=r"shadow `dy` aliases shadow `dxs\[0\]`"):
        rev([np.ones(2)], [z], np.ones(2), z, [1.0, 2.0], [0.0, 0.0], 1.0)
    rz = zymase.autodiff_reverse(two_lists, Const, Duplicated, Const, Duplicated)

    @numba.njit
    def same_list(x):
        d = [0.0 for _ in range(6)]
        return rz(x, [v for v in x], d, 1.0, [v for v in x], d, 1.0)

    with pytest.raises(ShadowError, match="shadow `dxs` shares memory with shadow `dys`"):
        same_list(np.array(X))
    d = [0.0] * 6
    with pytest.raises(ShadowError, match="is the same list as shadow `dxs`"):
        rz(np.ones(1), list(X), d, 1.0, list(X), d, 1.0)

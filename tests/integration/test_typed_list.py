"""``numba.typed.List`` built inside the differentiated function (transforms/typed_list.py):
lists of floats, of float arrays and of tuples, made with ``List()`` or
``List.empty_list``, grown with ``append`` in one loop and read in another, indexed,
iterated, summed, assigned, shrunk (``pop``, ``insert``, ``del`` of items and slices,
``clear``).  Each construct is checked against central finite differences in forward and
reverse mode with the dot-product test between them, at width 4, from Python and from
``@njit``; the lowered lists and their shadows must not leak; a typed.List passed in stays
``Const``; what stays refused says so by name at the user's line."""
import math

import numba
import numpy as np
import pytest
from numba import types
from numba.experimental import jitclass
from numba.typed import Dict, List

import zymase
from zymase import Active, Dual, Duplicated
from zymase.errors import UnsupportedError
from tests.support import assert_fd_close, assert_nrt_balanced, both_mode_calls, \
    check_dot_product, check_grads, fd_gradient


@numba.njit
def floats_two_loops(x):
    L = List.empty_list(types.float64)
    for v in x:
        L.append(v * v)
    s = 0.0
    for i in range(len(L)):
        s += L[i] * x[i]
    return s


@numba.njit
def floats_iterated_and_summed(x):
    L = List()
    for _ in range(3):
        for v in x:                  # 21 items: the payload is reallocated several times
            L.append(math.sin(v) * v)
    s = 0.0
    for v in L:
        s += v * v
    return s + sum(L) + L[-1] * L[len(L) // 2]


@numba.njit
def array_slices(x):
    L = List()
    for i in range(len(x) - 1):
        L.append(x[i:i + 2] * 2.0)
    s = 0.0
    for a in L:
        s += a[0] * a[1]
    return s + np.sum(L[1] * L[2])


@numba.njit
def arrays_filled_in_place(x):
    L = List()
    for k in range(3):
        L.append(np.empty(3))
    for k in range(3):
        for j in range(3):
            L[k][j] = x[k + j] * (k + 1.0)
    s = 0.0
    for a in L:
        s += np.sum(np.cos(a))
    return s + L[0][1] * L[2][2]


@numba.njit
def assigned_popped_inserted(x):
    L = List()
    for v in x:
        L.append(v * 1.5)
    L[1] = L[1] * L[2]
    t = L.pop()                      # from the end
    h = L.pop(0)                     # from the front: the items move down
    L.insert(2, h * t)               # the items move up
    del L[0]
    s = 0.0
    for k in range(len(L)):
        s += L[k] * (k + 0.5)
    return s * t


@numba.njit
def arrays_moved(x):
    L = List()
    for k in range(3):
        L.append(x * (k + 1.0))
    L.insert(0, np.sin(x))           # moves array structs (their shadows move too)
    y = L.pop(1)
    L[2] = L[2] * L[0]
    s = 0.0
    for a in L:
        s += np.sum(np.cos(a))
    return s + L[1][0] * L[2][1] + np.sum(y * y)


@numba.njit
def slices_deleted_and_cleared(x):
    L = List()
    for v in x:
        L.append(v * v)
    del L[1:5:2]
    del L[::-2]
    s = 0.0
    for v in L:
        s += v * 1.25
    L.clear()
    L.append(x[0] * 3.0)
    return s + L[0]


@numba.njit
def tuples(x):
    L = List()
    for i in range(x.size - 1):
        L.append((x[i], x[i + 1] * 2.0))
    s = 0.0
    for a, b in L:
        s += a * b
    return s


@numba.njit
def new_list_per_iteration(x):
    s = 0.0
    for r in range(4):
        L = List()                   # one site, a new list (and shadow) each time
        for v in x:
            if v > 0.25 * r:
                L.append(v * (r + 1.0))
        for k in range(len(L)):
            s += L[k] * L[len(L) - 1 - k]
    return s


CONSTRUCTS = [floats_two_loops, floats_iterated_and_summed, array_slices,
              arrays_filled_in_place, assigned_popped_inserted, arrays_moved,
              slices_deleted_and_cleared, tuples, new_list_per_iteration]
IDS = [f.__name__ for f in CONSTRUCTS]
X = np.array([0.31, -0.72, 1.13, 0.45, -0.18, 0.92, 0.57])


@pytest.mark.parametrize("f", CONSTRUCTS, ids=IDS)
def test_constructs_against_finite_differences(f):
    # forward and reverse against central differences, and <J v, w> = <v, J^T w>
    check_grads(f, (X.copy(),), n_dirs=2)


@numba.njit
def _built_by_a_callee(x, k):
    L = List()
    for v in x:
        L.append(v * k)
    return L


@numba.njit
def _sum_of_squares(L):
    s = 0.0
    for v in L:
        s += v * v
    return s


@numba.njit
def built_and_read_in_callees(x):
    L = _built_by_a_callee(x, 2.0)
    M = _built_by_a_callee(x, 3.0)
    return _sum_of_squares(L) + _sum_of_squares(M) * L[0]


@numba.njit
def copied_extended_sorted(x):
    L = List()
    for v in x:
        L.append(v * 1.1)
    M = L.copy()
    M.extend(L)
    M.reverse()
    M.sort()
    N = M[1:6]                       # a new list from a slice
    s = 0.0
    for k, v in enumerate(N):
        s += (k + 1.0) * v
    c = 1.0 if L[0] in M else 0.0
    return s + c * L[2] + M.index(L[3]) * x[0] + float(M.count(L[1])) * x[1]


@numba.njit
def from_a_reflected_list(x):
    L = List([x[0], x[1] * 2.0, x[2] ** 2])
    L.append(x[3])
    s = 0.0
    for v in L:
        s += math.exp(v)
    return s


@numba.njit
def matrices(x):
    L = List()
    for k in range(2):
        L.append(np.outer(x[:3], x[k:k + 3]))
    return np.sum(L[0] * L[1]) + L[1][2, 1]


@numba.njit
def complex_items(x):
    L = List()
    for v in x:
        L.append(complex(v, v * v))
    s = 0.0
    for z in L:
        s += (z * z).real + abs(z)
    return s


@numba.njit
def integer_and_float_lists(x):
    idx = List()                     # same item size as the floats: a different item type
    F = List()
    for k in range(x.size):
        idx.append(k * 2)
        F.append(x[k] * x[k])
    s = 0.0
    for k in range(len(F)):
        s += F[k] * idx[k]
    return s


@numba.njit
def one_variable_two_lists(x):
    A = List()
    B = List()
    for v in x:
        A.append(v * 2.0)
        B.append(v * v)
    s = 0.0
    for r in range(3):
        L = A if r % 2 == 0 else B
        L.append(x[r] * 0.5)
        s += L[r] * L[-1]
    return s


@numba.njit
def preallocated(x):
    L = List.empty_list(types.float64, allocated=20)
    for v in x:
        L.append(v ** 3)
    return L[1] * L[2] + len(L) * L[-1]


@numba.njit
def from_an_array(x):
    L = List(x * 2.0)
    return sum(L) * L[1] + max(L) - min(L)


@numba.njit
def into_reflected_lists(x):
    L = List()
    for v in x:
        L.append(math.cos(v))
    R = [v * v for v in L]
    S = sorted(L)
    return sum(R) + S[0] * S[-1]


@jitclass([("a", numba.float64), ("v", numba.float64[:])])
class _Particle:
    def __init__(self, a, v):
        self.a = a
        self.v = v


@numba.njit
def jitclass_instances(x):
    L = List()
    for k in range(3):
        L.append(_Particle(x[k] * 2.0, x[k:k + 2] * x[k]))
    s = 0.0
    for p in L:
        s += p.a * np.sum(p.v)
    return s


@numba.njit
def nested_tuples_with_integers(x):
    L = List()
    for k in range(3):
        L.append((x[k], (x[k + 1], k)))
    s = 0.0
    for a, (b, k) in L:
        s += a * b * (k + 1)
    return s


@numba.njit
def built_and_constant_arrays(x):
    L = List()
    L.append(np.ones(3))             # an array without a derivative, beside active ones
    L.append(x[:3] * 2.0)
    L[0][1] = 5.0
    return np.sum(L[0] * L[1]) + L[1][2] * L[0][0]


MORE = [built_and_read_in_callees, copied_extended_sorted, from_a_reflected_list, matrices,
        complex_items, integer_and_float_lists, one_variable_two_lists, preallocated,
        from_an_array, into_reflected_lists, jitclass_instances, nested_tuples_with_integers,
        built_and_constant_arrays]


@pytest.mark.parametrize("f", MORE, ids=[f.__name__ for f in MORE])
def test_more_constructs_against_finite_differences(f):
    check_grads(f, (X.copy(),), n_dirs=1)


def test_float32_items_closed_form():
    @numba.njit
    def f32(x):
        L = List()
        for v in x:
            L.append(np.float32(v) * np.float32(2.0))
        s = 0.0
        for v in L:
            s += v * v                   # s = sum((2 x)^2) in float32 items
        return s

    want = 8.0 * X.astype(np.float32).astype(np.float64)
    np.testing.assert_allclose(zymase.grad(f32)(X.copy()), want, rtol=1e-12)
    _, t = zymase.jvp(f32, (X.copy(),), (np.ones(X.size),))
    assert t == pytest.approx(want.sum(), rel=1e-12)


@numba.njit
def reads_and_writes_while_growing(x):
    L = List()
    s = 0.0
    for v in x:
        L.append(v * v)              # the payload moves while earlier items are read/written
        m = len(L) // 2
        s += L[m] * v
        L[m] = L[m] + 0.5 * v * L[-1]
        if len(L) > 5 and v > 0.3:
            s += L.pop(1) * 0.25
    for v in L:
        s += math.sin(v)
    return s


@numba.njit
def arrays_written_while_growing(x):
    L = List()
    s = 0.0
    for k in range(x.size - 1):
        L.append(x[k:k + 2] * x[k])
        a = L[len(L) // 2]
        a[0] = a[0] * a[1] + x[k]
        s += np.sum(L[-1] * a)
        if k % 7 == 3:
            L.pop(0)
    return s


@pytest.mark.parametrize("f", [reads_and_writes_while_growing, arrays_written_while_growing],
                         ids=["floats", "arrays"])
def test_growth_interleaved_with_reads_and_writes(f):
    x = np.random.default_rng(3).uniform(-1, 1, 60)      # the payload moves ~15 times
    check_grads(f, (x,), n_dirs=2)
    V = np.random.default_rng(1).uniform(-1, 1, (3, x.size))
    g = zymase.grad(f)(x.copy())
    _, t = zymase.autodiff_forward(f, Dual, ret=Dual, width=3)(x.copy(), V.copy())
    np.testing.assert_allclose(t, V @ g, rtol=1e-12,
                               atol=1e-13 * float(np.max(np.abs(V) @ np.abs(g))))
    dX = np.zeros((3, x.size))
    zymase.autodiff_reverse(f, Duplicated, ret=Active, width=3)(x.copy(), dX,
                                                                np.array([1.0, -2.0, 0.5]))
    np.testing.assert_allclose(dX, np.outer([1.0, -2.0, 0.5], g), rtol=1e-13, atol=1e-15)


def test_closed_form():
    # floats_two_loops: f = sum x_i^3
    np.testing.assert_allclose(zymase.grad(floats_two_loops)(X.copy()), 3 * X ** 2,
                               rtol=1e-14)
    v = np.linspace(-1.0, 1.0, X.size)
    y, t = zymase.jvp(floats_two_loops, (X.copy(),), (v,))
    assert y == pytest.approx(np.sum(X ** 3), rel=1e-14)
    assert t == pytest.approx(float(v @ (3 * X ** 2)), rel=1e-13)


@pytest.mark.parametrize("f", CONSTRUCTS, ids=IDS)
def test_width_4(f):
    want = fd_gradient(f, X.copy())
    V = np.random.default_rng(4).uniform(-1, 1, (4, X.size))
    fwd = zymase.autodiff_forward(f, Dual, ret=Dual, width=4)
    y, t = fwd(X.copy(), V.copy())
    assert y == pytest.approx(f(X.copy()), rel=1e-13)
    assert_fd_close(t, type(want)(V @ want.value, np.abs(V) @ want.error), 1e-6,
                    1e-9 * np.max(np.abs(want.value)), what="forward width 4")
    seeds = np.array([1.0, -2.0, 0.5, 0.25])
    rev = zymase.autodiff_reverse(f, Duplicated, ret=Active, width=4)
    dX = np.zeros((4, X.size))
    y = rev(X.copy(), dX, seeds)
    assert y == pytest.approx(f(X.copy()), rel=1e-13)
    for k in range(4):
        assert_fd_close(dX[k], type(want)(seeds[k] * want.value, abs(seeds[k]) * want.error),
                        1e-6, 1e-9 * np.max(np.abs(want.value)), what=f"reverse lane {k}")
        check_dot_product([float(V[k] @ dX[k])], [seeds[k] * t[k]])


def _deletes(a, b, c):
    @numba.njit
    def f(x):
        L = List()
        for v in x:
            L.append(v * v)
        del L[a:b:c]
        s = 0.0
        for k in range(len(L)):
            s += L[k] * (k + 1.0)
        return s
    return f


@pytest.mark.parametrize("sl", [(1, 5, 2), (None, None, -2), (5, 1, -2), (2, None, None),
                                (-3, -1, None), (6, 0, -3), (0, 8, 3), (3, 3, 1)])
def test_slice_deletion_matches_numba(sl):
    # the lowered `del L[a:b:c]` keeps exactly the items Numba's C runtime keeps
    f = _deletes(*sl)
    x = np.append(X, 1.4)
    y, g = zymase.value_and_grad(f)(x.copy())
    assert y == f(x.copy())
    kept = [k for k in range(x.size) if k not in range(x.size)[slice(*sl)]]
    want = np.zeros(x.size)
    for pos, k in enumerate(kept):
        want[k] = 2 * x[k] * (pos + 1.0)
    np.testing.assert_allclose(g, want, rtol=1e-14)


def test_hessian_through_a_typed_list():
    H = zymase.hessian(floats_two_loops)(X.copy())
    np.testing.assert_allclose(H, np.diag(6 * X), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("f", [floats_iterated_and_summed, arrays_moved],
                         ids=["floats", "arrays"])
def test_hessian_vector_products(f):
    # forward over reverse through the lowered list and its shadow, against differences
    check_grads(f, (X.copy(),), order=2, n_dirs=1)


@pytest.fixture(scope="module")
def derivs():
    return {f.__name__: (zymase.autodiff_reverse(f, Duplicated, ret=Active),
                         zymase.autodiff_forward(f, Dual, ret=Dual))
            for f in (floats_iterated_and_summed, arrays_moved)}


@pytest.mark.parametrize("f", [floats_iterated_and_summed, arrays_moved],
                         ids=["floats", "arrays"])
def test_called_from_njit(derivs, f):
    rev, fwd = derivs[f.__name__]

    @numba.njit
    def both(x, v):
        dx = np.zeros_like(x)
        y = rev(x, dx, 1.0)
        t = fwd(x, v)[1]
        return y, dx, t

    v = np.linspace(-1.0, 1.0, X.size)
    y, dx, t = both(X.copy(), v)
    want = fd_gradient(f, X.copy())
    assert y == pytest.approx(f(X.copy()), rel=1e-13)
    assert_fd_close(dx, want, 1e-6, 1e-9, what="reverse from njit")
    assert t == pytest.approx(float(v @ want.value), rel=1e-6)
    check_dot_product([t], [float(v @ dx)])


def test_lists_and_shadows_do_not_leak():
    assert_nrt_balanced(both_mode_calls(
        (floats_iterated_and_summed, arrays_moved, arrays_filled_in_place), X))


# -- typed.Lists passed in stay Const ------------------------------------------------------

@numba.njit
def scaled_copy_of_a_const_list(x, w):
    L = List()
    for k in range(len(w)):
        L.append(w[k] * x[k])
    s = 0.0
    for v in L:
        s += v * v
    return s


@numba.njit
def reads_nested_const_lists(x, ww):
    s = 0.0
    for w in ww:
        for k in range(len(w)):
            s += w[k] * x[k] ** 2
    L = List()
    L.append(s)
    return L[0]


def test_const_typed_lists_with_a_list_built_inside():
    w = List([1.5, -0.5, 2.0, 0.25])
    want = np.zeros(X.size)
    want[:4] = 2 * np.array(w) ** 2 * X[:4]
    np.testing.assert_allclose(zymase.grad(scaled_copy_of_a_const_list, argnums=0)(X.copy(), w),
                               want, rtol=1e-14)
    v = np.linspace(0.5, -0.5, X.size)
    _, t = zymase.jvp(scaled_copy_of_a_const_list, (X.copy(), w), (v, None))
    assert t == pytest.approx(float(v @ want), rel=1e-13)
    ww = List([List([1.5, -0.5]), List([2.0, 0.25, 1.0])])
    x = X[:3].copy()
    np.testing.assert_allclose(zymase.grad(reads_nested_const_lists, argnums=0)(x, ww),
                               2 * x * np.array([3.5, -0.25, 1.0]), rtol=1e-14)


# -- refusals ------------------------------------------------------------------------------

@numba.njit
def returns_a_typed_list(x):
    L = List()
    for v in x:
        L.append(v * 2.0)
    return L


@numba.njit
def list_of_lists(x):
    L = List()
    for k in range(2):
        inner = List()
        inner.append(x[k] * 2.0)
        L.append(inner)
    return L[0][0] + L[1][0]


@numba.njit
def passed_in_or_built(x, w, c):
    L = w if c > 0 else List([1.0])
    L.append(x[0])
    return L[0] * x[1]


@numba.njit
def appends_to_a_const_list(x, w):
    w.append(x[0] * 2.0)
    return w[-1] + x[1]


@numba.njit
def uses_a_typed_dict(x):
    d = Dict.empty(types.int64, types.float64)
    d[0] = x[0] * 2.0
    return d[0]


def _refusal(mode, f, *rest):
    with pytest.raises(UnsupportedError) as e:
        if mode == "rev":
            zymase.grad(f, argnums=0)(X.copy(), *rest)
        else:
            zymase.jvp(f, (X.copy(),) + rest, (np.ones(X.size),) + (None,) * len(rest))
    return str(e.value)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_a_typed_list_leaving_the_function_is_refused(mode):
    msg = _refusal(mode, returns_a_typed_list)
    assert "typed.List built inside the function that leaves it" in msg and "return L" in msg


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_lists_of_typed_lists_are_refused(mode):
    msg = _refusal(mode, list_of_lists)
    assert "not traced to where the function builds it" in msg and "list of lists" in msg
    assert "return L[0][0] + L[1][0]" in msg


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_a_variable_holding_a_passed_in_or_a_new_list_is_refused(mode):
    msg = _refusal(mode, passed_in_or_built, List([2.0]), 1)
    assert "not traced to where the function builds it" in msg and "L.append(x[0])" in msg


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_storing_into_a_const_typed_list_is_refused(mode):
    msg = _refusal(mode, appends_to_a_const_list, List([1.5, -0.5]))
    assert "numba_list_append" in msg and "typed.List passed in is Const" in msg
    assert "w.append(x[0] * 2.0)" in msg


@numba.njit
def holds_a_const_array(x, w):
    L = List()
    L.append(w)
    L.append(x)
    return np.sum(L[0] * L[1] * L[1])


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_a_const_array_in_a_list_with_active_arrays_is_refused(mode):
    # its item in the shadow list would have no shadow array to point to
    msg = _refusal(mode, holds_a_const_array, np.ones(X.size))
    assert "mixes memory with and without a shadow" in msg and "Dual/Duplicated" in msg


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_typed_dict_is_refused(mode):
    msg = _refusal(mode, uses_a_typed_dict)
    assert "numba_dict_" in msg and "numba.typed.Dict" in msg
    assert "d = Dict.empty(types.int64, types.float64)" in msg


@numba.njit
def built_in_a_prange_body(x):
    s = 0.0
    for i in numba.prange(x.size):
        L = List()
        L.append(x[i] * 2.0)
        s += L[0] * x[i]
    return s


@numba.njit
def read_in_a_prange_body(x):
    L = List()
    for v in x:
        L.append(v * 2.0)
    s = 0.0
    for i in numba.prange(x.size):
        s += L[i] * x[i]
    return s


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_typed_lists_in_prange_bodies_are_refused(mode):
    par = numba.njit(parallel=True)
    msg = _refusal(mode, par(built_in_a_prange_body.py_func))
    assert "numba_list_new" in msg and "inside a prange loop body" in msg
    msg = _refusal(mode, par(read_in_a_prange_body.py_func))
    assert "typed.List used inside a function that stays a call" in msg
    assert "prange loop body" in msg


# -- errors of the primal stay errors ------------------------------------------------------

@numba.njit
def reads_past_the_end(x, k):
    L = List()
    for v in x:
        L.append(v * v)
    return L[k] * 2.0


@numba.njit
def appends_to_an_immutable_list(x):
    L = List()
    L.append(x[0])
    L._make_immutable()
    L.append(x[1])
    return L[0]


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_errors_of_the_list_are_raised(mode):
    def run(f, *rest):
        if mode == "rev":
            return zymase.grad(f, argnums=0)(X.copy(), *rest)
        return zymase.jvp(f, (X.copy(),) + rest, (np.ones(X.size),) + (None,) * len(rest))[1]
    g = run(reads_past_the_end, 2)
    assert (g == 4 * X[2]) if mode == "fwd" else g[2] == 4 * X[2]
    with pytest.raises(IndexError, match="list index out of range"):
        run(reads_past_the_end, X.size)
    with pytest.raises(ValueError, match="list is immutable"):
        run(appends_to_an_immutable_list)

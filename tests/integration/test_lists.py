"""Lists inside the differentiated function (transforms/varsize.py): lists of floats, of arrays,
of tuples and of lists, built with ``append`` and comprehensions, indexed, iterated, summed,
assigned (``L[i] = v``), grown and shrunk (``pop``, ``insert``, ``del``, ``extend``,
concatenation, ``reverse``, ``sort``); lists passed in (reflected lists and ``typed.List``) as
``Const`` (with shadow lists, and list results: test_list_arguments.py; ``typed.List`` built
inside: test_typed_list.py).  Each construct is checked against central finite differences in forward and
reverse mode with the dot-product test between them, at width 4, from Python and from
``@njit``; the shadow lists must not leak; what stays refused says so by name."""
import math

import numba
import numpy as np
import pytest
from numba import typed

import zymase
from zymase import Active, Const, Dual, Duplicated
from zymase.errors import ActivityError, UnsupportedError
from tests.support import assert_fd_close, assert_nrt_balanced, both_mode_calls, \
    check_dot_product, check_grads, fd_gradient

# reflected lists passed in are what this file tests
pytestmark = pytest.mark.filterwarnings(
    "ignore::numba.core.errors.NumbaPendingDeprecationWarning")


@numba.njit
def squares_appended(x):
    L = []
    for _ in range(3):
        for v in x:                  # grows by reallocation, copying its items
            L.append(v * v)
    s = 0.0
    for v in L:
        s += math.sin(v)
    return s


@numba.njit
def comprehension(x):
    L = [math.exp(0.3 * v) * v for v in x]
    return sum(L) + L[0] * L[-1] + L[len(L) // 2] / len(L)


@numba.njit
def assigned_and_popped(x):
    L = [0.0] * x.size
    for i in range(x.size):
        L[i] = x[i] * (i + 1.0)
    L[1] = L[1] * L[2]
    t = L.pop()                      # from the end
    h = L.pop(0)                     # from the front: the items move down (memmove)
    L.insert(2, h * t)               # the items move up
    del L[0]
    s = 0.0
    for k in range(len(L)):
        s += L[k] * (k + 0.5)
    return s * t


@numba.njit
def grows_and_shrinks(x):
    L = []
    for r in range(3):
        for v in x:
            L.append(v * (r + 1.0))
        while len(L) > 3:            # shrinking reallocates too
            L[0] = L[0] + L.pop() * 0.1
    return L[0] * L[1] + L[2]


@numba.njit
def extended_and_sorted(x):
    L = [x[0]]
    L.extend([x[1], x[2] * 2.0])
    M = L + [x[3] * x[4]]
    M.reverse()
    M.sort()
    s = 0.0
    for k, v in enumerate(M):
        s += (k + 1.0) * v
    return s


@numba.njit
def arrays_in_a_list(x):
    L = []
    for k in range(3):
        L.append(x * (k + 1.0))
    L.insert(0, np.sin(x))           # moves array structs (their shadows move too)
    y = L.pop(1)
    s = 0.0
    for a in L:
        s += np.sum(np.cos(a))
    return s + L[1][0] * L[2][1] + np.sum(y * y)


@numba.njit
def tuples_in_a_list(x):
    L = []
    for i in range(x.size - 1):
        L.append((x[i], x[i + 1] * 2.0))
    L.insert(1, (x[2] * x[3], x[0]))    # moves tuples of floats (memmove of the items)
    a, b = L.pop(0)
    s = a - b
    for a, b in L:
        s += a * b
    return s


@numba.njit
def nested_lists(x):
    L = [[v, 2.0 * v] for v in x]
    L[1].append(x[0] * x[1])
    s = 0.0
    for inner in L:
        for v in inner:
            s += v * v
    return s


@numba.njit
def sliced_and_copied(x):
    L = [v * 1.5 for v in x]
    M = L[1:4]                       # slices and copies: memcpy between two lists' payloads
    N = L.copy()
    N[0] = 3.0 * N[0]
    P = list(M) + M * 2
    s = 0.0
    for a, b in zip(L, N[::-1]):
        s += a * b
    return sum(P) * N[0] + max(L) - min(N) + sorted(L)[2] * 2.0 + s


@numba.njit
def array_from_a_list(x):
    L = [v * v for v in x]
    return np.sum(np.sin(np.array(L)) * np.arange(len(L)))


@numba.njit
def new_list_per_iteration(x):
    s = 0.0
    for r in range(4):
        L = []                       # one allocation site, a new list (and shadow) each time
        for v in x:
            if v > 0.25 * r:
                L.append(v * (r + 1.0))
        for k in range(len(L)):
            s += L[k] * L[len(L) - 1 - k]
    return s


@numba.njit
def inner_lists_grow(x):
    L = [[x[0]] for _ in range(3)]
    for v in x:
        for k in range(3):
            L[k].append(v * (k + 1))     # inner lists reached through the outer one grow
    s = 0.0
    for inner in L:
        t = 1.0
        for v in inner:
            t = t * 0.9 + v
        s += t * t
    return s


CONSTRUCTS = [squares_appended, comprehension, assigned_and_popped, grows_and_shrinks,
              extended_and_sorted, sliced_and_copied, array_from_a_list, arrays_in_a_list,
              tuples_in_a_list, nested_lists, new_list_per_iteration, inner_lists_grow]
IDS = [f.__name__ for f in CONSTRUCTS]
X = np.array([0.31, -0.72, 1.13, 0.45, -0.18, 0.92, 0.57])


@pytest.mark.parametrize("f", CONSTRUCTS, ids=IDS)
def test_constructs_against_finite_differences(f):
    # forward and reverse against central differences, and <J v, w> = <v, J^T w>
    check_grads(f, (X.copy(),), n_dirs=2)


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


def test_float32_items_closed_form():
    @numba.njit
    def f32(x):
        L = []
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


def test_hessian_through_a_list():
    H = zymase.hessian(squares_appended)(X.copy())
    # f = 3 sum sin(x_k^2): d2f/dx_k^2 = 3 (2 cos(x_k^2) - 4 x_k^2 sin(x_k^2))
    want = np.diag(3 * (2 * np.cos(X ** 2) - 4 * X ** 2 * np.sin(X ** 2)))
    np.testing.assert_allclose(H, want, rtol=1e-10, atol=1e-12)


@pytest.fixture(scope="module")
def derivs():
    return {f.__name__: (zymase.autodiff_reverse(f, Duplicated, ret=Active),
                         zymase.autodiff_forward(f, Dual, ret=Dual))
            for f in (squares_appended, arrays_in_a_list, comprehension)}


@pytest.mark.parametrize("name", ["squares_appended", "arrays_in_a_list", "comprehension"])
def test_called_from_njit(derivs, name):
    rev, fwd = derivs[name]

    @numba.njit
    def both(x, v):
        dx = np.zeros_like(x)
        y = rev(x, dx, 1.0)
        t = fwd(x, v)[1]
        return y, dx, t

    f = {"squares_appended": squares_appended, "arrays_in_a_list": arrays_in_a_list,
         "comprehension": comprehension}[name]
    v = np.linspace(-1.0, 1.0, X.size)
    y, dx, t = both(X.copy(), v)
    want = fd_gradient(f, X.copy())
    assert y == pytest.approx(f(X.copy()), rel=1e-13)
    assert_fd_close(dx, want, 1e-6, 1e-9, what="reverse from njit")
    assert t == pytest.approx(float(v @ want.value), rel=1e-6)
    check_dot_product([t], [float(v @ dx)])


@numba.njit
def weighted_by_list(x, w):
    s = 0.0
    for i in range(x.size):
        s += math.sin(x[i]) * w[i % len(w)]
    return s


@numba.njit
def appends_constants_to_list(x, w):
    w.append(2.0)                    # an inactive value: fine for a Const list
    return x[0] * w[-1] + x[1] * w[0]


def test_list_passed_in_as_const():
    w = [1.5, -0.5, 2.0]
    want = np.cos(X) * np.array([w[i % 3] for i in range(X.size)])
    np.testing.assert_allclose(zymase.grad(weighted_by_list)(X.copy(), w), want, rtol=1e-13)
    rev = zymase.autodiff_reverse(weighted_by_list, Duplicated, Const, ret=Active)
    dx = np.zeros(X.size)
    rev(X.copy(), dx, w, 1.0)
    np.testing.assert_allclose(dx, want, rtol=1e-13)
    v = np.linspace(0.5, -0.5, X.size)
    _, t = zymase.autodiff_forward(weighted_by_list, Dual, Const, ret=Dual)(X.copy(), v, w)
    assert t == pytest.approx(float(v @ want), rel=1e-13)
    # a typed.List passed in, read only
    tw = typed.List(w)
    np.testing.assert_allclose(zymase.grad(weighted_by_list)(X.copy(), tw), want, rtol=1e-13)
    # a Const list the function appends a constant to (reflected back to the caller)
    w2 = [1.5, -0.5]
    g = zymase.grad(appends_constants_to_list)(X.copy(), w2)
    np.testing.assert_allclose(g[:2], [2.0, 1.5], rtol=1e-15)
    assert w2 == [1.5, -0.5, 2.0]


def test_shadow_lists_do_not_leak():
    assert_nrt_balanced(both_mode_calls((squares_appended, arrays_in_a_list, nested_lists), X))


# -- refusals ------------------------------------------------------------------------------

@numba.njit
def stores_into_list_argument(x, w):
    w.append(x[0] * 2.0)
    return w[-1] + x[1]


@numba.njit
def returns_a_list(x):
    return [v * 2.0 for v in x]


def test_typed_list_argument_cannot_be_duplicated():
    # reflected lists take shadow lists (test_list_arguments.py); a typed.List keeps its
    # items in Numba's C runtime
    with pytest.raises(ActivityError, match="`Duplicated` is not valid for parameter `w`"):
        zymase.autodiff_reverse(weighted_by_list, Duplicated, Duplicated, ret=Active)(
            X.copy(), np.zeros(X.size), typed.List([1.0]), typed.List([0.0]), 1.0)
    with pytest.raises(ActivityError, match="argument 1 .List. cannot be differentiated"):
        zymase.grad(weighted_by_list, argnums=1)(X.copy(), typed.List([1.0, 2.0]))


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_active_value_stored_into_a_const_list_is_refused(mode):
    with pytest.raises(UnsupportedError) as e:
        if mode == "rev":
            zymase.grad(stores_into_list_argument)(X.copy(), [1.0])
        else:
            zymase.jvp(stores_into_list_argument, (X.copy(), [1.0]), (np.ones(X.size), None))
    msg = str(e.value)
    assert "w.append(x[0] * 2.0)" in msg and "list (or jitclass instance) passed in" in msg


@numba.njit
def reads_arrays_of_a_list(x, arrays):
    s = 0.0
    for a in arrays:
        s += np.sum(a * np.sin(x))
    return s


@numba.njit
def writes_an_array_of_a_list(x, arrays):
    arrays[0][:] = x * 2.0
    return np.sum(arrays[0]) + x[0]


def test_list_of_arrays_passed_in():
    arrays = [np.ones(X.size), np.arange(X.size, dtype=np.float64)]
    want = np.cos(X) * (1.0 + np.arange(X.size))
    np.testing.assert_allclose(zymase.grad(reads_arrays_of_a_list)(X.copy(), arrays), want,
                               rtol=1e-13)
    _, t = zymase.jvp(reads_arrays_of_a_list, (X.copy(), arrays), (np.ones(X.size), None))
    assert t == pytest.approx(want.sum(), rel=1e-13)
    with pytest.raises(UnsupportedError) as e:
        zymase.grad(writes_an_array_of_a_list)(X.copy(), [np.ones(X.size)])
    msg = str(e.value)
    assert "arrays[0][:] = x * 2.0" in msg and "an array inside one" in msg


def test_list_result_is_refused_by_grad():
    # a list result has a tangent list (jvp) and takes a list of cotangents (vjp):
    # test_list_arguments.py; grad wants a float
    with pytest.raises(ActivityError, match="returns a list"):
        zymase.grad(returns_a_list)(X.copy())


@numba.njit
def set_of_floats(x):
    s = set()                        # grows with varsize_alloc: the old table is re-read
    for v in x:
        s.add(v * 2.0)
    t = 0.0
    for v in s:
        t += v * v
    return t


def test_set_of_floats():
    x = np.linspace(0.3, 1.7, 20)    # enough items to make the set grow twice
    check_grads(set_of_floats, (x,), n_dirs=1)
    np.testing.assert_allclose(zymase.grad(set_of_floats)(x), 8 * x, rtol=1e-13)

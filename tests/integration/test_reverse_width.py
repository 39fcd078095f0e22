"""Batched reverse mode (``width=N``): N seeds, one augmented forward sweep, one adjoint sweep.

Semantics: every shadow gains a leading axis of N (lane k holds the output adjoint ``w_k`` on
entry and receives the gradient of ``L_k = seed_k * f + sum_i <w_i,k, final array i>``), the
seed of a float result is a 1-d array of N return adjoints, and each Active scalar's adjoint
comes back as a 1-d array of N.

Checks, on every case of the differentiable corpus that returns a float or nothing:

* ``test_width_lanes_match_width1``: lane k of one width-3 call equals a width-1 call with
  seed k and shadows k (which ``test_reverse_corpus`` checks against finite differences), to
  rounding (1e-12 relative of the component scale in float64; the lanes run the same
  arithmetic, vectorised), and the primal results equal Numba's;
* ``test_width_no_leaks``: NRT allocations balance (every lane's shadow allocation is freed);
* array results: the seed stacks N output adjoints, lanes checked against width-1 calls;
* seed validation (float and array results), a call from ``@njit``.

Width 3 is deliberately not a power of two (vector types of odd length, tape slots of 4
words).
"""
from __future__ import annotations

import gc

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Duplicated, ShadowError, UnsupportedError

from tests.corpus.differentiable import CASES
from tests.integration.test_reverse_corpus import (_is_float32, _nrt_balance, _primal,
                                                   _return_kind, _rev_activities, _reverse,
                                                   _rng, _written)

W = 3
CASES_BY_NAME = {c.name: c for c in CASES}
NAMES = [c.name for c in CASES]
_DERIVS = {}


def _deriv(case, width):
    if width == 1:   # the corpus test's own width-1 derivative (compiled once per worker)
        return _reverse(case)
    key = (case.name, width)
    if key not in _DERIVS:
        ret = Active if _return_kind(case) == "float" else Const
        _DERIVS[key] = zymase.autodiff_reverse(case.fn, *_rev_activities(case), ret=ret,
                                               width=width)
    return _DERIVS[key]


def _wide_like_layout(x, n):
    """Zeros of shape ``(n,) + x.shape`` whose lanes lay out their elements like ``x``
    (same strides, negative or gapped ones included), in a buffer of their own."""
    item = x.itemsize
    lo = sum(min(0, (m - 1) * s) for m, s in zip(x.shape, x.strides))
    hi = sum(max(0, (m - 1) * s) for m, s in zip(x.shape, x.strides))
    span = (hi - lo) // item + 1
    buf = np.zeros(n * span, dtype=x.dtype)
    view = np.lib.stride_tricks.as_strided(buf[(-lo) // item:], (n,) + x.shape,
                                           (span * item,) + x.strides, writeable=True)
    assert view.strides[1:] == x.strides
    return view


def _lane_inputs(case):
    """Per lane k: {array index: w_k} and seed_k (None for cases returning nothing)."""
    rng = _rng(case, "width")
    written = _written(case)
    lanes = []
    for _ in range(W):
        ws = {}
        for i, (a, act) in enumerate(zip(case.make_args(), _rev_activities(case))):
            if act is Duplicated:
                # random everywhere: pure inputs test "added into", written ones the
                # adjoint of final contents
                ws[i] = rng.uniform(-1, 1, a.shape).astype(a.dtype) if (i in written or
                                                                          rng.uniform() > 0.5) \
                    else np.zeros_like(a)
        seed = float(rng.uniform(0.5, 1.5)) if _return_kind(case) == "float" else None
        lanes.append((ws, seed))
    return lanes


def _wide_call_args(args, acts, lanes):
    """The width-W call's arguments (each Duplicated argument followed by its W-lane shadow,
    lane k holding ``w_k``) and {argument index: that shadow}."""
    flat, wide = [], {}
    for i, (a, act) in enumerate(zip(args, acts)):
        flat.append(a)
        if act is Duplicated:
            s = _wide_like_layout(a, W)
            for k in range(W):
                s[k] = lanes[k][0][i]
            flat.append(s)
            wide[i] = s
    return flat, wide


def _split(res, n_parts):
    if n_parts == 0:
        return []
    return [res] if n_parts == 1 else list(res)


def _params():
    # float or None results; array results have test_width_array_returns_match_width1
    return [pytest.param(c.name, id=c.name) for c in CASES if _return_kind(c) != "array"]


@pytest.mark.parametrize("name", _params())
def test_width_lanes_match_width1(name):
    case = CASES_BY_NAME[name]
    acts = _rev_activities(case)
    lanes = _lane_inputs(case)
    has_seed = lanes[0][1] is not None
    active = [i for i, a in enumerate(acts) if a is Active]
    n_parts = int(has_seed) + len(active)
    # one width-W call
    args = case.make_args()
    flat, wide = _wide_call_args(args, acts, lanes)
    if has_seed:
        flat.append(np.array([lanes[k][1] for k in range(W)]))
    vals = _split(_deriv(case, W)(*flat), n_parts)
    y = vals.pop(0) if has_seed else None
    # the primal's own results
    ref_args = case.make_args()
    ref_y = _primal(case.fn)(*ref_args)
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, ref_args[i], err_msg=f"{name}: argument {i}")
    if has_seed:
        assert y == ref_y or (np.isnan(y) and np.isnan(ref_y))
    for v in vals:
        assert isinstance(v, np.ndarray) and v.shape == (W,), (name, v)
    rtol = 1e-5 if _is_float32(case) else 1e-12
    for k in range(W):
        ws, seed = lanes[k]
        a1 = case.make_args()
        f1 = []
        shadows = {}
        for i, (a, act) in enumerate(zip(a1, acts)):
            f1.append(a)
            if act is Duplicated:
                s = _wide_like_layout(a, 1)[0]
                s[...] = ws[i]
                f1.append(s)
                shadows[i] = s
        if has_seed:
            f1.append(seed)
        v1 = _split(_deriv(case, 1)(*f1), n_parts)
        if has_seed:
            v1.pop(0)
        for i, s in shadows.items():
            scale = max(1.0, float(np.max(np.abs(s.astype(np.float64)))))
            np.testing.assert_allclose(wide[i][k], s, rtol=0, atol=rtol * scale,
                                       err_msg=f"{name}: lane {k} of the shadow of argument {i}")
        for i, v_w, v_1 in zip(active, vals, v1):
            scale = max(1.0, abs(float(v_1)))
            assert abs(v_w[k] - v_1) <= rtol * scale, (name, k, i, v_w[k], v_1)


@pytest.mark.parametrize("name", ["temp_alloc_smooth", "heat_inplace", "while_accumulate", "matvec_into_strided"])
def test_width_no_leaks(name):
    case = CASES_BY_NAME.get(name)
    if case is None:
        pytest.skip(f"no corpus case {name}")
    if _return_kind(case) == "array":
        pytest.skip("array return")
    acts = _rev_activities(case)
    lanes = _lane_inputs(case)

    def call():
        flat = []
        for i, (a, act) in enumerate(zip(case.make_args(), acts)):
            flat.append(a)
            if act is Duplicated:
                flat.append(_wide_like_layout(a, W))
        if lanes[0][1] is not None:
            flat.append(np.ones(W))
        _deriv(case, W)(*flat)

    call()
    bal = _nrt_balance(lambda: [call() for _ in range(3)], totals=True)
    assert bal["balance"] == 0 and bal["mi_balance"] == 0, (name, bal)
    if name == "temp_alloc_smooth":  # its temporary and the temporary's W shadows, per call
        assert bal["mi_alloc"] >= 3 * (1 + W), bal


def _energy(x, k):
    e = 0.0
    for i in range(x.shape[0]):
        for j in range(i + 1, x.shape[0]):
            d = x[i] - x[j]
            e += k * d * d / (1.0 + d * d)
    return e


def test_width_gradient_rows_against_closed_form():
    """Each lane's gradient is seed_k times the gradient: checked against the closed form."""
    x = np.random.default_rng(1).uniform(-1, 1, 9)
    k = 0.7
    seeds = np.array([1.0, -2.0, 0.5, 3.0])
    dx = np.zeros((4, 9))
    e, dk = zymase.autodiff_reverse(_energy, Duplicated, Active, ret=Active, width=4)(
        x, dx, k, seeds)
    d = x[:, None] - x[None, :]
    g = np.sum(k * 2 * d / (1 + d * d) ** 2, axis=1)
    np.testing.assert_allclose(dx, seeds[:, None] * g[None, :], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dk, seeds * e / k, rtol=1e-12)


def test_width_seed_validated():
    df = zymase.autodiff_reverse(_energy, Duplicated, Active, ret=Active, width=4)
    x = np.ones(3)
    with pytest.raises(ShadowError, match="seed must be a 1-d float array of 4"):
        df(x, np.zeros((4, 3)), 1.0, np.ones(3))
    with pytest.raises(ShadowError, match="seed must be a 1-d float array of 4"):
        df(x, np.zeros((4, 3)), 1.0, 1.0)
    # and a correct call still works afterwards
    dx = np.zeros((4, 3))
    df(x, dx, 1.0, np.ones(4))


def test_width_from_njit():
    df = zymase.autodiff_reverse(_energy, Duplicated, Active, ret=Active, width=2)

    @numba.njit
    def run(x, seeds):
        dx = np.zeros((2, x.shape[0]))
        e, dk = df(x, dx, 0.5, seeds)
        return dx, dk

    x = np.linspace(-1, 1, 5)
    dx, dk = run(x, np.array([1.0, 2.0]))
    dx1 = np.zeros(5)
    _, dk1 = zymase.autodiff_reverse(_energy, Duplicated, Active, ret=Active)(x, dx1, 0.5, 1.0)
    np.testing.assert_allclose(dx, np.stack([dx1, 2 * dx1]), rtol=1e-13)
    np.testing.assert_allclose(dk, [dk1, 2 * dk1], rtol=1e-13)

    @numba.njit
    def bad(x):
        dx = np.zeros((2, x.shape[0]))
        return df(x, dx, 0.5, np.ones(3))

    with pytest.raises(ShadowError, match="seed must have 2 entries"):
        bad(x)


def _scale(x):
    return x * 2.0


def test_array_return_at_width_closed_form_and_seed_checks():
    df = zymase.autodiff_reverse(_scale, Duplicated, ret=Duplicated, width=2)
    dx = np.zeros((2, 3))
    seed = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]])
    y = df(np.ones(3), dx, seed)
    np.testing.assert_array_equal(y, 2.0 * np.ones(3))
    np.testing.assert_array_equal(dx, 2.0 * seed)
    for bad in (np.ones((3, 3)), np.ones(3), 1.0):
        with pytest.raises(ShadowError, match="seed"):
            df(np.ones(3), np.zeros((2, 3)), bad)
    with pytest.raises(ValueError, match="wrong shape"):
        df(np.ones(3), np.zeros((2, 3)), np.ones((2, 4)))

    @numba.njit
    def call(x, dx, s):
        return df(x, dx, s)
    dx = np.zeros((2, 3))
    call(np.ones(3), dx, seed)
    np.testing.assert_array_equal(dx, 2.0 * seed)
    with pytest.raises(ShadowError, match="seed must have 2 entries"):
        call(np.ones(3), np.zeros((2, 3)), np.ones((3, 3)))


ARRAY_NAMES = [c.name for c in CASES if _return_kind(c) == "array"]


@pytest.mark.parametrize("name", ARRAY_NAMES)
def test_width_array_returns_match_width1(name):
    """Array results at width W: the seed stacks W output adjoints; lane k of one call equals
    a width-1 call with seed k (which test_reverse_corpus checks against FD)."""
    case = CASES_BY_NAME[name]
    acts = _rev_activities(case)
    lanes = _lane_inputs(case)
    active = [i for i, a in enumerate(acts) if a is Active]
    out = np.asarray(_primal(case.fn)(*case.make_args()))
    rng = _rng(case, "width-array")
    seeds = np.stack([rng.uniform(-1, 1, out.shape).astype(out.dtype) for _ in range(W)])
    dW = zymase.autodiff_reverse(case.fn, *acts, ret=Duplicated, width=W)
    d1 = zymase.autodiff_reverse(case.fn, *acts, ret=Duplicated)
    args = case.make_args()
    flat, wide = _wide_call_args(args, acts, lanes)
    vals = _split(dW(*flat, seeds), 1 + len(active))
    np.testing.assert_array_equal(vals.pop(0), out)
    rtol = 1e-5 if _is_float32(case) else 1e-12
    for k in range(W):
        f1, shadows = [], {}
        for i, (a, act) in enumerate(zip(case.make_args(), acts)):
            f1.append(a)
            if act is Duplicated:
                s = _wide_like_layout(a, 1)[0]
                s[...] = lanes[k][0][i]
                f1.append(s)
                shadows[i] = s
        v1 = _split(d1(*f1, seeds[k].copy()), 1 + len(active))[1:]
        for i, s in shadows.items():
            scale = max(1.0, float(np.max(np.abs(s.astype(np.float64)))))
            np.testing.assert_allclose(wide[i][k], s, rtol=0, atol=rtol * scale,
                                       err_msg=f"{name}: lane {k} of the shadow of argument {i}")
        for i, v_w, v_1 in zip(active, vals, v1):
            assert abs(v_w[k] - v_1) <= rtol * max(1.0, abs(float(v_1))), (name, k, i)

"""Forward mode against central finite differences on every case of the differentiable corpus.

For each ``DCase`` of ``tests/corpus/differentiable.py`` every argument listed in ``diff`` (and
the in-place output argument ``out``) is ``Dual``, the rest ``Const``.  With random directions
``v`` (fixed seed) we compare the tangent of

* the returned value (float or new array), and
* the in-place output array (its tangent comes back in its shadow, overwritten),

with the central difference of the Numba-compiled primal along ``v`` (``tests/support.py``:
``(F(x + h v) - F(x - h v)) / 2h`` at steps ``h`` and ``h/2``, Richardson-extrapolated).

``width=1`` and ``width=4`` are both checked: the four lanes of one width-4 call must equal four
width-1 calls (to ~1e-12) and finite differences.  Also checked on every call: the primal
results equal the Numba-compiled function's, the shadow of an output-only argument starts as
garbage (the derivative must overwrite it, not accumulate into it), and the shadows of Dual
arrays the function does not write still hold their input tangents afterwards.  Further tests
call derivatives from inside ``@numba.njit`` code and check that shadow allocations (and the
width-N tangent arrays of array results) are freed.

Tolerances.  float64: extrapolated central differences with ``h = 1e-6`` (the corpus picks points
where this is well conditioned) have truncation error ``O(h^4)`` and rounding error
``~ 3 eps * |F| / h ~ 7e-10 * |F|``; we allow ``1e-6 * |fd| + 1e-8 * scale`` per element, where
``scale`` is the largest magnitude among the outputs and their finite differences (so a
rounding-level difference on a tiny element of a large vector is not a failure, but any
genuinely wrong partial is).  float32 cases run in float32 in the derivative; the reference is
the central difference of the same function with its float32 inputs (rounded directions
included) upcast to float64, with ``h = 1e-3``: where the function itself allocates float32
results (``float32_scale_new``) the outputs are still rounded to float32, and ``h = 1e-3`` keeps
that rounding at ``~3 * 6e-8 / 1e-3 ~ 2e-4`` relative while the truncation error is negligible.
The float32 derivative differs from it by float32 rounding only, so ``1e-3`` relative (of
``scale``) is loose but still catches any wrong rule.
"""
from __future__ import annotations

import numba
import numpy as np
import pytest

import zymase  # noqa: F401  (import before compiling the corpus: zymase records Numba's IR)
from zymase import Const, Dual, UnsupportedError

from tests.corpus.differentiable import CASES
from tests.support import FD, assert_fd_close, fd_jvp

CASES_BY_NAME = {c.name: c for c in CASES}
NAMES = [c.name for c in CASES]
WIDTH = 4
H = 1e-6          # float64 cases
H32 = 1e-3        # float32 cases (outputs may be float32 arrays even with float64 inputs)

# Cases whose construct zymase does not support (yet) at a given width: (name, width) -> reason.
# Each becomes an xfail(strict=True, raises=UnsupportedError): zymase must refuse loudly rather
# than return numbers, and the xfail turns into a failure the day support lands.  Empty: every
# corpus case is supported at width 1 and 4.
XFAIL: dict = {}


# -------------------------------------------------------------------------------------------
# helpers
# -------------------------------------------------------------------------------------------
def _is_float_scalar(a):
    return isinstance(a, (float, np.floating)) and not isinstance(a, bool)


def _is_float32(case):
    args = case.make_args()
    return any((isinstance(a, np.ndarray) and a.dtype == np.float32) or isinstance(a, np.float32)
               for a in args)


_PRIMALS = {}


def _primal(fn):
    """``numba.njit(fn)``, compiled once per corpus function."""
    if fn not in _PRIMALS:
        _PRIMALS[fn] = fn if isinstance(fn, numba.core.dispatcher.Dispatcher) else numba.njit(fn)
    return _PRIMALS[fn]


_DERIVS = {}


def _activities(case):
    nargs = len(case.make_args())
    return tuple(Dual if (i in case.diff or i == case.out) else Const for i in range(nargs))


def _derivative(case, width):
    acts = _activities(case)
    key = (case.fn, acts, width)
    if key not in _DERIVS:
        _DERIVS[key] = zymase.autodiff_forward(case.fn, *acts, ret=Dual, width=width)
    return _DERIVS[key]


def _like_layout(x, lead=None):
    """Zeros with ``x``'s shape, dtype and strides (plus a leading lane axis of length ``lead``).

    Shadows must lay out their elements like their primal, so a strided or transposed view
    gets a shadow that is the same view of a separate buffer.
    """
    item = x.itemsize
    lo = sum(min(0, (n - 1) * s) for n, s in zip(x.shape, x.strides))
    hi = sum(max(0, (n - 1) * s) for n, s in zip(x.shape, x.strides))
    span = (hi - lo) // item + 1
    lanes = 1 if lead is None else lead
    buf = np.zeros(lanes * span, dtype=x.dtype)
    start = buf[(-lo) // item:]
    if lead is None:
        shape, strides = x.shape, x.strides
    else:
        shape, strides = (lead,) + x.shape, (span * item,) + x.strides
    view = np.lib.stride_tricks.as_strided(start, shape, strides, writeable=True)
    assert view.strides == strides and not np.shares_memory(view, x)
    return view


def _directions(case, n, seed):
    """``n`` random directions: per argument a value like it (0 / None for non-Dual ones).

    Values are rounded to the argument's dtype so that the tangent zymase sees and the
    direction finite differences use are the same numbers.
    """
    rng = np.random.default_rng(seed)
    args = case.make_args()
    dirs = []
    for _ in range(n):
        d = []
        for i, a in enumerate(args):
            if i not in case.diff:
                d.append(None)
            elif isinstance(a, np.ndarray):
                d.append(rng.uniform(-1.0, 1.0, a.shape).astype(a.dtype))
            elif _is_float_scalar(a):
                d.append(type(a)(rng.uniform(-1.0, 1.0)))
            else:
                raise AssertionError(f"argument {i} of {case.name} is in diff but not a float")
        dirs.append(d)
    return dirs


def _garbage(rng, a):
    return rng.uniform(-50.0, 50.0, a.shape).astype(a.dtype)


def _call_args(case, dirs, width):
    """Fresh primal arguments interleaved with their shadows for one derivative call.

    ``dirs`` has ``width`` directions.  The shadow of an output-only argument (``out`` not in
    ``diff``) is filled with garbage: its initial contents must not matter because the
    derivative overwrites it with the output tangent.
    """
    args = case.make_args()
    rng = np.random.default_rng(1234)
    flat, shadows = [], {}
    for i, a in enumerate(args):
        flat.append(a)
        if not (i in case.diff or i == case.out):
            continue
        if isinstance(a, np.ndarray):
            s = _like_layout(a, None if width == 1 else width)
            for k in range(width):
                lane = s if width == 1 else s[k]
                lane[...] = dirs[k][i] if i in case.diff else _garbage(rng, a)
        else:
            vals = [dirs[k][i] for k in range(width)]
            s = vals[0] if width == 1 else np.array(vals, dtype=type(a))
        flat.append(s)
        shadows[i] = s
    return args, flat, shadows


def _outputs(case, args, result):
    """(returned value or None, in-place output or None) as float64 arrays."""
    r = None if result is None else np.asarray(result, dtype=np.float64)
    o = None if case.out is None else np.array(args[case.out], dtype=np.float64)
    return r, o


def _run_primal(case, args):
    return _outputs(case, args, _primal(case.fn)(*args))


def _tol(case):
    return (1e-3, 1e-3) if _is_float32(case) else (1e-6, 1e-8)


def _check_close(what, ad, fd, ref, case):
    """|ad - fd| <= rtol |fd| + atol * scale, elementwise (see the module docstring)."""
    rtol, atol = _tol(case)
    scale = max(np.max(np.abs(fd.value), initial=0.0), np.max(np.abs(ref), initial=0.0), 1e-300)
    assert_fd_close(ad, fd, rtol, atol * scale, what=f"{case.name}: {what}")


def _split_result(case, result):
    """Derivative result with ret=Dual -> (primal, tangent) or (None, None) for a None return."""
    if result is None:
        return None, None
    assert isinstance(result, tuple) and len(result) == 2, result
    return result


def _run_forward(case, dirs, width):
    """One derivative call with ``len(dirs) == width`` directions.

    Returns (primal return, primal out, [per lane: (return tangent, out tangent)], shadows, args).
    """
    df = _derivative(case, width)
    args, flat, shadows = _call_args(case, dirs, width)
    y, ydot = _split_result(case, df(*flat))
    if isinstance(y, np.ndarray):     # an array's tangent has its dtype
        assert isinstance(ydot, np.ndarray) and ydot.dtype == y.dtype, (type(ydot), y.dtype)
    r, o = _outputs(case, args, y)
    lanes = []
    for k in range(width):
        rt = None
        if ydot is not None:
            if width == 1:
                rt = np.asarray(ydot, dtype=np.float64)
            else:   # a leading lane axis: shape (width,) for a float, (width,) + y.shape
                assert isinstance(ydot, np.ndarray) and ydot.shape == (width,) + np.shape(y), \
                    (ydot.shape, np.shape(y))
                rt = np.asarray(ydot[k], dtype=np.float64)
        ot = None
        if case.out is not None:
            s = shadows[case.out]
            ot = np.array(s if width == 1 else s[k], dtype=np.float64)
        lanes.append((rt, ot))
    return r, o, lanes, shadows, args


def _check_case(case, width, seed):
    dirs = _directions(case, width, seed)
    r, o, lanes, shadows, args = _run_forward(case, dirs, width)
    # the primal results are those of the Numba-compiled function
    pr, po = _run_primal(case, case.make_args())
    assert (r is None) == (pr is None), f"{case.name}: primal return mismatch {r} vs {pr}"
    rtol = 1e-6 if _is_float32(case) else 1e-13
    if pr is not None:
        np.testing.assert_allclose(r, pr, rtol=rtol, atol=rtol * np.max(np.abs(pr)))
    if po is not None:
        np.testing.assert_allclose(o, po, rtol=rtol, atol=rtol * np.max(np.abs(po)))
    # Dual inputs that the function does not write keep their tangent in their shadow
    for i, s in shadows.items():
        if i != case.out and isinstance(s, np.ndarray) and isinstance(args[i], np.ndarray):
            for k in range(width):
                lane = s if width == 1 else s[k]
                np.testing.assert_array_equal(lane, dirs[k][i],
                                              err_msg=f"{case.name}: shadow of input {i} changed")
    # every lane against central differences of (return, out) along its direction, on fresh
    # arguments moved in place (strided layouts and compiled types kept), float32 in float64
    f32 = _is_float32(case)
    for k, (rt, ot) in enumerate(lanes):
        fd = fd_jvp(_primal(case.fn), case.make_args, dirs[k], H32 if f32 else H, upcast=f32,
                    written=() if case.out is None else (case.out,))
        (fd_r, fd_o), (err_r, err_o) = fd.value, fd.error
        assert (rt is None) == (fd_r is None)
        if fd_r is not None:
            _check_close(f"return tangent (lane {k})", rt, FD(fd_r, err_r), pr, case)
        if case.out is not None:
            _check_close(f"output tangent of arg {case.out} (lane {k})", ot,
                         FD(fd_o[0], err_o[0]), po, case)
    return dirs, lanes


def _params(width):
    out = []
    for name in NAMES:
        reason = XFAIL.get((name, width))
        marks = [pytest.mark.xfail(strict=True, raises=UnsupportedError, reason=reason)] \
            if reason else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


# -------------------------------------------------------------------------------------------
# tests
# -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", _params(1))
def test_forward_width1_vs_fd(name):
    case = CASES_BY_NAME[name]
    _check_case(case, 1, seed=1)


@pytest.mark.parametrize("name", _params(WIDTH))
def test_forward_width4_vs_fd_and_width1(name):
    case = CASES_BY_NAME[name]
    dirs, lanes = _check_case(case, WIDTH, seed=4)
    # lane k of one width-4 call == a width-1 call in direction k
    f32 = _is_float32(case)
    for k in range(WIDTH):
        _, _, (single,), _, _ = _run_forward(case, [dirs[k]], 1)
        for what, wide, one in (("return", lanes[k][0], single[0]), ("out", lanes[k][1], single[1])):
            if one is None:
                assert wide is None
                continue
            tol = 1e-6 if f32 else 1e-12
            np.testing.assert_allclose(
                wide, one, rtol=tol, atol=tol * max(np.max(np.abs(one)), 1.0),
                err_msg=f"{name}: width-{WIDTH} lane {k} {what} tangent != width-1 call")


# -- derivatives called from @numba.njit code --------------------------------------------------
@numba.njit
def _call_in_njit(df, args):
    return df(*args)


NJIT_CASES = [("poly_scalar", 1), ("rosenbrock", 1), ("strided_dot", 1), ("matvec_into", 1),
              ("thomas_solve", 1), ("lennard_jones", WIDTH), ("heat_inplace", WIDTH),
              ("softmax_weighted", WIDTH)]


@pytest.mark.parametrize("name,width", NJIT_CASES, ids=[f"{n}-w{w}" for n, w in NJIT_CASES])
def test_forward_callable_from_njit(name, width):
    case = CASES_BY_NAME[name]
    df = _derivative(case, width)
    dirs = _directions(case, width, seed=7)
    # from Python
    args_py, flat_py, sh_py = _call_args(case, dirs, width)
    res_py = df(*flat_py)
    # from inside @njit
    args_nb, flat_nb, sh_nb = _call_args(case, dirs, width)
    res_nb = _call_in_njit(df, tuple(flat_nb))
    if res_py is None:
        assert res_nb is None
    else:
        for a, b in zip(res_py, res_nb):
            np.testing.assert_array_equal(np.asarray(b), np.asarray(a))
    for i in sh_py:
        np.testing.assert_array_equal(np.asarray(sh_nb[i]), np.asarray(sh_py[i]))
        np.testing.assert_array_equal(np.asarray(args_nb[i]), np.asarray(args_py[i]))


# -- no leaks: shadow allocations (and width-N tangent arrays) are freed -----------------------
LEAK_CASES = [("temp_alloc_smooth", 1), ("thomas_solve", 1), ("thomas_solve", WIDTH),
              ("softmax_weighted", WIDTH), ("strided_map_2d", WIDTH)]


@pytest.mark.parametrize("name,width", LEAK_CASES, ids=[f"{n}-w{w}" for n, w in LEAK_CASES])
def test_forward_frees_what_it_allocates(name, width):
    import gc
    from numba.core.runtime import _nrt_python, rtsys
    case = CASES_BY_NAME[name]
    dirs = _directions(case, width, seed=9)
    _run_forward(case, dirs, width)        # compile first
    was_on = _nrt_python.memsys_stats_enabled()
    _nrt_python.memsys_enable_stats()
    try:
        gc.collect()
        gc.freeze()   # older objects out of later collections (see test_reverse_corpus)
        s0 = rtsys.get_allocation_stats()
        for _ in range(5):
            _run_forward(case, dirs, width)
        gc.collect()
        s1 = rtsys.get_allocation_stats()
    finally:
        if not was_on:
            _nrt_python.memsys_disable_stats()
    assert s1.mi_alloc - s0.mi_alloc == s1.mi_free - s0.mi_free > 0
    assert s1.alloc - s0.alloc == s1.free - s0.free

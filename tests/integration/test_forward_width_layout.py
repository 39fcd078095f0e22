"""Batched forward mode (``width=8``) and its shadow memory layouts.

At width N zymase lays shadow memory out lane-interleaved (the N tangent lanes of a primal
scalar at byte offset ``o`` are the ``<N x T>`` at ``N·o``): a Dual array's lanes are copied
into an interleaved buffer at entry and back out at every return when the function may write
the array; arrays a function only streams through (float loads and stores at a loop depth no
deeper than their rank) stay in the caller's tangent array ("strided lanes"); anything the
interleaved layout cannot express falls back to lanes of pointers (gathers/scatters).  The
corpus (``test_forward.py``) checks width 4 on contiguous and simple strided inputs; here
every layout decision gets its own case, at width 8:

* strided (``x[::2]``), reversed (``x[::-1]``), 2-D Fortran-order and non-contiguous views,
  in place and through the interleaved buffer;
* tangent arrays whose lane axis is strided or reversed (``dx[k]`` itself must be laid out
  like ``x``: the shadow checks require it);
* functions that write their Dual input (the tangent is an output: written in place, or
  copied back out of the buffer), arrays allocated inside, array returns (``(8,) + shape``,
  including returning the input), float32, memcpy (``x.copy()``, ``y.copy()``);
* an exception raised inside (NRT allocations and the C heap balanced: no leak);
* a custom rule called with arrays (the lanes-of-pointers fallback), the fallback forced;
* a Hessian (forward over reverse, width 8) whose reverse tape grows onto the heap.

Every case compares each lane of one width-8 call with a width-1 call along that lane's
direction (to 1e-12 relative for float64: the lanes do the width-1 arithmetic, up to the odd
rounding difference) and with central finite differences of the Numba-compiled primal
(``tests/support.py``, extrapolated; h = 1e-6 for float64: truncation negligible, rounding
~1e-9 relative; tolerance 1e-6 relative to the largest magnitude; float32 runs in float32 in
the derivative, and is compared with the float64 central difference at h = 1e-3 to 1e-3
relative).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import math

import numba
import numpy as np
import pytest

import zymase
import zymase.transforms.forward as forward_mod
from zymase import Const, Dual

from tests.support import fd_jvp

W = 8


# -------------------------------------------------------------------------------------------
# helpers
# -------------------------------------------------------------------------------------------
@pytest.fixture
def layouts(monkeypatch):
    """Records the layout (``interleaved`` / ``lanes`` / ``scalar``) of every forward
    derivative built while the test runs, with its in-place arrays and buffers."""
    seen = []
    orig = forward_mod.forward_transform

    def spy(*a, **k):
        res = orig(*a, **k)
        ft = res.transform
        seen.append(dict(layout=res.layout, buffers=len(ft.buffers),
                         copied_out=sum(bool(b.out) for b in ft.buffers),
                         in_place=len({id(v) for v in ft.lane_offsets.values()}),
                         reason=res.layout_reason))
        return res
    monkeypatch.setattr(forward_mod, "forward_transform", spy)
    return seen


def like_layout(x, lead=None, lane_step=1):
    """A zeroed array with ``x``'s shape, dtype and strides in separate memory, with a leading
    lane axis of ``lead`` when given (its lanes ``lane_step`` spans apart: 2 leaves gaps
    between the lanes, -1 reverses them)."""
    item = x.itemsize
    lo = sum(min(0, (n - 1) * s) for n, s in zip(x.shape, x.strides))
    hi = sum(max(0, (n - 1) * s) for n, s in zip(x.shape, x.strides))
    span = (hi - lo) // item + 1
    lanes = 1 if lead is None else lead * abs(lane_step)
    buf = np.zeros(lanes * span, dtype=x.dtype)
    off = (-lo) // item
    if lead is None:
        return np.lib.stride_tricks.as_strided(buf[off:], x.shape, x.strides, writeable=True)
    if lane_step < 0:
        off += (lanes - 1) * span
    view = np.lib.stride_tricks.as_strided(buf[off:], (lead,) + x.shape,
                                           (lane_step * span * item,) + x.strides, writeable=True)
    assert view.strides[1:] == x.strides and not np.shares_memory(view, x)
    return view


def _scale(*arrs):
    m = 1.0
    for a in arrs:
        if a is not None and np.size(a):
            m = max(m, float(np.max(np.abs(a))))
    return m


class Case:
    """``make()`` returns fresh primal arguments (views recreated each time); ``dual`` are
    the indices of Dual arguments; ``written`` those of Dual arrays the function writes (their
    tangent is an output)."""

    def __init__(self, fn, make, dual, written=(), lane_step=1, seed=0):
        self.fn, self.make, self.dual, self.written = fn, make, tuple(dual), tuple(written)
        self.lane_step, self.seed = lane_step, seed
        args = make()
        self.acts = tuple(Dual if i in self.dual else Const for i in range(len(args)))
        self.f32 = any(isinstance(a, (np.ndarray, np.floating)) and np.asarray(a).dtype == np.float32
                       for a in args)

    def directions(self):
        rng = np.random.default_rng(self.seed)
        args = self.make()
        out = []
        for _ in range(W):
            d = {}
            for i in self.dual:
                a = args[i]
                if isinstance(a, np.ndarray):
                    d[i] = rng.uniform(-1.0, 1.0, a.shape).astype(a.dtype)
                else:
                    d[i] = type(a)(rng.uniform(-1.0, 1.0))
            out.append(d)
        return out


def _call(df, case, dirs, width):
    """One call of ``df`` along ``dirs`` (``width`` of them): (result, primal args, shadows)."""
    args = case.make()
    flat, shadows = [], {}
    for i, a in enumerate(args):
        flat.append(a)
        if i not in case.dual:
            continue
        if isinstance(a, np.ndarray):
            s = like_layout(a, None if width == 1 else width, case.lane_step)
            for k in range(width):
                (s if width == 1 else s[k])[...] = dirs[k][i]
        else:
            s = dirs[0][i] if width == 1 else np.array([d[i] for d in dirs], dtype=type(a))
        flat.append(s)
        shadows[i] = s
    return df(*flat), args, shadows


def check(case, expect_layout=None, layouts=None):
    """Width 8 against width 1 lane by lane and against central differences."""
    if case.f32:
        h, rtol_fd, rtol_lane = 1e-3, 1e-3, 1e-6
    else:
        h, rtol_fd, rtol_lane = 1e-6, 1e-6, 1e-12
    d8 = zymase.autodiff_forward(case.fn, *case.acts, ret=Dual, width=W)
    d1 = zymase.autodiff_forward(case.fn, *case.acts, ret=Dual)
    dirs = case.directions()
    res8, args8, sh8 = _call(d8, case, dirs, W)
    (y8, t8) = res8
    t8 = np.asarray(t8)
    assert t8.shape == (W,) + np.shape(y8)
    # primal results as the Numba-compiled function's
    prim = numba.njit(case.fn) if not isinstance(case.fn, numba.core.dispatcher.Dispatcher) else case.fn
    pargs = case.make()
    np.testing.assert_allclose(np.asarray(y8), np.asarray(prim(*pargs)), rtol=1e-14, atol=0)
    for i in case.written:
        np.testing.assert_allclose(args8[i], pargs[i], rtol=1e-14, atol=0)
    # Dual arrays the function does not write still hold their input tangents
    for i in case.dual:
        if i not in case.written and isinstance(args8[i], np.ndarray):
            for k in range(W):
                np.testing.assert_array_equal(sh8[i][k], dirs[k][i])
    for k in range(W):
        (y1, t1), _, sh1 = _call(d1, case, dirs[k:k + 1], 1)
        sc = _scale(t1, t8[k])
        np.testing.assert_allclose(t8[k], t1, rtol=0, atol=rtol_lane * sc,
                                   err_msg=f"lane {k}: return tangent differs from width 1")
        for i in case.written:
            sc = _scale(sh1[i], sh8[i][k])
            np.testing.assert_allclose(sh8[i][k], sh1[i], rtol=0, atol=rtol_lane * sc,
                                       err_msg=f"lane {k}: tangent of written argument {i}")
        # central differences of (returned value, written arrays) along lane k's direction,
        # on fresh arguments moved in place (views keep their strides; float32 in float64)
        r_fd, w_fd = fd_jvp(prim, case.make, dirs[k], h, upcast=case.f32,
                            written=case.written).value
        sc = _scale(r_fd, t8[k])
        np.testing.assert_allclose(t8[k], r_fd, rtol=0, atol=rtol_fd * sc,
                                   err_msg=f"lane {k}: return tangent differs from central FD")
        for i, wf in zip(case.written, w_fd):
            sc = _scale(wf, sh8[i][k])
            np.testing.assert_allclose(sh8[i][k], wf, rtol=0, atol=rtol_fd * sc,
                                       err_msg=f"lane {k}: tangent of argument {i} vs FD")
    if expect_layout is not None and layouts is not None:
        wide = [r for r in layouts if r["layout"] != "scalar"]
        assert wide, "no width-8 derivative was built"
        for key, want in expect_layout.items():
            assert wide[-1][key] == want, (key, wide[-1])


# -------------------------------------------------------------------------------------------
# functions
# -------------------------------------------------------------------------------------------
def stream_sum(x):
    """Reads each element once at loop depth 1: tangents read in place."""
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += math.sin(x[i]) * x[i + 1]
    return s


def pair_sum(x):
    """Reads x inside a double loop: the tangents are copied into an interleaved buffer."""
    s = 0.0
    n = x.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            d = x[i] - x[j]
            s += 1.0 / (1.0 + d * d)
    return s


def grid_sum(a, b):
    """2-D arrays streamed by a double loop: tangents read in place."""
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += a[i, j] * a[i, j] * b[i, j] + math.cos(a[i, j]) * (i + 2 * j)
    return s


def grid_sweeps(a, b):
    """2-D arrays swept twice (a loop nest deeper than their rank): interleaved buffers."""
    s = 0.0
    for r in range(2):
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                s += a[i, j] * a[i, j] * b[i, j] * (r + 1) + math.cos(a[i, j]) * (i + 2 * j)
    return s


def update_inplace(x):
    """Writes its Dual input in one sweep: the tangent of x's final contents is written
    straight into dx (strided lanes)."""
    n = x.shape[0]
    for i in range(1, n):
        x[i] = math.sin(x[i]) * x[i - 1] + 0.5 * x[i]
    x[0] = x[0] * x[n - 1]
    return x.sum()


def sweeps_inplace(x, steps):
    """Writes its Dual input in repeated sweeps (a loop nest): the tangents live in the
    interleaved buffer and are copied back into dx at the return."""
    n = x.shape[0]
    for _ in range(steps):
        left = x[0]
        for i in range(1, n - 1):
            cur = x[i]
            x[i] = cur + 0.2 * (left - 2.0 * cur + x[i + 1]) + 0.1 * math.sin(cur)
            left = cur
    return (x * x).sum()


def update_grid(a, b):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] = a[i, j] * b[i, j] + math.exp(0.1 * a[i, j])
    return a[0, 0]


def update_grid_sweeps(a, b):
    for r in range(2):
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                a[i, j] = a[i, j] * b[i, j] + math.exp(0.1 * a[i, j]) * (r + 1)
    return a[0, 0]


def alloc_inside(x):
    """Arrays allocated inside (np.empty, np.zeros), a temporary reused in a loop nest."""
    n = x.shape[0]
    t = np.empty(n)
    z = np.zeros((2, n))
    for i in range(n):
        t[i] = x[i] * x[i]
    for r in range(2):
        for i in range(n):
            z[r, i] = t[i] * (r + 1) + math.tanh(t[(i + 1) % n])
    return z.sum() + t[0]


def array_ret(x, a):
    out = np.empty(x.shape[0] + 1)
    for i in range(x.shape[0]):
        out[i] = math.sin(x[i]) * a + x[i] * x[(i + 1) % x.shape[0]]
    out[x.shape[0]] = a * a
    return out


def array_ret_2d(x):
    out = np.empty((x.shape[0], 3))
    for i in range(x.shape[0]):
        for j in range(3):
            out[i, j] = x[i] ** (j + 1)
    return out


def scale_inplace_ret(x):
    """Writes its input and returns it: the returned array is the Dual input itself."""
    for i in range(x.shape[0]):
        x[i] = x[i] * x[i] + 1.0
    return x


def f32_mix(x, y):
    s = np.float32(0.0)
    for i in range(x.shape[0]):
        for j in range(y.shape[0]):
            s += math.sin(x[i]) * y[j] * y[j]
    return s


def f32_inplace(x):
    for i in range(1, x.shape[0]):
        x[i] = x[i] * x[i - 1] + np.float32(0.25)
    return x[x.shape[0] - 1]


def copy_slices(x):
    """memcpy: ``x.copy()`` (from the Dual argument) and ``y.copy()`` (between allocations).
    (Slice assignment ``y[:] = x`` goes through a raw temporary block instead: see
    test_slice_copies.py.)"""
    y = x.copy()
    z = y.copy()
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[0]):
            s += y[i] * z[j] * math.cos(y[j])
    return s


def raise_if_big(x, limit):
    t = np.empty(x.shape[0])
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(3):              # a nested loop, O(n): the buffer, not the work, is big
            t[i] = x[i] * x[j]
            s += t[i]
    if s > limit:
        raise ValueError("too big")
    return s


def _rng(seed):
    return np.random.default_rng(seed)


def _vec(n, seed, lo=-1.0, hi=1.0, dtype=np.float64):
    return _rng(seed).uniform(lo, hi, n).astype(dtype)


# -------------------------------------------------------------------------------------------
# strided, reversed and 2-D views
# -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("view", ["contiguous", "step2", "reversed", "reversed_step3"])
def test_streamed_views_are_read_in_place(view, layouts):
    sl = {"contiguous": slice(None), "step2": slice(None, None, 2),
          "reversed": slice(None, None, -1), "reversed_step3": slice(None, None, -3)}[view]
    case = Case(stream_sum, lambda: (_vec(40, 1)[sl],), dual=(0,))
    check(case, dict(layout="interleaved", in_place=1, buffers=0), layouts)


@pytest.mark.parametrize("view", ["step2", "reversed", "offset_reversed"])
def test_views_through_the_interleaved_buffer(view, layouts):
    sl = {"step2": slice(None, None, 2), "reversed": slice(None, None, -1),
          "offset_reversed": slice(30, 2, -3)}[view]
    case = Case(pair_sum, lambda: (_vec(33, 2)[sl],), dual=(0,))
    check(case, dict(layout="interleaved", buffers=1, copied_out=0), layouts)


@pytest.mark.parametrize("fn,expect", [(grid_sum, dict(in_place=2, buffers=0)),
                                       (grid_sweeps, dict(in_place=0, buffers=2, copied_out=0))],
                         ids=["in_place", "buffered"])
@pytest.mark.parametrize("view", ["C", "F", "transposed", "sliced", "reversed_rows"])
def test_2d_views(view, fn, expect, layouts):
    def make():
        base_a = _rng(3).uniform(-1.0, 1.0, (7, 10))
        base_b = _rng(4).uniform(0.5, 1.5, (7, 10))
        if view == "C":
            return base_a[:5, :6].copy(), base_b[:5, :6].copy()
        if view == "F":
            return np.asfortranarray(base_a[:5, :6]), np.asfortranarray(base_b[:5, :6])
        if view == "transposed":
            return base_a.T[:6, :5], base_b.T[:6, :5]
        if view == "sliced":
            return base_a[1::2, ::3], base_b[::2, 1::3]
        return base_a[::-2, 2:8], base_b[::-1, ::-1][:4, :6]
    check(Case(fn, make, dual=(0, 1)), dict(layout="interleaved", **expect), layouts)


@pytest.mark.parametrize("lane_step", [2, -1])
def test_tangent_lanes_not_contiguous(lane_step, layouts):
    """dx's lane axis strided (gaps between lanes) or reversed, in place and buffered."""
    check(Case(stream_sum, lambda: (_vec(25, 5)[::-2],), dual=(0,), lane_step=lane_step),
          dict(in_place=1), layouts)
    check(Case(grid_sweeps, lambda: (_rng(6).uniform(-1, 1, (6, 9))[:, ::2],
                                     _rng(7).uniform(0.5, 1.5, (6, 5)).T.copy().T),
               dual=(0, 1), lane_step=lane_step), dict(buffers=2), layouts)


# -------------------------------------------------------------------------------------------
# written inputs, allocations, returns
# -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("view", ["contiguous", "step3", "reversed"])
def test_written_input_in_place(view, layouts):
    sl = {"contiguous": slice(None), "step3": slice(None, None, 3),
          "reversed": slice(None, None, -1)}[view]
    case = Case(update_inplace, lambda: (_vec(30, 8, 0.2, 0.9)[sl],), dual=(0,), written=(0,))
    check(case, dict(layout="interleaved", buffers=0, in_place=1), layouts)


@pytest.mark.parametrize("view", ["contiguous", "step3", "reversed"])
@pytest.mark.parametrize("lane_step", [1, -2])
def test_written_input_tangent_is_copied_back(view, lane_step, layouts):
    sl = {"contiguous": slice(None), "step3": slice(None, None, 3),
          "reversed": slice(None, None, -1)}[view]
    case = Case(sweeps_inplace, lambda: (_vec(36, 8, 0.2, 0.9)[sl], 4), dual=(0,), written=(0,),
                lane_step=lane_step)
    check(case, dict(layout="interleaved", buffers=1, copied_out=1, in_place=0), layouts)


@pytest.mark.parametrize("fn,expect", [(update_grid, dict(in_place=2, buffers=0)),
                                       (update_grid_sweeps, dict(buffers=2, copied_out=1))],
                         ids=["in_place", "buffered"])
@pytest.mark.parametrize("order", ["C", "F", "sliced"])
def test_written_2d_input(order, fn, expect, layouts):
    def make():
        a = _rng(9).uniform(-0.5, 0.5, (6, 8))
        b = _rng(10).uniform(0.5, 1.5, (6, 8))
        if order == "F":
            return np.asfortranarray(a), np.asfortranarray(b)
        if order == "sliced":
            return a[::2, ::-3], b[1::2, 1::3]
        return a, b
    check(Case(fn, make, dual=(0, 1), written=(0,)), dict(layout="interleaved", **expect),
          layouts)


def update_3d_sweeps(a):
    for r in range(2):
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                for k in range(a.shape[2]):
                    a[i, j, k] = math.sin(a[i, j, k]) * a[i - 1, j, k - 1] + 0.3 * a[i, j, k]
    return a[0, 0, 0]


@pytest.mark.parametrize("view", ["C", "transposed_strided"])
def test_written_3d_input_copied_back(view, layouts):
    def make():
        a = _rng(26).uniform(-0.8, 0.8, (5, 4, 6))
        return (a,) if view == "C" else (a.transpose(2, 0, 1)[::-2, :, 1:],)
    check(Case(update_3d_sweeps, make, dual=(0,), written=(0,)),
          dict(layout="interleaved", buffers=1, copied_out=1), layouts)


def test_arrays_allocated_inside(layouts):
    check(Case(alloc_inside, lambda: (_vec(12, 11),), dual=(0,)), dict(layout="interleaved"),
          layouts)


def test_array_return(layouts):
    check(Case(array_ret, lambda: (_vec(9, 12), 0.7), dual=(0, 1)), dict(layout="interleaved"),
          layouts)


def test_array_return_2d_from_strided_input(layouts):
    check(Case(array_ret_2d, lambda: (_vec(20, 13, 0.5, 1.5)[::-3],), dual=(0,)),
          dict(layout="interleaved"), layouts)


def test_returning_the_written_input(layouts):
    # (a C-contiguous input: width N returns arrays of C layout only)
    check(Case(scale_inplace_ret, lambda: (_vec(10, 14),), dual=(0,), written=(0,)),
          dict(layout="interleaved", copied_out=1), layouts)


# -------------------------------------------------------------------------------------------
# float32, memcpy
# -------------------------------------------------------------------------------------------
def test_float32(layouts):
    check(Case(f32_mix, lambda: (_vec(7, 15, dtype=np.float32), _vec(10, 16, dtype=np.float32)[::-2]),
               dual=(0, 1)), dict(layout="interleaved"), layouts)


def test_float32_written(layouts):
    check(Case(f32_inplace, lambda: (_vec(12, 17, 0.1, 0.9, np.float32)[::-1],), dual=(0,),
               written=(0,)), dict(layout="interleaved", in_place=1), layouts)


def test_memcpy(layouts):
    check(Case(copy_slices, lambda: (_vec(11, 18),), dual=(0,)),
          dict(layout="interleaved", buffers=1, in_place=0), layouts)


# -------------------------------------------------------------------------------------------
# no leaks, on the exception path too
# -------------------------------------------------------------------------------------------
def _heap_bytes():
    """Bytes the C heap has handed out (glibc ``mallinfo2``), or None elsewhere."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return None
    libc = ctypes.CDLL(libc_name)
    if not hasattr(libc, "mallinfo2"):
        return None

    class Mallinfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks",
                                                   "hblkhd", "usmblks", "fsmblks", "uordblks",
                                                   "fordblks", "keepcost")]
    libc.mallinfo2.restype = Mallinfo2
    m = libc.mallinfo2()
    return m.uordblks + m.hblkhd


def test_exception_inside_frees_everything(layouts):
    from numba.core.runtime import _nrt_python, rtsys
    d8 = zymase.autodiff_forward(raise_if_big, Dual, Const, ret=Dual, width=W)
    n = 20000   # an 1.3 MB interleaved buffer per call: a leak would show in the C heap
    x = np.full(n, 0.01)[::-1]
    dx = like_layout(x, W)
    dx[...] = 1.0
    y, t = d8(x, dx, 1e9)                # compile; the normal path
    # s = (Σ x)(x0 + x1 + x2): its derivative along all-ones is n·(x0 + x1 + x2) + 3·Σ x
    assert t.shape == (W,) and np.allclose(t, n * x[:3].sum() + 3 * x.sum(), rtol=1e-12)
    assert layouts[-1]["layout"] == "interleaved" and layouts[-1]["buffers"] == 1
    was_on = _nrt_python.memsys_stats_enabled()
    _nrt_python.memsys_enable_stats()
    try:
        with pytest.raises(ValueError, match="too big"):
            d8(x, dx, 0.0)
        gc.collect()
        gc.freeze()   # older objects out of later collections (see test_reverse_corpus)
        s0, h0 = rtsys.get_allocation_stats(), _heap_bytes()
        for _ in range(20):
            with pytest.raises(ValueError, match="too big"):
                d8(x, dx, 0.0)
            d8(x, dx, 1e9)
        gc.collect()
        s1, h1 = rtsys.get_allocation_stats(), _heap_bytes()
    finally:
        if not was_on:
            _nrt_python.memsys_disable_stats()
    assert s1.mi_alloc - s0.mi_alloc == s1.mi_free - s0.mi_free > 0
    assert s1.alloc - s0.alloc == s1.free - s0.free
    if h0 is not None:
        assert h1 - h0 < 20 * n * 8 * W // 4, (h0, h1)   # far less than one buffer per call


def test_array_results_and_allocations_do_not_leak():
    from numba.core.runtime import _nrt_python, rtsys
    d8 = zymase.autodiff_forward(alloc_inside, Dual, ret=Dual, width=W)
    r8 = zymase.autodiff_forward(array_ret, Dual, Dual, ret=Dual, width=W)
    x = _vec(15, 20)
    dx, da = like_layout(x, W), np.ones(W)
    d8(x, dx)
    r8(x, dx, 0.3, da)
    was_on = _nrt_python.memsys_stats_enabled()
    _nrt_python.memsys_enable_stats()
    try:
        gc.collect()
        gc.freeze()   # older objects out of later collections (see test_reverse_corpus)
        s0 = rtsys.get_allocation_stats()
        for _ in range(5):
            d8(x, dx)
            r8(x, dx, 0.3, da)
        gc.collect()
        s1 = rtsys.get_allocation_stats()
    finally:
        if not was_on:
            _nrt_python.memsys_disable_stats()
    assert s1.mi_alloc - s0.mi_alloc == s1.mi_free - s0.mi_free > 0
    assert s1.alloc - s0.alloc == s1.free - s0.free


# -------------------------------------------------------------------------------------------
# the lanes-of-pointers fallback, and calls from @njit
# -------------------------------------------------------------------------------------------
@zymase.custom_derivative
def sq_norm(v):
    s = 0.0
    for i in range(v.shape[0]):
        s += v[i] * v[i]
    return s


@sq_norm.defjvp
def _sq_norm_jvp(primals, tangents):
    (v,), (vd,) = primals, tangents
    s = 0.0
    t = 0.0
    for i in range(v.shape[0]):
        s += v[i] * v[i]
        t += 2.0 * v[i] * vd[i]
    return s, t


def uses_array_rule(x):
    return sq_norm(x) * math.sin(x[0])


def test_custom_rule_with_arrays_falls_back_to_lanes_of_pointers(layouts):
    check(Case(uses_array_rule, lambda: (_vec(6, 21)[::-1],), dual=(0,)),
          dict(layout="lanes"), layouts)
    assert "custom rule" in layouts[-2 if layouts[-1]["layout"] == "scalar" else -1]["reason"]


def test_forced_lanes_layout_agrees(monkeypatch, layouts):
    """The fallback layout computes the same lanes on a function the default layout handles."""
    monkeypatch.setattr(forward_mod, "LAYOUT", "lanes")
    check(Case(update_inplace, lambda: (_vec(14, 22, 0.2, 0.9)[::-2],), dual=(0,), written=(0,)),
          dict(layout="lanes"), layouts)
    check(Case(sweeps_inplace, lambda: (_vec(14, 22, 0.2, 0.9)[::-2], 3), dual=(0,), written=(0,)),
          dict(layout="lanes"), layouts)


def test_width8_from_njit_matches_python():
    d8 = zymase.autodiff_forward(update_inplace, Dual, ret=Dual, width=W)

    @numba.njit
    def drive(x, dx):
        return d8(x, dx)
    x0 = _vec(16, 23, 0.2, 0.9)[::-1]
    dirs = _rng(24).uniform(-1, 1, (W, 16))
    xa = x0.copy()
    dxa = like_layout(xa, W)
    dxa[...] = dirs
    ya, ta = d8(xa, dxa)
    xb = x0.copy()
    dxb = like_layout(xb, W)
    dxb[...] = dirs
    yb, tb = drive(xb, dxb)
    assert ya == yb
    np.testing.assert_array_equal(ta, tb)
    np.testing.assert_array_equal(dxa, dxb)
    np.testing.assert_array_equal(xa, xb)


# -------------------------------------------------------------------------------------------
# forward over reverse: the reverse derivative's heap-grown tape (malloc/realloc/free of
# shadows N times the size, pointers stored in shadow memory) at width 8
# -------------------------------------------------------------------------------------------
def bumpy(x, n):
    """A branch in the loop nest: the reverse derivative tapes the path, 20 KB at n = 40."""
    s = 0.0
    for i in range(n):
        for j in range(n):
            d = x[i] - x[j]
            if d > 0.0:
                s += d * d * x[j]
            else:
                s -= math.sin(d) * x[i]
    return s


def test_hessian_with_a_heap_grown_tape(monkeypatch, layouts):
    import zymase.higher as higher
    n = 40
    x = np.linspace(-1.0, 1.0, n)[_rng(25).permutation(n)]   # distinct: no branch flips in FD
    monkeypatch.setattr(higher, "_cache", {})
    H = zymase.hessian(bumpy, width=W)(x, n)
    rev = next(iter(higher._cache.values()))[1]
    assert rev.tape_bytes() > 4096            # the tape left its 4 KiB stack buffer
    wide = [r for r in layouts if r["layout"] != "scalar"]
    assert wide and wide[-1]["layout"] == "interleaved"
    # columns of width-1 forward over reverse (Hessian-vector products with basis vectors)
    for k in (0, 7, 8, n - 1):
        e = np.zeros(n)
        e[k] = 1.0
        np.testing.assert_allclose(H[:, k], zymase.hvp(bumpy, (x, n), (e, None)), rtol=0,
                                   atol=1e-12 * np.max(np.abs(H)))
    # against central differences of the gradient
    g = zymase.grad(bumpy)
    h = 1e-6
    for k in (0, 13, n - 1):
        e = np.zeros(n)
        e[k] = 1.0
        fd = fd_jvp(g, (x, n), (e, None), h).value
        np.testing.assert_allclose(H[:, k], fd, rtol=0, atol=1e-6 * np.max(np.abs(fd)))
    np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-12 * np.max(np.abs(H)))

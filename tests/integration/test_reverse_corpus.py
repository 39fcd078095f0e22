"""Reverse mode on every case of the differentiable corpus.

For each ``DCase`` of ``tests/corpus/differentiable.py``:

* activities: a float scalar listed in ``diff`` is ``Active``; an array listed in ``diff`` (and
  the in-place output argument ``out``) is ``Duplicated``; everything else is ``Const``.
* a case returning a float gets ``ret=Active`` and a random seed; a case returning ``None``
  (results written in place) gets ``ret=Const`` and the adjoint of its outputs in their shadows;
  a case returning a new array is not supported by reverse mode yet: the test asserts that
  zymase refuses it with ``UnsupportedError`` (a clear error, not a crash or wrong numbers) and
  then skips.

What the derivative computes (Enzyme semantics).  With ``w_i`` the contents of the shadow of
Duplicated array ``i`` on entry (the adjoint of that array's *final* contents) and ``seed`` the
adjoint of the return value, the derivative adds to each shadow, and returns for each Active
scalar, the gradient with respect to the *initial* inputs of

    L(inputs) = seed * f(inputs) + sum_i <w_i, final contents of array i>.

So after the call ``dx_i == grad_{x_i} L`` (for an array f only reads this is ``w_i + seed *
grad f``, i.e. the adjoint is *added* into the shadow).

Checks, per case:

1. ``test_reverse_vs_fd``: the primal return and final array contents equal plain Numba's; the
   adjoints equal central finite differences of ``L``.  ``w_i`` is random for arrays the
   function writes (the output and in-place-updated inputs) and zero for pure inputs.
2. ``test_forward_reverse_agree``: for random directions ``v`` (one per Dual/Duplicated
   argument and Active scalar) and random ``w`` on *every* shadow (pure inputs included, which
   tests the "added into" semantics), ``<J v, w>`` from ``zymase.autodiff_forward`` equals
   ``<v, J^T w>`` from reverse mode to ~1e-10 relative.  Forward mode leaves in each Dual
   array's shadow the tangent of its final contents, so
   ``<J v, w> = seed * ydot + sum_i <shadow_i, w_i>`` and
   ``<v, J^T w> = sum_i <v_i, dx_i> + sum_s v_s * adjoint_s``.
3. ``test_reverse_no_leaks``: Numba's NRT allocation statistics balance over calls of the
   derivative (after a warm-up call): every shadow allocation and every primal temporary is
   freed.

Beyond the corpus:

* array returns are refused (``UnsupportedError``) for every return activity, and a
  ``Duplicated`` return on a float-returning function is an ``ActivityError`` (it would
  silently drop the return adjoint);
* ``test_exception_*``: an exception raised inside the function propagates out of the
  derivative as the same Python exception, every shadow allocation is freed, and the derivative
  keeps working with the same numbers.  One leak remains that is not the transform's: the
  ``@njit`` entry through which a derivative is called keeps its references to its array
  arguments when the callee fails (Numba's numba#1549 behaviour for any nested ``@njit`` call;
  see the strict xfail);
* regressions for reverse-mode bugs found while writing this file: loop-header phis that feed
  each other (``a, b = b, f(a, b)``), the adjoint of a ``memcpy`` of float32 memory, and an
  active value stored into a ``Const`` array (refused instead of a silent zero).

Tolerances.  float64: extrapolated central differences (``tests/support.py``) with ``h = 1e-6``
have truncation error ``O(h^4)`` and rounding error ``~3 eps |L| / h ~ 7e-10 |L|``; we allow ``1e-6 |fd| + 1e-8 scale`` per component,
``scale`` being the largest |component| of the FD gradient (the same bound as the forward
corpus test: a rounding-level difference on a tiny component is not a failure, any wrong
partial is).  float32: the reference is the FD of the same function on inputs upcast to float64
with ``h = 1e-3`` (the derivative itself runs in float32), compared with ``1e-3`` relative to
``scale``, loose but far below the size of any wrong rule.  The forward/reverse identity is
exact algebra evaluated twice in floating point: 1e-10 relative (of the sum of magnitudes of
its terms) in float64, 1e-4 in float32.
"""
from __future__ import annotations

import gc
import math
import zlib

import numba
import numpy as np
import pytest

import zymase  # noqa: F401  (import before compiling the corpus: zymase records Numba's IR)
from zymase import Active, Const, Dual, Duplicated, UnsupportedError

from tests.corpus.differentiable import CASES
from tests.support import FD, assert_fd_close, fd_gradient, fd_jvp

CASES_BY_NAME = {c.name: c for c in CASES}
NAMES = [c.name for c in CASES]
H = 1e-6          # float64 finite-difference step
H32 = 1e-3        # float32 cases (evaluated in float64)
ARRAY_RETURN_SKIP = "array return: checked with ret=Duplicated and a seed array instead"

# Cases whose construct reverse mode does not support (yet): name -> reason.  Each becomes an
# xfail(strict=True, raises=UnsupportedError): zymase must refuse loudly rather than return
# numbers, and the xfail turns into a failure the day support lands.
XFAIL: dict = {}


# -------------------------------------------------------------------------------------------
# helpers
# -------------------------------------------------------------------------------------------
def _is_float_scalar(a):
    return isinstance(a, (float, np.floating)) and not isinstance(a, bool)


def _is_float32(case):
    return any((isinstance(a, np.ndarray) and a.dtype == np.float32) or isinstance(a, np.float32)
               for a in case.make_args())


def _rng(case, salt):
    return np.random.default_rng(zlib.crc32(f"{case.name}/{salt}".encode()))


_PRIMALS = {}


def _primal(fn):
    """``numba.njit(fn)``, compiled once per corpus function."""
    if fn not in _PRIMALS:
        _PRIMALS[fn] = fn if isinstance(fn, numba.core.dispatcher.Dispatcher) else numba.njit(fn)
    return _PRIMALS[fn]


_KINDS = {}


def _return_kind(case):
    """'float', 'array' or 'none': what the function returns at the example point."""
    if case.name not in _KINDS:
        r = _primal(case.fn)(*case.make_args())
        if r is None:
            k = "none"
        elif isinstance(r, np.ndarray):
            k = "array"
        else:
            assert _is_float_scalar(r), (case.name, type(r))
            k = "float"
        _KINDS[case.name] = k
    return _KINDS[case.name]


def _written(case):
    """Indices of array arguments whose contents the function changes (plus ``out``)."""
    before = case.make_args()
    after = case.make_args()
    _primal(case.fn)(*after)
    out = {i for i, (a, b) in enumerate(zip(before, after))
           if isinstance(a, np.ndarray) and not np.array_equal(a, b)}
    if case.out is not None:
        out.add(case.out)
    return out


def _rev_activities(case):
    acts = []
    for i, a in enumerate(case.make_args()):
        if i in case.diff and _is_float_scalar(a):
            acts.append(Active)
        elif (i in case.diff or i == case.out) and isinstance(a, np.ndarray):
            acts.append(Duplicated)
        else:
            assert i not in case.diff, f"{case.name}: argument {i} in diff but not a float"
            acts.append(Const)
    return tuple(acts)


def _fwd_activities(case):
    return tuple(Const if a is Const else Dual for a in _rev_activities(case))


_DERIVS = {}


def _reverse(case):
    key = ("rev", case.name)
    if key not in _DERIVS:
        ret = Active if _return_kind(case) == "float" else Const
        _DERIVS[key] = zymase.autodiff_reverse(case.fn, *_rev_activities(case), ret=ret)
    return _DERIVS[key]


def _forward(case):
    key = ("fwd", case.name)
    if key not in _DERIVS:
        _DERIVS[key] = zymase.autodiff_forward(case.fn, *_fwd_activities(case), ret=Dual)
    return _DERIVS[key]


def _like_layout(x):
    """Zeros with ``x``'s shape, dtype and strides, in a buffer of their own.

    Shadows must lay out their elements like their primal, so a strided, reversed or
    transposed view gets a shadow that is the same view of a separate buffer.
    """
    item = x.itemsize
    lo = sum(min(0, (n - 1) * s) for n, s in zip(x.shape, x.strides))
    hi = sum(max(0, (n - 1) * s) for n, s in zip(x.shape, x.strides))
    buf = np.zeros((hi - lo) // item + 1, dtype=x.dtype)
    view = np.lib.stride_tricks.as_strided(buf[(-lo) // item:], x.shape, x.strides,
                                           writeable=True)
    assert view.strides == x.strides and not np.shares_memory(view, x)
    return view


def _random_like(rng, a):
    return rng.uniform(-1.0, 1.0, a.shape).astype(a.dtype)


def _output_adjoints(case, all_arrays=False, salt="w"):
    """``w_i`` for every Duplicated array (random where written, or everywhere) and a seed."""
    rng = _rng(case, salt)
    written = _written(case)
    ws = {}
    for i, (a, act) in enumerate(zip(case.make_args(), _rev_activities(case))):
        if act is Duplicated:
            ws[i] = _random_like(rng, a) if (all_arrays or i in written) else np.zeros_like(a)
    seed = float(rng.uniform(0.5, 1.5)) * (1.0 if rng.uniform() > 0.5 else -1.0) \
        if _return_kind(case) == "float" else None
    return ws, seed


def _call_reverse(case, ws, seed):
    """One reverse call on fresh arguments.

    Returns (args after the call, primal return or None, {scalar index: adjoint},
    {array index: shadow after the call}).
    """
    df = _reverse(case)
    args = case.make_args()
    acts = _rev_activities(case)
    flat, shadows = [], {}
    for i, (a, act) in enumerate(zip(args, acts)):
        flat.append(a)
        if act is Duplicated:
            s = _like_layout(a)
            s[...] = ws[i]
            flat.append(s)
            shadows[i] = s
    if seed is not None:
        flat.append(seed)
    res = df(*flat)
    active = [i for i, act in enumerate(acts) if act is Active]
    parts = ([True] if seed is not None else []) + active
    if len(parts) == 0:
        assert res is None, f"{case.name}: expected None, got {res!r}"
        vals = []
    elif len(parts) == 1:
        assert not isinstance(res, tuple), f"{case.name}: a single result must come back bare"
        vals = [res]
    else:
        assert isinstance(res, tuple) and len(res) == len(parts), (case.name, res)
        vals = list(res)
    y = vals.pop(0) if seed is not None else None
    adj = dict(zip(active, vals))
    for i, v in adj.items():
        assert _is_float_scalar(v), f"{case.name}: adjoint of argument {i} is {type(v)}"
    return args, y, adj, shadows


def _lagrangian(case, args, ws, seed):
    """``seed * f(args) + sum_i <w_i, final args[i]>`` with plain Numba (modifies ``args``)."""
    r = _primal(case.fn)(*args)
    val = 0.0 if seed is None else seed * float(r)
    for i, w in ws.items():
        val += float(np.sum(np.asarray(w, dtype=np.float64) * np.asarray(args[i], np.float64)))
    return val


def _tol(case):
    return (1e-3, 1e-3) if _is_float32(case) else (1e-6, 1e-8)


def _params(extra_marks=()):
    out = []
    for name in NAMES:
        reason = XFAIL.get(name)
        marks = [pytest.mark.xfail(strict=True, raises=UnsupportedError, reason=reason)] \
            if reason else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


_REFUSED = set()


def _check_array_return(case):
    """Array returns: ``ret=Duplicated`` takes the output adjoint ``w`` as a trailing seed
    array; the gradient of ``<w, f(x)>`` must match central differences, and the primal array
    must come back.  ``ret=Active`` is refused with an ActivityError."""
    acts = _rev_activities(case)
    args = case.make_args()
    flat, shadows = [], []
    for a, act in zip(case.make_args(), acts):   # the case's own views, strides included
        flat.append(a)
        if act is Duplicated:
            shadows.append(_like_layout(a))
            flat.append(shadows[-1])
    prim = numba.njit(case.fn)
    y_ref = prim(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    w = np.random.default_rng(7).standard_normal(y_ref.shape).astype(y_ref.dtype)
    df = zymase.autodiff_reverse(case.fn, *acts, ret=Duplicated)
    res = df(*flat, w)
    y = res[0] if isinstance(res, tuple) else res
    np.testing.assert_allclose(y, y_ref, rtol=1e-13)
    f64 = y_ref.dtype == np.float64
    h = 1e-6 if f64 else 1e-3
    k = 0
    for i, (a, act) in enumerate(zip(args, acts)):
        if act is not Duplicated:
            continue
        def L(moved, i=i, a=a):
            a2 = [b.copy() if isinstance(b, np.ndarray) else b for b in args]
            a2[i] = moved.astype(a.dtype) if not f64 else moved
            return float(np.vdot(w.astype(np.float64), prim(*a2).astype(np.float64)))
        fd = fd_gradient(L, a.astype(np.float64), h, relative=False).value
        tol = (1e-6 if f64 else 2e-2) * max(1.0, np.max(np.abs(fd)))
        np.testing.assert_allclose(shadows[k], fd, atol=tol, rtol=1e-6 if f64 else 2e-2)
        k += 1
    with pytest.raises(zymase.ActivityError, match="float results"):
        zymase.autodiff_reverse(case.fn, *acts, ret=Active)(*flat, 1.0)


def _skip_array_returns(case):
    """Array-returning cases get their own check (``_check_array_return``, once per case);
    the tests built around a float seed then skip them."""
    if _return_kind(case) != "array":
        return
    if case.name not in _REFUSED:
        _check_array_return(case)
        _REFUSED.add(case.name)
    pytest.skip(ARRAY_RETURN_SKIP)


def _nrt_balance(fn, totals=False):
    """(alloc - free, mi_alloc - mi_free) over ``fn()`` with NRT statistics on (with
    ``totals``: a dict that also has the MemInfo allocation count)."""
    from numba.core.runtime import _nrt_python, rtsys
    was_on = _nrt_python.memsys_stats_enabled()
    _nrt_python.memsys_enable_stats()
    try:
        gc.collect()
        # what is alive now stays out of later collections: a worker that has compiled
        # hundreds of functions otherwise spends seconds in each full collection
        gc.freeze()
        s0 = rtsys.get_allocation_stats()
        fn()
        gc.collect()
        s1 = rtsys.get_allocation_stats()
    finally:
        if not was_on:
            _nrt_python.memsys_disable_stats()
    bal = ((s1.alloc - s0.alloc) - (s1.free - s0.free),
           (s1.mi_alloc - s0.mi_alloc) - (s1.mi_free - s0.mi_free))
    if totals:
        return {"balance": bal[0], "mi_balance": bal[1], "mi_alloc": s1.mi_alloc - s0.mi_alloc}
    return bal


# -------------------------------------------------------------------------------------------
# tests
# -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", _params())
def test_reverse_vs_fd(name):
    case = CASES_BY_NAME[name]
    _skip_array_returns(case)
    ws, seed = _output_adjoints(case)
    args, y, adj, shadows = _call_reverse(case, ws, seed)

    # the primal return and the final contents of every array are plain Numba's
    ref_args = case.make_args()
    ref_y = _primal(case.fn)(*ref_args)
    f32 = _is_float32(case)
    ptol = 1e-6 if f32 else 1e-13
    if seed is None:
        assert y is None
    else:
        assert y == pytest.approx(ref_y, rel=ptol, abs=ptol), f"{name}: primal {y} != {ref_y}"
        assert type(y) is type(ref_y) or isinstance(ref_y, float), (type(y), type(ref_y))
    for i, (a, r) in enumerate(zip(args, ref_args)):
        if isinstance(a, np.ndarray):
            np.testing.assert_allclose(a, r, rtol=ptol, atol=ptol * np.max(np.abs(r), initial=0),
                                       err_msg=f"{name}: final contents of argument {i}")

    # adjoints against central differences of the Lagrangian, coordinate by coordinate, for
    # every Active scalar and Duplicated array: on fresh arguments moved in place (strided
    # views keep their layouts), float32 cases evaluated in float64
    fd = {}
    for i, (a, act) in enumerate(zip(case.make_args(), _rev_activities(case))):
        if act is not Active and act is not Duplicated:
            continue
        g, g_err = np.empty(np.shape(a)), np.empty(np.shape(a))
        for idx in np.ndindex(g.shape):
            e = 1.0 if act is Active else np.zeros(a.shape)
            if act is Duplicated:
                e[idx] = 1.0
            g[idx], g_err[idx] = fd_jvp(lambda *xs: _lagrangian(case, list(xs), ws, seed),
                                        case.make_args, {i: e}, H32 if f32 else H, upcast=f32)
        fd[i] = FD(g, g_err)
    rtol, atol = _tol(case)
    scale = max([np.max(np.abs(g.value), initial=0.0) for g in fd.values()] + [1e-300])
    for i, g in fd.items():
        what = "shadow" if i in shadows else "adjoint"
        assert_fd_close(shadows[i] if i in shadows else adj[i], g, rtol, atol * scale,
                        what=f"{name}: {what} of argument {i}")


@pytest.mark.parametrize("name", _params())
def test_forward_reverse_agree(name):
    case = CASES_BY_NAME[name]
    _skip_array_returns(case)
    ws, seed = _output_adjoints(case, all_arrays=True, salt="dot")
    acts = _rev_activities(case)
    rng = _rng(case, "v")
    vs = {}
    for i, (a, act) in enumerate(zip(case.make_args(), acts)):
        if act is Duplicated:
            vs[i] = _random_like(rng, a)
        elif act is Active:
            vs[i] = type(a)(rng.uniform(-1.0, 1.0))

    # reverse: <v, J^T w>
    _, _, adj, shadows = _call_reverse(case, ws, seed)
    rev_terms = [float(np.sum(vs[i].astype(np.float64) * np.asarray(shadows[i], np.float64)))
                 for i in shadows] + [float(vs[i]) * float(adj[i]) for i in adj]

    # forward: <J v, w>
    args = case.make_args()
    flat, fshadows = [], {}
    for i, a in enumerate(args):
        flat.append(a)
        if i in vs:
            if isinstance(a, np.ndarray):
                s = _like_layout(a)
                s[...] = vs[i]
                fshadows[i] = s
            else:
                s = vs[i]
            flat.append(s)
    res = _forward(case)(*flat)
    fwd_terms = [float(np.sum(np.asarray(fshadows[i], np.float64) * ws[i].astype(np.float64)))
                 for i in fshadows]
    if seed is not None:
        _, ydot = res
        fwd_terms.append(seed * float(ydot))
    else:
        assert res is None

    lhs, rhs = math.fsum(fwd_terms), math.fsum(rev_terms)
    mag = math.fsum(abs(t) for t in fwd_terms + rev_terms)
    tol = 1e-4 if _is_float32(case) else 1e-10
    assert abs(lhs - rhs) <= tol * mag, f"{name}: <Jv,w> = {lhs!r} but <v,J^T w> = {rhs!r}"


@pytest.mark.parametrize("name", _params())
def test_reverse_no_leaks(name):
    """NRT statistics balance over derivative calls (every MemInfo and allocation is freed).

    Unboxing an array argument from Python counts as one MemInfo allocation (freed after the
    call), so a primal call allocates ``n_array_args + n_temporaries`` MemInfos; a derivative
    call unboxes primals and shadows and also allocates a shadow per active temporary.
    """
    case = CASES_BY_NAME[name]
    _skip_array_returns(case)
    ws, seed = _output_adjoints(case)
    _call_reverse(case, ws, seed)          # warm-up: compile
    _primal(case.fn)(*case.make_args())
    n_args = sum(isinstance(a, np.ndarray) for a in case.make_args())
    n_flat = n_args + len(ws)              # primal arrays + their shadows
    prim = _nrt_balance(lambda: _primal(case.fn)(*case.make_args()), totals=True)
    temporaries = prim["mi_alloc"] - n_args
    assert temporaries >= 0 and prim["mi_balance"] == 0, prim
    calls = 3
    deriv = _nrt_balance(lambda: [_call_reverse(case, ws, seed) for _ in range(calls)],
                         totals=True)
    assert deriv["balance"] == 0, f"{name}: NRT allocations leak: {deriv}"
    assert deriv["mi_balance"] == 0, f"{name}: MemInfos leak: {deriv}"
    per_call = deriv["mi_alloc"] / calls
    assert per_call >= n_flat + temporaries, (per_call, n_flat, temporaries)
    if temporaries:
        # the temporaries are active here: each gets a zeroed shadow, freed after the sweep
        assert per_call > n_flat + temporaries, (per_call, n_flat, temporaries)


@pytest.mark.parametrize("name", ["poly_scalar", "rosenbrock"])
def test_duplicated_float_return_refused(name):
    case = CASES_BY_NAME[name]
    df = zymase.autodiff_reverse(case.fn, *_rev_activities(case), ret=Duplicated)
    flat = []
    for a, act in zip(case.make_args(), _rev_activities(case)):
        flat.append(a)
        if act is Duplicated:
            flat.append(_like_layout(a))
    with pytest.raises(zymase.ActivityError, match="array results"):
        df(*flat, np.zeros(1))   # ret=Duplicated takes an output-adjoint array as its seed


def test_array_return_with_duplicated_seed():
    _check_array_return(CASES_BY_NAME["elementwise_math"])


# -- exceptions ----------------------------------------------------------------------------
def raises_after_alloc(x, n):
    # allocates a temporary (and with it a shadow), loops, then raises on a data condition
    t = np.empty(x.shape[0])
    s = 0.0
    for k in range(n):
        for i in range(x.shape[0]):
            t[i] = math.sin(x[i]) * x[i]
            s += t[i] * t[i]
    if x[0] < 0:
        raise ValueError("neg")
    return s + t[0]


def raises_plain(x):
    if x[0] < 0:
        raise ValueError("neg")
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * x[i]
    return s


_EXC = {}


def _exception_setup(fn):
    """(derivative, primal, extra args, call(x), nested_call(x)), built once per function."""
    if fn not in _EXC:
        _EXC[fn] = _exception_build(fn)
    return _EXC[fn]


def _exception_build(fn):
    extra = (3,) if fn is raises_after_alloc else ()
    df = zymase.autodiff_reverse(fn, Duplicated, *([Const] * len(extra)), ret=Active)
    prim = numba.njit(fn)

    def call(x):
        dx = np.zeros_like(x)
        return df(x.copy(), dx, *extra, 1.0), dx

    # Numba's own behaviour when an exception passes through an @njit frame: the frame's
    # references to its array arguments are not released (numba#1549).  zymase's derivative
    # is entered through such a frame holding (x, dx); this measures that baseline.
    @numba.njit
    def nested(x, dx, *rest):
        return prim(x, *rest[:-1]) + dx[0]     # dx is live across the raising call

    def nested_call(x):
        return nested(x.copy(), np.zeros_like(x), *extra, 1.0)
    return df, prim, extra, call, nested_call


EXC_FUNCS = [raises_plain, raises_after_alloc]


def _raising_calls(call, x, n=3):
    def run():
        for _ in range(n):
            with pytest.raises(ValueError, match="neg"):
                call(x)
    return run


@pytest.mark.parametrize("fn", EXC_FUNCS, ids=lambda f: f.__name__)
def test_exception_propagates_and_frees_shadows(fn):
    df, prim, extra, call, nested_call = _exception_setup(fn)
    good = np.linspace(0.2, 1.1, 6)
    bad = -good
    y, dx = call(good)                                  # warm-up / compile
    assert y == pytest.approx(prim(good.copy(), *extra), rel=1e-13)
    with pytest.raises(ValueError, match="neg"):
        nested_call(bad)
    with pytest.raises(ValueError, match="neg"):
        call(bad)

    # plain Numba frees everything when it raises at top level ...
    assert _nrt_balance(_raising_calls(lambda x: prim(x.copy(), *extra), bad)) == (0, 0)
    # ... and leaks its frame's argument references when the exception crosses a nested frame
    # (numba#1549); zymase's entry point releases them, so the derivative — shadow
    # allocations of the temporaries included — leaks nothing at all
    assert _nrt_balance(_raising_calls(call, bad)) == (0, 0)

    # the process keeps working: same results as before, and right ones
    y2, dx2 = call(good)
    assert y2 == y
    np.testing.assert_array_equal(dx2, dx)
    fd = fd_gradient(lambda z: prim(z, *extra), good, H, relative=False).value
    np.testing.assert_allclose(dx2, fd, rtol=1e-6, atol=1e-8 * np.max(np.abs(fd)))
    # and a successful call after the failures balances exactly
    assert _nrt_balance(lambda: call(good)) == (0, 0)


def test_exception_leaks_nothing_at_all():
    df, prim, extra, call, _ = _exception_setup(raises_plain)
    good = np.linspace(0.2, 1.1, 6)
    call(good)
    assert _nrt_balance(_raising_calls(call, -good)) == (0, 0)


# -- constructs beyond the corpus (regressions for reverse-mode bugs) -------------------------
def swap_phis(a, b, n):
    # `a, b = b, f(a, b)`: the loop header's phis feed each other (parallel copies)
    for _ in range(n):
        a, b = b, a * 1.5 + math.sin(b)
    return a + 2.0 * b


def copy_float32(x):
    # x.copy() lowers to a memcpy of float32 memory (28 bytes: not a multiple of 8)
    t = x.copy()
    s = np.float32(0.0)
    for i in range(t.shape[0]):
        s += t[i] * t[i] * np.float32(i + 1)
    return s


def copy_float64_twice(x):
    t = x.copy()
    u = t.copy()
    s = 0.0
    for i in range(u.shape[0]):
        s += math.sin(u[i]) * (i + 1) + t[i] * x[i]
    return s


def writes_const_buffer(x, buf):
    for i in range(x.shape[0]):
        buf[i] = x[i]
    s = 0.0
    for i in range(x.shape[0]):
        s += buf[i] ** 2
    return s


def test_swapping_phis():
    df = zymase.autodiff_reverse(swap_phis, Active, Active, Const, ret=Active)
    prim = numba.njit(swap_phis)
    a, b, n, seed = 0.3, 0.7, 5, -1.3
    y, da, db = df(a, b, n, seed)
    assert y == prim(a, b, n)
    fa = float(fd_jvp(prim, (a, b, n), {0: 1.0}, H).value)
    fb = float(fd_jvp(prim, (a, b, n), {1: 1.0}, H).value)
    assert da == pytest.approx(seed * fa, rel=1e-6)
    assert db == pytest.approx(seed * fb, rel=1e-6)


@pytest.mark.parametrize("fn,dtype", [(copy_float32, np.float32), (copy_float64_twice, np.float64)],
                         ids=["float32", "float64"])
def test_memcpy_adjoint_uses_element_type(fn, dtype):
    x = np.linspace(0.1, 1.0, 7).astype(dtype)
    df = zymase.autodiff_reverse(fn, Duplicated, ret=Active)
    dx = np.zeros_like(x)
    df(x, dx, 1.0)
    prim = numba.njit(fn)
    xd = x.astype(np.float64)
    h = H32 if dtype == np.float32 else H
    fd = fd_gradient(prim, xd, h, relative=False).value
    np.testing.assert_allclose(dx, fd, rtol=1e-3 if dtype == np.float32 else 1e-6)


def test_active_store_into_const_array_refused():
    df = zymase.autodiff_reverse(writes_const_buffer, Duplicated, Const, ret=Active)
    x = np.linspace(0.1, 1.0, 5)
    with pytest.raises(UnsupportedError, match="no shadow"):
        df(x, np.zeros(5), np.zeros(5), 1.0)

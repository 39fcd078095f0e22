"""Finite differences and derivative checks shared by the tests.

One place computes numerical derivatives for every test that compares zymase with them, and one
function, :func:`check_grads`, checks a function's derivatives in the spirit of JAX's
``jax.test_util.check_grads``.

Finite differences
------------------
:func:`central_difference` differentiates a *curve* ``t -> curve(t)`` at ``t = 0`` (the curve
returns None, a float, an array, or a tuple/list of those; every entry is differentiated).  With
``D(s) = (curve(s) - curve(-s)) / 2s`` it evaluates ``D(h)`` and ``D(h/2)`` and returns

* ``value = (4 D(h/2) - D(h)) / 3`` (Richardson extrapolation: the ``h²`` terms of the two
  central differences cancel, the truncation error is ``O(h⁴)``), and
* ``error = |D(h/2) - D(h)| + rounding``, an estimate of the error that errs on the large side:
  ``|D(h/2) - D(h)|`` is three times the truncation error of ``D(h/2)``, far more than that of
  the extrapolated value, and it also samples the rounding noise of the evaluations; rounding
  adds ``4 eps (|curve(h)| + |curve(-h)|) / h``.

Every evaluation lies within ``[-h, h]``: a test that picked ``h`` to stay away from a kink or a
pole keeps that guarantee.  (With steps ``2s`` and ``s`` the extrapolated value is the five-point
stencil ``(-f(2s) + 8 f(s) - 8 f(-s) + f(-2s)) / 12s``.)  :func:`fd_partials`,
:func:`fd_gradient` and :func:`fd_jacobian` differentiate along the coordinate axes of one array
or float (``h`` relative to ``max(1, |x_k|)`` by default), :func:`fd_jvp` along a direction of
several arguments: of the result and, for a function that writes its arguments, of their final
contents (``written``), with float32 arguments evaluated in float64 (``upcast``), on copies of
the arguments or on fresh ones from a factory, perturbed in place (views keep their strides and
aliasing).

Comparing
---------
:func:`assert_fd_close` asserts ``|ad - fd.value| <= atol + rtol |fd.value|`` element-wise and
says, when it fails, how large the finite-difference error estimate was there.  The estimate
never loosens a bound: it chooses steps (see ``steps`` in :func:`check_grads`) and explains
failures.

check_grads
-----------
``check_grads(f, args, modes=("fwd", "rev"), order=1)`` checks, along random directions ``v``
of the float arguments and random output adjoints ``w``:

* ``"fwd"``: the forward-mode tangent ``J v`` (``zymase.jvp``) against the central difference of
  ``f`` along ``v``, to ``rtol`` element-wise (plus ``atol``, by default ``1e-2 rtol`` of the
  largest magnitude of the difference, so that rounding on a tiny entry of a large output is
  not a failure, while any wrong partial is);
* ``"rev"``: the reverse-mode adjoints ``Jᵀ w`` (``zymase.autodiff_reverse``) through ``<v, Jᵀ w>`` against
  ``<w, FD>``, to ``rtol`` of ``sum |w_i FD_i|``;
* both: the dot-product test ``<J v, w> = <v, Jᵀ w>`` between the two modes, which holds up to
  rounding only: ``dot_rtol`` (1e-10 for float64) of the sum of magnitudes of the terms;
* ``order=2`` (float-valued ``f``): in addition, for each float argument, the Hessian-vector
  product (``zymase.hvp``, forward over reverse) against the central difference of the
  gradient (``zymase.grad``) along ``v``, and the symmetry ``<H v, u> = <v, H u>``.

Defaults: ``rtol = 1e-6`` for float64 and ``1e-3`` when an argument or the result is float32
(the finite difference then runs on the arguments upcast to float64, ``h = 1e-3``), and
``h = 1e-6`` for float64.  ``jvp=``, ``vjp=`` and ``hvp=`` replace zymase's derivatives by
others (a derivative object with particular activities, a batched one, or a deliberately
wrong one in the helper's own tests).  Any failure raises ``AssertionError``.
"""
from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple, Optional, Sequence

import numpy as np

__all__ = ["FD", "central_difference", "fd_partials", "fd_gradient", "fd_jacobian", "fd_jvp",
           "assert_fd_close", "check_dot_product", "check_grads", "check_scalar_lanes"]


# ----------------------------------------------------------------------------- trees

def _map(fn, *trees):
    """``fn`` applied leaf by leaf to trees of None / numbers / arrays / tuples / lists."""
    first = trees[0]
    if first is None:
        assert all(t is None for t in trees), "finite differences: None and a value mix"
        return None
    if isinstance(first, (tuple, list)):
        assert all(isinstance(t, (tuple, list)) and len(t) == len(first) for t in trees)
        return type(first)(_map(fn, *parts) for parts in zip(*trees))
    return fn(*trees)


def _leaves(tree):
    if tree is None:
        return []
    if isinstance(tree, (tuple, list)):
        return [leaf for t in tree for leaf in _leaves(t)]
    return [tree]


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _eps(x):
    x = np.asarray(x)
    return float(np.finfo(x.dtype).eps) if np.issubdtype(x.dtype, np.floating) else \
        float(np.finfo(np.float64).eps)


# ----------------------------------------------------------------------------- finite differences

class FD(NamedTuple):
    """A finite-difference derivative: ``value`` and an error estimate ``error`` (both shaped
    like the differentiated output, float64; scalars as 0-d arrays)."""
    value: Any
    error: Any


def central_difference(curve: Callable[[float], Any], h: float) -> FD:
    """``d curve(t) / dt`` at ``t = 0``: Richardson-extrapolated central differences at steps
    ``h`` and ``h/2`` with an error estimate (see the module docstring)."""
    hp, hm = curve(h), curve(-h)
    qp, qm = curve(h / 2), curve(-h / 2)

    def leaf(a, b, c, d):
        d1 = (_f64(a) - _f64(b)) / (2 * h)
        d2 = (_f64(c) - _f64(d)) / h
        rounding = 4.0 * max(_eps(a), _eps(b)) * (np.abs(_f64(a)) + np.abs(_f64(b))) / h
        return _Pair((4.0 * d2 - d1) / 3.0, np.abs(d2 - d1) + rounding)

    pairs = _map(leaf, hp, hm, qp, qm)
    return FD(_map(lambda p: p.value, pairs), _map(lambda p: p.error, pairs))


class _Pair:
    """One leaf's (value, error); not a tuple, so that tree functions see it as a leaf."""
    __slots__ = ("value", "error")

    def __init__(self, value, error):
        self.value, self.error = value, error


def _step(x, h, relative):
    return h * max(1.0, abs(float(x))) if relative else h


def fd_partials(f: Callable, x, h: float = 1e-6, relative: bool = True):
    """``[FD of f along the k-th coordinate of x for k in x.flat]``; ``f`` takes an array
    shaped like ``x`` (a fresh copy for every evaluation, so ``f`` may modify it), or a float
    when ``x`` is a float (one partial)."""
    if not isinstance(x, np.ndarray) and np.ndim(x) == 0:
        x0 = float(x)
        return [central_difference(lambda t: f(x0 + t), _step(x0, h, relative))]
    x = np.asarray(x)
    out = []
    for k in range(x.size):
        hk = _step(x.flat[k], h, relative)

        def curve(t, k=k):
            xt = x.copy()
            xt.flat[k] = xt.flat[k] + t
            return f(xt)
        out.append(central_difference(curve, hk))
    return out


def _stack(parts, axis):
    return FD(np.stack([_f64(p.value) for p in parts], axis=axis),
              np.stack([_f64(p.error) for p in parts], axis=axis))


def fd_gradient(f: Callable, x, h: float = 1e-6, relative: bool = True) -> FD:
    """The gradient of float-valued ``f`` at ``x`` (shaped like ``x``; a float ``x``: 0-d),
    coordinate by coordinate; step ``h * max(1, |x_k|)`` (``relative=False``: ``h``)."""
    g = _stack(fd_partials(f, x, h, relative), 0)
    return FD(g.value.reshape(np.shape(x)), g.error.reshape(np.shape(x)))


def fd_jacobian(f: Callable, x, h: float = 1e-6, relative: bool = True) -> FD:
    """The Jacobian of ``f`` (float or array valued) at ``x`` (an array or a float), shaped
    ``f(x).shape + x.shape``: ``J[..., k] = d f / d x_k`` for flat ``x``."""
    J = _stack(fd_partials(f, x, h, relative), -1)
    shape = J.value.shape[:-1] + np.shape(x)
    return FD(J.value.reshape(shape), J.error.reshape(shape))


def _is_float_scalar(a):
    return isinstance(a, (float, np.floating)) and not isinstance(a, (bool, np.bool_))


def _is_float_array(a):
    return isinstance(a, np.ndarray) and np.issubdtype(a.dtype, np.floating)


def _moved(args, tangents, t, upcast, in_place=False):
    """``args + t * tangents`` (arguments without a tangent unchanged): arrays copied (in their
    memory order), or with ``in_place`` moved where they are; with ``upcast`` float arrays
    other than float64 are float64 copies and float scalars Python floats."""
    out = []
    for a, v in zip(args, tangents):
        if isinstance(a, np.ndarray):
            if upcast and _is_float_array(a) and a.dtype != np.float64:
                a = a.astype(np.float64)
            elif not in_place:
                a = a.copy(order="K")
            if v is not None:
                a[...] = a + t * _f64(v)
        elif v is not None:
            a = (float if upcast or not _is_float_scalar(a) else type(a))(
                float(a) + t * float(v))
        elif upcast and _is_float_scalar(a):
            a = float(a)
        out.append(a)
    return out


def fd_jvp(f: Callable, args, tangents, h: float = 1e-6, upcast: bool = False,
           written: Optional[Sequence[int]] = None) -> FD:
    """The directional derivative of ``f(*args)`` along ``tangents`` (one per argument, None for
    none, or a dict ``{position: tangent}``; an integer argument with a tangent becomes a
    float).

    ``args``: a sequence, copied for every evaluation, or a callable returning fresh arguments
    for every evaluation, which are moved in place (a view keeps its strides, arguments that
    share memory keep sharing it).  ``upcast``: evaluate with float32 arguments converted to
    float64.  ``written``, when given: positions of arguments whose final contents are
    outputs too (a function that writes its arguments); the derivative is then that of
    ``(f(*args), [args[i] for i in written])``."""
    fresh = callable(args)

    def curve(t):
        a = args() if fresh else args
        v = [tangents.get(k) for k in range(len(a))] if isinstance(tangents, dict) else tangents
        assert len(v) == len(a), f"{len(v)} tangents for {len(a)} arguments"
        moved = _moved(a, v, t, upcast, in_place=fresh)
        r = f(*moved)
        return r if written is None else (r, [moved[i] for i in written])
    return central_difference(curve, h)


# ----------------------------------------------------------------------------- comparing

def assert_fd_close(ad, fd: FD, rtol: float = 1e-6, atol=0.0, what: str = ""):
    """``|ad - fd.value| <= atol + rtol |fd.value|`` element-wise (``atol`` a number or an
    array); the failure message shows the worst entries and the FD error estimate there."""
    ad = _f64(ad)
    ref, est = _f64(fd.value), _f64(fd.error)
    assert ad.shape == ref.shape, f"{what}: shape {ad.shape}, finite differences {ref.shape}"
    err = np.abs(ad - ref)
    bound = atol + rtol * np.abs(ref)
    bad = ~(err <= bound)                      # NaN fails too
    if bad.any():
        idx = np.argwhere(bad)[:5] if ad.ndim else [()]
        rows = "\n".join(
            f"  at {tuple(int(i) for i in ix)}: derivative {ad[tuple(ix)]!r}, finite differences "
            f"{ref[tuple(ix)]!r} (error estimate {est[tuple(ix)]:.2e}), |diff| "
            f"{err[tuple(ix)]:.2e} > bound {np.broadcast_to(bound, ad.shape)[tuple(ix)]:.2e}"
            for ix in idx)
        hint = ""
        if np.any(est[bad] >= np.broadcast_to(bound, ad.shape)[bad]):
            hint = ("\n  the finite-difference error estimate is as large as the bound there: "
                    "the step may not suit this function")
        raise AssertionError(f"{what or 'derivative'} differs from finite differences in "
                             f"{int(bad.sum())} of {bad.size} entries (rtol {rtol:g}):\n{rows}"
                             f"{hint}")


def check_dot_product(lhs_terms: Sequence[float], rhs_terms: Sequence[float],
                      rtol: float = 1e-10, what: str = "<J v, w> = <v, J^T w>"):
    """``sum(lhs_terms) == sum(rhs_terms)`` to ``rtol`` of the sum of magnitudes of all terms:
    the dot-product test between forward and reverse mode, exact up to rounding."""
    lhs, rhs = math.fsum(lhs_terms), math.fsum(rhs_terms)
    scale = math.fsum(abs(t) for t in list(lhs_terms) + list(rhs_terms))
    if not abs(lhs - rhs) <= rtol * scale:
        raise AssertionError(f"dot-product test {what} fails: {lhs!r} != {rhs!r} "
                             f"(|diff| {abs(lhs - rhs):.3e} > {rtol:g} * {scale:.3e})")


def _vdot(a, b):
    return float(np.sum(_f64(a) * _f64(b)))


# ----------------------------------------------------------------------------- check_grads

def _zymase_jvp(f):
    import zymase
    return lambda args, tangents: zymase.jvp(f, args, tangents)


_REVERSE = {}


def _zymase_vjp(f, nums):
    """``vjp(args, w)`` by ``zymase.autodiff_reverse``: the float scalars among ``args[nums]``
    Active, the float arrays Duplicated, the rest Const; a float result's seed is ``w``, an array result's adjoint
    ``w`` is the seed array of ``ret=DuplicatedOnly``.  One derivative per activity pattern
    (``zymase.vjp`` would compile anew on every call)."""
    import zymase
    from zymase import Active, ActiveOnly, Const, Duplicated, DuplicatedOnly

    def vjp(args, w):
        acts = tuple(Const if k not in nums else Active if _is_float_scalar(a) else Duplicated
                     for k, a in enumerate(args))
        ret = DuplicatedOnly if isinstance(w, np.ndarray) else ActiveOnly
        key = (f, acts, ret)
        if key not in _REVERSE:
            _REVERSE[key] = zymase.autodiff_reverse(f, *acts, ret=ret)
        call, shadows = [], {}
        for k, (a, act) in enumerate(zip(args, acts)):
            call.append(a)
            if act is Duplicated:
                shadows[k] = np.zeros_like(a)
                call.append(shadows[k])
        res = _REVERSE[key](*call, w)
        active = [k for k, act in enumerate(acts) if act is Active]
        res = () if res is None else (res if isinstance(res, tuple) else (res,))
        assert len(res) == len(active), (res, active)
        out = [None] * len(args)
        for k, r in zip(active, res):
            out[k] = r
        for k, sh in shadows.items():
            out[k] = sh
        return tuple(out)
    return vjp


def _zymase_hvp(f):
    import zymase
    def hvp(args, v, k):
        # JAX's convention: one tangent per primal, None where there is none
        tangents = tuple(v if j == k else None for j in range(len(args)))
        return zymase.hvp(f, args, tangents, argnums=k)
    return hvp


def _zymase_grad(f, nums, k):
    """``args -> the gradient with respect to args[k]``, computed with every argument of
    ``nums`` active (an argument the function writes must not be Const)."""
    import zymase
    g = zymase.grad(f, argnums=tuple(nums))
    return lambda args: g(*args)[list(nums).index(k)]


def _random_like(rng, a):
    if isinstance(a, np.ndarray):
        return rng.uniform(-1.0, 1.0, a.shape).astype(a.dtype)
    return type(a)(rng.uniform(-1.0, 1.0))


def _fd_checked(curve, h, steps, rtol, atol_frac):
    """The central difference with the first step (``h * s`` for ``s`` in ``steps``) whose error
    estimate is below a tenth of the comparison's bound, else the one with the smallest."""
    best = None
    for s in steps:
        fd = central_difference(curve, h * s)
        vals, errs = _leaves(fd.value), _leaves(fd.error)
        scale = max([float(np.max(np.abs(v), initial=0.0)) for v in vals] + [1e-300])
        worst = max([float(np.max(e / (atol_frac * rtol * scale + rtol * np.abs(v)),
                                   initial=0.0)) for v, e in zip(vals, errs)] + [0.0])
        if best is None or worst < best[0]:
            best = (worst, fd)
        if worst <= 0.1:
            break
    return best[1]


def check_grads(f: Callable, args: Sequence, modes: Sequence[str] = ("fwd", "rev"),
                order: int = 1, *, argnums: Optional[Sequence[int]] = None,
                h: Optional[float] = None, rtol: Optional[float] = None,
                atol: Optional[float] = None, dot_rtol: Optional[float] = None,
                n_dirs: int = 2, seed: int = 0, steps: Sequence[float] = (1.0, 10.0, 0.1),
                jvp: Optional[Callable] = None, vjp: Optional[Callable] = None,
                hvp: Optional[Callable] = None):
    """Check the derivatives of ``f`` at ``args`` against finite differences and each other.

    ``f(*args)`` returns a float or a float array; ``args`` mixes float scalars, float arrays
    and anything else (held constant).  ``argnums``: the arguments to differentiate (default:
    every float scalar and float array).  ``modes``: ``"fwd"`` and/or ``"rev"``.  ``order``:
    1, or 2 (also Hessian-vector products; float-valued ``f``).  ``n_dirs`` random directions
    (``seed``).  ``steps``: multiples of ``h`` tried in turn until the finite-difference error
    estimate is small against the bound.  Overrides (each sees copies of the arguments):
    ``jvp(args, tangents) -> (y, J·tangents)``, ``vjp(args, w) -> adjoints`` (one entry per
    argument, None for those not differentiated), ``hvp(args, v, k) -> H_kk v``.
    Raises ``AssertionError`` on any mismatch; returns None."""
    if order not in (1, 2):
        raise ValueError(f"order must be 1 or 2, not {order!r}")
    bad_modes = set(modes) - {"fwd", "rev"}
    if bad_modes or not modes:
        raise ValueError(f"modes must be a non-empty subset of ('fwd', 'rev'), not {modes!r}")
    args = list(args)
    nums = tuple(argnums) if argnums is not None else tuple(
        k for k, a in enumerate(args) if _is_float_scalar(a) or _is_float_array(a))
    if not nums:
        raise ValueError("check_grads: no float argument to differentiate")
    for k in nums:
        if not (_is_float_scalar(args[k]) or _is_float_array(args[k])):
            raise ValueError(f"check_grads: argument {k} is not a float scalar or float array")

    def copies():
        return [a.copy() if isinstance(a, np.ndarray) else a for a in args]

    y0 = f(*copies())
    f32 = any(np.asarray(a).dtype == np.float32 for a in [args[k] for k in nums] + [y0])
    h = h if h is not None else (1e-3 if f32 else 1e-6)
    rtol = rtol if rtol is not None else (1e-3 if f32 else 1e-6)
    dot_rtol = dot_rtol if dot_rtol is not None else (1e-4 if f32 else 1e-10)
    atol_frac = 1e-2

    jvp = jvp or _zymase_jvp(f)
    vjp = vjp or _zymase_vjp(f, nums)
    rng = np.random.default_rng(seed)

    for d in range(n_dirs):
        v = [_random_like(rng, a) if k in nums else None for k, a in enumerate(args)]
        fd = _fd_checked(lambda t: f(*_moved(args, v, t, f32)), h, steps, rtol, atol_frac)
        ref = _f64(fd.value)
        scale = float(np.max(np.abs(ref), initial=0.0))
        a_tol = atol if atol is not None else atol_frac * rtol * scale
        w = _random_like(rng, np.asarray(y0)) if isinstance(y0, np.ndarray) else \
            float(rng.uniform(-1.0, 1.0))
        fwd_terms = rev_terms = None
        if "fwd" in modes:
            y, t = jvp(copies(), [None if x is None else
                                  (x.copy() if isinstance(x, np.ndarray) else x) for x in v])
            np.testing.assert_allclose(_f64(y), _f64(y0), rtol=1e-6 if f32 else 1e-13,
                                       atol=0, err_msg="forward mode: primal result")
            assert np.shape(t) == np.shape(y0), f"tangent shape {np.shape(t)} != {np.shape(y0)}"
            assert_fd_close(t, fd, rtol, a_tol, what=f"forward mode J v (direction {d})")
            fwd_terms = [_vdot(t, w)]
        if "rev" in modes:
            adj = tuple(vjp(copies(), w.copy() if isinstance(w, np.ndarray) else w))
            assert len(adj) == len(args), f"vjp gave {len(adj)} adjoints for {len(args)} args"
            rev_terms = []
            for k in nums:
                assert np.shape(adj[k]) == np.shape(args[k]), \
                    f"adjoint of argument {k}: shape {np.shape(adj[k])} != {np.shape(args[k])}"
                rev_terms.append(_vdot(v[k], adj[k]))
            terms = _f64(w) * ref
            got = math.fsum(rev_terms)
            bound = rtol * float(np.sum(np.abs(terms))) + (a_tol * float(np.sum(np.abs(w))))
            want = float(np.sum(terms))
            if not abs(got - want) <= bound:
                est = float(np.sum(np.abs(_f64(w)) * _f64(fd.error)))
                raise AssertionError(
                    f"reverse mode <v, J^T w> = {got!r} differs from finite differences "
                    f"<w, J v> = {want!r} (direction {d}): |diff| {abs(got - want):.3e} > "
                    f"{bound:.3e} (error estimate {est:.2e})")
        if fwd_terms is not None and rev_terms is not None:
            check_dot_product(fwd_terms, rev_terms, dot_rtol,
                              what=f"<J v, w> = <v, J^T w> (direction {d})")

    if order == 2:
        if isinstance(y0, np.ndarray):
            raise ValueError("check_grads(order=2) needs a float-valued function")
        hvp = hvp or _zymase_hvp(f)
        for k in nums:
            grad = _zymase_grad(f, nums, k)
            for d in range(n_dirs):
                v = _random_like(rng, args[k])
                u = _random_like(rng, args[k])
                tangents = [v if j == k else None for j in range(len(args))]
                fd = _fd_checked(lambda t: grad(_moved(args, tangents, t, f32)), h, steps,
                                 rtol, atol_frac)
                hv = hvp(copies(), v.copy() if isinstance(v, np.ndarray) else v, k)
                hu = hvp(copies(), u.copy() if isinstance(u, np.ndarray) else u, k)
                scale = float(np.max(np.abs(_f64(fd.value)), initial=0.0))
                a_tol = atol if atol is not None else atol_frac * rtol * scale
                assert_fd_close(hv, fd, rtol, a_tol,
                                what=f"Hessian-vector product of argument {k} (direction {d})")
                check_dot_product([_vdot(hv, u)], [_vdot(v, hu)], dot_rtol,
                                  what=f"<H v, u> = <v, H u> (argument {k}, direction {d})")


# ----------------------------------------------------------------------------- width N

def check_scalar_lanes(f, args, active, want, rtol, width=3):
    """Width-``width`` derivatives of the float-valued ``f`` with respect to its float scalar
    arguments at positions ``active`` (the others ``Const``), against their known gradient
    ``want`` (one number per active argument): reverse mode with seeds ``s`` must return
    ``s · want_k`` in every lane, forward mode with tangents ``v_k`` must return
    ``Σ v_k · want_k``."""
    import zymase
    from zymase import Active, Const, Dual
    n = len(args)
    seeds = np.array([1.0, -2.0, 0.5, 0.25][:width] + [1.5] * max(0, width - 4))
    dr = zymase.autodiff_reverse(f, *[Active if k in active else Const for k in range(n)],
                                 ret=Active, width=width)
    out = dr(*args, seeds)
    for g, w in zip(out[1:], want):
        np.testing.assert_allclose(g, seeds * w, rtol=rtol)
    df = zymase.autodiff_forward(f, *[Dual if k in active else Const for k in range(n)],
                                 ret=Dual, width=width)
    rng = np.random.default_rng(7)
    call, total = [], np.zeros(width)
    for k, a in enumerate(args):
        call.append(a)
        if k in active:
            v = rng.standard_normal(width)
            call.append(v)
            total = total + v * want[active.index(k)]
    _, t = df(*call)
    np.testing.assert_allclose(t, total, rtol=rtol)


# -- compiled LLVM modules ------------------------------------------------------------------
_ENGINES: list = []     # every engine (and the code it owns) stays alive for the session


def jit(text: str):
    """An MCJIT engine for LLVM IR ``text``, with a target machine of its own (an engine owns
    its target machine; handing it a shared one crashes the next engine)."""
    import llvmlite.binding as llvm
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    mod = llvm.parse_assembly(text)
    mod.verify()
    tm = llvm.Target.from_default_triple().create_target_machine()
    ee = llvm.create_mcjit_compiler(mod, tm)
    ee.finalize_object()
    _ENGINES.append(ee)
    return ee


def assert_nrt_balanced(calls: Sequence[Callable[[], Any]], rounds: int = 5) -> None:
    """After one compiling call of each, ``rounds`` more calls of ``calls`` free every NRT
    MemInfo and raw block they allocate (Numba's allocation statistics, switched on for the
    measurement only), and allocate at least one."""
    from numba.core.runtime import _nrt_python, rtsys
    for c in calls:
        c()                          # compile
    was_on = _nrt_python.memsys_stats_enabled()
    _nrt_python.memsys_enable_stats()
    try:
        s0 = rtsys.get_allocation_stats()
        for _ in range(rounds):
            for c in calls:
                c()
        s1 = rtsys.get_allocation_stats()
    finally:
        if not was_on:
            _nrt_python.memsys_disable_stats()
    assert s1.mi_alloc - s0.mi_alloc == s1.mi_free - s0.mi_free > 0
    assert s1.alloc - s0.alloc == s1.free - s0.free


def both_mode_calls(funcs, x, widths=(1, 4)) -> list:
    """Calls of the forward (``Dual``) and reverse (``Duplicated``) derivatives of each
    ``f(x)`` in ``funcs`` at each width, on fresh copies of ``x`` and fresh shadows."""
    import zymase
    from zymase import Active, Dual, Duplicated
    calls = []
    for f in funcs:
        for w in widths:
            fwd = zymase.autodiff_forward(f, Dual, ret=Dual, width=w)
            rev = zymase.autodiff_reverse(f, Duplicated, ret=Active, width=w)
            shape = (w, x.size) if w > 1 else x.shape
            seed = np.ones(w) if w > 1 else 1.0
            calls.append(lambda fwd=fwd, shape=shape: fwd(x.copy(), np.ones(shape)))
            calls.append(lambda rev=rev, shape=shape, seed=seed:
                         rev(x.copy(), np.zeros(shape), seed))
    return calls


def cached_runs(child: str, cache_dir, test_file: str, runs: int = 2) -> list:
    """Run the Python source ``child`` in ``runs`` fresh processes sharing the disk cache
    ``cache_dir`` (the first builds and stores, the later ones load); ``child`` gets the folder
    of ``test_file`` as ``sys.argv[1]`` and prints one JSON line last.  Returns those lines'
    values, after checking that the cache was written."""
    import json
    import os
    import subprocess
    import sys
    env = dict(os.environ, ZYMASE_CACHE_DIR=str(cache_dir))
    here = os.path.dirname(os.path.abspath(test_file))
    outs = []
    for _ in range(runs):
        r = subprocess.run([sys.executable, "-c", child, here], env=env, capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, r.stderr[-2000:]
        outs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    assert os.listdir(cache_dir)
    return outs

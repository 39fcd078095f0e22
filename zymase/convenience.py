"""JAX-style convenience API on top of the activity API: grad, value_and_grad, jvp, vjp,
jacobian, hessian, hvp.

Every helper chooses activities from the argument types at call time (float scalars →
Active/Dual, float arrays → Duplicated/Dual, everything else Const), keeps one compiled
derivative per activity pattern, and never modifies the caller's arrays: array arguments are
copied before the derivative runs (a function that updates its inputs in place is still
differentiated with respect to their values at entry).
"""
from __future__ import annotations

import numbers
from typing import Dict, Sequence, Tuple, Union

import numpy as np

from . import activities as A
from .api import Derivative, autodiff_forward, autodiff_reverse
from .errors import ActivityError, UnsupportedError

ArgNums = Union[int, Sequence[int]]


def _is_float_scalar(x) -> bool:
    return isinstance(x, (float, np.floating)) and not isinstance(x, (bool, np.bool_))


def _is_float_array(x) -> bool:
    return isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)


def _argnums(argnums: ArgNums, n: int) -> Tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    out = []
    for k in nums:
        if not -n <= k < n:
            raise ActivityError(f"error: argnums {k} out of range for a function of {n} arguments")
        out.append(k % n)
    return tuple(out)


def _copy(x):
    return x.copy() if isinstance(x, np.ndarray) else x


class _Cache:
    def __init__(self):
        self.items: Dict[Tuple, Derivative] = {}

    def get(self, key, make):
        d = self.items.get(key)
        if d is None:
            d = self.items[key] = make()
        return d


def _reverse_parts(fn, args, nums, ret, cache: _Cache):
    acts = []
    for k, x in enumerate(args):
        if k in nums:
            if _is_float_scalar(x):
                acts.append(A.Active)
            elif _is_float_array(x):
                acts.append(A.Duplicated)
            else:
                raise ActivityError(f"error: argument {k} ({type(x).__name__}) cannot be "
                                    f"differentiated: only float scalars and float arrays can")
        else:
            acts.append(A.Const)
    d = cache.get((tuple(acts), ret), lambda: autodiff_reverse(fn, *acts, ret=ret))
    call, shadows = [], {}
    for k, (x, act) in enumerate(zip(args, acts)):
        call.append(_copy(x))
        if act is A.Duplicated:
            shadows[k] = np.zeros_like(x)
            call.append(shadows[k])
    return d, acts, call, shadows


def _collect(acts, shadows, adjoints, nums):
    adj = iter(adjoints)
    per = {}
    for k, act in enumerate(acts):
        if act is A.Active:
            per[k] = next(adj)
        elif act is A.Duplicated:
            per[k] = shadows[k]
    return [per[k] for k in nums]


def value_and_grad(fn, argnums: ArgNums = 0):
    """``value_and_grad(f)(*args) -> (f(*args), gradient)``; a tuple of gradients when
    ``argnums`` is a tuple.  Reverse mode; f must return a float."""
    cache = _Cache()

    def vg(*args):
        nums = _argnums(argnums, len(args))
        d, acts, call, shadows = _reverse_parts(fn, args, nums, A.Active, cache)
        res = d(*call, 1.0)
        res = res if isinstance(res, tuple) else (res,)
        value, adjoints = res[0], res[1:]
        grads = _collect(acts, shadows, adjoints, nums)
        return value, (grads[0] if isinstance(argnums, int) else tuple(grads))
    vg.__name__ = f"value_and_grad_{getattr(fn, '__name__', 'f')}"
    vg.__doc__ = value_and_grad.__doc__
    return vg


def grad(fn, argnums: ArgNums = 0):
    """``grad(f)(*args)``: the gradient of a float-valued ``f`` with respect to argument
    ``argnums`` (shaped like it), or a tuple of gradients for a tuple of argnums."""
    vg = value_and_grad(fn, argnums)

    def g(*args):
        return vg(*args)[1]
    g.__name__ = f"grad_{getattr(fn, '__name__', 'f')}"
    g.__doc__ = grad.__doc__
    return g


_jvp_caches: Dict = {}


def jvp(fn, primals: Sequence, tangents: Sequence):
    """``(f(*primals), J·tangents)`` by forward mode.  ``tangents`` has one entry per primal;
    ``None`` (or an entry for a non-float argument) means no tangent."""
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ActivityError(f"error: jvp got {len(primals)} primals and {len(tangents)} tangents")
    acts, call = [], []
    for x, t in zip(primals, tangents):
        dual = t is not None and (_is_float_scalar(x) or _is_float_array(x))
        acts.append(A.Dual if dual else A.Const)
        call.append(_copy(x))
        if dual:
            call.append(float(t) if _is_float_scalar(x) else np.array(t, dtype=x.dtype, copy=True))
    cache = _jvp_caches.setdefault(id(fn), (fn, _Cache()))[1]
    d = cache.get((tuple(acts), 1), lambda: autodiff_forward(fn, *acts, ret=A.Dual))
    res = d(*call)
    if res is None:
        raise UnsupportedError("error: jvp needs a function that returns a value")
    return res


def vjp(fn, *primals):
    """``(y, back)`` with ``back(y_bar)`` returning the adjoints of every float argument
    (a tuple, one entry per primal; None for non-float ones).  One reverse-mode call: a float
    result's adjoint is the seed, an array result's is the seed array (``ret=DuplicatedOnly``)."""
    y = _primal(fn)(*[_copy(p) for p in primals])
    nums = tuple(k for k, p in enumerate(primals) if _is_float_scalar(p) or _is_float_array(p))
    cache = _Cache()

    def back(y_bar):
        out = [None] * len(primals)
        if isinstance(y, np.ndarray):
            # one reverse call: the output adjoint is the seed array of ret=DuplicatedOnly
            yb = np.ascontiguousarray(np.broadcast_to(np.asarray(y_bar, dtype=y.dtype),
                                                      y.shape))
            d, acts, call, shadows = _reverse_parts(fn, primals, nums, A.DuplicatedOnly, cache)
            res = d(*call, yb)
        else:
            d, acts, call, shadows = _reverse_parts(fn, primals, nums, A.ActiveOnly, cache)
            res = d(*call, float(y_bar))
        adj = res if isinstance(res, tuple) else ((res,) if res is not None else ())
        for k, g in zip(nums, _collect(acts, shadows, adj, nums)):
            out[k] = g
        return tuple(out)
    return y, back


def _primal(fn):
    from .frontend.numba import as_dispatcher
    return as_dispatcher(fn)


def jacobian(fn, argnums: ArgNums = 0, mode: str = "auto", width: int = 8):
    """Dense Jacobian ``∂f/∂args[argnums]`` of shape ``y.shape + x.shape``.

    ``mode="forward"`` pushes ``width`` basis directions per call (batched forward mode);
    ``"reverse"`` pulls ``width`` unit output adjoints per call (batched reverse mode with
    ``ret=Duplicated`` for an array result); ``"auto"`` picks forward when the inputs are no
    larger than the outputs."""
    caches: Dict = {}

    def jac(*args):
        nums = _argnums(argnums, len(args))
        y = _primal(fn)(*[_copy(a) for a in args])
        n_out = np.size(y)
        n_in = sum(np.size(args[k]) for k in nums)
        m = mode
        if m == "auto":
            m = "forward" if (n_in <= n_out or isinstance(y, np.ndarray)) else "reverse"
        if m == "reverse" and isinstance(y, np.ndarray):
            res = [_reverse_jac(fn, args, k, y, caches, width) for k in nums]
        elif m == "reverse":
            g = grad(fn, nums)(*args)
            res = [np.asarray(gk).reshape(np.shape(args[k])) if np.ndim(args[k]) else float(gk)
                   for k, gk in zip(nums, g)]
        elif m == "forward":
            res = [_forward_jac(fn, args, k, y, width, caches) for k in nums]
        else:
            raise ValueError(f"mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
        return res[0] if isinstance(argnums, int) else tuple(res)
    return jac


def _reverse_jac(fn, args, k, y, caches, width=8):
    """Rows of the Jacobian of an array-valued ``fn`` w.r.t. ``args[k]``: batched reverse
    calls, each pulling ``width`` unit output adjoints at once (the last block padded with
    zero seeds)."""
    x = args[k]
    is_array = bool(np.ndim(x))
    n_out = int(np.size(y))
    w = max(1, min(width, n_out))
    acts = tuple((A.Duplicated if is_array else A.Active) if j == k else A.Const
                 for j in range(len(args)))
    key = ("rev", acts, w)
    if key not in caches:
        caches[key] = autodiff_reverse(fn, *acts, ret=A.Duplicated, width=w)
    d = caches[key]
    ydt = np.asarray(y).dtype
    rows = np.empty((n_out, int(np.size(x))))
    for r0 in range(0, n_out, w):
        seed = np.zeros((w,) + np.shape(y), dtype=ydt)
        lanes = range(min(w, n_out - r0))
        for lane in lanes:
            seed.reshape(w, -1)[lane, r0 + lane] = 1.0
        call, shadow = [], None
        for j, a in enumerate(args):
            call.append(_copy(a))
            if j == k and is_array:
                shadow = np.zeros(((w,) if w > 1 else ()) + np.shape(a),
                                  dtype=np.asarray(a).dtype)
                call.append(shadow)
        out = d(*call, seed if w > 1 else seed[0])
        for lane in lanes:
            if is_array:
                rows[r0 + lane] = shadow[lane].reshape(-1) if w > 1 else shadow.reshape(-1)
            else:
                adj = out[1]
                rows[r0 + lane] = float(adj[lane]) if w > 1 else float(adj)
    return rows.reshape(np.shape(y) + np.shape(x))


def _forward_jac(fn, args, k, y, width, caches):
    x = args[k]
    n = int(np.size(x))
    w = max(1, min(width, n))
    acts = tuple(A.Dual if j == k else A.Const for j in range(len(args)))
    key = (acts, w)
    if key not in caches:
        caches[key] = autodiff_forward(fn, *acts, ret=A.DualOnly, width=w)
    d = caches[key]
    cols = []
    for start in range(0, n, w):
        call = []
        for j, a in enumerate(args):
            call.append(_copy(a))
            if j == k:
                t = np.zeros((w,) + np.shape(a), dtype=np.asarray(a).dtype if np.ndim(a) else np.float64)
                flat = t.reshape(w, -1)
                for lane in range(w):
                    if start + lane < n:
                        flat[lane, start + lane] = 1.0
                if np.ndim(a):
                    call.append(t)
                else:
                    call.append(t.reshape(w) if w > 1 else float(t.reshape(-1)[0]))
        td = np.asarray(d(*call))
        cols.append(td.reshape(w, -1)[: min(w, n - start)])
    J = np.concatenate(cols, axis=0).T  # (n_out, n_in)
    out_shape = np.shape(y)
    return J.reshape(out_shape + np.shape(x))

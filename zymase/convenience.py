"""JAX-style convenience API on top of the activity API: grad, value_and_grad, jvp, vjp,
jacobian (hessian and hvp live in ``higher.py``).

Conventions (JAX's): ``grad(f, argnums)(*args)``, ``value_and_grad(f, argnums)(*args)``,
``jvp(f, primals, tangents) -> (y, y_dot)`` with one tangent per primal (``None`` where an
argument carries none), ``vjp(f, *primals) -> (y, back)`` with ``back(y_bar)`` returning one
adjoint per primal (``None`` for non-float ones), ``jacobian(f, argnums)``.  ``argnums`` is an
int (one result) or a tuple (a tuple of results).

A call costs one dictionary lookup and one compiled call: activities are decided once per
type signature of the arguments and kept as a generated *plan* (``plans.py``) that allocates
the shadows, copies only what the function may write, and calls the compiled entry point
without the run-time shadow checks; ``grad`` asks for the primal value only where it is
returned (``ret=ActiveOnly``).  What arguments can be differentiated and how keyword
arguments bind: ``arguments.py``.  ``jvp`` is in ``pushforward.py``, ``vjp`` in
``pullback.py``; grad, value_and_grad and jacobian are here.
"""
from __future__ import annotations

import numpy as np

from . import activities as A
from .api import autodiff_forward, autodiff_reverse
from .arguments import (ArgNums, is_float_array, is_float_scalar, is_int_value, normalise_argnums,
                        positional_args, primal_of, private_copy)
from .errors import UnsupportedError
from .plans import grad_function, reverse_activities, store_for
from .pullback import vjp
from .pushforward import jvp

__all__ = ["grad", "value_and_grad", "jvp", "vjp", "jacobian", "ArgNums", "is_float_array",
           "is_float_scalar", "is_int_value", "normalise_argnums", "positional_args"]


def value_and_grad(fn, argnums: ArgNums = 0, *, flush_subnormals: bool = False):
    """``value_and_grad(f, argnums)(*args) -> (f(*args), gradient)``; a tuple of gradients
    when ``argnums`` is a tuple.  Reverse mode; f must return a float.  Every function here
    takes ``flush_subnormals=`` (``autodiff_reverse``'s option)."""
    vg = grad_function(fn, argnums, True, flush_subnormals)
    vg.__name__ = f"value_and_grad_{getattr(fn, '__name__', 'f')}"
    vg.__doc__ = value_and_grad.__doc__
    return vg


def grad(fn, argnums: ArgNums = 0, *, flush_subnormals: bool = False):
    """``grad(f, argnums)(*args)``: the gradient of a float-valued ``f`` with respect to
    argument ``argnums`` (shaped like it), or a tuple of gradients for a tuple of argnums.
    Reverse mode without the primal value (``ret=ActiveOnly``)."""
    g = grad_function(fn, argnums, False, flush_subnormals)
    g.__name__ = f"grad_{getattr(fn, '__name__', 'f')}"
    g.__doc__ = grad.__doc__
    return g


# -- jacobian -------------------------------------------------------------------------------------
def jacobian(fn, argnums: ArgNums = 0, mode: str = "auto", width: int = 8, *,
             flush_subnormals: bool = False):
    """Dense Jacobian ``∂f/∂args[argnums]`` of shape ``y.shape + x.shape`` (a tuple of them
    for a tuple of argnums), like ``jax.jacobian``.

    ``mode="forward"`` pushes ``width`` basis directions per call (batched forward mode);
    ``"reverse"`` pulls ``width`` unit output adjoints per call (batched reverse mode with
    ``ret=Duplicated`` for an array result; ``grad`` for a float result); ``"auto"`` picks
    forward when the inputs are no larger than the outputs.  A tuple-valued f gives a tuple
    shaped like its result (by reverse mode): the Jacobian of each float or float-array
    element (a tuple of them for a tuple of argnums), None for the other elements."""
    if mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
    caches = store_for(fn, flush_subnormals)

    def jac(*args, **kwargs):
        args = positional_args(fn, args, kwargs)
        nums = normalise_argnums(argnums, len(args))
        y = primal_of(fn)(*[private_copy(a) for a in args])
        if isinstance(y, tuple):
            if mode == "forward":
                raise UnsupportedError("error: the Jacobian of a function returning a tuple is "
                                       "computed by reverse mode\n  = help: use mode='reverse' "
                                       "or 'auto'")
            res = _reverse_jac_tuple(fn, args, nums, y, caches, width)
            return _map_leaves(lambda leaf: None if leaf is None else (
                leaf[0] if is_int_value(argnums) else tuple(leaf)), res)
        n_out = np.size(y)
        n_in = sum(np.size(args[k]) for k in nums)
        m = mode
        if m == "auto":
            m = "forward" if (n_in <= n_out or isinstance(y, np.ndarray)) else "reverse"
        if m == "reverse" and isinstance(y, np.ndarray):
            res = [_reverse_jac(fn, args, k, y, caches, width) for k in nums]
        elif m == "reverse":
            g = grad(fn, nums, flush_subnormals=flush_subnormals)(*args)
            res = [np.asarray(gk).reshape(np.shape(args[k])) if np.ndim(args[k]) else float(gk)
                   for k, gk in zip(nums, g)]
        else:
            res = [_forward_jac(fn, args, k, y, width, caches) for k in nums]
        return res[0] if is_int_value(argnums) else tuple(res)
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
        caches[key] = autodiff_reverse(fn, *acts, ret=A.Duplicated, width=w,
                                       flush_subnormals=caches.flush_subnormals)
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
            call.append(private_copy(a))
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


def _float_leaves(y, path=()):
    """(path, value) of every float scalar and float array inside a (nested) tuple result."""
    out = []
    for k, v in enumerate(y):
        if isinstance(v, tuple):
            out += _float_leaves(v, path + (k,))
        elif is_float_scalar(v) or is_float_array(v):
            out.append((path + (k,), v))
    return out


def _map_leaves(f, tree):
    return tuple(_map_leaves(f, t) for t in tree) if isinstance(tree, tuple) else f(tree)


def _reverse_jac_tuple(fn, args, nums, y, caches, width=8):
    """The Jacobians of a tuple-valued ``fn``: a tree shaped like ``y`` whose float and
    float-array leaves hold [∂leaf/∂args[k] for k in nums] (shape ``leaf.shape + x_k.shape``)
    and whose other leaves are None.  Rows are pulled ``width`` at a time by batched reverse
    calls (``ret=DuplicatedOnly``, a tuple seed with one unit adjoint per lane somewhere in
    its leaves, the last block padded with zero lanes); every argument in ``nums`` gets its
    adjoints from the same calls."""
    leaves = _float_leaves(y)
    sizes = [int(np.size(v)) for _, v in leaves]
    n_out = sum(sizes)
    w = max(1, min(width, n_out))
    acts = reverse_activities(args, nums)
    key = ("rev-tuple", acts, w)
    if key not in caches:
        caches[key] = autodiff_reverse(fn, *acts, ret=A.DuplicatedOnly, width=w,
                                       flush_subnormals=caches.flush_subnormals)
    d = caches[key]
    lane = (w,) if w > 1 else ()
    rows = {k: np.zeros((n_out, int(np.size(args[k])))) for k in nums}
    starts = np.cumsum([0] + sizes)
    for r0 in range(0, n_out, w):
        lanes = range(min(w, n_out - r0))
        seeds = {}
        for (path, v) in leaves:
            dt = v.dtype if isinstance(v, np.ndarray) else np.float64
            seeds[path] = np.zeros(lane + np.shape(v), dtype=dt)
        for ln in lanes:
            r = r0 + ln
            j = int(np.searchsorted(starts, r, side="right")) - 1
            seeds[leaves[j][0]].reshape(w, -1)[ln, r - starts[j]] = 1.0
        call, shadows = [], {}
        for j, a in enumerate(args):
            call.append(private_copy(a))
            if acts[j] is A.Duplicated:
                shadows[j] = np.zeros(lane + np.shape(a), dtype=a.dtype)
                call.append(shadows[j])

        def seed_tree(t, path=()):
            return tuple(seed_tree(v, path + (k,)) if isinstance(v, tuple) else
                         (seeds[path + (k,)] if w > 1 or isinstance(v, np.ndarray)
                          else float(seeds[path + (k,)])) if (path + (k,)) in seeds else None
                         for k, v in enumerate(t))
        res = d(*call, seed_tree(y))
        res = res if isinstance(res, tuple) else (res,)
        actives = [j for j in nums if acts[j] is A.Active]
        for k in nums:
            adj = shadows[k] if acts[k] is A.Duplicated else np.asarray(res[actives.index(k)])
            flat = adj.reshape(w, -1) if w > 1 else adj.reshape(1, -1)
            for ln in lanes:
                rows[k][r0 + ln] = flat[ln]
    out = {}
    for j, (path, v) in enumerate(leaves):
        out[path] = [rows[k][starts[j]:starts[j + 1]].reshape(np.shape(v) + np.shape(args[k]))
                     for k in nums]
        out[path] = [float(J) if J.shape == () else J for J in out[path]]

    def build(t, path=()):
        return tuple(build(v, path + (k,)) if isinstance(v, tuple) else out.get(path + (k,))
                     for k, v in enumerate(t))
    return build(y)


def _forward_jac(fn, args, k, y, width, caches):
    x = args[k]
    n = int(np.size(x))
    w = max(1, min(width, n))
    acts = tuple(A.Dual if j == k else A.Const for j in range(len(args)))
    key = (acts, w)
    if key not in caches:
        caches[key] = autodiff_forward(fn, *acts, ret=A.DualOnly, width=w,
                                       flush_subnormals=caches.flush_subnormals)
    d = caches[key]
    cols = []
    for start in range(0, n, w):
        call = []
        for j, a in enumerate(args):
            call.append(private_copy(a))
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

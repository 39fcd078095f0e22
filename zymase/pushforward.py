"""``jvp``: forward mode in JAX's convention, through a per-signature plan (``plans.py``).

The plan gives every argument with a tangent ``Dual`` and the others ``Const``.  A tangent
must have its primal's shape (``ShadowError``); an array tangent is converted to the
primal's dtype and to the memory order of the array actually passed, because the derivative
reads the tangent with the primal's strides and overwrites it with the output tangent where
the function writes the array — so a caller's tangent is passed as it is only when it
already lies right and is not written.  A non-float argument may be given a zero tangent
(JAX's ``float0`` habit) but never a non-zero one.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from . import activities as A
from .arguments import is_differentiable, list_for_call, private_copy
from .errors import ActivityError, ShadowError, UnsupportedError
from .plans import Plan, cached_derivative, layout, signature_key, store_for, written_params


def _bad_tangent(k, t, x):
    got = f"shape {np.shape(t)}" if t is not None else "None"
    raise ShadowError(f"error: the tangent of argument {k} has {got}; it must have the shape of "
                      f"the primal, {np.shape(x)}\n  = help: tangents[{k}] = "
                      f"np.zeros_like(primals[{k}]) for no tangent, or None")


def _nonzero_tangent(k, x):
    raise ActivityError(f"error: argument {k} ({type(x).__name__}) is not a float scalar or float "
                        f"array, so it has no tangent; pass None (or zeros) for it")


def _list_tangent(k, x: list, t) -> list:
    """The tangent list passed with float list ``x``: ``t`` (a sequence of its length, or an
    array for a list of floats) with ``x``'s item types, array items laid out like
    ``x``'s (the derivative writes output tangents into it where the function writes
    ``x``)."""
    if not hasattr(t, "__len__") or len(t) != len(x):
        got = f"a {type(t).__name__} of {len(t)}" if hasattr(t, "__len__") else \
            type(t).__name__
        raise ShadowError(f"error: the tangent of argument {k} (a list of {len(x)}) must be a "
                          f"list of {len(x)} tangents, found {got}")
    out = []
    for j, (a, ta) in enumerate(zip(x, t)):
        if isinstance(a, np.ndarray):
            c = np.empty_like(a)        # same order as a contiguous `a` (list_for_call)
            if np.shape(ta) != a.shape:
                _bad_tangent(f"{k}[{j}]", ta, a)
            c[...] = ta
            out.append(c)
        else:
            if np.ndim(ta) != 0:
                _bad_tangent(f"{k}[{j}]", ta, a)
            out.append(type(a)(ta))
    return out


def _jvp_plan(fn, store, primals, tangents):
    n = len(primals)
    acts = []
    for k, (x, t) in enumerate(zip(primals, tangents)):
        floaty = is_differentiable(x)
        if t is not None and not floaty and np.any(np.asarray(t) != 0):
            _nonzero_tangent(k, x)
        acts.append(A.Dual if (t is not None and floaty) else A.Const)
    acts = tuple(acts)
    d = cached_derivative(fn, store, A.Mode.FORWARD, acts, A.Dual)
    written = written_params(d, primals, acts, ())
    plan = Plan(2 * n)
    plan.env.update(_bad_tangent=_bad_tangent, _nonzero_tangent=_nonzero_tangent)
    for k, (x, t, act) in enumerate(zip(primals, tangents, acts)):
        tk = f"a{n + k}"
        if isinstance(x, np.ndarray):
            passed, order = plan.array(k, x, written[k])
            plan.call.append(passed)
        elif isinstance(x, list) and act is A.Dual:
            plan.env.update(_pass=list_for_call, _list_tangent=_list_tangent)
            plan.pre.append(f"a{k} = _pass(a{k}, {bool(written[k])})")
            plan.call.append(f"a{k}")
        elif written[k] and isinstance(x, (tuple, list)):
            plan.env["_copy"] = private_copy
            plan.call.append(f"_copy(a{k})")
        else:
            plan.call.append(f"a{k}")
        if act is not A.Dual:
            if t is not None:
                plan.pre.append(f"if {tk} is not None and np.any(np.asarray({tk}) != 0): "
                                f"_nonzero_tangent({k}, a{k})")
            continue
        if isinstance(x, list):
            plan.call.append(f"_list_tangent({k}, a{k}, {tk})")
        elif isinstance(x, np.ndarray):
            # the tangent must lie like the array passed (same dtype, strides); the derivative
            # overwrites it with the output tangent when the function writes the array
            plan.env[f"D{k}"] = x.dtype
            as_is = isinstance(t, np.ndarray) and t.dtype == x.dtype and not written[k] \
                and layout(t) == order
            if isinstance(t, np.ndarray):
                plan.pre.append(f"if {tk}.shape != a{k}.shape: _bad_tangent({k}, {tk}, a{k})")
                if not as_is:
                    plan.pre.append(f"{tk} = np.array({tk}, dtype=D{k}, order={order!r})")
            else:
                plan.pre.append(f"{tk} = np.array({tk}, dtype=D{k}, order={order!r})")
                plan.pre.append(f"if {tk}.shape != a{k}.shape: _bad_tangent({k}, {tk}, a{k})")
            plan.call.append(tk)
        else:
            plan.env[f"T{k}"] = type(x) if isinstance(x, np.floating) else float
            plan.call.append(f"T{k}({tk})")
    return plan.compile(d.unchecked, "r", "jvp_plan")


def jvp(fn, primals: Sequence, tangents: Sequence, *, flush_subnormals: bool = False):
    """``(f(*primals), J·tangents)`` by forward mode, as ``jax.jvp``: ``tangents`` has one
    entry per primal, shaped like it; ``None`` (or zeros, for a non-float argument) where an
    argument carries no tangent.  f may return a float or a float array.
    ``flush_subnormals=True``: as for ``autodiff_forward``."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise ActivityError("error: jvp takes a tuple of primals and a tuple of tangents, one "
                            "per argument\n  = help: zymase.jvp(f, (x, n), (v, None))")
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ActivityError(f"error: jvp got {len(primals)} primals and {len(tangents)} tangents")
    store = store_for(fn, flush_subnormals)
    key = ("jvp", signature_key(primals + tangents))
    plan = store.get(key)
    if plan is None:
        plan = _jvp_plan(fn, store, primals, tangents)
        if key[1] is not None:
            store[key] = plan
    res = plan(*primals, *tangents)
    if res is None:
        raise UnsupportedError("error: jvp needs a function that returns a value")
    return res

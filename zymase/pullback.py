"""``vjp``: reverse mode in JAX's convention.

Three strategies, chosen per signature by the type of the result (found by running the primal
once, on copies):

- a float result: ``vjp`` itself runs one reverse call with seed 1 through a per-signature
  plan (``plans.py``), which gives ``y`` too; ``back(1.0)`` then hands over those adjoints
  once, and any other seed (or a second call) runs the reverse sweep again, on the primals
  given to ``vjp``;
- an array or tuple result: ``vjp`` runs the primal, and each ``back(y_bar)`` runs one
  reverse call with ``ret=DuplicatedOnly`` and the output adjoint as its seed (a tuple of
  seeds, one per element, for a tuple result; elements without a derivative get None);
- a list result (floats or float arrays): ``back(y_bar)`` takes, in one reverse call, the
  gradient of ``Σ_k <f(x)[k], y_bar[k]>`` — an ``@njit`` contraction calling f, built once
  per function — since the derivative's arguments take no list of seeds.
"""
from __future__ import annotations

import numpy as np

from . import activities as A
from .arguments import (is_differentiable, is_float_list, is_float_scalar, list_for_call, primal_of,
                        private_copy, zero_shadow)
from .errors import ShadowError
from .plans import (cached_derivative, grad_function, reverse_activities, reverse_plan,
                    signature_key, store_for)


class _Back:
    """``back`` of a float-valued function.  vjp already ran one reverse call with seed 1
    (it gives y too, like ``value_and_grad``): the first ``back(1.0)`` hands over those
    adjoints; any other call runs the reverse sweep again with its seed, on the primals
    given to vjp, and returns fresh arrays."""
    __slots__ = ("grads", "plan", "primals")

    def __init__(self, grads, plan, primals):
        self.grads, self.plan, self.primals = grads, plan, primals

    def __call__(self, y_bar):
        if isinstance(y_bar, np.ndarray) and y_bar.shape != ():
            raise ShadowError(f"error: the output adjoint of a float-valued function is a float, "
                              f"found an array of shape {y_bar.shape}")
        grads, self.grads = self.grads, None
        if grads is not None and y_bar == 1.0:
            return grads
        return self.plan(*self.primals, float(y_bar))[1]


def _vjp_scalar_plan(fn, store, primals, nums):
    """``plan(*primals, seed) -> (y, adjoints, one per primal)``; vjp calls it with seed 1."""
    plan, d, value, adj = reverse_plan(fn, store, primals, nums, A.Active, seed="seed")
    plan.params.append("seed")
    grads = "(" + "".join((adj[k] if k in adj else "None") + ", "
                          for k in range(len(primals))) + ")"
    seeded = plan.compile(d.unchecked, f"({value}, {grads})", "vjp_plan")

    def run(*primals):
        y, grads = seeded(*primals, 1.0)
        return y, _Back(grads, seeded, primals)
    run.source = seeded.source
    return run


def _seed_like(y, y_bar, where="y_bar"):
    """The seed of a reverse call for the output adjoint ``y_bar`` of the result ``y``: a C
    array shaped like an array result (a scalar broadcasts), a float for a float result, and
    for a tuple result a tuple of these, one per element (None for an element without a
    derivative: an integer, boolean or None, whose cotangent is not read)."""
    if isinstance(y, tuple):
        if not isinstance(y_bar, (tuple, list)) or len(y_bar) != len(y):
            got = f"a {type(y_bar).__name__} of {len(y_bar)}" if isinstance(
                y_bar, (tuple, list)) else type(y_bar).__name__
            raise ShadowError(f"error: the function returns a tuple of {len(y)}, so the output "
                              f"adjoint `{where}` must be a tuple of {len(y)} cotangents, one "
                              f"per element; found {got}")
        return tuple(_seed_like(a, b, f"{where}[{k}]") for k, (a, b) in enumerate(zip(y, y_bar)))
    if isinstance(y, np.ndarray):
        try:
            return np.ascontiguousarray(np.broadcast_to(np.asarray(y_bar, dtype=y.dtype), y.shape))
        except (ValueError, TypeError):
            raise ShadowError(f"error: the output adjoint `{where}` (shape {np.shape(y_bar)}) "
                              f"must have the shape of the result, {y.shape}") from None
    if is_float_scalar(y):
        if y_bar is None or np.ndim(y_bar) != 0:
            raise ShadowError(f"error: the output adjoint `{where}` of a float result must be "
                              f"a float, found {type(y_bar).__name__}")
        return float(y_bar)
    return None


def _vjp_array_plan(fn, store, nums):
    """An array- or tuple-valued function: vjp runs the primal (on copies of the arrays),
    ``back`` one reverse call with the output adjoint as its seed (``ret=DuplicatedOnly``;
    for a tuple result a tuple of seeds, one per element)."""
    def run(*primals):
        y = primal_of(fn)(*[private_copy(p) for p in primals])
        acts = reverse_activities(primals, nums)
        d = cached_derivative(fn, store, A.Mode.REVERSE, acts, A.DuplicatedOnly)

        def back(y_bar):
            yb = _seed_like(y, y_bar)
            call, shadows = [], {}
            for k, (x, act) in enumerate(zip(primals, acts)):
                call.append(list_for_call(x, True) if isinstance(x, list) else
                            private_copy(x))
                if act is A.Duplicated:
                    shadows[k] = zero_shadow(call[-1])
                    call.append(shadows[k])
            res = d(*call, yb)
            res = res if isinstance(res, tuple) else ((res,) if res is not None else ())
            actives = iter(res)
            out = [None] * len(primals)
            for k, act in enumerate(acts):
                if act is A.Active:
                    out[k] = next(actives)
                elif act is A.Duplicated:
                    out[k] = shadows[k]
            return tuple(out)
        return y, back
    return run


def _contraction(fn, store, n: int, arrays: bool):
    """``c(x0, …, x{n-1}, ybar) = Σ_k <fn(x0, …)[k], ybar[k]>``, an ``@njit`` function whose
    gradient is the vector-Jacobian product of the list-valued ``fn`` with the cotangent list
    ``ybar`` (kept in ``fn``'s store, one per arity and item kind)."""
    key = ("list-contraction", n, arrays)
    if key not in store:
        import numba
        code = primal_of(fn).py_func.__code__
        names = [v for v in code.co_varnames[:code.co_argcount]][:n]
        names += [f"arg{k}" for k in range(len(names), n)]
        seed = "ybar"
        while seed in names:
            seed = "_" + seed
        term = f"np.sum(y[k] * {seed}[k])" if arrays else f"y[k] * {seed}[k]"
        args = ", ".join(names)
        src = (f"def contraction({args}{', ' if n else ''}{seed}):\n"
               f"    y = _fn({args})\n    s = 0.0\n"
               f"    for k in range(len(y)):\n        s += {term}\n    return s\n")
        env = {"_fn": primal_of(fn), "np": np}
        exec(src, env)
        store[key] = numba.njit(env["contraction"])
    return store[key]


def _list_seed(y: list, y_bar):
    """The cotangent list of list result ``y``: one float per float item, one array shaped
    like it per array item (a scalar broadcasts)."""
    if not hasattr(y_bar, "__len__") or len(y_bar) != len(y):
        got = f"a {type(y_bar).__name__} of {len(y_bar)}" if hasattr(y_bar, "__len__") else \
            type(y_bar).__name__
        raise ShadowError(f"error: the function returns a list of {len(y)}, so the output "
                          f"adjoint must be a list of {len(y)} cotangents, one per item; "
                          f"found {got}")
    return [_seed_like(a, b, f"y_bar[{k}]") for k, (a, b) in enumerate(zip(y, y_bar))]


def _vjp_list_plan(fn, store, nums, arrays: bool):
    """A function returning a list of floats or of float arrays: vjp runs the primal,
    ``back(y_bar)`` takes the gradient of the contraction with the cotangent list
    (``_contraction``), one reverse call."""
    def run(*primals):
        y = primal_of(fn)(*[private_copy(p) for p in primals])

        def back(y_bar):
            out = [None] * len(primals)
            if nums:
                c = _contraction(fn, store, len(primals), arrays)
                vjp_c = grad_function(c, nums, False, store.flush_subnormals)
                for k, g in zip(nums, vjp_c(*primals, _list_seed(y, y_bar))):
                    out[k] = g
            return tuple(out)
        return y, back
    return run


def vjp(fn, *primals, flush_subnormals: bool = False):
    """``(y, back)`` as ``jax.vjp``: ``back(y_bar)`` returns the adjoints of every float
    argument (a tuple, one entry per primal; None for non-float ones).

    A float-valued f is differentiated right away, in one reverse call with seed 1 that also
    gives y: ``y, back = vjp(f, x); back(1.0)`` costs what ``value_and_grad`` costs.  The
    first ``back(1.0)`` returns those adjoints; any other seed, or a second call, runs the
    reverse sweep again with that seed (on the primals given to vjp: modify them in place
    only after the last ``back``).  An array-valued f runs its primal in vjp and one reverse
    call (``ret=DuplicatedOnly``, the output adjoint as its seed array) in each ``back``.  A
    tuple-valued f (floats, float arrays, nested tuples; integers and None pass through) takes
    a tuple of cotangents, one per element (None for a non-float one).
    ``flush_subnormals=True``: as for ``autodiff_reverse``."""
    store = store_for(fn, flush_subnormals)
    key = ("vjp", signature_key(primals))
    plan = store.get(key)
    if plan is None:
        nums = tuple(k for k, p in enumerate(primals) if is_differentiable(p))
        y = primal_of(fn)(*[private_copy(p) for p in primals])
        if is_float_list(y):
            plan = _vjp_list_plan(fn, store, nums, isinstance(y[0], np.ndarray))
        elif isinstance(y, (np.ndarray, tuple)):
            plan = _vjp_array_plan(fn, store, nums)
        else:
            plan = _vjp_scalar_plan(fn, store, primals, nums)
        if key[1] is not None:
            store[key] = plan
    return plan(*primals)

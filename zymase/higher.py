"""Second derivatives by forward over reverse.

The reverse-mode gradient of ``f`` is itself a derivative object whose IR zymase can
differentiate again: ``autodiff_forward(autodiff_reverse(f, …), …)`` pushes a tangent through
the whole gradient computation — the augmented forward sweep, the tape (``malloc``/``realloc``
get shadow buffers) and the adjoint sweep — giving ``H·v`` exactly, in one compiled call.

Conventions (JAX's):
- ``hvp(f, primals, tangents, argnums=0)`` is the tangent output of
  ``jax.jvp(jax.grad(f, argnums), primals, tangents)``: ``tangents`` has one entry per primal
  (``None``, or zeros, for an argument carrying none), and the result is
  ``Σ_j ∂²f/∂x_argnums ∂x_j · tangents[j]`` — the Hessian-vector product when only
  ``x_argnums`` has a tangent, mixed second derivatives otherwise.  A tuple ``argnums`` gives
  a tuple, one entry per argument in it.  For a function of one argument the tangent may be
  given bare: ``hvp(f, (x,), v)``.
- ``hessian(f, argnums)``: ``jax.hessian``: for an int, the block ``∂²f/∂x_k²`` of shape
  ``x_k.shape * 2`` (a float for a scalar); for a tuple, the nested tuple of blocks
  ``H[i][j]`` of shape ``x_i.shape + x_j.shape``.

How: the reverse derivative makes every argument in ``argnums`` Active/Duplicated
(``ret=ActiveOnly``); the forward derivative over it gives a tangent to each primal that has
one (an argument the reverse derivative treats as Const still gets one: its value flows into
the gradient like any input) and to every gradient shadow, whose tangent comes back as the
result.  ``hessian`` pushes the basis directions of one argument ``width`` at a time (one at a time
when two or more float scalars are in ``argnums``: a batched forward derivative cannot return
their tuple of adjoints).
"""
from __future__ import annotations

from typing import Dict, Sequence, Tuple

import numpy as np

from . import activities as A
from .api import autodiff_forward, autodiff_reverse
from .arguments import (is_float_array, is_float_scalar, is_int_value, normalise_argnums,
                        positional_args)
from .errors import ActivityError, ShadowError
from .plans import reverse_activities

# (id(fn), reverse activities[, tangent set, width]) → (fn, reverse derivative[, forward
# derivative over it]); fn is held so that ids stay unique
_cache: Dict[Tuple, Tuple] = {}


def _pair(fn, args, nums, duals, width, flush=False):
    """(reverse derivative w.r.t. args[nums], forward derivative of it with tangents on the
    primals in ``duals`` and on every gradient shadow)."""
    for k in nums:
        if isinstance(args[k], list):
            raise ActivityError(f"error: second derivatives with respect to a list (argument "
                                f"{k}) are not supported\n  = help: pass the values in an "
                                f"array (np.array(xs))")
    rev_acts = reverse_activities(args, nums, "it is not a float scalar or float array, so it "
                                                    "has no second derivatives")
    rkey = (id(fn), rev_acts, flush)
    key = rkey + (tuple(sorted(duals)), width)
    if key not in _cache:
        if rkey not in _cache:
            _cache[rkey] = (fn, autodiff_reverse(fn, *rev_acts, ret=A.ActiveOnly, checks=False,
                                                 flush_subnormals=flush))
        rev = _cache[rkey][1]
        # the reverse derivative's arguments: x0[, dx0], x1…, seed
        fwd_acts = []
        for j, a in enumerate(rev_acts):
            fwd_acts.append(A.Dual if j in duals else A.Const)
            if a is A.Duplicated:
                fwd_acts.append(A.Dual)
        fwd_acts.append(A.Const)  # seed
        ret = A.DualOnly if A.Active in rev_acts else A.Const
        _cache[key] = (fn, rev, autodiff_forward(rev, *fwd_acts, ret=ret, width=width,
                                                 checks=False, flush_subnormals=flush))
    return _cache[key][2], rev_acts


def _private(p):
    return p.copy() if isinstance(p, np.ndarray) else p


def _tangents(primals, tangents):
    """JAX's tangents tuple → {argument index: tangent} for the arguments that carry one."""
    if not isinstance(tangents, (tuple, list)):
        if len(primals) != 1:
            raise ActivityError(
                f"error: hvp of a function of {len(primals)} arguments takes a tuple of "
                f"tangents, one per primal (None for an argument without one)\n  = help: "
                f"zymase.hvp(f, primals, (v{', None' * (len(primals) - 1)}))")
        tangents = (tangents,)
    if len(tangents) != len(primals):
        raise ActivityError(f"error: hvp got {len(primals)} primals and {len(tangents)} tangents")
    out = {}
    for j, (x, t) in enumerate(zip(primals, tangents)):
        if t is None:
            continue
        if is_float_array(x):
            if np.shape(t) != x.shape:
                raise ShadowError(f"error: the tangent of argument {j} has shape {np.shape(t)}; "
                                  f"it must have the shape of the primal, {x.shape}")
            out[j] = np.array(t, dtype=x.dtype, order="C")
        elif is_float_scalar(x):
            if np.ndim(t) != 0:
                raise ShadowError(f"error: the tangent of float argument {j} must be a float, "
                                  f"found shape {np.shape(t)}")
            out[j] = float(t)
        elif np.any(np.asarray(t) != 0):
            raise ActivityError(f"error: argument {j} ({type(x).__name__}) is not a float scalar "
                                f"or float array, so it has no tangent; pass None (or zeros)")
    return out


def _call(fwd, rev_acts, args, tangent_of, width, gshape):
    """Call the forward-over-reverse derivative; ``tangent_of[j]`` is the tangent passed for
    primal j.  Returns (result, {j: tangent array of gradient shadow j})."""
    call, out = [], {}
    for j, (p, a) in enumerate(zip(args, rev_acts)):
        pc = _private(p)
        call.append(pc)
        if j in tangent_of:
            call.append(tangent_of[j])
        if a is A.Duplicated:
            call.append(np.zeros_like(pc))
            out[j] = np.zeros(gshape(pc), dtype=pc.dtype)
            call.append(out[j])
    call.append(1.0)
    return fwd(*call), out


def _active_part(res, rev_acts, j):
    actives = [i for i, a in enumerate(rev_acts) if a is A.Active]
    return res if len(actives) == 1 else res[actives.index(j)]


def hvp(fn, primals: Sequence, tangents, argnums=0, *, flush_subnormals: bool = False):
    """Forward-over-reverse ``jvp(grad(f, argnums), primals, tangents)[1]`` (see the module
    docstring): ``H·v`` for ``hvp(f, (x,), v)``; for several arguments one tangent per primal,
    e.g. ``hvp(f, (x, w), (v, None))`` or ``hvp(f, (x, w), (v, u), argnums=(0, 1))``."""
    primals = tuple(primals)
    nums = normalise_argnums(argnums, len(primals))
    tan = _tangents(primals, tangents)
    fwd, rev_acts = _pair(fn, primals, nums, set(tan), 1, flush_subnormals)
    res, out = _call(fwd, rev_acts, primals, tan, 1, lambda p: p.shape)
    parts = [out[j] if rev_acts[j] is A.Duplicated else float(_active_part(res, rev_acts, j))
             for j in nums]
    return parts[0] if is_int_value(argnums) else tuple(parts)


def hessian(fn, argnums=0, width: int = 8, *, flush_subnormals: bool = False):
    """Dense Hessian of float-valued ``fn``, as ``jax.hessian``: for an int ``argnums`` the
    block of shape ``x.shape * 2`` (a float for a scalar argument); for a tuple the nested
    tuple of blocks ``H[i][j]`` of shape ``x_i.shape + x_j.shape``."""

    def h(*args, **kwargs):
        args = positional_args(fn, args, kwargs)
        nums = normalise_argnums(argnums, len(args))
        blocks = {}
        # a batched forward derivative cannot return a tuple (the adjoints of two or more
        # Active scalars): then the directions are pushed one at a time
        several = sum(is_float_scalar(args[i]) for i in nums) > 1
        for k in nums:                       # the argument whose basis directions are pushed
            x = args[k]
            n = int(np.size(x))
            w = 1 if several else max(1, min(width, n))
            fwd, rev_acts = _pair(fn, args, nums, {k}, w, flush_subnormals)
            cols = {i: [] for i in nums}
            for start in range(0, n, w):
                lanes = min(w, n - start)
                basis = np.zeros((w, n))
                basis[np.arange(lanes), start + np.arange(lanes)] = 1.0
                if rev_acts[k] is A.Duplicated:
                    t = basis.reshape((w,) + x.shape).astype(x.dtype)
                    t = t if w > 1 else t[0]
                else:
                    t = basis[:, 0].copy() if w > 1 else 1.0
                res, out = _call(fwd, rev_acts, args, {k: t}, w,
                                 lambda p: ((w,) if w > 1 else ()) + p.shape)
                for i in nums:
                    if rev_acts[i] is A.Duplicated:
                        col = out[i].reshape(w, -1)
                    else:
                        col = np.asarray(_active_part(res, rev_acts, i)).reshape(w, 1)
                    cols[i].append(col[:lanes])
            for i in nums:
                H = np.concatenate(cols[i], axis=0).T        # (size of x_i, n)
                shape = np.shape(args[i]) + np.shape(x)
                blocks[i, k] = float(H[0, 0]) if shape == () else H.reshape(shape)
        if is_int_value(argnums):
            return blocks[nums[0], nums[0]]
        return tuple(tuple(blocks[i, j] for j in nums) for i in nums)
    return h

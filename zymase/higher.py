"""Second derivatives by forward over reverse.

The reverse-mode gradient of ``f`` is itself a derivative object whose IR zymase can
differentiate again: ``autodiff_forward(autodiff_reverse(f, …), …)`` pushes a tangent through
the whole gradient computation — the augmented forward sweep, the tape (``malloc``/``realloc``
get shadow buffers) and the adjoint sweep — giving ``H·v`` exactly, in one compiled call.
``hessian`` batches the basis directions ``width`` at a time.
"""
from __future__ import annotations

from typing import Dict, Sequence

import numpy as np

from . import activities as A
from .api import autodiff_forward, autodiff_reverse
from .errors import ActivityError

_cache: Dict = {}


def _is_float_scalar(x):
    return isinstance(x, (float, np.floating)) and not isinstance(x, (bool, np.bool_))


def _is_float_array(x):
    return isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)


def _pair(fn, args, k, width):
    """(reverse derivative w.r.t. args[k], forward-over-reverse derivative of it)."""
    x = args[k]
    if _is_float_scalar(x):
        act = A.Active
    elif _is_float_array(x):
        act = A.Duplicated
    else:
        raise ActivityError(f"error: argument {k} ({type(x).__name__}) is not a float scalar or "
                            f"float array, so it has no Hessian")
    rev_acts = tuple(act if j == k else A.Const for j in range(len(args)))
    key = (id(fn), rev_acts, width)
    if key not in _cache:
        rev = autodiff_reverse(fn, *rev_acts, ret=A.ActiveOnly, checks=False)
        # the reverse derivative's arguments: x[, dx], others…, seed
        fwd_acts = []
        for j, a in enumerate(rev_acts):
            if j == k:
                fwd_acts.append(A.Dual)
                if a is A.Duplicated:
                    fwd_acts.append(A.Dual)
            else:
                fwd_acts.append(A.Const)
        fwd_acts.append(A.Const)  # seed
        ret = A.DualOnly if act is A.Active else A.Const
        fwd = autodiff_forward(rev, *fwd_acts, ret=ret, width=width, checks=False)
        _cache[key] = (fn, rev, fwd, act)   # fn kept alive so id(fn) stays unique
    return _cache[key][1:]


def hvp(fn, primals: Sequence, tangents: Sequence, argnums: int = 0):
    """``H · v`` where H is the Hessian of float-valued ``fn`` with respect to
    ``primals[argnums]`` and ``v = tangents`` (same shape as that argument)."""
    primals = tuple(primals)
    k = argnums
    _, fwd, act = _pair(fn, primals, k, 1)
    call = []
    for j, p in enumerate(primals):
        call.append(p.copy() if isinstance(p, np.ndarray) else p)
        if j == k:
            if act is A.Duplicated:
                call.append(np.array(tangents, dtype=p.dtype, copy=True).reshape(p.shape))
                call.append(np.zeros_like(p))
                call.append(np.zeros_like(p))
            else:
                call.append(float(tangents))
    call.append(1.0)
    res = fwd(*call)
    if act is A.Active:
        return res
    # layout: x, x_dot, dx, dx_dot → the tangent of dx is H·v
    return call[k + 3]


def hessian(fn, argnums: int = 0, width: int = 8):
    """Dense Hessian of float-valued ``fn`` w.r.t. one argument: shape ``x.shape * 2``
    (a float for a scalar argument)."""
    if not isinstance(argnums, int):
        raise ActivityError("error: hessian takes a single argnums; call it once per argument")

    def h(*args):
        k = argnums
        x = args[k]
        n = int(np.size(x))
        w = max(1, min(width, n))
        _, fwd, act = _pair(fn, args, k, w)
        cols = []
        for start in range(0, n, w):
            call = []
            basis = np.zeros((w, n))
            for lane in range(w):
                if start + lane < n:
                    basis[lane, start + lane] = 1.0
            for j, p in enumerate(args):
                call.append(p.copy() if isinstance(p, np.ndarray) else p)
                if j == k:
                    if act is A.Duplicated:
                        call.append(basis.reshape((w,) + p.shape).astype(p.dtype))
                        call.append(np.zeros_like(p))
                        call.append(np.zeros((w,) + p.shape, dtype=p.dtype))
                    else:
                        call.append(basis[:, 0].copy() if w > 1 else 1.0)
            call.append(1.0)
            res = fwd(*call)
            if act is A.Active:
                cols.append(np.asarray(res).reshape(w, 1)[: min(w, n - start)])
            else:
                cols.append(call[k + 3].reshape(w, n)[: min(w, n - start)])
        H = np.concatenate(cols, axis=0).T
        if act is A.Active:
            return float(H[0, 0])
        return H.reshape(np.shape(x) * 2)
    return h

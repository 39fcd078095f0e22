"""Reverse-mode results computed from batched forward mode (interim engine).

Until the adjoint sweep (augmented primal + tape) lands, ``autodiff_reverse`` keeps its full
contract — Enzyme semantics for Active / Duplicated / DuplicatedOnly / Const and Active /
ActiveOnly returns — by assembling ``Jᵀ w`` from forward derivatives: every input component is
a direction, directions go W at a time through one width-W forward derivative, and

    x̄_k = Σ_i ⟨ẋ_i'(e_k), x̄_i'⟩ + ṙ(e_k) · seed

where ``x_i'`` are the final contents of the Duplicated arrays (their incoming shadow holds
their output adjoint), ``r`` the return.  The result is exact (same rules table, same
compiled tangent code) but costs ``⌈m / W⌉`` forward sweeps for ``m`` input components, so it
is meant for moderate input sizes; it runs from Python only.
"""
from __future__ import annotations

import numpy as np

from .. import activities as A
from ..errors import UnsupportedError, unsupported

_WIDTH = 8


def _forward_for(deriv, width):
    key = ("_rev_fwd", width)
    cache = deriv.__dict__.setdefault("_rev_cache", {})
    if key not in cache:
        from ..api import Derivative
        acts = [A.Dual if a in (A.Active, A.Duplicated, A.DuplicatedOnly) else A.Const
                for a in deriv.activities]
        ret = A.Dual if deriv.ret in (A.Active, A.ActiveOnly) else A.Const
        cache[key] = Derivative(deriv.dispatcher, A.Mode.FORWARD, acts, ret, width=width,
                                checks=False, print=deriv.print_flags)
    return cache[key]


def reverse_call(deriv, args):
    if deriv.width != 1:
        raise unsupported(f"reverse mode with width={deriv.width} (batched seeds)",
                          help="call the width-1 derivative once per seed")
    if deriv.ret in (A.Duplicated, A.DuplicatedOnly):
        raise unsupported("a reverse-mode derivative of an array-returning function",
                          help="write the result into an argument marked Duplicated")
    acts = deriv.activities
    seed = args[-1] if deriv.ret in (A.Active, A.ActiveOnly) else None
    # split the call: primal values, shadows
    prim, shadows, k = [], {}, 0
    for i, act in enumerate(acts):
        prim.append(args[k])
        if act.has_shadow:
            shadows[i] = args[k + 1]
            k += 2
        else:
            k += 1
    from ..frontend.numba import typeof_args
    deriv._validate_types(typeof_args([a for i, act in enumerate(acts)
                                       for a in ((prim[i], shadows[i]) if act.has_shadow else (prim[i],))]))
    dirs = []  # (arg index, flat index or None)
    for i, act in enumerate(acts):
        if act is A.Active:
            dirs.append((i, None))
        elif act in (A.Duplicated, A.DuplicatedOnly):
            dirs.extend((i, j) for j in range(np.size(prim[i])))
    m = len(dirs)
    adj = {i: np.zeros(np.shape(prim[i]), dtype=np.asarray(prim[i]).dtype)
           for i, act in enumerate(acts) if act in (A.Duplicated, A.DuplicatedOnly)}
    act_adj = {i: 0.0 for i, act in enumerate(acts) if act is A.Active}
    if m:
        width = min(_WIDTH, m)
        fwd = _forward_for(deriv, width)
        out_bar = {i: np.array(shadows[i], copy=True) for i in adj}
        for start in range(0, m, width):
            chunk = dirs[start:start + width]
            call = []
            tangents = {}
            for i, act in enumerate(acts):
                x = prim[i]
                call.append(np.array(x, copy=True) if isinstance(x, np.ndarray) else x)
                if act is A.Active:
                    t = np.zeros(width)
                    for lane, (ai, _) in enumerate(chunk):
                        if ai == i:
                            t[lane] = 1.0
                    call.append(t)
                elif act.has_shadow:
                    t = np.zeros((width,) + np.shape(x), dtype=np.asarray(x).dtype)
                    flat = t.reshape(width, -1)
                    for lane, (ai, j) in enumerate(chunk):
                        if ai == i:
                            flat[lane, j] = 1.0
                    tangents[i] = t
                    call.append(t)
            res = fwd(*call)
            rdot = res[1] if (seed is not None and isinstance(res, tuple)) else None
            for lane, (ai, j) in enumerate(chunk):
                total = 0.0
                for i, t in tangents.items():
                    total += float(np.vdot(t[lane], out_bar[i]))
                if rdot is not None:
                    total += float(rdot[lane]) * float(seed)
                if j is None:
                    act_adj[ai] += total
                else:
                    adj[ai].reshape(-1)[j] = total
    # the primal, on the caller's arrays (Duplicated arrays get their final contents)
    primal = deriv.dispatcher(*prim)
    for i, a in adj.items():
        shadows[i][...] = a
    outs = []
    if deriv.ret is A.Active:
        outs.append(primal)
    outs.extend(act_adj[i] for i in sorted(act_adj))
    if not outs:
        return None
    return outs[0] if len(outs) == 1 else tuple(outs)

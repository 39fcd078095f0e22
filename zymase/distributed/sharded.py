"""Sharded data-parallel value and gradient: ``Σ_s fn(*params, *shard_s, *args)`` and its
gradient with respect to ``params``, one reverse-mode call per shard.

The graph: the parameters (and trailing arguments) enter once as Delayed values; one task
per shard makes a private copy of each array parameter, a fresh zero shadow for it, and
returns ``(value, *gradients)``; ``plumbing.tree_reduce`` sums those tuples with fan-in
``split_every``.  The derivative is made on the worker from a shipped ``_GradSpec``: the
number of Const arguments after the parameters is known only when a shard arrives (a Future
may hold a tuple of arrays), so the spec makes one derivative per count, once per process.
"""
from __future__ import annotations

from typing import Dict, Tuple

import numpy as np

from .. import activities as A
from ..api import Derivative, autodiff_reverse
from ..arguments import is_float_array, is_float_scalar
from ..errors import ActivityError
from ..frontend.numba import as_dispatcher
from .plumbing import as_tuple, compute, require_dask, shard_list, tree_reduce
from .shipping import LOCK, Shipped, counted_call, task_started


def _param_activity(k, p):
    if is_float_array(p):
        return A.Duplicated
    if is_float_scalar(p):
        return A.Active
    raise ActivityError(f"error: parameter {k} ({type(p).__name__}) cannot be differentiated: "
                        f"only float scalars and float arrays can\n  = help: pass data and "
                        f"integers as shards or trailing args")


class _GradSpec:
    """What a shard task needs to make the reverse derivative: ``fn``, the parameters'
    activities; the number of Const arguments that follow is known only when a shard arrives
    (a Future may hold a tuple), so derivatives are made per count, once per process."""

    def __init__(self, fn, param_acts, cache, checks):
        fn = as_dispatcher(fn)   # a numba dispatcher pickles by value when it must
        self.fn, self.param_acts, self.cache, self.checks = fn, tuple(param_acts), cache, checks
        self._derivs: Dict[int, Derivative] = {}

    def derivative(self, n_const: int) -> Derivative:
        d = self._derivs.get(n_const)
        if d is None:
            with LOCK:
                d = self._derivs.get(n_const)
                if d is None:
                    acts = self.param_acts + (A.Const,) * n_const
                    d = autodiff_reverse(self.fn, *acts, ret=A.Active, checks=self.checks,
                                         cache=self.cache)
                    self._derivs[n_const] = d
        return d

    def __getstate__(self):
        return {"fn": self.fn, "param_acts": tuple(a.name for a in self.param_acts),
                "cache": self.cache, "checks": self.checks}

    def __setstate__(self, st):
        self.fn, self.cache, self.checks = st["fn"], st["cache"], st["checks"]
        self.param_acts = tuple(A.ALL[a] for a in st["param_acts"])
        self._derivs = {}


def _shard_value_and_grad(spec: Shipped, params: tuple, shard, args: tuple):
    """One shard: ``(fn(*params, *shard, *args), *gradients)`` by one reverse-mode call."""
    task_started()
    sp: _GradSpec = spec.obj
    data = as_tuple(shard) + tuple(args)
    d = sp.derivative(len(data))
    call, shadows = [], []
    for p, act in zip(params, sp.param_acts):
        if act is A.Duplicated:
            call.append(np.array(p, copy=True))
            g = np.zeros_like(p)
            shadows.append(g)
            call.append(g)
        else:
            call.append(p)
    call.extend(data)
    call.append(1.0)
    res = as_tuple(counted_call(d, call))
    value, adj = res[0], iter(res[1:])
    sh = iter(shadows)
    grads = tuple(next(sh) if act is A.Duplicated else float(next(adj))
                  for act in sp.param_acts)
    return (float(value),) + grads


def _add_parts(*parts):
    """Elementwise sum of ``(value, *grads)`` tuples (the first array is added into)."""
    first = parts[0]
    out = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in first]
    for p in parts[1:]:
        for i, a in enumerate(p):
            if isinstance(out[i], np.ndarray):
                out[i] += a
            else:
                out[i] = out[i] + a
    return tuple(out)


class ShardedValueAndGrad:
    """``vg(params, shards, *args) -> (value, grads)``: see ``sharded_value_and_grad``."""

    def __init__(self, fn, client=None, split_every: int = 8, cache: bool = False,
                 checks: bool = True):
        if split_every < 2:
            raise ValueError("split_every must be at least 2")
        self.fn, self.client, self.split_every = fn, client, int(split_every)
        self.cache, self.checks = cache, checks
        self._specs: Dict[Tuple, Shipped] = {}

    def _spec(self, acts) -> Shipped:
        s = self._specs.get(acts)
        if s is None:
            s = self._specs[acts] = Shipped(_GradSpec(self.fn, acts, self.cache, self.checks))
        return s

    def graph(self, params, shards, *args):
        """The Delayed object whose result is ``(value, *grads)`` (not computed)."""
        dask = require_dask()
        single = not isinstance(params, (tuple, list))
        ps = (params,) if single else tuple(params)
        acts = tuple(_param_activity(k, p) for k, p in enumerate(ps))
        spec = self._spec(acts)
        ps = tuple(np.asarray(p) if isinstance(p, np.ndarray) else float(p) for p in ps)
        p_d = dask.delayed(ps, pure=False) if any(isinstance(p, np.ndarray) for p in ps) else ps
        a_d = dask.delayed(tuple(args), pure=False) if any(
            isinstance(a, np.ndarray) for a in args) else tuple(args)
        parts = [dask.delayed(_shard_value_and_grad, pure=False)(spec, p_d, s, a_d)
                 for s in shard_list(shards)]
        return tree_reduce(parts, _add_parts, self.split_every)

    def __call__(self, params, shards, *args):
        single = not isinstance(params, (tuple, list))
        total = compute(self.graph(params, shards, *args), self.client)
        value, grads = total[0], total[1:]
        return value, (grads[0] if single else tuple(grads))


def sharded_value_and_grad(fn, *, client=None, split_every: int = 8, cache: bool = False,
                           checks: bool = True) -> ShardedValueAndGrad:
    """Data-parallel value and gradient on Dask.

    Returns ``vg`` with ``vg(params, shards, *args) -> (value, grads)`` where
    ``value = Σ_s fn(*params, *shard_s, *args)`` and ``grads`` its gradient with respect to
    ``params`` (an array or float, or a tuple/list of them: float arrays are ``Duplicated``,
    float scalars ``Active``; shards and ``args`` are ``Const``).  One reverse-mode call per
    shard, a tree sum of fan-in ``split_every``; NumPy results.  ``client``: a
    ``distributed.Client`` (default: Dask's current scheduler — the default client if one
    exists).
    ``cache=True`` keeps compiled derivatives on disk (share ``ZYMASE_CACHE_DIR``).
    """
    return ShardedValueAndGrad(fn, client, split_every, cache, checks)


def sharded_grad(fn, **kw):
    """As ``sharded_value_and_grad`` but ``g(params, shards, *args) -> grads``."""
    vg = sharded_value_and_grad(fn, **kw)

    def g(params, shards, *args):
        return vg(params, shards, *args)[1]
    g.graph = vg.graph
    return g

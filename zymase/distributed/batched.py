"""Batched maps on Dask: one independent derivative call per row (or per argument tuple).

- ``batched_jacobian``: per row, ``ceil(n / width)`` forward calls of width ``width <=
  max_width``, each pushing that many basis directions; the tangents are the Jacobian's
  columns.
- ``batched_value_and_grad``: per row, one reverse call with seed 1 into a zeroed row of the
  result ``G`` (no copy of the gradient).
- ``map_calls``: any derivative on a list of argument tuples; returns each call's result and
  its shadow arguments after the call.

A task takes a block of rows (or of calls), so the per-task overhead is shared; every array
passed to a call is a private copy, so the blocks Dask holds are never modified.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import activities as A
from ..api import Derivative, autodiff_forward, autodiff_reverse
from .plumbing import as_tuple, client_if_any, compute, n_workers, require_dask, row_chunks
from .shipping import Shipped, counted_call, task_started


def _jacobian_rows(spec: Shipped, X, args, width: int):
    """``(Y, J)`` for a block of rows: ``ceil(n / width)`` forward calls of width ``width``
    per row, each pushing ``width`` basis directions."""
    task_started()
    d = spec.obj
    X = np.asarray(X)
    m, n = X.shape[0], int(np.prod(X.shape[1:]))
    xshape = X.shape[1:]
    Ys, Js = [], []
    for i in range(m):
        J = None
        y0 = None
        for c0 in range(0, n, width):
            k = min(width, n - c0)
            T = np.zeros((width, n), dtype=X.dtype)
            T[np.arange(k), c0 + np.arange(k)] = 1.0
            T = T.reshape((width,) + xshape) if width > 1 else T.reshape(xshape)
            y, t = counted_call(d, (np.array(X[i], copy=True), T) + tuple(args))
            y = np.asarray(y)
            if J is None:
                y0 = y
                J = np.empty(y.shape + (n,), dtype=np.result_type(y.dtype, np.float64))
            t = np.asarray(t).reshape((width,) + y.shape)
            J[..., c0:c0 + k] = np.moveaxis(t[:k], 0, -1)
        Ys.append(y0)
        Js.append(J.reshape(y0.shape + xshape))
    return np.stack(Ys), np.stack(Js)


def _concat_pairs(*parts):
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))


class BatchedJacobian:
    """``bj(X, *args) -> (Y, J)``: see ``batched_jacobian``."""

    def __init__(self, fn, client=None, rows_per_task=None, max_width: int = 16,
                 cache: bool = False, checks: bool = True):
        self.fn, self.client, self.rows_per_task = fn, client, rows_per_task
        self.max_width, self.cache, self.checks = int(max_width), cache, checks
        self._derivs: Dict[Tuple, Shipped] = {}

    def _spec(self, n_args: int, width: int) -> Shipped:
        key = (n_args, width)
        s = self._derivs.get(key)
        if s is None:
            d = autodiff_forward(self.fn, A.Dual, *(A.Const,) * n_args, ret=A.Dual,
                                 width=width, checks=self.checks, cache=self.cache)
            s = self._derivs[key] = Shipped(d)
        return s

    def graph(self, X, *args):
        dask = require_dask()
        client = client_if_any(self.client)
        n = int(np.prod(X.shape[1:]))
        width = max(1, min(n, self.max_width))
        spec = self._spec(len(args), width)
        a_d = dask.delayed(tuple(args), pure=False) if any(
            isinstance(a, np.ndarray) for a in args) else tuple(args)
        parts = [dask.delayed(_jacobian_rows, pure=False)(spec, b, a_d, width)
                 for b in row_chunks(X, self.rows_per_task, client)]
        return dask.delayed(_concat_pairs, pure=False)(*parts)

    def __call__(self, X, *args):
        return compute(self.graph(X, *args), self.client)


def batched_jacobian(fn, *, client=None, rows_per_task: Optional[int] = None,
                     max_width: int = 16, cache: bool = False,
                     checks: bool = True) -> BatchedJacobian:
    """Per-row Jacobians on Dask: ``bj(X, *args) -> (Y, J)`` with ``Y[i] = fn(X[i], *args)``
    and ``J[i] = ∂fn(X[i], *args)/∂X[i]`` (shape ``Y[i].shape + X[i].shape``).  Forward mode:
    each row is one call of width ``n = X[i].size`` when ``n <= max_width``; a task takes a
    block of rows (``rows_per_task``; a dask array's own row chunks)."""
    return BatchedJacobian(fn, client, rows_per_task, max_width, cache, checks)


def _grad_rows(spec: Shipped, X, args):
    task_started()
    d = spec.obj
    X = np.asarray(X)
    vals = np.empty(X.shape[0])
    G = np.zeros_like(X, dtype=np.float64)
    for i in range(X.shape[0]):
        res = counted_call(d, (np.array(X[i], copy=True), G[i]) + tuple(args) + (1.0,))
        vals[i] = as_tuple(res)[0]
    return vals, G


class BatchedValueAndGrad(BatchedJacobian):
    """``bvg(X, *args) -> (values, G)``: see ``batched_value_and_grad``."""

    def _spec(self, n_args: int, width: int = 1) -> Shipped:
        key = (n_args, "rev")
        s = self._derivs.get(key)
        if s is None:
            d = autodiff_reverse(self.fn, A.Duplicated, *(A.Const,) * n_args, ret=A.Active,
                                 checks=self.checks, cache=self.cache)
            s = self._derivs[key] = Shipped(d)
        return s

    def graph(self, X, *args):
        dask = require_dask()
        client = client_if_any(self.client)
        spec = self._spec(len(args))
        a_d = dask.delayed(tuple(args), pure=False) if any(
            isinstance(a, np.ndarray) for a in args) else tuple(args)
        parts = [dask.delayed(_grad_rows, pure=False)(spec, b, a_d)
                 for b in row_chunks(X, self.rows_per_task, client)]
        return dask.delayed(_concat_pairs, pure=False)(*parts)


def batched_value_and_grad(fn, *, client=None, rows_per_task: Optional[int] = None,
                           cache: bool = False, checks: bool = True) -> BatchedValueAndGrad:
    """Per-row values and gradients on Dask: ``bvg(X, *args) -> (values, G)`` with
    ``values[i] = fn(X[i], *args)`` (a float) and ``G[i]`` its gradient; one reverse-mode call
    per row, blocks of rows per task."""
    return BatchedValueAndGrad(fn, client, rows_per_task, 1, cache, checks)


def _run_calls(spec: Shipped, calls):
    task_started()
    d: Derivative = spec.obj
    pos = []
    k = 0
    for act in d.activities:
        if act.has_shadow:
            pos.append(k + 1)
        k += 2 if act.has_shadow else 1
    out = []
    for call in calls:
        call = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in call]
        res = counted_call(d, call)
        out.append((res, tuple(call[p] for p in pos)))
    return out


def _concat_lists(*parts):
    return [x for p in parts for x in p]


def map_calls(df: Derivative, calls: Sequence[Sequence], *, client=None,
              calls_per_task: Optional[int] = None) -> List[Tuple[Any, tuple]]:
    """Run ``df(*call)`` for every argument tuple in ``calls`` on Dask; returns, per call,
    ``(result, shadows)`` with ``shadows`` the call's shadow arguments after the call (reverse
    mode: the gradients added into them; forward mode: the output tangents).  Each worker
    builds ``df`` once; ``calls_per_task`` calls share a task."""
    dask = require_dask()
    if not isinstance(df, Derivative):
        raise TypeError(f"map_calls needs a zymase derivative, got {type(df).__name__}")
    explicit, client = client, client_if_any(client)
    calls = [tuple(c) for c in calls]
    if not calls:
        return []
    if calls_per_task is None:
        calls_per_task = max(1, math.ceil(len(calls) / (4 * n_workers(client))))
    spec = Shipped(df)
    parts = [dask.delayed(_run_calls, pure=False)(spec, calls[i:i + calls_per_task])
             for i in range(0, len(calls), calls_per_task)]
    return compute(dask.delayed(_concat_lists, pure=False)(*parts), explicit)

"""Derivatives scaled out on Dask: sharded data-parallel gradients and batched maps.

A GMM fit over 10^8 points, a bundle adjustment over millions of observations, a scan over
thousands of ODE initial conditions: the gradient is a sum over shards of data, or one
independent derivative per input.  This module maps zymase derivatives over Dask collections
(``dask`` and ``distributed`` from PyPI; nothing here schedules work itself) and returns
NumPy results.

The helpers
-----------
``sharded_value_and_grad(fn)(params, shards, *args) -> (value, grads)``
    ``Σ_s fn(*params, *shard_s, *args)`` and its gradient with respect to ``params``.  One
    task per shard runs one reverse-mode call; the per-shard ``(value, grads)`` are summed by a
    tree of tasks with fan-in ``split_every``.  ``shards`` is a ``dask.array`` (one shard per
    block of rows), a tuple of ``dask.array`` with the same row chunks (several data arguments
    per shard), or a list whose items are NumPy arrays, tuples of arrays, ``Delayed`` objects
    or ``Future`` s (a tuple is spread over several arguments).
``batched_jacobian(fn)(X, *args) -> (Y, J)``
    ``Y[i] = fn(X[i], *args)`` and ``J[i] = ∂fn/∂x`` at ``X[i]`` for every row; each row is one
    forward-mode call of width ``n = X.shape[1]`` (or ``ceil(n / max_width)`` calls), tasks
    take blocks of rows.
``batched_value_and_grad(fn)(X, *args) -> (values, G)``
    one reverse-mode call per row of X, for a float-valued fn.
``map_calls(df, calls) -> [(result, shadows), …]``
    any derivative called on many argument tuples (e.g. one width-N JVP per task); returns each
    call's result and its shadow arguments after the call (where reverse mode adds gradients
    and forward mode writes output tangents).
``worker_stats(client)`` / ``reset_worker_stats(client)``
    per-process counts: derivative objects unpickled, builds (compilations or disk-cache
    loads), build seconds, derivative calls, tasks.

Compile once per worker
-----------------------
A derivative that Dask pickles into every task would be rebuilt by every task: unpickling
gives a fresh ``Derivative`` with no compiled code.  Here the derivative travels inside a
``Shipped`` envelope: its pickle bytes and their SHA-256.  Unpickling an envelope in a process
that has already seen that hash returns the derivative it already holds (with its compiled
code), so each worker process builds each derivative once, however many tasks and however
many calls of the helper (an optimiser loop) run there.  With ``cache=True`` and a shared
``ZYMASE_CACHE_DIR`` even a fresh worker process (a restarted one, or a new cluster) loads the
compiled code from disk instead of compiling.

Invariants
----------
* The reduction tree is fixed by the number of shards and ``split_every``, not by which worker
  ran what: a task that Dask retries (a worker died) recomputes the same bits, so the result
  is exactly the result of an undisturbed run.
* Tasks never modify the caller's arrays or the arrays Dask holds: parameters are copied into
  each call, shadows are fresh zeros.
* A derivative that cannot be built raises on the worker; Dask re-raises that exception on
  the client — the same ``ZymaseError`` subclass with the same message.

Functions travel by reference when their module can be imported (so a worker's function is
the imported one, and ``cache=True`` entries written by the client are found by the workers),
with a by-value copy as the fallback for workers that cannot import it; functions defined in
``__main__`` (a script) travel by value.  Use processes with one thread each
(``LocalCluster(n_workers=k, threads_per_worker=1)``): compiled derivatives hold the GIL.
"""
from __future__ import annotations

import hashlib
import importlib
import io
import math
import os
import pickle
import threading
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import activities as A
from .api import Derivative, autodiff_forward, autodiff_reverse
from .arguments import is_float_array, is_float_scalar
from .errors import ActivityError
from .frontend.numba import as_dispatcher

__all__ = ["sharded_value_and_grad", "sharded_grad", "batched_jacobian",
           "batched_value_and_grad", "map_calls", "worker_stats", "reset_worker_stats",
           "local_stats", "Shipped"]

# -- per-process memo of shipped objects and counters ------------------------------------------
_MEMO: Dict[str, Any] = {}
_LOCK = threading.RLock()
_STATS = {"objects": 0, "builds": 0, "build_seconds": 0.0, "calls": 0, "call_seconds": 0.0,
          "call_cpu_seconds": 0.0, "tasks": 0}


def local_stats() -> dict:
    """This process's counters (see ``worker_stats``), plus its pid."""
    with _LOCK:
        out = dict(_STATS)
    out["pid"] = os.getpid()
    out["memo_entries"] = len(_MEMO)
    return out


def _reset_local_stats(clear_memo: bool = False) -> None:
    with _LOCK:
        for k in _STATS:
            _STATS[k] = 0.0 if k.endswith("seconds") else 0
        if clear_memo:
            _MEMO.clear()


def worker_stats(client=None) -> Dict[str, dict]:
    """``{worker address: counters}`` for every worker of ``client`` (default: the current
    client).  ``objects``: derivative objects (or specs) unpickled — one per worker per
    derivative when the memo works; ``builds``: derivatives compiled or loaded from the disk
    cache; ``build_seconds``: wall time of the calls that built; ``calls``: derivative calls;
    ``call_seconds`` / ``call_cpu_seconds``: wall / CPU time of the calls that did not build;
    ``tasks``: tasks run."""
    return _client(client).run(local_stats)


def reset_worker_stats(client=None, clear_memo: bool = False) -> None:
    """Zero the counters on every worker; ``clear_memo=True`` also forgets the derivatives
    (the next task builds again, or loads from the disk cache)."""
    _client(client).run(_reset_local_stats, clear_memo)


def _importable(fn) -> Optional[Tuple[str, str]]:
    """``(module, qualname)`` when importing that module here gives back ``fn`` itself."""
    py = getattr(fn, "py_func", None)
    mod, qual = getattr(py, "__module__", None), getattr(py, "__qualname__", "")
    if not mod or mod in ("__main__", "__mp_main__") or "<locals>" in qual:
        return None
    try:
        obj = importlib.import_module(mod)
        for part in qual.split("."):
            obj = getattr(obj, part)
    except Exception:  # noqa: BLE001 - not importable: ship it by value
        return None
    return (mod, qual) if obj is fn else None


def _import_or_load(module: str, qualname: str, fallback: bytes):
    """The function ``module.qualname`` as imported here, or, where that module cannot be
    imported, the copy pickled by value."""
    try:
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return obj
    except Exception:  # noqa: BLE001
        return pickle.loads(fallback)


class _Pickler(pickle.Pickler):
    """Pickles Numba dispatchers of importable functions by reference (with a by-value copy
    as fallback).  Numba alone pickles them by value, and a function rebuilt from its pickle
    has a different code fingerprint than the imported one, so the worker would miss the disk
    cache entries ``cache=True`` wrote in the client (and vice versa)."""

    def reducer_override(self, obj):
        import numba
        if isinstance(obj, numba.core.dispatcher.Dispatcher):
            ref = _importable(obj)
            if ref is not None:
                return _import_or_load, ref + (pickle.dumps(obj),)
        return NotImplemented


def _dumps(obj) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


class Shipped:
    """An object (a derivative, or a spec that makes derivatives) packaged for Dask tasks.

    Pickles as its own pickle bytes plus their SHA-256; unpickling in a process that already
    holds that hash returns the held object, compiled code included."""
    __slots__ = ("key", "payload", "obj")

    def __init__(self, obj):
        payload = _dumps(obj)
        self.key = hashlib.sha256(payload).hexdigest()
        self.payload = payload
        with _LOCK:
            self.obj = _MEMO.setdefault(self.key, obj)

    def __reduce__(self):
        return (_resolve, (self.key, self.payload))

    def __dask_tokenize__(self):
        return ("zymase.Shipped", self.key)

    def __repr__(self):
        return f"<Shipped {self.obj!r} {self.key[:12]}>"


def _resolve(key: str, payload: bytes) -> Shipped:
    obj = _MEMO.get(key)
    if obj is None:
        with _LOCK:
            obj = _MEMO.get(key)
            if obj is None:
                obj = pickle.loads(payload)
                _MEMO[key] = obj
                _STATS["objects"] += 1
    s = Shipped.__new__(Shipped)
    s.key, s.payload, s.obj = key, payload, obj
    return s


def _n_builds(d) -> int:
    return getattr(d, "n_builds", 0)


def _counted_call(d, args):
    """Call derivative ``d``, counting a build when the call compiled (or loaded) code.  The
    first call of each derivative object in a process is serialised, so threads of one worker
    never build the same derivative twice."""
    before = _n_builds(d)
    t0, c0 = time.perf_counter(), time.thread_time()
    if before == 0:
        with _LOCK:
            res = d(*args)
    else:
        res = d(*args)
    dt, cpu = time.perf_counter() - t0, time.thread_time() - c0
    after = _n_builds(d)
    with _LOCK:
        _STATS["calls"] += 1
        if after > before:
            _STATS["builds"] += after - before
            _STATS["build_seconds"] += dt
        else:
            _STATS["call_seconds"] += dt
            _STATS["call_cpu_seconds"] += cpu
    return res


def _task_started():
    with _LOCK:
        _STATS["tasks"] += 1


# -- Dask plumbing -------------------------------------------------------------------------------
def _dask():
    try:
        import dask
        import dask.array  # noqa: F401
    except ImportError as e:  # pragma: no cover - exercised only without dask
        raise ImportError("zymase.distributed needs dask: pip install 'dask[distributed]'") from e
    return dask


def _client(client):
    if client is not None:
        return client
    from distributed import default_client
    return default_client()


def _maybe_client(client):
    if client is not None:
        return client
    try:
        from distributed import default_client
        return default_client()
    except (ImportError, ValueError):
        return None


def _compute(obj, client):
    """Compute a Delayed on ``client``; without one, on Dask's current scheduler (the default
    distributed client if one exists, unless ``dask.config.set(scheduler=...)`` says
    otherwise)."""
    dask = _dask()
    if client is not None:
        return client.compute(obj).result()
    return dask.compute(obj)[0]


def _n_workers(client) -> int:
    if client is None:
        return os.cpu_count() or 1
    try:
        return max(1, len(client.scheduler_info()["workers"]))
    except Exception:  # noqa: BLE001
        return 1


def _is_dask_array(x) -> bool:
    try:
        import dask.array as da
    except ImportError:
        return False
    return isinstance(x, da.Array)


def _row_blocks(arr) -> list:
    """The Delayed row blocks of a dask array (other axes brought to one chunk)."""
    if arr.ndim == 0:
        raise ValueError("shards: a dask array needs at least one axis to shard over")
    if any(len(c) != 1 for c in arr.chunks[1:]):
        arr = arr.rechunk({k: -1 for k in range(1, arr.ndim)})
    return list(arr.to_delayed().reshape(-1))


def _shard_list(shards) -> list:
    """Normalise ``shards`` to a list of items, each an array, a tuple of arrays, a Delayed or
    a Future (the last two resolve to an array or a tuple at run time)."""
    dask = _dask()
    if _is_dask_array(shards):
        return _row_blocks(shards)
    if isinstance(shards, tuple) and shards and all(_is_dask_array(s) for s in shards):
        chunks = {s.chunks[0] for s in shards}
        if len(chunks) != 1:
            raise ValueError("shards: the dask arrays of a tuple must have the same row chunks "
                             f"(found {sorted(chunks)}); rechunk them alike")
        cols = [_row_blocks(s) for s in shards]
        return [dask.delayed(tuple, pure=False)(list(parts)) for parts in zip(*cols)]
    if isinstance(shards, (list, tuple)):
        out = []
        for s in shards:
            if isinstance(s, np.ndarray) or (isinstance(s, tuple) and any(
                    isinstance(a, np.ndarray) for a in s)):
                out.append(dask.delayed(s, pure=False))
            else:
                out.append(s)
        return out
    raise TypeError("shards must be a dask array, a tuple of dask arrays, or a list of shards "
                    f"(arrays, tuples of arrays, Delayed, Future); got {type(shards).__name__}")


def _tree(parts: list, combine, split_every: int):
    """Reduce Delayed ``parts`` with ``combine`` in a fixed tree of fan-in ``split_every``."""
    dask = _dask()
    if not parts:
        raise ValueError("no shards to reduce")
    level = parts
    while len(level) > 1:
        level = [dask.delayed(combine, pure=False)(*level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    return level[0]


def _as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else (x,)


# -- activities from values ----------------------------------------------------------------------
def _param_activity(k, p):
    if is_float_array(p):
        return A.Duplicated
    if is_float_scalar(p):
        return A.Active
    raise ActivityError(f"error: parameter {k} ({type(p).__name__}) cannot be differentiated: "
                        f"only float scalars and float arrays can\n  = help: pass data and "
                        f"integers as shards or trailing args")


# -- sharded value and gradient ------------------------------------------------------------------
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
            with _LOCK:
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
    _task_started()
    sp: _GradSpec = spec.obj
    data = _as_tuple(shard) + tuple(args)
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
    res = _as_tuple(_counted_call(d, call))
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
        dask = _dask()
        single = not isinstance(params, (tuple, list))
        ps = (params,) if single else tuple(params)
        acts = tuple(_param_activity(k, p) for k, p in enumerate(ps))
        spec = self._spec(acts)
        ps = tuple(np.asarray(p) if isinstance(p, np.ndarray) else float(p) for p in ps)
        p_d = dask.delayed(ps, pure=False) if any(isinstance(p, np.ndarray) for p in ps) else ps
        a_d = dask.delayed(tuple(args), pure=False) if any(
            isinstance(a, np.ndarray) for a in args) else tuple(args)
        parts = [dask.delayed(_shard_value_and_grad, pure=False)(spec, p_d, s, a_d)
                 for s in _shard_list(shards)]
        return _tree(parts, _add_parts, self.split_every)

    def __call__(self, params, shards, *args):
        single = not isinstance(params, (tuple, list))
        total = _compute(self.graph(params, shards, *args), self.client)
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


# -- batched maps --------------------------------------------------------------------------------
def _rows(X, rows_per_task: Optional[int], client) -> list:
    """Delayed row blocks of ``X`` (a NumPy or dask array)."""
    dask = _dask()
    if _is_dask_array(X):
        return _row_blocks(X)
    X = np.asarray(X)
    m = X.shape[0]
    if rows_per_task is None:
        rows_per_task = max(1, math.ceil(m / (4 * _n_workers(client))))
    return [dask.delayed(np.ascontiguousarray(X[i:i + rows_per_task]), pure=False)
            for i in range(0, m, rows_per_task)]


def _jacobian_rows(spec: Shipped, X, args, width: int):
    """``(Y, J)`` for a block of rows: ``ceil(n / width)`` forward calls of width ``width``
    per row, each pushing ``width`` basis directions."""
    _task_started()
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
            y, t = _counted_call(d, (np.array(X[i], copy=True), T) + tuple(args))
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
        dask = _dask()
        client = _maybe_client(self.client)
        n = int(np.prod(X.shape[1:]))
        width = max(1, min(n, self.max_width))
        spec = self._spec(len(args), width)
        a_d = dask.delayed(tuple(args), pure=False) if any(
            isinstance(a, np.ndarray) for a in args) else tuple(args)
        parts = [dask.delayed(_jacobian_rows, pure=False)(spec, b, a_d, width)
                 for b in _rows(X, self.rows_per_task, client)]
        return dask.delayed(_concat_pairs, pure=False)(*parts)

    def __call__(self, X, *args):
        return _compute(self.graph(X, *args), self.client)


def batched_jacobian(fn, *, client=None, rows_per_task: Optional[int] = None,
                     max_width: int = 16, cache: bool = False,
                     checks: bool = True) -> BatchedJacobian:
    """Per-row Jacobians on Dask: ``bj(X, *args) -> (Y, J)`` with ``Y[i] = fn(X[i], *args)``
    and ``J[i] = ∂fn(X[i], *args)/∂X[i]`` (shape ``Y[i].shape + X[i].shape``).  Forward mode:
    each row is one call of width ``n = X[i].size`` when ``n <= max_width``; a task takes a
    block of rows (``rows_per_task``; a dask array's own row chunks)."""
    return BatchedJacobian(fn, client, rows_per_task, max_width, cache, checks)


def _grad_rows(spec: Shipped, X, args):
    _task_started()
    d = spec.obj
    X = np.asarray(X)
    vals = np.empty(X.shape[0])
    G = np.zeros_like(X, dtype=np.float64)
    for i in range(X.shape[0]):
        res = _counted_call(d, (np.array(X[i], copy=True), G[i]) + tuple(args) + (1.0,))
        vals[i] = _as_tuple(res)[0]
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
        dask = _dask()
        client = _maybe_client(self.client)
        spec = self._spec(len(args))
        a_d = dask.delayed(tuple(args), pure=False) if any(
            isinstance(a, np.ndarray) for a in args) else tuple(args)
        parts = [dask.delayed(_grad_rows, pure=False)(spec, b, a_d)
                 for b in _rows(X, self.rows_per_task, client)]
        return dask.delayed(_concat_pairs, pure=False)(*parts)


def batched_value_and_grad(fn, *, client=None, rows_per_task: Optional[int] = None,
                           cache: bool = False, checks: bool = True) -> BatchedValueAndGrad:
    """Per-row values and gradients on Dask: ``bvg(X, *args) -> (values, G)`` with
    ``values[i] = fn(X[i], *args)`` (a float) and ``G[i]`` its gradient; one reverse-mode call
    per row, blocks of rows per task."""
    return BatchedValueAndGrad(fn, client, rows_per_task, 1, cache, checks)


def _run_calls(spec: Shipped, calls):
    _task_started()
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
        res = _counted_call(d, call)
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
    dask = _dask()
    if not isinstance(df, Derivative):
        raise TypeError(f"map_calls needs a zymase derivative, got {type(df).__name__}")
    explicit, client = client, _maybe_client(client)
    calls = [tuple(c) for c in calls]
    if not calls:
        return []
    if calls_per_task is None:
        calls_per_task = max(1, math.ceil(len(calls) / (4 * _n_workers(client))))
    spec = Shipped(df)
    parts = [dask.delayed(_run_calls, pure=False)(spec, calls[i:i + calls_per_task])
             for i in range(0, len(calls), calls_per_task)]
    return _compute(dask.delayed(_concat_lists, pure=False)(*parts), explicit)

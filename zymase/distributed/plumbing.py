"""Dask plumbing for ``zymase.distributed``: the one place that imports dask.

- ``shard_list`` normalises the shapes of data a caller may pass (a dask array, a tuple of
  dask arrays with equal row chunks, a list of arrays / tuples / Delayed / Futures) to one
  list of items, one per shard; NumPy data is wrapped in ``Delayed`` so the graph carries it
  once.
- ``tree_reduce`` combines Delayed parts in a tree whose shape depends only on the number of
  parts and the fan-in: which worker ran what never changes the order of the sums, so a
  retried task (a worker died) reproduces the result bit for bit.
- ``row_chunks`` cuts the rows of an array into Delayed blocks (a dask array keeps its own row
  chunks; a NumPy array gets about four blocks per worker).
- ``compute`` runs a graph on the given client, or on Dask's current scheduler.
"""
from __future__ import annotations

import math
import os
from typing import Optional

import numpy as np


def require_dask():
    try:
        import dask
        import dask.array  # noqa: F401
    except ImportError as e:  # pragma: no cover - exercised only without dask
        raise ImportError("zymase.distributed needs dask: pip install 'dask[distributed]'") from e
    return dask


def client_or_default(client):
    if client is not None:
        return client
    from distributed import default_client
    return default_client()


def client_if_any(client):
    if client is not None:
        return client
    try:
        from distributed import default_client
        return default_client()
    except (ImportError, ValueError):
        return None


def compute(obj, client):
    """Compute a Delayed on ``client``; without one, on Dask's current scheduler (the default
    distributed client if one exists, unless ``dask.config.set(scheduler=...)`` says
    otherwise)."""
    dask = require_dask()
    if client is not None:
        return client.compute(obj).result()
    return dask.compute(obj)[0]


def n_workers(client) -> int:
    if client is None:
        return os.cpu_count() or 1
    try:
        return max(1, len(client.scheduler_info()["workers"]))
    except Exception:  # noqa: BLE001
        return 1


def is_dask_array(x) -> bool:
    try:
        import dask.array as da
    except ImportError:
        return False
    return isinstance(x, da.Array)


def row_blocks(arr) -> list:
    """The Delayed row blocks of a dask array (other axes brought to one chunk)."""
    if arr.ndim == 0:
        raise ValueError("shards: a dask array needs at least one axis to shard over")
    if any(len(c) != 1 for c in arr.chunks[1:]):
        arr = arr.rechunk({k: -1 for k in range(1, arr.ndim)})
    return list(arr.to_delayed().reshape(-1))


def shard_list(shards) -> list:
    """Normalise ``shards`` to a list of items, each an array, a tuple of arrays, a Delayed or
    a Future (the last two resolve to an array or a tuple at run time)."""
    dask = require_dask()
    if is_dask_array(shards):
        return row_blocks(shards)
    if isinstance(shards, tuple) and shards and all(is_dask_array(s) for s in shards):
        chunks = {s.chunks[0] for s in shards}
        if len(chunks) != 1:
            raise ValueError("shards: the dask arrays of a tuple must have the same row chunks "
                             f"(found {sorted(chunks)}); rechunk them alike")
        cols = [row_blocks(s) for s in shards]
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


def tree_reduce(parts: list, combine, split_every: int):
    """Reduce Delayed ``parts`` with ``combine`` in a fixed tree of fan-in ``split_every``."""
    dask = require_dask()
    if not parts:
        raise ValueError("no shards to reduce")
    level = parts
    while len(level) > 1:
        level = [dask.delayed(combine, pure=False)(*level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    return level[0]


def as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else (x,)


def row_chunks(X, rows_per_task: Optional[int], client) -> list:
    """Delayed row blocks of ``X`` (a NumPy or dask array)."""
    dask = require_dask()
    if is_dask_array(X):
        return row_blocks(X)
    X = np.asarray(X)
    m = X.shape[0]
    if rows_per_task is None:
        rows_per_task = max(1, math.ceil(m / (4 * n_workers(client))))
    return [dask.delayed(np.ascontiguousarray(X[i:i + rows_per_task]), pure=False)
            for i in range(0, m, rows_per_task)]

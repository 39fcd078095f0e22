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

The parts: ``shipping`` (the envelope, the per-process memo and counters), ``plumbing`` (Dask
itself: shards, row blocks, reduction trees, computing), ``sharded`` and ``batched`` (the
helpers above).

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
from .batched import (BatchedJacobian, BatchedValueAndGrad, batched_jacobian,
                      batched_value_and_grad, map_calls)
from .sharded import ShardedValueAndGrad, sharded_grad, sharded_value_and_grad
from .shipping import Shipped, local_stats, reset_worker_stats, worker_stats

__all__ = ["sharded_value_and_grad", "sharded_grad", "batched_jacobian",
           "batched_value_and_grad", "map_calls", "worker_stats", "reset_worker_stats",
           "local_stats", "Shipped", "ShardedValueAndGrad", "BatchedJacobian",
           "BatchedValueAndGrad"]

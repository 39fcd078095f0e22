"""Shipping derivatives to Dask workers so that each worker process builds each one once.

A derivative that Dask pickles into every task would be rebuilt by every task: unpickling
gives a fresh ``Derivative`` with no compiled code.  ``Shipped`` is an envelope holding the
object's pickle bytes and their SHA-256; it pickles as (hash, bytes), and unpickling in a
process that already holds that hash returns the object held there — compiled code
included — from a per-process memo.  So the memo is keyed by content, not identity: the
same derivative shipped by two calls of a helper (an optimiser loop) is one entry.

Functions inside the payload travel by reference when their module can be imported here and
there (``_Pickler``): Numba alone pickles a dispatcher by value, and a function rebuilt from
its pickle has a different code fingerprint than the imported one, so the worker would miss
the disk-cache entries that ``cache=True`` wrote in the client.  A by-value copy travels too,
as the fallback for a worker that cannot import the module.

The per-process counters (``local_stats``; ``worker_stats`` collects them from a cluster)
count objects unpickled, builds, calls and tasks.  ``counted_call`` serialises the first
call of each derivative object under ``LOCK``, so threads of one worker never build the
same derivative twice; ``LOCK`` is re-entrant and shared with the specs that make
derivatives lazily (``sharded._GradSpec``).
"""
from __future__ import annotations

import hashlib
import importlib
import io
import os
import pickle
import threading
import time
from typing import Any, Dict, Optional, Tuple

from .plumbing import client_or_default

# -- per-process memo of shipped objects and counters ------------------------------------------
_MEMO: Dict[str, Any] = {}
LOCK = threading.RLock()
_STATS = {"objects": 0, "builds": 0, "build_seconds": 0.0, "calls": 0, "call_seconds": 0.0,
          "call_cpu_seconds": 0.0, "tasks": 0}


def local_stats() -> dict:
    """This process's counters (see ``worker_stats``), plus its pid."""
    with LOCK:
        out = dict(_STATS)
    out["pid"] = os.getpid()
    out["memo_entries"] = len(_MEMO)
    return out


def _reset_local_stats(clear_memo: bool = False) -> None:
    with LOCK:
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
    return client_or_default(client).run(local_stats)


def reset_worker_stats(client=None, clear_memo: bool = False) -> None:
    """Zero the counters on every worker; ``clear_memo=True`` also forgets the derivatives
    (the next task builds again, or loads from the disk cache)."""
    client_or_default(client).run(_reset_local_stats, clear_memo)


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
        with LOCK:
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
        with LOCK:
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


def counted_call(d, args):
    """Call derivative ``d``, counting a build when the call compiled (or loaded) code.  The
    first call of each derivative object in a process is serialised, so threads of one worker
    never build the same derivative twice."""
    before = _n_builds(d)
    t0, c0 = time.perf_counter(), time.thread_time()
    if before == 0:
        with LOCK:
            res = d(*args)
    else:
        res = d(*args)
    dt, cpu = time.perf_counter() - t0, time.thread_time() - c0
    after = _n_builds(d)
    with LOCK:
        _STATS["calls"] += 1
        if after > before:
            _STATS["builds"] += after - before
            _STATS["build_seconds"] += dt
        else:
            _STATS["call_seconds"] += dt
            _STATS["call_cpu_seconds"] += cpu
    return res


def task_started():
    with LOCK:
        _STATS["tasks"] += 1

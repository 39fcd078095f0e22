"""Opt-in on-disk cache of compiled derivatives (``cache=True``), like Numba's ``cache=True``.

The key hashes everything the derivative depends on: zymase/Numba/llvmlite versions, the
derivative's mode, activities, width and argument types, and the function's code — its
bytecode, constants and the source file's size and modification time — plus, one level
deep, the code of the ``@njit`` functions it calls by global name.  For a derivative of a
derivative, the inner derivative's description is part of the key.  The entry stores the
final (optimised, self-contained) IR text, the Numba return type and the symbol; loading it
skips the front end, the transforms and O3.  Entries are written atomically.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import tempfile

import llvmlite
import numba


def cache_dir() -> str:
    d = os.environ.get("ZYMASE_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "zymase")
    os.makedirs(d, exist_ok=True)
    return d


def _code_fingerprint(py_func, depth=1) -> bytes:
    h = hashlib.sha256()
    code = py_func.__code__
    h.update(marshal.dumps(code))
    fname = code.co_filename
    try:
        st = os.stat(fname)
        h.update(f"{fname}:{st.st_size}:{st.st_mtime_ns}".encode())
    except OSError:
        h.update(fname.encode())
    if depth:
        g = getattr(py_func, "__globals__", {})
        for name in code.co_names:
            obj = g.get(name)
            inner = getattr(obj, "py_func", None)
            if inner is not None and hasattr(inner, "__code__"):
                h.update(name.encode())
                h.update(_code_fingerprint(inner, depth - 1))
    return h.digest()


def describe(deriv) -> str:
    from . import __version__
    parts = [deriv.mode.value, ",".join(a.name for a in deriv.activities), str(deriv.ret),
             str(deriv.width), str(deriv.checks)]
    if deriv.inner is not None:
        parts.append("inner:" + describe(deriv.inner))
    parts += [__version__, numba.__version__, llvmlite.__version__]
    return "|".join(parts)


def key(deriv, argtypes) -> str:
    h = hashlib.sha256()
    h.update(describe(deriv).encode())
    h.update(repr(tuple(argtypes)).encode())
    h.update(_code_fingerprint(deriv.py_func))
    return h.hexdigest()


def load(k: str):
    path = os.path.join(cache_dir(), k + ".zy")
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None


def store(k: str, text: str, restype, symbol: str) -> None:
    d = cache_dir()
    fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump((text, restype, symbol), f)
        os.replace(tmp, os.path.join(d, k + ".zy"))
    except OSError:
        if os.path.exists(tmp):
            os.unlink(tmp)

"""Opt-in on-disk cache of compiled derivatives (``cache=True``), like Numba's ``cache=True``.

Key.  A SHA-256 over everything the derivative depends on: zymase/Numba/llvmlite versions,
the derivative's mode, activities, width and argument types, and the function's code — its
bytecode (nested code objects included), the source file's size and modification time, and,
transitively, everything it reaches by global or closure name that Numba compiles into it:
``@njit`` callees at any depth, custom-derivative rules, inner derivatives, and the *values*
of global constants and arrays (Numba freezes those into the machine code, so a changed
``K = 3`` must not load code compiled for the old value).  For a derivative of a derivative,
the inner derivative's description is part of the key.

Entry.  ``MAGIC``, the SHA-256 of the payload, a newline, then the payload: a pickle of
``{"format", "key", "versions", "text", "restype", "symbol"}`` where ``text`` is the final
(optimised, self-contained) IR.  Loading it skips the front end, the transforms and O3.

Robustness:
- entries are written to a temporary file in the same directory, flushed, fsync'ed and
  renamed over the final name (``os.replace``), so a reader sees a whole entry or none; an
  exception at any point (``KeyboardInterrupt`` included) removes the temporary file and
  propagates; an ``OSError`` (read-only or full disk) only skips caching, with a warning;
- an entry that is truncated, corrupt (checksum), unreadable, of another format, or written
  for another key or versions is never loaded: a ``CacheWarning`` says why, the file is
  removed and the derivative is rebuilt (and stored again);
- temporary files left by a killed process are removed when they are more than an hour old.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import tempfile
import time
import types
import warnings

import llvmlite
import numba
import numpy as np

FORMAT = 2
MAGIC = b"zymase-derivative-cache\n"
SUFFIX = ".zy"


class CacheWarning(UserWarning):
    """An on-disk cache entry was ignored (and will be rebuilt), or could not be written."""


def cache_dir() -> str:
    d = os.environ.get("ZYMASE_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "zymase")
    os.makedirs(d, exist_ok=True)
    return d


def _versions() -> str:
    from . import __version__
    return f"{__version__}|{numba.__version__}|{llvmlite.__version__}|{FORMAT}"


# -- the key ----------------------------------------------------------------------------------------
_SCALARS = (bool, int, float, complex, str, bytes, type(None))


def _code_names(code) -> list:
    """Global names used by ``code`` and the code objects nested in it (comprehensions,
    lambdas, inner functions)."""
    names = list(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names += _code_names(c)
    return names


def _fingerprint(obj, h, seen: set, depth: int = 0) -> None:
    """Feed what Numba would compile from ``obj`` into ``h``."""
    if depth > 50:
        return
    if isinstance(obj, _SCALARS):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
        return
    if isinstance(obj, np.generic):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
        return
    if isinstance(obj, np.ndarray):
        h.update(f"ndarray:{obj.dtype.str}:{obj.shape};".encode())
        h.update(hashlib.sha256(np.ascontiguousarray(obj).tobytes()).digest())
        return
    if isinstance(obj, tuple):
        h.update(b"(")
        for o in obj:
            _fingerprint(o, h, seen, depth + 1)
        h.update(b")")
        return
    if isinstance(obj, types.ModuleType):
        h.update(f"module:{obj.__name__};".encode())
        return
    if id(obj) in seen:
        h.update(b"<seen>")
        return
    seen.add(id(obj))
    own = getattr(obj, "__zymase_fingerprint__", None)
    if isinstance(own, str):        # an object that says what it compiles to (llvm_function)
        h.update(f"own:{own};".encode())
        return
    from .custom import CustomFunction
    if getattr(type(obj), "fingerprint_kind", None) == "derivative":
        h.update(("derivative:" + describe(obj)).encode())
        _fingerprint(obj.py_func, h, seen, depth + 1)
        return
    if isinstance(obj, CustomFunction):
        h.update(f"custom:{obj.inactive}:{obj.address is not None};".encode())
        for part in (obj.fn, obj.jvp_rule, obj.vjp_fwd, obj.vjp_bwd):
            _fingerprint(part, h, seen, depth + 1)
        return
    py = getattr(obj, "py_func", None)          # numba dispatchers
    if py is not None and hasattr(py, "__code__"):
        h.update(b"dispatcher:")
        _fingerprint(py, h, seen, depth + 1)
        return
    if isinstance(obj, types.FunctionType):
        code = obj.__code__
        h.update(b"function:")
        h.update(marshal.dumps(code))
        fname = code.co_filename
        try:
            st = os.stat(fname)
            h.update(f"{fname}:{st.st_size}:{st.st_mtime_ns};".encode())
        except OSError:
            h.update(fname.encode())
        g = getattr(obj, "__globals__", {})
        for name in sorted(set(_code_names(code))):
            if name in g:
                h.update(f"global {name}=".encode())
                _fingerprint(g[name], h, seen, depth + 1)
        for name, cell in zip(code.co_freevars, obj.__closure__ or ()):
            h.update(f"free {name}=".encode())
            try:
                _fingerprint(cell.cell_contents, h, seen, depth + 1)
            except ValueError:      # empty cell
                h.update(b"<empty>")
        if obj.__defaults__:
            _fingerprint(tuple(obj.__defaults__), h, seen, depth + 1)
        return
    # anything else (classes, ctypes functions, …): its type and qualified name
    h.update(f"object:{type(obj).__module__}.{type(obj).__qualname__}:"
             f"{getattr(obj, '__qualname__', getattr(obj, '__name__', ''))};".encode())


def _code_fingerprint(py_func) -> bytes:
    h = hashlib.sha256()
    _fingerprint(py_func, h, set())
    return h.digest()


def describe(deriv) -> str:
    parts = [deriv.mode.value, ",".join(a.name for a in deriv.activities), str(deriv.ret),
             str(deriv.width), str(deriv.checks)]
    ck = getattr(deriv, "checkpoint", None)
    if ck is not None:
        parts.append("checkpoint:" + ck.key)
    if getattr(deriv, "flush_subnormals", False):
        parts.append("flush_subnormals")
    if deriv.inner is not None:
        parts.append("inner:" + describe(deriv.inner))
    parts.append(_versions())
    return "|".join(parts)


def key(deriv, argtypes) -> str:
    h = hashlib.sha256()
    h.update(describe(deriv).encode())
    h.update(repr(tuple(argtypes)).encode())
    h.update(_code_fingerprint(deriv.py_func))
    return h.hexdigest()


# -- entries -----------------------------------------------------------------------------------------
def _path(d: str, k: str) -> str:
    return os.path.join(d, k + SUFFIX)


def _reject(path: str, why: str) -> None:
    warnings.warn(f"zymase: ignoring cache entry {path}: {why}; the derivative is rebuilt",
                  CacheWarning, stacklevel=4)
    try:
        os.unlink(path)
    except OSError:
        pass


def load(k: str):
    """(text, restype, symbol) of a valid entry for key ``k``, or None (no entry, or an
    entry that cannot be trusted — then with a CacheWarning)."""
    try:
        path = _path(cache_dir(), k)
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        warnings.warn(f"zymase: cannot read the derivative cache ({e})", CacheWarning,
                      stacklevel=3)
        return None
    if not raw.startswith(MAGIC):
        _reject(path, "not a zymase cache entry of this format (stale or corrupt)")
        return None
    digest, sep, payload = raw[len(MAGIC):].partition(b"\n")
    if not sep or hashlib.sha256(payload).hexdigest().encode() != digest:
        _reject(path, "checksum mismatch (truncated or corrupt)")
        return None
    try:
        entry = pickle.loads(payload)
    except Exception as e:  # noqa: BLE001 - anything unpickling raises
        _reject(path, f"unreadable ({type(e).__name__}: {e})")
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        _reject(path, "written in another cache format")
        return None
    if entry.get("key") != k or entry.get("versions") != _versions():
        _reject(path, f"stale: written for {entry.get('versions')} / another key")
        return None
    try:
        return entry["text"], entry["restype"], entry["symbol"]
    except KeyError as e:
        _reject(path, f"incomplete ({e})")
        return None


def store(k: str, text: str, restype, symbol: str) -> None:
    try:
        d = cache_dir()
        payload = pickle.dumps({"format": FORMAT, "key": k, "versions": _versions(),
                                "text": text, "restype": restype, "symbol": symbol},
                               protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as e:
        warnings.warn(f"zymase: cannot write the derivative cache ({e})", CacheWarning,
                      stacklevel=3)
        return
    data = MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=d, prefix=k[:16] + ".", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, _path(d, k))
        tmp = None
    except OSError as e:
        warnings.warn(f"zymase: cannot write the derivative cache ({e})", CacheWarning,
                      stacklevel=3)
    finally:
        if tmp is not None:           # any exception, KeyboardInterrupt included
            try:
                os.unlink(tmp)
            except OSError:
                pass
    _sweep_stale_tmp(d)


def _sweep_stale_tmp(d: str, age_s: float = 3600.0) -> None:
    now = time.time()
    try:
        names = os.listdir(d)
    except OSError:
        return
    for name in names:
        if name.endswith(".tmp"):
            p = os.path.join(d, name)
            try:
                if now - os.stat(p).st_mtime > age_s:
                    os.unlink(p)
            except OSError:
                pass

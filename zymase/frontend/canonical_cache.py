"""The canonical IR of a function, kept for the next derivative of it.

Every derivative object prepares its primal's IR: Numba compiles the function for the
argument types (with line tables, unless the user's own compilation is reused), zymase
canonicalises the module (inline, SROA, GVN, LCSSA).  Derivatives of one function — reverse
and forward mode, several activity patterns, the derivatives a Hessian or a test suite builds
— repeat that work exactly; it was half of their build time in the test suite.  This cache
keeps the canonical text (and the front end's description of the function) of the last
``SIZE`` preparations, at most ``BUDGET`` characters of IR in all (a module over a quarter of
it is not kept); each derivative still parses its own mutable IR model from the text.

Key: everything the canonical IR depends on.  The Python function and the options of the
dispatcher it was compiled with (``as_dispatcher`` wraps a plain function in a fresh
``numba.njit`` per derivative, which compiles the same code), the argument types, ``reuse``
(whether the user's own compilation, without line tables, may stand in), the protected
symbols (the custom functions' compiled symbols, which canonicalisation must not inline: a
preparation files its text under the set it canonicalised with, taken after its compile, which
may have compiled custom functions it calls; a later lookup in that state finds it), and the
identity (held, so that it cannot be reused) or value of every
global the function's code names, of its closure cells and default values, and its code
object (which ``f.__code__ = ...`` would replace): rebinding a global constant or a
callee between two derivatives misses the cache, as Numba's own recompilation would see the
new value; a global array (whose contents Numba freezes into the code) is fingerprinted by
its contents, and one over 1 MiB makes the function uncached.  (Globals of callees are not looked at: Numba keeps a callee's compiled code per
signature across such changes too.)  Only functions with ``__code__`` are cached.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Hashable, Optional, Tuple

import numpy as np

SIZE = 64                 # entries
BUDGET = 64 << 20         # characters of IR held (the front end's module text and the canonical)
_lock = threading.Lock()
_entries: "OrderedDict[Hashable, Tuple[object, str]]" = OrderedDict()
_held = [0]


def key(disp, argtypes, reuse: bool, protect) -> Optional[Hashable]:
    """The cache key of preparing ``disp`` for ``argtypes``, or None (not cacheable)."""
    fn = getattr(disp, "py_func", None)
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    try:
        opts = tuple(sorted((k, repr(v)) for k, v in disp.targetoptions.items()))
        env = tuple(_fingerprint(fn.__globals__[n]) for n in code.co_names
                    if n in fn.__globals__)
        cells = tuple(_fingerprint(c.cell_contents) for c in (fn.__closure__ or ()))
        defaults = tuple(_fingerprint(d) for d in (fn.__defaults__ or ()))
        k = (fn, opts, tuple(argtypes), reuse, frozenset(protect), env, cells, defaults, code)
        hash(k)
    except (TypeError, ValueError, AttributeError):      # an unhashable type, an empty cell
        return None
    return k


class _Same:
    """An object compared by identity, and held: while a key lives, no other object can take
    over its id (a freed global's id reused by its replacement would hit a stale entry)."""
    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return isinstance(other, _Same) and other.obj is self.obj

    def __hash__(self):
        return id(self.obj)


def _fingerprint(v):
    if isinstance(v, (bool, int, float, complex, str, bytes, type(None))):
        return (type(v), v)
    if isinstance(v, np.ndarray):       # Numba freezes a global array's contents into the IR
        if v.nbytes > 1 << 20:
            raise TypeError("a large global array: not cached")
        return (np.ndarray, _Same(v), v.dtype.str, v.shape,
                hashlib.blake2b(np.ascontiguousarray(v).tobytes(), digest_size=16).digest())
    return (type(v), _Same(v))


def get(k) -> Optional[Tuple[object, str]]:
    if k is None:
        return None
    with _lock:
        hit = _entries.get(k)
        if hit is not None:
            _entries.move_to_end(k)
        return hit


def _size(entry) -> int:
    fe, text = entry
    return len(text) + len(getattr(fe, "module_text", "") or "")


def put(k, fe, text: str) -> None:
    if k is None or _size((fe, text)) > BUDGET // 4:
        return
    with _lock:
        old = _entries.pop(k, None)
        if old is not None:
            _held[0] -= _size(old)
        _entries[k] = (fe, text)
        _held[0] += _size((fe, text))
        while len(_entries) > SIZE or _held[0] > BUDGET:
            _held[0] -= _size(_entries.popitem(last=False)[1])


def clear() -> None:
    with _lock:
        _entries.clear()
        _held[0] = 0

"""What the JAX-style APIs (``convenience``, ``pushforward``, ``pullback``, ``higher``,
``distributed``) read off argument values.

- Which arguments can carry a derivative: float scalars (Python or NumPy, never ``bool``)
  and float arrays; everything else is passed as ``Const``.
- ``argnums``: an int selects one argument (and gives one result), a sequence several (and
  gives a tuple); negative numbers count from the end, as in JAX.
- Keyword arguments: derivatives take positional arguments only, so a call's keywords are
  bound to positions.  Parameters skipped in between get their default *value*; parameters
  left out at the end stay out, because Numba compiles their defaults in, and the
  derivative is then built for the shorter signature.
- Private copies: what a derivative may write is copied first (arrays, also inside tuples
  and named tuples, whose type is kept); scalars are immutable and pass as they are.
"""
from __future__ import annotations

from typing import Sequence, Tuple, Union

import numpy as np

from .errors import ActivityError

ArgNums = Union[int, Sequence[int]]


def is_float_scalar(x) -> bool:
    return isinstance(x, (float, np.floating)) and not isinstance(x, (bool, np.bool_))


def is_float_array(x) -> bool:
    return isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)


def is_int_value(argnums) -> bool:
    return isinstance(argnums, (int, np.integer))


def normalise_argnums(argnums: ArgNums, n: int) -> Tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else tuple(argnums)
    out = []
    for k in nums:
        if not -n <= k < n:
            raise ActivityError(f"error: argnums {k} out of range for a function of {n} arguments")
        out.append(int(k) % n)
    return tuple(out)


def positional_args(fn, args, kwargs) -> tuple:
    """``args`` and keyword arguments ``kwargs`` as one positional tuple (the derivatives take
    positional arguments only): every parameter up to the last one given, a parameter skipped
    in between passed as its default value.  Parameters left out at the end stay out (Numba
    compiles their defaults in).  ``argnums`` count positions in this tuple, so a keyword
    argument is differentiated only when its position is in ``argnums``, as with ``jax.grad``."""
    if not kwargs:
        return args
    import inspect
    py = primal_of(fn).py_func
    sig = inspect.signature(py)
    try:
        given = sig.bind(*args, **kwargs).arguments
    except TypeError as e:
        raise ActivityError(f"error: {getattr(py, '__name__', 'f')}{sig}: {e}") from None
    names = list(sig.parameters)
    last = max(names.index(k) for k in given)
    out = []
    for name in names[:last + 1]:
        p = sig.parameters[name]
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise ActivityError(f"error: parameter `{name}` of {py.__name__} is not positional; "
                                f"zymase passes arguments by position")
        out.append(given[name] if name in given else p.default)
    return tuple(out)


def private_copy(x):
    """A private copy of an argument: arrays (also inside tuples) copied, scalars as they are."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, tuple):
        return type(x)(*map(private_copy, x)) if hasattr(x, "_fields") else tuple(map(private_copy, x))
    return x


def primal_of(fn):
    from .frontend.numba import as_dispatcher
    return as_dispatcher(fn)

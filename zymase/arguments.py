"""What the JAX-style APIs (``convenience``, ``pushforward``, ``pullback``, ``higher``,
``distributed``) read off argument values.

- Which arguments can carry a derivative: float scalars (Python or NumPy, never ``bool``),
  float arrays, and Python lists of float scalars or of float arrays (``is_float_list``: a
  shadow list, transforms/list_args.py); everything else is passed as ``Const``.
- ``argnums``: an int selects one argument (and gives one result), a sequence several (and
  gives a tuple); negative numbers count from the end, as in JAX.
- Keyword arguments: derivatives take positional arguments only, so a call's keywords are
  bound to positions.  Parameters skipped in between get their default *value*; parameters
  left out at the end stay out, because Numba compiles their defaults in, and the
  derivative is then built for the shorter signature.
- Private copies: what a derivative may write is copied first (arrays, also inside tuples
  and named tuples, whose type is kept; lists, with their arrays); scalars are immutable and
  pass as they are.
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


def is_float_list(x) -> bool:
    """A non-empty Python list whose items are all float scalars or all float arrays."""
    if not isinstance(x, list) or not x:
        return False
    return all(map(is_float_scalar, x)) or all(map(is_float_array, x))


def is_differentiable(x) -> bool:
    """What the JAX-style APIs give a derivative: float scalars, float arrays, float lists."""
    return is_float_scalar(x) or is_float_array(x) or is_float_list(x)


def zero_shadow(x):
    """A zeroed shadow of a float array (its layout) or of a float list (same item types)."""
    if isinstance(x, list):
        return [zero_shadow(a) if isinstance(a, np.ndarray) else type(a)(0.0) for a in x]
    return np.zeros_like(x)


def list_for_call(x: list, copy: bool) -> list:
    """The list a derivative is given for float list ``x``: ``x`` itself, or (``copy``: the
    function writes it) a copy with copies of its arrays; an array that is not contiguous is
    passed as a C copy in any case, so that ``zero_shadow`` lays out its shadow alike."""
    if not copy and not any(isinstance(a, np.ndarray) and not (
            a.flags.c_contiguous or a.flags.f_contiguous) for a in x):
        return x
    return [(a.copy("K") if a.flags.c_contiguous or a.flags.f_contiguous
             else np.array(a, order="C")) if isinstance(a, np.ndarray) else a for a in x]


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
    if isinstance(x, list):
        return [private_copy(a) for a in x]
    return x


def primal_of(fn):
    from .frontend.numba import as_dispatcher
    return as_dispatcher(fn)

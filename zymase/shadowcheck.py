"""Run-time shadow checks: a shadow must match its primal before any derivative code runs.

Rules (DESIGN.md "Semantics"): same shape (with a leading axis of ``width`` when width > 1),
same dtype, same element layout (strides — the derivative reuses the primal's byte offsets on
the shadow), writeable, and no memory shared with its primal or with another shadow; tuples
recursively.

Two implementations of one rule set:
- ``check_python`` for calls from Python, with exact overlap tests (``np.shares_memory``) and
  messages that name the parameter and say how to build a correct shadow;
- ``njit_checker(name, width)`` for the ``@njit`` entry point, so calls from compiled code are
  checked too.  Dtype and writeability are properties of the Numba *type* and are checked
  once at compile time (``check_types``); shape, strides and overlap (conservative address
  ranges, like ``np.may_share_memory``) cost a few comparisons per call.
"""
from __future__ import annotations

import numbers

import numpy as np
from numba.core import types as nbt
from numba.extending import overload

from .errors import ShadowError


def check_python(name, x, dx, width, seen, path=""):
    label = name + path
    if isinstance(x, tuple):
        if not isinstance(dx, tuple) or len(dx) != len(x):
            raise ShadowError(f"error: shadow of tuple parameter `{label}` must be a tuple of "
                              f"{len(x)} shadows")
        for i, (a, da) in enumerate(zip(x, dx)):
            check_python(name, a, da, width, seen, f"{path}[{i}]")
        return
    if isinstance(x, np.ndarray):
        if not isinstance(dx, np.ndarray):
            raise ShadowError(f"error: shadow `d{label}` must be an ndarray like `{label}`, "
                              f"found {type(dx).__name__}")
        want = x.shape if width == 1 else (width,) + x.shape
        if dx.shape != want or dx.dtype != x.dtype:
            raise ShadowError(f"error: shadow `d{label}` has shape {dx.shape} and dtype {dx.dtype}; "
                              f"expected shape {want} and dtype {x.dtype}\n  = help: "
                              f"d{label} = np.zeros({want}, dtype=np.{x.dtype})")
        want_strides = x.strides if width == 1 else dx.strides[:1] + x.strides
        if x.size > 1 and _strides_matter(x, dx, want_strides):
            raise ShadowError(f"error: shadow `d{label}` has strides {dx.strides}; it must lay "
                              f"out its elements like `{label}` (strides {want_strides})\n  = help: "
                              f"np.zeros_like({label}) gives matching strides for a contiguous "
                              f"`{label}`; for a view, take the same view of a zeros array")
        if not dx.flags.writeable:
            raise ShadowError(f"error: shadow `d{label}` is read-only; zymase writes derivatives into it")
        if np.may_share_memory(x, dx) and np.shares_memory(x, dx):
            raise ShadowError(f"error: shadow `d{label}` aliases its primal `{label}`\n  = help: "
                              f"pass a separate array, e.g. np.zeros_like({label})")
        for other_name, o in seen:
            if np.may_share_memory(o, dx) and np.shares_memory(o, dx):
                raise ShadowError(f"error: shadow `d{label}` aliases shadow `d{other_name}`")
        seen.append((label, dx))
        return
    if isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)):
        if width == 1:
            if not isinstance(dx, numbers.Real) or isinstance(dx, (bool, np.bool_)):
                raise ShadowError(f"error: tangent `d{label}` must be a float, found {type(dx).__name__}")
        elif not (isinstance(dx, np.ndarray) and dx.shape == (width,)):
            raise ShadowError(f"error: with width={width} the tangent `d{label}` must be an array "
                              f"of shape ({width},)")


def _strides_matter(x, dx, want):
    # strides of length-1 axes are never used to address memory
    for n, a, b in zip((dx.shape[0],) + x.shape if len(want) > x.ndim else x.shape,
                       dx.strides, want):
        if n > 1 and a != b:
            return True
    return False


def check_types(name, xt, dxt, width):
    """Compile-time part of the checks, on Numba types."""
    if isinstance(xt, nbt.Array):
        if not isinstance(dxt, nbt.Array):
            raise ShadowError(f"error: shadow `d{name}` must be an array like `{name}`, found {dxt}")
        want_nd = xt.ndim + (1 if width > 1 else 0)
        if dxt.dtype != xt.dtype or dxt.ndim != want_nd:
            raise ShadowError(f"error: shadow `d{name}` is {dxt}; expected a {want_nd}-d array of "
                              f"{xt.dtype}")
        if not dxt.mutable:
            raise ShadowError(f"error: shadow `d{name}` is read-only; zymase writes derivatives into it")
    elif isinstance(xt, nbt.BaseTuple):
        if not isinstance(dxt, nbt.BaseTuple) or len(dxt) != len(xt):
            raise ShadowError(f"error: shadow of tuple parameter `{name}` must be a tuple of "
                              f"{len(xt)} shadows, found {dxt}")
        for k, (a, b) in enumerate(zip(xt.types, dxt.types)):
            check_types(f"{name}[{k}]", a, b, width)
    elif isinstance(xt, nbt.Float):
        if width == 1 and not isinstance(dxt, (nbt.Float, nbt.Integer)):
            raise ShadowError(f"error: tangent `d{name}` must be a float, found {dxt}")
        if width > 1 and not (isinstance(dxt, nbt.Array) and dxt.ndim == 1):
            raise ShadowError(f"error: with width={width} the tangent `d{name}` must be a 1-d "
                              f"array of {width} floats, found {dxt}")


def njit_checker(name: str, width: int):
    """An ``@njit``-callable ``check(x, dx)`` for one parameter."""
    shape_msg = (f"error: shadow `d{name}` does not have the shape of `{name}`"
                 + (f" with a leading axis of {width}" if width > 1 else ""))
    stride_msg = f"error: shadow `d{name}` does not lay out its elements like `{name}` (strides)"
    alias_msg = f"error: shadow `d{name}` shares memory with its primal `{name}`"
    width_msg = f"error: with width={width} the tangent `d{name}` must have {width} elements"

    def check(x, dx):  # pragma: no cover - replaced by the overload inside njit
        pass

    @overload(check, jit_options={"cache": False})
    def _impl(x, dx):
        if isinstance(x, nbt.Array) and isinstance(dx, nbt.Array):
            nd = x.ndim
            off = 1 if width > 1 else 0

            def impl(x, dx):
                if off == 1 and dx.shape[0] != width:
                    raise ShadowError(shape_msg)
                for k in range(nd):
                    if dx.shape[k + off] != x.shape[k]:
                        raise ShadowError(shape_msg)
                    if x.shape[k] > 1 and dx.strides[k + off] != x.strides[k]:
                        raise ShadowError(stride_msg)
                lo1, hi1 = _extent(x)
                lo2, hi2 = _extent(dx)
                if x.size > 0 and dx.size > 0 and lo1 < hi2 and lo2 < hi1:
                    raise ShadowError(alias_msg)
            return impl
        if isinstance(x, nbt.BaseTuple) and isinstance(dx, nbt.BaseTuple) and len(x) == len(dx):
            body = "".join(f"    check{k}(x[{k}], dx[{k}])\n" for k in range(len(x))) or "    pass\n"
            ns = {f"check{k}": njit_checker(f"{name}[{k}]", width) for k in range(len(x))}
            exec(f"def impl(x, dx):\n{body}", ns)
            return ns["impl"]
        if isinstance(x, nbt.Float) and isinstance(dx, nbt.Array):
            def impl(x, dx):
                if dx.size != width:
                    raise ShadowError(width_msg)
            return impl
        return lambda x, dx: None

    return check


def check_seed_python(seed, width):
    """Width N, float return: the seed holds the N return adjoints."""
    if not (isinstance(seed, np.ndarray) and seed.ndim == 1 and seed.shape[0] == width
            and seed.dtype.kind == "f"):
        got = f"shape {seed.shape}, dtype {seed.dtype}" if isinstance(seed, np.ndarray) \
            else type(seed).__name__
        raise ShadowError(f"error: with width={width} the seed must be a 1-d float array of "
                          f"{width} return adjoints, found {got}\n  = help: seed = "
                          f"np.ones({width}) (or one row per adjoint you want)")


def check_seed_type(t, width):
    if width > 1 and not (isinstance(t, nbt.Array) and t.ndim == 1
                          and isinstance(t.dtype, nbt.Float)):
        raise ShadowError(f"error: with width={width} the seed must be a 1-d float array of "
                          f"{width} return adjoints, found {t}")


def njit_seed_checker(width: int):
    """An ``@njit``-callable ``check(seed, seed)``: the seed array has ``width`` entries."""
    msg = f"error: with width={width} the seed must have {width} entries"

    def check(s, s2):  # pragma: no cover - replaced by the overload inside njit
        pass

    @overload(check, jit_options={"cache": False})
    def _impl(s, s2):
        def impl(s, s2):
            if s.shape[0] != width:
                raise ShadowError(msg)
        return impl

    return check


def njit_alias_checker(name_a: str, name_b: str):
    """An ``@njit``-callable ``check(da, db)``: two shadows must not share memory."""
    msg = f"error: shadow `d{name_a}` shares memory with shadow `d{name_b}`"

    def check(da, db):  # pragma: no cover - replaced by the overload inside njit
        pass

    @overload(check, jit_options={"cache": False})
    def _impl(da, db):
        if isinstance(da, nbt.Array) and isinstance(db, nbt.Array):
            def impl(da, db):
                lo1, hi1 = _extent(da)
                lo2, hi2 = _extent(db)
                if da.size > 0 and db.size > 0 and lo1 < hi2 and lo2 < hi1:
                    raise ShadowError(msg)
            return impl
        return lambda da, db: None

    return check


def _extent(a):  # pragma: no cover - only used inside njit
    pass


@overload(_extent)
def _extent_impl(a):
    nd = a.ndim

    def impl(a):
        lo = a.ctypes.data
        hi = a.ctypes.data + a.itemsize
        for k in range(nd):
            step = (a.shape[k] - 1) * a.strides[k]
            if step < 0:
                lo += step
            else:
                hi += step
        return lo, hi
    return impl

"""Special functions that derivative rules need but libm lacks (digamma), compiled once with
Numba as C-ABI functions and linked into every derivative library that uses them."""
from __future__ import annotations

import math

import numba

_cache = {}


def _digamma_impl(x):
    # reflection for x < 0.5, recurrence up to x >= 6, then the asymptotic series
    result = 0.0
    if x <= 0.0 and math.floor(x) == x:
        return math.nan
    if x < 0.5:
        result -= math.pi / math.tan(math.pi * x)
        x = 1.0 - x
    while x < 6.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    t = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132)))))
    return result + math.log(x) - 0.5 / x + t


def _compiled(name, kind):
    key = (name, kind)
    if key not in _cache:
        sig = "float64(float64)" if kind == "double" else "float32(float32)"
        impl = {"digamma": _digamma_impl}[name]
        _cache[key] = numba.cfunc(sig, nopython=True)(impl)
    return _cache[key]


def helper_symbol(name: str, t):
    if name != "digamma" or t.kind not in ("double", "float"):
        return None
    return _compiled(name, t.kind).native_name


def helper_libraries(names_kinds):
    return [_compiled(n, k)._library for n, k in names_kinds]

"""Special functions that derivative rules need but libm lacks (digamma, and the
shape-parameter derivatives of ``shape_params.py``).

Each helper is written in Python, compiled once by Numba as a C-ABI function, and its LLVM IR
is linked into every derivative module that calls it under a stable name
(``zymase.helper.digamma.double``), so a derivative's final IR is self-contained — it can be
cached on disk and loaded in another process.

Two kinds, as rule expressions (``table.py``) call them:

* ``digamma(x)``, ``trigamma(x)`` (listed in ``table.FUNCTIONS``): one argument, a float and
  a double variant;
* ``zy_<name>(...)``: a function of ``shape_params.HELPERS`` or ``bessel_orders.HELPERS``,
  double only (the SciPy functions they differentiate are), with as many double arguments
  as its Python signature.
"""
from __future__ import annotations

import inspect
import math
from typing import Optional

import llvmlite.binding as llvm
import numba

from ..llvm.pipelines import allow_inlining

_cache = {}


def _digamma_impl(x):
    # reflection for x < 0.5, recurrence up to x >= 10, then the asymptotic series through
    # x^-14 (the first omitted term is 4e-17 at x = 10; stopping at x >= 6 and x^-10, as this
    # did, left absolute errors of 1e-11)
    result = 0.0
    if x <= 0.0 and math.floor(x) == x:
        return math.nan
    if x < 0.5:
        result -= math.pi / math.tan(math.pi * x)
        x = 1.0 - x
    while x < 10.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    t = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (
        -1.0 / 132 + f * (691.0 / 32760 + f * (-1.0 / 12)))))))
    return result + math.log(x) - 0.5 / x + t


def _trigamma_impl(x):
    # psi'(x): reflection for x < 0.5, recurrence up to x >= 10, then the asymptotic series
    # (Bernoulli numbers; the first omitted term is below 1e-16 relative at x = 10)
    if x <= 0.0 and math.floor(x) == x:
        return math.inf
    result = 0.0
    sign = 1.0
    if x < 0.5:
        s = math.sin(math.pi * x)
        result = (math.pi * math.pi) / (s * s)
        sign = -1.0
        x = 1.0 - x
    acc = 0.0
    while x < 10.0:
        acc += 1.0 / (x * x)
        x += 1.0
    f = 1.0 / (x * x)
    t = 1.0 / x + 0.5 * f + (1.0 / x) * f * (1.0 / 6 + f * (-1.0 / 30 + f * (
        1.0 / 42 + f * (-1.0 / 30 + f * (5.0 / 66 + f * (-691.0 / 2730 + f * (7.0 / 6)))))))
    return result + sign * (acc + t)


_IMPLS = {"digamma": _digamma_impl, "trigamma": _trigamma_impl}
PREFIX = "zymase.helper."


def _double_only():
    """name -> Python function of the ``zy_`` helpers (double arguments and result)."""
    from .bessel_orders import HELPERS as orders
    from .shape_params import HELPERS
    return {name: getattr(fn, "py_func", fn) for name, fn in {**HELPERS, **orders}.items()}


def helper_arity(name: str) -> Optional[int]:
    """The number of double arguments of ``zy_<name>``; None when there is no such helper."""
    fn = _double_only().get(name)
    return None if fn is None else len(inspect.signature(fn).parameters)


def helper_symbol(name: str, t):
    if name in _IMPLS and t.kind in ("double", "float"):
        return f"{PREFIX}{name}.{t.kind}"
    if name in _double_only() and t.kind == "double":
        return f"{PREFIX}{name}.double"
    return None


def _helper_text(symbol: str) -> str:
    if symbol not in _cache:
        name, kind = symbol[len(PREFIX):].rsplit(".", 1)
        if name in _IMPLS:
            impl, arity = _IMPLS[name], 1
        else:
            impl, arity = _double_only()[name], helper_arity(name)
        ty = "float64" if kind == "double" else "float32"
        sig = f"{ty}({', '.join([ty] * arity)})"
        # error_model="numpy": a division by zero is IEEE arithmetic, never an exception
        cf = numba.cfunc(sig, nopython=True, error_model="numpy")(impl)
        # a derivative of a derivative inlines it
        mod = llvm.parse_assembly(allow_inlining(str(cf._library._final_module)))
        for fn in mod.functions:
            if fn.name == cf.native_name:
                fn.name = symbol
                fn.linkage = "linkonce_odr"
            elif not fn.is_declaration:
                fn.linkage = "internal"
        _cache[symbol] = str(mod)
    return _cache[symbol]


def link_helpers(mod: llvm.ModuleRef) -> None:
    """Link the definition of every helper ``mod`` declares."""
    for fn in list(mod.functions):
        if fn.name.startswith(PREFIX) and fn.is_declaration:
            mod.link_in(llvm.parse_assembly(_helper_text(fn.name)))

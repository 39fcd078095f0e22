"""THE derivative table: one entry per float instruction, intrinsic and libm function.

Each rule is pure data: for every operand, the partial derivative of the result with respect
to that operand, written as a small expression over

    x, y, z   the operands (in order)        r   the primal result

using ``+ - * /``, unary minus, comparisons, ``a if cond else b`` and the functions in
``FUNCTIONS`` (each becomes an LLVM intrinsic or libm call of the operand's float type).
``None`` marks an operand with no derivative (an integer exponent, say).

Both modes use the same entry:
    forward   r_dot  = Σ_i  partial_i · x_i_dot
    reverse   x_i_bar += r_bar · partial_i
so a rule is written once.  Conventions at non-differentiable points follow the usual ones:
``fabs'(0) = 0``, ``min``/``max`` pick the operand that was taken, rounding functions have
derivative 0.

Checked products.  A partial that can be infinite (or NaN) for finite operands — a division,
``pow``, ``log``, ``digamma``: ``sqrt'(0)``, ``log'(0)``, ``asin'(±1)``, ``1/y`` at ``y = 0`` — is
multiplied with its incoming tangent or adjoint as ``v == 0 ? 0 : v · partial`` (Enzyme's
checked multiplication), so a branch that was not taken, or a value multiplied by zero, contributes
exactly zero instead of ``0 · ∞ = NaN``.  ``Rule.checked`` says which partials need it; it is
derived from the expressions, so a new rule is checked without anyone remembering to.

``lookup(name)`` maps an LLVM callee (``llvm.sin.f64``, ``sinf``, ``numba_gamma`` …) to its
rule, or ``None`` when the table has none — callers then raise ``UnsupportedError``.
"""
from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from typing import Dict, Optional, Tuple


@dataclass(frozen=True)
class Rule:
    name: str
    partials: Tuple[Optional[str], ...]

    @property
    def checked(self) -> Tuple[bool, ...]:
        """Per partial: may it be infinite for finite operands (so its product is checked)?"""
        if self.name in BOUNDED:
            return tuple(False for _ in self.partials)
        return tuple(p is not None and may_be_infinite(p) for p in self.partials)


# rules whose partials divide by something bounded away from zero (1 + x², x² + 1): the
# syntactic test below would check them for nothing
BOUNDED = {"atan", "asinh"}


# functions whose value is unbounded on a finite argument (a pole or a log singularity)
_UNBOUNDED_CALLS = {"pow", "log", "digamma"}


@functools.lru_cache(maxsize=None)
def may_be_infinite(expr: str) -> bool:
    """True when ``expr`` divides or calls a function with a pole: its value can be ±inf (or
    NaN) although every operand is finite.  Conservative in that direction only."""
    for node in ast.walk(ast.parse(expr, mode="eval")):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return True
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in _UNBOUNDED_CALLS:
            return True
    return False


def _r(name, *partials):
    return Rule(name, tuple(partials))


# instruction opcodes ------------------------------------------------------------------------
INSTRUCTIONS: Dict[str, Rule] = {r.name: r for r in [
    _r("fadd", "1", "1"),
    _r("fsub", "1", "-1"),
    _r("fmul", "y", "x"),
    _r("fdiv", "1 / y", "-r / y"),
    _r("frem", "1", "-trunc(x / y)"),
    _r("fneg", "-1"),
]}

# math functions, keyed by their base name ---------------------------------------------------
MATH: Dict[str, Rule] = {r.name: r for r in [
    _r("sin", "cos(x)"),
    _r("cos", "-sin(x)"),
    _r("tan", "1 + r * r"),
    _r("asin", "1 / sqrt(1 - x * x)"),
    _r("acos", "-1 / sqrt(1 - x * x)"),
    _r("atan", "1 / (1 + x * x)"),
    _r("atan2", "y / (x * x + y * y)", "-x / (x * x + y * y)"),
    _r("sinh", "cosh(x)"),
    _r("cosh", "sinh(x)"),
    _r("tanh", "1 - r * r"),
    _r("asinh", "1 / sqrt(x * x + 1)"),
    _r("acosh", "1 / sqrt(x * x - 1)"),
    _r("atanh", "1 / (1 - x * x)"),
    _r("exp", "r"),
    _r("exp2", "r * 0.6931471805599453"),
    _r("exp10", "r * 2.302585092994046"),
    _r("expm1", "r + 1"),
    _r("log", "1 / x"),
    _r("log2", "1 / (x * 0.6931471805599453)"),
    _r("log10", "1 / (x * 2.302585092994046)"),
    _r("log1p", "1 / (1 + x)"),
    _r("pow", "y * pow(x, y - 1)", "(r * log(x)) if x > 0 else 0"),
    _r("powi", "tofp(y) * pow(x, tofp(y) - 1)", None),
    _r("sqrt", "0.5 / r"),
    _r("cbrt", "r / (3 * x)"),
    _r("hypot", "x / r", "y / r"),
    _r("erf", "1.1283791670955126 * exp(-x * x)"),
    _r("erfc", "-1.1283791670955126 * exp(-x * x)"),
    _r("lgamma", "digamma(x)"),
    _r("tgamma", "r * digamma(x)"),
    _r("fabs", "1 if x > 0 else (-1 if x < 0 else 0)"),
    _r("copysign", "(1 if x > 0 else (-1 if x < 0 else 0)) * copysign(1, y)", "0"),
    _r("floor", "0"),
    _r("ceil", "0"),
    _r("trunc", "0"),
    _r("round", "0"),
    _r("rint", "0"),
    _r("nearbyint", "0"),
    _r("roundeven", "0"),
    _r("minnum", "1 if x <= y else 0", "0 if x <= y else 1"),
    _r("maxnum", "1 if x >= y else 0", "0 if x >= y else 1"),
    _r("minimum", "1 if x <= y else 0", "0 if x <= y else 1"),
    _r("maximum", "1 if x >= y else 0", "0 if x >= y else 1"),
    _r("fma", "y", "x", "1"),
    _r("fmuladd", "y", "x", "1"),
]}

# Functions an expression may call: name -> (kind, target).  ``intrinsic`` becomes
# llvm.<target>.<type>; ``libm`` a C call (float variant gets an ``f`` suffix); ``helper`` a
# function zymase links in (see rules/helpers.py).
FUNCTIONS = {
    "sin": ("intrinsic", "sin"), "cos": ("intrinsic", "cos"), "exp": ("intrinsic", "exp"),
    "log": ("intrinsic", "log"), "sqrt": ("intrinsic", "sqrt"), "pow": ("intrinsic", "pow"),
    "trunc": ("intrinsic", "trunc"), "copysign": ("intrinsic", "copysign"),
    "sinh": ("intrinsic", "sinh"), "cosh": ("intrinsic", "cosh"),
    "digamma": ("helper", "digamma"),
}

# libm / Numba helper spellings → base name
_ALIASES = {"gamma": "tgamma", "numba_gamma": "tgamma", "numba_lgamma": "lgamma",
            "numba_erf": "erf", "numba_erfc": "erfc", "ldexp": None}
_FLOAT_LIBM = {n + "f": n for n in MATH if n not in ("fma",)}


def base_name(callee: str) -> str:
    """``llvm.sin.f64`` → ``sin``; ``sinf`` → ``sin``; ``numba_gammaf`` → ``tgamma``."""
    n = callee
    if n.startswith("llvm."):
        return n.split(".")[1]
    for cand in (n, n[len("numba_"):] if n.startswith("numba_") else None):
        if cand is None:
            continue
        for name in (cand, cand[:-1] if cand.endswith("f") else None):
            if name is None:
                continue
            if name in _ALIASES and _ALIASES[name]:
                return _ALIASES[name]
            if name in MATH and (name == cand or cand in _FLOAT_LIBM or name + "f" == cand):
                return name
    return n


def lookup(callee: str) -> Optional[Rule]:
    return MATH.get(base_name(callee))


# Calls that never carry a derivative (bookkeeping, allocation, errors, debug info)
INACTIVE_CALL_PATTERNS = [
    r"^llvm\.lifetime\.", r"^llvm\.dbg\.", r"^llvm\.assume$", r"^llvm\.expect\.",
    r"^llvm\.[su](max|min)\.", r"^llvm\.abs\.i", r"^llvm\.[su](add|sub|mul)\.with\.overflow",
    r"^llvm\.ctpop", r"^llvm\.ctlz", r"^llvm\.cttz", r"^llvm\.prefetch",
r"^numba_gil_", r"^Py", r"^numba_do_raise$", r"^numba_unpickle$",
    r"^NRT_Free$", r"^NRT_Allocate", r"^llvm\.stacksave", r"^llvm\.stackrestore",
    r"^llvm\.experimental\.noalias\.scope\.decl$",
    # reshape without a copy: integer shape/stride arithmetic on integer arrays
    r"^numba_attempt_nocopy_reshape$",
]
_INACTIVE = [re.compile(p) for p in INACTIVE_CALL_PATTERNS]


def is_inactive_call(callee: str) -> bool:
    return any(p.search(callee) for p in _INACTIVE)


# NRT allocation entry points: result is a MemInfo* whose data pointer is at byte 24
ALLOCATORS = {"NRT_MemInfo_alloc_aligned": (0,), "NRT_MemInfo_alloc_safe_aligned": (0,),
              "NRT_MemInfo_alloc": (0,), "NRT_MemInfo_alloc_safe": (0,)}
MEMINFO_DATA_OFFSET = 24
DEALLOCATORS = {"NRT_MemInfo_call_dtor"}
# C heap functions (the reverse-mode tape uses them): shadowed like NRT allocations when a
# derivative is differentiated again
C_MALLOC, C_REALLOC, C_FREE = "malloc", "realloc", "free"
# raw heap blocks without a MemInfo, and what frees each: C's (a tape) and Numba's
# (NRT_Allocate: the temporary of an overlap-safe slice copy ``y[:] = x``)
C_MALLOCS = {"malloc": "free", "NRT_Allocate": "NRT_Free"}
C_FREES = {"free", "NRT_Free"}
# MemInfo -> its data pointer: the shadow is the same call on the shadow MemInfo
MEMINFO_DATA = {"NRT_MemInfo_data_fast", "NRT_MemInfo_data"}
# reference counting on MemInfos: mirrored on shadow MemInfos so shadows live as long as primals
REFCOUNT = {"NRT_incref", "NRT_decref"}

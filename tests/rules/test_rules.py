"""Tests generated from THE derivative table (``zymase.rules.table``).

Every rule in ``table.INSTRUCTIONS`` and ``table.MATH`` is either

* COVERED: a Python function that Numba lowers to that instruction / intrinsic / libm call,
  with a domain to sample (away from kinks and poles); the forward derivative
  ``autodiff_forward(f, Dual, …, ret=DualOnly)`` must match central finite differences at
  hypothesis-drawn points, in float64 (and in float32 for a few), and the canonical IR of ``f``
  must really contain the rule's instruction or callee (so a test cannot pass without
  exercising its rule); or
* SKIPPED with a reason (no Python spelling reaches it through Numba).

``test_every_rule_is_accounted_for`` fails when a rule is added to the table without either,
so a new rule cannot go untested silently.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

import zymase
from zymase import Dual, DualOnly
from zymase.rules import table

from tests.support import fd_gradient


# --------------------------------------------------------------------------------------------
# domains
# --------------------------------------------------------------------------------------------
def iv(lo, hi):
    """Uniform-ish floats in [lo, hi]."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def pm(lo, hi):
    """Floats with lo <= |x| <= hi, either sign (keeps away from a kink at 0)."""
    return st.one_of(iv(lo, hi), iv(-hi, -lo))


def off_integer(lo, hi, margin=0.1):
    """Floats in [lo, hi] at least ``margin`` from any integer and half-integer (rounding kinks
    of floor/ceil/trunc/rint are at integers; rint's ties at half-integers)."""
    return st.tuples(st.integers(lo, hi - 1), st.sampled_from([0.5 - 0.4, 0.5 - 0.25, 0.5 + 0.25,
                                                             0.5 + 0.4]),
                     iv(-margin / 2, margin / 2)).map(lambda t: t[0] + t[1] + t[2])


@dataclass
class Spec:
    src: str                              # a lambda Numba compiles to the rule
    domain: Tuple                         # one strategy per argument
    where: Optional[Callable] = None      # extra filter (assume) on a drawn point
    f32: bool = False                     # also test the float32 version
    argtypes: Optional[Tuple] = None      # Numba types when not all float64
    xfail: str = ""                       # a known wrong derivative (see the report)
    xfail32: str = ""                     # the same, for the float32 version only


EVERYWHERE = iv(-3.0, 3.0)

NUMBA_GAMMAF = ("table.base_name('numba_gammaf') is 'gammaf', not 'tgamma' (_ALIASES knows "
                "numba_gamma only), so math.gamma on float32 raises UnsupportedError")


def _not_near_integer_ratio(x, y):
    q = x / y
    return abs(q - round(q)) > 1e-3


def _away_from_origin(x, y):
    return math.hypot(x, y) > 0.2


COVERED: Dict[str, Spec] = {
    # instructions
    "fadd": Spec("lambda x, y: x + y", (EVERYWHERE, EVERYWHERE), f32=True),
    "fsub": Spec("lambda x, y: x - y", (EVERYWHERE, EVERYWHERE)),
    "fmul": Spec("lambda x, y: x * y", (EVERYWHERE, EVERYWHERE), f32=True),
    "fdiv": Spec("lambda x, y: x / y", (EVERYWHERE, pm(0.2, 3.0)), f32=True),
    "frem": Spec("lambda x, y: np.fmod(x, y)", (iv(-10.0, 10.0), pm(0.3, 3.0)),
                 where=_not_near_integer_ratio),
    "fneg": Spec("lambda x: -x", (EVERYWHERE,)),
    # trigonometric
    "sin": Spec("lambda x: math.sin(x)", (iv(-6.0, 6.0),), f32=True),
    "cos": Spec("lambda x: math.cos(x)", (iv(-6.0, 6.0),)),
    "tan": Spec("lambda x: math.tan(x)", (iv(-1.4, 1.4),)),
    "asin": Spec("lambda x: math.asin(x)", (iv(-0.9, 0.9),)),
    "acos": Spec("lambda x: math.acos(x)", (iv(-0.9, 0.9),)),
    "atan": Spec("lambda x: math.atan(x)", (iv(-5.0, 5.0),)),
    "atan2": Spec("lambda x, y: math.atan2(x, y)", (iv(-3.0, 3.0), iv(-3.0, 3.0)),
                  where=lambda x, y: _away_from_origin(x, y) and not (y < 0 and abs(x) < 1e-3),
                  f32=True),
    # hyperbolic
    "sinh": Spec("lambda x: math.sinh(x)", (EVERYWHERE,)),
    "cosh": Spec("lambda x: math.cosh(x)", (EVERYWHERE,)),
    "tanh": Spec("lambda x: math.tanh(x)", (EVERYWHERE,)),
    "asinh": Spec("lambda x: math.asinh(x)", (iv(-5.0, 5.0),)),
    "acosh": Spec("lambda x: math.acosh(x)", (iv(1.1, 10.0),)),
    "atanh": Spec("lambda x: math.atanh(x)", (iv(-0.9, 0.9),)),
    # exponentials and logarithms
    "exp": Spec("lambda x: math.exp(x)", (iv(-5.0, 5.0),), f32=True),
    "exp2": Spec("lambda x: np.exp2(x)", (iv(-5.0, 5.0),)),
    "expm1": Spec("lambda x: math.expm1(x)", (EVERYWHERE,)),
    "log": Spec("lambda x: math.log(x)", (iv(0.05, 20.0),), f32=True),
    "log2": Spec("lambda x: math.log2(x)", (iv(0.05, 20.0),)),
    "log10": Spec("lambda x: math.log10(x)", (iv(0.05, 20.0),)),
    "log1p": Spec("lambda x: math.log1p(x)", (iv(-0.9, 10.0),)),
    "pow": Spec("lambda x, y: x ** y", (iv(0.1, 4.0), iv(-3.0, 3.0)), f32=True),
    "sqrt": Spec("lambda x: math.sqrt(x)", (iv(0.01, 20.0),), f32=True),
    "hypot": Spec("lambda x, y: math.hypot(x, y)", (iv(-3.0, 3.0), iv(-3.0, 3.0)),
                  where=_away_from_origin, f32=True),
    # special functions
    "erf": Spec("lambda x: math.erf(x)", (EVERYWHERE,)),
    "erfc": Spec("lambda x: math.erfc(x)", (EVERYWHERE,)),
    "lgamma": Spec("lambda x: math.lgamma(x)", (st.one_of(iv(0.1, 12.0), iv(-2.9, -2.1)),),
                   f32=True),
    "tgamma": Spec("lambda x: math.gamma(x)", (st.one_of(iv(0.1, 6.0), iv(-2.9, -2.1)),),
                   f32=True),
    # non-smooth: sampled away from the kinks
    "fabs": Spec("lambda x: abs(x)", (pm(0.05, 5.0),), f32=True),
    "copysign": Spec("lambda x, y: math.copysign(x, y)", (pm(0.05, 5.0), pm(0.05, 5.0))),
    "floor": Spec("lambda x: np.floor(x)", (off_integer(-5, 5),)),
    "ceil": Spec("lambda x: np.ceil(x)", (off_integer(-5, 5),)),
    "trunc": Spec("lambda x: np.trunc(x)", (off_integer(-5, 5),)),
    "rint": Spec("lambda x: np.rint(x)", (off_integer(-5, 5),)),
}

SKIP: Dict[str, str] = {
    "frexp": "math.frexp is Numba's own code; C's frexp (the C front end) is tested in "
             "tests/lang/test_enzyme_abi.py",
    "exp10": "no Python spelling: Numba lowers 10.0 ** x to llvm.pow",
    "powi": "Numba lowers float ** int to llvm.pow (runtime exponent) or multiplications "
            "(literal exponent), never llvm.powi",
    "cbrt": "math.cbrt is not supported by Numba; np.cbrt lowers to llvm.pow",
    "round": "Python round() and np.round lower to llvm.rint, never llvm.round",
    "nearbyint": "no Python spelling reaches llvm.nearbyint through Numba",
    "roundeven": "no Python spelling reaches llvm.roundeven through Numba",
    "minnum": "min(), np.fmin and np.minimum lower to fcmp + select, not llvm.minnum",
    "maxnum": "max(), np.fmax and np.maximum lower to fcmp + select, not llvm.maxnum",
    "minimum": "np.minimum lowers to fcmp + select, not llvm.minimum",
    "maximum": "np.maximum lowers to fcmp + select, not llvm.maximum",
    "fma": "Numba has no fused multiply-add spelling (math.fma is Python 3.13+; "
           "x * y + z stays fmul + fadd)",
    "fmuladd": "only formed by contraction under fastmath at O3, after zymase's transforms",
}

ALL_RULES = sorted(set(table.INSTRUCTIONS) | set(table.MATH))


def test_every_rule_is_accounted_for():
    missing = [n for n in ALL_RULES if n not in COVERED and n not in SKIP]
    assert not missing, (f"rules with neither a test nor a skip reason: {missing}; add them to "
                         f"COVERED (a Python spelling and a domain) or SKIP (why not)")
    stale = [n for n in list(COVERED) + list(SKIP) if n not in ALL_RULES]
    assert not stale, f"tests for rules the table no longer has: {stale}"
    both = set(COVERED) & set(SKIP)
    assert not both, f"rules both covered and skipped: {sorted(both)}"


# --------------------------------------------------------------------------------------------
# machinery
# --------------------------------------------------------------------------------------------
_NS = {"math": math, "np": np}
_CACHE: Dict[Tuple, object] = {}


def _fn(name):
    key = ("fn", name)
    if key not in _CACHE:
        f = eval(COVERED[name].src, dict(_NS))
        f.__name__ = f"rule_{name}"
        _CACHE[key] = f
    return _CACHE[key]


def _primal(name):
    key = ("primal", name)
    if key not in _CACHE:
        _CACHE[key] = numba.njit(_fn(name))
    return _CACHE[key]


def _derivative(name):
    key = ("d", name)
    if key not in _CACHE:
        f = _fn(name)
        n = f.__code__.co_argcount
        _CACHE[key] = zymase.autodiff_forward(f, *([Dual] * n), ret=DualOnly)
    return _CACHE[key]


def _nargs(name):
    return _fn(name).__code__.co_argcount


def forward_partials(name, point, dtype=np.float64) -> List[float]:
    """∂f/∂x_k for every k, one forward call per seed direction."""
    df = _derivative(name)
    n = len(point)
    out = []
    for k in range(n):
        args = []
        for j, x in enumerate(point):
            args += [dtype(x), dtype(1.0 if j == k else 0.0)]
        out.append(df(*args))
    return out


def check_point(name, point, dtype=np.float64):
    if dtype is np.float32:
        point = [float(np.float32(x)) for x in point]
    # central differences in float64 (extrapolated, evaluated within x ± h), step
    # h = 2**-20 max(1, |x_k|)
    f = _primal(name)
    fd = fd_gradient(lambda p: f(*(float(c) for c in p)), np.array(point, dtype=np.float64),
                     2.0 ** -20).value
    fx = abs(f(*point))
    ad = forward_partials(name, point, dtype)
    rtol, atol = (1e-6, 1e-8) if dtype is np.float64 else (2e-4, 1e-5)
    for k, (a, d) in enumerate(zip(ad, fd)):
        assert isinstance(a, float)
        tol = rtol * abs(d) + atol * max(1.0, fx)
        assert abs(a - d) <= tol, (f"{name}: d/dx{k} at {point} ({np.dtype(dtype).name}): "
                                   f"zymase {a!r}, finite differences {d!r}")


def _point_strategy(name):
    spec = COVERED[name]
    assert len(spec.domain) == _nargs(name)
    return st.tuples(*spec.domain)


def _marks(name, f32=False):
    x = COVERED[name].xfail or (COVERED[name].xfail32 if f32 else "")
    return [pytest.mark.xfail(strict=True, reason=x)] if x else []


def _params(names, f32=False):
    return [pytest.param(n, marks=_marks(n, f32), id=n) for n in names]


# no shrinking: a failure reports the first failing point, and a rule that cannot be built
# fails in about a second instead of re-running the build for every shrink step
_SETTINGS = settings(max_examples=20, deadline=None, database=None, derandomize=True,
                     phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


# --------------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------------
def _callees_and_opcodes(name, ftype):
    """(callee names, opcodes) of the canonical IR of the rule's Python spelling."""
    from zymase.pipeline import prepare
    fn = prepare(_fn(name), [ftype] * _nargs(name)).function
    callees = {i.callee_name for i in fn.instructions() if i.opcode == "call" and i.callee_name}
    opcodes = {i.opcode for i in fn.instructions()}
    return callees, opcodes


@pytest.mark.parametrize("name", sorted(COVERED))
def test_spelling_reaches_the_rule(name):
    """The Python spelling really lowers to the rule's instruction or callee."""
    callees, opcodes = _callees_and_opcodes(name, numba.float64)
    if name in table.INSTRUCTIONS:
        assert name in opcodes, f"{COVERED[name].src} does not lower to `{name}`: {opcodes}"
    else:
        hits = [c for c in callees if table.lookup(c) is table.MATH[name]]
        assert hits, f"{COVERED[name].src} calls {sorted(callees)}, none of which maps to `{name}`"


@pytest.mark.parametrize("name", _params(sorted(COVERED)))
def test_forward_matches_finite_differences_f64(name):
    where = COVERED[name].where

    @_SETTINGS
    @given(_point_strategy(name))
    def check(point):
        if where is not None:
            assume(where(*point))
        check_point(name, point)

    check()


F32_RULES = sorted(n for n, s in COVERED.items() if s.f32)


@pytest.mark.parametrize("name", _params(F32_RULES, f32=True))
def test_forward_matches_finite_differences_f32(name):
    where = COVERED[name].where

    @settings(_SETTINGS, max_examples=10)
    @given(_point_strategy(name))
    def check(point):
        point = tuple(float(np.float32(x)) for x in point)
        if where is not None:
            assume(where(*point))
        check_point(name, point, np.float32)

    check()


@pytest.mark.parametrize("name", ["sin", "pow", "lgamma"])
def test_forward_dual_return_gives_primal_and_tangent(name):
    f = _fn(name)
    n = _nargs(name)
    df = zymase.autodiff_forward(f, *([Dual] * n), ret=Dual)
    point = {"sin": (0.3,), "pow": (1.7, 0.6), "lgamma": (3.3,)}[name]
    args = []
    for j, x in enumerate(point):
        args += [x, 1.0 if j == 0 else 0.0]
    primal, tangent = df(*args)
    assert primal == _primal(name)(*point)
    assert tangent == forward_partials(name, point)[0]


@pytest.mark.parametrize("name", _params(["sin", "lgamma", "atan2", "hypot", "tgamma"], f32=True))
def test_float32_spellings_reach_float_rules(name):
    """The float32 versions call the float variants (llvm.*.f32 / libm `…f`)."""
    callees, _ = _callees_and_opcodes(name, numba.float32)
    hits = [c for c in callees if table.lookup(c) is table.MATH[name]]
    assert hits and all(c.endswith(("f", ".f32")) for c in hits), (name, sorted(callees))


def test_rule_partial_arity_matches_operands():
    for name, rule in table.INSTRUCTIONS.items():
        assert len(rule.partials) == (1 if name == "fneg" else 2), name
    for name in COVERED:
        if name in table.MATH:
            assert len(table.MATH[name].partials) == _nargs(name), name


def test_checker_detects_a_wrong_rule(monkeypatch):
    """The harness itself: a rule with a sign error must fail ``check_point``."""
    monkeypatch.setitem(table.MATH, "sin", table.Rule("sin", ("-cos(x)",)))
    monkeypatch.setitem(_CACHE, ("d", "sin"),
                        zymase.autodiff_forward(_fn("sin"), Dual, ret=DualOnly))
    with pytest.raises(AssertionError, match="sin: d/dx0"):
        check_point("sin", (0.4,))


@pytest.mark.parametrize("name,point,want", [
    ("fabs", (0.0,), [1.0]),            # abs'(+0) = +1: the right-hand slope
    ("fabs", (-0.0,), [-1.0]),          # abs'(-0) = -1: the left-hand slope
    ("floor", (2.0,), [0.0]),           # rounding functions: 0 everywhere, integers included
    ("ceil", (-3.0,), [0.0]),
    ("rint", (2.5,), [0.0]),
    ("copysign", (0.0, -1.0), [-1.0, 0.0]),   # like fabs: the sign of zero picks the slope
    ("hypot", (3.0, 4.0), [0.6, 0.8]),
])
def test_conventions_at_non_differentiable_points(name, point, want):
    got = forward_partials(name, point)
    assert got == pytest.approx(want, abs=1e-15)

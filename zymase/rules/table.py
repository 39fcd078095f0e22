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
``fabs'(±0) = ±1`` (the one-sided slope the zero's sign points to), ``min``/``max`` pick the operand that was taken, rounding functions have
derivative 0.

Checked products.  A partial that can be infinite (or NaN) for finite operands — a division,
``pow``, ``log``, ``digamma``, ``exp`` of the result: ``sqrt'(0)``, ``log'(0)``, ``asin'(±1)``,
``1/y`` at ``y = 0``, ``ndtri'(0)`` — is
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
    writes: Tuple[int, ...] = ()      # operands the function writes through (frexp's exponent)

    @property
    def checked(self) -> Tuple[bool, ...]:
        """Per partial: may it be infinite for finite operands (so its product is checked)?"""
        if self.name in BOUNDED:
            return tuple(False for _ in self.partials)
        return tuple(p is not None and not p.startswith("!") and may_be_infinite(p)
                     for p in self.partials)


# rules whose partials divide by something bounded away from zero (1 + x², x² + 1): the
# syntactic test below would check them for nothing
BOUNDED = {"atan", "asinh", "frexp"}   # frexp: r / x only for x != 0, = 2^-e


# functions whose value is unbounded on a finite argument (a pole or a log singularity)
_UNBOUNDED_CALLS = {"pow", "log", "digamma", "trigamma"}


@functools.lru_cache(maxsize=None)
def may_be_infinite(expr: str) -> bool:
    """True when ``expr`` divides or calls a function with a pole: its value can be ±inf (or
    NaN) although every operand is finite.  Conservative in that direction only."""
    for node in ast.walk(ast.parse(expr, mode="eval")):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return True
        name = getattr(node.func, "id", "") if isinstance(node, ast.Call) else None
        if name == "exp" and any(isinstance(n, ast.Name) and n.id == "r"
                                 for n in ast.walk(node)):
            # exp of the result: the inverses of distribution functions (ndtri, erfinv at
            # p = 0 or 1) have an infinite result and slope at a finite operand
            return True
        if name is not None and (name in _UNBOUNDED_CALLS
                                 or name.startswith(("sp_", "zy_", "zc_"))):
            # SciPy's functions have poles (digamma, Bessel Y/K at 0, ...); zymase's helpers
            # return NaN outside their domain; a user's own derivative (zc_) may be anything
            return True
    return False


# the names a rule expression gives a call's operands, in order (most rules use x, y, z)
OPERAND_NAMES = ("x", "y", "z") + tuple(f"a{k}" for k in range(3, 32))

# rules installed for one build (a C program's own derivatives: frontend/c_custom.py),
# consulted before the table; see ``custom_rules``
_CUSTOM: Dict[str, Rule] = {}


class custom_rules:
    """``with custom_rules({name: Rule}):`` makes ``lookup`` find these rules by callee
    name while a derivative is built, and forgets them afterwards."""

    def __init__(self, rules: Dict[str, Rule]):
        self.rules = dict(rules)

    def __enter__(self):
        clash = set(self.rules) & set(_CUSTOM)
        if clash:
            raise RuntimeError(f"custom rules for {sorted(clash)} are already installed")
        _CUSTOM.update(self.rules)
        return self

    def __exit__(self, *exc):
        for k in self.rules:
            _CUSTOM.pop(k, None)
        return False


def _r(name, *partials, writes=()):
    return Rule(name, tuple(partials), tuple(writes))


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
    # the sign of zero picks the one-sided slope (Enzyme's and JAX's convention): AD returns
    # a one-sided derivative at the kink, never their average
    _r("fabs", "copysign(1.0, x)"),
    _r("copysign", "copysign(1.0, x) * copysign(1.0, y)", "0"),
    # frexp(x, &e): the mantissa x·2^-e; its exponent (written through the pointer) is an
    # integer.  The slope 2^-e is r/x exactly (a power of two); at 0 the mantissa is 0 and
    # the exponent 0, so the slope is 2^0
    _r("frexp", "1 if x == 0 else r / x", None, writes=(1,)),
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

# SciPy special functions called through their Cython addresses (see scipy_special.py): the
# operand names are the C arguments in order.  ``sp_<name>(...)`` calls SciPy's own function;
# ``zy_<name>(...)`` one of zymase's compiled helpers (shape_params.py: derivatives with respect
# to shape parameters, by series, continued fractions and quadrature; NaN outside their
# domain, which that module states); a partial starting with ``!`` is a refusal:
# differentiating with respect to that operand raises UnsupportedError with the text (the
# other operands' derivatives still work).
_SIGN = "(1 if x > 0 else (-1 if x < 0 else 0))"


def _refuse(fn: str, param: str) -> str:
    return (f"!scipy.special.{fn} with respect to its parameter `{param}` (no closed form is "
            f"known to zymase)")


def _ncx2_pdf(x: str, df: str) -> str:
    """The noncentral chi-square density at ``x`` with ``df`` degrees of freedom and
    noncentrality ``z`` (a chndtr/chndtrix operand), as an expression: through ``ive`` for
    z > 0, the central density at z = 0."""
    return (f"((0.5 * exp(sqrt(z * {x}) - 0.5 * ({x} + z) + (0.25 * {df} - 0.5) * log({x} / z))"
            f" * sp_ive(0.5 * {df} - 1, sqrt(z * {x}))) if z > 0 else"
            f" exp((0.5 * {df} - 1) * log({x}) - 0.5 * {x} - 0.34657359027997264 * {df}"
            f" - sp_gammaln(0.5 * {df})))")


def _voigt() -> Tuple[str, str, str]:
    """The partials of ``voigt_profile(x, sigma, gamma) = Re w(z) / (sigma sqrt(2 pi))`` with
    ``z = a + i b = (x + i gamma) / (sigma sqrt 2)``, from the Faddeeva function's
    ``w'(z) = -2 z w(z) + 2i/sqrt(pi)`` (``u + i v = w(z)``, SciPy's ``wofz``):
    d/dx = -(a u - b v) / (sigma^2 sqrt pi); d/dgamma = (a v + b u - 1/sqrt pi) /
    (sigma^2 sqrt pi); d/dsigma = -V/sigma + (2 Re(z^2 w) + 2b/sqrt pi) / (sigma^2 sqrt(2 pi)).
    At sigma = 0 (the Lorentzian gamma / (pi (x^2 + gamma^2))) the closed forms of that."""
    a, b = "(x * 0.7071067811865476 / y)", "(z * 0.7071067811865476 / y)"
    u, v = f"spc_wofz_re({a}, {b})", f"spc_wofz_im({a}, {b})"
    lor = "(3.141592653589793 * (x * x + z * z) * (x * x + z * z))"
    dx = f"(-({a} * {u} - {b} * {v}) * 0.5641895835477563 / (y * y)) if y != 0 else " \
         f"(-2 * x * z / {lor})"
    ds = (f"(-r / y + (2 * (({a} * {a} - {b} * {b}) * {u} - 2 * {a} * {b} * {v})"
          f" + 2 * {b} * 0.5641895835477563) * 0.3989422804014327 / (y * y)) if y != 0 else 0")
    dg = f"(({a} * {v} + {b} * {u} - 0.5641895835477563) * 0.5641895835477563 / (y * y)) " \
         f"if y != 0 else ((x * x - z * z) / {lor})"
    return dx, ds, dg


SCIPY_SPECIAL: Dict[str, Rule] = {r.name: r for r in [
    _r("voigt_profile", *_voigt()),
    _r("ndtr", "0.3989422804014327 * exp(-0.5 * x * x)"),
    _r("log_ndtr", "0.3989422804014327 * exp(-0.5 * x * x - r)"),
    _r("ndtri", "2.5066282746310002 * exp(0.5 * r * r)"),
    _r("erfcx", "2 * x * r - 1.1283791670955126"),
    _r("erfi", "1.1283791670955126 * exp(x * x)"),
    _r("erfinv", "0.886226925452758 * exp(r * r)"),
    _r("erfcinv", "-0.886226925452758 * exp(r * r)"),
    _r("dawsn", "1 - 2 * x * r"),
    _r("gammaln", "digamma(x)"),
    _r("loggamma", "digamma(x)"),
    # at the poles of gamma (x = -n, n = 0, 1, ...) 1/gamma is 0 and its slope (-1)^n n!
    _r("rgamma", "-r * digamma(x) if r != 0 else cos(3.141592653589793 * x) * sp_gamma(1 - x)"),
    _r("psi", "trigamma(x)"),
    _r("expit", "r * (1 - r)"),
    _r("logit", "1 / (x * (1 - x))"),
    _r("log_expit", "1 / (1 + exp(x))"),
    _r("j0", "-sp_j1(x)"),
    _r("j1", "0.5 * (sp_j0(x) - sp_jv(2, x))"),
    _r("y0", "-sp_y1(x)"),
    _r("y1", "0.5 * (sp_y0(x) - sp_yv(2, x))"),
    _r("i0", "sp_i1(x)"),
    _r("i1", "0.5 * (sp_i0(x) + sp_iv(2, x))"),
    _r("i0e", f"sp_i1e(x) - {_SIGN} * r"),
    _r("i1e", f"0.5 * (sp_i0e(x) + sp_ive(2, x)) - {_SIGN} * r"),
    _r("k0", "-sp_k1(x)"),
    _r("k1", "-0.5 * (sp_k0(x) + sp_kv(2, x))"),
    _r("k0e", "r - sp_k1e(x)"),
    _r("k1e", "r - 0.5 * (sp_k0e(x) + sp_kve(2, x))"),
    _r("jv", _refuse("jv", "v"), "0.5 * (sp_jv(x - 1, y) - sp_jv(x + 1, y))"),
    _r("jve", _refuse("jve", "v"), "0.5 * (sp_jve(x - 1, y) - sp_jve(x + 1, y))"),
    _r("yv", _refuse("yv", "v"), "0.5 * (sp_yv(x - 1, y) - sp_yv(x + 1, y))"),
    _r("yve", _refuse("yve", "v"), "0.5 * (sp_yve(x - 1, y) - sp_yve(x + 1, y))"),
    _r("iv", _refuse("iv", "v"), "0.5 * (sp_iv(x - 1, y) + sp_iv(x + 1, y))"),
    _r("ive", _refuse("ive", "v"),
       "0.5 * (sp_ive(x - 1, y) + sp_ive(x + 1, y)) - (1 if y > 0 else (-1 if y < 0 else 0)) * r"),
    # the order of K_v: the integral of t sinh(v t) e^{-x cosh t} (bessel_orders.py)
    _r("kv", "zy_kv_dv(x, y)", "-0.5 * (sp_kv(x - 1, y) + sp_kv(x + 1, y))"),
    _r("kve", "zy_kve_dv(x, y)", "r - 0.5 * (sp_kve(x - 1, y) + sp_kve(x + 1, y))"),
    _r("kn", None, "-0.5 * (sp_kv(tofp(x) - 1, y) + sp_kv(tofp(x) + 1, y))"),
    _r("yn", None, "0.5 * (sp_yv(tofp(x) - 1, y) - sp_yv(tofp(x) + 1, y))"),
    # shape parameters: zy_gammainc_da(a, x, P, Q) = dP/da, zy_betainc_da(a, b, z, 1 - z, I,
    # 1 - I) = dI/da (dI/db by the symmetry I_z(a, b) = 1 - I_(1-z)(b, a)), zy_stdtr_ddf(df, t,
    # I, 1 - I) = d stdtr/d df with I = I_(df/(df+t^2))(df/2, 1/2); complements come from
    # SciPy (or are exact: 1 - p for an argument p), never 1 - (a computed value near 1)
    _r("gammainc", "zy_gammainc_da(x, y, r, sp_gammaincc(x, y))",
       "exp((x - 1) * log(y) - y - sp_gammaln(x))"),
    _r("gammaincc", "-zy_gammainc_da(x, y, sp_gammainc(x, y), r)",
       "-exp((x - 1) * log(y) - y - sp_gammaln(x))"),
    _r("betainc", "zy_betainc_da(x, y, z, 1 - z, r, sp_betaincc(x, y, z))",
       "-zy_betainc_da(y, x, 1 - z, z, sp_betaincc(x, y, z), r)",
       "exp((x - 1) * log(z) + (y - 1) * sp_log1p(-z) - sp_betaln(x, y))"),
    _r("betaincc", "-zy_betainc_da(x, y, z, 1 - z, sp_betainc(x, y, z), r)",
       "zy_betainc_da(y, x, 1 - z, z, r, sp_betainc(x, y, z))",
       "-exp((x - 1) * log(z) + (y - 1) * sp_log1p(-z) - sp_betaln(x, y))"),
    _r("stdtr",
       "zy_stdtr_ddf(x, y, 2 * (r if y < 0 else sp_stdtr(x, -y)),"
       " sp_betainc(0.5, 0.5 * x, y * y / (x + y * y)))",
       "exp(sp_gammaln(0.5 * (x + 1)) - sp_gammaln(0.5 * x) - 0.5 * log(3.141592653589793 * x)"
       " - 0.5 * (x + 1) * sp_log1p(y * y / x))"),
    # noncentral chi-square: zy_chndtr_ddf(x, df, nc) = dF/d df (the Poisson mixture of
    # gammainc's a-derivatives); d/d nc is minus the density with df + 2 (the Poisson
    # weights' derivative shifts the mixture by one term)
    _r("chndtr", _ncx2_pdf("x", "y"), "zy_chndtr_ddf(x, y, z)", "-" + _ncx2_pdf("x", "(y + 2)")),
    # inverses of distribution functions: dF^-1/dp = 1 / density at the result r
    _r("ndtri_exp", "2.5066282746310002 * exp(x + 0.5 * r * r)"),
    # ... and with respect to a shape parameter by the implicit function theorem: the result
    # r solves F(a, r) = y, so dr/da = -(dF/da)(a, r) / (dF/dr)(a, r)
    _r("gammaincinv", "-zy_gammainc_da(x, r, y, 1 - y) * exp(r - (x - 1) * log(r) + sp_gammaln(x))",
       "exp(r - (x - 1) * log(r) + sp_gammaln(x))"),
    _r("gammainccinv",
       "-zy_gammainc_da(x, r, 1 - y, y) * exp(r - (x - 1) * log(r) + sp_gammaln(x))",
       "-exp(r - (x - 1) * log(r) + sp_gammaln(x))"),
    _r("betaincinv",
       "-zy_betainc_da(x, y, r, 1 - r, z, 1 - z)"
       " * exp(sp_betaln(x, y) - (x - 1) * log(r) - (y - 1) * sp_log1p(-r))",
       "zy_betainc_da(y, x, 1 - r, r, 1 - z, z)"
       " * exp(sp_betaln(x, y) - (x - 1) * log(r) - (y - 1) * sp_log1p(-r))",
       "exp(sp_betaln(x, y) - (x - 1) * log(r) - (y - 1) * sp_log1p(-r))"),
    _r("betainccinv",
       "-zy_betainc_da(x, y, r, 1 - r, 1 - z, z)"
       " * exp(sp_betaln(x, y) - (x - 1) * log(r) - (y - 1) * sp_log1p(-r))",
       "zy_betainc_da(y, x, 1 - r, r, z, 1 - z)"
       " * exp(sp_betaln(x, y) - (x - 1) * log(r) - (y - 1) * sp_log1p(-r))",
       "-exp(sp_betaln(x, y) - (x - 1) * log(r) - (y - 1) * sp_log1p(-r))"),
    _r("stdtrit",
       "-zy_stdtr_ddf(x, r, 2 * y if y < 0.5 else 2 * (1 - y), 1 - 2 * y if y < 0.5 else 2 * y - 1)"
       " * exp(sp_gammaln(0.5 * x) - sp_gammaln(0.5 * (x + 1)) + 0.5 * log(3.141592653589793 * x)"
       " + 0.5 * (x + 1) * sp_log1p(r * r / x))",
       "exp(sp_gammaln(0.5 * x) - sp_gammaln(0.5 * (x + 1)) + 0.5 * log(3.141592653589793 * x)"
       " + 0.5 * (x + 1) * sp_log1p(r * r / x))"),
    _r("chndtrix", "1 / " + _ncx2_pdf("r", "y"),
       "-zy_chndtr_ddf(r, y, z) / " + _ncx2_pdf("r", "y"),
       _ncx2_pdf("r", "(y + 2)") + " / " + _ncx2_pdf("r", "y")),
    _r("xlogy", "log(y)", "0 if x == 0 else x / y"),
    _r("xlog1py", "sp_log1p(y)", "0 if x == 0 else x / (1 + y)"),
    _r("owens_t", "-0.19947114020071635 * exp(-0.5 * x * x) * sp_erf(0.7071067811865476 * x * y)",
       "exp(-0.5 * x * x * (1 + y * y)) / (6.283185307179586 * (1 + y * y))"),
    _r("entr", "-(log(x) + 1)"),
    _r("rel_entr", "log(x / y) + 1", "-x / y"),
    _r("kl_div", "log(x / y)", "1 - x / y"),
    _r("beta", "r * (digamma(x) - digamma(x + y))", "r * (digamma(y) - digamma(x + y))"),
    _r("betaln", "digamma(x) - digamma(x + y)", "digamma(y) - digamma(x + y)"),
    _r("exp1", "-exp(-x) / x"),
    _r("expi", "exp(x) / x"),
    _r("exprel", "((x - 1) * exp(x) + 1) / (x * x) if x != 0 else 0.5"),
    _r("cosm1", "-sin(x)"),
    _r("powm1", "y * pow(x, y - 1)", "((r + 1) * log(x)) if x > 0 else 0"),
    # at x = 0 (boxcox1p: x = -1) x^y log x is 0 for y > 0: the slope in y is -r / y
    _r("boxcox", "pow(x, y - 1)",
       "((pow(x, y) * log(x) if x > 0 else 0) - r) / y if y != 0 else 0.5 * log(x) * log(x)"),
    _r("boxcox1p", "pow(1 + x, y - 1)",
       "((pow(1 + x, y) * sp_log1p(x) if x > -1 else 0) - r) / y if y != 0 else"
       " 0.5 * sp_log1p(x) * sp_log1p(x)"),
    _r("spence", "log(x) / (1 - x) if x != 1 else -1"),
    _r("sindg", "0.017453292519943295 * cos(0.017453292519943295 * x)"),
    _r("cosdg", "-0.017453292519943295 * sin(0.017453292519943295 * x)"),
    _r("radian", "0.017453292519943295", "0.0002908882086657216", "4.84813681109536e-06"),
    _r("pseudo_huber", "(2 * r - y * y / sqrt(1 + (y / x) * (y / x))) / x",
       "y / sqrt(1 + (y / x) * (y / x))"),
]}
# SciPy spellings of functions the MATH table already has
_SCIPY_ALIASES = {"erf": "erf", "erfc": "erfc", "expm1": "expm1", "log1p": "log1p",
                  "cbrt": "cbrt", "exp2": "exp2", "exp10": "exp10", "gamma": "tgamma"}

# Functions an expression may call: name -> (kind, target).  ``intrinsic`` becomes
# llvm.<target>.<type>; ``libm`` a C call (float variant gets an ``f`` suffix); ``helper`` a
# function zymase links in (see rules/helpers.py).
FUNCTIONS = {
    "sin": ("intrinsic", "sin"), "cos": ("intrinsic", "cos"), "exp": ("intrinsic", "exp"),
    "log": ("intrinsic", "log"), "sqrt": ("intrinsic", "sqrt"), "pow": ("intrinsic", "pow"),
    "trunc": ("intrinsic", "trunc"), "copysign": ("intrinsic", "copysign"),
    "sinh": ("intrinsic", "sinh"), "cosh": ("intrinsic", "cosh"),
    "digamma": ("helper", "digamma"), "trigamma": ("helper", "trigamma"),
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
    if _CUSTOM and callee in _CUSTOM:
        return _CUSTOM[callee]
    if callee.startswith("scipy.special."):
        name = callee[len("scipy.special."):]
        if name in _SCIPY_ALIASES:
            return MATH[_SCIPY_ALIASES[name]]
        return SCIPY_SPECIAL.get(name)
    return MATH.get(base_name(callee))


def refusal(partial: Optional[str]) -> Optional[str]:
    """The refusal text of a ``!`` partial (see SCIPY_SPECIAL), else None."""
    return partial[1:] if partial is not None and partial.startswith("!") else None


# Calls that never carry a derivative (bookkeeping, allocation, errors, debug info)
INACTIVE_CALL_PATTERNS = [
    r"^llvm\.lifetime\.", r"^llvm\.dbg\.", r"^llvm\.assume$", r"^llvm\.expect\.",
    r"^llvm\.[su](max|min)\.", r"^llvm\.abs\.i", r"^llvm\.[su](add|sub|mul)\.with\.overflow",
    r"^llvm\.ctpop", r"^llvm\.ctlz", r"^llvm\.cttz", r"^llvm\.prefetch",
r"^numba_gil_", r"^Py", r"^numba_do_raise$", r"^numba_unpickle$",
    r"^NRT_Free$", r"^NRT_Allocate", r"^llvm\.stacksave", r"^llvm\.stackrestore",
    r"^llvm\.experimental\.noalias\.scope\.decl$",
    r"^llvm\.x86\.sse\.(st|ld)mxcsr$",      # MXCSR, saved/set by fpenv.py's wrapper
    # Rust's marker that a crate links the allocator shim
    r"__rust_no_alloc_shim_is_unstable",
    # floating-point class tests (isnan/isinf folded by instcombine): a boolean result
    r"^llvm\.is\.fpclass\.",
    # Numba's parallel-loop scheduler: thread counts, schedules (integer ranges), thread ids
    r"^(get_num_threads|get_parallel_chunksize|set_parallel_chunksize|get_sched_size|"
    r"allocate_sched|deallocate_sched|do_scheduling_(un)?signed|get_thread_id)$",
    # reshape without a copy: integer shape/stride arithmetic on integer arrays
    r"^numba_attempt_nocopy_reshape$",
    # C library calls with no float data flow: output, termination, allocator queries
    r"^(printf|fprintf|puts|putchar|fputs|fputc|fflush|abort|exit|_exit|__assert_fail|"
    r"malloc_usable_size)$",
]
_INACTIVE = [re.compile(p) for p in INACTIVE_CALL_PATTERNS]


def is_inactive_call(callee: str) -> bool:
    return any(p.search(callee) for p in _INACTIVE)


# NRT allocation entry points: result is a MemInfo* whose data pointer is at byte 24
ALLOCATORS = {"NRT_MemInfo_alloc_aligned": (0,), "NRT_MemInfo_alloc_safe_aligned": (0,),
              "NRT_MemInfo_alloc": (0,), "NRT_MemInfo_alloc_safe": (0,),
              # a jitclass instance: its destructor (the second operand) releases the members
              "NRT_MemInfo_alloc_dtor": (0,), "NRT_MemInfo_alloc_dtor_safe": (0,),
              # a growable block (list payload, set table): ``data`` moved by varsize_realloc
              "NRT_MemInfo_new_varsize": (0,), "NRT_MemInfo_new_varsize_dtor": (0,),
              "zymase_nrt_alloc_external": (0,)}     # a derivative's (transforms/kept_blocks)
MEMINFO_DATA_OFFSET = 24
MEMINFO_SIZE_OFFSET = 32
VARSIZE_ALLOCATORS = {"NRT_MemInfo_new_varsize", "NRT_MemInfo_new_varsize_dtor"}
# Numba names a list's (set's) item destructor after the item type: ``@.dtor.list.float64``,
# ``@".dtor.list.array(float64, 1d, C)"``.  Items whose type mentions none of these words
# (strings, integers, integer arrays: the list of messages a slice assignment builds) carry
# no derivative, so the list needs no shadow; a wrong guess is a loud refusal (an active
# value stored into memory without a shadow), never a wrong derivative.
_FLOAT_ITEM_WORDS = re.compile(r"float|complex|instance|jitclass|Record|Opaque|pyobject")


def inactive_items(i) -> bool:
    """``i`` (an allocator call) makes a list or set whose item type, read from its
    destructor's name, holds no floats."""
    if (i.callee_name or "") != "NRT_MemInfo_new_varsize_dtor" or len(i.operands) < 2:
        return False
    m = re.fullmatch(r'@"?\.dtor\.(?:list|set)\.(.*?)"?', getattr(i.operands[1], "text", "") or "")
    return m is not None and not _FLOAT_ITEM_WORDS.search(m.group(1))
# (MemInfo, new size) -> new data pointer, stored in the MemInfo: whether the old contents are
# copied (realloc) or the old block is left for ``NRT_MemInfo_varsize_free`` (alloc)
VARSIZE_RESIZES = {"NRT_MemInfo_varsize_realloc": True, "NRT_MemInfo_varsize_alloc": False}
VARSIZE_FREES = {"NRT_MemInfo_varsize_free"}
# allocations whose MemInfo carries a destructor (a jitclass instance: it releases the members
# stored in the data).  Forward mode mirrors refcounts, so a shadow keeps the destructor and
# releases the members' shadows; reverse mode frees every shadow allocation itself at the end
# of the sweep, so its shadow is a plain MemInfo (the destructor would free the members'
# shadows a second time).
DTOR_ALLOCATORS = {"NRT_MemInfo_alloc_dtor", "NRT_MemInfo_alloc_dtor_safe"}
DEALLOCATORS = {"NRT_MemInfo_call_dtor"}
# Raw heap blocks without a MemInfo: the C heap (a reverse-mode tape, C code), Numba's
# NRT_Allocate (the temporary of an overlap-safe slice copy ``y[:] = x``), C++'s operator new
# and Rust's allocator (foreign code).  Forward mode shadows a block with the same call (so
# the primal's own free, mirrored, releases it); reverse mode with ``malloc`` of the same size,
# freed after the sweep.
@dataclass(frozen=True)
class RawAllocator:
    size: Tuple[int, ...]          # the operands whose product is the block's size in bytes
    free: str                      # what releases a block (forward mode's shadows)
    zeroed: bool = False           # the block arrives zeroed


@dataclass(frozen=True)
class RawRealloc:
    size: int                      # the operand holding the new size
    old_size: Optional[int] = None  # the operand holding the old size (Rust's), if any


C_MALLOCS = {
    "malloc": RawAllocator((0,), "free"),
    "calloc": RawAllocator((0, 1), "free", True),
    "aligned_alloc": RawAllocator((1,), "free"),
    "NRT_Allocate": RawAllocator((0,), "NRT_Free"),
    "_Znwm": RawAllocator((0,), "_ZdlPv"), "_Znam": RawAllocator((0,), "_ZdaPv"),
    "_ZnwmSt11align_val_t": RawAllocator((0,), "_ZdlPvSt11align_val_t"),
    "_ZnamSt11align_val_t": RawAllocator((0,), "_ZdaPvSt11align_val_t"),
}
# frees: the operand holding the block's size, where the function takes one
C_FREES = {"free": None, "NRT_Free": None, "_ZdlPv": None, "_ZdaPv": None, "_ZdlPvm": 1,
           "_ZdaPvm": 1, "_ZdlPvSt11align_val_t": None, "_ZdaPvSt11align_val_t": None,
           "_ZdlPvmSt11align_val_t": 1, "_ZdaPvmSt11align_val_t": 1}
C_REALLOCS = {"realloc": RawRealloc(1)}

# Rust's allocator entry points (rustc >= 1.8x mangles them as ``__rustc::__rust_alloc``, v0:
# ``_RNvCs<hash>_7___rustc12___rust_alloc``; older ones are plain ``__rust_alloc``)
_RUST_ALLOC = re.compile(r"(?:^|[0-9]_)__rust_(alloc|alloc_zeroed|dealloc|realloc|"
                         r"no_alloc_shim_is_unstable(?:_v2)?)$")


def rust_allocator(name: str) -> Optional[str]:
    """``alloc``, ``alloc_zeroed``, ``dealloc``, ``realloc`` or ``no_alloc_shim_is_unstable``
    when ``name`` is one of Rust's allocator entry points (any mangling), else None."""
    m = _RUST_ALLOC.search(name or "")
    if m is None:
        return None
    return "no_alloc_shim_is_unstable" if m.group(1).startswith("no_alloc") else m.group(1)


# a C program's own allocators for one build (``__enzyme_allocation_like``:
# frontend/c_custom.py), consulted before the table; see ``custom_allocators``
_CUSTOM_ALLOCATORS: Dict[str, RawAllocator] = {}


class custom_allocators:
    """``with custom_allocators({name: RawAllocator}):`` makes ``raw_allocator`` know these
    functions while a derivative is built, and forgets them afterwards."""

    def __init__(self, allocators: Dict[str, RawAllocator]):
        self.allocators = dict(allocators)

    def __enter__(self):
        _CUSTOM_ALLOCATORS.update(self.allocators)
        return self

    def __exit__(self, *exc):
        for k in self.allocators:
            _CUSTOM_ALLOCATORS.pop(k, None)
        return False


# a C program's own derivatives of functions with pointer parameters, for one build
# (``__enzyme_register_derivative_f`` / ``__enzyme_register_gradient_f``:
# frontend/c_custom.py): primal name -> {"fwd": f_fwd} and/or {"aug": f_aug, "rev": f_rev}
_POINTER_DERIVATIVES: Dict[str, Dict[str, str]] = {}


class custom_pointer_derivatives:
    """``with custom_pointer_derivatives({f: {"fwd": f_fwd, …}}):`` makes
    ``pointer_derivative`` answer for these functions while a derivative is built."""

    def __init__(self, table: Dict[str, Dict[str, str]]):
        self.table = dict(table)

    def __enter__(self):
        _POINTER_DERIVATIVES.update(self.table)
        return self

    def __exit__(self, *exc):
        for k in self.table:
            _POINTER_DERIVATIVES.pop(k, None)
        return False


def pointer_derivative(name: str) -> Optional[Dict[str, str]]:
    """The program's own derivatives of pointer function ``name`` (``fwd``; ``aug`` and
    ``rev``), if it registered any."""
    return _POINTER_DERIVATIVES.get(name)


def raw_allocator(name: str) -> Optional[RawAllocator]:
    """How the raw allocation function ``name`` sizes its block, else None."""
    a = _CUSTOM_ALLOCATORS.get(name) or C_MALLOCS.get(name)
    if a is not None:
        return a
    kind = rust_allocator(name)
    if kind in ("alloc", "alloc_zeroed"):       # (size, align)
        return RawAllocator((0,), name.replace("__rust_" + kind, "__rust_dealloc"),
                            kind == "alloc_zeroed")
    return None


def raw_free(name: str) -> Tuple[bool, Optional[int]]:
    """(whether ``name`` frees a raw block, the operand holding its size if it takes one)."""
    if name in C_FREES:
        return True, C_FREES[name]
    if rust_allocator(name) == "dealloc":        # (ptr, size, align)
        return True, 1
    return False, None


def raw_realloc(name: str) -> Optional[RawRealloc]:
    r = C_REALLOCS.get(name)
    if r is not None:
        return r
    if rust_allocator(name) == "realloc":        # (ptr, old size, align, new size)
        return RawRealloc(3, 1)
    return None


# MemInfo -> its data pointer: the shadow is the same call on the shadow MemInfo
MEMINFO_DATA = {"NRT_MemInfo_data_fast", "NRT_MemInfo_data"}
# reference counting on MemInfos: mirrored on shadow MemInfos so shadows live as long as primals
REFCOUNT = {"NRT_incref", "NRT_decref", "NRT_MemInfo_release"}   # the last: a decref by its symbol

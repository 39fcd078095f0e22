"""Round-trip corpus: plain Python functions plus example-argument factories.

The functions here are *not* decorated; a test harness is expected to compile
each ``Case.fn`` with ``numba.njit``, run it on ``Case.make_args()`` and compare
against our pipeline (which re-compiles Numba's LLVM IR) bit for bit, including
the contents of any array arguments mutated in place.

Module-level helpers decorated with ``@numba.njit`` are called from some of the
corpus functions (to exercise calls between njit functions).

Conventions
-----------
* ``make_args()`` returns a *fresh* tuple each call (arrays are newly
  allocated from a fixed-seed ``np.random.default_rng``), so mutated arguments
  never leak between runs.
* ``raises`` is the exception class raised by the call with those args, or
  ``None``.  Every raising function also has a non-raising case.
* Strided views (``a[::2]``, ``a.T``, negative strides) are produced inside
  ``make_args`` so Numba sees layout 'A' or 'F' array types.
"""

import math
from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

import numba
import numpy as np


@dataclass(frozen=True)
class Case:
    name: str
    fn: Callable
    make_args: Callable[[], Tuple[Any, ...]]
    raises: Optional[type] = None


def _rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# njit helpers (called from corpus functions)
# ---------------------------------------------------------------------------

@numba.njit
def h_square(x):
    return x * x


@numba.njit
def h_clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


@numba.njit
def h_minmax(a):
    lo = a[0]
    hi = a[0]
    for i in range(1, a.shape[0]):
        v = a[i]
        if v < lo:
            lo = v
        if v > hi:
            hi = v
    return lo, hi


@numba.njit
def h_axpy(alpha, x, y):
    # writes into y in place
    for i in range(x.shape[0]):
        y[i] += alpha * x[i]


@numba.njit
def h_gcd(a, b):
    while b != 0:
        a, b = b, a % b
    return a


@numba.njit
def h_check_positive(x):
    if x <= 0.0:
        raise ValueError("expected a positive value")
    return math.sqrt(x)


SCALE = 3.5          # module-level constant (frozen at compile time)
INT_TABLE = (1, 4, 9, 16, 25)


# ---------------------------------------------------------------------------
# scalar integer arithmetic
# ---------------------------------------------------------------------------

def int_add_mul(a, b, c):
    return a * b + c - (a - b) * 3


def int_bitops(a, b):
    x = (a & b) | (a ^ (b << 3))
    y = (x >> 2) ^ ~a
    return x + y


def int_floordiv_mod(a, b):
    # Python semantics: floor division and sign-of-divisor modulo.
    return a // b, a % b, (-a) // b, (-a) % b


def int_floordiv_zero(a, b):
    return a // b + 1


def int_mod_zero(a, b):
    return a % b


def int32_arith(a, b):
    c = a * b
    d = a - b
    return c + d * np.int32(7)


def lcg_wrap(seed, n):
    # int64 wraparound arithmetic with masking
    x = seed
    acc = 0
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFF
        acc ^= x >> 7
    return acc


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def gcd_via_helper(a, b):
    return h_gcd(a, b) + h_gcd(b, a + b)


def int_pow_abs_minmax(a, b):
    return abs(a - b) + max(a, b) * min(a, b) + a ** 3


def const_table_lookup(i):
    return INT_TABLE[i % 5] * 2


# ---------------------------------------------------------------------------
# scalar float arithmetic
# ---------------------------------------------------------------------------

def f64_poly(x, y):
    return 3.0 * x * x - 2.0 * x * y + y * y * y / 7.0 - 1.25


def f32_arith(x, y):
    z = x * y + x / y - np.float32(0.5)
    return z * z


def mixed_int_float(n, x):
    return n * x + n / 3 + x // 2.0 + float(n) ** 0.5


def float_floordiv_mod(x, y):
    # (math.fmod is not supported by numba; np.fmod on scalars is)
    return x // y, x % y, np.fmod(x, y)


def float_div_zero(x):
    return 1.0 / x + 2.0


def float_to_int(x):
    i = int(x)
    j = int(math.floor(x))
    k = int(math.ceil(x))
    return i + 10 * j + 100 * k


def ternary_select(x, y):
    return x if x > y else y * 2.0


def module_constant(x):
    return x * SCALE + SCALE


def math_funcs_f64(x, y):
    s = 0.0
    s += math.sin(x) + math.cos(y) + math.tan(x * 0.3)
    s += math.exp(x * 0.5) + math.log(y) + math.sqrt(y)
    s += math.pow(y, x) + math.atan2(x, y) + math.hypot(x, y)
    s += math.erf(x) + math.erfc(y) + math.lgamma(y) + math.gamma(y)
    s += math.log1p(y) + math.expm1(x) + math.tanh(x) + math.asinh(y)
    s += math.fabs(-x) + math.copysign(y, -1.0) + math.atan(x)
    s += math.log10(y) + math.log2(y) + math.cosh(x) + math.sinh(x)
    return s


def math_funcs_f32(x, y):
    a = math.sin(x) * math.exp(y)
    b = math.sqrt(y) + math.log(y) + math.atan2(x, y)
    return a + b


def math_floor_ceil_trunc(x):
    return math.floor(x) + 10 * math.ceil(x) + 100 * math.trunc(x)


def math_special_values(x):
    # inf/nan handling: compare results including isnan/isinf flags
    # NB: numba returns -inf for math.log(0.0) where CPython raises
    # ValueError; the round-trip compares against numba, not CPython.
    a = math.log(x)          # -inf for x == 0
    b = math.exp(1000.0 * x)  # overflow-ish depending on x
    return math.isinf(a), math.isnan(a - a), b


def sqrt_checked(x):
    return h_check_positive(x) * 2.0


def raise_value_error(x):
    if x < 0:
        raise ValueError("negative")
    return math.sqrt(x) + 1.0


def assert_positive(n):
    assert n > 0, "n must be positive"
    return n * 2


# ---------------------------------------------------------------------------
# booleans
# ---------------------------------------------------------------------------

def bool_logic(a, b, c):
    return (a and not b) or (c and b)


def bool_compare_chain(x, y, z):
    return x < y <= z


def bool_to_int(a, b):
    return int(a) + 2 * int(b) + (a ^ b)


# ---------------------------------------------------------------------------
# 1-D arrays
# ---------------------------------------------------------------------------

def sum1d(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def dot1d(a, b):
    s = 0.0
    for i in range(len(a)):
        s += a[i] * b[i]
    return s


def np_reductions(a):
    return np.sum(a), np.max(a), np.min(a), a.argmax()


def array_expr(a, b):
    return a * 2.0 + b * b - 1.0


def count_mask(a, mask):
    c = 0
    for i in range(a.shape[0]):
        if mask[i] and a[i] > 0.0:
            c += 1
    return c


def bool_array_out(a, t):
    out = np.empty(a.shape[0], dtype=np.bool_)
    for i in range(a.shape[0]):
        out[i] = a[i] > t
    return out


def int32_array_sum(a):
    s = 0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def reverse_range(a):
    s = 0.0
    k = 1.0
    for i in range(a.shape[0] - 1, -1, -2):
        s += k * a[i]
        k += 0.5
    return s


def cumsum_new(a):
    out = np.empty(a.shape[0])
    acc = 0.0
    for i in range(a.shape[0]):
        acc += a[i]
        out[i] = acc
    return out


def first_index_above(a, t):
    # early return from inside a loop
    for i in range(a.shape[0]):
        if a[i] > t:
            return i
    return -1


def break_continue(a):
    s = 0.0
    for i in range(a.shape[0]):
        if a[i] < 0.0:
            continue
        if a[i] > 0.9:
            break
        s += a[i]
    return s


def while_loop_threshold(a, t):
    i = 0
    s = 0.0
    while i < a.shape[0] and s < t:
        s += a[i] * a[i]
        i += 1
    return i, s


def minmax_via_helper(a):
    lo, hi = h_minmax(a)
    return hi - lo, h_square(hi), h_clamp(lo, -0.5, 0.5)


def index_check_raise(a, i):
    if i < 0 or i >= a.shape[0]:
        raise IndexError("index out of range")
    return a[i]


def inplace_scale(a, s):
    for i in range(a.shape[0]):
        a[i] *= s


def inplace_prefix_sum(a):
    for i in range(1, a.shape[0]):
        a[i] += a[i - 1]


def inplace_axpy_helper(alpha, x, y):
    h_axpy(alpha, x, y)
    return y.sum()


def inplace_partial_then_raise(a, k):
    # mutates the array, then maybe raises: harness can compare mutation too
    for i in range(a.shape[0]):
        a[i] = a[i] + 1.0
    if k == 0:
        raise ZeroDivisionError("k is zero")
    return a[0] / k


# ---------------------------------------------------------------------------
# 2-D / 3-D arrays
# ---------------------------------------------------------------------------

def sum2d(a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += a[i, j] * (i + 1) - j
    return s


def matmul_new(a, b):
    n, k = a.shape
    m = b.shape[1]
    c = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            acc = 0.0
            for p in range(k):
                acc += a[i, p] * b[p, j]
            c[i, j] = acc
    return c


def outer_zeros(x, y):
    out = np.zeros((x.shape[0], y.shape[0]))
    for i in range(x.shape[0]):
        for j in range(y.shape[0]):
            out[i, j] = x[i] * y[j]
    return out


def row_sums_tuple(a):
    r = np.zeros(a.shape[0])
    c = np.zeros(a.shape[1])
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            r[i] += a[i, j]
            c[j] += a[i, j]
    return r, c


def inplace_2d_update(a):
    for i in range(1, a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] = a[i, j] - 0.5 * a[i - 1, j]


def sum3d_weighted(a, w):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            for k in range(a.shape[2]):
                s += a[i, j, k] * w[k] + i * j
    return s


def alloc3d(n, m, p):
    out = np.zeros((n, m, p))
    for i in range(n):
        for j in range(m):
            for k in range(p):
                out[i, j, k] = i * 100 + j * 10 + k
    return out


def shape_and_size(a):
    return a.shape[0] * 1000 + a.shape[1] * 10 + a.ndim, a.size


def nested_break_2d(a, t):
    # nested loops with break out of the inner loop and a flag
    found_i = -1
    found_j = -1
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if a[i, j] > t:
                found_i = i
                found_j = j
                break
        if found_i >= 0:
            break
    return found_i, found_j


# ---------------------------------------------------------------------------
# tuples
# ---------------------------------------------------------------------------

def tuple_arg_mixed(t):
    n, x, y = t
    return n * x + y


def tuple_arg_arrays(t):
    a, b = t
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] - b[i]
    return s


def tuple_return_nested(x, n):
    return (x, n), (x * 2.0, n + 1, x > 0.0)


def divmod_tuple(a, b):
    q, r = divmod(a, b)
    return q, r


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

def _vec(seed, n=16, lo=-1.0, hi=1.0):
    return _rng(seed).uniform(lo, hi, n)


def _mat(seed, shape, lo=-1.0, hi=1.0):
    return _rng(seed).uniform(lo, hi, shape)


CASES = [
    # scalar ints
    Case("int_add_mul", int_add_mul, lambda: (7, -3, 11)),
    Case("int_bitops", int_bitops, lambda: (0x5A5A, 0x0F0F)),
    Case("int_floordiv_mod", int_floordiv_mod, lambda: (17, 5)),
    Case("int_floordiv_mod_neg", int_floordiv_mod, lambda: (17, -5)),
    Case("int_floordiv_zero_ok", int_floordiv_zero, lambda: (17, 4)),
    Case("int_floordiv_zero", int_floordiv_zero, lambda: (17, 0),
         raises=ZeroDivisionError),
    Case("int_mod_zero_ok", int_mod_zero, lambda: (-17, 4)),
    Case("int_mod_zero", int_mod_zero, lambda: (17, 0),
         raises=ZeroDivisionError),
    Case("int32_arith", int32_arith, lambda: (np.int32(1234), np.int32(-77))),
    Case("lcg_wrap", lcg_wrap, lambda: (12345, 50)),
    Case("collatz_steps", collatz_steps, lambda: (27,)),
    Case("gcd_via_helper", gcd_via_helper, lambda: (462, 1071)),
    Case("int_pow_abs_minmax", int_pow_abs_minmax, lambda: (5, 12)),
    Case("const_table_lookup", const_table_lookup, lambda: (13,)),
    # scalar floats
    Case("f64_poly", f64_poly, lambda: (1.3, -0.7)),
    Case("f32_arith", f32_arith, lambda: (np.float32(1.5), np.float32(0.3))),
    Case("mixed_int_float", mixed_int_float, lambda: (7, 2.5)),
    Case("float_floordiv_mod", float_floordiv_mod, lambda: (7.5, -2.0)),
    Case("float_div_zero_ok", float_div_zero, lambda: (0.25,)),
    Case("float_div_zero", float_div_zero, lambda: (0.0,),
         raises=ZeroDivisionError),
    Case("float_to_int", float_to_int, lambda: (-2.75,)),
    Case("ternary_select", ternary_select, lambda: (0.5, 0.75)),
    Case("module_constant", module_constant, lambda: (2.0,)),
    Case("math_funcs_f64", math_funcs_f64, lambda: (0.7, 1.9)),
    Case("math_funcs_f32", math_funcs_f32,
         lambda: (np.float32(0.7), np.float32(1.9))),
    Case("math_floor_ceil_trunc", math_floor_ceil_trunc, lambda: (-3.5,)),
    Case("math_special_values", math_special_values, lambda: (0.0,)),
    Case("sqrt_checked_ok", sqrt_checked, lambda: (2.0,)),
    Case("sqrt_checked", sqrt_checked, lambda: (-1.0,), raises=ValueError),
    Case("raise_value_error_ok", raise_value_error, lambda: (3.0,)),
    Case("raise_value_error", raise_value_error, lambda: (-3.0,),
         raises=ValueError),
    Case("assert_positive_ok", assert_positive, lambda: (4,)),
    Case("assert_positive", assert_positive, lambda: (-4,),
         raises=AssertionError),
    # bools
    Case("bool_logic", bool_logic, lambda: (True, False, True)),
    Case("bool_logic_np", bool_logic,
         lambda: (np.bool_(False), np.bool_(True), np.bool_(True))),
    Case("bool_compare_chain", bool_compare_chain, lambda: (1.0, 2.0, 2.0)),
    Case("bool_to_int", bool_to_int, lambda: (True, True)),
    # 1-D arrays
    Case("sum1d", sum1d, lambda: (_vec(1),)),
    Case("sum1d_strided", sum1d, lambda: (_vec(2, 31)[::2],)),
    Case("sum1d_negstride", sum1d, lambda: (_vec(3, 20)[::-3],)),
    Case("dot1d", dot1d, lambda: (_vec(4), _vec(5))),
    Case("dot1d_f32_strided", dot1d,
         lambda: (_vec(6, 20).astype(np.float32)[1::2],
                  _vec(7, 10).astype(np.float32))),
    Case("np_reductions", np_reductions, lambda: (_vec(8),)),
    Case("array_expr", array_expr, lambda: (_vec(9), _vec(10))),
    Case("count_mask", count_mask,
         lambda: (_vec(11), _rng(12).uniform(size=16) > 0.4)),
    Case("bool_array_out", bool_array_out, lambda: (_vec(13), 0.1)),
    Case("int32_array_sum", int32_array_sum,
         lambda: (_rng(14).integers(-1000, 1000, 25).astype(np.int32),)),
    Case("reverse_range", reverse_range, lambda: (_vec(15, 11),)),
    Case("cumsum_new", cumsum_new, lambda: (_vec(16),)),
    Case("cumsum_new_strided", cumsum_new, lambda: (_vec(17, 30)[3::4],)),
    Case("first_index_above", first_index_above, lambda: (_vec(18), 0.8)),
    Case("first_index_above_none", first_index_above,
         lambda: (_vec(18), 5.0)),
    Case("break_continue", break_continue, lambda: (_vec(19, 40),)),
    Case("while_loop_threshold", while_loop_threshold,
         lambda: (_vec(20, 30), 2.0)),
    Case("minmax_via_helper", minmax_via_helper, lambda: (_vec(21),)),
    Case("index_check_raise_ok", index_check_raise, lambda: (_vec(22), 3)),
    Case("index_check_raise", index_check_raise, lambda: (_vec(22), 16),
         raises=IndexError),
    Case("inplace_scale", inplace_scale, lambda: (_vec(23), 1.5)),
    Case("inplace_scale_strided", inplace_scale,
         lambda: (_vec(24, 21)[::3], -2.0)),
    Case("inplace_prefix_sum", inplace_prefix_sum, lambda: (_vec(25),)),
    Case("inplace_prefix_sum_strided", inplace_prefix_sum,
         lambda: (_vec(26, 20)[::-2],)),
    Case("inplace_axpy_helper", inplace_axpy_helper,
         lambda: (0.75, _vec(27), _vec(28))),
    Case("inplace_partial_then_raise_ok", inplace_partial_then_raise,
         lambda: (_vec(29, 8), 3)),
    Case("inplace_partial_then_raise", inplace_partial_then_raise,
         lambda: (_vec(29, 8), 0), raises=ZeroDivisionError),
    # 2-D / 3-D arrays
    Case("sum2d", sum2d, lambda: (_mat(30, (5, 7)),)),
    Case("sum2d_transpose", sum2d, lambda: (_mat(31, (6, 4)).T,)),
    Case("sum2d_strided", sum2d, lambda: (_mat(32, (9, 12))[::2, 1::3],)),
    Case("matmul_new", matmul_new,
         lambda: (_mat(33, (4, 5)), _mat(34, (5, 3)))),
    Case("matmul_new_mixed_layout", matmul_new,
         lambda: (_mat(35, (5, 4)).T, _mat(36, (10, 6))[::2, ::2])),
    Case("outer_zeros", outer_zeros, lambda: (_vec(37, 5), _vec(38, 7))),
    Case("row_sums_tuple", row_sums_tuple, lambda: (_mat(39, (4, 6)),)),
    Case("inplace_2d_update", inplace_2d_update,
         lambda: (_mat(40, (5, 6)),)),
    Case("inplace_2d_update_transpose", inplace_2d_update,
         lambda: (_mat(41, (6, 5)).T,)),
    Case("sum3d_weighted", sum3d_weighted,
         lambda: (_mat(42, (3, 4, 5)), _vec(43, 5))),
    Case("sum3d_weighted_strided", sum3d_weighted,
         lambda: (_mat(44, (3, 8, 5))[:, ::2, ::-1], _vec(45, 5))),
    Case("alloc3d", alloc3d, lambda: (2, 3, 4)),
    Case("shape_and_size", shape_and_size, lambda: (_mat(46, (3, 8)),)),
    Case("nested_break_2d", nested_break_2d,
         lambda: (_mat(47, (6, 6)), 0.9)),
    # tuples
    Case("tuple_arg_mixed", tuple_arg_mixed, lambda: ((3, 1.5, -0.25),)),
    Case("tuple_arg_arrays", tuple_arg_arrays,
         lambda: ((_vec(48, 6), _vec(49, 6)),)),
    Case("tuple_return_nested", tuple_return_nested, lambda: (-1.5, 4)),
    Case("divmod_tuple", divmod_tuple, lambda: (-23, 4)),
]

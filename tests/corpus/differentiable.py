"""Differentiable corpus: plain Python functions for AD-vs-finite-difference tests.

The functions here are *not* decorated; a test harness is expected to compile
each ``DCase.fn`` with ``numba.njit`` and compare forward/reverse-mode
derivatives against central finite differences.

Each function takes float arguments (float64 scalars/arrays, a few float32
arrays) and optionally int arguments (sizes, step counts), and either

* returns a float scalar,
* returns a new float array, or
* writes its result in place into an output array argument and returns None.

``DCase`` fields
----------------
name       unique case name
fn         the plain Python function
make_args  returns a fresh tuple of example arguments (fixed-seed rng)
diff       tuple of argument indices that are differentiable
out        index of the in-place output argument, or None.  The output
           argument is also listed in ``diff`` when the function reads it
           before writing (e.g. in-place stencils / prefix sums); otherwise
           its initial contents do not affect the result.

All example points are chosen away from kinks/branch switches (max/abs/early
returns), away from singularities, and with moderate magnitudes so central
differences with h=1e-6 are well conditioned for the float64 cases.  float32
cases need a larger step (e.g. h ~ 1e-2 relative) and a loose tolerance.

Module-level ``@numba.njit`` helpers are called from several functions.
"""

import math
from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

import numba
import numpy as np


@dataclass(frozen=True)
class DCase:
    name: str
    fn: Callable
    make_args: Callable[[], Tuple[Any, ...]]
    diff: Tuple[int, ...]
    out: Optional[int] = None


def _rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# njit helpers
# ---------------------------------------------------------------------------

@numba.njit
def h_sq(x):
    return x * x


@numba.njit
def h_softplus(x):
    # numerically stable softplus; branch on sign (smooth function overall)
    if x > 0.0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))


@numba.njit
def h_lorenz(x, y, z, sigma, rho, beta):
    return sigma * (y - x), x * (rho - z) - y, x * y - beta * z


@numba.njit
def h_dot(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


@numba.njit
def h_scale_into(out, a, s):
    for i in range(a.shape[0]):
        out[i] = s * a[i]


# ---------------------------------------------------------------------------
# scalar functions
# ---------------------------------------------------------------------------

def poly_scalar(x, y):
    return 3.0 * x * x * y - 2.0 * x * y * y + x / (1.0 + y * y)


def math_mix(x, y):
    a = math.sin(x) * math.cos(y) + math.tan(0.5 * x)
    b = math.exp(0.3 * x) * math.log(y) + math.sqrt(y + x * x)
    c = math.pow(y, x) + math.tanh(x - y) + math.atan2(x, y)
    d = math.hypot(x, y) + math.erf(0.5 * x) + math.log1p(y) + math.expm1(0.2 * x)
    return a + b + c + d


def fabs_minmax(x, y):
    # kinks at x == 0, x == y, y == 2; example point is away from them
    return math.fabs(x) * y + max(x, y) ** 2 - min(y, 2.0) * x + abs(y - x)


def early_return_branch(x, y):
    if x > 1.0:
        return math.exp(-x) * y
    if x < -1.0:
        return x * x * y
    return math.sin(x) + y * y


def newton_sqrt(a):
    # Newton iteration with a data-dependent stopping criterion
    x = a if a > 1.0 else 1.0
    for _ in range(100):
        xn = 0.5 * (x + a / x)
        if math.fabs(xn - x) < 1e-14 * xn:
            x = xn
            break
        x = xn
    return x


def newton_kepler(m, e):
    # solve E - e sin(E) = M with a while loop, return E
    E = m
    d = 1.0
    it = 0
    while math.fabs(d) > 1e-15 and it < 50:
        d = (E - e * math.sin(E) - m) / (1.0 - e * math.cos(E))
        E = E - d
        it += 1
    return E


def series_exp(x):
    # Taylor series with data-dependent termination
    term = 1.0
    s = 1.0
    k = 1
    while math.fabs(term) > 1e-17 * math.fabs(s):
        term = term * x / k
        s += term
        k += 1
    return s


def rosenbrock2(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def softplus_sum(x, y):
    return h_softplus(x) + h_softplus(y) + h_sq(x - y)


# ---------------------------------------------------------------------------
# 1-D arrays, scalar result
# ---------------------------------------------------------------------------

def rosenbrock(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += 100.0 * (x[i + 1] - x[i] * x[i]) ** 2 + (1.0 - x[i]) ** 2
    return s


def dyn_loop_sum(x, n):
    # dynamic trip count: only the first n entries are used
    s = 0.0
    for i in range(n):
        s += math.sin(x[i]) * x[i] + 0.5 * x[i] * x[i]
    return s


def logsumexp(x):
    m = x[0]
    for i in range(1, x.shape[0]):
        if x[i] > m:
            m = x[i]
    s = 0.0
    for i in range(x.shape[0]):
        s += math.exp(x[i] - m)
    return m + math.log(s)


def horner(c, x):
    # c[0] + c[1] x + ... ; Horner from the top coefficient
    n = c.shape[0]
    p = c[n - 1]
    for i in range(n - 2, -1, -1):
        p = p * x + c[i]
    return p


def lennard_jones(pos, eps, sigma):
    # pairwise energy over i<j of an (n, 3) position array
    n = pos.shape[0]
    e = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            r2 = dx * dx + dy * dy + dz * dz
            sr2 = sigma * sigma / r2
            sr6 = sr2 * sr2 * sr2
            e += 4.0 * eps * (sr6 * sr6 - sr6)
    return e


def strided_dot(a, b):
    return h_dot(a, b) + h_dot(a, a)


def max_abs_norm(x):
    # max |x_i| and sum |x_i|; entries distinct in magnitude and away from 0
    m = 0.0
    s = 0.0
    for i in range(x.shape[0]):
        v = abs(x[i])
        s += v
        m = max(m, v)
    return m + 0.1 * s


def float32_sum_sq(x):
    s = np.float32(0.0)
    for i in range(x.shape[0]):
        s += x[i] * x[i] + np.float32(0.5) * x[i]
    return s


def float32_math(x, w):
    s = np.float32(0.0)
    for i in range(x.shape[0]):
        s += w[i] * math.tanh(x[i]) + math.exp(np.float32(0.1) * x[i])
    return s


def temp_alloc_smooth(x):
    # temporary allocated inside, filled, then reduced
    n = x.shape[0]
    t = np.empty(n)
    for i in range(n):
        t[i] = math.exp(0.5 * x[i]) - x[i]
    z = np.zeros(n)
    for i in range(1, n):
        z[i] = z[i - 1] + t[i] * t[i - 1]
    return z[n - 1] + t[0]


def while_accumulate(x, target):
    # while loop whose exit depends on data; at the example point the number
    # of iterations is far from switching
    s = 0.0
    i = 0
    while s < target:
        s += x[i % x.shape[0]] ** 2
        i += 1
    return s * x[0]


def sum2d_weighted(a, w):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += w[j] * math.sin(a[i, j]) * a[i, j]
    return s


def sum3d_cubic(a, w):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            for k in range(a.shape[2]):
                v = a[i, j, k]
                s += w[k] * v * v * v + (i + j) * v
    return s


def quadform(a, x):
    # x^T A x using a temporary
    n = x.shape[0]
    y = np.zeros(n)
    for i in range(n):
        for j in range(n):
            y[i] += a[i, j] * x[j]
    return h_dot(x, y)


# ---------------------------------------------------------------------------
# new array result
# ---------------------------------------------------------------------------

@numba.njit
def softmax_inline(x):
    m = x[0]
    for i in range(1, x.shape[0]):
        m = max(m, x[i])
    out = np.empty(x.shape[0])
    s = 0.0
    for i in range(x.shape[0]):
        out[i] = math.exp(x[i] - m)
        s += out[i]
    for i in range(x.shape[0]):
        out[i] /= s
    return out


def softmax_weighted(x):
    # p = softmax(x) (computed with a temporary), returns p * x.  (A plain
    # softmax has sum(p) == 1, so a sum-of-outputs FD check would be vacuous.)
    p = softmax_inline(x)
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = p[i] * x[i]
    return out


def lorenz_rk4(state, sigma, rho, beta, dt, nsteps):
    x = state[0]
    y = state[1]
    z = state[2]
    for _ in range(nsteps):
        k1x, k1y, k1z = h_lorenz(x, y, z, sigma, rho, beta)
        k2x, k2y, k2z = h_lorenz(x + 0.5 * dt * k1x, y + 0.5 * dt * k1y,
                                 z + 0.5 * dt * k1z, sigma, rho, beta)
        k3x, k3y, k3z = h_lorenz(x + 0.5 * dt * k2x, y + 0.5 * dt * k2y,
                                 z + 0.5 * dt * k2z, sigma, rho, beta)
        k4x, k4y, k4z = h_lorenz(x + dt * k3x, y + dt * k3y,
                                 z + dt * k3z, sigma, rho, beta)
        x = x + dt / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
        y = y + dt / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y)
        z = z + dt / 6.0 * (k1z + 2.0 * k2z + 2.0 * k3z + k4z)
    out = np.empty(3)
    out[0] = x
    out[1] = y
    out[2] = z
    return out


def thomas_solve(a, b, c, d):
    # tridiagonal solve: a sub-diagonal (a[0] unused), b diagonal,
    # c super-diagonal (c[n-1] unused), d right-hand side
    n = d.shape[0]
    cp = np.empty(n)
    dp = np.empty(n)
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        den = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / den
        dp[i] = (d[i] - a[i] * dp[i - 1]) / den
    x = np.empty(n)
    x[n - 1] = dp[n - 1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return x


def elementwise_math(x):
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        v = x[i]
        out[i] = (math.sin(v) + math.cos(2.0 * v) + math.exp(-v * v)
                  + math.log(1.0 + v * v) + math.sqrt(2.0 + v)
                  + math.tanh(v) + math.erf(v) + math.expm1(0.1 * v)
                  + math.log1p(0.5 + v * v) + math.pow(1.5 + v, 1.3))
    return out


def strided_map_2d(a):
    out = np.empty((a.shape[0], a.shape[1]))
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = a[i, j] * math.exp(-a[i, j]) + math.hypot(a[i, j], 1.0)
    return out


def float32_scale_new(x, s):
    out = np.empty(x.shape[0], dtype=np.float32)
    for i in range(x.shape[0]):
        out[i] = s * x[i] * x[i] - x[i]
    return out


# ---------------------------------------------------------------------------
# in-place output argument
# ---------------------------------------------------------------------------

def matvec_into(a, x, out):
    for i in range(a.shape[0]):
        s = 0.0
        for j in range(a.shape[1]):
            s += a[i, j] * x[j]
        out[i] = s


def prefix_product_inplace(x):
    # x[i] = x[i] * x[i-1], reads and writes the same array
    for i in range(1, x.shape[0]):
        x[i] = x[i] * x[i - 1]


def prefix_sum_inplace(x, n):
    for i in range(1, n):
        x[i] += x[i - 1]


def heat_inplace(u, r, nsteps):
    # explicit heat-equation stencil updated in place (keeps the old left
    # neighbour in a scalar), fixed boundary values
    n = u.shape[0]
    for _ in range(nsteps):
        prev = u[0]
        for i in range(1, n - 1):
            cur = u[i]
            u[i] = cur + r * (prev - 2.0 * cur + u[i + 1])
            prev = cur


def scale_into_helper(a, s, out):
    h_scale_into(out, a, s)
    for i in range(out.shape[0]):
        out[i] = out[i] * out[i] + math.sin(a[i])


def outer_into_3d(x, y, z, out):
    for i in range(x.shape[0]):
        for j in range(y.shape[0]):
            for k in range(z.shape[0]):
                out[i, j, k] = x[i] * math.cos(y[j]) + y[j] * z[k] * z[k]


def axpy_strided_inplace(alpha, x, y):
    # y (a strided view) is read and written
    for i in range(x.shape[0]):
        y[i] = alpha * x[i] + y[i] * y[i]


def clipped_relu_into(x, out):
    # max/min kinks at 0 and 1; example values are away from them
    for i in range(x.shape[0]):
        out[i] = min(max(x[i], 0.0), 1.0) * x[i] + 0.1 * x[i]


def float32_inplace_update(x, s):
    for i in range(1, x.shape[0]):
        x[i] = x[i] + s * x[i - 1] * x[i - 1]


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

def _u(seed, shape, lo, hi, dtype=np.float64):
    return _rng(seed).uniform(lo, hi, shape).astype(dtype)


def _lj_positions():
    # perturbed cubic lattice with spacing 1.2 (no close pairs)
    g = np.array([[i, j, k] for i in range(2) for j in range(2) for k in range(2)],
                 dtype=np.float64) * 1.2
    return g + _u(70, (8, 3), -0.05, 0.05)


def _distinct_magnitudes(seed, n):
    # entries away from 0 with distinct magnitudes (|max| unique by margin)
    mags = np.linspace(0.3, 2.0, n)
    signs = np.where(_rng(seed).uniform(size=n) > 0.5, 1.0, -1.0)
    x = mags * signs
    return x[_rng(seed + 1).permutation(n)]


def nearest_centroid_cost(x, c):
    # literal nearest-centroid search (a loop with no derivative work: reverse mode skips
    # it), then the squared distance to the chosen centroid
    s = 0.0
    for i in range(x.shape[0]):
        best = math.inf
        jmin = 0
        for j in range(c.shape[0]):
            d = (x[i] - c[j]) ** 2
            if d < best:
                best = d
                jmin = j
        t = x[i] - c[jmin]
        s += t * t * (1.0 + 0.1 * jmin)
    return s


def _centroid_args():
    # points well inside the cells of well-separated centroids: no ties, FD-safe
    c = np.array([-2.0, -0.5, 1.0, 2.5])
    x = np.array([-1.9, -0.4, 1.2, 2.3, -0.7, 0.8, 2.6, -2.2])
    return x, c


def _thomas_args():
    n = 10
    a = _u(80, n, -1.0, 1.0)
    c = _u(81, n, -1.0, 1.0)
    b = 4.0 + _u(82, n, 0.0, 1.0)  # diagonally dominant
    d = _u(83, n, -1.0, 1.0)
    return a, b, c, d


def _clip_vals():
    # values in (-1,-0.1) U (0.1, 0.9) U (1.1, 2): away from kinks at 0 and 1
    v = np.array([-0.8, -0.3, 0.2, 0.45, 0.7, 0.85, 1.3, 1.7, -0.15, 1.2])
    return v


CASES = [
    # scalar
    DCase("poly_scalar", poly_scalar, lambda: (0.7, -1.3), (0, 1)),
    DCase("math_mix", math_mix, lambda: (0.8, 1.7), (0, 1)),
    DCase("fabs_minmax", fabs_minmax, lambda: (-0.6, 1.4), (0, 1)),
    DCase("early_return_gt", early_return_branch, lambda: (1.7, 0.4), (0, 1)),
    DCase("early_return_mid", early_return_branch, lambda: (0.3, 0.4), (0, 1)),
    DCase("early_return_lt", early_return_branch, lambda: (-2.1, 0.9), (0, 1)),
    DCase("newton_sqrt", newton_sqrt, lambda: (7.3,), (0,)),
    DCase("newton_kepler", newton_kepler, lambda: (1.1, 0.3), (0, 1)),
    DCase("series_exp", series_exp, lambda: (1.3,), (0,)),
    DCase("rosenbrock2", rosenbrock2, lambda: (-0.4, 0.8), (0, 1)),
    DCase("softplus_sum", softplus_sum, lambda: (1.2, -0.7), (0, 1)),
    # 1-D arrays -> scalar
    DCase("rosenbrock", rosenbrock, lambda: (_u(1, 10, -1.0, 1.5),), (0,)),
    DCase("dyn_loop_sum", dyn_loop_sum, lambda: (_u(2, 20, -2.0, 2.0), 13), (0,)),
    DCase("logsumexp", logsumexp, lambda: (_u(3, 12, -2.0, 2.0),), (0,)),
    DCase("horner", horner, lambda: (_u(4, 8, -1.0, 1.0), 0.9), (0, 1)),
    DCase("lennard_jones", lennard_jones,
          lambda: (_lj_positions(), 0.8, 1.0), (0, 1, 2)),
    DCase("strided_dot", strided_dot,
          lambda: (_u(5, 30, -1.0, 1.0)[::3], _u(6, 20, -1.0, 1.0)[::-2]),
          (0, 1)),
    DCase("max_abs_norm", max_abs_norm, lambda: (_distinct_magnitudes(7, 9),), (0,)),
    DCase("nearest_centroid", nearest_centroid_cost, _centroid_args, (0, 1)),
    DCase("float32_sum_sq", float32_sum_sq,
          lambda: (_u(8, 10, -1.0, 1.0, np.float32),), (0,)),
    DCase("float32_math", float32_math,
          lambda: (_u(9, 8, -1.0, 1.0, np.float32),
                   _u(10, 8, 0.5, 1.5, np.float32)), (0, 1)),
    DCase("temp_alloc_smooth", temp_alloc_smooth,
          lambda: (_u(11, 12, -1.0, 1.0),), (0,)),
    DCase("while_accumulate", while_accumulate,
          lambda: (np.array([0.9, -0.7, 1.1, 0.6, -1.2]), 5.5), (0,)),
    DCase("sum2d_weighted", sum2d_weighted,
          lambda: (_u(12, (5, 6), -1.0, 1.0), _u(13, 6, 0.5, 1.5)), (0, 1)),
    DCase("sum2d_weighted_transpose", sum2d_weighted,
          lambda: (_u(14, (6, 5), -1.0, 1.0).T, _u(15, 6, 0.5, 1.5)), (0, 1)),
    DCase("sum2d_weighted_strided", sum2d_weighted,
          lambda: (_u(16, (10, 12), -1.0, 1.0)[1::2, ::2],
                   _u(17, 12, 0.5, 1.5)[::2]), (0, 1)),
    DCase("sum3d_cubic", sum3d_cubic,
          lambda: (_u(18, (3, 4, 5), -1.0, 1.0), _u(19, 5, -1.0, 1.0)), (0, 1)),
    DCase("sum3d_cubic_strided", sum3d_cubic,
          lambda: (_u(20, (3, 8, 5), -1.0, 1.0)[:, ::2, ::-1],
                   _u(21, 5, -1.0, 1.0)), (0, 1)),
    DCase("quadform", quadform,
          lambda: (_u(22, (6, 6), -1.0, 1.0), _u(23, 6, -1.0, 1.0)), (0, 1)),
    # new array result
    DCase("softmax_weighted", softmax_weighted,
          lambda: (_u(24, 10, -2.0, 2.0),), (0,)),
    DCase("lorenz_rk4", lorenz_rk4,
          lambda: (np.array([1.0, 1.5, 20.0]), 10.0, 28.0, 8.0 / 3.0, 0.01, 10),
          (0, 1, 2, 3, 4)),
    DCase("thomas_solve", thomas_solve, _thomas_args, (0, 1, 2, 3)),
    DCase("elementwise_math", elementwise_math,
          lambda: (_u(25, 10, -1.0, 1.0),), (0,)),
    DCase("strided_map_2d", strided_map_2d,
          lambda: (_u(26, (8, 9), -1.0, 1.0)[::2, 1::2],), (0,)),
    DCase("float32_scale_new", float32_scale_new,
          lambda: (_u(27, 8, -1.0, 1.0, np.float32), np.float32(0.7)), (0, 1)),
    # in-place output argument
    DCase("matvec_into", matvec_into,
          lambda: (_u(28, (5, 7), -1.0, 1.0), _u(29, 7, -1.0, 1.0), np.zeros(5)),
          (0, 1), out=2),
    DCase("matvec_into_strided", matvec_into,
          lambda: (_u(30, (7, 5), -1.0, 1.0).T, _u(31, 14, -1.0, 1.0)[::2],
                   np.zeros(10)[::2]),
          (0, 1), out=2),
    DCase("prefix_product_inplace", prefix_product_inplace,
          lambda: (_u(32, 10, 0.5, 1.5),), (0,), out=0),
    DCase("prefix_sum_inplace", prefix_sum_inplace,
          lambda: (_u(33, 15, -1.0, 1.0), 11), (0,), out=0),
    DCase("heat_inplace", heat_inplace,
          lambda: (np.sin(np.linspace(0.0, math.pi, 16)) + _u(34, 16, 0.0, 0.1),
                   0.3, 5),
          (0, 1), out=0),
    DCase("scale_into_helper", scale_into_helper,
          lambda: (_u(35, 9, -1.0, 1.0), 1.3, np.zeros(9)), (0, 1), out=2),
    DCase("outer_into_3d", outer_into_3d,
          lambda: (_u(36, 3, -1.0, 1.0), _u(37, 4, -1.0, 1.0),
                   _u(38, 5, -1.0, 1.0), np.zeros((3, 4, 5))),
          (0, 1, 2), out=3),
    DCase("axpy_strided_inplace", axpy_strided_inplace,
          lambda: (0.6, _u(39, 6, -1.0, 1.0), _u(40, 18, -1.0, 1.0)[::3]),
          (0, 1, 2), out=2),
    DCase("clipped_relu_into", clipped_relu_into,
          lambda: (_clip_vals(), np.zeros(10)), (0,), out=1),
    DCase("float32_inplace_update", float32_inplace_update,
          lambda: (_u(41, 8, -0.5, 0.5, np.float32), np.float32(0.4)),
          (0, 1), out=0),
]

"""Benchmark kernels written as plain Python loops (Numba-compilable)."""
import math

import numpy as np


def pairwise_energy(x, n):
    """Soft pairwise potential over all i < j: O(n^2) scalar work."""
    s = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = x[i] - x[j]
            s += 1.0 / (1.0 + d * d)
    return s


def lorenz_rk4(state, params, n_steps, dt):
    x = state.copy()
    k = np.empty((4, 3))
    tmp = np.empty(3)
    sigma, rho, beta = params[0], params[1], params[2]
    for _ in range(n_steps):
        for s in range(4):
            if s == 0:
                for i in range(3):
                    tmp[i] = x[i]
            else:
                h = dt if s == 3 else 0.5 * dt
                for i in range(3):
                    tmp[i] = x[i] + h * k[s - 1, i]
            k[s, 0] = sigma * (tmp[1] - tmp[0])
            k[s, 1] = tmp[0] * (rho - tmp[2]) - tmp[1]
            k[s, 2] = tmp[0] * tmp[1] - beta * tmp[2]
        for i in range(3):
            x[i] += dt / 6.0 * (k[0, i] + 2.0 * k[1, i] + 2.0 * k[2, i] + k[3, i])
    return x[0] * x[0] + x[1] * x[1] + x[2] * x[2]


def heat_double_buffer(u, steps, alpha):
    """The same stencil double-buffered: new values into a temporary, copied back."""
    n = u.shape[0]
    v = np.empty(n)
    for _ in range(steps):
        v[0] = u[0]
        v[n - 1] = u[n - 1]
        for i in range(1, n - 1):
            v[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        for i in range(n):
            u[i] = v[i]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def heat_inplace(u, steps, alpha):
    """Explicit 1-D heat stencil updated in place; returns the final energy."""
    n = u.shape[0]
    for _ in range(steps):
        left = u[0]
        for i in range(1, n - 1):
            cur = u[i]
            u[i] = cur + alpha * (left - 2.0 * cur + u[i + 1])
            left = cur
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def rosenbrock(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        a = 1.0 - x[i]
        b = x[i + 1] - x[i] * x[i]
        s += a * a + 100.0 * b * b
    return s


def softplus_sum(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += math.log1p(math.exp(x[i]))
    return s


def brusselator_residual(u, v, A, B, alpha):
    """2-D Brusselator reaction-diffusion on an N x M periodic grid: the sum of squares of the
    right-hand side (5-point Laplacian), i.e. the squared residual norm of a steady state.

        f_u = B + u^2 v - (A + 1) u + alpha * lap(u)
        f_v = A u - u^2 v           + alpha * lap(v)
        returns sum_ij f_u[i, j]^2 + f_v[i, j]^2
    """
    n = u.shape[0]
    m = u.shape[1]
    s = 0.0
    for i in range(n):
        ip = i + 1 if i + 1 < n else 0
        im = i - 1 if i > 0 else n - 1
        for j in range(m):
            jp = j + 1 if j + 1 < m else 0
            jm = j - 1 if j > 0 else m - 1
            uij = u[i, j]
            vij = v[i, j]
            lap_u = u[ip, j] + u[im, j] + u[i, jp] + u[i, jm] - 4.0 * uij
            lap_v = v[ip, j] + v[im, j] + v[i, jp] + v[i, jm] - 4.0 * vij
            uuv = uij * uij * vij
            fu = B + uuv - (A + 1.0) * uij + alpha * lap_u
            fv = A * uij - uuv + alpha * lap_v
            s += fu * fu + fv * fv
    return s


def gmm_objective_wrapper():
    """The ADBench GMM objective (loop form) lives in the package
    (``zymase.gradbench.adbench.gmm``, shared with the tests); re-exported here."""
    from zymase.gradbench.adbench.gmm import gmm_objective, load_gmm
    return gmm_objective, load_gmm

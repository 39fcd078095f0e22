"""SciPy's optimisers and stiff ODE solvers with zymase derivatives, against finite differences.

Four small problems, each solved twice — once with SciPy's own finite differences, once with
zymase derivatives from ``zymase.scipy_optimize`` — checking that both reach the same answer
and counting how often the objective / residual / right-hand side is evaluated:

* Rosenbrock (n = 8): ``minimize`` with BFGS (``jac=True``: value and gradient in one call)
  and trust-ncg (``hessp=``: Hessian-vector products by forward over reverse);
* a Gaussian mixture fit (2-D, K = 2, 12 parameters): ``minimize`` with BFGS;
* nonlinear least squares: an exponential-decay curve fit (dense Jacobian) and the Broyden
  tridiagonal system (n = 500, ``jac_sparsity`` + a sparse zymase Jacobian, 3 lanes);
* the Robertson chemical kinetics ODE (stiff): ``solve_ivp`` with BDF, Radau and LSODA.

    python examples/scipy_examples.py      # prints the evaluation-count table

"f evaluations" counts every evaluation of the user's function — including those SciPy makes
for finite differences, which its ``nfev`` does not always include (least_squares' trf,
solve_ivp's BDF) — and, with zymase, the evaluations inside ``value_and_grad`` (one per call:
the value comes with the gradient).  The zymase derivative calls are listed beside them; each
computes its derivative exactly in one compiled call.
"""
import math
import os
import sys

import numba
import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import approx_fprime, least_squares, minimize
from scipy.sparse import diags

import zymase.scipy_optimize as zo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dask_gmm import gmm_data_term, gmm_prior  # noqa: E402


class Counted:
    """``fn`` with a call counter (for SciPy's finite-difference runs)."""

    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, *a):
        self.calls += 1
        return self.fn(*a)


# -- problems, written as plain loops -------------------------------------------------------------
@numba.njit
def rosenbrock(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        a = x[i + 1] - x[i] * x[i]
        b = 1.0 - x[i]
        s += 100.0 * a * a + b * b
    return s


@numba.njit
def gmm_fit_objective(theta, x, K, gamma, m):
    """MAP objective of a K-component mixture: −log-likelihood + Wishart penalty; θ packs
    alphas (K), means (K·d), icf (K·d(d+1)/2)."""
    d = x.shape[1]
    alphas = theta[:K]
    means = theta[K:K + K * d].reshape((K, d))
    icf = theta[K + K * d:].reshape((K, d * (d + 1) // 2))
    return -gmm_data_term(alphas, means, icf, x) + gmm_prior(alphas, means, icf, gamma, m)


@numba.njit
def decay_residuals(p, t, y):
    """y ≈ a·exp(−b t) + c·cos(ω t)."""
    r = np.empty(t.shape[0])
    for i in range(t.shape[0]):
        r[i] = p[0] * math.exp(-p[1] * t[i]) + p[2] * math.cos(p[3] * t[i]) - y[i]
    return r


@numba.njit
def broyden_tridiagonal(x):
    """SciPy's least_squares sparse example: f_i = (3 − x_i) x_i + 1 − x_{i−1} − 2 x_{i+1}."""
    n = x.shape[0]
    f = np.empty(n)
    for i in range(n):
        left = x[i - 1] if i > 0 else 0.0
        right = x[i + 1] if i < n - 1 else 0.0
        f[i] = (3.0 - x[i]) * x[i] + 1.0 - left - 2.0 * right
    return f


@numba.njit
def robertson(t, y, k1, k2, k3):
    out = np.empty(3)
    out[0] = -k1 * y[0] + k3 * y[1] * y[2]
    out[1] = k1 * y[0] - k2 * y[1] * y[1] - k3 * y[1] * y[2]
    out[2] = k2 * y[1] * y[1]
    return out


def robertson_exact_jacobian(t, y, k1, k2, k3):
    return np.array([[-k1, k3 * y[2], k3 * y[1]],
                     [k1, -2 * k2 * y[1] - k3 * y[2], -k3 * y[1]],
                     [0.0, 2 * k2 * y[1], 0.0]])


# -- runs ---------------------------------------------------------------------------------------
def _row(problem, method, fd_res, fd_evals, zy_res, zy_evals, zy_deriv, **extra):
    return dict(problem=problem, method=method, fd=fd_res, zy=zy_res, fd_evals=fd_evals,
                zy_evals=zy_evals, zy_deriv=zy_deriv, **extra)


ROSEN_X0 = np.array([1.3, 0.7, 0.8, 1.9, 1.2, 0.9, 1.1, 0.6])


def run_rosenbrock_bfgs():
    x0, n = ROSEN_X0, ROSEN_X0.size
    f = Counted(rosenbrock)
    fd = minimize(f, x0, method="BFGS", options={"gtol": 1e-8})
    vg = zo.value_and_grad(rosenbrock)
    zy = minimize(vg, x0, jac=True, method="BFGS", options={"gtol": 1e-8})
    return _row(f"Rosenbrock n={n}", "minimize BFGS", fd, f.calls, zy, vg.calls,
                {"value_and_grad": vg.calls})


def run_rosenbrock_trust_ncg():
    x0, n = ROSEN_X0, ROSEN_X0.size
    f = Counted(rosenbrock)
    eps = math.sqrt(np.finfo(float).eps)

    def fd_grad(x):
        return approx_fprime(x, f, eps)
    fd = minimize(f, x0, jac=fd_grad, hess="2-point", method="trust-ncg",
                  options={"gtol": 1e-8})
    vg, hp = zo.value_and_grad(rosenbrock), zo.hessp(rosenbrock)
    zy = minimize(vg, x0, jac=True, hessp=hp, method="trust-ncg", options={"gtol": 1e-8})
    return _row(f"Rosenbrock n={n}", "minimize trust-ncg", fd, f.calls, zy, vg.calls,
                {"value_and_grad": vg.calls, "hessp": hp.calls})


def gmm_problem(n=300, seed=3):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal([-2.0, 0.0], 0.6, (n // 2, 2)),
                        rng.normal([2.0, 1.0], [0.8, 0.4], (n - n // 2, 2))])
    K, d = 2, 2
    theta0 = np.concatenate([np.zeros(K), np.array([-1.0, 0.5, 1.0, 0.5]),
                             np.zeros(K * d * (d + 1) // 2)])
    return theta0, (x, K, 1.0, 0)


def run_gmm_bfgs():
    theta0, args = gmm_problem()
    f = Counted(gmm_fit_objective)
    fd = minimize(f, theta0, args=args, method="BFGS", options={"gtol": 1e-5})
    vg = zo.value_and_grad(gmm_fit_objective)
    zy = minimize(vg, theta0, args=args, jac=True, method="BFGS", options={"gtol": 1e-5})
    return _row("GMM fit d=2 K=2 (12 params)", "minimize BFGS", fd, f.calls, zy, vg.calls,
                {"value_and_grad": vg.calls})


def decay_problem(m=200, seed=4):
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 10.0, m)
    y = 2.5 * np.exp(-0.7 * t) + 0.8 * np.cos(1.9 * t) + 0.01 * rng.standard_normal(m)
    return np.array([1.0, 0.3, 0.5, 2.0]), (t, y)


def run_decay_least_squares():
    p0, args = decay_problem()
    f = Counted(decay_residuals)
    fd = least_squares(f, p0, args=args, method="trf", xtol=1e-14, ftol=1e-14, gtol=1e-14)
    r = Counted(decay_residuals)
    J = zo.jacobian(decay_residuals)
    zy = least_squares(r, p0, jac=J, args=args, method="trf", xtol=1e-14, ftol=1e-14,
                       gtol=1e-14)
    return _row("curve fit m=200 n=4", "least_squares trf (dense)", fd, f.calls, zy, r.calls,
                {"jacobian": J.calls})


def broyden_sparsity(n):
    return diags([1, 1, 1], [-1, 0, 1], shape=(n, n), dtype=int)


def run_broyden_sparse(n=500):
    x0 = -np.ones(n)
    S = broyden_sparsity(n)
    f = Counted(broyden_tridiagonal)
    fd = least_squares(f, x0, jac_sparsity=S, method="trf", xtol=1e-14, ftol=1e-14, gtol=1e-14)
    r = Counted(broyden_tridiagonal)
    J = zo.sparse_jacobian(broyden_tridiagonal, S)
    zy = least_squares(r, x0, jac=J, jac_sparsity=S, method="trf", xtol=1e-14, ftol=1e-14,
                       gtol=1e-14)
    return _row(f"Broyden tridiagonal n={n}", "least_squares trf (sparse)", fd, f.calls, zy,
                r.calls, {"sparse_jacobian": J.calls}, groups=J.n_groups)


ROBERTSON_ARGS = (0.04, 3.0e7, 1.0e4)


def run_robertson(method="BDF", t_end=1.0e5):
    y0 = np.array([1.0, 0.0, 0.0])
    kw = dict(args=ROBERTSON_ARGS, rtol=1e-8, atol=1e-10)
    f = Counted(robertson)
    fd = solve_ivp(f, (0.0, t_end), y0, method=method, **kw)
    r = Counted(robertson)
    J = zo.ode_jacobian(robertson)
    zy = solve_ivp(r, (0.0, t_end), y0, method=method, jac=J, **kw)
    return _row("Robertson ODE, t ≤ 1e5", f"solve_ivp {method}", fd, f.calls, zy, r.calls,
                {"ode_jacobian": J.calls})


ALL = [run_rosenbrock_bfgs, run_rosenbrock_trust_ncg, run_gmm_bfgs, run_decay_least_squares,
       run_broyden_sparse, lambda: run_robertson("BDF"), lambda: run_robertson("Radau"),
       lambda: run_robertson("LSODA")]


def _counts(res):
    parts = [f"nfev {res.nfev}"]
    for k in ("njev", "nhev"):
        v = getattr(res, k, None)
        if v is not None:
            parts.append(f"{k} {v}")
    return ", ".join(parts)


def table(rows) -> str:
    """Markdown table of the evaluation counts."""
    lines = ["| problem | SciPy method | f evaluations: finite differences | f evaluations: "
             "zymase | zymase derivative calls | SciPy's counts: FD → zymase |",
             "|---|---|---:|---:|---|---|"]
    for r in rows:
        deriv = ", ".join(f"{v} {k}" for k, v in r["zy_deriv"].items())
        lines.append(f"| {r['problem']} | {r['method']} | {r['fd_evals']} | {r['zy_evals']} | "
                     f"{deriv} | {_counts(r['fd'])} → {_counts(r['zy'])} |")
    return "\n".join(lines)


def main():
    rows = [run() for run in ALL]
    print(table(rows))
    return rows


if __name__ == "__main__":
    main()

"""The benchmark workloads: deterministic data, the zymase (plain-loop) version of each
objective, which arguments are differentiated, and the extra correctness checks.

Every workload is a scalar function ``f(*params)`` whose gradient is wanted with respect to
the parameters listed in ``wrt``.  The zymase version is the plain-loop Python function
(compiled by Numba for the primal, differentiated by ``zymase.autodiff_reverse``); the
competitor versions live in ``impl_jax.py``, ``impl_torch.py`` and ``impl_autograd.py`` and
receive the same ``data`` dict.  A gradient is always a list of NumPy arrays (scalars as 0-d
arrays) in ``wrt`` order, so any two tools can be compared element by element.

Sizes: ``quick=False`` gives the sizes named in issue 7 (pairwise n=2000, Lorenz 20 000 RK4
steps, heat 1000 points x 500 steps, Rosenbrock n=1e6, Brusselator 512x512, ADBench GMM
d=10 K=25 n=1000, ADBench LSTM l=2 c=1024); ``quick=True`` shrinks the scientific kernels
(the ADBench instances stay the same: they are already small).
"""
from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import kernels as K  # noqa: E402

ADBENCH = os.path.join(ROOT, "tests", "adbench", "data")
GRAD_KEY = "jacobian_calculation_correctness.expected_gradient"
OBJ_KEY = "objective_calculation_correctness.expected_scalar"


@dataclass
class Workload:
    name: str                    # key used on the command line and in file names
    title: str                   # label with the problem size
    fn: Callable                 # plain-loop Python function (or a numba dispatcher)
    params: List[str]            # parameter names, in call order
    acts: Dict[str, str]         # zymase activity per parameter: "dup", "active", "const"
    data: Dict[str, object]      # parameter values
    mutates: tuple = ()          # parameters the primal updates in place (copied per call)
    golden: Optional[Callable] = None   # (zymase derivative) -> list of (label, err, tol)
    agree_tol: float = 1e-8      # relative agreement required between tools' gradients
    agree_note: str = ""
    notes: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def wrt(self) -> List[str]:
        return [p for p in self.params if self.acts[p] != "const"]

    @property
    def n_wrt(self) -> int:
        return int(sum(np.size(self.data[p]) for p in self.wrt))

    def args(self, data=None):
        """Fresh positional arguments (copies of the arrays the primal mutates)."""
        d = self.data if data is None else data
        return [d[p].copy() if p in self.mutates else d[p] for p in self.params]


def _golden(name):
    with open(os.path.join(ADBENCH, name)) as f:
        return json.load(f)["values"]


def flat(grads) -> np.ndarray:
    return np.concatenate([np.asarray(g, dtype=np.float64).ravel() for g in grads])


def rel_err(a, b) -> float:
    """max |a - b| / max |b| over the flattened gradient (b is the reference)."""
    a, b = flat(a), flat(b)
    if a.shape != b.shape:
        return float("inf")
    scale = max(float(np.max(np.abs(b))), 1e-300)
    return float(np.max(np.abs(a - b)) / scale)


# --------------------------------------------------------------------------- workloads

def gmm(quick: bool) -> Workload:
    from tests.adbench.objectives import gmm_objective, load_gmm
    al, me, ic, x, gam, m = load_gmm(os.path.join(ADBENCH, "gmm", "1k", "gmm_d10_K25.txt"))
    data = dict(alphas=al, means=me, icf=ic, x=x, wishart_gamma=gam, wishart_m=m)

    def golden(call_grad):
        """Gradient on ADBench's gmm test instance (d=2, K=3, n=1) vs its golden vector."""
        from tests.adbench.objectives import gmm_flatten
        tal, tme, tic, tx, tg, tm = load_gmm(os.path.join(ADBENCH, "gmm", "test.txt"))
        vals = _golden("gmm_golden.json")
        y, g = call_grad([tal, tme, tic, tx, tg, tm])
        ge = float(np.max(np.abs(gmm_flatten(*g) - np.array(vals[GRAD_KEY]))))
        return [("golden objective (abs)", abs(y - vals[OBJ_KEY]), 1e-8),
                ("golden gradient (abs)", ge, 1e-8)]

    return Workload(
        "gmm", "ADBench GMM d=10 K=25 n=1000", gmm_objective,
        ["alphas", "means", "icf", "x", "wishart_gamma", "wishart_m"],
        dict(alphas="dup", means="dup", icf="dup", x="const", wishart_gamma="const",
             wishart_m="const"), data, golden=golden)


def lstm(quick: bool) -> Workload:
    from tests.adbench.objectives import load_lstm, lstm_flatten, lstm_objective
    mp, ep, st, sq = load_lstm(os.path.join(ADBENCH, "lstm", "lstm_l2_c1024.txt"))
    data = dict(main_params=mp, extra_params=ep, state=st, sequence=sq)

    def golden(call_grad):
        """ADBench's golden LSTM values are for this very instance (l=2, c=1024, b=14)."""
        vals = _golden("lstm_golden.json")
        y, g = call_grad([mp, ep, st, sq])
        ge = float(np.max(np.abs(lstm_flatten(*g) - np.array(vals[GRAD_KEY]))))
        return [("golden objective (abs)", abs(y - vals[OBJ_KEY]), 1e-8),
                ("golden gradient (abs)", ge, 1e-8)]

    return Workload(
        "lstm", "ADBench LSTM l=2 c=1024 b=14", lstm_objective,
        ["main_params", "extra_params", "state", "sequence"],
        dict(main_params="dup", extra_params="dup", state="const", sequence="const"), data,
        golden=golden)


def pairwise(quick: bool) -> Workload:
    n = 300 if quick else 2000
    x = np.random.default_rng(1).random(n)
    return Workload("pairwise", f"pairwise energy n={n}", K.pairwise_energy, ["x", "n"],
                    dict(x="dup", n="const"), dict(x=x, n=n))


def lorenz(quick: bool) -> Workload:
    steps = 1000 if quick else 20000
    return Workload(
        "lorenz", f"Lorenz RK4 {steps} steps", K.lorenz_rk4,
        ["state", "params", "n_steps", "dt"],
        dict(state="dup", params="dup", n_steps="const", dt="const"),
        dict(state=np.array([1.0, 1.0, 1.0]), params=np.array([10.0, 28.0, 8.0 / 3.0]),
             n_steps=steps, dt=0.001),
        # t = 20 on the chaotic attractor: the gradient is ~1e6 and two AD tools still agree
        # to ~4e-10, but finite differences need small steps (see directional_fd_check)
    )


def heat(quick: bool) -> Workload:
    n, steps = 1000, (50 if quick else 500)
    u = np.random.default_rng(2).random(n)
    return Workload("heat", f"heat stencil in place {n}x{steps}", K.heat_inplace,
                    ["u", "steps", "alpha"], dict(u="dup", steps="const", alpha="const"),
                    dict(u=u, steps=steps, alpha=0.2), mutates=("u",))


def rosenbrock(quick: bool) -> Workload:
    n = 10**5 if quick else 10**6
    x = np.random.default_rng(3).random(n)
    return Workload("rosenbrock", f"Rosenbrock n={n:.0e}".replace("e+0", "e"), K.rosenbrock,
                    ["x"], dict(x="dup"), dict(x=x))


def brusselator(quick: bool) -> Workload:
    n = 128 if quick else 512
    rng = np.random.default_rng(4)
    u = 1.0 + 0.1 * rng.random((n, n))
    v = 3.4 + 0.1 * rng.random((n, n))
    return Workload("brusselator", f"Brusselator 2-D {n}x{n}", K.brusselator_residual,
                    ["u", "v", "A", "B", "alpha"],
                    dict(u="dup", v="dup", A="active", B="active", alpha="active"),
                    dict(u=u, v=v, A=3.4, B=1.0, alpha=0.5))


ALL = {"gmm": gmm, "lstm": lstm, "pairwise": pairwise, "lorenz": lorenz, "heat": heat,
       "rosenbrock": rosenbrock, "brusselator": brusselator}


def get(name: str, quick: bool) -> Workload:
    return ALL[name](quick)


# --------------------------------------------------------------------------- FD checks

def directional_fd_check(w: Workload, primal: Callable, grads, n_dirs: int = 2, seed: int = 0):
    """Compare <grad, v> with a 4th-order central difference of the primal along random
    directions v, trying several step sizes and keeping the best (FD is only an
    approximation: its error is truncation ~h^4 plus rounding ~eps |f| / h; a long chaotic
    integration such as Lorenz over t = 20 needs h ~ 1e-6, smooth problems h ~ 1e-3).
    Returns the worst (over directions) relative error."""
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(n_dirs):
        dirs = {p: rng.standard_normal(np.shape(w.data[p])) for p in w.wrt}
        ad = sum(float(np.sum(np.asarray(g) * dirs[p])) for p, g in zip(w.wrt, grads))

        def f_at(t):
            d = dict(w.data)
            for p in w.wrt:
                base = np.asarray(w.data[p], dtype=np.float64)
                val = base + t * dirs[p]
                d[p] = float(val) if np.ndim(base) == 0 else val
            return primal(*w.args(d))

        best = math.inf
        for h in (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7):
            fd = (-f_at(2 * h) + 8 * f_at(h) - 8 * f_at(-h) + f_at(-2 * h)) / (12 * h)
            best = min(best, abs(fd - ad) / max(abs(ad), abs(fd), 1e-300))
        worst = max(worst, best)
    return worst

"""The benchmark workloads: deterministic data, the zymase (plain-loop) version of each
objective, which arguments are differentiated, and the extra correctness checks.

Two kinds.  *Gradient* workloads (``kind="gradient"``, the default) are described below.
*Jacobian* workloads (``kind="jacobian"``: ADBench bundle adjustment and hand tracking) have
a vector of residuals instead of a scalar; their ``jac`` field (a :class:`JacobianSpec`)
gives the Numba primal (residuals), the zymase Jacobian, how to apply a Jacobian to a
direction (for the finite-difference check) and the golden checks.  Every tool returns the
Jacobian in the same form, as a list of one array: ADBench's CSR nonzero values in ADBench's
order for BA (``vals``, 31 p entries; the structure is fixed by the observations), the dense
3N x 26 matrix for the hand.

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
    kind: str = "gradient"       # "gradient" (scalar objective) or "jacobian" (residuals)
    jac: Optional["JacobianSpec"] = None

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


@dataclass
class JacobianSpec:
    """What a Jacobian workload adds (see the module docstring)."""
    residuals: Callable          # (data) -> flat residual vector (Numba primal)
    make_zymase: Callable        # () -> jac(data) -> (residual vector, J)
    matvec: Callable             # (J, {param: direction}) -> J @ direction, flat
    golden: Optional[Callable] = None   # (jac) -> list of (label, err, tol)
    form: str = ""               # what J is, for the report


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
    from zymase.gradbench.adbench.gmm import gmm_objective, load_gmm
    al, me, ic, x, gam, m = load_gmm(os.path.join(ADBENCH, "gmm", "1k", "gmm_d10_K25.txt"))
    data = dict(alphas=al, means=me, icf=ic, x=x, wishart_gamma=gam, wishart_m=m)

    def golden(call_grad):
        """Gradient on ADBench's gmm test instance (d=2, K=3, n=1) vs its golden vector."""
        from zymase.gradbench.adbench.gmm import gmm_flatten
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
    from zymase.gradbench.adbench.lstm import load_lstm, lstm_flatten, lstm_objective
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


def _csr_matvec(rows, cols, vals, v):
    """y = J v for a CSR matrix (row offsets ``rows``)."""
    row_of = np.repeat(np.arange(len(rows) - 1), np.diff(rows))
    return np.bincount(row_of, weights=vals * v[cols], minlength=len(rows) - 1)


def ba(quick: bool) -> Workload:
    """ADBench bundle adjustment ba1 (49 cameras, 7776 points, 31 843 observations): the
    sparse 95 529 x 55 710 Jacobian of the reprojection and weight residuals."""
    from zymase.gradbench.adbench import ba as BA
    path = os.path.join(ADBENCH, "ba", "ba1_n49_m7776_p31843.txt")
    cams, X, w, obs, feats = BA.load_ba(path)
    n, m, p = cams.shape[0], X.shape[0], obs.shape[0]
    data = dict(cams=cams, X=X, w=w, obs=obs, feats=feats)
    rows, cols = BA.ba_sparsity(n, m, p, obs)

    def residuals(d):
        r, we = np.empty(2 * d["obs"].shape[0]), np.empty(d["obs"].shape[0])
        BA.ba_objective(d["cams"], d["X"], d["w"], d["obs"], d["feats"], r, we)
        return np.concatenate([r, we])

    def make_zymase():
        # checks=False: the @njit driver allocates every shadow itself (the shapes are
        # right by construction); tests/adbench/test_ba_hand.py checks both settings agree
        jac = BA.make_ba_jacobian(checks=False)

        def run(d):
            r, we, vals = jac(d["cams"], d["X"], d["w"], d["obs"], d["feats"])
            return np.concatenate([r, we]), vals
        return run

    def matvec(vals, dirs):
        v = np.concatenate([np.ravel(dirs["cams"]), np.ravel(dirs["X"]), dirs["w"]])
        return _csr_matvec(rows, cols, vals, v)

    def golden(run):
        """ADBench's golden BA test instance (n=2, m=10, p=10): residuals and the 310 CSR
        values."""
        vals = _golden("ba_golden.json")
        tc, tx, tw, to, tf = BA.load_ba(os.path.join(ADBENCH, "ba", "test.txt"))
        res, J = run(dict(cams=tc, X=tx, w=tw, obs=to, feats=tf))
        want = np.concatenate([
            vals["objective_calculation_correctness.expected_reproj_err"],
            vals["objective_calculation_correctness.expected_weight_err"]])
        je = np.array(vals["jacobian_calculation_correctness.expected_J_values"])
        return [("golden residuals (abs)", float(np.max(np.abs(res - want))), 1e-8),
                ("golden Jacobian values (abs)",
                 float(np.max(np.abs(J - je))) if J.shape == je.shape else math.inf, 1e-8)]

    return Workload(
        "ba", f"ADBench BA ba1 p={p}", BA.ba_objective,
        ["cams", "X", "w", "obs", "feats"],
        dict(cams="dup", X="dup", w="dup", obs="const", feats="const"), data,
        kind="jacobian",
        jac=JacobianSpec(residuals, make_zymase, matvec, golden,
                         form=f"n={n} cameras, m={m} points, p={p} observations: sparse "
                              f"{3 * p} x {11 * n + 3 * m + p} with {len(cols)} nonzeros, "
                              "in ADBench's CSR order"))


def hand(quick: bool) -> Workload:
    """ADBench hand tracking, simple variant, small model (22 bones, 544 vertices), 100
    correspondences: the dense 300 x 26 Jacobian."""
    from zymase.gradbench.adbench import hand as HT
    model = HT.load_hand_model(os.path.join(ADBENCH, "hand", "model"))
    theta, corr, points, _ = HT.load_hand_instance(
        os.path.join(ADBENCH, "hand", "simple_small", "hand1_t26_c100.txt"), False)
    params = ["theta", "parents", "base_relatives", "inverse_base_absolutes",
              "base_positions", "weights", "correspondences", "points"]
    data = dict(zip(params, (theta,) + tuple(HT.hand_model_args(model)) + (corr, points)))

    def residuals(d):
        err = np.empty(3 * d["correspondences"].shape[0])
        HT.hand_objective(*[d[q] for q in params], err)
        return err

    def make_zymase():
        jac = HT.make_hand_jacobian(complicated=False, checks=False)

        def run(d):
            mdl = model._replace(parents=d["parents"], base_relatives=d["base_relatives"],
                                 inverse_base_absolutes=d["inverse_base_absolutes"],
                                 base_positions=d["base_positions"], weights=d["weights"])
            return jac(d["theta"], mdl, d["correspondences"], d["points"])
        return run

    def golden(run):
        """ADBench's golden hand test instance (N=2): residuals and the 6 x 26 Jacobian."""
        vals = _golden("hand_golden.json")
        tt, tc, tp, _ = HT.load_hand_instance(os.path.join(ADBENCH, "hand", "test.txt"),
                                             False)
        d = dict(data, theta=tt, correspondences=tc, points=tp)
        res, J = run(d)
        want = np.array(vals["simple_objective_calculation_correctness.expected_objective"])
        je = np.array(vals["simple_jacobian_calculation_correctness.expected_jacobian"])
        return [("golden residuals (abs)", float(np.max(np.abs(res - want))), 1e-8),
                ("golden Jacobian (abs)",
                 float(np.max(np.abs(J - je))) if J.shape == je.shape else math.inf, 1e-8)]

    n = corr.shape[0]
    return Workload(
        "hand", f"ADBench hand simple N={n}", HT.hand_objective, params,
        dict({q: "const" for q in params}, theta="dup"), data, kind="jacobian",
        jac=JacobianSpec(residuals, make_zymase, lambda J, dirs: J @ dirs["theta"], golden,
                         form=f"small model: 22 bones, 544 vertices; dense {3 * n} x 26"))


ALL = {"gmm": gmm, "lstm": lstm, "pairwise": pairwise, "lorenz": lorenz, "heat": heat,
       "rosenbrock": rosenbrock, "brusselator": brusselator, "ba": ba, "hand": hand}


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


def directional_fd_check_jacobian(w: Workload, J, n_dirs: int = 2, seed: int = 0):
    """As :func:`directional_fd_check` for a Jacobian workload: ``J v`` against a 4th-order
    central difference of the residual vector along random directions v (error in the
    max-norm, relative to the larger of the two vectors' max-norms)."""
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(n_dirs):
        dirs = {p: rng.standard_normal(np.shape(w.data[p])) for p in w.wrt}
        ad = np.asarray(w.jac.matvec(J, dirs))

        def f_at(t):
            d = dict(w.data)
            for p in w.wrt:
                d[p] = np.asarray(w.data[p], dtype=np.float64) + t * dirs[p]
            return w.jac.residuals(d)

        best = math.inf
        for h in (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7):
            fd = (-f_at(2 * h) + 8 * f_at(h) - 8 * f_at(-h) + f_at(-2 * h)) / (12 * h)
            scale = max(float(np.max(np.abs(ad))), float(np.max(np.abs(fd))), 1e-300)
            best = min(best, float(np.max(np.abs(fd - ad))) / scale)
        worst = max(worst, best)
    return worst


def hand_pose_index(n_bones, n_theta):
    """ADBench's to_pose_params as gather indices into [theta, 0, 1]: rows (bones + 3) x 3
    of theta entries, the scale row (ones) and zeros (for the array-style implementations)."""
    zero, one = n_theta, n_theta + 1
    idx = [[0, 1, 2], [one] * 3, [3, 4, 5]] + [[zero] * 3 for _ in range(n_bones)]
    i_theta, i_pose = 6, 5
    for _finger in range(5):
        for joint in range(3):
            idx[i_pose][0] = i_theta
            i_theta += 1
            if joint == 0:
                idx[i_pose][1] = i_theta
                i_theta += 1
            i_pose += 1
        i_pose += 1
    return np.array(idx)

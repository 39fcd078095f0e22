"""Real-world corpus: third-party Numba code from PyPI, unchanged, differentiated by zymase.

    pip install -e '.[corpus]'          # numba-stats, pynndescent, quantecon
    python bench/realworld_corpus.py [--package NAME] [--quick] [--verbose]

Every case is a function as its package ships it (an ``@njit`` dispatcher, called with the
argument types its authors use), with inputs in the region where it is smooth.  Each is
differentiated in both modes with the activity API — float arrays ``Duplicated``/``Dual``,
float scalars ``Active``/``Dual``, integers and discrete arguments ``Const`` — and checked:

* reverse vs forward: ``<J v, w> == <v, Jᵀ w>`` for random ``v``, ``w`` (1e-9 relative);
* both against a central difference along ``v`` with a step-halving error estimate; a
  discrepancy counts only when it exceeds 10x the estimated FD error (and 1e-6 relative).
  Functions that compute in float32 (their results are exactly float32 numbers) get a larger
  step and a float32 tolerance for the forward/reverse agreement (1e-5).

Outcomes: ``correct``; ``refused`` (a ``ZymaseError``: zymase said it cannot, with a message;
grouped by message); ``wrong`` (a number that disagrees); ``crash`` (any other exception, or the
worker process dying — each package runs in a subprocess that is restarted after a crash);
``fd?`` (finite differences themselves unreliable at that point — reported, not counted as
correct).  Compile time is the first call of the reverse derivative (build + one call),
wall-clock and CPU time of the process (the CPU time is what an idle core would take).
Prints one line per package and the quantiles; exit status 1 if anything is wrong or crashed.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import time

import numpy as np

# --------------------------------------------------------------------------------------------
# the corpus: (package, name, loader, args, kinds) ; kinds per argument: a = active float
# array, s = active float scalar, c = constant
# --------------------------------------------------------------------------------------------
X_POS = [0.5, 1.0, 2.0, 3.1]
X_REAL = [-1.3, -0.4, 0.7, 1.9]
P_UNIT = [0.15, 0.4, 0.6, 0.85]

# numba-stats: distribution -> (x values, parameters); every _pdf/_logpdf/_cdf/_ppf it has
NUMBA_STATS = {
    "argus": ([0.3, 0.8, 1.2, 1.7], (1.0, 2.0, 0.5)),
    "chi2": (X_POS, (3.0, 0.0, 1.0)),
    "cmsshape": (X_POS, (0.5, 0.3, 1.0)),
    "crystalball": ([-3.0, -1.0, 0.2, 1.5], (1.5, 3.0, 0.0, 1.0)),
    "crystalball_ex": ([-3.0, -0.5, 0.4, 3.5], (1.5, 3.0, 1.0, 2.0, 4.0, 1.2, 0.1)),
    "expon": ([0.2, 1.0, 2.0, 3.0], (0.0, 1.5)),
    "exponnorm": ([-1.0, 0.0, 1.0, 2.5], (1.5, 0.0, 1.0)),
    "gamma": ([0.5, 1.0, 2.0, 4.0], (2.5, 0.0, 1.3)),
    "laplace": (X_REAL, (0.2, 1.1)),
    "lognorm": (X_POS, (0.6, 0.0, 1.2)),
    "ncx2": ([0.5, 1.0, 2.0, 4.0], (3.0, 1.5, 0.0, 1.0)),
    "norm": (X_REAL, (0.1, 1.3)),
    "novosibirsk": (X_REAL, (0.3, 0.0, 1.0)),
    "qgaussian": (X_REAL, (1.5, 0.0, 1.0)),
    "skewnorm": (X_REAL, (2.0, 0.0, 1.0)),
    "t": (X_REAL, (4.0, 0.0, 1.0)),
    "truncexpon": ([0.5, 1.0, 2.0, 2.8], (0.2, 3.0, 0.0, 1.5)),
    "truncexponnorm": ([-0.5, 0.0, 1.0, 2.5], (-1.0, 3.0, 1.5, 0.0, 1.0)),
    "truncnorm": ([-0.5, 0.0, 1.0, 1.5], (-1.0, 2.0, 0.1, 1.2)),
    "tsallis": (X_POS, (1.0, 2.0, 5.0)),
    "uniform": ([0.3, 0.7, 1.1, 1.7], (0.0, 2.0)),
    "voigt": (X_REAL, (0.5, 0.0, 1.0)),
}
NUMBA_STATS_DENSITY = {
    "bernstein": ([0.3, 0.7, 1.1, 1.7], (np.array([1.0, 2.0, 3.0]), 0.0, 2.0)),
    "cruijff": (X_REAL, (1.0, 1.5, 0.0, 1.0, 1.2)),
    "hypatia2": (X_REAL, (-1.0, 1.0, 0.0, 1.5, 2.0, 1.5, 2.0, 0.0, 1.0)),
}


def _numba_stats_cases():
    import importlib
    out = []
    for dist, (x, pars) in NUMBA_STATS.items():
        mod = importlib.import_module(f"numba_stats.{dist}")
        for fname in ("_pdf", "_logpdf", "_cdf", "_ppf"):
            if getattr(mod, fname, None) is None:
                continue
            first = P_UNIT if fname == "_ppf" else x
            args = [np.array(first)] + list(pars)
            out.append(("numba-stats", f"{dist}.{fname[1:]}", (f"numba_stats.{dist}", fname),
                        args, "a" + "s" * len(pars)))
    for dist, (x, pars) in NUMBA_STATS_DENSITY.items():
        mod = importlib.import_module(f"numba_stats.{dist}")
        for fname in ("_density", "_integral"):
            if getattr(mod, fname, None) is None:
                continue
            args = [np.array(x)] + [p.copy() if isinstance(p, np.ndarray) else p for p in pars]
            kinds = "a" + "".join("a" if isinstance(p, np.ndarray) else "s" for p in pars)
            out.append(("numba-stats", f"{dist}.{fname[1:]}", (f"numba_stats.{dist}", fname),
                        args, kinds))
    # discrete distributions: the count is Const, the rate active
    out.append(("numba-stats", "poisson.cdf", ("numba_stats.poisson", "_cdf"),
                [np.array([0.0, 1.0, 3.0, 5.0]), 2.5], "cs"))
    out.append(("numba-stats", "cpoisson.cdf", ("numba_stats.cpoisson", "_cdf"),
                [np.array([0.5, 1.5, 3.0, 5.0]), 2.5], "cs"))
    out.append(("numba-stats", "binom.cdf", ("numba_stats.binom", "_cdf"),
                [np.array([0.0, 1.0, 3.0, 5.0]), np.array([6.0, 6.0, 6.0, 6.0]), 0.4], "ccs"))
    return out


_RNG = np.random.default_rng(12345)
V1, V2 = _RNG.uniform(0.2, 1.0, 6), _RNG.uniform(0.2, 1.0, 6)
PROB1, PROB2 = V1 / V1.sum(), V2 / V2.sum()

# pynndescent.distances: metric -> extra arguments (after x, y) and their kinds
PYNNDESCENT = {
    "euclidean": ((), ""), "squared_euclidean": ((), ""),
    "standardised_euclidean": ((np.array([1.0, 2.0, 0.5, 1.5, 1.2, 0.8]),), "a"),
    "manhattan": ((), ""), "chebyshev": ((), ""), "minkowski": ((3.0,), "s"),
    "weighted_minkowski": ((np.array([1.0, 2.0, 0.5, 1.5, 1.2, 0.8]), 3.0), "as"),
    "mahalanobis": ((np.eye(6) + 0.1 * np.ones((6, 6)),), "a"),
    "canberra": ((), ""), "bray_curtis": ((), ""), "cosine": ((), ""),
    "alternative_cosine": ((), ""), "dot": ((), ""), "alternative_dot": ((), ""),
    "inner_product": ((), ""), "alternative_inner_product": ((), ""),
    "tsss": ((), ""), "true_angular": ((), ""), "correlation": ((), ""),
    "hellinger": ((), ""), "alternative_hellinger": ((), ""),
    "jensen_shannon_divergence": ((), ""), "symmetric_kl_divergence": ((), ""),
    "proxy_jensen_shannon": ((), ""), "proxy_symmetric_kl": ((), ""),
    "wasserstein_1d": ((), ""), "circular_kantorovich": ((), ""), "spearmanr": ((), ""),
    "haversine": ((), ""), "hamming": ((), ""), "jaccard": ((), ""), "dice": ((), ""),
    "matching": ((), ""), "russellrao": ((), ""), "sokal_michener": ((), ""),
    "rogers_tanimoto": ((), ""), "kulsinski": ((), ""), "yule": ((), ""),
    "sokal_sneath": ((), ""),
}
_PROBABILITY = {"hellinger", "alternative_hellinger", "jensen_shannon_divergence",
                "symmetric_kl_divergence", "proxy_jensen_shannon", "proxy_symmetric_kl",
                "wasserstein_1d", "circular_kantorovich"}


def _pynndescent_cases():
    out = []
    for name, (extra, kinds) in PYNNDESCENT.items():
        if name in _PROBABILITY:
            x, y = PROB1.copy(), PROB2.copy()
        elif name == "haversine":
            x, y = np.array([0.3, 0.5]), np.array([-0.2, 1.1])
        else:
            x, y = V1.copy() - 0.3, V2.copy() + 0.1
        args = [x, y] + [e.copy() if isinstance(e, np.ndarray) else e for e in extra]
        out.append(("pynndescent", f"distances.{name}", ("pynndescent.distances", name),
                    args, "aa" + kinds))
    return out


def _quantecon_cases():
    t = np.linspace(0.1, 1.0, 7)
    A = np.array([[0.9, 0.1], [-0.2, 0.8]])
    out = [
        ("quantecon", "std_norm_cdf", ("quantecon.markov.approximation", "std_norm_cdf"),
         [0.3], "s"),
        ("quantecon", "gini_coefficient", ("quantecon._inequality", "gini_coefficient"),
         [np.array([1.0, 2.5, 0.7, 3.2, 1.9])], "a"),
        ("quantecon", "lorenz_curve", ("quantecon._inequality", "lorenz_curve"),
         [np.array([0.7, 1.0, 1.9, 2.5, 3.2])], "a"),
        ("quantecon", "simulate_linear_model", ("quantecon._lss", "simulate_linear_model"),
         [A, np.array([1.0, -0.5]), np.ones((2, 6)) * 0.1, 6], "aaac"),
        ("quantecon", "qnwcheb1", ("quantecon.quad", "_qnwcheb1"), [5, -1.0, 2.0], "css"),
        ("quantecon", "qnwlege1", ("quantecon.quad", "_qnwlege1"), [5, -1.0, 2.0], "css"),
        ("quantecon", "qnwnorm1", ("quantecon.quad", "_qnwnorm1"), [5], "c"),
        ("quantecon", "qnwsimp1", ("quantecon.quad", "_qnwsimp1"), [5, -1.0, 2.0], "css"),
        ("quantecon", "qnwtrap1", ("quantecon.quad", "_qnwtrap1"), [5, -1.0, 2.0], "css"),
        ("quantecon", "qnwbeta1", ("quantecon.quad", "_qnwbeta1"), [5, 2.0, 3.0], "css"),
        ("quantecon", "qnwgamma1", ("quantecon.quad", "_qnwgamma1"), [5, 2.0, 1.5], "css"),
    ]
    for name in ("rosenbrock", "powell", "mccormick", "bohachevsky", "easom", "perm_function",
                 "rotated_hyper_ellipsoid", "booth", "zakharov", "colville", "styblinski_tang",
                 "goldstein_price", "sum_squared"):
        n = {"powell": 4, "colville": 4, "mccormick": 2, "bohachevsky": 2, "easom": 2,
             "booth": 2, "goldstein_price": 2}.get(name, 3)
        x = np.array([0.3, -0.4, 0.8, 0.25][:n])
        extra, kinds = ([1.5], "as") if name == "perm_function" else ([], "a")
        out.append(("quantecon", f"nelder_mead test {name}",
                    ("quantecon.optimize.tests.test_nelder_mead", name), [x] + extra, kinds))
    for name, x in (("func", 0.7), ("func_prime", 0.7), ("func_prime2", 0.7), ("func_two", 0.7),
                    ("func_two_prime", 0.7), ("func_two_prime2", 0.7)):
        out.append(("quantecon", f"root_finding test {name}",
                    ("quantecon.optimize.tests.test_root_finding", name), [x], "s"))
    out.append(("quantecon", "scalar_max test f", ("quantecon.optimize.tests.test_scalar_max",
                                                   "f"), [0.7], "s"))
    out.append(("quantecon", "scalar_max test g", ("quantecon.optimize.tests.test_scalar_max",
                                                   "g"), [0.7, 1.3], "ss"))
    return out


PACKAGES = {"numba-stats": ("numba_stats", _numba_stats_cases),
            "pynndescent": ("pynndescent", _pynndescent_cases),
            "quantecon": ("quantecon", _quantecon_cases)}


# --------------------------------------------------------------------------------------------
# checking one case (in the worker process)
# --------------------------------------------------------------------------------------------
def _load(where):
    import importlib
    mod, name = where
    return getattr(importlib.import_module(mod), name)


def _combine(args, kinds, dirs, h):
    return [a + h * d if k in "as" else a for a, k, d in zip(args, kinds, dirs)]


def _dot(y, w):
    if isinstance(y, tuple):
        return sum(_dot(a, b) for a, b in zip(y, w))
    return float(np.sum(np.asarray(y, dtype=float) * w))


def check_case(case):
    import numba
    import zymase
    from zymase import (Active, ActiveOnly, Const, Dual, DualOnly, Duplicated, DuplicatedOnly,
                        ZymaseError)
    _, name, where, args, kinds = case
    fn = _load(where)
    rng = np.random.default_rng(abs(hash(name)) % 2 ** 32)
    copy = lambda: [a.copy() if isinstance(a, np.ndarray) else a for a in args]  # noqa: E731
    try:
        y0 = fn(*copy())
    except Exception as e:  # noqa: BLE001 - the case itself is broken, not zymase
        return {"outcome": "harness", "why": f"primal call failed: {type(e).__name__}: {e}"}
    parts = y0 if isinstance(y0, tuple) else (y0,)
    if not all(isinstance(p, float) or (isinstance(p, np.ndarray) and p.dtype.kind == "f")
               for p in parts):
        return {"outcome": "harness", "why": "output is not made of float arrays/scalars"}
    w = tuple(rng.standard_normal(np.shape(p)) if isinstance(p, np.ndarray) else 1.0
              for p in parts)
    w = w if isinstance(y0, tuple) else w[0]
    dirs = [rng.standard_normal(np.shape(a)) if k in "as" else None
            for a, k in zip(args, kinds)]
    dirs = [float(d) if d is not None and np.ndim(d) == 0 else d for d in dirs]
    rev_acts = [Duplicated if k == "a" else Active if k == "s" else Const for k in kinds]
    fwd_acts = [Dual if k in "as" else Const for k in kinds]
    array_out = not isinstance(y0, float)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        drev = zymase.autodiff_reverse(fn, *rev_acts,
                                       ret=DuplicatedOnly if array_out else ActiveOnly)
        call, shadows = [], []
        for a, k in zip(copy(), kinds):
            call.append(a)
            if k == "a":
                shadows.append(np.zeros_like(a))
                call.append(shadows[-1])
        seed = (tuple(np.ascontiguousarray(x) for x in w) if isinstance(w, tuple)
                else np.ascontiguousarray(w) if array_out else 1.0)
        res = drev(*call, seed)
        compile_s = time.perf_counter() - t0
        compile_cpu = time.process_time() - c0
        adj = list(res) if isinstance(res, tuple) else ([] if res is None else [res])
        grads, si, ai = [], iter(shadows), iter(adj)
        for k in kinds:
            grads.append(next(si) if k == "a" else next(ai) if k == "s" else None)
        rev = sum(float(np.sum(g * d)) for g, d in zip(grads, dirs) if g is not None)
        dfwd = zymase.autodiff_forward(fn, *fwd_acts, ret=DualOnly)
        call = []
        for a, k, d in zip(copy(), kinds, dirs):
            call.append(a)
            if k in "as":
                call.append(np.array(d, dtype=float) if k == "a" else d)
        fwd = _dot(dfwd(*call), w)
    except ZymaseError as e:
        return {"outcome": "refused", "why": str(e).splitlines()[0][:160]}
    except Exception as e:  # noqa: BLE001 - anything else is a crash of zymase
        return {"outcome": "crash", "why": f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"}

    def at(h):
        return _dot(fn(*_combine(copy(), kinds, dirs, h)), w)

    def fd(h):   # 4th-order central difference
        return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h)
    # functions that compute in float32 (pynndescent's float32 accumulators) return values
    # that float32 represents exactly: their rounding noise needs a larger step, and forward
    # and reverse (which round in different orders) agree to float32 precision only
    single = all(np.all(np.float32(p) == p) for p in parts)
    h = 2e-2 if single else 1e-3
    # the stencil stays inside the domain: no coordinate moves by more than half its size
    shrink = min([1.0] + [0.5 * np.min(np.abs(a)) / (2 * h * np.max(np.abs(d)))
                          for a, k, d in zip(args, kinds, dirs)
                          if k == "a" and np.min(np.abs(a)) > 0])
    h *= shrink
    d1, d2 = fd(h), fd(h / 2)
    fd_err = abs(d1 - d2) * 16 / 15 + 1e-12 * max(1.0, abs(d2))
    fd_val = d2 + (d2 - d1) / 15           # Richardson on the 4th-order stencil
    f_mag = max(abs(_dot(p, p)) ** 0.5 for p in parts) if parts else 1.0
    scale = max(abs(fd_val), abs(rev), abs(fwd), 1e-7 * (1.0 + f_mag))
    info = {"compile_s": compile_s, "compile_cpu": compile_cpu, "rev": rev, "fwd": fwd, "fd": fd_val, "fd_err": fd_err,
            "float32": bool(single)}
    if not np.isfinite([rev, fwd]).all() and np.isfinite(fd_val):
        return dict(info, outcome="wrong", why="non-finite derivative")
    consistent = abs(rev - fwd) <= (1e-5 if single else 1e-9) * scale
    tol = max(10 * fd_err, 1e-6 * scale)
    if fd_err > 1e-3 * scale:
        return dict(info, outcome="fd?", why="finite differences unreliable here")
    if consistent and abs(rev - fd_val) <= tol:
        return dict(info, outcome="correct")
    return dict(info, outcome="wrong", why=f"rev {rev:.10g} fwd {fwd:.10g} fd {fd_val:.10g}")


def worker(package, start):
    cases = PACKAGES[package][1]()
    for k in range(start, len(cases)):
        case = cases[k]
        print(json.dumps({"index": k, "name": case[1], **check_case(case)}), flush=True)


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------
def run_package(package, verbose):
    import importlib
    try:
        importlib.import_module(PACKAGES[package][0])
    except ImportError:
        print(f"{package}: not installed (pip install -e '.[corpus]'); skipped")
        return []
    n = len(PACKAGES[package][1]())
    results, start = [], 0
    while start < n:
        proc = subprocess.run([sys.executable, __file__, "--worker", package, str(start)],
                              capture_output=True, text=True)
        done = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
        results += done
        start += len(done)
        if verbose:
            for r in done:
                t = (f"{r['compile_s']:6.2f}s {r['compile_cpu']:6.2f}s cpu"
                     if "compile_s" in r else " " * 18)
                print(f"  {package:12s} {r['name']:40s} {r['outcome']:8s} {t} {r.get('why', '')}")
        if proc.returncode != 0 and start < n:
            name = PACKAGES[package][1]()[start][1]
            why = f"worker died (status {proc.returncode}): {proc.stderr.strip().splitlines()[-1:]}"
            results.append({"index": start, "name": name, "outcome": "crash", "why": why})
            if verbose:
                print(f"  {package:12s} {name:40s} crash    {why}")
            start += 1
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--package", choices=sorted(PACKAGES), action="append")
    ap.add_argument("--verbose", action="store_true",
                    help="one line per case: outcome, first-call wall and CPU time")
    ap.add_argument("--json", metavar="PATH", help="write every case's result to PATH")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        worker(a.worker[0], int(a.worker[1]))
        return 0
    t0 = time.time()
    total = collections.Counter()
    times, cpus, refusals, bad = [], [], collections.Counter(), []
    everything = []
    print(f"{'package':14s} {'cases':>5s} {'correct':>7s} {'refused':>7s} {'wrong':>5s} "
          f"{'crash':>5s} {'fd?':>4s}   (harness: cases whose own primal call fails, "
          f"not counted)")
    for package in a.package or sorted(PACKAGES):
        res = [r for r in run_package(package, a.verbose) if r["outcome"] != "harness"]
        everything += [dict(r, package=package) for r in res]
        c = collections.Counter(r["outcome"] for r in res)
        total.update(c)
        times += [r["compile_s"] for r in res if "compile_s" in r]
        cpus += [r["compile_cpu"] for r in res if "compile_cpu" in r]
        for r in res:
            if r["outcome"] == "refused":
                refusals[r["why"]] += 1
            if r["outcome"] in ("wrong", "crash"):
                bad.append((package, r["name"], r["outcome"], r.get("why", "")))
        if res:
            print(f"{package:14s} {len(res):5d} {c['correct']:7d} {c['refused']:7d} "
                  f"{c['wrong']:5d} {c['crash']:5d} {c['fd?']:4d}")
    n = sum(total.values())
    print(f"{'total':14s} {n:5d} {total['correct']:7d} {total['refused']:7d} "
          f"{total['wrong']:5d} {total['crash']:5d} {total['fd?']:4d}"
          f"   ({100.0 * total['correct'] / max(n, 1):.1f}% correct)")
    if times:
        q = np.quantile(times, [0.5, 0.9, 1.0])
        print(f"first call of the reverse derivative (build + run): median {q[0]:.2f} s, "
              f"90th percentile {q[1]:.2f} s, max {q[2]:.2f} s")
        # CPU time of the same calls: what the build costs on an idle core (wall time on a
        # loaded machine also counts the waits for a core)
        q = np.quantile(cpus, [0.5, 0.9, 1.0])
        print(f"  its CPU time: median {q[0]:.2f} s, 90th percentile {q[1]:.2f} s, "
              f"max {q[2]:.2f} s")
    for why, k in refusals.most_common():
        print(f"  refused x{k}: {why}")
    for p, name, outcome, why in bad:
        print(f"  {outcome.upper()}: {p} {name}: {why}")
    print(f"({time.time() - t0:.0f} s)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(everything, f, indent=1)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

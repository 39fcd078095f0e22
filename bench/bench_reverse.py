"""Reverse-mode benchmark: gradient time / Numba primal time, measured side by side.

    python bench/bench_reverse.py [--quick]

Kernels from the reverse-mode issue: pairwise energy (n=2000), RK4 Lorenz (20 000 steps,
gradient w.r.t. initial state and parameters), 1-D heat stencil updated in place
(1000 x 500), ADBench GMM (d=10, K=25, n=1000, ADBench's file; d=64, K=25, n=1000 drawn as
ADBench's generator draws it), Rosenbrock (n=1e6).  Each gradient is checked against central
finite differences in a few random directions before it is timed.

GMM at d=64: with ADBench's distribution (icf and x standard normal) about 3 % of the
(point, component) posterior weights exp(main[k] - max) are subnormal (below 2.2e-308), and
the whole adjoint of that component's triangular product is scaled by one of them, so the
gradient spends most of its time in subnormal arithmetic (~50 cycles an operation on this
machine's Xeon); the row prints the share of such weights.
"""
import argparse
import os
import sys
import time

import numba
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import kernels as K  # noqa: E402

import zymase  # noqa: E402
from zymase import Active, Const, Duplicated  # noqa: E402


def best_pair(f, g, rounds=15):
    """Minimum times of ``f`` and ``g``, measured alternately so that both see the same
    machine state (frequency changes and neighbours' load hit both, not just one)."""
    tf, tg = [], []
    for _ in range(rounds):
        for fn, ts in ((f, tf), (g, tg)):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return min(tf), min(tg)


def run(name, f, args, acts, h=1e-6, **opts):
    primal = f if isinstance(f, numba.core.dispatcher.Dispatcher) else numba.njit(f)
    primal(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    t0 = time.perf_counter()
    df = zymase.autodiff_reverse(f, *acts, ret=Active, **opts)

    def call():
        cargs, shadows = [], []
        for a, act in zip(args, acts):
            cargs.append(a.copy() if isinstance(a, np.ndarray) else a)
            if act is Duplicated:
                s = np.zeros_like(a)
                shadows.append(s)
                cargs.append(s)
        cargs.append(1.0)
        return df(*cargs), shadows
    res, shadows = call()
    tcomp = time.perf_counter() - t0
    # validate: directional FD on the Duplicated inputs
    rng = np.random.default_rng(0)
    dup = [k for k, a in enumerate(acts) if a is Duplicated]
    v = [rng.standard_normal(args[k].shape) for k in dup]

    def shifted(step):
        a2 = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        for k, vk in zip(dup, v):
            a2[k] = a2[k] + step * vk
        return primal(*a2)
    fd = (shifted(h) - shifted(-h)) / (2 * h)
    fd2 = (shifted(2 * h) - shifted(-2 * h)) / (4 * h)
    ad = sum(float(np.vdot(vk, s)) for vk, s in zip(v, shadows))
    # FD's own error, estimated from two step sizes, bounds what the check can resolve
    tol = 10 * abs(fd - fd2) + 1e-7 * max(1.0, abs(fd))
    rel = abs(fd - ad) / max(1.0, abs(fd))
    if abs(fd - ad) > tol:
        raise SystemExit(f"{name}: gradient check failed (AD {ad}, FD {fd}, FD error ~{abs(fd - fd2):.1e})")
    tp, tg = best_pair(lambda: primal(*[a.copy() if isinstance(a, np.ndarray) else a for a in args]),
                       call)
    ratio = tg / tp
    print(f"{name:16s} primal {tp*1e3:9.3f} ms | gradient {tg*1e3:9.3f} ms | ratio {ratio:6.2f} | "
          f"tape {df.tape_bytes() / 1024:9.1f} KiB | compile {tcomp:5.2f} s | FD check {rel:.1e}")
    return ratio


def gmm_adbench_like(d, K, n, seed=0):
    """A GMM instance drawn as ADBench's ``gmm-data-gen.py`` draws its files (alphas, icf and
    x standard normal, means uniform on [0, 1), gamma 1, m 0), for sizes whose files are not
    in the repository."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(K), rng.random((K, d)), rng.standard_normal((K, d * (d + 1) // 2)),
            rng.standard_normal((n, d)), 1.0, 0)


def subnormal_weights(al, me, ic, x):
    """Share of the posterior weights exp(main[k] - max_k main) that are subnormal."""
    K, d = me.shape
    main = np.empty((x.shape[0], K))
    for k in range(K):
        Q = np.diag(np.exp(ic[k, :d]))
        rows, cols = [], []             # the strictly lower part, packed column by column
        for c in range(d):
            for r in range(c + 1, d):
                rows.append(r)
                cols.append(c)
        Q[rows, cols] = ic[k, d:]
        qx = (x - me[k]) @ Q.T
        main[:, k] = al[k] + ic[k, :d].sum() - 0.5 * (qx * qx).sum(1)
    w = np.exp(main - main.max(1, keepdims=True))
    return float(np.mean((w > 0) & (w < np.finfo(np.float64).tiny)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller problem sizes")
    q = ap.parse_args().quick
    np.random.seed(0)       # the same inputs every run: the FD check's own error depends on them
    gmm, load_gmm = K.gmm_objective_wrapper()
    here = os.path.dirname(__file__)
    al, me, ic, x, gam, m = load_gmm(os.path.join(here, "..", "tests", "adbench", "data", "gmm", "1k",
                                                  "gmm_d10_K25.txt"))
    n = 300 if q else 2000
    gmm64 = gmm_adbench_like(64, 25, 100 if q else 1000)
    print(f"gmm d64 K25: {100 * subnormal_weights(*gmm64[:4]):.1f} % of the posterior weights "
          f"are subnormal")
    rows = [
        run(f"pairwise n={n}", K.pairwise_energy, (np.random.rand(n), n), (Duplicated, Const)),
        run("lorenz rk4 20k", K.lorenz_rk4, (np.ones(3), np.array([10, 28, 8 / 3.]), 2000 if q else 20000, 0.001),
            (Duplicated, Duplicated, Const, Const)),
        run("heat 1000x500", K.heat_inplace, (np.random.rand(1000), 50 if q else 500, 0.2),
            (Duplicated, Const, Const)),
        run("heat 2-buffer 1000x500", K.heat_double_buffer,
            (np.random.rand(1000), 50 if q else 500, 0.2), (Duplicated, Const, Const)),
        run("gmm d10 K25", gmm, (al, me, ic, x, gam, m),
            (Duplicated, Duplicated, Duplicated, Const, Const, Const)),
        run("gmm d64 K25", gmm, gmm64, (Duplicated, Duplicated, Duplicated, Const, Const, Const)),
        run("  flush_subnormals", gmm, gmm64, (Duplicated, Duplicated, Duplicated, Const, Const, Const),
            flush_subnormals=True),
        run("rosenbrock 1e6", K.rosenbrock, (np.random.default_rng(3).random(10**5 if q else 10**6),), (Duplicated,)),
    ]
    r = np.array(rows)
    print(f"\ngradient/primal: geometric mean {np.exp(np.mean(np.log(r))):.2f}, worst {r.max():.2f}")


if __name__ == "__main__":
    main()

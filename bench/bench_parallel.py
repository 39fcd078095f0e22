"""Parallel loops: derivative time / parallel primal time at 1 and 2 threads, next to the
serial ratio (the same function compiled without ``parallel=True``).

    NUMBA_NUM_THREADS=2 python bench/bench_parallel.py [--small]

For each kernel (pairwise energy, pairwise forces, a 2-D stencil, the data-parallel GMM data
term, all with ``prange``): the serial primal and reverse-mode gradient; then for 1 and 2
threads the parallel primal, the parallel gradient, and their ratio.  The derivative of a
parallel loop runs in parallel (``zymase/transforms/parallel.py``), so the ratio should stay
near the serial one as threads are added.  Minimum of several runs; the machine should be
otherwise idle for the 2-thread numbers to mean anything; the columns take turns within every
repetition, so a change of load in the middle of a run skews none of them alone.
"""
import math
import os
import sys
import time

import numba
import numpy as np
from numba import prange

import zymase
from zymase import ActiveOnly, Const, Dual, DualOnly, Duplicated


def pair_energy(x):
    n = x.shape[0]
    e = 0.0
    for i in prange(n):
        for j in range(n):
            if j != i:
                dx = x[i, 0] - x[j, 0]
                dy = x[i, 1] - x[j, 1]
                dz = x[i, 2] - x[j, 2]
                e += 0.5 / math.sqrt(dx * dx + dy * dy + dz * dz + 0.01)
    return e


def pair_forces(x, f):
    n = x.shape[0]
    for i in prange(n):
        fx = 0.0
        fy = 0.0
        fz = 0.0
        for j in range(n):
            if j != i:
                dx = x[i, 0] - x[j, 0]
                dy = x[i, 1] - x[j, 1]
                dz = x[i, 2] - x[j, 2]
                r2 = dx * dx + dy * dy + dz * dz + 0.01
                w = 1.0 / (r2 * math.sqrt(r2))
                fx += w * dx
                fy += w * dy
                fz += w * dz
        f[i, 0] = fx
        f[i, 1] = fy
        f[i, 2] = fz
    s = 0.0
    for i in range(n):
        s += f[i, 0] * f[i, 0] + f[i, 1] * f[i, 1] + f[i, 2] * f[i, 2]
    return s


def stencil(u, out):
    n, m = u.shape
    for i in prange(1, n - 1):
        for j in range(1, m - 1):
            c = u[i, j]
            out[i, j] = (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - 4.0 * c
                         + 0.1 * math.sin(c) * c)
    s = 0.0
    for i in prange(n):
        for j in range(m):
            s += out[i, j] * out[i, j]
    return s


def gmm_data(alphas, means, icf, x):
    K, n, d = alphas.shape[0], x.shape[0], x.shape[1]
    total = 0.0
    for i in prange(n):
        xc = np.empty(d)
        qx = np.empty(d)
        terms = np.empty(K)
        for k in range(K):
            for j in range(d):
                xc[j] = x[i, j] - means[k, j]
                qx[j] = math.exp(icf[k, j]) * xc[j]
            idx = d
            for c in range(d):
                for r in range(c + 1, d):
                    qx[r] += icf[k, idx] * xc[c]
                    idx += 1
            sq = 0.0
            for j in range(d):
                sq += qx[j] * qx[j]
            sld = 0.0
            for j in range(d):
                sld += icf[k, j]
            terms[k] = alphas[k] + sld - 0.5 * sq
        tmax = terms[0]
        for k in range(1, K):
            tmax = max(tmax, terms[k])
        s = 0.0
        for k in range(K):
            s += math.exp(terms[k] - tmax)
        total += tmax + math.log(s)
    return total


def workloads(small):
    rng = np.random.default_rng(0)
    n_pair = 300 if small else 2000
    x = rng.uniform(-1, 1, (n_pair, 3))
    u = rng.standard_normal((200, 200) if small else (1500, 1500))
    K, d, n = (5, 5, 2000) if small else (10, 10, 20000)
    gmm = [rng.standard_normal(K), rng.standard_normal((K, d)),
           0.1 * rng.standard_normal((K, d * (d + 1) // 2)), rng.standard_normal((n, d))]
    # (name, function, args, activities: Duplicated arrays get a zero shadow, Const pass)
    return [
        ("pairwise energy", pair_energy, [x], [Duplicated]),
        ("pairwise forces", pair_forces, [x, np.zeros_like(x)], [Duplicated, Duplicated]),
        ("2-D stencil", stencil, [u, np.zeros_like(u)], [Duplicated, Duplicated]),
        ("GMM data term", gmm_data, gmm, [Duplicated, Duplicated, Duplicated, Const]),
    ]


def callers(fn, args, acts, mode="reverse"):
    """(primal call, derivative call) of ``fn`` on ``args`` (Duplicated arrays get a shadow)."""
    def call_primal():
        fn(*args)
    if mode == "forward":
        fwd = zymase.autodiff_forward(fn, *[Dual if a is Duplicated else a for a in acts],
                                      ret=DualOnly)
        tangents = [np.ones_like(a) for a, act in zip(args, acts) if act is Duplicated]

        def call_fwd():
            full, k = [], 0
            for a, act in zip(args, acts):
                full.append(a)
                if act is Duplicated:
                    full.append(tangents[k])
                    k += 1
            fwd(*full)
        return call_primal, call_fwd
    deriv = zymase.autodiff_reverse(fn, *acts, ret=ActiveOnly)

    def call_deriv():
        full = []
        for a, act in zip(args, acts):
            full.append(a)
            if act is Duplicated:
                full.append(np.zeros_like(a))
        deriv(*full, 1.0)
    return call_primal, call_deriv


def interleaved(cases, reps):
    """Minimum time of each ``(threads, call)`` case, the cases taking turns within every
    repetition, so that a change in the machine's load hits every column alike."""
    best = [float("inf")] * len(cases)
    for _ in range(reps):
        for k, (threads, call) in enumerate(cases):
            numba.set_num_threads(threads)
            t0 = time.perf_counter()
            call()
            best[k] = min(best[k], time.perf_counter() - t0)
    return best


def main():
    small = "--small" in sys.argv
    reps = 3 if small else 7
    threads = [t for t in (1, 2) if t <= numba.config.NUMBA_NUM_THREADS]
    print(f"NUMBA_NUM_THREADS={numba.config.NUMBA_NUM_THREADS}, "
          f"threading layer: {numba.config.THREADING_LAYER}, cores: {os.cpu_count()}")
    for mode in ("reverse", "forward"):
        print(f"\n{mode} mode (derivative D, primal P, times in ms; ratio = D / P)")
        print(f"{'kernel':18s} {'serial P':>9s} {'serial D':>9s} {'ratio':>6s}   "
              + "   ".join(f"{'P@' + str(t):>8s} {'D@' + str(t):>8s} {'ratio':>6s}"
                           for t in threads)
              + f"   ratio@{threads[-1]} / serial ratio")
        for name, f, args, acts in workloads(small):
            ser = numba.njit(f)
            par = numba.njit(parallel=True)(f)
            cases = [(max(threads), c) for c in callers(ser, args, acts, mode)]
            par_calls = callers(par, args, acts, mode)
            cases += [(t, c) for t in threads for c in par_calls]
            for t, c in cases:          # compile, and size every kept buffer
                numba.set_num_threads(t)
                c()
            times = interleaved(cases, reps)
            tp_s, td_s = times[:2]
            row = f"{name:18s} {tp_s * 1e3:9.2f} {td_s * 1e3:9.2f} {td_s / tp_s:6.2f}"
            last = None
            for k, t in enumerate(threads):
                tp, td = times[2 + 2 * k: 4 + 2 * k]
                last = (td / tp) / (td_s / tp_s)
                row += f"   {tp * 1e3:8.2f} {td * 1e3:8.2f} {td / tp:6.2f}"
            row += f"   {last:6.2f}"
            print(row, flush=True)


if __name__ == "__main__":
    main()

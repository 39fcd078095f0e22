"""Gaussian mixture model gradient over a sharded data set on a Dask LocalCluster.

The objective is ADBench's GMM negative log-likelihood with a Wishart prior, written as plain
loops.  Its data term is a sum over points, so it splits exactly over shards of rows:

    objective(θ, X) = Σ_shards gmm_data_term(θ, X_s) + gmm_prior(θ)

Each Dask task runs one reverse-mode zymase call on its shard; the shard gradients are summed
in a tree; the prior's gradient is computed once on the client.  The result equals the
single-process gradient of ``gmm_objective`` to rounding (checked to 1e-12 relative).

    python examples/dask_gmm.py                    # 200 000 points, 2 worker processes
    python examples/dask_gmm.py --n 2000000 --workers 2 --chunk 250000

Parameters (ADBench layout): alphas (K,), means (K, d), icf (K, d(d+1)/2): the log of Q's
diagonal in icf[:, :d], Q's strictly lower part column by column in icf[:, d:].
"""
import argparse
import math
import time

import numba
import numpy as np

import zymase
import zymase.distributed


@numba.njit
def gmm_data_term(alphas, means, icf, x):
    """Σ_i logsumexp_k(α_k + Σ_j log Q_k[j,j] − ½‖Q_k (x_i − μ_k)‖²)
    − n·logsumexp(α) − n·d/2·log 2π, for the n rows of x."""
    K, n, d = alphas.shape[0], x.shape[0], x.shape[1]
    amax = alphas[0]
    for k in range(1, K):
        amax = max(amax, alphas[k])
    asum = 0.0
    for k in range(K):
        asum += math.exp(alphas[k] - amax)
    lse_alphas = amax + math.log(asum)

    sum_logdiag = np.empty(K)
    for k in range(K):
        s = 0.0
        for j in range(d):
            s += icf[k, j]
        sum_logdiag[k] = s

    xc = np.empty(d)
    qx = np.empty(d)
    terms = np.empty(K)
    total = 0.0
    for i in range(n):
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
            terms[k] = alphas[k] + sum_logdiag[k] - 0.5 * sq
        tmax = terms[0]
        for k in range(1, K):
            tmax = max(tmax, terms[k])
        s = 0.0
        for k in range(K):
            s += math.exp(terms[k] - tmax)
        total += tmax + math.log(s)
    return total - n * lse_alphas - n * d * 0.5 * math.log(2.0 * math.pi)


@numba.njit
def gmm_prior(alphas, means, icf, gamma, m):
    """ADBench's log Wishart prior term (no data): Σ_k ½γ²‖Q_k‖²_F − m Σ_j log Q_k[j,j],
    minus K times its normalising constant."""
    K, d = means.shape[0], means.shape[1]
    nw = d + m + 1
    log_gamma_d = 0.25 * d * (d - 1) * math.log(math.pi)
    for j in range(1, d + 1):
        log_gamma_d += math.lgamma(0.5 * nw + 0.5 * (1 - j))
    C = nw * d * (math.log(gamma) - 0.5 * math.log(2.0)) - log_gamma_d
    out = 0.0
    for k in range(K):
        frob = 0.0
        slog = 0.0
        for j in range(d):
            q = math.exp(icf[k, j])
            frob += q * q
            slog += icf[k, j]
        for p in range(d, icf.shape[1]):
            frob += icf[k, p] * icf[k, p]
        out += 0.5 * gamma * gamma * frob - m * slog
    return out - K * C


@numba.njit
def gmm_objective(alphas, means, icf, x, gamma, m):
    """The whole ADBench GMM objective in one process."""
    return gmm_data_term(alphas, means, icf, x) + gmm_prior(alphas, means, icf, gamma, m)


def make_params(K, d, seed=0):
    rng = np.random.default_rng(seed)
    alphas = rng.standard_normal(K)
    means = rng.random((K, d))
    icf = 0.5 * rng.standard_normal((K, d * (d + 1) // 2))
    return alphas, means, icf


# built once, compiled on first use: the prior's gradient here, the data term's on the workers
prior_value_and_grad = zymase.value_and_grad(gmm_prior, argnums=(0, 1, 2))


def distributed_value_and_grad(params, shards, gamma, m, client=None, split_every=8,
                               cache=False):
    """Whole-objective value and gradient: the data term on Dask, the prior here."""
    vg = zymase.distributed.sharded_value_and_grad(gmm_data_term, client=client,
                                                   split_every=split_every, cache=cache)
    v_data, g_data = vg(params, shards)
    v_prior, g_prior = prior_value_and_grad(*params, gamma, m)
    return v_data + v_prior, tuple(a + b for a, b in zip(g_data, g_prior))


def max_rel_err(g, ref):
    return max(float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))
               for a, b in zip(g, ref))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="data points")
    ap.add_argument("--d", type=int, default=5)
    ap.add_argument("--K", type=int, default=10)
    ap.add_argument("--chunk", type=int, default=25_000, help="points per shard")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)

    import dask.array as da
    from distributed import Client, LocalCluster

    gamma, m = 1.0, 0
    params = make_params(a.K, a.d)
    with LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        # the data are generated on the workers and stay there (persist): only gradients
        # travel back
        x = da.random.default_rng(1).standard_normal((a.n, a.d), chunks=(a.chunk, a.d))
        x = x.persist()
        t0 = time.perf_counter()
        value, grads = distributed_value_and_grad(params, x, gamma, m, client)
        t1 = time.perf_counter()
        value, grads = distributed_value_and_grad(params, x, gamma, m, client)
        t2 = time.perf_counter()
        stats = zymase.distributed.worker_stats(client)
        x_local = x.compute()

    # the reference: the whole objective's gradient in this process, in one call
    ref_vg = zymase.value_and_grad(gmm_objective, argnums=(0, 1, 2))
    t3 = time.perf_counter()
    ref_value, ref_grads = ref_vg(*params, x_local, gamma, m)
    t4 = time.perf_counter()
    ref_value, ref_grads = ref_vg(*params, x_local, gamma, m)
    t5 = time.perf_counter()
    err = max_rel_err(grads, ref_grads)
    print(f"GMM n={a.n} d={a.d} K={a.K}: {math.ceil(a.n / a.chunk)} shards on {a.workers} "
          f"worker processes")
    print(f"  objective {value:.12e}  (single process {ref_value:.12e})")
    print(f"  max relative gradient difference vs single process: {err:.2e} "
          f"({'OK' if err < 1e-12 else 'FAIL'}: the bound is 1e-12)")
    print(f"  first call (includes compilation on the workers) {t1 - t0:.2f} s, "
          f"second call {t2 - t1:.3f} s")
    for addr, s in sorted(stats.items()):
        print(f"  worker pid {s['pid']}: {s['tasks']} tasks, {s['calls']} derivative calls, "
              f"{s['builds']} build(s) ({s['build_seconds']:.2f} s)")
    print(f"  single process: first call (compiles) {t4 - t3:.2f} s, second call "
          f"{t5 - t4:.3f} s")
    if err >= 1e-12 or abs(value - ref_value) > 1e-12 * abs(ref_value):
        raise SystemExit("the sharded gradient differs from the single-process one")
    return value, grads, ref_value, ref_grads


if __name__ == "__main__":
    main()

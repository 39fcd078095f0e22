"""Scaling of a sharded GMM gradient on a Dask LocalCluster: 1 vs 2 (or more) worker processes.

For each worker count: start a LocalCluster (processes, one thread each), generate the data on
the workers (``dask.array`` random, persisted: only gradients travel), call the sharded
``value_and_grad`` of the GMM data term once (this compiles the derivative on every worker),
then time ``--repeat`` calls.  Prints per-call medians, the speedup over one worker, the
single-process time of the same gradient, and per-worker build counts (one build per worker,
however many tasks).  ``--naive`` also ships the derivative into each task without zymase's
per-process memo, to show what that would cost (one build per task).

    python bench/bench_dask.py                          # n = 400 000, d = 5, K = 10, 16 shards
    python bench/bench_dask.py --n 4000000 --workers 1,2,4

Not part of the test run.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))
sys.path.insert(0, os.path.join(HERE, ".."))

import zymase  # noqa: E402
import zymase.distributed as zd  # noqa: E402
from dask_gmm import gmm_data_term, make_params  # noqa: E402


def naive_task(df, params, x):
    """One shard, the derivative unpickled afresh by Dask for this task (no memo)."""
    alphas, means, icf = params
    ga, gm, gi = np.zeros_like(alphas), np.zeros_like(means), np.zeros_like(icf)
    t0 = time.perf_counter()
    df(alphas.copy(), ga, means.copy(), gm, icf.copy(), gi, x, 1.0)
    return os.getpid(), df.n_builds, time.perf_counter() - t0


def run(workers, a, params):
    import dask.array as da
    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=50) as cluster, \
            Client(cluster) as client:
        x = da.random.default_rng(1).standard_normal((a.n, a.d), chunks=(a.chunk, a.d))
        x = x.persist()
        client.wait_for_workers(workers)
        vg = zd.sharded_value_and_grad(gmm_data_term, client=client, cache=a.cache)
        t0 = time.perf_counter()
        v0, g0 = vg(params, x)
        first = time.perf_counter() - t0
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            v, g = vg(params, x)
            times.append(time.perf_counter() - t0)
        stats = zd.worker_stats(client)
        naive = None
        if a.naive and workers == max(a.workers):
            df = zymase.autodiff_reverse(gmm_data_term, zymase.Duplicated, zymase.Duplicated,
                                         zymase.Duplicated, zymase.Const, ret=zymase.Active)
            blocks = x.to_delayed().reshape(-1)[:a.naive]
            futs = [client.compute(b) for b in blocks]
            naive = client.gather(client.map(naive_task, [df] * len(futs), [params] * len(futs),
                                             futs, pure=False))
        xl = x.compute() if a.single else None
    return dict(first=first, times=times, stats=stats, value=v, grads=g, naive=naive, x=xl)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400_000)
    ap.add_argument("--d", type=int, default=5)
    ap.add_argument("--K", type=int, default=10)
    ap.add_argument("--chunk", type=int, default=None, help="points per shard (default n/16)")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cache", action="store_true", help="cache=True (ZYMASE_CACHE_DIR)")
    ap.add_argument("--naive", type=int, default=0, metavar="TASKS",
                    help="also run TASKS shard tasks that unpickle the derivative per task")
    ap.add_argument("--no-single", dest="single", action="store_false",
                    help="skip the single-process reference")
    a = ap.parse_args(argv)
    a.workers = [int(w) for w in a.workers.split(",")]
    a.chunk = a.chunk or max(1, a.n // 16)
    params = make_params(a.K, a.d)
    print(f"GMM data term, n={a.n} d={a.d} K={a.K}, {-(-a.n // a.chunk)} shards of {a.chunk}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    results = {}
    for w in a.workers:
        results[w] = r = run(w, a, params)
        med = statistics.median(r["times"])
        builds = [s["builds"] for s in r["stats"].values()]
        tasks = [s["tasks"] for s in r["stats"].values()]
        calls = 1 + a.repeat
        cpu = [s["call_cpu_seconds"] / calls for s in r["stats"].values()]
        wall = sum(s["call_seconds"] for s in r["stats"].values()) / calls
        print(f"  {w} worker(s): first call {r['first']:.2f} s (compiles), then median "
              f"{med:.3f} s/gradient; derivative calls: {wall:.3f} s wall summed over workers, "
              f"CPU per worker {[round(c, 3) for c in cpu]} s/gradient; "
              f"builds per worker {builds}, tasks per worker {tasks}")
        if r["naive"]:
            per_pid = {}
            for pid, b, _ in r["naive"]:
                per_pid[pid] = per_pid.get(pid, 0) + b
            print(f"  without the memo ({len(r['naive'])} tasks, derivative unpickled per task): "
                  f"builds per worker {sorted(per_pid.values())}, "
                  f"{sum(t for *_, t in r['naive']):.1f} s of task time")
    base = statistics.median(results[a.workers[0]]["times"])
    for w in a.workers[1:]:
        print(f"  speedup {a.workers[0]} -> {w} workers: "
              f"{base / statistics.median(results[w]['times']):.2f}x")
    if a.single:
        xl = results[a.workers[-1]]["x"]
        vg = zymase.value_and_grad(gmm_data_term, argnums=(0, 1, 2))
        vg(*params, xl)
        ts = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            v, g = vg(*params, xl)
            ts.append(time.perf_counter() - t0)
        ref = results[a.workers[-1]]
        err = max(float(np.max(np.abs(p - q)) / np.max(np.abs(q))) for p, q in zip(ref["grads"], g))
        print(f"  single process (no Dask): median {statistics.median(ts):.3f} s/gradient; "
              f"max relative difference of the sharded gradient {err:.1e}")


if __name__ == "__main__":
    main()

"""zymase.distributed on a 2-process Dask LocalCluster started (and closed) by these tests.

* the GMM gradient summed over shards equals the single-process gradient to 1e-12 relative,
  for three ways of giving shards, and each worker process builds the derivative once;
* batched Jacobians / gradients / map_calls agree with in-process zymase calls;
* a worker process that dies in the middle of a run is replaced, Dask reruns its tasks, and the
  result is bit-for-bit the undisturbed one (the restarted worker loads the derivative from the
  shared disk cache);
* a derivative that cannot be built raises the same UnsupportedError, same message, on the
  client;
* no worker process outlives the cluster.
"""
import os
import sys
import time

import numba
import numpy as np
import pytest

dask = pytest.importorskip("dask", reason="dask is not installed (pip install 'dask[distributed]')")
distributed = pytest.importorskip("distributed",
                                  reason="distributed is not installed (pip install 'dask[distributed]')")
psutil = pytest.importorskip("psutil", reason="psutil is not installed (it comes with distributed)")
import dask.array as da  # noqa: E402

# a replacement worker's HTTP server may find Dask's default port taken (another cluster on
# this machine) and use another one: harmless
pytestmark = pytest.mark.filterwarnings("ignore:Port .* is already in use:UserWarning")

import zymase  # noqa: E402
import zymase.distributed as zd  # noqa: E402
from zymase import Const, Dual  # noqa: E402

from tests.support import assert_fd_close, fd_jvp  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(REPO, "examples")
sys.path.insert(0, EXAMPLES)
import dask_gmm  # noqa: E402


# -- functions the workers run (importable: module level) -------------------------------------
@numba.njit
def lorenz_final(y0, dt, steps):
    """Forward Euler on the Lorenz system; the final state (an array result)."""
    y = y0.copy()
    for _ in range(steps):
        a = 10.0 * (y[1] - y[0])
        b = y[0] * (28.0 - y[2]) - y[1]
        c = y[0] * y[1] - 8.0 / 3.0 * y[2]
        y[0] += dt * a
        y[1] += dt * b
        y[2] += dt * c
    return y


@numba.njit
def sq_loss(w, x, y):
    """Σ_i (x_i·w − y_i)²: a least-squares shard term."""
    s = 0.0
    for i in range(x.shape[0]):
        r = -y[i]
        for j in range(x.shape[1]):
            r += x[i, j] * w[j]
        s += r * r
    return s


@numba.njit
def writes_into_data(w, x):
    """Writes an active value into the (Const) data: zymase refuses to differentiate it."""
    s = 0.0
    for i in range(x.shape[0]):
        x[i] = x[i] * w[0]
        s += x[i]
    return s


def load_or_die(marker, arr):
    """A shard loader whose first run kills its worker process (Dask must rerun it)."""
    if not os.path.exists(marker):
        open(marker, "w").close()
        time.sleep(0.2)
        os._exit(1)
    return arr


# -- the cluster -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from distributed import Client, LocalCluster
    # one disk cache for this process and the workers: what the tests build here with
    # cache=True, the workers load instead of compiling again (and a restarted worker too)
    cache = str(tmp_path_factory.mktemp("zymase_cache"))
    saved = os.environ.get("ZYMASE_CACHE_DIR")
    os.environ["ZYMASE_CACHE_DIR"] = cache
    env = {"ZYMASE_CACHE_DIR": cache,
           "PYTHONPATH": os.pathsep.join([REPO, EXAMPLES, os.environ.get("PYTHONPATH", "")])}
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, env=env, silence_logs=50)
    c = Client(cluster.scheduler_address)          # any scheduler address works the same way
    yield c
    pids = set(c.run(os.getpid).values())
    c.close()
    cluster.close()
    if saved is None:
        os.environ.pop("ZYMASE_CACHE_DIR", None)
    else:
        os.environ["ZYMASE_CACHE_DIR"] = saved
    gone, alive = psutil.wait_procs([psutil.Process(p) for p in pids if psutil.pid_exists(p)],
                                    timeout=20)
    assert not alive, f"worker processes left running: {alive}"
    mine = [p for p in psutil.Process().children(recursive=True)
            if "distributed" in " ".join(p.cmdline() if p.is_running() else [])]
    assert not mine, f"leftover Dask processes: {mine}"


def _rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(np.max(np.abs(b)), 1e-300))


def test_gmm_sharded_gradient_is_exact_and_built_once_per_worker(client):
    K, d, n = 3, 3, 4000
    params = dask_gmm.make_params(K, d, seed=2)
    x = np.random.default_rng(5).standard_normal((n, d))
    gamma, m = 1.0, 0
    zd.reset_worker_stats(client, clear_memo=True)

    # single process: the data term's gradient over all n points in one call, plus the prior
    # (examples/dask_gmm.py's main() checks against gmm_objective's gradient the same way)
    D = zymase.Duplicated
    df = zymase.autodiff_reverse(dask_gmm.gmm_data_term, D, D, D, Const, ret=zymase.Active,
                                 cache=True)
    g_d = [np.zeros_like(p) for p in params]
    v_d = df(params[0].copy(), g_d[0], params[1].copy(), g_d[1], params[2].copy(), g_d[2], x,
             1.0)
    v_p, g_p = dask_gmm.prior_value_and_grad(*params, gamma, m)
    ref_v, ref_g = v_d + v_p, [a + b for a, b in zip(g_d, g_p)]
    # the objective is ADBench's
    from zymase.gradbench.adbench.gmm import gmm_objective as adbench_gmm
    assert adbench_gmm(*params, x, gamma, m) == pytest.approx(ref_v, rel=1e-13)

    # shards as dask array blocks (8), as a list of NumPy arrays (5), as Futures (3)
    run = dask_gmm.distributed_value_and_grad
    v1, g1 = run(params, da.from_array(x, chunks=(500, d)), gamma, m, client, 3, cache=True)
    v2, g2 = run(params, np.array_split(x, 5), gamma, m, client, cache=True)
    v3, g3 = run(params, client.scatter(np.array_split(x, 3)), gamma, m, client, cache=True)
    for v, g in ((v1, g1), (v2, g2), (v3, g3)):
        assert v == pytest.approx(ref_v, rel=1e-12)
        for a, b in zip(g, ref_g):
            assert _rel(a, b) < 1e-12

    stats = zd.worker_stats(client)
    assert sum(s["tasks"] for s in stats.values()) == 8 + 5 + 3
    for s in stats.values():
        assert s["builds"] <= 1 and s["objects"] <= 1, stats    # once per worker, not per task
    assert sum(s["builds"] for s in stats.values()) == sum(
        1 for s in stats.values() if s["tasks"] > 0)


def test_batched_jacobian_value_and_grad_and_map_calls(client):
    X = np.random.default_rng(1).standard_normal((12, 3))
    dt, steps = 0.01, 50
    # in-process reference: one width-3 forward call per row (built here, stored on disk)
    d = zymase.autodiff_forward(lorenz_final, Dual, Const, Const, ret=Dual, width=3, cache=True)
    d(X[0].copy(), np.eye(3), dt, steps)
    Y, J = zd.batched_jacobian(lorenz_final, client=client, rows_per_task=4, cache=True)(
        X, dt, steps)
    assert Y.shape == (12, 3) and J.shape == (12, 3, 3)
    for i in (0, 7, 11):
        y, t = d(X[i].copy(), np.eye(3), dt, steps)
        np.testing.assert_array_equal(Y[i], y)
        np.testing.assert_allclose(J[i], np.asarray(t).T, rtol=1e-14, atol=1e-14)
    fd = fd_jvp(lorenz_final, (X[0], dt, steps), {0: np.eye(3)[1]}, 1e-6)
    assert_fd_close(J[0][:, 1], fd, 1e-6)

    # map_calls ships the same derivative: the workers already hold it
    before = zd.worker_stats(client)
    out = zd.map_calls(d, [(X[i], np.eye(3), dt, steps) for i in range(6)], client=client)
    after = zd.worker_stats(client)
    assert sum(a["builds"] for a in after.values()) == sum(b["builds"] for b in before.values())
    for i, ((y, t), (shadow,)) in enumerate(out):
        np.testing.assert_array_equal(y, Y[i])
        np.testing.assert_allclose(np.asarray(t).T, J[i], rtol=1e-14, atol=1e-14)
        assert shadow.shape == (3, 3)

    W = np.random.default_rng(2).standard_normal((6, 2))
    xs, ys = np.random.default_rng(3).standard_normal((10, 2)), np.linspace(0.0, 1.0, 10)
    vals, G = zd.batched_value_and_grad(sq_loss, client=client, rows_per_task=3)(W, xs, ys)
    for i in range(6):
        r = xs @ W[i] - ys
        assert vals[i] == pytest.approx(r @ r, rel=1e-13)
        np.testing.assert_allclose(G[i], 2 * xs.T @ r, rtol=1e-12, atol=1e-13)


def test_worker_death_is_retried_and_exact(client, tmp_path):
    rng = np.random.default_rng(4)
    xs, ys = rng.standard_normal((600, 4)), rng.standard_normal(600)
    w = rng.standard_normal(4)
    vg = zd.sharded_value_and_grad(sq_loss, client=client, cache=True)
    parts = [(xs[i:i + 100], ys[i:i + 100]) for i in range(0, 600, 100)]
    v_ok, g_ok = vg(w, parts)                           # undisturbed (and fills the disk cache)
    r = xs @ w - ys
    assert v_ok == pytest.approx(r @ r, rel=1e-12)
    np.testing.assert_allclose(g_ok, 2 * xs.T @ r, rtol=1e-12)
    # the same shards as a tuple of dask arrays with equal row chunks (x and y side by side)
    v_da, g_da = vg(w, (da.from_array(xs, chunks=(100, 4)), da.from_array(ys, chunks=100)))
    assert v_da == v_ok and np.array_equal(g_da, g_ok)

    pids_before = set(client.run(os.getpid).values())
    marker = str(tmp_path / "died")
    shards = [dask.delayed(load_or_die, pure=False)(marker, p) if k == 4 else p
              for k, p in enumerate(parts)]
    v, g = vg(w, shards)
    assert os.path.exists(marker)                       # the loader did kill its worker
    client.wait_for_workers(2, timeout=60)
    pids_after = set(client.run(os.getpid).values())
    assert pids_after != pids_before                    # a fresh process replaced it
    assert v == v_ok and np.array_equal(g, g_ok)        # bit for bit: same tree, same tasks


@numba.njit
def scaled_loss(w, s, x, y):
    """s·Σ_i (x_i·w − y_i)²: a float scalar parameter (Active) next to an array."""
    return s * sq_loss(w, x, y)


def test_scalar_parameters_on_the_threaded_scheduler():
    rng = np.random.default_rng(6)
    xs, ys, w = rng.standard_normal((90, 3)), rng.standard_normal(90), rng.standard_normal(3)
    vg = zd.sharded_value_and_grad(scaled_loss, split_every=2)
    with dask.config.set(scheduler="threads"):
        v, (gw, gs) = vg((w, 0.5), [(xs[i:i + 30], ys[i:i + 30]) for i in range(0, 90, 30)])
    r = xs @ w - ys
    assert v == pytest.approx(0.5 * (r @ r), rel=1e-13)
    assert isinstance(gs, float) and gs == pytest.approx(r @ r, rel=1e-13)
    np.testing.assert_allclose(gw, xs.T @ r, rtol=1e-12)


def test_unbuildable_derivative_raises_the_same_error_on_the_client(client):
    w, x = np.ones(2), np.arange(5.0)
    with pytest.raises(zymase.UnsupportedError) as remote:
        zd.sharded_value_and_grad(writes_into_data, client=client)(w, [x, x + 1.0])
    with pytest.raises(zymase.UnsupportedError) as local:
        zymase.autodiff_reverse(writes_into_data, zymase.Duplicated, Const,
                                ret=zymase.Active)(w, np.zeros(2), x.copy(), 1.0)
    assert str(remote.value) == str(local.value)
    assert "memory that has no shadow" in str(remote.value)

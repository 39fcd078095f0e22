"""What the safety net, the first call and the JAX vocabulary cost.

    python bench/bench_overhead.py [--quick] [--only percall|firstcall|vocab]

1. Shadow-check overhead per call, ``checks=True`` vs ``checks=False``, for a derivative so
   small that the call itself is all there is (reverse mode, two Duplicated arrays of 4
   floats and an int; Python callers check aliasing between the shadows too):
   - from Python: the whole call (argument typing, checks, dispatch, boxing) in ns;
   - from ``@njit``: a compiled loop calling the derivative ``n`` times, ns per call.
   Each figure is the median over repeats; the plain ``numba.njit`` primal is the baseline.
2. First-call latency in a fresh process with ``cache=True``: an empty ``ZYMASE_CACHE_DIR``
   (differentiate + O3 + store) vs a warm one (load the stored IR); plus where the warm
   first call spends its time (loading the entry, LLVM code generation of the cached IR,
   the rest being Numba compiling the ``@njit`` entry point and its checks).
3. The JAX vocabulary end to end (``grad``, ``value_and_grad``, ``jvp``, ``vjp`` + ``back(1.0)``,
   each called from Python on NumPy arrays, result in hand) ÷ the raw activity-API call that
   computes the same thing — ``autodiff_reverse(f, Duplicated, ret=ActiveOnly)`` for grad,
   ``ret=Active`` for value_and_grad and vjp, each with a fresh ``np.zeros`` shadow, and
   ``autodiff_forward(f, Dual, ret=Dual)`` for jvp — and ÷ JAX's jitted equivalent when JAX
   is installed (``jit(grad(f))``, ``jit(value_and_grad(f))``, ``jit`` of ``jvp`` and of
   ``vjp`` followed by its back function; float64, NumPy array in, ``block_until_ready``).
   Workloads: Rosenbrock with n = 10^3 and 10^6, and pairwise energy with about 10^3 and
   10^6 pair terms (n = 45 and 1415 points: its cost grows as n^2).  Every variant is timed
   in turn within each repeat (batches of about 2 ms) and the minimum over repeats is kept
   (the machine is shared; ``--cpu-time`` times with the process's CPU clock instead);
   the process is pinned to one core (``--all-cores`` to lift that) and XLA told to use one
   thread.  JAX is timed twice: NumPy arrays in (end to end, as zymase is called) and with
   the inputs already on its device.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numba
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)

import zymase  # noqa: E402
from zymase import Active, Const, Duplicated  # noqa: E402


def dot(x, y, n):
    s = 0.0
    for i in range(n):
        s += x[i] * y[i]
    return s


def per_call(quick):
    """Variants are measured interleaved (one repeat of each in turn), so load drifting on a
    shared machine hits them alike; each figure is the median over repeats."""
    calls, repeats = (2_000, 5) if quick else (5_000, 15)
    njit_calls = 200_000 if quick else 1_000_000
    x, y = np.random.rand(4), np.random.rand(4)
    dx, dy = np.zeros(4), np.zeros(4)
    primal = numba.njit(dot)
    d_on = zymase.autodiff_reverse(dot, Duplicated, Duplicated, Const, ret=Active)
    d_off = zymase.autodiff_reverse(dot, Duplicated, Duplicated, Const, ret=Active, checks=False)

    @numba.njit
    def loop_primal(x, y, n):
        s = 0.0
        for _ in range(n):
            s += primal(x, y, 4)
            x[0] += 1e-300          # keeps the call from being hoisted out of the loop
        return s

    def njit_loop(d):
        @numba.njit
        def loop(x, dx, y, dy, n):
            s = 0.0
            for _ in range(n):
                s += d(x, dx, y, dy, 4, 1.0)
            return s
        return loop

    def py_loop(call):
        def run(n):
            for _ in range(n):
                call()
        return run

    l_on, l_off = njit_loop(d_on), njit_loop(d_off)
    variants = {
        "primal (numba.njit)": (py_loop(lambda: primal(x, y, 4)),
                                lambda n: loop_primal(x.copy(), y, n)),
        "derivative, checks=True": (py_loop(lambda: d_on(x, dx, y, dy, 4, 1.0)),
                                    lambda n: l_on(x, dx, y, dy, n)),
        "derivative, checks=False": (py_loop(lambda: d_off(x, dx, y, dy, 4, 1.0)),
                                     lambda n: l_off(x, dx, y, dy, n)),
    }
    # where a Python call's time goes: zymase types every argument with numba.typeof
    # before dispatching (the @njit entry then types them again, in C)
    from zymase.frontend.numba import typeof_args
    args = (x, dx, y, dy, 4, 1.0)
    variants["  of which typeof_args(args)"] = (py_loop(lambda: typeof_args(args)), None)
    for py, nj in variants.values():   # compile and warm up
        py(10)
        if nj is not None:
            nj(10)
    times = {name: ([], []) for name in variants}
    for _ in range(repeats):
        for name, (py, nj) in variants.items():
            for k, (fn, n) in enumerate(((py, calls), (nj, njit_calls))):
                if fn is None:
                    times[name][k].append(float("nan"))
                    continue
                t0 = time.perf_counter_ns()
                fn(n)
                times[name][k].append((time.perf_counter_ns() - t0) / n)
    rows = {name: [statistics.median(t) for t in ts] for name, ts in times.items()}
    print(f"\nper-call cost, dot(x, y, 4) reverse mode (median of {repeats} interleaved repeats; "
          f"{calls} calls from Python, {njit_calls} from @njit)")
    print(f"  {'':28s} {'from Python':>14s} {'from @njit':>14s}")
    for name, (py, nj) in rows.items():
        print(f"  {name:28s} {py:11.0f} ns {nj:11.1f} ns")
    on, off = rows["derivative, checks=True"], rows["derivative, checks=False"]
    print(f"  {'check overhead':28s} {on[0] - off[0]:11.0f} ns {on[1] - off[1]:11.1f} ns")
    return rows


CHILD = r'''
import json, os, sys, time
t_start = time.perf_counter()
sys.path.insert(0, {bench!r})
import numpy as np
import zymase
from zymase import Active, Const, Duplicated
from zymase import diskcache
from zymase.llvm import jit
import kernels as K
t_import = time.perf_counter() - t_start

spent = {{"load": 0.0, "codegen": 0.0}}
_load, _lib = diskcache.load, jit.library_from_ir
def load(*a):
    t0 = time.perf_counter(); r = _load(*a); spent["load"] += time.perf_counter() - t0; return r
def lib(*a):
    t0 = time.perf_counter(); r = _lib(*a); spent["codegen"] += time.perf_counter() - t0; return r
diskcache.load, jit.library_from_ir = load, lib

which = sys.argv[1]
if len(sys.argv) > 2 and sys.argv[2] == "init-nrt":
    # workaround for the warm-cache abort: make Numba initialise its runtime (NRT symbols)
    from numba.core.registry import cpu_target
    cpu_target.target_context.refresh()
if which == "rosenbrock":
    df = zymase.autodiff_reverse(K.rosenbrock, Duplicated, ret=Active, cache=True)
    args = (np.random.rand(100), np.zeros(100), 1.0)
else:
    df = zymase.autodiff_reverse(K.lorenz_rk4, Duplicated, Duplicated, Const, Const,
                                 ret=Active, cache=True)
    args = (np.array([1.0, 1.0, 1.0]), np.zeros(3), np.array([10.0, 28.0, 8.0 / 3.0]),
            np.zeros(3), 100, 0.01, 1.0)
t0 = time.perf_counter()
df(*args)
t_first = time.perf_counter() - t0
t0 = time.perf_counter()
df(*args)
t_second = time.perf_counter() - t0
print(json.dumps(dict(import_s=t_import, first_s=t_first, second_s=t_second,
                      total_s=time.perf_counter() - t_start, **spent,
                      files=len([f for f in os.listdir(os.environ["ZYMASE_CACHE_DIR"])
                                 if f.endswith(".zy")]))))
'''


def first_call(quick):
    repeats = 1 if quick else 3
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "child.py")
        with open(script, "w") as fh:
            fh.write(CHILD.format(bench=HERE))

        crashes = []

        def child(kernel, cache, *extra):
            env = dict(os.environ, ZYMASE_CACHE_DIR=cache,
                       PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
            env.pop("ZYMASE_PRINT", None)
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, script, kernel, *extra], capture_output=True,
                               text=True, env=env)
            if p.returncode != 0:
                last = (p.stderr.strip().splitlines() or ["?"])[-1]
                crashes.append(f"{kernel}: exit {p.returncode}: {last[:160]}")
                return None
            r = json.loads(p.stdout.strip().splitlines()[-1])
            r["process_s"] = time.perf_counter() - t0
            return r

        for kernel in ("rosenbrock", "lorenz_rk4"):
            cold, warm = [], []
            for k in range(repeats):
                cache = os.path.join(tmp, f"cache-{kernel}-{k}")
                cold.append(child(kernel, cache))       # empty cache dir
                assert cold[-1] is not None and cold[-1]["files"] == 1
                r = child(kernel, cache)                # the entry just written
                if r is None:                           # known abort: retry with the workaround
                    r = child(kernel, cache, "init-nrt")
                    if r is not None:
                        r["workaround"] = True
                warm.append(r)
            out[kernel] = (cold, [r for r in warm if r is not None])
    med = lambda rs, key: statistics.median(r[key] for r in rs) * 1e3  # noqa: E731
    print(f"\nfirst call in a fresh process, cache=True (median of {repeats}; ms)")
    print(f"  {'kernel':12s} {'cache':6s} {'import':>8s} {'1st call':>9s} {'2nd call':>9s} "
          f"{'load':>7s} {'codegen':>8s} {'process':>8s}")
    for kernel, (cold, warm) in out.items():
        for label, rs in (("empty", cold), ("warm", warm)):
            if not rs:
                print(f"  {kernel:12s} {label:6s} (every run crashed)")
                continue
            if any(r.get("workaround") for r in rs):
                label += "*"
            print(f"  {kernel:12s} {label:6s} {med(rs, 'import_s'):8.0f} {med(rs, 'first_s'):9.0f} "
                  f"{med(rs, 'second_s'):9.3f} {med(rs, 'load'):7.1f} {med(rs, 'codegen'):8.0f} "
                  f"{med(rs, 'process_s'):8.0f}")
    print("  (load: reading the .zy entry; codegen: LLVM compiling the IR, the cached O3 IR on a "
          "warm start;\n   the rest of the first call is Numba typing/compiling the @njit entry "
          "and its checks)")
    for c in dict.fromkeys(crashes):
        print(f"  CRASH {c}")
    if crashes:
        print("  * rerun after cpu_target.target_context.refresh() (initialises Numba's NRT)")
    return out


VOCAB_SIZES = {"rosenbrock": (1_000, 1_000_000), "pairwise": (45, 1415)}


def _vocab_cases(name, n):
    """(primal, raw calls, zymase calls, JAX calls or {}) for one workload and size."""
    import kernels as K
    from zymase import ActiveOnly, Dual
    rng = np.random.default_rng(0)
    x = rng.random(n) if name == "pairwise" else rng.uniform(-1.0, 1.5, n)
    v = rng.random(n)
    if name == "rosenbrock":
        f, extra = K.rosenbrock, ()
    else:
        f, extra = K.pairwise_energy, (n,)
    consts = (Const,) * len(extra)
    prim = numba.njit(f)
    r_only = zymase.autodiff_reverse(f, Duplicated, *consts, ret=ActiveOnly)
    r_act = zymase.autodiff_reverse(f, Duplicated, *consts, ret=Active)
    fwd = zymase.autodiff_forward(f, Dual, *consts, ret=Dual)

    def raw_grad():
        dx = np.zeros(n)
        r_only(x, dx, *extra, 1.0)
        return dx

    def raw_vg():
        dx = np.zeros(n)
        return r_act(x, dx, *extra, 1.0), dx

    def z_vjp():
        y, back = zymase.vjp(f, x, *extra)
        return y, back(1.0)

    raw = {"grad": raw_grad, "value_and_grad": raw_vg, "jvp": lambda: fwd(x, v, *extra),
           "vjp": raw_vg}
    grad, value_and_grad = zymase.grad(f), zymase.value_and_grad(f)   # made once, like jax.jit's
    ours = {"grad": lambda: grad(x, *extra),
            "value_and_grad": lambda: value_and_grad(x, *extra),
            "jvp": lambda: zymase.jvp(f, (x, *extra), (v,) + (None,) * len(extra)),
            "vjp": z_vjp}
    # results agree before anything is timed
    g = raw_grad()
    np.testing.assert_allclose(ours["grad"](), g, rtol=1e-12)
    np.testing.assert_allclose(ours["value_and_grad"]()[1], g, rtol=1e-12)
    np.testing.assert_allclose(ours["vjp"]()[1][0], g, rtol=1e-12)
    np.testing.assert_allclose(ours["jvp"]()[1], raw["jvp"]()[1], rtol=1e-12)
    return (lambda: prim(x, *extra)), raw, ours, _jax_cases(name, x, v, n, g)


def _jax_cases(name, x, v, n, g):
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
    except ImportError:
        return {}
    if name == "rosenbrock":
        def fj(x):
            return jnp.sum((1.0 - x[:-1]) ** 2 + 100.0 * (x[1:] - x[:-1] ** 2) ** 2)
    else:
        def fj(x):
            d = x[:, None] - x[None, :]
            return jnp.sum(jnp.triu(1.0 / (1.0 + d * d), 1))
    jg = jax.jit(jax.grad(fj))
    jvg = jax.jit(jax.value_and_grad(fj))
    jjvp = jax.jit(lambda x, v: jax.jvp(fj, (x,), (v,)))

    def _vjp(x):
        y, back = jax.vjp(fj, x)
        return y, back(jnp.ones_like(y))
    jvjp = jax.jit(_vjp)
    xd, vd = jax.device_put(x), jax.device_put(v)
    cases = {"grad": lambda: jg(x).block_until_ready(),
             "value_and_grad": lambda: jax.block_until_ready(jvg(x)),
             "jvp": lambda: jax.block_until_ready(jjvp(x, v)),
             "vjp": lambda: jax.block_until_ready(jvjp(x)),
             # the same with the inputs already on the device (no host-to-device copy)
             "grad dev": lambda: jg(xd).block_until_ready(),
             "value_and_grad dev": lambda: jax.block_until_ready(jvg(xd)),
             "jvp dev": lambda: jax.block_until_ready(jjvp(xd, vd)),
             "vjp dev": lambda: jax.block_until_ready(jvjp(xd))}
    np.testing.assert_allclose(np.asarray(cases["grad"]()), g, rtol=1e-9)
    return cases


def _time_interleaved(fns, repeats, target_s=0.002, clock=time.perf_counter):
    """Per-call seconds of each callable: calls batched to about ``target_s`` (short, so
    that few batches are interrupted on a shared machine), the variants run in turn within
    each repeat, the minimum over repeats kept."""
    inner = {}
    for k, f in fns.items():
        f()
        t0 = time.perf_counter()
        f()
        inner[k] = max(1, int(target_s / max(time.perf_counter() - t0, 1e-7)))
    best = {k: float("inf") for k in fns}
    for _ in range(repeats):
        for k, f in fns.items():
            m = inner[k]
            t0 = clock()
            for _ in range(m):
                f()
            best[k] = min(best[k], (clock() - t0) / m)
    return best


def _fmt(t):
    return f"{t * 1e6:8.1f} us" if t < 1e-3 else f"{t * 1e3:8.2f} ms"


def vocab(quick, cpu_time=False, one_core=True):
    if one_core and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
        # one core: XLA's CPU client runs its kernels on the calling thread (set before JAX
        # is imported; a thread pool on one core only adds hand-offs)
        os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                                           "intra_op_parallelism_threads=1")
    repeats = 20 if quick else 100
    clock = time.process_time if cpu_time else time.perf_counter
    rows = []
    have_jax = False
    for name, sizes in VOCAB_SIZES.items():
        for n in sizes:
            prim, raw, ours, jx = _vocab_cases(name, n)
            have_jax = have_jax or bool(jx)
            fns = {"primal": prim}
            for api in ours:
                fns["raw " + api] = raw[api]
                fns[api] = ours[api]
                if api in jx:
                    fns["jax " + api] = jx[api]
                    fns["jax dev " + api] = jx[api + " dev"]
            t = _time_interleaved(fns, repeats, clock=clock)
            for api in ours:
                rows.append((name, n, api, t["primal"], t[api], t["raw " + api],
                             t.get("jax " + api), t.get("jax dev " + api)))
    print(f"\nJAX vocabulary end to end ÷ the raw activity-API call (min of {repeats} interleaved "
          f"repeats, {'CPU' if cpu_time else 'wall-clock'} time; "
          f"{'JAX: jax.jit, float64' if have_jax else 'JAX not installed'})")
    print(f"  {'workload':10s} {'n':>8s} {'api':15s} {'primal':>11s} {'zymase':>11s} "
          f"{'raw call':>11s} {'÷raw':>6s} {'JAX jit':>11s} {'÷JAX':>6s} {'JAX dev':>11s} "
          f"{'÷dev':>6s}")
    for name, n, api, tp, tz, tr, tj, tjd in rows:
        jcol = "".join(f" {_fmt(t)} {tz / t:6.2f}" if t else f" {'-':>11s} {'-':>6s}"
                       for t in (tj, tjd))
        print(f"  {name:10s} {n:8d} {api:15s} {_fmt(tp)} {_fmt(tz)} {_fmt(tr)} {tz / tr:6.2f}"
              f"{jcol}")
    print("  (raw call: grad → autodiff_reverse(f, Duplicated, ret=ActiveOnly) with a fresh "
          "np.zeros shadow;\n   value_and_grad, vjp → the same with ret=Active; jvp → "
          "autodiff_forward(f, Dual, ret=Dual); all with run-time checks;\n   JAX jit: NumPy "
          "arrays in, as zymase gets them; JAX dev: inputs already device arrays;\n   pairwise: "
          "n points, n(n-1)/2 pair terms)")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=("percall", "firstcall", "vocab"))
    ap.add_argument("--all-cores", action="store_true",
                    help="vocab: do not pin the process to one core")
    ap.add_argument("--cpu-time", action="store_true",
                    help="vocab: time with the process's CPU clock (steadier on a loaded "
                         "machine: time spent preempted does not count)")
    a = ap.parse_args()
    if a.only in (None, "percall"):
        per_call(a.quick)
    if a.only in (None, "firstcall"):
        first_call(a.quick)
    if a.only in (None, "vocab"):
        vocab(a.quick, a.cpu_time, one_core=not a.all_cores)


if __name__ == "__main__":
    main()

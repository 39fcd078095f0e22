"""What the safety net and the first call cost.

    python bench/bench_overhead.py [--quick]

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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    per_call(a.quick)
    first_call(a.quick)


if __name__ == "__main__":
    main()

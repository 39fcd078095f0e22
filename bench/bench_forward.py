"""Forward-mode benchmark: derivative time / Numba primal time, measured side by side.

    python bench/bench_forward.py

For each kernel: primal time, width-1 JVP time, width-8 JVP time (8 directions in one
call), the ratios, and zymase's compile time for the derivative.  Also the pipeline's own
overhead (identity transform) next to Numba's compile time.
"""
import os
import sys
import time

import numba
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import kernels as K  # noqa: E402

import zymase  # noqa: E402
from zymase import Const, Dual  # noqa: E402


def best(fn, reps=5, inner=1):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        ts.append((time.perf_counter() - t0) / inner)
    return min(ts)


def case(name, f, args, acts, shapes, mutates=False):
    rng = np.random.default_rng(0)
    primal = numba.njit(f)
    primal(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])

    def call_args(width):
        out = []
        for a, act in zip(args, acts):
            out.append(a.copy() if isinstance(a, np.ndarray) else a)
            if act is Dual:
                shp = a.shape if width == 1 else (width,) + a.shape
                out.append(rng.standard_normal(shp))
        return out

    t0 = time.perf_counter()
    d1 = zymase.autodiff_forward(f, *acts, ret=Dual)
    a1 = call_args(1)
    d1(*a1)
    compile_1 = time.perf_counter() - t0
    t0 = time.perf_counter()
    d8 = zymase.autodiff_forward(f, *acts, ret=Dual, width=8)
    a8 = call_args(8)
    d8(*a8)
    compile_8 = time.perf_counter() - t0
    fresh = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    if mutates:
        # the kernel updates its arguments in place: time fresh copies, minus the copying
        tp = best(lambda: primal(*[a.copy() if isinstance(a, np.ndarray) else a for a in fresh]))
        tc = best(lambda: [a.copy() if isinstance(a, np.ndarray) else a for a in fresh])
        tp = max(tp - tc, 1e-9)
        t1 = best(lambda: d1(*[a.copy() if isinstance(a, np.ndarray) else a for a in a1])) - 2 * tc
        t8 = best(lambda: d8(*[a.copy() if isinstance(a, np.ndarray) else a for a in a8])) - 2 * tc
    else:
        tp = best(lambda: primal(*fresh), reps=15)
        t1 = best(lambda: d1(*a1), reps=15)
        t8 = best(lambda: d8(*a8), reps=15)
    print(f"{name:18s} primal {tp*1e3:9.3f} ms | jvp {t1*1e3:9.3f} ms ({t1/tp:5.2f}x) | "
          f"width-8 {t8*1e3:9.3f} ms ({t8/tp:5.2f}x primal, {t8/t1:4.2f}x width-1) | "
          f"compile {compile_1:4.2f}s / {compile_8:4.2f}s")
    return t1 / tp, t8 / t1


def pipeline_overhead():
    print("\nPipeline overhead (identity transform) vs Numba compile time:")
    for name, f, args in [("pairwise_energy", K.pairwise_energy, (np.random.rand(50), 50)),
                          ("lorenz_rk4", K.lorenz_rk4, (np.ones(3), np.array([10, 28, 8 / 3.]), 10, 0.01)),
                          ("rosenbrock", K.rosenbrock, (np.random.rand(10),))]:
        t0 = time.perf_counter()
        numba.njit(f)(*args)
        tn = time.perf_counter() - t0
        z = zymase.compile(f)
        z(*args)
        tm = next(iter(z.timings.values()))
        own = tm["canonicalise"] + tm["parse"] + tm["finish"]
        print(f"  {name:18s} numba {tn:5.2f}s | zymase re-lowering {tm['numba']:5.2f}s + own "
              f"pipeline {own:5.3f}s (canonicalise {tm['canonicalise']:.3f}, parse "
              f"{tm['parse']:.3f}, print+O3+load {tm['finish']:.3f})")


def main():
    np.random.seed(0)       # the same inputs every run: the FD check's own error depends on them
    print(f"numba {numba.__version__}, machine: {os.cpu_count()} cores")
    rows = [
        case("pairwise n=2000", K.pairwise_energy, (np.random.rand(2000), 2000), (Dual, Const), None),
        case("lorenz rk4 20k", K.lorenz_rk4, (np.ones(3), np.array([10, 28, 8 / 3.]), 20000, 0.001),
             (Dual, Dual, Const, Const), None),
        case("heat 1000x500", K.heat_inplace, (np.random.rand(1000), 500, 0.2), (Dual, Const, Const), None,
             mutates=True),
        case("rosenbrock 1e6", K.rosenbrock, (np.random.rand(10**6),), (Dual,), None),
        case("softplus 1e6", K.softplus_sum, (np.random.rand(10**6),), (Dual,), None),
    ]
    r1 = np.array([r[0] for r in rows])
    r8 = np.array([r[1] for r in rows])
    print(f"\nJVP/primal: geometric mean {np.exp(np.mean(np.log(r1))):.2f}, worst {r1.max():.2f}; "
          f"width-8/width-1: worst {r8.max():.2f}")
    pipeline_overhead()


if __name__ == "__main__":
    main()

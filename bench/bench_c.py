"""C kernels differentiated from clang's IR, against the same kernels from Numba.

    python bench/bench_c.py [--quick] [-O 2]

The pairwise energy and the Lorenz RK4 loop of ``bench/kernels.py`` are written again as
plain C (below), compiled to LLVM IR by clang 22 (``pip install ziglang``: ``python -m
ziglang cc -S -emit-llvm -O2``) and differentiated in reverse mode by zymase's C front end
(``zymase.frontend.llvm_ir.differentiate_ll``: the gradient of the result with respect to
the duplicated arrays).  The primal and the derivative come from the same module and run
through ctypes; the Numba versions run through ``zymase.autodiff_reverse`` as in
``bench_reverse.py``.  Each gradient is checked against central finite differences of its own
primal before it is timed; times are minima over alternating rounds (``best_pair``).

Printed per kernel: primal and gradient time and their ratio for C and for Numba, and the
ratio of the two ratios (the C front end's cost relative to the Numba front end's: 1.0 means
the engine does the same job on both).
"""
from __future__ import annotations

import argparse
import ctypes
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import kernels as K  # noqa: E402
from bench_reverse import best_pair  # noqa: E402

import zymase  # noqa: E402
from zymase import Active, Const, Duplicated  # noqa: E402

C_SOURCE = r"""
double pairwise_energy(const double *x, long n) {
    double s = 0.0;
    for (long i = 0; i < n; i++)
        for (long j = i + 1; j < n; j++) {
            double d = x[i] - x[j];
            s += 1.0 / (1.0 + d * d);
        }
    return s;
}

double lorenz_rk4(const double *state, const double *params, long n_steps, double dt) {
    double x[3] = {state[0], state[1], state[2]}, k[4][3], tmp[3];
    double sigma = params[0], rho = params[1], beta = params[2];
    for (long t = 0; t < n_steps; t++) {
        for (int s = 0; s < 4; s++) {
            double h = s == 0 ? 0.0 : (s == 3 ? dt : 0.5 * dt);
            for (int i = 0; i < 3; i++)
                tmp[i] = s == 0 ? x[i] : x[i] + h * k[s - 1][i];
            k[s][0] = sigma * (tmp[1] - tmp[0]);
            k[s][1] = tmp[0] * (rho - tmp[2]) - tmp[1];
            k[s][2] = tmp[0] * tmp[1] - beta * tmp[2];
        }
        for (int i = 0; i < 3; i++)
            x[i] += dt / 6.0 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
    }
    return x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
}
"""

D = ctypes.POINTER(ctypes.c_double)


def clang_ir(level: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "k.c"), os.path.join(tmp, "k.ll")
        with open(src, "w") as fh:
            fh.write(C_SOURCE)
        cmd = [sys.executable, "-m", "ziglang", "cc", "-S", "-emit-llvm", f"-O{level}", "-g0",
               "-fno-sanitize=undefined", "-target", "x86_64-linux-gnu", "-mcpu=x86_64", src,
               "-o", out]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            raise SystemExit(f"clang failed: {r.stderr}")
        return open(out).read()


class CKernel:
    """Primal and reverse derivative of one C function, JIT-compiled from one module."""

    def __init__(self, ir: str, name: str, acts):
        import llvmlite.binding as llvm
        from zymase import activities as A
        from zymase.frontend.llvm_ir import differentiate_ll
        text, _ = differentiate_ll(ir, name, A.Mode.REVERSE, acts)
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        mod = llvm.parse_assembly(text)
        tm = llvm.Target.from_default_triple().create_target_machine(
            cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
            opt=3)
        self.engine = llvm.create_mcjit_compiler(mod, tm)
        self.engine.finalize_object()
        self.primal_addr = self.engine.get_function_address(name)
        self.grad_addr = self.engine.get_function_address(f"{name}.zymase.reverse")


def check(name, primal, grad_into, arrays, h=1e-6):
    """Directional central differences of ``primal`` against the gradient."""
    rng = np.random.default_rng(0)
    v = [rng.standard_normal(a.shape) for a in arrays]
    g = grad_into()
    ad = sum(float(np.vdot(vk, gk)) for vk, gk in zip(v, g))

    def shifted(step):
        return primal([a + step * vk for a, vk in zip(arrays, v)])
    fd = (shifted(h) - shifted(-h)) / (2 * h)
    fd2 = (shifted(2 * h) - shifted(-2 * h)) / (4 * h)
    tol = 10 * abs(fd - fd2) + 1e-7 * max(1.0, abs(fd))
    if abs(fd - ad) > tol:
        raise SystemExit(f"{name}: gradient check failed (AD {ad}, FD {fd})")
    return abs(fd - ad) / max(1.0, abs(fd))


def pairwise_rows(ir, n):
    x = np.random.default_rng(1).random(n)
    ck = CKernel(ir, "pairwise_energy", (zymase.Duplicated, zymase.Const))
    cprimal = ctypes.CFUNCTYPE(ctypes.c_double, D, ctypes.c_long)(ck.primal_addr)
    cgrad = ctypes.CFUNCTYPE(None, D, D, ctypes.c_long)(ck.grad_addr)

    def c_grad():
        dx = np.zeros(n)
        cgrad(x.ctypes.data_as(D), dx.ctypes.data_as(D), n)
        return [dx]
    rel = check("C pairwise", lambda a: cprimal(a[0].ctypes.data_as(D), n), c_grad, [x])
    tp, tg = best_pair(lambda: cprimal(x.ctypes.data_as(D), n), c_grad)
    import numba
    nprimal = numba.njit(K.pairwise_energy)
    df = zymase.autodiff_reverse(K.pairwise_energy, Duplicated, Const, ret=Active)

    def n_grad():
        dx = np.zeros(n)
        df(x, dx, n, 1.0)
        return [dx]
    nprimal(x, n)
    check("Numba pairwise", lambda a: nprimal(a[0], n), n_grad, [x])
    np_, ng = best_pair(lambda: nprimal(x, n), n_grad)
    return (f"pairwise n={n}", tp, tg, np_, ng, rel)


def lorenz_rows(ir, steps):
    state, params, dt = np.array([1.0, 1.0, 1.0]), np.array([10.0, 28.0, 8.0 / 3.0]), 0.001
    ck = CKernel(ir, "lorenz_rk4", (zymase.Duplicated, zymase.Duplicated, zymase.Const,
                                    zymase.Const))
    cprimal = ctypes.CFUNCTYPE(ctypes.c_double, D, D, ctypes.c_long, ctypes.c_double)(
        ck.primal_addr)
    cgrad = ctypes.CFUNCTYPE(None, D, D, D, D, ctypes.c_long, ctypes.c_double)(ck.grad_addr)

    def c_grad():
        ds, dp = np.zeros(3), np.zeros(3)
        cgrad(state.ctypes.data_as(D), ds.ctypes.data_as(D), params.ctypes.data_as(D),
              dp.ctypes.data_as(D), steps, dt)
        return [ds, dp]
    rel = check("C lorenz", lambda a: cprimal(a[0].ctypes.data_as(D), a[1].ctypes.data_as(D),
                                              steps, dt), c_grad, [state, params])
    tp, tg = best_pair(lambda: cprimal(state.ctypes.data_as(D), params.ctypes.data_as(D),
                                       steps, dt), c_grad)
    import numba
    nprimal = numba.njit(K.lorenz_rk4)
    df = zymase.autodiff_reverse(K.lorenz_rk4, Duplicated, Duplicated, Const, Const,
                                 ret=Active)

    def n_grad():
        ds, dp = np.zeros(3), np.zeros(3)
        df(state, ds, params, dp, steps, dt, 1.0)
        return [ds, dp]
    nprimal(state, params, steps, dt)
    check("Numba lorenz", lambda a: nprimal(a[0], a[1], steps, dt), n_grad, [state, params])
    np_, ng = best_pair(lambda: nprimal(state, params, steps, dt), n_grad)
    return (f"lorenz rk4 {steps // 1000}k", tp, tg, np_, ng, rel)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller problem sizes")
    ap.add_argument("-O", dest="level", default="2", choices="0123",
                    help="clang's optimisation level for the C kernels (default 2)")
    args = ap.parse_args(argv)
    try:
        import ziglang  # noqa: F401
    except ImportError:
        raise SystemExit("bench_c: needs clang from `pip install ziglang`")
    ir = clang_ir(args.level)
    rows = [pairwise_rows(ir, 300 if args.quick else 2000),
            lorenz_rows(ir, 2000 if args.quick else 20000)]
    print(f"{'kernel':18s} | {'C primal':>10s} {'C grad':>10s} {'C ratio':>8s} | "
          f"{'Numba primal':>12s} {'Numba grad':>10s} {'ratio':>6s} | C ratio / Numba ratio")
    for name, tp, tg, np_, ng, rel in rows:
        print(f"{name:18s} | {tp*1e3:8.3f}ms {tg*1e3:8.3f}ms {tg/tp:8.2f} | {np_*1e3:10.3f}ms "
              f"{ng*1e3:8.3f}ms {ng/np_:6.2f} | {(tg/tp)/(ng/np_):6.2f}   (FD check {rel:.0e})")


if __name__ == "__main__":
    main()

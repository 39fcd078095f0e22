"""Rust functions differentiated from Python: ``kernels.rs`` compiled by rustc, read by zymase.

    python examples/rust/from_python.py

1. ``rustc --emit=llvm-ir`` turns ``kernels.rs`` into LLVM IR (opt-level 3, panic=abort).
2. ``zymase.llvm_function(ir, "fn chain_energy(x: &[f64; n], n: usize, k: f64) -> f64")``
   makes each ``extern "C"`` function a Python function: the prototype says that ``x`` is an
   array of ``n`` f64, so Python calls ``chain_energy(x, k)`` and ``n = len(x)``.
3. Every zymase entry point takes it like an ``@njit`` function — ``grad``, ``jacobian``,
   ``jvp``, ``autodiff_reverse`` … — and ``@numba.njit`` code calls it and its derivatives.
   The Rust body (its loops, iterators, ``Vec`` allocations) is inlined into the derivative and
   differentiated instruction by instruction; rustc is not involved again.

Each derivative is checked against central finite differences and the check is printed.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

import numba
import numpy as np

import zymase
from zymase import Active, ActiveOnly, Dual, Duplicated

HERE = os.path.dirname(os.path.abspath(__file__))


def compile_rust(src: str) -> str:
    """LLVM IR text of ``src`` (rustc 1.95 emits LLVM 22, the version zymase reads)."""
    if shutil.which("rustc") is None:
        sys.exit("this example needs rustc (https://rustup.rs)")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "kernels.ll")
        subprocess.run(["rustc", "--emit=llvm-ir", "-C", "opt-level=3", "-C", "panic=abort",
                        "--crate-type=cdylib", src, "-o", out], check=True, cwd=tmp)
        with open(out) as fh:
            return fh.read()


def central(f, x, h=1e-6):
    """Central differences of f at x along each coordinate (Richardson-extrapolated)."""
    x = np.asarray(x, dtype=float)
    cols = []
    for k in range(x.size):
        def d(s):
            xp, xm = x.copy(), x.copy()
            xp.flat[k] += s
            xm.flat[k] -= s
            return (np.asarray(f(xp)) - np.asarray(f(xm))) / (2 * s)
        cols.append((4 * d(h / 2) - d(h)) / 3)
    return np.stack(cols, axis=-1)


def report(what, ad, fd):
    err = np.max(np.abs(np.asarray(ad) - fd)) / max(np.max(np.abs(fd)), 1e-300)
    print(f"  {what:52s} max relative error vs finite differences {err:.1e}"
          f" {'ok' if err < 1e-6 else 'MISMATCH'}")
    return err < 1e-6


def main():
    ir = compile_rust(os.path.join(HERE, "kernels.rs"))
    energy = zymase.llvm_function(ir, "fn chain_energy(x: &[f64; n], n: usize, k: f64) -> f64")
    rk4 = zymase.llvm_function(ir, "fn pendulum_rk4(y: &mut [f64; 2], p: &[f64; 3], h: f64, "
                                   "steps: usize)")
    smooth = zymase.llvm_function(ir, "fn smoothness(x: &[f64; n], n: usize) -> f64")
    ok = True

    # -- 1. an energy over a slice: gradient (reverse), directional derivative (forward) ----
    rng = np.random.default_rng(0)
    x = np.cumsum(rng.uniform(0.6, 1.4, 12))
    k = 3.0
    print(f"chain_energy(x, k) = {energy(x, k):.6f}  (12 particles)")
    gx, gk = zymase.grad(energy, (0, 1))(x, k)
    ok &= report("reverse mode: dE/dx", gx, central(lambda z: energy(z, k), x))
    ok &= report("reverse mode: dE/dk", gk, central(lambda c: energy(x, c[0]), [k])[0])
    v = rng.standard_normal(x.size)
    _, jv = zymase.jvp(energy, (x, k), (v, 0.0))
    along = lambda u: central(lambda t: energy(x + t[0] * u, k), [0.0])[0]   # noqa: E731
    ok &= report("forward mode: <dE/dx, v>", jv, along(v))
    print(f"  {'<J v, w> = <v, Jᵀ w> (forward against reverse)':52s} "
          f"{abs(jv - gx @ v) / abs(jv):.1e}")
    # a batch of 4 directions in one forward call (width 4)
    d4 = zymase.autodiff_forward(energy, Dual, Dual, ret=zymase.DualOnly, width=4)
    V = rng.standard_normal((4, x.size))
    ok &= report("forward mode, width 4: J [v1 v2 v3 v4]", d4(x, V, k, np.zeros(4)),
                 np.array([along(u) for u in V]))

    # -- 2. an RK4 loop writing its state in place: Jacobian of the final state ----------
    p = np.array([9.81, 0.3, 1.2])

    @numba.njit
    def final_state(y0, p):
        y = y0.copy()
        rk4(y, p, 0.01, 500)
        return y

    y0 = np.array([0.5, 0.0])
    print(f"pendulum after 5 s: {final_state(y0, p)}")
    J = zymase.jacobian(final_state, (0, 1))(y0, p)
    ok &= report("jacobian d y(T) / d y0 (2x2)", J[0], central(lambda z: final_state(z, p), y0))
    ok &= report("jacobian d y(T) / d p  (2x3)", J[1], central(lambda q: final_state(y0, q), p))

    # -- 3. a function that allocates Vecs (collect, push): gradient ---------------------
    z = np.sin(np.linspace(0, 3, 20)) + 0.1 * rng.standard_normal(20)
    print(f"smoothness(z) = {smooth(z):.6f}")
    ok &= report("reverse mode through Vec allocations", zymase.grad(smooth)(z),
                 central(smooth, z))

    # -- 4. derivatives called from @njit code: gradient descent on the chain -------------
    d_energy = zymase.autodiff_reverse(energy, Duplicated, Active, ret=Active)

    @numba.njit
    def relax(x, k, steps, rate):
        x = x.copy()
        dx = np.zeros_like(x)
        e = 0.0
        for _ in range(steps):
            dx[:] = 0.0
            e, _ = d_energy(x, dx, k, 1.0)
            x -= rate * dx
        return x, e

    e0 = energy(x, k)
    x1, e1 = relax(x, k, 200, 0.01)
    print(f"gradient descent in @njit code: energy {e0:.4f} -> {e1:.4f}")
    ok &= e1 < e0
    print("all checks passed" if ok else "SOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

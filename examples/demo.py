"""zymase demo: exact derivatives of a loop-heavy function, checked against finite differences.

The function integrates the Lorenz system with RK4 in plain Python loops (compiled by Numba).
zymase differentiates Numba's LLVM IR and returns the derivative as compiled machine code.
"""
import time

import numba
import numpy as np

import zymase
from zymase import ActiveOnly, Const, Dual, Duplicated


def lorenz_rk4(state, params, n_steps, dt):
    """Integrate the Lorenz system; return a scalar summary of the final state."""
    x = state.copy()
    k = np.empty((4, 3))
    tmp = np.empty(3)
    sigma, rho, beta = params[0], params[1], params[2]
    for _ in range(n_steps):
        for s in range(4):
            if s == 0:
                for i in range(3):
                    tmp[i] = x[i]
            else:
                h = dt if s == 3 else 0.5 * dt
                for i in range(3):
                    tmp[i] = x[i] + h * k[s - 1, i]
            k[s, 0] = sigma * (tmp[1] - tmp[0])
            k[s, 1] = tmp[0] * (rho - tmp[2]) - tmp[1]
            k[s, 2] = tmp[0] * tmp[1] - beta * tmp[2]
        for i in range(3):
            x[i] += dt / 6.0 * (k[0, i] + 2.0 * k[1, i] + 2.0 * k[2, i] + k[3, i])
    return x[0] * x[0] + x[1] * x[1] + x[2] * x[2]


def main():
    state = np.array([1.0, 1.0, 1.0])
    params = np.array([10.0, 28.0, 8.0 / 3.0])
    n, dt = 2000, 0.001
    primal = numba.njit(lorenz_rk4)

    # d/d(state, params) in all 6 directions at once: forward mode, width 6
    d = zymase.autodiff_forward(lorenz_rk4, Dual, Dual, Const, Const, ret=Dual, width=6)
    dstate = np.zeros((6, 3))
    dparams = np.zeros((6, 3))
    for k in range(3):
        dstate[k, k] = 1.0
        dparams[3 + k, k] = 1.0
    y, grad = d(state, dstate.copy(), params, dparams.copy(), n, dt)

    # central finite differences for the check
    h = 1e-6
    fd = np.empty(6)
    for k in range(6):
        s2, p2 = state + h * dstate[k], params + h * dparams[k]
        s1, p1 = state - h * dstate[k], params - h * dparams[k]
        fd[k] = (primal(s2, p2, n, dt) - primal(s1, p1, n, dt)) / (2 * h)

    print(f"f(state, params)        = {y:.10g}")
    print(f"zymase gradient         = {np.array2string(grad, precision=8)}")
    print(f"finite differences      = {np.array2string(fd, precision=8)}")
    rel = np.max(np.abs(grad - fd) / np.maximum(1.0, np.abs(fd)))
    print(f"max relative difference = {rel:.2e}  ({'OK' if rel < 1e-5 else 'MISMATCH'})")

    # the same gradient by reverse mode: one augmented sweep + one adjoint sweep, with a tape
    r = zymase.autodiff_reverse(lorenz_rk4, Duplicated, Duplicated, Const, Const, ret=ActiveOnly)
    ds, dp = np.zeros(3), np.zeros(3)
    r(state, ds, params, dp, n, dt, 1.0)
    rev = np.concatenate([ds, dp])
    rel_r = np.max(np.abs(rev - fd) / np.maximum(1.0, np.abs(fd)))
    print(f"reverse-mode gradient   = {np.array2string(rev, precision=8)}  "
          f"(vs FD {rel_r:.2e}, tape {r.tape_bytes() / 1024:.0f} KiB)")
    rel = max(rel, rel_r)

    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        primal(state, params, n, dt)
    tp = (time.perf_counter() - t0) / reps
    t0 = time.perf_counter()
    for _ in range(reps):
        d(state, dstate, params, dparams, n, dt)
    td = (time.perf_counter() - t0) / reps
    print(f"primal {tp * 1e3:.3f} ms, full 6-direction derivative {td * 1e3:.3f} ms "
          f"({td / tp:.2f}x the primal)")
    if rel >= 1e-5:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

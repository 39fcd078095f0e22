"""``np.linalg.qr`` (rules/linalg/lapack_qr.py): derivative time over primal time.

    OPENBLAS_NUM_THREADS=1 python bench/bench_qr.py

A loss of Q and R (``sum(Q³) + sum(R²)``) at a tall, a square and a wide shape: forward mode
with one tangent and with four (width 4), reverse mode with one seed.  Each derivative is
checked against a central difference of the primal first, then timed alternately with the
primal (``best_pair``, minima).  The rule's cost is O(m n k) per lane like the primal's
(a few gemms, R₁⁻¹ once per call; forward mode one more orgqr).
"""
from __future__ import annotations

import os
import sys

import numba
import numpy as np

import zymase
from zymase import Active, Dual, DualOnly, Duplicated

sys.path.insert(0, os.path.dirname(__file__))
from bench_reverse import best_pair  # noqa: E402


def loss(A):
    Q, R = np.linalg.qr(A)
    return np.sum(Q * Q * Q) + np.sum(R * R)


def main():
    primal = numba.njit(loss)
    fwd = zymase.autodiff_forward(loss, Dual, ret=DualOnly)
    fwd4 = zymase.autodiff_forward(loss, Dual, ret=DualOnly, width=4)
    rev = zymase.autodiff_reverse(loss, Duplicated, ret=Active)
    print(f"{'shape':>12} {'primal ms':>10} {'fwd':>6} {'fwd w4':>7} {'rev':>6}")
    for shape in [(300, 100), (300, 300), (100, 300)]:
        rng = np.random.default_rng(0)
        A, V = rng.standard_normal(shape), rng.standard_normal(shape)
        h = 1e-6
        fd = (primal(A + h * V) - primal(A - h * V)) / (2 * h)
        g = np.zeros(shape)
        rev(A, g, 1.0)
        for got in (fwd(A, V.copy()), float(np.vdot(V, g))):
            assert abs(got - fd) <= 1e-5 * max(1.0, abs(fd)), (shape, got, fd)
        V4 = np.stack([V] * 4)
        tp, tf = best_pair(lambda: primal(A), lambda: fwd(A, V))
        _, tf4 = best_pair(lambda: primal(A), lambda: fwd4(A, V4))
        _, tr = best_pair(lambda: primal(A), lambda: rev(A, g, 1.0))
        print(f"{str(shape):>12} {tp * 1e3:10.2f} {tf / tp:6.1f} {tf4 / tp:7.1f} {tr / tp:6.1f}")


if __name__ == "__main__":
    main()

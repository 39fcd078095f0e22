"""Lists inside the differentiated function (zymase/transforms/varsize.py): derivative time
over primal time, against the same computation on a preallocated array.

    python bench/bench_lists.py [--n 100000]

Five kernels of n items: ``append`` in a loop then a reduction over the list (a reflected
list, and a ``numba.typed.List``, which zymase lowers onto the same kind of NRT memory:
transforms/typed_list.py), a list comprehension summed with ``sum``, and the two array
versions of them (the memory written once, no growth).  The typed.List's primal is Numba's
own (its items in Numba's C runtime, a reference count taken and dropped on the list around
each ``append`` and each read), so its ratios compare the derivative with that.  Each
derivative (reverse mode, ``ret=ActiveOnly``, and forward mode, one tangent) is checked
against central differences of the primal along a random direction, then timed alternately
with the primal (``best_pair``, minima).  Printed: primal time, the
reverse and forward ratios, and the reverse tape in bytes per item.

Then a Python list of n floats passed in with a shadow list (transforms/list_args.py),
called from Python: Numba converts both lists to native lists and back (the shadow list is
copied back because the derivative writes it), so the ratios include those conversions, which
the primal pays for one list only.
"""
from __future__ import annotations

import argparse
import math
import os
import sys

import numba
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from bench_reverse import best_pair  # noqa: E402

import zymase  # noqa: E402
from zymase import ActiveOnly, Dual, Duplicated  # noqa: E402


@numba.njit
def list_append(x):
    L = []
    for v in x:
        L.append(v * v)
    s = 0.0
    for v in L:
        s += math.sin(v)
    return s


@numba.njit
def typed_list_append(x):
    L = numba.typed.List.empty_list(numba.types.float64)
    for v in x:
        L.append(v * v)
    s = 0.0
    for v in L:
        s += math.sin(v)
    return s


@numba.njit
def array_fill(x):
    L = np.empty(x.size)
    for i in range(x.size):
        L[i] = x[i] * x[i]
    s = 0.0
    for v in L:
        s += math.sin(v)
    return s


@numba.njit
def list_comprehension(x):
    L = [math.exp(0.1 * v) * v for v in x]
    return sum(L)


@numba.njit
def array_expression(x):
    return np.sum(np.exp(0.1 * x) * x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    n = ap.parse_args().n
    rng = np.random.default_rng(0)
    x = rng.random(n)
    v = rng.standard_normal(n)
    print(f"n = {n}")
    print(f"{'kernel':20} {'primal':>10} {'reverse/primal':>15} {'forward/primal':>15} "
          f"{'tape B/item':>12}")
    for f in (list_append, typed_list_append, array_fill, list_comprehension,
              array_expression):
        rev = zymase.autodiff_reverse(f, Duplicated, ret=ActiveOnly)
        fwd = zymase.autodiff_forward(f, Dual, ret=Dual)
        dx = np.zeros(n)
        rev(x, dx, 1.0)
        _, t = fwd(x, v)
        h = 1e-6
        fd = (f(x + h * v) - f(x - h * v)) / (2 * h)
        assert abs(t - fd) <= 1e-5 * abs(fd) and abs(dx @ v - fd) <= 1e-5 * abs(fd), f.__name__
        tp, tr = best_pair(lambda: f(x), lambda: rev(x, dx, 1.0))
        tp2, tf = best_pair(lambda: f(x), lambda: fwd(x, v))
        tp = min(tp, tp2)
        print(f"{f.__name__:20} {tp * 1e3:8.3f}ms {tr / tp:15.2f} {tf / tp:15.2f} "
              f"{rev.tape_bytes() / n:12.1f}")
    passed_in(n)


@numba.njit
def list_passed_in(xs):
    s = 0.0
    for v in xs:
        s += math.sin(v) * v
    return s


def passed_in(n):
    rng = np.random.default_rng(1)
    xs = list(rng.random(n))
    v = list(rng.standard_normal(n))
    rev = zymase.autodiff_reverse(list_passed_in, Duplicated, ret=ActiveOnly)
    fwd = zymase.autodiff_forward(list_passed_in, Dual, ret=Dual)
    dxs = [0.0] * n
    rev(xs, dxs, 1.0)
    _, t = fwd(xs, v)
    h = 1e-6
    fd = (list_passed_in([a + h * b for a, b in zip(xs, v)])
          - list_passed_in([a - h * b for a, b in zip(xs, v)])) / (2 * h)
    assert abs(t - fd) <= 1e-5 * abs(fd) and abs(np.dot(dxs, v) - fd) <= 1e-5 * abs(fd)
    tp, tr = best_pair(lambda: list_passed_in(xs), lambda: rev(xs, [0.0] * n, 1.0))
    tp2, tf = best_pair(lambda: list_passed_in(xs), lambda: fwd(xs, v))
    tp = min(tp, tp2)
    print(f"{'list passed in':20} {tp * 1e3:8.3f}ms {tr / tp:15.2f} {tf / tp:15.2f}")


if __name__ == "__main__":
    main()

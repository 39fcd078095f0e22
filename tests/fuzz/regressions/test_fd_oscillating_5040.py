"""Fuzz regression (seed 5040 bundle, profile tiny): a false alarm of the fuzzer's own
finite-difference check, not a zymase bug.

``b`` is doubled twelve times, so ``y[1] = cos(4096 b)`` oscillates faster than the coarse
steps (h >= 1.6e-4) the first version of the check used: two far-from-asymptotic Richardson
values agreed by accident and the check reported AD -4576096.85 vs FD -2782439.98.  zymase's
value is exact (-4096 sin(4096 b)).  The check now uses steps down to 5e-9 and needs three
consecutive Richardson values to agree before it trusts an error estimate.

Replay: ``python -m zymase.fuzz --replay-file tests/fuzz/regressions/test_fd_oscillating_5040.py``
"""
import pytest

from zymase.fuzz.regress import run_regression

SOURCE = '''
import math
import numpy as np
from numba import njit

def f(x, y, c, a, b, n):
    s0 = 1.0
    for z0_i1 in range(n):
        for z0_i2 in range(n, 1, -1):
            b -= -b
    y[1] = math.cos(b)
    return s0
'''

CONFIG = {'nf': 1, 'nr': 1, 'ns': [4], 'data_seed': 5, 'width1': False, 'njit': False, 'fd': True, 'active': 'xyab', 'only': False, 'checks': ['const', 'fd', 'primal']}


def test_fd_oscillating_5040():
    run_regression(SOURCE, CONFIG, isolate=False)

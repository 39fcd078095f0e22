"""Fuzz regression (seed 1000496, bundle of 8, profile tiny): leak / nrt-raise.

Found by ``python -m zymase.fuzz`` and minimised by its shrinker.  Symptom:

    n=2: 3 raising calls leak (6, 6) (allocations, meminfos) in the forward derivative, (0, 0)
    in the primal

Numba's refprune (run at the end of canonicalisation) cannot pair the entry incref of ``x``
and ``c`` with their decrefs when a loop lies between them and a raise leaves from inside it.
Fixed by dropping refcount calls on pointer parameters used by nothing else
(transforms/refcounts.py): such a borrowed reference cannot escape.

Replay: ``python -m zymase.fuzz --replay-file tests/fuzz/regressions/test_leak_nrt_raise_1000496.py``
"""
import pytest

from zymase.fuzz.regress import run_regression

SOURCE = '''
import math
import numpy as np
from numba import njit

@njit
def z5_h1(u, v, t):
    m = 1.0
    for z5_i2 in range(m):
        pass
    return 1.0

def f(x, y, c, a, b, n):
    s0 = 1.0
    for z4_i1 in range(1, n):
        b += 1.0 / (c[z4_i1] - c[z4_i1])
    b += z5_h1(x, x, 1.0)
    return s0
'''

CONFIG = {'nf': 1, 'nr': 1, 'ns': [2], 'data_seed': 1000496, 'width1': False, 'njit': False, 'fd': False, 'active': 'yab', 'only': False, 'checks': ['const', 'nrt', 'primal']}


def test_leak_nrt_raise_1000496():
    run_regression(SOURCE, CONFIG, isolate=False)

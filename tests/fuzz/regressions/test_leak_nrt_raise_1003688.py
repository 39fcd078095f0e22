"""Fuzz regression (seed 1003688, bundle of 8, profile tiny): leak / nrt-raise — a false alarm
of the fuzzer's own leak check, not a zymase bug.

Width 8 forward mode: a raise inside the callee leaves ``np.empty(n, np.float32)`` behind —
Numba's raise paths skip the decref (numba#1549), so the primal leaks it — and with it its
eight shadows (per-lane layout: one zeroed shadow per lane, released by mirrored refcounts
that the raise path skips too): 9 MemInfos per call against the primal's 2.  At width 1 the
derivative leaks what the primal leaks.  The check allowed twice the primal's leak (one
shadow per allocation); it now allows 1 + width times.

Replay: ``python -m zymase.fuzz --replay-file tests/fuzz/regressions/test_leak_nrt_raise_1003688.py``
"""

from zymase.fuzz.regress import run_regression

SOURCE = '''
import math
import numpy as np
from numba import njit

@njit
def z0_h1(u, t):
    m = u.shape[0]
    r = 0.0
    for z0_i2 in range(m):
        raise ValueError('fuzz: raised')
    return r

def f(x, y, c, a, b, n):
    s0 = 1.0
    z0_t4 = np.empty(n, np.float32)
    z0_i5 = 0
    z0_t4[z0_i5] = z0_h1(x, a)
    z3_t7 = x.copy()
    b += np.dot(z3_t7, x[::-1])
    return s0
'''

CONFIG = {'nf': 8, 'nr': 1, 'ns': [1], 'data_seed': 1003688, 'width1': False, 'njit': False, 'fd': False, 'active': 'xyab', 'only': False, 'checks': ['const', 'nrt', 'primal']}


def test_leak_nrt_raise_1003688():
    run_regression(SOURCE, CONFIG, isolate=False)

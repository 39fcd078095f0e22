"""Fuzz regression (seed 1003688, bundle of 8, profile tiny): leak / nrt-raise — open.

Found by ``python -m zymase.fuzz`` and minimised by its shrinker.  Symptom:

    n=1: 3 raising calls leak (27, 27) (allocations, meminfos) in the forward derivative, (6, 6)
    in the primal

Width 8 forward mode only (width 1 leaks what the primal leaks): a raise inside a callee that
received ``x`` leaves 7 more MemInfos per call than the primal (9 against 2).  Not yet
diagnosed; the suspect is forward mode's refcount mirroring, which calls NRT_incref/decref
once per lane on the lanes of a shadow MemInfo — for an argument one MemInfo shared by every
lane — so a raise path that skips Numba's decrefs would leave N references where the primal
leaves one.

Replay: ``python -m zymase.fuzz --replay-file tests/fuzz/regressions/test_leak_nrt_raise_1003688.py``
"""
import pytest

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


@pytest.mark.xfail(strict=True, reason='leak:nrt-raise: n=1: 3 raising calls leak (27, 27) (allocations, meminfos) in the forward derivative, (6, 6) in the primal')
def test_leak_nrt_raise_1003688():
    run_regression(SOURCE, CONFIG, isolate=False)

"""Fuzz regression (seed 2, profile file): leak / nrt-raise.

Found by ``python -m zymase.fuzz`` and minimised by its shrinker.  Symptom:

    n=1: 3 raising calls leak (6, 6) (allocations, meminfos) in the forward derivative, (0, 0)
    in the primal

Fixed by running Numba's reference-count pruning (refprune) at the end of canonicalisation
(zymase/llvm/pipelines.py): the entry incref of ``x`` whose decref was only on the normal
return path was mirrored on the shadow, and an implicit exception (ZeroDivisionError raised
inside Numba's lowering of ``/``) left both references behind.

Replay: ``python -m zymase.fuzz --replay-file tests/fuzz/regressions/test_leak_nrt_raise_2.py``
"""
import pytest

from zymase.fuzz.regress import run_regression

SOURCE = '''
import math
import numpy as np
from numba import njit

def f(x, y, c, a, b, n):
    s = 1.0
    for i in range(n):
        s += 1.0 / (x[i] - x[i])
    return s
'''

CONFIG = {'nf': 1, 'nr': 1, 'ns': [1], 'data_seed': 1, 'width1': False, 'njit': False, 'fd': False, 'checks': ['const', 'nrt', 'primal']}


def test_leak_nrt_raise_2():
    run_regression(SOURCE, CONFIG, isolate=False)

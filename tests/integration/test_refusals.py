"""Constructs zymase does not differentiate yet are refused by name, at the user's line."""
from __future__ import annotations

import numba
import numpy as np
import pytest

import zymase
from zymase import UnsupportedError


@numba.njit(parallel=True)
def _parallel_sum_of_squares(y):
    n = len(y)
    s = np.zeros(n)
    for i in numba.prange(n):
        s[i] = y[i] * y[i]
    return np.sum(s)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_parallel_loop_is_refused_by_name(mode):
    x = np.ones(4)
    with pytest.raises(UnsupportedError) as e:
        if mode == "reverse":
            zymase.grad(_parallel_sum_of_squares)(x)
        else:
            zymase.jvp(_parallel_sum_of_squares, (x,), (x,))
    msg = str(e.value)
    assert "parallel loop" in msg and "parallel=True" in msg
    assert "test_refusals.py" in msg
    # the primal still works, and the same function without parallel=True differentiates
    serial = numba.njit(_parallel_sum_of_squares.py_func)
    np.testing.assert_allclose(zymase.grad(serial)(np.arange(4.0)), 2 * np.arange(4.0))

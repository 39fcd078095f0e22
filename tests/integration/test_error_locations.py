"""Refusals point at the user's line (issue 18): an ``UnsupportedError`` quotes the line of the
differentiated function that leads to the construct and, when the construct is inside
``@njit`` functions that line calls (inlined, compiled by the user without line tables),
names that chain of calls, innermost first (``ir/parser.py``: the scoped-noalias lists
LLVM's inliner attaches name every inlined function; Numba's own implementations are left
out).  Checked from Python in both modes and for a derivative called inside ``@njit`` code."""
import linecache

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Dual, DualOnly, Duplicated


@numba.njit
def eig_inner(A):
    w = np.linalg.eigvals(A)
    return np.sum(w.real)


@numba.njit
def eig_middle(A):
    return eig_inner(A) * 2.0


def eig_top(A):
    s = eig_middle(A)  # LINE-CHAIN
    return s + 1.0


def eig_direct(A):
    return np.sum(np.linalg.eigvals(A).real)  # LINE-DIRECT


def _line(marker):
    for k in range(1, 200):
        if marker in linecache.getline(__file__, k):
            return k, linecache.getline(__file__, k).strip()
    raise AssertionError(marker)


def _check(msg, marker, chain):
    k, text = _line(marker)
    assert "cannot differentiate a call of np.linalg.eig / eigvals" in msg
    assert f"test_error_locations.py:{k}" in msg and text in msg
    note = [ln for ln in msg.splitlines() if "= note: the construct is inside" in ln]
    if chain:
        assert note == [f"  = note: the construct is inside {chain}, which this line calls"]
    else:
        assert not note


A = np.eye(3) + 1.0


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_chain_of_calls_from_python(mode):
    with pytest.raises(zymase.UnsupportedError) as e:
        if mode == "rev":
            zymase.grad(eig_top)(A)
        else:
            zymase.autodiff_forward(eig_top, Dual, ret=DualOnly)(A, np.ones_like(A))
    _check(str(e.value), "LINE-CHAIN", "`eig_inner`, called from `eig_middle`")


def test_construct_in_the_function_itself_has_no_chain():
    with pytest.raises(zymase.UnsupportedError) as e:
        zymase.grad(eig_direct)(A)
    _check(str(e.value), "LINE-DIRECT", None)


def test_chain_of_calls_from_njit():
    d = zymase.autodiff_reverse(eig_top, Duplicated, ret=Active)

    @numba.njit
    def user(A):
        g = np.zeros_like(A)
        d(A, g, 1.0)
        return g

    with pytest.raises(zymase.UnsupportedError) as e:
        user(A)
    _check(str(e.value), "LINE-CHAIN", "`eig_inner`, called from `eig_middle`")


def test_location_pickles_with_its_chain():
    import pickle

    from zymase.errors import Loc
    loc = pickle.loads(pickle.dumps(Loc("f.py", 3, ("g", "h"))))
    assert loc == ("f.py", 3) and loc.via == ("g", "h")


def copy_const_into_work(x, y, n):
    t = np.empty(n)
    t[:] = y  # LINE-SLICE-COPY
    return np.tanh(x[0] * t[n - 1])


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_a_const_array_meeting_shadowed_memory_names_its_line(mode):
    # Numba's slice assignment picks, by a phi, between y (Const: no shadow) and an
    # overlap-safe copy of it (fresh memory: a shadow); the refusal used to name only the IR
    # argument, with no line
    x, y = np.linspace(0.1, 1.0, 5), np.linspace(-1.0, 1.0, 5)
    Const = zymase.Const
    with pytest.raises(zymase.UnsupportedError) as e:
        if mode == "rev":
            zymase.autodiff_reverse(copy_const_into_work, Duplicated, Const, Const,
                                    ret=Active)(x, np.zeros(5), y, 5, 1.0)
        else:
            zymase.autodiff_forward(copy_const_into_work, Dual, Const, Const,
                                    ret=DualOnly)(x, np.ones(5), y, 5)
    msg = str(e.value)
    k, text = _line("LINE-SLICE-COPY")
    assert "mixes memory with and without a shadow" in msg and "passed as Const" in msg
    assert f"test_error_locations.py:{k}" in msg and text in msg
    assert "Dual/Duplicated instead of Const" in msg
    # the workaround the help names gives the gradient (y with a zero shadow)
    g = np.zeros(5)
    zymase.autodiff_reverse(copy_const_into_work, Duplicated, Duplicated, zymase.Const,
                            ret=Active)(x, g, y, np.zeros(5), 5, 1.0)
    want = y[4] * (1.0 - np.tanh(x[0] * y[4]) ** 2)
    assert g[0] == pytest.approx(want, rel=1e-13) and not g[1:].any()

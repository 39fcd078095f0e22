"""The pipeline with the identity transform must be invisible.

For every case of ``tests/corpus/roundtrip.py``, ``zymase.compile(fn)`` (front end → canonical
IR → zymase's IR model → printer → O3 → back end) must behave exactly like ``numba.njit(fn)``:
the same return value bit for bit (NaN-aware: two NaNs match whatever their payload), the same
final contents of every array argument (in-place updates), and the same exception class and
message for raising cases.  A representative subset is also called from inside ``@njit``
code, where a ``Compiled`` object types as a dispatcher.
"""
from __future__ import annotations

import math
import struct

import numba
import numpy as np
import pytest

import zymase
from tests.corpus.roundtrip import CASES

CASE_BY_NAME = {c.name: c for c in CASES}
assert len(CASE_BY_NAME) == len(CASES), "duplicate case names in the roundtrip corpus"


# --------------------------------------------------------------------------------------------
# exact comparison
# --------------------------------------------------------------------------------------------
def _float_bits(x: float, size: int) -> int:
    fmt = ("<d", "<Q") if size == 8 else ("<f", "<I")
    return struct.unpack(fmt[1], struct.pack(fmt[0], x))[0]


def assert_identical(got, want, path="result"):
    """Bit-for-bit equality of nested results (tuples, arrays, scalars)."""
    assert type(got) is type(want), f"{path}: type {type(got).__name__} != {type(want).__name__}"
    if isinstance(want, tuple):
        assert len(got) == len(want), f"{path}: tuple length {len(got)} != {len(want)}"
        for k, (g, w) in enumerate(zip(got, want)):
            assert_identical(g, w, f"{path}[{k}]")
        return
    if isinstance(want, np.ndarray):
        assert got.dtype == want.dtype, f"{path}: dtype {got.dtype} != {want.dtype}"
        assert got.shape == want.shape, f"{path}: shape {got.shape} != {want.shape}"
        if want.dtype.kind in "fc":
            g = np.ascontiguousarray(got)
            w = np.ascontiguousarray(want)
            itype = {2: np.uint16, 4: np.uint32, 8: np.uint64, 16: np.uint64}[want.dtype.itemsize]
            same_bits = g.view(itype) == w.view(itype)
            both_nan = np.isnan(g) & np.isnan(w)
            bad = ~(same_bits.reshape(g.shape + (-1,)).all(axis=-1) if want.dtype.kind == "c"
                    else same_bits) & ~both_nan
            assert not bad.any(), (f"{path}: differs at {np.argwhere(bad)[:5].tolist()}:\n"
                                   f"got  {got[bad][:5]}\nwant {want[bad][:5]}")
        else:
            assert np.array_equal(got, want), f"{path}:\ngot  {got}\nwant {want}"
        return
    if isinstance(want, (float, np.floating)):
        if math.isnan(want):
            assert math.isnan(got), f"{path}: {got!r} is not NaN"
            return
        size = 4 if isinstance(want, np.float32) else 8
        assert _float_bits(got, size) == _float_bits(want, size), f"{path}: {got!r} != {want!r}"
        return
    assert got == want, f"{path}: {got!r} != {want!r}"


def _run(fn, args):
    """(result, None) or (None, exception)."""
    try:
        return fn(*args), None
    except Exception as e:  # noqa: BLE001 - compared against Numba's behaviour below
        return None, e


def _check_same_behaviour(case, zfn, nfn):
    zargs, nargs = case.make_args(), case.make_args()
    want, nerr = _run(nfn, nargs)
    got, zerr = _run(zfn, zargs)
    if case.raises is not None:
        assert isinstance(nerr, case.raises), f"numba itself did not raise {case.raises}: {nerr!r}"
        assert zerr is not None, f"zymase returned {got!r} where numba raised {nerr!r}"
        assert type(zerr) is type(nerr), f"zymase raised {zerr!r}, numba raised {nerr!r}"
        assert str(zerr) == str(nerr)
    else:
        assert nerr is None, f"numba raised {nerr!r}"
        if zerr is not None:
            raise zerr
        assert_identical(got, want)
    # arguments mutated in place (also before an exception)
    for k, (za, na) in enumerate(zip(zargs, nargs)):
        assert_identical(za, na, f"argument {k} after the call")


# --------------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------------
# Several cases share a function (with different argument types or values): compile each
# function once per side and let the per-signature caches do the rest.
_NJIT, _ZYMASE = {}, {}


def _numba(fn):
    if fn not in _NJIT:
        _NJIT[fn] = numba.njit(fn)
    return _NJIT[fn]


def _zymase(fn):
    if fn not in _ZYMASE:
        _ZYMASE[fn] = zymase.compile(fn)
    return _ZYMASE[fn]


@pytest.mark.parametrize("name", list(CASE_BY_NAME))
def test_roundtrip_from_python(name):
    case = CASE_BY_NAME[name]
    _check_same_behaviour(case, _zymase(case.fn), _numba(case.fn))


def _njit_caller(callee, nargs: int):
    """``@njit def caller(a0, …): return callee(a0, …)`` with ``callee`` a global."""
    params = ", ".join(f"a{i}" for i in range(nargs))
    ns = {"callee": callee}
    exec(f"def caller({params}):\n    return callee({params})\n", ns)
    return numba.njit(ns["caller"])


NJIT_SUBSET = [
    "f64_poly",                    # scalar floats
    "math_funcs_f32",              # float32 and libm
    "int_floordiv_zero",           # exception raised inside the callee propagates
    "index_check_raise",
    "inplace_scale_strided",       # strided in-place update through the callee
    "inplace_partial_then_raise",  # partial update, then raise
    "matmul_new",                  # array allocated in the callee, returned through the caller
    "row_sums_tuple",              # tuple return containing an array
    "tuple_arg_arrays",            # tuple of arrays argument
    "sum3d_weighted_strided",      # 3-D non-contiguous view
    "minmax_via_helper",           # calls another njit function
    "bool_logic_np",
]


@pytest.mark.parametrize("name", NJIT_SUBSET)
def test_roundtrip_called_from_njit(name):
    case = CASE_BY_NAME[name]
    nargs = case.fn.__code__.co_argcount
    zcaller = _njit_caller(_zymase(case.fn), nargs)
    ncaller = _njit_caller(_numba(case.fn), nargs)
    _check_same_behaviour(case, zcaller, ncaller)


def test_njit_subset_names_exist():
    missing = [n for n in NJIT_SUBSET if n not in CASE_BY_NAME]
    assert not missing


def test_compile_records_timings():
    case = CASE_BY_NAME["dot1d"]
    z = zymase.compile(case.fn)
    assert z.timings == {}
    args = case.make_args()
    z(*args)
    assert len(z.timings) == 1
    (key, t), = z.timings.items()
    assert key == tuple(numba.typeof(a) for a in args)
    assert {"numba", "canonicalise", "parse", "finish"} <= set(t)
    assert all(isinstance(v, float) and v >= 0.0 for v in t.values())
    # a second call with the same types does not rebuild
    z(*case.make_args())
    assert len(z.timings) == 1


def test_compile_keeps_name_and_is_cached_per_signature():
    def f(x):
        return x * 2

    z = zymase.compile(f)
    assert z.__name__ == "f"
    assert z(3) == 6
    assert z(1.5) == 3.0
    assert len(z.timings) == 2

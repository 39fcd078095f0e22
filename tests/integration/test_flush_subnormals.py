"""``flush_subnormals=True``: derivatives run with subnormals flushed to zero (MXCSR FTZ|DAZ),
and the caller's floating-point environment comes back unchanged.

What is checked: contributions scaled by a subnormal weight are exactly 0 with the option and
the exact subnormal value without it (both modes); ordinary gradients are unchanged and agree
with central differences and across modes; the caller's MXCSR is the same after a call (from
Python, after an exception, from an ``@njit`` caller, when the caller had FTZ set itself);
parallel workers compute flushed adjoints and get their own setting back; the option is part
of every cache key; nested differentiation and other machines are refused or handled clearly.
The MXCSR is read and written by a tiny function JIT-compiled here with llvmlite.
"""
import ctypes
import math
import pickle

import numba
import numpy as np
import pytest
from numba import prange

import zymase
from zymase import Active, Const, Dual, Duplicated, UnsupportedError
from zymase.transforms import fpenv

from tests.support import jit

pytestmark = pytest.mark.skipif(not fpenv.is_x86_64(), reason="MXCSR exists on x86-64 only")

TINY = math.exp(-720.0)          # 1.2e-313: a subnormal
CONTROL = 0xFFC0                 # MXCSR's control bits (the low six are sticky status flags)
FTZ_DAZ = 0x8040
SUB_PRODUCT = 1e-310 * 1.5       # computed at import, with subnormals kept (not 1.5e-310)

_MXCSR_IR = """
define i32 @zy_test_read_mxcsr() {
  %p = alloca i32, align 4
  call void @llvm.x86.sse.stmxcsr(ptr %p)
  %v = load i32, ptr %p
  ret i32 %v
}
define void @zy_test_write_mxcsr(i32 %v) {
  %p = alloca i32, align 4
  store i32 %v, ptr %p
  call void @llvm.x86.sse.ldmxcsr(ptr %p)
  ret void
}
declare void @llvm.x86.sse.stmxcsr(ptr)
declare void @llvm.x86.sse.ldmxcsr(ptr)
"""


def _mxcsr_functions():
    ee = jit(_MXCSR_IR)
    read = ctypes.CFUNCTYPE(ctypes.c_uint32)(ee.get_function_address("zy_test_read_mxcsr"))
    write = ctypes.CFUNCTYPE(None, ctypes.c_uint32)(ee.get_function_address("zy_test_write_mxcsr"))
    return ee, read, write


_EE, read_mxcsr, write_mxcsr = _mxcsr_functions() if fpenv.is_x86_64() else (None,) * 3


def control():
    return read_mxcsr() & CONTROL


def assert_python_keeps_subnormals():
    a = np.float64(1e-310)
    assert a * np.float64(1.5) != 0.0
    assert a * np.float64(1.5) == SUB_PRODUCT and 0 < SUB_PRODUCT < 2.2e-308


# -- functions ---------------------------------------------------------------------------------
@numba.njit
def weighted(x, y):
    s = 0.0
    for i in range(y.shape[0]):
        s += math.exp(-720.0 * x[i]) * y[i]
    return s


@numba.njit
def scaled_out(x, out):
    for i in range(x.shape[0]):
        out[i] = math.exp(-720.0 * x[i]) * 3.0


@numba.njit
def smooth(x, w):
    s = 0.0
    for i in range(x.shape[0]):
        s += math.sin(x[i]) * w[i] + x[i] * x[i] * math.exp(-0.5 * x[i])
    return math.log(1.0 + s * s)


@numba.njit
def raises(x, y):
    if x[0] > 100.0:
        raise IndexError("x[0] is too large")
    return weighted(x, y)


# x[0] = 1 gives the subnormal weight exp(-720); the others are normal
X = np.array([1.0, 0.5, 0.0])
Y = np.array([2.0, 3.0, 5.0])


def reverse_weighted(flush):
    df = zymase.autodiff_reverse(weighted, Duplicated, Duplicated, ret=Active,
                                 flush_subnormals=flush)
    dx, dy = np.zeros(3), np.zeros(3)
    val = df(X.copy(), dx, Y.copy(), dy, 1.0)
    return val, dx, dy


def test_reverse_subnormal_contributions():
    val, dx, dy = reverse_weighted(False)
    # without the option: the exact subnormal adjoints
    assert dy[0] == np.float64(TINY) and 0 < dy[0] < 2.2e-308
    assert dx[0] != 0.0 and abs(dx[0] - (-720.0 * TINY * 2.0)) <= 1e-9 * 720 * TINY * 2
    assert dy[1] == math.exp(-360.0) and dy[2] == 1.0
    fval, fdx, fdy = reverse_weighted(True)
    assert fdy[0] == 0.0 and fdx[0] == 0.0
    # the normal entries are untouched
    assert fdy[1] == dy[1] and fdy[2] == dy[2]
    assert fdx[1] == dx[1] and fdx[2] == dx[2]
    assert fval == val
    assert_python_keeps_subnormals()


def test_reverse_subnormal_primal_is_flushed():
    x, y = np.ones(2), np.array([1.0, 2.0])
    for flush, want in ((False, weighted(x, y)), (True, 0.0)):
        df = zymase.autodiff_reverse(weighted, Duplicated, Duplicated, ret=Active,
                                     flush_subnormals=flush)
        val = df(x, np.zeros(2), y, np.zeros(2), 1.0)
        assert val == want
    assert 0 < weighted(x, y) < 2.2e-308


def test_forward_subnormal_tangents():
    results = {}
    for flush in (False, True):
        df = zymase.autodiff_forward(scaled_out, Dual, Dual, ret=Const,
                                     flush_subnormals=flush)
        out, dout = np.zeros(3), np.zeros(3)
        df(X.copy(), np.ones(3), out, dout)
        results[flush] = out, dout
    (out, dout), (fout, fdout) = results[False], results[True]
    assert out[0] == np.float64(3.0 * TINY) and 0 < out[0] < 2.2e-308
    assert dout[0] == np.float64(-720.0 * 3.0 * TINY) or \
        abs(dout[0] + 2160.0 * TINY) <= 1e-9 * 2160 * TINY
    assert dout[0] != 0.0
    assert fout[0] == 0.0 and fdout[0] == 0.0
    assert np.array_equal(fout[1:], out[1:]) and np.array_equal(fdout[1:], dout[1:])
    # forward against reverse on the normal range: d(weighted)/dy = exp(-720 x)
    df = zymase.autodiff_forward(weighted, Const, Dual, ret=Dual, flush_subnormals=True)
    val, tan = df(X.copy(), Y.copy(), np.array([0.0, 1.0, 1.0]))
    assert tan == math.exp(-360.0) + 1.0
    assert val == weighted(X, Y)


def _fd(f, x, w, k, h=1e-6):
    xp, xm = x.copy(), x.copy()
    xp[k] += h
    xm[k] -= h
    return (f(xp, w) - f(xm, w)) / (2 * h)


def test_normal_range_gradients_unchanged():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal(7), rng.standard_normal(7)
    grads = {}
    for flush in (False, True):
        df = zymase.autodiff_reverse(smooth, Duplicated, Const, ret=Active,
                                     flush_subnormals=flush)
        dx = np.zeros(7)
        val = df(x.copy(), dx, w, 1.0)
        grads[flush] = val, dx
    assert grads[True][0] == grads[False][0]
    np.testing.assert_allclose(grads[True][1], grads[False][1], rtol=1e-15, atol=0)
    fd = np.array([_fd(smooth.py_func, x, w, k) for k in range(7)])
    np.testing.assert_allclose(grads[True][1], fd, rtol=1e-6)
    # forward agrees with reverse: <grad, v> = tangent along v
    v = rng.standard_normal(7)
    fwd = zymase.autodiff_forward(smooth, Dual, Const, ret=Dual, flush_subnormals=True)
    _, tan = fwd(x.copy(), v, w)
    assert tan == pytest.approx(float(grads[True][1] @ v), rel=1e-13)


# -- the caller's environment ------------------------------------------------------------------
def test_mxcsr_restored_from_python():
    before = control()
    reverse_weighted(True)
    assert control() == before
    assert before & FTZ_DAZ == 0
    assert_python_keeps_subnormals()


def test_mxcsr_restored_to_the_callers_own_setting():
    """A caller that runs with FTZ|DAZ itself keeps them (restore, not clear)."""
    saved = read_mxcsr()
    try:
        write_mxcsr(saved | FTZ_DAZ)
        reverse_weighted(True)
        after = read_mxcsr()
        val, dx, dy = reverse_weighted(False)     # the caller's setting flushes this one
    finally:
        write_mxcsr(saved)
    assert after & CONTROL == (saved | FTZ_DAZ) & CONTROL
    assert dy[0] == 0.0
    assert control() == saved & CONTROL


def test_mxcsr_restored_after_an_exception():
    df = zymase.autodiff_reverse(raises, Duplicated, Duplicated, ret=Active,
                                 flush_subnormals=True)
    before = control()
    x = X.copy()
    x[0] = 1000.0
    with pytest.raises(IndexError, match="too large"):
        df(x, np.zeros(3), Y.copy(), np.zeros(3), 1.0)
    assert control() == before
    assert_python_keeps_subnormals()
    # the same derivative still flushes on the next call
    dy = np.zeros(3)
    df(X.copy(), np.zeros(3), Y.copy(), dy, 1.0)
    assert dy[0] == 0.0 and dy[2] == 1.0


_d_flushed = zymase.autodiff_reverse(weighted, Duplicated, Duplicated, ret=Active,
                                     flush_subnormals=True) if fpenv.is_x86_64() else None
_read = read_mxcsr


@numba.njit
def njit_caller(x, dx, y, dy, tiny, scale):
    before = _read()
    val = _d_flushed(x, dx, y, dy, 1.0)
    after = _read()
    return val, before, after, tiny * scale


def test_mxcsr_restored_from_an_njit_caller():
    dx, dy = np.zeros(3), np.zeros(3)
    val, before, after, product = njit_caller(X.copy(), dx, Y.copy(), dy, 1e-310, 1.5)
    assert before & CONTROL == after & CONTROL
    assert after & FTZ_DAZ == 0
    assert product == SUB_PRODUCT       # the caller's arithmetic after the call keeps subnormals
    assert dy[0] == 0.0 and dy[1] == math.exp(-360.0)
    assert val == weighted(X, Y)


# -- parallel loops ----------------------------------------------------------------------------
@numba.njit(parallel=True)
def par_weighted(x, y):
    s = 0.0
    for i in prange(y.shape[0]):
        s += math.exp(-720.0 * x[i]) * y[i]
    return s


@numba.njit(parallel=True)
def par_scale(a, out):
    for i in prange(a.shape[0]):
        out[i] = a[i] * 1.5


def test_parallel_workers_flushed_and_restored():
    threads = numba.get_num_threads()
    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    try:
        n = 64
        x = np.where(np.arange(n) % 2 == 0, 1.0, 0.25)   # even entries: subnormal weights
        y = np.linspace(1.0, 2.0, n)
        res = {}
        for flush in (False, True):
            df = zymase.autodiff_reverse(par_weighted, Duplicated, Duplicated, ret=Active,
                                         flush_subnormals=flush)
            dx, dy = np.zeros(n), np.zeros(n)
            df(x, dx, y, dy, 1.0)
            res[flush] = dx, dy
            fw = zymase.autodiff_forward(par_weighted, Const, Dual, ret=Dual,
                                         flush_subnormals=flush)
            res[flush, "fwd"] = fw(x, y, (np.arange(n) % 2 == 0).astype(np.float64))[1]
        (dx, dy), (fdx, fdy) = res[False], res[True]
        assert np.all(dy[::2] == np.float64(TINY)) and np.all(dx[::2] != 0.0)
        assert np.all(fdy[::2] == 0.0) and np.all(fdx[::2] == 0.0)
        assert np.array_equal(fdy[1::2], dy[1::2]) and np.array_equal(fdx[1::2], dx[1::2])
        assert res[False, "fwd"] == pytest.approx(32 * TINY, rel=1e-9) and \
            res[False, "fwd"] != 0.0
        assert res[True, "fwd"] == 0.0
        # the workers got their own MXCSR back: a primal parallel loop keeps subnormals
        out = np.zeros(n)
        par_scale(np.full(n, 1e-310), out)
        assert np.all(out == SUB_PRODUCT)
        assert control() & FTZ_DAZ == 0
    finally:
        numba.set_num_threads(threads)


# -- caches, nesting, other machines -----------------------------------------------------------
def test_option_is_part_of_the_cache_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("ZYMASE_CACHE_DIR", str(tmp_path))
    dys = {}
    for flush in (False, True, False):
        df = zymase.autodiff_reverse(weighted, Duplicated, Duplicated, ret=Active, cache=True,
                                     flush_subnormals=flush)
        dy = np.zeros(3)
        df(X.copy(), np.zeros(3), Y.copy(), dy, 1.0)
        dys.setdefault(flush, []).append(dy[0])
        again = pickle.loads(pickle.dumps(df))
        assert again.flush_subnormals is flush
    assert dys[False] == [TINY, TINY] and dys[True] == [0.0]
    from zymase import diskcache
    from numba import typeof
    types = tuple(typeof(a) for a in (X, X, Y, Y, 1.0))
    keys = {diskcache.key(zymase.autodiff_reverse(weighted, Duplicated, Duplicated,
                                                  flush_subnormals=f), types)
            for f in (False, True)}
    assert len(keys) == 2


def test_nested_flushed_derivative():
    rng = np.random.default_rng(5)
    x, w, v = rng.standard_normal(5), rng.standard_normal(5), rng.standard_normal(5)
    hv = {}
    for flush in (False, True):
        rev = zymase.autodiff_reverse(smooth, Duplicated, Const, ret=Active,
                                      flush_subnormals=flush)
        fwd = zymase.autodiff_forward(rev, Dual, Dual, Const, Const, ret=Const,
                                      flush_subnormals=flush)
        dx, ddx = np.zeros(5), np.zeros(5)
        fwd(x.copy(), v, dx, ddx, w, 1.0)
        hv[flush] = ddx
    np.testing.assert_allclose(hv[True], hv[False], rtol=1e-14, atol=0)
    g = zymase.autodiff_reverse(smooth, Duplicated, Const, ret=Active)
    h = 1e-6

    def grad(z):
        d = np.zeros(5)
        g(z, d, w, 1.0)
        return d
    fd = (grad(x + h * v) - grad(x - h * v)) / (2 * h)
    np.testing.assert_allclose(hv[True], fd, rtol=1e-6, atol=1e-9)


def test_nested_needs_the_option_outside_too():
    rev = zymase.autodiff_reverse(smooth, Duplicated, Const, ret=Active, flush_subnormals=True)
    with pytest.raises(UnsupportedError, match="flush_subnormals=True"):
        zymase.autodiff_forward(rev, Dual, Dual, Const, Const, ret=Const)


def test_refused_on_other_machines(monkeypatch):
    monkeypatch.setattr(fpenv.platform, "machine", lambda: "aarch64")
    with pytest.raises(UnsupportedError, match="x86-64"):
        zymase.autodiff_reverse(smooth, Duplicated, Const, flush_subnormals=True)
    # without the option nothing changes
    zymase.autodiff_reverse(smooth, Duplicated, Const)


OOM = """
import math, os, resource, sys
import numba, numpy as np
sys.path.insert(0, {root!r})
import zymase
from zymase import Active, Const, Duplicated
from tests.integration.test_flush_subnormals import read_mxcsr, CONTROL, SUB_PRODUCT

@numba.njit
def chain(x, n):
    s = x[0]
    for i in range(n):
        s = math.sin(s) * 1.0001
    return s

d = zymase.autodiff_reverse(chain, Duplicated, Const, ret=Active, flush_subnormals=True)
x = np.array([0.5])
d(x, np.zeros(1), 10, 1.0)                        # compile first
vm = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
resource.setrlimit(resource.RLIMIT_AS, (vm + 256 * 2**20, resource.RLIM_INFINITY))
before = read_mxcsr() & CONTROL
try:
    d(x, np.zeros(1), 10**8, 1.0)                 # 800 MB of tape
except MemoryError as e:
    print("MEMORYERROR", str(e)[:40])
print("RESTORED", before == read_mxcsr() & CONTROL)
print("SUBNORMALS", np.float64(1e-310) * np.float64(1.5) == SUB_PRODUCT)
"""


def test_mxcsr_restored_after_the_tapes_memory_error():
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    r = subprocess.run([sys.executable, "-c", OOM.format(root=root)], capture_output=True,
                       text=True, env=dict(os.environ, PYTHONPATH=root), timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "MEMORYERROR zymase: the tape" in r.stdout, r.stdout
    assert "RESTORED True" in r.stdout and "SUBNORMALS True" in r.stdout, r.stdout


_g_flushed = zymase.autodiff_reverse(smooth, Duplicated, Const, ret=Active,
                                     flush_subnormals=True) if fpenv.is_x86_64() else None


@numba.njit
def grad_norm(x, w):
    dx = np.zeros_like(x)
    _g_flushed(x, dx, w, 1.0)
    return np.sum(dx * dx)


def test_differentiating_code_that_calls_a_flushed_derivative():
    """The wrapper's MXCSR intrinsics are inactive: with flush_subnormals=True a function
    calling a flushed derivative is differentiated like any other (against central
    differences) and the caller's MXCSR is intact afterwards; without the option it is refused
    by name (the flushed region would end wherever LLVM moved the arithmetic)."""
    rng = np.random.default_rng(11)
    x, w, v = rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal(4)
    with pytest.raises(UnsupportedError, match="flush_subnormals=True") as e:
        zymase.autodiff_forward(grad_norm, Dual, Const, ret=Dual)(x.copy(), v, w)
    assert "_g_flushed(x, dx, w, 1.0)" in str(e.value)
    before = control()
    d = zymase.autodiff_forward(grad_norm, Dual, Const, ret=Dual, flush_subnormals=True)
    val, tan = d(x.copy(), v, w)
    assert control() == before
    assert val == pytest.approx(grad_norm(x, w), rel=1e-14)
    h = 1e-6
    fd = (grad_norm(x + h * v, w) - grad_norm(x - h * v, w)) / (2 * h)
    assert tan == pytest.approx(fd, rel=1e-6)
    assert_python_keeps_subnormals()


def test_scipy_helpers_pass_the_option_on():
    from zymase import scipy_optimize as so
    v0, g0 = so.value_and_grad(weighted)(X, Y)
    v1, g1 = so.value_and_grad(weighted, flush_subnormals=True)(X, Y)
    assert g0[0] != 0.0 and g1[0] == 0.0
    assert v1 == v0 and np.array_equal(g1[1:], g0[1:])
    J0 = so.jacobian(scaled_out_value)(X)
    J1 = so.jacobian(scaled_out_value, flush_subnormals=True)(X)
    assert J0[0, 0] != 0.0 and J1[0, 0] == 0.0 and J1[2, 2] == J0[2, 2]
    rng = np.random.default_rng(2)
    x, w, p = rng.standard_normal(5), rng.standard_normal(5), rng.standard_normal(5)
    hp0 = so.hessp(smooth)(x, p, w)
    hp1 = so.hessp(smooth, flush_subnormals=True)(x, p, w)
    np.testing.assert_allclose(hp1, hp0, rtol=1e-14, atol=0)


@numba.njit
def scaled_out_value(x):
    out = np.empty_like(x)
    scaled_out(x, out)
    return out


@numba.njit
def weighted_loop(x, y, n):
    s = 0.0
    for k in range(n):
        for i in range(y.shape[0]):
            s += math.exp(-720.0 * x[i]) * y[i] * math.cos(0.1 * k)
    return s


@pytest.mark.parametrize("options", [dict(width=2), dict(checkpoint=2)])
def test_flush_with_width_and_checkpointing(options):
    """The wrapper is independent of what the body is: batched and checkpointed reverse
    derivatives flush the same entries."""
    w = options.get("width", 1)
    res = {}
    for flush in (False, True):
        df = zymase.autodiff_reverse(weighted_loop, Duplicated, Duplicated, Const, ret=Active,
                                     flush_subnormals=flush, **options)
        dx = np.zeros((w, 3) if w > 1 else 3)
        dy = np.zeros_like(dx)
        seed = np.ones(w) if w > 1 else 1.0
        df(X.copy(), dx, Y.copy(), dy, 5, seed)
        res[flush] = dx.reshape(w, 3), dy.reshape(w, 3)
    cos_sum = sum(math.cos(0.1 * k) for k in range(5))
    (dx, dy), (fdx, fdy) = res[False], res[True]
    assert np.all(dy[:, 0] != 0.0) and np.all(dx[:, 0] != 0.0)
    assert np.all(fdy[:, 0] == 0.0) and np.all(fdx[:, 0] == 0.0)
    np.testing.assert_allclose(fdy[:, 2], cos_sum, rtol=1e-14)
    assert np.array_equal(fdy[:, 1:], dy[:, 1:]) and np.array_equal(fdx[:, 1:], dx[:, 1:])


@numba.njit
def weighted_list(x, y):
    return [math.exp(-720.0 * x[i]) * y[i] for i in range(3)]


def test_jax_vocabulary_passes_the_option_on():
    """grad, value_and_grad, vjp, jvp, jacobian, hvp and hessian take flush_subnormals= and
    keep flushed and unflushed derivatives apart in one process."""
    g0 = zymase.grad(weighted, 1)(X, Y)
    g1 = zymase.grad(weighted, 1, flush_subnormals=True)(X, Y)
    assert g0[0] == TINY and g1[0] == 0.0 and np.array_equal(g1[1:], g0[1:])
    assert zymase.grad(weighted, 1)(X, Y)[0] == TINY            # the unflushed one again
    v1, gs = zymase.value_and_grad(weighted, (0, 1), flush_subnormals=True)(X, Y)
    assert v1 == weighted(X, Y) and gs[0][0] == 0.0 and gs[1][0] == 0.0
    y, back = zymase.vjp(weighted, X, Y, flush_subnormals=True)
    assert back(1.0)[1][0] == 0.0
    y, back = zymase.vjp(weighted_list, X, Y, flush_subnormals=True)
    assert back([1.0, 1.0, 1.0])[1][0] == 0.0
    y, back = zymase.vjp(weighted_list, X, Y)
    assert back([1.0, 1.0, 1.0])[1][0] == TINY
    e0 = np.array([1.0, 0.0, 0.0])
    assert zymase.jvp(weighted, (X, Y), (None, e0))[1] == TINY
    assert zymase.jvp(weighted, (X, Y), (None, e0), flush_subnormals=True)[1] == 0.0
    for mode in ("forward", "reverse"):
        J0 = zymase.jacobian(scaled_out_value, mode=mode)(X)
        J1 = zymase.jacobian(scaled_out_value, mode=mode, flush_subnormals=True)(X)
        assert J0[0, 0] != 0.0 and J1[0, 0] == 0.0 and J1[2, 2] == J0[2, 2]
    rng = np.random.default_rng(4)
    x, w, v = rng.standard_normal(5), rng.standard_normal(5), rng.standard_normal(5)
    np.testing.assert_allclose(zymase.hvp(smooth, (x, w), (v, None), flush_subnormals=True),
                               zymase.hvp(smooth, (x, w), (v, None)), rtol=1e-14, atol=0)
    np.testing.assert_allclose(zymase.hessian(smooth, flush_subnormals=True)(x, w),
                               zymase.hessian(smooth)(x, w), rtol=1e-14, atol=1e-300)


def test_final_ir_keeps_the_arithmetic_inside_the_noinline_body(capfd):
    """After O3: the exported symbol is save / set / call body / restore / ret and nothing
    else, both it and the body are noinline, and no MXCSR access is left inside the body
    (so no floating-point operation can run outside the flushed window)."""
    import re
    df = zymase.autodiff_reverse(weighted, Duplicated, Duplicated, ret=Active,
                                 flush_subnormals=True, print="final")
    df(X.copy(), np.zeros(3), Y.copy(), np.zeros(3), 1.0)
    text = capfd.readouterr().err
    groups = dict(re.findall(r"^attributes (#\d+) = \{(.*)\}$", text, flags=re.M))
    funcs = {m.group(2): (m.group(1), m.group(3)) for m in re.finditer(
        r"^define ([^\n]*)@\"?([\w.$]+)\"?\([^\n]*\{\n(.*?)^\}", text, flags=re.M | re.S)}
    bodies = [n for n in funcs if n.endswith(".fpenv.body")]
    assert len(bodies) == 1, "the derivative's body was inlined into its wrapper"
    body_name = bodies[0]
    wrapper_name = next(n for n in funcs if not n.endswith(".fpenv.body") and
                        "llvm.x86.sse.ldmxcsr" in funcs[n][1])
    head, body = funcs[wrapper_name]
    calls = re.findall(r"call [^@]*@\"?([\w.$]+)", body)
    assert calls == ["llvm.x86.sse.stmxcsr", "llvm.x86.sse.ldmxcsr", body_name,
                     "llvm.x86.sse.ldmxcsr"]
    assert not re.search(r"\b(fadd|fsub|fmul|fdiv|fneg)\b", body)
    assert "mxcsr" not in funcs[body_name][1]

    def attrs(name):
        line = re.search(rf"^define [^\n]*@\"?{re.escape(name)}\"?\(.*$", text, flags=re.M)[0]
        return " ".join(groups.get(g, "") for g in re.findall(r"#\d+", line)) + line
    assert "noinline" in attrs(body_name) and "noinline" in attrs(wrapper_name)

"""Hostile inputs: NaN/Inf, empty arrays, negative strides, non-contiguous and read-only
arrays, corrupt / stale / half-written cache entries, interrupted compilations, pickles from
another zymase version.  Nothing may crash, hang, or silently load something it should not."""
import math
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual, Duplicated, ShadowError
from zymase import diskcache

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sines(x, n):
    s = 0.0
    for i in range(n):
        s += math.sin(x[i]) * x[i] + math.exp(-x[i] * x[i])
    return s


def sines_grad(x):
    return np.cos(x) * x + np.sin(x) - 2 * x * np.exp(-x * x)


@pytest.fixture(scope="module")
def rev():
    return zymase.autodiff_reverse(sines, Duplicated, Const, ret=Active)


@pytest.fixture(scope="module")
def fwd():
    return zymase.autodiff_forward(sines, Dual, Const, ret=Dual)


def _no_hang(fn, timeout=300):
    out, err = [], []
    t = threading.Thread(target=lambda: _catch(fn, out, err), daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "hang"
    if err:
        raise err[0]
    return out[0]


def _catch(fn, out, err):
    try:
        out.append(fn())
    except BaseException as e:  # noqa: BLE001
        err.append(e)


# -- NaN and Inf --------------------------------------------------------------------------------
def test_nan_inf_propagate_reverse(rev):
    x = np.array([np.nan, 0.5, np.inf, -np.inf, 1.0])
    dx = np.zeros(5)
    y = rev(x, dx, 5, 1.0)
    assert math.isnan(y) and math.isnan(numba.njit(sines)(x, 5))
    # each entry's adjoint is its own IEEE value: NaN where sin/cos of a NaN or an infinity is,
    # untouched (finite, exact) elsewhere
    np.testing.assert_array_equal(np.isnan(dx), np.isnan(sines_grad(x)))
    fin = np.isfinite(x)
    np.testing.assert_allclose(dx[fin], sines_grad(x[fin]), rtol=1e-14)


def test_nan_inf_propagate_forward(fwd):
    x = np.array([np.nan, 0.5, np.inf, 1.0])
    y, t = fwd(x, np.array([0.0, 1.0, 0.0, 0.0]), 4)
    # the tangent of a sum with a NaN term is NaN (0 * NaN), as IEEE says
    assert math.isnan(y) and math.isnan(t)
    y, t = fwd(np.array([0.3, np.inf]), np.array([1.0, 0.0]), 2)
    assert math.isnan(y) and math.isnan(t)
    y, t = fwd(np.array([0.3, 0.2]), np.array([np.nan, 0.0]), 2)   # a NaN tangent
    assert math.isfinite(y) and math.isnan(t)


def newton_sqrt(x, n):
    """Data-dependent exits whose tests are false for NaN: must not hang."""
    s = 0.0
    for i in range(n):
        y = 1.0
        k = 0
        while abs(y * y - x[i]) > 1e-12 and k < 60:
            y = 0.5 * (y + x[i] / y)
            k += 1
        s += y
    return s


def test_nan_inf_in_data_dependent_loops():
    d = zymase.autodiff_reverse(newton_sqrt, Duplicated, Const, ret=Active)
    f = zymase.autodiff_forward(newton_sqrt, Dual, Const, ret=Dual)
    for bad in (np.nan, np.inf, -np.inf):
        x = np.array([4.0, bad, 9.0])
        dx = np.zeros(3)
        y = _no_hang(lambda: d(x, dx, 3, 1.0))
        assert y == pytest.approx(numba.njit(newton_sqrt)(x, 3), nan_ok=True)
        assert dx[0] == pytest.approx(0.25) and dx[2] == pytest.approx(1 / 6)
        _no_hang(lambda: f(x, np.ones(3), 3))
    # x = -1 reaches y = 0 and divides by it: the primal raises, so do the derivatives, and
    # the exception path frees what was allocated
    from numba.core.runtime import _nrt_python, rtsys
    _nrt_python.memsys_enable_stats()
    x = np.array([4.0, -1.0])
    with pytest.raises(ZeroDivisionError):
        numba.njit(newton_sqrt)(x, 2)
    s0 = rtsys.get_allocation_stats()
    for _ in range(3):
        with pytest.raises(ZeroDivisionError):
            d(x, np.zeros(2), 2, 1.0)
        with pytest.raises(ZeroDivisionError):
            f(x, np.ones(2), 2)
    s1 = rtsys.get_allocation_stats()
    assert s1.alloc - s1.free == s0.alloc - s0.free


# -- shapes and layouts ------------------------------------------------------------------------
def test_zero_length_arrays(rev, fwd):
    z = np.zeros(0)
    assert rev(z, np.zeros(0), 0, 1.0) == 0.0
    assert fwd(z, np.zeros(0), 0) == (0.0, 0.0)
    rev4 = zymase.autodiff_reverse(sines, Duplicated, Const, ret=Active, width=4)
    assert rev4(z, np.zeros((4, 0)), 0, np.ones(4)) == 0.0


def allocating_reduce(x):
    t = np.empty(x.size)
    t[:] = x * x
    return np.sum(t) + np.dot(x, x)


def test_zero_length_allocations_and_blas():
    d = zymase.autodiff_reverse(allocating_reduce, Duplicated, ret=Active)
    dx = np.zeros(0)
    assert d(np.zeros(0), dx, 1.0) == 0.0
    x = np.arange(3.0)
    dx = np.zeros(3)
    d(x, dx, 1.0)
    np.testing.assert_allclose(dx, 4 * x)


def test_negative_strides_and_views(rev):
    base = np.linspace(-1, 1, 8)
    g = sines_grad(base)
    xr, dxr = base[::-1], np.zeros(8)[::-1]
    rev(xr, dxr, 8, 1.0)
    np.testing.assert_allclose(dxr, g[::-1], rtol=1e-14)
    xs, dxs = base[::2], np.zeros(8)[::2]          # non-contiguous
    rev(xs, dxs, 4, 1.0)
    np.testing.assert_allclose(dxs, g[::2], rtol=1e-14)
    with pytest.raises(ShadowError, match="strides"):
        rev(xr, np.zeros(8), 8, 1.0)               # contiguous shadow of a reversed primal
    with pytest.raises(ShadowError, match="strides"):
        rev(xs, np.zeros(4), 4, 1.0)


def matsum(a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += math.sin(a[i, j]) * (i + 1)
    return s


def test_fortran_order_and_transposed_views():
    d = zymase.autodiff_reverse(matsum, Duplicated, ret=Active)
    a = np.arange(12.0).reshape(3, 4) / 10
    want = np.cos(a) * np.arange(1, 4)[:, None]
    for x in (np.asfortranarray(a), a.T.copy().T):
        dx = np.zeros_like(x)
        d(x, dx, 1.0)
        np.testing.assert_allclose(dx, want, rtol=1e-14)


def test_layouts_from_njit(rev):
    @numba.njit
    def rev_view(x):
        d = np.zeros(x.size)[::-1]
        rev(x[::-1], d, x.size, 1.0)
        return d

    @numba.njit
    def rev_mismatch(x):
        d = np.zeros(x.size)
        rev(x[::-1], d, x.size, 1.0)
        return d
    base = np.linspace(-1, 1, 6)
    np.testing.assert_allclose(rev_view(base), sines_grad(base[::-1]), rtol=1e-14)
    with pytest.raises(ShadowError):
        rev_mismatch(base)


def test_read_only_primal_and_shadow(rev):
    x = np.linspace(-1, 1, 6)
    x.flags.writeable = False
    dx = np.zeros(6)
    rev(x, dx, 6, 1.0)                             # read-only primal the function only reads
    np.testing.assert_allclose(dx, sines_grad(x), rtol=1e-14)
    ro = np.zeros(6)
    ro.flags.writeable = False
    with pytest.raises(ShadowError, match="read-only"):
        rev(x, ro, 6, 1.0)

    @numba.njit
    def from_njit(x, d):
        return rev(x, d, x.size, 1.0)
    with pytest.raises(ShadowError, match="read-only"):
        from_njit(x, ro)
    assert np.all(ro == 0)


def scale_inplace(x):
    for i in range(x.size):
        x[i] *= 2.0
    return x[0]


def test_read_only_primal_written_is_an_error_not_a_crash():
    d = zymase.autodiff_reverse(scale_inplace, Duplicated, ret=Active)
    x = np.ones(3)
    x.flags.writeable = False
    with pytest.raises(Exception) as ei:
        d(x, np.zeros(3), 1.0)
    assert "readonly" in str(ei.value).lower() or "read-only" in str(ei.value).lower()
    assert np.all(x == 1.0)


# -- the on-disk cache -------------------------------------------------------------------------
CACHE_MODULE = '''
import math
import numpy as np
from consts import K
from deep import inner


def middle(v):
    return inner(v) + 1.0


def f(x):
    s = 0.0
    for i in range(x.size):
        s += middle(x[i]) * K
    return s
'''

DEEP_MODULE = '''
import math


def inner(v):
    return math.sin(v) * {c}
'''

CACHE_DRIVER = '''
import json, os, sys, warnings
sys.path.insert(0, sys.argv[1])
import numba, numpy as np, zymase
from zymase import Duplicated, Active
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    import deep, m
    deep.inner = m.inner = numba.njit(deep.inner)
    m.middle = numba.njit(m.middle)
    d = zymase.autodiff_reverse(m.f, Duplicated, ret=Active, cache=True)
    x = np.array([0.1, 0.2, 0.3])
    dx = np.zeros(3)
    y = d(x, dx, 1.0)
print(json.dumps({"y": y, "dx": dx.tolist(),
                  "warnings": [str(m.message) for m in w
                               if issubclass(m.category, zymase.diskcache.CacheWarning)],
                  "files": sorted(os.listdir(os.environ["ZYMASE_CACHE_DIR"]))}))
'''


def _write_modules(mod, k, c):
    """m.py (f, middle) never changes; the callee two calls below f lives in deep.py and the
    constant K in consts.py, so only the key's tracking of callees and frozen globals (not
    m.py's size and mtime) can tell the versions apart."""
    mod.mkdir(exist_ok=True)
    files = {"m.py": CACHE_MODULE, "deep.py": DEEP_MODULE.format(c=c), "consts.py": f"K = {k}\n"}
    for name, src in files.items():
        path = mod / name
        if not path.exists() or path.read_text() != src:
            path.write_text(src)


def _run_cached(tmp_path, k=3, c=2.0, timeout=600):
    import json
    mod = tmp_path / "mod"
    _write_modules(mod, k, c)
    drv = tmp_path / "driver.py"
    drv.write_text(CACHE_DRIVER)
    env = dict(os.environ, ZYMASE_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYTHONDONTWRITEBYTECODE="1")
    p = subprocess.run([sys.executable, str(drv), str(mod)], capture_output=True, text=True,
                       env=env, timeout=timeout)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


def _expected(k, c):
    x = np.array([0.1, 0.2, 0.3])
    return np.cos(x) * c * k


def test_cache_corrupt_entries_are_rebuilt_with_a_warning(tmp_path):
    first = _run_cached(tmp_path)
    np.testing.assert_allclose(first["dx"], _expected(3, 2.0))
    assert first["warnings"] == []
    entries = [f for f in first["files"] if f.endswith(".zy")]
    assert len(entries) == 1 and not [f for f in first["files"] if f.endswith(".tmp")]
    path = tmp_path / "cache" / entries[0]
    good = path.read_bytes()
    corruptions = {
        "truncated": good[: len(good) // 2],
        "flipped byte": good[:-100] + bytes([good[-100] ^ 0xFF]) + good[-99:],
        "garbage": b"\x00" * 64,
        "old format": pickle.dumps(("define i32 @x() {\n ret i32 0\n}", None, "x")),
        "empty": b"",
    }
    for what, data in corruptions.items():
        path.write_bytes(data)
        res = _run_cached(tmp_path)
        np.testing.assert_allclose(res["dx"], first["dx"], rtol=0, atol=0, err_msg=what)
        assert res["warnings"] and "rebuilt" in res["warnings"][0], (what, res["warnings"])
        assert path.read_bytes().startswith(diskcache.MAGIC), what   # stored again
    # a valid entry loads silently
    res = _run_cached(tmp_path)
    assert res["warnings"] == []


def test_cache_entry_for_another_key_is_not_loaded(tmp_path, monkeypatch):
    """A well-formed entry copied under another key's name (stale) is rejected."""
    monkeypatch.setenv("ZYMASE_CACHE_DIR", str(tmp_path))
    diskcache.store("a" * 64, "text", None, "sym")
    os.replace(tmp_path / ("a" * 64 + ".zy"), tmp_path / ("b" * 64 + ".zy"))
    with pytest.warns(diskcache.CacheWarning, match="stale"):
        assert diskcache.load("b" * 64) is None
    assert not (tmp_path / ("b" * 64 + ".zy")).exists()
    diskcache.store("c" * 64, "text", None, "sym")
    assert diskcache.load("c" * 64) == ("text", None, "sym")


def test_cache_tracks_callees_at_any_depth_and_global_constants(tmp_path):
    """Changing a callee two calls deep, or a module constant Numba freezes, must not load the
    derivative compiled for the old code."""
    a = _run_cached(tmp_path, k=3, c=2.0)
    b = _run_cached(tmp_path, k=3, c=5.0)       # inner() changed: two levels below f
    np.testing.assert_allclose(b["dx"], _expected(3, 5.0))
    c = _run_cached(tmp_path, k=4, c=5.0)       # K changed
    np.testing.assert_allclose(c["dx"], _expected(4, 5.0))
    assert len([f for f in c["files"] if f.endswith(".zy")]) == 3
    np.testing.assert_allclose(a["dx"], _expected(3, 2.0))


def test_interrupted_store_leaves_no_partial_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("ZYMASE_CACHE_DIR", str(tmp_path))
    real = os.fsync

    def boom(fd):
        raise KeyboardInterrupt
    monkeypatch.setattr(diskcache.os, "fsync", boom)
    with pytest.raises(KeyboardInterrupt):
        diskcache.store("d" * 64, "text" * 1000, None, "sym")
    assert os.listdir(tmp_path) == []
    monkeypatch.setattr(diskcache.os, "fsync", real)
    diskcache.store("d" * 64, "text", None, "sym")
    assert os.listdir(tmp_path) == ["d" * 64 + ".zy"]


def twice(x):
    s = 0.0
    for i in range(x.size):
        s += x[i] * x[i] * 1.5
    return s


def test_keyboard_interrupt_during_compilation(tmp_path, monkeypatch):
    """An interrupt inside the pipeline propagates, caches nothing (in memory or on disk), and
    the next call builds normally."""
    monkeypatch.setenv("ZYMASE_CACHE_DIR", str(tmp_path))
    from zymase.llvm import pipelines
    real = pipelines.optimise
    calls = []

    def interrupted(*a, **k):
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real(*a, **k)
    monkeypatch.setattr(pipelines, "optimise", interrupted)
    d = zymase.autodiff_reverse(twice, Duplicated, ret=Active, cache=True)
    x = np.array([1.0, 2.0])
    with pytest.raises(KeyboardInterrupt):
        d(x, np.zeros(2), 1.0)
    assert [f for f in os.listdir(tmp_path) if f.endswith((".zy", ".tmp"))] == []
    dx = np.zeros(2)
    assert d(x, dx, 1.0) == pytest.approx(7.5)
    np.testing.assert_allclose(dx, 3 * x)
    assert len([f for f in os.listdir(tmp_path) if f.endswith(".zy")]) == 1


def _assert_entries_whole(cache):
    old = os.environ.get("ZYMASE_CACHE_DIR")
    os.environ["ZYMASE_CACHE_DIR"] = str(cache)
    try:
        for f in os.listdir(cache):
            assert f.endswith(".zy"), f
            with warnings.catch_warnings():
                warnings.simplefilter("error", diskcache.CacheWarning)
                assert diskcache.load(f[:-3]) is not None
    finally:
        if old is None:
            del os.environ["ZYMASE_CACHE_DIR"]
        else:
            os.environ["ZYMASE_CACHE_DIR"] = old


SIGINT_DRIVER = '''
import os, sys, numpy as np, zymase
from zymase import Duplicated, Active
sys.path.insert(0, sys.argv[1])
import numba, deep, m
deep.inner = m.inner = numba.njit(deep.inner)
m.middle = numba.njit(m.middle)
print("start", flush=True)
d = zymase.autodiff_reverse(m.f, Duplicated, ret=Active, cache=True)
dx = np.zeros(3)
d(np.array([0.1, 0.2, 0.3]), dx, 1.0)
print("done", dx.tolist(), flush=True)
'''


def test_sigint_at_random_points_keeps_the_cache_consistent(tmp_path):
    """Real SIGINTs delivered while a process compiles and stores: afterwards every entry in
    the directory is whole (loads without a warning) and no temporary file is left."""
    mod = tmp_path / "mod"
    _write_modules(mod, 3, 2.0)
    drv = tmp_path / "sigint.py"
    drv.write_text(SIGINT_DRIVER)
    cache = tmp_path / "cache"
    env = dict(os.environ, ZYMASE_CACHE_DIR=str(cache),
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rng = np.random.default_rng(0)
    for _ in range(3):
        p = subprocess.Popen([sys.executable, str(drv), str(mod)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
        assert p.stdout.readline().startswith("start")
        time.sleep(float(rng.uniform(0.05, 3.0)))
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=600)
        if cache.exists():
            assert not [f for f in os.listdir(cache) if f.endswith(".tmp")]
            _assert_entries_whole(cache)
    out = subprocess.run([sys.executable, str(drv), str(mod)], capture_output=True, text=True,
                         env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "done" in out.stdout
    _assert_entries_whole(cache)


# -- pickles -------------------------------------------------------------------------------------
def test_pickle_round_trip(rev):
    d2 = pickle.loads(pickle.dumps(rev))
    x = np.array([0.3, 0.4])
    dx = np.zeros(2)
    d2(x, dx, 2, 1.0)
    np.testing.assert_allclose(dx, sines_grad(x), rtol=1e-14)


UNPICKLE_OTHER_VERSION = '''
import pickle, sys
import zymase
zymase.__version__ = "999.0"          # this process plays a later zymase
try:
    pickle.loads(open(sys.argv[1], "rb").read())
except Exception as e:
    print("ERROR", type(e).__name__, e)
else:
    print("LOADED")
'''


def test_pickle_from_another_version_is_a_clear_error(tmp_path):
    import tests.integration.test_hostile as me
    d = zymase.autodiff_reverse(me.sines, Duplicated, Const, ret=Active)
    (tmp_path / "d.pkl").write_bytes(pickle.dumps(d))
    (tmp_path / "load.py").write_text(UNPICKLE_OTHER_VERSION)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, str(tmp_path / "load.py"), str(tmp_path / "d.pkl")],
                       capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert p.stdout.startswith("ERROR"), p.stdout + p.stderr[-2000:]
    assert "0.1.0" in p.stdout and "999.0" in p.stdout

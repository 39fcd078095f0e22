"""A derivative's arrays come from blocks kept across calls (transforms/kept_blocks.py).

``work`` allocates two 400 KB work arrays per call (above glibc's mmap threshold): checked
here are its gradient (closed form, central differences, forward mode, repeated calls bit for
bit), that the final IR routes every array allocation, that later calls stop faulting pages
in while the same derivative without routing keeps faulting them, Numba's allocation
counters staying balanced, arrays that outlive the call (a forward derivative's array result
kept in Python), concurrent calls from threads, a Hessian-vector product through a derivative
that uses the allocator, a derivative loaded from the disk cache in a fresh process, and the
allocator itself through its C entry points (alignment, reuse of a parked block, realloc).
"""
import ctypes
import gc
import json
import math
import os
import resource
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import zymase
from zymase import Active, Dual, Duplicated
from zymase.transforms import kept_blocks

from tests.support import cached_runs, assert_fd_close, fd_gradient

N = 50_000          # 400 KB arrays


def work(x):
    n = x.shape[0]
    a = np.empty(n)
    b = np.empty(n)
    for i in range(n):
        a[i] = math.sin(x[i])
    for i in range(n):
        b[i] = a[i] * x[i]
    s = 0.0
    for i in range(n):
        s += a[i] * b[i]
    return s          # Σ x sin² x


def grad_work(x):
    return np.sin(x) ** 2 + 2 * x * np.sin(x) * np.cos(x)


def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def test_gradient_and_repeated_calls():
    x = np.random.default_rng(0).uniform(-2, 2, N)
    d = zymase.autodiff_reverse(work, Duplicated, ret=Active)
    first = np.zeros(N)
    y = d(x, first, 1.0)
    assert abs(y - np.sum(x * np.sin(x) ** 2)) <= 1e-10 * abs(y)
    np.testing.assert_allclose(first, grad_work(x), rtol=1e-12, atol=1e-14)
    for _ in range(4):                  # kept blocks hold the last call's data: no effect
        again = np.zeros(N)
        d(x, again, 1.0)
        assert np.array_equal(again, first)
    small = x[:40].copy()               # below the threshold: plain malloc, same rule
    ds = np.zeros(40)
    d(small, ds, 1.0)
    assert_fd_close(ds, fd_gradient(lambda v: work(v), small), rtol=1e-6)


def test_forward_and_reverse_agree():
    rng = np.random.default_rng(1)
    x, v = rng.uniform(-1, 1, N), rng.standard_normal(N)
    fwd = zymase.autodiff_forward(work, Dual, ret=Dual)
    _, jv = fwd(x, v)
    g = np.zeros(N)
    zymase.autodiff_reverse(work, Duplicated, ret=Active)(x, g, 1.0)
    assert abs(jv - g @ v) <= 1e-11 * max(1.0, abs(jv))


def test_final_ir_routes_the_array_allocations(capfd):
    d = zymase.autodiff_reverse(work, Duplicated, ret=Active, print="final")
    d(np.ones(4), np.zeros(4), 1.0)
    ir = capfd.readouterr().err
    body = ir[ir.index("define"):]
    assert f"@{kept_blocks.ALLOC}(" in body
    assert "@NRT_MemInfo_alloc_aligned(" not in body


FAULTS = textwrap.dedent('''
    import json, resource, sys
    import numpy as np
    import zymase
    from zymase import Active, Duplicated
    from zymase.transforms import kept_blocks
    sys.path.insert(0, sys.argv[1])
    from test_kept_blocks import N, work

    def per_call(d):
        x, g = np.linspace(-1.0, 1.0, N), np.zeros(N)
        for _ in range(3):
            d(x, g, 1.0)
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(10):
            d(x, g, 1.0)
        return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / 10

    kept = per_call(zymase.autodiff_reverse(work, Duplicated, ret=Active))
    kept_blocks.route = lambda module: 0
    fresh = per_call(zymase.autodiff_reverse(work, Duplicated, ret=Active))
    print(json.dumps({"kept": kept, "fresh": fresh}))
''')


def test_later_calls_fault_no_pages_in():
    """In a process where glibc maps every block above 128 KiB afresh (its threshold fixed,
    as a program that set it or a long-running one sees), the routed derivative stops faulting
    pages in after its first calls; the same derivative without routing faults its four
    arrays (two work arrays, two shadows) in on every call."""
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="131072")
    here = os.path.dirname(os.path.abspath(__file__))
    r = subprocess.run([sys.executable, "-c", FAULTS, here], env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    got = json.loads(r.stdout.strip().splitlines()[-1])
    pages = N * 8 // 4096               # one array's pages
    assert got["fresh"] > 3 * pages, got
    assert got["kept"] < pages / 4, got


def test_numba_allocation_counters_balance():
    from numba.core.runtime import _nrt_python, rtsys
    x = np.random.default_rng(3).uniform(-1, 1, N)
    d = zymase.autodiff_reverse(work, Duplicated, ret=Active)
    g = np.zeros(N)
    d(x, g, 1.0)
    was_on = _nrt_python.memsys_stats_enabled()
    _nrt_python.memsys_enable_stats()
    try:
        s0 = rtsys.get_allocation_stats()
        for _ in range(5):
            d(x, g, 1.0)
        s1 = rtsys.get_allocation_stats()
    finally:
        if not was_on:
            _nrt_python.memsys_disable_stats()
    assert s1.mi_alloc - s0.mi_alloc == s1.mi_free - s0.mi_free >= 20
    assert s1.alloc - s0.alloc == s1.free - s0.free


def scaled(x, c):
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = c * math.exp(x[i])
    return out


def test_array_results_outlive_the_call():
    """A forward derivative's array result and its tangent are MemInfos of the allocator,
    freed by Python long after the call (and after later calls reused other blocks)."""
    rng = np.random.default_rng(4)
    fwd = zymase.autodiff_forward(scaled, Dual, Dual, ret=Dual)
    kept = []
    for k in range(6):
        x, v = rng.uniform(-1, 1, N), rng.standard_normal(N)
        y, t = fwd(x, v, 2.0, 0.5)
        kept.append((x, v, y, t))
        if k % 2:
            kept.pop(0)                 # freed while others live
    for x, v, y, t in kept:
        np.testing.assert_allclose(y, 2.0 * np.exp(x), rtol=1e-15)
        np.testing.assert_allclose(t, (2.0 * v + 0.5) * np.exp(x), rtol=1e-12, atol=1e-15)


def test_concurrent_calls():
    x = np.random.default_rng(5).uniform(-1, 1, N)
    d = zymase.autodiff_reverse(work, Duplicated, ret=Active)
    want = np.zeros(N)
    d(x, want, 1.0)
    bad = []

    def run():
        for _ in range(25):
            g = np.zeros(N)
            d(x, g, 1.0)
            if not np.array_equal(g, want):
                bad.append(1)
    ts = [threading.Thread(target=run) for _ in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not bad


def test_hessian_vector_product_through_kept_blocks():
    rng = np.random.default_rng(6)
    n = 20_000                          # 160 KB: bucketed
    x, v = rng.uniform(-1, 1, n), rng.standard_normal(n)
    hv = zymase.hvp(work, (x,), (v,))
    # d²/dx² of x sin² x = 2 sin 2x + 2x cos 2x (diagonal Hessian)
    np.testing.assert_allclose(hv, (2 * np.sin(2 * x) + 2 * x * np.cos(2 * x)) * v,
                               rtol=1e-10, atol=1e-12)


CHILD = textwrap.dedent('''
    import json, math, sys
    import numpy as np
    import zymase
    from zymase import Active, Duplicated
    sys.path.insert(0, sys.argv[1])
    from test_kept_blocks import work
    d = zymase.autodiff_reverse(work, Duplicated, ret=Active, cache=True)
    x = np.linspace(-1.0, 1.0, 40000)
    g = np.zeros(x.size)
    y = d(x, g, 1.0)
    d(x, g, 1.0)
    print(json.dumps({"y": y, "g0": g[0], "g1": g[-1]}))
''')


def test_disk_cache_in_fresh_processes(tmp_path):
    outs = cached_runs(CHILD, tmp_path / "cache", __file__)
    x = np.linspace(-1.0, 1.0, 40000)
    want = grad_work(x)
    for o in outs:
        assert o["g0"] == pytest.approx(2 * want[0], rel=1e-12)   # two calls accumulate
        assert o["g1"] == pytest.approx(2 * want[-1], rel=1e-12)


def test_the_allocator_directly():
    assert kept_blocks._install()
    lib = kept_blocks._state["lib"]
    malloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p)(
        lib.get_pointer_to_function("zymase.kb.malloc"))
    free = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(
        lib.get_pointer_to_function("zymase.kb.free"))
    realloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                               ctypes.c_void_p)(lib.get_pointer_to_function("zymase.kb.realloc"))
    for n in (1, 100, 1 << 17, 3 << 18, 5 << 20):
        p = malloc(n, None)
        assert p and (p + kept_blocks.MEMINFO_BYTES) % 64 == 0
        ctypes.memset(p, 0xAB, n)       # the whole request is usable
        free(p, None)
    # a parked block of a bucket comes back for the next request of that bucket
    p = malloc(700_000, None)
    free(p, None)
    assert malloc(600_000, None) == p
    # realloc keeps the contents (the smaller of the two sizes)
    ctypes.memset(p, 0x5A, 600_000)
    q = realloc(p, 3_000_000, None)
    assert q and ctypes.string_at(q, 600_000) == b"\x5a" * 600_000
    r = realloc(q, 1000, None)
    assert ctypes.string_at(r, 1000) == b"\x5a" * 1000
    free(r, None)
    assert malloc(1 << 62, None) is None and malloc((1 << 64) - 8, None) is None


def test_release_frees_the_parked_blocks():
    x = np.random.default_rng(7).uniform(-1, 1, N)
    d = zymase.autodiff_reverse(work, Duplicated, ret=Active)
    g = np.zeros(N)
    d(x, g, 1.0)
    gc.collect()                         # arrays of earlier tests park their blocks now
    freed = zymase.release_kept_blocks()
    assert freed >= 4 * (1 << 19)        # two work arrays and two shadows, 512 KiB blocks
    assert zymase.release_kept_blocks() == 0
    again = np.zeros(N)
    d(x, again, 1.0)                     # fresh blocks, the same gradient
    assert np.array_equal(again, g)

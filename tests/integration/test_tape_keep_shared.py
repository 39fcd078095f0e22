"""Tape blocks parked in the process's shared keep slots (transforms/tape.py "Reuse",
kept_blocks.share_tape_slots).

``chain`` records one value per element, so its tape grows onto the heap: checked here are
gradients against the closed form and against forward mode, repeated calls bit for bit, two
derivatives parking their blocks side by side (their tags differ, so neither takes the
other's), ``zymase.release_kept_blocks()`` freeing tape blocks too and later calls still
right, a derivative called from ``@njit`` code (Numba's linked copy of its library) parking in
the same slots, the budget holding for all derivatives together, and a derivative loaded from
the disk cache in a fresh process binding the shared slots.
"""
import gc
import math
import textwrap

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Dual, Duplicated
from zymase.transforms import kept_blocks, tape

from tests.support import cached_runs



def chain(x):
    """s ← sin(s) + x_i, from s = 0: a carried chain, one taped value per element."""
    s = 0.0
    for i in range(x.shape[0]):
        s = math.sin(s) + x[i]
    return s


chain_jit = numba.njit(chain)


def chain_grad(x):
    # ds_n/dx_i = prod_{k>i} cos(s_{k-1}) with s_k the running value
    s = np.empty(x.size)
    v = 0.0
    for i, xi in enumerate(x):
        v = math.sin(v) + xi
        s[i] = v
    g = np.ones(x.size)
    for i in range(x.size - 2, -1, -1):
        g[i] = g[i + 1] * math.cos(s[i])
    return g


def wave(x):
    """s ← cos(s)/2 + x_i: another derivative whose tape grows onto the heap."""
    s = 0.0
    for i in range(x.shape[0]):
        s = 0.5 * math.cos(s) + x[i]
    return s


def wave_grad(x):
    s = np.empty(x.size)
    v = 0.0
    for i, xi in enumerate(x):
        v = 0.5 * math.cos(v) + xi
        s[i] = v
    g = np.ones(x.size)
    for i in range(x.size - 2, -1, -1):
        g[i] = -0.5 * g[i + 1] * math.sin(s[i])
    return g


def kept_after(fn):
    fn()
    return kept_blocks.tape_bytes_kept()


@pytest.fixture
def empty_slots():
    gc.collect()
    zymase.release_kept_blocks()
    assert kept_blocks.tape_bytes_kept() == 0
    yield
    zymase.release_kept_blocks()


def test_gradient_and_repeated_calls(empty_slots):
    x = np.random.default_rng(0).uniform(-1, 1, 100_000)
    d = zymase.autodiff_reverse(chain, Duplicated, ret=Active)
    g = np.zeros(x.size)
    d(x, g, 1.0)
    assert d.tape_bytes() > 500_000           # on the heap, parked at the end
    assert kept_blocks.tape_bytes_kept() >= d.tape_bytes()
    np.testing.assert_allclose(g, chain_grad(x), rtol=1e-12, atol=1e-300)
    for _ in range(3):                         # the parked block comes back: same gradient
        again = np.zeros(x.size)
        d(x, again, 1.0)
        assert np.array_equal(again, g)
    small = x[:12]
    gs = np.zeros(small.size)
    d(small, gs, 1.0)
    np.testing.assert_allclose(gs, chain_grad(small), rtol=1e-12)
    df = zymase.autodiff_forward(chain, Dual, ret=Dual)
    v = np.cos(np.arange(small.size))
    assert df(small, v)[1] == pytest.approx(gs @ v, rel=1e-12)


def test_two_derivatives_park_side_by_side(empty_slots):
    x = np.random.default_rng(1).uniform(-1, 1, 200_000)
    y = x[:20_000].copy()
    da = zymase.autodiff_reverse(chain, Duplicated, ret=Active)
    db = zymase.autodiff_reverse(wave, Duplicated, ret=Active)
    gx, gy = np.zeros(x.size), np.zeros(y.size)
    a = kept_after(lambda: da(x, gx, 1.0))
    # wave's tape is smaller than the block chain parked: were their tags equal, wave would
    # take that block, and the bytes parked would not grow
    both = kept_after(lambda: db(y, gy, 1.0))
    assert 4096 < db.tape_bytes() < da.tape_bytes()
    assert both > a
    # and each takes its own block back
    assert kept_after(lambda: da(x, gx, 1.0)) == both
    assert kept_after(lambda: db(y, gy, 1.0)) == both
    np.testing.assert_allclose(gx, 2 * chain_grad(x), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(gy, 2 * wave_grad(y), rtol=1e-12, atol=1e-300)


def test_release_frees_tape_blocks_and_calls_go_on(empty_slots):
    x = np.random.default_rng(2).uniform(-1, 1, 150_000)
    d = zymase.autodiff_reverse(chain, Duplicated, ret=Active)
    g = np.zeros(x.size)
    d(x, g, 1.0)
    parked = kept_blocks.tape_bytes_kept()
    assert parked >= d.tape_bytes()
    assert zymase.release_kept_blocks() >= parked
    assert kept_blocks.tape_bytes_kept() == 0
    again = np.zeros(x.size)
    d(x, again, 1.0)                           # a fresh block, the same gradient
    assert np.array_equal(again, g)


def test_called_from_njit_parks_in_the_shared_slots(empty_slots):
    d = zymase.autodiff_reverse(chain, Duplicated, ret=Active)

    @numba.njit
    def descend(x, steps):
        g = np.zeros_like(x)
        for _ in range(steps):
            g[:] = 0.0
            d(x, g, 1.0)
            x = x - 1e-3 * g
        return x, g

    x = np.random.default_rng(3).uniform(-1, 1, 80_000)
    _, g = descend(x, 1)
    np.testing.assert_allclose(g, chain_grad(x), rtol=1e-12, atol=1e-300)
    assert kept_blocks.tape_bytes_kept() >= 8 * x.size
    assert zymase.release_kept_blocks() >= 8 * x.size
    x2, g2 = descend(x, 3)                     # takes and parks again after the release
    assert kept_blocks.tape_bytes_kept() >= 8 * x.size
    assert np.all(np.isfinite(x2)) and np.all(np.isfinite(g2))


def test_the_budget_holds_for_all_derivatives_together(empty_slots, monkeypatch):
    # the budget is built into each derivative's release code: derivatives built now get a
    # small one, and three of them together still park no more than it
    monkeypatch.setattr(tape, "KEEP_BUDGET", 5 << 20)
    x = np.random.default_rng(4).uniform(-1, 1, 250_000)      # a tape of about 2-4 MiB each

    def c1(x):
        return chain_jit(x) * 1.0

    def c2(x):
        return chain_jit(x) * 2.0

    def c3(x):
        return chain_jit(x) * 3.0

    want = chain_grad(x)
    for k, f in enumerate((c1, c2, c3), 1):
        d = zymase.autodiff_reverse(f, Duplicated, ret=Active)
        g = np.zeros(x.size)
        d(x, g, 1.0)
        assert kept_blocks.tape_bytes_kept() <= 5 << 20
        np.testing.assert_allclose(g, k * want, rtol=1e-12, atol=1e-300)
    assert kept_blocks.tape_bytes_kept() > 0


def test_the_shared_slots_in_the_final_ir(capfd):
    d = zymase.autodiff_reverse(chain, Duplicated, ret=Active, print="final")
    x = np.linspace(-1, 1, 50)
    d(x, np.zeros(x.size), 1.0)
    final = capfd.readouterr().err
    assert f"@{tape.KEEP_BYTES} = external global i64" in final
    assert f"@{tape.KEEP}_0 = external global ptr" in final
    assert "internal global ptr null" not in final or f"@{tape.KEEP}_0 = internal" not in final


CHILD = textwrap.dedent('''
    import json, sys
    import numpy as np
    import zymase
    from zymase import Active, Duplicated
    from zymase.transforms import kept_blocks
    sys.path.insert(0, sys.argv[1])
    from test_tape_keep_shared import chain
    d = zymase.autodiff_reverse(chain, Duplicated, ret=Active, cache=True)
    x = np.linspace(-1.0, 1.0, 60000)
    g = np.zeros(x.size)
    d(x, g, 1.0)
    d(x, g, 1.0)
    kept = kept_blocks.tape_bytes_kept()
    print(json.dumps({"g0": g[0], "g1": g[-1], "kept": kept,
                      "freed": zymase.release_kept_blocks()}))
''')


def test_disk_cache_in_fresh_processes(tmp_path):
    outs = cached_runs(CHILD, tmp_path / "cache", __file__)
    want = chain_grad(np.linspace(-1.0, 1.0, 60000))
    for o in outs:
        assert o["g0"] == pytest.approx(2 * want[0], rel=1e-12)   # two calls accumulate
        assert o["g1"] == pytest.approx(2 * want[-1], rel=1e-12)
        assert o["kept"] >= 8 * 60000 and o["freed"] >= o["kept"]

"""The canonical IR kept between derivatives of one function (frontend/canonical_cache.py).

A second derivative of the same function reuses the first one's canonical IR (no second
Numba compile) and gives the same numbers; anything the IR depends on that changes in
between — a global constant rebound, a global array's contents, a closure's cell, the
dispatcher's options — makes the next derivative compile afresh and see the new value.
"""
import math

import numba
import numpy as np

import zymase
from zymase import Active, Dual, Duplicated
from zymase.frontend import canonical_cache
from zymase.frontend import numba as fe_numba

SCALE = 2.0
WEIGHTS = np.array([1.0, 2.0, 3.0])


def scaled(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += SCALE * x[i] * x[i]
    return s


def weighted(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += WEIGHTS[i] * math.sin(x[i])
    return s


def grad(f, x):
    g = np.zeros_like(x)
    zymase.autodiff_reverse(f, Duplicated, ret=Active)(x, g, 1.0)
    return g


def counting(monkeypatch):
    calls = []
    real = fe_numba.compile_ir

    def compile_ir(fn, argtypes, reuse=True):
        calls.append(fn)
        return real(fn, argtypes, reuse)
    monkeypatch.setattr("zymase.pipeline.compile_ir", compile_ir)
    return calls


def test_a_second_derivative_reuses_the_canonical_ir(monkeypatch):
    canonical_cache.clear()
    calls = counting(monkeypatch)
    x = np.array([0.5, -1.5, 2.0])
    np.testing.assert_allclose(grad(scaled, x), 2 * SCALE * x, rtol=1e-15)
    np.testing.assert_allclose(grad(scaled, x), 2 * SCALE * x, rtol=1e-15)
    _, jv = zymase.autodiff_forward(scaled, Dual, ret=Dual)(x, np.ones(3))
    assert abs(jv - 2 * SCALE * x.sum()) <= 1e-14
    assert len(calls) == 1
    monkeypatch.setattr("tests.unit.test_canonical_cache.SCALE", 3.0)
    np.testing.assert_allclose(grad(scaled, x), 6.0 * x, rtol=1e-15)     # the new constant
    assert len(calls) == 2


def test_a_global_array_changed_in_place():
    canonical_cache.clear()
    x = np.array([0.3, 0.2, -0.4])
    np.testing.assert_allclose(grad(weighted, x), WEIGHTS * np.cos(x), rtol=1e-15)
    saved = WEIGHTS.copy()
    try:
        WEIGHTS[1] = -7.0
        np.testing.assert_allclose(grad(weighted, x), WEIGHTS * np.cos(x), rtol=1e-15)
    finally:
        WEIGHTS[:] = saved


def test_closure_cells_and_dispatcher_options():
    canonical_cache.clear()
    x = np.array([0.1, 0.7])

    def make(c):
        def f(x):
            s = 0.0
            for i in range(x.shape[0]):
                s += c * x[i] ** 3
            return s
        return f
    f2, f5 = make(2.0), make(5.0)
    np.testing.assert_allclose(grad(f2, x), 6.0 * x ** 2, rtol=1e-15)
    np.testing.assert_allclose(grad(f5, x), 15.0 * x ** 2, rtol=1e-15)
    fast = numba.njit(fastmath=True)(scaled)
    plain = numba.njit(scaled)
    k_fast = canonical_cache.key(fast, (numba.typeof(x),), True, frozenset())
    k_plain = canonical_cache.key(plain, (numba.typeof(x),), True, frozenset())
    assert k_fast != k_plain and k_plain == canonical_cache.key(numba.njit(scaled),
                                                                (numba.typeof(x),), True,
                                                                frozenset())


@zymase.custom_derivative
@numba.njit
def tripled(x):
    return x * x


@tripled.defjvp
def _tripled_jvp(primals, tangents):
    (x,), (xd,) = primals, tangents
    return x * x, 3.0 * xd          # not the true derivative: shows the rule was used


def through_rule(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += tripled(x[i])
    return s


def test_custom_rules_reached_by_the_first_compile_stay_rules():
    """The first derivative compiles ``tripled`` (a custom function) on the way: its symbol
    must be protected in the canonical IR that both derivatives use."""
    canonical_cache.clear()
    x = np.array([0.5, 1.0, -2.0])
    for _ in range(2):
        _, jv = zymase.autodiff_forward(through_rule, Dual, ret=Dual)(x, np.ones(3))
        assert jv == 9.0


def test_the_cache_stays_within_its_budget(monkeypatch):
    canonical_cache.clear()
    monkeypatch.setattr(canonical_cache, "BUDGET", 400)

    class FE:
        module_text = "x" * 50
    for k in range(10):
        canonical_cache.put(("k", k), FE(), "y" * 50)     # 100 characters each
    assert len(canonical_cache._entries) == 4 and canonical_cache._held[0] == 400
    assert canonical_cache.get(("k", 0)) is None and canonical_cache.get(("k", 9)) is not None
    canonical_cache.put(("big",), FE(), "z" * 200)         # over a quarter: not kept
    assert canonical_cache.get(("big",)) is None
    canonical_cache.clear()
    assert canonical_cache._held[0] == 0


def test_keys_hold_the_objects_they_name():
    """A global named by identity is held by the key, so a replacement object cannot take
    over its id while the entry lives (it would find the old function's IR)."""
    import gc
    import weakref

    class Box:
        pass
    b = Box()
    ref = weakref.ref(b)
    fp = canonical_cache._fingerprint(b)
    del b
    gc.collect()
    assert ref() is not None
    assert fp == canonical_cache._fingerprint(ref())
    assert fp != canonical_cache._fingerprint(Box())

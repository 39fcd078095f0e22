"""How a derivative's code library is linked (``zymase/llvm/jit.py``).

zymase optimises a derivative with O3 itself (``pipelines.optimise``).  Its ``@njit`` entry
point links that library in only after Numba has run its module pipeline over the entry's own
code (``link_after_optimisation``), so the derivative is compiled to machine code exactly as
zymase's O3 left it, not optimised a second time.  A user's ``@njit`` function that calls a
derivative links the entry's library as it links any callee, and Numba optimises the whole
of it as usual: the derivative is inlined into the user's loop and vectorised there.

Checked here: the IR of the derivative in the entry's final module (just before machine code)
is, instruction for instruction, the IR zymase's O3 produced; the derivative still gives the
right numbers from Python and from ``@njit`` loops (forward and reverse); and a user's loop
over a small derivative is still inlined and vectorised by Numba.
"""
from __future__ import annotations

import re

import numba
import numpy as np
import pytest
from numba.core import codegen

import zymase
from zymase import Active, Dual, Duplicated


@numba.njit
def _sin_weighted(x):
    s = 0.0
    for i in range(x.size):
        s += np.sin(x[i]) * x[i]
    return s


@numba.njit
def _cubic(x):
    return x * x * x + 2.0 * x


def _body(text: str, symbol: str) -> str:
    """The definition of ``symbol`` in module ``text``, with what linking renumbers or
    recomputes taken out: metadata and attribute-group numbers, the linkage, and the
    ``; preds`` comments (printed from use lists, whose order a module copy may change)."""
    m = re.search(r"^define [^\n]*@" + re.escape(symbol) + r"\(.*?^}", text, re.M | re.S)
    assert m, f"{symbol} is not defined in the module"
    body = m.group(0)
    body = re.sub(r"^define (linkonce_odr |internal )?", "define ", body)
    body = re.sub(r"!\d+", "!N", body)
    body = re.sub(r"#\d+", "#N", body)
    return re.sub(r"\s*; preds = [^\n]*", "", body)


@pytest.fixture
def final_modules(monkeypatch):
    """Library name -> text of its final module just before Numba compiles it to machine
    code (after its module pipeline and all linking)."""
    seen = {}
    inner = codegen.CPUCodeLibrary._finalize_final_module

    def snapshot(self):
        seen[self.name] = str(self._final_module)
        return inner(self)
    monkeypatch.setattr(codegen.CPUCodeLibrary, "_finalize_final_module", snapshot)
    return seen


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_entry_compiles_the_derivative_zymase_optimised(final_modules, mode):
    x = np.linspace(0.1, 1.3, 37)
    v = np.cos(np.arange(37.0))            # <grad, v>: reverse dots the gradient with v
    dx = np.zeros_like(x) if mode == "reverse" else v.copy()
    want = float(np.sum((np.cos(x) * x + np.sin(x)) * v))
    if mode == "reverse":
        d = zymase.autodiff_reverse(_sin_weighted, Duplicated, ret=Active)
        y = d(x, dx, 1.0)
        assert y == pytest.approx(_sin_weighted(x), rel=1e-14)
        got = float(np.dot(dx, v))
    else:
        d = zymase.autodiff_forward(_sin_weighted, Dual, ret=Dual)
        y, got = d(x, dx)
        assert y == pytest.approx(_sin_weighted(x), rel=1e-14)
    assert got == pytest.approx(want, rel=1e-12)
    (_, lib, symbol), = d._state.builds.values()
    entry_lib = next(iter(d._py_entry.overloads.values())).library
    # what zymase's O3 produced: the derivative library's module is never compiled itself
    ours = _body(str(lib._final_module), symbol)
    compiled = _body(final_modules[entry_lib.name], symbol)
    assert compiled == ours
    # the entry's own code calls it (it is not inlined into the entry point)
    assert re.search(r"call [^\n]*@" + re.escape(symbol) + r"\(", final_modules[entry_lib.name])


def test_njit_loop_over_a_derivative_is_optimised_by_numba():
    df = zymase.autodiff_forward(_cubic, Dual, ret=Dual)

    @numba.njit
    def slopes(x, out):
        for i in range(x.size):
            out[i] = df(x[i], 1.0)[1]

    x = np.linspace(-2.0, 2.0, 1001)
    out = np.zeros_like(x)
    slopes(x, out)
    np.testing.assert_allclose(out, 3.0 * x * x + 2.0, rtol=1e-15, atol=0)
    ir = slopes.inspect_llvm(slopes.signatures[0])
    fn = re.search(r"^define [^\n]*slopes[^\n]*\{.*?^\}", ir, re.M | re.S).group(0)
    # Numba's O3 over the user's library inlined the entry and the derivative into the loop
    # and vectorised it: no call is left, and the loop works on vectors of doubles
    assert not re.search(r"\bcall\b[^\n]*@", fn), "the derivative was not inlined"
    assert re.search(r"fmul[^\n]*<\d+ x double>", fn), "the loop was not vectorised"


def test_reverse_derivative_called_in_an_njit_loop():
    d = zymase.autodiff_reverse(_sin_weighted, Duplicated, ret=Active)

    @numba.njit
    def accumulate(xs, dxs, seeds):
        total = 0.0
        for k in range(xs.shape[0]):
            d(xs[k], dxs[k], seeds[k])
            total += dxs[k].sum()
        return total

    rng = np.random.default_rng(3)
    xs = rng.uniform(-1.0, 1.0, (5, 23))
    dxs = np.zeros_like(xs)
    seeds = np.array([1.0, -2.0, 0.5, 3.0, 0.0])
    total = accumulate(xs, dxs, seeds)
    want = seeds[:, None] * (np.cos(xs) * xs + np.sin(xs))
    np.testing.assert_allclose(dxs, want, rtol=1e-13, atol=1e-15)
    assert total == pytest.approx(float(want.sum()), rel=1e-12)

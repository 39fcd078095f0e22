"""Running maxima and minima (transforms/reverse/lastpick.py): the adjoint of a select chain
``a = x_i if x_i > a else a`` reaches only the last pick, so the forward sweep tapes that
iteration's number once per run of the loop instead of ``a`` every iteration, and where the
loop has no other adjoint work the sweep reverses only that iteration.

Gradients against closed forms (one-hot at the last pick, which for ``>`` is the first of tied
maxima), central differences and forward mode; the tape report and the tape's size say what
the derivative now does; chains that do not qualify (the running value read by arithmetic in
the loop, a picked value that is not a plain load, a loop left by ``break``, nested runs,
a false-arm pick, width 2) keep exact gradients."""
import math

import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual, Duplicated

from tests.support import fd_jvp


def running_max(x):
    a = x[0]
    for i in range(1, x.shape[0]):
        if x[i] > a:
            a = x[i]
    return a * a + 3.0 * a


def running_min(x):
    """``a if a <= x[i] else x[i]``: the select keeps ``a`` on its true arm."""
    a = x[0]
    for i in range(1, x.shape[0]):
        a = a if a <= x[i] else x[i]
    return math.sin(a)


def max_of_squares(x):
    """The picked value is computed (not a load): the chain is still taped once per run, but
    the loop's adjoint has other work (the square's), so every iteration is reversed."""
    a = 0.0
    for i in range(x.shape[0]):
        a = max(a, x[i] * x[i])
    return a


def row_max(x, m):
    """One run of the inner loop per row: the last pick is taped once per run."""
    n = x.shape[0] // m
    t = 0.0
    for r in range(m):
        a = x[r * n]
        for i in range(1, n):
            a = max(a, x[r * n + i])
        t += (r + 1.0) * a * a
    return t


def last_of_ties(x):
    """``>=`` picks the last of tied maxima; the index is kept beside the value."""
    a = x[0]
    k = 0
    for i in range(1, x.shape[0]):
        if x[i] >= a:
            a = x[i]
            k = i
    return a * (k + 1.0)


def max_and_min(x):
    """Two chains in one loop: both taped once per run; the sweep reverses every iteration
    (it jumps only for a single chain)."""
    hi = x[0]
    lo = x[0]
    for i in range(x.shape[0]):
        hi = max(hi, x[i])
        lo = min(lo, x[i])
    return hi * lo


def suffix_max(x):
    """Inner runs whose start depends on the outer counter (their induction variable's
    values come from the outer one when the sweep jumps to the last pick)."""
    n = x.shape[0]
    t = 0.0
    for i in range(n):
        a = x[i]
        for j in range(i + 1, n):
            if x[j] > a:
                a = x[j]
        t += a * x[i] * (i + 1.0)
    return t


def fused_softmax_sum(x):
    """The running maximum is read by arithmetic inside its own loop (online softmax): not a
    last-pick chain, taped as before."""
    a = x[0]
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] > a:
            s = s * math.exp(a - x[i])
            a = x[i]
        s += math.exp(x[i] - a)
    return math.log(s) + a


def max_until_negative(x):
    """A loop left by ``break``: not a counted loop with one exit."""
    a = x[0]
    for i in range(1, x.shape[0]):
        if x[i] < -1.5:
            break
        a = max(a, x[i])
    return a * x[0]


def _lse():
    from zymase.gradbench.evals_basic import lse
    return lse


RNG = np.random.default_rng(11)
INPUTS = {
    "random": RNG.standard_normal(9),
    "increasing": np.linspace(-1.0, 2.0, 9),           # every iteration picks: k = n - 1
    "decreasing": np.linspace(2.0, -1.0, 9),           # no iteration picks: k = 0, init
    "ties": np.array([0.5, 2.0, -1.0, 2.0, 2.0, 0.1, -3.0, 2.0, 1.0]),   # first maximum
}


def _onehot(n, k, v):
    g = np.zeros(n)
    g[k] = v
    return g


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_running_max_closed_form(name):
    x = INPUTS[name]
    d = zymase.autodiff_reverse(running_max, Duplicated, ret=Active)
    g = np.zeros_like(x)
    val = d(x.copy(), g, 1.0)
    k = int(np.argmax(x))
    assert val == pytest.approx(x[k] ** 2 + 3 * x[k], rel=1e-15)
    np.testing.assert_array_equal(g, _onehot(x.size, k, 2 * x[k] + 3))


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_running_min_false_arm(name):
    x = INPUTS[name]
    g = np.zeros_like(x)
    zymase.autodiff_reverse(running_min, Duplicated, ret=Active)(x.copy(), g, 1.0)
    k = int(np.argmin(x))
    np.testing.assert_array_equal(g, _onehot(x.size, k, math.cos(x[k])))


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_max_of_squares(name):
    x = INPUTS[name] - 0.3
    g = np.zeros_like(x)
    zymase.autodiff_reverse(max_of_squares, Duplicated, ret=Active)(x.copy(), g, 1.0)
    sq = x * x
    k = int(np.argmax(sq)) if sq.max() > 0.0 else None
    want = np.zeros_like(x) if k is None else _onehot(x.size, k, 2 * x[k])
    np.testing.assert_array_equal(g, want)


def test_last_of_ties_closed_form():
    x = INPUTS["ties"]
    g = np.zeros_like(x)
    zymase.autodiff_reverse(last_of_ties, Duplicated, ret=Active)(x.copy(), g, 1.0)
    k = int(np.flatnonzero(x == x.max())[-1])
    np.testing.assert_array_equal(g, _onehot(x.size, k, k + 1.0))


def test_row_max_gradient_and_tape_per_run():
    d = zymase.autodiff_reverse(row_max, Duplicated, Const, ret=Active)
    sizes = []
    for n in (50, 400):
        m = 4
        x = np.random.default_rng(n).standard_normal(m * n)
        g = np.zeros_like(x)
        d(x.copy(), g, m, 1.0)
        rows = x.reshape(m, n)
        want = np.zeros_like(rows)
        for r in range(m):
            k = int(np.argmax(rows[r]))
            want[r, k] = 2.0 * (r + 1) * rows[r, k]
        np.testing.assert_array_equal(g, want.ravel())
        sizes.append(d.tape_bytes())
    # one slot per run of the inner loop, however long the rows (before: one per element)
    assert sizes[0] == sizes[1], sizes


@pytest.mark.parametrize("f", [running_max, running_min, max_of_squares, suffix_max,
                               last_of_ties, max_and_min, fused_softmax_sum, max_until_negative])
def test_against_fd_and_forward(f):
    x = INPUTS["random"]
    n = x.size
    rev = zymase.autodiff_reverse(f, Duplicated, ret=Active)
    fwd = zymase.autodiff_forward(f, Dual, ret=Dual)
    g = np.zeros(n)
    rev(x.copy(), g, 1.0)
    for j in range(n):
        e = np.eye(n)[j]
        want = float(fd_jvp(f, (x,), {0: e}, 1e-6).value)
        assert g[j] == pytest.approx(want, rel=1e-7, abs=1e-9), j
        assert fwd(x.copy(), e)[1] == pytest.approx(g[j], rel=1e-13, abs=1e-15)


def test_lse_exact_and_taped_once():
    """GradBench's lse: the gradient is softmax (to rounding: the adjoint of the maximum is
    ``1 - sum(softmax)``, added to its element); the tape holds one exp per element and no
    running maximum (before: 16 bytes per element)."""
    lse = _lse()
    d = zymase.autodiff_reverse(lse, Duplicated, ret=Active)
    for n in (1, 2, 7, 5000):
        x = np.random.default_rng(n).normal(scale=3.0, size=n)
        g = np.zeros(n)
        v = d(x.copy(), g, 1.0)
        m = x.max()
        e = np.exp(x - m)
        assert v == pytest.approx(math.log(e.sum()) + m, rel=1e-14)
        np.testing.assert_allclose(g, e / e.sum(), rtol=1e-12, atol=1e-16)
        if n == 5000:
            assert d.tape_bytes() <= 8 * n + 64, d.tape_bytes()


def _seeded_adjoint_of_max(x):
    """The adjoint of the maximum itself (not cancelled by the sum's): x[k] gets it."""
    a = x[0]
    for i in range(1, x.shape[0]):
        if x[i] > a:
            a = x[i]
    s = 0.0
    for i in range(x.shape[0]):
        s += math.exp(x[i] - a)
    return math.log(s) + 2.0 * a


def test_adjoint_of_the_maximum_reaches_its_element():
    x = INPUTS["random"]
    g = np.zeros_like(x)
    zymase.autodiff_reverse(_seeded_adjoint_of_max, Duplicated, ret=Active)(x.copy(), g, 1.0)
    e = np.exp(x - x.max())
    want = e / e.sum() + _onehot(x.size, int(np.argmax(x)), 1.0)
    np.testing.assert_allclose(g, want, rtol=1e-13)


def test_width_two_lanes_match_width_one():
    x = INPUTS["random"]
    d1 = zymase.autodiff_reverse(running_max, Duplicated, ret=Active)
    d2 = zymase.autodiff_reverse(running_max, Duplicated, ret=Active, width=2)
    g2 = np.zeros((2, x.size))
    d2(x.copy(), g2, np.array([1.0, -2.5]))
    for lane, seed in enumerate((1.0, -2.5)):
        g = np.zeros_like(x)
        d1(x.copy(), g, seed)
        np.testing.assert_array_equal(g2[lane], g)


def _reports(capfd, fns):
    """The tape report of each function's reverse derivative (``print="tape"``)."""
    x = INPUTS["random"]
    for f in fns:
        zymase.autodiff_reverse(f, Duplicated, ret=Active, print="tape")(
            x.copy(), np.zeros_like(x), 1.0)
    parts = capfd.readouterr().err.split("; ==== zymase tape")
    return {f.__name__: next(p for p in parts if f"reverse.{f.__name__}" in p) for f in fns}


def test_report_says_what_the_sweep_does(capfd):
    r = _reports(capfd, [running_max, running_min, max_of_squares, suffix_max, max_and_min,
                         fused_softmax_sum, max_until_negative, _lse()])
    only = "(the sweep reverses only that iteration)"
    for name in ("running_max", "running_min", "suffix_max", "lse"):
        assert "running extrema" in r[name] and only in r[name], r[name]
        # nothing is pushed in the loop: only the last pick, at its exit
        assert "<last pick of %a" in r[name], r[name]
    for name in ("max_of_squares", "max_and_min"):
        assert "running extrema" in r[name] and only not in r[name], r[name]
    for name in ("fused_softmax_sum", "max_until_negative"):
        assert "running extrema" not in r[name], r[name]


def test_running_max_in_prange_rows():
    """A parallel loop's kernel (transforms/parallel.py): each share reverses its rows'
    running maxima from its own tape."""
    import numba

    @numba.njit(parallel=True)
    def rowmax(x, m):
        n = x.shape[0] // m
        out = np.empty(m)
        for r in numba.prange(m):
            a = x[r * n]
            for i in range(1, n):
                if x[r * n + i] > a:
                    a = x[r * n + i]
            out[r] = (r + 1.0) * a * a
        return out.sum()

    d = zymase.autodiff_reverse(rowmax, Duplicated, Const, ret=Active)
    m, n = 6, 50
    x = np.random.default_rng(1).standard_normal(m * n)
    g = np.zeros_like(x)
    d(x.copy(), g, m, 1.0)
    rows = x.reshape(m, n)
    want = np.zeros_like(rows)
    for r in range(m):
        k = int(np.argmax(rows[r]))
        want[r, k] = 2.0 * (r + 1) * rows[r, k]
    np.testing.assert_array_equal(g, want.ravel())


def test_hessian_of_lse():
    """The derivative with its pick counters is differentiated again (forward over reverse)."""
    x = np.random.default_rng(3).standard_normal(6)
    H = zymase.hessian(_lse())(x)
    e = np.exp(x - x.max())
    p = e / e.sum()
    np.testing.assert_allclose(H, np.diag(p) - np.outer(p, p), rtol=1e-12, atol=1e-15)

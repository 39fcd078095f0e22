"""Loops versioned after one tape reservation (transforms/reverse/versioning.py).

Innermost counted loops that push in every iteration get a copy without capacity checks,
entered when one reservation before the loop covers ``(iterations + 1) · P + E`` slots.
Checked here, each against central differences (1e-6 relative) and forward mode (the
dot-product test ``<J v, w> = <v, Jᵀ w>``): GradBench's ode (RK4 stage loops), a loop whose
branches push different counts, an inner loop versioned inside an outer one, empty loops,
early exits whose bound is huge or near the integer range's end (the checked loop runs),
width 2; that the report names the versioned loops and the IR holds the copy; and that a
reservation the heap refuses falls back to the checked loop, which ends in a MemoryError
with the process intact, or succeeds when the loop needs far less than its bound.
"""
import math
import os
import subprocess
import sys
import textwrap

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Duplicated
from zymase.gradbench.evals_basic import ode_last

from tests.support import assert_fd_close, central_difference, check_grads, fd_gradient

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INT64_MAX = 2**63 - 1


def branchy(x, n):
    """Each iteration takes one of two paths that tape different values."""
    s = 0.5
    m = x.shape[0]
    for i in range(n):
        v = x[i % m]
        if v > 0.5:
            s = math.sin(s * v) + s * s
        else:
            s = s * v + 0.25
    return s


def nested(x, reps):
    """The inner loop (a recurrence over x) is versioned on every run of the outer one."""
    s = 0.0
    n = x.shape[0]
    for r in range(reps):
        t = s * 0.5
        for i in range(1, n):
            t = math.sin(t) * 0.5 + x[i] * x[i - 1]
        s += t * (r + 1)
    return s


def ranged(x, a, b):
    """A loop over [a, b), empty when b <= a, then a descending one with step -2."""
    s = 1.0
    m = x.shape[0]
    for i in range(a, b):
        s = s * math.cos(x[i % m]) + x[(i + 1) % m]
    for i in range(b, a, -2):
        s = math.sin(s) * x[i % m]
    return s


def early(x, b):
    """Bounded by ``b`` but left by a break after at most ``x.shape[0]`` iterations."""
    s = 0.0
    m = x.shape[0]
    for i in range(b):
        if i >= m:
            break
        s = math.tanh(s) + x[i] * x[(i + 1) % m]
    return s


def _versioned(d) -> str:
    line = [ln for ln in str(d.last_tape).splitlines() if "loops versioned" in ln]
    return line[0] if line else ""


def _close_to_fd(dx, prim, x, *const, what=""):
    """Against central differences, 1e-6 relative (plus 1e-8 of the largest partial, so that
    rounding in a tiny partial beside large ones is no failure, while a wrong one is)."""
    fd = fd_gradient(lambda z: prim(z, *const), x)
    assert_fd_close(dx, fd, 1e-6, atol=1e-8 * float(np.max(np.abs(fd.value))), what=what)


def _grad(f, x, *const):
    d = zymase.autodiff_reverse(f, Duplicated, *([Const] * len(const)), ret=Active)
    dx = np.zeros_like(x)
    y = d(x.copy(), dx, *const, 1.0)
    return d, y, dx


def test_ode_gradient_and_report():
    rng = np.random.default_rng(1)
    x = rng.uniform(0.5, 1.5, 9)
    d, y, dx = _grad(ode_last, x, 3)
    assert y == pytest.approx(ode_last(x, 3), rel=1e-14)
    _close_to_fd(dx, ode_last, x, 3, what="ode")
    assert np.any(dx != 0.0)
    line = _versioned(d)
    # the four stage loops k[i] = x[i] * yt[i - 1], one taped value per iteration
    assert line.count("(1 slot/iteration)") == 4, d.last_tape
    check_grads(ode_last, [x, 3], n_dirs=2)


@pytest.mark.parametrize("n", [0, 1, 7, 40, 600])
def test_branches_pushing_different_counts(n):
    rng = np.random.default_rng(n)
    x = rng.uniform(0.0, 1.0, 11)
    d, y, dx = _grad(branchy, x, n)
    prim = numba.njit(branchy)
    assert y == pytest.approx(prim(x, n), rel=1e-14)
    _close_to_fd(dx, prim, x, n, what="branchy")
    assert _versioned(d), d.last_tape
    if n:
        check_grads(branchy, [x, n], n_dirs=1)


def test_branchy_hessian_vector_products():
    x = np.random.default_rng(3).uniform(0.0, 1.0, 6)
    check_grads(branchy, [x, 15], order=2, n_dirs=1)


def test_hessian_vector_product_through_a_grown_reservation():
    """Forward over reverse where the reservation moves the tape to the heap (3000
    iterations: past the 4 KiB stack buffer), so the tape's shadow has to follow it."""
    n = 3000
    x = np.random.default_rng(8).uniform(0.0, 1.0, 7)
    v = np.cos(np.arange(7.0))
    hv = zymase.hvp(branchy, (x, n), (v, None))
    g = zymase.grad(branchy)
    fd = central_difference(lambda t: g(x + t * v, n), 1e-6).value
    assert np.all(np.isfinite(fd)) and np.any(fd != 0.0)
    np.testing.assert_allclose(hv, fd, rtol=1e-6, atol=1e-8 * np.max(np.abs(fd)))


@pytest.mark.parametrize("reps", [0, 1, 3])
def test_inner_loop_versioned_inside_outer(reps):
    x = np.random.default_rng(reps).uniform(-1.0, 1.0, 12)
    d, y, dx = _grad(nested, x, reps)
    prim = numba.njit(nested)
    _close_to_fd(dx, prim, x, reps, what="nested")
    line = _versioned(d)
    assert line.count("slot") == 1, d.last_tape       # the inner loop only
    if reps:
        check_grads(nested, [x, reps], n_dirs=1)


@pytest.mark.parametrize("a,b", [(0, 0), (5, 2), (0, 9), (-3, 4), (4, 5)])
def test_empty_and_short_ranges(a, b):
    x = np.random.default_rng(a * 7 + b + 50).uniform(-1.0, 1.0, 5)
    d, y, dx = _grad(ranged, x, a, b)
    prim = numba.njit(ranged)
    assert y == pytest.approx(prim(x, a, b), rel=1e-14)
    _close_to_fd(dx, prim, x, a, b, what="ranged")
    assert _versioned(d).count("slot") == 2, d.last_tape


@pytest.mark.parametrize("b", [3, 40, 10**15, INT64_MAX])
def test_early_exit_with_huge_bounds(b):
    """A bound of 10¹⁵ (beyond the reservation limit) or at the end of the int64 range (the
    induction variable could wrap) runs the checked loop; the gradient is the same."""
    x = np.random.default_rng(9).uniform(-1.0, 1.0, 8)
    d, y, dx = _grad(early, x, b)
    prim = numba.njit(early)
    assert y == pytest.approx(prim(x, b), rel=1e-14)
    _close_to_fd(dx, prim, x, b, what="early")
    assert _versioned(d), d.last_tape
    ref = np.zeros_like(x)
    d(x.copy(), ref, min(b, 40), 1.0)              # the copy (a bound it can reserve for)
    np.testing.assert_array_equal(dx, ref)


def test_width_two_matches_width_one():
    x = np.random.default_rng(4).uniform(0.0, 1.0, 10)
    d1 = zymase.autodiff_reverse(branchy, Duplicated, Const, ret=Active)
    d2 = zymase.autodiff_reverse(branchy, Duplicated, Const, ret=Active, width=2)
    seeds = np.array([1.0, -0.5])
    dx2 = np.zeros((2, 10))
    d2(x.copy(), dx2, 30, seeds)
    for k in range(2):
        dx = np.zeros(10)
        d1(x.copy(), dx, 30, seeds[k])
        np.testing.assert_allclose(dx2[k], dx, rtol=1e-14, atol=0)
    assert _versioned(d2), d2.last_tape


def rows(x, out):
    for i in numba.prange(x.shape[0]):
        s = 0.5
        for j in range(x.shape[1]):
            s = math.sin(s) * x[i, j] + 0.1
        out[i] = s
    return np.sum(out * out)


def test_parallel_kernel_inner_loop(monkeypatch, capfd):
    """A prange kernel's derivative (its own tape per schedule entry, split between the
    primal and adjoint launches) versions its inner loop like any other."""
    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    par, ser = numba.njit(parallel=True)(rows), numba.njit(rows)
    x = np.random.default_rng(6).uniform(0.0, 1.0, (9, 40))
    monkeypatch.setenv("ZYMASE_PRINT", "tape")
    grads = []
    for f in (par, ser):
        d = zymase.autodiff_reverse(f, Duplicated, Duplicated, ret=Active)
        dx = np.zeros_like(x)
        d(x.copy(), dx, np.zeros(9), np.zeros(9), 1.0)
        grads.append(dx)
    monkeypatch.delenv("ZYMASE_PRINT")
    kernel = [r for r in capfd.readouterr().err.split("; ==== zymase tape") if "gufunc" in r]
    # the row loop's kernel (the other is np.sum's reduction, whose pushing loop has one inside)
    assert any("(2 slots/iteration)" in r for r in kernel), kernel
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-13, atol=0)
    _close_to_fd(grads[1].ravel(), lambda z: ser(z.reshape(x.shape), np.zeros(9)), x.ravel(),
                 what="rows")


def test_the_ir_holds_the_unchecked_copy(capfd):
    x = np.random.default_rng(5).uniform(0.0, 1.0, 6)
    d = zymase.autodiff_reverse(branchy, Duplicated, Const, ret=Active, print="ir-after")
    d(x, np.zeros(6), 4, 1.0)
    ir = capfd.readouterr().err
    body = ir[ir.index("define"):]
    assert "@zymase.tape.grow.try(" in body
    # no block of the copy (named *.zy.fast) tests the capacity or grows the tape, while the
    # original loop keeps its tests
    labels = [ln[:-1] for ln in body.splitlines() if ln.endswith(".zy.fast:")]
    assert labels, "no copied blocks"
    blocks = {}
    cur = None
    for ln in body.splitlines():
        if ln and not ln.startswith(" ") and ln.endswith(":"):
            cur = ln[:-1]
            blocks[cur] = []
        elif cur is not None:
            blocks[cur].append(ln)
    for lab in labels:
        text = "\n".join(blocks[lab])
        assert "zy.grow" not in text and "grow.checked" not in text, (lab, text)
    assert any(".zy.grow" in lab for lab in blocks)


def exp_sum(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += math.exp(x[i] - 1.0)
    return s


def horner(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s * x[i] + x[i] * x[i]
    return s


def test_a_copy_that_calls_out_is_not_unrolled(capfd):
    """The copy of a loop calling libm is marked ``llvm.loop.unroll.disable`` (unrolled 8-fold
    it made log-sum-exp's gradient slower); a loop of arithmetic alone stays unmarked."""
    x = np.random.default_rng(6).uniform(-1.0, 1.0, 7)
    d = zymase.autodiff_reverse(exp_sum, Duplicated, ret=Active, print="ir-after")
    dx = np.zeros(7)
    d(x, dx, 1.0)
    ir = capfd.readouterr().err
    np.testing.assert_allclose(dx, np.exp(x - 1.0), rtol=1e-14)
    marked = [ln for ln in ir.splitlines() if ln.lstrip().startswith("br ") and "!llvm.loop" in ln]
    defs = {ln.split(" = ", 1)[0]: ln for ln in ir.splitlines() if ln.startswith("!")}

    def options(ln):
        node = ln.rsplit("!llvm.loop ", 1)[1].strip()
        return " ".join(defs[o.strip().rstrip("}")] for o in defs[node].split(",")[1:])
    # the copy is not unrolled; the checked original keeps its default (both stay scalar:
    # loops calling libm carry vectorize.width 1, transforms/loop_hints.py)
    fast = [ln for ln in marked if ".zy.fast" in ln]
    assert fast and all("llvm.loop.unroll.disable" in options(ln) for ln in fast), marked
    assert not any("llvm.loop.unroll.disable" in options(ln) for ln in marked
                   if ".zy.fast" not in ln), marked
    d2 = zymase.autodiff_reverse(horner, Duplicated, ret=Active, print="ir-after,tape")
    d2(x, np.zeros(7), 1.0)
    ir = capfd.readouterr().err
    assert "slot/iteration" in ir and "!llvm.loop" not in ir


OOM = textwrap.dedent("""
    import math, os, resource
    import numpy as np
    import zymase
    from zymase import Active, Const, Duplicated

    def chain(x, n):
        s = 0.0
        m = x.shape[0]
        for i in range(n):
            s = math.sin(s) * x[i % m] + 0.5
        return s

    def early(x, n):
        s = 0.0
        m = x.shape[0]
        for i in range(n):
            if i >= m:
                break
            s = math.sin(s) * x[i] + 0.5
        return s

    def two(x, n):
        s = 0.0
        m = x.shape[0]
        for i in range(n):
            s = math.sin(s) * x[i % m] + 0.5
        for i in range(5000):      # versioned too: reserved while the tape has failed
            s = math.cos(s) * x[i % m]
        return s

    d = zymase.autodiff_reverse(chain, Duplicated, Const, ret=Active)
    t = zymase.autodiff_reverse(two, Duplicated, Const, ret=Active)
    e = zymase.autodiff_reverse(early, Duplicated, Const, ret=Active)
    x = np.linspace(0.1, 0.9, 16)
    x0 = x.copy()
    d(x, np.zeros(16), 10, 1.0)
    e(x, np.zeros(16), 10, 1.0)
    t(x, np.zeros(16), 10, 1.0)
    print("VERSIONED", all(str(f.last_tape).count("/iteration)") == k
                           for f, k in ((d, 1), (e, 1), (t, 2))))
    ref = np.zeros(16)
    e(x, ref, 16, 1.0)
    vm = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (vm + 256 * 2**20, resource.RLIM_INFINITY))
    for _ in range(2):       # 10**8 iterations: the reservation and the checked loop both fail
        try:
            d(x, np.zeros(16), 10**8, 1.0)
        except MemoryError as err:
            print("MEMORYERROR", err)
    try:
        t(x, np.zeros(16), 10**8, 1.0)
    except MemoryError as err:
        print("TWO", err)
    # 6·10**7 slots bound (~480 MB, refused) but a break after 16 iterations: the checked
    # loop runs and succeeds
    dx = np.zeros(16)
    e(x, dx, 6 * 10**7, 1.0)
    print("FALLBACK", np.array_equal(dx, ref))
    dx = np.zeros(16)
    d(x, dx, 10**6, 1.0)     # 8 MB: fits under the limit, the copy runs
    print("SMALL", bool(np.all(np.isfinite(dx)) and np.any(dx != 0)))
    print("INTACT", np.array_equal(x, x0))
""")


def test_refused_reservation_falls_back_to_the_checked_loop():
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([sys.executable, "-c", OOM], capture_output=True, text=True, env=env,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.splitlines()
    assert "VERSIONED True" in lines, r.stdout
    errs = [ln for ln in lines if ln.startswith("MEMORYERROR")]
    assert len(errs) == 2 and "MiB" in errs[0], r.stdout
    assert any(ln.startswith("TWO zymase: the tape") for ln in lines), r.stdout
    assert "FALLBACK True" in lines and "SMALL True" in lines and "INTACT True" in lines, \
        r.stdout

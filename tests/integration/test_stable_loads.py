"""Reverse mode loads again, instead of taping, what no later write can change
(analysis/stable_loads.py): a table the function fills once and then reads in its loops, an
input read after the outputs are written elsewhere.  The arrays read this way must outlive
the primal's own release of them (reverse/keepalive.py).  Every gradient is checked against
central differences and the forward derivative; the NRT allocation counts must balance."""
import numba
import numpy as np
import pytest
from numba.core.runtime import _nrt_python, rtsys

import zymase
from zymase import Active, Const, Dual, Duplicated
from zymase.analysis.stable_loads import blocks_on_cycles, stable_loads

from tests.support import fd_jvp


def table_then_loop(x, w, n):
    """A table computed once (freed before the function returns), read in a loop nest."""
    m = x.shape[0]
    t = np.empty(m)
    for j in range(m):
        t[j] = np.exp(0.3 * x[j])
    s = 0.0
    for k in range(n):
        for j in range(m):
            s += w[k] * t[j] * np.sin(t[j] + k)
    return s


def table_rewritten(x, n):
    """The table is rewritten inside the loop after it is read: those reads must be taped."""
    m = x.shape[0]
    t = np.empty(m)
    for j in range(m):
        t[j] = x[j]
    s = 0.0
    for k in range(n):
        for j in range(m):
            s += np.cos(t[j]) * (k + 1)
            t[j] = t[j] * 0.9 + 0.1 * np.sin(t[j])
    return s


def reads_after_writing_elsewhere(x, y):
    """y (another argument, which may alias x for all the analysis knows) is written first;
    x's later loads are stable, the loads before the write are not."""
    a = x[0] * x[1]
    for j in range(y.shape[0]):
        y[j] = 2.0 * j          # inactive: y stays Const
    s = 0.0
    for j in range(x.shape[0]):
        s += x[j] * x[j] * a
    return s


X = np.array([0.3, -0.8, 1.1, 0.45, -0.2])
W = np.array([0.5, -1.0, 2.0, 0.7])


def _grad_check(f, args, k=0, rtol=1e-7):
    acts = [Duplicated if (i == k) else Const for i in range(len(args))]
    rev = zymase.autodiff_reverse(f, *acts, ret=Active)
    g = np.zeros_like(args[k])
    call = []
    for i, a in enumerate(args):
        call.append(a.copy() if isinstance(a, np.ndarray) else a)
        if i == k:
            call.append(g)
    val = rev(*call, 1.0)
    fwd = zymase.autodiff_forward(f, *[Dual if i == k else Const for i in range(len(args))],
                                  ret=Dual)
    for j in range(args[k].size):
        e = np.zeros_like(args[k])
        e[j] = 1.0
        want = float(fd_jvp(f, args, {k: e}, 1e-6).value)
        assert g[j] == pytest.approx(want, rel=rtol, abs=1e-9), j
        fcall = []
        for i, a in enumerate(args):
            fcall.append(a.copy() if isinstance(a, np.ndarray) else a)
            if i == k:
                fcall.append(e)
        assert fwd(*fcall)[1] == pytest.approx(g[j], rel=1e-11, abs=1e-12)
    return rev, val


def test_table_read_again_not_taped_and_kept_alive():
    rev, _ = _grad_check(table_then_loop, (X, W, 4))
    # the table's reads in the loop nest are loaded again, not taped: each inner iteration
    # tapes fewer than the 4 slots it took before (sin's value, s's phi, the index)
    tape = []
    for n in (4, 8):
        rev(X.copy(), np.zeros(5), np.ones(n), n, 1.0)
        tape.append(rev.tape_bytes())
    assert tape[1] - tape[0] < 4 * (4 * X.size) * 8
    _nrt_python.memsys_enable_stats()
    s0 = rtsys.get_allocation_stats()
    for _ in range(3):
        rev(X.copy(), np.zeros(5), W, 4, 1.0)
    s1 = rtsys.get_allocation_stats()
    assert s1.mi_alloc - s0.mi_alloc == s1.mi_free - s0.mi_free
    assert s1.alloc - s0.alloc == s1.free - s0.free


def test_table_rewritten_after_it_is_read_is_taped():
    _grad_check(table_rewritten, (X, 3))


def test_argument_reads_after_a_write_to_another_argument():
    _grad_check(reads_after_writing_elsewhere, (X, np.zeros(3)))


def test_width_and_njit_caller():
    rev3 = zymase.autodiff_reverse(table_then_loop, Duplicated, Const, Const, ret=Active,
                                   width=3)

    @numba.njit
    def caller(x, g, w, n, seeds):
        return rev3(x, g, w, n, seeds)

    g3 = np.zeros((3, 5))
    seeds = np.array([1.0, -2.0, 0.5])
    caller(X.copy(), g3, W, 4, seeds)
    g = np.zeros(5)
    zymase.autodiff_reverse(table_then_loop, Duplicated, Const, Const, ret=Active)(
        X.copy(), g, W, 4, 1.0)
    np.testing.assert_allclose(g3, seeds[:, None] * g, rtol=1e-12)


class _Types:
    """Origins by name for the unit test of the analysis."""

    def __init__(self, origins):
        self.o = origins

    def origins_of(self, v):
        return self.o.get(v, {v})


def test_analysis_on_a_hand_built_cfg():
    """entry -> loop (load a; store b) -> exit (load c); a, b: two arguments (may alias);
    the load in the loop is not stable (a store on its cycle may alias), the exit's is."""
    from zymase.ir.parser import parse_module
    m = parse_module("""
define void @f(ptr %a, ptr %b, ptr %fresh) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %x = load double, ptr %a
  %y = load double, ptr %fresh
  store double %x, ptr %b
  %i1 = add i64 %i, 1
  %c = icmp slt i64 %i1, 10
  br i1 %c, label %loop, label %exit
exit:
  %z = load double, ptr %a
  ret void
}
""")
    f = m.functions["f"]
    blocks = list(f.blocks)
    body = {b: list(b.instructions) for b in blocks}
    a, b, fresh = f.args
    from zymase.analysis.writes import written_pointers
    st = stable_loads(blocks, body, _Types({}), written_pointers, {fresh}, lambda o: True)
    names = {i.name for i in st}
    assert names == {"y", "z"}
    assert {blk.name for blk in blocks_on_cycles(blocks)} == {"loop"}


def test_hessian_vector_product_through_a_kept_table():
    """Forward over reverse: the reverse derivative's extra reference (an atomic add) and its
    release (NRT_MemInfo_release) are mirrored on the table's shadow; NRT balances."""
    from tests.support import central_difference
    v = np.cos(np.arange(X.size) + 1.0)
    hv = zymase.hvp(table_then_loop, (X, W, 4), (v, None, None))
    g = zymase.grad(table_then_loop)
    fd = central_difference(lambda t: g(X + t * v, W, 4), 1e-5).value
    np.testing.assert_allclose(hv, fd, rtol=1e-6, atol=1e-9)
    _nrt_python.memsys_enable_stats()
    s0 = rtsys.get_allocation_stats()
    zymase.hvp(table_then_loop, (X, W, 4), (v, None, None))
    s1 = rtsys.get_allocation_stats()
    assert s1.mi_alloc - s0.mi_alloc == s1.mi_free - s0.mi_free

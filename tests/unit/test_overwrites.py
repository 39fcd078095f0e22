"""The overwritten-temporary analysis (zymase/analysis/overwrites.py) on hand-written IR.

The function is a double-buffered step in the shape Numba emits: a buffer ``v`` allocated
before a time loop, per step ``v[0]`` and a loop over ``v[LO..n-1)`` written, then a loop
reading ``v[0..n)``.  The analysis must prove coverage where the stores tile the loaded
cells and refuse where one cell is missing, a store is conditional, or a store comes after
the load — the refusals are what keep gradients right (tests/integration/
test_reverse_overwrites.py checks the numbers end to end)."""
from __future__ import annotations


from zymase.analysis.loops import analyse_loops
from zymase.analysis.overwrites import (_disjoint, add, analyse_overwrites, const, le, lin,
                                        neg, smax)
from zymase.analysis.types import analyse_types
from zymase.ir.parser import parse_module

TEMPLATE = r"""
declare ptr @NRT_MemInfo_alloc_aligned(i64, i32)
declare i64 @llvm.smax.i64(i64, i64)

define double @f(ptr %u, i64 %n, i64 %steps, i1 %flag) {
entry:
  %bytes = mul i64 %n, 8
  %mi = call ptr @NRT_MemInfo_alloc_aligned(i64 %bytes, i32 32)
  %dp = getelementptr i8, ptr %mi, i64 24
  %v = load ptr, ptr %dp
  %tcount = call i64 @llvm.smax.i64(i64 %steps, i64 0)
  br label %T
T:
  %left = phi i64 [ %tcount, %entry ], [ %left.next, %C ]
  %more = icmp sgt i64 %left, 0
  br i1 %more, label %body, label %exit
body:
  %left.next = add nsw i64 %left, -1
  %u0 = load double, ptr %u
  FIRST
  %m = add i64 %n, -LO1
  %wcount = call i64 @llvm.smax.i64(i64 %m, i64 0)
  br label %W
W:
  %i = phi i64 [ LO, %body ], [ %i.next, %Wb ]
  %wl = phi i64 [ %wcount, %body ], [ %wl.next, %Wb ]
  %wmore = icmp sgt i64 %wl, 0
  br i1 %wmore, label %Wb, label %Cpre
Wb:
  %wl.next = add nsw i64 %wl, -1
  %i.next = add i64 %i, 1
  %pu = getelementptr double, ptr %u, i64 %i
  %x = load double, ptr %pu
  %y = fmul double %x, %x
  %pv = getelementptr double, ptr %v, i64 %i
  store double %y, ptr %pv
  br label %W
Cpre:
  %ccount = call i64 @llvm.smax.i64(i64 %n, i64 0)
  br label %C0
C0:
  %j = phi i64 [ 0, %Cpre ], [ %j.next, %Cb ]
  %cl = phi i64 [ %ccount, %Cpre ], [ %cl.next, %Cb ]
  %cmore = icmp sgt i64 %cl, 0
  br i1 %cmore, label %Cb, label %C
Cb:
  %cl.next = add nsw i64 %cl, -1
  %j.next = add i64 %j, 1
  %qv = getelementptr double, ptr %v, i64 %j
  %z = load double, ptr %qv
  %qu = getelementptr double, ptr %u, i64 %j
  store double %z, ptr %qu
  br label %C0
C:
  LATE
  br label %T
exit:
  ret double 0.0
}
"""
V0 = "store double %u0, ptr %v"
# Numba's v[n-1]: (n - 1) + (n > 0 ? 0 : len), the wraparound guard as a select term
VLAST = """%last = getelementptr double, ptr %v, i64 %n
  %last1 = getelementptr i8, ptr %last, i64 -8
  %pos = icmp sgt i64 %n, 0
  %wrap = select i1 %pos, i64 0, i64 %n
  %lastw = getelementptr double, ptr %last1, i64 %wrap
  store double %u0, ptr %lastw"""


def _analyse(first, lo=1, lo1=2, late=""):
    src = TEMPLATE.replace("FIRST", first).replace("-LO1", f"-{lo1}").replace(
        "[ LO,", f"[ {lo},").replace("LATE", late)
    fn = parse_module(src).functions["f"]
    res = analyse_overwrites(fn, analyse_types(fn), analyse_loops(fn), set(fn.instructions()))
    by = {i.name: i for i in fn.instructions() if i.name}
    stores = {i for i in fn.instructions() if i.opcode == "store"}
    return res, by, stores


def _names(stores):
    return sorted(s.operands[1].name or "v" for s in stores)


def test_tiled_buffer_sets_and_drops_zeroing():
    # v[0], v[n-1], v[1..n-1) cover the loaded v[0..n)
    res, by, _ = _analyse(V0 + "\n  " + VLAST)
    assert res.set_loads == {by["z"]}
    # v[0] runs first; v[n-1] may be v[0] (n = 1): it keeps zeroing; the loop's cells are
    # disjoint from both (empty when n <= 2)
    assert _names(res.nozero_stores) == ["pv", "v"]
    assert "loads set 1, stores without zeroing 2 of 3" in res.dump()


def test_loop_covering_everything_but_the_first_cell():
    res, by, _ = _analyse(VLAST)                   # v[0] never written: not proven
    assert not res.set_loads and not res.nozero_stores
    assert "not proven" in res.dump()


def test_store_loop_from_zero():
    # v[0..n-1) by the loop and v[n-1]: covered; v[n-1] is disjoint from the loop's cells
    # (which end at n-1), so both drop their zeroing
    res, by, _ = _analyse(VLAST, lo=0, lo1=1)
    assert res.set_loads == {by["z"]}
    assert _names(res.nozero_stores) == ["lastw", "pv"]


def test_one_cell_short():
    # the loop writes v[1..n-2): v[n-2] is read but not written in the step
    res, _, _ = _analyse(V0 + "\n  " + VLAST, lo1=3)
    assert not res.set_loads and not res.nozero_stores


def test_store_after_the_load_is_refused():
    res, _, _ = _analyse(VLAST, late=V0)
    assert not res.set_loads and not res.nozero_stores


def test_escaping_buffer_is_refused():
    # the data pointer stored into memory: anything may read it later
    res, _, _ = _analyse(V0 + "\n  " + VLAST + "\n  store ptr %v, ptr %u")
    assert not res.set_loads and not res.nozero_stores
    assert "passed to a call or stored" in res.dump()


def test_prover():
    n = parse_module("define void @g(i64 %n) {\nentry:\n  ret void\n}").functions["g"].args[0]
    N = lin({n: 1}, 0)
    assert le(N, add(N, const(1))) and not le(add(N, const(1)), N)
    assert le(add(N, const(-1)), smax(add(N, const(-1)), const(1)))
    assert le(smax(N, const(0)), smax(smax(const(0), N), const(0)))
    assert not le(smax(N, const(0)), N)           # n may be negative
    assert le(neg(smax(N, const(0))), neg(N))     # -max(n, 0) <= -n
    # [1, max(n-1, 1)) and {n-1} (wrapped when n < 1): disjoint; [0, 1) and {n-1}: not
    inner = (const(1), smax(add(N, const(-1)), const(1)), False)
    last = (add(N, const(-1)), N, True)
    assert _disjoint(inner, last)
    assert not _disjoint((const(0), const(1), False), last)
    assert not _disjoint((const(0), add(N, const(1)), False), (const(2), const(3), False))

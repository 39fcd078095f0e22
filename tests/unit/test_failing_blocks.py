"""``analysis.loops.failing_blocks``: exception statuses followed through merged returns.

An inlined callee that raises sets its status (a constant) in a phi of its merged return
block; the caller tests that phi against 0 and returns it on the error branch.  With
``statuses=True`` (Numba's convention: the adjoint sweep runs for status 0 only) the raise
block and the error branch fail, and the edge into the raise block is a failing edge; the
merged return itself, which the normal path passes too, does not.  Without statuses (the C
ABI) only constant returns count."""
from zymase.analysis.loops import failing_blocks
from zymase.ir.parser import parse_module

IR = """define i32 @f(ptr %ret, ptr %exc, i64 %n) {
entry:
  %c = icmp sgt i64 %n, 5
  br i1 %c, label %raise, label %ok1
raise:
  br label %merge
ok1:
  br label %merge
merge:
  %st = phi i32 [ 1, %raise ], [ 0, %ok1 ]
  %flag = phi i1 [ false, %raise ], [ true, %ok1 ]
  %z = icmp eq i32 %st, 0
  br i1 %z, label %cont, label %err
err:
  br label %exit
cont:
  br i1 %flag, label %exit, label %never
never:
  ret i32 0
exit:
  %r = phi i32 [ %st, %err ], [ 0, %cont ]
  ret i32 %r
}
"""


def _fn():
    return parse_module(IR).functions["f"]


def test_statuses_followed_through_the_merged_return():
    fn = _fn()
    edges = set()
    out = {b.name for b in failing_blocks(fn, edges, statuses=True)}
    assert out == {"raise", "err"}
    assert {(b.name, s.name) for b, s in edges} == {("entry", "raise"), ("merge", "err")}


def test_without_statuses_only_constant_returns_fail():
    fn = _fn()
    edges = set()
    assert failing_blocks(fn, edges) == set()
    assert edges == set()

"""The one call classifier (zymase/rules/calls.py): every kind from a callee name, and the
precedence where two tables name the same function."""
import pytest

from zymase.ir.types import F64, I1
from zymase.ir.values import GlobalRef, Instruction
from zymase.rules.calls import Kind, classify_call, written_by


def call(name, t=F64):
    return Instruction("call", t, [], callee=GlobalRef(name))


@pytest.mark.parametrize("name, kind", [
    ("numba_xgesv", Kind.LAPACK), ("numba_xxgetrf", Kind.LAPACK),
    ("numba_xxgemm", Kind.BLAS_MATRIX), ("numba_xxdot", Kind.BLAS_VECTOR),
    ("NRT_MemInfo_alloc_aligned", Kind.ALLOCATOR), ("NRT_MemInfo_alloc_dtor", Kind.ALLOCATOR),
    ("malloc", Kind.C_MALLOC), ("NRT_Allocate", Kind.C_MALLOC),     # also an inactive pattern
    ("realloc", Kind.C_REALLOC), ("free", Kind.C_FREE), ("NRT_Free", Kind.C_FREE),
    ("NRT_MemInfo_call_dtor", Kind.DEALLOCATOR), ("NRT_incref", Kind.REFCOUNT),
    ("NRT_MemInfo_data_fast", Kind.MEMINFO_DATA), ("llvm.memset.p0.i64", Kind.MEMSET),
    ("llvm.memmove.p0.p0.i64", Kind.MEMCPY), ("llvm.sin.f64", Kind.MATH),
    ("scipy.special.ndtr", Kind.MATH), ("llvm.lifetime.start.p0", Kind.INACTIVE),
    # isnan/isinf folded by instcombine (a fuzz bundle, seed 1008064, was refused on it)
    ("llvm.is.fpclass.f64", Kind.INACTIVE), ("some_unknown_function", Kind.UNKNOWN),
])
def test_kinds(name, kind):
    assert classify_call(call(name)) is kind


def test_no_callee_is_unknown_and_writes_anywhere_with_a_pointer():
    from zymase.ir.types import PTR
    from zymase.ir.values import Argument
    i = Instruction("call", F64, [Argument(PTR, "p")], callee=None)
    assert classify_call(i) is Kind.UNKNOWN
    assert written_by(i, Kind.UNKNOWN) is None
    assert written_by(call("llvm.is.fpclass.f64", I1), Kind.INACTIVE) == []

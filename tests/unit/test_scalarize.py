"""The scalariser (``zymase/transforms/scalarize.py``, ``scalarize_calls.py``): vector IR rewritten
into scalar lanes, exactly, before differentiation.

Constructs, bit for bit
    Each hand-written module below holds ``void @f(ptr %in, ptr %out)``: it reads its inputs
    from ``in`` (32 doubles, whose bytes the integer cases read as integers too), computes with
    one family of vector constructs and stores the results to ``out``.  The module is
    scalarised, checked to hold no vector type any more, and both versions are compiled by
    MCJIT (a fresh target machine per engine) and run on the same inputs: ``out`` must be the
    same bytes.

Derivatives of vectorised compiler output
    ``tests/lang/c/vector.ll`` (clang 22 -O3, x86-64: loop-vectorised and SLP code),
    ``tests/lang/c/masked.ll`` (clang 22 -O3 for AVX-512: masked loads, stores, gathers; the
    commands that made them head ``vector.c`` and ``masked.c``) and
    ``tests/unit/data/vector_kernels.ll`` (rustc 1.95 -O3, command in ``vector_kernels.rs``)
    are differentiated with ``differentiate_ll`` (reverse and forward mode) and called through
    ctypes; every partial is compared, to 1e-6 relative, with central finite differences of the
    compiler's own vector code (the ``.ll`` as it is, JIT-compiled: not the scalarised primal,
    so a wrong lane would show).  No compiler is needed to run these tests.

Refusals
    Vector constructs without an exact scalar form raise ``UnsupportedError`` naming the
    instruction (and its source line when the IR has debug locations); a scalar function is
    left byte-identical.
"""
from __future__ import annotations

import ctypes
import io
import os
import re
import textwrap
from typing import NamedTuple, Tuple

import llvmlite.binding as llvm
import numpy as np
import pytest

from zymase import activities as A
from zymase import cli
from zymase.errors import UnsupportedError
from zymase.frontend.llvm_ir import differentiate_ll, prepare_ll
from zymase.ir.parser import parse_module
from zymase.ir.printer import print_function, print_module
from zymase.transforms.scalarize import scalarize
from zymase.transforms.scalarize_calls import scalar_intrinsic, split_intrinsic

from tests.support import assert_fd_close, fd_gradient, fd_jvp, jit

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
C_VECTOR = os.path.join(REPO, "tests", "lang", "c", "vector.ll")
C_MASKED = os.path.join(REPO, "tests", "lang", "c", "masked.ll")
C_ENERGY = os.path.join(REPO, "tests", "lang", "c", "energy.ll")
RUST = os.path.join(HERE, "data", "vector_kernels.ll")

VECTOR_TYPE = re.compile(r"<\d+ x ")


def scalarised(text: str, name: str = "f") -> Tuple[str, str, int]:
    """(the module as LLVM prints it, the module with @name scalarised, vector instructions)."""
    mod = llvm.parse_assembly(text)
    mod.verify()
    canonical = str(mod)
    module = parse_module(canonical)
    fn = module.functions[name]
    count = scalarize(module, fn)
    out = print_module(module)
    llvm.parse_assembly(out).verify()
    body = print_function(fn)
    assert not VECTOR_TYPE.search(body), body
    for op in ("insertelement", "extractelement", "shufflevector"):
        assert op not in body
    return canonical, out, count


def run_f(text: str, inputs: np.ndarray) -> bytes:
    ee = jit(text)
    f = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(ee.get_function_address("f"))
    buf_in = inputs.astype(np.float64).copy()
    out = np.zeros(32, np.float64)
    f(buf_in.ctypes.data, out.ctypes.data)
    assert np.array_equal(buf_in.view(np.uint64), inputs.astype(np.float64).view(np.uint64))
    return out.tobytes()


def default_inputs(seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(32) * 3.0
    x[5] = 0.25           # a few exact, small and negative values
    x[6] = -7.0
    return x


def check_bit_for_bit(ir: str, inputs=None, min_count=1):
    inputs = default_inputs() if inputs is None else inputs
    before, after, count = scalarised(textwrap.dedent(ir))
    assert count >= min_count
    a, b = run_f(before, inputs), run_f(after, inputs)
    assert a == b, (np.frombuffer(a), np.frombuffer(b))
    return after


# -------------------------------------------------------------------------------------------
# constructs, bit for bit
# -------------------------------------------------------------------------------------------
ARITH = """
define void @f(ptr %in, ptr %out) {
  %a = load <2 x double>, ptr %in, align 8
  %pb = getelementptr inbounds double, ptr %in, i64 2
  %b = load <2 x double>, ptr %pb, align 16
  %s = fadd <2 x double> %a, %b
  %d = fsub nsz <2 x double> %s, <double 1.5, double -2.25>
  %m = fmul fast <2 x double> %d, splat (double 3.0)
  %q = fdiv <2 x double> %m, %b
  %r = frem <2 x double> %q, splat (double 0.75)
  %n = fneg <2 x double> %r
  %z = freeze <2 x double> %n
  store <2 x double> %z, ptr %out, align 8
  %pi = getelementptr inbounds double, ptr %in, i64 4
  %ia = load <4 x i32>, ptr %pi, align 4
  %pj = getelementptr inbounds double, ptr %in, i64 6
  %ib = load <4 x i32>, ptr %pj, align 4
  %x1 = add <4 x i32> %ia, %ib
  %x2 = mul <4 x i32> %x1, <i32 3, i32 -5, i32 7, i32 11>
  %x3 = xor <4 x i32> %x2, %ia
  %amt = and <4 x i32> %ib, splat (i32 31)
  %x4 = lshr <4 x i32> %x3, %amt
  %x5 = ashr <4 x i32> %x2, <i32 1, i32 2, i32 3, i32 4>
  %x6 = shl <4 x i32> %x5, splat (i32 2)
  %x7 = or <4 x i32> %x4, %x6
  %x8 = sub <4 x i32> %x7, %ib
  %x9 = udiv <4 x i32> %x8, <i32 3, i32 5, i32 7, i32 9>
  %x10 = srem <4 x i32> %x8, <i32 3, i32 5, i32 7, i32 9>
  %x11 = add <4 x i32> %x9, %x10
  %po = getelementptr inbounds double, ptr %out, i64 2
  store <4 x i32> %x11, ptr %po, align 4
  ret void
}
"""

COMPARE_SELECT = """
define void @f(ptr %in, ptr %out) {
  %a = load <4 x double>, ptr %in, align 8
  %pb = getelementptr inbounds double, ptr %in, i64 4
  %b = load <4 x double>, ptr %pb, align 8
  %lt = fcmp olt <4 x double> %a, %b
  %mx = select <4 x i1> %lt, <4 x double> %b, <4 x double> %a
  %ugt = fcmp nnan ugt <4 x double> %a, zeroinitializer
  %sel2 = select nsz <4 x i1> %ugt, <4 x double> %mx, <4 x double> splat (double -1.0)
  %a0 = load double, ptr %in, align 8
  %c = fcmp ogt double %a0, 0.0
  %sel3 = select i1 %c, <4 x double> %sel2, <4 x double> %b
  store <4 x double> %sel3, ptr %out, align 8
  %ia = bitcast <4 x double> %a to <4 x i64>
  %ib = bitcast <4 x double> %b to <4 x i64>
  %sgt = icmp sgt <4 x i64> %ia, %ib
  %both = and <4 x i1> %sgt, %lt
  %z = zext <4 x i1> %both to <4 x i64>
  %s = sext <4 x i1> %lt to <4 x i64>
  %zs = add <4 x i64> %z, %s
  %po = getelementptr inbounds double, ptr %out, i64 4
  store <4 x i64> %zs, ptr %po, align 8
  ret void
}
"""

LANES = """
define void @f(ptr %in, ptr %out) {
  %x0 = load double, ptr %in, align 8
  %p1 = getelementptr inbounds double, ptr %in, i64 1
  %x1 = load double, ptr %p1, align 8
  %v0 = insertelement <2 x double> poison, double %x0, i64 0
  %v1 = insertelement <2 x double> %v0, double %x1, i32 1
  %w = insertelement <2 x double> <double 2.5, double poison>, double %x0, i64 1
  %rev = shufflevector <2 x double> %v1, <2 x double> poison, <2 x i32> <i32 1, i32 0>
  %two = shufflevector <2 x double> %v1, <2 x double> %w, <2 x i32> <i32 0, i32 3>
  %wide = shufflevector <2 x double> %rev, <2 x double> %two, <4 x i32> <i32 3, i32 2, i32 1, i32 0>
  %bc = shufflevector <2 x double> %v0, <2 x double> poison, <4 x i32> zeroinitializer
  %sum = fadd <4 x double> %wide, %bc
  %p2 = getelementptr inbounds double, ptr %in, i64 2
  %big = load <4 x double>, ptr %p2, align 8
  %odd = shufflevector <4 x double> %big, <4 x double> %sum, <2 x i32> <i32 1, i32 7>
  %part = shufflevector <2 x double> %odd, <2 x double> poison, <2 x i32> <i32 1, i32 poison>
  %e0 = extractelement <2 x double> %part, i64 0
  %e1 = extractelement <4 x double> %sum, i32 2
  %e2 = extractelement <2 x double> <double 4.0, double 8.0>, i64 1
  %t = fmul double %e0, %e1
  %t2 = fadd double %t, %e2
  store <4 x double> %sum, ptr %out, align 8
  %po = getelementptr inbounds double, ptr %out, i64 4
  store <2 x double> %odd, ptr %po, align 8
  %pt = getelementptr inbounds double, ptr %out, i64 6
  store double %t2, ptr %pt, align 8
  ret void
}
"""

# a vectorised reduction loop; the exit block is laid out before the loop that defines what
# it reads, and the accumulator phi's back edge names a value defined after it
LOOP_REDUCE = """
declare <2 x double> @llvm.fmuladd.v2f64(<2 x double>, <2 x double>, <2 x double>)
declare double @llvm.vector.reduce.fadd.v2f64(double, <2 x double>)
declare double @llvm.vector.reduce.fmul.v4f64(double, <4 x double>)

define void @f(ptr %in, ptr %out) {
entry:
  br label %loop
exit:
  %r = call double @llvm.vector.reduce.fadd.v2f64(double 0.5, <2 x double> %acc2)
  %r2 = call reassoc nsz double @llvm.vector.reduce.fadd.v2f64(double -0.0, <2 x double> %acc2)
  %p8 = getelementptr inbounds double, ptr %in, i64 8
  %q = load <4 x double>, ptr %p8, align 8
  %r3 = call double @llvm.vector.reduce.fmul.v4f64(double 1.25, <4 x double> %q)
  store double %r, ptr %out, align 8
  %o1 = getelementptr inbounds double, ptr %out, i64 1
  store double %r2, ptr %o1, align 8
  %o2 = getelementptr inbounds double, ptr %out, i64 2
  store double %r3, ptr %o2, align 8
  %o3 = getelementptr inbounds double, ptr %out, i64 3
  store <2 x double> %acc2, ptr %o3, align 8
  ret void
loop:
  %i = phi i64 [ 0, %entry ], [ %i2, %loop ]
  %acc = phi <2 x double> [ <double 0.0, double -0.0>, %entry ], [ %acc2, %loop ]
  %p = getelementptr inbounds double, ptr %in, i64 %i
  %v = load <2 x double>, ptr %p, align 8
  %acc2 = call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %v, <2 x double> %v, <2 x double> %acc)
  %i2 = add i64 %i, 2
  %c = icmp ult i64 %i2, 32
  br i1 %c, label %loop, label %exit
}
"""

REDUCTIONS = """
declare double @llvm.vector.reduce.fmax.v4f64(<4 x double>)
declare double @llvm.vector.reduce.fmin.v4f64(<4 x double>)
declare double @llvm.vector.reduce.fmaximum.v4f64(<4 x double>)
declare double @llvm.vector.reduce.fminimum.v4f64(<4 x double>)
declare i32 @llvm.vector.reduce.add.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.mul.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.and.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.or.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.xor.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.smax.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.smin.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.umax.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.umin.v4i32(<4 x i32>)
declare i1 @llvm.vector.reduce.or.v4i1(<4 x i1>)

define void @f(ptr %in, ptr %out) {
  %a = load <4 x double>, ptr %in, align 8
  %p4 = getelementptr inbounds double, ptr %in, i64 4
  %b = load <4 x double>, ptr %p4, align 8
  %m1 = call double @llvm.vector.reduce.fmax.v4f64(<4 x double> %a)
  %m2 = call double @llvm.vector.reduce.fmin.v4f64(<4 x double> %a)
  %m3 = call double @llvm.vector.reduce.fmaximum.v4f64(<4 x double> %b)
  %m4 = call double @llvm.vector.reduce.fminimum.v4f64(<4 x double> %a)
  %m5 = call nnan double @llvm.vector.reduce.fmax.v4f64(<4 x double> %b)
  store double %m1, ptr %out, align 8
  %o1 = getelementptr inbounds double, ptr %out, i64 1
  store double %m2, ptr %o1, align 8
  %o2 = getelementptr inbounds double, ptr %out, i64 2
  store double %m3, ptr %o2, align 8
  %o3 = getelementptr inbounds double, ptr %out, i64 3
  store double %m4, ptr %o3, align 8
  %o4 = getelementptr inbounds double, ptr %out, i64 4
  store double %m5, ptr %o4, align 8
  %p8 = getelementptr inbounds double, ptr %in, i64 8
  %i = load <4 x i32>, ptr %p8, align 4
  %r1 = call i32 @llvm.vector.reduce.add.v4i32(<4 x i32> %i)
  %r2 = call i32 @llvm.vector.reduce.mul.v4i32(<4 x i32> %i)
  %r3 = call i32 @llvm.vector.reduce.and.v4i32(<4 x i32> %i)
  %r4 = call i32 @llvm.vector.reduce.or.v4i32(<4 x i32> %i)
  %r5 = call i32 @llvm.vector.reduce.xor.v4i32(<4 x i32> %i)
  %r6 = call i32 @llvm.vector.reduce.smax.v4i32(<4 x i32> %i)
  %r7 = call i32 @llvm.vector.reduce.smin.v4i32(<4 x i32> %i)
  %r8 = call i32 @llvm.vector.reduce.umax.v4i32(<4 x i32> %i)
  %r9 = call i32 @llvm.vector.reduce.umin.v4i32(<4 x i32> %i)
  %neg = fcmp olt <4 x double> %a, splat (double -2.0)
  %any = call i1 @llvm.vector.reduce.or.v4i1(<4 x i1> %neg)
  %r10 = zext i1 %any to i32
  %v0 = insertelement <10 x i32> poison, i32 %r1, i64 0
  %v1 = insertelement <10 x i32> %v0, i32 %r2, i64 1
  %v2 = insertelement <10 x i32> %v1, i32 %r3, i64 2
  %v3 = insertelement <10 x i32> %v2, i32 %r4, i64 3
  %v4 = insertelement <10 x i32> %v3, i32 %r5, i64 4
  %v5 = insertelement <10 x i32> %v4, i32 %r6, i64 5
  %v6 = insertelement <10 x i32> %v5, i32 %r7, i64 6
  %v7 = insertelement <10 x i32> %v6, i32 %r8, i64 7
  %v8 = insertelement <10 x i32> %v7, i32 %r9, i64 8
  %v9 = insertelement <10 x i32> %v8, i32 %r10, i64 9
  %o8 = getelementptr inbounds double, ptr %out, i64 8
  store <10 x i32> %v9, ptr %o8, align 4
  ret void
}
"""

CASTS = """
define void @f(ptr %in, ptr %out) {
  %a = load <4 x double>, ptr %in, align 8
  %f = fptrunc <4 x double> %a to <4 x float>
  %e = fpext <4 x float> %f to <4 x double>
  %d = fsub <4 x double> %a, %e
  store <4 x double> %d, ptr %out, align 8
  %s = fmul <4 x double> %a, splat (double 100.0)
  %i = fptosi <4 x double> %s to <4 x i32>
  %u = fptoui <4 x double> splat (double 7.5) to <4 x i16>
  %t = trunc <4 x i32> %i to <4 x i16>
  %z = zext <4 x i16> %t to <4 x i64>
  %x = sext <4 x i16> %t to <4 x i64>
  %zu = zext <4 x i16> %u to <4 x i64>
  %zx = add <4 x i64> %z, %x
  %zxu = add <4 x i64> %zx, %zu
  %o4 = getelementptr inbounds double, ptr %out, i64 4
  store <4 x i64> %zxu, ptr %o4, align 8
  %b = sitofp <4 x i32> %i to <4 x double>
  %c = uitofp <4 x i16> %t to <4 x double>
  %bc = fadd <4 x double> %b, %c
  %o8 = getelementptr inbounds double, ptr %out, i64 8
  store <4 x double> %bc, ptr %o8, align 8
  %ps = getelementptr double, ptr %in, <4 x i64> <i64 3, i64 1, i64 0, i64 2>
  %pi = ptrtoint <4 x ptr> %ps to <4 x i64>
  %base = ptrtoint ptr %in to i64
  %bs = insertelement <4 x i64> poison, i64 %base, i64 0
  %bb = shufflevector <4 x i64> %bs, <4 x i64> poison, <4 x i32> zeroinitializer
  %off = sub <4 x i64> %pi, %bb
  %o12 = getelementptr inbounds double, ptr %out, i64 12
  store <4 x i64> %off, ptr %o12, align 8
  %back = inttoptr <4 x i64> %pi to <4 x ptr>
  %p0 = extractelement <4 x ptr> %back, i64 0
  %v = load double, ptr %p0, align 8
  %o16 = getelementptr inbounds double, ptr %out, i64 16
  store double %v, ptr %o16, align 8
  ret void
}
"""

# bitcasts that regroup lanes: the movemask idiom clang emits for an fmax loop, and others
BITCASTS = """
define void @f(ptr %in, ptr %out) {
  %a = load <2 x double>, ptr %in, align 8
  %lt = fcmp olt <2 x double> %a, zeroinitializer
  %fr = freeze <2 x i1> %lt
  %m = bitcast <2 x i1> %fr to i2
  %any = icmp ne i2 %m, 0
  %mz = zext i2 %m to i64
  %az = zext i1 %any to i64
  %r0 = add i64 %mz, %az
  store i64 %r0, ptr %out, align 8
  %p2 = getelementptr inbounds double, ptr %in, i64 2
  %w = load <4 x i32>, ptr %p2, align 4
  %q = bitcast <4 x i32> %w to <2 x i64>
  %o1 = getelementptr inbounds double, ptr %out, i64 1
  store <2 x i64> %q, ptr %o1, align 8
  %p4 = getelementptr inbounds double, ptr %in, i64 4
  %l = load i64, ptr %p4, align 8
  %fl = bitcast i64 %l to <2 x float>
  %fd = fpext <2 x float> %fl to <2 x double>
  %o3 = getelementptr inbounds double, ptr %out, i64 3
  store <2 x double> %fd, ptr %o3, align 8
  %p5 = getelementptr inbounds double, ptr %in, i64 5
  %f4 = load <4 x float>, ptr %p5, align 4
  %d2 = bitcast <4 x float> %f4 to <2 x double>
  %o5 = getelementptr inbounds double, ptr %out, i64 5
  store <2 x double> %d2, ptr %o5, align 8
  %h = bitcast <2 x double> %a to <8 x i16>
  %hs = add <8 x i16> %h, splat (i16 1)
  %o7 = getelementptr inbounds double, ptr %out, i64 7
  store <8 x i16> %hs, ptr %o7, align 2
  %back = bitcast <8 x i16> %hs to <2 x double>
  %o9 = getelementptr inbounds double, ptr %out, i64 9
  store <2 x double> %back, ptr %o9, align 8
  %ci = icmp slt <8 x i16> %h, zeroinitializer
  %cm = bitcast <8 x i1> %ci to i8
  %o11 = getelementptr inbounds double, ptr %out, i64 11
  store i8 %cm, ptr %o11, align 1
  ret void
}
"""

INTRINSICS = """
declare <2 x double> @llvm.fmuladd.v2f64(<2 x double>, <2 x double>, <2 x double>)
declare <2 x double> @llvm.fma.v2f64(<2 x double>, <2 x double>, <2 x double>)
declare <2 x double> @llvm.fabs.v2f64(<2 x double>)
declare <2 x double> @llvm.sqrt.v2f64(<2 x double>)
declare <2 x double> @llvm.maxnum.v2f64(<2 x double>, <2 x double>)
declare <2 x double> @llvm.minnum.v2f64(<2 x double>, <2 x double>)
declare <2 x double> @llvm.maximum.v2f64(<2 x double>, <2 x double>)
declare <2 x double> @llvm.copysign.v2f64(<2 x double>, <2 x double>)
declare <2 x double> @llvm.floor.v2f64(<2 x double>)
declare <2 x double> @llvm.round.v2f64(<2 x double>)
declare <2 x double> @llvm.powi.v2f64.i32(<2 x double>, i32)
declare <2 x double> @llvm.exp.v2f64(<2 x double>)
declare <2 x double> @llvm.sin.v2f64(<2 x double>)
declare <2 x double> @llvm.log.v2f64(<2 x double>)
declare <2 x double> @llvm.pow.v2f64(<2 x double>, <2 x double>)
declare <2 x double> @llvm.ldexp.v2f64.v2i32(<2 x double>, <2 x i32>)
declare <4 x float> @llvm.sqrt.v4f32(<4 x float>)
declare <2 x i32> @llvm.fptosi.sat.v2i32.v2f64(<2 x double>)
declare <2 x i1> @llvm.is.fpclass.v2f64(<2 x double>, i32)
declare <4 x i32> @llvm.smax.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.umin.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.abs.v4i32(<4 x i32>, i1)
declare <4 x i32> @llvm.ctpop.v4i32(<4 x i32>)
declare <4 x i32> @llvm.ctlz.v4i32(<4 x i32>, i1)

define void @f(ptr %in, ptr %out) {
  %a = load <2 x double>, ptr %in, align 8
  %p2 = getelementptr inbounds double, ptr %in, i64 2
  %b = load <2 x double>, ptr %p2, align 8
  %p4 = getelementptr inbounds double, ptr %in, i64 4
  %c = load <2 x double>, ptr %p4, align 8
  %r1 = call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %a, <2 x double> %b, <2 x double> %c)
  %r2 = call <2 x double> @llvm.fma.v2f64(<2 x double> %a, <2 x double> %r1, <2 x double> %b)
  %ab = call <2 x double> @llvm.fabs.v2f64(<2 x double> %r2)
  %r3 = call fast <2 x double> @llvm.sqrt.v2f64(<2 x double> %ab)
  %r4 = call <2 x double> @llvm.maxnum.v2f64(<2 x double> %r3, <2 x double> %c)
  %r5 = call <2 x double> @llvm.minnum.v2f64(<2 x double> %r4, <2 x double> %a)
  %r6 = call <2 x double> @llvm.maximum.v2f64(<2 x double> %r5, <2 x double> %b)
  %r7 = call <2 x double> @llvm.copysign.v2f64(<2 x double> %r6, <2 x double> %a)
  %r8 = call <2 x double> @llvm.floor.v2f64(<2 x double> %r7)
  %r9 = call <2 x double> @llvm.round.v2f64(<2 x double> %r2)
  %r10 = call <2 x double> @llvm.powi.v2f64.i32(<2 x double> %a, i32 3)
  %r11 = call <2 x double> @llvm.exp.v2f64(<2 x double> %b)
  %r12 = call afn <2 x double> @llvm.sin.v2f64(<2 x double> %c)
  %r13 = call <2 x double> @llvm.log.v2f64(<2 x double> %r11)
  %r14 = call <2 x double> @llvm.pow.v2f64(<2 x double> %ab, <2 x double> %c)
  %k = fptosi <2 x double> %b to <2 x i32>
  %r15 = call <2 x double> @llvm.ldexp.v2f64.v2i32(<2 x double> %a, <2 x i32> %k)
  store <2 x double> %r1, ptr %out, align 8
  %o2 = getelementptr inbounds double, ptr %out, i64 2
  store <2 x double> %r8, ptr %o2, align 8
  %o4 = getelementptr inbounds double, ptr %out, i64 4
  store <2 x double> %r9, ptr %o4, align 8
  %o6 = getelementptr inbounds double, ptr %out, i64 6
  store <2 x double> %r10, ptr %o6, align 8
  %o8 = getelementptr inbounds double, ptr %out, i64 8
  store <2 x double> %r12, ptr %o8, align 8
  %o10 = getelementptr inbounds double, ptr %out, i64 10
  store <2 x double> %r13, ptr %o10, align 8
  %o12 = getelementptr inbounds double, ptr %out, i64 12
  store <2 x double> %r14, ptr %o12, align 8
  %o14 = getelementptr inbounds double, ptr %out, i64 14
  store <2 x double> %r15, ptr %o14, align 8
  %af = fptrunc <2 x double> %ab to <2 x float>
  %w4 = shufflevector <2 x float> %af, <2 x float> <float 2.0, float 9.0>, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %sq = call <4 x float> @llvm.sqrt.v4f32(<4 x float> %w4)
  %o16 = getelementptr inbounds double, ptr %out, i64 16
  store <4 x float> %sq, ptr %o16, align 4
  %big = fmul <2 x double> %a, splat (double 1.0e10)
  %sat = call <2 x i32> @llvm.fptosi.sat.v2i32.v2f64(<2 x double> %big)
  %o18 = getelementptr inbounds double, ptr %out, i64 18
  store <2 x i32> %sat, ptr %o18, align 4
  %nanv = fdiv <2 x double> %a, <double 0.0, double 1.0>
  %zz = fmul <2 x double> %nanv, zeroinitializer
  %cls = call <2 x i1> @llvm.is.fpclass.v2f64(<2 x double> %zz, i32 3)
  %clz = zext <2 x i1> %cls to <2 x i32>
  %o19 = getelementptr inbounds double, ptr %out, i64 19
  store <2 x i32> %clz, ptr %o19, align 4
  %p6 = getelementptr inbounds double, ptr %in, i64 6
  %i = load <4 x i32>, ptr %p6, align 4
  %p8 = getelementptr inbounds double, ptr %in, i64 8
  %j = load <4 x i32>, ptr %p8, align 4
  %s1 = call <4 x i32> @llvm.smax.v4i32(<4 x i32> %i, <4 x i32> %j)
  %s2 = call <4 x i32> @llvm.umin.v4i32(<4 x i32> %s1, <4 x i32> %i)
  %s3 = call <4 x i32> @llvm.abs.v4i32(<4 x i32> %s2, i1 false)
  %s4 = call <4 x i32> @llvm.ctpop.v4i32(<4 x i32> %s3)
  %s5 = call <4 x i32> @llvm.ctlz.v4i32(<4 x i32> %s3, i1 false)
  %s6 = add <4 x i32> %s4, %s5
  %s7 = xor <4 x i32> %s6, %s3
  %o20 = getelementptr inbounds double, ptr %out, i64 20
  store <4 x i32> %s7, ptr %o20, align 4
  ret void
}
"""

LANE_MOVES = """
declare <4 x double> @llvm.vector.reverse.v4f64(<4 x double>)
declare <2 x double> @llvm.vector.extract.v2f64.v4f64(<4 x double>, i64)
declare <4 x double> @llvm.vector.insert.v4f64.v2f64(<4 x double>, <2 x double>, i64)
declare <4 x i64> @llvm.stepvector.v4i64()

define void @f(ptr %in, ptr %out) {
  %a = load <4 x double>, ptr %in, align 8
  %r = call <4 x double> @llvm.vector.reverse.v4f64(<4 x double> %a)
  %hi = call <2 x double> @llvm.vector.extract.v2f64.v4f64(<4 x double> %r, i64 2)
  %p4 = getelementptr inbounds double, ptr %in, i64 4
  %b = load <4 x double>, ptr %p4, align 8
  %m = call <4 x double> @llvm.vector.insert.v4f64.v2f64(<4 x double> %b, <2 x double> %hi, i64 0)
  %s = call <4 x i64> @llvm.stepvector.v4i64()
  %sf = sitofp <4 x i64> %s to <4 x double>
  %t = fadd <4 x double> %m, %sf
  store <4 x double> %t, ptr %out, align 8
  %o4 = getelementptr inbounds double, ptr %out, i64 4
  store <4 x double> %r, ptr %o4, align 8
  ret void
}
"""

# masked memory: a variable mask (branches), constant masks, a gather through a vector GEP, a
# scatter; the masked-off lanes of `out` must keep their contents
MASKED = """
declare <4 x double> @llvm.masked.load.v4f64.p0(ptr, <4 x i1>, <4 x double>)
declare void @llvm.masked.store.v4f64.p0(<4 x double>, ptr, <4 x i1>)
declare <4 x double> @llvm.masked.gather.v4f64.v4p0(<4 x ptr>, <4 x i1>, <4 x double>)
declare void @llvm.masked.scatter.v4f64.v4p0(<4 x double>, <4 x ptr>, <4 x i1>)

define void @f(ptr %in, ptr %out) {
entry:
  %a = load <4 x double>, ptr %in, align 8
  %m = fcmp ogt <4 x double> %a, zeroinitializer
  %p4 = getelementptr inbounds double, ptr %in, i64 4
  %l = call <4 x double> @llvm.masked.load.v4f64.p0(ptr align 8 %p4, <4 x i1> %m, <4 x double> splat (double -1.0))
  %sq = fmul <4 x double> %l, %l
  %p8 = getelementptr inbounds double, ptr %in, i64 8
  %k = call <4 x double> @llvm.masked.load.v4f64.p0(ptr align 16 %p8, <4 x i1> <i1 true, i1 false, i1 true, i1 true>, <4 x double> poison)
  %kk = fadd <4 x double> %k, zeroinitializer
  %idx = fptosi <4 x double> %a to <4 x i64>
  %ix = and <4 x i64> %idx, splat (i64 15)
  %ps = getelementptr double, ptr %in, <4 x i64> %ix
  %m2 = fcmp olt <4 x double> %a, splat (double 1.0)
  %g = call <4 x double> @llvm.masked.gather.v4f64.v4p0(<4 x ptr> align 8 %ps, <4 x i1> %m2, <4 x double> %a)
  call void @llvm.masked.store.v4f64.p0(<4 x double> %sq, ptr align 8 %out, <4 x i1> %m)
  %o4 = getelementptr inbounds double, ptr %out, i64 4
  call void @llvm.masked.store.v4f64.p0(<4 x double> %kk, ptr align 8 %o4, <4 x i1> <i1 false, i1 false, i1 true, i1 true>)
  %o8 = getelementptr inbounds double, ptr %out, i64 8
  store <4 x double> %g, ptr %o8, align 8
  %os = getelementptr double, ptr %out, <4 x i64> <i64 12, i64 14, i64 16, i64 18>
  call void @llvm.masked.scatter.v4f64.v4p0(<4 x double> %a, <4 x ptr> align 8 %os, <4 x i1> %m2)
  ret void
}
"""

CASES = {"arith": ARITH, "compare_select": COMPARE_SELECT, "lanes": LANES,
         "loop_reduce": LOOP_REDUCE, "reductions": REDUCTIONS, "casts": CASTS,
         "bitcasts": BITCASTS, "intrinsics": INTRINSICS, "lane_moves": LANE_MOVES,
         "masked": MASKED}


@pytest.mark.parametrize("case", sorted(CASES))
def test_construct_is_scalarised_bit_for_bit(case):
    check_bit_for_bit(CASES[case])
    for seed in (1, 2):               # other signs, other masks
        check_bit_for_bit(CASES[case], default_inputs(seed))


def test_reductions_follow_maxnum_and_maximum_semantics_with_nans():
    x = default_inputs(3)
    x[1] = np.nan             # fmax/fmin skip it (maxnum); fminimum propagates it
    x[6] = np.nan             # fmaximum propagates it; nnan fmax: not looked at (lane 6 is in b)
    before, after, _ = scalarised(textwrap.dedent(REDUCTIONS))
    a, b = run_f(before, x), run_f(after, x)
    ra = np.frombuffer(a)
    assert not np.isnan(ra[0]) and not np.isnan(ra[1]) and np.isnan(ra[2]) and np.isnan(ra[3])
    assert a[:32] == b[:32] and a[64:] == b[64:]


def test_ordered_fadd_reduction_is_a_left_to_right_chain():
    _, after, _ = scalarised(textwrap.dedent(LOOP_REDUCE))
    body = after[after.index("define void @f"):]
    exit_block = body[:body.index("\nloop:")]
    adds = re.findall(r"(%\S+) = fadd (?:[a-z]+ )*double (\S+), (\S+)", exit_block)
    lane0 = re.search(r"store double (%\S+), ptr %o3,", exit_block).group(1)
    # ((0.5 + lane 0) + lane 1), and the same chain from -0.0 for the reassoc one
    assert adds[0][1] == "5.000000e-01" and adds[0][2] == lane0
    assert adds[1][1] == adds[0][0] and adds[1][2] != lane0
    assert adds[2][1] == "-0.000000e+00" and adds[2][2] == lane0 and adds[3][1] == adds[2][0]
    muls = re.findall(r"(%\S+) = fmul double (\S+), (\S+)", exit_block)
    assert muls[0][1] == "1.250000e+00" and all(muls[k][1] == muls[k - 1][0] for k in (1, 2, 3))


def test_lane_accesses_keep_the_alignment_they_have():
    ir = """
    define void @f(ptr %in, ptr %out) {
      %a = load <4 x double>, ptr %in, align 32
      store <4 x double> %a, ptr %out, align 16
      %p = getelementptr inbounds double, ptr %in, i64 4
      %b = load <4 x float>, ptr %p, align 4
      %q = getelementptr inbounds double, ptr %out, i64 4
      store <4 x float> %b, ptr %q
      ret void
    }
    """
    after = check_bit_for_bit(ir)
    loads = re.findall(r"load double, ptr \S+, align (\d+)", after)
    stores = re.findall(r"store double \S+, ptr \S+, align (\d+)", after)
    assert loads == ["32", "8", "16", "8"] and stores == ["16", "8", "16", "8"]
    # no align written: the vector's ABI alignment (16 for <4 x float>)
    assert re.findall(r"store float \S+, ptr \S+, align (\d+)", after) == ["16", "4", "8", "4"]


def test_unread_lanes_leave_no_code():
    ir = """
    define void @f(ptr %in, ptr %out) {
      %a = load <2 x double>, ptr %in, align 8
      %s = shufflevector <2 x double> %a, <2 x double> poison, <2 x i32> <i32 1, i32 poison>
      %m = fmul <2 x double> %a, %s
      %e = extractelement <2 x double> %m, i64 0
      store double %e, ptr %out, align 8
      ret void
    }
    """
    after = check_bit_for_bit(ir)
    body = after[after.index("define void @f"):]
    assert body.count("fmul") == 1 and "poison" not in body


def test_a_scalar_function_is_left_byte_identical():
    with open(C_ENERGY) as fh:
        text = fh.read()
    for name in ("f", "g", "h"):
        module, fn = prepare_ll(text, name)
        before = print_module(module)
        assert scalarize(module, fn) == 0
        assert print_module(module) == before


def test_callees_with_bodies_are_scalarised_too():
    ir = """
    define internal void @g(ptr %in, ptr %out) noinline {
      %a = load <2 x double>, ptr %in, align 8
      %b = fmul <2 x double> %a, %a
      store <2 x double> %b, ptr %out, align 8
      ret void
    }
    define void @f(ptr %in, ptr %out) {
      call void @g(ptr %in, ptr %out)
      ret void
    }
    """
    from zymase.transforms.scalarize import scalarize_module
    module = parse_module(str(llvm.parse_assembly(textwrap.dedent(ir))))
    assert scalarize_module(module, module.functions["f"]) == 3
    assert not VECTOR_TYPE.search(print_module(module))
    # a callee that cannot be scalarised stays as it was; the entry function must be
    refused = ir.replace("%b = fmul <2 x double> %a, %a",
                         "%k = ptrtoint ptr %in to i64\n"
                         "      %e = extractelement <2 x double> %a, i64 %k\n"
                         "      %b = insertelement <2 x double> %a, double %e, i64 0")
    module = parse_module(str(llvm.parse_assembly(textwrap.dedent(refused))))
    before = print_module(module)
    assert scalarize_module(module, module.functions["f"]) == 0
    assert print_module(module) == before
    with pytest.raises(UnsupportedError, match="extractelement"):
        scalarize_module(module, module.functions["g"])


def test_intrinsic_names():
    assert split_intrinsic("llvm.fptosi.sat.v4i32.v4f64") == ("fptosi.sat", ["v4i32", "v4f64"])
    assert split_intrinsic("llvm.vector.reduce.fadd.v2f64") == ("vector.reduce.fadd", ["v2f64"])
    assert split_intrinsic("llvm.exp2.v2f64") == ("exp2", ["v2f64"])
    assert scalar_intrinsic("llvm.powi.v2f64.i32") == "llvm.powi.f64.i32"
    assert scalar_intrinsic("llvm.is.fpclass.v8f32") == "llvm.is.fpclass.f32"
    assert scalar_intrinsic("llvm.ldexp.v2f64.v2i32") == "llvm.ldexp.f64.i32"


# -------------------------------------------------------------------------------------------
# refusals
# -------------------------------------------------------------------------------------------
REFUSED = {
    "variable-index extract": ("""
        define void @f(ptr %in, ptr %out, i64 %k) {
          %a = load <2 x double>, ptr %in, align 8
          %e = extractelement <2 x double> %a, i64 %k
          store double %e, ptr %out, align 8
          ret void
        }""", ["extractelement <2 x double> %a, i64 %k", "not a constant"]),
    "variable-index insert": ("""
        define void @f(ptr %in, ptr %out, i64 %k) {
          %a = load <2 x double>, ptr %in, align 8
          %v = insertelement <2 x double> %a, double 1.0, i64 %k
          store <2 x double> %v, ptr %out, align 8
          ret void
        }""", ["insertelement", "not a constant"]),
    "unknown call": ("""
        declare double @norm(<2 x double>)
        define void @f(ptr %in, ptr %out) {
          %a = load <2 x double>, ptr %in, align 8
          %n = call double @norm(<2 x double> %a)
          store double %n, ptr %out, align 8
          ret void
        }""", ["call double @norm(<2 x double> %a)", "@norm"]),
    "unknown intrinsic": ("""
        declare <2 x double> @llvm.masked.expandload.v2f64(ptr, <2 x i1>, <2 x double>)
        define void @f(ptr %in, ptr %out) {
          %a = load <2 x double>, ptr %in, align 8
          %m = fcmp ogt <2 x double> %a, zeroinitializer
          %e = call <2 x double> @llvm.masked.expandload.v2f64(ptr %in, <2 x i1> %m, <2 x double> %a)
          store <2 x double> %e, ptr %out, align 8
          ret void
        }""", ["llvm.masked.expandload.v2f64"]),
    "bitcast across lanes": ("""
        define void @f(ptr %in, ptr %out) {
          %a = load <3 x i8>, ptr %in, align 1
          %b = bitcast <3 x i8> %a to <2 x i12>
          store <2 x i12> %b, ptr %out, align 2
          ret void
        }""", ["bitcast <3 x i8> %a to <2 x i12>", "reinterprets lanes"]),
    "volatile": ("""
        define void @f(ptr %in, ptr %out) {
          %a = load volatile <2 x double>, ptr %in, align 8
          store <2 x double> %a, ptr %out, align 8
          ret void
        }""", ["load volatile <2 x double>", "volatile"]),
    "bit-packed lanes in memory": ("""
        define void @f(ptr %in, ptr %out) {
          %a = load <8 x i1>, ptr %in, align 1
          %b = select <8 x i1> %a, <8 x i8> splat (i8 1), <8 x i8> zeroinitializer
          store <8 x i8> %b, ptr %out, align 1
          ret void
        }""", ["load <8 x i1>", "i1"]),
    "vector parameter": ("""
        define void @f(ptr %in, ptr %out, <2 x double> %v) {
          store <2 x double> %v, ptr %out, align 8
          ret void
        }""", ["@f", "%v", "<2 x double>"]),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unsupported_vector_constructs_are_refused_by_name(case):
    ir, words = REFUSED[case]
    mod = llvm.parse_assembly(textwrap.dedent(ir))
    module = parse_module(str(mod))
    fn = module.functions["f"]
    before = print_module(module)
    with pytest.raises(UnsupportedError) as e:
        scalarize(module, fn)
    msg = str(e.value)
    assert msg.startswith("error: zymase cannot differentiate")
    for w in words:
        assert w in msg, msg
    assert print_module(module) == before      # refused before anything changed


def test_a_refusal_names_the_source_line(tmp_path):
    src = tmp_path / "k.c"
    src.write_text("double k(double *x, long i) {\n  return x[i];\n}\n")
    ir = f"""
    define double @k(ptr %x, i64 %i) !dbg !4 {{
      %a = load <2 x double>, ptr %x, align 8, !dbg !9
      %e = extractelement <2 x double> %a, i64 %i, !dbg !9
      ret double %e, !dbg !9
    }}

    !llvm.dbg.cu = !{{!0}}
    !llvm.module.flags = !{{!3}}
    !0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, emissionKind: FullDebug)
    !1 = !DIFile(filename: "{src}", directory: "/")
    !3 = !{{i32 2, !"Debug Info Version", i32 3}}
    !4 = distinct !DISubprogram(name: "k", scope: !1, file: !1, line: 1, type: !5, unit: !0)
    !5 = !DISubroutineType(types: !6)
    !6 = !{{}}
    !9 = !DILocation(line: 2, column: 10, scope: !4)
    """
    with pytest.raises(UnsupportedError) as e:
        differentiate_ll(textwrap.dedent(ir), "k", A.Mode.REVERSE, (A.Duplicated, A.Const))
    msg = str(e.value)
    assert "extractelement <2 x double>" in msg and f"{src}:2" in msg and "return x[i];" in msg
    assert "-fno-vectorize" in msg


# -------------------------------------------------------------------------------------------
# derivatives of vectorised clang and rustc output
# -------------------------------------------------------------------------------------------
class Kernel(NamedTuple):
    path: str
    name: str
    params: str      # per parameter: in, io, out (float64 arrays), f32 (a float32 array,
                     # constant), idx (an int32 array, constant), float (active), len
    sizes: Tuple     # length of each array parameter, in order ("n" = the length argument)
    returns: bool    # a double result


N = 37               # through the vector body, its vector epilogue and the scalar remainder
KERNELS = {
    "c_dot": Kernel(C_VECTOR, "dot", "in in len", ("n", "n"), True),
    "c_axpy": Kernel(C_VECTOR, "axpy", "io in float len", ("n", "n"), False),
    "c_maxsq": Kernel(C_VECTOR, "maxsq", "in len", ("n",), True),
    "c_leaky": Kernel(C_VECTOR, "leaky", "out in len", ("n", "n"), False),
    "c_csquare": Kernel(C_VECTOR, "csquare", "out in len", ("2n", "2n"), False),
    "c_fsum": Kernel(C_VECTOR, "fsum", "f32 float len", ("n",), True),
    "c_rotate": Kernel(C_VECTOR, "rotate", "out in float", (4, 4), True),
    "c_sqwhere": Kernel(C_MASKED, "sqwhere", "out in idx len", ("n", "n", "n"), False),
    "c_gathered": Kernel(C_MASKED, "gathered", "in in idx len", ("n", "n", "n"), True),
    "rust_axpy_sq": Kernel(RUST, "axpy_sq", "io in float len", ("n", "n"), False),
    "rust_max_abs": Kernel(RUST, "max_abs", "in float len", ("n",), True),
    "rust_heun": Kernel(RUST, "heun", "in float len", (2,), True),
    "rust_weighted": Kernel(RUST, "weighted", "io idx len", ("n", "n"), False),
}


def _read(path):
    with open(path) as fh:
        return fh.read()


def _inputs(k: Kernel, seed: int):
    """Fresh arguments: arrays (float64 away from 0 and from ties; int32 masks/indices),
    floats and lengths."""
    rng = np.random.default_rng(seed)
    args, sizes = [], iter(k.sizes)
    for p in k.params.split():
        if p == "len":
            args.append(50 if k.name == "heun" else N)
            continue
        if p == "float":
            args.append(float(rng.uniform(0.6, 1.4)))
            continue
        size = next(sizes)
        size = {"n": N, "2n": 2 * N}.get(size, size)
        if p == "idx":
            args.append(rng.integers(0, N if k.name == "gathered" else 3, size).astype(np.int32))
        elif p == "f32":
            args.append(rng.uniform(-1, 1, size).astype(np.float32))
        else:
            mag = rng.uniform(0.5, 1.5, size)
            args.append(mag * rng.choice([-1.0, 1.0], size))
    return args


def _ctypes_arg(a):
    if isinstance(a, np.ndarray):
        return ctypes.c_void_p(a.ctypes.data)
    if isinstance(a, float):
        return ctypes.c_double(a)
    return ctypes.c_long(a)


def _ctype(a):
    if isinstance(a, np.ndarray):
        return ctypes.c_void_p
    return ctypes.c_double if isinstance(a, float) else ctypes.c_long


@pytest.fixture(scope="module")
def compiled():
    cache = {}

    def get(key, mode):
        if (key, mode) not in cache:
            k = KERNELS[key]
            acts = []
            for p in k.params.split():
                if p in ("in", "io", "out"):
                    acts.append(A.Duplicated if mode is A.Mode.REVERSE else A.Dual)
                elif p == "float":
                    acts.append(A.Active if mode is A.Mode.REVERSE else A.Dual)
                else:
                    acts.append(A.Const)
            text, _ = differentiate_ll(_read(k.path), k.name, mode, tuple(acts))
            cache[key, mode] = jit(text)
        if k.path not in cache:          # the compiler's own (vector) code: the reference
            cache[k.path] = jit(_read(k.path))
        return cache[key, mode], cache[k.path]
    return get


@pytest.mark.parametrize("key", sorted(KERNELS))
def test_the_compiled_kernels_are_vectorised(key):
    k = KERNELS[key]
    module, fn = prepare_ll(_read(k.path), k.name)
    assert VECTOR_TYPE.search(print_function(fn))
    assert scalarize(module, fn) > 0
    assert not VECTOR_TYPE.search(print_function(fn))


def _primal(ee, k: Kernel, args):
    f = ctypes.CFUNCTYPE(ctypes.c_double if k.returns else None,
                         *[_ctype(a) for a in args])(ee.get_function_address(k.name))
    return f(*[_ctypes_arg(a) for a in args])


def _outputs(ee, k: Kernel, args):
    """(result, final contents of the float64 arrays) on copies of ``args``."""
    args = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    r = _primal(ee, k, args)
    arrays = [a for a, p in zip(args, k.params.split()) if p in ("in", "io", "out")]
    return (r if k.returns else 0.0), arrays


@pytest.mark.parametrize("key", sorted(KERNELS))
def test_reverse_mode_of_vectorised_code_matches_finite_differences(key, compiled):
    k = KERNELS[key]
    ee, ref = compiled(key, A.Mode.REVERSE)
    args = _inputs(k, 11)
    params = k.params.split()
    rng = np.random.default_rng(12)
    arrays = [j for j, p in enumerate(params) if p in ("in", "io", "out")]
    floats = [j for j, p in enumerate(params) if p == "float"]
    w = {j: rng.standard_normal(len(args[j])) for j in arrays}   # adjoints of final contents

    def loss(*a):
        r, finals = _outputs(ref, k, list(a))
        return r + sum(float(w[j] @ fin) for j, fin in zip(arrays, finals))

    # the derivative: each Duplicated array followed by its shadow (holding w on entry)
    call_args, shadows = [], {}
    for j, a in enumerate(args):
        call_args.append(a.copy() if isinstance(a, np.ndarray) else a)
        if j in arrays:
            shadows[j] = w[j].copy()
            call_args.append(shadows[j])
    rt = ctypes.c_double if len(floats) == 1 else None
    df = ctypes.CFUNCTYPE(rt, *[_ctype(a) for a in call_args])(
        ee.get_function_address(f"{k.name}.zymase.reverse"))
    adj = df(*[_ctypes_arg(a) for a in call_args])
    for j in arrays:
        def along(x, j=j):
            a = list(args)
            a[j] = x
            return loss(*a)
        fd = fd_gradient(along, args[j], 1e-6, relative=False)
        assert_fd_close(shadows[j], fd, 1e-6, atol=1e-9 * np.max(np.abs(fd.value)),
                        what=f"{k.name}: adjoint of parameter {j}")
    for j in floats:
        fd = fd_jvp(loss, args, {j: 1.0}, 1e-6)
        assert_fd_close(adj, fd, 1e-6, what=f"{k.name}: adjoint of the float parameter {j}")


@pytest.mark.parametrize("key", sorted(KERNELS))
def test_forward_mode_of_vectorised_code_matches_finite_differences(key, compiled):
    k = KERNELS[key]
    ee, ref = compiled(key, A.Mode.FORWARD)
    args = _inputs(k, 21)
    params = k.params.split()
    rng = np.random.default_rng(22)
    arrays = [j for j, p in enumerate(params) if p in ("in", "io", "out")]
    tangents = {j: rng.standard_normal(len(args[j])) for j in arrays if params[j] != "out"}
    tangents.update({j: 0.7 for j, p in enumerate(params) if p == "float"})
    call_args, shadows = [], {}
    for j, a in enumerate(args):
        call_args.append(a.copy() if isinstance(a, np.ndarray) else a)
        if j in arrays:
            shadows[j] = tangents.get(j, np.zeros(len(a))).copy()
            call_args.append(shadows[j])
        elif params[j] == "float":
            call_args.append(tangents[j])
    tf = ctypes.CFUNCTYPE(ctypes.c_double if k.returns else None,
                          *[_ctype(a) for a in call_args])(
        ee.get_function_address(f"{k.name}.zymase.forward"))
    t = tf(*[_ctypes_arg(a) for a in call_args])
    fd = fd_jvp(lambda *a: _outputs(ref, k, list(a)), args, tangents, 1e-6)
    if k.returns:
        assert_fd_close(t, type(fd)(fd.value[0], fd.error[0]), 1e-6,
                        what=f"{k.name}: tangent of the result")
    for pos, j in enumerate(arrays):
        ref = type(fd)(fd.value[1][pos], fd.error[1][pos])
        assert_fd_close(shadows[j], ref, 1e-6, atol=1e-9 * np.max(np.abs(ref.value)),
                        what=f"{k.name}: tangent of parameter {j}'s contents")


def test_forward_mode_at_width_2_on_vectorised_code():
    """zymase's own width-N forward mode builds vector IR after the scalariser has run."""
    text = _read(C_VECTOR)
    one, _ = differentiate_ll(text, "rotate", A.Mode.FORWARD, (A.Dual, A.Dual, A.Dual))
    two, _ = differentiate_ll(text, "rotate", A.Mode.FORWARD, (A.Dual, A.Dual, A.Dual),
                              width=2)
    assert "[2 x double] @rotate.zymase.forward(ptr" in two
    e1, e2 = jit(one), jit(two)

    class Two(ctypes.Structure):          # [2 x double] comes back in xmm0, xmm1
        _fields_ = [("t", ctypes.c_double * 2)]
    P, D = ctypes.c_void_p, ctypes.c_double
    t1 = ctypes.CFUNCTYPE(D, P, P, P, P, D, D)(e1.get_function_address("rotate.zymase.forward"))
    t2 = ctypes.CFUNCTYPE(Two, P, P, P, P, P, P, D, D, D)(
        e2.get_function_address("rotate.zymase.forward"))
    rng = np.random.default_rng(7)
    p, v1, v2 = rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal(4)
    q, dq1, dq2 = np.zeros(4), np.zeros(4), np.zeros(4)
    r = t2(q.ctypes.data, dq1.ctypes.data, dq2.ctypes.data, p.ctypes.data, v1.ctypes.data,
           v2.ctypes.data, 0.4, 1.0, -0.5)
    for lane, (v, dt, dq) in enumerate(((v1, 1.0, dq1), (v2, -0.5, dq2))):
        q1, d1 = np.zeros(4), np.zeros(4)
        assert r.t[lane] == t1(q1.ctypes.data, d1.ctypes.data, p.ctypes.data, v.ctypes.data,
                               0.4, dt)
        assert np.array_equal(dq, d1)


def test_the_cli_differentiates_vectorised_code(tmp_path):
    out = tmp_path / "d.ll"
    assert cli.main(["ll", C_VECTOR, "--function", "csquare", "--reverse", "dup,dup,const",
                     "--out", str(out)], out=io.StringIO()) == 0
    text = out.read_text()
    assert "define void @csquare.zymase.reverse(ptr" in text
    ee = jit(text)
    df = ctypes.CFUNCTYPE(None, *[ctypes.c_void_p] * 4, ctypes.c_long)(
        ee.get_function_address("csquare.zymase.reverse"))
    rng = np.random.default_rng(5)
    w = rng.standard_normal(2 * N)
    seed = rng.standard_normal(2 * N)            # adjoint of z's final contents
    z, dz, dw = np.zeros(2 * N), seed.copy(), np.zeros(2 * N)
    df(z.ctypes.data, dz.ctypes.data, w.ctypes.data, dw.ctypes.data, N)
    a, b, s_re, s_im = w[0::2], w[1::2], seed[0::2], seed[1::2]
    assert np.allclose(z[0::2], a * a - b * b, rtol=1e-15) and np.allclose(z[1::2], 2 * a * b)
    assert np.allclose(dw[0::2], 2 * a * s_re + 2 * b * s_im, rtol=1e-14, atol=0)
    assert np.allclose(dw[1::2], -2 * b * s_re + 2 * a * s_im, rtol=1e-14, atol=0)
    assert not dz.any()                           # z is overwritten: its adjoint is consumed

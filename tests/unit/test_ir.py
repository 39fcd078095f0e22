"""Unit tests of the IR model: parser, printer, builder, types.

The contract of ``zymase.ir``: any module LLVM prints (and any module zymase builds) reads into
the model and prints back to text that llvmlite parses and verifies; printing a re-parsed
module is a fixed point; the builder creates well-formed instructions; the layout helpers agree
with LLVM's x86-64 data layout.
"""
from __future__ import annotations

import ctypes

import llvmlite.binding as llvm
import numba
import pytest

from zymase.ir import types as T
from zymase.ir.builder import Builder
from zymase.ir.lexer import Tokens
from zymase.ir.parser import ParseError, parse_module, parse_type
from zymase.ir.printer import print_module
from zymase.ir.values import (Argument, Constant, Function, GlobalRef, Instruction, Module,
                              const_float, const_int, zero)

# A kitchen-sink function: every construct the brief lists, in valid SSA.
KITCHEN = r"""; ModuleID = 'snippet'
source_filename = "snippet"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"

@counter = internal global i64 0
@.const.msg = internal constant [6 x i8] c"hello\00"

declare double @llvm.sin.f64(double)
declare double @llvm.fabs.f64(double) #0
declare void @llvm.memset.p0.i64(ptr nocapture writeonly, i8, i64, i1 immarg)
declare noalias ptr @malloc(i64 noundef) #1

define i32 @kitchen(ptr noalias nocapture %retptr, ptr %excinfo, double %x, i64 %n, ptr nocapture readonly %arr) #2 {
entry:
  %slot = alloca { double, i64 }, align 8
  %buf = alloca [4 x double], align 16
  %dyn = alloca double, i64 %n, align 8
  %cmp = icmp sgt i64 %n, 0
  br i1 %cmp, label %loop, label %exit

loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop.latch ]
  %acc = phi double [ 0.000000e+00, %entry ], [ %acc.next, %loop.latch ]
  %p = getelementptr inbounds double, ptr %arr, i64 %i
  %v = load double, ptr %p, align 8
  %s = call fast double @llvm.sin.f64(double %v)
  %a = tail call double @llvm.fabs.f64(double %s) #0
  %neg = fcmp olt double %v, 0.000000e+00
  %sel = select i1 %neg, double %a, double %s
  %acc.next = fadd contract double %acc, %sel
  SWITCH

one:
  %old = atomicrmw add ptr @counter, i64 1 monotonic, align 8
  %oldf = atomicrmw fadd ptr %dyn, double %v seq_cst, align 8
  br label %loop.latch

two:
  fence seq_cst
  %pair = cmpxchg ptr @counter, i64 0, i64 1 acq_rel monotonic, align 8
  %ok = extractvalue { i64, i1 } %pair, 1
  br label %loop.latch

loop.latch:
  %i.next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %loop

exit:
  %r = phi double [ 0.000000e+00, %entry ], [ %acc.next, %loop.latch ]
  %agg0 = insertvalue { double, i64 } undef, double %r, 0
  %agg1 = insertvalue { double, i64 } %agg0, i64 %n, 1
  store { double, i64 } %agg1, ptr %slot, align 8
  %f = getelementptr inbounds { double, i64 }, ptr %slot, i32 0, i32 1
  %nn = load i64, ptr %f, align 8
  %e = getelementptr inbounds [4 x double], ptr %buf, i64 0, i64 %nn
  call void @llvm.memset.p0.i64(ptr align 16 %buf, i8 0, i64 32, i1 false)
  %vec0 = insertelement <2 x double> poison, double %x, i32 0
  %vec1 = insertelement <2 x double> %vec0, double %r, i32 1
  %vsum = fadd <2 x double> %vec1, <double 1.000000e+00, double 2.000000e+00>
  %shuf = shufflevector <2 x double> %vsum, <2 x double> poison, <2 x i32> <i32 1, i32 0>
  %lane = extractelement <2 x double> %shuf, i32 0
  %vcmp = fcmp ogt <2 x double> %vsum, zeroinitializer
  %m = call noalias ptr @malloc(i64 noundef 16) #1
  %res = fmul double %lane, %r
  %ex = extractvalue { double, i64 } %agg1, 0
  %res2 = fdiv double %res, %ex
  %ng = fneg double %res2
  %ii = fptosi double %ng to i64
  store double %ng, ptr %retptr, align 8
  ret i32 0
}

attributes #0 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }
attributes #1 = { nounwind }
attributes #2 = { nounwind }
"""

SWITCH_MULTILINE = """switch i64 %i, label %loop.latch [
    i64 1, label %one
    i64 2, label %two
  ]"""
# no switch at all: the loop body branches to the other blocks with br
NO_SWITCH = """%sw = icmp eq i64 %i, 1
  br i1 %sw, label %one, label %two"""


def kitchen(switch: bool = True) -> str:
    return KITCHEN.replace("SWITCH", SWITCH_MULTILINE if switch else NO_SWITCH)


def verify(text: str):
    mod = llvm.parse_assembly(text)
    mod.verify()
    return mod


# --------------------------------------------------------------------------------------------
# parse / print
# --------------------------------------------------------------------------------------------
def test_snippet_is_valid_llvm():
    verify(kitchen(True))
    verify(kitchen(False))


def test_parse_structure():
    mod = parse_module(kitchen(True))
    assert set(mod.functions) == {"llvm.sin.f64", "llvm.fabs.f64", "llvm.memset.p0.i64",
                                  "malloc", "kitchen"}
    assert set(mod.globals) == {"counter", ".const.msg"}
    assert [f.name for f in mod.defined()] == ["kitchen"]
    fn = mod.functions["kitchen"]
    assert [a.name for a in fn.args] == ["retptr", "excinfo", "x", "n", "arr"]
    assert fn.args[0].attrs == "noalias nocapture"
    assert [b.name for b in fn.blocks] == ["entry", "loop", "one", "two", "loop.latch", "exit"]
    by_name = {i.name: i for i in fn.instructions() if i.name}

    phi = by_name["i"]
    assert phi.opcode == "phi" and phi.type == T.I64
    assert [b.name for b in phi.blocks] == ["entry", "loop.latch"]
    assert phi.operands[1] is by_name["i.next"]          # forward reference resolved

    gep = by_name["p"]
    assert gep.opcode == "getelementptr" and gep.src_type == T.F64 and gep.flags == "inbounds"
    assert gep.operands == [fn.args[4], phi]
    sgep = by_name["f"]
    assert sgep.src_type == T.StructType((T.F64, T.I64))

    assert by_name["slot"].src_type == T.StructType((T.F64, T.I64))
    assert by_name["buf"].src_type == T.ArrayType(4, T.F64)
    assert by_name["dyn"].operands == [fn.args[3]]       # array alloca keeps its count

    call = by_name["s"]
    assert call.opcode == "call" and call.callee_name == "llvm.sin.f64" and call.flags == "fast"
    assert call.fnty == T.FunctionType(T.F64, (T.F64,))
    tail = by_name["a"]
    assert "tail" in tail.flags.split() and tail.tail == "#0"
    m = by_name["m"]
    assert m.meta["arg_attrs"] == ["noundef"] and m.meta["pre"] == "noalias"

    sel = by_name["sel"]
    assert sel.opcode == "select" and sel.operands == [by_name["neg"], by_name["a"], by_name["s"]]
    assert by_name["neg"].pred == "olt"
    assert by_name["acc.next"].flags == "contract"

    sw = fn.blocks[1].terminator
    assert sw.opcode == "switch"
    assert [b.name for b in sw.blocks] == ["loop.latch", "one", "two"]
    assert [c.text for c in sw.cases] == ["1", "2"]
    assert fn.blocks[1].successors() == sw.blocks

    ex = by_name["ok"]
    assert ex.opcode == "extractvalue" and ex.indices == [1] and ex.type == T.I1
    assert ex.operands[0] is by_name["pair"]
    assert by_name["pair"].type == T.StructType((T.I64, T.I1))
    assert by_name["agg1"].opcode == "insertvalue" and by_name["agg1"].indices == [1]
    assert by_name["ex"].type == T.F64

    # opaque instructions are templates over their local operands
    assert by_name["old"].template is not None and by_name["old"].type == T.I64
    assert by_name["oldf"].type == T.F64 and by_name["oldf"].operands == [by_name["dyn"], by_name["v"]]
    fence = [i for i in fn.blocks[3].instructions if i.opcode == "fence"][0]
    assert fence.type == T.VOID and fence.operands == []
    assert by_name["vec1"].type == T.VectorType(2, T.F64)
    assert by_name["shuf"].type == T.VectorType(2, T.F64)
    assert by_name["lane"].type == T.F64 and by_name["lane"].operands == [by_name["shuf"]]
    assert by_name["vsum"].opcode == "fadd" and by_name["vsum"].type.is_vector
    assert by_name["vcmp"].type == T.VectorType(2, T.I1)
    assert by_name["ii"].opcode == "fptosi" and by_name["ii"].type == T.I64


def test_predecessors_and_users():
    fn = parse_module(kitchen(True)).functions["kitchen"]
    blocks = {b.name: b for b in fn.blocks}
    preds = fn.predecessors()
    assert set(b.name for b in preds[blocks["loop.latch"]]) == {"loop", "one", "two"}
    assert set(b.name for b in preds[blocks["exit"]]) == {"entry", "loop.latch"}
    users = fn.users()
    i = next(x for x in fn.instructions() if x.name == "i")
    assert sorted((u.opcode, u.name) for u in users[i]) == [
        ("add", "i.next"), ("getelementptr", "p"), ("switch", None)]


@pytest.mark.parametrize("switch", [False, True], ids=["no-switch", "switch"])
def test_printed_snippet_verifies(switch):
    text = print_module(parse_module(kitchen(switch)))
    verify(text)


def test_print_parse_print_is_fixed_point():
    p1 = print_module(parse_module(kitchen(False)))
    p2 = print_module(parse_module(p1))
    assert p1 == p2


def test_print_parse_print_is_fixed_point_with_switch():
    p1 = print_module(parse_module(kitchen(True)))
    p2 = print_module(parse_module(p1))
    assert p1 == p2


def test_printing_does_not_mutate():
    mod = parse_module(kitchen(True))
    assert print_module(mod) == print_module(mod)


def test_printer_renames_clashing_and_unnamed_values():
    mod = parse_module(kitchen(False))
    fn = mod.functions["kitchen"]
    exit_block = fn.blocks[-1]
    b = Builder(mod).before_terminator(exit_block)
    r = next(i for i in fn.instructions() if i.name == "r")
    x1 = b.fadd(r, r)                   # unnamed
    x2 = b.fmul(x1, r)
    x2.name = "r"                       # clashes with an existing name
    text = print_module(mod)
    verify(text)
    assert print_module(parse_module(text)) == text


def test_parse_type_spellings():
    cases = {
        "i1": T.I1, "i64": T.I64, "double": T.F64, "float": T.F32, "half": T.FloatType("half"),
        "ptr": T.PTR, "ptr addrspace(1)": T.PointerType(1), "void": T.VOID,
        "[2 x i64]": T.ArrayType(2, T.I64), "<4 x float>": T.VectorType(4, T.F32),
        "{ double, i64 }": T.StructType((T.F64, T.I64)), "{}": T.StructType(()),
        "<{ i8, double }>": T.StructType((T.I8, T.F64), packed=True),
        "{ ptr, [2 x { i32, <2 x double> }] }": T.StructType(
            (T.PTR, T.ArrayType(2, T.StructType((T.I32, T.VectorType(2, T.F64)))))),
    }
    for text, want in cases.items():
        got = parse_type(Tokens(text))
        assert got == want, text
        assert str(got) == (text if text != "{}" else "{}")
        assert hash(got) == hash(want)


def test_unsupported_instruction_is_a_parse_error():
    text = kitchen(False).replace("  fence seq_cst\n", "  %va = va_arg ptr %excinfo, i32\n")
    with pytest.raises(ParseError, match="va_arg"):
        parse_module(text)


# forward references: blocks laid out in reverse, so almost every operand names a value
# defined further down; the parser resolves them all in one pass after the body
def _reversed_chain(n: int) -> str:
    """double @chain(double %x): y_0 = x, y_k = y_{k-1} * 1.5 + k, returns y_n; block k
    computes y_k and is laid out after block k + 1 (every use but the last is forward)."""
    lines = ["define double @chain(double %x) {", "entry:", "  br label %b1", ""]
    for k in range(n, 0, -1):
        prev = "%x" if k == 1 else f"%y{k - 1}"
        nxt = "done" if k == n else f"b{k + 1}"
        lines += [f"b{k}:", f"  %t{k} = fmul double {prev}, 1.500000e+00",
                  f"  %y{k} = fadd double %t{k}, {float(k):e}", f"  br label %{nxt}", ""]
    lines += ["done:", f"  %r = phi double [ %y{n}, %b{n} ]", "  ret double %r", "}", ""]
    return "\n".join(lines)


def test_forward_references_resolve_to_their_definitions():
    n = 300
    text = _reversed_chain(n)
    fn = parse_module(text).functions["chain"]
    defs = {i.name: i for i in fn.instructions() if i.name}
    for i in fn.instructions():
        for v in i.operands:
            # no placeholder is left: every local operand is the instruction defining it
            assert type(v).__name__ != "_Ref"
            if isinstance(v, Instruction):
                assert defs[v.name] is v
    assert defs["t2"].operands[0] is defs["y1"] and defs["r"].operands[0] is defs[f"y{n}"]
    out = print_module(parse_module(text))
    llmod = verify(out)
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    tm = llvm.Target.from_default_triple().create_target_machine()
    engine = llvm.create_mcjit_compiler(llmod, tm)
    engine.finalize_object()
    cfn = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(engine.get_function_address("chain"))
    for x in (0.0, -1.25, 3.0):
        want = x
        for k in range(1, n + 1):
            want = want * 1.5 + k
        assert cfn(x) == want          # same operations in the same order: bit for bit
    del engine


def test_undefined_forward_reference_is_a_parse_error():
    text = _reversed_chain(5).replace("%y3 = fadd double %t3", "%y3 = fadd double %t9")
    with pytest.raises(ParseError, match=r"use of undefined value %t9 in @chain"):
        parse_module(text)


@pytest.mark.parametrize("name, printed", [
    ("x.1", "x.1"), ("_ZN5numba$3cdynamic$3e-1", "_ZN5numba$3cdynamic$3e-1"),
    ("é9", "é9"), ("12", "12"), ("1a", '"1a"'), ("a b", '"a b"'), ("x\n", '"x\n"'),
    ("q\"u\\o", '"q\\22u\\5Co"'), ("", '""'), ("a/b", '"a/b"'),
])
def test_names_are_quoted_exactly_when_llvm_needs_it(name, printed):
    from zymase.ir.values import quote_name
    assert quote_name(name) == printed


# real Numba output: unoptimised (with debug metadata) and canonicalised
def _numba_samples():
    import numpy as np

    def loop(a, x):
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i] * x
            if s > 10.0:
                break
        return s

    def alloc(n):
        out = np.zeros((n, 2))
        for i in range(n):
            out[i, 0] = i * 0.5
        return out

    return [(loop, (numba.float64[::1], numba.float64)), (alloc, (numba.int64,))]


@pytest.mark.parametrize("k", [0, 1], ids=["loop", "alloc"])
def test_numba_module_roundtrips(k):
    from zymase.pipeline import prepare

    fn, argtypes = _numba_samples()[k]
    prep = prepare(fn, argtypes)
    raw = parse_module(prep.fe.module_text)
    verify(print_module(raw))
    canon = print_module(prep.module)
    verify(canon)
    assert print_module(parse_module(canon)) == canon
    # debug locations survive into the model (line 0 = merged code, allowed)
    locs = [i.loc for i in prep.function.instructions() if i.loc]
    first = fn.__code__.co_firstlineno
    assert any(f == __file__ and first < line < first + 12 for f, line in locs)


# --------------------------------------------------------------------------------------------
# builder
# --------------------------------------------------------------------------------------------
def build_sumsq_module() -> Module:
    """double @sumsq(ptr %a, i64 %n, double %c): sum_i sqrt(|a[i]| * c) written with the builder."""
    mod = Module()
    args = [Argument(T.PTR, "a"), Argument(T.I64, "n"), Argument(T.F64, "c")]
    fn = mod.add_function(Function("sumsq", T.F64, args))
    entry, loop, done = fn.add_block("entry"), fn.add_block("loop"), fn.add_block("done")
    b = Builder(mod).at_end(entry)
    slot = b.alloca(T.F64, name="slot")
    b.store(zero(T.F64), slot, align=8)
    nonempty = b.icmp("sgt", args[1], const_int(T.I64, 0))
    b.cbr(nonempty, loop, done)

    b.at_end(loop)
    i = b.phi(T.I64, name="i")
    acc = b.phi(T.F64, name="acc")
    p = b.gep(T.F64, args[0], [i], flags="inbounds")
    v = b.load(T.F64, p, align=8)
    av = b.intrinsic("fabs", T.F64, [v])
    prod = b.fmul(av, args[2])
    root = b.intrinsic("sqrt", T.F64, [prod])
    acc2 = b.fadd(acc, root)
    i2 = b.binop("add", i, const_int(T.I64, 1), flags="nuw nsw")
    more = b.icmp("slt", i2, args[1])
    b.cbr(more, loop, done)
    i.add_incoming(const_int(T.I64, 0), entry)
    i.add_incoming(i2, loop)
    acc.add_incoming(zero(T.F64), entry)
    acc.add_incoming(acc2, loop)

    b.at_end(done)
    res = b.phi(T.F64, name="res")
    res.add_incoming(zero(T.F64), entry)
    res.add_incoming(acc2, loop)
    # insert before the phi's users: a store/load through the alloca
    b.store(res, slot, align=8)
    back = b.load(T.F64, slot, align=8)
    neg = b.fcmp("olt", back, zero(T.F64))
    out = b.select(neg, b.fneg(back), back)
    b.ret(out)
    return mod


def test_builder_function_verifies_and_runs():
    mod = build_sumsq_module()
    text = print_module(mod)
    llmod = verify(text)
    assert "declare double @llvm.sqrt.f64(double)" in text
    assert "declare double @llvm.fabs.f64(double)" in text
    assert print_module(parse_module(text)) == text

    # the engine takes ownership of its target machine: never hand it zymase's shared one
    tm = llvm.Target.from_default_triple().create_target_machine()
    engine = llvm.create_mcjit_compiler(llmod, tm)
    engine.finalize_object()
    addr = engine.get_function_address("sumsq")
    cfn = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.POINTER(ctypes.c_double), ctypes.c_int64,
                           ctypes.c_double)(addr)
    data = (ctypes.c_double * 4)(1.0, -4.0, 9.0, 0.25)
    assert cfn(data, 4, 1.0) == pytest.approx(1.0 + 2.0 + 3.0 + 0.5, rel=1e-15)
    assert cfn(data, 0, 1.0) == 0.0
    del engine


def test_builder_positions():
    mod = Module()
    fn = mod.add_function(Function("f", T.F64, [Argument(T.F64, "x")]))
    blk = fn.add_block("entry")
    b = Builder(mod).at_end(blk)
    x = fn.args[0]
    r = b.ret(x)
    b.before_terminator(blk)
    y = b.fmul(x, x)
    b.after(y)
    z = b.fadd(y, const_float(T.F64, 1.0))
    b.before(y)
    w = b.fsub(x, const_float(T.F64, 2.0))
    assert blk.instructions == [w, y, z, r]
    assert all(i.block is blk for i in blk.instructions)
    r.operands[0] = z
    fn.replace_all_uses(x, w)   # x is now only used through w ... and w uses itself
    assert w.operands[0] is w
    w.operands[0] = x
    verify(print_module(mod))
    z.erase()
    assert z.block is None and z not in blk.instructions


def test_builder_aggregates_vectors_and_memory_intrinsics():
    mod = Module()
    st = T.StructType((T.F64, T.I64))
    fn = mod.add_function(Function("g", T.F64, [Argument(T.F64, "x"), Argument(T.PTR, "p")]))
    blk = fn.add_block("entry")
    b = Builder(mod).at_end(blk)
    x, p = fn.args
    agg = b.insertvalue(Constant(st, "undef"), x, [0])
    agg = b.insertvalue(agg, const_int(T.I64, 3), [1])
    e0 = b.extractvalue(agg, [0])
    assert e0.type == T.F64
    e1 = b.extractvalue(agg, [1])
    assert e1.type == T.I64
    vec = b.splat(e0, 4)
    assert vec.type == T.VectorType(4, T.F64)
    vs = b.fadd(vec, const_float(T.VectorType(4, T.F64), 0.5))
    lane = b.extractelement(vs, 2)
    vec2 = b.insertelement(vs, lane, 0)
    lane0 = b.extractelement(vec2, 0)
    vmask = b.fcmp("ogt", vs, zero(T.VectorType(4, T.F64)))
    assert vmask.type == T.VectorType(4, T.I1)
    b.memset(p, 0, const_int(T.I64, 16))
    tmp = b.alloca(st)
    b.memcpy(tmp, p, const_int(T.I64, 16))
    f = b.cast("sitofp", e1, T.F64)
    assert b.cast("bitcast", f, T.F64) is f          # no-op cast elided
    b.ret(b.fadd(lane0, f))
    text = print_module(mod)
    verify(text)
    assert print_module(parse_module(text)) == text


def test_constants():
    assert const_float(T.F64, 1.5).text == "0x3FF8000000000000"
    assert const_float(T.F64, 1.5).float_value() == 1.5
    c32 = const_float(T.F32, 0.1)       # rounded to float first, spelled as a double
    import struct
    assert c32.float_value() == struct.unpack("<f", struct.pack("<f", 0.1))[0]
    assert const_int(T.I1, 1).text == "true"
    assert zero(T.PTR).text == "null" and zero(T.PTR).is_zero
    assert zero(T.F64).is_zero and const_float(T.F64, -0.0).is_zero
    assert not const_float(T.F64, 2.0).is_zero
    assert GlobalRef("a b").ref() == '@"a b"'
    assert Constant(T.I64, "1") == Constant(T.I64, "1")
    assert len({Constant(T.I64, "1"), Constant(T.I64, "1")}) == 1
    with pytest.raises(TypeError):
        Instruction("fadd", T.F64, [], bogus=1)


# --------------------------------------------------------------------------------------------
# types: layout under Numba's x86-64 data layout
# --------------------------------------------------------------------------------------------
NUMBA_ARRAY_2D = T.StructType((T.PTR, T.PTR, T.I64, T.I64, T.PTR, T.ArrayType(2, T.I64),
                               T.ArrayType(2, T.I64)))


def test_numba_array_struct_layout():
    t = NUMBA_ARRAY_2D
    assert str(t) == "{ ptr, ptr, i64, i64, ptr, [2 x i64], [2 x i64] }"
    assert T.store_size(t) == 72
    assert T.alloc_size(t) == 72
    assert T.align_of(t) == 8
    assert [T.member_offset(t, k) for k in range(7)] == [0, 8, 16, 24, 32, 40, 56]
    with pytest.raises(IndexError):
        T.member_offset(t, 7)
    # the data pointer sits at byte 32, the shapes at 40, the strides at 56
    assert T.aggregate_member(t, 4) == T.PTR
    assert T.contains_pointer(t) and not T.contains_float(t)


def test_numba_array_struct_matches_numba_data_model():
    from zymase.llvm.jit import value_type
    assert value_type(numba.float64[:, :]) == NUMBA_ARRAY_2D
    assert value_type(numba.float32[::1]) == T.StructType(
        (T.PTR, T.PTR, T.I64, T.I64, T.PTR, T.ArrayType(1, T.I64), T.ArrayType(1, T.I64)))


LAYOUT_TYPES = [
    "i1", "i8", "i16", "i32", "i64", "i128", "half", "float", "double", "x86_fp80", "fp128",
    "ptr", "[3 x double]", "[2 x i1]", "{ i8, double }", "{ i1, i32 }", "<{ i8, double }>",
    "<4 x float>", "<2 x double>", "<4 x double>", "{ i8, <4 x float> }",
    "{ ptr, ptr, i64, i64, ptr, [2 x i64], [2 x i64] }", "{ { double, i8 }, i8 }",
    "[2 x { double, i8 }]", "{}", "{ i32, [0 x i8] }", "{ double, { i64, i1 } }",
]
# where zymase's layout helpers disagree with LLVM (odd-sized integers and vectors)
LAYOUT_MISMATCH = ["i24", "<3 x float>", "<3 x i64>", "<8 x i1>"]


def _llvm_layout(type_texts):
    from zymase.llvm.pipelines import target_machine
    td = target_machine().target_data
    src = "\n".join(f"@g{k} = global {t} zeroinitializer" for k, t in enumerate(type_texts))
    mod = llvm.parse_assembly(src)
    out = []
    for k, _ in enumerate(type_texts):
        lt = mod.get_global_variable(f"g{k}").global_value_type
        n = len(list(lt.elements)) if lt.is_struct else 0
        out.append((td.get_abi_size(lt), td.get_abi_alignment(lt),
                    [td.get_element_offset(lt, j) for j in range(n)]))
    return out


def _zymase_layout(text):
    t = parse_type(Tokens(text))
    offs = [T.member_offset(t, j) for j in range(len(t.elements))] \
        if isinstance(t, T.StructType) else []
    return T.alloc_size(t), T.align_of(t), offs


def test_layout_agrees_with_llvm_data_layout():
    want = _llvm_layout(LAYOUT_TYPES)
    for text, w in zip(LAYOUT_TYPES, want):
        assert _zymase_layout(text) == w, text


@pytest.mark.parametrize("text", LAYOUT_MISMATCH)
def test_layout_odd_types(text):
    (want,) = _llvm_layout([text])
    assert _zymase_layout(text) == want


def test_type_predicates():
    v = T.VectorType(4, T.F32)
    assert v.is_float and v.scalar == T.F32 and v.is_vector
    assert T.contains_float(T.StructType((T.I64, T.ArrayType(2, T.F64))))
    assert not T.contains_float(T.StructType((T.I64, T.PTR)))
    assert T.IntType(64) == T.I64 and len({T.IntType(64), T.I64}) == 1
    assert str(T.FunctionType(T.I32, (T.PTR,), vararg=True)) == "i32 (ptr, ...)"
    assert T.store_size(T.I1) == 1 and T.store_size(T.IntType(24)) == 3

"""An instruction builder: creates instructions at an insertion point in a block.

The insertion point is (block, index); every ``emit`` inserts before ``index`` and advances
it, so a sequence of builder calls appears in program order.  Intrinsics and library
functions are declared in the module on first use.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

from .types import (F64, I1, I32, I64, PTR, VOID, FloatType, FunctionType, IntType, Type,
                    VectorType)
from .values import (Block, Constant, Function, GlobalRef, Instruction, Module, Value, const_float,
                     const_int, undef, zero)


def type_suffix(t: Type) -> str:
    if isinstance(t, VectorType):
        return f"v{t.count}{type_suffix(t.element)}"
    if t.is_float:
        return {"double": "f64", "float": "f32", "half": "f16"}[t.kind]
    if isinstance(t, IntType):
        return f"i{t.bits}"
    if t.is_pointer:
        return "p0"
    raise TypeError(t)


class Builder:
    def __init__(self, module: Module, block: Optional[Block] = None, index: Optional[int] = None,
                 loc=None):
        self.module = module
        self.block = block
        self.index = index if index is not None or block is None else len(block.instructions)
        self.loc = loc

    # -- positioning -------------------------------------------------------------------
    def at_end(self, block: Block) -> "Builder":
        self.block, self.index = block, len(block.instructions)
        return self

    def before(self, inst: Instruction) -> "Builder":
        self.block = inst.block
        self.index = inst.block.instructions.index(inst)
        return self

    def after(self, inst: Instruction) -> "Builder":
        self.before(inst)
        self.index += 1
        return self

    def before_terminator(self, block: Block) -> "Builder":
        self.block = block
        self.index = len(block.instructions) - (1 if block.terminator is not None else 0)
        return self

    def after_phis(self, block: Block) -> "Builder":
        self.block, self.index = block, block.first_non_phi_index()
        return self

    def emit(self, inst: Instruction) -> Instruction:
        if inst.loc is None:
            inst.loc = self.loc
        self.block.insert(self.index, inst)
        self.index += 1
        return inst

    # -- arithmetic --------------------------------------------------------------------
    def binop(self, op: str, a: Value, b: Value, flags: str = "") -> Value:
        return self.emit(Instruction(op, a.type, [a, b], flags=flags))

    def fadd(self, a, b):
        return self.binop("fadd", a, b)

    def fsub(self, a, b):
        return self.binop("fsub", a, b)

    def fmul(self, a, b):
        return self.binop("fmul", a, b)

    def fdiv(self, a, b):
        return self.binop("fdiv", a, b)

    def fneg(self, a):
        return self.emit(Instruction("fneg", a.type, [a]))

    def add(self, a, b):
        return self.binop("add", a, b)

    def mul(self, a, b):
        return self.binop("mul", a, b)

    def sub(self, a, b):
        return self.binop("sub", a, b)

    def icmp(self, pred, a, b):
        rt = VectorType(a.type.count, I1) if isinstance(a.type, VectorType) else I1
        return self.emit(Instruction("icmp", rt, [a, b], pred=pred))

    def fcmp(self, pred, a, b):
        rt = VectorType(a.type.count, I1) if isinstance(a.type, VectorType) else I1
        return self.emit(Instruction("fcmp", rt, [a, b], pred=pred))

    def select(self, c, a, b):
        return self.emit(Instruction("select", a.type, [c, a, b]))

    def cast(self, op: str, v: Value, to: Type) -> Value:
        if v.type == to:
            return v
        return self.emit(Instruction(op, to, [v]))

    def phi(self, t: Type, name=None) -> Instruction:
        return self.emit(Instruction("phi", t, [], name=name))

    # -- memory ------------------------------------------------------------------------
    def load(self, t: Type, p: Value, align: Optional[int] = None) -> Instruction:
        tail = f", align {align}" if align else ""
        return self.emit(Instruction("load", t, [p], src_type=t, tail=tail))

    def store(self, v: Value, p: Value, align: Optional[int] = None) -> Instruction:
        tail = f", align {align}" if align else ""
        return self.emit(Instruction("store", VOID, [v, p], tail=tail))

    def gep(self, src_type: Type, base: Value, indices: Sequence[Value], flags="") -> Instruction:
        rt = base.type
        for i in indices:
            if isinstance(i.type, VectorType):
                rt = VectorType(i.type.count, PTR)
        return self.emit(Instruction("getelementptr", rt, [base, *indices], flags=flags,
                                     src_type=src_type))

    def alloca(self, t: Type, name=None, count: Optional[Value] = None) -> Instruction:
        # at least the type's ABI alignment: loads/stores without an explicit align assume
        # it (an <8 x double> slot needs 64, and a misaligned AVX store faults)
        from .types import align_of
        return self.emit(Instruction("alloca", PTR, [count] if count is not None else [],
                                     src_type=t, name=name,
                                     tail=f", align {max(16, align_of(t))}"))

    def extractvalue(self, agg: Value, idx: Sequence[int]) -> Instruction:
        from .types import aggregate_member
        t = agg.type
        for k in idx:
            t = aggregate_member(t, k)
        return self.emit(Instruction("extractvalue", t, [agg], indices=list(idx)))

    def insertvalue(self, agg: Value, v: Value, idx: Sequence[int]) -> Instruction:
        return self.emit(Instruction("insertvalue", agg.type, [agg, v], indices=list(idx)))

    # -- vectors (templates: the model keeps them opaque) ---------------------------------
    def insertelement(self, vec: Value, v: Value, lane: int) -> Instruction:
        return self.emit(Instruction("insertelement", vec.type, [vec, v],
                                     template=f"insertelement {vec.type} {{0}}, {v.type} {{1}}, i32 {lane}"))

    def extractelement(self, vec: Value, lane: int) -> Instruction:
        return self.emit(Instruction("extractelement", vec.type.element, [vec],
                                     template=f"extractelement {vec.type} {{0}}, i32 {lane}"))

    def splat(self, v: Value, width: int) -> Value:
        vt = VectorType(width, v.type)
        if isinstance(v, Constant):
            return Constant(vt, "<" + ", ".join(f"{v.type} {v.ref()}" for _ in range(width)) + ">")
        ins = self.emit(Instruction("insertelement", vt, [v],
                                    template=f"insertelement {vt} poison, {v.type} {{0}}, i32 0"))
        return self.emit(Instruction("shufflevector", vt, [ins],
                                     template=f"shufflevector {vt} {{0}}, {vt} poison, <{width} x i32> zeroinitializer"))

    # -- calls -------------------------------------------------------------------------
    def call(self, name: str, fnty: FunctionType, args: Sequence[Value], flags="",
             attrs: str = "") -> Instruction:
        callee = self.module.get_or_declare(name, fnty, attrs)
        return self.emit(Instruction("call", fnty.ret, list(args), callee=callee, fnty=fnty,
                                     flags=flags))

    def intrinsic(self, base: str, t: Type, args: Sequence[Value]) -> Instruction:
        """Overloaded float intrinsic ``llvm.<base>.<type>`` returning ``t``."""
        name = f"llvm.{base}.{type_suffix(t)}"
        return self.call(name, FunctionType(t, tuple(a.type for a in args)), args)

    def memset(self, p: Value, byte: int, n: Value):
        return self.call("llvm.memset.p0.i64", FunctionType(VOID, (PTR, IntType(8), I64, I1)),
                         [p, const_int(IntType(8), byte), n, const_int(I1, 0)])

    def memcpy(self, dst: Value, src: Value, n: Value):
        return self.call("llvm.memcpy.p0.p0.i64", FunctionType(VOID, (PTR, PTR, I64, I1)),
                         [dst, src, n, const_int(I1, 0)])

    def ret(self, v: Optional[Value] = None):
        return self.emit(Instruction("ret", VOID, [v] if v is not None else []))

    def br(self, target: Block):
        return self.emit(Instruction("br", VOID, [], blocks=[target]))

    def cbr(self, c: Value, t: Block, f: Block):
        return self.emit(Instruction("br", VOID, [c], blocks=[t, f]))

"""The mutable IR model: values, instructions, blocks, functions, modules.

Invariants kept by every mutation helper here:
- an ``Instruction`` belongs to at most one ``Block`` (``inst.block``); a ``Block`` to one
  ``Function``;
- operands are ``Value`` objects (never names); ``Block`` operands of branches and phis live
  in ``inst.blocks``, so a CFG edit never touches ``operands``;
- names are only spelling: the printer makes them unique, so transforms may create values
  without names.

Constants are kept as (type, LLVM text): the engine never needs to fold them, only to pass
them through, and a few helpers (``const_float`` / ``const_int`` / ``zero``) build new ones.
"""
from __future__ import annotations

import re
import struct
from typing import Dict, Iterable, Iterator, List, Optional

from .types import (F64, I1, I32, I64, LABEL, PTR, VOID, FloatType, FunctionType, IntType, Type,
                    VectorType)


class Value:
    __slots__ = ("type", "name")

    def __init__(self, type: Type, name: Optional[str] = None):
        self.type = type
        self.name = name

    is_constant = False

    def ref(self) -> str:  # how the value is written as an operand (without its type)
        raise NotImplementedError


class Argument(Value):
    __slots__ = ("function", "index", "attrs")

    def __init__(self, type, name=None, attrs=""):
        super().__init__(type, name)
        self.attrs = attrs
        self.function = None
        self.index = -1

    def __repr__(self):
        return f"<Argument %{self.name}: {self.type}>"


class Constant(Value):
    __slots__ = ("text",)
    is_constant = True

    def __init__(self, type, text):
        super().__init__(type, None)
        self.text = text

    def ref(self):
        return self.text

    def __repr__(self):
        return f"<Constant {self.type} {self.text}>"

    def __eq__(self, other):
        return isinstance(other, Constant) and other.type == self.type and other.text == self.text

    def __hash__(self):
        return hash((self.type, self.text))

    @property
    def is_zero(self):
        return self.text in ("0", "0.000000e+00", "zeroinitializer", "null", "false", "-0.000000e+00") \
            or (self.text.startswith("0x") and int(self.text[2:], 16) & ~(1 << 63) == 0)

    def float_value(self) -> float:
        t = self.text
        if t.startswith("0x"):
            if self.type == FloatType("double") or self.type == FloatType("float"):
                return struct.unpack("<d", struct.pack("<Q", int(t[2:], 16)))[0]
            raise ValueError(t)
        return float(t)


class GlobalRef(Constant):
    """A reference to a module-level global or function: ``@name``."""
    __slots__ = ()

    def __init__(self, name, type=PTR):
        super().__init__(type, "@" + quote_name(name))
        self.name = name


# a name LLVM prints bare: letters and digits (str.isalnum, which is what ``\w`` matches
# besides ``_``) and ``._$-``
_BARE_NAME = re.compile(r"[\w.$-]+")


def quote_name(name: str) -> str:
    if name and _BARE_NAME.fullmatch(name) and not name[0].isdigit():
        return name
    if name.isdigit():
        return name
    return '"' + name.replace("\\", "\\5C").replace('"', "\\22") + '"'


def const_float(t: Type, v: float) -> Constant:
    if isinstance(t, VectorType):
        return splat(t, const_float(t.element, v))
    if t.kind == "double" or t.kind == "float":
        if t.kind == "float":
            v = struct.unpack("<f", struct.pack("<f", v))[0]  # round to float first
        bits = struct.unpack("<Q", struct.pack("<d", v))[0]
        return Constant(t, "0x%016X" % bits)
    raise TypeError(f"no float constants of type {t}")


def const_int(t: Type, v: int) -> Constant:
    if isinstance(t, VectorType):
        return splat(t, const_int(t.element, v))
    if t == I1:
        return Constant(t, "true" if v else "false")
    return Constant(t, str(int(v)))


def splat(t: VectorType, c: Constant) -> Constant:
    return Constant(t, "<" + ", ".join(f"{c.type} {c.text}" for _ in range(t.count)) + ">")


def zero(t: Type) -> Constant:
    if t.is_pointer:
        return Constant(t, "null")
    if t.is_float:
        return const_float(t, 0.0) if not isinstance(t, VectorType) else Constant(t, "zeroinitializer")
    if isinstance(t, IntType):
        return const_int(t, 0)
    return Constant(t, "zeroinitializer")


def undef(t: Type) -> Constant:
    return Constant(t, "undef")


class Instruction(Value):
    """One instruction.  Fields beyond opcode/type/operands are set per opcode:

    flags      fast-math / nsw / inbounds / volatile words, printed after the opcode
    pred       icmp/fcmp predicate
    src_type   loaded type (load), allocated type (alloca), source element type (GEP)
    indices    constant indices of extractvalue/insertvalue
    blocks     successors (br/switch) or incoming blocks (phi, parallel to operands)
    callee     a Value (usually GlobalRef) for calls; fnty its FunctionType
    cases      switch case constants (parallel to blocks[1:])
    tail       trailing text kept verbatim (", align 8", atomic orderings, call attributes)
    template   for opcodes the model does not structure: text with {0}, {1}… for operands
    loc        (file, line) from debug info, for error messages
    """
    __slots__ = ("opcode", "operands", "flags", "pred", "src_type", "indices", "blocks", "callee",
                 "fnty", "cases", "tail", "template", "loc", "block", "meta")

    def __init__(self, opcode: str, type: Type, operands: Iterable[Value] = (), name=None, **kw):
        super().__init__(type, name)
        self.opcode = opcode
        self.operands: List[Value] = list(operands)
        self.flags = kw.pop("flags", "")
        self.pred = kw.pop("pred", None)
        self.src_type = kw.pop("src_type", None)
        self.indices = kw.pop("indices", None)
        self.blocks: List["Block"] = list(kw.pop("blocks", ()))
        self.callee = kw.pop("callee", None)
        self.fnty = kw.pop("fnty", None)
        self.cases = kw.pop("cases", None)
        self.tail = kw.pop("tail", "")
        self.template = kw.pop("template", None)
        self.loc = kw.pop("loc", None)
        self.meta = kw.pop("meta", None)
        self.block: Optional[Block] = None
        if kw:
            raise TypeError(f"unknown instruction fields {sorted(kw)}")

    def __repr__(self):
        return f"<{self.opcode} %{self.name}: {self.type}>"

    @property
    def is_terminator(self):
        return self.opcode in ("br", "switch", "ret", "unreachable", "indirectbr", "resume")

    @property
    def callee_name(self) -> Optional[str]:
        return self.callee.name if isinstance(self.callee, GlobalRef) else None

    def successors(self) -> List["Block"]:
        return list(self.blocks) if self.opcode in ("br", "switch") else []

    def clone(self) -> "Instruction":
        c = Instruction(self.opcode, self.type, self.operands, self.name)
        for f in ("flags", "pred", "src_type", "indices", "callee", "fnty", "tail", "template",
                  "loc", "meta"):
            setattr(c, f, getattr(self, f))
        c.blocks = list(self.blocks)
        c.cases = list(self.cases) if self.cases is not None else None
        return c

    def erase(self):
        self.block.instructions.remove(self)
        self.block = None

    def incoming(self):
        assert self.opcode == "phi"
        return list(zip(self.operands, self.blocks))

    def add_incoming(self, value: Value, block: "Block"):
        self.operands.append(value)
        self.blocks.append(block)


class Block(Value):
    __slots__ = ("instructions", "function")

    def __init__(self, name=None):
        super().__init__(LABEL, name)
        self.instructions: List[Instruction] = []
        self.function: Optional[Function] = None

    def __repr__(self):
        return f"<Block %{self.name}>"

    @property
    def terminator(self) -> Optional[Instruction]:
        if self.instructions and self.instructions[-1].is_terminator:
            return self.instructions[-1]
        return None

    def successors(self) -> List["Block"]:
        t = self.terminator
        return t.successors() if t is not None else []

    def phis(self) -> List[Instruction]:
        out = []
        for i in self.instructions:
            if i.opcode != "phi":
                break
            out.append(i)
        return out

    def first_non_phi_index(self) -> int:
        return len(self.phis())

    def append(self, inst: Instruction) -> Instruction:
        inst.block = self
        self.instructions.append(inst)
        return inst

    def insert(self, index: int, inst: Instruction) -> Instruction:
        inst.block = self
        self.instructions.insert(index, inst)
        return inst


class Function(Value):
    __slots__ = ("args", "blocks", "ret_type", "linkage", "attrs", "ret_attrs", "vararg",
                 "is_declaration", "module", "header_tail", "subprogram")

    def __init__(self, name: str, ret_type: Type, args: List[Argument], vararg=False):
        super().__init__(PTR, name)
        self.ret_type = ret_type
        self.args = args
        for i, a in enumerate(args):
            a.function, a.index = self, i
        self.blocks: List[Block] = []
        self.linkage = ""
        self.attrs = ""          # function attributes, verbatim
        self.ret_attrs = ""
        self.vararg = vararg
        self.is_declaration = True
        self.module: Optional[Module] = None
        self.header_tail = ""
        self.subprogram = None

    def __repr__(self):
        return f"<Function @{self.name}>"

    @property
    def fnty(self) -> FunctionType:
        return FunctionType(self.ret_type, tuple(a.type for a in self.args), self.vararg)

    @property
    def entry(self) -> Block:
        return self.blocks[0]

    def add_block(self, name=None, after: Optional[Block] = None) -> Block:
        b = Block(name)
        b.function = self
        if after is None:
            self.blocks.append(b)
        else:
            self.blocks.insert(self.blocks.index(after) + 1, b)
        self.is_declaration = False
        return b

    def instructions(self) -> Iterator[Instruction]:
        for b in self.blocks:
            yield from b.instructions

    def predecessors(self) -> Dict[Block, List[Block]]:
        preds: Dict[Block, List[Block]] = {b: [] for b in self.blocks}
        for b in self.blocks:
            for s in b.successors():
                if b not in preds[s]:
                    preds[s].append(b)
        return preds

    def replace_all_uses(self, old: Value, new: Value):
        for inst in self.instructions():
            ops = inst.operands
            for k, v in enumerate(ops):
                if v is old:
                    ops[k] = new
            if inst.callee is old:
                inst.callee = new

    def users(self) -> Dict[Value, List[Instruction]]:
        out: Dict[Value, List[Instruction]] = {}
        for inst in self.instructions():
            for v in inst.operands:
                out.setdefault(v, []).append(inst)
        return out


class Module:
    """A module: verbatim header/global/metadata text plus parsed functions.

    Globals are kept verbatim (Numba's are constants for exception data and environment
    pointers, which the engine never differentiates); ``globals`` maps name → its line.
    """

    def __init__(self):
        self.header: List[str] = []
        self.globals: Dict[str, str] = {}
        self.functions: Dict[str, Function] = {}
        self.attribute_groups: Dict[str, str] = {}
        self.metadata: Dict[str, str] = {}

    def add_function(self, fn: Function) -> Function:
        fn.module = self
        self.functions[fn.name] = fn
        return fn

    def get_or_declare(self, name: str, fnty: FunctionType, attrs: str = "") -> GlobalRef:
        if name not in self.functions:
            args = [Argument(t) for t in fnty.params]
            fn = Function(name, fnty.ret, args, fnty.vararg)
            fn.attrs = attrs
            self.add_function(fn)
        return GlobalRef(name)

    def defined(self) -> List[Function]:
        return [f for f in self.functions.values() if not f.is_declaration]


__all__ = ["Value", "Argument", "Constant", "GlobalRef", "Instruction", "Block", "Function", "Module",
           "const_float", "const_int", "zero", "undef", "splat", "quote_name",
           "F64", "I1", "I32", "I64", "PTR", "VOID", "IntType", "FloatType", "FunctionType"]

"""Type analysis: which values and which memory hold floats.

SSA values carry their LLVM type, so for them the question is only how a type *classifies*:
``float`` (scalar or vector of floats), ``int``, ``pointer``, ``aggregate`` (struct/array that
contains floats or pointers), ``other``.

Memory is untyped behind opaque pointers, so we infer what it holds from how it is accessed.
Every pointer value is traced to its *origins* (argument, alloca, call result, loaded pointer,
global) through GEPs, selects and phis.  An origin whose memory is loaded or stored as float
(or via memcpy/memset from another float origin) is *float memory*; an origin from which a
pointer is loaded *holds pointers*.  The result is a fixed point, so a pointer loaded from a
Numba MemInfo (``data`` at byte 24) correctly makes the MemInfo "hold pointers to floats".
"""
from __future__ import annotations

from typing import Dict, Set

from ..ir.types import StructType, ArrayType, VectorType, contains_float, contains_pointer
from ..ir.values import Argument, Constant, Function, Instruction, Value


def classify(t) -> str:
    if t.is_float:
        return "float"
    if t.is_int or (isinstance(t, VectorType) and t.element.is_int):
        return "int"
    if t.is_pointer or (isinstance(t, VectorType) and t.element.is_pointer):
        return "pointer"
    if isinstance(t, (StructType, ArrayType)):
        if contains_float(t) or contains_pointer(t):
            return "aggregate"
        return "int"
    return "other"


class TypeResults:
    def __init__(self, fn: Function):
        self.fn = fn
        self.origins: Dict[Value, Set[Value]] = {}
        self.float_memory: Set[Value] = set()
        self.pointer_memory: Set[Value] = set()

    def origins_of(self, v: Value) -> Set[Value]:
        return self.origins.get(v, {v} if not isinstance(v, Constant) else set())

    def is_float_memory(self, p: Value) -> bool:
        return any(o in self.float_memory for o in self.origins_of(p))

    def dump(self) -> str:
        lines = [f"; type analysis of @{self.fn.name}"]
        for b in self.fn.blocks:
            for i in b.instructions:
                if i.type.is_pointer:
                    tags = []
                    if self.is_float_memory(i):
                        tags.append("float-mem")
                    if any(o in self.pointer_memory for o in self.origins_of(i)):
                        tags.append("holds-ptr")
                    lines.append(f"  %{i.name or '?'} ({i.opcode}): pointer {' '.join(tags) or 'int/unknown-mem'}")
                else:
                    lines.append(f"  %{i.name or '?'} ({i.opcode}): {classify(i.type)}")
        return "\n".join(lines)


def analyse_types(fn: Function) -> TypeResults:
    res = TypeResults(fn)
    origins = res.origins
    insts = list(fn.instructions())
    for a in fn.args:
        if a.type.is_pointer:
            origins[a] = {a}
    # derived pointers start with no origins (a least fixpoint): otherwise a use visited
    # before its definition (block order is not dominance order) would record the
    # definition itself as a spurious origin, which never goes away
    for i in insts:
        if i.type.is_pointer and i.opcode in ("getelementptr", "bitcast", "addrspacecast",
                                              "phi", "select"):
            origins[i] = set()
    changed = True
    while changed:
        changed = False
        for i in insts:
            if not i.type.is_pointer:
                continue
            if i.opcode in ("getelementptr", "bitcast", "addrspacecast"):
                new = set(res.origins_of(i.operands[0]))
            elif i.opcode in ("phi", "select"):
                ops = i.operands if i.opcode == "phi" else i.operands[1:]
                new = set()
                for o in ops:
                    new |= res.origins_of(o)
            else:
                new = {i}
            if origins.get(i) != new and not new <= origins.get(i, set()):
                origins[i] = origins.get(i, set()) | new
                changed = True
    # memory classes
    changed = True
    while changed:
        changed = False
        for i in insts:
            p = None
            t = None
            if i.opcode == "load":
                p, t = i.operands[0], i.type
            elif i.opcode == "store":
                p, t = i.operands[1], i.operands[0].type
            if p is None:
                continue
            for o in res.origins_of(p):
                if contains_float(t) and o not in res.float_memory:
                    res.float_memory.add(o)
                    changed = True
                if contains_pointer(t) and o not in res.pointer_memory:
                    res.pointer_memory.add(o)
                    changed = True
    return res

"""LLVM types as immutable, hashable Python objects.

Only what Numba emits for numeric code is modelled: integers, the IEEE floats, opaque
pointers, void/label/metadata/token, literal structs, arrays, fixed vectors and function
types.  Types compare by structure, so ``IntType(64) == I64`` and they can key dicts.
``str(t)`` is the LLVM spelling, which is what the printer emits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple


class Type:
    """Base class; subclasses are frozen dataclasses."""

    is_float = False
    is_int = False
    is_pointer = False
    is_aggregate = False
    is_vector = False

    @property
    def scalar(self) -> "Type":
        return self


@dataclass(frozen=True)
class IntType(Type):
    bits: int
    is_int = True

    def __str__(self):
        return f"i{self.bits}"


@dataclass(frozen=True)
class FloatType(Type):
    kind: str  # 'half' | 'bfloat' | 'float' | 'double' | 'x86_fp80' | 'fp128'
    is_float = True

    @property
    def bits(self):
        return {"half": 16, "bfloat": 16, "float": 32, "double": 64, "x86_fp80": 80, "fp128": 128}[self.kind]

    def __str__(self):
        return self.kind


@dataclass(frozen=True)
class PointerType(Type):
    addrspace: int = 0
    is_pointer = True

    def __str__(self):
        return "ptr" if self.addrspace == 0 else f"ptr addrspace({self.addrspace})"


@dataclass(frozen=True)
class SimpleType(Type):
    """void, label, metadata, token."""
    kind: str

    def __str__(self):
        return self.kind


@dataclass(frozen=True)
class StructType(Type):
    elements: Tuple[Type, ...]
    packed: bool = False
    is_aggregate = True

    def __str__(self):
        body = ", ".join(str(e) for e in self.elements)
        inner = "{ " + body + " }" if body else "{}"
        return f"<{inner}>" if self.packed else inner


@dataclass(frozen=True)
class ArrayType(Type):
    count: int
    element: Type
    is_aggregate = True

    def __str__(self):
        return f"[{self.count} x {self.element}]"


@dataclass(frozen=True)
class VectorType(Type):
    count: int
    element: Type
    is_vector = True

    @property
    def scalar(self):
        return self.element

    @property
    def is_float(self):  # type: ignore[override]
        return self.element.is_float

    def __str__(self):
        return f"<{self.count} x {self.element}>"


@dataclass(frozen=True)
class FunctionType(Type):
    ret: Type
    params: Tuple[Type, ...]
    vararg: bool = False

    def __str__(self):
        ps = [str(p) for p in self.params] + (["..."] if self.vararg else [])
        return f"{self.ret} ({', '.join(ps)})"


I1, I8, I32, I64 = IntType(1), IntType(8), IntType(32), IntType(64)
F32, F64 = FloatType("float"), FloatType("double")
PTR = PointerType()
VOID, LABEL, METADATA, TOKEN = (SimpleType(k) for k in ("void", "label", "metadata", "token"))


def contains_float(t: Type) -> bool:
    if t.is_float:
        return True
    if isinstance(t, StructType):
        return any(contains_float(e) for e in t.elements)
    if isinstance(t, (ArrayType, VectorType)):
        return contains_float(t.element)
    return False


def contains_pointer(t: Type) -> bool:
    if t.is_pointer:
        return True
    if isinstance(t, StructType):
        return any(contains_pointer(e) for e in t.elements)
    if isinstance(t, (ArrayType, VectorType)):
        return contains_pointer(t.element)
    return False


def aggregate_member(t: Type, index: int) -> Type:
    if isinstance(t, StructType):
        return t.elements[index]
    if isinstance(t, (ArrayType, VectorType)):
        return t.element
    raise TypeError(f"{t} has no members")


def store_size(t: Type) -> int:
    """Size in bytes under the x86-64 data layout Numba uses."""
    if isinstance(t, IntType):
        return max(1, (t.bits + 7) // 8) if t.bits != 1 else 1
    if isinstance(t, FloatType):
        return {16: 2, 32: 4, 64: 8, 80: 16, 128: 16}[t.bits]
    if t.is_pointer:
        return 8
    if isinstance(t, ArrayType):
        return t.count * alloc_size(t.element)
    if isinstance(t, VectorType):
        if isinstance(t.element, IntType):
            return max(1, (t.count * t.element.bits + 7) // 8)
        return t.count * store_size(t.element)
    if isinstance(t, StructType):
        off = 0
        for e in t.elements:
            a = 1 if t.packed else align_of(e)
            off = (off + a - 1) // a * a + alloc_size(e)
        a = 1 if t.packed else align_of(t)
        return (off + a - 1) // a * a
    raise TypeError(f"no size for {t}")


def _pow2(n: int) -> int:
    p = 1
    while p < n:
        p *= 2
    return p


def align_of(t: Type) -> int:
    if isinstance(t, (ArrayType,)):
        return align_of(t.element)
    if isinstance(t, StructType):
        return 1 if t.packed else max([align_of(e) for e in t.elements] or [1])
    if isinstance(t, VectorType):
        return _pow2(store_size(t))
    return min(_pow2(store_size(t)), 16)


def alloc_size(t: Type) -> int:
    a = align_of(t)
    return (store_size(t) + a - 1) // a * a


def member_offset(t: StructType, index: int) -> int:
    off = 0
    for k, e in enumerate(t.elements):
        a = 1 if t.packed else align_of(e)
        off = (off + a - 1) // a * a
        if k == index:
            return off
        off += alloc_size(e)
    raise IndexError(index)

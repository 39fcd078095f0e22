"""The call classifier: what kind of call an instruction is, asked by every analysis and both
transforms, so that a callee is sorted in one place with one precedence.

Kinds, in the order a call is tested (the first that matches wins):

=============  ================================================================  ===========
kind           which calls                                                        rules in
=============  ================================================================  ===========
CUSTOM         a user rule or ``zymase.inactive`` (``custom.lookup_call``)          custom.py
CALLEE         a recursive ``@njit`` function whose body is in the module           callees.py
LAPACK         Numba's LAPACK entry points (``numba_xgesv``, ``numba_xxgetrf``, …)  linalg/lapack.py
BLAS_MATRIX    ``numba_xxgemv`` / ``numba_xxgemm``                                  linalg/blas.py
BLAS_VECTOR    ``numba_xxdot`` / ``numba_xxnrm2``                                   linalg/blas.py
ALLOCATOR      NRT MemInfo allocations (``table.ALLOCATORS``)                       table.py
C_MALLOC       raw heap blocks (``malloc``, ``calloc``, ``NRT_Allocate``, C++'s     table.py
               ``new``, Rust's ``__rust_alloc``: ``table.raw_allocator``)
C_REALLOC      ``realloc``, Rust's ``__rust_realloc``
C_FREE         ``free``, ``NRT_Free``, C++'s ``delete``, ``__rust_dealloc``
VARSIZE        a growable MemInfo's data moved or freed (``NRT_MemInfo_varsize_*``:   varsize.py
               Numba's lists and sets)
DEALLOCATOR    ``NRT_MemInfo_call_dtor``
REFCOUNT       ``NRT_incref`` / ``NRT_decref``
MEMINFO_DATA   MemInfo → data pointer
MEMSET         ``llvm.memset.*``
MEMCPY         ``llvm.memcpy.*``, ``llvm.memmove.*``
MATH           a value rule of the derivative table (libm, intrinsics, SciPy)       table.py
INACTIVE       calls that carry no derivative (``table.is_inactive_call``), and any  table.py
               ``noreturn`` call (an error path: a Rust panic, a C++ throw)
UNKNOWN        anything else: a call through a pointer, an unknown function
=============  ================================================================  ===========

The library kinds come from ``LIBRARY_RULES``: each family's ``CallRule``
(``call_rules.py``) says which names it matches, what its calls write and how both transforms
differentiate them.  Recognising another kind of call by name is one entry in ``_BY_NAME``;
what the transforms do with it lives with its rules.

Invariant: ``classify_call`` looks only at the callee (its name, and for CUSTOM/CALLEE what it is),
never at activity; what a kind means for a given call is decided by its rules.
"""
from __future__ import annotations

import enum
import re
from typing import List, Optional

from ..custom import lookup_call
from ..ir.types import I32, PTR
from ..ir.values import Function, Instruction, Module, Value
from .linalg import blas, lapack     # their call descriptions live with their rules
from . import table


# module attribute: names of functions whose calls carry no derivative (set by a front end)
INACTIVE_FUNCTIONS = "zymase_inactive_functions"
# module attribute: recursive C functions with pointer arguments (transforms/c_callees.py)
C_CALLEES = "zymase_c_callees"


class Kind(enum.Enum):
    CUSTOM = "custom"
    CALLEE = "callee"
    LAPACK = "lapack"
    BLAS_MATRIX = "blas-matrix"
    BLAS_VECTOR = "blas-vector"
    ALLOCATOR = "allocator"
    C_MALLOC = "c-malloc"
    C_REALLOC = "c-realloc"
    C_FREE = "c-free"
    VARSIZE = "varsize"
    DEALLOCATOR = "deallocator"
    REFCOUNT = "refcount"
    MEMINFO_DATA = "meminfo-data"
    MEMSET = "memset"
    MEMCPY = "memcpy"
    MATH = "math"
    INACTIVE = "inactive"
    INACTIVE_FN = "inactive-fn"   # a function the user marked inactive (C: enzyme_inactive)
    C_CALLEE = "c-callee"         # a recursive C function reading arrays (c_callees.py)
    PARALLEL_FOR = "parallel-for"  # Numba's launch of a parallel loop (transforms/parallel.py)
    C_CUSTOM_PTR = "c-custom-ptr"  # a C function of pointers with the program's own derivatives
                                   # taking shadows (table.pointer_derivative)
    ENZYME_CONTEXT = "enzyme-context"  # Enzyme's context API (frontend/c_context.py)
    UNKNOWN = "unknown"


# kinds that write no memory an analysis must track (math, bookkeeping, allocation)
NO_WRITES = {Kind.MATH, Kind.INACTIVE, Kind.C_CALLEE, Kind.ALLOCATOR, Kind.REFCOUNT, Kind.DEALLOCATOR,
             Kind.MEMINFO_DATA, Kind.C_MALLOC, Kind.C_FREE, Kind.C_REALLOC}


def _module_of(i: Instruction) -> Optional[Module]:
    block = i.block
    fn = block.function if block is not None else None
    return fn.module if fn is not None else None


def classify_call(i: Instruction, module: Optional[Module] = None) -> Kind:
    """The kind of call ``i`` (a ``call`` instruction); ``module`` lets CALLEE be found."""
    if lookup_call(i) is not None:
        return Kind.CUSTOM
    if table.pointer_derivative(i.callee_name or "") is not None:
        return Kind.C_CUSTOM_PTR
    if module is not None and defined_callee(module, i) is not None:
        return Kind.CALLEE
    name = i.callee_name or ""
    owner = module if module is not None else _module_of(i)
    if owner is not None and name in owner.__dict__.get(INACTIVE_FUNCTIONS, ()):
        return Kind.INACTIVE_FN
    if owner is not None and name in owner.__dict__.get(C_CALLEES, ()):
        return Kind.C_CALLEE
    if not name:
        return Kind.UNKNOWN
    for kind, matches in _BY_NAME:
        if matches(name):
            return kind
    if never_returns(i):
        return Kind.INACTIVE
    return Kind.UNKNOWN


def never_returns(i: Instruction) -> bool:
    """The call is ``noreturn`` (its own attributes or its callee's): an error path of the
    source language (a Rust panic, ``__cxa_throw``, ``abort``), which carries no derivative
    and never reaches the adjoint sweep."""
    words = (i.tail or "").split()
    if "noreturn" in words:
        return True
    fn = i.block.function if i.block is not None else None
    module = fn.module if fn is not None else None
    if module is None:
        return False
    groups = [w for w in words if w.startswith("#")]
    callee = module.functions.get(i.callee_name or "")
    if callee is not None:
        cw = (callee.attrs or "").split()
        if "noreturn" in cw:
            return True
        groups += [w for w in cw if w.startswith("#")]
    return any("noreturn" in module.attribute_groups.get(g, "").split() for g in groups)


# library calls: one rule object per family answers everything about its calls
# (rules/call_rules.py: what they write, their tangents, saves and adjoints)
LIBRARY_RULES = {
    Kind.LAPACK: lapack.RULE,
    Kind.BLAS_MATRIX: blas.MATRIX_RULE,
    Kind.BLAS_VECTOR: blas.VECTOR_RULE,
}

# the kinds recognised by the callee's name, in the order of the table above
_BY_NAME = tuple((kind, rule.matches) for kind, rule in LIBRARY_RULES.items()) + (
    (Kind.ALLOCATOR, lambda n: n in table.ALLOCATORS),
    (Kind.C_MALLOC, lambda n: table.raw_allocator(n) is not None),
    (Kind.C_REALLOC, lambda n: table.raw_realloc(n) is not None),
    (Kind.C_FREE, lambda n: table.raw_free(n)[0]),
    (Kind.VARSIZE, lambda n: n in table.VARSIZE_RESIZES or n in table.VARSIZE_FREES),
    (Kind.DEALLOCATOR, lambda n: n in table.DEALLOCATORS),
    (Kind.REFCOUNT, lambda n: n in table.REFCOUNT),
    (Kind.MEMINFO_DATA, lambda n: n in table.MEMINFO_DATA),
    (Kind.MEMSET, lambda n: n.startswith("llvm.memset.")),
    (Kind.MEMCPY, lambda n: n.startswith(("llvm.memcpy.", "llvm.memmove."))),
    (Kind.ENZYME_CONTEXT, lambda n: n in ("__enzyme_context", "__enzyme_shadow",
                                          "__enzyme_zero_shadows")),
    (Kind.MATH, lambda n: table.lookup(n) is not None),
    (Kind.PARALLEL_FOR, lambda n: n == "numba_parallel_for"),
    (Kind.INACTIVE, table.is_inactive_call),
)


def written_by(i: Instruction, kind: Kind) -> Optional[List[Value]]:
    """Pointers a call of ``kind`` may write through ([] if none), or None when it may write
    anywhere."""
    if kind in (Kind.MEMSET, Kind.MEMCPY):
        return [i.operands[0]]
    if kind in LIBRARY_RULES:
        return LIBRARY_RULES[kind].written(i)
    if kind is Kind.MATH:
        rule = table.lookup(i.callee_name or "")
        if rule is not None and rule.writes:
            return [i.operands[k] for k in rule.writes]
    if kind is Kind.VARSIZE:
        return [i.operands[0]]      # the MemInfo's data and size fields
    if kind in NO_WRITES:
        return []
    if any(o.type.is_pointer for o in i.operands):
        return None
    return []


def python_name(symbol: str) -> str:
    """``_ZN8__main__4factB2v2B…`` → ``__main__.fact`` (Numba's Itanium-style mangling);
    other names unchanged."""
    if not symbol.startswith("_ZN"):
        return symbol
    parts, k = [], 3
    while k < len(symbol) and symbol[k].isdigit():
        m = re.match(r"\d+", symbol[k:])
        n = int(m.group())
        k += len(m.group())
        parts.append(symbol[k:k + n])
        k += n
    return ".".join(parts) if parts else symbol


def defined_callee(module: Module, i: Instruction) -> Optional[Function]:
    """The Numba function (mangled name, Numba's calling convention) with a body in the
    module that a direct call ``i`` reaches — a call canonicalisation left in place:
    recursion — else None."""
    name = i.callee_name
    if not name or i.opcode != "call":
        return None
    fn = module.functions.get(name)
    if fn is None or fn.is_declaration or not name.startswith("_ZN"):
        return None         # runtime helpers defined in the module (NRT_incref, …) have rules
    ft = fn.fnty
    if not (ft.ret == I32 and len(ft.params) >= 2 and ft.params[0] == PTR
            and ft.params[1] == PTR):
        return None
    return fn

"""Emit calls to user rules (zymase.custom) in place of differentiating a callee.

A call to a ``CustomFunction`` reaches the IR either in Numba's calling convention
(``call i32 @f(ptr retptr, ptr excinfo, <flattened args>)``, result in ``*retptr``) or, for
ctypes/cffi functions, as a plain C call through a function pointer (result is the call's
value).  ``CallSite`` normalises both: Numba argument types, the flattened IR arguments, and
where the result lives.  Rules are compiled by ``CustomFunction.rule_function`` and reached
with Numba's calling convention; their IR is linked into the derivative's module
(``module.extra_ir``) so the derivative stays self-contained.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

import numba
from numba.core import types as nbt

from ..custom import CustomFunction
from ..errors import unsupported
from ..ir.builder import Builder
from ..ir.types import I32, PTR, FunctionType, Type
from ..ir.values import Instruction, Module, Value
from ..llvm.jit import value_type

@dataclass
class CallSite:
    cf: CustomFunction
    inst: Instruction
    argtypes: tuple            # Numba types of the Python-level arguments
    restype: object            # Numba type of the result
    args: List[Value]          # flattened IR arguments (without retptr/excinfo)
    retptr: Optional[Value]    # Numba convention: where the result is stored
    excinfo: Optional[Value]


def call_site(cf: CustomFunction, inst: Instruction) -> CallSite:
    if cf.dispatcher is not None:
        name = inst.callee_name
        for cres in cf.dispatcher.overloads.values():
            if cres.fndesc.llvm_func_name == name:
                sig = cres.signature
                return CallSite(cf, inst, tuple(sig.args), sig.return_type, list(inst.operands[2:]),
                                inst.operands[0], inst.operands[1])
        raise unsupported(f"a call to `{cf.name}` with an unknown signature", inst.loc)
    # a C function (ctypes or cffi): its Numba signature is the one Numba typed the call with
    try:
        sig = numba.typeof(cf.fn).sig
    except (TypeError, ValueError, AttributeError):
        sig = None
    if sig is None or not all(isinstance(t, (nbt.Float, nbt.Integer))
                              for t in sig.args + (sig.return_type,)):
        raise unsupported(f"a custom derivative for the C function `{cf.name}` whose argument "
                          f"and result types are not all float/int types", inst.loc,
                          help="for ctypes, set fn.argtypes and fn.restype")
    argtypes, restype = tuple(sig.args), sig.return_type
    return CallSite(cf, inst, argtypes, restype, list(inst.operands), None, None)


def emit_rule_call(module: Module, b: Builder, entry: Builder, site: CallSite, kind: str,
                   argtypes: tuple, args: List[Value], excinfo: Value) -> Value:
    """Call the compiled rule; returns its result value (the loaded return struct)."""
    symbol, lib, sig = site.cf.rule_function(kind, argtypes)
    _link(module, lib, symbol)
    vt = value_type(sig.return_type)
    slot = entry.alloca(vt)
    fnty = FunctionType(I32, (PTR, PTR) + tuple(a.type for a in args))
    b.call(symbol, fnty, [slot, excinfo] + list(args))
    return b.load(vt, slot)


def _link(module: Module, lib, symbol: str):
    extra = module.__dict__.setdefault("extra_ir", {})
    if symbol not in extra:
        extra[symbol] = str(lib._final_module)


def with_shadows(i: Instruction, active, sb, b: Builder, what: str):
    """The arguments (and their types) of a program's own derivative of a C function of
    pointers (Enzyme's ``__enzyme_register_derivative/gradient``): each operand, and after
    each pointer its shadow.  A pointer without a shadow cannot be passed: refused by name
    (``what`` says which derivative the callee has)."""
    name = i.callee_name or "?"
    args, types = [], []
    for o in i.operands:
        args.append(o)
        types.append(o.type)
        if o.type.is_pointer:
            if o not in active:
                raise unsupported(f"a call of `{name}` (it has a registered {what}) with a "
                                  f"pointer argument that has no shadow", i.loc)
            args.append(sb.sh(o, b))
            types.append(o.type)
    return args, types

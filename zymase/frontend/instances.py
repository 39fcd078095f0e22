"""jitclass instances passed to a derivative with a shadow instance (``Duplicated`` /
``Dual``): what the front end must refuse before the transforms run.

A shadow instance mirrors the primal's layout: its float attributes hold adjoints or
tangents, its array attributes are array shadows, nested instances recursively
(``numba.numba_signature`` passes the instance's MemInfo and data pointers with the shadow's as
pointer inputs).  That mirror survives writes of floats into the instance, not the
replacement of a member that holds memory (``p.w = p.w * x``): refused here by name.
"""
from __future__ import annotations

from numba.core import types

from .numba import ArgMap
def check_instance_shadows(fn, argmap: ArgMap, activities) -> None:
    """Refuse what a shadow instance cannot follow: the function storing a pointer (an array
    or instance attribute replaced: ``p.w = p.w * x``) into a jitclass instance passed with a
    shadow.  The shadow instance would have to take the shadow of the new member, which in
    reverse mode lives only until the end of the sweep and would leave the old member's
    adjoint behind; so the store is refused by name.  Float attributes may be overwritten
    (their shadows behave like array elements).  Conservative: a pointer stored through an
    address of unknown origin counts as a store into the instance."""
    from ..analysis.types import analyse_types
    from ..analysis.writes import fresh_origins
    from ..errors import unsupported
    from ..ir.values import Constant
    shadowed = {}
    for info, act in zip(argmap.args, activities):
        if act.has_shadow and isinstance(info.nbtype, types.ClassInstanceType):
            for p in info.params:
                shadowed[fn.args[p]] = info.name
    if not shadowed:
        return
    tys = analyse_types(fn)
    fresh = fresh_origins(fn, tys)
    harmless = {fn.args[0], fn.args[1]} | set(fn.args) - set(shadowed)
    for i in fn.instructions():
        if i.opcode == "store":
            if not i.operands[0].type.is_pointer:
                continue
            dsts = [i.operands[1]]
        elif i.opcode == "call" and (i.callee_name or "").startswith(("llvm.memcpy",
                                                                       "llvm.memmove")):
            dsts = [i.operands[0]]
        else:
            continue
        for d in dsts:
            for o in tys.origins_of(d):
                if o in fresh or o in harmless or isinstance(o, Constant):
                    continue
                name = shadowed.get(o)
                what = f"the jitclass instance `{name}`" if name else \
                    "memory that may belong to a jitclass instance passed with a shadow"
                raise unsupported(f"replacing an array or instance attribute of {what} "
                                  f"(a pointer stored into it)", i.loc,
                                  "pass the instance as Const, or assign into the attribute's "
                                  "elements (`p.w[:] = ...`) instead of replacing it")

"""Reference counts on borrowed arguments: dropped when the pointer goes nowhere else.

Numba passes arrays as borrowed references: the caller holds one for the whole call.  Code
inlined into a function increfs an argument's MemInfo where a callee receives it and decrefs
it afterwards — on the normal path only: a raise leaves the function without the decref
(Numba's own pruning, run after O3 on the primal, usually removes such pairs; the cheap
canonicalisation pipeline cannot when a loop lies between them).  A derivative that kept the
pair would leak one reference to the caller's array — and, in forward mode, the mirrored one
on its shadow — every time the function raises.

When every use of a pointer parameter is an ``NRT_incref`` / ``NRT_decref`` call, the object
cannot escape: it is not stored, returned or passed on, so the function can neither hand out
a new reference nor drop the caller's.  Its count then stays above zero throughout the call
whatever those calls do, and removing them all changes nothing but the leak.

Invariant: only calls whose sole pointer operand is such a parameter are removed.
"""
from __future__ import annotations

from ..ir.values import Function

_RC = ("NRT_incref", "NRT_decref")


def drop_borrowed_refcounts(fn: Function) -> int:
    """Remove refcount calls on parameters used by nothing else; returns how many."""
    users = fn.users()
    dropped = 0
    for a in fn.args:
        if not a.type.is_pointer:
            continue
        uses = users.get(a, [])
        if not uses or not all(u.opcode == "call" and u.callee_name in _RC
                               and u.operands == [a] for u in uses):
            continue
        for u in uses:
            u.erase()
            dropped += 1
    return dropped

"""``realloc`` in reverse mode: lowered to ``malloc`` + ``memcpy`` + ``free`` before the
transform.

The adjoint sweep re-reads the old block's shadow (and, through the tape, values loaded from
the old block) after the forward sweep has moved on; an in-place ``realloc`` would have
released it.  Spelled as a fresh allocation, a copy of ``min(usable size of the old block,
new size)`` bytes and a ``free``, every piece has a rule already: the new block gets a zeroed
shadow, the copy's adjoint adds the new shadow's bytes back into the old one, and the
``free`` of the old block (and of its shadow) is deferred to the end of the adjoint sweep like
every other ``free``.  ``malloc_usable_size`` is at least the size the block was asked for
and never past its end, so the copy reads only the block's own bytes; ``realloc(NULL, n)``
copies nothing (the usable size of NULL is 0) and ``free(NULL)`` does nothing, exactly as
``realloc`` behaves.

Forward mode keeps ``realloc`` (its shadow is reallocated alongside: nothing is re-read).
"""
from __future__ import annotations

from ..ir.builder import Builder
from ..ir.types import I64, PTR, VOID, FunctionType
from ..ir.values import Function, Module
from ..rules import table


def lower_realloc(module: Module, fn: Function) -> int:
    """Rewrite every ``realloc`` call in ``fn``; returns how many there were."""
    calls = [i for i in fn.instructions()
             if i.opcode == "call" and i.callee_name == table.C_REALLOC]
    for i in calls:
        old, size = i.operands[0], i.operands[1]
        b = Builder(module, loc=i.loc).before(i)
        usable = b.call("malloc_usable_size", FunctionType(I64, (PTR,)), [old])
        new = b.call("malloc", FunctionType(PTR, (I64,)), [size])
        n = b.select(b.icmp("ult", usable, size), usable, size)
        b.memcpy(new, old, n)
        b.call("free", FunctionType(VOID, (PTR,)), [old])
        fn.replace_all_uses(i, new)
        i.erase()
    return len(calls)

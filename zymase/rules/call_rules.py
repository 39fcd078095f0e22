"""The call-rule protocol: one object per family of library calls, asked by the classifier,
the analyses and both transforms.

A library call (BLAS, LAPACK) is an external C function that reads float memory and writes
its results through pointers, so neither the value rules of ``table.py`` nor
instruction-by-instruction differentiation can see into it.  Its rule says everything the
engine needs, in one place:

==============================  ==============================================================
``names``                       the callee names it matches (the classifier's table is built
                                from ``calls.LIBRARY_RULES``)
``written(i)``                  the pointers the call may write (activity and write analyses)
``describe(i, active)``         its operands, parsed (None: nothing to differentiate here)
``inputs(c)``                   the pointer operands whose shadows carry tangents / adjoints
``has_work(c, on, active, i)``  whether, with these active inputs, there is a derivative
``tangent(ctx, i, c, on)``      forward mode: the shadows of its outputs from its inputs'
``save(ctx, i, c, on)``         reverse mode, forward sweep: copy what the adjoint needs (the
                                arrays may be overwritten later) to a heap block; its address
``needs(c, buf, on, shadow)``   the forward values the adjoint reads back (the tape plan)
``adjoint(ctx, c, buf, on)``    reverse mode: the adjoints of its inputs from its outputs'
==============================  ==============================================================

``CallContext`` hides which transform asks: in forward mode a shadow is made on demand
(``ShadowBuilder.sh``) and forward values are themselves; in the adjoint sweep a shadow is the
one the forward sweep made, and every forward value is materialised (``r``: taped or
recomputed).  At width N, ``lanes(p)`` gives the N lanes of ``p``'s shadow and a rule runs its
kernel once per lane.

Adding a library routine is one rule in its family's file (``linalg/blas.py``,
``linalg/lapack.py``) and, for a new family, one entry in ``calls.LIBRARY_RULES``.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Dict, List, Optional

from ..ir.builder import Builder
from ..ir.types import VectorType
from ..ir.values import Instruction, Value


@dataclasses.dataclass
class CallContext:
    b: Builder                                   # where the rule's code goes
    entry: Callable[[], Builder]                 # a builder for allocas dominating everything
    width: int
    sb: object                                   # transforms.shadows.ShadowBuilder
    r: Callable[[Value], Value] = lambda v: v    # a forward value where the code runs
    reverse: bool = False
    # records an access to shadow memory for the alias scopes (reverse mode)
    shadow_access: Callable[[Instruction, Value], None] = lambda inst, p: None

    def stype(self, t):
        """The type of a shadow value of type ``t`` at this width."""
        return t if self.width == 1 else VectorType(self.width, t)

    def shadow(self, p: Value) -> Value:
        """The shadow of primal pointer ``p`` (an ``<N x ptr>`` at width N)."""
        if self.reverse:
            return self.r(self.sb.shadow[p])
        return self.sb.sh(p, self.b)

    def lanes(self, p: Value) -> List[Value]:
        return self.sb.lanes(self.b, self.shadow(p))

    def lanes_if(self, ptrs: List[Value], on: List[bool]) -> List[List[Optional[Value]]]:
        """Per pointer: its shadow's lanes, or N Nones for an inactive one."""
        return [self.lanes(p) if ok else [None] * self.width for p, ok in zip(ptrs, on)]


class CallRule:
    """Base of the library call rules (see the module docstring for the protocol)."""
    names: frozenset = frozenset()

    def matches(self, name: str) -> bool:
        return name in self.names

    def written(self, i: Instruction) -> Optional[List[Value]]:
        raise NotImplementedError

    def describe(self, i: Instruction, active):
        raise NotImplementedError

    def inputs(self, c) -> List[Value]:
        raise NotImplementedError

    def has_work(self, c, on: List[bool], active, i: Instruction) -> bool:
        return any(on)

    def tangent(self, ctx: CallContext, i: Instruction, c, on: List[bool]) -> None:
        raise NotImplementedError

    def save(self, ctx: CallContext, i: Instruction, c, on: List[bool]) -> Value:
        raise NotImplementedError

    def needs(self, c, buf: Value, on: List[bool], shadow: Dict[Value, Value]) -> List[Value]:
        raise NotImplementedError

    def adjoint(self, ctx: CallContext, c, buf: Value, on: List[bool]) -> None:
        raise NotImplementedError

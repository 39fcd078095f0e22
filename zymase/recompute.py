"""``zymase.recompute``: a callee whose internals are not taped (in the spirit of
``jax.checkpoint``).

Canonicalisation normally inlines every ``@njit`` callee, so its intermediate values land on
the caller's tape like the caller's own.  A function marked ``@zymase.recompute`` is kept out
of line instead (its compiled symbols join the protected ones), so its calls stay calls and
are differentiated through the callee itself (``transforms/callees.py``): the caller's forward
sweep runs the callee's forward derivative once per active float argument and keeps only the
k partial derivatives of the result — the callee's own intermediate values are recomputed
inside those calls, never taped.  Memory per call: k floats instead of the callee's tape.

Scope (refused by name by ``callees.py`` otherwise): scalar float/integer arguments and a float
result — a callee reading arrays would need its memory unchanged until the adjoint sweep.
"""
from __future__ import annotations

from typing import Dict, Set

import numba
from numba.core.dispatcher import Dispatcher

_marked: Dict[int, Dispatcher] = {}


def recompute(fn):
    """Mark an ``@njit`` function (or a plain function, compiled with ``numba.njit``) so that
    derivatives of its callers recompute it instead of taping its internals.  Returns the
    dispatcher, usable wherever ``fn`` was."""
    disp = fn if isinstance(fn, Dispatcher) else numba.njit(fn)
    _marked[id(disp)] = disp
    return disp


def recompute_symbols() -> Set[str]:
    """The compiled symbols of every marked function (canonicalisation keeps them out of
    line)."""
    return {cres.fndesc.llvm_func_name for d in list(_marked.values())
            for cres in d.overloads.values()}

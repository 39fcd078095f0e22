"""The program generator's state and the scopes it generates in (see ``gen.py``).

The generator is one object assembled from three mixins over ``GenState``, one per part of
the grammar: ``gen_exprs.Expressions`` (float and array expressions), ``gen_stmts.Statements``
(statements, loops, branches) and ``gen_helpers.Helpers`` (the ``@njit`` helpers and calls
to them).  The parts are mutually recursive — an expression may call a helper, a helper's
body is a block of statements, a statement holds expressions — so each mixin calls the
others' productions through ``self``; ``gen.Generator`` combines them.  Only ``GenState``
sets attributes.

Reproducibility invariant: a seed's program is a pure function of the sequence of draws from
two ``random.Random`` streams.  ``rng`` serves the generator's first version; ``rng2``
serves every decision added after it, so adding a feature does not change the programs of
existing seeds (regression tests and bug reports name seeds).  Any change must keep both
streams' draws in the same order.

``lenvar`` is the name of the length in scope: ``n`` in ``f`` (at least 1, so constant
indices ``0``, ``n - 1``, ``n // 2`` are in bounds), ``m`` inside a helper, whose arrays may
be empty slices (no constant index, no whole-array reduction that fails on empty input).
"""
from __future__ import annotations

import random
from contextlib import contextmanager
from typing import Dict, List, Optional, Set

PROFILES = {
    # stmts per block, nesting depth, expression depth, helpers, top-level statements
    "tiny": dict(block=2, depth=2, expr=2, helpers=1, top=2),
    "small": dict(block=2, depth=2, expr=2, helpers=1, top=4),
    "medium": dict(block=3, depth=3, expr=3, helpers=2, top=5),
    "large": dict(block=4, depth=3, expr=3, helpers=3, top=8),
}


class Scope:
    """Variables visible at a point: name → kind.

    kinds: ``f`` float64 scalar, ``f32`` float32 scalar, ``i`` int, ``a`` float64 array of
    the current length, ``ro`` an array that must not be written (``c``), ``a32`` float32
    array, ``m`` float64 (len, len) matrix."""

    def __init__(self, parent: Optional["Scope"] = None):
        self.vars: Dict[str, str] = dict(parent.vars) if parent else {}
        self.idx: List[str] = list(parent.idx) if parent else []    # in-bounds index vars
        # index vars that also stay in bounds with an offset (stencils): var → "+ 1" / "- 1"
        self.offsets: Dict[str, str] = dict(parent.offsets) if parent else {}
        self.loop = parent.loop if parent else None    # None | "for" | "while"
        self.depth = parent.depth + 1 if parent else 0

    def of(self, *kinds):
        return [n for n, k in self.vars.items() if k in kinds]


class GenState:
    """Random streams, fresh names, features used, and the context the productions read."""

    def __init__(self, seed: int, profile: str = "small", prefix: str = ""):
        self.rng = random.Random(seed)
        # decisions added after the generator's first version draw from their own stream, so
        # the programs of earlier seeds stay what they were
        self.rng2 = random.Random(seed * 1000003 + 7)
        self.seed = seed
        self.profile = profile
        self.p = PROFILES[profile]
        self.prefix = prefix
        self.counter = 0
        self.helpers: List[dict] = []      # {name, kind, src}
        self.features: Set[str] = set()
        self.lenvar = "n"
        # a Const array element chosen by a select/phi against an active one is refused by
        # zymase ("mixes memory with and without a shadow"); mix_const=False avoids it
        self.mix_const = True
        self.in_select = 0
        self.light = False          # no matrices, shallow array expressions (cheap to compile)

    # -- small utilities ---------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(list(seq))

    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"{self.prefix}{base}{self.counter}"

    def const(self) -> str:
        return self.pick(["0.5", "1.25", "2.0", "0.75", "-0.5", "1.5", "0.3", "-1.25"])

    def indent(self, lines: List[str]) -> List[str]:
        return ["    " + l for l in lines]

    def writable(self, sc: Scope, kinds=("a",)) -> Optional[str]:
        arrs = sc.of(*kinds)
        return self.pick(arrs) if arrs else None

    # -- context -----------------------------------------------------------------------------
    @contextmanager
    def selecting(self):
        """Inside the operands of a select (``min``/``max``, a conditional expression): with
        ``mix_const=False`` no Const array element may be chosen there."""
        self.in_select += 1
        try:
            yield
        finally:
            self.in_select -= 1

    @contextmanager
    def frame(self, lenvar: str, helpers: List[dict]):
        """Generate with another length variable and set of callable helpers (a helper's
        body; a call restricted to some helpers), restoring the current ones after."""
        saved = self.lenvar, self.helpers
        self.lenvar, self.helpers = lenvar, helpers
        try:
            yield
        finally:
            self.lenvar, self.helpers = saved

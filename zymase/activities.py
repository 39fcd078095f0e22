"""Activity annotations (Enzyme / Rust ``std::autodiff`` vocabulary) and modes.

An activity says what the caller passes for an argument and what comes back:

======  ================  =========================  ==========================================
mode    activity          caller passes              result
======  ================  =========================  ==========================================
both    Const             x                          nothing for x
rev     Active            x (float scalar)           its adjoint, in the result tuple
rev     Duplicated        x, dx                      adjoint added into dx
rev     DuplicatedOnly    x, dx                      as Duplicated; x's final contents unspecified
fwd     Dual              x, dx                      tangent flows in/out through dx
fwd     DualOnly          x, dx                      as Dual; primal output not needed
======  ================  =========================  ==========================================

Return activities: reverse ``Active`` (trailing seed, result ``(primal, *adjoints)``),
``ActiveOnly`` (``(*adjoints)``), ``Duplicated`` for array returns (seed array) and tuple
returns (a tuple of seeds shaped like the result: floats, arrays, None for integers);
forward ``Dual`` → ``(primal, tangent)``, ``DualOnly`` → ``tangent``, ``Const`` → primal.
"""
from __future__ import annotations

import enum


class Mode(enum.Enum):
    FORWARD = "forward"
    REVERSE = "reverse"


class Activity:
    __slots__ = ()
    name = "Activity"
    modes: tuple = ()
    has_shadow = False     # caller passes a shadow next to the primal
    needs_primal = True    # False for the *Only variants

    def __repr__(self):
        return self.name

    def __reduce__(self):
        return self.name


def _make(name, modes, has_shadow=False, needs_primal=True, doc=""):
    cls = type(name, (Activity,), {"name": name, "modes": modes, "has_shadow": has_shadow,
                                   "needs_primal": needs_primal, "__doc__": doc, "__slots__": ()})
    return cls()


Const = _make("Const", (Mode.FORWARD, Mode.REVERSE), doc="No derivative flows through this argument.")
Active = _make("Active", (Mode.REVERSE,), doc="Float scalar whose adjoint is returned.")
ActiveOnly = _make("ActiveOnly", (Mode.REVERSE,), needs_primal=False,
                   doc="Return activity: only the adjoints are returned, not the primal.")
Duplicated = _make("Duplicated", (Mode.REVERSE,), has_shadow=True,
                   doc="Array with a shadow array; the adjoint is added into the shadow.")
DuplicatedOnly = _make("DuplicatedOnly", (Mode.REVERSE,), has_shadow=True, needs_primal=False,
                       doc="As Duplicated, but the primal's final contents are unspecified.")
Dual = _make("Dual", (Mode.FORWARD,), has_shadow=True, doc="Value with a tangent passed next to it.")
DualOnly = _make("DualOnly", (Mode.FORWARD,), has_shadow=True, needs_primal=False,
                 doc="As Dual; the primal result is not returned.")

ALL = {a.name: a for a in (Const, Active, ActiveOnly, Duplicated, DuplicatedOnly, Dual, DualOnly)}

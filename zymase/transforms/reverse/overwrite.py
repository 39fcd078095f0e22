"""Set-mode load adjoints and stores without zeroing, for overwritten temporaries.

``analysis/overwrites.py`` proves, per fresh array, that its one load's adjoint may *set*
the shadow cell and which stores' adjoints need not zero theirs.  This module decides what
the sweep actually does with the proof: the two go together (a store may leave its cell
unzeroed only because the load's adjoint overwrites it), so an array whose load the sweep
emits some other way — as a member of a sliding window (windows.py) — keeps today's code
altogether.  Batched derivatives and checkpointed loops (whose adjoint segments are
re-entered) keep it too.  The emission itself is in ``adjoints.py`` (``flush``) and
``sweep.py`` (the store adjoint).
"""
from __future__ import annotations

from ...analysis.overwrites import OverwriteResults, analyse_overwrites


def plan_overwrites(frame, aug, li, primal_insts, wplan, checkpointing: bool) -> OverwriteResults:
    if frame.width != 1 or checkpointing:
        return OverwriteResults()
    res = analyse_overwrites(frame.fn, aug.act.types, li, primal_insts)
    for ld in list(res.set_loads):
        if ld in wplan.window_of:
            res.set_loads.discard(ld)
            origins = aug.act.types.origins_of(ld.operands[0])
            res.nozero_stores = {s for s in res.nozero_stores
                                 if not (aug.act.types.origins_of(s.operands[1]) & origins)}
            res.verdicts.append(f";   (%{ld.name or '?'} is reversed by a sliding window: "
                                "its array keeps add mode)")
    return res

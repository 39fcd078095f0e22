"""Reverse mode: augmented forward sweep + adjoint sweep in one function, with a tape.

Algorithm (combined mode, like Enzyme's ``CombinedReverse``)
1. Build the derivative function (the signature's parameters: x, dx, …, seed), clone the
   primal body into it (skeleton.py); the primal's result goes to a local slot whose
   *shadow* holds the return adjoint.  Seeds for activity analysis: Active float params,
   Duplicated pointers (their shadows are the caller's dx; for Numba arrays the data
   pointers and MemInfos), the return slot.
2. Forward sweep (the cloned primal, augmented): pointers that may address active memory get
   shadow pointers exactly as in forward mode (GEP on the shadow base, pointer loads from
   shadow memory, a zeroed shadow for every NRT allocation and float alloca).  Shadow
   allocations are recorded on a free list instead of following the primal's refcounts: the
   adjoint sweep still needs them after the primal has freed its arrays.
3. Tape: for every block, the values its adjoint code needs (operands of active float
   instructions that appear in their rules, shadow pointers of active loads/stores, select
   conditions) are pushed at the end of the block, then the block's id (see tape.py).  Values
   that dominate the whole adjoint sweep (arguments, the entry blocks) are not taped.
4. Each ``ret`` becomes: status ≠ 0 → free everything, return the status (exceptions
   propagate, no adjoint sweep); status = 0 (or no status: the C ABI) → start the sweep with
   ``ret_bar = seed`` (1.0 for the C ABI, as ``__enzyme_autodiff``).  An array result's
   shadow is memory (the shadow of the return slot holds the shadow descriptor the forward
   sweep stored there): its seed array is added into it.  A tuple result's shadow slot has
   the result's struct type: float elements' seeds are stored into their fields (the
   adjoints of the primal's stores into the return slot pick them up), array elements'
   seed arrays are added into the element shadows.
5. Adjoint sweep: a dispatcher pops a block id and jumps to that block's adjoint code, which
   pops its values and walks the block's instructions backwards:
       float op r = f(x, y):    x_bar += r_bar · ∂f/∂x  (rules table), r_bar = 0
       r = load p:              shadow(p) += r_bar
       store v, p:              v_bar += shadow(p); shadow(p) = 0
       phi:                     the predecessor is the id now on top of the tape; its
                                incoming value's adjoint receives the phi's
   Adjoints of SSA floats live in zero-initialised stack slots (promoted by O3); each is reset
   when its definition is reversed, so loop iterations never mix.
6. When the tape is empty: free shadow allocations and the tape, hand back
   ``(primal, *adjoints of Active args)`` as the signature's ``Results`` say.

The gradient is with respect to the values at entry even when the function overwrites its
arrays: the adjoint sweep reads only taped values, never primal memory (except argument
memory the function provably never writes, which it may re-load).

What the adjoint code is allowed to reorder, and what it may leave out:
* Load adjoints ``shadow(p) += r̄`` commute with each other, so they wait in ``pending`` until
  something reads shadow memory (a store's adjoint, a call) or the block ends, and go out in
  stencil-friendly address order.  In a loop whose adjoint only accumulates, one into a
  loop-invariant address is summed in a register and written when the sweep leaves the loop;
  in a stencil loop a sliding window of registers writes each cell once (``_plan_windows``).
* Blocks that can only end in an exception are never dispatched to: the adjoint sweep runs
  after successful returns only.
* A counted loop's trip count is recomputed from its bounds when they are available in the
  adjoint sweep (``_plan_trip_counts``); otherwise it is taped at the exit.
* A loop whose iterations' adjoints commute is reversed first iteration to last
  (``orderfree.py``): no lane reversals when LLVM vectorises it.
* A temporary rewritten every step before it is read (analysis/overwrites.py): its load's
  adjoint sets the shadow cell, its first stores' adjoints skip the zeroing
  (``overwrite.py``).
* Loads and stores carry scoped-noalias metadata (primal / tape / one scope per shadow
  allocation, scopes.py), so LLVM can keep adjoints in registers and vectorise.
* BLAS/LAPACK calls (blas.py, lapack.py) copy what their adjoint needs to a heap block when
  they run and are reversed by call rules.

Width N (batched reverse): the forward sweep runs once and the tape is shared; every adjoint
is an ``<N x T>`` vector (slots, phis and rule products: partials are computed once and
splatted), and every shadow pointer an ``<N x ptr>`` whose lane k addresses shadow k (the
caller's ``dx[k]``), so adjoint loads/stores through shadows are gathers/scatters.  Shadow
allocations are made per lane; taped shadow pointers take N tape slots; a custom rule's
``bwd`` runs once per lane; an array result's shadow is one slot per lane, seeded with
``seed[k]``.  Invariant: lane k computes exactly what the width-1 derivative computes with
seed k and shadows k.

The layers, each a module (one concept, one plan object a test can print):

    frame.py       step 1: the function, the cloned body, the seeds     -> Frame
    augment.py     step 2: activity, shadows, free lists                -> Augmented
    calls.py       call rules: custom, recursive, BLAS/LAPACK saves and adjoints
    plan.py        step 3: what is taped, what is recomputed            -> TapePlan, Recompute
    loops.py       skipped / accumulating loops, computed trip counts   -> LoopPlan
    regions.py     skipped acyclic regions (no adjoint work), into the LoopPlan
    windows.py     sliding windows of stencil loops                     -> WindowPlan
    overwrite.py   set-mode loads / unzeroed stores of overwritten temporaries
    orderfree.py   adjoint loops run in the primal's direction          -> LoopPlan.order_free
    lastpick.py    running maxima/minima: the last pick instead of taped comparisons
    instrument.py  step 3: the forward sweep's pushes and counters      -> TapeLayout
    adjoints.py    adjoint slots, deferred and promoted accumulations   (AdjointStore)
    sweep.py       step 5: the reverse blocks and per-instruction adjoints
    results.py     steps 4 and 6: seeding the sweep, returning the results
    versioning.py  last: innermost loops copied without capacity checks, entered after one
                   tape reservation for the whole run (planned before step 3)

``reverse_transform`` below runs them in that order; no layer reaches back into a later one.
"""

from __future__ import annotations

import dataclasses
from typing import Optional, Set

from ...activities import Mode
from ...analysis.loops import analyse_loops, failing_blocks
from .regions import Region, find_free_regions
from ...ir.values import Function, Module
from ..scopes import AliasScopes
from ..signature import DerivResult, DerivSignature
from .adjoints import AdjointStore
from .augment import Augmented, augment
from .checkpoint import apply_checkpoints
from .checkpoint_plan import select_loops
from .frame import Frame, build_frame
from .instrument import TapeLayout, instrument, reserve_capacity
from .keepalive import keep_alive
from .lastpick import find_last_picks, plan_jumps
from .loops import (LoopPlan, find_accumulating_loops, find_free_loops, iv_step,
                    plan_iv_entries, plan_trip_counts)
from .oom import OutOfMemory
from .plan import Recompute, TapePlan
from .results import finish
from .sweep import AdjointSweep
from .windows import WindowPlan, finish_windows, plan_windows
from .overwrite import plan_overwrites
from .versioning import plan_versions, version_loops
from .orderfree import plan_order_free

__all__ = ["reverse_transform", "ReversePlan"]


@dataclasses.dataclass(frozen=True)
class ReversePlan:
    """Everything the transform decided, for reports and tests (``DerivResult.transform``)."""
    frame: Frame
    augmented: Augmented
    tape: TapePlan
    loops: LoopPlan
    windows: WindowPlan
    layout: TapeLayout
    checkpointed: tuple = ()                     # headers of loops reversed from snapshots
    overwrites: object = None                    # analysis.overwrites.OverwriteResults
    versioned: tuple = ()                        # versioning.Version of each copied loop

    def activity_dump(self) -> str:
        act = self.augmented.act
        return act.dump() + "\n" + act.types.dump()

    def report(self) -> str:
        """The tape plan in words (``ZYMASE_PRINT=tape``)."""
        tp, lp, lay = self.tape, self.loops, self.layout
        lines = [f"; tape of {self.frame.name}: 8-byte slots pushed when each block runs",
                 ";   leaves (taped once per definition): "
                 + ", ".join(f"%{v.name or '?'}:{v.type}" + (" (induction variable, inverted)"
                                                            if v in tp.iv else "")
                             for v in tp.leaves),
                 ";   counted loops (iteration count taped at exit): "
                 + ", ".join(h.name for h, l in lp.counted.items() if l not in lp.trip),
                 ";   counted loops (iteration count computed by the adjoint sweep): "
                 + ", ".join(l.header.name for l in lp.trip)]
        if self.checkpointed:
            lines.append(";   loops reversed from snapshots (checkpoint=, one iteration taped at "
                         "a time): " + ", ".join(self.checkpointed))
        skipped = [l.header.name for l in lp.free_saves if not isinstance(l, Region)]
        if skipped:
            lines.append(";   loops the adjoint sweep skips (no adjoint work): " + ", ".join(skipped))
        regions = [l for l in lp.free_saves if isinstance(l, Region)]
        if regions:
            lines.append(f";   regions the adjoint sweep skips (no adjoint work, regions.py): "
                         f"{len(regions)}, {sum(len(r.blocks) for r in regions)} blocks, after "
                         + ", ".join(r.preheader.name for r in regions[:8])
                         + (", …" if len(regions) > 8 else ""))
        if lp.order_free:
            lines.append(";   loops whose adjoint runs first iteration to last (order-free): "
                         + ", ".join(sorted(l.header.name for l in lp.order_free)))
        if lp.picks:
            lines.append(";   running extrema (their last pick taped once per run, not the value "
                         "per iteration): " + ", ".join(
                             f"%{pk.phi.name or '?'} in {pk.loop.header.name}"
                             + (" (the sweep reverses only that iteration)" if pk.jump else "")
                             for pk in lp.picks.values()))
        if self.versioned:
            lines.append(";   loops versioned (one tape reservation before the run, then a copy "
                         "without capacity checks; versioning.py): " + ", ".join(
                             f"{v.loop.header.name} ({v.per_iter} slot{'s' * (v.per_iter > 1)}"
                             f"/iteration)" for v in self.versioned))
        if lp.acc_loops:
            lines.append(";   loops whose adjoint only accumulates (invariant addresses summed in "
                         "registers): " + ", ".join(sorted(l.header.name for l in lp.acc_loops)))
        for loop, ws in self.windows.loop_windows.items():
            for w in ws:
                lines.append(f";   window in loop {loop.header.name}: offsets {w.umin}..{w.umax} "
                             f"({'set' if w.set_mode else 'add'} mode)"
                             + (", mirrored" if w.asc else ""))
        if self.overwrites is not None and self.overwrites.verdicts:
            lines.append(self.overwrites.dump())
        for blk, n in lay.need.items():
            if n:
                what = ", ".join(lay.pushed.get(blk, ()))
                lines.append(f"  {blk.name}: {n}" + (f"  ({what})" if what else ""))
        return "\n".join(lines)


def reverse_transform(module: Module, primal: Function, sig: DerivSignature, name: str,
                      tape_counter: Optional[int] = None, checkpoint=None) -> DerivResult:
    """Build ``name``, the reverse derivative of ``primal`` described by ``sig``, in
    ``module`` (the primal stays).  ``tape_counter``: an address where each call stores the
    bytes of tape it used.  ``checkpoint``: a ``checkpoint.Checkpoint`` — the outermost
    counted loops are reversed by recomputation from snapshots (checkpoint.py)."""
    from ..parallel import refuse_derivative_launches
    refuse_derivative_launches(primal, Mode.REVERSE)
    scopes = AliasScopes(module, name)
    frame = build_frame(module, primal, sig, name)                       # 1
    aug = augment(frame, scopes)                                         # 2
    fn = frame.fn
    li = analyse_loops(fn)
    # the adjoint sweep never comes back through exception paths
    failing_edges: Set = set()
    failing = failing_blocks(fn, failing_edges, statuses=bool(sig.ret.status))
    blocks = [b for b in li.order if b is not fn.entry]
    primal_insts = {i for b in blocks for i in aug.snapshot.get(b, ())}
    rc = Recompute(frame, aug, primal_insts)                             # 3: the plans
    # running extrema: the adjoint needs only each run's last pick, not every comparison
    picks = find_last_picks(frame, aug, li, failing, checkpoint)
    rc.plan(blocks, skip=picks)
    iv_entry = plan_iv_entries(li, rc)
    keep_alive(frame, aug, rc.kept)     # arrays the sweep reads again outlive the primal's use
    # primal and shadow instructions of each block (shadow pointer phis can be leaves
    # too), captured before any tape instrumentation is added
    body = {blk: list(blk.instructions) for blk in blocks}
    free_of, free_saves, free_exit = find_free_loops(li, aug, rc.leaves)
    find_free_regions(li, aug, rc.leaves, blocks, failing, failing_edges, free_of, free_saves,
                      free_exit)
    acc_loops = find_accumulating_loops(li, aug, free_of)
    wplan = plan_windows(frame, aug, li, free_of)
    iv = {v: iv_step(li, v) for v in rc.leaves
          if getattr(v, "opcode", None) == "phi" and v.block not in free_of}
    iv = {v: c for v, c in iv.items() if c is not None}
    iv_entry = {v: init for v, init in iv_entry.items() if v in iv}
    # loads that read the same value in every iteration of their loop are taped once per
    # run of the loop (at the preheader), like induction variables, not per iteration
    inv = {}
    for v in rc.leaves:
        if getattr(v, "opcode", None) == "load" and v.block not in free_of:
            lp = li.loop_of.get(v.block)
            if lp is not None and lp.counted and rc.invariant_load(v, lp):
                inv[v] = lp
    trip = plan_trip_counts(li, failing, free_of, rc)
    cks = select_loops(frame, aug, li, failing, free_of, trip, rc) if checkpoint else []
    acc_loops = acc_loops - {ck.loop for ck in cks}   # their adjoints are entered many times
    for ck in cks:
        if ck.loop in wplan.loop_windows:
            from ...errors import unsupported
            raise unsupported("checkpointing a loop whose adjoint uses sliding windows "
                              "(a stencil over the loop's own counter)")
    ow = plan_overwrites(frame, aug, li, primal_insts, wplan, bool(cks) or bool(checkpoint))
    counted = {lp.header: lp for lp in li.loops.values() if lp.counted}
    lplan = LoopPlan(li, failing, counted, free_of, free_saves, free_exit, acc_loops, trip,
                     picks=picks)
    tplan = TapePlan(blocks, body, rc.leaves, iv, inv, iv_entry)
    lplan.order_free.update(plan_order_free(frame, aug, lplan, tplan, wplan, ow,
                                            {ck.loop.header for ck in cks}))
    lplan.order_free.difference_update(pk.loop for pk in picks.values())  # (descending rcount)
    for lp in lplan.order_free:
        for w in wplan.loop_windows.get(lp, ()):
            w.mirror()
    # loops whose capacity checks one reservation can replace (copied at the very end)
    versions = plan_versions(li, lplan, {b for ck in cks for b in ck.loop.blocks})
    layout = instrument(frame, aug, tplan, lplan, rc)                    # 3: the pushes
    plan_jumps(picks, lplan, tplan, layout, aug, wplan)
    store = AdjointStore(frame, aug, lplan, wplan, ow)
    sweep = AdjointSweep(frame, aug, tplan, lplan, wplan, layout, rc, store)
    sweep.connect_returns(tape_counter)                                  # 4
    reserve_capacity(frame, tplan, lplan, layout)
    sweep.make_skip_blocks()
    sweep.reverse_all()                                                  # 5
    store.store_promoted(rc)
    finish_windows(module, aug, wplan, store.acc_exit, sweep.window_enter, layout.rcount, rc)
    finish(frame, aug, store, layout.tape, sweep.exit_blk)               # 6
    oom = OutOfMemory(frame, aug, layout, tape_counter)
    drivers = apply_checkpoints(frame, aug, lplan, layout, sweep, rc, cks, checkpoint, oom)
    oom.check_grows(sweep.starts)
    for d in drivers:
        d.free_at_returns()
    for blk in aug.order:
        for i in aug.snapshot[blk]:
            scopes.add_primal(i)
    if frame.width == 1:
        scopes.apply()
    # last, so that no other layer sees the copies (they carry the alias scopes just applied)
    versioned = version_loops(frame, layout, versions)
    plan = ReversePlan(frame, aug, tplan, lplan, wplan, layout,
                       tuple(ck.loop.header.name for ck in cks), ow, tuple(versioned))
    return DerivResult(fn, sig, aug.act, "lanes" if sig.width > 1 else "scalar", None,
                       plan.report(), plan)

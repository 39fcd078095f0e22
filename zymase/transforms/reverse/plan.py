"""The tape plan (step 3 of reverse mode): which forward values the adjoint sweep needs, and
whether each is taped or recomputed.

For every primal instruction, ``needed`` lists the values its adjoint code reads: the operands
its rule's partials use (``rules/``), the shadow pointer of an active load or store, a select's
condition, what a call rule saved.  ``Recompute.materialize`` then classifies each of them and,
recursively, their operands:

* **free**: constants, arguments, values of the entry blocks — available unchanged everywhere;
* **recomputed**: pure instructions (``common.PURE``), non-trapping divisions, and loads of
  argument memory when the function provably writes nothing an argument could alias (the
  read-only analysis below) — re-executed in the adjoint sweep from materialised operands;
* **leaves**: everything else.  A leaf is taped once per definition: its previous value is
  pushed when it is redefined and its current value lives in a slot (``cur_slot``), so the
  adjoint sweep pops the value back when it walks past the definition.

The same ``materialize`` runs twice: in planning (no builder) it only records leaves; in the
adjoint sweep it emits the loads and recomputations.  Invariant: the sweep never meets a value
the plan did not record (it would be an internal error, not a wrong derivative).

Two refinements of "taped once per definition", decided with the loop plan (``loops.py``):
an induction variable of a counted loop is *inverted* (stepped back by its constant step,
``TapePlan.iv``) and a load that reads the same fresh memory in every iteration is *invariant*
(``TapePlan.inv``); both are saved once in the loop's preheader instead of per iteration.
"""
from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Set

from ...analysis.writes import written_pointers
from ...ir.builder import Builder
from ...ir.values import Argument, Block, Constant, Instruction, Value
from ...rules import table
from ...rules.calls import Kind, classify_call
from ...rules.emit import active_partials, expression_names
from . import calls
from .. import varsize
from .common import PURE, PURE_CALLS, entry_builder


@dataclasses.dataclass(frozen=True)
class TapePlan:
    blocks: List[Block]                          # blocks of the forward sweep (not the entry)
    body: Dict[Block, List[Instruction]]         # each block's primal + shadow instructions
    leaves: Dict[Value, None]                    # taped values, in planning order
    iv: Dict[Instruction, int]                   # inverted induction variables -> step
    inv: Dict[Instruction, object]               # loop-invariant loads -> their loop
    # inverted induction variables whose value on leaving each run is computed by the adjoint
    # sweep (start value + step x (header executions - 1)) instead of saved per run -> start
    iv_entry: Dict[Instruction, Value] = dataclasses.field(default_factory=dict)


def needed(i: Instruction, aug) -> List[Value]:
    """Values the adjoint of primal instruction ``i`` reads."""
    act = aug.act.active
    shadow = aug.sb.shadow
    op = i.opcode
    if op == "phi":
        return []
    if op == "store":
        v, p = i.operands
        if p in act and v.type.is_float:
            return [shadow[p]] if p in shadow else []
        return []
    if op == "call":
        out = calls.call_needs(i, aug.calls, shadow)
        if out is not None:
            return out
        name = i.callee_name or ""
        kind = classify_call(i)
        if kind is Kind.C_REALLOC and i in act:
            if aug.copy_types.get(i) is None:
                return []       # pointers without floats: no adjoint (copies.py)
            r = table.raw_realloc(name)
            # ``i`` itself: a realloc that failed (null) copied nothing
            return [i, shadow[i], shadow[i.operands[0]], i.operands[r.size]] + (
                [i.operands[r.old_size]] if r.old_size is not None else [])
        if kind is Kind.VARSIZE:
            return varsize.needs(i, aug)
        if kind in (Kind.MEMSET, Kind.MEMCPY) and i.operands[0] in act:
            out = [shadow[i.operands[0]], i.operands[2]]
            if kind is Kind.MEMCPY and i.operands[1] in act:
                out.append(shadow[i.operands[1]])
            return out
        rule = table.lookup(name) if name else None
        if rule is not None and i in act and i.type.is_float:
            return rule_needs(rule, i, act)
        return []
    if i not in act or not i.type.is_float:
        return []
    if op in table.INSTRUCTIONS:
        return rule_needs(table.INSTRUCTIONS[op], i, act)
    if op == "select":
        return [i.operands[0]]
    if op == "load":
        return [shadow[i.operands[0]]]
    return []


def rule_needs(rule, i, active) -> List[Value]:
    """The operands (and result) the active partials of ``rule`` at ``i`` use."""
    names: Set[str] = set()
    for _, _, e in active_partials(rule, i.operands, active):
        names |= expression_names(e)
    env = {"r": i}
    env.update(zip(table.OPERAND_NAMES, i.operands))
    return [env[n] for n in sorted(names) if n in env]


def written(i: Instruction) -> Optional[List[Value]]:
    """Pointers primal instruction ``i`` may write through (analysis/writes.py), with
    ``free``/``realloc`` as writing anywhere: the adjoint sweep re-reads memory."""
    return written_pointers(i, frees_write=True)


def loop_invariant(v: Value, lp, allow: Optional[Value] = None) -> bool:
    """Computed outside ``lp`` (or is ``allow``), or purely from such values: so
    re-materialising it after the loop gives the value every iteration used."""
    seen: Set[int] = set()
    work = [v]
    while work:
        x = work.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if not isinstance(x, Instruction) or x.block not in lp.blocks or x is allow:
            continue
        if x.opcode not in PURE or x.template is not None:
            return False
        work.extend(x.operands)
    return True


class Recompute:
    """Materialises forward values in the adjoint sweep (free, recomputed or from a leaf's
    current-value slot) and, in planning, records the leaves."""

    def __init__(self, frame, aug, primal_insts: Set[Instruction]):
        self.frame, self.aug, self.primal_insts = frame, aug, primal_insts
        self.leaves: Dict[Value, None] = {}
        self.cur: Dict[Value, Value] = {}
        self.param_origins, self.fresh, self.readonly_loads = self._readonly_analysis()
        self.stable, self._keep_of = self._stable_analysis()
        # NRT allocations whose memory a recomputed load reads: kept alive until the sweep
        # ends (reverse/keepalive.py), in planning order
        self.kept: Dict[Instruction, None] = {}
        # a parallel loop's kernel: memory of the slots it only reads (transforms/parallel.py)
        from ..parallel import readonly_origins
        self.kernel_readonly = readonly_origins(frame, aug.act.types, primal_insts, written)

    def _readonly_analysis(self):
        """Loads from argument memory may be recomputed only if the function writes nothing
        but fresh memory (allocas, its own NRT allocations) and calls nothing unknown with a
        pointer: then no write can alias an argument, whatever the caller passed."""
        types = self.aug.act.types
        fn, excinfo = self.frame.fn, self.frame.excinfo
        param_origins = {a for a in fn.args}
        # excinfo: exception bookkeeping, never array data
        fresh = {excinfo} if excinfo is not None else set()
        for i in fn.instructions():
            if i.opcode == "alloca":
                fresh.add(i)
            elif i.opcode == "load" and i.type.is_pointer and all(
                    isinstance(o, Instruction) and o.opcode == "call"
                    and classify_call(o) is Kind.ALLOCATOR
                    for o in types.origins_of(i.operands[0])):
                fresh.add(i)
            elif i.opcode == "call" and classify_call(i) in (Kind.MEMINFO_DATA,
                                                              Kind.ALLOCATOR):
                fresh.add(i)    # (a MemInfo: a list's resize writes its data and size)
        ok = True
        for i in self.primal_insts:
            dsts = written(i)
            if dsts is None or not all(o in fresh for d in dsts for o in types.origins_of(d)):
                ok = False
        return param_origins, fresh, ok

    def _stable_analysis(self):
        """Loads no later write can change (``analysis/stable_loads.py``), and for each origin
        of NRT memory they may read, the allocation to keep alive.  Only allocations that run
        at most once per call (not on a cycle of the CFG) qualify: keeping a loop's
        per-iteration arrays alive could cost more than taping what is read from them."""
        from ...analysis.stable_loads import blocks_on_cycles, stable_loads
        types = self.aug.act.types
        blocks = [b for b in self.aug.order if b in self.aug.snapshot]
        body = {b: [i for i in self.aug.snapshot[b] if i in self.primal_insts] for b in blocks}
        cyclic = blocks_on_cycles(blocks)
        keep_of: Dict[Value, List[Instruction]] = {}

        def once_allocated(o) -> bool:
            # not a growable MemInfo (a list's): resizing moves and frees its payload
            return (isinstance(o, Instruction) and o.opcode == "call"
                    and classify_call(o) is Kind.ALLOCATOR and o.block not in cyclic
                    and (o.callee_name or "") not in table.VARSIZE_ALLOCATORS)

        fresh = set(self.fresh)
        for i in self.primal_insts:
            if i.opcode == "call" and classify_call(i) is Kind.ALLOCATOR:
                fresh.add(i)

        def lifetime_ok(o) -> bool:
            if isinstance(o, Argument) or (isinstance(o, Instruction) and o.opcode == "alloca"):
                return True
            if once_allocated(o):
                keep_of[o] = [o]
                return True
            if o in self.fresh and isinstance(o, Instruction) and o.opcode in ("load", "call"):
                # the data pointer of an NRT allocation (a load from it, NRT_MemInfo_data)
                src = types.origins_of(o.operands[0])
                if src and all(once_allocated(a) for a in src):
                    keep_of[o] = sorted(src, key=lambda a: a.name or "")
                    return True
            return False
        stable = stable_loads(blocks, body, types, written, fresh, lifetime_ok)
        return stable, keep_of

    def is_free(self, v: Value) -> bool:
        """Available unchanged everywhere in the adjoint sweep: no need to tape or recompute."""
        if isinstance(v, (Constant, Argument, Block)):
            return True
        blk = getattr(v, "block", None)
        return blk is self.frame.fn.entry or blk is self.frame.primal_entry

    def recomputable(self, v: Value) -> bool:
        """Cheaper to recompute in the adjoint sweep than to tape (and provably the same value)."""
        if not isinstance(v, Instruction) or v.template is not None:
            return False
        if v.opcode in PURE or v in self.aug.reloads:     # (a list's cursor: varsize.py)
            return True
        if v.opcode == "call" and (v.callee_name or "").startswith(PURE_CALLS):
            return True
        if v.opcode in ("sdiv", "udiv", "srem", "urem"):
            # by a constant other than 0 and -1: it cannot trap (range() with a step)
            d = v.operands[1]
            return isinstance(d, Constant) and d.text not in ("0", "-1")
        if v.opcode == "load" and v in self.primal_insts:
            origins = self.aug.act.types.origins_of(v.operands[0])
            if self.kernel_readonly and origins and origins <= self.kernel_readonly:
                return True
            if self.readonly_loads and all(o in self.param_origins for o in origins):
                return True
            if v in self.stable:
                for o in origins:
                    for a in self._keep_of.get(o, ()):
                        self.kept[a] = None
                return True
        return False

    def kernel_readonly_load(self, v: Value) -> bool:
        """A load, in a parallel loop's kernel, of memory no iteration writes (a scalar
        argument's cell, a Const array): recomputed anywhere in the adjoint sweep."""
        if not (self.kernel_readonly and isinstance(v, Instruction) and v.opcode == "load"
                and v in self.primal_insts):
            return False
        origins = self.aug.act.types.origins_of(v.operands[0])
        return bool(origins) and origins <= self.kernel_readonly

    def materialize(self, v: Value, b: Optional[Builder], memo: Dict[Value, Value]) -> Value:
        """The value ``v`` had in the forward sweep, at the current point of the adjoint
        sweep: free values as they are, leaves from their current-value slot, the rest
        recomputed from those.  With ``b=None`` it only records leaves (planning pass)."""
        if v in memo:
            return memo[v]
        if self.is_free(v):
            out = v
        elif self.recomputable(v):
            ops = [self.materialize(o, b, memo) for o in v.operands]
            if b is None:
                out = v
            else:
                c = v.clone()
                c.name = None
                c.operands = ops
                c.blocks = []
                out = b.emit(c)
                self.aug.scopes.add_primal(c)
        else:
            if v not in self.leaves:
                if b is not None:
                    raise RuntimeError(f"zymase internal error: %{v.name} needed by the adjoint "
                                       f"sweep was not planned onto the tape")
                self.leaves[v] = None
            out = v if b is None else b.load(v.type, self.cur_slot(v))
        memo[v] = out
        return out

    def cur_slot(self, v: Value) -> Value:
        if v not in self.cur:
            eb = entry_builder(self.frame.module, self.frame.fn)
            self.cur[v] = eb.alloca(v.type, f"{v.name or 'v'}.cur")
        return self.cur[v]

    def plan(self, blocks: List[Block], skip=()):
        """Planning pass: record the leaves every primal instruction's adjoint needs
        (``skip``: selects whose condition the sweep gets elsewhere, lastpick.py)."""
        for blk in blocks:
            for i in self.aug.snapshot[blk]:
                if i in skip:
                    continue
                memo: Dict[Value, Value] = {}
                for v in needed(i, self.aug):
                    self.materialize(v, None, memo)

    def invariant_load(self, v: Instruction, lp) -> bool:
        """A load in counted loop ``lp`` reads the same value in every iteration of one run
        of the loop: its address is computed outside the loop, it reads fresh memory (an
        alloca or the function's own allocation, which no argument can alias), and nothing
        in the loop writes memory of the same origin (every write in the loop goes to
        argument or fresh memory of other origins)."""
        p = v.operands[0]
        if not loop_invariant(p, lp):
            return False
        types = self.aug.act.types
        origins = types.origins_of(p)
        if not origins or not origins <= self.fresh:
            return False
        known = self.fresh | self.param_origins
        for b in lp.blocks:
            for i in self.aug.snapshot.get(b, ()):
                dsts = written(i)
                if dsts is None:
                    return False
                for d in dsts:
                    o = types.origins_of(d)
                    if not o or not o <= known or o & origins:
                        return False
        return True

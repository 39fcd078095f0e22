"""Adjoint storage: where adjoints live while the sweep runs, and how accumulations into
shadow memory are emitted.

* Adjoints of SSA floats live in stack slots initialised to -0.0 (``slot``; promoted to
  registers by O3).  ``take`` reads a value's adjoint and resets it when its definition is
  reversed, so loop iterations never mix; ``add_to`` accumulates into an operand's.
* Load adjoints ``shadow(p) += r̄`` commute with each other, so they wait in ``pending`` until
  something reads shadow memory (a store's adjoint, a call) or the block ends; ``flush`` then
  sends them out in stencil-friendly address order (``analysis/addresses.py``), into a
  window's registers (``windows.py``), or — in an accumulating loop where the address does
  not change — into a register summed over the loop and written once when the sweep leaves
  the loop (``store_promoted``, at the loop's exit edge ``acc_exit``).
"""
from __future__ import annotations

from typing import Dict, List

from ...analysis.addresses import accumulation_order
from ...ir.builder import Builder
from ...ir.values import Constant, Instruction, Value
from ..shadows import align_of
from .common import entry_builder, nzero
from .loops import iv_step
from .plan import loop_invariant


class AdjointStore:
    def __init__(self, frame, aug, lplan, wplan, overwrites=None):
        self.frame, self.aug, self.lplan, self.wplan = frame, aug, lplan, wplan
        # loads whose adjoint sets the shadow cell (analysis/overwrites.py)
        self.set_loads = overwrites.set_loads if overwrites is not None else set()
        self.nozero_stores = overwrites.nozero_stores if overwrites is not None else set()
        self.slots: Dict[Value, Value] = {}
        self.pending: List[tuple] = []     # load adjoints not yet emitted (see flush)
        self.promoted: Dict = {}           # loop -> [(load, register slot)]
        self.acc_exit: Dict = {}           # loop -> edge block leaving its adjoint

    # -- adjoint slots --------------------------------------------------------------------
    def slot(self, v: Value) -> Value:
        if v not in self.slots:
            eb = entry_builder(self.frame.module, self.frame.fn)
            t = self.frame.stype(v.type)
            s = eb.alloca(t, f"{v.name or 'v'}.bar")
            eb.store(nzero(t), s)
            self.slots[v] = s
        return self.slots[v]

    def add_to(self, b: Builder, v: Value, delta: Value):
        if isinstance(v, Constant) or v not in self.aug.act.active or not v.type.is_float:
            return
        s = self.slot(v)
        t = self.frame.stype(v.type)
        b.store(b.fadd(b.load(t, s), delta), s)

    def take(self, b: Builder, v: Value) -> Value:
        s = self.slot(v)
        t = self.frame.stype(v.type)
        val = b.load(t, s)
        b.store(nzero(t), s)
        return val

    # -- accumulations into shadow memory ---------------------------------------------------
    def defer(self, i: Instruction, sp: Value, rb: Value):
        """``shadow(p) += rb`` for load ``i`` whose shadow address is ``sp`` (emitted by
        ``flush``)."""
        self.pending.append((i, sp, rb))

    def flush(self, b: Builder):
        """Emit the pending load adjoints ``shadow(p) += r̄``.  They commute, so they wait
        until something reads shadow memory (or the block ends) and then go out in the
        order that keeps stencil loops vectorisable (analysis/addresses.py)."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        sb = self.aug.sb
        rest = []
        for i, sp, rb in pending:
            w = self.wplan.window_of.get(i)
            if w is not None:
                u = w.u[i]
                t = self.frame.stype(i.type)
                b.store(b.fadd(b.load(t, w.regs[u]), rb), w.regs[u])
                if u == w.edge:
                    w.sp_max = sp
                continue
            lp = None if i in self.set_loads else self._promotion_loop(i, sb.shadow[i.operands[0]])
            if lp is None:
                rest.append((i, sp, rb))
                continue
            t = self.frame.stype(i.type)
            eb = entry_builder(self.frame.module, self.frame.fn)
            reg = eb.alloca(t, f"{i.name or 'v'}.acc")
            eb.store(nzero(t), reg)
            b.store(b.fadd(b.load(t, reg), rb), reg)
            self.promoted.setdefault(lp, []).append((i, reg))
        pending = rest
        li = self.lplan.li

        def step(v):
            if not (isinstance(v, Instruction) and v.opcode == "phi"):
                return None
            s = iv_step(li, v)
            # an order-free loop's adjoint walks the primal's direction (orderfree.py)
            return -s if s and li.loops.get(v.block) in self.lplan.order_free else s
        for k in accumulation_order([i.operands[0] for i, _, _ in pending], step):
            i, sp, rb = pending[k]
            if i in self.set_loads:     # nothing else accumulated into the cell yet
                self.aug.shadow_access(sb.store(b, rb, sp, align_of(i)), i.operands[0])
                continue
            cur = sb.load(b, i.type, sp, align_of(i))
            self.aug.shadow_access(cur, i.operands[0])
            self.aug.shadow_access(sb.store(b, b.fadd(cur, rb), sp, align_of(i)), i.operands[0])

    def _promotion_loop(self, i: Instruction, sp: Value):
        """The outermost accumulating loop around load ``i`` in which the shadow address
        ``sp`` is invariant (every loop in between accumulating too), or None."""
        best = None
        lp = self.lplan.li.loop_of.get(i.block)
        while lp is not None and lp in self.lplan.acc_loops and loop_invariant(sp, lp):
            best, lp = lp, lp.parent
        return best

    def store_promoted(self, rc):
        """At each accumulating loop's exit edge: add the registers into shadow memory."""
        sb = self.aug.sb
        for lp, items in self.promoted.items():
            b = Builder(self.frame.module).before_terminator(self.acc_exit[lp])
            memo: Dict[Value, Value] = {}
            for i, reg in items:
                t = self.frame.stype(i.type)
                sp = rc.materialize(sb.shadow[i.operands[0]], b, memo)
                cur = sb.load(b, i.type, sp, align_of(i))
                self.aug.shadow_access(cur, i.operands[0])
                self.aug.shadow_access(sb.store(b, b.fadd(cur, b.load(t, reg)), sp, align_of(i)),
                                       i.operands[0])
                b.store(nzero(t), reg)

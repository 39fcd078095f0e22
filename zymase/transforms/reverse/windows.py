"""Sliding accumulation windows for stencil loops (width 1): plan and emission.

In an innermost counted loop whose latch block ``B`` loads ``a[i+u]`` for every ``u`` of a
contiguous range ``umin..umax`` (``i`` the induction variable), the adjoint of iteration ``t``
accumulates into cells ``t+umin..t+umax`` and cell ``t+umax`` is never touched again by the
(descending) adjoint loop.  Instead of a read-modify-write of every cell in every iteration,
which chains iteration ``t`` to ``t-1`` through memory (LLVM will not vectorise a store followed
by an overlapping load), the window keeps one register per offset: iteration ``t`` adds into
them, writes cell ``t+umax`` once, and shifts.  Leaving the loop writes the cells still
pending; a pointer slot that stays null until an iteration ran makes that safe for loops that
ran zero times.  Every cell the window reads or writes is one a primal load of the group read,
so no access falls outside the arrays.

Other accumulations commute with these, so any may stay; a read of shadow memory in the loop
that may alias the group's memory stops the window — except the adjoint of one store
``a[i+umin] = …`` in ``B`` that no pending accumulation touches ("set" mode).  That store's
adjoint reads the cell (complete: nothing is pending for it) and does not zero it, because the
window later *writes* the cell rather than adding to it; cells the store never reaches in this
run of the loop are loaded into the registers when the adjoint loop is entered.  In set mode no
other accumulation in the loop may touch the group's memory (it would be overwritten).

A window of an order-free loop (``orderfree.py``: its adjoint ascends) is *mirrored*: iteration
``t`` finishes cell ``t+umin``, the registers shift down, and leaving the loop writes cells
``t+umin+1..t+umax`` of the last iteration.  Only add mode is mirrored.
"""
from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Set

from ...analysis.addresses import affine
from ...ir.builder import Builder
from ...ir.types import I64, I8, PTR, ArrayType, store_size
from ...ir.values import Block, Constant, Instruction, Value, const_int
from ..scopes import UNKNOWN, shadow_keys
from ..shadows import align_of
from .common import entry_builder, nzero
from .loops import iv_step, reads_shadow
from .plan import loop_invariant


class Window:
    """One sliding accumulation window: the loads it covers (``u``: load -> offset), its
    registers, and the emission state of the iteration being reversed (``sp_max``)."""

    def __init__(self, lp, u, umin, umax, D, rz):
        self.lp, self.u, self.umin, self.umax, self.D, self.rz = lp, u, umin, umax, D, rz
        self.set_mode = rz is not None
        self.regs: Dict[int, Value] = {}
        self.sp_max: Optional[Value] = None     # the address of the cell the step writes
        self.last = self.dummy = self.ref = None
        self.asc = False                         # mirrored: the adjoint loop ascends
        self.edge = umax                         # the offset whose cell each step finishes

    def mirror(self):
        """For an adjoint loop walking the primal's direction (orderfree.py): iteration t
        finishes cell t+umin, and the registers shift down."""
        assert not self.set_mode
        self.asc, self.edge = True, self.umin
        self.ref = next(i for i in self.u if self.u[i] == self.umin)


@dataclasses.dataclass(frozen=True)
class WindowPlan:
    loop_windows: Dict[object, List[Window]] = dataclasses.field(default_factory=dict)
    windows_in: Dict[Block, List[Window]] = dataclasses.field(default_factory=dict)
    window_of: Dict[Instruction, Window] = dataclasses.field(default_factory=dict)
    window_rz: Set[Instruction] = dataclasses.field(default_factory=set)  # set-mode stores


def plan_windows(frame, aug, li, free_of) -> WindowPlan:
    plan = WindowPlan()
    if frame.width != 1:
        return plan
    act, sb = aug.act.active, aug.sb
    parents = {lp.parent for lp in li.loops.values() if lp.parent is not None}
    for lp in li.loops.values():
        B = lp.latches[0] if lp.latches else None
        if not lp.counted or lp in parents or lp.header in free_of or B is lp.header:
            continue
        # set mode loads its first cells on the edge from an exit into the header's
        # adjoint: every exit must leave from the header
        exits_from_header = all(p is lp.header for e in lp.exits
                                for p in li.preds.get(e, []) if p in lp.blocks)
        body = aug.snapshot.get(B, [])
        pos = {i: k for k, i in enumerate(body)}
        groups: Dict[tuple, List] = {}
        for i in body:
            if i.opcode == "load" and i in act and i.type.is_float and i.operands[0] in sb.shadow:
                root, terms, c = affine(i.operands[0])
                # one term is the induction variable, the others do not change in the loop
                ivs = [(v, sc) for v, sc in terms if isinstance(v, Instruction)
                       and v.block is lp.header and v.opcode == "phi" and iv_step(li, v)]
                if len(ivs) == 1 and all(loop_invariant(v, lp)
                                         for v, _ in terms if v is not ivs[0][0]):
                    groups.setdefault((root, terms, ivs[0]), []).append((i, c))
        if not groups:
            continue
        reads = [i for b in lp.blocks for i in aug.snapshot.get(b, ()) if reads_shadow(i, aug)]
        accs = [i for b in lp.blocks for i in aug.snapshot.get(b, ())
                if i.opcode == "load" and i in act and i.type.is_float and i.operands[0] in sb.shadow]
        for (root, terms, ivterm), mem in groups.items():
            w = _window(frame, aug, li, lp, B, root, terms, ivterm, mem, reads, accs, pos)
            if w is None or (w.set_mode and not exits_from_header):
                continue
            plan.loop_windows.setdefault(lp, []).append(w)
            plan.windows_in.setdefault(B, []).append(w)
            for i in w.u:
                plan.window_of[i] = w
            if w.rz is not None:
                plan.window_rz.add(w.rz)
    return plan


def _window(frame, aug, li, lp, B, root, terms, ivterm, mem, reads, accs, pos):
    sb, types = aug.sb, aug.act.types
    iv, scale = ivterm
    D = scale * iv_step(li, iv)
    t0 = mem[0][0].type
    if abs(D) != store_size(t0) or any(i.type != t0 for i, _ in mem):
        return None
    c0 = mem[0][1]
    if any((c - c0) % D for _, c in mem):
        return None
    u = {i: (c - c0) // D for i, c in mem}
    umin, umax = min(u.values()), max(u.values())
    if umin == umax or set(u.values()) != set(range(umin, umax + 1)):
        return None
    if not all(loop_invariant(sb.shadow[i.operands[0]], lp, allow=iv) for i in u):
        return None
    keys = shadow_keys(types, mem[0][0].operands[0], sb.shadow)
    if UNKNOWN in keys:
        return None

    def may_alias(p) -> bool:
        k = shadow_keys(types, p, sb.shadow)
        return UNKNOWN in k or bool(k & keys)
    rz = None
    for r in reads:
        if r.opcode == "store" and not may_alias(r.operands[1]):
            continue
        if r.opcode == "store" and r.block is B and rz is None and r.operands[0].type == t0:
            rr, rt, rc = affine(r.operands[1])
            if rr is root and rt == terms and (rc - c0) % D == 0 and (rc - c0) // D == umin \
                    and not any(pos[i] > pos[r] and u[i] == umin for i in u):
                rz = r
                continue
        return None
    if rz is not None and any(a not in u and may_alias(a.operands[0]) for a in accs):
        return None
    w = Window(lp, u, umin, umax, D, rz)
    eb = entry_builder(frame.module, frame.fn)
    for k in range(umin, umax + 1):
        w.regs[k] = eb.alloca(t0, f"zy.win{k - umin}")
        eb.store(nzero(t0), w.regs[k])
    w.last = eb.alloca(PTR, "zy.win.last")
    eb.store(Constant(PTR, "null"), w.last)
    w.dummy = eb.alloca(ArrayType(umax - umin, t0), "zy.win.dummy")
    w.ref = next(i for i in u if u[i] == umax)
    return w


# -- emission ----------------------------------------------------------------------------------
def window_cell(aug, b: Builder, w: Window, i: Instruction, sp: Value, val: Value):
    """Flush ``val`` into the cell at ``sp``: set it (set mode) or add to it."""
    if not w.set_mode:
        cur = aug.sb.load(b, i.type, sp, align_of(i))
        aug.shadow_access(cur, i.operands[0])
        val = b.fadd(cur, val)
    aug.shadow_access(aug.sb.store(b, val, sp, align_of(i)), i.operands[0])


def window_step(aug, b: Builder, w: Window):
    """End of the adjoint of one iteration: cell t+umax is final; shift the window."""
    t = w.ref.type
    if w.sp_max is None:
        raise RuntimeError("zymase internal error: a window's edge member was not reversed")
    window_cell(aug, b, w, w.ref, w.sp_max, b.load(t, w.regs[w.edge]))
    b.store(w.sp_max, w.last)
    if w.asc:
        for k in range(w.umin, w.umax):
            b.store(b.load(t, w.regs[k + 1]), w.regs[k])
        b.store(nzero(t), w.regs[w.umax])
    else:
        for k in range(w.umax, w.umin, -1):
            b.store(b.load(t, w.regs[k - 1]), w.regs[k])
        b.store(nzero(t), w.regs[w.umin])
    w.sp_max = None


def finish_windows(module, aug, plan: WindowPlan, acc_exit, window_enter, rcount, rc):
    """Leaving each windowed loop's adjoint: write the pending cells; entering it (set mode):
    load the cells the store's adjoint never reaches into the registers."""
    for lp, ws in plan.loop_windows.items():
        # leaving: cells t0+umin..t0+umax-1 are pending (t0 the first primal iteration)
        b = Builder(module).before_terminator(acc_exit[lp])
        for w in ws:
            t = w.ref.type
            last = b.load(PTR, w.last)
            ran = b.icmp("ne", last, Constant(PTR, "null"))
            # descending: after the step of t0 register k holds cell t0+k-1 (k > umin);
            # ascending: after the step of the last t register k holds cell t+k+1 (k < umax)
            pend = range(w.umin, w.umax) if w.asc else range(w.umin + 1, w.umax + 1)
            for k in pend:
                off = (k + 1 - w.umin) if w.asc else (k - 1 - w.umax)
                cell = b.gep(I8, last, [const_int(I64, off * w.D)])
                spare = b.gep(t, w.dummy, [const_int(I64, k - pend[0])])
                window_cell(aug, b, w, w.ref, b.select(ran, cell, spare), b.load(t, w.regs[k]))
                b.store(nzero(t), w.regs[k])
            b.store(Constant(PTR, "null"), w.last)
        # entering (set mode): cells T-1+umin+1..T-1+umax are never reached by the
        # store's adjoint in this run; their current contents start the registers
        for eb in window_enter.get(lp, ()):
            b = Builder(module).before_terminator(eb)
            ran = b.icmp("ugt", b.load(I64, rcount[lp]), const_int(I64, 1))
            for w in ws:
                if not w.set_mode:
                    continue
                t = w.ref.type
                sp = rc.materialize(aug.sb.shadow[w.ref.operands[0]], b, {})
                for k in range(w.umin + 1, w.umax + 1):
                    cell = b.gep(I8, sp, [const_int(I64, (k - 1 - w.umax) * w.D)])
                    spare = b.gep(t, w.dummy, [const_int(I64, k - 1 - w.umin)])
                    ld = aug.sb.load(b, t, b.select(ran, cell, spare), align_of(w.ref))
                    aug.shadow_access(ld, w.ref.operands[0])
                    b.store(b.select(ran, ld, nzero(t)), w.regs[k])

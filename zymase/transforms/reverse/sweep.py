"""The adjoint sweep (step 5 of reverse mode): every block of the forward sweep gets a reverse
block that pops what the block pushed and walks its instructions backwards:

    float op r = f(x, y):    x̄ += r̄ · ∂f/∂x  (rules table, ``rules/emit.scaled``), r̄ = 0
    r = load p:              shadow(p) += r̄   (deferred, ``adjoints.py``)
    store v, p:              v̄ += shadow(p); shadow(p) = 0
    call with a rule:        its adjoint (``calls.py``), where the walk meets its anchor
    phi:                     the predecessor that ran receives the phi's adjoint

and then jumps to the reverse block of the predecessor that ran: known from the loop
structure (a counted loop's header goes back to its latch until the reverse counter says it is
the first iteration), from the only live predecessor, or from the predecessor id on the tape.
Phi adjoints travel on the edge to that predecessor's reverse block — an edge block per
predecessor with incoming adjoints, so adjoints that only flow on a loop's entry edge never
become a loop-carried chain.  Leaving an accumulating or windowed loop's adjoint goes through
an edge block where the promoted registers and windows are written (``acc_exit``); entering a
set-mode window's loop goes through one where its registers are loaded (``window_enter``).

Blocks that can only end in an exception are never dispatched to, and a skipped loop's blocks
get an ``unreachable`` reverse block: the sweep jumps from the loop's exit to a block that
restores the leaves the loop defined and continues at its preheader.
"""
from __future__ import annotations

from typing import Dict, List, Set

from ... import activities as A
from ...errors import unsupported
from ...ir.builder import Builder
from ...ir.types import I32, I64, PTR, VOID, FunctionType
from ...ir.values import Block, Constant, Instruction, Value, const_int
from ...rules import table
from ...rules.calls import Kind, classify_call
from ...rules.emit import ExprEmitter, active_partials, expression_names, scaled
from ..shadows import align_of, describe
from .. import varsize
from . import calls, copies, results
from .common import memcpy_helper, nzero
from .lastpick import jump_entry, jump_first, jumping, of_loop, reverse_condition
from .loops import emit_iv_exit, emit_trip_count
from .windows import window_step


class AdjointSweep:
    def __init__(self, frame, aug, tplan, lplan, wplan, layout, rc, store):
        self.frame, self.aug, self.tplan, self.lplan = frame, aug, tplan, lplan
        self.wplan, self.layout, self.rc, self.store = wplan, layout, rc, store
        fn = frame.fn
        self.exit_blk = fn.add_block("zy.rev.exit")
        self.rev: Dict[Block, Block] = {blk: fn.add_block(f"zy.rev.{blk.name}")
                                        for blk in tplan.blocks}
        self.skip_blk: Dict[object, Block] = {}
        self.window_enter: Dict = {}     # loop -> edge blocks entering its adjoint
        # where the sweep starts, one per returning block (``connect_returns``); kept as
        # blocks, not found by name: a derivative of a derivative holds the inner one's
        # ``zy.rev.start.*`` blocks too
        self.starts: List[Block] = []

    # -- where the sweep starts ------------------------------------------------------------
    def connect_returns(self, tape_counter):
        """Each ``ret`` becomes: status ≠ 0 → free everything, return the status (no
        adjoint sweep); status = 0 (or no status: the C ABI) → seed, record the tape's size,
        and start the sweep at the returning block's reverse."""
        frame, aug, tape = self.frame, self.aug, self.layout.tape
        fn, module = frame.fn, frame.module
        bid = self.layout.bid
        for blk in self.tplan.blocks:
            term = blk.terminator
            if term is None or term.opcode != "ret":
                continue
            status = frame.skeleton.status(term)
            term.erase()
            b = Builder(module).at_end(blk)
            if status is None:  # no status: every return succeeds
                start = fn.add_block(f"zy.rev.start.{bid[blk]}")
                b.br(start)
            else:
                ok = b.icmp("eq", status, const_int(I32, 0))
                err = fn.add_block(f"zy.err.{bid[blk]}")
                start = fn.add_block(f"zy.rev.start.{bid[blk]}")
                b.cbr(ok, start, err)
                eb = Builder(module).at_end(err)
                results.free_shadows(frame, aug, eb)
                tape.release(eb)
                eb.ret(status)
            self.starts.append(start)
            sb_ = Builder(module).at_end(start)
            if frame.ret_bar is not None and frame.ret_act in (A.Active, A.ActiveOnly):
                sb_.store(results.seed_value(frame, aug, sb_), frame.ret_bar)
            if (frame.array_ret or frame.tuple_ret) and \
                    frame.ret_act in (A.Duplicated, A.DuplicatedOnly):
                sb_ = results.seed_memory_return(frame, aug, tape, sb_, start)
            if tape_counter is not None:
                used = sb_.sub(sb_.cast("ptrtoint", sb_.load(PTR, tape.top), I64),
                               sb_.cast("ptrtoint", sb_.load(PTR, tape.base), I64))
                sb_.store(used, Constant(PTR, f"inttoptr (i64 {tape_counter} to ptr)"))
            sb_.br(self.rev[blk])

    def make_skip_blocks(self):
        """Skipping a loop in reverse: restore the leaves it defined, go to its preheader."""
        fn, module = self.frame.fn, self.frame.module
        for lp, saved in self.lplan.free_saves.items():
            sk = fn.add_block(f"zy.rev.skip.{lp.header.name}")
            b = Builder(module, sk)
            for v in reversed(saved):
                b.store(self.layout.pop(b, v.type), self.rc.cur_slot(v))
            b.br(self.rev[lp.preheader])
            self.skip_blk[lp] = sk

    def reverse_all(self):
        for blk in self.tplan.blocks:
            if blk in self.lplan.free_of:
                Builder(self.frame.module, self.rev[blk]).emit(Instruction("unreachable", VOID, []))
            else:
                self.reverse_block(blk)

    # -- one block -------------------------------------------------------------------------
    def reverse_block(self, blk: Block):
        module, layout, rc, store = self.frame.module, self.layout, self.rc, self.store
        tplan, lplan = self.tplan, self.lplan
        sites = self.aug.calls
        b = Builder(module).at_end(self.rev[blk])
        primal = set(self.aug.snapshot[blk])
        for i in reversed([i for i in tplan.body[blk] if i.opcode != "phi"]):
            b.loc = i.loc
            if i in sites.anchor:
                memo: Dict[Value, Value] = {}
                store.flush(b)
                calls.adjoint(self.frame, self.aug, store, b, sites.anchor[i],
                              lambda v, memo=memo: rc.materialize(v, b, memo))
            elif i in primal and i not in sites.custom and i not in sites.library:
                memo = {}
                self.adjoint(b, i, lambda v, memo=memo: rc.materialize(v, b, memo))
            if i in tplan.leaves and i not in tplan.inv:
                b.store(layout.pop(b, i.type), rc.cur_slot(i))
        store.flush(b)
        for w in self.wplan.windows_in.get(blk, ()):
            window_step(self.aug, b, w)
        lp_here = lplan.counted.get(blk)
        first = None
        if lp_here is not None:
            rcn = layout.rcount[lp_here]
            cnt = b.load(I64, rcn)
            jmp = jumping(lplan.picks, lp_here)
            first = b.icmp("eq", cnt, const_int(I64, 1)) if jmp is None \
                else jump_first(b, jmp, cnt)
            b.store(b.sub(cnt, const_int(I64, 1)), rcn)
        phis = [p for p in tplan.body[blk] if p.opcode == "phi"]
        leaf_phis = [p for p in phis if p in tplan.leaves]
        for phi in reversed([p for p in leaf_phis if p not in tplan.iv]):
            b.store(layout.pop(b, phi.type), rc.cur_slot(phi))
        # induction variables step back, invariant loads keep their value; on the first
        # iteration both restore the value the preheader saved (pushed after the
        # preheader's own entries, so popped first)
        if lp_here is not None:
            fwd = lp_here in lplan.order_free    # (orderfree.py) steps forwards instead
            for v in tplan.iv_entry:
                if v.block is blk:      # steps back; entering the run set its last value
                    slot = rc.cur_slot(v)
                    step = const_int(v.type, tplan.iv[v])
                    cur = b.load(v.type, slot)
                    b.store(b.add(cur, step) if fwd else b.sub(cur, step), slot)
            for v in reversed(layout.iv_saves.get(lp_here.preheader, [])):
                cur = b.load(v.type, rc.cur_slot(v))
                prev = b.sub(cur, const_int(v.type, tplan.iv[v])) if v in tplan.iv else cur
                popped = layout.pop(b, v.type, first)
                b.store(b.select(first, popped, prev), rc.cur_slot(v))
        for lp in reversed(layout.exit_loops.get(blk, [])):
            for pk in reversed(of_loop(lplan.picks, lp)):
                b.store(layout.pop(b, I64), pk.slot)
            cnt = emit_trip_count(b, lplan.trip[lp], rc) if lp in lplan.trip \
                else layout.pop(b, I64)
            jmp = jumping(lplan.picks, lp)
            if jmp is not None:     # only the iteration of the last pick (lastpick.py)
                cnt = jump_entry(b, jmp)
            b.store(cnt, layout.rcount[lp])
            memo: Dict[Value, Value] = {}
            for v, init in tplan.iv_entry.items():
                if v.block is lp.header and lp in lplan.order_free:
                    # one step before the first iteration: the header steps it forwards
                    b.store(b.sub(rc.materialize(init, b, memo), const_int(v.type, tplan.iv[v])),
                            rc.cur_slot(v))
                elif v.block is lp.header:
                    b.store(emit_iv_exit(b, v, init, tplan.iv[v], cnt, rc, memo),
                            rc.cur_slot(v))
        preds = lplan.live_preds(blk)
        pid = layout.pop(b, I64) if blk in layout.pred_id else None
        # phis are parallel copies (`a, b = b, a` makes one phi the incoming value of
        # another): take every phi's adjoint before distributing any
        fphis = [p for p in phis if p in self.aug.act.active and p.type.is_float]
        taken = [store.take(b, p) for p in fphis]
        edge: Dict[Block, List] = {}
        for phi, pb in zip(fphis, taken):
            seen: Set[Block] = set()
            for v, src in zip(phi.operands, phi.blocks):
                # a predecessor reaching ``blk`` on several switch cases appears once per
                # edge, always with the same value: it receives the adjoint once
                if src in seen or isinstance(v, Constant) or v not in self.aug.act.active:
                    continue
                seen.add(src)
                edge.setdefault(layout.orig_block(src), []).append((v, pb))
        # where the adjoint sweep goes next: the reverse of the predecessor that ran
        if blk in lplan.free_exit:
            assert not edge, "a skipped loop passes no adjoint to its exit's phis"
            b.br(self.skip_blk[lplan.free_exit[blk]])
        elif not preds:
            b.br(self.exit_blk)
        elif lp_here is not None:
            b.cbr(first, self._target(blk, lp_here, edge, lp_here.preheader),
                  self._target(blk, lp_here, edge, lp_here.latches[0]))
        elif len(preds) == 1:
            b.br(self._target(blk, lp_here, edge, preds[0]))
        else:
            sw = Instruction("switch", VOID, [pid], blocks=[self.exit_blk] + [
                self._target(blk, lp_here, edge, p) for p in preds],
                cases=[const_int(I64, layout.bid[p]) for p in preds])
            b.emit(sw)

    def _dest(self, p: Block) -> Block:
        return self.exit_blk if p is self.frame.fn.entry else self.rev[p]

    def _target(self, blk: Block, lp_here, edge, p: Block) -> Block:
        """The block the sweep jumps to from ``blk``'s reverse when ``p`` ran before it."""
        fn, module, store = self.frame.fn, self.frame.module, self.store
        adds = edge.get(p)
        # leaving a loop's adjoint: promoted accumulations and windows go to memory here
        leaving = lp_here if lp_here is not None and p is lp_here.preheader and (
            lp_here in self.lplan.acc_loops or lp_here in self.wplan.loop_windows) else None
        # entering it from an exit: set-mode windows load their first cells here
        entering = self.lplan.li.loops.get(p)
        if entering is None or blk not in entering.exits or not any(
                w.set_mode for w in self.wplan.loop_windows.get(entering, ())):
            entering = None
        if leaving is not None or entering is not None:
            eb = fn.add_block(f"zy.rev.{blk.name}.{'done' if leaving else 'into'}")
            bb = Builder(module, eb)
            for v, pb in adds or ():
                store.add_to(bb, v, pb)
            bb.br(self._dest(p))
            if leaving is not None:
                store.acc_exit[leaving] = eb
            else:
                self.window_enter.setdefault(entering, []).append(eb)
            return eb
        if not adds:
            return self._dest(p)
        eb = fn.add_block(f"zy.rev.{blk.name}.from.{p.name}")
        bb = Builder(module, eb)
        for v, pb in adds:
            store.add_to(bb, v, pb)
        bb.br(self._dest(p))
        return eb

    # -- one instruction -------------------------------------------------------------------
    def realloc_adjoint(self, b: Builder, i: Instruction, r):
        """``q = realloc(p, n)`` copied ``min(old size, n)`` bytes from ``p`` to ``q``: the
        adjoint of that copy adds the prefix of ``q``'s shadow into ``p``'s, or moves it there
        for mixed memory (``copies.MOVE``, with its conditions) (C's realloc does
        not say the old size: the shadow block's usable size stands in for it — bytes past
        the primal's block are never read, so adding into them is harmless).  A realloc that
        returned null copied nothing: no adjoint."""
        sb, frame = self.aug.sb, self.frame
        if self.aug.copy_types[i] is None:
            return      # pointers without floats: copied forwards, nothing to pass back
        spec = table.raw_realloc(i.callee_name)
        n = r(i.operands[spec.size])
        if n.type != I64:
            n = b.cast("zext", n, I64)
        move = self.aug.copy_types[i] is copies.MOVE
        helper = None if move else memcpy_helper(frame.module, self.aug.copy_types[i])
        # a realloc that failed (null) copied nothing and left the old block in use
        failed = b.icmp("eq", r(i), Constant(PTR, "null"))
        for q, p in zip(sb.lanes(b, r(sb.shadow[i])), sb.lanes(b, r(sb.shadow[i.operands[0]]))):
            if spec.old_size is not None:
                old = r(i.operands[spec.old_size])
                if old.type != I64:
                    old = b.cast("zext", old, I64)
            else:
                old = b.call("malloc_usable_size", FunctionType(I64, (PTR,)), [p])
            k = b.call("llvm.umin.i64", FunctionType(I64, (I64, I64)), [old, n])
            k = b.select(failed, const_int(I64, 0), k)
            if move:
                # the old shadow's floats are still zero, so moving equals adding (copies.py)
                b.memcpy(p, q, k)
            else:
                b.call(helper, FunctionType(VOID, (PTR, PTR, I64)), [q, p, k])

    def adjoint(self, b: Builder, i: Instruction, r):
        act = self.aug.act.active
        op = i.opcode
        sb, store, frame = self.aug.sb, self.store, self.frame
        if op == "store" or (op == "call" and not table.lookup(i.callee_name or "")):
            store.flush(b)  # it may read shadow memory that pending accumulations update
        if op == "store":
            v, p = i.operands
            if p in act and v.type.is_float:
                sp = r(sb.shadow[p])
                old = sb.load(b, v.type, sp, align_of(i))
                self.aug.shadow_access(old, p)
                # a window sets the cell when it flushes it; a first store's cell is next
                # set by a load's adjoint (analysis/overwrites.py)
                if i not in self.wplan.window_rz and i not in self.store.nozero_stores:
                    self.aug.shadow_access(sb.store(b, nzero(frame.stype(v.type)), sp,
                                                    align_of(i)), p)
                store.add_to(b, v, old)
            return
        kind = classify_call(i) if op == "call" else None
        if kind is Kind.CUSTOM:
            if i.type.is_float and i in act:
                store.take(b, i)  # an inactive C function: its result carries no derivative
            return
        if op == "call":
            name = i.callee_name or ""
            if kind is Kind.MEMSET and i.operands[0] in act:
                for lane in sb.lanes(b, r(sb.shadow[i.operands[0]])):
                    b.memset(lane, 0, r(i.operands[2]))
            elif kind is Kind.MEMCPY and i.operands[0] in act:
                dst = sb.lanes(b, r(sb.shadow[i.operands[0]]))
                n = r(i.operands[2])
                if i.operands[1] in act and self.aug.copy_types[i] is None:
                    pass    # items without floats (a list of arrays): no adjoint
                elif i.operands[1] in act:
                    helper = memcpy_helper(frame.module, self.aug.copy_types[i])
                    for d, s_ in zip(dst, sb.lanes(b, r(sb.shadow[i.operands[1]]))):
                        # src_bar += dst_bar; dst_bar = 0, element type from how the memory
                        # is accessed
                        b.call(helper, FunctionType(VOID, (PTR, PTR, I64)), [d, s_, n])
                else:
                    for d in dst:
                        b.memset(d, 0, n)
            elif kind is Kind.C_REALLOC and i in act:
                self.realloc_adjoint(b, i, r)
            elif kind is Kind.VARSIZE:
                varsize.adjoint(self.aug, b, i, r)
            elif i in act and i.type.is_float:
                rule = table.lookup(name)
                if rule is None:
                    raise unsupported(describe(i), i.loc)
                self.rule_adjoint(b, rule, i, r)
            return
        if i not in act or not i.type.is_float:
            return
        if op in table.INSTRUCTIONS:
            self.rule_adjoint(b, table.INSTRUCTIONS[op], i, r)
        elif op in ("fpext", "fptrunc"):
            rb = store.take(b, i)
            back = "fptrunc" if op == "fpext" else "fpext"
            store.add_to(b, i.operands[0], b.cast(back, rb, frame.stype(i.operands[0].type)))
        elif op == "select":
            rb = store.take(b, i)
            pk = self.lplan.picks.get(i)
            c = r(i.operands[0]) if pk is None else \
                reverse_condition(b, pk, self.layout.rcount[pk.loop])
            z = nzero(frame.stype(i.type))
            store.add_to(b, i.operands[1], b.select(c, rb, z))
            store.add_to(b, i.operands[2], b.select(c, z, rb))
        elif op == "load":
            rb = store.take(b, i)
            store.defer(i, r(sb.shadow[i.operands[0]]), rb)
        elif op == "freeze":
            store.add_to(b, i.operands[0], store.take(b, i))
        else:
            raise unsupported(describe(i) + " in reverse mode", i.loc)

    def rule_adjoint(self, b: Builder, rule, i: Instruction, r):
        """x̄ += r̄ · ∂f/∂x for each active operand (checked products where a partial can be
        infinite, so a zero adjoint contributes exactly zero)."""
        rb = self.store.take(b, i)
        todo = active_partials(rule, i.operands, self.aug.act.active)
        names: Set[str] = set()
        for _, _, e in todo:
            names |= expression_names(e)
        # only what the partials use: anything else was not planned onto the tape
        env = {"r": r(i)} if "r" in names else {}
        for nm, o in zip(table.OPERAND_NAMES, i.operands):
            if nm in names:
                env[nm] = r(o)
        em = ExprEmitter(b, i.type, env, self.aug.sb.helpers, i.loc)
        for k, o, e in todo:
            d = scaled(b, e, rb, lambda: em.emit(e), rule.checked[k], self.frame.width)
            if d is not None:
                self.store.add_to(b, o, d)

"""The tape: a growable byte stack living in the derivative's frame.

Reverse mode records, at the end of every executed primal block, the values that block's
adjoint code will need, followed by the block's id.  The adjoint sweep pops an id, jumps to
that block's adjoint code, which pops its values in reverse order.  One stack therefore
records both the control-flow path (any CFG: run-time trip counts, data-dependent exits,
early returns) and the cached values, and it is exact by construction: every dynamic instance
of a value gets its own slot, so in-place updates of memory can never change what the
adjoint sweep sees.

Layout: three pointer slots (base, top, end) in allocas of the entry block; every entry is 8
bytes.  Before a block pushes k values it checks ``top + 8·(k+1) <= end`` and otherwise calls
``zymase.tape.grow`` (doubling with ``realloc``).  The same structure is used for the list of
shadow allocations freed at the end of the sweep.

Reuse.  A large tape freed at the end of every call costs more than it holds: the C library
returns big blocks to the kernel, so the next call faults every page in again (measured: half
of log-sum-exp's gradient time at 10⁶ elements went to the kernel).  Each module therefore
keeps heap blocks in ``KEEP_SLOTS`` slots ``@zymase_tape_keep_k``: ``release`` parks a block
in the first empty slot, its capacity and its stack's *tag* written in its first 16 bytes
(dead by then), instead of freeing it; the first growth off the stack buffer takes back the
first block with its own tag (freeing it for a fresh one when it is too small).  Tags are
per ``Stack`` of the module, because one derivative's stacks differ in size by orders of
magnitude (a tape of megabytes, a list of a few shadows) and a block must come back to the
stack that will fill it again.  Several slots, because a parallel loop's derivative runs one
tape per schedule entry at the same time: with one slot, all but one entry faulted its whole
tape in on every call (pairwise energy on 2 threads: 8000 page faults per call, half its
time).  Slots are read and written only by atomic exchange, so a block is always owned by
exactly one party (a slot or one running call); parking walks the slots exchanging, carrying
whatever it displaces to the next slot, and frees what it still holds at the end.
``@zymase_tape_kept`` counts the bytes parked: a block that would take it past
``KEEP_BUDGET``, or larger than ``KEEP_LIMIT``, is freed as before.  The transforms emit the
slots and the counter as globals internal to the module, which is what a module meant for
another process (``zymase opt``) keeps.  A derivative loaded into this process instead has
them shared by every derivative (``kept_blocks.share_tape_slots``, run by
``pipeline.finish``): the budget then bounds all tape memory parked in the process,
``zymase.release_kept_blocks()`` frees it, and each module's tags are salted so that
derivatives sharing the slots take back only their own blocks.
"""
from __future__ import annotations

import re

from typing import List

from ..ir.builder import Builder
from ..ir.types import I64, I8, PTR, VOID, FunctionType, IntType, StructType, Type
from ..ir.values import (Argument, Constant, Function, GlobalRef, Instruction, Module, Value,
                         const_int)

SLOT = 8
INITIAL_BYTES = 4096          # first buffer lives in the derivative's stack frame
GROW = "zymase.tape.grow"
GROW_CHECKED = "zymase.tape.grow.checked"   # returns a null end when the heap refuses
GROW_TRY = "zymase.tape.grow.try"   # leaves the tape as it was when the heap refuses
RELEASE = "zymase.tape.release"
KEEP = "zymase_tape_keep"
KEEP_BYTES = "zymase_tape_kept"
KEEP_SLOTS = 16
KEEP_LIMIT = 128 << 20        # bytes: a larger block is freed rather than kept
KEEP_BUDGET = 256 << 20       # bytes parked at once, all slots together


_TRIPLE = StructType((PTR, PTR, PTR))


def _triple(b: Builder, base: Value, top: Value, end: Value) -> Value:
    from ..ir.values import undef
    v = undef(_TRIPLE)
    for k, x in enumerate((base, top, end)):
        v = b.insertvalue(v, x, [k])
    return v


def ensure_grow_helper(module: Module) -> None:
    """Define ``zymase.tape.grow(ptr base_slot, ptr top_slot, ptr end_slot, i64 need,
    ptr stack_buffer)`` (move to a heap buffer of at least twice the size; the first move
    copies out of the stack buffer) and ``zymase.tape.release(ptr base, ptr stack_buffer)``."""
    if GROW in module.functions:
        return
    _grow_helper(module, GROW, False)
    _grow_helper(module, GROW_CHECKED, True)
    _release_helper(module)


# which operand of a call of each helper is the stack's tag
_TAG_OPERAND = {GROW: 4, GROW_CHECKED: 4, GROW_TRY: 4, RELEASE: 2}


def keep_globals(module: Module) -> List[str]:
    """The names of ``module``'s keep slots and parked-bytes counter (none without a tape)."""
    return [n for n in module.globals if n == KEEP_BYTES or n.startswith(KEEP + "_")]


def salt_tags(module: Module, salt: int) -> None:
    """Add ``salt`` to the tag every call of a tape helper in ``module`` passes, so that its
    stacks' tags differ from those of modules salted otherwise (shared keep slots)."""
    for fn in module.defined():
        for i in fn.instructions():
            k = _TAG_OPERAND.get(i.callee_name) if i.opcode == "call" else None
            if k is not None and isinstance(i.operands[k], Constant):
                i.operands[k] = const_int(I64, salt + int(i.operands[k].text))


def _keep_slots(module: Module) -> List[GlobalRef]:
    for k in range(KEEP_SLOTS):
        name = f"{KEEP}_{k}"
        if name not in module.globals:
            module.globals[name] = f"@{name} = internal global ptr null, align 8"
    if KEEP_BYTES not in module.globals:
        module.globals[KEEP_BYTES] = f"@{KEEP_BYTES} = internal global i64 0, align 8"
    return [GlobalRef(f"{KEEP}_{k}") for k in range(KEEP_SLOTS)]


def _exchange(b: Builder, slot: Value, v: Value) -> Value:
    return b.emit(Instruction("atomicrmw", PTR, [slot, v],
                              template="atomicrmw xchg ptr {0}, ptr {1} acq_rel"))


def _count(b: Builder, op: str, n: Value) -> Value:
    """Atomically add (``op`` = "add") or subtract bytes from the parked-bytes counter;
    returns the old count."""
    return b.emit(Instruction("atomicrmw", I64, [GlobalRef(KEEP_BYTES), n],
                              template=f"atomicrmw {op} ptr {{0}}, i64 {{1}} acq_rel"))


def _release_helper(module: Module) -> None:
    """``zymase.tape.release(ptr base, ptr end, ptr stack)``: a heap buffer is parked in the
    first empty keep slot (see the module docstring), or freed."""
    slots = _keep_slots(module)
    free_t = FunctionType(VOID, (PTR,))
    null = Constant(PTR, "null")
    rargs = [Argument(PTR, "base"), Argument(PTR, "end"), Argument(I64, "tag"),
             Argument(PTR, "stack")]
    base, end, tag, stack = rargs
    rel = Function(RELEASE, VOID, rargs)
    rel.linkage = "internal"
    module.add_function(rel)
    entry, heap, drop, count, over, done = (
        rel.add_block(n) for n in ("entry", "heap", "drop", "count", "over", "done"))
    tries = [rel.add_block(f"park{k}") for k in range(KEEP_SLOTS)]
    left = rel.add_block("left")
    b = Builder(module, entry)
    b.cbr(b.icmp("eq", base, stack), done, heap)
    b = Builder(module, heap)
    # a failed tape marks its end's low bit (see _grow_helper); capacities are multiples of 8
    end_i = b.binop("and", b.cast("ptrtoint", end, I64), const_int(I64, -8))
    cap = b.sub(end_i, b.cast("ptrtoint", base, I64))
    b.cbr(b.icmp("ugt", cap, const_int(I64, KEEP_LIMIT)), drop, count)
    b = Builder(module, drop)
    b.call("free", free_t, [base])
    b.br(done)
    b = Builder(module, count)
    before = _count(b, "add", cap)
    b.store(cap, base, 8)
    b.store(tag, b.gep(I8, base, [const_int(I64, 8)]), 8)
    b.cbr(b.icmp("ugt", b.add(before, cap), const_int(I64, KEEP_BUDGET)), over, tries[0])
    b = Builder(module, over)
    _count(b, "sub", cap)
    b.call("free", free_t, [base])
    b.br(done)
    held = base          # the block in hand: ours, then whatever a slot gave back
    came = count
    for k, blk in enumerate(tries):
        b = Builder(module, blk)
        if k:
            ph = b.phi(PTR)
            ph.add_incoming(held, came)
            held = ph
        old = _exchange(b, slots[k], held)
        b.cbr(b.icmp("eq", old, null), done, tries[k + 1] if k + 1 < KEEP_SLOTS else left)
        held, came = old, blk
    b = Builder(module, left)
    _count(b, "sub", b.load(I64, held, 8))
    b.call("free", free_t, [held])
    b.br(done)
    Builder(module, done).ret()


def _grow_helper(module: Module, name: str, checked: bool, attempt: bool = False) -> None:
    """``attempt`` (``GROW_TRY``, the one reservation before a versioned loop,
    ``reverse/versioning.py``): when the heap refuses, or the tape is already in the failed
    state, the triple comes back unchanged; the caller tests the room it got.

    ``checked``: when malloc/realloc refuse, the tape enters a *failed state* instead of
    crashing: the old buffer (still owned, still valid) is handed back with ``top`` reset to
    its start and ``end`` marked by its low bit (buffers are 8-byte aligned, so a valid end
    never has it).  Every later growth in that state resets ``top`` again without allocating,
    so the forward sweep runs to its end writing only inside the old buffer, and one test of
    the mark before the adjoint sweep (``reverse/oom.py``) turns it into a MemoryError.  No
    branch is added to the code that pushes.  A reservation larger than the old buffer cannot
    be served that way: it traps."""
    module.get_or_declare("realloc", FunctionType(PTR, (PTR, I64)))
    module.get_or_declare("malloc", FunctionType(PTR, (I64,)))
    module.get_or_declare("free", FunctionType(VOID, (PTR,)))
    args = [Argument(PTR, "base"), Argument(PTR, "top"), Argument(PTR, "end"),
            Argument(I64, "need"), Argument(I64, "tag"), Argument(PTR, "stack")]
    fn = Function(name, _TRIPLE, args)
    fn.linkage = "internal"
    fn.attrs = "cold"  # rarely run; inlinable so a derivative of a derivative sees through it
    module.add_function(fn)
    blk, live, work, heap, first, copy, join, done = (
        fn.add_block(n) for n in ("entry", "live", "grow", "heap", "first", "copy", "join",
                                  "done"))
    base, top, end, need, tag, stack = args
    null = Constant(PTR, "null")
    eb = Builder(module, blk)
    eb.cbr(eb.icmp("eq", need, const_int(I64, 0)), done, live)
    db = Builder(module, done)
    db.ret(_triple(db, base, top, end))
    lb = Builder(module, live)
    end_i = lb.cast("ptrtoint", end, I64)
    if attempt:
        refused = fn.add_block("refused")
        lb.cbr(lb.icmp("ne", lb.binop("and", end_i, const_int(I64, 1)), const_int(I64, 0)),
               done, work)
        rb = Builder(module, refused)
        rb.ret(_triple(rb, base, top, end))
    elif checked:
        failed, refused, mark, trap = (fn.add_block(n) for n in ("failed", "refused", "mark",
                                                                "trap"))
        lb.cbr(lb.icmp("ne", lb.binop("and", end_i, const_int(I64, 1)), const_int(I64, 0)),
               failed, work)
        fb0 = Builder(module, failed)
        fb0.ret(_triple(fb0, base, base, end))
    else:
        lb.br(work)
    b = Builder(module, work)
    used = b.sub(b.cast("ptrtoint", top, I64), b.cast("ptrtoint", base, I64))
    cap = b.sub(end_i, b.cast("ptrtoint", base, I64))
    cap2 = b.mul(cap, const_int(I64, 2))
    want = b.add(used, need)
    big = b.icmp("ugt", want, cap2)
    newcap = b.select(big, b.mul(want, const_int(I64, 2)), cap2)
    b.cbr(b.icmp("eq", base, stack), first, heap)
    # leaving the stack buffer: the block this stack parked last time (same tag) if it is
    # large enough, else malloc.  A block of another stack found on the way goes back to its
    # slot; should that slot have been refilled meanwhile, the block displaced is freed.
    kept, small, fresh = (fn.add_block(n) for n in ("kept", "small", "fresh"))
    slots = _keep_slots(module)
    takes = [first] + [fn.add_block(f"take{k}") for k in range(1, KEEP_SLOTS)]
    got = []
    free_t = FunctionType(VOID, (PTR,))
    for k, blk in enumerate(takes):
        nxt = takes[k + 1] if k + 1 < KEEP_SLOTS else fresh
        other, back, lost = (fn.add_block(f"{n}{k}") for n in ("other", "back", "lost"))
        tb = Builder(module, blk)
        o = _exchange(tb, slots[k], null)
        tb.cbr(tb.icmp("eq", o, null), nxt, other)
        ob = Builder(module, other)
        mine = ob.icmp("eq", ob.load(I64, ob.gep(I8, o, [const_int(I64, 8)]), 8), tag)
        got.append((o, other))
        ob.cbr(mine, kept, back)
        bb = Builder(module, back)
        d = _exchange(bb, slots[k], o)
        bb.cbr(bb.icmp("eq", d, null), nxt, lost)
        lb2 = Builder(module, lost)
        _count(lb2, "sub", lb2.load(I64, d, 8))
        lb2.call("free", free_t, [d])
        lb2.br(nxt)
    kb = Builder(module, kept)
    old = kb.phi(PTR)
    for o, blk in got:
        old.add_incoming(o, blk)
    old_cap = kb.load(I64, old, 8)
    _count(kb, "sub", old_cap)
    kb.cbr(kb.icmp("uge", old_cap, want), copy, small)
    sb = Builder(module, small)
    sb.call("free", free_t, [old])
    sb.br(fresh)
    mb0 = Builder(module, fresh)
    nb1 = mb0.call("malloc", FunctionType(PTR, (I64,)), [newcap])
    if checked or attempt:
        mb0.cbr(mb0.icmp("eq", nb1, null), refused, copy)
    else:
        mb0.br(copy)
    cb = Builder(module, copy)
    first_nb = cb.phi(PTR)
    first_nb.add_incoming(old, kept)
    first_nb.add_incoming(nb1, fresh)
    first_cap = cb.phi(I64)
    first_cap.add_incoming(old_cap, kept)
    first_cap.add_incoming(newcap, fresh)
    cb.memcpy(first_nb, base, used)
    cb.br(join)
    hb = Builder(module, heap)
    nb2 = hb.call("realloc", FunctionType(PTR, (PTR, I64)), [base, newcap])
    if checked or attempt:
        hb.cbr(hb.icmp("eq", nb2, null), refused, join)
    else:
        hb.br(join)
    jb = Builder(module, join)
    nb = jb.phi(PTR)
    nb.add_incoming(first_nb, copy)
    nb.add_incoming(nb2, heap)
    ncap = jb.phi(I64)
    ncap.add_incoming(first_cap, copy)
    ncap.add_incoming(newcap, heap)
    jb.ret(_triple(jb, nb, jb.gep(I8, nb, [used]), jb.gep(I8, nb, [ncap])))
    if checked:
        rb = Builder(module, refused)
        # the old buffer serves the reservation only if it is at least that large
        rb.cbr(rb.icmp("ugt", need, cap), trap, mark)
        mb = Builder(module, mark)
        marked = mb.gep(I8, end, [const_int(I64, 1)])    # (a GEP keeps the provenance)
        mb.ret(_triple(mb, base, base, marked))
        tb = Builder(module, trap)
        tb.call("llvm.trap", FunctionType(VOID, ()), [])
        tb.emit(Instruction("unreachable", VOID, []))

# (llvm-link may rename an internal slot with a ``.N`` suffix)
_KEPT_EXCHANGE = re.compile(
    r'^(\s*%[-\w.$"]+) = atomicrmw (?:volatile )?xchg ptr @"?[-\w.$]*' + KEEP
    + r'_\d+(?:\.\d+)*"?, ptr ([^,]+?) \w+(?:, align \d+)?\s*$', re.M)


def forget_kept_blocks_text(text: str) -> str:
    """Make the keep slot of a derivative that is being differentiated again hand back what it
    is given: each exchange with the slot becomes its new value, so taking yields null (a
    fresh ``malloc``) and parking frees the block.  The outer derivative then sees only
    allocations it gives shadows to (``malloc``/``realloc``/``free``), never a tape block whose
    shadow would have to be kept beside it.  Applied to IR text before canonicalisation, which
    then folds the dead keep paths away (every front end that reads IR to differentiate)."""
    if KEEP not in text:
        return text
    return _KEPT_EXCHANGE.sub(r"\1 = getelementptr i8, ptr \2, i64 0", text)


class Stack:
    """Emits push/pop code for one tape."""

    def __init__(self, module: Module, entry: Builder, name: str):
        from ..ir.types import ArrayType
        self.module = module
        self.used = False        # whether any push was emitted
        ensure_grow_helper(module)
        # which parked blocks are this stack's (see the module docstring): stacks of one
        # module differ in size by orders of magnitude (a tape, a list of shadows)
        tags = module.__dict__.setdefault("zymase_tape_tags", [0])
        tags[0] += 1
        self.tag = tags[0]
        eb = entry
        self.base = eb.alloca(PTR, f"{name}.base")
        self.top = eb.alloca(PTR, f"{name}.top")
        self.end = eb.alloca(PTR, f"{name}.end")
        self.stack = eb.alloca(ArrayType(INITIAL_BYTES // SLOT, I64), f"{name}.stack")
        eb.store(self.stack, self.base)
        eb.store(self.stack, self.top)
        eb.store(eb.gep(I8, self.stack, [const_int(I64, INITIAL_BYTES)]), self.end)

    def is_full(self, b: Builder, n: int) -> Value:
        """i1: pushing ``n`` more slots would overflow."""
        top = b.load(PTR, self.top)
        end = b.load(PTR, self.end)
        after = b.gep(I8, top, [const_int(I64, n * SLOT)])
        return b.icmp("ugt", b.cast("ptrtoint", after, I64), b.cast("ptrtoint", end, I64))

    def try_grow(self, b: Builder, need: Value):
        """Make room for ``need`` more bytes if the heap allows (``GROW_TRY``); the tape is
        left as it was otherwise (the caller compares ``top + need`` with ``end`` again)."""
        if GROW_TRY not in self.module.functions:
            _grow_helper(self.module, GROW_TRY, False, attempt=True)
        r = b.call(GROW_TRY, FunctionType(_TRIPLE, (PTR, PTR, PTR, I64, I64, PTR)),
                   [b.load(PTR, self.base), b.load(PTR, self.top), b.load(PTR, self.end),
                    need, const_int(I64, self.tag), self.stack])
        for k, slot in enumerate((self.base, self.top, self.end)):
            b.store(b.extractvalue(r, [k]), slot)

    def grow(self, b: Builder, n: int, need: Value = None, checked: bool = False):
        """``checked``: on failure the end slot becomes null (the caller must test it)."""
        # by value in, by value out: the three slots never escape, so they live in registers
        r = b.call(GROW_CHECKED if checked else GROW,
                   FunctionType(_TRIPLE, (PTR, PTR, PTR, I64, I64, PTR)),
                   [b.load(PTR, self.base), b.load(PTR, self.top), b.load(PTR, self.end),
                    need if need is not None else const_int(I64, n * SLOT),
                    const_int(I64, self.tag), self.stack])
        for k, slot in enumerate((self.base, self.top, self.end)):
            b.store(b.extractvalue(r, [k]), slot)

    def push_all(self, b: Builder, values: List[Value]):
        self.used = True
        top = b.load(PTR, self.top)
        for k, v in enumerate(values):
            p = b.gep(I8, top, [const_int(I64, k * SLOT)])
            b.store(widen(b, v), p, 8)
        b.store(b.gep(I8, top, [const_int(I64, len(values) * SLOT)]), self.top)

    def pop_all(self, b: Builder, types: List[Type]) -> List[Value]:
        top = b.load(PTR, self.top)
        n = len(types)
        start = b.gep(I8, top, [const_int(I64, -n * SLOT)])
        out = []
        for k, t in enumerate(types):
            p = b.gep(I8, start, [const_int(I64, k * SLOT)])
            out.append(narrow(b, b.load(slot_type(t), p, 8), t))
        b.store(start, self.top)
        return out

    def empty(self, b: Builder) -> Value:
        return b.icmp("eq", b.load(PTR, self.top), b.load(PTR, self.base))

    def release(self, b: Builder):
        b.call(RELEASE, FunctionType(VOID, (PTR, PTR, I64, PTR)),
               [b.load(PTR, self.base), b.load(PTR, self.end), const_int(I64, self.tag),
                self.stack])


def slot_type(t: Type) -> Type:
    if isinstance(t, IntType) and t.bits < 64:
        return I64
    return t


def widen(b: Builder, v: Value) -> Value:
    if isinstance(v.type, IntType) and v.type.bits < 64:
        return b.cast("zext", v, I64)
    return v


def narrow(b: Builder, v: Value, t: Type) -> Value:
    if isinstance(t, IntType) and t.bits < 64:
        return b.cast("trunc", v, t)
    return v

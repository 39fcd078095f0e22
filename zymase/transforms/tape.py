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
keeps one heap block in ``@zymase_tape_keep``: ``release`` parks the block there (its capacity
written in its first 8 bytes, which are dead by then) instead of freeing it, and the first
growth off the stack buffer takes it back when it is large enough.  The slot is read and
written only by atomic exchange, so a block is always owned by exactly one party (the slot or
one running call): concurrent calls, ``prange`` workers included, never share a buffer.  When
two blocks meet, the larger stays; blocks above ``KEEP_LIMIT`` are freed as before.  The slot
is internal to the derivative's module (every linked copy has its own), so the memory kept is
at most ``KEEP_LIMIT`` per derivative.
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
RELEASE = "zymase.tape.release"
KEEP = "zymase_tape_keep"
KEEP_LIMIT = 128 << 20        # bytes: a larger block is freed rather than kept


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


def _ensure_keep_slot(module: Module) -> GlobalRef:
    if KEEP not in module.globals:
        module.globals[KEEP] = f"@{KEEP} = internal global ptr null, align 8"
    return GlobalRef(KEEP)


def _exchange(b: Builder, slot: Value, v: Value) -> Value:
    return b.emit(Instruction("atomicrmw", PTR, [slot, v],
                              template="atomicrmw xchg ptr {0}, ptr {1} acq_rel"))


def _release_helper(module: Module) -> None:
    """``zymase.tape.release(ptr base, ptr end, ptr stack)``: a heap buffer goes to the keep
    slot (the larger of it and the slot's block stays there, the other is freed)."""
    slot = _ensure_keep_slot(module)
    free_t = FunctionType(VOID, (PTR,))
    rargs = [Argument(PTR, "base"), Argument(PTR, "end"), Argument(PTR, "stack")]
    base, end, stack = rargs
    rel = Function(RELEASE, VOID, rargs)
    rel.linkage = "internal"
    module.add_function(rel)
    entry, heap, drop, keep, meet, drop_old, swap, done = (
        rel.add_block(n) for n in ("entry", "heap", "drop", "keep", "meet", "drop_old", "swap",
                                   "done"))
    b = Builder(module, entry)
    b.cbr(b.icmp("eq", base, stack), done, heap)
    b = Builder(module, heap)
    # a failed tape marks its end's low bit (see _grow_helper); capacities are multiples of 8
    end_i = b.binop("and", b.cast("ptrtoint", end, I64), const_int(I64, -8))
    cap = b.sub(end_i, b.cast("ptrtoint", base, I64))
    b.cbr(b.icmp("ugt", cap, const_int(I64, KEEP_LIMIT)), drop, keep)
    b = Builder(module, drop)
    b.call("free", free_t, [base])
    b.br(done)
    b = Builder(module, keep)
    b.store(cap, base, 8)
    old = _exchange(b, slot, base)
    b.cbr(b.icmp("eq", old, Constant(PTR, "null")), done, meet)
    b = Builder(module, meet)
    b.cbr(b.icmp("ugt", b.load(I64, old, 8), cap), swap, drop_old)
    b = Builder(module, drop_old)
    b.call("free", free_t, [old])
    b.br(done)
    b = Builder(module, swap)
    # whatever the slot holds now (our buffer, or one another call parked meanwhile) is ours
    b.call("free", free_t, [_exchange(b, slot, old)])
    b.br(done)
    Builder(module, done).ret()


def _grow_helper(module: Module, name: str, checked: bool) -> None:
    """``checked``: when malloc/realloc refuse, the tape enters a *failed state* instead of
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
            Argument(I64, "need"), Argument(PTR, "stack")]
    fn = Function(name, _TRIPLE, args)
    fn.linkage = "internal"
    fn.attrs = "cold"  # rarely run; inlinable so a derivative of a derivative sees through it
    module.add_function(fn)
    blk, live, work, heap, first, copy, join, done = (
        fn.add_block(n) for n in ("entry", "live", "grow", "heap", "first", "copy", "join",
                                  "done"))
    base, top, end, need, stack = args
    null = Constant(PTR, "null")
    eb = Builder(module, blk)
    eb.cbr(eb.icmp("eq", need, const_int(I64, 0)), done, live)
    db = Builder(module, done)
    db.ret(_triple(db, base, top, end))
    lb = Builder(module, live)
    end_i = lb.cast("ptrtoint", end, I64)
    if checked:
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
    # leaving the stack buffer: the module's kept block if it is large enough, else malloc
    kept, small, fresh = (fn.add_block(n) for n in ("kept", "small", "fresh"))
    fb = Builder(module, first)
    old = _exchange(fb, _ensure_keep_slot(module), null)
    fb.cbr(fb.icmp("eq", old, null), fresh, kept)
    kb = Builder(module, kept)
    old_cap = kb.load(I64, old, 8)
    kb.cbr(kb.icmp("uge", old_cap, want), copy, small)
    sb = Builder(module, small)
    sb.call("free", FunctionType(VOID, (PTR,)), [old])
    sb.br(fresh)
    mb0 = Builder(module, fresh)
    nb1 = mb0.call("malloc", FunctionType(PTR, (I64,)), [newcap])
    if checked:
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
    if checked:
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

_KEPT_EXCHANGE = re.compile(
    r'^(\s*%[-\w.$"]+) = atomicrmw (?:volatile )?xchg ptr @"?[-\w.$]*' + KEEP
    + r'"?, ptr ([^,]+?) \w+(?:, align \d+)?\s*$', re.M)


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

    def grow(self, b: Builder, n: int, need: Value = None, checked: bool = False):
        """``checked``: on failure the end slot becomes null (the caller must test it)."""
        # by value in, by value out: the three slots never escape, so they live in registers
        r = b.call(GROW_CHECKED if checked else GROW, FunctionType(_TRIPLE, (PTR, PTR, PTR, I64, PTR)),
                   [b.load(PTR, self.base), b.load(PTR, self.top), b.load(PTR, self.end),
                    need if need is not None else const_int(I64, n * SLOT), self.stack])
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
        b.call(RELEASE, FunctionType(VOID, (PTR, PTR, PTR)),
               [b.load(PTR, self.base), b.load(PTR, self.end), self.stack])


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

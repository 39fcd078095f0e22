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
"""
from __future__ import annotations

from typing import List

from ..ir.builder import Builder
from ..ir.types import I64, I8, PTR, VOID, FunctionType, IntType, StructType, Type
from ..ir.values import Argument, Constant, Function, Instruction, Module, Value, const_int

SLOT = 8
INITIAL_BYTES = 4096          # first buffer lives in the derivative's stack frame
GROW = "zymase.tape.grow"
GROW_CHECKED = "zymase.tape.grow.checked"   # returns a null end when the heap refuses
RELEASE = "zymase.tape.release"


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
    rargs = [Argument(PTR, "base"), Argument(PTR, "stack")]
    rel = Function(RELEASE, VOID, rargs)
    rel.linkage = "internal"
    module.add_function(rel)
    r0, r1, r2 = rel.add_block("entry"), rel.add_block("free"), rel.add_block("done")
    rb = Builder(module, r0)
    rb.cbr(rb.icmp("eq", rargs[0], rargs[1]), r2, r1)
    fb = Builder(module, r1)
    fb.call("free", FunctionType(VOID, (PTR,)), [rargs[0]])
    fb.br(r2)
    Builder(module, r2).ret()


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
    fb = Builder(module, first)
    nb1 = fb.call("malloc", FunctionType(PTR, (I64,)), [newcap])
    if checked:
        fb.cbr(fb.icmp("eq", nb1, null), refused, copy)
    else:
        fb.br(copy)
    cb = Builder(module, copy)
    cb.memcpy(nb1, base, used)
    cb.br(join)
    hb = Builder(module, heap)
    nb2 = hb.call("realloc", FunctionType(PTR, (PTR, I64)), [base, newcap])
    if checked:
        hb.cbr(hb.icmp("eq", nb2, null), refused, join)
    else:
        hb.br(join)
    jb = Builder(module, join)
    nb = jb.phi(PTR)
    nb.add_incoming(nb1, copy)
    nb.add_incoming(nb2, heap)
    jb.ret(_triple(jb, nb, jb.gep(I8, nb, [used]), jb.gep(I8, nb, [newcap])))
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
        b.call(RELEASE, FunctionType(VOID, (PTR, PTR)), [b.load(PTR, self.base), self.stack])


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

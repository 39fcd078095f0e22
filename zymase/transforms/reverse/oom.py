"""A tape that cannot be allocated is a ``MemoryError``, not a crash.

Every growth of the tape (``instrument._reserve``) uses the checked grow helper
(``tape.GROW_CHECKED``): when malloc/realloc refuse, the tape enters a failed state — the old
buffer is reused from its start and its end pointer is marked — so the forward sweep finishes
without writing outside it and without a branch in the code that pushes (a test after every
growth slowed GMM's gradient by a third: the exit's live values weighed on every loop).  This
pass tests the mark once, where the adjoint sweep would start, and, like the snapshot buffers
of checkpointed loops (``checkpoint.py``), sends a failure to one exit block that

1. releases the shadow allocations and the tape (the caller's arrays and their shadows were
   only read or accumulated into: they stay valid),
2. records the bytes the tape needed in the derivative's tape cell (``Derivative.tape_bytes``;
   the Python entry puts the number into the message),
3. returns the status of a linked Numba helper that raises ``MemoryError`` — so the derivative
   fails like any Numba function that raised, from Python and from jitted callers alike.

Code with the C calling convention has no way to report an error: there a failure traps
(``llvm.trap``), which is still better than writing past the end of the tape.
"""
from __future__ import annotations

from typing import Optional

from ...ir.builder import Builder
from ...ir.types import I32, I64, PTR, VOID, FunctionType
from ...ir.values import Constant, Instruction, const_int
from . import results

MESSAGE = "zymase: the tape could not be allocated"
_raiser = None


def _raise_symbol(module) -> str:
    """Link a Numba function raising ``MemoryError(MESSAGE)`` into ``module``; its symbol."""
    global _raiser
    if _raiser is None:
        import numba

        def zymase_out_of_memory():
            raise MemoryError("zymase: the tape could not be allocated")
        disp = numba.njit(zymase_out_of_memory)
        disp.compile(())
        cres = disp.overloads[()]
        _raiser = (cres.fndesc.llvm_func_name, str(cres.library._final_module))
    module.__dict__.setdefault("extra_ir", {}).setdefault(_raiser[0], _raiser[1])
    return _raiser[0]


class OutOfMemory:
    """The shared failure exit of one derivative (made on first use)."""

    def __init__(self, frame, aug, layout, tape_counter: Optional[int]):
        self.frame, self.aug, self.layout, self.counter = frame, aug, layout, tape_counter
        self.exit = None
        self.need = None

    def __call__(self, b: Builder, need) -> object:
        """The block to branch to when an allocation of ``need`` bytes failed at ``b``."""
        fn, m = self.frame.fn, self.frame.module
        if self.exit is None:
            self._build()
        edge = fn.add_block("zy.oom.from")
        eb = Builder(m, edge)
        eb.store(need, self.need)
        eb.br(self.exit)
        return edge

    def _build(self):
        frame, m = self.frame, self.frame.module
        fn = frame.fn
        self.need = frame.entry().alloca(I64, "zy.oom.need")
        self.exit = fn.add_block("zy.oom")
        b = Builder(m, self.exit)
        if frame.excinfo is None or not frame.sig.ret.status:
            b.call("llvm.trap", FunctionType(VOID, ()), [])
            b.emit(Instruction("unreachable", VOID, []))
            return
        results.free_shadows(frame, self.aug, b)
        self.layout.tape.release(b)
        if self.counter is not None:
            b.store(b.load(I64, self.need), Constant(PTR, f"inttoptr (i64 {self.counter} to ptr)"))
        sym = _raise_symbol(m)
        slot = frame.entry().alloca(I64, "zy.oom.ret")
        status = b.call(sym, FunctionType(I32, (PTR, PTR)), [slot, frame.excinfo])
        b.ret(status)

    def check_grows(self, starts):
        """Once, at each of ``starts`` (the sweep's start blocks, ``AdjointSweep.starts``): a
        tape in the failed state (its end marked, ``tape.GROW_CHECKED``) means the heap
        refused a growth; the sweep must not run.  The bytes reported are a lower bound:
        twice the buffer that could not grow."""
        if not self.layout.grow_blocks:
            return
        m, fn = self.frame.module, self.frame.fn
        tape = self.layout.tape
        preds = fn.predecessors()
        for start in starts:
            chk = fn.add_block(f"{start.name}.tape")
            for p in preds.get(start, ()):
                t = p.terminator
                t.blocks = [chk if x is start else x for x in t.blocks]
            b = Builder(m, chk)
            end = b.cast("ptrtoint", b.load(PTR, tape.end), I64)
            base = b.cast("ptrtoint", b.load(PTR, tape.base), I64)
            failed = b.icmp("ne", b.binop("and", end, const_int(I64, 1)), const_int(I64, 0))
            need = b.mul(b.sub(end, base), const_int(I64, 2))
            b.cbr(failed, self(b, need), start)

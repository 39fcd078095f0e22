"""A tape that cannot be allocated is a ``MemoryError``, not a crash.

Every growth of the tape (``instrument._reserve``) uses the checked grow helper
(``tape.GROW_CHECKED``): when malloc/realloc refuse, it keeps the old buffer and leaves a null
end pointer.  This pass tests that after each growth (a cold block) and, like the snapshot
buffers of checkpointed loops (``checkpoint.py``), sends a failure to one exit block that

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

    def check_grows(self):
        """After every tape growth: a null end means the heap refused."""
        m = self.frame.module
        tape = self.layout.tape
        for gb in self.layout.grow_blocks:
            t = gb.terminator
            cont = t.blocks[0]
            t.erase()
            b = Builder(m, gb)
            end = b.load(PTR, tape.end)
            base = b.load(PTR, tape.base)
            top = b.load(PTR, tape.top)
            used = b.sub(b.cast("ptrtoint", top, I64), b.cast("ptrtoint", base, I64))
            failed = b.icmp("eq", end, Constant(PTR, "null"))
            b.cbr(failed, self(b, b.mul(b.add(used, const_int(I64, 8)), const_int(I64, 2))), cont)

"""The launch of a parallel loop: what ``numba_parallel_for`` is called with, and the block in
which reverse mode keeps a copy of it.

``numba_parallel_for(@K, args, dims, steps, data, inner_ndim, array_count, num_threads)``
(see ``parallel.py``) hands each worker a share of kernel ``K``'s schedule.  ``Launch`` names
those operands.  Reverse mode's forward sweep copies them into a *copy block*, whose word
offsets ``copy_layout`` gives: ``args``, the shadow ``args`` of each lane, ``dims``, ``steps``,
one word per slot for scalar cells, the tape path's control words (``ctl``, read by
``parfor_tape.py``: ``CTL_WORDS`` words, then three per slot), then the schedule.
"""
from __future__ import annotations

from ..errors import unsupported
from ..ir.types import I64, PTR, VOID, FunctionType
from ..ir.values import Constant, Function, GlobalRef, Instruction, Module

LAUNCH = "numba_parallel_for"
# the schedule's allocation (integer ranges, freed right after the launch: reverse mode copies it)
SCHEDULE = "allocate_sched"
LAUNCH_TYPE = FunctionType(VOID, (PTR, PTR, PTR, PTR, PTR, I64, I64, I64))


# ctl: states, entries, shared-read mode, schedule, entry bytes, phases; then 3 words per slot
CTL_WORDS = 6


def ctl_words(na: int) -> int:
    return CTL_WORDS + 3 * na


class Launch:
    """The operands of a ``numba_parallel_for`` call."""

    def __init__(self, i: Instruction):
        ops = i.operands
        self.inst = i
        self.kernel_ref, self.args, self.dims, self.steps, self.data = ops[:5]
        self.inner_ndim, self.array_count, self.threads = ops[5:8]
        if not isinstance(self.kernel_ref, GlobalRef):
            raise unsupported("a parallel loop launched through a function pointer", i.loc)
        if not isinstance(self.array_count, Constant) or not isinstance(self.inner_ndim,
                                                                        Constant):
            raise unsupported("a parallel loop with a run-time argument count", i.loc)
        self.na = int(self.array_count.ref())
        self.ni = int(self.inner_ndim.ref())

    def kernel(self, module: Module) -> Function:
        k = module.functions.get(self.kernel_ref.name)
        if k is None or k.is_declaration:
            raise unsupported(f"a parallel loop whose kernel `{self.kernel_ref.name}` is not "
                              f"in the module", self.inst.loc)
        return k


def copy_layout(na: int, ni: int, lanes: int):
    """Word offsets in the copy block: args, dargs per lane, dims, steps, one word per slot
    for scalar cells (``scalars + j``), the tape path's control words (``parfor_tape``), then
    the schedule."""
    args = 0
    dargs = [na * (1 + k) for k in range(lanes)]
    dims = na * (1 + lanes)
    steps = dims + ni + 1
    scalars = steps + na + ni
    sched = scalars + na + ctl_words(na)
    return args, dargs, dims, steps, scalars, sched

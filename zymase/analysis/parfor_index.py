"""Row windows: which rows of an array a parallel loop's iteration ``i`` reads.

For a ``prange`` loop over ``i`` and an array the kernel only reads, the adjoint of iteration
``i`` adds into the shadow elements ``i`` read.  When every read of the array is at an element
whose first index is ``i + c`` with ``|c| <= r`` (``x[i]``, ``x[i, :]``, ``u[i ± 1, j]``), the
elements iterations ``i`` and ``i'`` touch are disjoint once ``|i − i'| > 2r``: schedule entries
(contiguous ranges of ``i``) can accumulate straight into the shared shadow — all at once when
``r = 0``, in two phases otherwise (``transforms/parfor_tape.py``).

``row_radius(kernel, slot, …)`` returns that ``r`` or None.  The proof, per load through the
slot's pointer (``parfor_slots.slot_of``), on the byte address written as
``root + Σ scale·v + const`` (``addresses.affine``):

* the root is the slot's data pointer, loaded from ``args[slot]``; a term ``steps[slot]·k``
  (the launcher's advance of the pointer per schedule entry) may be added;
* one term is the first index: for a 1-D array ``R·itemsize``, for a 2-D C-contiguous array
  ``(R·shape₁)·itemsize`` with ``shape₁`` the array's second extent (read from ``dims``);
* ``R`` is ``i + c`` plus at most Numba's wraparound term (``select(…, shape₀, 0)``; for a
  1-D array it may also be a term of its own), where
  ``i`` is the loop's index: a phi starting at the schedule entry's first word and stepping by
  one.  The wraparound term is zero when ``i + c >= 0``, which the caller checks at run time
  (every entry starts at ``r`` or later);
* a 2-D array's other terms are its second index: loop indices and Numba's wraparound
  term for it, and the constant (a multiple of the item size); a 1-D array's constant
  moves its row.

Assumption (Numba's, for code without ``boundscheck``): every index is within its
dimension (an index past the end is undefined behaviour), so the other terms never carry the
address into another row.  Everything else — other layouts, more dimensions, an index that
is not ``i + c`` (``x[idx[i]]``, ``x[j]`` of an inner loop, ``x[2·i]``) — gives None.
"""
from __future__ import annotations

from typing import Optional

from ..ir.values import Argument, Function, Instruction, Value
from .addresses import _int_const, _split, affine


def _word(v: Value, base: Argument) -> Optional[int]:
    """``k`` when ``v`` is ``load i64, (base + 8·k)``."""
    if not (isinstance(v, Instruction) and v.opcode == "load"):
        return None
    root, terms, const = affine(v.operands[0])
    if root is not base or terms or const % 8:
        return None
    return const // 8


def _slot_pointer(v: Value, args: Argument) -> Optional[int]:
    """``j`` when ``v`` is ``load ptr, (args + 8·j)``."""
    if not (isinstance(v, Instruction) and v.opcode == "load" and v.type.is_pointer):
        return None
    return _word(v, args) if v.type.is_pointer else None


def _loop_index(v: Value, args: Argument) -> bool:
    """``v`` is the parallel loop's index: ``phi [start, …], [v + 1, …]`` with ``start`` the
    first word of the worker's schedule entry."""
    if not (isinstance(v, Instruction) and v.opcode == "phi" and len(v.operands) == 2):
        return False
    start = step = None
    for o in v.operands:
        c, w = _split(o)
        if w is v and c == 1:
            step = o
        elif isinstance(o, Instruction) and o.opcode == "load" and o.type.is_int:
            root, terms, const = affine(o.operands[0])
            if _slot_pointer(root, args) == 0 and const == 0 and all(s == 1 for _, s in terms):
                start = o
    return start is not None and step is not None


def _unwrap(r: Value, shape0: int, dims: Argument) -> Value:
    """``r`` without Numba's wraparound term ``select(cond, shape₀, 0)`` (either order)."""
    if isinstance(r, Instruction) and r.opcode == "add":
        for k in (0, 1):
            s = r.operands[k]
            if _wrap(s, shape0, dims):
                return r.operands[1 - k]
    return r


def _column(v: Value, shape1: int, dims: Argument) -> bool:
    """A second index as Numba writes it: a loop's index, or the wraparound term
    ``select(…, shape₁, 0)``; anything else (which might hide a multiple of ``shape₁``
    after LLVM's rewrites) is not taken for one."""
    if not isinstance(v, Instruction):
        return False
    return v.opcode == "phi" or _wrap(v, shape1, dims)


def _wrap(v: Value, shape: int, dims: Argument) -> bool:
    """``v`` is ``select(…, dims[shape], 0)`` or ``select(…, 0, dims[shape])``."""
    if not (isinstance(v, Instruction) and v.opcode == "select"):
        return False
    a, b = v.operands[1], v.operands[2]
    return bool({_int_const(a), _int_const(b)} & {0}) and shape in (_word(a, dims),
                                                                     _word(b, dims))


def row_radius(kernel: Function, slot: int, nd: int, layout: str, itemsize: int,
               d_at: int, s_at: int, memo=None) -> Optional[int]:
    """The largest ``|c|`` over the kernel's reads of ``slot`` (see the module docstring), or
    None when some read is not provably in row ``i + c``.  ``d_at``/``s_at``: the slot's
    first words in ``dims``/``steps``."""
    from .parfor_slots import slot_of
    if nd not in (1, 2) or (nd == 2 and layout != "C"):
        return None
    args, dims, steps = kernel.args[0], kernel.args[1], kernel.args[2]
    memo = {} if memo is None else memo
    radius = 0
    seen = False
    for i in kernel.instructions():
        if i.opcode not in ("load", "store"):
            continue
        p = i.operands[0] if i.opcode == "load" else i.operands[1]
        if p is args or slot_of(p, args, memo) != slot:
            continue
        if _slot_pointer(i, args) is not None or (i.opcode == "load" and i.operands[0] is args):
            continue        # reading args[slot] itself
        if i.opcode == "store":
            return None
        root, terms, const = affine(p)
        if _slot_pointer(root, args) != slot or const % itemsize:
            return None
        row = None
        for v, scale in terms:
            if scale == 1 and isinstance(v, Instruction) and v.opcode == "mul" and any(
                    _word(o, steps) == slot for o in v.operands):
                continue    # the launcher's advance per schedule entry
            r = None
            if nd == 1:
                if scale != itemsize:
                    return None
                if _wrap(v, d_at, dims):
                    continue    # Numba's wraparound term, as a term of its own
                r = v
            elif scale == itemsize and isinstance(v, Instruction) and v.opcode == "mul":
                a, b = v.operands
                r = a if _word(b, dims) == d_at + 1 else b if _word(a, dims) == d_at + 1 \
                    else None
            if r is None:
                if scale == itemsize and _column(v, d_at + 1, dims):
                    continue    # a 2-D array's second index (within its row)
                return None
            c, w = _split(_unwrap(r, d_at, dims))
            if row is not None or w is None or not _loop_index(w, args):
                return None
            row = c
        if row is None:
            return None
        if nd == 1:
            row += const // itemsize        # x[i + 1] with the 1 folded into the address
        seen = True
        radius = max(radius, abs(row))
    return radius if seen else None

"""How reverse mode differentiates a copy (``memcpy``/``memmove``, ``realloc``) of active memory
that mixes floats with integers (a derivative's tape, an array of ``{long id; double v}``
structs) or holds pointers without floats (a derivative's list of its shadow arrays).

The adjoint of ``memcpy(d, s, n)`` (and of the copy ``realloc`` makes from the old block to
the new one) is ``s̄[k] += d̄[k]; d̄[k] = 0`` over the copied elements of one float type ``T``
(``common.memcpy_helper``).  When the primal also reads and writes integers in that memory,
the helper still runs over the whole copy in steps of ``T``; this module decides when that is
exact.  It is, under two facts:

1. *The shadow of integer memory is zero in reverse mode.*  The augmented sweep writes
   integers into shadow memory only for memory that also holds pointers (array structs stored
   field by field, ``augment._store``); loads and stores of integers have no adjoint; the only
   other writers of shadow memory are float stores' adjoints (which zero), float loads'
   adjoints (which add into cells that hold a float at that moment), memsets' adjoints (zero)
   and this very helper.  So a byte that holds an integer has a zero shadow throughout the
   sweep, as long as the memory's shadow started out zero — which holds for every shadow the
   derivative allocates itself (an alloca's, a ``malloc``'s, a ``realloc``'s: all zeroed), and
   not for the caller's shadows (a ``Duplicated`` argument's may hold anything).  The helper
   then adds ``0.0 + 0.0`` in the integer cells: they stay zero.
2. *The cells line up.*  Every float access is one ``T`` (or a vector of ``T``) aligned to
   ``size(T)``, every integer access covers whole ``size(T)``-aligned cells (an ``i64`` with
   ``T = double``), and the copy starts at a ``size(T)``-aligned address on both sides (an
   ``align`` on the call, or a block start: ``malloc``'s are 16-aligned, Rust's as aligned
   as its allocator is told).  Then the cells the helper visits are exactly the primal's
   float slots and whole integer slots, never a float split across two steps.  (A packed
   ``{char; double}`` fails this.)  Every access must be one we see: memory that a call
   kept out of line (a recursive callee, a library rule) also receives is refused.

*A realloc may move instead.*  When the cells do not line up (``{int id; double v}``: an
``i32`` is narrower than a ``double`` cell; a packed struct; floats of two types) a
``realloc`` can still be differentiated, by moving bytes: its adjoint copies the prefix it
copied, ``min(old size, new size)`` bytes, from the new shadow block back into the old one,
whatever they hold (``MOVE``).  That equals the accumulation ``old̄ += new̄`` when

3. the old shadow's floats are zero when the adjoint runs: its block is zeroed when allocated
   (fact 1's condition), the forward sweep never stores a float adjoint, and after a realloc
   that succeeded no primal instruction touches the old block (C's rule), so no adjoint that
   runs before the realloc's can add into it — but a realloc that *fails* returns null and
   leaves the old block in use (the tape's checked growth, ``tape.GROW_CHECKED``, keeps
   pushing into it): the move is then skipped, on the primal result being null (as every
   realloc's adjoint is: a null result copied nothing);
4. the old shadow's other bytes equal the new one's: integers' shadows are zero in both
   (fact 1), and memory holding pointers (whose shadow cells hold shadow pointers, which the
   forward sweep does not copy into the new block) is refused.

5. *Pointers without floats are copied forwards.*  Memory holding pointers and integers
   only (a derivative's list of the shadows it allocated, a stack of pointers), allocated
   by the derivative and with every access seen, has no adjoint to pass back, but the shadows of its pointers, which the augmented sweep stores
   into its shadow, must follow the copy: the forward sweep copies the shadow bytes too
   (``min(old size, new size)`` of them for a realloc that did not return null), and the
   adjoint does nothing.

Nothing reads the new block's shadow after its realloc's adjoint (it was allocated at the
realloc), so it is left as it is.  A ``memcpy``'s source stays live, so a copy never moves:
its adjoint must add, and mixed memory whose cells do not line up is refused there.

Anything else — memory holding floats and pointers (a tape that saves an address: its
pointer cells' shadows are shadow pointers, its integer cells' the primal integers, neither
zero), a caller's memory, memory a call kept out of line receives, a copy start of unknown
alignment — is refused by the caller with the reason ``uniform_cells`` gives.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional, Set, Tuple

from ...analysis.types import classify
from ...ir.types import Type, VectorType, contains_float, contains_pointer, store_size
from ...ir.values import Instruction, Value
from ...rules import table
from ...rules.calls import Kind, classify_call
from ..shadows import align_of

# allocation kinds whose reverse-mode shadow the derivative allocates zeroed itself
_ZERO_BORN = (Kind.C_MALLOC, Kind.C_REALLOC)
# ``Augmented.copy_types`` of a realloc whose adjoint moves the copied prefix back (fact 3)
MOVE = "move"
# malloc's blocks are aligned for any fundamental type (16 bytes on x86-64)
_HEAP_ALIGN = 16


def _zero_born(o: Value) -> bool:
    """Whether origin ``o``'s reverse-mode shadow is allocated zeroed by the derivative."""
    if not isinstance(o, Instruction):
        return False
    if o.opcode == "alloca":
        return True
    return o.opcode == "call" and classify_call(o) in _ZERO_BORN


def _block_align(v: Value, seen=None) -> int:
    """A lower bound on the alignment of address ``v`` known from where it comes from: an
    allocation's start, through phis, selects and constant-offset GEPs (1 when unknown)."""
    seen = set() if seen is None else seen
    if id(v) in seen:
        return _HEAP_ALIGN          # a cycle through phis adds no offset of its own
    seen.add(id(v))
    if not isinstance(v, Instruction):
        return 1
    if v.opcode == "alloca":
        return align_of(v) or 1
    if v.opcode == "call" and classify_call(v) in _ZERO_BORN:
        return allocation_align(v)
    if v.opcode in ("phi", "select"):
        ops = v.operands if v.opcode == "phi" else v.operands[1:]
        return min((_block_align(o, seen) for o in ops), default=1)
    if v.opcode == "getelementptr":
        off = _constant_offset(v)
        base = _block_align(v.operands[0], seen)
        if off is None:
            return 1
        return min(base, off & -off) if off else base
    if v.opcode in ("bitcast", "addrspacecast", "freeze"):
        return _block_align(v.operands[0], seen)
    return 1


def allocation_align(call: Instruction) -> int:
    """The alignment of the block a raw allocation or realloc returns: malloc's 16 bytes, or
    the constant alignment Rust's allocator is given (1 when it is not constant)."""
    kind = table.rust_allocator(call.callee_name or "")
    if kind is None:
        return _HEAP_ALIGN
    k = {"alloc": 1, "alloc_zeroed": 1, "realloc": 2}.get(kind)
    m = re.fullmatch(r"\d+", getattr(call.operands[k], "text", "") or "") if k is not None \
        else None
    return int(m.group()) if m else 1


def realloc_starts(call: Instruction):
    """The alignments known for the starts of the new and the old block of a realloc."""
    return [allocation_align(call), _block_align(call.operands[0])]


def _constant_offset(g: Instruction) -> Optional[int]:
    """The byte offset of an ``i8`` GEP with constant indices (None otherwise)."""
    if str(g.src_type) != "i8" or len(g.operands) != 2:
        return None
    m = re.fullmatch(r"-?\d+", getattr(g.operands[1], "text", "") or "")
    return int(m.group()) if m else None


def copy_start_align(call: Instruction, k: int) -> int:
    """The alignment known for pointer operand ``k`` of ``call``: its ``align N`` parameter
    attribute, or where the address comes from (``_block_align``)."""
    attrs = (getattr(call, "meta", None) or {}).get("arg_attrs") or []
    m = re.search(r"\balign (\d+)", attrs[k]) if k < len(attrs) and attrs[k] else None
    return max(int(m.group(1)) if m else 1, _block_align(call.operands[k]))


# calls that may pass a block of the copied memory without reading or writing its cells in
# ways the loads and stores do not show (the copies themselves, frees, memsets)
_SEE_THROUGH = (Kind.C_REALLOC, Kind.C_FREE, Kind.MEMCPY, Kind.MEMSET, Kind.INACTIVE,
                Kind.INACTIVE_FN)


def _hidden_user(types, calls: Iterable[Instruction], origins: Set[Value]) -> Optional[str]:
    """A call that receives a pointer into memory of ``origins`` and may read or write its
    cells out of sight (a callee kept out of line, a rule's library call), else None."""
    for c in calls:
        if classify_call(c) in _SEE_THROUGH:
            continue
        if any(o.type.is_pointer and types.origins_of(o) & origins for o in c.operands):
            return c.callee_name or "a call through a pointer"
    return None


def uniform_cells(types, accesses: Iterable[Tuple[Instruction, Value, Type]],
                  origins: Set[Value], starts: Iterable[int],
                  calls: Iterable[Instruction] = ()) -> Tuple[Optional[Type], str]:
    """``(T, "")`` when a copy within memory of ``origins`` may be differentiated as a copy of
    ``T`` cells although integers share the memory (facts 1 and 2 of the module docstring);
    ``(None, reason)`` otherwise.  ``accesses``: the primal's ``(load/store, address, type)``;
    ``starts``: the alignments known for the copy's pointer operands."""
    if not origins:
        return None, "memory whose allocation zymase cannot see"
    if any(o in types.pointer_memory for o in origins):
        return None, "memory that also holds pointers"
    if not all(_zero_born(o) for o in origins):
        return None, "memory the derivative did not allocate (its shadow may hold integers)"
    hidden = _hidden_user(types, calls, origins)
    if hidden is not None:
        return None, f"memory that a call to {hidden} also reads or writes"
    floats, ints = [], []
    for inst, p, t in accesses:
        if not (types.origins_of(p) & origins):
            continue
        el = t.element if isinstance(t, VectorType) else t
        size = store_size(el)
        # no ``align``: the type's ABI alignment (its size for these scalars)
        al = align_of(inst) or store_size(t)
        if el.is_float:
            floats.append((el, size, al))
        elif el.is_int:
            ints.append((size, al))
        else:
            return None, f"memory accessed as {t}"
    kinds = {f[0] for f in floats}
    if len(kinds) != 1:
        return None, ("memory accessed as several float types" if kinds
                      else "memory holding no floats we can see")
    T = next(iter(kinds))
    cell = store_size(T)
    if any(al % cell for _, _, al in floats):
        return None, f"{T} accessed at addresses not aligned to {cell} bytes"
    if any(size % cell or al % cell for size, al in ints):
        return None, f"integers narrower than or not aligned to the {cell}-byte {T} cells"
    if any(a % cell for a in starts):
        return None, f"a copy whose start is not known to be aligned to {cell} bytes"
    return T, ""


def movable(types, accesses: Iterable[Tuple[Instruction, Value, Type]],
            origins: Set[Value], calls: Iterable[Instruction] = ()) -> bool:
    """Whether a realloc within memory of ``origins`` may be differentiated by a move (facts
    3 and 4): memory the derivative allocated zeroed, holding no pointers, whose every
    access we see."""
    if not origins or not all(_zero_born(o) for o in origins):
        return False
    if any(o in types.pointer_memory for o in origins):
        return False
    if _hidden_user(types, calls, origins) is not None:
        return False
    return all(classify(t) in ("float", "int") for _, p, t in accesses
               if types.origins_of(p) & origins)


def pointers_only(types, accesses: Iterable[Tuple[Instruction, Value, Type]],
                  origins: Set[Value], calls: Iterable[Instruction] = ()) -> bool:
    """Whether a copy within memory of ``origins`` copies pointers and integers but no
    floats (the list of shadow arrays a derivative keeps, fact 5): memory the derivative
    allocated, every access of it seen, none of them a float."""
    if not origins or not all(_zero_born(o) for o in origins):
        return False
    if _hidden_user(types, calls, origins) is not None:
        return False
    seen = [t for _, p, t in accesses if types.origins_of(p) & origins]
    return bool(seen) and not any(contains_float(t) for t in seen) and (
        any(contains_pointer(t) for t in seen)
        or any(o in types.pointer_memory for o in origins))

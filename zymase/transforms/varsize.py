"""Shadows of growable NRT memory: Numba's lists (and sets), in both modes.

A Numba list is a MemInfo made by ``NRT_MemInfo_new_varsize_dtor(size, dtor)`` whose ``data``
field (byte 24) points to a separately allocated *payload*: a header (``size``,
``allocated``, a ``dirty`` flag) followed by the items.  ``append`` and friends grow it with
``NRT_MemInfo_varsize_realloc(mi, n)``, which moves the payload and stores the new address
and size into the MemInfo; the list code re-reads ``mi->data`` after every call that may have
moved it.  (Sets use ``NRT_MemInfo_varsize_alloc``, which allocates a new payload without
freeing the old one, and ``NRT_MemInfo_varsize_free``.)

The shadow of such a MemInfo is a second growable MemInfo (``table.VARSIZE_ALLOCATORS`` are
allocators: ``ShadowBuilder.zeroed_allocation``) whose payload mirrors the primal's: the
header integers are the primal integers, the float items their tangents or adjoints, and a
list of arrays holds shadow array structs.  Because the shadow of ``load ptr (mi + 24)`` is the
same load from the shadow MemInfo, every access of the payload finds the shadow payload that
is current at that point once the resize calls are mirrored:

* **forward mode**: the same call on each lane's shadow MemInfo (``forward``): a realloc copies
  the tangents with the items; refcounts and the destructor are mirrored as for arrays, so a
  shadow list of arrays releases its shadow arrays.  The interleaved width-N layout is not used
  (``forward_layout`` picks lanes of pointers for an active growable MemInfo).
* **reverse mode**: the adjoint sweep accumulates through shadow payload addresses the forward
  sweep computed (taped), so a shadow payload must stay where it is until the sweep ends.  A
  resize therefore never frees the old shadow payload: ``NRT_MemInfo_varsize_alloc`` gives the
  shadow MemInfo a new one, zeroed, into which the old one's first ``min(old size, n)`` bytes
  are copied (the header integers and any shadow pointers); the old payload goes to the
  ``NRT_Free`` list released after the sweep (``augment``).  The adjoint of the copy
  (``adjoint``) copies the same bytes back from the new payload into the old one.  That is
  the adjoint (``old += new`` on the floats) because in reverse mode the float shadows of the
  old payload are still zero when the sweep reaches the resize: the forward sweep never
  writes float shadows, and every access through the old payload came before the resize, so
  its adjoint comes after it in the sweep.  The integers and pointers copied along are never
  read again: the sweep takes shadow pointers from the tape, never from shadow memory.  The
  shadow MemInfo itself is a plain ``NRT_MemInfo_new_varsize`` without the item destructor
  (every shadow allocation is freed by the sweep's end, not through the list).
  ``NRT_MemInfo_varsize_free`` needs nothing: the payload it frees was put on the free list by
  the resize that replaced it, or is the MemInfo's current one, freed with it.

Invariant: each shadow payload is released exactly once — by the resize that replaced it
(forward mode, as the primal's) or by the free list (reverse mode), or with its MemInfo.
"""
from __future__ import annotations

from ..ir.builder import Builder
from ..ir.types import I64, I8, PTR, FunctionType, VectorType, contains_float, contains_pointer
from ..ir.values import Instruction, const_int
from ..rules import table


def forward(sb, act, i: Instruction, b: Builder) -> None:
    """Forward mode (lanes of pointers): the resize or free again on each lane's shadow
    (``act``: the active values)."""
    name = i.callee_name or ""
    mi = i.operands[0]
    if mi not in act:
        return
    out = []
    for k, lane in enumerate(sb.lanes(b, sb.sh(mi, b))):
        if name in table.VARSIZE_FREES:
            ptr = sb.lanes(b, sb.sh(i.operands[1], b))[k]
            b.call(name, i.fnty, [lane, ptr])
        else:
            out.append(b.call(name, i.fnty, [lane] + i.operands[1:]))
    if out and i in act:
        sb.shadow[i] = sb.gather_lanes(b, out)


def payload_owners(types, p) -> set:
    """The growable MemInfos the function allocates whose payload pointer ``p`` may point
    into (through a load of ``mi->data``); empty when it points elsewhere too."""
    owners = set()
    for o in types.origins_of(p):
        mis = set()
        if isinstance(o, Instruction) and o.opcode == "load" and o.type.is_pointer:
            a = o.operands[0]
            if isinstance(a, Instruction) and a.opcode == "getelementptr" \
                    and getattr(a.operands[-1], "text", None) == str(table.MEMINFO_DATA_OFFSET):
                mis = {mi for mi in types.origins_of(a.operands[0])
                       if isinstance(mi, Instruction) and mi.opcode == "call"
                       and (mi.callee_name or "") in table.VARSIZE_ALLOCATORS}
        if not mis:
            return set()
        owners |= mis
    return owners


def in_payload(types, p) -> bool:
    """Whether pointer ``p`` points into the payload of a growable MemInfo the function
    allocates (a load of ``mi->data``)."""
    return bool(payload_owners(types, p))


def payload_items(types, ptrs, accesses):
    """What the items hold that a copy within list payloads moves (``insert``, ``pop(0)``,
    ``del``, ``L + M``): ``ptrs`` are its destination and source, ``accesses`` the primal's
    ``(address, type)`` pairs.  Returns ``(float types, holds pointers)`` over every access of
    the same lists' payloads (None among the float types: an aggregate holding floats), or
    None when the pointers are not all list payloads.  The header integers do not count: in
    shadow memory integers (and pointers) are never read back as derivatives, so a copy's
    adjoint may treat the items as elements of their one float type."""
    owners = set()
    for p in ptrs:
        o = payload_owners(types, p)
        if not o:
            return None
        owners |= o
    floats, pointers = set(), False
    for p, t in accesses:
        if payload_owners(types, p) & owners:
            pointers = pointers or contains_pointer(t)
            t = t.element if isinstance(t, VectorType) else t
            if t.is_float:
                floats.add(t)
            elif contains_float(t):
                floats.add(None)
    return floats, pointers


def passed_in_help(types, p):
    """The help line for a store of a derivative into memory without a shadow when that
    memory is the contents of a list (or jitclass instance) passed in: ``mi->data`` of a
    MemInfo argument.  None otherwise."""
    from ..ir.values import Argument
    for o in types.origins_of(p):
        if isinstance(o, Instruction) and o.opcode == "load" and o.type.is_pointer:
            a = o.operands[0]
            if isinstance(a, Instruction) and a.opcode == "getelementptr" \
                    and getattr(a.operands[-1], "text", None) == str(table.MEMINFO_DATA_OFFSET) \
                    and any(isinstance(m, Argument) for m in types.origins_of(a.operands[0])):
                return ("this memory belongs to a list (or jitclass instance) passed in, which "
                        "is Const: it has no shadow to hold derivatives; build a new list "
                        "inside the function, or pass the values in an array (Duplicated/Dual)")
    return None


def _field(b: Builder, mi, offset: int, t):
    return b.load(t, b.gep(I8, mi, [const_int(I64, offset)]), 8)


def augment(sweep, i: Instruction):
    """Reverse mode's forward sweep: a resize gives each lane's shadow MemInfo a new zeroed
    payload holding a copy of the old one's prefix; the old payload is kept until the sweep
    ends.  Returns ``(old payloads, bytes copied)`` for the adjoint of a realloc's copy, else
    None (``varsize_alloc`` copies nothing, ``varsize_free`` needs nothing).  The code goes before the call: the sweep restores what is defined after a call
    before it runs the call's adjoint."""
    name = i.callee_name or ""
    if name in table.VARSIZE_FREES:
        return None
    sb = sweep.sb
    b = Builder(sweep.module, loc=i.loc).before(i)
    n = i.operands[1]
    if n.type != I64:
        n = b.cast("zext", n, I64)
    lanes = sb.lanes(b, sb.sh(i.operands[0], b))
    copies = table.VARSIZE_RESIZES[name]
    old_size = _field(b, lanes[0], table.MEMINFO_SIZE_OFFSET, I64)
    m = b.call("llvm.umin.i64", FunctionType(I64, (I64, I64)), [old_size, n]) if copies \
        else const_int(I64, 0)
    olds, news = [], []
    for smi in lanes:
        old = _field(b, smi, table.MEMINFO_DATA_OFFSET, PTR)
        new = b.call("NRT_MemInfo_varsize_alloc", FunctionType(PTR, (PTR, I64)), [smi, n])
        if copies:
            b.memcpy(new, old, m)
        b.memset(b.gep(I8, new, [m]), 0, b.sub(n, m))
        sweep.record_raw(b, "NRT_Free", old)
        olds.append(old)
        news.append(new)
    sb.shadow[i] = sb.gather_lanes(b, news)
    return (sb.gather_lanes(b, olds), m) if copies else None


def needs(i: Instruction, aug):
    """What the adjoint of resize ``i`` reads back (planned onto the tape)."""
    saved = aug.varsize.get(i)
    if saved is None:
        return []
    return [aug.sb.shadow[i], saved[0], saved[1]]


def adjoint(aug, b: Builder, i: Instruction, r) -> None:
    """The adjoint of a resize's copy: the copied prefix back from the new shadow payload into
    the old one (see the module docstring for why a copy is the adjoint)."""
    saved = aug.varsize.get(i)
    if saved is None:
        return
    sb = aug.sb
    m = r(saved[1])
    for new, old in zip(sb.lanes(b, r(sb.shadow[i])), sb.lanes(b, r(saved[0]))):
        b.memcpy(old, new, m)

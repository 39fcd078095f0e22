"""Shadows of growable NRT memory: Numba's lists (and sets), in both modes.

A Numba list is a MemInfo made by ``NRT_MemInfo_new_varsize_dtor(size, dtor)`` whose ``data``
field (byte 24) points to a separately allocated *payload*: a header (``size``,
``allocated``, a ``dirty`` flag) followed by the items.  ``append`` and friends grow it with
``NRT_MemInfo_varsize_realloc(mi, n)``, which moves the payload and stores the new address
and size into the MemInfo; the list code re-reads ``mi->data`` after every call that may have
moved it.  (Sets use ``NRT_MemInfo_varsize_alloc``, which allocates a new payload without
freeing the old one, and ``NRT_MemInfo_varsize_free``.)

``table.VARSIZE_ALLOCATORS`` are allocators: the shadow of such a MemInfo is a second one
whose data field points to a shadow payload mirroring the primal's (the header integers are
the primal integers, the float items their tangents or adjoints, a list of arrays holds
shadow array structs).  Because the shadow of ``load ptr (mi + 24)`` is the same load from the
shadow MemInfo, every access of the payload finds the shadow payload that is current at that
point once the resize calls are mirrored:

* **forward mode**: the shadow MemInfo is a growable one made by the same call
  (``ShadowBuilder.zeroed_allocation``), and a resize is the same call on each lane's shadow
  MemInfo (``forward``): a realloc copies
  the tangents with the items; refcounts and the destructor are mirrored as for arrays, so a
  shadow list of arrays releases its shadow arrays.  The interleaved width-N layout is not used
  (``forward_layout`` picks lanes of pointers for an active growable MemInfo).
* **reverse mode**: the adjoint sweep accumulates through shadow payload addresses of the
  forward sweep, so a shadow payload must stay where it is until the sweep ends.  The shadow
  MemInfo is a plain ``NRT_MemInfo_alloc`` (no destructor) used as a *cursor*: its data field
  is the shadow payload current at this point of either sweep, its size field the payload's
  room (``reverse_shadow``).  A realloc that fits the room leaves the payload where it is; one
  that does not moves the cursor to a new payload with twice the room, holding a copy of the
  old prefix (header integers, shadow pointers) and zeros elsewhere, so the shadow moves
  O(log n) times while a list grows to n items (``augment``).  Payloads are never freed
  before the sweep ends (they are on the ``NRT_Free`` list).  The adjoint of a move
  (``adjoint``) copies the prefix back from the new payload into the old one and sets the
  cursor back.  The copy is the adjoint (``old += new`` on the floats) because the float
  shadows of the old payload are still zero when the sweep reaches the move: the forward
  sweep never writes float shadows, and every access through the old payload came before
  the move, so its adjoint comes after it in the sweep; the integers and pointers copied
  along are never read again (the sweep takes shadow pointers from the tape or the cursor,
  never from shadow payloads).  Because the cursor is restored, a shadow load of
  ``mi->data`` is recomputed in the adjoint sweep instead of taped (``is_cursor_load``) in
  functions that resize only with realloc: the primal reloads ``mi->data`` after every
  resize, so no use of a loaded payload pointer comes after a move.  A set's
  ``NRT_MemInfo_varsize_alloc`` always moves (to a zeroed payload: the primal re-inserts the
  items itself, reading the old table afterwards, so there those shadows are taped);
  ``NRT_MemInfo_varsize_free`` needs nothing.

Invariant: each shadow payload is released exactly once — in forward mode as the primal's
(by the resize that replaced it, or with its MemInfo), in reverse mode from the ``NRT_Free``
list, whether or not the adjoint sweep ran.
"""
from __future__ import annotations

from ..ir.builder import Builder
from ..ir.types import (I64, I8, PTR, VOID, ArrayType, FunctionType, StructType, VectorType,
                        contains_pointer)
from ..ir.values import Argument, Constant, Function, Instruction, Value, const_int
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
    the same lists' payloads (the fields of tuple items included), or None when the pointers
    are not all list payloads.  The header integers do not count: in shadow memory integers
    (and pointers) are never read back as derivatives, so a copy's adjoint may treat the
    items as elements of their one float type, integer fields and all (an 8-byte integer
    beside doubles is one more element whose "adjoint" nobody reads).  Items with two float
    types (``(float32, float64)``) are refused by the caller."""
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
            floats |= _float_leaves(t)
    return floats, pointers


def _float_leaves(t) -> set:
    """The float types inside type ``t`` (a tuple item's fields)."""
    if isinstance(t, StructType):
        return set().union(*[_float_leaves(e) for e in t.elements]) if t.elements else set()
    if isinstance(t, (ArrayType, VectorType)):
        return _float_leaves(t.element)
    return {t} if t.is_float else set()


def passed_in_help(types, p):
    """The help line for a store of a derivative into memory without a shadow when that
    memory is reached through loaded pointers from the data of a MemInfo passed in: the
    contents of a list (or jitclass instance) passed in, or an array inside one — Const,
    without a shadow.  None otherwise."""
    seen, work = set(), [(o, 0) for o in types.origins_of(p)]
    while work:
        o, depth = work.pop()
        if o in seen or depth > 4:
            continue
        seen.add(o)
        if isinstance(o, Instruction) and o.opcode == "load" and o.type.is_pointer:
            a = o.operands[0]
            data_field = isinstance(a, Instruction) and a.opcode == "getelementptr" \
                and getattr(a.operands[-1], "text", None) == str(table.MEMINFO_DATA_OFFSET)
            for q in types.origins_of(a):
                if isinstance(q, Argument) and data_field:      # a MemInfo passed in
                    return ("this memory belongs to a list (or jitclass instance) passed in, "
                            "or to an array inside one, which is Const: it has no shadow to "
                            "hold derivatives; build a new list inside the function, or "
                            "pass the values in an array (Duplicated/Dual)")
                work.append((q, depth + 1))
    return None


def _field(b: Builder, mi, offset: int, t):
    return b.load(t, b.gep(I8, mi, [const_int(I64, offset)]), 8)


def reverse_shadow(sweep, b: Builder, i: Instruction) -> Value:
    """Reverse mode's shadow of growable-MemInfo allocation ``i`` (one lane): a plain MemInfo
    (no destructor: it never frees what its data field points to) whose data field is the
    *cursor*, the shadow payload current at this point of either sweep, and whose size field
    is the payload's room; the first payload is zeroed and, like every later one, released
    from the ``NRT_Free`` list after the sweep."""
    n = i.operands[0]
    mi = b.call("NRT_MemInfo_alloc", FunctionType(PTR, (I64,)), [const_int(I64, 0)])
    data = b.call("NRT_Allocate", FunctionType(PTR, (I64,)), [n])
    b.memset(data, 0, n)
    b.store(data, b.gep(I8, mi, [const_int(I64, table.MEMINFO_DATA_OFFSET)]), 8)
    b.store(n, b.gep(I8, mi, [const_int(I64, table.MEMINFO_SIZE_OFFSET)]), 8)
    sweep.record_raw(b, "NRT_Free", data)
    return mi


def realloc_only(fn) -> bool:
    """``fn`` resizes growable MemInfos only with realloc (no set's ``varsize_alloc``)."""
    return not any(j.opcode == "call" and (j.callee_name or "") in table.VARSIZE_RESIZES
                   and not table.VARSIZE_RESIZES[j.callee_name] for j in fn.instructions())


def is_cursor_load(types, i: Instruction) -> bool:
    """``i`` loads ``mi->data`` of growable MemInfos the function allocates.  In reverse mode
    its shadow loads the cursor, which the adjoint sweep restores at every resize, so in a
    function that resizes only with realloc (``realloc_only``) that shadow is recomputed in
    the adjoint sweep instead of taped.  That gives the value the forward sweep loaded as
    long as no resize comes between the load and its uses — true of realloc, which may free
    the old payload, so the primal reloads ``mi->data`` after it; a set's ``varsize_alloc``
    keeps the old table and reads it afterwards."""
    if i.opcode != "load" or not i.type.is_pointer:
        return False
    a = i.operands[0]
    if not (isinstance(a, Instruction) and a.opcode == "getelementptr"
            and len(a.operands) == 2 and str(a.src_type) == "i8"
            and getattr(a.operands[1], "text", None) == str(table.MEMINFO_DATA_OFFSET)):
        return False
    mis = types.origins_of(a.operands[0])
    return bool(mis) and all(isinstance(m, Instruction) and m.opcode == "call"
                             and (m.callee_name or "") in table.VARSIZE_ALLOCATORS
                             for m in mis)


def augment(sweep, i: Instruction):
    """Reverse mode's forward sweep at resize ``i``: each lane's shadow gets room for the new
    size.  A realloc that still fits keeps the shadow payload where it is (the resize is then
    the identity on shadow memory); one that does not moves the cursor to a new payload of
    twice the room holding a copy of the old one's prefix, the rest zeroed
    (``_reserve_helper``): the shadow moves O(log n) times while the list grows to n items,
    whatever the primal's growth factor.  ``varsize_alloc`` (a set's new table, which the
    primal fills from the old one with its own loads and stores) always moves it, to a zeroed
    payload.  Every new payload goes to the ``NRT_Free`` list.  Returns ``(old cursors,
    bytes copied)`` for the adjoint (0 bytes where the payload stayed), or None for a free.
    The code goes before the call: the sweep restores what is defined after a call before it
    runs the call's adjoint."""
    name = i.callee_name or ""
    if name in table.VARSIZE_FREES:
        return None
    sb = sweep.sb
    b = Builder(sweep.module, loc=i.loc).before(i)
    n = i.operands[1]
    if n.type != I64:
        n = b.cast("zext", n, I64)
    copies = table.VARSIZE_RESIZES[name]
    # what the primal's realloc copies: its old size, or the new one if less
    kept = b.call("llvm.umin.i64", FunctionType(I64, (I64, I64)),
                  [_field(b, i.operands[0], table.MEMINFO_SIZE_OFFSET, I64), n]) \
        if copies else const_int(I64, 0)
    olds, news, moved = [], [], None
    for smi in sb.lanes(b, sb.sh(i.operands[0], b)):
        old = _field(b, smi, table.MEMINFO_DATA_OFFSET, PTR)
        new = b.call(_reserve_helper(sweep.module), FunctionType(PTR, (PTR, I64, I64, I64)),
                     [smi, n, kept, const_int(I64, 0 if copies else 1)])
        moved = b.icmp("ne", new, old)
        # a payload that stayed is no new block: its entry is null, which the release skips
        # (NRT_Free(NULL) frees nothing but counts a free in NRT's allocation statistics)
        sweep.record_raw(b, _free_helper(sweep.module),
                         b.select(moved, new, Constant(PTR, "null")))
        olds.append(old)
        news.append(new)
    sb.shadow[i] = sb.gather_lanes(b, news)
    # every lane moves or none does (their room is the same)
    return sb.gather_lanes(b, olds), b.select(moved, kept, const_int(I64, 0))


def _reserve_helper(module) -> str:
    """``zymase.varsize.reserve(smi, n, kept, always)``: the cursor of ``smi`` if its room
    holds ``n`` bytes and ``always`` is 0, else a new payload with room for
    ``max(n, 2·room)`` whose first ``kept`` bytes are copied from the cursor's and the rest
    zeroed, made the cursor."""
    name = "zymase.varsize.reserve"
    if name in module.functions:
        return name
    args = [Argument(PTR, "smi"), Argument(I64, "n"), Argument(I64, "kept"),
            Argument(I64, "always")]
    fn = Function(name, PTR, args)
    fn.linkage = "internal"
    module.add_function(fn)
    entry, grow, done = fn.add_block("entry"), fn.add_block("grow"), fn.add_block("done")
    smi, n, kept, always = args
    b = Builder(module, entry)
    room = _field(b, smi, table.MEMINFO_SIZE_OFFSET, I64)
    old = _field(b, smi, table.MEMINFO_DATA_OFFSET, PTR)
    fits = b.binop("and", b.icmp("ule", n, room), b.icmp("eq", always, const_int(I64, 0)))
    b.cbr(fits, done, grow)
    g = Builder(module, grow)
    cap = g.call("llvm.umax.i64", FunctionType(I64, (I64, I64)),
                 [n, g.binop("shl", room, const_int(I64, 1))])
    new = g.call("NRT_Allocate", FunctionType(PTR, (I64,)), [cap])
    g.memcpy(new, old, kept)
    g.memset(g.gep(I8, new, [kept]), 0, g.sub(cap, kept))
    g.store(new, g.gep(I8, smi, [const_int(I64, table.MEMINFO_DATA_OFFSET)]), 8)
    g.store(cap, g.gep(I8, smi, [const_int(I64, table.MEMINFO_SIZE_OFFSET)]), 8)
    g.br(done)
    d = Builder(module, done)
    r = d.phi(PTR)
    r.add_incoming(old, entry)
    r.add_incoming(new, grow)
    d.ret(r)
    return name


def null_safe_helper(module, name: str, callee: str) -> str:
    """``void @name(ptr p)``: ``callee(p)`` unless ``p`` is null (defined once per module)."""
    if name in module.functions:
        return name
    p = Argument(PTR, "p")
    fn = Function(name, VOID, [p])
    fn.linkage = "internal"
    module.add_function(fn)
    entry, call, done = fn.add_block("entry"), fn.add_block("call"), fn.add_block("done")
    eb = Builder(module, entry)
    eb.cbr(eb.icmp("eq", p, Constant(PTR, "null")), done, call)
    cb = Builder(module, call)
    cb.call(callee, FunctionType(VOID, (PTR,)), [p])
    cb.br(done)
    Builder(module, done).ret()
    return name


def _free_helper(module) -> str:
    """``zymase.varsize.free(p)``: ``NRT_Free(p)`` unless ``p`` is null."""
    return null_safe_helper(module, "zymase.varsize.free", "NRT_Free")


def needs(i: Instruction, aug):
    """What the adjoint of resize ``i`` reads back (planned onto the tape)."""
    saved = aug.varsize.get(i)
    if saved is None:
        return []
    return [aug.sb.shadow[i], aug.sb.shadow[i.operands[0]], saved[0], saved[1]]


def adjoint(aug, b: Builder, i: Instruction, r) -> None:
    """The adjoint of a resize: the copied prefix back from the new shadow payload into the
    old one (see the module docstring for why a copy is the adjoint), and the cursor back to
    the old payload."""
    saved = aug.varsize.get(i)
    if saved is None:
        return
    sb = aug.sb
    m = r(saved[1])
    for new, old, smi in zip(sb.lanes(b, r(sb.shadow[i])), sb.lanes(b, r(saved[0])),
                             sb.lanes(b, r(sb.shadow[i.operands[0]]))):
        b.memcpy(old, new, m)
        b.store(old, b.gep(I8, smi, [const_int(I64, table.MEMINFO_DATA_OFFSET)]), 8)

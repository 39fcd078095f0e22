"""``numba.typed.List`` built inside a differentiated function, lowered onto NRT memory.

A typed list keeps its items in a C structure of Numba's runtime (``NB_List``, managed by the
``numba_list_*`` functions of ``_helperlib``): its item buffer is ``malloc``'d and ``realloc``'d
inside C, where no derivative can follow.  Rather than teaching every analysis and both
transforms what each C function does, this pass rewrites the lists the function builds
itself into the representation zymase already differentiates in both modes and at every
width: a growable NRT MemInfo (``NRT_MemInfo_new_varsize``), like a reflected list's
(transforms/varsize.py explains how its shadows follow resizes in forward and reverse mode).

Representation of a lowered list (``lp``, the pointer the list's own MemInfo stores and every
``numba_list_*`` call receives): a varsize MemInfo whose payload holds a header (size,
allocated, item size, mutability) and the items; transforms/typed_list_ir.py has the layout
and the lowered functions.

Steps (``lower``), on the canonicalised module, before any analysis:

1. Find the lists built in the primal: each ``numba_list_new(out, itemsize, allocated)`` is a
   *site*; the pointers loaded from ``out`` are its list.  Every other ``numba_list_*`` call
   finds the sites its list operand comes from through phis and selects; sites one call may
   see (one variable holding either of two lists) form a *group*, which must agree on the
   item size and on the method table (the item incref/decref functions
   ``numba_list_set_method_table`` receives, stored as constants into a stack slot by Numba).
   The group's item type T is the type of the stack slots Numba passes to ``append`` /
   ``setitem`` (else the element type of its reads through ``base_ptr``): an ``int64`` list
   and a ``float64`` list have the same item size but never share a copy type.  Groups with
   the same size, methods and T share a *class* of lowered functions.
2. Each such call calls its class's lowered function instead: plain IR over the payload that
   copies items field by field with typed loads and stores (so type and activity analysis see
   floats and pointers), calls the item incref/decref functions directly, and grows the
   payload with ``NRT_MemInfo_varsize_realloc`` with the C runtime's growth pattern.  Calls on
   lists passed in (their list pointer is an argument, or loaded from memory an argument
   points to) stay C calls: such lists are ``Const``.
3. Numba's destructor of the list's MemInfo (``_numba_list_dtor``) releases the varsize
   MemInfo instead of calling ``numba_list_free``; the varsize MemInfo's element destructor
   (a class with an item decref) releases the items.
4. The module is canonicalised again, which inlines the lowered functions.

The shadow of a lowered list is then another varsize MemInfo with the same header integers and,
item by item, the item's shadow: a float item's tangent or adjoint, an array item's shadow
array struct.  Deleting items (``pop``, ``del``, ``clear``) moves items with the same typed
copies in a loop, which both modes differentiate like any loop over memory.

Invariants: a lowered list never reaches code that expects Numba's C structure.  Refused by
name (``UnsupportedError`` at the Python line): a list built inside that leaves the function
(returned, stored into memory other than its own MemInfo, passed to a call that stays a call),
a list operand that is not traced to a site (a list read from memory: lists of lists, a list
in a tuple or object; or one that is sometimes passed in and sometimes built), a ``numba_list``
function this pass does not know, and typed lists inside out-of-line callees.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Set, Tuple

from ..errors import unsupported
from ..ir.types import Type, alloc_size
from ..rules.table import MEMINFO_DATA
from ..ir.values import Argument, Constant, Function, GlobalRef, Instruction, Module
from .typed_list_ir import ListClass, helpers

PREFIX = "numba_list_"
# the calls on a lowered list (the stem of the lowered function's name), with (result,
# parameters) as Numba declares them (numba/typed/listobject.py)
SIGNATURES = {"new": ("i32", "ptr i64 i64"), "set_method_table": ("void", "ptr ptr"),
              "base_ptr": ("ptr", "ptr"), "size_address": ("i64", "ptr"),
              "length": ("i64", "ptr"), "allocated": ("i64", "ptr"),
              "is_mutable": ("i32", "ptr"), "set_is_mutable": ("void", "ptr i64"),
              "append": ("i32", "ptr ptr"), "setitem": ("i32", "ptr i64 ptr"),
              "getitem": ("i32", "ptr i64 ptr"), "delitem": ("i32", "ptr i64"),
              "delete_slice": ("i32", "ptr i64 i64 i64")}
NEEDS_ITEM_TYPE = {"append", "setitem", "getitem", "delitem", "delete_slice"}
DTOR = "_numba_list_dtor"
_HELP_ESCAPE = ("build and use the typed.List inside the differentiated function and return "
                "numbers or arrays computed from it; a typed.List passed in is fine as Const")


def uses_typed_lists(text: str) -> bool:
    return "@numba_list_new(" in text


def lower(module: Module, primal: str) -> Optional[str]:
    """Lower the typed lists the primal builds (see the module docstring); returns the new
    module text (to be canonicalised again), or None when the primal builds none."""
    fn = module.functions[primal]
    news = [i for i in fn.instructions() if i.opcode == "call" and i.callee_name == PREFIX + "new"]
    if not news:
        return None
    for other in module.defined():
        if other is not fn and not _is_dtor(other.name) and any(
                i.opcode == "call" and (i.callee_name or "").startswith(PREFIX)
                and i.callee_name != PREFIX + "free" for i in other.instructions()):
            loc = next((i.loc for i in other.instructions() if i.loc), None)
            raise unsupported("a numba.typed.List used inside a function that stays a call "
                              "(a prange loop body, or a recursive @njit function)", loc,
                              help="build and use the typed.List outside parallel loops "
                                   "and recursion, or pass the values in an array")
    users = _users(fn)
    heads: Dict[object, Instruction] = {}        # a list pointer loaded after a site → site
    for n in news:
        if _const_int(n.operands[1]) is None:
            raise unsupported("a numba.typed.List whose item size is not a constant", n.loc)
        for u in users.get(n.operands[0], ()):
            if u.opcode == "load":
                heads[u] = n
    # the sites each list call's list comes from; sites one call may see share a group
    group = {n: n for n in news}

    def find(n):
        while group[n] is not n:
            n = group[n]
        return n
    calls: Dict[Instruction, Instruction] = {}
    for i in fn.instructions():
        name = (i.callee_name or "") if i.opcode == "call" else ""
        if not name.startswith(PREFIX) or name == PREFIX + "new":
            continue
        kinds = {heads.get(r) or _root_kind(r) for r in _roots(i.operands[0])}
        if kinds <= {"passed"}:
            continue                               # a list passed in: stays Numba's C list
        if not kinds or any(isinstance(k, str) for k in kinds):
            raise unsupported(
                "a numba.typed.List operation on a list that is not traced to where the "
                "function builds it (a list read from memory: a list of lists, a list "
                "inside a tuple or object, or a variable that holds a list passed in on "
                "one path and one built inside on another)", i.loc,
                help="keep typed lists in local variables, one list per variable")
        if name[len(PREFIX):] not in SIGNATURES:
            raise unsupported(f"the typed.List runtime function {name}", i.loc,
                              help="zymase differentiates append, indexing, assignment, "
                                   "len, iteration, pop, del and clear of a typed.List")
        first, *rest = kinds
        for k in rest:
            group[find(k)] = find(first)
        calls[i] = first
    _check_escapes(fn, users, heads)
    classes: Dict[Tuple, ListClass] = {}
    group_class: Dict[Instruction, ListClass] = {}
    for g in {find(n) for n in news}:
        members = [n for n in news if find(n) is g]
        keys = {(_const_int(n.operands[1]),) + _methods(
            n, [u for u in users.get(n.operands[0], ()) if u.opcode == "load"], users)
            for n in members}
        if len(keys) != 1:
            raise unsupported("one variable holding typed.Lists of different item types",
                              g.loc)
        size, inc, dec = next(iter(keys))
        item = _item_type([i for i, n in calls.items() if find(n) is g], users, size)
        key = (size, inc, dec, str(item))
        if key not in classes:
            classes[key] = ListClass(len(classes), size, inc, dec, item)
        group_class[g] = classes[key]
    lowered = {i: group_class[find(n)] for i, n in calls.items()}
    lowered.update({n: group_class[find(n)] for n in news})
    for i, c in lowered.items():
        op = i.callee_name[len(PREFIX):]
        ft = i.fnty
        if (str(ft.ret), " ".join(map(str, ft.params))) != SIGNATURES[op]:
            raise unsupported(f"the typed.List runtime function {i.callee_name} declared as "
                              f"{ft}", i.loc, help="zymase knows the declarations of "
                              "numba 0.68's typed.List")
        if op in NEEDS_ITEM_TYPE and c.item is None:
            raise unsupported(f"numba.typed.List `{op}` on a list whose item type zymase "
                              "cannot tell (no item is ever stored into it)", i.loc)
        i.callee = GlobalRef(c.fn(op))
    for dtor in module.defined():
        if _is_dtor(dtor.name):
            for i in dtor.instructions():
                if i.opcode == "call" and i.callee_name == PREFIX + "free":
                    i.callee = GlobalRef("zymase.tlist.free")
    from ..ir.printer import print_module
    text = print_module(module)
    return text + "\n" + helpers(text, list(classes.values()))


# -- analysis of the primal ----------------------------------------------------------------

def _users(fn: Function) -> Dict[object, List[Instruction]]:
    out: Dict[object, List[Instruction]] = {}
    for i in fn.instructions():
        for o in i.operands:
            if not isinstance(o, Constant):
                out.setdefault(o, []).append(i)
    return out


def _const_int(v) -> Optional[int]:
    try:
        return int(v.text) if isinstance(v, Constant) else None
    except ValueError:
        return None


def _methods(site: Instruction, loads, users) -> Tuple[Optional[str], Optional[str]]:
    """The item incref/decref functions ``numba_list_set_method_table`` gets for the list
    loaded by ``loads``: the constants (functions, or null) stored into the table's two
    slots, at bytes 0 and 8.  A table written any other way is refused: guessing no decref
    would leak items, guessing wrong functions would corrupt reference counts."""
    slots: Dict[int, Optional[str]] = {}

    def bad(what):
        return unsupported(f"a numba.typed.List whose item method table {what}", site.loc,
                           help="zymase reads the table numba 0.68 builds")
    for ld in loads:
        for u in users.get(ld, ()):
            if not (u.opcode == "call" and u.callee_name == PREFIX + "set_method_table"):
                continue
            table = u.operands[1]
            for s in users.get(table, ()):
                if s is u or s.opcode == "call" \
                        and (s.callee_name or "").startswith("llvm.lifetime"):
                    continue
                if s.opcode == "store" and s.operands[1] is table:
                    stores = [(0, s)]
                elif s.opcode == "getelementptr" and str(s.src_type) == "i8" \
                        and len(s.operands) == 2 and _const_int(s.operands[1]) is not None:
                    stores = [(_const_int(s.operands[1]), s2) for s2 in users.get(s, ())]
                else:
                    raise bad(f"is accessed by `{s.opcode}`")
                for off, st in stores:
                    if st.opcode != "store" or st.operands[0] is table or off not in (0, 8):
                        raise bad(f"is written at byte {off} by `{st.opcode}`")
                    v = st.operands[0]
                    if not (isinstance(v, GlobalRef) or isinstance(v, Constant)
                            and v.text == "null"):
                        raise bad("holds a value that is not a function")
                    slots[off] = _fn_name(v)
    return slots.get(0), slots.get(8)


def _is_dtor(name: str) -> bool:
    """Numba's destructor of a typed list's MemInfo (a linked copy gets a ``.N`` suffix)."""
    return re.fullmatch(re.escape(DTOR) + r"(\.\d+)?", name) is not None


def _fn_name(v) -> Optional[str]:
    return v.name if isinstance(v, GlobalRef) else None


def _roots(v) -> Set[object]:
    """What ``v`` comes from through phis and selects (null and undef left out)."""
    out, seen, work = set(), set(), [v]
    while work:
        x = work.pop()
        if isinstance(x, Constant) or x in seen:
            continue
        seen.add(x)
        if isinstance(x, Instruction) and x.opcode == "phi":
            work += x.operands
        elif isinstance(x, Instruction) and x.opcode == "select":
            work += x.operands[1:]
        else:
            out.add(x)
    return out


def _root_kind(r) -> str:
    """``"passed"`` for a list pointer of a list passed in, else ``"unknown"``."""
    # a list passed in: its NB_List pointer is an argument (Numba passes a typed.List as its
    # MemInfo and that pointer), or is loaded from memory an argument points to (a list
    # inside a tuple or jitclass instance passed in)
    x, depth = r, 0
    while isinstance(x, Instruction) and depth < 8 and (
            x.opcode in ("load", "getelementptr")
            or x.opcode == "call" and x.callee_name == PREFIX + "base_ptr"):
        x, depth = x.operands[0], depth + 1
    if isinstance(x, Argument):
        return "passed"
    return "unknown"


def _check_escapes(fn: Function, users, heads) -> None:
    """A lowered list may go to list calls, phis, selects and comparisons, and be stored only
    into the data of its own MemInfo (Numba's list object): anything else could hand it to
    code that expects Numba's C structure."""
    seen, work = set(), list(heads)
    while work:
        v = work.pop()
        if v in seen:
            continue
        seen.add(v)
        for u in users.get(v, ()):
            if u.opcode in ("phi", "select"):
                work.append(u)
            elif u.opcode == "icmp":
                continue
            elif u.opcode == "call" and (u.callee_name or "").startswith(PREFIX) \
                    and u.operands[0] is v and v not in u.operands[1:]:
                continue
            elif u.opcode == "store" and u.operands[0] is v and _own_meminfo_data(u.operands[1]):
                continue
            else:
                raise unsupported("a numba.typed.List built inside the function that leaves "
                                  "it (returned, stored in an array, list, tuple or object, "
                                  "or passed to a call)", u.loc, help=_HELP_ESCAPE)


def _own_meminfo_data(p) -> bool:
    """``p`` is the data pointer (``load ptr (gep i8 mi, 24)``, or ``NRT_MemInfo_data*``) of
    a MemInfo ``mi`` Numba made for a list."""
    if isinstance(p, Instruction) and p.opcode == "call" and p.callee_name in MEMINFO_DATA:
        mi = p.operands[0]
    elif isinstance(p, Instruction) and p.opcode == "load":
        g = p.operands[0]
        if not (isinstance(g, Instruction) and g.opcode == "getelementptr"
                and len(g.operands) == 2 and _const_int(g.operands[1]) == 24):
            return False
        mi = g.operands[0]
    else:
        return False
    return isinstance(mi, Instruction) and mi.opcode == "call" \
        and (mi.callee_name or "").startswith("NRT_MemInfo_alloc_dtor") \
        and _is_dtor(getattr(mi.operands[1], "name", None) or "")


def _item_type(calls: List[Instruction], users, size: int) -> Optional[Type]:
    """The LLVM item type of the lists ``calls`` operate on: the stack slot Numba stores an
    item into before ``append``/``setitem`` (``alloca T``; all alike), else the element type
    of a read through ``base_ptr``; one of the item's size."""
    slots = {i.operands[-1].src_type for i in calls
             if i.callee_name in (PREFIX + "append", PREFIX + "setitem")
             and isinstance(i.operands[-1], Instruction) and i.operands[-1].opcode == "alloca"}
    if len(slots) > 1:
        raise unsupported("typed.List items stored with different types ("
                          + ", ".join(sorted(map(str, slots))) + ")",
                          next(i.loc for i in calls))
    reads = [u.src_type for i in calls if i.callee_name == PREFIX + "base_ptr"
             for u in users.get(i, ()) if u.opcode == "getelementptr"
             and str(u.src_type) != "i8"]
    for t in list(slots) + reads:
        if alloc_size(t) == size:
            return t
    return None

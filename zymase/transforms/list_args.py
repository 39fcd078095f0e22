"""Lists passed in with a shadow list (``Duplicated`` / ``Dual`` on a Python list of floats or
of float arrays).

A reflected list arrives in Numba's calling convention as two pointers: its MemInfo (whose
data field points to the payload: ``size``, ``allocated``, a ``dirty`` flag, then the items)
and its parent Python object.  The shadow list is another list of the same length and item
type; both pointers become ``PointerInput``s shadowed by the shadow list's, so every access of
an item through the primal's payload finds the shadow payload at the same offset: a float
item's adjoint or tangent, an array item's shadow array struct (data pointer of the caller's
shadow array).  transforms/varsize.py explains the payload layout and how a list built inside
grows.

Rules (checked before any code runs, shadowcheck.py): same length; a list of arrays has, item
by item, shadow arrays laid out like the primal's, not sharing memory with them or with each
other.  A Python list is copied into a native list for the call and copied back only when its
``dirty`` flag is set: the entry point sets that flag on every shadow list (``mark_dirty``) so
the derivatives written into a list of floats reach the caller's list.

What is refused (``check_list_shadows``), by name: growing or shrinking a list passed with a
shadow (a shadow list built in ``@njit`` code may have less room than its primal, and the
reverse sweep's shadow of a growing list is a cursor over payloads it owns — varsize.py — which
cannot be the caller's list); storing a new array into a list of arrays passed with a shadow
(its shadow would have to be an array that lives only as long as the derivative); width > 1 (a
shadow list per lane has no argument form); a list inside a tuple (Numba never copies it back).

List results (``check_list_result``): forward mode's tangent of a list built inside is its
shadow list, returned like the primal (width 1); reverse mode has no argument to take a list of
seeds, so ``zymase.vjp`` differentiates the contraction with the cotangents (pullback.py).
"""
from __future__ import annotations

from numba.core import types
from numba.extending import intrinsic

from ..activities import Mode
from ..errors import unsupported
from .signature import Lanes, PointerInput


def is_list_with_floats(t) -> bool:
    """A reflected list (a Python list passed in) of floats or float arrays: one that can
    carry derivatives through a shadow list (``transforms/list_args.py``)."""
    return isinstance(t, types.List) and (isinstance(t.dtype, types.Float) or (
        isinstance(t.dtype, types.Array) and isinstance(t.dtype.dtype, types.Float)))


def list_inputs(leaf, sleaf, act, width: int) -> list:
    """The ``PointerInput``s of list argument ``leaf`` (its MemInfo and parent) shadowed by
    the derivative's parameters of shadow list ``sleaf``."""
    if width > 1:
        raise unsupported(f"`{act}` on the list `{leaf.name}` with width={width}",
                          help="use width=1 (one shadow list per call), or pass the values "
                               "in an array")
    return [PointerInput(leaf.name, leaf.first + j, act, Lanes((sleaf.first + j,)))
            for j in range(leaf.count)]


@intrinsic
def mark_dirty(typingctx, x):
    """Set the ``dirty`` flag of a reflected list's payload, so that Numba copies its items
    back into the Python list when the call returns (it copies only dirty lists); nothing
    for other values (a list inside a tuple is refused: shadowcheck.check_types)."""
    def codegen(context, builder, sig, args):
        if isinstance(x, types.List) and x.reflected:
            from numba.cpython.listobj import ListInstance
            ListInstance(context, builder, x, args[0]).set_dirty(True)
        return context.get_dummy_value()
    return types.none(x), codegen


def check_list_shadows(fn, argmap, activities) -> None:
    """Refuse what a shadow list passed in cannot follow (see the module docstring):

    * a resize (``NRT_MemInfo_varsize_realloc``: ``append``, ``extend``, ``insert``, a
      shrinking ``pop``) of a list passed with a shadow: the shadow list's room may differ
      from the primal's (a list built by ``append`` in ``@njit`` code has spare room), and
      reverse mode's shadow of a growing list is a cursor over payloads it owns;
    * a pointer stored into the payload of a list passed with a shadow (an item of a list of
      arrays replaced: ``arrays[0] = x * 2``): its shadow would be an array that lives only
      as long as the derivative.

    Conservative: an address reached through memory loaded from such a list counts as one."""
    from ..analysis.types import analyse_types
    from ..rules import table
    shadowed = {}
    for info, act in zip(argmap.args, activities):
        if act.has_shadow:
            for leaf in _list_leaves(info):
                shadowed[fn.args[leaf.first]] = leaf.name
    if not shadowed:
        return
    tys = analyse_types(fn)
    for i in fn.instructions():
        name = i.callee_name or "" if i.opcode == "call" else ""
        if name in table.VARSIZE_RESIZES or name in table.VARSIZE_FREES:
            who = _list_of(tys, i.operands[0], shadowed, depth=0)
            if who:
                raise unsupported(f"growing or shrinking the list `{who}` passed in with a "
                                  f"shadow (`append`, `extend`, `insert`, `pop`, `del`)",
                                  i.loc, "build a new list inside the function (`L = list("
                                         f"{who})`) and change that one, or pass `{who}` as "
                                         "Const")
        dst = None
        if i.opcode == "store" and _holds_pointer(i.operands[0].type):
            dst = i.operands[1]
        elif name.startswith(("llvm.memcpy", "llvm.memmove")) and any(
                isinstance(info.nbtype.dtype, types.Array) for info in _all_lists(argmap)):
            dst = i.operands[0]
        if dst is not None:
            who = _list_of(tys, dst, shadowed, depth=1)
            if who:
                raise unsupported(f"replacing an array in the list `{who}` passed in with a "
                                  f"shadow (a new array stored into it)", i.loc,
                                  f"assign into the array's elements (`{who}[i][:] = ...`), or "
                                  f"build a new list inside the function")


def _holds_pointer(t) -> bool:
    from ..ir.types import contains_pointer
    return t.is_pointer or contains_pointer(t)


def _list_leaves(info):
    if info.children:
        return [leaf for c in info.children for leaf in _list_leaves(c)]
    return [info] if isinstance(info.nbtype, types.List) else []


def _all_lists(argmap):
    return [leaf for info in argmap.args for leaf in _list_leaves(info)]


def _list_of(tys, p, shadowed, depth: int, limit: int = 4):
    """The name of the shadowed list whose MemInfo ``p`` is (``depth`` 0) or whose memory it
    points into through loaded pointers (``depth`` ≥ 1: the payload, an item's array), or
    None."""
    from ..ir.values import Instruction
    seen, work = set(), [(o, 0) for o in tys.origins_of(p)]
    while work:
        o, d = work.pop()
        if o in seen or d > limit:
            continue
        seen.add(o)
        if o in shadowed and (depth == 0 or d >= 1):
            return shadowed[o]
        if isinstance(o, Instruction) and o.opcode == "load" and o.type.is_pointer:
            work += [(q, d + 1) for q in tys.origins_of(o.operands[0])]
    return None


def check_list_result(rt, mode, ret, width: int, fname: str) -> None:
    """A list result (of floats or float arrays): forward mode at width 1 returns the
    shadow list as the tangent (a list of the same length: transforms/varsize.py builds it);
    reverse mode takes no list of seeds through the derivative's arguments — ``zymase.vjp``
    does, by differentiating ``sum(<f(x)[k], ybar[k]>)`` — so ``ret=Active``/``Duplicated``
    is an ActivityError that says so."""
    from ..activities import Active, ActiveOnly, Duplicated, DuplicatedOnly, Dual, DualOnly
    from ..errors import ActivityError
    if not is_list_with_floats(rt):
        return
    if mode is Mode.REVERSE and ret in (Active, ActiveOnly, Duplicated, DuplicatedOnly):
        raise ActivityError(
            f"error: `{fname}` returns a list ({rt}): reverse mode takes the output adjoints "
            f"of a list result through zymase.vjp, not through ret={ret}\n  = help: "
            f"y, back = zymase.vjp({fname}, *args); back([ybar_0, ybar_1, ...]) (one "
            f"cotangent per item), or return an array")
    if mode is Mode.FORWARD and ret in (Dual, DualOnly) and width > 1:
        raise unsupported(f"a batched (width {width}) forward derivative of `{fname}`, which "
                          f"returns a list ({rt})",
                          help="use width=1 (the tangent is a list like the result), or "
                               "return an array")

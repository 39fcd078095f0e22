"""Activity analysis: which values can carry a derivative.

A value is *active* when a derivative can flow into it from an active input:
- a float (or float vector/aggregate) value is active when one of its data operands is;
- a pointer is active when it may point to memory that holds active floats or active
  pointers: pointer arguments seeded by the caller (data pointers of Dual/Duplicated arrays,
  their MemInfos, the return slot), pointers derived from an active pointer (GEP, select,
  phi), pointers loaded from active memory, and fresh memory a function makes itself
  (allocas and NRT allocations) when type analysis says it holds floats or pointers and the
  function has any active input;
- integers are never active: index arithmetic, shapes, refcounts and status codes carry no
  derivative, and a shadow structure reuses the primal integers.
- a load is active when its address is; a call result when the call has a rule and an active
  operand (unknown calls with active operands are reported by the transforms).

The analysis is a monotone fixed point over the function (phis make it cyclic).
``ActivityResults.dump`` annotates every instruction for ``ZYMASE_PRINT=activity``.
"""
from __future__ import annotations

from typing import Iterable, Set

from ..ir.types import VectorType, contains_float, contains_pointer
from ..ir.values import Constant, Function, Instruction, Value
from ..custom import lookup_call
from ..rules import table
from ..rules.calls import Kind, classify_call
from .types import TypeResults, analyse_types, classify


class ActivityResults:
    def __init__(self, fn: Function, types: TypeResults):
        self.fn = fn
        self.types = types
        self.active: Set[Value] = set()

    def is_active(self, v: Value) -> bool:
        return v in self.active

    def dump(self) -> str:
        lines = [f"; activity analysis of @{self.fn.name}"]
        for a in self.fn.args:
            lines.append(f"  arg %{a.name}: {'active' if a in self.active else 'const'}")
        for b in self.fn.blocks:
            lines.append(f" {b.name}:")
            for i in b.instructions:
                tag = "active" if i in self.active else "const"
                lines.append(f"    [{tag:6}] {i.opcode} %{i.name or ''} : {i.type} ({classify(i.type)})")
        return "\n".join(lines)


def _carries(t) -> bool:
    return contains_float(t) or contains_pointer(t)


def analyse_activity(fn: Function, seeds: Iterable[Value], types: TypeResults = None,
                     inactive: Iterable[Value] = ()) -> ActivityResults:
    """Fixed point from ``seeds``; values in ``inactive`` are never active (a transform's own
    scratch memory, e.g. the primal return slot when no tangent of the result is wanted)."""
    types = types or analyse_types(fn)
    res = ActivityResults(fn, types)
    act = res.active
    act.update(seeds)
    insts = list(fn.instructions())
    never = (set(inactive) | _inactive_results(fn, insts)) - act
    any_active = bool(act)
    changed = True
    while changed:
        changed = False
        for i in insts:
            if i in act or i in never or not _carries(i.type):
                continue
            op = i.opcode
            on = False
            if op == "load":
                on = i.operands[0] in act
            elif op == "alloca":
                on = any_active and any(o in types.float_memory or o in types.pointer_memory
                                        for o in types.origins_of(i))
            elif op == "call":
                kind = classify_call(i)
                if kind is Kind.CUSTOM:
                    # Numba convention: the result goes through retptr (an alloca, active by
                    # type analysis); C convention: the call's value is the result
                    on = (not lookup_call(i).inactive) and any(o in act for o in i.operands)
                    if on:
                        act.add(i)
                        changed = True
                    continue
                if kind is Kind.ALLOCATOR or (kind is Kind.ENZYME_CONTEXT and
                                              i.callee_name == "__enzyme_context"):
                    on = any_active and not (kind is Kind.ALLOCATOR and table.inactive_items(i))
                elif kind is Kind.C_MALLOC:
                    # raw blocks: only those that hold floats (not exception records)
                    on = any_active and i in types.float_memory
                elif kind is Kind.C_REALLOC:
                    # a block that grows (or starts as realloc(NULL, n)) holding floats
                    on = i.operands[0] in act or (any_active and i in types.float_memory)
                elif kind in (Kind.INACTIVE, Kind.INACTIVE_FN):
                    on = False
                else:
                    on = any(o in act for o in i.operands)
            elif op in ("fptosi", "fptoui", "ptrtoint", "inttoptr", "sitofp", "uitofp"):
                on = False
            elif op == "phi":
                on = any(o in act for o in i.operands)
            elif op == "select":
                on = i.operands[1] in act or i.operands[2] in act
            elif op == "getelementptr":
                on = i.operands[0] in act
            else:
                on = any(o in act for o in i.operands)
            if on:
                act.add(i)
                changed = True
        # backward: memory we can shadow (allocas, allocations) that meets active pointers —
        # merged by a phi/select, or stored into active memory — needs a shadow too (a tape
        # that starts in a stack buffer and moves to the heap, say)
        if any_active:
            for i in insts:
                srcs = []
                if i.opcode in ("phi", "select") and i.type.is_pointer and i in act:
                    srcs = i.operands if i.opcode == "phi" else i.operands[1:]
                elif i.opcode == "store" and i.operands[0].type.is_pointer and i.operands[1] in act:
                    srcs = [i.operands[0]]
                elif (i.opcode == "store" and i.operands[0].type.is_pointer
                      and i.operands[0] in act and i.operands[1] not in act):
                    # an active pointer stored into a fresh C heap block (a struct the
                    # function builds around it): the block needs a shadow to hold the shadow
                    # pointer (Numba's stack slots and runtime blocks — exception records —
                    # stay as they are)
                    srcs = [o for o in types.origins_of(i.operands[1])
                            if getattr(o, "opcode", None) == "call"
                            and o.callee_name in ("malloc", "calloc")]
                for o in srcs:
                    if o not in act and isinstance(o, Instruction) and (
                            o.opcode == "alloca" or (o.opcode == "call" and classify_call(o) in (
                                Kind.ALLOCATOR, Kind.C_MALLOC))):
                        act.add(o)
                        changed = True
    _drop_useless_floats(fn, res)
    return res


def _inactive_call(i: Instruction) -> bool:
    kind = classify_call(i)
    return kind in (Kind.INACTIVE, Kind.INACTIVE_FN) or (
        kind is Kind.CUSTOM and bool(lookup_call(i).inactive))


def _inactive_results(fn: Function, insts) -> Set[Value]:
    """Stack slots that only ever receive what a ``zymase.inactive`` function writes (Numba's
    return slot of an inactive callee that returns an array or a tuple) and are only read
    after: what they hold carries no derivative, by the user's word.  Given a shadow, they
    would hand out a shadow array nobody filled (a run that never ends, or zeros)."""
    users = fn.users()
    out = set()
    for a in insts:
        if a.opcode != "alloca":
            continue
        seen, todo, ok, written = set(), [a], True, False
        while todo and ok:
            v = todo.pop()
            if v in seen:
                continue
            seen.add(v)
            for u in users.get(v, ()):
                if u.opcode == "load":
                    continue
                if u.opcode == "store" and u.operands[1] is v and isinstance(u.operands[0],
                                                                               Constant):
                    continue            # Numba clears the slot before the call
                if u.opcode in ("getelementptr", "bitcast") and u.operands[0] is v:
                    todo.append(u)
                elif u.opcode == "call" and (u.callee_name or "").startswith("llvm.lifetime."):
                    continue
                elif u.opcode == "call" and _inactive_call(u):
                    written = True
                else:
                    ok = False
                    break
        if ok and written:
            out.add(a)
    return out


# float operations whose derivative flows from operands to result (a use by one of these
# passes usefulness back from the result to the operand)
_PROPAGATE = {"fadd", "fsub", "fmul", "fdiv", "frem", "fneg", "phi", "select", "fpext",
              "fptrunc", "freeze"}
# uses that consume a float without passing any derivative on
_DEAD_END = {"fcmp", "fptosi", "fptoui"}


def _drop_useless_floats(fn: Function, res: ActivityResults) -> None:
    """Backward pass: an active float value is *useful* when some chain of uses carries its
    derivative to an output — a store, a return, a call without a float rule (custom rules,
    unknown callees: conservatively), any use not understood.  A float whose uses all end in
    comparisons or float→int conversions (an argmin's distances, a convergence test) has a
    zero adjoint and its tangent reaches nothing: it is made inactive, so neither mode
    emits derivative code or tapes operands for it.  Least fixpoint, so cycles of values that
    only feed each other and comparisons are dropped too."""
    act = res.active
    floats = [i for i in fn.instructions() if i in act and
              (i.type.is_float or (isinstance(i.type, VectorType) and i.type.element.is_float))]
    if not floats:
        return
    fset = set(floats)
    users = fn.users()
    useful: Set[Value] = set()
    work = []

    def propagates(u: Instruction) -> bool:
        if u.opcode in _PROPAGATE and not u.type.is_int:
            return True
        if u.opcode == "call":
            return classify_call(u) is Kind.MATH and u.type.is_float
        return False

    for v in floats:
        for u in users.get(v, ()):
            if u.opcode in _DEAD_END or (propagates(u) and u in act):
                continue
            useful.add(v)
            work.append(v)
            break
    while work:
        u = work.pop()
        if not isinstance(u, Instruction) or not propagates(u):
            continue
        for o in u.operands:
            if o in fset and o not in useful:
                useful.add(o)
                work.append(o)
    for v in floats:
        if v not in useful:
            act.discard(v)

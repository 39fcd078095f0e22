"""Scoped-noalias metadata for reverse-mode derivatives: which memory never overlaps.

A reverse-mode derivative touches three kinds of memory that LLVM cannot tell apart by
itself: the primal's memory (the caller's arrays, the primal's own allocations), the tape
(a private stack buffer, later a ``malloc`` block), and shadow memory (the caller's ``dx``
arrays and one zeroed shadow block per primal allocation, all kept alive until the adjoint
sweep ends).  A shadow's data pointer is loaded from its MemInfo, so to LLVM it may alias
anything: an adjoint loop that reads ``dqx[r]``, zeroes it and accumulates into ``dxc[c]``
keeps every access in memory, cannot keep ``dxc[c]`` in a register and does not vectorise.

This module tags loads and stores with ``!alias.scope``/``!noalias`` lists of one domain:

* scope **P** — every access of the primal clone (and loads recomputed from it);
* scope **T** — tape and free-list pushes and pops;
* one scope **S(k)** per *shadow key* k — the allocation a shadow access lands in: an NRT
  allocation site (its shadow clone), a float alloca (its shadow alloca), or a Duplicated
  array argument whose shadow is a ``noalias`` parameter.  A shadow access whose primal
  pointer may come from anything else (a pointer loaded from memory, a call result) gets
  the scope **S(?)**;
* one scope **S(launch)** for the shadows of a parallel loop's kernel that reach it through
  its launch arrays: pointers loaded straight from the kernel's ``args`` (or ``data``)
  parameter, which the kernel only ever reads (``launch_origin``).

Claims made, and why each holds for every run of the derivative:

* P, T and the S scopes are pairwise disjoint: primal code never receives a pointer to the
  tape or to shadow memory, and the run-time shadow checks (or ``checks=False``'s promise)
  guarantee that ``dx`` shares memory with no primal and no other shadow.
* S(k) and S(k') for two known keys are disjoint: shadows of different allocation sites are
  different blocks, and shadow blocks are freed only after the adjoint sweep, so no block is
  ever reused for another shadow while the derivative runs.  Dynamic instances of one site
  share a key, so no claim is made between them.
* S(launch) and the S(k) of an allocation site or alloca are disjoint: the launcher filled
  the arrays before the kernel started and the kernel never writes them, so every pointer
  read from them points to a block that was live before the kernel's first allocation and
  stays live (the kernel borrows its arguments; their shadows belong to the launching
  derivative).  No claim is made between two S(launch) accesses (two slots may hold the
  same array).  Without this scope a kernel's accumulation into a private shadow (``dxc[c]``
  of GMM's triangular product) was not kept in a register, because the store into the
  shared ``dicf`` beside it might have been to the same cell: the parallel derivative on
  one thread cost 1.15× the serial one.
* S(?) claims nothing against any shadow scope; it is disjoint only from P and T.

Calls (memset, memcpy, custom rules, the allocator) and untagged accesses (allocas of the
derivative's own bookkeeping) stay conservative.  The metadata is function-wide; LLVM's
inliner gives every inlined copy fresh scopes, so two inlined derivatives make no claims
about each other.
"""
from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Set

from ..ir.values import Argument, Constant, Instruction, Module, Value
from ..rules import table

UNKNOWN = "?"
LAUNCH = "launch"


class AliasScopes:
    def __init__(self, module: Module, label: str):
        self.module, self.label = module, label
        self.primal: List[Instruction] = []
        self.tape: List[Instruction] = []
        self.shadow: List[tuple] = []          # (instruction, frozenset of keys)

    def add_primal(self, i: Optional[Instruction]):
        if _is_access(i):
            self.primal.append(i)

    def add_tape(self, i: Optional[Instruction]):
        if _is_access(i):
            self.tape.append(i)

    def add_shadow(self, i: Optional[Instruction], keys: FrozenSet):
        if _is_access(i):
            self.shadow.append((i, keys))

    # -- metadata ---------------------------------------------------------------------------
    def apply(self) -> None:
        if not (self.primal or self.tape or self.shadow):
            return
        md = self.module.metadata
        nxt = [max([int(k[1:]) for k in md if k[1:].isdigit()] + [999]) + 1]

        def node(text_of_id) -> str:
            k = f"!{nxt[0]}"
            nxt[0] += 1
            md[k] = f"{k} = {text_of_id(k)}"
            return k

        dom = node(lambda k: f'distinct !{{{k}, !"zymase {self.label}"}}')
        scope: Dict[object, str] = {}

        def sc(key, what: str) -> str:
            if key not in scope:
                scope[key] = node(lambda k: f'distinct !{{{k}, {dom}, !"{what}"}}')
            return scope[key]

        P, T = sc("P", "primal"), sc("T", "tape")
        known: List[object] = []
        for _, keys in self.shadow:
            for k in keys:
                if k not in known:
                    known.append(k)
        for n, k in enumerate(known):
            sc(k, f"shadow {k}" if k in (UNKNOWN, LAUNCH) else f"shadow {n}")
        lists: Dict[tuple, str] = {}

        def lst(keys) -> str:
            ids = tuple(sorted({scope[k] for k in keys}, key=lambda s: int(s[1:])))
            if ids not in lists:
                lists[ids] = node(lambda k: "!{" + ", ".join(ids) + "}")
            return lists[ids]

        all_s = [k for k in known]
        tag = lambda i, own, other: setattr(
            i, "tail", (i.tail or "") + f", !alias.scope {lst(own)}, !noalias {lst(other)}")
        for i in self.primal:
            tag(i, ["P"], ["T"] + all_s)
        for i in self.tape:
            tag(i, ["T"], ["P"] + all_s)
        for i, keys in self.shadow:
            if UNKNOWN in keys:
                tag(i, keys, ["P", "T"])
            else:
                tag(i, keys, ["P", "T"] + [k for k in known if k not in keys and k != UNKNOWN])


def _is_access(i) -> bool:
    return isinstance(i, Instruction) and i.opcode in ("load", "store")


def shadow_keys(types, p: Value, shadow: Dict[Value, Value]) -> FrozenSet:
    """The allocations a shadow access through ``shadow[p]`` may land in (see the module
    docstring); ``{UNKNOWN}`` when some origin of ``p`` is not one of the known kinds."""
    keys: Set[object] = set()
    for o in types.origins_of(p):
        if isinstance(o, Argument):
            s = shadow.get(o)
            if isinstance(s, Argument) and "noalias" in (s.attrs or "").split():
                keys.add(o)
                continue
        elif isinstance(o, Instruction):
            if o.opcode == "alloca" or _allocator(o):
                keys.add(o)
                continue
            # the data pointer of a fresh NRT allocation, read from its MemInfo's data field
            # (a pointer loaded from anywhere else may point into any block)
            mi = _meminfo_of_data(o)
            if mi is not None:
                src = types.origins_of(mi)
                if src and all(isinstance(s, Instruction) and _allocator(s) for s in src):
                    keys |= src
                    continue
            if launch_origin(o, types):
                keys.add(LAUNCH)
                continue
        return frozenset((UNKNOWN,))
    return frozenset(keys) if keys else frozenset((UNKNOWN,))


KERNEL_PREFIX = "__gufunc__."     # Numba's name for a parallel loop's kernel


def launch_origin(o: Instruction, memo_owner=None) -> bool:
    """Whether ``o`` loads a pointer straight from a parallel loop kernel's ``args`` or
    ``data`` parameter (``K(args, dims, steps, data)``) that the kernel only reads: the
    pointer the launcher stored there, to memory that existed before the kernel started.
    ``memo_owner`` (an analysis of the function, with a ``__dict__``) caches the scan."""
    if o.opcode != "load" or not o.type.is_pointer:
        return False
    a = o.operands[0]
    while isinstance(a, Instruction) and a.opcode == "getelementptr" \
            and all(isinstance(x, Constant) for x in a.operands[1:]):
        a = a.operands[0]
    if not isinstance(a, Argument):
        return False
    fn = o.block.function if o.block is not None else None
    if fn is None or not fn.name.startswith(KERNEL_PREFIX) or a not in (fn.args[0], fn.args[3]):
        return False
    memo = {} if memo_owner is None else memo_owner.__dict__.setdefault("launch_readonly", {})
    if a not in memo:
        memo[a] = _only_loaded(fn, a)
    return memo[a]


def _only_loaded(fn, a: Argument) -> bool:
    """Every use of ``a`` (through constant GEPs) is a load from it."""
    derived = {a}
    changed = True
    while changed:
        changed = False
        for i in fn.instructions():
            if i in derived:
                continue
            if any(op in derived for op in i.operands):
                if i.opcode == "getelementptr" and i.operands[0] in derived \
                        and all(isinstance(x, Constant) for x in i.operands[1:]):
                    derived.add(i)
                    changed = True
                elif not (i.opcode == "load" and i.operands[0] in derived):
                    return False
    return True


def _meminfo_of_data(o: Instruction) -> Optional[Value]:
    """``mi`` if ``o`` is ``NRT_MemInfo_data(mi)`` or ``load ptr (gep i8 mi, 24)``."""
    if o.opcode == "call" and (o.callee_name or "") in table.MEMINFO_DATA:
        return o.operands[0]
    if o.opcode == "load" and o.type.is_pointer:
        a = o.operands[0]
        if isinstance(a, Instruction) and a.opcode == "getelementptr" and len(a.operands) == 2 \
                and str(a.src_type) == "i8" and getattr(a.operands[1], "text", None) \
                == str(table.MEMINFO_DATA_OFFSET):
            return a.operands[0]
    return None


def _allocator(i: Instruction) -> bool:
    return i.opcode == "call" and (i.callee_name or "") in table.ALLOCATORS

"""The augmented forward sweep (step 2 of reverse mode): the cloned primal, given shadows.

Activity analysis runs from the frame's seeds; then every instruction that may carry or
address active data gets its shadow exactly as in forward mode: a GEP on the shadow base,
pointer loads from shadow memory, a zeroed shadow per lane for every NRT allocation, raw
``malloc`` and float alloca.  Differences from forward mode:

* shadow allocations are recorded on free lists (``free_list`` for MemInfos, one raw list per
  C deallocator) instead of following the primal's refcounts: the adjoint sweep still needs
  them after the primal has released its arrays, and they are all freed at the very end;
* calls with a rule save what their adjoint needs (``calls.py``);
* a store of an active value into memory without a shadow, or an unknown call that touches
  active data, is refused here (its derivative would be lost silently otherwise).

The result, ``Augmented``, is what every later layer reads: the activity, the shadows, the
block order and a snapshot of each block's primal instructions taken before any tape code is
added, the free lists, the call sites and the alias scopes of shadow accesses.
"""
from __future__ import annotations

import dataclasses
from typing import Dict, List, Set

from ...analysis.activity import analyse_activity
from ...analysis.loops import reverse_postorder
from ...custom import lookup_call
from ...errors import unsupported
from ...ir.builder import Builder
from ...ir.types import I64, PTR, ArrayType, FunctionType, StructType, Type, VectorType, contains_float, contains_pointer
from ...ir.values import Argument, Block, Constant, Instruction, Value, const_int
from ...rules import table
from ...rules.calls import LIBRARY_RULES, Kind, classify_call, defined_callee
from ..scopes import AliasScopes, shadow_keys
from ..shadows import ShadowBuilder, align_of, call_help, describe
from ..tape import Stack
from .. import varsize
from . import calls, copies
from ..parallel import const_slot_shadow
from ..signature import ArrayInput
from .frame import Frame


@dataclasses.dataclass(frozen=True)
class Augmented:
    act: object                           # analysis.activity.ActivityResults
    sb: ShadowBuilder                     # .shadow: primal value -> its shadow
    scopes: AliasScopes
    order: List[Block]                    # reverse postorder, without the entry block
    snapshot: Dict[Block, List[Instruction]]   # each block's primal instructions
    free_list: Stack                      # shadow MemInfos, released after the sweep
    raw_lists: Dict[str, Stack]           # raw shadow blocks, per C deallocator
    calls: calls.CallSites
    copy_types: Dict[Instruction, Type]   # memcpy/realloc of active memory -> element type
    #                                       (or copies.MOVE: a realloc's adjoint moves bytes)
    varsize: Dict[Instruction, tuple]     # list resize -> (old shadow payloads, bytes copied)
    reloads: Set[Value]                   # shadow loads of a list's cursor: recomputed

    def shadow_access(self, inst, p: Value):
        """Record a load/store of shadow memory reached through the shadow of primal
        pointer ``p``, for the alias scopes (scopes.py)."""
        self.scopes.add_shadow(inst, shadow_keys(self.act.types, p, self.sb.shadow))


def augment(frame: Frame, scopes: AliasScopes) -> Augmented:
    return AugmentedSweep(frame, scopes).run()


class AugmentedSweep:
    def __init__(self, frame: Frame, scopes: AliasScopes):
        self.frame, self.module, self.scopes = frame, frame.module, scopes
        fn = frame.fn
        # a function returning None still stores a (null) pointer into its return slot: that
        # slot is the transform's scratch memory, never active
        scratch = [] if frame.has_ret else [frame.prim_slot]
        self.act = act = analyse_activity(fn, frame.seeds.keys(), inactive=scratch)
        self.sb = sb = ShadowBuilder(self.module, fn, frame.width, act)
        for k, v in frame.seeds.items():
            if v is not None:
                sb.shadow[k] = v
        self.order = reverse_postorder(fn)[1:]
        self.snapshot = {blk: list(blk.instructions) for blk in self.order}
        self.free_list = Stack(self.module, frame.entry_builder, "zy.shadows")
        self.raw_lists: Dict[str, Stack] = {}
        self.sites = calls.CallSites()
        self.copy_types: Dict[Instruction, Type] = {}
        self.varsize: Dict[Instruction, tuple] = {}
        self.reloads: Set[Value] = set()
        self.realloc_only = varsize.realloc_only(fn)
        self._access_list = None
        self._callee_origins = None
        self._launches = False       # not computed yet (_reread_by_launch)

    def run(self) -> Augmented:
        phis: list = []
        act = self.act
        for blk in self.order:
            for i in self.snapshot[blk]:
                if i in act.active or i.opcode in ("store", "call"):
                    self.shadow_of(i, phis)
        self.sb.fill_phis(phis)
        return Augmented(act, self.sb, self.scopes, self.order, self.snapshot, self.free_list,
                         self.raw_lists, self.sites, self.copy_types, self.varsize,
                         self.reloads)

    def _shadow_access(self, inst, p: Value):
        self.scopes.add_shadow(inst, shadow_keys(self.act.types, p, self.sb.shadow))

    def shadow_of(self, i: Instruction, phis):
        op = i.opcode
        act = self.act.active
        sb = self.sb
        b = Builder(self.module, loc=i.loc).after(i)
        if op == "store":
            self._store(i, b)
            return
        if op == "call":
            self._call(i, b)
            return
        if i not in act or not (i.type.is_pointer or isinstance(i.type, (StructType, ArrayType))):
            if i in act and i.template is not None:
                raise unsupported(describe(i), i.loc)
            return
        if isinstance(i.type, (StructType, ArrayType)) and contains_float(i.type):
            raise unsupported(f"an aggregate of floats ({i.type}) in reverse mode", i.loc)
        if op == "phi":
            sb.phi(b, i, phis)
        elif op == "load":
            sb.shadow[i] = sb.load(b, i.type, sb.sh(i.operands[0], b), align_of(i))
            self._shadow_access(sb.shadow[i], i.operands[0])
            if self.realloc_only and varsize.is_cursor_load(self.act.types, i):
                self.reloads.add(sb.shadow[i])
        elif op in ("getelementptr", "select", "extractvalue", "insertvalue"):
            sb.shadow[i] = sb.same_op(b, i)
        elif op == "alloca":
            sb.shadow[i] = sb.zeroed_allocas(b, i)
        elif op in ("bitcast", "addrspacecast", "freeze"):
            sb.shadow[i] = sb.sh(i.operands[0], b)
        else:
            raise unsupported(describe(i), i.loc)

    def _store(self, i: Instruction, b: Builder):
        act, sb = self.act.active, self.sb
        v, p = i.operands
        if v in act and p not in act and (v.type.is_float or contains_float(v.type)):
            raise unsupported("a store of an active value into memory that has no shadow "
                              "(its derivative would be lost)", i.loc,
                              help=self._no_shadow_help(p))
        if (v in act and p not in act and v.type.is_pointer
                and self.act.types.is_float_memory(v)):
            raise unsupported("a store of a pointer to active memory into memory that has no "
                              "shadow (derivatives reaching it through there would be lost)",
                              i.loc, help=self._no_shadow_help(p))
        if p in act and v.type.is_int and any(
                o in self.act.types.pointer_memory for o in self.act.types.origins_of(p)):
            # integer fields of structs that also hold pointers (an array struct stored
            # field by field): the shadow struct needs the same shape and strides
            self._shadow_access(sb.store(b, v, sb.sh(p, b), align_of(i)), p)
            return
        if p in act and (contains_pointer(v.type)):
            if contains_float(v.type):
                raise unsupported("a store of an aggregate holding floats and pointers", i.loc)
            sv = const_slot_shadow(sb, v, p, b, act)
            self._shadow_access(sb.store(b, sv if sv is not None else sb.sh(v, b), sb.sh(p, b),
                                         align_of(i)), p)
        elif p in act and isinstance(v.type, (StructType, ArrayType)) and contains_float(v.type):
            raise unsupported(f"a store of an aggregate of floats ({v.type}) in reverse mode", i.loc)

    def _call(self, i: Instruction, b: Builder):
        act, sb, sites = self.act.active, self.sb, self.sites
        kind = classify_call(i, self.module)
        if kind is Kind.CUSTOM:
            calls.save_custom(self.frame, act, sites, i, lookup_call(i), b)
            return
        if kind is Kind.CALLEE:
            calls.save_recursive(self.frame, act, sites, i,
                                 defined_callee(self.module, i), b)
            return
        if kind is Kind.C_CALLEE:
            calls.save_c_callee(self.frame, self.act, sites, i, b)
            return
        if kind is Kind.PARALLEL_FOR:
            from ..parallel import save_launch
            save_launch(self.frame, self.act, sb, sites, i, b)
            return
        if kind is Kind.REFCOUNT and i.callee_name == "NRT_decref" \
                and self._reread_by_launch(i.operands[0]):
            # a parallel loop's kernel re-reads its input arrays in the adjoint sweep
            # (parallel.py): their releases wait until the sweep ends
            self._record(b, self._raw_list("NRT_decref"), i.operands[0])
            i.erase()
            return
        if kind is Kind.C_CUSTOM_PTR:
            calls.save_custom_pointer(self.frame, act, sites, i, b, self.sb)
            return
        if kind is Kind.C_FREE and self._reread_by_callee(i.operands[0]):
            # memory a recursive C callee reads is read again when its adjoint re-runs it:
            # released after the sweep with the shadow blocks, not here
            self._record(b, self._raw_list(i.callee_name), i.operands[0])
            i.erase()
            return
        name = i.callee_name or ""
        types = self.act.types
        if (kind is Kind.MEMCPY and i.operands[1] in act and i.operands[0] not in act
                and (types.is_float_memory(i.operands[1]) or any(
                    o in types.pointer_memory for o in types.origins_of(i.operands[1])))):
            raise unsupported("a copy of active memory into memory that has no shadow (its "
                              "derivative would be lost)", i.loc,
                              help=self._no_shadow_help(i.operands[0]))
        if kind is Kind.MEMCPY and i.operands[0] in act and i.operands[1] in act:
            items = varsize.payload_items(types, i.operands[:2], self._accesses())
            if items is not None and items[1]:
                # items holding shadow pointers (a list of arrays) move in the shadow too
                for d, s_ in zip(sb.lanes(b, sb.sh(i.operands[0], b)),
                                 sb.lanes(b, sb.sh(i.operands[1], b))):
                    b.call(name, i.fnty, [d, s_] + i.operands[2:])
            self.copy_types[i] = self._memory_float_type(i, i.operands[:2], items)
            if self.copy_types[i] is None and items is None:
                # pointers without floats (copies.py, fact 5): their shadows follow
                for d, s_ in zip(sb.lanes(b, sb.sh(i.operands[0], b)),
                                 sb.lanes(b, sb.sh(i.operands[1], b))):
                    b.call(name, i.fnty, [d, s_] + i.operands[2:])
        if kind in LIBRARY_RULES:
            calls.save_library(self.frame, act, sites, LIBRARY_RULES[kind], i, b)
        elif kind in (Kind.ALLOCATOR, Kind.C_MALLOC) and i in act:
            # a zeroed shadow per lane, kept until the adjoint sweep ends: a MemInfo (data
            # at byte 24) or a raw block (malloc'd: a slice copy's temporary, C code's heap)
            lanes = []
            for _ in range(self.frame.width):
                if kind is Kind.ALLOCATOR and name in table.VARSIZE_ALLOCATORS:
                    c = varsize.reverse_shadow(self, b, i)     # a list: a cursor MemInfo
                    self._record(b, self.free_list, c)
                elif kind is Kind.ALLOCATOR:
                    c = sb.zeroed_allocation(b, i, True, keep_dtor=False)
                    self._record(b, self.free_list, c)
                else:
                    c = sb.raw_shadow(b, i, reverse=True)
                    self._record(b, self._raw_list(
                        "NRT_Free" if name == "NRT_Allocate" else "free"), c)
                lanes.append(c)
            sb.shadow[i] = sb.gather_lanes(b, lanes)
        elif kind is Kind.C_REALLOC and i in act:
            # a fresh zeroed block per lane (the old shadow stays alive until the sweep ends:
            # the adjoint of the copy realloc made adds, or moves, the new block's prefix
            # back into it: copies.py)
            self.copy_types[i] = self._memory_float_type(i, [i, i.operands[0]])
            n = i.operands[table.raw_realloc(name).size]
            # allocated before the call: the adjoint of ``i`` reads this shadow, and the
            # sweep restores what is defined after ``i`` before it runs ``i``'s adjoint
            before = Builder(self.module).before(i)
            if n.type != I64:
                n = before.cast("zext", n, I64)
            lanes = []
            for _ in range(self.frame.width):
                c = before.call("malloc", FunctionType(PTR, (I64,)), [n])
                # a size the heap refuses (so does the primal's realloc, which then leaves
                # the old block in place) zeroes nothing rather than writing through null
                before.memset(c, 0, before.select(
                    before.icmp("eq", c, Constant(PTR, "null")), const_int(I64, 0), n))
                self._record(b, self._raw_list("free"), c)
                lanes.append(c)
            sb.shadow[i] = sb.gather_lanes(before, lanes)
            if self.copy_types[i] is None:
                # (``b`` was placed before the shadow allocations went in above ``i``)
                self._copy_forward(Builder(self.module, loc=i.loc).after(i), i)
        elif kind is Kind.VARSIZE and i.operands[0] in act:
            # a list grows: a new shadow payload, the old one kept (transforms/varsize.py)
            saved = varsize.augment(self, i)
            if saved is not None:
                self.varsize[i] = saved
        elif kind is Kind.MEMINFO_DATA and i in act:
            # MemInfo -> data pointer: the shadow is the same call on the shadow MemInfo
            sb.shadow[i] = sb.same_op(b, i)
        elif i in act and contains_pointer(i.type) and not i.type.is_float:
            raise unsupported(describe(i), i.loc)
        elif kind not in (Kind.MATH, Kind.INACTIVE, Kind.INACTIVE_FN, Kind.C_CALLEE,
                          Kind.REFCOUNT, Kind.DEALLOCATOR, Kind.C_FREE, Kind.C_MALLOC,
                          Kind.C_REALLOC, Kind.MEMSET, Kind.MEMCPY, Kind.VARSIZE):
            if i in act or any(o in act and (o.type.is_float or o.type.is_pointer)
                               for o in i.operands):
                raise unsupported(describe(i), i.loc, help=call_help(i))

    def _copy_forward(self, b: Builder, i: Instruction):
        """After ``q = realloc(p, n)`` of memory holding pointers but no floats: the prefix
        realloc copied, copied in the shadow too (copies.py, fact 5); nothing when ``q`` is
        null."""
        sb = self.sb
        spec = table.raw_realloc(i.callee_name)
        n = i.operands[spec.size]
        if n.type != I64:
            n = b.cast("zext", n, I64)
        failed = b.icmp("eq", i, Constant(PTR, "null"))
        for q, p in zip(sb.lanes(b, sb.sh(i, b)), sb.lanes(b, sb.sh(i.operands[0], b))):
            if spec.old_size is not None:
                old = i.operands[spec.old_size]
                if old.type != I64:
                    old = b.cast("zext", old, I64)
            else:
                old = b.call("malloc_usable_size", FunctionType(I64, (PTR,)), [p])
            k = b.call("llvm.umin.i64", FunctionType(I64, (I64, I64)), [old, n])
            b.memcpy(q, p, b.select(failed, const_int(I64, 0), k))

    def _no_shadow_help(self, p: Value) -> str:
        passed_in = varsize.passed_in_help(self.act.types, p)
        if passed_in:
            return passed_in
        origins = self.act.types.origins_of(p)
        if any(isinstance(o, Argument) for o in origins):
            return "mark the array written here Duplicated instead of Const"

        def what(o):
            kind = getattr(o, "callee_name", None) or getattr(o, "opcode", "value")
            return f"%{o.name or '?'} ({kind})"
        where = ", ".join(sorted(what(o) for o in origins))
        return f"zymase keeps no shadow for this memory (it comes from {where or 'unknown'})"

    def _reread_by_launch(self, mi: Value) -> bool:
        """Whether MemInfo ``mi`` may hold memory a parallel loop's adjoint re-reads."""
        if self._launches is False:
            from ..parallel import reread_origins
            self._launches = reread_origins(self.module, self.act,
                                            [i for blk in self.order for i in self.snapshot[blk]])
        if self._launches is None:
            return True
        origins = self.act.types.origins_of(mi)
        return bool(self._launches) and (not origins or bool(origins & self._launches))

    def _reread_by_callee(self, p: Value) -> bool:
        """Whether ``p`` may point into memory a recursive C callee reads (c_callees.py)."""
        if self._callee_origins is None:
            types = self.act.types
            self._callee_origins = set()
            for i in [i for blk in self.order for i in self.snapshot[blk]]:
                if i.opcode == "call" and classify_call(i, self.module) is Kind.C_CALLEE:
                    for a in i.operands:
                        if a.type.is_pointer:
                            self._callee_origins |= types.origins_of(a)
        return bool(self.act.types.origins_of(p) & self._callee_origins)

    def _raw_list(self, free_name: str) -> Stack:
        """The list of raw shadow blocks released with ``free_name`` after the sweep (the
        primal's own free of its block leaves the shadow alone)."""
        if free_name not in self.raw_lists:
            self.raw_lists[free_name] = Stack(self.module, self.frame.entry_builder,
                                              f"zy.raw.{free_name}")
        return self.raw_lists[free_name]

    def record_raw(self, b: Builder, free_name: str, p: Value):
        """Release raw block ``p`` with ``free_name`` after the sweep."""
        self._record(b, self._raw_list(free_name), p)

    @staticmethod
    def _record(b: Builder, fl: Stack, p: Value):
        # a one-slot push with its growth check inline: branch-free, the grow call costs a
        # C call per allocation, which is already one — acceptable on this cold path
        fl.grow(b, 1, b.select(fl.is_full(b, 1), const_int(I64, 8), const_int(I64, 0)))
        fl.push_all(b, [p])

    def _accesses(self):
        """The primal's loads and stores as ``(address, type)`` pairs (the snapshot's loads
        and stores are listed once)."""
        if self._access_list is None:
            self._access_list = [j for blk in self.order for j in self.snapshot[blk]
                                 if j.opcode in ("load", "store")]
        return [(j.operands[0], j.type) if j.opcode == "load"
                else (j.operands[1], j.operands[0].type) for j in self._access_list]

    def _access_triples(self):
        """The primal's loads and stores as ``(instruction, address, type)``."""
        self._accesses()
        return [(j, j.operands[0], j.type) if j.opcode == "load"
                else (j, j.operands[1], j.operands[0].type) for j in self._access_list]

    def _argument_dtypes(self, origins: Set[Value]) -> Set[Type]:
        """The element types the signature gives the array arguments whose data pointers are
        among ``origins``.  A copy of an argument that is only read back through a pointer
        loaded from memory (``self.a = a.copy()`` in a jitclass: the copy's data pointer is
        stored into the instance, the methods load it) shows no access with the copy's origins
        in this function; the argument's dtype still says what its bytes are."""
        sk = self.frame.skeleton
        return {inp.primal.dtype for inp in self.frame.sig.inputs
                if isinstance(inp, ArrayInput) and inp.primal.dtype is not None
                and sk.param(inp.primal.data) in origins}

    def _memory_float_type(self, i: Instruction, ptrs, items=None):
        """The float type a memcpy/memmove (or realloc) copies, from how its memory is
        accessed: ``ptrs`` are its destination and source.

        Every load and store of the primal whose address shares an origin with the copy's
        source or destination must access one and the same float type; otherwise the adjoint
        (an element-wise ``src_bar += dst_bar``) cannot be formed and we refuse.  A copy within
        lists' payloads (``items``: ``varsize.payload_items``) looks at their items' float
        types only; items without floats (a list of arrays) give None: no adjoint.  When no
        access shares an origin with the copy, an array argument among the origins says what
        the bytes are (``_argument_dtypes``).  Floats of one type beside integers are accepted
        where ``copies.uniform_cells`` shows the helper exact; a realloc of other mixed memory
        gets ``copies.MOVE`` where ``copies.movable`` allows it.
        """
        types = self.act.types
        if items is not None:
            seen: Set[Type] = set(items[0])
            if not seen and items[1]:
                return None
        else:
            origins = types.origins_of(ptrs[0]) | types.origins_of(ptrs[1])
            seen = {t.element if isinstance(t, VectorType) else t
                    for p, t in self._accesses() if types.origins_of(p) & origins}
            if not seen:
                seen = self._argument_dtypes(origins)
        if len(seen) == 1 and next(iter(seen)).is_float:
            return next(iter(seen))
        is_realloc = i.opcode == "call" and classify_call(i) is Kind.C_REALLOC
        why = ""
        if items is None:
            # floats beside integers (a tape, an array of {long id; double v}): the helper
            # is exact when the integer cells' shadows are zero and the cells line up
            # (copies.py); otherwise ``why`` says what stands in the way
            starts = copies.realloc_starts(i) if is_realloc else [
                copies.copy_start_align(i, 0), copies.copy_start_align(i, 1)]
            calls_ = [j for blk in self.order for j in self.snapshot[blk]
                      if j.opcode == "call" and j is not i]
            t, why = copies.uniform_cells(types, self._access_triples(), origins, starts,
                                          calls_)
            if t is not None:
                return t
            if is_realloc and any(t.is_float for t in seen) and copies.movable(
                    types, self._access_triples(), origins, calls_):
                return copies.MOVE      # its adjoint moves the copied prefix back
            if copies.pointers_only(types, self._access_triples(), origins, calls_):
                return None             # no adjoint; the caller copies the shadows forward
        what = ", ".join(sorted(map(str, seen))) or "nothing we can see"
        what_copy = "a realloc" if is_realloc else "a copy (memcpy/memmove)"
        raise unsupported(f"{what_copy} of active memory accessed as {what}"
                          + (f" ({why})" if why else ""), i.loc,
                          help="copy the elements in a loop")

"""Kept blocks: a derivative's arrays come from heap blocks that are kept for the next call.

Why.  Code that allocates work arrays on every call (``k1 = np.empty(n)`` in an RK4 step)
gets blocks above glibc's mmap threshold straight from the kernel: every call maps fresh
pages, faults each one in (the kernel zeroes it) and unmaps them at ``free``.  A derivative
allocates the primal's arrays *and* a zeroed shadow beside each, so it pays twice: GradBench's
ode at n = 10⁵ spent half its gradient time in page faults (4.0 ms; 1.9 ms when glibc keeps
freed memory).  The tape already keeps its blocks (transforms/tape.py, "Reuse"); this does the
same for the MemInfo allocations of a derivative's module.

What.  ``route`` (IR in, IR out, on the final derivative before O3) replaces every
``NRT_MemInfo_alloc_aligned(size, align)`` call (Numba's array allocation: the primal's own
arrays in the forward sweep and the shadows built beside them) with Numba's
``NRT_MemInfo_alloc_external(size, @zymase_keep_allocator)``: the same MemInfo (reference
count, no destructor), whose block comes from and goes back to the allocator below, called by
Numba's runtime whenever the MemInfo dies — in the derivative, in the caller's ``@njit``
code or in Python, long after the call (an array result).  Nothing else changes: a kept block
holds stale data where a fresh one held zeros, which ``np.empty`` never promised (shadows are
zeroed by their ``memset`` as before).

The allocator (``_RUNTIME_IR``, compiled once per process and never unloaded, so a MemInfo
outliving any derivative can still be freed; bound to the symbols the derivative declares by
``register``, also for derivatives loaded from the disk cache):

* A block is ``malloc(total)`` with a 24-byte header (the raw pointer, the usable bytes, the
  bucket) in front of the MemInfo, placed so that the MemInfo's data (48 bytes after it, as in
  Numba's layout: checked at registration, else ``route`` leaves the calls alone) is
  64-byte aligned (Numba asks for 32).
* Requests of more than 128 KiB (with the header) up to 128 MiB are rounded up to a power of
  two ``2^j`` and belong to bucket ``j``; any block of a bucket fits any request of it, so a
  block is taken without reading it first.  Pages past the request are never touched, so the
  rounding costs address space, not memory.  Smaller and larger requests are plain
  ``malloc``/``free`` (bucket 0).
* Freeing parks a bucketed block in one of ``SLOTS`` slots of its bucket if the bytes parked
  stay within ``BUDGET``, else frees it; allocating takes a parked block of its bucket first.
  A slot is emptied only by atomic exchange and filled only by compare-and-swap from null, so
  a block belongs to exactly one party at a time (a slot, or one live MemInfo) and no thread
  reads a block it does not own.  ``@zymase.kb.kept`` counts the bytes parked (atomically).
* The kept memory (at most ``BUDGET`` for the whole process) is what a gradient called in a
  loop would fault in again on its next call; ``zymase.release_kept_blocks()`` (``release``)
  frees every parked block at once, for a program done with its derivatives.

The same runtime holds the tapes' keep slots (transforms/tape.py, "Reuse") for every
derivative of the process: ``share_tape_slots`` turns a module's own slots into declarations
bound to them, so one budget bounds the tape memory parked by all derivatives together and
``release`` frees it with the array blocks.

Nested derivatives differentiate a derivative's final IR: ``zymase_nrt_alloc_external`` is
an allocator in the rules table (``table.ALLOCATORS``), shadowed by the same call.
"""
from __future__ import annotations

import ctypes
import itertools
import os
import threading

import llvmlite.binding as llvm

from ..ir.types import I64, PTR, FunctionType
from ..ir.values import Constant, GlobalRef, Module
from .tape import KEEP, KEEP_BYTES, keep_globals, salt_tags
from .tape import KEEP_SLOTS as TAPE_SLOTS

ALLOC = "zymase_nrt_alloc_external"        # Numba's NRT_MemInfo_alloc_external
ALLOCATOR = "zymase_keep_allocator"        # the NRT_ExternalAllocator below
ROUTED = "NRT_MemInfo_alloc_aligned"
MIN_BUCKET, MAX_BUCKET = 18, 27            # blocks of 256 KiB .. 128 MiB (requests > 128 KiB)
SLOTS = 4                                  # per bucket
BUDGET = 256 << 20                         # bytes parked, process-wide
MEMINFO_BYTES = 48                         # Numba's NRT_MemInfo, in front of the data


def _take(k: int) -> str:
    nxt = f"take{k + 1}" if k + 1 < SLOTS else "fresh.bucket"
    return f"""take{k}:
  %s{k} = getelementptr [{MAX_BUCKET + 1} x [{SLOTS} x ptr]], ptr @zymase.kb.slots, i64 0, i64 %j, i64 {k}
  %b{k} = atomicrmw xchg ptr %s{k}, ptr null acq_rel, align 8
  %h{k} = icmp ne ptr %b{k}, null
  br i1 %h{k}, label %took{k}, label %{nxt}
took{k}:
  %u{k} = atomicrmw sub ptr @zymase.kb.kept, i64 %cap monotonic, align 8
  ret ptr %b{k}
"""


def _park(k: int) -> str:
    nxt = f"park{k + 1}" if k + 1 < SLOTS else "undo"
    return f"""park{k}:
  %s{k} = getelementptr [{MAX_BUCKET + 1} x [{SLOTS} x ptr]], ptr @zymase.kb.slots, i64 0, i64 %j, i64 {k}
  %x{k} = cmpxchg ptr %s{k}, ptr null, ptr %p acq_rel monotonic, align 8
  %ok{k} = extractvalue {{ ptr, i1 }} %x{k}, 1
  br i1 %ok{k}, label %done, label %{nxt}
"""


def _drain(name: str, slots: str, kept: str, first: int, stop: int, read: str) -> str:
    """IR of ``name``: empty slots ``first`` .. ``stop - 1`` of ``slots`` by exchange, free each
    block taken (``read`` finds its malloc'd ``%raw`` and its bytes ``%cap`` from ``%b``),
    take the bytes off ``kept``; returns the bytes freed."""
    return f"""define i64 @{name}() nounwind {{
entry:
  br label %loop
loop:
  %i = phi i64 [ {first}, %entry ], [ %i1, %next ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %next ]
  %s = getelementptr ptr, ptr {slots}, i64 %i
  %b = atomicrmw xchg ptr %s, ptr null acq_rel, align 8
  %h = icmp ne ptr %b, null
  br i1 %h, label %drop, label %next
drop:
{read}
  %u = atomicrmw sub ptr {kept}, i64 %cap monotonic, align 8
  call void @free(ptr %raw)
  %accd = add i64 %acc, %cap
  br label %next
next:
  %acc1 = phi i64 [ %acc, %loop ], [ %accd, %drop ]
  %i1 = add i64 %i, 1
  %done = icmp eq i64 %i1, {stop}
  br i1 %done, label %out, label %loop
out:
  ret i64 %acc1
}}
"""


# a parked tape block is the malloc'd block itself, its capacity in its first 8 bytes
_READ_TAPE = """  %raw = getelementptr i8, ptr %b, i64 0
  %cap = load i64, ptr %b, align 8"""
# a bucketed block's header (in front of it): the malloc'd pointer, usable bytes, bucket
_READ_BUCKETED = """  %hr = getelementptr i8, ptr %b, i64 -24
  %raw = load ptr, ptr %hr, align 8
  %hj = getelementptr i8, ptr %b, i64 -8
  %j = load i64, ptr %hj, align 8
  %cap = shl i64 1, %j"""


_RUNTIME_IR = f"""
@zymase.kb.slots = internal global [{MAX_BUCKET + 1} x [{SLOTS} x ptr]] zeroinitializer, align 64
@zymase.kb.kept = internal global i64 0, align 64
@zymase.kb.tape.slots = internal global [{TAPE_SLOTS} x ptr] zeroinitializer, align 64
@zymase.kb.tape.kept = internal global i64 0, align 64

declare ptr @malloc(i64)
declare void @free(ptr)
declare i64 @llvm.ctlz.i64(i64, i1)
declare i64 @llvm.umin.i64(i64, i64)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

; a block of ``total`` bytes with its header; the MemInfo at the result, its data 64-aligned
define internal ptr @zymase.kb.fresh(i64 %total, i64 %j) nounwind {{
entry:
  %raw = call ptr @malloc(i64 %total)
  %none = icmp eq ptr %raw, null
  br i1 %none, label %fail, label %ok
fail:
  ret ptr null
ok:
  %ri = ptrtoint ptr %raw to i64
  %q0 = add i64 %ri, {24 + MEMINFO_BYTES + 63}
  %q = and i64 %q0, -64
  %off = sub i64 %q, {MEMINFO_BYTES}
  %off2 = sub i64 %off, %ri
  %p = getelementptr i8, ptr %raw, i64 %off2
  %usable = sub i64 %total, %off2
  %hr = getelementptr i8, ptr %p, i64 -24
  store ptr %raw, ptr %hr, align 8
  %hu = getelementptr i8, ptr %p, i64 -16
  store i64 %usable, ptr %hu, align 8
  %hj = getelementptr i8, ptr %p, i64 -8
  store i64 %j, ptr %hj, align 8
  ret ptr %p
}}

define ptr @zymase.kb.malloc(i64 %n, ptr %opaque) nounwind {{
entry:
  %total = add i64 %n, 128
  %wrap = icmp ult i64 %total, %n
  br i1 %wrap, label %fail, label %size
fail:
  ret ptr null
size:
  %m1 = sub i64 %total, 1
  %lz = call i64 @llvm.ctlz.i64(i64 %m1, i1 false)
  %j = sub i64 64, %lz
  %lo = icmp uge i64 %j, {MIN_BUCKET}
  %hi = icmp ule i64 %j, {MAX_BUCKET}
  %keep = and i1 %lo, %hi
  %cap = shl i64 1, %j
  br i1 %keep, label %take0, label %fresh.exact
{"".join(_take(k) for k in range(SLOTS))}fresh.bucket:
  %fb = call ptr @zymase.kb.fresh(i64 %cap, i64 %j)
  ret ptr %fb
fresh.exact:
  %fe = call ptr @zymase.kb.fresh(i64 %total, i64 0)
  ret ptr %fe
}}

define void @zymase.kb.free(ptr %p, ptr %opaque) nounwind {{
entry:
  %none = icmp eq ptr %p, null
  br i1 %none, label %done, label %look
look:
  %hr = getelementptr i8, ptr %p, i64 -24
  %raw = load ptr, ptr %hr, align 8
  %hj = getelementptr i8, ptr %p, i64 -8
  %j = load i64, ptr %hj, align 8
  %bucketed = icmp ne i64 %j, 0
  br i1 %bucketed, label %count, label %release
count:
  %cap = shl i64 1, %j
  %old = atomicrmw add ptr @zymase.kb.kept, i64 %cap monotonic, align 8
  %new = add i64 %old, %cap
  %fits = icmp ule i64 %new, {BUDGET}
  br i1 %fits, label %park0, label %undo
{"".join(_park(k) for k in range(SLOTS))}undo:
  %back = atomicrmw sub ptr @zymase.kb.kept, i64 %cap monotonic, align 8
  br label %release
release:
  call void @free(ptr %raw)
  br label %done
done:
  ret void
}}

; the tapes' keep slots (transforms/tape.py) shared by every derivative of the process: slot k
; for k < TAPE_SLOTS, the parked-bytes counter for k = TAPE_SLOTS (bound by ``_runtime``)
define ptr @zymase.kb.tape.address(i64 %k) nounwind {{
entry:
  %slot = icmp ult i64 %k, {TAPE_SLOTS}
  br i1 %slot, label %s, label %c
s:
  %p = getelementptr [{TAPE_SLOTS} x ptr], ptr @zymase.kb.tape.slots, i64 0, i64 %k
  ret ptr %p
c:
  ret ptr @zymase.kb.tape.kept
}}

; every parked tape block freed (a parked block holds its capacity in its first 8 bytes)
{_drain("zymase.kb.tape.drain", "@zymase.kb.tape.slots", "@zymase.kb.tape.kept", 0,
        TAPE_SLOTS, _READ_TAPE)}
; every parked block freed; returns their bytes (``release``)
{_drain("zymase.kb.drain", "@zymase.kb.slots", "@zymase.kb.kept", MIN_BUCKET * SLOTS,
        (MAX_BUCKET + 1) * SLOTS, _READ_BUCKETED)}
define ptr @zymase.kb.realloc(ptr %p, i64 %n, ptr %opaque) nounwind {{
entry:
  %q = call ptr @zymase.kb.malloc(i64 %n, ptr %opaque)
  %fresh = icmp eq ptr %p, null
  %failed = icmp eq ptr %q, null
  %plain = or i1 %fresh, %failed
  br i1 %plain, label %out, label %move
move:
  %hu = getelementptr i8, ptr %p, i64 -16
  %usable = load i64, ptr %hu, align 8
  %m = call i64 @llvm.umin.i64(i64 %usable, i64 %n)
  call void @llvm.memcpy.p0.p0.i64(ptr %q, ptr %p, i64 %m, i1 false)
  call void @zymase.kb.free(ptr %p, ptr %opaque)
  br label %out
out:
  ret ptr %q
}}
"""

_lock = threading.Lock()
_state: dict = {}


def _runtime():
    """The runtime library, compiled once per process, with the tapes' shared keep slots and
    counter bound to the names derivatives declare (``share_tape_slots``)."""
    with _lock:
        lib = _state.get("lib")
        if lib is None:
            from ..llvm.runtime import runtime_library
            lib = runtime_library("zymase.kept_blocks", _RUNTIME_IR)
            address = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int64)(
                lib.get_pointer_to_function("zymase.kb.tape.address"))
            for k in range(TAPE_SLOTS):
                llvm.add_symbol(f"{KEEP}_{k}", address(k))
            _state["tape_kept"] = address(TAPE_SLOTS)
            llvm.add_symbol(KEEP_BYTES, _state["tape_kept"])
            _state["lib"] = lib        # kept alive for the process
        return lib


def _install() -> bool:
    """Compile the allocator, bind ``ALLOC`` and ``ALLOCATOR``; whether routing may be used
    (Numba's MemInfo must sit ``MEMINFO_BYTES`` in front of its data)."""
    lib = _runtime()
    with _lock:
        if "ok" in _state:
            return _state["ok"]
        from numba.core.runtime import _nrt_python
        fns = [lib.get_pointer_to_function(f"zymase.kb.{f}") for f in ("malloc", "realloc",
                                                                      "free")]
        table = ctypes.c_void_p * 4
        allocator = table(*fns, None)
        api = ctypes.CFUNCTYPE(ctypes.c_void_p)(_nrt_python.c_helpers["get_api"])()
        alloc_external = ctypes.c_void_p.from_address(api + 8).value   # 2nd entry
        release = ctypes.c_void_p.from_address(api + 32).value         # 5th entry
        alloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p)(
            alloc_external)
        mi = alloc(8, ctypes.addressof(allocator))
        ok = bool(mi) and ctypes.c_void_p.from_address(mi + 24).value == mi + MEMINFO_BYTES
        if mi:
            ctypes.CFUNCTYPE(None, ctypes.c_void_p)(release)(mi)
        _state.update(allocator=allocator, ok=ok)     # kept alive for the process
        if ok:
            llvm.add_symbol(ALLOC, alloc_external)
            llvm.add_symbol(ALLOCATOR, ctypes.addressof(allocator))
        return ok


def _call(name: str) -> int:
    with _lock:
        lib = _state.get("lib")
    if lib is None:
        return 0
    return int(ctypes.CFUNCTYPE(ctypes.c_int64)(lib.get_pointer_to_function(name))())


def release() -> int:
    """Free every parked block now, arrays' and tapes' (``zymase.release_kept_blocks``);
    returns their bytes.  Blocks in use are not touched; later calls park blocks again."""
    return _call("zymase.kb.drain") + _call("zymase.kb.tape.drain")


def tape_bytes_kept() -> int:
    """Bytes of tape blocks parked now, all derivatives of the process together."""
    with _lock:
        counter = _state.get("tape_kept")
    return 0 if counter is None else ctypes.c_int64.from_address(counter).value


def register(text: str) -> None:
    """Bind the allocator's symbols before module ``text`` (a derivative, perhaps from the
    disk cache of another process) is compiled."""
    if f"@{KEEP_BYTES} = external" in text:
        _runtime()
    if ALLOCATOR in text and not _install():
        raise RuntimeError("zymase: a cached derivative uses kept blocks, which this "
                           "Numba's MemInfo layout does not allow")


_salts = itertools.count(1)


def share_tape_slots(module: Module) -> int:
    """Make the tapes of ``module`` (a derivative about to be loaded into this process) park
    their blocks in the process's shared keep slots (``_runtime``) instead of slots of their
    own; returns how many slot globals were shared.

    The budget (``tape.KEEP_BUDGET``) then bounds the tape memory parked by all derivatives
    together, and ``release`` frees it.  Every stack's tag (which parked block is whose) gets
    a salt unique to this module in this process, so derivatives sharing the slots never take
    each other's blocks; a block of another process's derivative (loaded from the disk cache)
    with an equal tag would only be taken, or freed when too small, never misused.  Modules
    meant for other processes (``zymase opt``) keep their own slots: this runs only in
    ``pipeline.finish``."""
    names = keep_globals(module)
    if not names:
        return 0
    _runtime()
    for n in names:
        module.globals[n] = f"@{n} = external global {'i64' if n == KEEP_BYTES else 'ptr'}"
    salt_tags(module, (os.getpid() & 0xFFFFF) << 40 | next(_salts) << 16)
    return len(names)


def route(module: Module) -> int:
    """Point the module's Numba array allocations at the kept-block allocator; returns how
    many calls were routed (0 when Numba's MemInfo layout is not the one assumed)."""
    calls = [i for fn in module.defined() for i in fn.instructions()
             if i.opcode == "call" and i.callee_name == ROUTED and len(i.operands) == 2
             and isinstance(i.operands[1], Constant) and 0 < _int(i.operands[1]) <= 64]
    if not calls or not _install():
        return 0
    fnty = FunctionType(PTR, (I64, PTR))
    module.get_or_declare(ALLOC, fnty)
    module.globals.setdefault(ALLOCATOR, f"@{ALLOCATOR} = external global [4 x ptr]")
    for i in calls:
        i.callee = GlobalRef(ALLOC)
        i.fnty = fnty
        i.operands = [i.operands[0], GlobalRef(ALLOCATOR)]
    return len(calls)


def _int(c: Constant) -> int:
    try:
        return int(c.text)
    except (TypeError, ValueError):
        return 0

"""Enzyme's context API for the shadows of global variables, as a runtime in the module.

.. code-block:: c

    void *ctx = __enzyme_context(width);            // shadows of the module's globals
    double *dg = __enzyme_shadow(ctx, &g, lane);    // where lane `lane` of g's shadow is
    __enzyme_zero_shadows(ctx);                     // every derivative in it back to zero
    __enzyme_autodiff(f, enzyme_context, ctx, x);   // f's globals use ctx's shadows

A context owns one shadow per lane for every *shadowable* mutable global of the module
(its type holds floats or pointers and has at most ``MAX_LEAVES`` scalar fields).  A new
context's shadow of global ``g`` holds, field by field: zero for a float, ``g``'s own value
for an integer (the shadow of an integer is the integer, so a descriptor's sizes stay
true), and for a pointer the shadow of what it points to in the same lane: into another
global, that global's shadow at the same offset; into a heap block (``malloc``,
``aligned_alloc``: a Fortran ALLOCATE done before the context), a zeroed block of the
block's usable size that the context owns; null, or into a constant, null.  The values are
those the globals hold when the context is made.  ``__enzyme_zero_shadows`` zeroes the float
fields of every global's shadow and every heap block the context owns.  A derivative called
with ``enzyme_context`` takes the shadows of the globals it uses from the context
(``c_globals.py`` makes them parameters; ``enzyme_abi`` passes ``__enzyme_shadow(ctx, @g,
lane)``) and *accumulates* into them, as into any Duplicated argument's shadow.

``runtime_ir`` writes the runtime as a module of its own, linked into the program when it
declares ``__enzyme_context``: tables of the globals' addresses and sizes, one initialising
and one zeroing function per global (generated from its type), and the three entry points
on top.  ``__enzyme_shadow`` of an address no context shadow holds stops the program with
a message, as does a lane outside the context's width.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from ..ir.types import Type, alloc_size
from .c_globals import module_globals, only_floats, scalar_leaves, shadowable

ENTRIES = ("__enzyme_context", "__enzyme_shadow", "__enzyme_zero_shadows")


def _quote(name: str) -> str:
    from ..ir.values import quote_name
    return "@" + quote_name(name)


def runtime_ir(text: str) -> Optional[str]:
    """The runtime module for the program ``text``, or None when it does not use the API."""
    if not re.search(r"^declare\b[^@\n]*@__enzyme_context\(", text, re.M):
        for e in ENTRIES[1:]:
            if re.search(r"^declare\b[^@\n]*@" + e + r"\(", text, re.M):
                raise _unsupported(f"the program calls {e} but never __enzyme_context")
        return None
    shadow, other = [], []
    for name, (_, ty, constant) in module_globals(text).items():
        if name.startswith(("llvm.", "enzyme_", "__enzyme", "__zymase")):
            continue
        if not constant and shadowable(ty):
            shadow.append((name, ty))
        else:
            other.append((name, ty))
    chunks = [_FIXED]
    k = len(shadow)
    addr = ", ".join(f"ptr {_quote(n)}" for n, _ in shadow)
    size = ", ".join(f"i64 {alloc_size(t)}" for _, t in shadow)
    chunks.append(f"@zc.count = private constant i64 {k}")
    chunks.append(f"@zc.addr = private constant [{k} x ptr] [{addr}]")
    chunks.append(f"@zc.size = private constant [{k} x i64] [{size}]")
    chunks.append(f"@zc.init = private constant [{k} x ptr] ["
                  + ", ".join(f"ptr @zc.init.{j}" for j in range(k)) + "]")
    chunks.append(f"@zc.zero = private constant [{k} x ptr] ["
                  + ", ".join(f"ptr @zc.zero.{j}" for j in range(k)) + "]")
    other = [(n, t) for n, t in other if _sized(t)]
    chunks.append(f"@zc.ocount = private constant i64 {len(other)}")
    chunks.append(f"@zc.oaddr = private constant [{len(other)} x ptr] ["
                  + ", ".join(f"ptr {_quote(n)}" for n, _ in other) + "]")
    chunks.append(f"@zc.osize = private constant [{len(other)} x i64] ["
                  + ", ".join(f"i64 {max(alloc_size(t), 1)}" for _, t in other) + "]")
    for j, (name, t) in enumerate(shadow):
        chunks.append(_per_global(j, name, t))
    for n, t in shadow + other:
        chunks.append(f"{_quote(n)} = external global {t}")
    return "\n".join(chunks) + "\n"


def _sized(t: Type) -> bool:
    try:
        alloc_size(t)
        return True
    except (TypeError, KeyError):
        return False


def _unsupported(what: str):
    from ..errors import UnsupportedError
    return UnsupportedError(f"error: {what}")


def _per_global(j: int, name: str, t: Type) -> str:
    """``zc.init.j(ctx, shadow, lane)`` and ``zc.zero.j(shadow)`` for global ``name``."""
    g, n = _quote(name), alloc_size(t)
    init = [f"define internal void @zc.init.{j}(ptr %ctx, ptr %s, i64 %l) {{",
            f"  call void @llvm.memcpy.p0.p0.i64(ptr %s, ptr {g}, i64 {n}, i1 false)"]
    zero = [f"define internal void @zc.zero.{j}(ptr %s) {{"]
    if only_floats(t):
        for body in (init, zero):
            body.append(f"  call void @llvm.memset.p0.i64(ptr %s, i8 0, i64 {n}, i1 false)")
    else:
        leaves: List[Tuple[int, str]] = []
        scalar_leaves(t, 0, leaves)
        for q, (off, ty) in enumerate(leaves):
            at = f"%a{q}"
            line = f"  {at} = getelementptr i8, ptr %s, i64 {off}"
            if ty == "ptr":
                init += [line, f"  %v{q} = load ptr, ptr getelementptr (i8, ptr {g}, i64 {off})",
                         f"  %r{q} = call ptr @zc.remap(ptr %ctx, ptr %v{q}, i64 %l)",
                         f"  store ptr %r{q}, ptr {at}"]
            else:
                for body in (init, zero):
                    body += [line, f"  store {ty} 0.0, ptr {at}"]
    init += ["  ret void", "}"]
    zero += ["  ret void", "}"]
    return "\n".join(init + zero)


# the context: i64 width, ptr shadows (count × width, global-major), ptr heap blocks
# ({ptr, i64} each), i64 their count
_FIXED = r"""
declare ptr @calloc(i64, i64)
declare ptr @realloc(ptr, i64)
declare i64 @malloc_usable_size(ptr)
declare i32 @dprintf(i32, ptr, ...)
declare void @abort()
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

@zc.msg.addr = private constant [74 x i8] c"zymase: __enzyme_shadow: %p is not in a global an Enzyme context shadows\0A\00"
@zc.msg.lane = private constant [69 x i8] c"zymase: __enzyme_shadow: lane %d is outside the context's width %ld\0A\00"

define weak ptr @__enzyme_context(i32 %w32) {
entry:
  %w = sext i32 %w32 to i64
  %ctx = call ptr @calloc(i64 1, i64 32)
  store i64 %w, ptr %ctx
  %k = load i64, ptr @zc.count
  %n = mul i64 %w, %k
  %sh = call ptr @calloc(i64 %n, i64 8)
  %shp = getelementptr i8, ptr %ctx, i64 8
  store ptr %sh, ptr %shp
  br label %alloc
alloc:
  %j = phi i64 [ 0, %entry ], [ %j1, %alloc.body ]
  %d1 = icmp eq i64 %j, %n
  br i1 %d1, label %init, label %alloc.body
alloc.body:
  %g = udiv i64 %j, %w
  %szp = getelementptr [0 x i64], ptr @zc.size, i64 0, i64 %g
  %sz = load i64, ptr %szp
  %buf = call ptr @calloc(i64 1, i64 %sz)
  %slot = getelementptr ptr, ptr %sh, i64 %j
  store ptr %buf, ptr %slot
  %j1 = add i64 %j, 1
  br label %alloc
init:
  %i = phi i64 [ 0, %alloc ], [ %i1, %init.body ]
  %d2 = icmp eq i64 %i, %n
  br i1 %d2, label %out, label %init.body
init.body:
  %g2 = udiv i64 %i, %w
  %l = urem i64 %i, %w
  %fp = getelementptr [0 x ptr], ptr @zc.init, i64 0, i64 %g2
  %f = load ptr, ptr %fp
  %slot2 = getelementptr ptr, ptr %sh, i64 %i
  %s = load ptr, ptr %slot2
  call void %f(ptr %ctx, ptr %s, i64 %l)
  %i1 = add i64 %i, 1
  br label %init
out:
  ret ptr %ctx
}

; the shadow of address %p in lane %l, or null when no global of the context holds it
define internal ptr @zc.find(ptr %ctx, ptr %p, i64 %l) {
entry:
  %w = load i64, ptr %ctx
  %shp = getelementptr i8, ptr %ctx, i64 8
  %sh = load ptr, ptr %shp
  %k = load i64, ptr @zc.count
  br label %loop
loop:
  %g = phi i64 [ 0, %entry ], [ %g1, %next ]
  %done = icmp eq i64 %g, %k
  br i1 %done, label %none, label %body
body:
  %ap = getelementptr [0 x ptr], ptr @zc.addr, i64 0, i64 %g
  %a = load ptr, ptr %ap
  %szp = getelementptr [0 x i64], ptr @zc.size, i64 0, i64 %g
  %sz = load i64, ptr %szp
  %pi = ptrtoint ptr %p to i64
  %ai = ptrtoint ptr %a to i64
  %off = sub i64 %pi, %ai
  %in = icmp ult i64 %off, %sz
  br i1 %in, label %hit, label %next
next:
  %g1 = add i64 %g, 1
  br label %loop
hit:
  %gw = mul i64 %g, %w
  %j = add i64 %gw, %l
  %slot = getelementptr ptr, ptr %sh, i64 %j
  %s = load ptr, ptr %slot
  %r = getelementptr i8, ptr %s, i64 %off
  ret ptr %r
none:
  ret ptr null
}

; is %p inside a global the context does not shadow (a constant, a string)?
define internal i1 @zc.other(ptr %p) {
entry:
  %k = load i64, ptr @zc.ocount
  br label %loop
loop:
  %g = phi i64 [ 0, %entry ], [ %g1, %next ]
  %done = icmp eq i64 %g, %k
  br i1 %done, label %no, label %body
body:
  %ap = getelementptr [0 x ptr], ptr @zc.oaddr, i64 0, i64 %g
  %a = load ptr, ptr %ap
  %szp = getelementptr [0 x i64], ptr @zc.osize, i64 0, i64 %g
  %sz = load i64, ptr %szp
  %pi = ptrtoint ptr %p to i64
  %ai = ptrtoint ptr %a to i64
  %off = sub i64 %pi, %ai
  %in = icmp ult i64 %off, %sz
  br i1 %in, label %yes, label %next
next:
  %g1 = add i64 %g, 1
  br label %loop
yes:
  ret i1 true
no:
  ret i1 false
}

; the shadow of pointer value %v in lane %l (see the module docstring)
define internal ptr @zc.remap(ptr %ctx, ptr %v, i64 %l) {
entry:
  %null = icmp eq ptr %v, null
  br i1 %null, label %zero, label %find
find:
  %r = call ptr @zc.find(ptr %ctx, ptr %v, i64 %l)
  %found = icmp ne ptr %r, null
  br i1 %found, label %done, label %other
other:
  %o = call i1 @zc.other(ptr %v)
  br i1 %o, label %zero, label %heap
heap:
  %n = call i64 @malloc_usable_size(ptr %v)
  %buf = call ptr @calloc(i64 1, i64 %n)
  %hp = getelementptr i8, ptr %ctx, i64 16
  %h = load ptr, ptr %hp
  %cp = getelementptr i8, ptr %ctx, i64 24
  %c = load i64, ptr %cp
  %c1 = add i64 %c, 1
  %bytes = mul i64 %c1, 16
  %h1 = call ptr @realloc(ptr %h, i64 %bytes)
  store ptr %h1, ptr %hp
  store i64 %c1, ptr %cp
  %e = getelementptr [2 x i64], ptr %h1, i64 %c
  store ptr %buf, ptr %e
  %ep = getelementptr i8, ptr %e, i64 8
  store i64 %n, ptr %ep
  ret ptr %buf
done:
  ret ptr %r
zero:
  ret ptr null
}

define weak ptr @__enzyme_shadow(ptr %ctx, ptr %p, i32 %l32) {
entry:
  %l = sext i32 %l32 to i64
  %w = load i64, ptr %ctx
  %ok = icmp ult i64 %l, %w
  br i1 %ok, label %find, label %badlane
find:
  %r = call ptr @zc.find(ptr %ctx, ptr %p, i64 %l)
  %found = icmp ne ptr %r, null
  br i1 %found, label %done, label %bad
done:
  ret ptr %r
badlane:
  %m1 = call i32 (i32, ptr, ...) @dprintf(i32 2, ptr @zc.msg.lane, i32 %l32, i64 %w)
  call void @abort()
  unreachable
bad:
  %m2 = call i32 (i32, ptr, ...) @dprintf(i32 2, ptr @zc.msg.addr, ptr %p)
  call void @abort()
  unreachable
}

define weak void @__enzyme_zero_shadows(ptr %ctx) {
entry:
  %w = load i64, ptr %ctx
  %shp = getelementptr i8, ptr %ctx, i64 8
  %sh = load ptr, ptr %shp
  %k = load i64, ptr @zc.count
  %n = mul i64 %w, %k
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %d = icmp eq i64 %i, %n
  br i1 %d, label %heap, label %body
body:
  %g = udiv i64 %i, %w
  %fp = getelementptr [0 x ptr], ptr @zc.zero, i64 0, i64 %g
  %f = load ptr, ptr %fp
  %slot = getelementptr ptr, ptr %sh, i64 %i
  %s = load ptr, ptr %slot
  call void %f(ptr %s)
  %i1 = add i64 %i, 1
  br label %loop
heap:
  %hp = getelementptr i8, ptr %ctx, i64 16
  %h = load ptr, ptr %hp
  %cp = getelementptr i8, ptr %ctx, i64 24
  %c = load i64, ptr %cp
  br label %hloop
hloop:
  %q = phi i64 [ 0, %heap ], [ %q1, %hbody ]
  %hd = icmp eq i64 %q, %c
  br i1 %hd, label %out, label %hbody
hbody:
  %e = getelementptr [2 x i64], ptr %h, i64 %q
  %b = load ptr, ptr %e
  %np = getelementptr i8, ptr %e, i64 8
  %nb = load i64, ptr %np
  call void @llvm.memset.p0.i64(ptr %b, i8 0, i64 %nb, i1 false)
  %q1 = add i64 %q, 1
  br label %hloop
out:
  ret void
}
"""

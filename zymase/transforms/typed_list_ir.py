"""The lowered typed-list functions (transforms/typed_list.py) as LLVM IR text.

One set per *class* of lists (item size, LLVM item type T, item incref/decref functions):
``zymase.tlist.<op>.<class>`` for each ``numba_list_<op>`` Numba calls, with Numba's
signatures and status codes (0 ok, -1 index, -2 no memory, -5 immutable), over the payload of
a growable NRT MemInfo:

    offset  0  size (i64)      8  allocated (i64)     16  item size (i64)
    offset 24  is_mutable      32  the items, each of type T

Invariants the differentiation relies on: items are copied field by field with loads and
stores of their own types (never ``memcpy`` of bytes), so type analysis sees which memory holds
floats and which pointers; every access re-reads the payload pointer from the MemInfo after
anything that may move it (``NRT_MemInfo_varsize_realloc``), as Numba's reflected lists do
(transforms/varsize.py relies on it); deletions move the items down in a loop and never
shrink the block, so an item's address changes only by a realloc.  The C runtime's growth
pattern (``n + n/8 + (3 or 6)`` items) is kept.  ``zymase.tlist.free`` (called by Numba's list
destructor) releases the MemInfo; the element destructor ``zymase.tlist.items.<class>``
(classes with an item decref) releases the items.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

from ..ir.types import ArrayType, StructType, Type

HEADER = 32                      # bytes before the first item


class ListClass:
    """Lists of one item type: item size, LLVM item type, item incref/decref functions.
    Sites whose lists one variable may hold share a class (their calls are the same)."""

    def __init__(self, key: int, size: int, incref: Optional[str], decref: Optional[str],
                 item: Optional[Type]):
        self.key, self.size, self.incref, self.decref = key, size, incref, decref
        self.item = item

    def fn(self, op: str) -> str:
        return f"zymase.tlist.{op}.{self.key}"


def _leaves(t: Type, path=()) -> List[Tuple[Tuple[int, ...], Type]]:
    if isinstance(t, StructType):
        return [leaf for k, e in enumerate(t.elements) for leaf in _leaves(e, path + (k,))]
    if isinstance(t, ArrayType):
        return [leaf for k in range(t.count) for leaf in _leaves(t.element, path + (k,))]
    return [(path, t)]


def _copy(t: Type, dst: str, src: str, tag: str) -> str:
    """IR copying one item of type ``t`` from ``src`` to ``dst``, field by field."""
    lines = []
    for n, (path, lt) in enumerate(_leaves(t)):
        if path:
            idx = ", ".join(["i32 0"] + [f"i32 {k}" for k in path])
            lines.append(f"  %{tag}s{n} = getelementptr inbounds {t}, ptr {src}, {idx}")
            lines.append(f"  %{tag}d{n} = getelementptr inbounds {t}, ptr {dst}, {idx}")
            s, d = f"%{tag}s{n}", f"%{tag}d{n}"
        else:
            s, d = src, dst
        lines.append(f"  %{tag}v{n} = load {lt}, ptr {s}")
        lines.append(f"  store {lt} %{tag}v{n}, ptr {d}")
    return "\n".join(lines)


def _call(f: Optional[str], arg: str) -> str:
    return f'  call void @"{f}"(ptr {arg})' if f else ""


_PAYLOAD = """  %dp = getelementptr i8, ptr %lp, i64 24
  %p = load ptr, ptr %dp
  %items = getelementptr i8, ptr %p, i64 32"""

_MUTABLE = """  %pm = getelementptr i8, ptr %p, i64 24
  %mut = load i64, ptr %pm
  %imm = icmp eq i64 %mut, 0
  br i1 %imm, label %immutable, label %mutable
immutable:
  ret i32 -5
mutable:"""

_INDEX = """  %size = load i64, ptr %p
  %bad = icmp uge i64 %idx, %size
  br i1 %bad, label %outside, label %inside
outside:
  ret i32 -1
inside:"""


def _class_helpers(c: ListClass) -> str:
    t = str(c.item) if c.item is not None else None
    alloc = (f'call ptr @NRT_MemInfo_new_varsize_dtor(i64 %n, ptr @"{c.fn("items")}")'
             if c.decref else "call ptr @NRT_MemInfo_new_varsize(i64 %n)")
    out = [f"""
define internal i32 @"{c.fn('new')}"(ptr %out, i64 %isz, i64 %alloc) {{
entry:
  %ib = mul i64 %isz, %alloc
  %n = add i64 %ib, {HEADER}
  %mi = {alloc}
  %fail = icmp eq ptr %mi, null
  br i1 %fail, label %nomem, label %ok
nomem:
  ret i32 -2
ok:
  %dp = getelementptr i8, ptr %mi, i64 24
  %p = load ptr, ptr %dp
  store i64 0, ptr %p
  %pa = getelementptr i8, ptr %p, i64 8
  store i64 %alloc, ptr %pa
  %ps = getelementptr i8, ptr %p, i64 16
  store i64 %isz, ptr %ps
  %pm = getelementptr i8, ptr %p, i64 24
  store i64 1, ptr %pm
  store ptr %mi, ptr %out
  ret i32 0
}}

define internal void @"{c.fn('set_method_table')}"(ptr %lp, ptr %methods) {{
entry:
  ret void
}}

define internal ptr @"{c.fn('base_ptr')}"(ptr %lp) {{
entry:
{_PAYLOAD}
  ret ptr %items
}}

define internal i64 @"{c.fn('size_address')}"(ptr %lp) {{
entry:
{_PAYLOAD}
  %a = ptrtoint ptr %p to i64
  ret i64 %a
}}

define internal i64 @"{c.fn('length')}"(ptr %lp) {{
entry:
{_PAYLOAD}
  %size = load i64, ptr %p
  ret i64 %size
}}

define internal i64 @"{c.fn('allocated')}"(ptr %lp) {{
entry:
{_PAYLOAD}
  %pa = getelementptr i8, ptr %p, i64 8
  %a = load i64, ptr %pa
  ret i64 %a
}}

define internal i32 @"{c.fn('is_mutable')}"(ptr %lp) {{
entry:
{_PAYLOAD}
  %pm = getelementptr i8, ptr %p, i64 24
  %m = load i64, ptr %pm
  %r = trunc i64 %m to i32
  ret i32 %r
}}

define internal void @"{c.fn('set_is_mutable')}"(ptr %lp, i64 %m) {{
entry:
{_PAYLOAD}
  %pm = getelementptr i8, ptr %p, i64 24
  store i64 %m, ptr %pm
  ret void
}}
"""]
    if t is None:
        return "".join(out)
    out.append(f"""
define internal i32 @"{c.fn('append')}"(ptr %lp, ptr %item) {{
entry:
{_PAYLOAD}
{_MUTABLE}
  %size = load i64, ptr %p
  %pa = getelementptr i8, ptr %p, i64 8
  %alloc = load i64, ptr %pa
  %n = add i64 %size, 1
  %fits = icmp sle i64 %n, %alloc
  br i1 %fits, label %put, label %grow
grow:
  %n3 = ashr i64 %n, 3
  %small = icmp slt i64 %n, 9
  %extra = select i1 %small, i64 3, i64 6
  %n4 = add i64 %n, %n3
  %na = add i64 %n4, %extra
  %nb = mul i64 %na, {c.size}
  %bytes = add i64 %nb, {HEADER}
  %np = call ptr @NRT_MemInfo_varsize_realloc(ptr %lp, i64 %bytes)
  %fail = icmp eq ptr %np, null
  br i1 %fail, label %nomem, label %grown
nomem:
  ret i32 -2
grown:
  %npa = getelementptr i8, ptr %np, i64 8
  store i64 %na, ptr %npa
  br label %put
put:
  %dq = getelementptr i8, ptr %lp, i64 24
  %q = load ptr, ptr %dq
  store i64 %n, ptr %q
  %qitems = getelementptr i8, ptr %q, i64 32
  %loc = getelementptr {t}, ptr %qitems, i64 %size
{_copy(c.item, "%loc", "%item", "c")}
{_call(c.incref, "%loc")}
  ret i32 0
}}

define internal i32 @"{c.fn('setitem')}"(ptr %lp, i64 %idx, ptr %item) {{
entry:
{_PAYLOAD}
{_MUTABLE}
{_INDEX}
  %loc = getelementptr {t}, ptr %items, i64 %idx
{_call(c.decref, "%loc")}
{_copy(c.item, "%loc", "%item", "c")}
{_call(c.incref, "%loc")}
  ret i32 0
}}

define internal i32 @"{c.fn('getitem')}"(ptr %lp, i64 %idx, ptr %out) {{
entry:
{_PAYLOAD}
{_INDEX}
  %loc = getelementptr {t}, ptr %items, i64 %idx
{_copy(c.item, "%out", "%loc", "c")}
  ret i32 0
}}

define internal i32 @"{c.fn('delitem')}"(ptr %lp, i64 %idx) {{
entry:
{_PAYLOAD}
{_MUTABLE}
{_INDEX}
  %loc = getelementptr {t}, ptr %items, i64 %idx
{_call(c.decref, "%loc")}
  %last = sub i64 %size, 1
  br label %head
head:
  %j = phi i64 [ %idx, %inside ], [ %j1, %body ]
  %more = icmp slt i64 %j, %last
  br i1 %more, label %body, label %done
body:
  %j1 = add i64 %j, 1
  %to = getelementptr {t}, ptr %items, i64 %j
  %from = getelementptr {t}, ptr %items, i64 %j1
{_copy(c.item, "%to", "%from", "m")}
  br label %head
done:
  store i64 %last, ptr %p
  ret i32 0
}}

define internal i32 @"{c.fn('delete_slice')}"(ptr %lp, i64 %start, i64 %stop, i64 %step) {{
entry:
{_PAYLOAD}
{_MUTABLE}
  %size = load i64, ptr %p
  %pos = icmp sgt i64 %step, 0
  %nstep = sub i64 0, %step
  %st = select i1 %pos, i64 %step, i64 %nstep
  %a = select i1 %pos, i64 %stop, i64 %start
  %b = select i1 %pos, i64 %start, i64 %stop
  %diff = sub i64 %a, %b
  %d1 = sub i64 %diff, 1
  %q = sdiv i64 %d1, %st
  %len1 = add i64 %q, 1
  %has = icmp sgt i64 %a, %b
  %len = select i1 %has, i64 %len1, i64 0
  %lenm1 = sub i64 %len, 1
  %back = mul i64 %step, %lenm1
  %lodown = add i64 %start, %back
  %lo = select i1 %pos, i64 %start, i64 %lodown
  br label %head
head:
  %r = phi i64 [ 0, %mutable ], [ %r1, %next ]
  %w = phi i64 [ 0, %mutable ], [ %w2, %next ]
  %more = icmp slt i64 %r, %size
  br i1 %more, label %body, label %done
body:
  %r1 = add i64 %r, 1
  %from = getelementptr {t}, ptr %items, i64 %r
  %off = sub i64 %r, %lo
  %ge = icmp sge i64 %off, 0
  %k = sdiv i64 %off, %st
  %rem = srem i64 %off, %st
  %on = icmp eq i64 %rem, 0
  %inr = icmp slt i64 %k, %len
  %g1 = and i1 %ge, %on
  %gone = and i1 %g1, %inr
  br i1 %gone, label %drop, label %keep
drop:
{_call(c.decref, "%from")}
  br label %next
keep:
  %to = getelementptr {t}, ptr %items, i64 %w
  %same = icmp eq i64 %w, %r
  br i1 %same, label %kept, label %move
move:
{_copy(c.item, "%to", "%from", "m")}
  br label %kept
kept:
  %w1 = add i64 %w, 1
  br label %next
next:
  %w2 = phi i64 [ %w, %drop ], [ %w1, %kept ]
  br label %head
done:
  store i64 %w, ptr %p
  ret i32 0
}}
""")
    if c.decref:
        out.append(f"""
define internal void @"{c.fn('items')}"(ptr %p) {{
entry:
  %size = load i64, ptr %p
  %items = getelementptr i8, ptr %p, i64 32
  br label %head
head:
  %j = phi i64 [ 0, %entry ], [ %j1, %body ]
  %more = icmp slt i64 %j, %size
  br i1 %more, label %body, label %done
body:
  %loc = getelementptr {t}, ptr %items, i64 %j
{_call(c.decref, "%loc")}
  %j1 = add i64 %j, 1
  br label %head
done:
  ret void
}}
""")
    return "".join(out)


_DECLS = {"NRT_MemInfo_new_varsize": "declare ptr @NRT_MemInfo_new_varsize(i64)",
          "NRT_MemInfo_new_varsize_dtor": "declare ptr @NRT_MemInfo_new_varsize_dtor(i64, ptr)",
          "NRT_MemInfo_varsize_realloc": "declare ptr @NRT_MemInfo_varsize_realloc(ptr, i64)",
          "NRT_MemInfo_release": "declare void @NRT_MemInfo_release(ptr)"}


def helpers(text: str, classes: List[ListClass]) -> str:
    out = [d for name, d in _DECLS.items() if f"@{name}(" not in text]
    out.append("""
define internal void @zymase.tlist.free(ptr %lp) {
entry:
  call void @NRT_MemInfo_release(ptr %lp)
  ret void
}
""")
    out += [_class_helpers(c) for c in classes]
    return "\n".join(out) + "\n"

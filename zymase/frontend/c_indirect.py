"""Indirect calls through a function pointer kept in a global: devirtualised behind a guard.

C programs reach functions through tables held in globals, such as an allocator hook
``struct { int count; void *(*allocfn)(size_t); } tup = {0, malloc};`` called as
``tup.allocfn(n)``.  The derivative must know what is called (``malloc`` makes memory that
needs a shadow), but the global is mutable, so its value when the derivative runs is known
only then.  When the function pointer is loaded from a global at a constant offset where
the global's initializer holds a function, the call becomes

    if (loaded == @that_function) call @that_function(args)   // what is differentiated
    else { print a message naming the global; abort(); }

so the derivative is exact whenever it runs, and a program that changed the pointer stops
with a message instead of running an unknown function without its derivative.  Any other
indirect call is left as it is (the transforms refuse it by name if it matters).
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from ..ir.builder import Builder
from ..ir.types import (I32, PTR, VOID, ArrayType, FunctionType, StructType, Type, alloc_size,
                        member_offset)
from ..ir.values import Constant, Function, GlobalRef, Instruction, Module, quote_name


def _source_global(module: Module, v) -> Optional[Tuple[str, int]]:
    """(global, byte offset) a ``load ptr`` reads from, else None."""
    if not isinstance(v, Instruction) or v.opcode != "load" or not v.type.is_pointer:
        return None
    p = v.operands[0]
    if isinstance(p, GlobalRef):
        return (p.name, 0) if p.name in module.globals else None
    if isinstance(p, Constant):
        m = re.fullmatch(r'getelementptr (?:inbounds |nuw |nusw )*\(i8, ptr @("[^"]*"|[-\w.$]+), '
                         r'i64 (\d+)\)', p.text.strip())
        if m and m.group(1).strip('"') in module.globals:
            return m.group(1).strip('"'), int(m.group(2))
    return None


def _split(s: str) -> List[str]:
    depth, cur, out = 0, "", []
    for ch in s:
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def _field(t: Type, text: str, off: int) -> Optional[str]:
    """The initializer text of the pointer field at byte ``off`` of constant ``text`` of
    type ``t``."""
    text = text.strip()
    if t.is_pointer:
        return text if off == 0 else None
    if isinstance(t, StructType) and text.startswith(("{", "<{")):
        inner = text[text.index("{") + 1:text.rindex("}")]
        items = _split(inner)
        for k, e in enumerate(t.elements):
            start = member_offset(t, k)
            if start <= off < start + alloc_size(e) and k < len(items):
                return _field(e, _strip_type(items[k]), off - start)
        return None
    if isinstance(t, ArrayType) and text.startswith("["):
        items = _split(text[1:text.rindex("]")])
        step = alloc_size(t.element)
        k = off // step
        return _field(t.element, _strip_type(items[k]), off - k * step) if k < len(items) \
            else None
    return None


def _strip_type(item: str) -> str:
    """``ptr @f`` → ``@f``; ``{ i64, ptr } { … }`` → ``{ … }``."""
    from ..ir.lexer import Tokens, parse_type
    tk = Tokens(item)
    start = tk.i
    parse_type(tk)
    return item[len(tk.span(start, tk.i)):].strip()


def _only_function(module: Module, glob: str, off: int) -> Optional[str]:
    from .c_globals import global_type, header_types
    line = module.globals[glob]
    t = global_type(header_types(module), line)
    if t is None:
        return None
    try:
        init = line.split("=", 1)[1]
        init = init[init.index(t[0]) + len(t[0]):].split(", align")[0]
        f = _field(t[1], init, off)
    except (ValueError, IndexError, KeyError, TypeError):
        return None
    m = re.fullmatch(r'@("[^"]*"|[-\w.$]+)', f or "")
    name = m.group(1).strip('"') if m else None
    return name if name in module.functions else None


def guard_indirect_calls(module: Module, fn: Function) -> None:
    """Rewrite ``fn``'s indirect calls of function pointers loaded from globals that name a
    single function (see the module docstring)."""
    count = 0
    for blk in list(fn.blocks):
        for i in list(blk.instructions):
            if i.opcode != "call" or isinstance(i.callee, GlobalRef) or i.callee is None:
                continue
            src = _source_global(module, i.callee)
            target = _only_function(module, *src) if src is not None else None
            if target is None:
                continue
            glob = src[0]
            count += 1
            _guard(module, fn, i, glob, target, count)


def _guard(module: Module, fn: Function, i: Instruction, glob: str, target: str, n: int):
    old = i.block
    k = old.instructions.index(i)
    ok = fn.add_block(None, after=old)
    for x in old.instructions[k:]:
        ok.append(x)
    del old.instructions[k:]
    for s in ok.successors():
        for ph in s.phis():
            ph.blocks = [ok if bb is old else bb for bb in ph.blocks]
    bad = fn.add_block(None, after=ok)
    b = Builder(module).at_end(old)
    ref = GlobalRef(target)
    same = b.icmp("eq", i.callee, ref)
    b.cbr(same, ok, bad)
    msg = (f"zymase: @{fn.name} calls the function pointer held in @{glob}, which no longer "
           f"points to @{target} (the function its derivative was built for); aborting\n")
    name = f"zymase.devirt.{fn.name}.{n}"
    data = msg.replace("\\", "\\5C").replace('"', "\\22").replace("\n", "\\0A") + "\\00"
    module.globals[name] = (f'@{quote_name(name)} = private constant '
                            f'[{len(msg.encode()) + 1} x i8] c"{data}"')
    e = Builder(module).at_end(bad)
    e.call("dprintf", FunctionType(I32, (I32, PTR), True),
           [Constant(I32, "2"), GlobalRef(name)])
    e.call("abort", FunctionType(VOID, ()), [], attrs="noreturn")
    e.emit(Instruction("unreachable", VOID, []))
    i.callee = ref

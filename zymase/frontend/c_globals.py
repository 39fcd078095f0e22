"""Mutable globals written by differentiated C code: made pointer parameters with shadows.

C programs keep state in global variables: ``static double g[2];`` written by one function
and read by another, a fixed-point iterate in ``double u[N]``.  When the function given to
``__enzyme_autodiff`` / ``__enzyme_fwddiff`` writes such a global, the values it stores carry
derivatives, and those need shadow memory like any array argument's.  Enzyme gives such a
global an implicit shadow: zeroed memory of the global's type, private to the derivative
call.  zymase does the same without any new engine concept, by turning the global into a
parameter:

1. After canonicalisation (everything inlined into the function, ``prepare_ll``), find the
   globals the function *writes*: the pointer operand of a store, a pointer passed to a call
   (``memset``, ``memcpy``, an out-of-line callee), or a global whose address is stored
   into memory.  A global only read stays a constant (its value comes from outside the
   derivative, so it carries no derivative).  Only globals whose type holds floats, or into
   which a float is stored, are taken; an integer counter needs no shadow.
2. Each such global becomes a new ``ptr`` parameter appended to the function; every use of
   ``@g`` in it is replaced by the parameter.  A constant expression over ``@g``
   (``getelementptr inbounds (i8, ptr @g, i64 8)``, possibly nested) becomes the same
   computation as instructions at the top of the entry block: constant expressions cannot
   take a parameter as an operand.
   A written global from which the function loads a pointer is refused: the pointer was
   put there outside the derivative, and a zeroed shadow would give it a null shadow.
3. The caller (``enzyme_abi``) passes ``@g`` itself for the parameter and, for its shadow,
   zero-initialised memory of the global's type in the adapter that calls the derivative
   (on the stack; from ``calloc``, freed after the call, above 64 KiB): the primal still reads and writes the real global, and each derivative call
   starts from a zero shadow, as Enzyme's implicit shadow does.

Invariants: after the rewrite the function refers to no threaded global except through its
parameter.  A threaded global that another function still kept in the module refers to
(a re-run recursive callee, an inactive function), a self-recursive function, or a global
in an aggregate constant is refused by name: such a reference would read or write the
global without its shadow, and the derivative would be wrong.
"""
from __future__ import annotations

import re
from typing import List, Tuple

from ..errors import UnsupportedError
from ..ir.lexer import Tokens, named_types, parse_type
from ..ir.types import (METADATA, PTR, ArrayType, FloatType, IntType, StructType, Type,
                        VectorType, alloc_size, contains_float, contains_pointer,
                        member_offset)
from ..ir.values import Argument, Constant, Function, GlobalRef, Module, quote_name

# intrinsics that neither read nor write memory through their pointer operands
_NO_ACCESS = ("llvm.lifetime.", "llvm.dbg.", "llvm.assume", "llvm.invariant.",
              "llvm.experimental.noalias.scope.decl")
# calls that are hints to Enzyme and carry no semantics of their own (dropped by
# ``drop_hints`` before differentiation)
HINTS = ("__enzyme_set_fixed_point",)


class _NoMetadata:
    """The two services ``FunctionParser`` asks of a module reader, for single lines."""

    def keep_metadata(self, text):
        pass

    def location(self, md):
        return None


def _ref(name: str):
    return re.compile("@" + re.escape(quote_name(name)) + r"(?![-\w.$\"])")


_NAMED_TYPE = re.compile(r'^(%(?:"(?:[^"\\]|\\.)*"|[-a-zA-Z$._0-9]+)) = type (.*)$', re.M)
_GLOBAL_LINE = re.compile(r'^@("[^"]*"|[-\w.$]+)\s*=.*$', re.M)


# a global with more scalar fields than this has no context shadow
MAX_LEAVES = 4096


def scalar_leaves(t: Type, off: int, out: List[Tuple[int, str]]) -> bool:
    """Scalar fields of ``t`` at byte offset ``off``: (offset, LLVM type); False when there
    are more than ``MAX_LEAVES`` or a field has no scalar reading."""
    if len(out) > MAX_LEAVES:
        return False
    if isinstance(t, FloatType) and t.bits in (32, 64):
        out.append((off, str(t)))
        return True
    if t.is_pointer:
        out.append((off, "ptr"))
        return True
    if isinstance(t, IntType):
        return True          # copied with the rest of the bytes
    if isinstance(t, StructType):
        return all(scalar_leaves(e, off + member_offset(t, k), out)
                   for k, e in enumerate(t.elements))
    if isinstance(t, ArrayType):
        if not contains_float(t.element) and not contains_pointer(t.element):
            return True
        step = alloc_size(t.element)
        return all(scalar_leaves(t.element, off + k * step, out) for k in range(t.count))
    return False             # vectors, x86_fp80, …: not read field by field here


def only_floats(t: Type) -> bool:
    if isinstance(t, (StructType,)):
        return all(only_floats(e) for e in t.elements)
    if isinstance(t, (ArrayType, VectorType)):
        return only_floats(t.element)
    return isinstance(t, FloatType)


def shadowable(t: Type) -> bool:
    """Can a context shadow a global of type ``t``?"""
    if not (contains_float(t) or contains_pointer(t)):
        return False
    return only_floats(t) or scalar_leaves(t, 0, [])


def module_globals(text: str) -> dict:
    """``{name: (value type text, parsed type, is constant)}`` of the global variables of
    module ``text`` that another module can refer to (not private or internal)."""
    bodies = {m.group(1): m.group(2) for m in _NAMED_TYPE.finditer(text)}
    out = {}
    for m in _GLOBAL_LINE.finditer(text):
        t = _global_type(bodies, m.group(0))
        if t is not None and not re.match(r"^@\S+\s*=\s*(private|internal)\b", m.group(0)):
            out[m.group(1).strip('"')] = t
    return out


def header_types(module: Module) -> dict:
    """The named struct types of ``module`` (its header lines): token → body text."""
    bodies = {}
    for h in module.header:
        d = _NAMED_TYPE.match(h)
        if d:
            bodies[d.group(1)] = d.group(2)
    return bodies


def global_type(bodies, line: str):
    """The public name of ``_global_type``."""
    return _global_type(bodies, line)


def _global_type(bodies, line: str):
    """(value type text, parsed type, is constant) of a global variable's line, or None for
    an alias or ifunc."""
    m = re.match(r'^@(?:"[^"]*"|[-\w.$]+)\s*=\s*((?:[\w()",.]+\s+)*?)(global|constant)\s+(.*)$',
                 line)
    if not m:
        return None
    rest = m.group(3)
    with named_types(bodies):
        tk = Tokens(rest)
        start = tk.i
        ty = parse_type(tk)
        text = tk.span(start, tk.i)
    return text, ty, m.group(2) == "constant"


def drop_hints(fn: Function) -> None:
    """Calls of Enzyme's hint functions (``__enzyme_set_fixed_point``: a loop converges;
    zymase differentiates every iteration, which is what the hint promises to equal)."""
    for b in fn.blocks:
        for i in list(b.instructions):
            if i.opcode == "call" and (i.callee_name or "").startswith(HINTS):
                i.erase()


_DERIVE = ("getelementptr", "select", "phi", "bitcast", "addrspacecast", "freeze")


def _accesses(fn: Function, pat) -> Tuple[bool, bool, bool]:
    """(written, a float stored, a pointer loaded) for the global ``pat`` matches, through
    every pointer derived from it (GEPs, selects, phis, casts): stored through or into
    memory, passed to a call, or turned into an integer counts as written."""
    derived = set()
    written = floats = pointers = False
    changed = True
    while changed:
        changed = False
        for i in fn.instructions():
            for k, v in enumerate(i.operands):
                if isinstance(v, Constant):
                    if v.type == METADATA or not pat.search(v.text):
                        continue
                elif v not in derived:
                    continue
                if i.opcode in _DERIVE:
                    if i not in derived:
                        derived.add(i)
                        changed = True
                elif i.opcode == "store":
                    written = True
                    floats |= k == 1 and contains_float(i.operands[0].type)
                elif i.opcode == "load":
                    pointers |= contains_pointer(i.type)
                elif i.opcode in ("call", "invoke"):
                    written |= not (i.callee_name or "").startswith(_NO_ACCESS)
                elif i.opcode in ("ptrtoint", "cmpxchg", "atomicrmw") or i.template is not None:
                    written = True
    return written, floats, pointers


def thread_globals(module: Module, fn: Function,
                   context: bool = False) -> List[Tuple[str, str, int]]:
    """Rewrite ``fn`` so each mutable global it writes is a parameter (see the module
    docstring); returns ``(global name, value type text, size in bytes)`` per new
    parameter, in order.  With ``context`` (Enzyme's ``enzyme_context``: the shadows live
    in a context the program reads, ``c_context.py``), every mutable global the function
    uses whose type holds floats or pointers is a parameter, read or written."""
    info = {}
    bodies = header_types(module)
    for name, line in module.globals.items():
        if name.startswith(("llvm.", "enzyme_", "__enzyme")):
            continue
        t = _global_type(bodies, line)
        if t is not None and not t[2]:
            info[name] = t
    text = "\n".join(v.text for i in fn.instructions() for v in i.operands
                     if isinstance(v, Constant))
    pats = {g: _ref(g) for g in info if _ref(g).search(text)}
    chosen = []
    for g, pat in pats.items():
        written, floats, pointers = _accesses(fn, pat)
        if context:
            if shadowable(info[g][1]):
                chosen.append(g)
            elif written and (contains_float(info[g][1]) or floats):
                raise UnsupportedError(f"error: @{fn.name} writes the global @{g}, whose "
                                       f"type an Enzyme context cannot shadow")
        elif written and (contains_float(info[g][1]) or floats):
            if pointers:
                # a pointer the program put there: its implicit shadow would be null
                raise UnsupportedError(
                    f"error: zymase cannot differentiate @{fn.name}: it writes the global "
                    f"@{g} and reads a pointer from it, whose shadow an implicit (zeroed) "
                    f"shadow of @{g} cannot know\n  = help: keep the shadows in an Enzyme "
                    f"context (__enzyme_context, enzyme_context), which gives pointers "
                    f"held in globals the shadows of their targets")
            chosen.append(g)
    if not chosen:
        return []
    where = f"@{fn.name}"
    if fn.vararg:
        raise UnsupportedError(f"error: {where} writes the global @{chosen[0]} and takes "
                               f"variable arguments: zymase cannot give the global a shadow")
    for other in module.defined():
        if other is fn:
            continue
        for g in chosen:
            if any(pats[g].search(v.text) for i in other.instructions() for v in i.operands
                   if isinstance(v, Constant)):
                raise UnsupportedError(
                    f"error: zymase cannot differentiate {where}: it writes the global @{g}, "
                    f"which @{other.name} (kept out of line: recursive, inactive or "
                    f"protected) also uses; the global's shadow would not reach it")
    for i in fn.instructions():
        if i.opcode == "call" and i.callee_name == fn.name:
            raise UnsupportedError(f"error: zymase cannot differentiate {where}: it writes "
                                   f"the global @{chosen[0]} and calls itself")
    params = {}
    for g in chosen:
        a = Argument(PTR, f"zymase.global.{len(fn.args)}")
        a.function, a.index = fn, len(fn.args)
        fn.args.append(a)
        params[g] = a
    _replace(fn, {g: pats[g] for g in chosen}, params)
    # the type spelled out (named struct types are renamed when modules are linked)
    return [(g, str(info[g][1]), alloc_size(info[g][1])) for g in chosen]


def _replace(fn: Function, pats, params) -> None:
    from ..ir.function_parser import FunctionParser
    made = {}
    count = [0]

    def materialise(c: Constant):
        if c.text in made:
            return made[c.text]
        m = re.match(r"^(\w+)((?:\s+(?:inbounds|nuw|nusw|nsw|inrange\([^)]*\)))*)\s*\((.*)\)$",
                     c.text.strip(), re.S)
        if not m:
            raise UnsupportedError(f"error: zymase cannot differentiate @{fn.name}: the "
                                   f"constant `{c.text[:100]}` holds a global the function "
                                   f"writes (it would need a shadow there)")
        flags = re.sub(r"inrange\([^)]*\)", "", m.group(2)).split()
        body = m.group(3)
        op = m.group(1)
        if op in ("ptrtoint", "inttoptr", "bitcast", "addrspacecast", "trunc"):
            src, dst = body.rsplit(" to ", 1)
            line = f"{op} {src} to {dst}"
        else:
            line = " ".join([op] + flags) + " " + body
        for g, pat in pats.items():
            line = pat.sub("%" + params[g].name, line)
        count[0] += 1
        line = f"%zymase.g{count[0]} = {line}"
        inst = FunctionParser(_NoMetadata(), fn).instruction(line)
        inst.name = None
        fn.entry.insert(0, inst)
        made[c.text] = inst
        fix(inst)
        return inst

    def fix(i):
        for k, v in enumerate(i.operands):
            if not isinstance(v, Constant) or v.type == METADATA:
                continue
            hit = [g for g, pat in pats.items() if pat.search(v.text)]
            if not hit:
                continue
            if isinstance(v, GlobalRef) and v.name in params:
                i.operands[k] = params[v.name]
            else:
                i.operands[k] = materialise(v)

    for i in list(fn.instructions()):
        fix(i)

"""Tokens and types of LLVM IR text: what every other part of the reader consumes.

``Tokens`` splits one entity (an instruction line, a function header) with a single regular
expression into (kind, text, start, end) tuples; whitespace and comments are dropped.  The
offsets are kept because several readers take *spans* of the original text verbatim rather
than re-printing tokens (constant expressions, parameter attributes, opaque instructions):
LLVM's spelling of those is the only one guaranteed to read back.

``parse_type`` is a recursive-descent reader of the type grammar.  A type followed by ``(``
is tentatively read as a function type (``T (A, B, ...)`` appears in varargs call sites); when
that fails the cursor is restored and the plain type stands, so a call's argument list is
never mistaken for a signature.
"""
from __future__ import annotations

import contextlib
import re
import threading
from typing import Dict, List, Tuple

from .types import (LABEL, METADATA, TOKEN, VOID, ArrayType, FloatType, FunctionType, IntType,
                    PointerType, StructType, Type, VectorType)


class ParseError(Exception):
    pass


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>;[^\n]*)
  | (?P<local>%(?:"(?:[^"\\]|\\.)*"|[-a-zA-Z$._0-9]+))
  | (?P<global>@(?:"(?:[^"\\]|\\.)*"|[-a-zA-Z$._0-9]+))
  | (?P<meta>!(?:"(?:[^"\\]|\\.)*"|[-a-zA-Z$._0-9]+)|!)
  | (?P<attr>\#[a-zA-Z_0-9]+)
  | (?P<cstr>c"[^"]*")
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<hex>[us]?0x[0-9A-Fa-fKLMHR][0-9A-Fa-f]*)
  | (?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_$.][-A-Za-z_$.0-9]*)
  | (?P<punct>\.\.\.|[=,()\[\]{}<>*:|])
""", re.X)

_FLOAT_KINDS = {"half", "bfloat", "float", "double", "x86_fp80", "fp128"}


def unquote(tok: str) -> str:
    """The name of a ``%local`` / ``@global`` token, without its sigil (and quotes, with
    ``\\XX`` escapes decoded)."""
    body = tok[1:]
    if body.startswith('"'):
        body = body[1:-1]
        body = re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), body)
    return body


class Tokens:
    """A cursor over the tokens of one piece of IR text."""

    def __init__(self, text: str):
        self.text = text
        self.toks: List[Tuple[str, str, int, int]] = []
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup
            if kind in ("ws", "comment"):
                continue
            self.toks.append((kind, m.group(), m.start(), m.end()))
        self.i = 0

    def peek(self, k=0):
        j = self.i + k
        return self.toks[j][1] if j < len(self.toks) else None

    def kind(self, k=0):
        j = self.i + k
        return self.toks[j][0] if j < len(self.toks) else None

    def next(self):
        t = self.toks[self.i][1]
        self.i += 1
        return t

    def expect(self, s):
        t = self.next()
        if t != s:
            raise ParseError(f"expected {s!r}, found {t!r} in: {self.text.strip()}")
        return t

    def accept(self, s):
        if self.peek() == s:
            self.i += 1
            return True
        return False

    def done(self):
        return self.i >= len(self.toks)

    def pos(self):
        return self.toks[self.i][2] if self.i < len(self.toks) else len(self.text)

    def span(self, a, b):
        end = self.toks[b - 1][3]
        return self.text[self.toks[a][2]:end]

    def skip_balanced(self):
        """Skip one token or a bracketed group starting at the current token."""
        opening = {"(": ")", "[": "]", "{": "}", "<": ">"}
        t = self.next()
        if t in opening:
            depth = 1
            while depth:
                u = self.next()
                if u in opening:
                    depth += 1
                elif u in (")", "]", "}", ">"):
                    depth -= 1


# identified struct types (``%struct.V = type { ptr, i64 }``) of the module being read: each
# is read as its literal body, so the model only ever sees structural types (LLVM accepts a
# literal struct wherever the names were; globals, kept verbatim, keep the names, whose
# definitions stay in the module's header)
_named = threading.local()


@contextlib.contextmanager
def named_types(bodies: Dict[str, str]):
    """Resolve ``%name`` types from ``bodies`` (token → the text after ``type``) while
    reading one module."""
    old = getattr(_named, "table", None)
    _named.table = {"bodies": bodies, "types": {}}
    try:
        yield
    finally:
        _named.table = old


def _named_type(tok: str) -> Type:
    table = getattr(_named, "table", None)
    if table is None or tok not in table["bodies"]:
        raise ParseError(f"unknown type {tok!r}")
    types = table["types"]
    if tok not in types:
        body = table["bodies"][tok].strip()
        if body == "opaque":
            raise ParseError(f"a value of the opaque type {tok}")
        types[tok] = None            # (with opaque pointers no struct contains itself)
        types[tok] = parse_type(Tokens(body))
    if types[tok] is None:
        raise ParseError(f"the type {tok} contains itself")
    return types[tok]


def _is_named_type(tok) -> bool:
    table = getattr(_named, "table", None)
    return table is not None and tok in table["bodies"]


def _struct_elements(tk: Tokens) -> tuple:
    """The element types of ``{ T, T, ... }`` after its ``{``, through its ``}``."""
    elems = []
    if not tk.accept("}"):
        while True:
            elems.append(parse_type(tk))
            if tk.accept("}"):
                break
            tk.expect(",")
    return tuple(elems)


def parse_type(tk: Tokens) -> Type:
    t = tk.next()
    if t == "{":
        ty = StructType(_struct_elements(tk))
    elif t == "<" and tk.peek() == "{":
        tk.next()
        ty = StructType(_struct_elements(tk), packed=True)
        tk.expect(">")
    elif t == "[":
        n = int(tk.next())
        tk.expect("x")
        el = parse_type(tk)
        tk.expect("]")
        ty = ArrayType(n, el)
    elif t == "<":
        n = int(tk.next())
        tk.expect("x")
        el = parse_type(tk)
        tk.expect(">")
        ty = VectorType(n, el)
    elif re.fullmatch(r"i\d+", t):
        ty = IntType(int(t[1:]))
    elif t in _FLOAT_KINDS:
        ty = FloatType(t)
    elif t == "ptr":
        if tk.peek() == "addrspace":
            tk.next(); tk.expect("(")
            n = int(tk.next()); tk.expect(")")
            ty = PointerType(n)
        else:
            ty = PointerType()
    elif t == "void":
        ty = VOID
    elif t == "label":
        ty = LABEL
    elif t == "metadata":
        ty = METADATA
    elif t == "token":
        ty = TOKEN
    elif _is_named_type(t):
        ty = _named_type(t)
    else:
        raise ParseError(f"unknown type {t!r} in: {tk.text.strip()}")
    # function type (only in varargs call sites and declarations of pointers to functions)
    if tk.peek() == "(" and tk.kind(1) != "local":
        save = tk.i
        try:
            tk.next()
            params, vararg = [], False
            if not tk.accept(")"):
                while True:
                    if tk.accept("..."):
                        vararg = True
                    else:
                        params.append(parse_type(tk))
                    if tk.accept(")"):
                        break
                    tk.expect(",")
            return FunctionType(ty, tuple(params), vararg)
        except (ParseError, IndexError, ValueError):
            tk.i = save
    return ty


def is_type_start(tk: Tokens) -> bool:
    t = tk.peek()
    if t is None:
        return False
    return (t in ("{", "[", "<", "ptr", "void", "label", "metadata", "token") or t in _FLOAT_KINDS
            or re.fullmatch(r"i\d+", t) is not None or _is_named_type(t))

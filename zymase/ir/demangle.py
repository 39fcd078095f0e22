"""Readable names of mangled symbols, for messages: Rust (v0 and legacy) and C++ (Itanium).

Best effort, never an error: ``demangle`` returns the qualified path without generic
arguments or parameter types, and the symbol itself when it cannot read it.

    _RNvNtCs1234_4core9panicking18panic_bounds_check  →  core::panicking::panic_bounds_check
    _ZNSt13runtime_errorC1EPKc                         →  std::runtime_error::runtime_error
"""
from __future__ import annotations

import re


def demangle(name: str) -> str:
    """A readable form of a Rust (v0 or legacy) or C++ symbol, best effort:
    ``_RNvNtCs…_4core9panicking18panic_bounds_check`` → ``core::panicking::panic_bounds_check``."""
    if name.startswith("_R"):
        try:
            return _V0(name).symbol()
        except (IndexError, ValueError):
            pass
    if name.startswith("_Z"):
        return _itanium(name)
    return name


def _itanium(name: str) -> str:
    """The qualified name of an Itanium-mangled (C++) symbol, without its parameter types:
    ``_ZNSt13runtime_errorC1EPKc`` → ``std::runtime_error::runtime_error``."""
    s, i, parts = name, 2, []

    def source_name():
        nonlocal i
        m = re.match(r"[0-9]+", s[i:])
        if m is None:
            raise ValueError(s[i:])
        n = int(m.group())
        i += len(m.group())
        out = s[i:i + n]
        i += n
        return out

    def skip_template_args():
        nonlocal i
        depth = 0
        while i < len(s):
            c = s[i]
            i += 1
            if c == "I":
                depth += 1
            elif c == "E":
                depth -= 1
                if depth == 0:
                    return
            elif c.isdigit():
                i -= 1
                source_name()
        raise ValueError(s)

    try:
        if s[i:i + 2] == "St":
            parts.append("std")
            i += 2
        if s[i] == "N":
            i += 1
            while i < len(s) and s[i] in "rVKRO":
                i += 1
            while s[i] != "E":
                if s[i:i + 2] == "St":
                    parts.append("std")
                    i += 2
                elif s[i].isdigit():
                    parts.append(source_name())
                elif s[i] == "C" and s[i + 1] in "123":
                    parts.append(parts[-1])
                    i += 2
                elif s[i] == "D" and s[i + 1] in "012":
                    parts.append("~" + parts[-1])
                    i += 2
                elif s[i] == "I":
                    skip_template_args()
                    parts[-1] += "<…>"
                else:
                    break
        else:
            parts.append(source_name())
    except (IndexError, ValueError):
        pass
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()               # Rust's legacy mangling ends in a hash
    return "::".join(parts) if parts else name


class _V0:
    """Rust's v0 mangling (RFC 2603), the paths and types a message needs; generic arguments
    print as ``<…>`` and the instantiating crate is dropped."""

    def __init__(self, s: str):
        self.s, self.i = s, 2

    def peek(self):
        return self.s[self.i] if self.i < len(self.s) else ""

    def take(self):
        c = self.s[self.i]
        self.i += 1
        return c

    def base62(self) -> int:
        if self.peek() == "_":
            self.i += 1
            return 0
        n = 0
        while self.peek() != "_":
            c = self.take()
            n = n * 62 + (int(c) if c.isdigit() else ord(c) - 87 if c.islower()
                          else ord(c) - 29)
        self.i += 1
        return n + 1

    def ident(self) -> str:
        if self.peek() == "s":
            self.i += 1
            self.base62()
        if self.peek() == "u":
            self.i += 1
        m = re.match(r"[0-9]+", self.s[self.i:])
        n = int(m.group())
        self.i += len(m.group())
        if self.peek() == "_":
            self.i += 1
        out = self.s[self.i:self.i + n]
        self.i += n
        return out

    def backref(self, parse):
        self.i += 1
        pos = self.base62()               # an offset from the first character after "_R"
        saved, self.i = self.i, pos + 2
        try:
            return parse()
        finally:
            self.i = saved

    def symbol(self) -> str:
        if self.peek().isdigit():
            self.base62()                 # a vendor-specific encoding version
        return self.path()

    def path(self) -> str:
        c = self.take()
        if c == "C":
            return self.ident()
        if c == "N":
            self.take()                   # namespace tag
            parent = self.path()
            name = self.ident()
            return f"{parent}::{name}" if name else parent
        if c == "M":
            self.impl_prefix()
            return f"<{self.type()}>"
        if c == "X":
            self.impl_prefix()
            t = self.type()
            return f"<{t} as {self.path()}>"
        if c == "Y":
            t = self.type()
            return f"<{t} as {self.path()}>"
        if c == "I":
            p = self.path()
            while self.peek() != "E":
                self.generic_arg()
            self.i += 1
            return f"{p}::<…>"
        if c == "B":
            self.i -= 1
            return self.backref(self.path)
        raise ValueError(c)

    def impl_prefix(self):
        if self.peek() == "s":
            self.i += 1
            self.base62()
        self.path()

    def generic_arg(self):
        if self.peek() == "L":
            self.i += 1
            self.base62()
        elif self.peek() == "K":
            self.i += 1
            self.const()
        else:
            self.type()

    def const(self):
        if self.peek() == "B":
            return self.backref(self.const)
        t = self.take()
        if t == "p":
            return
        if self.peek() == "n":
            self.i += 1
        while self.take() != "_":
            pass

    _BASIC = {"a": "i8", "b": "bool", "c": "char", "d": "f64", "e": "str", "f": "f32",
              "h": "u8", "i": "isize", "j": "usize", "l": "i32", "m": "u32", "n": "i128",
              "o": "u128", "s": "i16", "t": "u16", "u": "()", "v": "...", "x": "i64",
              "y": "u64", "z": "!", "p": "_"}

    def type(self) -> str:
        c = self.peek()
        if c in self._BASIC:
            self.i += 1
            return self._BASIC[c]
        if c in "RQ":
            self.i += 1
            if self.peek() == "L":
                self.i += 1
                self.base62()
            return ("&" if c == "R" else "&mut ") + self.type()
        if c in "PO":
            self.i += 1
            return ("*const " if c == "P" else "*mut ") + self.type()
        if c == "A":
            self.i += 1
            t = self.type()
            self.const()
            return f"[{t}; _]"
        if c == "S":
            self.i += 1
            return f"[{self.type()}]"
        if c == "T":
            self.i += 1
            out = []
            while self.peek() != "E":
                out.append(self.type())
            self.i += 1
            return "(" + ", ".join(out) + ")"
        if c == "B":
            return self.backref(self.type)
        if c in "FD":
            raise ValueError(c)           # fn pointers and trait objects: not in messages
        return self.path()

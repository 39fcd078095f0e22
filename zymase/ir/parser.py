"""Read LLVM IR text (as printed by LLVM 22 through llvmlite) into the IR model.

Algorithm: the text is split into top-level entities (header lines, globals, declarations,
definitions, attribute groups, metadata).  Globals, attribute groups and header lines are
kept as text; declarations and definitions are read into ``Function`` objects (headers here,
bodies by ``function_parser.FunctionParser``, tokens and types by ``lexer``).

Metadata: every ``!N = ...`` line is indexed first, because instructions refer to nodes
defined after the function.  The module keeps no metadata by default (it is not printed
back: the derivative is a new function, and stale scopes would not verify); only nodes that
a ``metadata`` call operand names are copied in, with everything they reference, so that
every operand stays defined.  Debug metadata is otherwise read only to give each instruction
a ``loc`` = (file, line), cached per ``!dbg`` node.

``ParseError`` and ``parse_type`` are re-exported here: this module is the reader's face.
"""
from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

from .function_parser import FunctionParser
from .lexer import ParseError, Tokens, is_type_start, parse_type, unquote
from .types import FunctionType
from .values import Argument, Function, Module

__all__ = ["ModuleParser", "ParseError", "parse_module", "parse_type"]


class ModuleParser:
    """One module's text → ``Module`` (``parse()``); also the metadata service its
    ``FunctionParser`` s call back into."""

    def __init__(self, text: str):
        self.text = text
        self.module = Module()
        self.md_lines: Dict[str, str] = {}
        self._loc_cache: Dict[str, Optional[Tuple[str, int]]] = {}

    def keep_metadata(self, text: str) -> None:
        """Keep the metadata nodes ``text`` refers to (and theirs) in the module, which
        otherwise keeps none: attachments are dropped, but operands must stay defined."""
        work = re.findall(r"![0-9]+", text)
        md = self.module.metadata
        while work:
            k = work.pop()
            if k in md or k not in self.md_lines:
                continue
            md[k] = f"{k} = {self.md_lines[k]}"
            work += re.findall(r"![0-9]+", self.md_lines[k])

    # -- debug locations --------------------------------------------------------------
    def _md_field(self, text: str, field: str) -> Optional[str]:
        m = re.search(r"\b" + field + r':\s*("(?:[^"\\]|\\.)*"|![0-9]+|[-\w.]+)', text)
        return m.group(1) if m else None

    def location(self, md: str) -> Optional[Tuple[str, int]]:
        if md in self._loc_cache:
            return self._loc_cache[md]
        res = None
        text = self.md_lines.get(md, "")
        if "DILocation" in text:
            line = self._md_field(text, "line")
            scope = self._md_field(text, "scope")
            fname = self._file_of(scope)
            if line is not None:
                res = (fname or "<unknown>", int(line))
        self._loc_cache[md] = res
        return res

    def _file_of(self, scope: Optional[str], depth=0) -> Optional[str]:
        if scope is None or depth > 20:
            return None
        text = self.md_lines.get(scope, "")
        f = self._md_field(text, "file")
        if f is not None and f.startswith("!"):
            ftext = self.md_lines.get(f, "")
            name = self._md_field(ftext, "filename")
            dirn = self._md_field(ftext, "directory")
            if name:
                name = name.strip('"')
                if dirn and not name.startswith("/") and dirn.strip('"'):
                    return dirn.strip('"') + "/" + name
                return name
        return self._file_of(self._md_field(text, "scope"), depth + 1)

    # -- top level --------------------------------------------------------------------
    def parse(self) -> Module:
        lines = self.text.splitlines()
        for ln in lines:
            m = re.match(r"^(![0-9]+)\s*=\s*(.*)$", ln)
            if m:
                self.md_lines[m.group(1)] = m.group(2)
        i = 0
        mod = self.module
        while i < len(lines):
            line = lines[i]
            s = line.strip()
            if not s or s.startswith(";") or s.startswith("!"):
                i += 1
                continue
            if s.startswith("source_filename") or s.startswith("target "):
                mod.header.append(s)
            elif s.startswith("@"):
                name = unquote(Tokens(s).next())
                mod.globals[name] = s
            elif s.startswith("attributes #"):
                mod.attribute_groups[s.split()[1]] = s
            elif s.startswith("declare"):
                mod.add_function(self._header(s, declaration=True))
            elif s.startswith("define"):
                fn = self._header(s, declaration=False)
                j = i + 1
                body = []
                while lines[j].strip() != "}":
                    body.append(lines[j])
                    j += 1
                FunctionParser(self, fn).body(body)
                mod.add_function(fn)
                i = j
            elif s.startswith("$") or s.startswith("module asm"):
                mod.header.append(s)
            else:
                raise ParseError(f"unexpected top-level line: {s[:120]}")
            i += 1
        return mod

    def _header(self, s: str, declaration: bool) -> Function:
        tk = Tokens(s.rstrip("{").rstrip())
        tk.next()  # define/declare
        pre = []
        while not is_type_start(tk):
            w = tk.next()
            if tk.peek() == "(":
                st = tk.i
                tk.skip_balanced()
                w += tk.span(st, tk.i)
            pre.append(w)
        rty = parse_type(tk)
        if isinstance(rty, FunctionType):  # `T (…)` never appears in a header: undo
            raise ParseError(f"unexpected function type in header: {s[:120]}")
        name = unquote(tk.next())
        tk.expect("(")
        args, vararg = [], False
        if not tk.accept(")"):
            while True:
                if tk.accept("..."):
                    vararg = True
                else:
                    ty = parse_type(tk)
                    start = tk.i
                    while tk.kind() == "word":
                        w = tk.next()
                        if tk.peek() == "(":
                            tk.skip_balanced()
                        elif w in ("align", "dereferenceable", "dereferenceable_or_null"):
                            tk.next()
                    attrs = tk.span(start, tk.i) if tk.i > start else ""
                    an = unquote(tk.next()) if tk.kind() == "local" else None
                    args.append(Argument(ty, an, attrs))
                if tk.accept(")"):
                    break
                tk.expect(",")
        fn = Function(name, rty, args, vararg)
        # linkage words vs return attributes: keep them together, verbatim
        fn.linkage = " ".join(pre)
        rest = []
        while not tk.done():
            t = tk.next()
            if t == "!dbg":
                fn.subprogram = tk.next()
                continue
            if t.startswith("!"):
                tk.next() if not tk.done() else None
                continue
            rest.append(t)
        fn.attrs = " ".join(rest)
        fn.is_declaration = declaration
        return fn


_TYPE_DEF = re.compile(r'^(%(?:"[^"]*"|[-\w.$]+)) = type (.*)$', re.M)
_LOCAL_NAME = r'%(?:"[^"]*"|[-\w.$]+)'


def inline_named_types(text: str) -> str:
    """Replace identified struct types (clang's ``%struct.Body``, rustc's
    ``%"core::fmt::Arguments"``) by their literal bodies and drop their definitions.

    The IR model has structural types only.  With opaque pointers an identified type can no
    longer contain itself, so the substitution terminates; it changes no layout (an
    identified and a literal struct with the same body are laid out alike), and a ``packed``
    body keeps its ``<{ }>`` spelling.  An opaque type (``type opaque``) has no body and is
    never loaded, stored or allocated in valid IR; it stays a named reference, which the
    reader then refuses by name if it is used."""
    defs = {m.group(1): m.group(2).strip() for m in _TYPE_DEF.finditer(text)}
    if not defs:
        return text
    pattern = re.compile(_LOCAL_NAME + r"(?![-\w.$])")
    resolved: dict = {}

    def resolve(name: str, depth: int = 0) -> str:
        if name in resolved:
            return resolved[name]
        body = defs[name]
        if body == "opaque" or depth > 64:
            return name
        out = pattern.sub(lambda m: resolve(m.group(0), depth + 1)
                          if m.group(0) in defs else m.group(0), body)
        resolved[name] = out
        return out

    for name in defs:
        resolve(name)
    body = _TYPE_DEF.sub(lambda m: "" if m.group(2).strip() != "opaque" else m.group(0), text)

    def sub(m):
        name = m.group(0)
        if name in resolved and resolved[name] != name:
            # a local value that happens to share a type's name is followed by ` =` or used
            # as an operand after a type; a type reference is what the definition named
            return resolved[name]
        return name

    out = []
    for line in body.split("\n"):
        if "%" in line and not line.lstrip().startswith((";", "!")):
            line = pattern.sub(sub, line)
        out.append(line)
    return "\n".join(out)


def parse_module(text: str) -> Module:
    try:
        return ModuleParser(inline_named_types(text)).parse()
    except (IndexError, ValueError, KeyError) as e:
        raise ParseError(f"malformed LLVM IR ({type(e).__name__}: {e})") from None

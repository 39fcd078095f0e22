"""Read LLVM IR text (as printed by LLVM 22 through llvmlite) into the IR model.

Algorithm: the text is split into top-level entities (header lines, globals, declarations,
definitions, attribute groups, metadata).  Globals, attribute groups and header lines are
kept as text; declarations and definitions are read into ``Function`` objects (headers here,
bodies by ``function_parser.FunctionParser``, tokens and types by ``lexer``).

Identified struct types (``%struct.V = type {...}``) are read as their literal bodies
(``lexer.named_types``) and their definitions kept in the header for the verbatim globals.

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
from .lexer import ParseError, Tokens, is_type_start, named_types, parse_type, unquote
from .types import FunctionType
from .values import Argument, Function, Module


def _package_dir(name: str) -> str:
    """The directory of installed package ``name`` (with a trailing slash), found without
    importing it; a string no path starts with when it is not installed."""
    import importlib.util
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return "\0"
    return list(spec.submodule_search_locations)[0].rstrip("/") + "/"


_NUMBA_DIR = _package_dir("numba")

def _demangle(symbol: str) -> Optional[str]:
    """``_ZN8__main__5innerB2v3B38...E5Array...`` -> ``inner``: the last identifier of a
    Numba symbol's nested name (before its ABI tags), None for Numba's own functions."""
    parts, i = [], 3
    while i < len(symbol) and symbol[i].isdigit():
        j = i
        while j < len(symbol) and symbol[j].isdigit():
            j += 1
        n = int(symbol[i:j])
        parts.append(symbol[j:j + n])
        i = j + n
    if not parts or parts[0] == "numba":
        return None
    # Numba escapes `<` `>` `.` in qualified names (`_3clocals_3e`): keep the last part
    return parts[-1].replace("_3c", "<").replace("_3e", ">")


__all__ = ["ModuleParser", "ParseError", "parse_module", "parse_type"]


class ModuleParser:
    """One module's text → ``Module`` (``parse()``); also the metadata service its
    ``FunctionParser`` s call back into."""

    def __init__(self, text: str):
        self.text = text
        self.module = Module()
        self.md_lines: Dict[str, str] = {}
        self._loc_cache: Dict[str, Optional[Tuple[str, int]]] = {}
        self._chain_cache: Dict[str, Tuple[str, ...]] = {}

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
            outer = self._md_field(text, "inlinedAt")
            if outer is not None and fname and fname.startswith(_NUMBA_DIR) and outer != md:
                # Numba's own implementation (typed.List, a ufunc loop) inlined into the
                # user's code: the user's line that called it says more
                res = self.location(outer) or res
        self._loc_cache[md] = res
        return res

    def inline_chain(self, md: str) -> Tuple[str, ...]:
        """The user functions inlined at an instruction, innermost first, read from the
        scoped-noalias list ``md`` (``!noalias`` / ``!alias.scope``) that LLVM's inliner
        attaches: each inlined Numba function adds the scopes of its ``noalias`` parameters
        (``retptr``, ``excinfo``), named after its mangled symbol.  Callees carry no line
        tables (the user compiled them), so their names are what an error can say about
        where inside the call the construct is.  Numba's own implementations (``numba.*``)
        are left out."""
        if md in self._chain_cache:
            return self._chain_cache[md]
        names = []
        for node in re.findall(r"![0-9]+", self.md_lines.get(md, "")):
            m = re.search(r'!"(_ZN[^":]*)', self.md_lines.get(node, ""))
            name = _demangle(m.group(1)) if m else None
            if name and name not in names:
                names.append(name)
        res = tuple(names)
        self._chain_cache[md] = res
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
        types = {}
        for ln in lines:
            m = re.match(r"^(![0-9]+)\s*=\s*(.*)$", ln)
            if m:
                self.md_lines[m.group(1)] = m.group(2)
            m = re.match(r'^(%(?:"(?:[^"\\]|\\.)*"|[-a-zA-Z$._0-9]+)) = type (.*)$', ln)
            if m:
                types[m.group(1)] = m.group(2)
        with named_types(types):
            return self._parse(lines)

    def _parse(self, lines) -> Module:
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
            elif s.startswith("$") or s.startswith("module asm") or s.startswith("%"):
                mod.header.append(s)    # comdats, inline asm, named struct types
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


def parse_module(text: str) -> Module:
    try:
        return ModuleParser(text).parse()
    except (IndexError, ValueError, KeyError) as e:
        raise ParseError(f"malformed LLVM IR ({type(e).__name__}: {e})") from None

"""Read LLVM IR text (as printed by LLVM 22 through llvmlite) into the IR model.

Algorithm: the text is split into top-level entities (header lines, globals, declarations,
definitions, attribute groups, metadata).  Each definition is parsed line by line; every
instruction line is tokenised and parsed by an opcode-specific routine into an
``Instruction``.  Operands that name local values are first recorded as ``_Ref`` placeholders
(a phi may use a value defined later) and resolved once the whole function is read.

Opcodes the model does not structure (atomics, vector shuffles, fences, …) are kept as
*templates*: the instruction text with every local operand replaced by ``{k}``.  They print
back exactly and the analyses treat them as opaque.

Debug metadata is read only to give each instruction a ``loc`` = (file, line); metadata is
not printed back (the derivative is a new function, and stale scopes would not verify).
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from .types import (LABEL, METADATA, PTR, TOKEN, VOID, ArrayType, FloatType, FunctionType, IntType,
                    PointerType, StructType, Type, VectorType)
from .values import (Argument, Block, Constant, Function, GlobalRef, Instruction, Module, Value)


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
_BINOPS = {"add", "sub", "mul", "udiv", "sdiv", "urem", "srem", "shl", "lshr", "ashr", "and", "or",
           "xor", "fadd", "fsub", "fmul", "fdiv", "frem"}
_CASTS = {"trunc", "zext", "sext", "fptrunc", "fpext", "fptoui", "fptosi", "uitofp", "sitofp",
          "ptrtoint", "inttoptr", "bitcast", "addrspacecast"}
_FLAG_WORDS = {"nuw", "nsw", "exact", "disjoint", "fast", "nnan", "ninf", "nsz", "arcp", "contract",
               "afn", "reassoc", "inbounds", "nusw", "nneg", "samesign", "volatile"}
_CONST_WORDS = {"true", "false", "null", "undef", "poison", "zeroinitializer", "none",
                "getelementptr", "bitcast", "ptrtoint", "inttoptr", "addrspacecast", "trunc",
                "sub", "add", "mul", "shl", "xor", "blockaddress", "dso_local_equivalent",
                "no_cfi", "splat", "icmp", "select", "extractelement"}


def _unquote(tok: str) -> str:
    body = tok[1:]
    if body.startswith('"'):
        body = body[1:-1]
        body = re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), body)
    return body


class _Ref(Value):
    """Placeholder for a local value named before it is defined."""
    __slots__ = ()


class _Tokens:
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


def parse_type(tk: _Tokens) -> Type:
    t = tk.next()
    if t == "{":
        elems = []
        if not tk.accept("}"):
            while True:
                elems.append(parse_type(tk))
                if tk.accept("}"):
                    break
                tk.expect(",")
        ty = StructType(tuple(elems))
    elif t == "<" and tk.peek() == "{":
        tk.next()
        elems = []
        if not tk.accept("}"):
            while True:
                elems.append(parse_type(tk))
                if tk.accept("}"):
                    break
                tk.expect(",")
        tk.expect(">")
        ty = StructType(tuple(elems), packed=True)
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


def _is_type_start(tk: _Tokens) -> bool:
    t = tk.peek()
    if t is None:
        return False
    return (t in ("{", "[", "<", "ptr", "void", "label", "metadata", "token") or t in _FLOAT_KINDS
            or re.fullmatch(r"i\d+", t) is not None)


class FunctionParser:
    def __init__(self, module_parser: "ModuleParser", fn: Function):
        self.mp = module_parser
        self.fn = fn
        self.locals: Dict[str, Value] = {a.name: a for a in fn.args if a.name is not None}
        self.refs: Dict[str, _Ref] = {}
        self.blocks: Dict[str, Block] = {}

    # -- operands ---------------------------------------------------------------------
    def block(self, name: str) -> Block:
        if name not in self.blocks:
            b = Block(name)
            b.function = self.fn
            self.blocks[name] = b
        return self.blocks[name]

    def local(self, name: str, ty: Type) -> Value:
        if name in self.locals:
            return self.locals[name]
        r = self.refs.get(name)
        if r is None:
            r = self.refs[name] = _Ref(ty, name)
        return r

    def value(self, tk: _Tokens, ty: Type) -> Value:
        kind, t = tk.kind(), tk.peek()
        if kind == "local":
            tk.next()
            return self.local(_unquote(t), ty)
        if kind == "global":
            tk.next()
            return GlobalRef(_unquote(t), ty)
        start = tk.i
        tk.skip_balanced()
        # constant expressions: `getelementptr inbounds (…)`, `splat (…)`
        while tk.peek() in ("(",) or (tk.kind() == "word" and tk.toks[tk.i - 1][1] in _CONST_WORDS
                                      and tk.peek() in ("inbounds", "nuw", "nusw")):
            tk.skip_balanced()
        return Constant(ty, tk.span(start, tk.i))

    def metadata_operand(self, tk: _Tokens) -> Value:
        """A ``metadata`` call argument (``!5``, ``!{…}``, ``!"text"``), kept verbatim: the
        module's metadata is kept as text, so a reference to a node stays valid."""
        start = tk.i
        depth = 0
        while not tk.done():
            t = tk.peek()
            if depth == 0 and t in (",", ")"):
                break
            if t in ("(", "[", "{", "<"):
                depth += 1
            elif t in (")", "]", "}", ">"):
                depth -= 1
            tk.next()
        if tk.i == start:
            raise ParseError(f"expected a metadata operand in: {tk.text.strip()}")
        text = tk.span(start, tk.i)
        self.mp.keep_metadata(text)
        return Constant(METADATA, text)

    def typed_value(self, tk: _Tokens) -> Value:
        ty = parse_type(tk)
        return self.value(tk, ty)

    def param_attrs(self, tk: _Tokens) -> str:
        """Skip parameter attributes between a type and its value; return them verbatim."""
        start = tk.i
        while tk.kind() == "word" and tk.peek() not in _CONST_WORDS:
            w = tk.next()
            if tk.peek() == "(":
                tk.skip_balanced()
            elif w in ("align", "dereferenceable", "dereferenceable_or_null") and tk.kind() == "num":
                tk.next()
        return tk.span(start, tk.i) if tk.i > start else ""

    # -- instructions -----------------------------------------------------------------
    def instruction(self, line: str) -> Instruction:
        tk = _Tokens(line)
        name = None
        if tk.kind() == "local" and tk.peek(1) == "=":
            name = _unquote(tk.next())
            tk.next()
        # trailing metadata attachments: `, !dbg !12`
        loc = None
        cut = len(tk.toks)
        j = 0
        while j < len(tk.toks):
            if tk.toks[j][1] == "," and j + 1 < len(tk.toks) and tk.toks[j + 1][0] == "meta" \
                    and tk.toks[j + 1][1] != "!":
                cut = j
                break
            j += 1
        meta = tk.toks[cut:]
        for k in range(len(meta) - 1):
            if meta[k][1] == "!dbg":
                loc = self.mp.location(meta[k + 1][1])
        tk.toks = tk.toks[:cut]
        op = tk.next()
        inst = self._parse_op(op, tk, line)
        inst.name = name
        inst.loc = loc
        if name is not None:
            self.locals[name] = inst
        return inst

    def _flags(self, tk: _Tokens) -> str:
        fl = []
        while tk.peek() in _FLAG_WORDS:
            fl.append(tk.next())
        return " ".join(fl)

    def _rest(self, tk: _Tokens) -> str:
        return tk.text[tk.pos():tk.toks[-1][3]] if not tk.done() else ""

    def _parse_op(self, op: str, tk: _Tokens, line: str) -> Instruction:
        if op in _BINOPS:
            flags = self._flags(tk)
            ty = parse_type(tk)
            a = self.value(tk, ty)
            tk.expect(",")
            b = self.value(tk, ty)
            return Instruction(op, ty, [a, b], flags=flags)
        if op == "fneg" or op == "freeze":
            flags = self._flags(tk)
            v = self.typed_value(tk)
            return Instruction(op, v.type, [v], flags=flags)
        if op in _CASTS:
            flags = self._flags(tk)
            v = self.typed_value(tk)
            tk.expect("to")
            return Instruction(op, parse_type(tk), [v], flags=flags)
        if op in ("icmp", "fcmp"):
            flags = self._flags(tk)
            pred = tk.next()
            ty = parse_type(tk)
            a = self.value(tk, ty)
            tk.expect(",")
            b = self.value(tk, ty)
            rty = VectorType(ty.count, IntType(1)) if isinstance(ty, VectorType) else IntType(1)
            return Instruction(op, rty, [a, b], flags=flags, pred=pred)
        if op == "select":
            flags = self._flags(tk)
            c = self.typed_value(tk); tk.expect(",")
            a = self.typed_value(tk); tk.expect(",")
            b = self.typed_value(tk)
            return Instruction(op, a.type, [c, a, b], flags=flags)
        if op == "phi":
            flags = self._flags(tk)
            ty = parse_type(tk)
            ops, blocks = [], []
            while True:
                tk.expect("[")
                ops.append(self.value(tk, ty))
                tk.expect(",")
                blocks.append(self.block(_unquote(tk.next())))
                tk.expect("]")
                if not tk.accept(","):
                    break
            return Instruction(op, ty, ops, flags=flags, blocks=blocks)
        if op == "load" and tk.peek() != "atomic":
            flags = self._flags(tk)
            ty = parse_type(tk)
            tk.expect(",")
            p = self.typed_value(tk)
            tail = self._rest(tk)
            return Instruction(op, ty, [p], flags=flags, src_type=ty, tail=tail)
        if op == "store" and tk.peek() != "atomic":
            flags = self._flags(tk)
            v = self.typed_value(tk)
            tk.expect(",")
            p = self.typed_value(tk)
            return Instruction(op, VOID, [v, p], flags=flags, tail=self._rest(tk))
        if op == "getelementptr":
            flags = self._flags(tk)
            st = parse_type(tk)
            tk.expect(",")
            base = self.typed_value(tk)
            ops = [base]
            while tk.accept(","):
                if tk.peek() == "inrange":
                    raise ParseError("inrange GEP not supported")
                ops.append(self.typed_value(tk))
            rty = base.type
            for o in ops[1:]:
                if isinstance(o.type, VectorType):
                    rty = VectorType(o.type.count, PTR)
            return Instruction(op, rty, ops, flags=flags, src_type=st)
        if op == "alloca":
            flags = self._flags(tk)
            ty = parse_type(tk)
            ops = []
            if tk.peek() == "," and _is_type_start(_peek_after_comma(tk)):
                tk.next()
                ops.append(self.typed_value(tk))
            return Instruction(op, PTR, ops, flags=flags, src_type=ty, tail=self._rest(tk))
        if op in ("extractvalue", "insertvalue"):
            agg = self.typed_value(tk)
            ops = [agg]
            ty = agg.type
            if op == "insertvalue":
                tk.expect(",")
                ops.append(self.typed_value(tk))
            idx = []
            while tk.accept(","):
                idx.append(int(tk.next()))
            if op == "extractvalue":
                from .types import aggregate_member
                for k in idx:
                    ty = aggregate_member(ty, k)
            return Instruction(op, ty, ops, indices=idx)
        if op in ("call", "tail", "musttail", "notail"):
            return self._call(op, tk)
        if op == "br":
            if tk.peek() == "label":
                tk.next()
                return Instruction("br", VOID, [], blocks=[self.block(_unquote(tk.next()))])
            c = self.typed_value(tk); tk.expect(",")
            tk.expect("label"); t = self.block(_unquote(tk.next())); tk.expect(",")
            tk.expect("label"); f = self.block(_unquote(tk.next()))
            return Instruction("br", VOID, [c], blocks=[t, f])
        if op == "switch":
            v = self.typed_value(tk); tk.expect(",")
            tk.expect("label"); default = self.block(_unquote(tk.next()))
            tk.expect("[")
            cases, blocks = [], [default]
            while not tk.accept("]"):
                c = self.typed_value(tk); tk.expect(",")
                tk.expect("label"); blocks.append(self.block(_unquote(tk.next())))
                cases.append(c)
            return Instruction("switch", VOID, [v], blocks=blocks, cases=cases)
        if op == "ret":
            if tk.peek() == "void":
                return Instruction("ret", VOID, [])
            return Instruction("ret", VOID, [self.typed_value(tk)])
        if op == "unreachable":
            return Instruction("unreachable", VOID, [])
        return self._template(op, tk, line)

    def _call(self, op: str, tk: _Tokens) -> Instruction:
        flags = ""
        if op != "call":
            flags = op
            tk.expect("call")
        fm = self._flags(tk)
        flags = (flags + " " + fm).strip() if fm else flags
        # calling convention / return attributes
        pre = []
        while tk.kind() == "word" and not _is_type_start(tk):
            w = tk.next()
            pre.append(w)
            if tk.peek() == "(":
                s = tk.i
                tk.skip_balanced()
                pre[-1] += tk.span(s, tk.i)
            elif w in ("align", "dereferenceable", "dereferenceable_or_null") \
                    and tk.kind() == "num":
                pre[-1] += " " + tk.next()      # `call align 8 ptr @f(…)`
        rty = parse_type(tk)
        fnty = rty if isinstance(rty, FunctionType) else None
        if tk.kind() == "word" and tk.peek() in _CONST_WORDS and tk.peek(1) == "(":
            # a constant-expression callee, `inttoptr (i64 N to ptr)`: exactly one group,
            # the next one is the argument list
            start = tk.i
            tk.next()
            tk.skip_balanced()
            callee = Constant(PTR, tk.span(start, tk.i))
        else:
            callee = self.value(tk, PTR)
        tk.expect("(")
        args, arg_attrs = [], []
        if not tk.accept(")"):
            while True:
                ty = parse_type(tk)
                attrs = self.param_attrs(tk)
                if ty == METADATA:
                    args.append(self.metadata_operand(tk))
                    arg_attrs.append(attrs)
                    if tk.accept(")"):
                        break
                    tk.expect(",")
                    continue
                args.append(self.value(tk, ty))
                arg_attrs.append(attrs)
                if tk.accept(")"):
                    break
                tk.expect(",")
        if fnty is None:
            fnty = FunctionType(rty, tuple(a.type for a in args))
        tail = self._rest(tk)
        inst = Instruction("call", fnty.ret, args, flags=flags, callee=callee, fnty=fnty, tail=tail)
        inst.meta = {"pre": " ".join(pre), "arg_attrs": arg_attrs}
        return inst

    def _template(self, op: str, tk: _Tokens, line: str) -> Instruction:
        """Opaque instruction: keep its text, abstract its local operands."""
        ty = VOID
        # result type: the first type after the opcode for most remaining opcodes
        start = tk.i
        text_parts, ops = [], []
        toks = tk.toks
        prev_end = toks[start - 1][3]
        last_type = None
        j = start
        while j < len(toks):
            kind, t, s, e = toks[j]
            text_parts.append(line[prev_end:s])
            if kind == "local":
                ops.append(self.local(_unquote(t), last_type or PTR))
                text_parts.append("{%d}" % (len(ops) - 1))
            else:
                text_parts.append(t.replace("{", "{{").replace("}", "}}"))
                sub = _Tokens(t)
                if _is_type_start(sub) and t not in ("<", "{", "["):
                    try:
                        last_type = parse_type(sub)
                    except ParseError:
                        pass
            prev_end = e
            j += 1
        template = op + "".join(text_parts)
        if op in ("atomicrmw",):
            ty = _type_of_second_operand(line)
        elif op == "cmpxchg":
            vt = _type_of_second_operand(line)
            ty = StructType((vt, IntType(1)))
        elif op in ("extractelement",):
            sub = _Tokens(line[line.index(op) + len(op):])
            vt = parse_type(sub)
            ty = vt.element
        elif op in ("insertelement",):
            sub = _Tokens(line[line.index(op) + len(op):])
            ty = parse_type(sub)
        elif op == "shufflevector":
            sub = _Tokens(line[line.index(op) + len(op):])
            vt = parse_type(sub)
            sub.skip_balanced(); sub.expect(","); parse_type(sub); sub.skip_balanced(); sub.expect(",")
            mt = parse_type(sub)
            ty = VectorType(mt.count, vt.element)
        elif op == "load":  # atomic load
            sub = _Tokens(line[line.index(op) + len(op):])
            sub.accept("atomic"); sub.accept("volatile")
            ty = parse_type(sub)
        elif op in ("fence", "store"):
            ty = VOID
        else:
            raise ParseError(f"unsupported instruction {op!r}: {line.strip()}")
        return Instruction(op, ty, ops, template=template)

    # -- whole function ---------------------------------------------------------------
    def body(self, lines: List[str]):
        fn = self.fn
        cur: Optional[Block] = None
        pending = ""
        for raw in lines:
            line = raw.rstrip()
            stripped = line.strip()
            if not stripped or stripped.startswith(";") or stripped.startswith("#dbg_"):
                continue
            if pending:
                pending += " " + stripped
                if stripped.startswith("]"):
                    cur.append(self.instruction(pending))
                    pending = ""
                continue
            m = re.match(r'^("(?:[^"\\]|\\.)*"|[-a-zA-Z$._0-9]+):', stripped)
            if m and not line.startswith(" "):
                cur = self.block(_unquote("%" + m.group(1)))
                fn.blocks.append(cur)
                continue
            if cur is None:  # first block unlabelled
                cur = self.block("entry")
                # LLVM numbers it after the unnamed arguments: phis may refer to it as %N
                self.blocks[str(sum(1 for a in fn.args if a.name is None
                                    or str(a.name).isdigit()))] = cur
                fn.blocks.append(cur)
            if (stripped.startswith("switch") and not stripped.endswith("]")) \
                    or (stripped.endswith("[") and "switch" in stripped):
                pending = stripped
                continue
            cur.append(self.instruction(stripped))
        # resolve forward references
        for name, ref in self.refs.items():
            if name not in self.locals:
                raise ParseError(f"use of undefined value %{name} in @{fn.name}")
            real = self.locals[name]
            for inst in fn.instructions():
                ops = inst.operands
                for k, v in enumerate(ops):
                    if v is ref:
                        ops[k] = real
        fn.is_declaration = False


def _peek_after_comma(tk: _Tokens) -> _Tokens:
    sub = _Tokens("")
    sub.toks = tk.toks[tk.i + 1:]
    return sub


def _type_of_second_operand(line: str) -> Type:
    # `atomicrmw [volatile] op ptr %p, T v ordering` / `cmpxchg ptr %p, T a, T b …`
    after = line.split(",", 1)[1]
    return parse_type(_Tokens(after))


class ModuleParser:
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
                name = _unquote(_Tokens(s).next())
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
        tk = _Tokens(s.rstrip("{").rstrip())
        tk.next()  # define/declare
        pre = []
        while not _is_type_start(tk):
            w = tk.next()
            if tk.peek() == "(":
                st = tk.i
                tk.skip_balanced()
                w += tk.span(st, tk.i)
            pre.append(w)
        rty = parse_type(tk)
        if isinstance(rty, FunctionType):  # `T (…)` never appears in a header: undo
            raise ParseError(f"unexpected function type in header: {s[:120]}")
        name = _unquote(tk.next())
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
                    an = _unquote(tk.next()) if tk.kind() == "local" else None
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

"""Reading one function definition: its blocks and instructions.

Each instruction line is tokenised on its own and handed to an opcode-specific reader that
builds an ``Instruction``.  Trailing metadata attachments (``, !dbg !12``) are cut off first;
only ``!dbg`` is looked at, to give the instruction a ``loc`` through the module reader.

Forward references: a local may be used before its definition (phis, and any use in a
block laid out before the defining one).  Such operands are recorded as ``_Ref``
placeholders, one per name, and replaced in every operand list once the whole body is
read; a name never defined is a ``ParseError``.  Branch targets need no placeholder: a
``Block`` is created on first mention and filled when its label is reached.

Opcodes the model does not structure (atomics, vector shuffles, fences, ...) are kept as
*templates*: the instruction text with every local operand replaced by ``{k}``.  They print
back exactly and the analyses treat them as opaque.

The function reader needs two services of the module reader (``keep_metadata`` and
``location``); it receives the module reader as an object rather than importing its module,
so the module reader can import this one.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional

from ..errors import Loc
from .lexer import ParseError, Tokens, is_type_start, parse_type, unquote
from .types import METADATA, PTR, VOID, FunctionType, IntType, StructType, Type, VectorType
from .values import Block, Constant, Function, GlobalRef, Instruction, Value

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


class _Ref(Value):
    """Placeholder for a local value named before it is defined."""
    __slots__ = ()


class FunctionParser:
    """Reads the body of ``fn`` (its header already read).  ``module_parser`` provides
    ``keep_metadata(text)`` and ``location(md)`` (see ``parser.ModuleParser``)."""

    def __init__(self, module_parser, fn: Function):
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

    def value(self, tk: Tokens, ty: Type) -> Value:
        kind, t = tk.kind(), tk.peek()
        if kind == "local":
            tk.next()
            return self.local(unquote(t), ty)
        if kind == "global":
            tk.next()
            return GlobalRef(unquote(t), ty)
        start = tk.i
        first = tk.peek()
        tk.skip_balanced()
        # constant expressions: `getelementptr inbounds nuw inrange(-16, 24) (…)`, `splat (…)`
        while True:
            if tk.peek() == "(":
                tk.skip_balanced()
            elif first in _CONST_WORDS and tk.kind() == "word" and \
                    tk.peek() in ("inbounds", "nuw", "nusw", "inrange"):
                if tk.next() == "inrange" and tk.peek() == "(":
                    tk.skip_balanced()
            else:
                break
        return Constant(ty, tk.span(start, tk.i))

    def metadata_operand(self, tk: Tokens) -> Value:
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

    def typed_value(self, tk: Tokens) -> Value:
        ty = parse_type(tk)
        return self.value(tk, ty)

    def param_attrs(self, tk: Tokens) -> str:
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
        tk = Tokens(line)
        name = None
        if tk.kind() == "local" and tk.peek(1) == "=":
            name = unquote(tk.next())
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
        chain = ()
        for k in range(len(meta) - 1):
            if meta[k][1] == "!dbg":
                loc = self.mp.location(meta[k + 1][1])
            elif meta[k][1] in ("!noalias", "!alias.scope") and not chain:
                chain = self.mp.inline_chain(meta[k + 1][1])
        if loc is not None and chain:
            loc = Loc(loc[0], loc[1], chain)
        tk.toks = tk.toks[:cut]
        op = tk.next()
        inst = self._parse_op(op, tk, line)
        inst.name = name
        inst.loc = loc
        if name is not None:
            self.locals[name] = inst
        return inst

    def _flags(self, tk: Tokens) -> str:
        fl = []
        while tk.peek() in _FLAG_WORDS:
            fl.append(tk.next())
        return " ".join(fl)

    def _rest(self, tk: Tokens) -> str:
        return tk.text[tk.pos():tk.toks[-1][3]] if not tk.done() else ""

    def _parse_op(self, op: str, tk: Tokens, line: str) -> Instruction:
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
                blocks.append(self.block(unquote(tk.next())))
                tk.expect("]")
                if not tk.accept(","):
                    break
            return Instruction(op, ty, ops, flags=flags, blocks=blocks)
        if op == "load":
            # `load atomic T, ptr %p [syncscope(..)] acquire, align N`: the ordering stays in
            # the tail (C++'s guarded statics read their guard this way)
            atomic = tk.accept("atomic")
            flags = ("atomic " if atomic else "") + self._flags(tk)
            ty = parse_type(tk)
            tk.expect(",")
            p = self.typed_value(tk)
            tail = self._rest(tk)
            if tail and not tail.startswith(","):
                tail = " " + tail       # an atomic ordering
            return Instruction(op, ty, [p], flags=flags.strip(), src_type=ty, tail=tail)
        if op == "store":
            atomic = tk.accept("atomic")
            flags = (("atomic " if atomic else "") + self._flags(tk)).strip()
            v = self.typed_value(tk)
            tk.expect(",")
            p = self.typed_value(tk)
            tail = self._rest(tk)
            if tail and not tail.startswith(","):
                tail = " " + tail
            return Instruction(op, VOID, [v, p], flags=flags, tail=tail)
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
            if tk.peek() == "," and is_type_start(_peek_after_comma(tk)):
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
                return Instruction("br", VOID, [], blocks=[self.block(unquote(tk.next()))])
            c = self.typed_value(tk); tk.expect(",")
            tk.expect("label"); t = self.block(unquote(tk.next())); tk.expect(",")
            tk.expect("label"); f = self.block(unquote(tk.next()))
            return Instruction("br", VOID, [c], blocks=[t, f])
        if op == "switch":
            v = self.typed_value(tk); tk.expect(",")
            tk.expect("label"); default = self.block(unquote(tk.next()))
            tk.expect("[")
            cases, blocks = [], [default]
            while not tk.accept("]"):
                c = self.typed_value(tk); tk.expect(",")
                tk.expect("label"); blocks.append(self.block(unquote(tk.next())))
                cases.append(c)
            return Instruction("switch", VOID, [v], blocks=blocks, cases=cases)
        if op == "ret":
            if tk.peek() == "void":
                return Instruction("ret", VOID, [])
            return Instruction("ret", VOID, [self.typed_value(tk)])
        if op == "unreachable":
            return Instruction("unreachable", VOID, [])
        return self._template(op, tk, line)

    def _call(self, op: str, tk: Tokens) -> Instruction:
        flags = ""
        if op != "call":
            flags = op
            tk.expect("call")
        fm = self._flags(tk)
        flags = (flags + " " + fm).strip() if fm else flags
        # calling convention / return attributes
        pre = []
        while tk.kind() == "word" and not is_type_start(tk):
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
        bundles = re.search(r'\[\s*"[^\n]*\]\s*$', tail)
        if bundles:
            # operand bundles: an assume's (alignment or non-null facts, which inlining
            # leaves behind) are hints and go; any other call's would need its operands
            # modelled
            if getattr(callee, "name", None) == "llvm.assume":
                tail = tail[:bundles.start()].rstrip()
            else:
                from ..errors import unsupported
                raise unsupported(f"a call with operand bundles ({bundles.group().strip()}) "
                                  f"to {callee.ref()}")
        inst = Instruction("call", fnty.ret, args, flags=flags, callee=callee, fnty=fnty, tail=tail)
        inst.meta = {"pre": " ".join(pre), "arg_attrs": arg_attrs}
        return inst

    def _template(self, op: str, tk: Tokens, line: str) -> Instruction:
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
                ops.append(self.local(unquote(t), last_type or PTR))
                text_parts.append("{%d}" % (len(ops) - 1))
            else:
                text_parts.append(t.replace("{", "{{").replace("}", "}}"))
                sub = Tokens(t)
                if is_type_start(sub) and t not in ("<", "{", "["):
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
            sub = Tokens(line[line.index(op) + len(op):])
            vt = parse_type(sub)
            ty = vt.element
        elif op in ("insertelement",):
            sub = Tokens(line[line.index(op) + len(op):])
            ty = parse_type(sub)
        elif op == "shufflevector":
            sub = Tokens(line[line.index(op) + len(op):])
            vt = parse_type(sub)
            sub.skip_balanced(); sub.expect(","); parse_type(sub); sub.skip_balanced(); sub.expect(",")
            mt = parse_type(sub)
            ty = VectorType(mt.count, vt.element)
        elif op == "load":  # atomic load
            sub = Tokens(line[line.index(op) + len(op):])
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
                cur = self.block(unquote("%" + m.group(1)))
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
        # resolve forward references: one pass over the operands replaces every placeholder
        if self.refs:
            real: Dict[int, Value] = {}
            for name, ref in self.refs.items():
                if name not in self.locals:
                    raise ParseError(f"use of undefined value %{name} in @{fn.name}")
                real[id(ref)] = self.locals[name]
            for inst in fn.instructions():
                ops = inst.operands
                for k, v in enumerate(ops):
                    if type(v) is _Ref:
                        ops[k] = real[id(v)]
        fn.is_declaration = False


def _peek_after_comma(tk: Tokens) -> Tokens:
    sub = Tokens("")
    sub.toks = tk.toks[tk.i + 1:]
    return sub


def _type_of_second_operand(line: str) -> Type:
    # `atomicrmw [volatile] op ptr %p, T v ordering` / `cmpxchg ptr %p, T a, T b …`
    after = line.split(",", 1)[1]
    return parse_type(Tokens(after))


"""Print the IR model back to LLVM text that llvmlite parses and verifies.

Names: every function gets a fresh naming pass.  A value keeps its own name when that name
is free; otherwise (or when it has none) it gets ``<base>.<k>``.  Printing never mutates the
model, so the same module can be printed many times.
"""
from __future__ import annotations

from typing import Dict, List

from .types import VOID
from .values import Argument, Block, Constant, Function, Instruction, Module, Value, quote_name


class _Namer:
    def __init__(self):
        self.names: Dict[int, str] = {}
        self.used = set()
        self.counter = 0

    def name(self, v: Value) -> str:
        key = id(v)
        if key in self.names:
            return self.names[key]
        base = v.name if v.name else ("b" if isinstance(v, Block) else "v")
        cand = base
        while cand in self.used or cand.isdigit():
            self.counter += 1
            cand = f"{base}.z{self.counter}"
        self.used.add(cand)
        self.names[key] = cand
        return cand


class FunctionPrinter:
    def __init__(self, fn: Function):
        self.fn = fn
        self.namer = _Namer()
        # name arguments and blocks first so they keep their names
        for a in fn.args:
            self.namer.name(a)
        for b in fn.blocks:
            self.namer.name(b)

    def ref(self, v: Value) -> str:
        if isinstance(v, Constant):
            return v.ref()
        if isinstance(v, Function):
            return "@" + quote_name(v.name)
        return "%" + quote_name(self.namer.name(v))

    def typed(self, v: Value) -> str:
        return f"{v.type} {self.ref(v)}"

    def inst(self, i: Instruction) -> str:
        op = i.opcode
        lhs = f"{self.ref(i)} = " if i.type != VOID else ""
        fl = (" " + i.flags) if i.flags else ""
        ops = i.operands
        if i.template is not None:
            return lhs + i.template.format(*[self.ref(o) for o in ops])
        if op in ("fneg", "freeze"):
            return f"{lhs}{op}{fl} {self.typed(ops[0])}"
        if op in ("icmp", "fcmp"):
            return f"{lhs}{op}{fl} {i.pred} {self.typed(ops[0])}, {self.ref(ops[1])}"
        if op == "select":
            return f"{lhs}select{fl} " + ", ".join(self.typed(o) for o in ops)
        if op == "phi":
            inc = ", ".join(f"[ {self.ref(v)}, %{quote_name(self.namer.name(b))} ]"
                            for v, b in zip(ops, i.blocks))
            return f"{lhs}phi{fl} {i.type} {inc}"
        if op == "load":
            return f"{lhs}load{fl} {i.type}, {self.typed(ops[0])}{i.tail}"
        if op == "store":
            return f"store{fl} {self.typed(ops[0])}, {self.typed(ops[1])}{i.tail}"
        if op == "getelementptr":
            return f"{lhs}getelementptr{fl} {i.src_type}, " + ", ".join(self.typed(o) for o in ops)
        if op == "alloca":
            extra = (", " + self.typed(ops[0])) if ops else ""
            return f"{lhs}alloca{fl} {i.src_type}{extra}{i.tail}"
        if op == "extractvalue":
            return f"{lhs}extractvalue {self.typed(ops[0])}, " + ", ".join(map(str, i.indices))
        if op == "insertvalue":
            return (f"{lhs}insertvalue {self.typed(ops[0])}, {self.typed(ops[1])}, "
                    + ", ".join(map(str, i.indices)))
        if op == "call":
            return self.call(i, lhs)
        if op == "br":
            if not ops:
                return f"br label %{quote_name(self.namer.name(i.blocks[0]))}{i.tail}"
            t, f = (quote_name(self.namer.name(b)) for b in i.blocks)
            return f"br {self.typed(ops[0])}, label %{t}, label %{f}{i.tail}"
        if op == "switch":
            d = quote_name(self.namer.name(i.blocks[0]))
            cases = " ".join(f"{c.type} {c.ref()}, label %{quote_name(self.namer.name(b))}"
                             for c, b in zip(i.cases, i.blocks[1:]))
            return f"switch {self.typed(ops[0])}, label %{d} [ {cases} ]"
        if op == "ret":
            return f"ret {self.typed(ops[0])}" if ops else "ret void"
        if op == "unreachable":
            return "unreachable"
        if len(ops) == 2:  # binary operators
            return f"{lhs}{op}{fl} {self.typed(ops[0])}, {self.ref(ops[1])}"
        if len(ops) == 1:  # casts
            return f"{lhs}{op}{fl} {self.typed(ops[0])} to {i.type}"
        raise ValueError(f"cannot print {op}")

    def call(self, i: Instruction, lhs: str) -> str:
        words = i.flags.split()
        tail_kw = [w for w in words if w in ("tail", "musttail", "notail")]
        fm = [w for w in words if w not in tail_kw]
        meta = i.meta or {}
        arg_attrs = meta.get("arg_attrs") or [""] * len(i.operands)
        pre = meta.get("pre", "")
        args = ", ".join(f"{a.type}{(' ' + at) if at else ''} {self.ref(a)}"
                         for a, at in zip(i.operands, arg_attrs))
        fnty = i.fnty
        rty = str(fnty) if fnty.vararg else str(fnty.ret)
        head = " ".join(tail_kw + ["call"] + fm + ([pre] if pre else []))
        return f"{lhs}{head} {rty} {self.ref(i.callee)}({args}){(' ' + i.tail) if i.tail else ''}"

    def function(self) -> str:
        fn = self.fn
        params = ", ".join(f"{a.type}{(' ' + a.attrs) if a.attrs else ''} %{quote_name(self.namer.name(a))}"
                           for a in fn.args)
        if fn.vararg:
            params += ", ..." if params else "..."
        link = (fn.linkage + " ") if fn.linkage else ""
        attrs = (" " + fn.attrs) if fn.attrs else ""
        head = f"define {link}{fn.ret_type} @{quote_name(fn.name)}({params}){attrs} {{"
        lines: List[str] = [head]
        for b in fn.blocks:
            lines.append(f"{quote_name(self.namer.name(b))}:")
            for i in b.instructions:
                lines.append("  " + self.inst(i))
        lines.append("}")
        return "\n".join(lines)


def print_declaration(fn: Function) -> str:
    params = ", ".join(f"{a.type}{(' ' + a.attrs) if a.attrs else ''}" for a in fn.args)
    if fn.vararg:
        params += ", ..." if params else "..."
    link = (fn.linkage + " ") if fn.linkage else ""
    attrs = (" " + fn.attrs) if fn.attrs else ""
    return f"declare {link}{fn.ret_type} @{quote_name(fn.name)}({params}){attrs}"


def print_function(fn: Function) -> str:
    return FunctionPrinter(fn).function()


def print_module(mod: Module) -> str:
    out: List[str] = list(mod.header)
    out.append("")
    out.extend(mod.globals.values())
    out.append("")
    for fn in mod.functions.values():
        text = print_declaration(fn) if fn.is_declaration else print_function(fn)
        out.append(text)
        out.append("")
    out.extend(mod.attribute_groups.values())
    out.extend(mod.metadata.values())
    return "\n".join(out) + "\n"

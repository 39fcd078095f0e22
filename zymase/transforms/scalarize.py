"""Vector code made scalar (IR in, IR out): one instruction per lane.

clang and rustc at -O2/-O3 vectorise loops and straight-line code (``<2 x double>`` loads,
``fmul``, ``llvm.exp.v2f64``, ``insertelement``/``shufflevector``), which Numba's unoptimised IR
never contains.  The derivative transforms handle vector arithmetic at width 1, but not lane
shuffles, and not vectors at all when the derivative is batched (a width-N shadow of a vector
would be a vector of vectors).  ``scalarize(fn)`` rewrites every vector value of ``fn`` as its
lanes:

* elementwise instructions (binary operators, ``fneg``, casts, compares, ``select``, ``phi``,
  ``freeze``, ``getelementptr`` over vectors of pointers) and elementwise intrinsics
  (``llvm.fmuladd.v2f64`` → ``llvm.fmuladd.f64`` per lane; scalar operands such as ``powi``'s
  exponent are shared) become one instruction per lane;
* a vector ``load``/``store`` becomes one access per lane at ``k * sizeof(element)`` bytes;
* ``insertelement``/``extractelement`` with constant lanes and ``shufflevector`` only route
  lanes (no instruction); a ``bitcast`` to or from a vector goes through an integer of all
  its bits (``bitcast <2 x i1> %nan to i2``, a vectorised "any lane" test); ``llvm.vector.reduce.{fadd,fmul,add,mul,and,or,xor,smax,smin,umax,
  umin,fmax,fmin}`` become chains in lane order (an ordered reduction is exactly that; an
  unordered one may be evaluated in any order).

Anything else with a vector type (a variable lane index, a masked or gathered
access, a call of a non-intrinsic with vector arguments, a vector result) is an
``UnsupportedError`` naming it.  The O3 pipeline after differentiation vectorises the
derivative again.
"""
from __future__ import annotations

import re
from typing import Dict, List

from ..errors import unsupported
from ..ir.builder import Builder, type_suffix
from ..ir.lexer import Tokens, parse_type
from ..ir.types import I8, I64, FunctionType, IntType, VectorType, alloc_size
from ..ir.values import Constant, Function, Instruction, Value, const_int, undef
from .shadows import describe

_ELEMENTWISE = {"fadd", "fsub", "fmul", "fdiv", "frem", "add", "sub", "mul", "udiv", "sdiv",
                "urem", "srem", "shl", "lshr", "ashr", "and", "or", "xor", "fneg", "freeze",
                "trunc", "zext", "sext", "fptrunc", "fpext", "fptoui", "fptosi", "uitofp",
                "sitofp", "ptrtoint", "inttoptr", "icmp", "fcmp", "select"}
_REDUCE = {"fadd": "fadd", "fmul": "fmul", "add": "add", "mul": "mul", "and": "and", "or": "or",
           "xor": "xor", "smax": "llvm.smax", "smin": "llvm.smin", "umax": "llvm.umax",
           "umin": "llvm.umin", "fmax": "llvm.maxnum", "fmin": "llvm.minnum",
           "fmaximum": "llvm.maximum", "fminimum": "llvm.minimum"}
_NOT_ELEMENTWISE = ("llvm.masked.", "llvm.vector.", "llvm.experimental.", "llvm.vp.",
                    "llvm.matrix.")


def _is_vector(t) -> bool:
    return isinstance(t, VectorType)


def has_vectors(fn: Function) -> bool:
    return any(_is_vector(i.type) or any(_is_vector(o.type) for o in i.operands)
               for i in fn.instructions())


def has_lane_shuffles(fn: Function) -> bool:
    """Instructions the width-1 transforms do not differentiate: lane inserts, extracts and
    shuffles, reductions."""
    return any(i.opcode in ("insertelement", "extractelement", "shufflevector") or
               (i.opcode == "call" and (i.callee_name or "").startswith("llvm.vector.reduce."))
               for i in fn.instructions())


def const_lanes(c: Constant, t: VectorType) -> List[Value]:
    """The lanes of vector constant ``c``."""
    text = c.text.strip()
    el = t.element
    if text in ("zeroinitializer",):
        return [Constant(el, "null" if el.is_pointer else "0" if el.is_int else "0.0")
                if not el.is_float else Constant(el, "0.000000e+00") for _ in range(t.count)]
    if text in ("undef", "poison"):
        return [Constant(el, text) for _ in range(t.count)]
    m = re.fullmatch(r"splat \((.*)\)", text, re.S)
    if m:
        tk = Tokens(m.group(1))
        parse_type(tk)
        return [Constant(el, m.group(1)[tk.pos():].strip()) for _ in range(t.count)]
    if text.startswith("<") and text.endswith(">"):
        out = []
        for part in _split_top(text[1:-1]):
            tk = Tokens(part)
            parse_type(tk)
            out.append(Constant(el, part[tk.pos():].strip()))
        if len(out) == t.count:
            return out
    raise unsupported(f"the vector constant {text} of type {t}")


def _split_top(s: str) -> List[str]:
    out, depth, cur = [], 0, ""
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


def _template_operands(i: Instruction) -> List[Value]:
    """The typed operands of an ``insertelement``/``extractelement``/``shufflevector``
    template: instruction operands for ``{k}``, constants otherwise."""
    body = i.template[len(i.opcode):]
    out = []
    for part in _split_top(body):
        tk = Tokens(part.replace("{", "%__zy_op_").replace("}", ""))
        ty = parse_type(tk)
        rest = part[part.index(str(ty)) + len(str(ty)):].strip() if str(ty) in part else ""
        m = re.fullmatch(r"\{(\d+)\}", rest)
        if m:
            out.append(i.operands[int(m.group(1))])
        else:
            out.append(Constant(ty, rest))
    return out


def _lane_of(v: Value) -> int:
    if isinstance(v, Constant) and re.fullmatch(r"-?\d+", v.text):
        return int(v.text)
    raise unsupported("a vector lane chosen at run time (insertelement/extractelement with a "
                      "variable index)")


def _align(i: Instruction) -> int:
    m = re.search(r"align (\d+)", i.tail or "")
    return int(m.group(1)) if m else 1


def _scalar_intrinsic(name: str, count: int) -> str:
    return re.sub(rf"\.v{count}([a-z]+\d*)", r".\1", name)


def scalarize(fn: Function) -> bool:
    """Rewrite every vector value of ``fn`` lane by lane (see the module docstring); returns
    whether anything changed."""
    from ..analysis.loops import reverse_postorder
    module = fn.module
    lanes: Dict[Value, List[Value]] = {}
    order = reverse_postorder(fn)
    vector_insts = [i for b in order for i in b.instructions
                    if _is_vector(i.type) or any(_is_vector(o.type) for o in i.operands)]
    if not vector_insts:
        return False

    def L(v: Value) -> List[Value]:
        if v in lanes:
            return lanes[v]
        if isinstance(v, Constant):
            lanes[v] = const_lanes(v, v.type)
            return lanes[v]
        raise unsupported(f"a vector value that is not an instruction ({v.type})")

    phis = []
    for i in vector_insts:
        if i.opcode == "phi" and _is_vector(i.type):
            b = Builder(module)
            b.block, b.index = i.block, i.block.instructions.index(i) + 1
            lanes[i] = [b.phi(i.type.element) for _ in range(i.type.count)]
            phis.append(i)

    dead = []
    for i in vector_insts:
        if i.opcode == "phi":
            dead.append(i)
            continue
        b = Builder(module, loc=i.loc).before(i)
        op = i.opcode
        t = i.type
        if op in _ELEMENTWISE and _is_vector(t):
            n = t.count
            outs = []
            for k in range(n):
                ops = [L(o)[k] if _is_vector(o.type) else o for o in i.operands]
                c = i.clone()
                c.name = None
                c.type = t.element
                c.operands = ops
                b.emit(c)
                outs.append(c)
            lanes[i] = outs
        elif op == "bitcast":
            # through an integer of all the bits (``bitcast <2 x i1> %any to i2``: a
            # vectorised NaN test), lane k at bits k*B.. (little-endian)
            packed = _pack(b, i.operands[0], L)
            if _is_vector(t):
                lanes[i] = _unpack(b, packed, t)
            else:
                out = packed if t.is_int else b.cast("bitcast", packed, t)
                fn.replace_all_uses(i, out)
        elif op == "getelementptr" and _is_vector(t):
            outs = []
            for k in range(t.count):
                ops = [L(o)[k] if _is_vector(o.type) else o for o in i.operands]
                outs.append(b.gep(i.src_type, ops[0], ops[1:], flags=i.flags))
            lanes[i] = outs
        elif op == "load" and _is_vector(t) and i.template is None:
            el, size, a = t.element, alloc_size(t.element), _align(i)
            outs = []
            for k in range(t.count):
                p = i.operands[0] if k == 0 else b.gep(I8, i.operands[0],
                                                       [const_int(I64, k * size)])
                outs.append(b.load(el, p, _lane_align(a, k * size)))
            lanes[i] = outs
        elif op == "store" and _is_vector(i.operands[0].type) and i.template is None:
            v, p = i.operands
            el = v.type.element
            size, a = alloc_size(el), _align(i)
            for k, x in enumerate(L(v)):
                q = p if k == 0 else b.gep(I8, p, [const_int(I64, k * size)])
                b.store(x, q, _lane_align(a, k * size))
        elif op == "extractelement":
            vec, idx = _template_operands(i)
            lanes[i] = None
            fn.replace_all_uses(i, L(vec)[_lane_of(idx)])
        elif op == "insertelement":
            vec, x, idx = _template_operands(i)
            out = list(L(vec))
            out[_lane_of(idx)] = x
            lanes[i] = out
        elif op == "shufflevector":
            a, c, mask = _template_operands(i)
            pool = L(a) + L(c)
            outs = []
            for m in const_lanes(mask, mask.type):
                outs.append(undef(t.element) if m.text in ("undef", "poison")
                            else pool[int(m.text)])
            lanes[i] = outs
        elif op == "call" and (i.callee_name or "").startswith("llvm.vector.reduce."):
            _reduce(b, i, L, fn)
        elif op == "call" and (i.callee_name or "").startswith("llvm.") \
                and not (i.callee_name or "").startswith(_NOT_ELEMENTWISE) and _is_vector(t):
            n = t.count
            name = _scalar_intrinsic(i.callee_name, n)
            argt = tuple(a.type.element if _is_vector(a.type) else a.type for a in i.operands)
            outs = []
            for k in range(n):
                ops = [L(o)[k] if _is_vector(o.type) else o for o in i.operands]
                c = b.call(name, FunctionType(t.element, argt), ops, flags=i.flags)
                c.meta = i.meta
                outs.append(c)
            lanes[i] = outs
        elif op == "call" and (i.callee_name or "").startswith("llvm.assume"):
            continue
        else:
            raise unsupported(f"{describe(i)} on vectors ({t}) in code another compiler "
                              f"vectorised", i.loc,
                              help="compile without vectorisation (clang: -fno-vectorize "
                                   "-fno-slp-vectorize; rustc: -C no-vectorize-loops "
                                   "-C no-vectorize-slp)")
        dead.append(i)

    for i in phis:
        for v, blk in zip(i.operands, i.blocks):
            for k, p in enumerate(lanes[i]):
                p.add_incoming(L(v)[k], blk)
    # every vector value now has lanes and its users were rewritten lane by lane (the scalar
    # results of extracts and reductions were replaced directly): the vector code goes
    for i in reversed(dead):
        if i.block is not None:
            i.erase()
    leftover = [i for i in fn.instructions()
                if _is_vector(i.type) or any(_is_vector(o.type) for o in i.operands)]
    if leftover:
        raise unsupported(f"{describe(leftover[0])} on vectors in code another compiler "
                          f"vectorised", leftover[0].loc)
    return True


def _bits(t) -> int:
    return t.bits if t.is_int else t.bits if t.is_float else 0


def _pack(b: Builder, v: Value, L) -> Value:
    """The bits of ``v`` (a vector of integers or floats, or a scalar) as one integer."""
    if not _is_vector(v.type):
        if v.type.is_int:
            return v
        if v.type.is_float:
            return b.cast("bitcast", v, IntType(v.type.bits))
        raise unsupported(f"a bitcast of {v.type}")
    el = v.type.element
    w = _bits(el)
    if not w:
        raise unsupported(f"a bitcast of {v.type}")
    total = IntType(w * v.type.count)
    acc = None
    for k, x in enumerate(L(v)):
        if el.is_float:
            x = b.cast("bitcast", x, IntType(w))
        x = b.cast("zext", x, total) if w < total.bits else x
        if k:
            x = b.binop("shl", x, const_int(total, k * w))
        acc = x if acc is None else b.binop("or", acc, x)
    return acc


def _unpack(b: Builder, packed: Value, t: VectorType) -> List[Value]:
    el = t.element
    w = _bits(el)
    if not w or packed.type.bits != w * t.count:
        raise unsupported(f"a bitcast to {t}")
    out = []
    for k in range(t.count):
        x = b.binop("lshr", packed, const_int(packed.type, k * w)) if k else packed
        x = b.cast("trunc", x, IntType(w)) if w < packed.type.bits else x
        out.append(b.cast("bitcast", x, el) if el.is_float else x)
    return out


def _lane_align(align: int, offset: int) -> int:
    if offset == 0:
        return align
    low = offset & -offset
    return min(align, low)


def _reduce(b: Builder, i: Instruction, L, fn: Function) -> None:
    name = i.callee_name
    kind = name[len("llvm.vector.reduce."):].split(".")[0]
    if kind not in _REDUCE:
        raise unsupported(f"the reduction {name}", i.loc)
    ops = i.operands
    start, vec = (ops[0], ops[1]) if kind in ("fadd", "fmul") else (None, ops[0])
    parts = L(vec)
    acc = start if start is not None else parts[0]
    rest = parts if start is not None else parts[1:]
    how = _REDUCE[kind]
    t = i.type
    for x in rest:
        if how.startswith("llvm."):
            acc = b.call(f"{how}.{type_suffix(t)}", FunctionType(t, (t, t)), [acc, x])
        else:
            acc = b.binop(how, acc, x, flags=i.flags if kind in ("fadd", "fmul") else "")
    fn.replace_all_uses(i, acc)

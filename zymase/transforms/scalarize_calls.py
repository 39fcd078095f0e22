"""Calls in vector code, split into lanes (the call half of ``scalarize.py``).

* **Elementwise intrinsics** (``llvm.fmuladd.v2f64``, ``llvm.fabs.v4f64``, ``llvm.sqrt``,
  ``llvm.maxnum``, ``llvm.powi.v2f64.i32``, ``llvm.smax``, ``llvm.is.fpclass``…; the list is
  ``ELEMENTWISE``): lane k is a call of the scalar intrinsic on lane k of every vector operand;
  a scalar operand (``powi``'s exponent, ``abs``'s poison flag, ``is.fpclass``'s test) goes
  to every lane unchanged.  The scalar name drops the lane count from every overloaded type
  of the name (``llvm.fptosi.sat.v4i32.v4f64`` → ``llvm.fptosi.sat.i32.f64``).  The call's
  fast-math flags, return and call-site attributes are kept on every lane.
* **Reductions**: ``llvm.vector.reduce.fadd/fmul(start, v)`` → ``((start ∘ v0) ∘ v1) ∘ …``
  with the call's fast-math flags (the ordered reduction's definition; with ``reassoc`` any
  order is allowed and this one is kept); ``fmax/fmin/fmaximum/fminimum`` → a lane-order
  chain of ``llvm.maxnum/minnum/maximum/minimum`` (the intrinsics whose semantics those
  reductions are defined by); the integer ones (``add``, ``mul``, ``and``, ``or``, ``xor``,
  ``smax``, ``smin``, ``umax``, ``umin``) → a lane-order chain of the operation, which is
  associative and commutative, so exact.
* **Lane moves**: ``llvm.vector.reverse``, ``llvm.vector.extract`` / ``llvm.vector.insert``
  at a constant position, ``llvm.stepvector``: lane lists only, no code.
* **Masked memory**: ``llvm.masked.load/store`` (``ptr align A %p, <N x i1> mask[, passthru]``,
  LLVM 22's form; LLVM upgrades the older one with an ``i32`` alignment operand on reading) and
  ``llvm.masked.gather/scatter`` (one pointer per lane).  A lane whose mask is the constant
  ``true`` is an ordinary load/store; ``false`` (or poison) takes the pass-through lane (or
  stores nothing); any other mask lane is guarded by a branch, its block split around the
  call, with a phi of the loaded value and the pass-through lane: the lane's address may not
  be dereferenceable when its mask bit is clear.

Everything else with a vector operand or result is refused: an intrinsic not listed here (for
example ``llvm.masked.expandload``), and any call of a function that is not an intrinsic.
"""
from __future__ import annotations

import re
from typing import Callable, List, Optional, Tuple

from ..ir.builder import Builder, type_suffix
from ..ir.types import FloatType, FunctionType, IntType, Type, VectorType, alloc_size
from ..ir.values import Block, Constant, Instruction, Value, const_int


class Refused(Exception):
    """Raised by a planner: the instruction has no exact scalar form here (the reason)."""


def min_align(align: int, offset: int) -> int:
    """The alignment of ``p + offset`` for ``p`` aligned to ``align``."""
    return align if offset == 0 else min(align, offset & -offset)


def memory_lane_size(t: Type) -> Optional[int]:
    """Byte distance between the lanes of a ``<N x t>`` in memory, when it is whole bytes and
    equal to ``t``'s allocation size (so ``getelementptr t`` steps one lane)."""
    if isinstance(t, IntType):
        bits = t.bits
    elif isinstance(t, FloatType):
        bits = {"half": 16, "bfloat": 16, "float": 32, "double": 64}.get(t.kind)
    elif t.is_pointer:
        bits = 64
    else:
        return None
    if bits is None or bits % 8 or alloc_size(t) * 8 != bits:
        return None
    return bits // 8


def parse_align(tail: str, default: int) -> int:
    m = re.search(r"\balign\s+(\d+)", tail or "")
    return int(m.group(1)) if m else default

ELEMENTWISE = frozenset("""
    sqrt sin cos tan asin acos atan sinh cosh tanh exp exp2 exp10 log log2 log10 fabs floor ceil
    trunc rint nearbyint round roundeven canonicalize pow powi ldexp minnum maxnum minimum
    maximum minimumnum maximumnum copysign atan2 fma fmuladd abs smax smin umax umin ctpop ctlz
    cttz bswap bitreverse fshl fshr sadd.sat uadd.sat ssub.sat usub.sat sshl.sat ushl.sat scmp
    ucmp fptosi.sat fptoui.sat lrint llrint lround llround is.fpclass
""".split())

FP_CHAIN = {"fadd": "fadd", "fmul": "fmul"}
FP_MINMAX = {"fmax": "maxnum", "fmin": "minnum", "fmaximum": "maximum", "fminimum": "minimum"}
INT_CHAIN = {"add", "mul", "and", "or", "xor"}
INT_MINMAX = {"smax", "smin", "umax", "umin"}

_TYPE_PART = re.compile(r"(?:v\d+)?(?:f16|f32|f64|f80|f128|bf16|i\d+|p\d+)")
_TAIL_WORDS = ("tail", "musttail", "notail")


def split_intrinsic(name: str) -> Tuple[str, List[str]]:
    """``llvm.fptosi.sat.v4i32.v4f64`` → (``fptosi.sat``, [``v4i32``, ``v4f64``])."""
    parts = name[len("llvm."):].split(".")
    k = len(parts)
    while k > 1 and _TYPE_PART.fullmatch(parts[k - 1]):
        k -= 1
    return ".".join(parts[:k]), parts[k:]


def scalar_intrinsic(name: str) -> str:
    base, types = split_intrinsic(name)
    return "llvm." + ".".join([base] + [re.sub(r"^v\d+", "", t) for t in types])


def fast_math(i: Instruction) -> str:
    return " ".join(w for w in i.flags.split() if w not in _TAIL_WORDS)


def plan_call(s, i: Instruction) -> Callable[[Builder], None]:
    name = i.callee_name
    if name is None or not name.startswith("llvm."):
        who = f"@{name}" if name else "a function pointer"
        raise Refused(f"a vector passed to or returned from a call of {who}, which cannot be "
                      f"split into lanes")
    base, _ = split_intrinsic(name)
    if base in ELEMENTWISE:
        if not isinstance(i.type, VectorType):
            raise Refused(f"@{name} with a scalar result")
        n = i.type.count
        if any(isinstance(o.type, VectorType) and o.type.count != n for o in i.operands):
            raise Refused(f"@{name} with operands of another length")
        return lambda b: elementwise(s, i, b, scalar_intrinsic(name))
    if base.startswith("vector.reduce."):
        return _plan_reduce(s, i, base[len("vector.reduce."):])
    if base == "vector.reverse":
        return lambda b: s.define(i, list(reversed(s.lanes_of(i.operands[0]))))
    if base in ("vector.extract", "vector.insert"):
        pos = i.operands[-1]
        if not (isinstance(pos, Constant) and re.fullmatch(r"\d+", pos.text)):
            raise Refused("a position that is not a constant")
        k = int(pos.text)
        if base == "vector.extract":
            return lambda b: s.define(i, s.lanes_of(i.operands[0])[k:k + i.type.count])
        return lambda b: s.define(i, _spliced(s, i, k))
    if base in ("stepvector", "experimental.stepvector"):
        el = i.type.element
        return lambda b: s.define(i, [const_int(el, k) for k in range(i.type.count)])
    if base in ("masked.load", "masked.gather"):
        return _plan_masked(s, i, load=True, gather=base == "masked.gather")
    if base in ("masked.store", "masked.scatter"):
        return _plan_masked(s, i, load=False, gather=base == "masked.scatter")
    raise Refused(f"no scalar form of the intrinsic @{name}")


def _lane_call(b: Builder, i: Instruction, name: str, rt: Type, args: List[Value]) -> Value:
    fnty = FunctionType(rt, tuple(a.type for a in args))
    callee = b.module.get_or_declare(name, fnty)
    meta = dict(i.meta or {})
    if "arg_attrs" in meta:
        meta["arg_attrs"] = list(meta["arg_attrs"])
    return b.emit(Instruction("call", rt, args, callee=callee, fnty=fnty, flags=i.flags,
                              tail=i.tail, meta=meta))


def elementwise(s, i: Instruction, b: Builder, name: str):
    n = i.type.count
    ops = [s.lanes_of(o, n) if isinstance(o.type, VectorType) else [o] * n for o in i.operands]
    s.define(i, [_lane_call(b, i, name, i.type.element, [o[k] for o in ops]) for k in range(n)])


def _plan_reduce(s, i: Instruction, kind: str):
    if kind in FP_CHAIN:
        def apply(b: Builder):
            acc = i.operands[0]
            for x in s.lanes_of(i.operands[1]):
                acc = b.emit(Instruction(FP_CHAIN[kind], i.type, [acc, x], flags=fast_math(i)))
            s.replace(i, acc)
        return apply
    if kind in FP_MINMAX or kind in INT_MINMAX:
        op = FP_MINMAX.get(kind, kind)

        def apply(b: Builder):
            xs = s.lanes_of(i.operands[0])
            fnty = FunctionType(i.type, (i.type, i.type))
            acc = xs[0]
            for x in xs[1:]:
                acc = b.call(f"llvm.{op}.{type_suffix(i.type)}", fnty, [acc, x],
                             flags=fast_math(i))
            s.replace(i, acc)
        return apply
    if kind in INT_CHAIN:
        def apply(b: Builder):
            xs = s.lanes_of(i.operands[0])
            acc = xs[0]
            for x in xs[1:]:
                acc = b.binop(kind, acc, x)
            s.replace(i, acc)
        return apply
    raise Refused(f"no scalar form of the reduction `{kind}`")


def _spliced(s, i: Instruction, k: int) -> List[Value]:
    lanes = list(s.lanes_of(i.operands[0]))
    sub = s.lanes_of(i.operands[1])
    lanes[k:k + len(sub)] = sub
    return lanes


def _mask_bit(m: Value) -> Optional[bool]:
    """True/False for a constant mask lane (poison counts as False: no access), None when it
    is only known at run time."""
    if isinstance(m, Constant):
        t = m.text.strip()
        if t in ("true", "1", "-1"):
            return True
        return False
    return None


def _plan_masked(s, i: Instruction, load: bool, gather: bool):
    ops = list(i.operands)
    attrs = (i.meta or {}).get("arg_attrs") or [""] * len(ops)
    p_at = 0 if load else 1
    vt = i.type if load else ops[0].type
    if not isinstance(vt, VectorType):
        raise Refused("a masked access of a scalar")
    el, n = vt.element, vt.count
    size = memory_lane_size(el)
    if size is None:
        raise Refused(f"lanes of type {el} are not whole bytes apart in memory")
    if len(ops) != 3:
        raise Refused(f"@{i.callee_name} with {len(ops)} operands (LLVM 22's form has 3)")
    align = parse_align(attrs[p_at], 1)
    ptr, mask = ops[p_at], ops[p_at + 1]
    for c in (mask, ops[2] if load else ops[0]):
        if isinstance(c, Constant) and isinstance(c.type, VectorType):
            s.constant_lanes(c)
    if gather and isinstance(ptr, Constant):
        s.constant_lanes(ptr)

    def address(b: Builder, k: int, ptrs) -> Value:
        if gather:
            return ptrs[k]
        return s.lane_address(b, el, ptr, k, inbounds=False)

    def lane_align(k: int) -> int:
        return align if gather else min_align(align, k * size)

    def apply(b: Builder):
        ms = s.lanes_of(mask, n)
        ptrs = s.lanes_of(ptr, n) if gather else None
        vals = s.lanes_of(ops[2] if load else ops[0], n)
        out: List[Value] = []
        for k in range(n):
            bit = _mask_bit(ms[k])
            b.before(i)
            if bit is False:
                out.append(vals[k])
                continue
            if bit is True:
                q = address(b, k, ptrs)
                if load:
                    out.append(b.load(el, q, lane_align(k)))
                else:
                    b.store(vals[k], q, lane_align(k))
                continue
            head, then, cont = _guard(s, i, ms[k])
            tb = Builder(b.module, loc=i.loc).at_end(then)
            q = address(tb, k, ptrs)
            v = tb.load(el, q, lane_align(k)) if load else tb.store(vals[k], q, lane_align(k))
            tb.br(cont)
            if load:
                ph = Instruction("phi", el, [v, vals[k]], blocks=[then, head], loc=i.loc)
                cont.insert(0, ph)
                out.append(ph)
        if load:
            s.define(i, out)
    return apply


def _guard(s, i: Instruction, m: Value) -> Tuple[Block, Block, Block]:
    """``head: br m, then, cont`` with ``i`` first in ``cont``; returns (head, then, cont)."""
    head = i.block
    cont = s.split_before(i)
    then = s.fn.add_block(None, after=head)
    Builder(s.module, loc=i.loc).at_end(head).cbr(m, then, cont)
    return head, then, cont

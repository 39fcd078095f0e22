"""Scalarisation: every vector operation of a function rewritten as the scalar operations of
its lanes, before differentiation (what LLVM's Scalarizer does, in the IR model).

clang and rustc vectorise at -O2/-O3 (the loop vectoriser, SLP): ``<2 x double>`` loads,
``fmul``, ``shufflevector``, ``llvm.fmuladd.v2f64``, ``llvm.vector.reduce.fadd``…  The
derivative transforms read scalar IR only, so the C front end (``frontend/llvm_ir.py``) runs
this pass on the primal right after canonicalisation.  O3 re-vectorises the derivative
afterwards, and forward mode at width N builds its own vector IR after this point: neither
concerns this pass.

The rewrite is exact: the scalar function computes the same values, bit for bit, as the
vector one.  Each lane of an elementwise operation is the same operation on scalars, with the
same flags; a reduction is the chain ``((start ∘ v0) ∘ v1) ∘ …`` in lane order, which is the
definition of an ordered ``llvm.vector.reduce.fadd/fmul`` and one of the orders a ``reassoc``
one allows; ``fmax``/``fmin`` reductions chain ``llvm.maxnum``/``llvm.minnum``, whose
comparison semantics the intrinsics are defined by.  (Where fast-math flags let LLVM's code
generator contract ``fmul``/``fadd`` into FMAs or reorder a ``reassoc`` reduction, it may do so
differently for the vector and the scalar code: the results then differ by rounding, as the
flags allow.)

Algorithm:

1. Collect the instructions that touch a vector: a vector-typed result or operand, or one of
   ``extractelement`` / ``insertelement`` / ``shufflevector`` (kept as text templates by the
   IR reader).  None: the function is left untouched (byte-identical when printed).
2. Plan every one of them (``_Scalarizer.plan``): read its template, the lanes of its vector
   constants, its intrinsic; anything without an exact scalar form is refused here, before
   the function changes.
3. Apply the plans in layout order.  Each vector value gets a list of N lane values
   (``lanes``); an instruction with a scalar result (``extractelement``, a reduction, a
   bitcast to an integer) gets a replacement value (``repl``).  Constants are split
   (``<double 1.0, double poison>``, ``splat (…)``, ``zeroinitializer``).  Bookkeeping
   instructions produce no code: an ``insertelement`` / ``extractelement`` /
   ``shufflevector`` only re-arranges lane lists.  A vector used before the instruction that
   defines it is scalarised (a phi's back edge, a block laid out before its dominator) gets
   placeholder lanes, filled in when the definition is reached.  A ``poison``/``undef`` lane
   (of a constant, a shuffle mask, an index past the end, a masked-off load) becomes a zero,
   a refinement LLVM allows: live scalar code then never computes on poison, which would make
   adjoints poison.
4. Erase the vector instructions and rewrite every operand through the replacements
   (following chains: a lane may be an ``extractelement`` that was itself replaced).  After
   this no instruction has a vector operand or result, no placeholder is left, and nothing
   refers to an erased instruction; a violation is an internal error.
5. Remove the lanes nobody reads (``remove_dead_lanes``): the unread half of a shuffle, the
   other lanes of an extracted vector, and the scalar code that only fed them.

Memory: a vector ``load``/``store`` of ``<N x T>`` becomes N scalar accesses of ``T`` at
``getelementptr inbounds T, ptr p, i64 k`` (the vector access covers every lane, so the
addresses are in bounds), each aligned to the largest power of two dividing both the vector's
alignment and the lane's byte offset.  Only byte-sized lanes are split (``<8 x i1>`` in
memory is bit-packed).  Masked loads, stores, gathers and scatters (``scalarize_calls.py``)
guard each lane whose mask is not a constant with a branch, as the lane may not be
dereferenceable.

Refused (``UnsupportedError`` naming the instruction and its source line): an
``extractelement`` / ``insertelement`` whose lane index is not a constant, a vector passed to
or returned from a call that is not a known intrinsic, an intrinsic without a scalar form
here, a ``bitcast`` whose sides do not split into whole lanes of each other, volatile vector
memory accesses, lanes that are not byte-sized in memory, aggregates holding vectors, and
vector parameters or results of the function itself.
"""
from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional

from ..errors import UnsupportedError, internal, unsupported
from ..ir.builder import Builder
from ..ir.function_parser import FunctionParser
from ..ir.lexer import ParseError, Tokens, parse_type, unquote
from ..ir.types import (I64, PTR, ArrayType, FloatType, IntType, StructType, Type, VectorType,
                        align_of)
from ..ir.values import (Block, Constant, Function, GlobalRef, Instruction, Module, Value,
                         const_int, zero)
from .scalarize_calls import Refused, memory_lane_size, min_align, parse_align, plan_call

ELEMENTWISE_OPS = {"add", "sub", "mul", "udiv", "sdiv", "urem", "srem", "shl", "lshr", "ashr",
                   "and", "or", "xor", "fadd", "fsub", "fmul", "fdiv", "frem", "fneg", "freeze"}
CASTS = {"trunc", "zext", "sext", "fptrunc", "fpext", "fptoui", "fptosi", "uitofp", "sitofp",
         "ptrtoint", "inttoptr", "addrspacecast", "bitcast"}
TEMPLATED = ("extractelement", "insertelement", "shufflevector")

HELP = ("zymase splits vector code into scalar lanes before differentiating it; compile without "
        "vectorisation to avoid this construct (clang: -fno-vectorize -fno-slp-vectorize; "
        "rustc: -C no-vectorize-loops -C no-vectorize-slp)")


class _Lane(Value):
    """Placeholder for a lane of a vector instruction that is not scalarised yet."""
    __slots__ = ()


def has_vectors(t: Type) -> bool:
    if isinstance(t, VectorType):
        return True
    if isinstance(t, StructType):
        return any(has_vectors(e) for e in t.elements)
    if isinstance(t, ArrayType):
        return has_vectors(t.element)
    return False


def touches_vectors(i: Instruction) -> bool:
    return (i.opcode in TEMPLATED or has_vectors(i.type)
            or any(has_vectors(o.type) for o in i.operands))


def scalarize(module: Module, fn: Function) -> int:
    """Rewrite every vector operation of ``fn`` into scalar ones; returns how many vector
    instructions there were (0: ``fn`` was not touched)."""
    work = [i for i in fn.instructions() if touches_vectors(i)]
    bad = [a for a in fn.args if has_vectors(a.type)]
    if bad or has_vectors(fn.ret_type):
        what = (f"parameter {'%' + bad[0].name if bad[0].name else bad[0].index} of type "
                f"{bad[0].type}" if bad
                else f"its result of type {fn.ret_type}")
        raise unsupported(f"@{fn.name}: {what} is a vector",
                          help="zymase differentiates functions whose parameters and result "
                               "are scalars or pointers; pass vectors through memory")
    if not work:
        return 0
    s = _Scalarizer(module, fn)
    plans = [(i, s.plan(i)) for i in work]
    before = {id(i) for i in fn.instructions()}
    for i, apply in plans:
        apply(Builder(module, loc=i.loc).before(i))
    s.finish(work)
    remove_dead_lanes(fn, before)
    return len(work)


PURE = ELEMENTWISE_OPS | CASTS | {"icmp", "fcmp", "select", "phi", "getelementptr",
                                  "extractvalue", "insertvalue"}


def remove_dead_lanes(fn: Function, before) -> int:
    """Erase what no live instruction uses any more: the lanes a vector computed but no one
    read (the unread half of a ``shufflevector``, the other lanes of an
    ``extractelement``'s source), and the scalar code that only fed them.  Dead code would be
    differentiated too, and those lanes compute on values that were poison in the vector code
    (zeros now).  Liveness starts at every instruction that is not pure arithmetic (stores,
    calls, terminators; for instructions that were there before the pass (ids in
    ``before``), loads too) and follows operands, so dead cycles through lane phis go too."""
    insts = list(fn.instructions())
    live = set()

    def removable(i: Instruction) -> bool:
        if i.opcode in PURE and i.template is None:
            return True
        if id(i) in before:
            return False
        # the pass's own loads and intrinsic lane calls (pure: elementwise math, min/max)
        return i.opcode == "load" or (i.opcode == "call" and (i.callee_name or "")
                                      .startswith("llvm."))
    work = [i for i in insts if not removable(i)]
    while work:
        i = work.pop()
        if id(i) in live:
            continue
        live.add(id(i))
        work.extend(o for o in i.operands if isinstance(o, Instruction) and id(o) not in live)
    dead = {id(i) for i in insts if id(i) not in live}
    if dead:
        for blk in fn.blocks:
            blk.instructions = [i for i in blk.instructions if id(i) not in dead]
    return len(dead)


def scalarize_module(module: Module, fn: Function) -> int:
    """``scalarize`` on ``fn`` and on every function with a body that it reaches through
    calls (the callees canonicalisation kept out of line: recursive ones, which are
    differentiated too, and the program's own derivative functions, which are only called).
    A refusal in ``fn`` is raised; a callee that cannot be scalarised is left as it was (every
    refusal comes before the first change), for the transform to refuse by name if it has to
    differentiate it."""
    seen, todo, total = set(), [fn], 0
    while todo:
        f = todo.pop()
        if f.name in seen:
            continue
        seen.add(f.name)
        try:
            total += scalarize(module, f)
        except UnsupportedError:
            if f is fn:
                raise
            continue
        for i in f.instructions():
            callee = module.functions.get(i.callee_name) if i.opcode == "call" else None
            if callee is not None and not callee.is_declaration:
                todo.append(callee)
    return total


class _Scalarizer:
    def __init__(self, module: Module, fn: Function):
        self.module, self.fn = module, fn
        self.lanes: Dict[Value, List[Value]] = {}
        self.repl: Dict[Value, Value] = {}
        self.pending: Dict[Value, List[_Lane]] = {}
        self.const_lanes: Dict[Constant, List[Value]] = {}
        self._printer = None

    # -- refusals ---------------------------------------------------------------------
    def describe(self, i: Instruction) -> str:
        from ..ir.printer import FunctionPrinter
        if self._printer is None:
            self._printer = FunctionPrinter(self.fn)
        try:
            return self._printer.inst(i)
        except Exception:           # noqa: BLE001 - only for the message
            return i.opcode

    def refuse(self, i: Instruction, why: str):
        return unsupported(f"the vector instruction `{self.describe(i)}` in @{self.fn.name} "
                           f"({why})", i.loc, help=HELP)

    # -- lanes ------------------------------------------------------------------------
    def lanes_of(self, v: Value, n: Optional[int] = None) -> List[Value]:
        if not isinstance(v.type, VectorType):
            raise internal(f"@{self.fn.name}", f"scalarising: {v!r} is not a vector")
        if n is not None and v.type.count != n:
            raise internal(f"@{self.fn.name}", f"scalarising: {v!r} has {v.type.count} lanes, "
                                               f"expected {n}")
        got = self.lanes.get(v)
        if got is not None:
            return got
        if isinstance(v, Constant):
            return self.constant_lanes(v)
        if isinstance(v, Instruction):
            ph = self.pending.get(v)
            if ph is None:
                ph = self.pending[v] = [_Lane(v.type.element) for _ in range(v.type.count)]
            return ph
        raise internal(f"@{self.fn.name}", f"scalarising: no lanes for {v!r}")

    def constant_lanes(self, c: Constant) -> List[Value]:
        got = self.const_lanes.get(c)
        if got is None:
            got = self.const_lanes[c] = split_constant(c)
        return got

    def define(self, i: Instruction, lanes: List[Value]) -> None:
        self.lanes[i] = lanes
        for ph, v in zip(self.pending.pop(i, ()), lanes):
            self.repl[ph] = v

    def replace(self, i: Instruction, v: Value) -> None:
        self.repl[i] = v

    # -- planning ---------------------------------------------------------------------
    def plan(self, i: Instruction) -> Callable[[Builder], None]:
        """Check ``i`` and return the function that scalarises it (given a builder placed
        before it); raises ``UnsupportedError`` when it has no exact scalar form."""
        try:
            for o in i.operands:
                if isinstance(o, Constant) and isinstance(o.type, VectorType):
                    self.constant_lanes(o)
            return self._plan(i)
        except Refused as e:
            raise self.refuse(i, str(e)) from None

    def _plan(self, i: Instruction) -> Callable[[Builder], None]:
        op = i.opcode
        for t in [i.type] + [o.type for o in i.operands]:
            if has_vectors(t) and not isinstance(t, VectorType):
                raise Refused(f"an aggregate holding vectors, {t}")
        if op in TEMPLATED:
            return self._plan_template(i)
        if i.template is not None:
            raise Refused("no scalar form of this instruction")
        if op in ELEMENTWISE_OPS:
            return lambda b: self.elementwise(i, b)
        if op in ("icmp", "fcmp"):
            return lambda b: self.elementwise(i, b)
        if op == "select":
            return lambda b: self.select(i, b)
        if op in CASTS:
            return self._plan_cast(i)
        if op == "phi":
            return lambda b: self.phi(i, b)
        if op in ("load", "store"):
            return self._plan_memory(i)
        if op == "getelementptr":
            return lambda b: self.gep(i, b)
        if op == "call":
            return plan_call(self, i)
        raise Refused(f"no scalar form of `{op}` on vectors")

    def _plan_template(self, i: Instruction):
        text = i.template.format(*[f"%zy.op{k}" for k in range(len(i.operands))])
        fp = FunctionParser(None, self.fn)
        fp.locals = {f"zy.op{k}": o for k, o in enumerate(i.operands)}
        tk = Tokens(text)
        tk.next()
        try:
            vec = fp.typed_value(tk)
            if i.opcode == "extractelement":
                tk.expect(",")
                idx = fp.typed_value(tk)
                k = self._lane_index(idx, vec.type)
                return lambda b: self.replace(i, self._lane_or_poison(vec, k))
            if i.opcode == "insertelement":
                tk.expect(",")
                elt = fp.typed_value(tk)
                tk.expect(",")
                idx = fp.typed_value(tk)
                k = self._lane_index(idx, vec.type)
                return lambda b: self.insert(i, vec, elt, k)
            tk.expect(",")
            other = fp.typed_value(tk)
            tk.expect(",")
            mask = fp.typed_value(tk)
        except (ParseError, IndexError, ValueError) as e:
            raise Refused(f"its operands were not understood: {e}") from None
        if not isinstance(mask, Constant):
            raise Refused("a shuffle mask that is not a constant")
        sel = [self._lane_index(m, vec.type, allow_out=True) for m in split_constant(mask, refine=False)]
        for o in (vec, other):
            if isinstance(o, Constant):
                self.constant_lanes(o)
        return lambda b: self.shuffle(i, vec, other, sel)

    def _lane_index(self, idx: Value, vt: Type, allow_out=False) -> Optional[int]:
        """A constant lane index (None: poison/undef, or past the end: the lane is poison)."""
        if not isinstance(idx, Constant):
            raise Refused("a lane index that is not a constant")
        t = idx.text.strip()
        if t in ("poison", "undef"):
            return None
        if t == "zeroinitializer":
            return 0
        if not re.fullmatch(r"-?\d+", t):
            raise Refused(f"a lane index that is not a plain integer, {t}")
        k = int(t)
        return k if 0 <= k < (2 * vt.count if allow_out else vt.count) else None

    def _lane_or_poison(self, vec: Value, k: Optional[int]) -> Value:
        el = vec.type.element
        return self.lanes_of(vec)[k] if k is not None else lane_zero(el)

    def _plan_cast(self, i: Instruction):
        src, dst = i.operands[0].type, i.type
        if i.opcode != "bitcast" or (isinstance(src, VectorType) and isinstance(dst, VectorType)
                                     and src.count == dst.count):
            if not (isinstance(src, VectorType) and isinstance(dst, VectorType)):
                raise Refused("a cast between a vector and a scalar")
            return lambda b: self.cast(i, b)
        sbits, dbits = _lane_bits(src), _lane_bits(dst)
        if sbits is None or dbits is None or max(sbits, dbits) % min(sbits, dbits):
            raise Refused("a bitcast that reinterprets lanes which do not split into whole "
                          "lanes of each other")
        return lambda b: self.repack(i, b, sbits, dbits)

    def _plan_memory(self, i: Instruction):
        vt = i.type if i.opcode == "load" else i.operands[0].type
        if "volatile" in i.flags.split():
            raise Refused("a volatile vector memory access")
        if not isinstance(vt, VectorType):
            raise Refused("a vector address")
        if memory_lane_size(vt.element) is None:
            raise Refused(f"lanes of type {vt.element} are not whole bytes apart in memory")
        return lambda b: self.memory(i, b, vt)

    # -- instructions -----------------------------------------------------------------
    def elementwise(self, i: Instruction, b: Builder):
        n = i.type.count
        ops = [self.lanes_of(o, n) for o in i.operands]
        self.define(i, [b.emit(Instruction(i.opcode, i.type.element, [o[k] for o in ops],
                                           flags=i.flags, pred=i.pred)) for k in range(n)])

    def select(self, i: Instruction, b: Builder):
        n = i.type.count
        c = i.operands[0]
        cs = self.lanes_of(c, n) if isinstance(c.type, VectorType) else [c] * n
        xs, ys = self.lanes_of(i.operands[1], n), self.lanes_of(i.operands[2], n)
        self.define(i, [b.emit(Instruction("select", i.type.element, [cs[k], xs[k], ys[k]],
                                           flags=i.flags)) for k in range(n)])

    def cast(self, i: Instruction, b: Builder):
        n, el = i.type.count, i.type.element
        src = self.lanes_of(i.operands[0], n)
        if i.opcode == "bitcast" and i.operands[0].type.element == el:
            self.define(i, list(src))
            return
        self.define(i, [b.emit(Instruction(i.opcode, el, [x], flags=i.flags)) for x in src])

    def repack(self, i: Instruction, b: Builder, sbits: int, dbits: int):
        """``bitcast`` that regroups lanes (``<2 x i1>`` → ``i2``, ``<4 x i32>`` →
        ``<2 x i64>``, ``i64`` → ``<2 x float>``): through integers, lane 0 in the low bits
        (x86-64 is little-endian)."""
        v, dst = i.operands[0], i.type
        src_lanes = self.lanes_of(v) if isinstance(v.type, VectorType) else [v]
        s_el = v.type.scalar
        ints = [x if s_el.is_int else b.cast("bitcast", x, IntType(sbits)) for x in src_lanes]
        out: List[Value] = []
        if dbits >= sbits:
            per = dbits // sbits
            wide = IntType(dbits)
            for g in range(0, len(ints), per):
                acc = None
                for k, x in enumerate(ints[g:g + per]):
                    x = b.cast("zext", x, wide)
                    if k:
                        x = b.binop("shl", x, const_int(wide, k * sbits))
                    acc = x if acc is None else b.binop("or", acc, x)
                out.append(acc)
        else:
            per = sbits // dbits
            narrow = IntType(dbits)
            for x in ints:
                for k in range(per):
                    y = b.binop("lshr", x, const_int(x.type, k * dbits)) if k else x
                    out.append(b.cast("trunc", y, narrow))
        d_el = dst.scalar
        if not d_el.is_int:
            out = [b.cast("bitcast", x, d_el) for x in out]
        if isinstance(dst, VectorType):
            self.define(i, out)
        else:
            self.replace(i, out[0])

    def phi(self, i: Instruction, b: Builder):
        n = i.type.count
        incoming = [self.lanes_of(v, n) for v in i.operands]
        self.define(i, [b.emit(Instruction("phi", i.type.element, [x[k] for x in incoming],
                                           flags=i.flags, blocks=list(i.blocks)))
                        for k in range(n)])

    def lane_address(self, b: Builder, el: Type, p: Value, k: int, inbounds=True) -> Value:
        if k == 0:
            return p
        return b.gep(el, p, [const_int(I64, k)], flags="inbounds" if inbounds else "")

    def memory(self, i: Instruction, b: Builder, vt: VectorType):
        el, n = vt.element, vt.count
        size = memory_lane_size(el)
        align = parse_align(i.tail, align_of(vt))
        p = i.operands[0] if i.opcode == "load" else i.operands[1]
        if i.opcode == "load":
            lanes = []
            for k in range(n):
                q = self.lane_address(b, el, p, k)
                lanes.append(b.load(el, q, min_align(align, k * size)))
                lanes[-1].flags = i.flags
            self.define(i, lanes)
            return
        vals = self.lanes_of(i.operands[0], n)
        for k in range(n):
            q = self.lane_address(b, el, p, k)
            b.store(vals[k], q, min_align(align, k * size)).flags = i.flags

    def gep(self, i: Instruction, b: Builder):
        n = i.type.count
        ops = [self.lanes_of(o, n) if isinstance(o.type, VectorType) else [o] * n
               for o in i.operands]
        self.define(i, [b.emit(Instruction("getelementptr", PTR, [o[k] for o in ops],
                                           flags=i.flags, src_type=i.src_type))
                        for k in range(n)])

    def insert(self, i: Instruction, vec: Value, elt: Value, k: Optional[int]):
        if k is None:       # past the end: the result is poison
            self.define(i, [lane_zero(i.type.element)] * i.type.count)
            return
        lanes = list(self.lanes_of(vec))
        lanes[k] = elt
        self.define(i, lanes)

    def shuffle(self, i: Instruction, a: Value, c: Value, sel: List[Optional[int]]):
        n = a.type.count
        la, lc = self.lanes_of(a), self.lanes_of(c)
        el = i.type.element
        self.define(i, [lane_zero(el) if k is None else (la[k] if k < n else lc[k - n])
                        for k in sel])

    # -- control flow (masked memory) --------------------------------------------------
    def split_before(self, i: Instruction) -> Block:
        """Move ``i`` and everything after it in its block into a new block laid out next;
        the old block is left without a terminator.  Phis of the successors now name the
        new block."""
        old = i.block
        k = old.instructions.index(i)
        new = self.fn.add_block(None, after=old)
        moved = old.instructions[k:]
        del old.instructions[k:]
        for x in moved:
            new.append(x)
        for s in new.successors():
            for ph in s.phis():
                ph.blocks = [new if bb is old else bb for bb in ph.blocks]
        return new

    # -- the end ----------------------------------------------------------------------
    def finish(self, work: List[Instruction]) -> None:
        dead = {id(i) for i in work}
        for blk in self.fn.blocks:
            blk.instructions = [i for i in blk.instructions if id(i) not in dead]
        for i in work:
            i.block = None
        if self.pending:
            raise internal(f"@{self.fn.name}", "scalarising: lanes of a vector were used but "
                                               "never defined")
        repl = self.repl

        def resolve(v: Value) -> Value:
            for _ in range(len(repl) + 1):
                if v not in repl:
                    return v
                v = repl[v]
            raise internal(f"@{self.fn.name}", "scalarising: a cycle of replacements")

        for inst in self.fn.instructions():
            ops = inst.operands
            for k, v in enumerate(ops):
                if v in repl:
                    ops[k] = resolve(v)
            for v in ops:
                if isinstance(v, _Lane) or (isinstance(v, Instruction) and id(v) in dead) \
                        or has_vectors(v.type):
                    raise internal(f"@{self.fn.name}", f"scalarising left {v!r} in "
                                                       f"`{self.describe(inst)}`")


def _lane_bits(t: Type) -> Optional[int]:
    el = t.scalar
    if isinstance(el, IntType):
        return el.bits
    if isinstance(el, FloatType) and el.kind in ("half", "bfloat", "float", "double"):
        return {"half": 16, "bfloat": 16, "float": 32, "double": 64}[el.kind]
    return None


def split_constant(c: Constant, refine: bool = True) -> List[Value]:
    """The lanes of a vector constant: ``<T a, T b>``, ``splat (T a)``, ``zeroinitializer``,
    ``poison``, ``undef``; poison and undef lanes become zeros unless ``refine`` is false.
    Raises ``Refused`` for a constant expression."""
    vt = c.type
    el, n = vt.element, vt.count
    t = c.text.strip()
    if t == "zeroinitializer" or (refine and t in ("poison", "undef")):
        return [lane_zero(el)] * n
    if t in ("poison", "undef"):
        return [Constant(el, t)] * n
    tk = Tokens(t)
    fp = _ConstantReader()
    try:
        if tk.accept("splat"):
            tk.expect("(")
            v = fp.lane(tk)
            tk.expect(")")
            out = [v] * n
        else:
            tk.expect("<")
            out = [fp.lane(tk)]
            while tk.accept(","):
                out.append(fp.lane(tk))
            tk.expect(">")
        if not tk.done() or len(out) != n:
            raise ParseError(t)
    except (ParseError, IndexError, ValueError):
        raise Refused(f"a vector constant with no lanes to read, {t}") from None
    return [lane_zero(el) if refine and isinstance(v, Constant) and v.text in ("poison", "undef")
            else v for v in out]


def lane_zero(el: Type) -> Constant:
    """Zero of a lane type; also what a ``poison``/``undef`` lane becomes (a refinement LLVM
    allows): a poison operand in live scalar code (the masked-off lanes of a masked load) would
    make its adjoint poison, a zero keeps every product finite."""
    try:
        return zero(el)
    except TypeError:            # half, bfloat: no helper spelling
        return Constant(el, "zeroinitializer")


class _ConstantReader:
    """Reads ``T value`` lanes of a vector constant with the function reader's value syntax
    (constant expressions such as ``getelementptr (…)`` included)."""

    def __init__(self):
        self.fp = FunctionParser(None, Function("zy.const", PTR, []))

    def lane(self, tk: Tokens) -> Value:
        ty = parse_type(tk)
        if tk.kind() == "global":
            return GlobalRef(unquote(tk.next()), ty)
        if tk.kind() == "local":
            raise ParseError("a local in a constant")
        return self.fp.value(tk, ty)

"""Derivatives of the BLAS calls Numba emits for ``np.dot``, ``@`` and ``np.linalg.norm``:
``numba_xxdot`` and ``numba_xxnrm2`` (vectors), ``numba_xxgemv`` (matrix·vector) and
``numba_xxgemm`` (matrix·matrix; Fortran BLAS, column-major, any transpose flags).

They are external C functions that read float memory and write their result through a
pointer, so neither the rules table (values in, value out) nor instruction-level
differentiation can see into them.  Their derivatives are small loops, emitted as internal
helper functions (inlined by O3, and ordinary loop code when a derivative is differentiated
again), and calls of gemv/gemm themselves on shadows and copies:

* ``r = x·y``:            ṙ = ẋ·y + x·ẏ;                 x̄ += r̄ y,  ȳ += r̄ x
* ``r = ‖x‖₂``:           ṙ = (x·ẋ)/r;                   x̄ += r̄ x / r   (0 where r = 0)
* ``C = α op(A) op(B) + β C`` (gemv: B is a vector):
  Ċ = α (op(Ȧ) op(B) + op(A) op(Ḃ)) + β Ċ;   Ā, B̄ by the transposed products;  C̄ ← β C̄

Reverse mode copies the vectors the adjoint needs into a heap block when the call runs (the
arrays may be overwritten later; the gradient is with respect to the values the call saw),
hands the block to the adjoint sweep through the tape and frees it there.  Only real kinds
('d', 's') are differentiated; complex dots raise ``UnsupportedError``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import List, Optional, Tuple

from ...errors import unsupported
from ...ir.builder import Builder
from ...ir.types import F32, F64, I8, I32, I64, PTR, VOID, FunctionType, Type
from ...ir.values import (Argument, Constant, Function, Instruction, Module, Value, const_float,
                          const_int, zero)
from ..call_rules import CallRule

DOT, NRM2 = "numba_xxdot", "numba_xxnrm2"
CALLS = {DOT, NRM2}
_KIND = {100: F64, 115: F32}          # 'd', 's'


@dataclass
class BlasCall:
    name: str
    t: Type                            # float type of the vectors and the result
    n: Value
    vecs: List[Tuple[Value, Value]]    # (pointer, increment) of each input vector
    out: Value                         # where the result is written


def parse(i: Instruction) -> BlasCall:
    name = i.callee_name or ""
    ops = i.operands
    kind = ops[0]
    code = int(kind.text) if isinstance(kind, Constant) else None
    if code not in _KIND:
        raise unsupported(f"a complex or non-constant-kind BLAS call `{name}`", i.loc,
                          help="zymase differentiates real float64/float32 vectors")
    one = const_int(I64, 1)
    if name == DOT:
        conj = ops[1]
        if not (isinstance(conj, Constant) and conj.text in ("0", "false")):
            raise unsupported("a conjugated BLAS dot (vdot of complex vectors)", i.loc)
        return BlasCall(name, _KIND[code], ops[2], [(ops[3], one), (ops[4], one)], ops[5])
    return BlasCall(name, _KIND[code], ops[1], [(ops[2], ops[3])], ops[4])


def written(i: Instruction) -> List[Value]:
    """The memory a BLAS call writes: its result slot."""
    return [i.operands[5] if i.callee_name == DOT else i.operands[4]]


# -- helper loops ------------------------------------------------------------------------------
def float_suffix(t: Type) -> str:
    return "f64" if t == F64 else "f32"


def loop_fn(module: Module, name: str, ret: Type, params, body):
    """Define ``name(params…)``: a counted loop ``for k in 0..n`` whose body is
    ``body(b, k, acc, args) -> new acc`` (acc is None for a void function)."""
    if name in module.functions:
        return name
    args = [Argument(t, nm) for t, nm in params]
    fn = Function(name, ret, args)
    fn.linkage = "internal"
    module.add_function(fn)
    entry, head, loop, done = (fn.add_block(x) for x in ("entry", "head", "loop", "done"))
    n = args[0]
    Builder(module, entry).br(head)
    hb = Builder(module, head)
    k = hb.phi(I64)
    acc = hb.phi(ret) if ret != VOID else None
    hb.cbr(hb.icmp("slt", k, n), loop, done)
    lb = Builder(module, loop)
    new_acc = body(lb, k, acc, args)
    k1 = lb.add(k, const_int(I64, 1))
    lb.br(head)
    k.add_incoming(const_int(I64, 0), entry)
    k.add_incoming(k1, loop)
    if acc is not None:
        acc.add_incoming(const_float(ret, 0.0), entry)
        acc.add_incoming(new_acc, loop)
    db = Builder(module, done)
    db.ret(acc) if acc is not None else db.ret()
    return name


def _at(b: Builder, t: Type, p: Value, inc: Value, k: Value) -> Value:
    return b.gep(t, p, [b.mul(k, inc)])


def dot_helper(module: Module, t: Type) -> str:
    """``dot(n, x, incx, y, incy) = Σ x[k·incx]·y[k·incy]``."""
    def body(b, k, acc, a):
        _, x, ix, y, iy = a
        return b.fadd(acc, b.fmul(b.load(t, _at(b, t, x, ix, k)), b.load(t, _at(b, t, y, iy, k))))
    return loop_fn(module, f"zymase.blas.dot.{float_suffix(t)}", t,
                    [(I64, "n"), (PTR, "x"), (I64, "incx"), (PTR, "y"), (I64, "incy")], body)


def axpy_helper(module: Module, t: Type) -> str:
    """``axpy(n, a, x, incx, y, incy)``: ``y[k·incy] += a·x[k·incx]``."""
    def body(b, k, acc, a):
        _, alpha, x, ix, y, iy = a
        p = _at(b, t, y, iy, k)
        b.store(b.fadd(b.load(t, p), b.fmul(alpha, b.load(t, _at(b, t, x, ix, k)))), p)
        return None
    return loop_fn(module, f"zymase.blas.axpy.{float_suffix(t)}", VOID,
                    [(I64, "n"), (t, "a"), (PTR, "x"), (I64, "incx"), (PTR, "y"), (I64, "incy")],
                    body)


def pack_helper(module: Module, t: Type) -> str:
    """``pack(n, x, incx, dst)``: ``dst[k] = x[k·incx]``."""
    def body(b, k, acc, a):
        _, x, ix, dst = a
        b.store(b.load(t, _at(b, t, x, ix, k)), b.gep(t, dst, [k]))
        return None
    return loop_fn(module, f"zymase.blas.pack.{float_suffix(t)}", VOID,
                    [(I64, "n"), (PTR, "x"), (I64, "incx"), (PTR, "dst")], body)


def dot(b: Builder, t: Type, n, x, ix, y, iy) -> Value:
    name = dot_helper(b.module, t)
    return b.call(name, FunctionType(t, (I64, PTR, I64, PTR, I64)), [n, x, ix, y, iy])


def axpy(b: Builder, t: Type, n, alpha, x, ix, y, iy) -> None:
    name = axpy_helper(b.module, t)
    b.call(name, FunctionType(VOID, (I64, t, PTR, I64, PTR, I64)), [n, alpha, x, ix, y, iy])


def pack(b: Builder, t: Type, n, x, ix, dst) -> None:
    name = pack_helper(b.module, t)
    b.call(name, FunctionType(VOID, (I64, PTR, I64, PTR)), [n, x, ix, dst])


# -- forward mode ------------------------------------------------------------------------------
def tangent(b: Builder, c: BlasCall, shadows: List[Optional[Value]], result: Value) -> Value:
    """The tangent of the call's result for one lane: ``shadows[k]`` is the lane's tangent
    pointer of input vector k (None when that vector carries no tangent)."""
    t, one = c.t, const_int(I64, 1)
    acc: Value = const_float(t, 0.0)
    if c.name == DOT:
        (x, _), (y, _) = c.vecs
        sx, sy = shadows
        if sx is not None:
            acc = b.fadd(acc, dot(b, t, c.n, sx, one, y, one))
        if sy is not None:
            acc = b.fadd(acc, dot(b, t, c.n, x, one, sy, one))
        return acc
    (x, ix), = c.vecs
    if shadows[0] is None:
        return acc
    d = dot(b, t, c.n, x, ix, shadows[0], ix)
    nz = b.fcmp("one", result, const_float(t, 0.0))
    return b.select(nz, b.fdiv(d, result), const_float(t, 0.0))


# -- reverse mode ------------------------------------------------------------------------------
def save(b: Builder, c: BlasCall, active: List[bool]) -> Value:
    """Copy what the adjoint will read into a heap block (contiguous); returns the block.
    dot: y if x is active, x if y is active; nrm2: x."""
    t = c.t
    size = 8 if t == F64 else 4
    need = _saved(c, active)
    nbytes = b.mul(c.n, const_int(I64, size * max(1, len(need))))
    buf = b.call("malloc", FunctionType(PTR, (I64,)), [b.add(nbytes, const_int(I64, 8))])
    for slot, k in enumerate(need):
        p, inc = c.vecs[k]
        pack(b, t, c.n, p, inc, b.gep(t, buf, [b.mul(c.n, const_int(I64, slot))]))
    if c.name == NRM2:  # the norm itself, after the vector
        b.store(b.load(t, c.out), b.gep(t, buf, [c.n]))
    return buf


def _saved(c: BlasCall, active: List[bool]) -> List[int]:
    if c.name == DOT:
        return [k for k, need in ((1, active[0]), (0, active[1])) if need]
    return [0]


def adjoint(b: Builder, c: BlasCall, active: List[bool], buf: Value, rbar: Value,
            shadows: List[Optional[Value]]) -> None:
    """Accumulate the call's adjoint for one lane into the lane's shadows of its inputs."""
    t, one = c.t, const_int(I64, 1)
    need = _saved(c, active)
    copy = {k: b.gep(t, buf, [b.mul(c.n, const_int(I64, slot))]) for slot, k in enumerate(need)}
    if c.name == DOT:
        if active[0]:
            axpy(b, t, c.n, rbar, copy[1], one, shadows[0], one)
        if active[1]:
            axpy(b, t, c.n, rbar, copy[0], one, shadows[1], c.vecs[1][1])
        return
    result = b.load(t, b.gep(t, buf, [c.n]))
    nz = b.fcmp("one", result, const_float(t, 0.0))
    scale = b.select(nz, b.fdiv(rbar, result), const_float(t, 0.0))
    axpy(b, t, c.n, scale, copy[0], one, shadows[0], c.vecs[0][1])


# -- level 2 and 3: matrix-vector and matrix-matrix products (Fortran BLAS, column-major) --------
GEMV, GEMM = "numba_xxgemv", "numba_xxgemm"
MATRIX = {GEMV, GEMM}
CALLS |= MATRIX   # every call this module differentiates
TRANS_N, TRANS_T = 110, 116           # 'n', 't'
_GEMV_T = FunctionType(I32, (I8, I8, I64, I64, PTR, PTR, I64, PTR, PTR, PTR))
GEMM_TYPE = FunctionType(I32, (I8, I8, I8, I64, I64, I64, PTR, PTR, I64, PTR, I64, PTR, PTR, I64))


@dataclass
class MatCall:
    """``gemv``: y = α op(A) x + β y  (A is m×n with leading dimension lda, op by ``ta``);
    ``gemm``: C = α op(A) op(B) + β C  (op(A) m×k, op(B) k×n, C m×n)."""
    name: str
    t: Type
    kind: Value
    ta: int
    tb: int
    m: Value
    n: Value
    k: Value                           # gemm only
    alpha: Value                       # pointers to the scalars
    a: Value
    lda: Value
    b: Value                           # x for gemv
    ldb: Value
    beta: Value
    c: Value                           # y for gemv
    ldc: Value


# 'n'/'N' no transpose; 't'/'T' transpose; 'c'/'C' conjugate transpose, which for the real
# kinds differentiated here is the transpose (np.linalg.pinv passes 'C')
_FLAGS = {TRANS_N: TRANS_N, ord("N"): TRANS_N, TRANS_T: TRANS_T, ord("T"): TRANS_T,
          ord("c"): TRANS_T, ord("C"): TRANS_T}


def _flag(v: Value, name: str, i: Instruction) -> int:
    code = int(v.text) if isinstance(v, Constant) else None
    if code not in _FLAGS:
        raise unsupported(f"a BLAS call `{name}` with a transpose flag zymase cannot read", i.loc)
    return _FLAGS[code]


def parse_matrix(i: Instruction) -> MatCall:
    name = i.callee_name or ""
    o = i.operands
    code = int(o[0].text) if isinstance(o[0], Constant) else None
    if code not in _KIND:
        raise unsupported(f"a complex or non-constant-kind BLAS call `{name}`", i.loc,
                          help="zymase differentiates real float64/float32 arrays")
    t = _KIND[code]
    one = const_int(I64, 1)
    if name == GEMV:
        return MatCall(name, t, o[0], _flag(o[1], name, i), TRANS_N, o[2], o[3], one, o[4], o[5],
                       o[6], o[7], one, o[8], o[9], one)
    return MatCall(name, t, o[0], _flag(o[1], name, i), _flag(o[2], name, i), o[3], o[4], o[5],
                   o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13])


def matrix_inputs(c: MatCall) -> List[Value]:
    return [c.a, c.b]


def matrix_written(i: Instruction) -> List[Value]:
    return [i.operands[9] if i.callee_name == GEMV else i.operands[12]]


def i8_const(v: int) -> Value:
    return const_int(I8, v)


def _flip(t: int) -> int:
    return TRANS_T if t == TRANS_N else TRANS_N


def _gemv(b: Builder, c: MatCall, trans: int, m, n, alpha_p, a, lda, x, beta_p, y):
    b.call(GEMV, _GEMV_T, [c.kind, i8_const(trans), m, n, alpha_p, a, lda, x, beta_p, y])


def _gemm(b: Builder, c: MatCall, ta: int, tb: int, m, n, k, alpha_p, a, lda, bb, ldb, beta_p,
          cc, ldc):
    b.call(GEMM, GEMM_TYPE, [c.kind, i8_const(ta), i8_const(tb), m, n, k, alpha_p, a, lda, bb,
                             ldb, beta_p, cc, ldc])


def scalar_slot(entry: Builder, b: Builder, t: Type, v: Value) -> Value:
    s = entry.alloca(t)
    b.store(v, s)
    return s


def _stored_shape(c: MatCall, which: str):
    """(rows, cols) of the stored (column-major) A or B."""
    if c.name == GEMV:
        if which == "a":
            return c.m, c.n
        return (c.n if c.ta == TRANS_N else c.m), const_int(I64, 1)
    if which == "a":
        return (c.m, c.k) if c.ta == TRANS_N else (c.k, c.m)
    return (c.k, c.n) if c.tb == TRANS_N else (c.n, c.k)


def _out_shape(c: MatCall):
    if c.name == GEMV:
        return (c.m if c.ta == TRANS_N else c.n), const_int(I64, 1)
    return c.m, c.n


def pack2_helper(module: Module, t: Type) -> str:
    """``pack2(cols, rows, src, ld, dst)``: dst[r + c·rows] = src[r + c·ld] (a column-major
    matrix made compact; the loop runs over columns, so ``cols`` comes first)."""
    def body(b, c, acc, a):
        _, rows, src, ld, dst = a
        pack(b, t, rows, b.gep(t, src, [b.mul(c, ld)]), const_int(I64, 1),
             b.gep(t, dst, [b.mul(c, rows)]))
        return None
    return loop_fn(module, f"zymase.blas.pack2.{float_suffix(t)}", VOID,
                    [(I64, "cols"), (I64, "rows"), (PTR, "src"), (I64, "ld"), (PTR, "dst")], body)


def scale2_helper(module: Module, t: Type) -> str:
    """``scale2(cols, rows, beta, p, ld)``: p[r + c·ld] = β·p[…], exactly 0 when β = 0 (BLAS
    does not read C then, so C's old contents get no derivative)."""
    def column(b, r, acc, a):
        _, beta, p = a
        q = b.gep(t, p, [r])
        zero_ = const_float(t, 0.0)
        b.store(b.select(b.fcmp("oeq", beta, zero_), zero_, b.fmul(beta, b.load(t, q))), q)
        return None
    col = loop_fn(module, f"zymase.blas.scale1.{float_suffix(t)}", VOID,
                   [(I64, "n"), (t, "beta"), (PTR, "p")], column)

    def body(b, c, acc, a):
        _, rows, beta, p, ld = a
        b.call(col, FunctionType(VOID, (I64, t, PTR)), [rows, beta, b.gep(t, p, [b.mul(c, ld)])])
        return None
    return loop_fn(module, f"zymase.blas.scale2.{float_suffix(t)}", VOID,
                    [(I64, "cols"), (I64, "rows"), (t, "beta"), (PTR, "p"), (I64, "ld")], body)


def ger_helper(module: Module, t: Type) -> str:
    """``ger(cols, rows, alpha, u, v, p, ld)``: p[r + c·ld] += α·u[r]·v[c]."""
    name = f"zymase.blas.ger.{float_suffix(t)}"
    if name in module.functions:
        return name

    def body(b, c, acc, a):
        cols, rows, alpha, u, v, p, ld = a
        s = b.fmul(alpha, b.load(t, b.gep(t, v, [c])))
        axpy(b, t, rows, s, u, const_int(I64, 1), b.gep(t, p, [b.mul(c, ld)]), const_int(I64, 1))
        return None
    return loop_fn(module, name, VOID, [(I64, "cols"), (I64, "rows"), (t, "alpha"), (PTR, "u"),
                                         (PTR, "v"), (PTR, "p"), (I64, "ld")], body)


def matrix_tangent(b: Builder, entry: Builder, c: MatCall, sa: Optional[Value],
                   sb_: Optional[Value], sc: Value) -> None:
    """One lane: the tangent of the output, written into its shadow ``sc``:
    Ċ = α(op(Ȧ) op(B) + op(A) op(Ḃ)) + β Ċ."""
    one = scalar_slot(entry, b, c.t, const_float(c.t, 1.0))
    beta = c.beta
    terms = [(sa, c.b), (c.a, sb_)] if sa is not None else [(c.a, sb_)]
    terms = [(x, y) for x, y in terms if x is not None and y is not None]
    if not terms:
        rows, cols = _out_shape(c)
        name = scale2_helper(b.module, c.t)
        b.call(name, FunctionType(VOID, (I64, I64, c.t, PTR, I64)),
               [cols, rows, b.load(c.t, c.beta), sc, c.ldc if c.name == GEMM else rows])
        return
    for a_, b_ in terms:
        if c.name == GEMV:
            _gemv(b, c, c.ta, c.m, c.n, c.alpha, a_, c.lda, b_, beta, sc)
        else:
            _gemm(b, c, c.ta, c.tb, c.m, c.n, c.k, c.alpha, a_, c.lda, b_, c.ldb, beta, sc, c.ldc)
        beta = one


def matrix_save(b: Builder, c: MatCall, active: List[bool]) -> Value:
    """Heap block: [α, β, A copy if B active, B copy if A active] (copies compact)."""
    t = c.t
    size = 8 if t == F64 else 4
    ar, ac = _stored_shape(c, "a")
    br, bc = _stored_shape(c, "b")
    na, nb = b.mul(ar, ac), b.mul(br, bc)
    total = const_int(I64, 2)
    if active[1]:
        total = b.add(total, na)
    if active[0]:
        total = b.add(total, nb)
    buf = b.call("malloc", FunctionType(PTR, (I64,)), [b.mul(total, const_int(I64, size))])
    b.store(b.load(t, c.alpha), buf)
    b.store(b.load(t, c.beta), b.gep(t, buf, [const_int(I64, 1)]))
    off: Value = const_int(I64, 2)
    p2 = pack2_helper(b.module, t)
    ft = FunctionType(VOID, (I64, I64, PTR, I64, PTR))
    if active[1]:
        b.call(p2, ft, [ac, ar, c.a, c.lda, b.gep(t, buf, [off])])
        off = b.add(off, na)
    if active[0]:
        b.call(p2, ft, [bc, br, c.b, c.ldb, b.gep(t, buf, [off])])
    return buf


def matrix_adjoint(b: Builder, entry: Builder, c: MatCall, active: List[bool], buf: Value,
                   sa: Optional[Value], sb_: Optional[Value], sc: Value) -> None:
    """One lane.  ``c`` holds the sizes and flags (pointers unused but ``kind``); ``sa``,
    ``sb_`` the shadows of A and B (None if inactive), ``sc`` the output's shadow C̄, which
    becomes β C̄ afterwards.  Copies of A and B (compact: leading dimension = stored rows)
    come from ``buf``."""
    t = c.t
    alpha_v = b.load(t, buf)
    beta_v = b.load(t, b.gep(t, buf, [const_int(I64, 1)]))
    alpha = scalar_slot(entry, b, t, alpha_v)
    one = scalar_slot(entry, b, t, const_float(t, 1.0))
    ar, ac = _stored_shape(c, "a")
    br, bc = _stored_shape(c, "b")
    off: Value = const_int(I64, 2)
    a_copy = b_copy = None
    if active[1]:
        a_copy = b.gep(t, buf, [off])
        off = b.add(off, b.mul(ar, ac))
    if active[0]:
        b_copy = b.gep(t, buf, [off])
    if c.name == GEMV:
        if active[0]:   # Ā += α ȳ xᵀ ('n') or α x ȳᵀ ('t')
            u, v = (sc, b_copy) if c.ta == TRANS_N else (b_copy, sc)
            name = ger_helper(b.module, t)
            b.call(name, FunctionType(VOID, (I64, I64, t, PTR, PTR, PTR, I64)),
                   [c.n, c.m, alpha_v, u, v, sa, c.lda])
        if active[1]:   # x̄ += α op(A)ᵀ ȳ
            _gemv(b, c, _flip(c.ta), c.m, c.n, alpha, a_copy, ar, sc, one, sb_)
    else:
        if active[0]:
            if c.ta == TRANS_N:   # Ā(m×k) += α C̄ op(B)ᵀ
                _gemm(b, c, TRANS_N, _flip(c.tb), c.m, c.k, c.n, alpha, sc, c.ldc, b_copy, br, one,
                      sa, c.lda)
            else:            # Ā(k×m) += α op(B) C̄ᵀ
                _gemm(b, c, c.tb, TRANS_T, c.k, c.m, c.n, alpha, b_copy, br, sc, c.ldc, one, sa, c.lda)
        if active[1]:
            if c.tb == TRANS_N:   # B̄(k×n) += α op(A)ᵀ C̄
                _gemm(b, c, _flip(c.ta), TRANS_N, c.k, c.n, c.m, alpha, a_copy, ar, sc, c.ldc, one,
                      sb_, c.ldb)
            else:            # B̄(n×k) += α C̄ᵀ op(A)
                _gemm(b, c, TRANS_T, c.ta, c.n, c.k, c.m, alpha, sc, c.ldc, a_copy, ar, one, sb_,
                      c.ldb)
    rows, cols = _out_shape(c)
    name = scale2_helper(b.module, t)
    b.call(name, FunctionType(VOID, (I64, I64, t, PTR, I64)),
           [cols, rows, beta_v, sc, c.ldc if c.name == GEMM else rows])


# -- the call rules (rules/call_rules.py) ---------------------------------------------------------
def _free(b: Builder, p: Value):
    b.call("free", FunctionType(VOID, (PTR,)), [p])


class VectorRule(CallRule):
    """``numba_xxdot`` / ``numba_xxnrm2``: a float result written through ``out``."""
    names = frozenset(CALLS)

    def written(self, i):
        return written(i)

    def describe(self, i, active):
        return parse(i)

    def inputs(self, c):
        return [p for p, _ in c.vecs]

    def has_work(self, c, on, active, i):
        return any(on) and c.out in active

    def tangent(self, ctx, i, c, on):
        lanes = ctx.lanes_if(self.inputs(c), on)
        b = ctx.b
        result = b.load(c.t, c.out) if c.name == NRM2 else None
        outs = ctx.lanes(c.out)
        for k in range(ctx.width):
            b.store(tangent(b, c, [ln[k] for ln in lanes], result), outs[k])

    def save(self, ctx, i, c, on):
        return save(ctx.b, c, on)

    def needs(self, c, buf, on, shadow):
        return ([buf, c.n] + [inc for _, inc in c.vecs if not isinstance(inc, Constant)]
                + [shadow[p] for (p, _), ok in zip(c.vecs, on) if ok] + [shadow[c.out]])

    def adjoint(self, ctx, c, buf, on):
        b, sb, r = ctx.b, ctx.sb, ctx.r
        sp = ctx.shadow(c.out)
        rbar = sb.load(b, c.t, sp)
        ctx.shadow_access(rbar, c.out)
        ctx.shadow_access(sb.store(b, zero(ctx.stype(c.t)), sp), c.out)
        cr = BlasCall(c.name, c.t, r(c.n), [(None, r(inc)) for _, inc in c.vecs], None)
        lanes = ctx.lanes_if(self.inputs(c), on)
        for k, rb in enumerate(sb.lanes(b, rbar)):
            adjoint(b, cr, on, r(buf), rb, [ln[k] for ln in lanes])
        _free(b, r(buf))


class MatrixRule(CallRule):
    """``numba_xxgemv`` / ``numba_xxgemm``: ``C = α op(A) op(B) + β C``."""
    names = frozenset(MATRIX)

    def written(self, i):
        return matrix_written(i)

    def describe(self, i, active):
        return parse_matrix(i)

    def inputs(self, c):
        return matrix_inputs(c)

    def has_work(self, c, on, active, i):
        return any(on) and c.c in active

    def tangent(self, ctx, i, c, on):
        ins = ctx.lanes_if(self.inputs(c), on)
        outs = ctx.lanes(c.c)
        for k in range(ctx.width):
            matrix_tangent(ctx.b, ctx.entry(), c, ins[0][k], ins[1][k], outs[k])

    def save(self, ctx, i, c, on):
        return matrix_save(ctx.b, c, on)

    def needs(self, c, buf, on, shadow):
        ints = [v for v in (c.m, c.n, c.k, c.lda, c.ldb, c.ldc) if not isinstance(v, Constant)]
        return ([buf] + ints + [shadow[p] for p, ok in zip(self.inputs(c), on) if ok]
                + [shadow[c.c]])

    def adjoint(self, ctx, c, buf, on):
        b, r = ctx.b, ctx.r
        cr = dataclasses.replace(c, m=r(c.m), n=r(c.n), k=r(c.k), lda=r(c.lda), ldb=r(c.ldb),
                                 ldc=r(c.ldc), alpha=None, a=None, b=None, beta=None, c=None)
        ins = ctx.lanes_if(self.inputs(c), on)
        outs = ctx.lanes(c.c)
        entry = ctx.entry()
        for k in range(ctx.width):
            matrix_adjoint(b, entry, cr, on, r(buf), ins[0][k], ins[1][k], outs[k])
        _free(b, r(buf))


VECTOR_RULE = VectorRule()
MATRIX_RULE = MatrixRule()

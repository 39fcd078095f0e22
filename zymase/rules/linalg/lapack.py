"""LAPACK calls Numba emits for ``np.linalg``: which are differentiated, by which rule, and the one
interface forward.py and reverse.py use for all of them.

=====================  ==========================================  ==========================
numpy                  Numba's call(s)                             rule
=====================  ==========================================  ==========================
solve                  numba_xgesv                                 here (below)
inv                    numba_xxgetrf, numba_ez_xxgetri             lapack_lu.py
det, slogdet           numba_xxgetrf (+ loop code over the LU)     lapack_lu.py
cholesky               numba_xxpotrf                               lapack_sym.py
eigh, eigvalsh         numba_ez_xxxevd                             lapack_sym.py
norm(A, ±2), cond      numba_ez_gesdd, jobz 'N' (values only)      lapack_svd.py
svd, pinv              numba_ez_gesdd, jobz 'A' / 'S' (vectors)    lapack_svd.py
qr                     numba_ez_geqrf, then numba_ez_xxgqr         lapack_qr.py (as a pair)
lstsq                  numba_ez_gelsd                              lapack_lstsq.py
eig, eigvals           numba_ez_rgeev, numba_ez_cgeev              refused
=====================  ==========================================  ==========================

Every call works in place on column-major memory (Numba hands it Fortran-order copies it made
itself), so a rule maps the tangent held in the shadow of that memory before the call to the
tangent after it (forward), or the adjoint after the call to the adjoint before it
(reverse, overwriting what the call overwrote).  A call description (``Gesv``,
lapack_lu.LU, lapack_sym.Sym, lapack_svd.Svd, lapack_lstsq.Lstsq, lapack_qr.Qr) names its memory operands
(``ptrs``: the shadows each lane passes, in that order) and its integer operands (``ints``:
what the adjoint sweep must see again); ``remap`` moves it to the adjoint sweep.  The entry points:

* ``parse(i, active)``: the description, or None when no memory operand is active; raises
  ``UnsupportedError`` (naming the numpy function) for refused calls and complex kinds;
* ``forward(i, b, entry, c, lanes)``: code before and after the primal call ``i``;
* ``save(i, b, c)``: reverse mode's heap block of what the adjoint needs (copies: the
  call overwrites its inputs, later code may overwrite its outputs);
* ``adjoint(b, entry, c, buf, lanes)``: the adjoint sweep's code; frees the block.

``np.linalg.solve`` — ``gesv(n, nrhs, a, lda, ipiv, b, ldb)`` overwrites ``b`` with X = A⁻¹B and
``a`` with the LU factors of A.  Numba calls it only from ``np.linalg.solve``, on Fortran-order
copies it makes of A and B; the factorised copy of A is discarded unread, so the LU output
carries no derivative and the rules are those of X = A⁻¹B:

* forward:  Ẋ = A⁻¹ (Ḃ − Ȧ X)      — one more gesv on a copy of A (taken before the call);
* reverse:  B̄ = A⁻ᵀ X̄,  Ā = −B̄ Xᵀ  — gesv on Aᵀ, then a gemm; the copies of A (before the
  call) and X (after it) go to a heap block that the adjoint sweep frees.

The extra solve costs what the primal's does (O(n³)); nothing is factorised twice in the
primal.  Complex kinds raise ``UnsupportedError``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, List, Optional, Tuple

from ...errors import unsupported
from ...ir.builder import Builder
from ...ir.types import I32, I64, I8, PTR, VOID, FunctionType, Type
from ...ir.values import Constant, Instruction, Value, const_float, const_int
from . import blas, lapack_lstsq, lapack_lu, lapack_qr, lapack_svd, lapack_sym
from ..call_rules import CallRule
from .lapack_kernels import Kit

GESV = "numba_xgesv"
_GESV_T = FunctionType(I32, (I8, I64, I64, PTR, I64, PTR, PTR, I64))
# calls zymase knows and refuses, with the numpy functions that emit them
REFUSED = {
    "numba_ez_rgeev": "np.linalg.eig / eigvals (LAPACK geev)",
    "numba_ez_cgeev": "np.linalg.eig / eigvals (LAPACK geev)",
}


@dataclass
class Gesv:
    t: Type
    kind: Value
    n: Value
    nrhs: Value
    a: Value
    lda: Value
    b: Value
    ldb: Value

    name = GESV

    def ptrs(self) -> List[Value]:
        return [self.a, self.b]

    def ints(self) -> List[Value]:
        return [self.n, self.nrhs, self.lda, self.ldb]

    def remap(self, r) -> "Gesv":
        return replace(self, n=r(self.n), nrhs=r(self.nrhs), lda=r(self.lda), ldb=r(self.ldb),
                       a=None, b=None)


CALL_TYPES = (Gesv, lapack_lu.LU, lapack_sym.Sym, lapack_svd.Svd, lapack_lstsq.Lstsq,
              lapack_qr.Qr)


def _const(v: Value) -> Optional[int]:
    return int(v.text) if isinstance(v, Constant) else None


def parse(i: Instruction, active=None):
    """The call's description; None when ``active`` is given and none of the call's memory
    operands is in it (no derivative flows through the call)."""
    name = i.callee_name or ""
    o = i.operands
    if active is not None and not any(p in active for p in o if p.type.is_pointer):
        return None
    if name in REFUSED:
        raise unsupported(f"a call of {REFUSED[name]}", i.loc,
                          help="zymase differentiates np.linalg.solve, inv, det, slogdet, "
                               "cholesky, eigh, eigvalsh, svd, pinv, cond, norm(A, ±2), lstsq and qr")
    code = _const(o[0])
    if code not in blas._KIND:
        raise unsupported(f"{_WHAT[name]} of complex arrays", i.loc,
                          help="zymase differentiates real float64/float32 matrices")
    t = blas._KIND[code]
    if name == GESV:
        return Gesv(t, o[0], o[1], o[2], o[3], o[4], o[6], o[7])
    if name == lapack_lu.GETRF:
        if o[1] is not o[2] and (_const(o[1]) is None or _const(o[1]) != _const(o[2])):
            raise unsupported("an LU factorisation (getrf) of a matrix that may not be square",
                              i.loc)
        return lapack_lu.LU(name, t, o[0], o[2], o[3], o[4], o[5])
    if name == lapack_lu.GETRI:
        return lapack_lu.LU(name, t, o[0], o[1], o[2], o[3], o[4])
    if name in (lapack_qr.GEQRF, lapack_qr.ORGQR):
        return lapack_qr.parse(name, t, i)
    if name == lapack_svd.GESDD:
        jobz = _const(o[1])
        if jobz not in (lapack_svd.JOB_N, lapack_svd.JOB_S, lapack_svd.JOB_A):
            raise unsupported(f"{_WHAT[name]} with a jobz flag zymase cannot read", i.loc)
        return lapack_svd.Svd(name, t, o[0], jobz, o[2], o[3], o[4], o[5], o[6], o[7], o[8],
                              o[9], o[10])
    if name == lapack_lstsq.GELSD:
        return lapack_lstsq.Lstsq(name, t, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8],
                                  o[10])
    if name == lapack_sym.POTRF:
        uplo = _const(o[1])
        if uplo not in (lapack_sym.UP, lapack_sym.LO):
            raise unsupported(f"{_WHAT[name]} with a triangle flag zymase cannot read", i.loc)
        return lapack_sym.Sym(name, t, o[0], uplo, None, o[2], o[3], o[4], None)
    jobz, uplo = _const(o[1]), _const(o[2])
    if jobz not in (lapack_sym.JOB_V, lapack_sym.JOB_N) or uplo not in (lapack_sym.UP,
                                                                        lapack_sym.LO):
        raise unsupported(f"{_WHAT[name]} with flags zymase cannot read", i.loc)
    return lapack_sym.Sym(name, t, o[0], uplo, jobz, o[3], o[4], o[5], o[6])


def written(i: Instruction):
    """The memory the call writes."""
    routine = ROUTINES.get(i.callee_name or "")
    if routine is None:
        return [p for p in i.operands if p.type.is_pointer]
    return [i.operands[k] for k in routine.written]


def has_work(c, on: List[bool], i: Instruction) -> bool:
    """Whether the call needs derivative code, given which of ``c.ptrs()`` have shadows;
    raises where an active input would reach memory without a shadow."""
    if isinstance(c, Gesv):
        if on[0] and not on[1]:
            raise unsupported("np.linalg.solve whose solution memory has no shadow", i.loc)
        return on[1]
    if not all(on) and any(on):
        raise unsupported(f"{_WHAT[i.callee_name]} whose input and output memory are not "
                          "both active", i.loc)
    return all(on)


class _Before(Builder):
    """Emits right before the primal call while ``after`` emits right after it: every
    instruction put before the call moves the call, so ``after``'s index moves with it."""
    def __init__(self, i: Instruction, after: Builder):
        super().__init__(after.module, loc=i.loc)
        self.before(i)
        self._after = after

    def emit(self, inst: Instruction) -> Instruction:
        out = super().emit(inst)
        if self._after.block is self.block:
            self._after.index += 1
        return out


def _kit(b: Builder, entry: Optional[Builder], c) -> Kit:
    return Kit(b, entry, c.t, c.kind, c.n)


def forward(i: Instruction, b: Builder, entry: Builder, c, lanes: List[list]) -> None:
    """``b`` sits right after the primal call ``i`` (rules also emit code before it);
    ``lanes[k]`` lists lane k's shadows of ``c.ptrs()`` (None where inactive)."""
    ROUTINES[c.name].forward(_kit(b, entry, c), _Before(i, b), c, lanes)


def save(i: Instruction, b: Builder, c) -> Value:
    """Reverse mode: the heap block the adjoint reads (code before and after the call ``i``;
    ``b`` sits right after it)."""
    return ROUTINES[c.name].save(_Before(i, b), _kit(b, None, c), c)


def adjoint(b: Builder, entry: Builder, c, buf: Value, lanes: List[list]) -> None:
    """The adjoint sweep for a description ``c`` already moved there (``c.remap``); frees
    ``buf``."""
    routine = ROUTINES[c.name]
    routine.adjoint(_kit(b, entry, c), c, buf, lanes)
    if routine.frees:
        b.call("free", FunctionType(VOID, (PTR,)), [buf])


# -- np.linalg.solve (gesv) -------------------------------------------------------------------
def _alloc(b: Builder, t: Type, count: Value) -> Value:
    return b.call("malloc", FunctionType(PTR, (I64,)),
                  [b.mul(b.add(count, const_int(I64, 1)), const_int(I64, 8))])


def _pack2(b: Builder, t: Type, rows, cols, src, ld, dst):
    b.call(blas.pack2_helper(b.module, t), FunctionType(VOID, (I64, I64, PTR, I64, PTR)),
           [cols, rows, src, ld, dst])


def _transpose(b: Builder, t: Type, n: Value, src: Value, dst: Value):
    """dst (n×n, compact) = srcᵀ (n×n, compact): column c of dst is row c of src."""
    name = f"zymase.lapack.transpose.{blas.float_suffix(t)}"

    def body(bb, c, acc, a):
        nn, s, d = a
        blas.pack(bb, t, nn, bb.gep(t, s, [c]), nn, bb.gep(t, d, [bb.mul(c, nn)]))
        return None
    blas.loop_fn(b.module, name, VOID, [(I64, "n"), (PTR, "src"), (PTR, "dst")], body)
    b.call(name, FunctionType(VOID, (I64, PTR, PTR)), [n, src, dst])


def _gesv(b: Builder, c: Gesv, a, lda, ipiv, rhs, ldb):
    b.call(GESV, _GESV_T, [c.kind, c.n, c.nrhs, a, lda, ipiv, rhs, ldb])


def save_before(b: Builder, c: Gesv) -> Value:
    """A compact copy of A as the call sees it (the call overwrites it with LU), with room
    after it for X (reverse mode)."""
    nn = b.mul(c.n, c.n)
    buf = _alloc(b, c.t, b.add(nn, b.mul(c.n, c.nrhs)))
    _pack2(b, c.t, c.n, c.n, c.a, c.lda, buf)
    return buf


def save_after(b: Builder, c: Gesv, buf: Value) -> None:
    """X (the solution, in b after the call) after the copy of A."""
    _pack2(b, c.t, c.n, c.nrhs, c.b, c.ldb, b.gep(c.t, buf, [b.mul(c.n, c.n)]))


def _solve_copy(b: Builder, c: Gesv, mat: Value, rhs: Value, transpose: bool) -> None:
    """rhs ← mat⁻¹ rhs (or mat⁻ᵀ rhs) with a scratch copy of the compact matrix ``mat``."""
    nn = b.mul(c.n, c.n)
    work = _alloc(b, c.t, b.add(nn, c.n))
    if transpose:
        _transpose(b, c.t, c.n, mat, work)
    else:
        _pack2(b, c.t, c.n, c.n, mat, c.n, work)
    _gesv(b, c, work, c.n, b.gep(c.t, work, [nn]), rhs, c.ldb)
    b.call("free", FunctionType(VOID, (PTR,)), [work])


def tangent(b: Builder, entry: Builder, c: Gesv, acopy: Value, sa: Optional[Value],
            sb: Value) -> None:
    """One lane: ``sb`` holds Ḃ on entry and Ẋ on exit; ``sa`` is Ȧ (None if A is inactive);
    c.b holds X (after the primal call)."""
    t = c.t
    if sa is not None:
        minus = blas.scalar_slot(entry, b, t, const_float(t, -1.0))
        one = blas.scalar_slot(entry, b, t, const_float(t, 1.0))
        n_ = blas.i8_const(blas.TRANS_N)
        b.call(blas.GEMM, blas.GEMM_TYPE, [c.kind, n_, n_, c.n, c.nrhs, c.n, minus, sa, c.lda,
                                           c.b, c.ldb, one, sb, c.ldb])
    _solve_copy(b, c, acopy, sb, transpose=False)


def gesv_adjoint(b: Builder, entry: Builder, c: Gesv, buf: Value, sa: Optional[Value],
                 sb: Value) -> None:
    """One lane: ``sb`` holds X̄ on entry and B̄ on exit; ``sa`` (if A is active) receives
    Ā = −B̄ Xᵀ (the factorised output carries no adjoint: Numba discards it unread)."""
    t = c.t
    _solve_copy(b, c, buf, sb, transpose=True)
    if sa is not None:
        x = b.gep(t, buf, [b.mul(c.n, c.n)])
        minus = blas.scalar_slot(entry, b, t, const_float(t, -1.0))
        zero = blas.scalar_slot(entry, b, t, const_float(t, 0.0))
        b.call(blas.GEMM, blas.GEMM_TYPE, [c.kind, blas.i8_const(blas.TRANS_N),
                                           blas.i8_const(blas.TRANS_T), c.n, c.n, c.nrhs, minus,
                                           sb, c.ldb, x, c.n, zero, sa, c.lda])


def _gesv_forward(kit: Kit, before: Builder, c: Gesv, lanes: List[list]) -> None:
    acopy = save_before(before, c)
    for sa, sbk in lanes:
        tangent(kit.b, kit.entry, c, acopy, sa, sbk)
    kit.b.call("free", FunctionType(VOID, (PTR,)), [acopy])


def _gesv_save(before: Builder, kit: Kit, c: Gesv) -> Value:
    buf = save_before(before, c)
    save_after(kit.b, c, buf)
    return buf


def _gesv_adjoint(kit: Kit, c: Gesv, buf: Value, lanes: List[list]) -> None:
    for sa, sbk in lanes:
        gesv_adjoint(kit.b, kit.entry, c, buf, sa, sbk)


# -- the routines and the call rule (rules/call_rules.py) -------------------------------------------
@dataclass(frozen=True)
class Routine:
    """One LAPACK entry point: what emits it, the operands it writes, and its rules:
    ``forward(kit, before, c, lanes)``, ``save(before, kit, c) -> buf`` and
    ``adjoint(kit, c, buf, lanes)`` (``before`` emits ahead of the primal call, ``kit.b``
    right after it; ``lanes[k]`` lists lane k's shadows of ``c.ptrs()``).  ``frees``: the
    adjoint sweep frees the block after ``adjoint`` (orgqr's block is geqrf's, freed there)."""
    what: str
    written: Tuple[int, ...]
    forward: Callable
    save: Callable
    adjoint: Callable
    frees: bool = True


ROUTINES = {
    GESV: Routine("np.linalg.solve", (3, 6), _gesv_forward, _gesv_save, _gesv_adjoint),
    lapack_lu.GETRF: Routine("np.linalg.inv/det/slogdet (LAPACK getrf)", (3, 5),
                             lapack_lu.getrf_forward, lapack_lu.getrf_save,
                             lapack_lu.getrf_adjoint),
    lapack_lu.GETRI: Routine("np.linalg.inv (LAPACK getri)", (2,), lapack_lu.getri_forward,
                             lapack_lu.getri_save, lapack_lu.getri_adjoint),
    lapack_sym.POTRF: Routine("np.linalg.cholesky (LAPACK potrf)", (3,),
                              lapack_sym.potrf_forward, lapack_sym.potrf_save,
                              lapack_sym.potrf_adjoint),
    lapack_sym.EVD: Routine("np.linalg.eigh/eigvalsh (LAPACK syevd)", (4, 6),
                            lapack_sym.evd_forward, lapack_sym.evd_save, lapack_sym.evd_adjoint),
    lapack_svd.GESDD: Routine("np.linalg.svd (LAPACK gesdd)", (4, 6, 7, 9),
                              lapack_svd.svd_forward, lapack_svd.svd_save,
                              lapack_svd.svd_adjoint),
    lapack_lstsq.GELSD: Routine("np.linalg.lstsq (LAPACK gelsd)", (4, 6, 8, 10),
                                lapack_lstsq.lstsq_forward, lapack_lstsq.lstsq_save,
                                lapack_lstsq.lstsq_adjoint),
    lapack_qr.GEQRF: Routine("np.linalg.qr (LAPACK geqrf)", (3, 5), lapack_qr.geqrf_forward,
                             lapack_qr.geqrf_save, lapack_qr.geqrf_adjoint),
    lapack_qr.ORGQR: Routine("np.linalg.qr (LAPACK orgqr)", (4,), lapack_qr.orgqr_forward,
                             lapack_qr.orgqr_save, lapack_qr.orgqr_adjoint, frees=False),
}
_WHAT = {name: r.what for name, r in ROUTINES.items()}
CALLS = set(ROUTINES) | set(REFUSED)


class LapackRule(CallRule):
    """Numba's LAPACK entry points: the call stays and computes the primal; its rules run
    before and after it (forward), or save before/after it and run in the adjoint sweep."""
    names = frozenset(CALLS)

    def written(self, i):
        return written(i)

    def describe(self, i, active):
        return parse(i, active)

    def inputs(self, c):
        return c.ptrs()

    def has_work(self, c, on, active, i):
        return has_work(c, on, i)

    def tangent(self, ctx, i, c, on):
        b = ctx.b
        b.after(i)  # the rule's code goes before and after the call
        lanes = ctx.lanes_if(c.ptrs(), on)
        forward(i, b, ctx.entry(), c, [list(x) for x in zip(*lanes)])

    def save(self, ctx, i, c, on):
        ctx.b.after(i)  # code goes in before and after the call
        return save(i, ctx.b, c)

    def needs(self, c, buf, on, shadow):
        ints = [v for v in c.ints() if not isinstance(v, Constant)]
        return [buf] + ints + [shadow[p] for p, ok in zip(c.ptrs(), on) if ok]

    def adjoint(self, ctx, c, buf, on):
        lanes = ctx.lanes_if(c.ptrs(), on)
        adjoint(ctx.b, ctx.entry(), c.remap(ctx.r), ctx.r(buf), [list(x) for x in zip(*lanes)])


RULE = LapackRule()

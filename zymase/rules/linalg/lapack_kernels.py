"""Dense n×n matrix kernels the LAPACK derivative rules (lapack_lu.py, lapack_sym.py) are made of.

Every matrix is column-major, addressed by a pointer and a leading dimension; scratch matrices
are compact (leading dimension n).  A :class:`Kit` bundles what one rule needs at one
insertion point — the builder, the entry-block builder for scalar slots, the float type, the
LAPACK kind and the order n — and emits:

* ``gemm``: C = α op(A) op(B) + β C through Numba's ``numba_xxgemm`` (as blas.py does);
* ``each``: an element-wise map ``dst[r, c] = f(r, c, sources)`` over all n×n entries (or
  rows×cols), as an internal two-level loop function (column loop calling a row loop).  ``f``
  may read any source at any (row, column), so masks (triangles), symmetrisation and
  transposition are all element-wise maps; a vector read with leading dimension 0 is a matrix
  whose entry (r, c) is v[r].  ``f`` builds code inside the loop function: it may use
  constants and its sources, never values of the calling function; the function name carries
  a tag that must identify ``f``;
* ``swaps``: LAPACK's row interchanges ``ipiv`` (1-based int32, applied in order k = 0..n-1:
  row k ↔ row ipiv[k]-1) — forward that is Pᵀ X for A = P L U, backward P X;
* ``inverse``: dst = M⁻¹ via ``numba_xgesv`` on a scratch copy of M with dst = I.  The rules use
  it on triangular factors, where partial pivoting cannot hurt and the cost is O(n³), the order
  of the primal call.

Kernels are internal functions: O3 inlines or keeps them, and they contain no calls the
primal's own pipeline would not understand.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Sequence, Tuple

from ...ir.builder import Builder
from ...ir.types import F64, I32, I64, I8, PTR, VOID, FunctionType, Type
from ...ir.values import Value, const_float, const_int
from . import blas

Mat = Tuple[Value, Value]          # (pointer, leading dimension)
GESV = "numba_xgesv"
GESV_TYPE = FunctionType(I32, (I8, I64, I64, PTR, I64, PTR, PTR, I64))
N, T = blas.TRANS_N, blas.TRANS_T


def malloc(b: Builder, t: Type, count: Value) -> Value:
    """Room for ``count`` floats of type ``t`` (plus one, so that n = 0 asks for bytes)."""
    size = 8 if t == F64 else 4
    return b.call("malloc", FunctionType(PTR, (I64,)),
                  [b.mul(b.add(count, const_int(I64, 1)), const_int(I64, size))])


def free(b: Builder, p: Value) -> None:
    b.call("free", FunctionType(VOID, (PTR,)), [p])


class Kit:
    def __init__(self, b: Builder, entry: Builder, t: Type, kind: Value, n: Value):
        self.b, self.entry, self.t, self.kind, self.n = b, entry, t, kind, n
        self._slots: Dict[float, Value] = {}

    # -- memory ---------------------------------------------------------------------------
    def nn(self) -> Value:
        return self.b.mul(self.n, self.n)

    def scratch(self, count: int, extra: Value = None) -> Tuple[Value, List[Value]]:
        """One heap block holding ``count`` compact n×n matrices (and ``extra`` more floats
        after them); returns the block and the matrices' pointers."""
        b, nn = self.b, self.nn()
        total = b.mul(nn, const_int(I64, count))
        block = malloc(b, self.t, b.add(total, extra) if extra is not None else total)
        return block, [self.at(block, k) for k in range(count)]

    def at(self, block: Value, k: int) -> Value:
        """The k-th compact n×n matrix of a block."""
        return self.b.gep(self.t, block, [self.b.mul(self.nn(), const_int(I64, k))])

    def compact(self, p: Value) -> Mat:
        return (p, self.n)

    # -- BLAS/LAPACK --------------------------------------------------------------------------
    def scalar(self, v: float) -> Value:
        # the slot is stored where it is first needed (blas.scalar_slot); each call gets its
        # own store so that a slot used in a loop body is always initialised on that path
        return blas.scalar_slot(self.entry, self.b, self.t, const_float(self.t, v))

    def gemm(self, ta: int, tb: int, alpha: float, a: Mat, bm: Mat, beta: float, c: Mat) -> None:
        """c = α op(a) op(b) + β c, all n×n."""
        n = self.n
        self.b.call(blas.GEMM, blas.GEMM_TYPE,
                    [self.kind, blas.i8_const(ta), blas.i8_const(tb), n, n, n, self.scalar(alpha),
                     a[0], a[1], bm[0], bm[1], self.scalar(beta), c[0], c[1]])

    def inverse(self, m: Mat, dst: Value) -> None:
        """dst (compact) = m⁻¹, by gesv on a scratch copy of m with right-hand side I."""
        b, t = self.b, self.t
        work = malloc(b, t, b.add(self.nn(), self.n))
        self.copy(m, self.compact(work))
        self.each("identity", [], self.compact(dst),
                  lambda bb, r, c, at: bb.select(bb.icmp("eq", r, c), const_float(t, 1.0),
                                                 const_float(t, 0.0)))
        b.call(GESV, GESV_TYPE, [self.kind, self.n, self.n, work, self.n,
                                 b.gep(t, work, [self.nn()]), dst, self.n])
        free(b, work)

    # -- element-wise maps ----------------------------------------------------------------------
    def each(self, tag: str, srcs: Sequence[Mat], dst: Mat,
             f: Callable[[Builder, Value, Value, Callable], Value], rows: Value = None,
             cols: Value = None) -> None:
        """dst[r, c] = f(b, r, c, at) for all r < rows, c < cols (n by default), where
        ``at(k, r, c)`` loads source k."""
        t, b = self.t, self.b
        k = len(srcs)
        sfx = blas.float_suffix(t)
        col_name = f"zymase.lapack.each.{tag}.{sfx}.col"
        name = f"zymase.lapack.each.{tag}.{sfx}"
        mats = [(PTR, f"m{j}") for j in range(k)] + [(PTR, "dst")]
        lds = [(I64, f"ld{j}") for j in range(k)] + [(I64, "ldd")]

        def column(bb, r, acc, a):
            c, ptrs, ldv = a[1], a[2:3 + k], a[3 + k:]

            def at(j, rr, cc):
                return bb.load(t, bb.gep(t, ptrs[j], [bb.add(rr, bb.mul(cc, ldv[j]))]))
            v = f(bb, r, c, at)
            bb.store(v, bb.gep(t, ptrs[k], [bb.add(r, bb.mul(c, ldv[k]))]))
            return None
        col_params = [(I64, "rows"), (I64, "c")] + mats + lds
        blas.loop_fn(b.module, col_name, VOID, col_params, column)
        col_ty = FunctionType(VOID, tuple(p for p, _ in col_params))

        def body(bb, c, acc, a):
            bb.call(col_name, col_ty, [a[1], c] + list(a[2:]))
            return None
        params = [(I64, "cols"), (I64, "rows")] + mats + lds
        blas.loop_fn(b.module, name, VOID, params, body)
        b.call(name, FunctionType(VOID, tuple(p for p, _ in params)),
               [cols if cols is not None else self.n, rows if rows is not None else self.n]
               + [m[0] for m in srcs] + [dst[0]] + [m[1] for m in srcs] + [dst[1]])

    def copy(self, src: Mat, dst: Mat) -> None:
        self.each("copy", [src], dst, lambda bb, r, c, at: at(0, r, c))

    def zero(self, dst: Mat) -> None:
        self.each("zero", [], dst, lambda bb, r, c, at: const_float(self.t, 0.0))

    # -- permutations -------------------------------------------------------------------------
    def swaps(self, ipiv: Value, m: Mat, backward: bool) -> None:
        """Apply the row interchanges of ``ipiv`` to the n columns of m: in order (Pᵀ m) or
        in reverse order (P m)."""
        t, b = self.t, self.b
        sfx = blas.float_suffix(t)
        row_name = f"zymase.lapack.swaprows.{sfx}"

        def swap(bb, c, acc, a):
            _, p, ld, r1, r2 = a
            p1 = bb.gep(t, p, [bb.add(r1, bb.mul(c, ld))])
            p2 = bb.gep(t, p, [bb.add(r2, bb.mul(c, ld))])
            v1, v2 = bb.load(t, p1), bb.load(t, p2)
            bb.store(v2, p1)
            bb.store(v1, p2)
            return None
        blas.loop_fn(b.module, row_name, VOID,
                     [(I64, "n"), (PTR, "p"), (I64, "ld"), (I64, "r1"), (I64, "r2")], swap)
        name = f"zymase.lapack.swaps.{'bwd' if backward else 'fwd'}.{sfx}"

        def body(bb, i, acc, a):
            n, piv, p, ld = a
            k = bb.sub(bb.sub(n, const_int(I64, 1)), i) if backward else i
            q = bb.sub(bb.cast("sext", bb.load(I32, bb.gep(I32, piv, [k])), I64),
                       const_int(I64, 1))
            bb.call(row_name, FunctionType(VOID, (I64, PTR, I64, I64, I64)), [n, p, ld, k, q])
            return None
        blas.loop_fn(b.module, name, VOID, [(I64, "n"), (PTR, "ipiv"), (PTR, "p"), (I64, "ld")],
                     body)
        b.call(name, FunctionType(VOID, (I64, PTR, PTR, I64)), [self.n, ipiv, m[0], m[1]])

    def copy_ints(self, src: Value, dst: Value) -> None:
        """n int32 (a pivot vector) from src to dst."""
        self.b.memcpy(dst, src, self.b.mul(self.n, const_int(I64, 4)))


# -- element-wise functions the rules share ---------------------------------------------------
def zero_f(t: Type) -> Value:
    return const_float(t, 0.0)


def lower_of(bb: Builder, r: Value, c: Value, strict: bool) -> Value:
    return bb.icmp("sgt" if strict else "sge", r, c)

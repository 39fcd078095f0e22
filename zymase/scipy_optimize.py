"""zymase derivatives shaped the way SciPy's optimisers and ODE solvers call them.

SciPy calls ``fun(x, *args)`` with a float64 vector ``x``; these helpers return callables with
exactly SciPy's signatures, each holding one compiled derivative (built on the first call, for
the argument types of that call) and reusing its work buffers between calls:

==============================  ============================================  ===============================
helper                          call → result                                  pass it as
==============================  ============================================  ===============================
``value_and_grad(f)``           ``vg(x, *args) -> (f(x), ∇f(x))``              ``minimize(vg, x0, jac=True)``
``grad(f)``                     ``g(x, *args) -> ∇f(x)``                       ``minimize(f, x0, jac=g)``
``hessp(f)``                    ``hp(x, p, *args) -> ∇²f(x)·p``                ``minimize(..., hessp=hp)``
``hess(f)``                     ``h(x, *args) -> ∇²f(x)`` (dense)              ``minimize(..., hess=h)``
``jacobian(r)``                 ``J(x, *args) -> ∂r/∂x`` (dense, m×n)          ``least_squares(r, x0, jac=J)``
``sparse_jacobian(r, S)``       ``J(x, *args) -> ∂r/∂x`` (CSR, pattern S)      ``least_squares(r, x0, jac=J, jac_sparsity=S)``
``ode_jacobian(rhs)``           ``J(t, y, *args) -> ∂rhs/∂y`` (dense or CSR)   ``solve_ivp(rhs, …, method="BDF", jac=J)``
==============================  ============================================  ===============================

How each is computed:

* ``value_and_grad``: one reverse-mode call gives the value and the gradient together, so
  ``minimize(..., jac=True)`` evaluates the objective once per point (SciPy's ``MemoizeJac``
  serves the gradient from the same call).
* ``hessp``: forward over reverse — the tangent ``p`` pushed through the compiled gradient
  (``autodiff_forward(autodiff_reverse(f, …), …)``): ``H·p`` exactly for about the cost of two
  gradients, never forming ``H``.  ``hess`` pushes ``width`` basis directions per call.
* ``jacobian``: forward mode, ``width`` basis directions per call (``ceil(n / width)`` calls);
  ``mode="reverse"`` pulls ``width`` unit output adjoints per call instead (wide Jacobians).
* ``sparse_jacobian``: the columns of the sparsity pattern are coloured so that columns in one
  group share no row (greedy colouring, as SciPy does for ``jac_sparsity``); one forward-mode
  lane per group seeds the sum of its columns' basis vectors, so ``ceil(groups / width)``
  calls give every structural non-zero — e.g. 3 lanes for a tridiagonal Jacobian of any size.
  The result is a CSR matrix with exactly the pattern's structure.  ``verify=True`` checks
  once, on the first call, that the dense Jacobian has no non-zero outside the pattern.
* ``ode_jacobian``: forward mode of ``rhs(t, y, *args)`` with respect to ``y`` (``t`` and
  ``args`` are constants), ``n`` lanes in one call when ``n <= width``; with ``sparsity=``,
  coloured columns as ``sparse_jacobian``.

Every helper takes ``checks=`` and ``flush_subnormals=`` (passed on to ``autodiff_reverse``
and ``autodiff_forward``) and counts its calls (``.calls``) so evaluation counts can be
compared with finite differences.  The objective is never modified: ``x`` is copied into a private buffer first.
"""
from __future__ import annotations

from typing import Dict, Optional

import numpy as np

from . import activities as A
from .api import autodiff_forward, autodiff_reverse

__all__ = ["value_and_grad", "grad", "hessp", "hess", "jacobian", "sparse_jacobian",
           "ode_jacobian", "colour_columns"]


def _vec(buf: Optional[np.ndarray], x) -> np.ndarray:
    """``x`` copied into ``buf`` (reallocated when the shape changes)."""
    x = np.asarray(x, dtype=np.float64)
    if buf is None or buf.shape != x.shape:
        return np.array(x, dtype=np.float64, copy=True, order="C")
    buf[...] = x
    return buf


class _Helper:
    def __init__(self, fn, checks: bool, flush_subnormals: bool = False):
        self.fn = fn
        self.checks = checks
        self.flush_subnormals = flush_subnormals      # autodiff_reverse's option, passed on
        self.calls = 0
        self._derivs: Dict = {}
        self.__name__ = f"{type(self).__name__.lower()}_{getattr(fn, '__name__', 'f')}"

    def _count_call(self):
        self.calls += 1

    def _get(self, key, make):
        d = self._derivs.get(key)
        if d is None:
            d = self._derivs[key] = make()
        return d


class ValueAndGrad(_Helper):
    """``vg(x, *args) -> (f(x, *args), ∇f)`` by one reverse-mode call."""

    def __init__(self, fn, checks=False, flush_subnormals=False):
        super().__init__(fn, checks, flush_subnormals)
        self._x = self._dx = None

    def derivative(self, n_args: int):
        return self._get(n_args, lambda: autodiff_reverse(
            self.fn, A.Duplicated, *(A.Const,) * n_args, ret=A.Active, checks=self.checks,
            flush_subnormals=self.flush_subnormals))

    def __call__(self, x, *args):
        self._count_call()
        d = self.derivative(len(args))
        self._x = _vec(self._x, x)
        if self._dx is None or self._dx.shape != self._x.shape:
            self._dx = np.zeros_like(self._x)
        else:
            self._dx.fill(0.0)
        res = d(self._x, self._dx, *args, 1.0)
        value = res[0] if isinstance(res, tuple) else res
        # SciPy keeps gradients between iterations (BFGS's y = g1 - g0): hand out a copy
        return float(value), self._dx.copy()


class Grad(ValueAndGrad):
    """``g(x, *args) -> ∇f(x, *args)``."""

    def __call__(self, x, *args):
        return super().__call__(x, *args)[1]


class HessP(_Helper):
    """``hp(x, p, *args) -> ∇²f(x)·p`` by forward over reverse."""

    def __init__(self, fn, checks=False, width: int = 1, flush_subnormals=False):
        super().__init__(fn, checks, flush_subnormals)
        self.width = width
        self._bufs: Dict[str, np.ndarray] = {}

    def derivative(self, n_args: int, width: int = 1):
        def make():
            rev = autodiff_reverse(self.fn, A.Duplicated, *(A.Const,) * n_args,
                                   ret=A.ActiveOnly, checks=False,
                                   flush_subnormals=self.flush_subnormals)
            # the gradient's arguments: x, dx, args…, seed; tangents on x and on dx
            return autodiff_forward(rev, A.Dual, A.Dual, *(A.Const,) * n_args, A.Const,
                                    ret=A.Const, width=width, checks=self.checks,
                                    flush_subnormals=self.flush_subnormals)
        return self._get((n_args, width), make)

    def _buf(self, name, shape):
        b = self._bufs.get(name)
        if b is None or b.shape != shape:
            b = self._bufs[name] = np.zeros(shape)
        else:
            b.fill(0.0)
        return b

    def __call__(self, x, p, *args):
        self._count_call()
        d = self.derivative(len(args))
        xb = self._bufs["x"] = _vec(self._bufs.get("x"), x)
        pb = self._bufs["p"] = _vec(self._bufs.get("p"), np.reshape(p, xb.shape))
        dx = self._buf("dx", xb.shape)
        hp = self._buf("hp", xb.shape)
        d(xb, pb, dx, hp, *args, 1.0)
        return hp.copy()


class Hess(HessP):
    """``h(x, *args) -> ∇²f(x)`` (dense): ``width`` Hessian columns per call."""

    def __init__(self, fn, checks=False, width: int = 8, flush_subnormals=False):
        super().__init__(fn, checks, width, flush_subnormals)

    def __call__(self, x, *args):
        self._count_call()
        xb = self._bufs["x"] = _vec(self._bufs.get("x"), x)
        n = xb.size
        w = max(1, min(self.width, n))
        d = self.derivative(len(args), w)
        H = np.empty((n, n))
        for c0 in range(0, n, w):
            k = min(w, n - c0)
            T = self._buf("T", (w, n) if w > 1 else (n,))
            T2 = T.reshape(w, n)
            T2[np.arange(k), c0 + np.arange(k)] = 1.0
            dx = self._buf("dx", (n,))
            hp = self._buf("hpw", T.shape)
            xb[...] = np.asarray(x).reshape(-1)
            d(xb, T, dx, hp, *args, 1.0)
            H[:, c0:c0 + k] = hp.reshape(w, n)[:k].T
        return H


class Jacobian(_Helper):
    """``J(x, *args) -> ∂r/∂x`` (dense, ``(m, n)``) of a residual function ``r``."""

    def __init__(self, fn, mode="forward", width=16, checks=False, flush_subnormals=False):
        super().__init__(fn, checks, flush_subnormals)
        if mode not in ("forward", "reverse", "auto"):
            raise ValueError(f"mode must be 'forward', 'reverse' or 'auto', not {mode!r}")
        self.mode, self.width = mode, int(width)
        self._x = None
        self._m = None

    def _forward(self, n_args, w):
        return self._get(("fwd", n_args, w), lambda: autodiff_forward(
            self.fn, A.Dual, *(A.Const,) * n_args, ret=A.DualOnly, width=w, checks=self.checks,
            flush_subnormals=self.flush_subnormals))

    def _reverse(self, n_args, w):
        return self._get(("rev", n_args, w), lambda: autodiff_reverse(
            self.fn, A.Duplicated, *(A.Const,) * n_args, ret=A.DuplicatedOnly, width=w,
            checks=self.checks, flush_subnormals=self.flush_subnormals))

    def _out_size(self, x, args):
        if self._m is None:
            from .frontend.numba import as_dispatcher
            self._m = int(np.size(as_dispatcher(self.fn)(x.copy(), *args)))
        return self._m

    def __call__(self, x, *args):
        self._count_call()
        x = np.asarray(x, dtype=np.float64)
        n = x.size
        mode = self.mode
        if mode == "auto":
            mode = "reverse" if self._out_size(x, args) < n else "forward"
        if mode == "forward":
            w = max(1, min(self.width, n))
            d = self._forward(len(args), w)
            cols = []
            for c0 in range(0, n, w):
                k = min(w, n - c0)
                T = np.zeros((w, n))
                T[np.arange(k), c0 + np.arange(k)] = 1.0
                self._x = _vec(self._x, x)
                t = np.asarray(d(self._x, T if w > 1 else T[0], *args))
                cols.append(t.reshape(w, -1)[:k])
            return np.ascontiguousarray(np.concatenate(cols, axis=0).T)
        m = self._out_size(x, args)
        w = max(1, min(self.width, m))
        d = self._reverse(len(args), w)
        rows = np.empty((m, n))
        for r0 in range(0, m, w):
            k = min(w, m - r0)
            seed = np.zeros((w, m))
            seed[np.arange(k), r0 + np.arange(k)] = 1.0
            dx = np.zeros((w, n) if w > 1 else (n,))
            self._x = _vec(self._x, x)
            d(self._x, dx, *args, seed if w > 1 else seed[0])
            rows[r0:r0 + k] = dx.reshape(w, n)[:k]
        return rows


def colour_columns(sparsity) -> np.ndarray:
    """Greedy colouring of the columns of an ``(m, n)`` sparsity pattern: ``groups[j]`` is
    column j's group; columns of one group share no row, so one forward-mode lane seeded with
    the sum of their basis vectors recovers all of them."""
    import scipy.sparse as sp
    S = sp.csc_matrix(sparsity, dtype=bool)
    S.eliminate_zeros()
    m, n = S.shape
    rows_of = [S.indices[S.indptr[j]:S.indptr[j + 1]] for j in range(n)]
    groups = np.full(n, -1, dtype=np.intp)
    used_rows = []          # per group: boolean mask of rows already taken
    for j in range(n):
        r = rows_of[j]
        for g, mask in enumerate(used_rows):
            if not mask[r].any():
                groups[j] = g
                mask[r] = True
                break
        else:
            mask = np.zeros(m, dtype=bool)
            mask[r] = True
            used_rows.append(mask)
            groups[j] = len(used_rows) - 1
    return groups


class SparseJacobian(_Helper):
    """``J(x, *args) -> scipy.sparse.csr_matrix`` with the structure of ``sparsity``;
    with ``lead=k`` the call is ``J(*k leading constants, x, *args)`` (``lead=1`` for an ODE
    right-hand side ``rhs(t, y, …)``)."""

    def __init__(self, fn, sparsity, width=16, checks=False, verify=False, lead=0,
                 flush_subnormals=False):
        super().__init__(fn, checks, flush_subnormals)
        self.lead = int(lead)
        import scipy.sparse as sp
        S = sp.csc_matrix(sparsity, dtype=bool)
        S.eliminate_zeros()
        S.sort_indices()
        self.shape = S.shape
        self.groups = colour_columns(S)
        self.n_groups = int(self.groups.max()) + 1 if S.shape[1] else 0
        cols = np.repeat(np.arange(S.shape[1]), np.diff(S.indptr))
        self._rows, self._cols = S.indices.copy(), cols
        self._entry_group = self.groups[cols]
        self.pattern = S
        self.width = max(1, min(int(width), max(self.n_groups, 1)))
        self.verify = verify
        self._x = None

    def _forward(self, n_args):
        w = self.width
        return self._get(n_args, lambda: autodiff_forward(
            self.fn, *(A.Const,) * self.lead, A.Dual, *(A.Const,) * n_args, ret=A.DualOnly,
            width=w, checks=self.checks, flush_subnormals=self.flush_subnormals))

    def __call__(self, *call):
        import scipy.sparse as sp
        self._count_call()
        lead, x, args = call[:self.lead], call[self.lead], call[self.lead + 1:]
        x = np.asarray(x, dtype=np.float64)
        m, n = self.shape
        if x.size != n:
            raise ValueError(f"sparse_jacobian: x has {x.size} entries, the pattern {n} columns")
        w = self.width
        d = self._forward(len(args))
        compressed = np.empty((self.n_groups, m))
        for g0 in range(0, self.n_groups, w):
            k = min(w, self.n_groups - g0)
            T = np.zeros((w, n))
            sel = (self.groups >= g0) & (self.groups < g0 + k)
            T[self.groups[sel] - g0, np.nonzero(sel)[0]] = 1.0
            self._x = _vec(self._x, x)
            t = np.asarray(d(*lead, self._x, T if w > 1 else T[0], *args)).reshape(w, -1)
            if t.shape[1] != m:
                raise ValueError(f"sparse_jacobian: the function returns {t.shape[1]} residuals, "
                                 f"the pattern has {m} rows")
            compressed[g0:g0 + k] = t[:k]
        data = compressed[self._entry_group, self._rows]
        J = sp.csc_matrix((data, self.pattern.indices, self.pattern.indptr), shape=(m, n))
        if self.verify:
            self.verify = False
            if self.lead:
                dense = ODEJacobian(self.fn, 16, self.checks,
                                    self.flush_subnormals)(*lead, x, *args)
            else:
                dense = Jacobian(self.fn, "forward", 16, self.checks,
                                 self.flush_subnormals)(x, *args)
            outside = (dense != 0) & ~self.pattern.toarray()
            if outside.any():
                i, j = np.argwhere(outside)[0]
                raise ValueError(f"sparse_jacobian: the Jacobian has a non-zero at ({i}, {j}), "
                                 f"outside the sparsity pattern (jac_sparsity is inconsistent "
                                 f"with the function)")
        return J.tocsr()


class ODEJacobian(_Helper):
    """``J(t, y, *args) -> ∂rhs(t, y, *args)/∂y`` (dense ``(n, n)``)."""

    def __init__(self, fn, width=16, checks=False, flush_subnormals=False):
        super().__init__(fn, checks, flush_subnormals)
        self.width = int(width)
        self._y = None

    def __call__(self, t, y, *args):
        self._count_call()
        y = np.asarray(y, dtype=np.float64)
        n = y.size
        w = max(1, min(self.width, n))
        d = self._get((len(args), w), lambda: autodiff_forward(
            self.fn, A.Const, A.Dual, *(A.Const,) * len(args), ret=A.DualOnly, width=w,
            checks=self.checks, flush_subnormals=self.flush_subnormals))
        J = None
        for c0 in range(0, n, w):
            k = min(w, n - c0)
            T = np.zeros((w, n))
            T[np.arange(k), c0 + np.arange(k)] = 1.0
            self._y = _vec(self._y, y)
            tan = np.asarray(d(float(t), self._y, T if w > 1 else T[0], *args)).reshape(w, -1)
            if J is None:
                J = np.empty((tan.shape[1], n))
            J[:, c0:c0 + k] = tan[:k].T
        return J


def value_and_grad(fn, *, checks: bool = False, flush_subnormals: bool = False) -> ValueAndGrad:
    """``vg(x, *args) -> (f(x, *args), ∇f)`` for ``minimize(vg, x0, jac=True)``: the value and
    the gradient from ONE reverse-mode call."""
    return ValueAndGrad(fn, checks, flush_subnormals)


def grad(fn, *, checks: bool = False, flush_subnormals: bool = False) -> Grad:
    """``g(x, *args) -> ∇f(x, *args)`` for ``minimize(f, x0, jac=g)`` (costs a value too;
    prefer ``value_and_grad`` with ``jac=True``)."""
    return Grad(fn, checks, flush_subnormals)


def hessp(fn, *, checks: bool = False, flush_subnormals: bool = False) -> HessP:
    """``hp(x, p, *args) -> ∇²f(x)·p`` for ``minimize(..., hessp=hp)`` (Newton-CG, trust-ncg,
    trust-krylov, trust-constr): forward over reverse, exact."""
    return HessP(fn, checks, flush_subnormals=flush_subnormals)


def hess(fn, *, width: int = 8, checks: bool = False, flush_subnormals: bool = False) -> Hess:
    """``h(x, *args) -> ∇²f(x)`` (dense ``(n, n)``) for ``minimize(..., hess=h)``
    (trust-exact, dogleg, Newton-CG): ``ceil(n / width)`` forward-over-reverse calls."""
    return Hess(fn, checks, width, flush_subnormals)


def jacobian(fn, *, mode: str = "forward", width: int = 16, checks: bool = False,
             flush_subnormals: bool = False) -> Jacobian:
    """``J(x, *args) -> ∂fn/∂x`` (dense ``(m, n)``) for ``least_squares(fn, x0, jac=J)``.
    ``mode="forward"``: ``ceil(n / width)`` calls; ``"reverse"``: ``ceil(m / width)`` calls;
    ``"auto"``: reverse when the function has fewer outputs than inputs."""
    return Jacobian(fn, mode, width, checks, flush_subnormals)


def sparse_jacobian(fn, sparsity, *, width: int = 16, verify: bool = False,
                    checks: bool = False, flush_subnormals: bool = False) -> SparseJacobian:
    """``J(x, *args) -> CSR`` Jacobian with the structure of ``sparsity`` (the same ``(m, n)``
    pattern you pass as ``least_squares(..., jac_sparsity=sparsity)``): coloured columns, one
    forward-mode lane per colour group.  ``verify=True`` checks the pattern on the first call
    against a dense Jacobian."""
    return SparseJacobian(fn, sparsity, width, checks, verify,
                          flush_subnormals=flush_subnormals)


def ode_jacobian(rhs, *, sparsity=None, width: int = 16, verify: bool = False,
                 checks: bool = False, flush_subnormals: bool = False):
    """``J(t, y, *args) -> ∂rhs/∂y`` for ``solve_ivp(rhs, t_span, y0, method="BDF"|"Radau"|
    "LSODA", jac=J)``; ``rhs(t, y, *args)`` returns the array ``dy/dt``.  Dense ``(n, n)``; with
    ``sparsity`` (an ``(n, n)`` pattern) a CSR matrix computed from coloured columns, for BDF
    and Radau on large sparse systems (LSODA needs a dense Jacobian)."""
    if sparsity is not None:
        return SparseJacobian(rhs, sparsity, width, checks, verify, lead=1,
                              flush_subnormals=flush_subnormals)
    return ODEJacobian(rhs, width, checks, flush_subnormals)

"""The program under test: one generated module, compiled, with its derivatives.

``load_module`` executes a program's source as a fresh module whose lines are registered
with ``linecache`` (zymase's error messages quote the Python source line; a generated module
has no file).  ``Program`` compiles ``f`` with ``@njit`` once and builds a forward or reverse
derivative per (mode, width) on first use, with the activity pattern of ``active``
(``Dual``/``Duplicated`` for the active ones of x and y, ``Dual``/``Active`` for a and b,
``Const`` for the rest and for ``c`` and ``n``).

Every call works on copies of the arrays (a program may update ``x`` and ``y`` in place, and
the caller's inputs are reused for the next call) and normalises what comes back, so that
the checks compare one shape whatever the width and activities: tangents and adjoints with a
leading lane axis (width 1 included), zeros for the lanes of an inactive argument.  A result
of the wrong shape is itself a ``Failure``.
"""
from __future__ import annotations

import itertools
import linecache

import numpy as np

_counter = itertools.count()


class Failure(Exception):
    """A check that failed: ``status`` (``wrong``, ``leak``), ``kind`` (which check), ``detail``."""

    def __init__(self, status, kind, detail):
        super().__init__(f"{status}:{kind}: {detail}")
        self.status, self.kind, self.detail = status, kind, detail


def load_module(source: str, tag: str = "") -> dict:
    """Exec ``source`` as a fresh module whose lines are known to ``linecache`` (so zymase's
    error messages can quote them)."""
    fname = f"<zymase-fuzz-{tag or next(_counter)}-{next(_counter)}>"
    lines = source.splitlines(True)
    linecache.cache[fname] = (len(source), None, lines, fname)
    ns = {"__name__": f"zymase_fuzz_{next(_counter)}"}
    exec(compile(source, fname, "exec"), ns)
    return ns


def magnitude(*arrays):
    """The sum of the absolute values of all the entries: the scale of a tolerance."""
    return float(sum(np.sum(np.abs(np.asarray(a, dtype=np.float64))) for a in arrays))


class Program:
    """One compiled program and its derivatives (built lazily) for an activity pattern."""

    def __init__(self, source: str, tag: str = "", active: str = "xyab", only: bool = False):
        import numba
        import zymase
        self.source = source
        self.f32 = "float32" in source
        self.ns = load_module(source, tag)
        self.fj = numba.njit(self.ns["f"])
        self.zymase = zymase
        self.active = active
        self.only = only
        self._d = {}

    def acts(self, mode):
        z = self.zymase
        on = z.Dual if mode == "fwd" else z.Duplicated
        sc = z.Dual if mode == "fwd" else z.Active
        return [on if "x" in self.active else z.Const, on if "y" in self.active else z.Const,
                z.Const, sc if "a" in self.active else z.Const,
                sc if "b" in self.active else z.Const, z.Const]

    def deriv(self, mode: str, width: int):
        key = (mode, width)
        if key not in self._d:
            z = self.zymase
            if mode == "fwd":
                self._d[key] = z.autodiff_forward(self.fj, *self.acts(mode),
                                                  ret=z.DualOnly if self.only else z.Dual,
                                                  width=width)
            else:
                self._d[key] = z.autodiff_reverse(self.fj, *self.acts(mode),
                                                  ret=z.ActiveOnly if self.only else z.Active,
                                                  width=width)
        return self._d[key]

    # -- calls ------------------------------------------------------------------------------
    def primal(self, x, y, c, a, b, n):
        x, y = x.copy(), y.copy()
        try:
            r = self.fj(x, y, c, a, b, n)
        except (ArithmeticError, ValueError, IndexError, AssertionError) as e:
            import numba
            if isinstance(e, numba.core.errors.NumbaError):
                raise
            return type(e).__name__, x, y
        return float(r), x, y

    def fwd_args(self, width, x, y, c, a, b, n, vx, vy, va, vb):
        """(argument list, x, y, dx, dy): copies of the arrays, shadows as the call needs."""
        x, y, dx, dy = x.copy(), y.copy(), vx.copy(), vy.copy()
        if width == 1:
            dx, dy = dx[0], dy[0]
        args = [x] + ([dx] if "x" in self.active else []) + [y] + \
            ([dy] if "y" in self.active else []) + [c, a]
        if "a" in self.active:
            args.append(float(va[0]) if width == 1 else va.copy())
        args.append(b)
        if "b" in self.active:
            args.append(float(vb[0]) if width == 1 else vb.copy())
        args.append(n)
        return args, x, y, dx, dy

    def rev_args(self, width, x, y, c, a, b, n, wr, wx, wy):
        x, y, gx, gy = x.copy(), y.copy(), wx.copy(), wy.copy()
        if width == 1:
            gx, gy = gx[0], gy[0]
        args = [x] + ([gx] if "x" in self.active else []) + [y] + \
            ([gy] if "y" in self.active else []) + [c, a, b, n,
                                                    float(wr[0]) if width == 1 else wr.copy()]
        return args, x, y, gx, gy

    def call_fwd(self, width, x, y, c, a, b, n, vx, vy, va, vb, fn=None):
        d = fn or self.deriv("fwd", width)
        args, x, y, dx, dy = self.fwd_args(width, x, y, c, a, b, n, vx, vy, va, vb)
        res = d(*args)
        r, t = (None, res) if self.only else res
        t = np.array([t] if width == 1 else t, dtype=np.float64)
        dx = dx[None] if width == 1 else dx
        dy = dy[None] if width == 1 else dy
        if "x" not in self.active:
            dx = np.zeros((width, x.size))
        if "y" not in self.active:
            dy = np.zeros((width, y.size))
        return (None if r is None else float(r)), x, y, t, dx, dy

    def call_rev(self, width, x, y, c, a, b, n, wr, wx, wy, fn=None):
        d = fn or self.deriv("rev", width)
        args, x, y, gx, gy = self.rev_args(width, x, y, c, a, b, n, wr, wx, wy)
        res = d(*args)
        n_act = ("a" in self.active) + ("b" in self.active)
        if self.only:
            r, items = None, ([] if res is None else [res] if n_act == 1 else list(res))
        elif n_act == 0:
            r, items = res, []
        else:
            r, items = res[0], list(res[1:])
        if len(items) != n_act:
            raise Failure("wrong", "result-shape", f"{n_act} adjoints expected, got {res!r}")
        items = iter(items)
        zero = np.zeros(width)
        ga = np.array(next(items) if "a" in self.active else zero, dtype=np.float64).reshape(width)
        gb = np.array(next(items) if "b" in self.active else zero, dtype=np.float64).reshape(width)
        gx = gx[None] if width == 1 else gx
        gy = gy[None] if width == 1 else gy
        if "x" not in self.active:
            gx = np.zeros((width, x.size))
        if "y" not in self.active:
            gy = np.zeros((width, y.size))
        return (None if r is None else float(r)), x, y, ga, gb, gx, gy

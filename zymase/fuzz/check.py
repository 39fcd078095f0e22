"""The checks one generated program goes through, in the current process.

``check_source(source, cfg)`` compiles the module, builds a forward derivative of width
``nf`` and a reverse derivative of width ``nr`` of ``f(x, y, c, a, b, n)`` with activities

    forward:  Dual, Dual, Const, Dual, Dual, Const            ret=Dual
    reverse:  Duplicated, Duplicated, Const, Active, Active, Const   ret=Active

and compares, for every ``n`` in ``cfg.ns``:

1. **primal** — the value each derivative returns, and the final contents of ``x`` and
   ``y`` it leaves, against the plain ``@njit`` function (1e-13 of the scale);
2. **consistency** — the exact identity ⟨J v_i, w_j⟩ = ⟨v_i, Jᵀ w_j⟩ for all ``nf`` × ``nr``
   lanes, where J maps (x, y, a, b) at entry to (return, x, y) at exit: the forward output
   tangents (return tangent, the tangents left in ``dx``/``dy``) against the reverse adjoints
   (``dx``/``dy`` seeded with w's array parts, the seed with its return part), to 1e-10 of
   the sum of the absolute values of the terms (1e-4 when float32 appears);
3. **finite differences** — lane (0, 0) against central differences of
   g(t) = ⟨w, F(X + t v)⟩ at halving steps with Richardson extrapolation; flagged only when
   the discrepancy exceeds 10× the estimated FD error plus a noise floor, and then only if
   the branch trace (``trace.py``) is the same at every step used (else: a kink, skipped);
4. **width** — (``cfg.width1``) every lane of a width-N derivative against a width-1 call;
5. **NRT balance** — ``rtsys`` allocation statistics before and after a second round of
   calls (after compilation) must not move;
6. **caller's arrays** — ``c`` (Const) is never modified; the primal inputs keep the
   contents the primal leaves;
7. **determinism** — a second call with the same inputs returns bitwise the same results;
8. (``cfg.njit``) the derivatives called from an ``@njit`` function return bitwise what the
   Python call returns.

The program under test (compiling, calling with copies, normalising results) is
``harness.Program``; the finite-difference check is ``fd.fd_check``.

``UnsupportedError`` while building is a refusal (``status="refused"`` with the normalised
first line), never a failure.  The result is a plain dict, JSON-serialisable.
"""
from __future__ import annotations

import math
import re
import traceback
from dataclasses import asdict, dataclass, field
from typing import List

import numpy as np

from .fd import fd_check
from .harness import Failure, Program, load_module, magnitude

__all__ = ["Config", "Failure", "Program", "check_source", "enable_nrt_stats", "fd_check",
           "load_module", "normalise_refusal", "FWD_ACTS", "REV_ACTS"]


@dataclass
class Config:
    nf: int = 1                 # forward width
    nr: int = 1                 # reverse width
    ns: List[int] = field(default_factory=lambda: [4])
    data_seed: int = 0
    width1: bool = False        # compare width-N lanes with width-1 derivatives
    njit: bool = False          # call the derivatives from @njit code as well
    fd: bool = True
    active: str = "xyab"        # which of x, y, a, b carry derivatives (the rest are Const)
    only: bool = False          # ret=DualOnly / ActiveOnly instead of Dual / Active
    checks: tuple = ("primal", "consistency", "fd", "width", "nrt", "const", "determinism",
                     "njit")

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        if "checks" in d:
            d["checks"] = tuple(d["checks"])
        return cls(**d)

    def to_dict(self):
        d = asdict(self)
        d["checks"] = list(self.checks)
        return d


FWD_ACTS = ("Dual", "Dual", "Const", "Dual", "Dual", "Const")
REV_ACTS = ("Duplicated", "Duplicated", "Const", "Active", "Active", "Const")


def normalise_refusal(msg: str) -> str:
    """The first line of an UnsupportedError with program-specific names and numbers removed,
    so that refusals group by cause."""
    line = msg.strip().splitlines()[0] if msg.strip() else msg
    line = re.sub(r"%[\w.\-]+", "%v", line)
    line = re.sub(r"@[\w.\-]+", "@fn", line)
    line = re.sub(r"\b\d+\b", "N", line)
    line = re.sub(r"`[^`]*`", "`_`", line)
    return line[:200]


def _close(u, v, tol, scale, what):
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    if u.shape != v.shape:
        raise Failure("wrong", what, f"shape {u.shape} != {v.shape}")
    bad = ~((u == v) | (np.abs(u - v) <= tol * scale))
    if np.any(bad):
        k = int(np.argmax(bad.ravel()))
        raise Failure("wrong", what, f"{u.ravel()[k]!r} != {v.ravel()[k]!r} "
                                     f"(index {k}, tol {tol:g} x scale {scale:.3g})")


def _same(u, v, what):
    if u is None or v is None:
        if u is not v:
            raise Failure("wrong", what, f"{u!r} vs {v!r}")
        return
    u, v = np.asarray(u), np.asarray(v)
    if u.shape != v.shape or not np.array_equal(u, v, equal_nan=True):
        raise Failure("wrong", what, f"not bitwise identical: {u.ravel()[:4]} vs {v.ravel()[:4]}")


def _nrt_stats():
    from numba.core.runtime import rtsys
    s = rtsys.get_allocation_stats()
    return (s.alloc - s.free, s.mi_alloc - s.mi_free)


def enable_nrt_stats():
    from numba.core.runtime import _nrt_python
    _nrt_python.memsys_enable_stats()


def check_source(source: str, cfg: Config, tag: str = "") -> dict:
    """Run every check on one program; returns {"status", "kind", "detail", ...}."""
    from zymase.errors import UnsupportedError, ZymaseError
    import numba
    out = {"status": "ok", "kind": "", "detail": "", "fd": ""}
    try:
        prog = Program(source, tag, cfg.active, cfg.only)
    except Exception as e:  # noqa: BLE001 - a generator bug, not zymase's
        return {"status": "invalid", "kind": "load", "detail": f"{type(e).__name__}: {e}"}
    rng = np.random.default_rng(cfg.data_seed)
    ns_data = []
    for n in cfg.ns:
        ns_data.append(dict(
            n=n, x=rng.uniform(-1, 1, n), y=rng.uniform(-1, 1, n), c=rng.uniform(-1, 1, n),
            a=float(rng.uniform(0.5, 1.5)), b=float(rng.uniform(0.5, 1.5)),
            vx=rng.standard_normal((cfg.nf, n)), vy=rng.standard_normal((cfg.nf, n)),
            va=rng.standard_normal(cfg.nf), vb=rng.standard_normal(cfg.nf),
            wr=rng.standard_normal(cfg.nr), wx=rng.standard_normal((cfg.nr, n)),
            wy=rng.standard_normal((cfg.nr, n))))
    # primal first: a program Numba cannot compile is the generator's fault
    prim = []
    for d in ns_data:
        try:
            prim.append(prog.primal(d["x"], d["y"], d["c"], d["a"], d["b"], d["n"]))
        except numba.core.errors.NumbaError as e:
            return {"status": "invalid", "kind": "numba",
                    "detail": " ".join(str(e).split())[:600]}
        except Exception as e:  # noqa: BLE001
            return {"status": "invalid", "kind": "primal", "detail": f"{type(e).__name__}: {e}"}
    for r, x, y in prim:
        if isinstance(r, str):          # the program raised for these inputs
            continue
        if not (math.isfinite(r) and abs(r) < 1e12 and np.all(np.abs(x) < 1e12)
                and np.all(np.abs(y) < 1e12)):
            return {"status": "skipped", "kind": "nonfinite", "detail": f"primal {r}"}
    out["raised"] = sum(isinstance(p_[0], str) for p_ in prim)
    # an array the program writes stays active: Const promises that no derivative flows
    # through its memory, which a program that stores active values there breaks
    active = cfg.active
    for name in "xy":       # a store the inputs did not reach (a raise came first) counts too
        if name not in active and re.search(rf"(?m)^\s*{name}\[.*\]\s*(\*\*|[-+*/])?=[^=]",
                                            source):
            active += name
    for d, (_, x, y) in zip(ns_data, prim):
        for name, after in (("x", x), ("y", y)):
            if name not in active and not np.array_equal(after, d[name], equal_nan=True):
                active += name
    prog.active = active
    out["active"] = active
    for d in ns_data:
        for name in "xyab":
            if name not in active:
                d["v" + name] = np.zeros_like(d["v" + name])
                if name in "xy":
                    d["w" + name] = np.zeros_like(d["w" + name])
    try:
        _run_checks(prog, cfg, ns_data, prim, out)
    except UnsupportedError as e:
        return {"status": "refused", "kind": "unsupported", "detail": normalise_refusal(str(e)),
                "message": str(e)[:2000]}
    except Failure as e:
        out.update(status=e.status, kind=e.kind, detail=e.detail)
    except ZymaseError as e:
        out.update(status="error", kind=type(e).__name__,
                   detail=str(e).strip().splitlines()[0][:300], message=str(e)[:3000])
    except numba.core.errors.NumbaError as e:
        out.update(status="error", kind="NumbaError",
                   detail=" ".join(str(e).split())[:300], message=str(e)[:3000])
    except Exception as e:  # noqa: BLE001 - anything else escaping zymase is a bug
        out.update(status="error", kind=type(e).__name__, detail=str(e)[:300],
                   message=traceback.format_exc()[-3000:])
    return out


def _run_checks(prog: Program, cfg: Config, ns_data, prim, out):
    want = set(cfg.checks)
    tol = 1e-4 if prog.f32 else 1e-10
    ptol = 1e-5 if prog.f32 else 1e-13
    for d, (r0, x0, y0) in zip(ns_data, prim):
        if isinstance(r0, str):
            _raise_checks(prog, cfg, d, r0, x0, y0, want)
            continue
        n, x, y, c, a, b = d["n"], d["x"], d["y"], d["c"], d["a"], d["b"]
        c_before = c.copy()
        x_in, y_in = x.copy(), y.copy()
        fres = prog.call_fwd(cfg.nf, x, y, c, a, b, n, d["vx"], d["vy"], d["va"], d["vb"])
        rres = prog.call_rev(cfg.nr, x, y, c, a, b, n, d["wr"], d["wx"], d["wy"])
        if "const" in want:
            _same(c, c_before, "const-modified")
            _same(x, x_in, "input-modified")
            _same(y, y_in, "input-modified")
        rf, xf, yf, t, dxo, dyo = fres
        rr, xr, yr, ga, gb, gx, gy = rres
        if "primal" in want:
            sc = abs(r0) + 1.0
            if not prog.only:
                _close(rf, r0, ptol, sc, "primal-value-forward")
                _close(rr, r0, ptol, sc, "primal-value-reverse")
            _close(xf, x0, ptol, magnitude(x0) + 1.0, "primal-state-forward")
            _close(yf, y0, ptol, magnitude(y0) + 1.0, "primal-state-forward")
            _close(xr, x0, ptol, magnitude(x0) + 1.0, "primal-state-reverse")
            _close(yr, y0, ptol, magnitude(y0) + 1.0, "primal-state-reverse")
        if "consistency" in want:
            vx, vy, va, vb = d["vx"], d["vy"], d["va"], d["vb"]
            wr, wx, wy = d["wr"], d["wx"], d["wy"]
            for i in range(cfg.nf):
                for j in range(cfg.nr):
                    lhs_terms = [wr[j] * t[i], wx[j] * dxo[i], wy[j] * dyo[i]]
                    rhs_terms = [vx[i] * gx[j], vy[i] * gy[j], va[i] * ga[j], vb[i] * gb[j]]
                    lhs = float(sum(np.sum(q) for q in lhs_terms))
                    rhs = float(sum(np.sum(q) for q in rhs_terms))
                    if not (np.isfinite(lhs) and np.isfinite(rhs)):
                        raise Failure("wrong", "nonfinite-derivative",
                                      f"lane ({i},{j}): <Jv,w>={lhs} <v,J'w>={rhs}")
                    scale = magnitude(*lhs_terms, *rhs_terms) + 1e-300
                    if abs(lhs - rhs) > tol * scale:
                        raise Failure("wrong", "consistency",
                                      f"n={n} lane ({i},{j}): <Jv,w>={lhs!r} <v,J'w>={rhs!r} "
                                      f"rel {abs(lhs - rhs) / scale:.3g}")
        if "determinism" in want:
            f2 = prog.call_fwd(cfg.nf, x, y, c, a, b, n, d["vx"], d["vy"], d["va"], d["vb"])
            r2 = prog.call_rev(cfg.nr, x, y, c, a, b, n, d["wr"], d["wx"], d["wy"])
            for u, v in zip(fres, f2):
                _same(u, v, "nondeterministic-forward")
            for u, v in zip(rres, r2):
                _same(u, v, "nondeterministic-reverse")
        if "nrt" in want:
            enable_nrt_stats()
            s0 = _nrt_stats()
            for _ in range(2):
                prog.call_fwd(cfg.nf, x, y, c, a, b, n, d["vx"], d["vy"], d["va"], d["vb"])
                prog.call_rev(cfg.nr, x, y, c, a, b, n, d["wr"], d["wx"], d["wy"])
            s1 = _nrt_stats()
            if s1 != s0:
                raise Failure("leak", "nrt", f"n={n}: live allocations {s0[0]}->{s1[0]}, "
                                             f"meminfos {s0[1]}->{s1[1]} after 2 calls of each")
        if "width" in want and cfg.width1:
            if cfg.nf > 1:
                for i in range(cfg.nf):
                    one = prog.call_fwd(1, x, y, c, a, b, n, d["vx"][i:i + 1], d["vy"][i:i + 1],
                                        d["va"][i:i + 1], d["vb"][i:i + 1])
                    wt = 1e-5 if prog.f32 else 1e-12
                    _close(one[3][0], t[i], wt, abs(t[i]) + 1e-300, "width-forward")
                    _close(one[4][0], dxo[i], wt, magnitude(dxo[i]) + 1e-300, "width-forward")
                    _close(one[5][0], dyo[i], wt, magnitude(dyo[i]) + 1e-300, "width-forward")
            if cfg.nr > 1:
                for j in range(cfg.nr):
                    one = prog.call_rev(1, x, y, c, a, b, n, d["wr"][j:j + 1], d["wx"][j:j + 1],
                                        d["wy"][j:j + 1])
                    wt = 1e-5 if prog.f32 else 1e-12
                    _close(one[3][0], ga[j], wt, abs(ga[j]) + 1e-300, "width-reverse")
                    _close(one[4][0], gb[j], wt, abs(gb[j]) + 1e-300, "width-reverse")
                    _close(one[5][0], gx[j], wt, magnitude(gx[j]) + 1e-300, "width-reverse")
                    _close(one[6][0], gy[j], wt, magnitude(gy[j]) + 1e-300, "width-reverse")
        if "njit" in want and cfg.njit:
            _njit_calls(prog, cfg, d, fres, rres)
        if "fd" in want and cfg.fd:
            ad = float(t[0] * d["wr"][0] + np.dot(dxo[0], d["wx"][0]) + np.dot(dyo[0], d["wy"][0]))
            out["fd"] = fd_check(prog, d, ad)


def _raise_checks(prog, cfg, d, exc, x0, y0, want):
    """The primal raised ``exc`` for these inputs: so must both derivatives, leaving the
    arrays as the primal left them and leaking no NRT memory the primal does not (Numba's
    own raise paths may leak allocations; with their shadows, one per lane, that is at most
    1 + width times as much)."""
    n, x, y, c, a, b = d["n"], d["x"], d["y"], d["c"], d["a"], d["b"]
    c_before = c.copy()

    def call(kind):
        if kind == "primal":
            xx, yy = x.copy(), y.copy()
            args, fn = [xx, yy, c, a, b, n], prog.fj
        elif kind == "forward":
            args, xx, yy, _, _ = prog.fwd_args(cfg.nf, x, y, c, a, b, n, d["vx"], d["vy"],
                                               d["va"], d["vb"])
            fn = prog.deriv("fwd", cfg.nf)
        else:
            args, xx, yy, _, _ = prog.rev_args(cfg.nr, x, y, c, a, b, n, d["wr"], d["wx"],
                                               d["wy"])
            fn = prog.deriv("rev", cfg.nr)
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001
            from zymase.errors import ZymaseError
            if isinstance(e, ZymaseError):
                raise
            return type(e).__name__, xx, yy
        return None, xx, yy

    enable_nrt_stats()
    leaks = {}
    for kind in ("primal", "forward", "reverse"):
        got, xx, yy = call(kind)          # builds on the first call
        if got != exc:
            raise Failure("wrong", f"exception-{kind}",
                          f"n={n}: the primal raises {exc}, the {kind} derivative "
                          f"{'returns normally' if got is None else 'raises ' + got}")
        if "primal" in want and kind != "primal":
            _close(xx, x0, 0.0, 1.0, f"primal-state-on-raise-{kind}")
            _close(yy, y0, 0.0, 1.0, f"primal-state-on-raise-{kind}")
        s0 = _nrt_stats()
        for _ in range(3):
            call(kind)
        s1 = _nrt_stats()
        leaks[kind] = (s1[0] - s0[0], s1[1] - s0[1])
    if "const" in want:
        _same(c, c_before, "const-modified")
    if "nrt" in want:
        # an allocation the primal leaks on its raise path (Numba's own, numba#1549) leaks
        # its shadows too — one per lane at width N when shadows are laid out per lane — so
        # up to (1 + N) times the primal's leak is inherited, not added
        for kind, w in (("forward", cfg.nf), ("reverse", cfg.nr)):
            if any(leaks[kind][i] > (1 + w) * leaks["primal"][i] for i in (0, 1)):
                raise Failure("leak", "nrt-raise",
                              f"n={n}: 3 raising calls leak {leaks[kind]} (allocations, "
                              f"meminfos) in the {kind} derivative, {leaks['primal']} in the "
                              f"primal")


def _njit_wrapper(d, nargs):
    import numba
    params = ", ".join(f"a{k}" for k in range(nargs))
    ns = {"d": d}
    exec(f"def call({params}):\n    return d({params})\n", ns)
    return numba.njit(ns["call"])


def _njit_calls(prog, cfg, d, fres, rres):
    fwd, rev = prog.deriv("fwd", cfg.nf), prog.deriv("rev", cfg.nr)
    n, x, y, c, a, b = d["n"], d["x"], d["y"], d["c"], d["a"], d["b"]
    nf = len(prog.fwd_args(cfg.nf, x, y, c, a, b, n, d["vx"], d["vy"], d["va"], d["vb"])[0])
    nr = len(prog.rev_args(cfg.nr, x, y, c, a, b, n, d["wr"], d["wx"], d["wy"])[0])
    f2 = prog.call_fwd(cfg.nf, x, y, c, a, b, n, d["vx"], d["vy"], d["va"], d["vb"],
                       fn=_njit_wrapper(fwd, nf))
    r2 = prog.call_rev(cfg.nr, x, y, c, a, b, n, d["wr"], d["wx"], d["wy"],
                       fn=_njit_wrapper(rev, nr))
    for u, v in zip(fres, f2):
        _same(u, v, "njit-call-forward")
    for u, v in zip(rres, r2):
        _same(u, v, "njit-call-reverse")

"""The finite-difference check: the AD directional derivative of lane (0, 0) against
central differences of g(t) = ⟨w, F(X + t v)⟩.

Algorithm: central differences D(h) at halving steps h = 1e-2 / 2^k, Richardson values
R_k = (4 D(h_k+1) - D(h_k)) / 3, and for each R_k an error estimate from its two neighbours
plus the rounding noise of the step; the estimate with the smallest error is compared with
AD.  Agreement within 10× the error plus a relative noise floor (1e-8, 3e-4 with float32)
passes.  Only steps below the smallest one at which ``X ± h v`` makes the program raise are
used.

A disagreement is reported only when it survives two explanations:

- a kink or jump inside the stencil: the branch-trace twin of the program (``trace.py``)
  records every branch, ``min``/``max``/``abs`` and ``np.max`` decision; only steps whose
  trace at ``X ± h v`` equals the trace at ``X`` are kept (a flip at a step smaller than
  clean ones discards them: only steps below the nearest flip count), and fewer than 5
  clean steps is ``"kink"``;
- variation on scales finer than the steps trusted (``"fine-scale"``): smaller steps leave
  the extrapolated value, so the comparison is inconclusive rather than wrong.

Returns a word for the record (``"agree"``, ``"agree-after-kink-check"``, ``"kink"``,
``"fine-scale"``, ``"raises-nearby"``) or raises ``Failure("wrong", "fd", ...)``.
"""
from __future__ import annotations

import numpy as np

from .harness import Failure, Program, load_module, magnitude


def _g(prog, d, t, tr=None, twin=None):
    """<w0, F(X + t v0)> and the sum of |terms| (for the noise floor)."""
    x = d["x"] + t * d["vx"][0]
    y = d["y"] + t * d["vy"][0]
    a = d["a"] + t * d["va"][0]
    b = d["b"] + t * d["vb"][0]
    if twin is not None:
        tr[:] = 0
        r = twin(x, y, d["c"], a, b, d["n"], tr)
    else:
        r = prog.fj(x, y, d["c"], a, b, d["n"])
    terms = [d["wr"][0] * r, d["wx"][0] * x, d["wy"][0] * y]
    return float(sum(np.sum(q) for q in terms)), magnitude(*terms)


def _richardson(prog, d, hs, twin=None):
    """Central differences D(h) at the halving steps ``hs``, Richardson values
    R_k = (4 D(h_k+1) - D(h_k)) / 3, and for each R_k an error estimate that needs its two
    neighbours to agree (three consistent values: one spurious agreement between two
    estimates far from the asymptotic regime — an oscillating function — is not enough),
    plus the rounding noise of the step.  Returns ([(h, R, err)], magnitude of g)."""
    # rounding noise of a step: float32 intermediates round at their own epsilon, which makes
    # g a staircase at small h (three equal, wrong Richardson values are then no evidence)
    eps = np.finfo(np.float32 if prog.f32 else np.float64).eps
    D, mag = [], 0.0
    for h in hs:
        gp, sp = _g(prog, d, h)
        gm, sm = _g(prog, d, -h)
        D.append((gp - gm) / (2 * h))
        mag = max(mag, sp, sm)
    R = [(4 * D[k + 1] - D[k]) / 3 for k in range(len(D) - 1)]
    est = []
    for k in range(1, len(R) - 1):
        err = max(abs(R[k] - R[k - 1]), abs(R[k + 1] - R[k])) + 8 * eps * mag / hs[k + 1]
        est.append((hs[k + 1], R[k], err))
    return est, mag


def _fine_scale(prog, d, R, err, h_best, floor, smaller) -> bool:
    """Whether central differences at steps below ``h_best`` leave the extrapolated value
    ``R`` by more than its error and their own rounding noise: the function then varies on
    scales finer than the steps the estimate trusted (``cos(b)`` with ``db/dy ~ 1e8`` is a
    fast oscillation in ``y``; steps of 1e-4 average it out, and three Richardson values
    agree on the derivative of the average).  AD's value is then not contradicted: the
    comparison is inconclusive.  A smooth function — a real disagreement — passes: its small
    steps agree with ``R``."""
    eps = np.finfo(np.float32 if prog.f32 else np.float64).eps
    for h in smaller:
        gp, sp = _g(prog, d, h)
        gm, sm = _g(prog, d, -h)
        D = (gp - gm) / (2 * h)
        noise = 8 * eps * max(sp, sm) / h
        if abs(D - R) > 10 * err + noise + floor * (abs(R) + max(sp, sm)):
            return True
    return False


def _steps_without_raise(prog, d, hs):
    """The steps (largest first) below the smallest one at which ``x ± h v`` makes the
    program raise: an exception inside the stencil is a discontinuity of another kind."""
    ok = []
    for h in hs:
        try:
            _g(prog, d, h)
            _g(prog, d, -h)
        except Exception:  # noqa: BLE001 - the program's own raise (or Numba's)
            ok = []
            continue
        ok.append(h)
    return ok


def fd_check(prog: Program, d, ad: float) -> str:
    """Compare the AD directional derivative with extrapolated central differences;
    raises Failure when they disagree beyond the error estimate on a kink-free segment."""
    floor = 3e-4 if prog.f32 else 1e-8
    hs = _steps_without_raise(prog, d, [1e-2 / 2 ** k for k in range(22)])   # 1e-2 … 5e-9
    if len(hs) < 5:
        return "raises-nearby"
    est, mag = _richardson(prog, d, hs)
    h, R, err = min(est, key=lambda e: e[2])
    if abs(ad - R) <= 10 * err + floor * (abs(ad) + mag):
        return "agree"
    # disagreement: is there a kink or a jump between x - h v and x + h v?
    from .trace import twin
    tns = load_module(twin(prog.source), "twin")
    import numba
    tw = numba.njit(tns["f"])
    tr = np.zeros(2, np.int64)
    _g(prog, d, 0.0, tr, tw)
    base = tuple(tr)
    clean = []
    for h in [1e-2 / 2 ** k for k in range(26)]:
        ok = True
        for s in (h, -h):
            try:
                _g(prog, d, s, tr, tw)
            except Exception:  # noqa: BLE001 - a raise inside the step: not a clean one
                ok = False
                break
            if tuple(tr) != base:
                ok = False
        if ok:
            clean.append(h)
        elif clean:
            clean = []          # a flip nearer than a clean step: only smaller steps count
    if len(clean) < 5:
        return "kink"
    est, mag = _richardson(prog, d, clean)
    h, R, err = min(est, key=lambda e: e[2])
    if abs(ad - R) <= 10 * err + floor * (abs(ad) + mag):
        return "agree-after-kink-check"
    if _fine_scale(prog, d, R, err, h, floor, [c for c in clean if c < h]):
        return "fine-scale"
    raise Failure("wrong", "fd", f"n={d['n']}: AD {ad!r} vs FD {R!r} (h={h:.2g}, est. error "
                                 f"{err:.2g}, |terms| {mag:.3g})")

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
- variation on scales finer than the steps trusted: smaller steps leave the extrapolated
  value.  Steps small enough to resolve AD's own scale (``|AD|·h`` a thousandth of ``|g|``,
  down to where rounding of ``g`` and of ``X + h v`` reaches 5 %) are tried first: when two
  consecutive ones agree with AD to 1 % (``"agree-at-fine-scale"``), AD is confirmed — a
  chaotic program whose derivative is 1e14 oscillates on a 1e-12 scale, which no step of
  the extrapolation resolves.  Otherwise the comparison is inconclusive (``"fine-scale"``),
  not wrong.  Neither path can excuse a wrong rule in a smooth program: its small steps
  agree with the extrapolated value, which AD then contradicts.

Returns a word for the record (``"agree"``, ``"agree-after-kink-check"``, ``"kink"``,
``"agree-at-fine-scale"``, ``"fine-scale"``, ``"raises-nearby"``) or raises ``Failure("wrong", "fd", ...)``.
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


def _at_ad_scale(prog, d, ad: float, R: float, err: float, floor: float):
    """Central differences at steps that resolve AD's scale (from ``|AD|·h`` a thousandth of
    ``|g|`` down to where the rounding of ``g`` and of ``X + h v`` reaches 5 % of AD):
    ``"agree-at-fine-scale"`` when two consecutive ones agree with AD to 1 % while leaving
    the extrapolated value ``R``; ``"fine-scale"`` when two consecutive ones leave ``R`` by
    more than its error and their own noise (the function varies on finer scales than the
    extrapolation's steps: inconclusive); else None."""
    if ad == 0.0 or not np.isfinite(ad):
        return None
    # g is evaluated in float64; float32 intermediates make it a staircase at their own
    # epsilon, which can excuse a departure from R but never fakes agreement with AD
    eps64 = np.finfo(np.float64).eps
    eps = np.finfo(np.float32).eps if prog.f32 else eps64
    _, mag = _g(prog, d, 0.0)
    xmax = max(float(np.max(np.abs(d[k]), initial=0.0)) for k in "xyab")
    h = min(1e-9, 1e-3 * mag / abs(ad))
    confirm = left = 0
    left_twice = False
    while h > 0:
        try:
            gp, sp = _g(prog, d, h)
            gm, sm = _g(prog, d, -h)
        except Exception:  # noqa: BLE001 - the program raised inside the step
            break
        D = (gp - gm) / (2 * h)
        # rounding of g, and of X + h v (the step actually taken differs from h v by about
        # eps |X|): beyond 5 % of AD the differences say nothing
        noise64 = 8 * eps64 * max(sp, sm) / h + eps64 * xmax / h * abs(ad)
        if noise64 > 5e-2 * abs(ad):
            break
        noise = 8 * eps * max(sp, sm) / h + eps * xmax / h * abs(ad)
        leaves = abs(D - R) > 10 * err + noise + floor * (abs(R) + max(sp, sm))
        left = left + 1 if leaves else 0
        left_twice = left_twice or left >= 2
        near = abs(D - R) > 10 * err + noise64 and abs(D - ad) <= 1e-2 * abs(ad) + noise64
        confirm = confirm + 1 if near else 0
        if confirm == 2:
            return "agree-at-fine-scale"
        h /= 4
    return "fine-scale" if left_twice else None


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
    verdict = _at_ad_scale(prog, d, ad, R, err, floor)
    if verdict is not None:
        return verdict
    if _fine_scale(prog, d, R, err, h, floor, [c for c in clean if c < h]):
        return "fine-scale"
    raise Failure("wrong", "fd", f"n={d['n']}: AD {ad!r} vs FD {R!r} (h={h:.2g}, est. error "
                                 f"{err:.2g}, |terms| {mag:.3g})")

"""Drive the GradBench tool's (``python -m zymase.gradbench``) kmeans, det, particle and saddle
modules as GradBench would.

One tool process per module answers its messages (compiling the module dominates the run
time); the outputs are then checked against a computation that shares no code with the tool:

* kmeans: inputs made like GradBench's generator (``rand(n, d)``, centroids = the last k
  points); numpy assigns points to centroids; cost = sum of squared distances; ``dir = J/H``
  with ``J = 2 sum (c - p)`` and ``H = 2 count`` per cluster is ``c - mean`` of the cluster
  (GradBench's "manual" tool computes exactly that);
* det: numpy's LU determinant, and the gradient = the cofactor matrix built from numpy
  determinants of the minors (valid for singular matrices too, where ``det·inv(A)ᵀ`` is not);
* particle: GradBench's golden value for ``w = 0``, and for other starts a pure-Python copy
  of the eval (closed-form ``grad_x p``, central differences for ``d/dw``); the tool's nested
  gradients themselves (its diagnostic functions) against central differences of that copy;
* saddle: GradBench's golden value for ``start = [1, 1]``, and for other starts a pure-Python
  copy with the closed-form gradients ``d max / d p1 = 2 p1``, ``d f / d p2 = -2 p2``; the
  tool's nested gradients against ``2 p1``.

A wrong derivative makes these fail (checked by mutating the tool: H scaled in kmeans, a sign
in det's 4×4 expansion, a wrong forward seed in particle, swapped tangents in saddle).
"""
import functools
import json
import os
import queue
import threading

import numpy as np

from tests.support import assert_fd_close, fd_gradient
from tests.unit.test_gradbench_tool import start_tool

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VARIANTS = ("rr", "rf", "fr", "ff")
# the tool's diagnostics: the primal and zymase's nested gradients the descents use
DIAGNOSTICS = ("objective",) + tuple("gradient_" + v for v in VARIANTS)

# GradBench's own expected outputs (evals/particle and evals/saddle run.py)
PARTICLE_GOLDEN = 0.2071918746486116
SADDLE_GOLDEN = 8.246324826140356e-06


# --------------------------------------------------------------------------- inputs

def _kmeans_inputs():
    rng = np.random.RandomState(31337)
    out = []
    for k, n, d in [(3, 40, 2), (10, 300, 5)]:
        points = rng.rand(n, d)
        out.append({"points": points.tolist(), "centroids": points[-k:].tolist()})
    return out


def _det_inputs():
    rng = np.random.RandomState(31337)
    out = [{"A": rng.rand(ell * ell).tolist(), "ell": ell} for ell in range(1, 8)]
    # rank 4 of 5: det = 0 but its gradient (the adjugate) is not
    B = rng.rand(5, 4) @ rng.rand(4, 5)
    out.append({"A": B.ravel().tolist(), "ell": 5})
    return out


PARTICLE_STARTS = [0.0, 0.3, -0.2]     # -0.2 descends to the other root of x0(t_f) = 0
SADDLE_STARTS = [[1.0, 1.0], [0.5, -2.0], [-3.0, 0.25]]


def _messages(module):
    fns, inputs = {
        "kmeans": (("cost", "dir"), _kmeans_inputs()),
        "det": (("primal", "gradient"), _det_inputs()),
        # diagnostics first: they end even when a wrong gradient makes a descent hang
        "particle": (DIAGNOSTICS + VARIANTS, [{"w": w} for w in PARTICLE_STARTS]),
        "saddle": (DIAGNOSTICS + VARIANTS, [{"start": s} for s in SADDLE_STARTS]),
    }[module]
    msgs = [{"kind": "start", "eval": module}, {"kind": "define", "module": module}]
    for fn in fns:
        for i, inp in enumerate(inputs):
            msgs.append({"kind": "evaluate", "module": module, "function": fn,
                         "input": inp | {"min_runs": 2, "min_seconds": 0},
                         "description": f"{module} {fn} #{i}"})
    for i, m in enumerate(msgs):
        m["id"] = i
    return msgs


@functools.lru_cache(maxsize=None)
def _session(module):
    """[(message, response or None)] of one tool process answering the module's messages.

    A wrong derivative can make a descent wander where the particle's Euler loop never ends
    (it is unbounded in GradBench's spec too), so every answer has a deadline; after a missed
    deadline the tool is killed and the remaining messages get no response."""
    messages = _messages(module)
    proc = start_tool()
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout],
                     daemon=True).start()
    out = [[m, None] for m in messages]
    try:
        for pair in out:
            proc.stdin.write(json.dumps(pair[0]) + "\n")
            proc.stdin.flush()
            try:   # compiling a module takes seconds (more on a loaded machine)
                line = lines.get(timeout=240 if pair[0]["kind"] == "define" else 60)
            except queue.Empty:
                break
            pair[1] = json.loads(line)
            assert pair[1]["id"] == pair[0]["id"]
        else:
            proc.stdin.close()
            assert proc.wait(timeout=60) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    return out


def _results(module):
    """[(function, input, output)] of the module's evaluations; every answer must succeed."""
    res = []
    for msg, resp in _session(module):
        assert resp is not None, f"no answer in time to {msg.get('description', msg['kind'])}"
        assert resp["id"] == msg["id"]
        if msg["kind"] == "start":
            assert resp["tool"] == "zymase"
            continue
        assert resp["success"] is True, resp.get("error")
        if msg["kind"] == "evaluate":
            ev = [t for t in resp["timings"] if t["name"] == "evaluate"]
            assert len(ev) >= 2 and all(t["nanoseconds"] > 0 for t in ev)  # min_runs = 2
            res.append((msg["function"], msg["input"], resp["output"]))
    return res


# --------------------------------------------------------------------------- kmeans

def test_kmeans():
    res = _results("kmeans")
    assert len(res) == 2 * len(_kmeans_inputs())
    for fn, inp, out in res:
        P, C = np.array(inp["points"]), np.array(inp["centroids"])
        D = ((P[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
        owner = D.argmin(axis=1)
        if fn == "cost":
            assert isinstance(out, float)
            np.testing.assert_allclose(out, D.min(axis=1).sum(), rtol=1e-12)
        else:
            mean = np.array([P[owner == j].mean(axis=0) for j in range(len(C))])
            got = np.array(out)
            assert got.shape == C.shape
            np.testing.assert_allclose(got, C - mean, rtol=1e-10, atol=1e-13)


# --------------------------------------------------------------------------- det

def _cofactors(M):
    ell = M.shape[0]
    if ell == 1:
        return np.ones((1, 1))
    cof = np.empty_like(M)
    for i in range(ell):
        for j in range(ell):
            minor = np.delete(np.delete(M, i, axis=0), j, axis=1)
            cof[i, j] = (-1) ** (i + j) * np.linalg.det(minor)
    return cof


def test_det():
    res = _results("det")
    assert len(res) == 2 * len(_det_inputs())
    for fn, inp, out in res:
        ell = inp["ell"]
        M = np.array(inp["A"]).reshape(ell, ell)
        if fn == "primal":
            assert isinstance(out, float)
            np.testing.assert_allclose(out, np.linalg.det(M), rtol=1e-10, atol=1e-13)
        else:
            assert len(out) == ell * ell
            np.testing.assert_allclose(np.array(out).reshape(ell, ell), _cofactors(M),
                                       rtol=1e-10, atol=1e-13)
    singular = [out for fn, inp, out in res if fn == "primal" and abs(out) < 1e-12]
    assert singular, "the rank-deficient input must give a zero determinant"


# --------------------------------------------------------------------------- particle

def _gd_argmin(f, g, x):
    """gd.hpp's multivariate_argmin for a list x of floats."""
    x = list(x)
    fx, gx, i, eta = f(x), g(x), 0, 1e-5
    while True:
        if sum(v * v for v in gx) ** 0.5 <= 1e-5:
            return x
        if i == 10:
            eta, i = eta * 2, 0
            continue
        xp = [a - eta * b for a, b in zip(x, gx)]
        if sum((a - b) ** 2 for a, b in zip(x, xp)) ** 0.5 <= 1e-5:
            return x
        fxp = f(xp)
        if fxp < fx:
            x, fx, gx, i = xp, fxp, g(xp), i + 1
        else:
            eta, i = eta / 2, 0


def _particle_objective(w):
    """x0(t_f)^2 of the Euler trajectory; grad_x p in closed form."""
    x0, x1, v0, v1, dt = 0.0, 8.0, 0.75, 0.0, 0.1
    while True:
        g0 = g1 = 0.0
        for cx, cy in ((10.0, 10.0 - w), (10.0, 0.0)):      # grad of 1/|x - c|
            dx, dy = x0 - cx, x1 - cy
            r3 = (dx * dx + dy * dy) ** 1.5
            g0, g1 = g0 - dx / r3, g1 - dy / r3
        x0, x1 = x0 + dt * v0, x1 + dt * v1
        if x1 <= 0.0:
            xf = x0 + (-x1 / v1) * v0
            return xf * xf
        v0, v1 = v0 - dt * g0, v1 - dt * g1


def _particle_expected(w0):
    # d/dw of the pure-Python particle objective: central differences with h = 1e-6
    return _gd_argmin(lambda w: _particle_objective(w[0]),
                      lambda w: [float(fd_gradient(_particle_objective, w[0], 1e-6,
                                                   relative=False).value)], [w0])[0]


def _check_particle_gradients(res):
    res = [r for r in res if r[0] in DIAGNOSTICS]
    assert len(res) == len(DIAGNOSTICS) * len(PARTICLE_STARTS)
    for fn, inp, out in res:
        w = inp["w"]
        if fn == "objective":
            np.testing.assert_allclose(out, _particle_objective(w), rtol=1e-11)
        else:
            # zymase's d/dw through the Euler loop and the inner zymase gradient inside it;
            # central differences (h = 1e-6) of the pure-Python copy agree to ~4e-9
            assert_fd_close(out, fd_gradient(_particle_objective, w, 1e-6, relative=False),
                            2e-8, what=fn)


def test_particle():
    # one test per module, so that pytest-xdist compiles each module in one worker only
    res = _results("particle")
    _check_particle_gradients(res)
    res = [r for r in res if r[0] in VARIANTS]
    assert sorted({fn for fn, _, _ in res}) == sorted(VARIANTS)
    assert len(res) == 4 * len(PARTICLE_STARTS)
    expected = {w: _particle_expected(w) for w in PARTICLE_STARTS}
    assert abs(expected[0.0] - PARTICLE_GOLDEN) < 1e-9     # the copy reproduces GradBench
    assert abs(expected[-0.2] - expected[0.0]) > 0.1       # a different minimum
    for fn, inp, out in res:
        assert isinstance(out, float)
        # the descent stops at |gradient| <= 1e-5 or a step <= 1e-5: central differences
        # move the stopping point by ~1e-12 (checked at w = 0 against the golden value)
        assert abs(out - expected[inp["w"]]) < 1e-8, (fn, inp["w"], out)
        if inp["w"] == 0.0:
            assert abs(out - PARTICLE_GOLDEN) < 1e-10, (fn, out)


# --------------------------------------------------------------------------- saddle

def _f(p1, p2):
    return (p1[0] * p1[0] + p1[1] * p1[1]) - (p2[0] * p2[0] + p2[1] * p2[1])


def _argmax_p2(p1, start):
    # argmax f = argmin -f, with -d f / d p2 = 2 p2
    return _gd_argmin(lambda p2: -_f(p1, p2), lambda p2: [2 * p2[0], 2 * p2[1]], start)


def _saddle_expected(start):
    # d/dp1 of f(p1, p2*) is 2 p1: the descent for p2* uses only d f / d p2, which does
    # not depend on p1, so p2* moves with p1 only through comparisons (no derivative)
    r1 = _gd_argmin(lambda p1: _f(p1, _argmax_p2(p1, start)),
                    lambda p1: [2 * p1[0], 2 * p1[1]], start)
    return r1 + _argmax_p2(r1, start)


def _check_saddle_gradients(res):
    res = [r for r in res if r[0] in DIAGNOSTICS]
    assert len(res) == len(DIAGNOSTICS) * len(SADDLE_STARTS)
    for fn, inp, out in res:
        s = inp["start"]
        if fn == "objective":
            np.testing.assert_allclose(out, _f(s, _argmax_p2(s, s)), rtol=1e-12)
        else:
            # zymase's gradient of max_p2 f(p1, p2) through the inner ascent loop
            np.testing.assert_allclose(out, [2 * s[0], 2 * s[1]], rtol=1e-12, err_msg=fn)


def test_saddle():
    res = _results("saddle")
    _check_saddle_gradients(res)
    res = [r for r in res if r[0] in VARIANTS]
    assert sorted({fn for fn, _, _ in res}) == sorted(VARIANTS)
    assert len(res) == 4 * len(SADDLE_STARTS)
    assert np.allclose(_saddle_expected([1.0, 1.0]), SADDLE_GOLDEN, rtol=1e-12, atol=0)
    for fn, inp, out in res:
        assert isinstance(out, list) and len(out) == 4
        want = _saddle_expected(inp["start"])
        np.testing.assert_allclose(out, want, rtol=1e-9, atol=1e-12, err_msg=fn)
        # it did move: the start is far from the saddle at the origin
        assert max(abs(v) for v in out) < 1e-3

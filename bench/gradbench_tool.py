"""zymase as a GradBench tool: answers GradBench's JSON-lines protocol on stdin/stdout.

    python bench/gradbench_tool.py            # then, with the GradBench CLI:
    gradbench run --eval "gradbench repo eval gmm" --tool "python bench/gradbench_tool.py"

Protocol, as specified in GradBench's CONTRIBUTING.md ("Protocol"; checked against
gradbench/gradbench at commit f26651a, March 2026): the eval sends one JSON object per line,
each with a unique ``"id"`` and a ``"kind"``; the tool answers every message with exactly
one JSON line carrying the same ``"id"``:

* ``start``    -> ``{"id", "tool": "zymase", "config": {...}}``
* ``define``   (``"module"``) -> ``{"id", "success": true|false[, "error"], "timings"}``;
  zymase compiles the module's derivatives here (on a tiny input of the right argument
  types), reported as one ``"compile"`` timing;
* ``evaluate`` (``"module"``, ``"function"``, ``"input"``) -> ``{"id", "success": true,
  "output", "timings": [{"name": "evaluate", "nanoseconds"}, ...]}``, one ``"evaluate"``
  timing per run: the function runs at least ``input["min_runs"]`` times and until the
  runs add up to ``input["min_seconds"]`` (both default to 1 run / 0 s when absent, as in
  the ``hello`` eval); conversion from and to JSON is not timed; on an exception
  ``{"id", "success": false, "error"}``;
* any other kind (``analysis``; also ``end``, which GradBench itself never sends) ->
  ``{"id"}``.  The session ends at end of input (or after answering ``end``).

Modules (the evals' README files in gradbench/evals/*/ define inputs and outputs):

* ``hello``: ``square(x) = x*x``, ``double(x)`` = its derivative (input a number);
* ``gmm``: ``objective``/``jacobian`` of GradBench's GMM **log posterior**, input
  ``{d, k, n, x, m, gamma, alpha, mu, q, l, min_runs, min_seconds}``; the jacobian is
  ``{"alpha", "mu", "q", "l"}`` shaped like the inputs.  GradBench fixed ADBench's sign
  error: its objective is ADBench's GMM objective with the Wishart prior term *subtracted*
  instead of added (``l`` is ``icf[:, d:]`` of ADBench, packed column by column, ``q`` is
  ``icf[:, :d]``);
* ``lstm``: ``objective``/``jacobian`` of ADBench's LSTM (identical to ADBench, including
  the ``log(2 + sum exp)`` normaliser), input ``{main_params, extra_params, state,
  sequence}`` as nested lists; the jacobian is the gradient with respect to
  ``main_params`` and ``extra_params``, each flattened row after row, concatenated;
* ``ode``: ``primal``/``gradient``, input ``{x, s}``: RK4 with ``s`` steps on ``[0, 2]`` of
  ``y0' = x0, yi' = xi * y(i-1)``, ``y(0) = 0``; primal = final ``y``; gradient = gradient
  of the last element of final ``y`` with respect to ``x``;
* ``lse``: ``primal``/``gradient`` of ``log sum exp x`` computed with the max trick, input
  ``{x}``;
* ``llsq``: ``primal``/``gradient`` of ``1/2 sum_i (sign(t_i) - sum_j x_j t_i^j)^2`` with
  ``t_i = -1 + 2 i / (n - 1)``, input ``{x, n}``.

* ``ba``, ``ht``: bundle adjustment (sparse Jacobian, reverse mode per residual) and hand
  tracking (dense Jacobian, batched forward mode) in bench/gradbench_ba_ht.py;
* ``kmeans``, ``det``, ``particle``, ``saddle``: in bench/gradbench_more.py (its docstring
  gives inputs, outputs and formulations: forward over reverse for the k-means Hessian
  diagonal, nested derivatives — a zymase derivative inside the loop zymase differentiates
  — for particle and saddle).

For the first six, every derivative is zymase's reverse mode of the plain-loop code below (or, for LSTM, of
``tests/adbench/objectives.py``); every primal is the same code compiled by Numba.
"""
import json
import math
import os
import sys
import time
import traceback

import numba
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import zymase  # noqa: E402
from zymase import Active, Const, Duplicated  # noqa: E402


# --------------------------------------------------------------------------- objectives

def square(x):
    return x * x


@numba.njit
def gb_gmm_objective(alpha, mu, q, l, x, gamma, m):
    """GradBench's GMM log posterior (see the module docstring), plain loops."""
    K = alpha.shape[0]
    n = x.shape[0]
    d = x.shape[1]
    lsz = l.shape[1]
    sum_qs = np.empty(K)
    qdiags = np.empty((K, d))
    for k in range(K):
        s = 0.0
        for j in range(d):
            s += q[k, j]
            qdiags[k, j] = math.exp(q[k, j])
        sum_qs[k] = s
    xc = np.empty(d)
    qxc = np.empty(d)
    main = np.empty(K)
    slse = 0.0
    for i in range(n):
        for k in range(K):
            for j in range(d):
                xc[j] = x[i, j] - mu[k, j]
            for j in range(d):
                qxc[j] = qdiags[k, j] * xc[j]
            idx = 0
            for c in range(d):
                for r in range(c + 1, d):
                    qxc[r] = qxc[r] + l[k, idx] * xc[c]
                    idx += 1
            sq = 0.0
            for j in range(d):
                sq += qxc[j] * qxc[j]
            main[k] = alpha[k] + sum_qs[k] - 0.5 * sq
        mx = main[0]
        for k in range(1, K):
            if main[k] > mx:
                mx = main[k]
        se = 0.0
        for k in range(K):
            se += math.exp(main[k] - mx)
        slse += math.log(se) + mx
    amx = alpha[0]
    for k in range(1, K):
        if alpha[k] > amx:
            amx = alpha[k]
    ase = 0.0
    for k in range(K):
        ase += math.exp(alpha[k] - amx)
    lse_alpha = math.log(ase) + amx
    loglik = -n * d * 0.5 * math.log(2.0 * math.pi) + slse - n * lse_alpha
    nw = d + m + 1
    lgd = 0.25 * d * (d - 1) * math.log(math.pi)
    for j in range(1, d + 1):
        lgd += math.lgamma(0.5 * nw + 0.5 * (1 - j))
    C = nw * d * (math.log(gamma) - 0.5 * math.log(2.0)) - lgd
    out = 0.0
    for k in range(K):
        frob = 0.0
        for j in range(d):
            frob += qdiags[k, j] * qdiags[k, j]
        for j in range(lsz):
            frob += l[k, j] * l[k, j]
        out += 0.5 * gamma * gamma * frob - m * sum_qs[k]
    return loglik - out + K * C


def ode_solve(x, s, y):
    """RK4 with s steps on [0, 2] of GradBench's ``ode`` system; final state into y."""
    n = x.shape[0]
    h = 2.0 / s
    k1 = np.empty(n)
    k2 = np.empty(n)
    k3 = np.empty(n)
    k4 = np.empty(n)
    yt = np.empty(n)
    for i in range(n):
        y[i] = 0.0
    for _ in range(s):
        k1[0] = x[0]
        for i in range(1, n):
            k1[i] = x[i] * y[i - 1]
        for i in range(n):
            yt[i] = y[i] + h * k1[i] / 2.0
        k2[0] = x[0]
        for i in range(1, n):
            k2[i] = x[i] * yt[i - 1]
        for i in range(n):
            yt[i] = y[i] + h * k2[i] / 2.0
        k3[0] = x[0]
        for i in range(1, n):
            k3[i] = x[i] * yt[i - 1]
        for i in range(n):
            yt[i] = y[i] + h * k3[i]
        k4[0] = x[0]
        for i in range(1, n):
            k4[i] = x[i] * yt[i - 1]
        for i in range(n):
            y[i] += h * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]) / 6.0


ode_solve_nb = numba.njit(ode_solve)


def ode_last(x, s):
    y = np.empty(x.shape[0])
    ode_solve_nb(x, s, y)
    return y[x.shape[0] - 1]


def lse(x):
    n = x.shape[0]
    a = x[0]
    for i in range(1, n):
        if x[i] > a:
            a = x[i]
    s = 0.0
    for i in range(n):
        s += math.exp(x[i] - a)
    return math.log(s) + a


def llsq(x, n):
    m = x.shape[0]
    total = 0.0
    for i in range(n):
        ti = -1.0 + i * 2.0 / (n - 1)
        si = 0.0
        if ti > 0.0:
            si = 1.0
        elif ti < 0.0:
            si = -1.0
        inner = si
        mul = 1.0
        for j in range(m):
            inner -= x[j] * mul
            mul *= ti
        total += inner * inner
    return total / 2.0


# --------------------------------------------------------------------------- modules

def _arr(v):
    return np.ascontiguousarray(np.array(v, dtype=np.float64))


class Module:
    """A GradBench module: ``prepare(input) -> args``, functions ``name -> fn(args)``,
    ``post(name, result) -> JSON value``, and ``warm()`` to compile everything."""

    def __init__(self, functions, prepare, post, warm_input):
        self.functions, self.prepare, self.post, self.warm_input = (
            functions, prepare, post, warm_input)

    def warm(self):
        for fn in self.functions.values():
            fn(self.prepare(self.warm_input))


def _hello():
    d_square = zymase.autodiff_reverse(square, Active, ret=Active)
    sq = numba.njit(square)
    return Module(
        dict(square=lambda x: sq(x), double=lambda x: d_square(x, 1.0)[1]),
        prepare=lambda inp: float(inp), post=lambda name, r: float(r), warm_input=1.0)


def _gmm():
    dgmm = zymase.autodiff_reverse(gb_gmm_objective, Duplicated, Duplicated, Duplicated,
                                   Duplicated, Const, Const, Const, ret=Active)

    def prepare(inp):
        d, k = int(inp["d"]), int(inp["k"])
        l = _arr(inp["l"]).reshape(k, d * (d - 1) // 2)
        return (_arr(inp["alpha"]), _arr(inp["mu"]).reshape(k, d), _arr(inp["q"]).reshape(k, d),
                l, _arr(inp["x"]).reshape(-1, d), float(inp["gamma"]), int(inp["m"]))

    def jacobian(a):
        alpha, mu, q, l, x, gamma, m = a
        shadows = [np.zeros_like(alpha), np.zeros_like(mu), np.zeros_like(q), np.zeros_like(l)]
        dgmm(alpha, shadows[0], mu, shadows[1], q, shadows[2], l, shadows[3], x, gamma, m, 1.0)
        return shadows

    def post(name, r):
        if name == "objective":
            return float(r)
        return {"alpha": r[0].tolist(), "mu": r[1].tolist(), "q": r[2].tolist(),
                "l": r[3].tolist()}

    warm = dict(d=2, k=2, n=2, m=0, gamma=1.0, alpha=[0.1, 0.2], mu=[[0.1, 0.2], [0.3, 0.4]],
                q=[[0.1, 0.2], [0.3, 0.4]], l=[[0.5], [0.6]], x=[[1.0, 2.0], [3.0, 4.0]])
    return Module(dict(objective=lambda a: gb_gmm_objective(*a), jacobian=jacobian),
                  prepare, post, warm)


def _lstm():
    from tests.adbench.objectives import lstm_objective
    dlstm = zymase.autodiff_reverse(lstm_objective, Duplicated, Duplicated, Const, Const,
                                    ret=Active)

    def prepare(inp):
        return tuple(_arr(inp[k]) for k in ("main_params", "extra_params", "state",
                                            "sequence"))

    def jacobian(a):
        mp, ep, st, sq = a
        dmp, dep = np.zeros_like(mp), np.zeros_like(ep)
        dlstm(mp, dmp, ep, dep, st, sq, 1.0)
        return np.concatenate([dmp.ravel(), dep.ravel()])

    def post(name, r):
        return float(r) if name == "objective" else r.tolist()

    b = 2
    warm = dict(main_params=[[0.1] * 4 * b] * 2, extra_params=[[0.2] * b] * 3,
                state=[[0.3] * b] * 2, sequence=[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    return Module(dict(objective=lambda a: lstm_objective(*a), jacobian=jacobian),
                  prepare, post, warm)


def _ode():
    dode = zymase.autodiff_reverse(ode_last, Duplicated, Const, ret=Active)

    def primal(a):
        x, s = a
        y = np.empty(x.shape[0])
        ode_solve_nb(x, s, y)
        return y

    def gradient(a):
        x, s = a
        dx = np.zeros_like(x)
        dode(x, dx, s, 1.0)
        return dx

    return Module(dict(primal=primal, gradient=gradient),
                  prepare=lambda inp: (_arr(inp["x"]), int(inp["s"])),
                  post=lambda name, r: r.tolist(), warm_input=dict(x=[0.5, 0.25, 0.125], s=2))


def _lse():
    dlse = zymase.autodiff_reverse(lse, Duplicated, ret=Active)
    plse = numba.njit(lse)

    def gradient(x):
        dx = np.zeros_like(x)
        dlse(x, dx, 1.0)
        return dx

    return Module(dict(primal=plse, gradient=gradient), prepare=lambda inp: _arr(inp["x"]),
                  post=lambda name, r: float(r) if name == "primal" else r.tolist(),
                  warm_input=dict(x=[0.1, 0.5, 0.3]))


def _llsq():
    dllsq = zymase.autodiff_reverse(llsq, Duplicated, Const, ret=Active)
    pllsq = numba.njit(llsq)

    def gradient(a):
        x, n = a
        dx = np.zeros_like(x)
        dllsq(x, dx, n, 1.0)
        return dx

    return Module(dict(primal=lambda a: pllsq(*a), gradient=gradient),
                  prepare=lambda inp: (_arr(inp["x"]), int(inp["n"])),
                  post=lambda name, r: float(r) if name == "primal" else r.tolist(),
                  warm_input=dict(x=[0.1, 0.2, 0.3], n=5))


MODULES = dict(hello=_hello, gmm=_gmm, lstm=_lstm, ode=_ode, lse=_lse, llsq=_llsq)

# The other evals live in their own files (bench/gradbench_*.py), each exporting MODULES.
sys.path.insert(0, HERE)
from gradbench_ba_ht import MODULES as _BA_HT  # noqa: E402
from gradbench_more import MODULES as _MORE  # noqa: E402
MODULES.update(_BA_HT)
MODULES.update(_MORE)


# --------------------------------------------------------------------------- protocol

class Tool:
    def __init__(self):
        self.modules = {}

    def define(self, msg):
        name = msg.get("module")
        if name not in MODULES:
            return {"success": False, "error": f"zymase has no implementation of module "
                                               f"{name!r} (has: {', '.join(MODULES)})"}
        t0 = time.perf_counter_ns()
        mod = MODULES[name]()
        mod.warm()
        self.modules[name] = mod
        return {"success": True,
                "timings": [{"name": "compile", "nanoseconds": time.perf_counter_ns() - t0}]}

    def evaluate(self, msg):
        mod = self.modules.get(msg.get("module"))
        if mod is None:
            return {"success": False, "error": f"module {msg.get('module')!r} not defined"}
        fn = mod.functions.get(msg.get("function"))
        if fn is None:
            return {"success": False, "error": f"module {msg['module']!r} has no function "
                                               f"{msg.get('function')!r}"}
        inp = msg.get("input")
        runs = seconds = None
        if isinstance(inp, dict):
            runs, seconds = inp.get("min_runs"), inp.get("min_seconds")
        min_runs = int(runs) if runs is not None else 1
        min_seconds = float(seconds) if seconds is not None else 0.0
        args = mod.prepare(inp)
        timings, elapsed, out = [], 0, None
        while len(timings) < max(min_runs, 1) or elapsed < min_seconds * 1e9:
            t0 = time.perf_counter_ns()
            out = fn(args)
            dt = time.perf_counter_ns() - t0
            timings.append({"name": "evaluate", "nanoseconds": dt})
            elapsed += dt
        return {"success": True, "output": mod.post(msg["function"], out), "timings": timings}

    def handle(self, msg):
        kind = msg.get("kind")
        resp = {}
        try:
            if kind == "start":
                resp = {"tool": "zymase", "config": {"zymase": zymase.__version__,
                                                     "numba": numba.__version__}}
            elif kind == "define":
                resp = self.define(msg)
            elif kind == "evaluate":
                resp = self.evaluate(msg)
        except Exception as e:  # noqa: BLE001 - reported through the protocol
            resp = {"success": False, "error": "".join(traceback.format_exception(e))}
        return {"id": msg.get("id")} | resp


def main():
    tool = Tool()
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        out.write(json.dumps(tool.handle(msg)) + "\n")
        out.flush()
        if msg.get("kind") == "end":
            break


if __name__ == "__main__":
    main()

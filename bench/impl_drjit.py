"""Dr.Jit versions of the workloads, written the way a Dr.Jit user writes them: arrays of
``drjit.llvm.ad.Float64`` (the LLVM CPU backend, one worker thread), whole-array
expressions that Dr.Jit traces and compiles into kernels, ``dr.gather`` for shifted or
indexed reads, ``dr.enable_grad`` / ``dr.backward`` for the gradient.  Like JAX, not like
the kernel languages: Dr.Jit arrays are flat, so 2-D data is flattened with index arrays
(built once, outside the timed calls).

* pairwise: all pairs i < j as two index arrays (n(n-1)/2 lanes);
* time loops: Lorenz and LSTM are symbolic loops (``dr.while_loop``, one kernel, reverse
  mode through it); the LSTM's b units are separate loop variables, not lanes, since a
  symbolic loop cannot sum across lanes (its normaliser sums over the units).  A Python
  loop over the steps instead (``dr.eval`` every 50 steps) did not get through the
  quick-size measurement in minutes (Lorenz 1000 steps: 14 min, LSTM: 6 min, stopped).
  The heat stencil reads its neighbours by gathers, which a symbolic loop cannot do on its
  own state: a Python loop, one kernel per step;
* GMM: lanes = (point, component) pairs, loops over d unrolled in Python, the
  log-sum-exp over components by gathers (its shift detached, as JAX does);
* Jacobian workloads: BA two reverse passes (residual 0 / 1 of every observation) over the
  observations' packed parameters (one lane per observation); hand one reverse pass over
  300 lanes, lane r a copy of theta producing residual r (the 22 bones' 4x4 products
  traced as scalar arrays, the model's constants folded in);
* every call traces the Python code again (no ``dr.freeze``): that tracing is part of the
  measured time, as PyTorch's eager dispatch is part of its.

Compilation: Dr.Jit compiles each traced kernel with LLVM at its first launch and caches
it in memory and on disk; the disk cache goes to a fresh temporary folder per process
(``DRJIT_CACHE_DIR``, removed at exit), so the first call compiles.
"""
import atexit
import math
import os
import shutil
import tempfile

import numpy as np

_CACHE = tempfile.mkdtemp(prefix="zymase-bench-drjit-cache-")
atexit.register(shutil.rmtree, _CACHE, True)
os.environ["DRJIT_CACHE_DIR"] = _CACHE

import drjit as dr  # noqa: E402
from drjit.llvm.ad import Float64, UInt32  # noqa: E402

dr.set_thread_count(1)

VERSION = f"drjit {dr.__version__}"
EAGER = False


def _f(a):
    return Float64(np.ascontiguousarray(a, dtype=np.float64).ravel())


def _u(a):
    return UInt32(np.ascontiguousarray(a).astype(np.uint32).ravel())


def _g(src, idx):
    return dr.gather(Float64, src, idx)


# --------------------------------------------------------------------------- objectives

def pairwise(c, x):
    d = _g(x, c["I"]) - _g(x, c["J"])
    return dr.sum(1.0 / (1.0 + d * d))


def rosenbrock(c, x):
    a = _g(x, c["lo"])
    b = _g(x, c["hi"])
    return dr.sum((1.0 - a) ** 2 + 100.0 * (b - a * a) ** 2)


def brusselator(c, u, v, A, B, alpha):
    def lap(z):
        return (_g(z, c["ip"]) + _g(z, c["im"]) + _g(z, c["jp"]) + _g(z, c["jm"]) - 4.0 * z)
    uuv = u * u * v
    fu = B + uuv - (A + 1.0) * u + alpha * lap(u)
    fv = A * u - uuv + alpha * lap(v)
    return dr.sum(fu * fu + fv * fv)


def lorenz(c, state, params):
    dt, n_steps = c["dt"], c["n_steps"]
    sigma, rho, beta = (_g(params, UInt32(k)) for k in range(3))

    def f(x, y, z):
        return sigma * (y - x), x * (rho - z) - y, x * y - beta * z

    def step(t, x, y, z):
        s = (x, y, z)
        k1 = f(*s)
        k2 = f(*[s[i] + 0.5 * dt * k1[i] for i in range(3)])
        k3 = f(*[s[i] + 0.5 * dt * k2[i] for i in range(3)])
        k4 = f(*[s[i] + dt * k3[i] for i in range(3)])
        return (t + 1,) + tuple(s[i] + dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
                                for i in range(3))

    _, x, y, z = dr.while_loop((UInt32(0),) + tuple(_g(state, UInt32(k)) for k in range(3)),
                               lambda t, x, y, z: t < n_steps, step, mode="symbolic",
                               max_iterations=n_steps)
    return x * x + y * y + z * z


def heat(c, u):
    alpha = c["alpha"]
    for _ in range(c["steps"]):
        # (a gather reads an evaluated array: one kernel per step)
        new = u + alpha * (_g(u, c["left"]) - 2.0 * u + _g(u, c["right"]))
        u = dr.select(c["inner"], new, u)
    return dr.sum(u * u)


def gmm(c, alphas, means, icf):
    n, d, K, nic = c["n"], c["d"], c["K"], c["icf_sz"]
    lane_k, lane_i = c["lane_k"], c["lane_i"]            # lane = i * K + k
    xc = [_g(c["x"], lane_i * d + r) - _g(means, lane_k * d + r) for r in range(d)]
    q = [_g(icf, lane_k * nic + r) for r in range(d)]
    sumq = q[0]
    for r in range(1, d):
        sumq = sumq + q[r]
    sq = 0.0
    for r in range(d):
        s = dr.exp(q[r]) * xc[r]
        for col in range(r):
            s = s + _g(icf, lane_k * nic + d + col * (2 * d - col - 1) // 2 + r - col - 1) * xc[col]
        sq = sq + s * s
    main = _g(alphas, lane_k) + sumq - 0.5 * sq
    dr.eval(main)
    # log-sum-exp over the components of each point (shift detached)
    per_k = [_g(main, c["row"] * K + k) for k in range(K)]
    mx = dr.detach(per_k[0])
    for k in range(1, K):
        # (dr.maximum: Dr.Jit's LLVM backend aborts, "Cannot select: fmaximum")
        pk = dr.detach(per_k[k])
        mx = dr.select(pk > mx, pk, mx)
    se = dr.exp(per_k[0] - mx)
    for k in range(1, K):
        se = se + dr.exp(per_k[k] - mx)
    slse = dr.sum(dr.log(se) + mx)
    amx = dr.detach(_g(alphas, UInt32(0)))
    for k in range(1, K):
        ak = dr.detach(_g(alphas, UInt32(k)))
        amx = dr.select(ak > amx, ak, amx)
    lse_alphas = dr.log(dr.sum(dr.exp(alphas - amx))) + amx
    # Wishart prior, over components
    kk = c["comp"]
    frob = 0.0
    sumq_k = 0.0
    for j in range(d):
        qj = _g(icf, kk * nic + j)
        sumq_k = sumq_k + qj
        frob = frob + dr.exp(qj) * dr.exp(qj)
    for j in range(d, nic):
        lj = _g(icf, kk * nic + j)
        frob = frob + lj * lj
    prior = dr.sum(0.5 * c["gamma"] ** 2 * frob - c["m"] * sumq_k)
    return c["const"] + slse - n * lse_alphas + prior


def lstm(c, main_params, extra_params):
    b, nl, n_t = c["b"], c["nl"], c["c"]

    def mp(r, col):
        return _g(main_params, UInt32(r * 4 * b + col))

    def ep(r, j):
        return _g(extra_params, UInt32(r * b + j))

    # parameters as width-1 arrays, one per entry; the time loop is a symbolic loop whose
    # state is every unit's hidden and cell value (a loop cannot reduce across lanes, so
    # the b units are separate variables, not lanes)
    W = [[[mp(2 * L, blk * b + j) for j in range(b)] for blk in range(4)] for L in range(nl)]
    Bs = [[[mp(2 * L + 1, blk * b + j) for j in range(b)] for blk in range(4)]
          for L in range(nl)]
    E = [[ep(r, j) for j in range(b)] for r in range(3)]
    state = c["state"]
    init = [Float64(float(v)) for v in state.ravel()]            # rows h0, c0, h1, c1, ...
    seq = c["seq"]

    def step(t, total, *hc):
        hc = list(hc)
        x = [_g(seq, t * b + j) * E[0][j] for j in range(b)]
        for L in range(nl):
            Wf, Wi, Wo, Wc = W[L]
            Bf, Bi, Bo, Bc = Bs[L]
            h = hc[2 * L * b:(2 * L + 1) * b]
            cell = hc[(2 * L + 1) * b:(2 * L + 2) * b]
            for j in range(b):
                forget = 1.0 / (1.0 + dr.exp(-(x[j] * Wf[j] + Bf[j])))
                ingate = 1.0 / (1.0 + dr.exp(-(h[j] * Wi[j] + Bi[j])))
                outgate = 1.0 / (1.0 + dr.exp(-(x[j] * Wo[j] + Bo[j])))
                change = dr.tanh(h[j] * Wc[j] + Bc[j])
                cell[j] = cell[j] * forget + ingate * change
                h[j] = outgate * dr.tanh(cell[j])
            hc[2 * L * b:(2 * L + 1) * b] = h
            hc[(2 * L + 1) * b:(2 * L + 2) * b] = cell
            x = h
        ypred = [x[j] * E[1][j] + E[2][j] for j in range(b)]
        se = Float64(2.0)
        for j in range(b):
            se = se + dr.exp(ypred[j])
        lse = dr.log(se)
        for j in range(b):
            total = total + _g(seq, (t + 1) * b + j) * (ypred[j] - lse)
        return (t + 1, total) + tuple(hc)

    out = dr.while_loop((UInt32(0), Float64(0.0)) + tuple(init),
                        lambda t, total, *hc: t < n_t - 1, step, mode="symbolic",
                        max_iterations=n_t - 1)
    return -out[1] / ((n_t - 1) * b)


# --------------------------------------------------------------------------- set-up

def _consts(w, data):
    """Index arrays and constants a workload's objective needs (built once)."""
    if w.name == "pairwise":
        n = int(data["n"])
        I, J = np.triu_indices(n, 1)
        return dict(I=_u(I), J=_u(J))
    if w.name == "rosenbrock":
        n = data["x"].shape[0]
        return dict(lo=_u(np.arange(n - 1)), hi=_u(np.arange(1, n)))
    if w.name == "brusselator":
        n, m = data["u"].shape
        i, j = np.divmod(np.arange(n * m), m)
        return dict(ip=_u(((i + 1) % n) * m + j), im=_u(((i - 1) % n) * m + j),
                    jp=_u(i * m + (j + 1) % m), jm=_u(i * m + (j - 1) % m))
    if w.name == "lorenz":
        return dict(n_steps=int(data["n_steps"]), dt=float(data["dt"]))
    if w.name == "heat":
        n = data["u"].shape[0]
        k = np.arange(n)
        return dict(steps=int(data["steps"]), alpha=float(data["alpha"]),
                    left=_u(np.maximum(k - 1, 0)), right=_u(np.minimum(k + 1, n - 1)),
                    inner=dr.llvm.ad.Bool((k > 0) & (k < n - 1)))
    if w.name == "gmm":
        n, d = data["x"].shape
        K = data["alphas"].shape[0]
        gamma, m = float(data["wishart_gamma"]), data["wishart_m"]
        nw = d + m + 1
        lgd = 0.25 * d * (d - 1) * math.log(math.pi) + sum(
            math.lgamma(0.5 * nw + 0.5 * (1 - j)) for j in range(1, d + 1))
        const = -n * d * 0.5 * math.log(2.0 * math.pi) - K * (
            nw * d * (math.log(gamma) - 0.5 * math.log(2.0)) - lgd)
        lane = np.arange(n * K)
        return dict(n=n, d=d, K=K, icf_sz=data["icf"].shape[1], gamma=gamma, m=float(m),
                    const=const, x=_f(data["x"]), lane_k=_u(lane % K), lane_i=_u(lane // K),
                    row=_u(np.arange(n)), comp=_u(np.arange(K)))
    if w.name == "lstm":
        n_state, b = data["state"].shape
        sq = data["sequence"]
        return dict(b=b, nl=n_state // 2, c=sq.shape[0], state=np.asarray(data["state"]),
                    seq=_f(sq))
    raise KeyError(w.name)


FUNCS = dict(gmm=gmm, lstm=lstm, pairwise=pairwise, lorenz=lorenz, heat=heat,
             rosenbrock=rosenbrock, brusselator=brusselator)


def _scalar_build(w):
    f = FUNCS[w.name]
    wrt = w.wrt

    def convert(data):
        return dict(c=_consts(w, data), x={p: _f(data[p]) for p in wrt})

    def run_primal(s):
        y = f(s["c"], *[s["x"][p] for p in wrt])
        return float(y[0])

    def run_grad(s):
        xs = [dr.detach(s["x"][p]) for p in wrt]     # fresh AD variables each call
        dr.enable_grad(xs)
        y = f(s["c"], *xs)
        dr.backward(y)
        g = [dr.grad(x) for x in xs]
        dr.eval(g)
        dr.sync_thread()
        return g

    def to_numpy(g):
        out = []
        for p, gi in zip(wrt, g):
            a = np.array(gi, dtype=np.float64)
            out.append(a.reshape(np.shape(w.data[p])) if np.ndim(w.data[p]) else a[0])
        return out

    return convert, run_primal, run_grad, to_numpy


# --------------------------------------------------------------------------- BA (Jacobian)

def _ba_reproj(q, feat0, feat1):
    """ADBench computeReprojError on lanes of observations; q = 15 packed parameters."""
    r0, r1, r2, c0, c1, c2, f, u0, v0, k1, k2, x0, x1, x2, w = q
    p0, p1, p2 = x0 - c0, x1 - c1, x2 - c2
    sqtheta = r0 * r0 + r1 * r1 + r2 * r2
    nz = sqtheta != 0.0
    theta = dr.sqrt(dr.select(nz, sqtheta, 1.0))      # no NaN derivative at r = 0
    costheta, sintheta = dr.cos(theta), dr.sin(theta)
    theta_inverse = 1.0 / theta
    w0, w1, w2 = r0 * theta_inverse, r1 * theta_inverse, r2 * theta_inverse
    tmp = (w0 * p0 + w1 * p1 + w2 * p2) * (1.0 - costheta)
    xc0 = dr.select(nz, p0 * costheta + (w1 * p2 - w2 * p1) * sintheta + w0 * tmp,
                    p0 + (r1 * p2 - r2 * p1))
    xc1 = dr.select(nz, p1 * costheta + (w2 * p0 - w0 * p2) * sintheta + w1 * tmp,
                    p1 + (r2 * p0 - r0 * p2))
    xc2 = dr.select(nz, p2 * costheta + (w0 * p1 - w1 * p0) * sintheta + w2 * tmp,
                    p2 + (r0 * p1 - r1 * p0))
    qq0, qq1 = xc0 / xc2, xc1 / xc2
    rsq = qq0 * qq0 + qq1 * qq1
    L = 1.0 + k1 * rsq + k2 * rsq * rsq
    return w * (qq0 * L * f + u0 - feat0), w * (qq1 * L * f + v0 - feat1)


def _ba_build(w):
    def convert(d):
        p = d["obs"].shape[0]
        return dict(p=p, cams=_f(d["cams"]), X=_f(d["X"]), w=_f(d["w"]),
                    o0=_u(d["obs"][:, 0]), o1=_u(d["obs"][:, 1]),
                    f0=_f(d["feats"][:, 0]), f1=_f(d["feats"][:, 1]), J=np.empty(31 * p))

    def packed(s):
        # the observation's camera (11), point (3) and weight: one lane per observation
        return ([_g(s["cams"], s["o0"] * 11 + j) for j in range(11)]
                + [_g(s["X"], s["o1"] * 3 + j) for j in range(3)] + [dr.detach(s["w"])])

    def run_primal(s):
        p = s["p"]
        e0, e1 = _ba_reproj(packed(s), s["f0"], s["f1"])
        we = 1.0 - s["w"] * s["w"]
        dr.eval(e0, e1, we)
        res = np.empty(3 * p)
        res[0:2 * p:2], res[1:2 * p:2], res[2 * p:] = e0.numpy(), e1.numpy(), we.numpy()
        return res

    def run_grad(s):
        p, J = s["p"], s["J"]
        q = packed(s)
        dr.enable_grad(q)
        e = _ba_reproj(q, s["f0"], s["f1"])
        blocks = J[:30 * p].reshape(p, 2, 15)
        for k in range(2):
            # pass k seeds residual k of every observation (independent blocks); the
            # graph is kept for the second pass
            dr.backward_from(e[k], flags=dr.ADFlag.ClearInterior | dr.ADFlag.ClearInput
                             if k == 0 else dr.ADFlag.Default)
            g = [dr.grad(qi) for qi in q]
            dr.eval(g)
            for j in range(15):
                blocks[:, k, j] = g[j].numpy()
            dr.clear_grad(q)
        ww = dr.detach(s["w"])
        dr.enable_grad(ww)
        dr.backward_from(1.0 - ww * ww)
        J[30 * p:] = dr.grad(ww).numpy()
        return J

    return convert, run_primal, run_grad, lambda J: [J.copy()]


# --------------------------------------------------------------------------- hand (Jacobian)

def _hand_residuals(s, theta):
    """The 3N residuals, one per lane; theta = 26 arrays (width 1, or one copy per lane)."""
    from workloads import hand_pose_index
    B, nth = s["B"], len(theta)
    ext = list(theta) + [0.0, 1.0]
    pose = [[ext[i] for i in row] for row in hand_pose_index(B, nth)]
    base_rel, inv_abs, parents = s["base_rel"], s["inv_abs"], s["parents"]

    def matmul(X, Y):
        return [[sum((X[i][k] * Y[k][j] for k in range(4) if not (isinstance(Y[k][j], float)
                                                                 and Y[k][j] == 0.0)), 0.0)
                 for j in range(4)] for i in range(4)]

    absolutes, T = [], []
    for b in range(B):
        tx, tz, ty = pose[b + 3]
        cx, sx, cy, sy, cz, sz = dr.cos(tx), dr.sin(tx), dr.cos(ty), dr.sin(ty), dr.cos(tz), dr.sin(tz)
        Rh = [[cz * cy, -sz * cx + cz * sy * sx, sz * sx + cz * sy * cx, 0.0],
              [sz * cy, cz * cx + sz * sy * sx, -cz * sx + sz * sy * cx, 0.0],
              [-sy, cy * sx, cy * cx, 0.0],
              [0.0, 0.0, 0.0, 1.0]]
        rel = matmul(base_rel[b], Rh)
        absolutes.append(rel if parents[b] == -1 else matmul(absolutes[parents[b]], rel))
        T.append(matmul(absolutes[b], inv_abs[b]))
    v, lane = s["v"], s["lane"]
    bp = [_g(s["base_pos"], v * 4 + j) for j in range(4)]
    acc = [0.0, 0.0, 0.0]
    for b in range(B):
        wv = _g(s["weights"], v * B + b)
        for k in range(3):
            acc[k] = acc[k] + wv * (T[b][k][0] * bp[0] + T[b][k][1] * bp[1]
                                    + T[b][k][2] * bp[2] + T[b][k][3] * bp[3])
    a0, a1, a2 = pose[0]
    norm2 = a0 * a0 + a1 * a1 + a2 * a2
    small = norm2 < 1e-8                                  # |a| < 1e-4: identity (ADBench)
    norm = dr.sqrt(dr.select(small, 1.0, norm2))
    x, y, z = a0 / norm, a1 / norm, a2 / norm
    sn, co = dr.sin(norm), dr.cos(norm)
    R = [[x * x + (1.0 - x * x) * co, x * y * (1.0 - co) - z * sn, x * z * (1.0 - co) + y * sn],
         [x * y * (1.0 - co) + z * sn, y * y + (1.0 - y * y) * co, y * z * (1.0 - co) - x * sn],
         [x * z * (1.0 - co) - y * sn, z * y * (1.0 - co) + x * sn, z * z + (1.0 - z * z) * co]]
    R = [[dr.select(small, 1.0 if i == j else 0.0, R[i][j]) for j in range(3)] for i in range(3)]
    vert = [R[k][0] * pose[1][0] * acc[0] + R[k][1] * pose[1][1] * acc[1]
            + R[k][2] * pose[1][2] * acc[2] + pose[2][k] for k in range(3)]
    comp = s["comp"]
    vk = dr.select(comp == 0, vert[0], dr.select(comp == 1, vert[1], vert[2]))
    return _g(s["points"], lane) - vk


def _hand_build(w):
    def convert(d):
        rows = 3 * d["correspondences"].shape[0]
        lane = np.arange(rows)
        return dict(B=d["base_relatives"].shape[0], theta=np.asarray(d["theta"]),
                    rows=rows, parents=[int(q) for q in d["parents"]],
                    base_rel=d["base_relatives"].tolist(),
                    inv_abs=d["inverse_base_absolutes"].tolist(),
                    base_pos=_f(d["base_positions"]), weights=_f(d["weights"]),
                    points=_f(d["points"]), lane=_u(lane), comp=_u(lane % 3),
                    v=_u(d["correspondences"][lane // 3]))

    def run_primal(s):
        r = _hand_residuals(s, [Float64(float(t)) for t in s["theta"]])
        dr.eval(r)
        return r.numpy().copy()

    def run_grad(s):
        # one copy of theta per lane (= residual row): one reverse pass seeded with ones
        # gives row r of the Jacobian in lane r of theta's gradient
        theta = [dr.full(Float64, float(t), s["rows"]) for t in s["theta"]]
        dr.enable_grad(theta)
        dr.backward_from(_hand_residuals(s, theta))
        g = [dr.grad(t) for t in theta]
        dr.eval(g)
        return g

    return convert, run_primal, run_grad, lambda g: [np.stack([gi.numpy() for gi in g], axis=1)]


def build(w):
    if w.kind == "jacobian":
        return (_ba_build if w.name == "ba" else _hand_build)(w)
    return _scalar_build(w)

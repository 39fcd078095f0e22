"""NVIDIA Warp versions of the workloads, written the way a Warp user writes them for the
CPU: ``@wp.kernel`` functions in ``wp.float64`` (every literal converted explicitly),
launched on device ``"cpu"`` (Warp's CPU backend runs a launch's threads one after the
other on one core; its kernels are C++ compiled by Warp's bundled clang), the gradient by
``wp.Tape`` and ``requires_grad`` arrays.

How Warp's reverse mode shapes the code (Warp 1.x):

* a thread's contribution to a scalar objective goes through ``wp.atomic_add`` into a
  one-element ``loss`` array (float64 atomics; on the CPU the threads run in order, so the
  sums are deterministic; they differ from zymase's sums only in the order of additions);
* a local variable mutated inside a loop whose trip count is not a compile-time constant
  (a "dynamic" loop) is differentiated correctly only when the update is additive
  (``s += g(inputs)``): the backward pass replays each iteration with the variable's
  *final* value, so ``s = s * x[j]`` gets a wrong adjoint.  Time loops (Lorenz, heat,
  LSTM) therefore keep their whole trajectory in arrays, each element written once
  (the same memory as a tape);
* there is no forward mode, and a reverse pass gives one row of a Jacobian per seed.
  The ADBench Jacobian workloads are written batched: BA packs every observation's 15
  parameters into its own row (so the per-observation blocks do not sum up) and runs two
  backward passes (one per residual of every observation); hand replicates the residual
  function over 300 copies of theta, copy r producing only residual r, so one backward
  pass gives all 300 rows (``wp.autograd.jacobian`` would replay the tape 300 times).

Compilation: Warp compiles a module (all kernels registered in it, forward and backward
together) at its first launch and caches the object code on disk.  Each workload's kernels
live in a module of their own, and the kernel cache is a fresh temporary folder per
process (removed at exit), so the first primal call includes compiling that workload's
kernels with their adjoints (the first derivative call then finds them compiled), and no
run reuses another run's cache.
"""
import atexit
import math
import os
import shutil
import tempfile

import numpy as np
import warp as wp

_CACHE = tempfile.mkdtemp(prefix="zymase-bench-warp-cache-")
atexit.register(shutil.rmtree, _CACHE, True)
wp.config.kernel_cache_dir = _CACHE
wp.config.quiet = True
wp.init()

VERSION = f"warp-lang {wp.__version__}"
EAGER = False
DEV = "cpu"
f64 = wp.float64


def _arr(a, grad=False, dtype=f64):
    return wp.array(np.ascontiguousarray(a), dtype=dtype, device=DEV, requires_grad=grad)


def _zeros(shape, grad=False, dtype=f64):
    return wp.zeros(shape, dtype=dtype, device=DEV, requires_grad=grad)


# --------------------------------------------------------------------------- pairwise

@wp.kernel(module="zymase_bench_pairwise")
def pairwise_k(x: wp.array(dtype=f64), n: int, loss: wp.array(dtype=f64)):
    i = wp.tid()
    xi = x[i]
    s = f64(0.0)
    for j in range(i + 1, n):
        d = xi - x[j]
        s += f64(1.0) / (f64(1.0) + d * d)
    wp.atomic_add(loss, 0, s)


def _pairwise(d):
    x = _arr(d["x"], grad=True)
    n = int(d["n"])
    return dict(inputs=[x], wrt=[x], scalars=[],
                launches=[(pairwise_k, n, lambda loss: [x, n, loss])])


# --------------------------------------------------------------------------- rosenbrock

@wp.kernel(module="zymase_bench_rosenbrock")
def rosenbrock_k(x: wp.array(dtype=f64), loss: wp.array(dtype=f64)):
    i = wp.tid()
    a = f64(1.0) - x[i]
    b = x[i + 1] - x[i] * x[i]
    wp.atomic_add(loss, 0, a * a + f64(100.0) * b * b)


def _rosenbrock(d):
    x = _arr(d["x"], grad=True)
    return dict(inputs=[x], wrt=[x], scalars=[],
                launches=[(rosenbrock_k, x.shape[0] - 1, lambda loss: [x, loss])])


# --------------------------------------------------------------------------- brusselator

@wp.kernel(module="zymase_bench_brusselator")
def brusselator_k(u: wp.array2d(dtype=f64), v: wp.array2d(dtype=f64),
                  A: wp.array(dtype=f64), B: wp.array(dtype=f64),
                  alpha: wp.array(dtype=f64), loss: wp.array(dtype=f64)):
    i, j = wp.tid()
    n = u.shape[0]
    m = u.shape[1]
    ip = i + 1
    if ip == n:
        ip = 0
    im = i - 1
    if i == 0:
        im = n - 1
    jp = j + 1
    if jp == m:
        jp = 0
    jm = j - 1
    if j == 0:
        jm = m - 1
    uij = u[i, j]
    vij = v[i, j]
    lap_u = u[ip, j] + u[im, j] + u[i, jp] + u[i, jm] - f64(4.0) * uij
    lap_v = v[ip, j] + v[im, j] + v[i, jp] + v[i, jm] - f64(4.0) * vij
    uuv = uij * uij * vij
    fu = B[0] + uuv - (A[0] + f64(1.0)) * uij + alpha[0] * lap_u
    fv = A[0] * uij - uuv + alpha[0] * lap_v
    wp.atomic_add(loss, 0, fu * fu + fv * fv)


def _brusselator(d):
    u, v = _arr(d["u"], grad=True), _arr(d["v"], grad=True)
    A, B, al = (_arr(np.array([float(d[p])]), grad=True) for p in ("A", "B", "alpha"))
    return dict(inputs=[u, v, A, B, al], wrt=[u, v, A, B, al], scalars=[A, B, al],
                launches=[(brusselator_k, u.shape, lambda loss: [u, v, A, B, al, loss])])


# --------------------------------------------------------------------------- lorenz

@wp.func
def lorenz_rhs(s: wp.vec3d, sigma: f64, rho: f64, beta: f64):
    return wp.vec3d(sigma * (s[1] - s[0]), s[0] * (rho - s[2]) - s[1],
                    s[0] * s[1] - beta * s[2])


@wp.kernel(module="zymase_bench_lorenz")
def lorenz_k(state: wp.array(dtype=f64), params: wp.array(dtype=f64), n_steps: int, dt: f64,
             traj: wp.array(dtype=wp.vec3d), loss: wp.array(dtype=f64)):
    # one thread integrates the whole trajectory; traj[t] holds the state after t steps
    traj[0] = wp.vec3d(state[0], state[1], state[2])
    sigma = params[0]
    rho = params[1]
    beta = params[2]
    half = f64(0.5) * dt
    sixth = dt / f64(6.0)
    for t in range(n_steps):
        s = traj[t]
        k1 = lorenz_rhs(s, sigma, rho, beta)
        k2 = lorenz_rhs(s + half * k1, sigma, rho, beta)
        k3 = lorenz_rhs(s + half * k2, sigma, rho, beta)
        k4 = lorenz_rhs(s + dt * k3, sigma, rho, beta)
        traj[t + 1] = s + sixth * (k1 + f64(2.0) * k2 + f64(2.0) * k3 + k4)
    e = traj[n_steps]
    loss[0] = e[0] * e[0] + e[1] * e[1] + e[2] * e[2]


def _lorenz(d):
    state, params = _arr(d["state"], grad=True), _arr(d["params"], grad=True)
    n = int(d["n_steps"])
    dt = float(d["dt"])
    traj = _zeros(n + 1, grad=True, dtype=wp.vec3d)
    return dict(inputs=[state, params], wrt=[state, params], scalars=[], work=[traj],
                launches=[(lorenz_k, 1, lambda loss: [state, params, n, dt, traj, loss])])


# --------------------------------------------------------------------------- heat

@wp.kernel(module="zymase_bench_heat")
def heat_k(u0: wp.array(dtype=f64), steps: int, alpha: f64, U: wp.array2d(dtype=f64),
           loss: wp.array(dtype=f64)):
    # one thread runs the whole stencil; row t of U is the field after t steps
    n = u0.shape[0]
    for i in range(n):
        U[0, i] = u0[i]
    for t in range(steps):
        U[t + 1, 0] = U[t, 0]
        U[t + 1, n - 1] = U[t, n - 1]
        for i in range(1, n - 1):
            cur = U[t, i]
            U[t + 1, i] = cur + alpha * (U[t, i - 1] - f64(2.0) * cur + U[t, i + 1])
    s = f64(0.0)
    for i in range(n):
        s += U[steps, i] * U[steps, i]
    loss[0] = s


def _heat(d):
    u = _arr(d["u"], grad=True)
    steps, alpha = int(d["steps"]), float(d["alpha"])
    U = _zeros((steps + 1, u.shape[0]), grad=True)
    return dict(inputs=[u], wrt=[u], scalars=[], work=[U],
                launches=[(heat_k, 1, lambda loss: [u, steps, alpha, U, loss])])


# --------------------------------------------------------------------------- gmm

# Loops over the instance's static sizes (d, K, b) are unrolled: the kernels are made for
# those sizes (closures over Python ints, with the module option max_unroll raised), which
# is also what makes their reverse mode right -- see the module docstring on dynamic loops.
UNROLL = {"max_unroll": 64}


def _gmm_kernels(d, K, icf_sz):
    mod = f"zymase_bench_gmm_d{d}_K{K}"
    wp.set_module_options(UNROLL, module=mod)

    @wp.kernel(module=mod)
    def gmm_main_k(alphas: wp.array(dtype=f64), means: wp.array2d(dtype=f64),
                   icf: wp.array2d(dtype=f64), x: wp.array2d(dtype=f64),
                   main: wp.array2d(dtype=f64)):
        # thread (i, k): alpha_k + sum(log diag Q_k) - 0.5 |Q_k (x_i - mu_k)|^2
        i, k = wp.tid()
        sumq = f64(0.0)
        sq = f64(0.0)
        for r in range(d):
            sumq += icf[k, r]
            s = wp.exp(icf[k, r]) * (x[i, r] - means[k, r])
            # strictly lower part of Q, packed column by column after the diagonal
            for c in range(r):
                s += icf[k, d + c * (2 * d - c - 1) // 2 + r - c - 1] * (x[i, c] - means[k, c])
            sq += s * s
        main[i, k] = alphas[k] + sumq - f64(0.5) * sq

    @wp.kernel(module=mod)
    def gmm_lse_k(main: wp.array2d(dtype=f64), loss: wp.array(dtype=f64)):
        i = wp.tid()
        mx = main[i, 0]
        for k in range(1, K):
            mx = wp.max(mx, main[i, k])
        se = f64(0.0)
        for k in range(K):
            se += wp.exp(main[i, k] - mx)
        wp.atomic_add(loss, 0, wp.log(se) + mx)

    @wp.kernel(module=mod)
    def gmm_rest_k(alphas: wp.array(dtype=f64), icf: wp.array2d(dtype=f64), n: f64,
                   gamma: f64, m: f64, konst: f64, loss: wp.array(dtype=f64)):
        # thread k: Wishart prior of component k; thread 0 adds -n logsumexp(alphas) and
        # the constant terms
        k = wp.tid()
        frob = f64(0.0)
        sumq = f64(0.0)
        for j in range(d):
            q = wp.exp(icf[k, j])
            sumq += icf[k, j]
            frob += q * q
        for j in range(d, icf_sz):
            frob += icf[k, j] * icf[k, j]
        wp.atomic_add(loss, 0, f64(0.5) * gamma * gamma * frob - m * sumq)
        if k == 0:
            mx = alphas[0]
            for j in range(1, K):
                mx = wp.max(mx, alphas[j])
            se = f64(0.0)
            for j in range(K):
                se += wp.exp(alphas[j] - mx)
            wp.atomic_add(loss, 0, konst - n * (wp.log(se) + mx))

    return gmm_main_k, gmm_lse_k, gmm_rest_k


def _gmm_constant(n, d, K, gamma, m):
    nw = d + m + 1
    lgd = 0.25 * d * (d - 1) * math.log(math.pi) + sum(
        math.lgamma(0.5 * nw + 0.5 * (1 - j)) for j in range(1, d + 1))
    return -n * d * 0.5 * math.log(2.0 * math.pi) - K * (
        nw * d * (math.log(gamma) - 0.5 * math.log(2.0)) - lgd)


def _gmm(dd):
    al, me, ic = (_arr(dd[p], grad=True) for p in ("alphas", "means", "icf"))
    x = _arr(dd["x"])
    n, d = dd["x"].shape
    K = dd["alphas"].shape[0]
    main_k, lse_k, rest_k = _gmm_kernels(d, K, dd["icf"].shape[1])
    gamma, m = float(dd["wishart_gamma"]), float(dd["wishart_m"])
    const = _gmm_constant(n, d, K, gamma, dd["wishart_m"])
    main = _zeros((n, K), grad=True)
    return dict(inputs=[al, me, ic], wrt=[al, me, ic], scalars=[], work=[main],
                launches=[(main_k, (n, K), lambda loss: [al, me, ic, x, main]),
                          (lse_k, n, lambda loss: [main, loss]),
                          (rest_k, K, lambda loss: [al, ic, float(n), gamma, m, const, loss])])


# --------------------------------------------------------------------------- lstm

def _lstm_kernels(n_layers, b):
    mod = f"zymase_bench_lstm_l{n_layers}_b{b}"
    wp.set_module_options(UNROLL, module=mod)

    @wp.kernel(module=mod)
    def lstm_k(mp: wp.array2d(dtype=f64), ep: wp.array2d(dtype=f64),
               state: wp.array2d(dtype=f64), seq: wp.array2d(dtype=f64),
               S: wp.array3d(dtype=f64)):
        # one thread runs the recurrence; S[t] = hidden / cell rows of every layer after
        # t steps (the time loop is dynamic: nothing but arrays carries values across it)
        for r in range(2 * n_layers):
            for j in range(b):
                S[0, r, j] = state[r, j]
        for t in range(seq.shape[0] - 1):
            for L in range(n_layers):
                hr = 2 * L
                cr = 2 * L + 1
                for j in range(b):
                    xin = f64(0.0)
                    if L == 0:
                        xin = seq[t, j] * ep[0, j]
                    else:
                        xin = S[t + 1, hr - 2, j]
                    h = S[t, hr, j]
                    forget = f64(1.0) / (f64(1.0) + wp.exp(-(xin * mp[hr, j] + mp[cr, j])))
                    ingate = f64(1.0) / (f64(1.0) + wp.exp(
                        -(h * mp[hr, b + j] + mp[cr, b + j])))
                    outgate = f64(1.0) / (f64(1.0) + wp.exp(
                        -(xin * mp[hr, 2 * b + j] + mp[cr, 2 * b + j])))
                    change = wp.tanh(h * mp[hr, 3 * b + j] + mp[cr, 3 * b + j])
                    cell = S[t, cr, j] * forget + ingate * change
                    S[t + 1, cr, j] = cell
                    S[t + 1, hr, j] = outgate * wp.tanh(cell)

    @wp.kernel(module=mod)
    def lstm_loss_k(ep: wp.array2d(dtype=f64), seq: wp.array2d(dtype=f64),
                    S: wp.array3d(dtype=f64), scale: f64, loss: wp.array(dtype=f64)):
        # thread t: the prediction of step t against the target sequence[t + 1]
        t = wp.tid()
        top = 2 * n_layers - 2
        se = f64(2.0)                         # ADBench's normaliser log(2 + sum exp)
        for j in range(b):
            se += wp.exp(S[t + 1, top, j] * ep[1, j] + ep[2, j])
        lse = wp.log(se)
        total = f64(0.0)
        for j in range(b):
            total += seq[t + 1, j] * (S[t + 1, top, j] * ep[1, j] + ep[2, j] - lse)
        wp.atomic_add(loss, 0, scale * total)

    return lstm_k, lstm_loss_k


def _lstm(d):
    mp, ep = _arr(d["main_params"], grad=True), _arr(d["extra_params"], grad=True)
    st, sq = _arr(d["state"]), _arr(d["sequence"])
    c = d["sequence"].shape[0]
    n_state, b = d["state"].shape
    rec_k, loss_k = _lstm_kernels(n_state // 2, b)
    S = _zeros((c, n_state, b), grad=True)
    scale = -1.0 / ((c - 1) * b)
    return dict(inputs=[mp, ep], wrt=[mp, ep], scalars=[], work=[S],
                launches=[(rec_k, 1, lambda loss: [mp, ep, st, sq, S]),
                          (loss_k, c - 1, lambda loss: [ep, sq, S, scale, loss])])


# --------------------------------------------------------------------------- scalar objectives

def _scalar_build(w):
    spec = dict(gmm=_gmm, lstm=_lstm, pairwise=_pairwise, lorenz=_lorenz, heat=_heat,
                rosenbrock=_rosenbrock, brusselator=_brusselator)[w.name]

    def convert(data):
        s = spec(data)
        s["loss"] = _zeros(1, grad=True)
        s["tape"] = wp.Tape()
        return s

    def launch_all(s):
        s["loss"].zero_()
        for a in s.get("zero", []):
            a.zero_()
        for kernel, dim, args in s["launches"]:
            wp.launch(kernel, dim=dim, inputs=args(s["loss"]), device=DEV)

    def run_primal(s):
        launch_all(s)
        return float(s["loss"].numpy()[0])

    def run_grad(s):
        tape = s["tape"]
        tape.reset()                     # forget the previous call's launches
        for a in s["wrt"] + s.get("work", []):
            a.grad.zero_()
        with tape:
            launch_all(s)
        tape.backward(loss=s["loss"])
        return s

    def to_numpy(s):
        return [a.grad.numpy()[0] if a in s["scalars"] else a.grad.numpy().copy()
                for a in s["wrt"]]

    return convert, run_primal, run_grad, to_numpy


# --------------------------------------------------------------------------- BA (Jacobian)

@wp.func
def ba_reproj(r0: f64, r1: f64, r2: f64, c0: f64, c1: f64, c2: f64, f: f64, u0: f64,
              v0: f64, k1: f64, k2: f64, x0: f64, x1: f64, x2: f64, w: f64, feat0: f64,
              feat1: f64):
    # ADBench computeReprojError (as zymase.gradbench.adbench.ba.ba_reproj)
    p0 = x0 - c0
    p1 = x1 - c1
    p2 = x2 - c2
    sqtheta = r0 * r0 + r1 * r1 + r2 * r2
    xc0 = f64(0.0)
    xc1 = f64(0.0)
    xc2 = f64(0.0)
    if sqtheta != f64(0.0):
        theta = wp.sqrt(sqtheta)
        costheta = wp.cos(theta)
        sintheta = wp.sin(theta)
        theta_inverse = f64(1.0) / theta
        w0 = r0 * theta_inverse
        w1 = r1 * theta_inverse
        w2 = r2 * theta_inverse
        tmp = (w0 * p0 + w1 * p1 + w2 * p2) * (f64(1.0) - costheta)
        xc0 = p0 * costheta + (w1 * p2 - w2 * p1) * sintheta + w0 * tmp
        xc1 = p1 * costheta + (w2 * p0 - w0 * p2) * sintheta + w1 * tmp
        xc2 = p2 * costheta + (w0 * p1 - w1 * p0) * sintheta + w2 * tmp
    else:
        xc0 = p0 + (r1 * p2 - r2 * p1)
        xc1 = p1 + (r2 * p0 - r0 * p2)
        xc2 = p2 + (r0 * p1 - r1 * p0)
    q0 = xc0 / xc2
    q1 = xc1 / xc2
    rsq = q0 * q0 + q1 * q1
    L = f64(1.0) + k1 * rsq + k2 * rsq * rsq
    return w * (q0 * L * f + u0 - feat0), w * (q1 * L * f + v0 - feat1)


@wp.kernel(module="zymase_bench_ba")
def ba_residuals_k(cams: wp.array2d(dtype=f64), X: wp.array2d(dtype=f64),
                   w: wp.array(dtype=f64), obs: wp.array2d(dtype=wp.int32),
                   feats: wp.array2d(dtype=f64), res: wp.array(dtype=f64)):
    # the primal: thread i = observation i, reading its camera and point through obs
    i = wp.tid()
    c = obs[i, 0]
    j = obs[i, 1]
    e0, e1 = ba_reproj(cams[c, 0], cams[c, 1], cams[c, 2], cams[c, 3], cams[c, 4],
                       cams[c, 5], cams[c, 6], cams[c, 7], cams[c, 8], cams[c, 9],
                       cams[c, 10], X[j, 0], X[j, 1], X[j, 2], w[i], feats[i, 0],
                       feats[i, 1])
    res[2 * i] = e0
    res[2 * i + 1] = e1
    res[2 * obs.shape[0] + i] = f64(1.0) - w[i] * w[i]


@wp.kernel(module="zymase_bench_ba")
def ba_pack_k(cams: wp.array2d(dtype=f64), X: wp.array2d(dtype=f64),
              w: wp.array(dtype=f64), obs: wp.array2d(dtype=wp.int32),
              Q: wp.array2d(dtype=f64)):
    # Q[i] = [camera of observation i (11), its point (3), its weight]
    i, j = wp.tid()
    if j < 11:
        Q[i, j] = cams[obs[i, 0], j]
    elif j < 14:
        Q[i, j] = X[obs[i, 1], j - 11]
    else:
        Q[i, j] = w[i]


@wp.kernel(module="zymase_bench_ba")
def ba_weight_k(w: wp.array(dtype=f64), we: wp.array(dtype=f64)):
    i = wp.tid()
    we[i] = f64(1.0) - w[i] * w[i]


@wp.kernel(module="zymase_bench_ba")
def ba_packed_k(Q: wp.array2d(dtype=f64), feats: wp.array2d(dtype=f64),
                r: wp.array2d(dtype=f64)):
    i = wp.tid()
    e0, e1 = ba_reproj(Q[i, 0], Q[i, 1], Q[i, 2], Q[i, 3], Q[i, 4], Q[i, 5], Q[i, 6],
                       Q[i, 7], Q[i, 8], Q[i, 9], Q[i, 10], Q[i, 11], Q[i, 12], Q[i, 13],
                       Q[i, 14], feats[i, 0], feats[i, 1])
    r[i, 0] = e0
    r[i, 1] = e1


def _ba_build(w):
    def convert(d):
        p = d["obs"].shape[0]
        s = dict(cams=_arr(d["cams"]), X=_arr(d["X"]), w=_arr(d["w"], grad=True),
                 obs=_arr(d["obs"].astype(np.int32), dtype=wp.int32), feats=_arr(d["feats"]),
                 res=_zeros(3 * p), Q=_zeros((p, 15), grad=True), r=_zeros((p, 2), grad=True),
                 we=_zeros(p, grad=True), tape=wp.Tape(), p=p)
        s["seed"] = [_arr(np.tile(np.eye(2)[k], (p, 1))) for k in range(2)]
        s["ones"] = _arr(np.ones(p))
        s["J"] = np.empty(31 * p)
        return s

    def run_primal(s):
        wp.launch(ba_residuals_k, dim=s["p"], device=DEV,
                  inputs=[s["cams"], s["X"], s["w"], s["obs"], s["feats"], s["res"]])
        return s["res"].numpy().copy()

    def run_grad(s):
        p, Q, tape, J = s["p"], s["Q"], s["tape"], s["J"]
        wp.launch(ba_pack_k, dim=(p, 15), device=DEV,
                  inputs=[s["cams"], s["X"], s["w"], s["obs"], Q])
        tape.reset()
        with tape:
            wp.launch(ba_packed_k, dim=p, inputs=[Q, s["feats"], s["r"]], device=DEV)
            wp.launch(ba_weight_k, dim=p, inputs=[s["w"], s["we"]], device=DEV)
        blocks = J[:30 * p].reshape(p, 2, 15)
        # pass k seeds residual k of every observation (the blocks are independent); the
        # weight rows' derivatives (with respect to w itself) come with the first pass
        tape.backward(grads={s["r"]: s["seed"][0], s["we"]: s["ones"]})
        blocks[:, 0, :] = Q.grad.numpy()
        J[30 * p:] = s["w"].grad.numpy()
        tape.zero()
        tape.backward(grads={s["r"]: s["seed"][1]})
        blocks[:, 1, :] = Q.grad.numpy()
        return J

    return convert, run_primal, run_grad, lambda J: [J.copy()]


# --------------------------------------------------------------------------- hand (Jacobian)

def _hand_kernels(n_bones, n_theta):
    mod = f"zymase_bench_hand_B{n_bones}"
    wp.set_module_options(UNROLL, module=mod)

    @wp.kernel(module=mod)
    def hand_pose_k(theta: wp.array2d(dtype=f64), pidx: wp.array2d(dtype=wp.int32),
                    P: wp.array3d(dtype=f64)):
        # copy c's pose parameters: gather from [theta, 0, 1] (ADBench's to_pose_params)
        c, a, k = wp.tid()
        q = pidx[a, k]
        if q < n_theta:
            P[c, a, k] = theta[c, q]
        elif q == n_theta:
            P[c, a, k] = f64(0.0)
        else:
            P[c, a, k] = f64(1.0)

    @wp.kernel(module=mod)
    def hand_bones_k(P: wp.array3d(dtype=f64), parents: wp.array(dtype=wp.int32),
                     base_rel: wp.array(dtype=wp.mat44d), inv_base_abs: wp.array(dtype=wp.mat44d),
                     A: wp.array2d(dtype=wp.mat44d), T: wp.array2d(dtype=wp.mat44d)):
        # copy c: bone transforms, parents before children
        c = wp.tid()
        for b in range(n_bones):
            tx = P[c, b + 3, 0]
            tz = P[c, b + 3, 1]
            ty = P[c, b + 3, 2]
            cx = wp.cos(tx)
            sx = wp.sin(tx)
            cy = wp.cos(ty)
            sy = wp.sin(ty)
            cz = wp.cos(tz)
            sz = wp.sin(tz)
            z = f64(0.0)
            # [[Rz Ry Rx, 0], [0, 1]]
            Rh = wp.mat44d(cz * cy, -sz * cx + cz * sy * sx, sz * sx + cz * sy * cx, z,
                           sz * cy, cz * cx + sz * sy * sx, -cz * sx + sz * sy * cx, z,
                           -sy, cy * sx, cy * cx, z,
                           z, z, z, f64(1.0))
            rel = base_rel[b] @ Rh
            par = parents[b]
            if par == -1:
                A[c, b] = rel
            else:
                A[c, b] = A[c, par] @ rel
            T[c, b] = A[c, b] @ inv_base_abs[b]

    @wp.kernel(module=mod)
    def hand_residual_k(P: wp.array3d(dtype=f64), T: wp.array2d(dtype=wp.mat44d),
                        weights: wp.array2d(dtype=f64), base_pos: wp.array2d(dtype=f64),
                        corr: wp.array(dtype=wp.int32), points: wp.array2d(dtype=f64),
                        per_copy: int, out: wp.array2d(dtype=f64)):
        # thread (c, m): residual row c (one row per copy: the Jacobian) or row m (copy 0:
        # the primal); skinned vertex, then the global angle-axis rotation, scale, shift
        c, m = wp.tid()
        row = m
        if per_copy == 1:
            row = c
        i = row // 3
        k = row % 3
        v = corr[i]
        bp = wp.vec4d(base_pos[v, 0], base_pos[v, 1], base_pos[v, 2], base_pos[v, 3])
        acc = wp.vec4d(f64(0.0), f64(0.0), f64(0.0), f64(0.0))
        for b in range(n_bones):
            acc += weights[v, b] * (T[c, b] @ bp)
        a0 = P[c, 0, 0]
        a1 = P[c, 0, 1]
        a2 = P[c, 0, 2]
        norm = wp.sqrt(a0 * a0 + a1 * a1 + a2 * a2)
        R = wp.identity(n=3, dtype=f64)
        if norm >= f64(0.0001):
            x = a0 / norm
            y = a1 / norm
            zz = a2 / norm
            s = wp.sin(norm)
            co = wp.cos(norm)
            one = f64(1.0)
            R = wp.mat33d(x * x + (one - x * x) * co, x * y * (one - co) - zz * s,
                          x * zz * (one - co) + y * s,
                          x * y * (one - co) + zz * s, y * y + (one - y * y) * co,
                          y * zz * (one - co) - x * s,
                          x * zz * (one - co) - y * s, zz * y * (one - co) + x * s,
                          zz * zz + (one - zz * zz) * co)
        vk = (R[k, 0] * P[c, 1, 0] * acc[0] + R[k, 1] * P[c, 1, 1] * acc[1]
              + R[k, 2] * P[c, 1, 2] * acc[2] + P[c, 2, k])
        out[c, m] = points[i, k] - vk

    return hand_pose_k, hand_bones_k, hand_residual_k


def _hand_build(w):
    from workloads import hand_pose_index

    def convert(d):
        B = d["base_relatives"].shape[0]
        nth = d["theta"].shape[0]
        rows = 3 * d["correspondences"].shape[0]
        pose_k, bones_k, res_k = _hand_kernels(B, nth)
        s = dict(kernels=(pose_k, bones_k, res_k), B=B, rows=rows,
                 pidx=_arr(hand_pose_index(B, nth).astype(np.int32), dtype=wp.int32),
                 parents=_arr(d["parents"].astype(np.int32), dtype=wp.int32),
                 base_rel=_arr(d["base_relatives"], dtype=wp.mat44d),
                 inv_base_abs=_arr(d["inverse_base_absolutes"], dtype=wp.mat44d),
                 weights=_arr(d["weights"]), base_pos=_arr(d["base_positions"]),
                 corr=_arr(d["correspondences"].astype(np.int32), dtype=wp.int32),
                 points=_arr(d["points"]), theta=d["theta"], tape=wp.Tape())
        for name, copies, grad in (("p", 1, False), ("j", rows, True)):
            # "p": one copy for the primal; "j": one copy of theta per residual row
            s[name] = dict(theta=_zeros((copies, nth), grad=grad),
                           P=_zeros((copies, B + 3, 3), grad=grad),
                           A=_zeros((copies, B), grad=grad, dtype=wp.mat44d),
                           T=_zeros((copies, B), grad=grad, dtype=wp.mat44d),
                           out=_zeros((1, rows) if copies == 1 else (rows, 1), grad=grad),
                           copies=copies)
        s["ones"] = _arr(np.ones((rows, 1)))
        return s

    def launch_all(s, b):
        pose_k, bones_k, res_k = s["kernels"]
        n, B = b["copies"], s["B"]
        wp.launch(pose_k, dim=(n, B + 3, 3), inputs=[b["theta"], s["pidx"], b["P"]],
                  device=DEV)
        wp.launch(bones_k, dim=n, inputs=[b["P"], s["parents"], s["base_rel"],
                                          s["inv_base_abs"], b["A"], b["T"]], device=DEV)
        per_copy = 1 if n > 1 else 0
        wp.launch(res_k, dim=(n, 1) if per_copy else (1, s["rows"]), device=DEV,
                  inputs=[b["P"], b["T"], s["weights"], s["base_pos"], s["corr"],
                          s["points"], per_copy, b["out"]])

    def run_primal(s):
        b = s["p"]
        b["theta"].assign(s["theta"][None, :])
        launch_all(s, b)
        return b["out"].numpy()[0].copy()

    def run_grad(s):
        b, tape = s["j"], s["tape"]
        b["theta"].assign(np.broadcast_to(s["theta"], (s["rows"], len(s["theta"]))))
        tape.reset()
        with tape:
            launch_all(s, b)
        # copy r computes only residual r: seeding every copy at once gives row r of the
        # Jacobian in copy r's theta gradient
        tape.backward(grads={b["out"]: s["ones"]})
        return b["theta"].grad

    return convert, run_primal, run_grad, lambda g: [g.numpy().copy()]


def build(w):
    if w.kind == "jacobian":
        return (_ba_build if w.name == "ba" else _hand_build)(w)
    return _scalar_build(w)

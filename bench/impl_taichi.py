"""Taichi versions of the workloads, written the way a Taichi user writes them: ``ti.field``s
of f64 (``default_fp=ti.f64``) with ``needs_grad=True``, ``@ti.kernel`` functions on
``ti.cpu`` with one CPU thread (``cpu_max_num_threads=1``), the gradient by
``ti.ad.Tape`` (which clears every gradient and the loss on entry and runs the kernels'
``.grad()`` in reverse on exit).

How Taichi's reverse mode shapes the code (Taichi 1.7):

* the outermost loop of a kernel is a parallel loop: contributions to the objective are
  ``loss[None] += ...`` (an atomic add; Taichi keeps a thread-local partial sum);
* a time loop runs serially as an inner loop (under a one-iteration outer loop), its
  trajectory in fields, each element written once (Taichi's "global data access rule":
  a field element read by the kernel must not be overwritten); the initial state is
  copied in, and the objective read out, by kernels of their own (done inside the time
  loop's kernel, the gradient comes out wrong, without an error);
* local values inside a loop whose trip count is not static go on an autodiff stack for
  the backward pass; its depth (``ad_stack_size``) is set per workload to the number of
  iterations (a stack too small overflows without an error: a segmentation fault);
* loops over the instance's small static sizes (GMM d, K; LSTM b; hand bones) are
  ``ti.static`` (unrolled: the kernels are built for those sizes);
* reverse mode only: the Jacobian workloads are written batched as in ``impl_warp.py``
  (BA two backward passes over the observations' packed parameters; hand 300 copies of
  theta, copy r producing residual r, one backward pass).

Compilation: Taichi compiles a kernel at its first call and its adjoint at the first
backward pass; the offline (disk) cache is off, so every process compiles afresh.
"""
import math

import numpy as np
import taichi as ti


def _init(ad_stack_size=0, **extra):
    """(Re)start Taichi.  ``ad_stack_size``: depth of the autodiff stacks that keep a loop's
    local values for the backward pass (0 = Taichi's default, adaptive where the trip
    count is static); a dynamic loop of N iterations needs N, or the backward pass
    overflows it (a segmentation fault, no error)."""
    ti.init(arch=ti.cpu, default_fp=ti.f64, default_ip=ti.i32, cpu_max_num_threads=1,
            offline_cache=False, log_level=ti.WARN, ad_stack_size=ad_stack_size, **extra)


_init()

VERSION = f"taichi {'.'.join(map(str, ti.__version__))}"
EAGER = False
f64 = ti.f64


def _field(a=None, shape=None, grad=False):
    shape = np.shape(a) if shape is None else shape
    f = ti.field(f64, shape=shape, needs_grad=grad)
    if a is not None:
        f.from_numpy(np.ascontiguousarray(a, dtype=np.float64))
    return f


def _ifield(a):
    f = ti.field(ti.i32, shape=np.shape(a))
    f.from_numpy(np.ascontiguousarray(a, dtype=np.int32))
    return f


def _scalar(v, grad=True):
    f = ti.field(f64, shape=(), needs_grad=grad)
    f[None] = float(v)
    return f


# --------------------------------------------------------------------------- workloads

def _pairwise(d):
    n = int(d["n"])
    x = _field(d["x"], grad=True)
    loss = _scalar(0.0)

    @ti.kernel
    def pairwise_k():
        for i in range(n):
            s = 0.0
            for j in range(i + 1, n):
                dd = x[i] - x[j]
                s += 1.0 / (1.0 + dd * dd)
            loss[None] += s

    return dict(loss=loss, wrt=[x], kernels=[pairwise_k])


_pairwise.stack = lambda d: int(d["n"]) + 8


def _rosenbrock(d):
    n = d["x"].shape[0]
    x = _field(d["x"], grad=True)
    loss = _scalar(0.0)

    @ti.kernel
    def rosenbrock_k():
        for i in range(n - 1):
            a = 1.0 - x[i]
            b = x[i + 1] - x[i] * x[i]
            loss[None] += a * a + 100.0 * b * b

    return dict(loss=loss, wrt=[x], kernels=[rosenbrock_k])


def _brusselator(d):
    n, m = d["u"].shape
    u, v = _field(d["u"], grad=True), _field(d["v"], grad=True)
    A, B, alpha = (_scalar(d[p]) for p in ("A", "B", "alpha"))
    loss = _scalar(0.0)

    @ti.kernel
    def brusselator_k():
        for i, j in ti.ndrange(n, m):
            ip = i + 1 if i + 1 < n else 0
            im = i - 1 if i > 0 else n - 1
            jp = j + 1 if j + 1 < m else 0
            jm = j - 1 if j > 0 else m - 1
            uij = u[i, j]
            vij = v[i, j]
            lap_u = u[ip, j] + u[im, j] + u[i, jp] + u[i, jm] - 4.0 * uij
            lap_v = v[ip, j] + v[im, j] + v[i, jp] + v[i, jm] - 4.0 * vij
            uuv = uij * uij * vij
            fu = B[None] + uuv - (A[None] + 1.0) * uij + alpha[None] * lap_u
            fv = A[None] * uij - uuv + alpha[None] * lap_v
            loss[None] += fu * fu + fv * fv

    return dict(loss=loss, wrt=[u, v, A, B, alpha], kernels=[brusselator_k])


def _lorenz(d):
    n_steps, dt = int(d["n_steps"]), float(d["dt"])
    state, params = _field(d["state"], grad=True), _field(d["params"], grad=True)
    traj = ti.Vector.field(3, f64, shape=n_steps + 1, needs_grad=True)
    loss = _scalar(0.0)

    @ti.func
    def rhs(s, sigma, rho, beta):
        return ti.Vector([sigma * (s[1] - s[0]), s[0] * (rho - s[2]) - s[1],
                          s[0] * s[1] - beta * s[2]])

    @ti.kernel
    def lorenz_init_k():
        traj[0] = ti.Vector([state[0], state[1], state[2]])

    @ti.kernel
    def lorenz_k():
        for _ in range(1):                  # one thread; the time loop is serial
            for t in range(n_steps):
                # (params read inside the loop: read once before it, as locals, their
                # gradient comes out wrong, without an error)
                sigma, rho, beta = params[0], params[1], params[2]
                s = traj[t]
                k1 = rhs(s, sigma, rho, beta)
                k2 = rhs(s + 0.5 * dt * k1, sigma, rho, beta)
                k3 = rhs(s + 0.5 * dt * k2, sigma, rho, beta)
                k4 = rhs(s + dt * k3, sigma, rho, beta)
                traj[t + 1] = s + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)

    @ti.kernel
    def lorenz_end_k():
        e = traj[n_steps]
        loss[None] += e[0] * e[0] + e[1] * e[1] + e[2] * e[2]

    return dict(loss=loss, wrt=[state, params], kernels=[lorenz_init_k, lorenz_k, lorenz_end_k])


_lorenz.stack = lambda d: int(d["n_steps"]) + 8


def _heat(d):
    n = d["u"].shape[0]
    steps, alpha = int(d["steps"]), float(d["alpha"])
    u0 = _field(d["u"], grad=True)
    U = _field(shape=(steps + 1, n), grad=True)
    loss = _scalar(0.0)

    @ti.kernel
    def heat_init_k():
        for i in range(n):
            U[0, i] = u0[i]

    @ti.kernel
    def heat_k():
        for _ in range(1):                  # one thread; row t of U = field after t steps
            for t in range(steps):
                U[t + 1, 0] = U[t, 0]
                U[t + 1, n - 1] = U[t, n - 1]
                for i in range(1, n - 1):
                    cur = U[t, i]
                    U[t + 1, i] = cur + alpha * (U[t, i - 1] - 2.0 * cur + U[t, i + 1])

    @ti.kernel
    def energy_k():
        for i in range(n):
            loss[None] += U[steps, i] * U[steps, i]

    return dict(loss=loss, wrt=[u0], kernels=[heat_init_k, heat_k, energy_k])


_heat.stack = lambda d: (int(d["steps"]) + 1) * d["u"].shape[0] + 8


def _gmm(dd):
    n, d = dd["x"].shape
    K = dd["alphas"].shape[0]
    icf_sz = dd["icf"].shape[1]
    gamma, m = float(dd["wishart_gamma"]), float(dd["wishart_m"])
    nw = d + dd["wishart_m"] + 1
    lgd = 0.25 * d * (d - 1) * math.log(math.pi) + sum(
        math.lgamma(0.5 * nw + 0.5 * (1 - j)) for j in range(1, d + 1))
    const = -n * d * 0.5 * math.log(2.0 * math.pi) - K * (
        nw * d * (math.log(gamma) - 0.5 * math.log(2.0)) - lgd)
    alphas, means, icf = (_field(dd[p], grad=True) for p in ("alphas", "means", "icf"))
    x = _field(dd["x"])
    main = _field(shape=(n, K), grad=True)
    loss = _scalar(0.0)

    @ti.kernel
    def gmm_main_k():
        for i, k in ti.ndrange(n, K):
            sumq = 0.0
            sq = 0.0
            for r in ti.static(range(d)):
                sumq += icf[k, r]
                s = ti.exp(icf[k, r]) * (x[i, r] - means[k, r])
                for c in ti.static(range(r)):
                    s += icf[k, d + c * (2 * d - c - 1) // 2 + r - c - 1] * (x[i, c] - means[k, c])
                sq += s * s
            main[i, k] = alphas[k] + sumq - 0.5 * sq

    @ti.kernel
    def gmm_lse_k():
        for i in range(n):
            mx = main[i, 0]
            for k in ti.static(range(1, K)):
                mx = ti.max(mx, main[i, k])
            se = 0.0
            for k in ti.static(range(K)):
                se += ti.exp(main[i, k] - mx)
            loss[None] += ti.log(se) + mx

    @ti.kernel
    def gmm_rest_k():
        for k in range(K):
            frob = 0.0
            sumq = 0.0
            for j in ti.static(range(d)):
                q = ti.exp(icf[k, j])
                sumq += icf[k, j]
                frob += q * q
            for j in ti.static(range(d, icf_sz)):
                frob += icf[k, j] * icf[k, j]
            loss[None] += 0.5 * gamma * gamma * frob - m * sumq
        for _ in range(1):
            mx = alphas[0]
            for j in ti.static(range(1, K)):
                mx = ti.max(mx, alphas[j])
            se = 0.0
            for j in ti.static(range(K)):
                se += ti.exp(alphas[j] - mx)
            loss[None] += const - n * (ti.log(se) + mx)

    return dict(loss=loss, wrt=[alphas, means, icf], kernels=[gmm_main_k, gmm_lse_k, gmm_rest_k])


def _lstm(d):
    n_state, b = d["state"].shape
    nl = n_state // 2
    c = d["sequence"].shape[0]
    mp, ep = _field(d["main_params"], grad=True), _field(d["extra_params"], grad=True)
    state, seq = _field(d["state"]), _field(d["sequence"])
    S = _field(shape=(c, n_state, b), grad=True)
    scale = -1.0 / ((c - 1) * b)
    loss = _scalar(0.0)

    @ti.kernel
    def lstm_k():
        for _ in range(1):                  # one thread; S[t] = the state after t steps
            for r, j in ti.static(ti.ndrange(n_state, b)):
                S[0, r, j] = state[r, j]
            for t in range(c - 1):
                for L in ti.static(range(nl)):
                    hr = 2 * L
                    cr = 2 * L + 1
                    for j in ti.static(range(b)):
                        xin = 0.0
                        if ti.static(L == 0):
                            xin = seq[t, j] * ep[0, j]
                        else:
                            xin = S[t + 1, hr - 2, j]
                        h = S[t, hr, j]
                        forget = 1.0 / (1.0 + ti.exp(-(xin * mp[hr, j] + mp[cr, j])))
                        ingate = 1.0 / (1.0 + ti.exp(-(h * mp[hr, b + j] + mp[cr, b + j])))
                        outgate = 1.0 / (1.0 + ti.exp(
                            -(xin * mp[hr, 2 * b + j] + mp[cr, 2 * b + j])))
                        change = ti.tanh(h * mp[hr, 3 * b + j] + mp[cr, 3 * b + j])
                        cell = S[t, cr, j] * forget + ingate * change
                        S[t + 1, cr, j] = cell
                        S[t + 1, hr, j] = outgate * ti.tanh(cell)

    @ti.kernel
    def lstm_loss_k():
        for t in range(c - 1):
            top = 2 * nl - 2
            se = 2.0                        # ADBench's normaliser log(2 + sum exp)
            for j in ti.static(range(b)):
                se += ti.exp(S[t + 1, top, j] * ep[1, j] + ep[2, j])
            lse = ti.log(se)
            total = 0.0
            for j in ti.static(range(b)):
                total += seq[t + 1, j] * (S[t + 1, top, j] * ep[1, j] + ep[2, j] - lse)
            loss[None] += scale * total

    return dict(loss=loss, wrt=[mp, ep], kernels=[lstm_k, lstm_loss_k])


_lstm.stack = lambda d: d["sequence"].shape[0] + 8


def _scalar_build(w):
    spec = dict(gmm=_gmm, lstm=_lstm, pairwise=_pairwise, lorenz=_lorenz, heat=_heat,
                rosenbrock=_rosenbrock, brusselator=_brusselator)[w.name]

    def convert(data):
        _init(getattr(spec, "stack", lambda d: 0)(data))
        return spec(data)

    def run_primal(s):
        s["loss"][None] = 0.0
        for k in s["kernels"]:
            k()
        return float(s["loss"][None])

    def run_grad(s):
        with ti.ad.Tape(loss=s["loss"]):
            for k in s["kernels"]:
                k()
        ti.sync()
        return s

    def to_numpy(s):
        return [np.asarray(f.grad.to_numpy()) for f in s["wrt"]]

    return convert, run_primal, run_grad, to_numpy


# --------------------------------------------------------------------------- BA (Jacobian)

@ti.func
def ba_reproj(r0, r1, r2, c0, c1, c2, f, u0, v0, k1, k2, x0, x1, x2, w, feat0, feat1):
    # ADBench computeReprojError (as zymase.gradbench.adbench.ba.ba_reproj)
    p0 = x0 - c0
    p1 = x1 - c1
    p2 = x2 - c2
    sqtheta = r0 * r0 + r1 * r1 + r2 * r2
    xc0 = 0.0
    xc1 = 0.0
    xc2 = 0.0
    if sqtheta != 0.0:
        theta = ti.sqrt(sqtheta)
        costheta = ti.cos(theta)
        sintheta = ti.sin(theta)
        theta_inverse = 1.0 / theta
        w0 = r0 * theta_inverse
        w1 = r1 * theta_inverse
        w2 = r2 * theta_inverse
        tmp = (w0 * p0 + w1 * p1 + w2 * p2) * (1.0 - costheta)
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
    L = 1.0 + k1 * rsq + k2 * rsq * rsq
    return ti.Vector([w * (q0 * L * f + u0 - feat0), w * (q1 * L * f + v0 - feat1)])


def _ba_build(w):
    def convert(d):
        _init()
        p = d["obs"].shape[0]
        cams, X, feats = _field(d["cams"]), _field(d["X"]), _field(d["feats"])
        wt = _field(d["w"], grad=True)
        obs = _ifield(d["obs"])
        res = _field(shape=3 * p)
        Q = _field(shape=(p, 15), grad=True)
        r = _field(shape=(p, 2), grad=True)
        we = _field(shape=p, grad=True)

        @ti.kernel
        def residuals_k():
            # the primal: one iteration per observation, reading through obs
            for i in range(p):
                c = obs[i, 0]
                j = obs[i, 1]
                e = ba_reproj(cams[c, 0], cams[c, 1], cams[c, 2], cams[c, 3], cams[c, 4],
                              cams[c, 5], cams[c, 6], cams[c, 7], cams[c, 8], cams[c, 9],
                              cams[c, 10], X[j, 0], X[j, 1], X[j, 2], wt[i], feats[i, 0],
                              feats[i, 1])
                res[2 * i] = e[0]
                res[2 * i + 1] = e[1]
                res[2 * p + i] = 1.0 - wt[i] * wt[i]

        @ti.kernel
        def pack_k():
            # Q[i] = [camera of observation i (11), its point (3), its weight]
            for i, j in ti.ndrange(p, 15):
                if j < 11:
                    Q[i, j] = cams[obs[i, 0], j]
                elif j < 14:
                    Q[i, j] = X[obs[i, 1], j - 11]
                else:
                    Q[i, j] = wt[i]

        @ti.kernel
        def packed_k():
            for i in range(p):
                e = ba_reproj(Q[i, 0], Q[i, 1], Q[i, 2], Q[i, 3], Q[i, 4], Q[i, 5], Q[i, 6],
                              Q[i, 7], Q[i, 8], Q[i, 9], Q[i, 10], Q[i, 11], Q[i, 12],
                              Q[i, 13], Q[i, 14], feats[i, 0], feats[i, 1])
                r[i, 0] = e[0]
                r[i, 1] = e[1]

        @ti.kernel
        def weight_k():
            for i in range(p):
                we[i] = 1.0 - wt[i] * wt[i]

        @ti.kernel
        def seed_k(k: ti.i32):
            # adjoint seed: residual k of every observation, and every weight residual
            for i in range(p):
                r.grad[i, 0] = 1.0 if k == 0 else 0.0
                r.grad[i, 1] = 1.0 if k == 1 else 0.0
                we.grad[i] = 1.0

        return dict(p=p, res=res, Q=Q, wt=wt, J=np.empty(31 * p),
                    k=(residuals_k, pack_k, packed_k, weight_k, seed_k))

    def run_primal(s):
        s["k"][0]()
        return s["res"].to_numpy()

    def run_grad(s):
        _, pack_k, packed_k, weight_k, seed_k = s["k"]
        p, J, Q, wt = s["p"], s["J"], s["Q"], s["wt"]
        pack_k()
        packed_k()
        weight_k()
        blocks = J[:30 * p].reshape(p, 2, 15)
        for k in range(2):
            # backward pass k seeds residual k of every observation (independent blocks)
            seed_k(k)
            Q.grad.fill(0.0)
            packed_k.grad()
            blocks[:, k, :] = Q.grad.to_numpy()
        wt.grad.fill(0.0)
        weight_k.grad()
        J[30 * p:] = wt.grad.to_numpy()
        return J

    return convert, run_primal, run_grad, lambda J: [J.copy()]


# --------------------------------------------------------------------------- hand (Jacobian)

def _hand_build(w):
    from workloads import hand_pose_index

    def convert(d):
        _init(advanced_optimization=False)     # see bone_k: compile time
        B = d["base_relatives"].shape[0]
        nth = d["theta"].shape[0]
        N = d["correspondences"].shape[0]
        rows = 3 * N
        parents = _ifield(np.where(d["parents"] == -1, B, d["parents"]))
        pidx = _ifield(hand_pose_index(B, nth))
        base_rel = ti.Matrix.field(4, 4, f64, shape=B)
        base_rel.from_numpy(d["base_relatives"])
        inv_abs = ti.Matrix.field(4, 4, f64, shape=B)
        inv_abs.from_numpy(d["inverse_base_absolutes"])
        weights, base_pos, points = (_field(d[q]) for q in ("weights", "base_positions",
                                                            "points"))
        corr = _ifield(d["correspondences"])
        bufs = {}
        for name, copies, grad in (("p", 1, False), ("j", rows, True)):
            # "p": one copy for the primal; "j": one copy of theta per residual row
            bufs[name] = dict(theta=_field(shape=(copies, nth), grad=grad),
                              P=_field(shape=(copies, B + 3, 3), grad=grad),
                              Rel=ti.Matrix.field(4, 4, f64, shape=(copies, B), needs_grad=grad),
                              A=ti.Matrix.field(4, 4, f64, shape=(copies, B + 1), needs_grad=grad),
                              T=ti.Matrix.field(4, 4, f64, shape=(copies, B), needs_grad=grad),
                              Vt=ti.Vector.field(4, f64, shape=(copies, 1 if copies > 1 else rows),
                                                 needs_grad=grad),
                              out=_field(shape=(copies, 1 if copies > 1 else rows), grad=grad))

        def kernels(b, copies):
            theta, P, Rel, A, T, Vt, out = (b[q] for q in ("theta", "P", "Rel", "A", "T", "Vt",
                                                           "out"))
            M = 1 if copies > 1 else rows

            @ti.kernel
            def pose_k():
                # pose parameters of each copy: gather from [theta, 0, 1]
                for c, a, k in ti.ndrange(copies, B + 3, 3):
                    q = pidx[a, k]
                    if q < nth:
                        P[c, a, k] = theta[c, q]
                    elif q == nth:
                        P[c, a, k] = 0.0
                    else:
                        P[c, a, k] = 1.0

            @ti.kernel
            def bone_k(bb: ti.i32):
                # relative transform of bone bb in each copy.  One launch per bone, and the
                # chain below in a kernel of its own: Taichi compiles the backward pass of
                # 4x4 matrix products very slowly (a loop over the bones in one kernel: not
                # done after 4 minutes; one kernel per bone: ~4.5 minutes; these two, with
                # advanced_optimization off: ~45 s, the first derivative call)
                for c in range(copies):
                    tx = P[c, bb + 3, 0]
                    tz = P[c, bb + 3, 1]
                    ty = P[c, bb + 3, 2]
                    cx, sx = ti.cos(tx), ti.sin(tx)
                    cy, sy = ti.cos(ty), ti.sin(ty)
                    cz, sz = ti.cos(tz), ti.sin(tz)
                    Rh = ti.Matrix([[cz * cy, -sz * cx + cz * sy * sx,
                                     sz * sx + cz * sy * cx, 0.0],
                                    [sz * cy, cz * cx + sz * sy * sx,
                                     -cz * sx + sz * sy * cx, 0.0],
                                    [-sy, cy * sx, cy * cx, 0.0],
                                    [0.0, 0.0, 0.0, 1.0]])
                    Rel[c, bb] = base_rel[bb] @ Rh

            @ti.kernel
            def chain_k(bb: ti.i32):
                for c in range(copies):
                    # A[c, B] is the identity: the root's parent (a branch on the root
                    # made the backward pass slower still to compile)
                    A[c, bb] = A[c, parents[bb]] @ Rel[c, bb]
                    T[c, bb] = A[c, bb] @ inv_abs[bb]

            @ti.kernel
            def skin_k():
                # skinned vertex of each row: one term per bone, accumulated (a loop over
                # the bones here crashed Taichi's backward pass with a bus error; unrolled,
                # it was not compiled after 4 minutes)
                for c, m, bb in ti.ndrange(copies, M, B):
                    row = c if ti.static(copies > 1) else m
                    v = corr[row // 3]
                    bp = ti.Vector([base_pos[v, 0], base_pos[v, 1], base_pos[v, 2],
                                    base_pos[v, 3]])
                    Vt[c, m] += weights[v, bb] * (T[c, bb] @ bp)

            @ti.kernel
            def residual_k():
                for c, m in ti.ndrange(copies, M):
                    row = c if ti.static(copies > 1) else m
                    i = row // 3
                    k = row % 3
                    acc = Vt[c, m]
                    a0, a1, a2 = P[c, 0, 0], P[c, 0, 1], P[c, 0, 2]
                    norm = ti.sqrt(a0 * a0 + a1 * a1 + a2 * a2)
                    R = ti.Matrix.identity(f64, 3)
                    if norm >= 0.0001:
                        x, y, z = a0 / norm, a1 / norm, a2 / norm
                        sn, co = ti.sin(norm), ti.cos(norm)
                        R = ti.Matrix([[x * x + (1.0 - x * x) * co, x * y * (1.0 - co) - z * sn,
                                        x * z * (1.0 - co) + y * sn],
                                       [x * y * (1.0 - co) + z * sn, y * y + (1.0 - y * y) * co,
                                        y * z * (1.0 - co) - x * sn],
                                       [x * z * (1.0 - co) - y * sn, z * y * (1.0 - co) + x * sn,
                                        z * z + (1.0 - z * z) * co]])
                    vk = (R[k, 0] * P[c, 1, 0] * acc[0] + R[k, 1] * P[c, 1, 1] * acc[1]
                          + R[k, 2] * P[c, 1, 2] * acc[2] + P[c, 2, k])
                    out[c, m] = points[i, k] - vk

            return ([(pose_k, ())] + [(bone_k, (bb,)) for bb in range(B)]
                    + [(chain_k, (bb,)) for bb in range(B)]
                    + [(skin_k, ()), (residual_k, ())])

        for name, copies in (("p", 1), ("j", rows)):
            bufs[name]["kernels"] = kernels(bufs[name], copies)
            a = np.zeros((copies, B + 1, 4, 4))
            a[:, B] = np.eye(4)
            bufs[name]["A"].from_numpy(a)
        bufs["theta"] = d["theta"]
        bufs["theta_rows"] = np.ascontiguousarray(np.broadcast_to(d["theta"], (rows, nth)))
        return bufs

    def run_primal(s):
        b = s["p"]
        b["theta"].from_numpy(s["theta"][None, :])
        b["Vt"].fill(0.0)
        for k, args in b["kernels"]:
            k(*args)
        return b["out"].to_numpy()[0]

    def run_grad(s):
        b = s["j"]
        b["theta"].from_numpy(s["theta_rows"])
        b["Vt"].fill(0.0)
        for k, args in b["kernels"]:
            k(*args)
        # copy r computes only residual r: seeding every copy at once gives row r of the
        # Jacobian in copy r's theta gradient
        for f in (b["theta"], b["P"], b["Rel"], b["A"], b["T"], b["Vt"]):
            f.grad.fill(0.0)
        b["out"].grad.fill(1.0)
        for k, args in reversed(b["kernels"]):
            k.grad(*args)
        return b["theta"].grad

    return convert, run_primal, run_grad, lambda g: [g.to_numpy()]


def build(w):
    if w.kind == "jacobian":
        return (_ba_build if w.name == "ba" else _hand_build)(w)
    return _scalar_build(w)

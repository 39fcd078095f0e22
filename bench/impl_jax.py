"""JAX versions of the workloads, written the way a JAX user writes them: whole-array
``jax.numpy`` expressions, ``lax.scan`` / ``lax.fori_loop`` for the time loops, ``jax.jit``
around both the primal and ``jax.grad``; float64 (``jax_enable_x64``).

``build(w)`` returns ``(primal, grad)``: ``primal(data) -> float`` and
``grad(data) -> list of arrays in w.wrt order``, both jitted; inputs are converted to device
arrays once, outside the timed calls.

Jacobian workloads (ADBench BA and hand, see ``workloads.py``): the primal returns the
residual vector, the derivative a one-element list with the Jacobian in the workload's form.
BA: ``jax.vmap(jax.jacfwd(block))`` over the observations' packed 15 parameters (the
per-observation blocks are ADBench's CSR values, row after row) and ``jax.vmap(jax.grad)``
for the weight rows; hand: ``jax.jacfwd`` of the whole residual function (26 inputs, 300
outputs: forward mode is the natural choice).
"""
import math

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax import lax  # noqa: E402
from jax.scipy.special import logsumexp  # noqa: E402

VERSION = f"jax {jax.__version__}"


def _gmm_constant(d, K, gamma, m):
    nw = d + m + 1
    lgd = 0.25 * d * (d - 1) * math.log(math.pi) + sum(
        math.lgamma(0.5 * nw + 0.5 * (1 - j)) for j in range(1, d + 1))
    return K * (nw * d * (jnp.log(gamma) - 0.5 * math.log(2.0)) - lgd)


def _tril_cols(d):
    """Row/column indices of the strictly lower triangle packed column by column (ADBench)."""
    rows = np.concatenate([np.arange(c + 1, d) for c in range(d)]).astype(np.int64)
    cols = np.concatenate([np.full(d - c - 1, c) for c in range(d)]).astype(np.int64)
    return rows, cols


def gmm(alphas, means, icf, x, wishart_gamma, wishart_m):
    n, d = x.shape
    K = alphas.shape[0]
    q = icf[:, :d]
    lpk = icf[:, d:]
    rows, cols = _tril_cols(d)
    Ls = jnp.zeros((K, d, d), dtype=icf.dtype).at[:, rows, cols].set(lpk)
    qdiag = jnp.exp(q)
    sum_qs = jnp.sum(q, axis=1)
    xc = x[:, None, :] - means[None, :, :]                       # (n, K, d)
    qxc = qdiag[None] * xc + jnp.einsum("kij,nkj->nki", Ls, xc)
    main = alphas[None, :] + sum_qs[None, :] - 0.5 * jnp.sum(qxc * qxc, axis=2)
    err = (-n * d * 0.5 * math.log(2 * math.pi) + jnp.sum(logsumexp(main, axis=1))
           - n * logsumexp(alphas))
    frob = jnp.sum(qdiag * qdiag, axis=1) + jnp.sum(lpk * lpk, axis=1)
    prior = jnp.sum(0.5 * wishart_gamma ** 2 * frob - wishart_m * sum_qs)
    return err + prior - _gmm_constant(d, K, wishart_gamma, wishart_m)


def lstm(main_params, extra_params, state, sequence):
    n_layers = main_params.shape[0] // 2
    b = state.shape[1]
    c = sequence.shape[0]

    def step(st, xs):
        inp, target = xs
        x = inp * extra_params[0]
        new = []
        for L in range(n_layers):
            W, B = main_params[2 * L], main_params[2 * L + 1]
            h, cell = st[2 * L], st[2 * L + 1]
            forget = jax.nn.sigmoid(x * W[:b] + B[:b])
            ingate = jax.nn.sigmoid(h * W[b:2 * b] + B[b:2 * b])
            outgate = jax.nn.sigmoid(x * W[2 * b:3 * b] + B[2 * b:3 * b])
            change = jnp.tanh(h * W[3 * b:] + B[3 * b:])
            cell = cell * forget + ingate * change
            h = outgate * jnp.tanh(cell)
            new += [h, cell]
            x = h
        ypred = x * extra_params[1] + extra_params[2]
        lse = jnp.log(2.0 + jnp.sum(jnp.exp(ypred)))        # ADBench's normaliser
        return jnp.stack(new), jnp.sum(target * (ypred - lse))

    _, tot = lax.scan(step, state, (sequence[:-1], sequence[1:]))
    return -jnp.sum(tot) / ((c - 1) * b)


def pairwise(x, n):
    d = x[:, None] - x[None, :]
    return jnp.sum(jnp.triu(1.0 / (1.0 + d * d), 1))


def lorenz(state, params, n_steps, dt):
    sigma, rho, beta = params[0], params[1], params[2]

    def f(s):
        return jnp.stack([sigma * (s[1] - s[0]), s[0] * (rho - s[2]) - s[1],
                          s[0] * s[1] - beta * s[2]])

    def step(s, _):
        k1 = f(s)
        k2 = f(s + 0.5 * dt * k1)
        k3 = f(s + 0.5 * dt * k2)
        k4 = f(s + dt * k3)
        return s + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4), None

    s, _ = lax.scan(step, state, None, length=n_steps)
    return jnp.sum(s * s)


def heat(u, steps, alpha):
    def body(_, u):
        return u.at[1:-1].set(u[1:-1] + alpha * (u[:-2] - 2.0 * u[1:-1] + u[2:]))
    u = lax.fori_loop(0, steps, body, u)
    return jnp.sum(u * u)


def rosenbrock(x):
    return jnp.sum((1.0 - x[:-1]) ** 2 + 100.0 * (x[1:] - x[:-1] ** 2) ** 2)


def brusselator(u, v, A, B, alpha):
    def lap(z):
        return (jnp.roll(z, 1, 0) + jnp.roll(z, -1, 0) + jnp.roll(z, 1, 1)
                + jnp.roll(z, -1, 1) - 4.0 * z)
    uuv = u * u * v
    fu = B + uuv - (A + 1.0) * u + alpha * lap(u)
    fv = A * u - uuv + alpha * lap(v)
    return jnp.sum(fu * fu + fv * fv)


# ---- ADBench bundle adjustment: per-observation block, vmapped

def _ba_block(q, feat):
    """Weighted reprojection error of one observation from q = [cam (11), X (3), w]."""
    rot, C, f, pp, k, X, w = q[0:3], q[3:6], q[6], q[7:9], q[9:11], q[11:14], q[14]
    pt = X - C
    sqtheta = jnp.sum(rot * rot)
    nonzero = sqtheta != 0.0
    theta = jnp.sqrt(jnp.where(nonzero, sqtheta, 1.0))   # no NaN derivative at rot = 0
    kk = rot / theta
    rotated = (pt * jnp.cos(theta) + jnp.cross(kk, pt) * jnp.sin(theta)
               + kk * jnp.dot(kk, pt) * (1.0 - jnp.cos(theta)))
    xcam = jnp.where(nonzero, rotated, pt + jnp.cross(rot, pt))
    proj = xcam[:2] / xcam[2]
    rsq = jnp.sum(proj * proj)
    proj = proj * (1.0 + k[0] * rsq + k[1] * rsq * rsq)
    return w * (proj * f + pp - feat)


def _ba_packed(cams, X, w, obs):
    return jnp.concatenate([cams[obs[:, 0]], X[obs[:, 1]], w[:, None]], axis=1)


def _ba_residuals(cams, X, w, obs, feats):
    reproj = jax.vmap(_ba_block)(_ba_packed(cams, X, w, obs), feats)
    return jnp.concatenate([reproj.ravel(), 1.0 - w * w])


def _ba_jacobian(cams, X, w, obs, feats):
    blocks = jax.vmap(jax.jacfwd(_ba_block))(_ba_packed(cams, X, w, obs), feats)  # (p, 2, 15)
    dw = jax.vmap(jax.grad(lambda wi: 1.0 - wi * wi))(w)
    return jnp.concatenate([blocks.ravel(), dw])


# ---- ADBench hand tracking (simple): the whole residual function, jacfwd

def _euler_xzy(t):
    """Rz(t[1]) Ry(t[2]) Rx(t[0]) (ADBench's euler_angles_to_rotation_matrix)."""
    cx, sx = jnp.cos(t[0]), jnp.sin(t[0])
    cy, sy = jnp.cos(t[2]), jnp.sin(t[2])
    cz, sz = jnp.cos(t[1]), jnp.sin(t[1])
    one, zero = jnp.ones_like(cx), jnp.zeros_like(cx)
    Rx = jnp.array([[one, zero, zero], [zero, cx, -sx], [zero, sx, cx]])
    Ry = jnp.array([[cy, zero, sy], [zero, one, zero], [-sy, zero, cy]])
    Rz = jnp.array([[cz, -sz, zero], [sz, cz, zero], [zero, zero, one]])
    return Rz @ Ry @ Rx


def _angle_axis(aa):
    n2 = jnp.sum(aa * aa)
    small = n2 < 1e-8                                     # |aa| < 1e-4: identity (ADBench)
    n = jnp.sqrt(jnp.where(small, 1.0, n2))
    x, y, z = aa / n
    s, c = jnp.sin(n), jnp.cos(n)
    R = jnp.array([[x * x + (1 - x * x) * c, x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
                   [x * y * (1 - c) + z * s, y * y + (1 - y * y) * c, y * z * (1 - c) - x * s],
                   [x * z * (1 - c) - y * s, z * y * (1 - c) + x * s, z * z + (1 - z * z) * c]])
    return jnp.where(small, jnp.eye(3), R)


def _hand_pose_params(theta, n_bones):
    pose = jnp.zeros((n_bones + 3, 3))
    pose = pose.at[0].set(theta[0:3]).at[1].set(1.0).at[2].set(theta[3:6])
    i_theta, i_pose = 6, 5
    for _finger in range(5):
        for joint in range(3):
            pose = pose.at[i_pose, 0].set(theta[i_theta])
            i_theta += 1
            if joint == 0:
                pose = pose.at[i_pose, 1].set(theta[i_theta])
                i_theta += 1
            i_pose += 1
        i_pose += 1
    return pose


def _hand_residuals(theta, parents, base_relatives, inverse_base_absolutes, base_positions,
                    weights, correspondences, points):
    n_bones = base_relatives.shape[0]
    pose = _hand_pose_params(theta, n_bones)
    R = jax.vmap(_euler_xzy)(pose[3:])                              # (B, 3, 3)
    tr = jnp.zeros((n_bones, 4, 4)).at[:, :3, :3].set(R).at[:, 3, 3].set(1.0)
    relatives = base_relatives @ tr
    absolutes = []
    for b in range(n_bones):                      # parents is static: unrolled at trace time
        absolutes.append(relatives[b] if parents[b] == -1
                         else absolutes[parents[b]] @ relatives[b])
    transforms = jnp.stack(absolutes) @ inverse_base_absolutes
    verts = jnp.einsum("vb,bij,vj->vi", weights, transforms[:, :3, :], base_positions)
    Rg = _angle_axis(pose[0]) * pose[1][None, :]
    verts = verts @ Rg.T + pose[2]
    return (points - verts[correspondences]).ravel()


def _jacobian_build(w):
    if w.name == "ba":
        res_fn, jac_fn, static = _ba_residuals, _ba_jacobian, ()
    else:
        res_fn = _hand_residuals
        jac_fn = jax.jacfwd(_hand_residuals)
        static = ("parents",)
    static_idx = [w.params.index(p) for p in static]
    primal = jax.jit(res_fn, static_argnums=static_idx)
    jac = jax.jit(jac_fn, static_argnums=static_idx)

    def convert(data):
        return [tuple(int(v) for v in data[p]) if p in static else jnp.asarray(data[p])
                for p in w.params]

    def run_primal(args):
        return np.asarray(primal(*args).block_until_ready())

    def run_grad(args):
        return jac(*args).block_until_ready()

    def to_numpy(J):
        return [np.asarray(J)]

    return convert, run_primal, run_grad, to_numpy


FUNCS = dict(gmm=gmm, lstm=lstm, pairwise=pairwise, lorenz=lorenz, heat=heat,
             rosenbrock=rosenbrock, brusselator=brusselator)
# arguments that must be static (Python ints that shape the computation)
STATIC = dict(gmm=("wishart_m",), pairwise=("n",), lorenz=("n_steps",), heat=("steps",))


def build(w):
    if w.kind == "jacobian":
        return _jacobian_build(w)
    f = FUNCS[w.name]
    static = STATIC.get(w.name, ())
    wrt_idx = [w.params.index(p) for p in w.wrt]
    static_idx = [w.params.index(p) for p in static]

    primal = jax.jit(f, static_argnums=static_idx)
    grad = jax.jit(jax.grad(f, argnums=wrt_idx), static_argnums=static_idx)

    def convert(data):
        return [data[p] if p in static else jnp.asarray(data[p]) for p in w.params]

    def run_primal(args):
        return float(primal(*args).block_until_ready())

    def run_grad(args):
        g = grad(*args)
        jax.block_until_ready(g)
        return g

    def to_numpy(g):
        return [np.asarray(a) for a in g]

    return convert, run_primal, run_grad, to_numpy

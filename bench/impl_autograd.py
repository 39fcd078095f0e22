"""autograd (HIPS) versions of the workloads, written the way an autograd user writes them:
``autograd.numpy`` whole-array expressions, Python loops over time steps, no in-place
updates (autograd cannot differentiate through array assignment), ``autograd.grad``.

Jacobian workloads (ADBench BA and hand, see ``workloads.py``).  autograd is reverse mode
only and has no ``vmap``.  BA: the residual function of all observations' packed
parameters Q (p x 15) is evaluated once (``make_vjp``) and pulled back twice, with the seed
selecting residual 0 resp. 1 of every observation; as observation i's residuals depend on
Q[i] only, each pull-back yields one row of every 2 x 15 block (plus ``elementwise_grad``
for the weight rows).  Hand: ``autograd.jacobian`` (one pull-back per residual, 300).
"""
import math

import autograd
import autograd.numpy as anp
import numpy as np
from autograd.scipy.special import logsumexp

from workloads import hand_pose_index

EAGER = True   # no compilation: the first call is an ordinary call
VERSION = f"autograd {getattr(autograd, '__version__', '?')}"


def _gmm_constant(d, K, gamma, m):
    nw = d + m + 1
    lgd = 0.25 * d * (d - 1) * math.log(math.pi) + sum(
        math.lgamma(0.5 * nw + 0.5 * (1 - j)) for j in range(1, d + 1))
    return K * (nw * d * (math.log(gamma) - 0.5 * math.log(2.0)) - lgd)


def gmm(alphas, means, icf, x, wishart_gamma, wishart_m):
    n, d = x.shape
    K = alphas.shape[0]
    q = icf[:, :d]
    lpk = icf[:, d:]
    qdiag = anp.exp(q)
    sum_qs = anp.sum(q, axis=1)
    xc = x[:, None, :] - means[None, :, :]                        # (n, K, d)
    # Q x with Q lower triangular; the strict lower part is packed column by column
    cols = []
    for r in range(d):
        acc = qdiag[None, :, r] * xc[:, :, r]
        for c in range(r):
            # entry (r, c) sits at position  c*d - c*(c+1)/2 + (r - c - 1)  of the packing
            pos = c * d - c * (c + 1) // 2 + (r - c - 1)
            acc = acc + lpk[None, :, pos] * xc[:, :, c]
        cols.append(acc)
    qxc = anp.stack(cols, axis=2)
    main = alphas[None, :] + sum_qs[None, :] - 0.5 * anp.sum(qxc * qxc, axis=2)
    err = (-n * d * 0.5 * math.log(2 * math.pi) + anp.sum(logsumexp(main, axis=1))
           - n * logsumexp(alphas))
    frob = anp.sum(qdiag * qdiag, axis=1) + anp.sum(lpk * lpk, axis=1)
    prior = anp.sum(0.5 * wishart_gamma ** 2 * frob - wishart_m * sum_qs)
    return err + prior - _gmm_constant(d, K, wishart_gamma, wishart_m)


def _sigmoid(z):
    return 1.0 / (1.0 + anp.exp(-z))


def lstm(main_params, extra_params, state, sequence):
    n_layers = main_params.shape[0] // 2
    b = state.shape[1]
    c = sequence.shape[0]
    hs = [state[2 * L] for L in range(n_layers)]
    cs = [state[2 * L + 1] for L in range(n_layers)]
    total = 0.0
    for t in range(c - 1):
        x = sequence[t] * extra_params[0]
        for L in range(n_layers):
            W, B = main_params[2 * L], main_params[2 * L + 1]
            forget = _sigmoid(x * W[:b] + B[:b])
            ingate = _sigmoid(hs[L] * W[b:2 * b] + B[b:2 * b])
            outgate = _sigmoid(x * W[2 * b:3 * b] + B[2 * b:3 * b])
            change = anp.tanh(hs[L] * W[3 * b:] + B[3 * b:])
            cs[L] = cs[L] * forget + ingate * change
            hs[L] = outgate * anp.tanh(cs[L])
            x = hs[L]
        ypred = x * extra_params[1] + extra_params[2]
        lse = anp.log(2.0 + anp.sum(anp.exp(ypred)))
        total = total + anp.sum(sequence[t + 1] * (ypred - lse))
    return -total / ((c - 1) * b)


def pairwise(x, n):
    d = x[:, None] - x[None, :]
    return anp.sum(anp.triu(1.0 / (1.0 + d * d), 1))


def lorenz(state, params, n_steps, dt):
    sigma, rho, beta = params[0], params[1], params[2]
    x, y, z = state[0], state[1], state[2]

    def f(x, y, z):
        return sigma * (y - x), x * (rho - z) - y, x * y - beta * z

    for _ in range(n_steps):
        a1, b1, c1 = f(x, y, z)
        a2, b2, c2 = f(x + 0.5 * dt * a1, y + 0.5 * dt * b1, z + 0.5 * dt * c1)
        a3, b3, c3 = f(x + 0.5 * dt * a2, y + 0.5 * dt * b2, z + 0.5 * dt * c2)
        a4, b4, c4 = f(x + dt * a3, y + dt * b3, z + dt * c3)
        x = x + dt / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
        y = y + dt / 6.0 * (b1 + 2.0 * b2 + 2.0 * b3 + b4)
        z = z + dt / 6.0 * (c1 + 2.0 * c2 + 2.0 * c3 + c4)
    return x * x + y * y + z * z


def heat(u, steps, alpha):
    for _ in range(steps):
        inner = u[1:-1] + alpha * (u[:-2] - 2.0 * u[1:-1] + u[2:])
        u = anp.concatenate([u[:1], inner, u[-1:]])
    return anp.sum(u * u)


def rosenbrock(x):
    return anp.sum((1.0 - x[:-1]) ** 2 + 100.0 * (x[1:] - x[:-1] ** 2) ** 2)


def brusselator(u, v, A, B, alpha):
    def lap(z):
        return (anp.roll(z, 1, 0) + anp.roll(z, -1, 0) + anp.roll(z, 1, 1)
                + anp.roll(z, -1, 1) - 4.0 * z)
    uuv = u * u * v
    fu = B + uuv - (A + 1.0) * u + alpha * lap(u)
    fv = A * u - uuv + alpha * lap(v)
    return anp.sum(fu * fu + fv * fv)


# ---- ADBench bundle adjustment

def _ba_packed(cams, X, w, obs):
    return np.concatenate([cams[obs[:, 0]], X[obs[:, 1]], w[:, None]], axis=1)


def _ba_reproj(Q, feats):
    """(p, 2) weighted reprojection errors from the packed parameters Q = [cam, X, w]."""
    rot, C, f, pp = Q[:, 0:3], Q[:, 3:6], Q[:, 6:7], Q[:, 7:9]
    k1, k2, X, w = Q[:, 9:10], Q[:, 10:11], Q[:, 11:14], Q[:, 14:15]
    pt = X - C
    sqtheta = anp.sum(rot * rot, axis=1, keepdims=True)
    nonzero = sqtheta != 0.0
    theta = anp.sqrt(anp.where(nonzero, sqtheta, 1.0))
    kk = rot / theta
    rotated = (pt * anp.cos(theta) + anp.cross(kk, pt) * anp.sin(theta)
               + kk * anp.sum(kk * pt, axis=1, keepdims=True) * (1.0 - anp.cos(theta)))
    xcam = anp.where(nonzero, rotated, pt + anp.cross(rot, pt))
    proj = xcam[:, :2] / xcam[:, 2:3]
    rsq = anp.sum(proj * proj, axis=1, keepdims=True)
    proj = proj * (1.0 + k1 * rsq + k2 * rsq * rsq)
    return w * (proj * f + pp - feats)


def _ba_residuals(cams, X, w, obs, feats):
    reproj = _ba_reproj(_ba_packed(cams, X, w, obs), feats)
    return anp.concatenate([anp.ravel(reproj), 1.0 - w * w])


_ba_dw = autograd.elementwise_grad(lambda w: 1.0 - w * w)


def _ba_jacobian(cams, X, w, obs, feats):
    Q = _ba_packed(cams, X, w, obs)
    vjp, reproj = autograd.make_vjp(_ba_reproj)(Q, feats)
    rows = []
    for r in range(2):
        seed = np.zeros_like(reproj)
        seed[:, r] = 1.0
        rows.append(vjp(seed))                                  # (p, 15): row r of each block
    blocks = np.stack(rows, axis=1)                             # (p, 2, 15)
    return np.concatenate([blocks.ravel(), _ba_dw(w)])


# ---- ADBench hand tracking (simple)

def _euler_xzy(t):
    """Rz(t[1]) Ry(t[2]) Rx(t[0]) (ADBench's euler_angles_to_rotation_matrix)."""
    cx, sx = anp.cos(t[0]), anp.sin(t[0])
    cy, sy = anp.cos(t[2]), anp.sin(t[2])
    cz, sz = anp.cos(t[1]), anp.sin(t[1])
    Rx = anp.array([[1.0, 0.0, 0.0], [0.0, cx, -sx], [0.0, sx, cx]])
    Ry = anp.array([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
    Rz = anp.array([[cz, -sz, 0.0], [sz, cz, 0.0], [0.0, 0.0, 1.0]])
    return anp.dot(anp.dot(Rz, Ry), Rx)


def _angle_axis(aa):
    n = anp.sqrt(anp.sum(aa * aa))
    if n < 0.0001:                                        # identity (ADBench)
        return np.eye(3)
    x, y, z = aa[0] / n, aa[1] / n, aa[2] / n
    s, c = anp.sin(n), anp.cos(n)
    return anp.array([
        [x * x + (1 - x * x) * c, x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
        [x * y * (1 - c) + z * s, y * y + (1 - y * y) * c, y * z * (1 - c) - x * s],
        [x * z * (1 - c) - y * s, z * y * (1 - c) + x * s, z * z + (1 - z * z) * c]])


def _hand_residuals(theta, parents, base_relatives, inverse_base_absolutes, base_positions,
                    weights, correspondences, points):
    n_bones = base_relatives.shape[0]
    pose = anp.concatenate([theta, np.array([0.0, 1.0])])[
        hand_pose_index(n_bones, theta.shape[0])]
    absolutes = []
    for b in range(n_bones):
        R = _euler_xzy(pose[3 + b])
        rel = anp.concatenate([anp.dot(base_relatives[b, :, :3], R), base_relatives[b, :, 3:]],
                              axis=1)
        absolutes.append(rel if parents[b] == -1 else anp.dot(absolutes[parents[b]], rel))
    transforms = anp.stack([anp.dot(absolutes[b], inverse_base_absolutes[b])[:3]
                            for b in range(n_bones)])
    verts = anp.einsum("vb,bij,vj->vi", weights, transforms, base_positions)
    Rg = _angle_axis(pose[0]) * pose[1][None, :]
    verts = anp.dot(verts, Rg.T) + pose[2]
    return anp.ravel(points - verts[correspondences])


_hand_jacobian = autograd.jacobian(_hand_residuals)


FUNCS = dict(gmm=gmm, lstm=lstm, pairwise=pairwise, lorenz=lorenz, heat=heat,
             rosenbrock=rosenbrock, brusselator=brusselator)


def _jacobian_build(w):
    res_fn, jac_fn = ((_ba_residuals, _ba_jacobian) if w.name == "ba"
                      else (_hand_residuals, _hand_jacobian))

    def convert(data):
        return [data[p] for p in w.params]

    def run_primal(args):
        return np.asarray(res_fn(*args))

    def run_grad(args):
        return jac_fn(*args)

    def to_numpy(J):
        return [np.asarray(J, dtype=np.float64)]

    return convert, run_primal, run_grad, to_numpy


def build(w):
    if w.kind == "jacobian":
        return _jacobian_build(w)
    f = FUNCS[w.name]
    wrt_idx = tuple(w.params.index(p) for p in w.wrt)
    g = autograd.grad(f, wrt_idx)

    def convert(data):
        return [data[p] for p in w.params]

    def run_primal(args):
        return float(f(*args))

    def run_grad(args):
        return g(*args)

    def to_numpy(gr):
        return [np.asarray(a, dtype=np.float64) for a in gr]

    return convert, run_primal, run_grad, to_numpy

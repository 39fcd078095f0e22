"""PyTorch versions of the workloads, written the way a PyTorch user writes them: eager
float64 tensors, whole-tensor operations, plain Python loops over time steps (LSTM, Lorenz,
heat), ``torch.autograd.grad`` for the gradient.  No ``torch.compile`` (it needs a C++
toolchain at run time and is not what most eager users run).  One intra-op thread (the
benchmark pins every tool to one core).

Jacobian workloads (ADBench BA and hand, see ``workloads.py``) use ``torch.func``, the
PyTorch way to get Jacobians without a Python loop over rows: BA
``torch.func.vmap(torch.func.jacfwd(block))`` over the observations' packed 15 parameters
(plus ``vmap(grad)`` for the weight rows); hand ``torch.func.jacfwd`` of the residual
function (26 inputs, 300 outputs).  The code is written out of place (``torch.stack``
instead of item assignment), as ``torch.func`` requires.
"""
import math

import numpy as np
import torch

from workloads import hand_pose_index

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

EAGER = True   # no compilation: the first call is an ordinary call


def eager(w):
    """torch.func's first call sets up its transforms (seconds, once per process): for the
    Jacobian workloads that call is reported as the first-call time, not as a sample."""
    return w.kind != "jacobian"
VERSION = f"torch {torch.__version__}"


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
    rows = torch.tensor(np.concatenate([np.arange(c + 1, d) for c in range(d)]))
    cols = torch.tensor(np.concatenate([np.full(d - c - 1, c) for c in range(d)]))
    Ls = torch.zeros((K, d, d), dtype=icf.dtype)
    Ls[:, rows, cols] = lpk
    qdiag = torch.exp(q)
    sum_qs = torch.sum(q, dim=1)
    xc = x[:, None, :] - means[None, :, :]
    qxc = qdiag[None] * xc + torch.einsum("kij,nkj->nki", Ls, xc)
    main = alphas[None, :] + sum_qs[None, :] - 0.5 * torch.sum(qxc * qxc, dim=2)
    err = (-n * d * 0.5 * math.log(2 * math.pi) + torch.sum(torch.logsumexp(main, dim=1))
           - n * torch.logsumexp(alphas, dim=0))
    frob = torch.sum(qdiag * qdiag, dim=1) + torch.sum(lpk * lpk, dim=1)
    prior = torch.sum(0.5 * wishart_gamma ** 2 * frob - wishart_m * sum_qs)
    return err + prior - _gmm_constant(d, K, wishart_gamma, wishart_m)


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
            forget = torch.sigmoid(x * W[:b] + B[:b])
            ingate = torch.sigmoid(hs[L] * W[b:2 * b] + B[b:2 * b])
            outgate = torch.sigmoid(x * W[2 * b:3 * b] + B[2 * b:3 * b])
            change = torch.tanh(hs[L] * W[3 * b:] + B[3 * b:])
            cs[L] = cs[L] * forget + ingate * change
            hs[L] = outgate * torch.tanh(cs[L])
            x = hs[L]
        ypred = x * extra_params[1] + extra_params[2]
        lse = torch.log(2.0 + torch.sum(torch.exp(ypred)))
        total = total + torch.sum(sequence[t + 1] * (ypred - lse))
    return -total / ((c - 1) * b)


def pairwise(x, n):
    d = x[:, None] - x[None, :]
    return torch.sum(torch.triu(1.0 / (1.0 + d * d), 1))


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
        u = torch.cat([u[:1], inner, u[-1:]])
    return torch.sum(u * u)


def rosenbrock(x):
    return torch.sum((1.0 - x[:-1]) ** 2 + 100.0 * (x[1:] - x[:-1] ** 2) ** 2)


def brusselator(u, v, A, B, alpha):
    def lap(z):
        return (torch.roll(z, 1, 0) + torch.roll(z, -1, 0) + torch.roll(z, 1, 1)
                + torch.roll(z, -1, 1) - 4.0 * z)
    uuv = u * u * v
    fu = B + uuv - (A + 1.0) * u + alpha * lap(u)
    fv = A * u - uuv + alpha * lap(v)
    return torch.sum(fu * fu + fv * fv)


# ---- ADBench bundle adjustment

def _ba_block(q, feat):
    """Weighted reprojection error of one observation from q = [cam (11), X (3), w]."""
    rot, C, f, pp, k, X, w = q[0:3], q[3:6], q[6], q[7:9], q[9:11], q[11:14], q[14]
    pt = X - C
    sqtheta = torch.sum(rot * rot)
    nonzero = sqtheta != 0.0
    theta = torch.sqrt(torch.where(nonzero, sqtheta, torch.ones_like(sqtheta)))
    kk = rot / theta
    rotated = (pt * torch.cos(theta) + torch.linalg.cross(kk, pt) * torch.sin(theta)
               + kk * torch.dot(kk, pt) * (1.0 - torch.cos(theta)))
    xcam = torch.where(nonzero, rotated, pt + torch.linalg.cross(rot, pt))
    proj = xcam[:2] / xcam[2]
    rsq = torch.sum(proj * proj)
    proj = proj * (1.0 + k[0] * rsq + k[1] * rsq * rsq)
    return w * (proj * f + pp - feat)


def _ba_packed(cams, X, w, obs):
    return torch.cat([cams[obs[:, 0]], X[obs[:, 1]], w[:, None]], dim=1)


def _ba_residuals(cams, X, w, obs, feats):
    reproj = torch.func.vmap(_ba_block)(_ba_packed(cams, X, w, obs), feats)
    return torch.cat([reproj.reshape(-1), 1.0 - w * w])


def _ba_jacobian(cams, X, w, obs, feats):
    blocks = torch.func.vmap(torch.func.jacfwd(_ba_block))(_ba_packed(cams, X, w, obs), feats)
    dw = torch.func.vmap(torch.func.grad(lambda wi: 1.0 - wi * wi))(w)
    return torch.cat([blocks.reshape(-1), dw])


# ---- ADBench hand tracking (simple)

def _euler_xzy(t):
    """Rz(t[1]) Ry(t[2]) Rx(t[0]) (ADBench's euler_angles_to_rotation_matrix)."""
    cx, sx = torch.cos(t[0]), torch.sin(t[0])
    cy, sy = torch.cos(t[2]), torch.sin(t[2])
    cz, sz = torch.cos(t[1]), torch.sin(t[1])
    one, zero = torch.ones_like(cx), torch.zeros_like(cx)
    Rx = torch.stack([torch.stack([one, zero, zero]), torch.stack([zero, cx, -sx]),
                      torch.stack([zero, sx, cx])])
    Ry = torch.stack([torch.stack([cy, zero, sy]), torch.stack([zero, one, zero]),
                      torch.stack([-sy, zero, cy])])
    Rz = torch.stack([torch.stack([cz, -sz, zero]), torch.stack([sz, cz, zero]),
                      torch.stack([zero, zero, one])])
    return Rz @ Ry @ Rx


def _angle_axis(aa):
    n2 = torch.sum(aa * aa)
    small = n2 < 1e-8                                     # |aa| < 1e-4: identity (ADBench)
    n = torch.sqrt(torch.where(small, torch.ones_like(n2), n2))
    x, y, z = aa / n
    s, c = torch.sin(n), torch.cos(n)
    R = torch.stack([
        torch.stack([x * x + (1 - x * x) * c, x * y * (1 - c) - z * s,
                     x * z * (1 - c) + y * s]),
        torch.stack([x * y * (1 - c) + z * s, y * y + (1 - y * y) * c,
                     y * z * (1 - c) - x * s]),
        torch.stack([x * z * (1 - c) - y * s, z * y * (1 - c) + x * s,
                     z * z + (1 - z * z) * c])])
    return torch.where(small, torch.eye(3, dtype=R.dtype), R)


def _hand_pose_params(theta, n_bones):
    """ADBench's to_pose_params as a gather: rows (bones + 3) x 3 of theta entries, the
    scale row (ones) and zeros."""
    ext = torch.cat([theta, torch.zeros(1, dtype=theta.dtype), torch.ones(1, dtype=theta.dtype)])
    return ext[torch.tensor(hand_pose_index(n_bones, len(theta)))]


def _hand_residuals(theta, parents, base_relatives, inverse_base_absolutes, base_positions,
                    weights, correspondences, points):
    n_bones = base_relatives.shape[0]
    pose = _hand_pose_params(theta, n_bones)
    R = torch.stack([_euler_xzy(pose[3 + b]) for b in range(n_bones)])      # (B, 3, 3)
    relatives = torch.cat([base_relatives[:, :, :3] @ R, base_relatives[:, :, 3:]], dim=2)
    absolutes = []
    for b in range(n_bones):
        absolutes.append(relatives[b] if parents[b] == -1
                         else absolutes[parents[b]] @ relatives[b])
    transforms = torch.stack(absolutes) @ inverse_base_absolutes
    verts = torch.einsum("vb,bij,vj->vi", weights, transforms[:, :3, :], base_positions)
    Rg = _angle_axis(pose[0]) * pose[1][None, :]
    verts = verts @ Rg.T + pose[2]
    return (points - verts[correspondences]).reshape(-1)


def _jacobian_build(w):
    if w.name == "ba":
        res_fn, jac_fn = _ba_residuals, _ba_jacobian
    else:
        res_fn = _hand_residuals
        jac_fn = torch.func.jacfwd(_hand_residuals)

    def convert(data):
        out = []
        for p in w.params:
            v = data[p]
            if p == "parents":
                out.append([int(b) for b in v])
            elif v.dtype.kind == "i":
                out.append(torch.from_numpy(v.astype(np.int64)))
            else:
                out.append(torch.from_numpy(np.asarray(v, dtype=np.float64)))
        return out

    def run_primal(args):
        with torch.no_grad():
            return res_fn(*args).numpy()

    def run_grad(args):
        return jac_fn(*args)

    def to_numpy(J):
        return [J.detach().numpy()]

    return convert, run_primal, run_grad, to_numpy


FUNCS = dict(gmm=gmm, lstm=lstm, pairwise=pairwise, lorenz=lorenz, heat=heat,
             rosenbrock=rosenbrock, brusselator=brusselator)


def build(w):
    if w.kind == "jacobian":
        return _jacobian_build(w)
    f = FUNCS[w.name]
    wrt = set(w.wrt)

    def convert(data):
        args = []
        for p in w.params:
            v = data[p]
            if p in wrt:
                args.append(torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True))
            elif isinstance(v, np.ndarray):
                args.append(torch.from_numpy(v))
            else:
                args.append(v)
        return args

    def run_primal(args):
        with torch.no_grad():
            return float(f(*args))

    def run_grad(args):
        out = f(*args)
        return torch.autograd.grad(out, [a for p, a in zip(w.params, args) if p in wrt])

    def to_numpy(g):
        return [t.detach().numpy() for t in g]

    return convert, run_primal, run_grad, to_numpy

"""PyTorch versions of the workloads, written the way a PyTorch user writes them: eager
float64 tensors, whole-tensor operations, plain Python loops over time steps (LSTM, Lorenz,
heat), ``torch.autograd.grad`` for the gradient.  No ``torch.compile`` (it needs a C++
toolchain at run time and is not what most eager users run).  One intra-op thread (the
benchmark pins every tool to one core).
"""
import math

import numpy as np
import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

EAGER = True   # no compilation: the first call is an ordinary call
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


FUNCS = dict(gmm=gmm, lstm=lstm, pairwise=pairwise, lorenz=lorenz, heat=heat,
             rosenbrock=rosenbrock, brusselator=brusselator)


def build(w):
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

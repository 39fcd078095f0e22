"""autograd (HIPS) versions of the workloads, written the way an autograd user writes them:
``autograd.numpy`` whole-array expressions, Python loops over time steps, no in-place
updates (autograd cannot differentiate through array assignment), ``autograd.grad``.
"""
import math

import autograd
import autograd.numpy as anp
import numpy as np
from autograd.scipy.special import logsumexp

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


FUNCS = dict(gmm=gmm, lstm=lstm, pairwise=pairwise, lorenz=lorenz, heat=heat,
             rosenbrock=rosenbrock, brusselator=brusselator)


def build(w):
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

"""JAX versions of the workloads, written the way a JAX user writes them: whole-array
``jax.numpy`` expressions, ``lax.scan`` / ``lax.fori_loop`` for the time loops, ``jax.jit``
around both the primal and ``jax.grad``; float64 (``jax_enable_x64``).

``build(w)`` returns ``(primal, grad)``: ``primal(data) -> float`` and
``grad(data) -> list of arrays in w.wrt order``, both jitted; inputs are converted to device
arrays once, outside the timed calls.
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


FUNCS = dict(gmm=gmm, lstm=lstm, pairwise=pairwise, lorenz=lorenz, heat=heat,
             rosenbrock=rosenbrock, brusselator=brusselator)
# arguments that must be static (Python ints that shape the computation)
STATIC = dict(gmm=("wishart_m",), pairwise=("n",), lorenz=("n_steps",), heat=("steps",))


def build(w):
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

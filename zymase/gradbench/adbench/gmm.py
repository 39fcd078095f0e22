"""ADBench GMM objective written as plain-loop ``@numba.njit`` code.

Faithful re-implementation of the GMM objective of Microsoft's ADBench
(github.com/microsoft/ADBench, archived @ 38cb7931; C++ reference in ``src/cpp/shared/gmm.h``,
Python reference in ``src/python/shared/gmm_objective.py``), restricted to a style that an LLVM-level AD
tool can differentiate:

* explicit ``for`` loops over arrays, scalar temporaries, ``math`` functions;
* work arrays allocated inside the function with ``np.empty`` / ``np.zeros``;
* no ``np.linalg``, no whole-array expressions, no ``np.sum``/``np.max`` reductions, no
  Python objects, no exceptions;
* inputs are never modified.

Shared by the tests (``tests/adbench``), the benchmarks (``bench/``) and the GradBench tool
(``zymase.gradbench``); the instance files and golden values live in ``tests/adbench/data``.

Flat gradient layout (as in ADBench's golden test vectors; ``gmm_flatten`` /
``gmm_unflatten``)::

    flat = [ alphas (K) | means (K*d, row-major: means[k, j] -> K + k*d + j)
           | icf (K*icf_sz, row-major: icf[k, q] -> K + K*d + k*icf_sz + q) ]

    with icf_sz = d*(d+1)//2.  For data/gmm/test.txt (d=2, K=3) this is
    3 + 6 + 9 = 18 entries.  No derivative w.r.t. x / wishart parameters.

This is ``np.concatenate([a.ravel() for a in arrays])`` with C (row-major) order, the memory
order of the flat ``double*`` buffers the ADBench C++ code differentiates.  The
finite-difference test in ``tests/adbench/test_objectives.py`` checks the mapping against
the golden gradients.
"""

import math

import numba
import numpy as np


def load_gmm(path, replicate_point=False):
    """Read an ADBench GMM instance file.

    File format (whitespace separated)::

        d K n
        alphas            K values
        means             K lines of d values
        icf               K lines of d*(d+1)//2 values
        x                 n lines of d values (one line if replicate_point)
        wishart_gamma wishart_m

    Returns ``(alphas, means, icf, x, wishart_gamma, wishart_m)``:

    * ``alphas``  float64, shape (K,)
    * ``means``   float64, shape (K, d)
    * ``icf``     float64, shape (K, d*(d+1)//2); per component the first d
      entries are log of the diagonal of Q, the remaining d*(d-1)//2 entries
      are the strictly lower-triangular part of Q packed column by column
      (Q[1,0], Q[2,0], ..., Q[d-1,0], Q[2,1], ...), as in ADBench;
    * ``x``       float64, shape (n, d) (in replicate_point mode the single
      point is replicated n times, as ADBench's loader does);
    * ``wishart_gamma`` Python float;
    * ``wishart_m`` Python int (ADBench's ``Wishart.m`` is an ``int``).
    """
    with open(path) as f:
        tok = f.read().split()
    pos = 0
    d, K, n = int(tok[0]), int(tok[1]), int(tok[2])
    pos = 3
    icf_sz = d * (d + 1) // 2

    def take(count):
        nonlocal pos
        out = np.array([float(t) for t in tok[pos:pos + count]], dtype=np.float64)
        pos += count
        return out

    alphas = take(K)
    means = take(K * d).reshape(K, d)
    icf = take(K * icf_sz).reshape(K, icf_sz)
    if replicate_point:
        pt = take(d)
        x = np.empty((n, d), dtype=np.float64)
        x[:, :] = pt[None, :]
    else:
        x = take(n * d).reshape(n, d)
    wishart_gamma = float(tok[pos])
    wishart_m = int(float(tok[pos + 1]))
    return (np.ascontiguousarray(alphas), np.ascontiguousarray(means),
            np.ascontiguousarray(icf), np.ascontiguousarray(x),
            wishart_gamma, wishart_m)


@numba.njit
def gmm_objective(alphas, means, icf, x, wishart_gamma, wishart_m):
    """ADBench GMM objective (negative log-likelihood form used by ADBench).

    alphas (K,), means (K, d), icf (K, d*(d+1)//2), x (n, d) float64;
    wishart_gamma float, wishart_m int (a float works too).  Returns a float.

    err = -n*d/2*log(2*pi)
          + sum_i logsumexp_k( alphas[k] + sum(log diag Q_k)
                               - 0.5*||Q_k (x_i - means[k])||^2 )
          - n * logsumexp(alphas)
          + sum_k ( 0.5*gamma^2*(||diag Q_k||^2 + ||offdiag Q_k||^2)
                    - m*sum(log diag Q_k) )
          - K * C(d, gamma, m)
    with C = nw*d*(log(gamma) - 0.5*log 2) - log Gamma_d(0.5*nw), nw = d + m + 1,
    log Gamma_d(a) = 0.25*d*(d-1)*log(pi) + sum_{j=1..d} lgamma(a + 0.5*(1-j)).
    """
    K = alphas.shape[0]
    n = x.shape[0]
    d = x.shape[1]
    icf_sz = icf.shape[1]

    # preprocess_qs: sum of log-diagonal entries and exp'd diagonal
    sum_qs = np.empty(K)
    qdiags = np.empty((K, d))
    for k in range(K):
        s = 0.0
        for j in range(d):
            s += icf[k, j]
            qdiags[k, j] = math.exp(icf[k, j])
        sum_qs[k] = s

    xcentered = np.empty(d)
    qxcentered = np.empty(d)
    main_term = np.empty(K)

    slse = 0.0
    for i in range(n):
        for k in range(K):
            for j in range(d):
                xcentered[j] = x[i, j] - means[k, j]
            # Qtimesx: Q lower triangular, diag = qdiags[k], strictly lower
            # part packed column-major in icf[k, d:]
            for j in range(d):
                qxcentered[j] = qdiags[k, j] * xcentered[j]
            lidx = d
            for c in range(d):
                for r in range(c + 1, d):
                    qxcentered[r] = qxcentered[r] + icf[k, lidx] * xcentered[c]
                    lidx += 1
            sq = 0.0
            for j in range(d):
                sq += qxcentered[j] * qxcentered[j]
            main_term[k] = alphas[k] + sum_qs[k] - 0.5 * sq
        # logsumexp over components
        mx = main_term[0]
        for k in range(1, K):
            if main_term[k] > mx:
                mx = main_term[k]
        se = 0.0
        for k in range(K):
            se += math.exp(main_term[k] - mx)
        slse += math.log(se) + mx

    # logsumexp(alphas)
    amx = alphas[0]
    for k in range(1, K):
        if alphas[k] > amx:
            amx = alphas[k]
    ase = 0.0
    for k in range(K):
        ase += math.exp(alphas[k] - amx)
    lse_alphas = math.log(ase) + amx

    constant = -n * d * 0.5 * math.log(2.0 * math.pi)
    err = constant + slse - n * lse_alphas

    # log_wishart_prior
    nw = d + wishart_m + 1
    half_nw = 0.5 * nw
    log_gamma_d = 0.25 * d * (d - 1) * math.log(math.pi)
    for j in range(1, d + 1):
        log_gamma_d += math.lgamma(half_nw + 0.5 * (1 - j))
    C = nw * d * (math.log(wishart_gamma) - 0.5 * math.log(2.0)) - log_gamma_d
    prior = 0.0
    for k in range(K):
        frob = 0.0
        for j in range(d):
            frob += qdiags[k, j] * qdiags[k, j]
        for q in range(d, icf_sz):
            frob += icf[k, q] * icf[k, q]
        prior += 0.5 * wishart_gamma * wishart_gamma * frob - wishart_m * sum_qs[k]
    prior -= K * C
    return err + prior


def gmm_flatten(alphas, means, icf):
    """Concatenate per-array GMM parameters/gradients into ADBench's flat
    layout ``[alphas | means.ravel() | icf.ravel()]`` (C order)."""
    return np.concatenate([np.asarray(alphas, dtype=np.float64).ravel(),
                           np.asarray(means, dtype=np.float64).ravel(),
                           np.asarray(icf, dtype=np.float64).ravel()])


def gmm_unflatten(flat, K, d):
    """Inverse of :func:`gmm_flatten`: returns ``(alphas (K,), means (K,d),
    icf (K, d*(d+1)//2))`` as copies."""
    flat = np.asarray(flat, dtype=np.float64)
    icf_sz = d * (d + 1) // 2
    assert flat.shape == (K + K * d + K * icf_sz,)
    a = flat[:K].copy()
    m = flat[K:K + K * d].reshape(K, d).copy()
    q = flat[K + K * d:].reshape(K, icf_sz).copy()
    return a, m, q

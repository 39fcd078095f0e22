"""ADBench objectives (GMM, LSTM) written as plain-loop ``@numba.njit`` code.

These are faithful re-implementations of the objectives of Microsoft's ADBench
(github.com/microsoft/ADBench, archived @ 38cb7931; C++ reference in
``src/cpp/shared/gmm.h`` / ``lstm.h``, Python reference in
``src/python/shared/gmm_objective.py`` / ``lstm_objective.py``), restricted to a
style that an LLVM-level AD tool can differentiate:

* explicit ``for`` loops over arrays, scalar temporaries, ``math.exp`` /
  ``math.log`` / ``math.tanh`` / ``math.lgamma``;
* work arrays allocated inside the function with ``np.empty`` / ``np.zeros``;
* no ``np.linalg``, no whole-array expressions, no ``np.sum``/``np.max``
  reductions, no Python objects, no exceptions;
* inputs are never modified.

Flat gradient layout (as in ADBench's golden test vectors)
----------------------------------------------------------
GMM (``gmm_flatten`` / ``gmm_unflatten``)::

    flat = [ alphas (K) | means (K*d, row-major: means[k, j] -> K + k*d + j)
           | icf (K*icf_sz, row-major: icf[k, q] -> K + K*d + k*icf_sz + q) ]

    with icf_sz = d*(d+1)//2.  For data/gmm/test.txt (d=2, K=3) this is
    3 + 6 + 9 = 18 entries.  No derivative w.r.t. x / wishart parameters.

LSTM (``lstm_flatten`` / ``lstm_unflatten``)::

    flat = [ main_params (2*l*4*b, row-major: main_params[r, c] -> r*4*b + c)
           | extra_params (3*b, row-major: extra_params[r, c] -> 2*l*4*b + r*b + c) ]

    For data/lstm/lstm_l2_c1024.txt (l=2, b=14) this is 224 + 42 = 266 entries.
    No derivative w.r.t. state / sequence.

Both mappings are exactly ``np.concatenate([a.ravel() for a in arrays])`` with
C (row-major) order, which is the memory order of the flat ``double*`` buffers
the ADBench C++ code differentiates.  The finite-difference test in
``test_objectives.py`` checks these mappings against the golden gradients.
"""

import math

import numba
import numpy as np

# ---------------------------------------------------------------------------
# GMM
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# LSTM
# ---------------------------------------------------------------------------


def load_lstm(path):
    """Read an ADBench LSTM instance file.

    File format (whitespace separated)::

        l c b
        main_params   2*l lines of 4*b values
        extra_params  3 lines of b values
        state         2*l lines of b values
        sequence      c lines of b values (0/1 bits)

    Returns ``(main_params, extra_params, state, sequence)`` float64 arrays
    of shapes (2*l, 4*b), (3, b), (2*l, b), (c, b).

    Layout (ADBench): for layer L, ``main_params[2L]`` holds the weights and
    ``main_params[2L+1]`` the biases, each as 4 blocks of b:
    [forget | input gate | output gate | change(cell candidate)];
    ``state[2L]`` is the hidden state and ``state[2L+1]`` the cell state of
    layer L; ``extra_params`` rows are [input weight | output weight |
    output bias].
    """
    with open(path) as f:
        tok = f.read().split()
    l, c, b = int(tok[0]), int(tok[1]), int(tok[2])
    pos = 3

    def take(rows, cols):
        nonlocal pos
        cnt = rows * cols
        out = np.array([float(t) for t in tok[pos:pos + cnt]],
                       dtype=np.float64).reshape(rows, cols)
        pos += cnt
        return np.ascontiguousarray(out)

    main_params = take(2 * l, 4 * b)
    extra_params = take(3, b)
    state = take(2 * l, b)
    sequence = take(c, b)
    return main_params, extra_params, state, sequence


@numba.njit
def lstm_objective(main_params, extra_params, state, sequence):
    """ADBench LSTM objective.

    main_params (2l, 4b), extra_params (3, b), state (2l, b), sequence (c, b),
    all float64.  ``state`` is copied to a local array; no input is modified.

    For t = 0 .. c-2 (input = sequence[t], target = sequence[t+1]):
        x = input * extra_params[0]
        for layer L: (hidden, cell) = state[2L], state[2L+1];
            forget = sigmoid(x      * W[0:b]   + B[0:b])
            ingate = sigmoid(hidden * W[b:2b]  + B[b:2b])
            outgt  = sigmoid(x      * W[2b:3b] + B[2b:3b])
            change = tanh   (hidden * W[3b:4b] + B[3b:4b])
            cell   = cell*forget + ingate*change
            hidden = outgt * tanh(cell);  x = hidden
          (W = main_params[2L], B = main_params[2L+1]; the state persists
           across time steps)
        ypred = x * extra_params[1] + extra_params[2]
        lse   = log(2 + sum_i exp(ypred[i]))     # ADBench's exact normaliser
        total += sum_i target[i] * (ypred[i] - lse)
    return -total / ((c-1) * b)

    The "+2" in the normaliser reproduces ADBench: the Python reference uses
    ``sum(np.exp(ypred), 2)`` (builtin ``sum`` with start value 2) and the C++
    ``logsumexp`` in lstm.h adds 2 to match; the golden values require it.
    """
    n_state = state.shape[0]
    b = state.shape[1]
    n_layers = n_state // 2
    c = sequence.shape[0]

    s = np.empty((n_state, b))
    for r in range(n_state):
        for j in range(b):
            s[r, j] = state[r, j]

    xin = np.empty(b)
    forget = np.empty(b)
    ingate = np.empty(b)
    outgate = np.empty(b)
    change = np.empty(b)
    ypred = np.empty(b)

    total = 0.0
    count = 0
    for t in range(c - 1):
        # lstm_predict
        for j in range(b):
            xin[j] = sequence[t, j] * extra_params[0, j]
        for L in range(n_layers):
            hr = 2 * L
            cr = 2 * L + 1
            for j in range(b):
                g = xin[j] * main_params[hr, j] + main_params[cr, j]
                forget[j] = 1.0 / (1.0 + math.exp(-g))
                g = s[hr, j] * main_params[hr, b + j] + main_params[cr, b + j]
                ingate[j] = 1.0 / (1.0 + math.exp(-g))
                g = xin[j] * main_params[hr, 2 * b + j] + main_params[cr, 2 * b + j]
                outgate[j] = 1.0 / (1.0 + math.exp(-g))
                g = s[hr, j] * main_params[hr, 3 * b + j] + main_params[cr, 3 * b + j]
                change[j] = math.tanh(g)
            for j in range(b):
                s[cr, j] = s[cr, j] * forget[j] + ingate[j] * change[j]
            for j in range(b):
                s[hr, j] = outgate[j] * math.tanh(s[cr, j])
            for j in range(b):
                xin[j] = s[hr, j]
        for j in range(b):
            ypred[j] = xin[j] * extra_params[1, j] + extra_params[2, j]
        # ADBench normaliser: log(2 + sum exp(ypred))
        se = 2.0
        for j in range(b):
            se += math.exp(ypred[j])
        lse = math.log(se)
        for j in range(b):
            total += sequence[t + 1, j] * (ypred[j] - lse)
        count += b
    return -total / count


def lstm_flatten(main_params, extra_params):
    """Concatenate LSTM parameters/gradients into ADBench's flat layout
    ``[main_params.ravel() | extra_params.ravel()]`` (C order)."""
    return np.concatenate([np.asarray(main_params, dtype=np.float64).ravel(),
                           np.asarray(extra_params, dtype=np.float64).ravel()])


def lstm_unflatten(flat, l, b):
    """Inverse of :func:`lstm_flatten`: returns ``(main_params (2l, 4b),
    extra_params (3, b))`` as copies."""
    flat = np.asarray(flat, dtype=np.float64)
    nm = 2 * l * 4 * b
    assert flat.shape == (nm + 3 * b,)
    return (flat[:nm].reshape(2 * l, 4 * b).copy(),
            flat[nm:].reshape(3, b).copy())

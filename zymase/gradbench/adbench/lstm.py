"""ADBench LSTM objective written as plain-loop ``@numba.njit`` code.

Faithful re-implementation of the LSTM objective of Microsoft's ADBench
(github.com/microsoft/ADBench, archived @ 38cb7931; C++ reference in ``src/cpp/shared/lstm.h``,
Python reference in ``src/python/shared/lstm_objective.py``), restricted to a style that an LLVM-level AD
tool can differentiate:

* explicit ``for`` loops over arrays, scalar temporaries, ``math`` functions;
* work arrays allocated inside the function with ``np.empty`` / ``np.zeros``;
* no ``np.linalg``, no whole-array expressions, no ``np.sum``/``np.max`` reductions, no
  Python objects, no exceptions;
* inputs are never modified.

Shared by the tests (``tests/adbench``), the benchmarks (``bench/``) and the GradBench tool
(``zymase.gradbench``); the instance files and golden values live in ``tests/adbench/data``.

Flat gradient layout (as in ADBench's golden test vectors; ``lstm_flatten`` /
``lstm_unflatten``)::

    flat = [ main_params (2*l*4*b, row-major: main_params[r, c] -> r*4*b + c)
           | extra_params (3*b, row-major: extra_params[r, c] -> 2*l*4*b + r*b + c) ]

    For data/lstm/lstm_l2_c1024.txt (l=2, b=14) this is 224 + 42 = 266 entries.
    No derivative w.r.t. state / sequence.

The finite-difference test in ``tests/adbench/test_objectives.py`` checks the mapping
against the golden gradients.
"""

import math

import numba
import numpy as np


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

"""Fuzz regression (seed 1001344, bundle of 8, profile tiny): a false alarm of the fuzzer's own
finite-difference check, not a zymase bug.

``b`` grows to ~1e7 with ``db/dy ~ 1e8``, and ``cos(b)`` then oscillates in ``y`` with a period
near 1e-8: central differences at steps of 1e-4 average the oscillation out, three Richardson
values agreed on the derivative of the average, and the check reported AD -4825.4 vs FD
-4864.6 (0.8 %).  Forward and reverse agree exactly; with ``cos(1.0)`` in place of ``cos(b)``
finite differences agree with AD to 1e-8.  The check now also looks at smaller steps before
it calls a disagreement wrong: when they leave the extrapolated value by more than its error
and their rounding noise, the function varies on finer scales and the comparison is
inconclusive (``fd: fine-scale``).

Replay: ``python -m zymase.fuzz --replay-file tests/fuzz/regressions/test_fd_fine_scale_1001344.py``
"""
from zymase.fuzz.regress import run_regression

SOURCE = 'import math\nimport numpy as np\nfrom numba import njit\n\n@njit\ndef z2_h1(u, t):\n    m = u.shape[0]\n    r = 0.0\n    return r + r\n\n@njit\ndef z7_h1(u, p):\n    m = u.shape[0]\n    p0, p1 = p\n    r = 0.0\n    return r + p1\n\ndef f(x, y, c, a, b, n):\n    s0 = 0.25 * b\n    for z0_i1 in range(1, n):\n        z0_k3 = 0\n        while z0_k3 < n and b < 4.0:\n            z0_q4 = z0_k3\n            z0_k3 += 1\n            b += 0.5 + 0.25 * math.sin(x[z0_i1])\n            y[:] = np.tanh(y)\n            s0 += y[n - 1] ** 2\n    s1 = 0.25 * b\n    for z1_i3 in range(n):\n        z1_g4 = np.float32(b)\n        b = 0.5 * b + y[(z1_i3 + 1) % n] * z1_g4 * b\n    s2 = 0.25 * b\n    for z2_i3 in range(1, n):\n        for z2_i4 in range(z2_i3):\n            if b / (1.0 + 0.5 ** 2) < 0.25:\n                return s2 + np.float32(np.dot(x, y))\n            a += -c[z2_i3] / (2.0 + math.cos(-0.5 + 2.0))\n    b -= s2\n    s3 = 0.25 * b\n    if n < n // 2:\n        z3_t1 = np.empty(n, np.float32)\n        for z3_i2 in range(n):\n            z3_t1[z3_i2] = np.float32(np.float32(c[z3_i2 // 2]))\n    else:\n        b -= math.asin(0.5 * math.tanh(float(n) / (2.0 + math.cos(b))))\n        if min(a, s3) >= 0.6:\n            return s3 + float(np.float32(math.asinh(x[0])))\n    s4 = 0.25 * b\n    if s4 >= 0.0:\n        a += math.cos(y[0] + c[n // 2])\n    s5 = 0.25 * b\n    z5_v1 = np.mean(x * (0.75 if x[0] < 0.0 else a))\n    s6 = 0.25 * b\n    s7 = 0.25 * b\n    return s0 + s1 + s2 + s3 + s4 + (s5 + z5_v1) + s6 + s7\n\n'

CONFIG = {'nf': 2, 'nr': 1, 'ns': [1, 6], 'data_seed': 1001344, 'width1': False, 'njit': False, 'fd': True, 'active': 'y', 'only': False, 'checks': ['primal', 'consistency', 'fd']}


def test_fd_fine_scale_1001344():
    run_regression(SOURCE, CONFIG, isolate=False)

"""Forward over reverse when the reverse derivative's tape outgrows its stack buffer: the
tape moves to the heap, and its shadow has to follow (regression test)."""
import numpy as np

import zymase

from tests.support import central_difference


def energy(x, n):
    s = 0.0
    c = 0.0
    for i in range(n):
        c = 0.5 * c + x[i]          # a running value: taped once per outer iteration
        for j in range(i + 1, n):
            d = x[i] - x[j]
            s += c / (1.0 + d * d)
    return s


def test_hessian_vector_product_with_a_large_tape():
    n = 1000    # about 8 bytes of tape per outer iteration: past the 4 KiB stack buffer
    x = np.linspace(0.0, 1.0, n) ** 2
    v = np.cos(np.arange(n))
    hv = zymase.hvp(energy, (x, n), (v, None))
    g = zymase.grad(energy)
    fd = central_difference(lambda t: g(x + t * v, n), 1e-6).value
    np.testing.assert_allclose(hv, fd, rtol=1e-6, atol=1e-7 * np.max(np.abs(fd)))
    d = zymase.autodiff_reverse(energy, zymase.Duplicated, zymase.Const, ret=zymase.Active)
    d(x, np.zeros(n), n, 1.0)
    assert d.tape_bytes() > 4096, d.tape_bytes()   # the case this test is about

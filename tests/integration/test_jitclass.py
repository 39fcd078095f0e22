"""jitclass instances (numba.experimental.jitclass) created inside the differentiated function:
float and array attributes, methods that read and write them, methods calling methods, in
both modes at width 1 and 3, from Python and from @njit, against central finite differences
and forward against reverse.  A jitclass instance is a MemInfo with a destructor
(``NRT_MemInfo_alloc_dtor``): forward mode gives its shadow the destructor (refcounts are
mirrored), reverse mode a plain MemInfo (every shadow is freed once at the end of the sweep).

Instances passed in: ``Const``, or ``Duplicated`` / ``Dual`` with a shadow instance of the same
class (its float attributes hold adjoints or tangents, its array attributes are array shadows,
nested instances recursively), checked at run time like array shadows; width 1 only."""
import numba
import numpy as np
import pytest
from numba import float64, int64
from numba.experimental import jitclass

import zymase
from zymase import Active, Const, Dual, Duplicated, DuplicatedOnly
from tests.support import assert_fd_close, check_dot_product, check_scalar_lanes, fd_jvp


@jitclass([("x", float64), ("v", float64), ("k", float64)])
class Oscillator:
    """A damped oscillator's state, advanced by symplectic Euler steps."""

    def __init__(self, x, v, k):
        self.x = x
        self.v = v
        self.k = k

    def force(self):
        return -self.k * self.x - 0.1 * self.v * abs(self.v)

    def step(self, dt):
        self.v = self.v + dt * self.force()     # a method calling a method
        self.x = self.x + dt * self.v

    def energy(self):
        return 0.5 * self.v * self.v + 0.5 * self.k * self.x * self.x


@jitclass([("pos", float64[:]), ("vel", float64[:]), ("n", int64), ("t", float64)])
class Cloud:
    """Particles with array attributes, one assigned from an active argument's arithmetic."""

    def __init__(self, pos, vel):
        self.pos = pos * 1.0
        self.vel = vel + 0.0
        self.n = pos.shape[0]
        self.t = 0.0

    def accel(self, i):
        return -np.sin(self.pos[i]) - 0.05 * self.vel[i]

    def advance(self, dt):
        for i in range(self.n):
            self.vel[i] += dt * self.accel(i)
        for i in range(self.n):
            self.pos[i] += dt * self.vel[i]
        self.t += dt

    def spread(self):
        m = np.mean(self.pos)
        return np.sum((self.pos - m) ** 2) + 0.5 * np.sum(self.vel ** 2) + self.t


@jitclass([("buf", float64[:]), ("scale", float64)])
class Scratch:
    """An array attribute allocated inside ``__init__``, filled from active values later."""

    def __init__(self, n):
        self.buf = np.zeros(n)
        self.scale = 1.0

    def fill(self, x, i):
        self.buf[i] = np.cos(x * (i + 1)) * self.scale


def oscillate(x0, v0, k, steps):
    o = Oscillator(x0, v0, k)
    for _ in range(steps):
        o.step(0.05)
    return o.energy() + o.x


def cloud(pos, vel, steps):
    c = Cloud(pos, vel)
    for _ in range(steps):
        c.advance(0.1)
    return c.spread()


def scratch(x, s, n):
    z = Scratch(n)
    z.scale = s * s                 # an attribute assigned from an active value
    for i in range(n):
        z.fill(x, i)
    return np.sum(z.buf * z.buf) + z.scale


def cloud_out(pos, steps):
    """An array result read from an attribute."""
    c = Cloud(pos, np.zeros_like(pos))
    for _ in range(steps):
        c.advance(0.2)
    return c.pos.copy()


STEP = 1e-5       # finite-difference step
OSC = (0.8, -0.3, 2.5, 12)
POS = np.array([0.3, -0.7, 1.1, 0.4])
VEL = np.array([0.2, 0.1, -0.5, 0.0])
SCR = (0.7, 1.3, 5)


@pytest.fixture(scope="module")
def osc_derivs():
    return (zymase.autodiff_reverse(oscillate, Active, Active, Active, Const, ret=Active),
            zymase.autodiff_forward(oscillate, Dual, Dual, Dual, Const, ret=Dual),
            zymase.autodiff_reverse(oscillate, Active, Active, Active, Const, ret=Active,
                                    width=3),
            zymase.autodiff_forward(oscillate, Dual, Dual, Dual, Const, ret=Dual, width=3))


def osc_fd():
    """d oscillate / d (x0, v0, k): central differences (tests/support.py)."""
    return np.array([float(fd_jvp(oscillate, OSC, {k: 1.0}, STEP).value) for k in range(3)])


def test_float_attributes_reverse_and_forward(osc_derivs):
    rev, fwd, _, _ = osc_derivs
    want = osc_fd()
    val, *g = rev(*OSC, 1.0)
    assert val == pytest.approx(oscillate(*OSC), rel=1e-14)
    np.testing.assert_allclose(g, want, rtol=1e-6)
    v = np.array([0.4, -1.2, 0.7])
    y, t = fwd(OSC[0], v[0], OSC[1], v[1], OSC[2], v[2], OSC[3])
    assert y == pytest.approx(oscillate(*OSC), rel=1e-14)
    assert t == pytest.approx(float(want @ v), rel=1e-6)
    check_dot_product([t * 0.9], [0.9 * float(np.dot(v, g))])


def test_float_attributes_width_3(osc_derivs):
    _, _, rev3, fwd3 = osc_derivs
    want = osc_fd()
    seeds = np.array([1.0, -0.5, 2.0])
    _, *g = rev3(*OSC, seeds)
    for k in range(3):
        np.testing.assert_allclose(g[k], seeds * want[k], rtol=1e-6)
    V = np.array([[1.0, 0.0, 0.0], [0.3, -1.0, 0.5], [0.0, 0.2, 1.0]])   # V[lane, arg]
    _, t = fwd3(OSC[0], V[:, 0], OSC[1], V[:, 1], OSC[2], V[:, 2], OSC[3])
    np.testing.assert_allclose(t, V @ want, rtol=1e-6)


@pytest.fixture(scope="module")
def cloud_derivs():
    return (zymase.autodiff_reverse(cloud, Duplicated, Duplicated, Const, ret=Active),
            zymase.autodiff_forward(cloud, Dual, Dual, Const, ret=Dual),
            zymase.autodiff_reverse(cloud, Duplicated, Duplicated, Const, ret=Active, width=3),
            zymase.autodiff_forward(cloud, Dual, Dual, Const, ret=Dual, width=3))


RNG = np.random.default_rng(18)
DP, DV = RNG.uniform(-1, 1, (3, 4)), RNG.uniform(-1, 1, (3, 4))


def test_array_attributes_both_modes(cloud_derivs):
    rev, fwd, _, _ = cloud_derivs
    p0, v0 = POS.copy(), VEL.copy()
    gp, gv = np.zeros(4), np.zeros(4)
    val = rev(p0, gp, v0, gv, 6, 1.0)
    assert val == pytest.approx(cloud(POS, VEL, 6), rel=1e-14)
    # the instance copied its inputs: the arguments are unchanged
    np.testing.assert_array_equal(p0, POS)
    np.testing.assert_array_equal(v0, VEL)
    for d in range(2):
        want = float(fd_jvp(cloud, (POS, VEL, 6), (DP[d], DV[d], None), STEP).value)
        assert float(DP[d] @ gp + DV[d] @ gv) == pytest.approx(want, rel=1e-6)
        y, t = fwd(POS.copy(), DP[d].copy(), VEL.copy(), DV[d].copy(), 6)
        assert t == pytest.approx(want, rel=1e-6)
        check_dot_product([t], [float(DP[d] @ gp + DV[d] @ gv)])


def test_array_attributes_width_3(cloud_derivs):
    _, _, rev3, fwd3 = cloud_derivs
    want = np.array([float(fd_jvp(cloud, (POS, VEL, 6), (DP[d], DV[d], None), STEP).value)
                     for d in range(3)])
    y, t = fwd3(POS.copy(), DP.copy(), VEL.copy(), DV.copy(), 6)
    np.testing.assert_allclose(t, want, rtol=1e-6)
    seeds = np.array([1.0, 2.0, -3.0])
    gp, gv = np.zeros((3, 4)), np.zeros((3, 4))
    rev3(POS.copy(), gp, VEL.copy(), gv, 6, seeds)
    for d in range(3):
        assert float(DP[d] @ gp[d] + DV[d] @ gv[d]) == pytest.approx(seeds[d] * want[d],
                                                                    rel=1e-6)


def test_attribute_assigned_from_active_value_and_allocated_inside():
    g = zymase.grad(scratch, argnums=(0, 1))(*SCR)
    want = [float(fd_jvp(scratch, SCR, {k: 1.0}, STEP).value) for k in (0, 1)]
    np.testing.assert_allclose(g, want, rtol=1e-6)
    _, t = zymase.jvp(scratch, SCR, (0.5, -2.0, 0))
    assert t == pytest.approx(0.5 * want[0] - 2.0 * want[1], rel=1e-6)
    check_scalar_lanes(scratch, SCR, [0, 1], want, rtol=1e-6)


def test_array_result_from_an_attribute():
    J = zymase.jacobian(cloud_out)(POS.copy(), 5)
    for k in range(4):
        e = np.zeros(4)
        e[k] = 1.0
        assert_fd_close(J[:, k], fd_jvp(cloud_out, (POS, 5), {0: e}, STEP), 1e-6, 1e-12,
                        what=f"column {k}")
    # reverse: one row through the seed array of an array result
    rev = zymase.autodiff_reverse(cloud_out, Duplicated, Const, ret=DuplicatedOnly)
    w = np.array([0.5, -1.0, 2.0, 0.25])
    gp = np.zeros(4)
    rev(POS.copy(), gp, 5, w.copy())
    np.testing.assert_allclose(gp, w @ J, rtol=1e-10, atol=1e-14)


def test_called_from_njit(osc_derivs):
    rev, fwd, _, _ = osc_derivs

    @numba.njit
    def both(x0, v0, k, n):
        r = rev(x0, v0, k, n, 1.0)
        t = fwd(x0, 1.0, v0, 0.0, k, 0.0, n)[1]
        return r[1], r[2], r[3], t

    gx, gv, gk, tx = both(*OSC)
    want = osc_fd()
    np.testing.assert_allclose([gx, gv, gk], want, rtol=1e-6)
    assert tx == pytest.approx(want[0], rel=1e-6)


@jitclass([("k", float64), ("w", float64[:])])
class Params:
    def __init__(self, k, w):
        self.k = k
        self.w = w

    def weight(self, i):
        return self.w[i] * self.k


def with_params(x, p):
    s = 0.0
    for i in range(p.w.shape[0]):
        s += np.sin(x * p.k) * p.weight(i)
    return s


def writes_params(x, p):
    p.k = x
    return p.k * p.k


PARAMS = Params(1.5, np.array([1.0, 2.0, -0.5]))


def test_instance_passed_in_as_const():
    x = 0.7
    want = float(fd_jvp(with_params, (x, PARAMS), {0: 1.0}, STEP).value)
    assert zymase.grad(with_params)(x, PARAMS) == pytest.approx(want, rel=1e-6)
    _, t = zymase.jvp(with_params, (x, PARAMS), (1.0, None))
    assert t == pytest.approx(want, rel=1e-6)
    rev3 = zymase.autodiff_reverse(with_params, Active, Const, ret=Active, width=3)
    seeds = np.array([1.0, -2.0, 0.5])
    _, g3 = rev3(x, PARAMS, seeds)
    np.testing.assert_allclose(g3, seeds * want, rtol=1e-6)
    fwd3 = zymase.autodiff_forward(with_params, Dual, Const, ret=Dual, width=3)
    _, t3 = fwd3(x, seeds, PARAMS)
    np.testing.assert_allclose(t3, seeds * want, rtol=1e-6)
    # the instance is untouched
    assert PARAMS.k == 1.5
    np.testing.assert_array_equal(PARAMS.w, [1.0, 2.0, -0.5])


def _params_fd(x, k, w, h=1e-6):
    """Central differences of with_params in (x, k, w[0..n-1]), instances rebuilt per point."""
    def f(v):
        return with_params(v[0], Params(v[1], v[2:].copy()))
    v0 = np.concatenate([[x, k], w])
    out = []
    for j in range(v0.size):
        a, b = v0.copy(), v0.copy()
        a[j] += h
        b[j] -= h
        out.append((f(a) - f(b)) / (2 * h))
    return np.array(out)


def test_instance_duplicated_reverse_and_dual_forward():
    """A Duplicated instance: the shadow instance's float attribute receives d/dk, its array
    attribute d/dw; forward mode reads tangents from a Dual instance's attributes."""
    w = np.array([1.0, 2.0, -0.5])
    want = _params_fd(0.7, 1.5, w)
    p, dp = Params(1.5, w.copy()), Params(0.0, np.zeros(3))
    val, gx = zymase.autodiff_reverse(with_params, Active, Duplicated, ret=Active)(0.7, p, dp, 1.0)
    assert val == pytest.approx(with_params(0.7, p), rel=1e-14)
    np.testing.assert_allclose([gx, dp.k, *dp.w], want, rtol=1e-6)
    np.testing.assert_array_equal(p.w, w)       # the primal instance is untouched
    fwd = zymase.autodiff_forward(with_params, Dual, Dual, ret=Dual)
    rng = np.random.default_rng(3)
    for _ in range(3):
        t = rng.standard_normal(5)
        _, tan = fwd(0.7, t[0], p, Params(t[1], t[2:].copy()))
        assert tan == pytest.approx(float(t @ want), rel=1e-6, abs=1e-9)
        # <J v, 1> == <v, J^T 1>
        check_dot_product([tan], [float(t @ np.array([gx, dp.k, *dp.w]))])


def run_osc(o, n):
    for _ in range(n):
        o.step(0.1)
    return o.energy()


def test_instance_mutated_in_place_float_attributes():
    """Methods overwrite the instance's floats; the shadow's floats end as the adjoints of
    the initial values (reverse) or hold the final tangents (forward), like array shadows."""
    x0 = (0.3, -0.2, 1.7)
    o, do = Oscillator(*x0), Oscillator(0.0, 0.0, 0.0)
    val, = (zymase.autodiff_reverse(run_osc, Duplicated, Const, ret=Active)(o, do, 20, 1.0),)
    want = []
    for j in range(3):
        a, b = list(x0), list(x0)
        a[j] += STEP
        b[j] -= STEP
        want.append((run_osc(Oscillator(*a), 20) - run_osc(Oscillator(*b), 20)) / (2 * STEP))
    np.testing.assert_allclose([do.x, do.v, do.k], want, rtol=1e-6)
    assert val == pytest.approx(run_osc(Oscillator(*x0), 20), rel=1e-14)
    fwd = zymase.autodiff_forward(run_osc, Dual, Const, ret=Dual)
    for j in range(3):
        t = [0.0, 0.0, 0.0]
        t[j] = 1.0
        _, tan = fwd(Oscillator(*x0), Oscillator(*t), 20)
        assert tan == pytest.approx(want[j], rel=1e-6)


def run_cloud(c, n):
    for _ in range(n):
        c.advance(0.05)
    return c.spread()


def test_instance_mutated_in_place_array_attributes_from_njit():
    rev = zymase.autodiff_reverse(run_cloud, Duplicated, Const, ret=Active)

    @numba.njit
    def caller(c, dc, n):
        return rev(c, dc, n, 1.0)

    want = np.array([float(fd_jvp(lambda p, v: run_cloud(Cloud(p, v), 10), (POS, VEL),
                                  {0: e}, STEP).value) for e in np.eye(4)])
    for call in (lambda c, dc: rev(c, dc, 10, 1.0), lambda c, dc: caller(c, dc, 10)):
        c, dc = Cloud(POS.copy(), VEL.copy()), Cloud(np.zeros(4), np.zeros(4))
        dc.t = 0.0
        call(c, dc)
        np.testing.assert_allclose(dc.pos, want, rtol=1e-6)
        assert dc.t == pytest.approx(1.0, rel=1e-12)       # spread() adds t
    # forward: the final position tangents land in the Dual instance's array
    c, tc = Cloud(POS.copy(), VEL.copy()), Cloud(np.eye(4)[1].copy(), np.zeros(4))
    tc.t = 0.0
    _, tan = zymase.autodiff_forward(run_cloud, Dual, Const, ret=Dual)(c, tc, 10)
    assert tan == pytest.approx(want[1], rel=1e-6)


@jitclass([("inner", Params.class_type.instance_type), ("c", float64)])
class Outer:
    def __init__(self, inner, c):
        self.inner = inner
        self.c = c


_with_params = numba.njit(with_params)


def outer_fn(x, o):
    return _with_params(x, o.inner) * o.c


def test_nested_instances_and_shadow_checks():
    w = np.array([1.0, 2.0, -0.5])
    o = Outer(Params(1.5, w.copy()), 2.0)
    rev = zymase.autodiff_reverse(outer_fn, Active, Duplicated, ret=Active)
    do = Outer(Params(0.0, np.zeros(3)), 0.0)
    rev(0.7, o, do, 1.0)
    fd = _params_fd(0.7, 1.5, w)
    np.testing.assert_allclose([do.inner.k, *do.inner.w], 2.0 * fd[1:], rtol=1e-6)
    assert do.c == pytest.approx(with_params(0.7, o.inner), rel=1e-12)

    @numba.njit
    def caller(x, o, do):
        return rev(x, o, do, 1.0)

    for call in (rev, lambda x, a, b, s: caller(x, a, b)):
        with pytest.raises(zymase.ShadowError, match=r"shadow `do` is the instance `o` itself"):
            call(0.7, o, o, 1.0)
        with pytest.raises(zymase.ShadowError, match=r"shadow `do\.inner\.w` (aliases|shares "
                                                     r"memory with) its primal"):
            call(0.7, o, Outer(Params(0.0, o.inner.w), 0.0), 1.0)
        with pytest.raises(zymase.ShadowError, match=r"shadow `do\.inner\.w` (has shape|does "
                                                     r"not have the shape)"):
            call(0.7, o, Outer(Params(0.0, np.zeros(2)), 0.0), 1.0)
    with pytest.raises(zymase.ShadowError, match="same jitclass"):
        rev(0.7, o, Params(0.0, np.zeros(3)), 1.0)


def set_k(x, p):
    p.k = x * x
    return p.k * np.sum(p.w)


def replace_w(x, p):
    p.w = p.w * x
    return np.sum(p.w) * p.k


def test_float_attribute_overwritten_and_array_attribute_replaced():
    w = np.array([1.0, 2.0, -0.5])
    p, dp = Params(1.5, w.copy()), Params(0.0, np.zeros(3))
    val, gx = zymase.autodiff_reverse(set_k, Active, Duplicated, ret=Active)(0.7, p, dp, 1.0)
    assert val == pytest.approx(0.49 * w.sum(), rel=1e-14)
    assert gx == pytest.approx(2 * 0.7 * w.sum(), rel=1e-12)
    assert dp.k == 0.0                    # the initial k is overwritten: no influence
    np.testing.assert_allclose(dp.w, 0.49, rtol=1e-12)
    p, tp = Params(1.5, w.copy()), Params(0.0, np.zeros(3))
    _, tan = zymase.autodiff_forward(set_k, Dual, Dual, ret=Dual)(0.7, 1.0, p, tp)
    assert tan == pytest.approx(2 * 0.7 * w.sum(), rel=1e-12)
    assert tp.k == pytest.approx(1.4, rel=1e-12)      # the output tangent of p.k
    for d in (zymase.autodiff_reverse(replace_w, Active, Duplicated, ret=Active),
              zymase.autodiff_forward(replace_w, Dual, Dual, ret=Dual)):
        args = (0.7, Params(1.5, w.copy()), Params(0.0, np.zeros(3)))
        args = args + (1.0,) if d.mode.value == "reverse" else (0.7, 1.0) + args[1:]
        with pytest.raises(zymase.UnsupportedError, match=r"replacing an array or instance "
                                                          r"attribute of the jitclass instance `p`"):
            d(*args)


def test_instance_shadows_at_width_n_are_refused():
    p = Params(1.5, np.array([1.0, 2.0, -0.5]))
    rev = zymase.autodiff_reverse(with_params, Active, Duplicated, ret=Active, width=2)
    with pytest.raises(zymase.UnsupportedError, match=r"jitclass instance `p` .*width=2"):
        rev(0.7, p, Params(0.0, np.zeros(3)), np.ones(2))

    @numba.njit
    def caller(x, p, dp):
        return rev(x, p, dp, np.ones(2))

    with pytest.raises((zymase.UnsupportedError, numba.core.errors.TypingError),
                       match=r"jitclass instance `p` .*width=2"):
        caller(0.7, p, Params(0.0, np.zeros(3)))


def test_active_value_written_into_a_const_instance_is_refused():
    with pytest.raises(zymase.UnsupportedError, match="a store of an active value into memory "
                                                      "that has no shadow"):
        zymase.grad(writes_params)(0.7, Params(1.5, np.zeros(2)))


@jitclass([("a", float64[:])])
class Copier:
    def __init__(self, a):
        self.a = a.copy()


def copies_into_instance(a):
    c = Copier(a)
    return np.sum(c.a * c.a)


def test_array_copy_stored_in_an_instance():
    # a.copy() is a memcpy whose destination is only reached through the instance: its
    # element type comes from the argument's dtype (more in test_jitclass_copies.py)
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(zymase.grad(copies_into_instance)(x), 2.0 * x, rtol=1e-15)


def test_instance_shadows_from_njit():
    """A Duplicated instance (reverse) and a Dual instance (forward) passed by @njit code:
    the shadow instance's attributes receive d/dk and d/dw, the tangent instance's give
    the directional derivative; against finite differences and each other."""
    rev = zymase.autodiff_reverse(with_params, Active, Duplicated, ret=Active)
    fwd = zymase.autodiff_forward(with_params, Dual, Dual, ret=Dual)

    @numba.njit
    def both(x, p, tk, tw, tx):
        dp = Params(0.0, np.zeros_like(p.w))
        val, gx = rev(x, p, dp, 1.0)
        _, t = fwd(x, tx, p, Params(tk, tw))
        return val, gx, dp.k, dp.w, t

    w = np.array([1.0, 2.0, -0.5])
    want = _params_fd(0.7, 1.5, w)
    t = np.array([0.3, -1.2, 0.5, 2.0, -0.7])        # (x, k, w0, w1, w2)
    p = Params(1.5, w.copy())
    val, gx, gk, gw, tan = both(0.7, p, t[1], t[2:].copy(), t[0])
    assert val == pytest.approx(with_params(0.7, p), rel=1e-14)
    np.testing.assert_allclose([gx, gk, *gw], want, rtol=1e-6)
    assert tan == pytest.approx(float(t @ want), rel=1e-6)
    check_dot_product([tan], [float(t @ np.array([gx, gk, *gw]))])
    np.testing.assert_array_equal(p.w, w)

"""SciPy special functions called from @njit code through their Cython addresses.

Each function of ``table.SCIPY_SPECIAL`` (and the SciPy spellings of libm functions) is called
the way numba-scipy users write it — ``ctypes.CFUNCTYPE`` over
``get_cython_function_address("scipy.special.cython_special", name)`` — and differentiated:

* reverse mode, per function, with respect to every parameter that has a closed-form
  derivative, against a 4th-order central difference of SciPy's own Python function;
* forward mode, width 4 in both modes, and a call from inside ``@njit``, on one kernel that
  sums every function (one compile each);
* refusals: a parameter without a derivative rule (``kv``'s order ``v``) is an UnsupportedError
  naming it and quoting the user's line, while the other parameters still differentiate.
"""
from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap

import numba
import numpy as np
import pytest
import scipy.special as S
from numba.extending import get_cython_function_address

import zymase
from zymase import Active, ActiveOnly, Const, Dual, DualOnly, Duplicated, UnsupportedError
from zymase.rules import scipy_special, table

# name -> (export to look up, argument values, kinds) ; kinds: "d" double, "l" long
CASES = {
    "ndtr": ("__pyx_fuse_1ndtr", (0.3,)),
    "log_ndtr": ("__pyx_fuse_1log_ndtr", (-2.0,)),
    "ndtri": ("ndtri", (0.3,)),
    "erfcx": ("__pyx_fuse_1erfcx", (0.7,)),
    "erfi": ("__pyx_fuse_1erfi", (0.4,)),
    "erfinv": ("__pyx_fuse_1erfinv", (0.3,)),
    "erfcinv": ("erfcinv", (0.6,)),
    "dawsn": ("__pyx_fuse_1dawsn", (0.8,)),
    "gammaln": ("gammaln", (2.5,)),
    "loggamma": ("__pyx_fuse_1loggamma", (2.5,)),
    "rgamma": ("__pyx_fuse_1rgamma", (2.5,)),
    "psi": ("__pyx_fuse_1psi", (2.5,)),
    "expit": ("__pyx_fuse_1expit", (0.3,)),
    "logit": ("__pyx_fuse_1logit", (0.3,)),
    "log_expit": ("__pyx_fuse_1log_expit", (-0.7,)),
    "j0": ("j0", (1.3,)), "j1": ("j1", (1.3,)), "y0": ("y0", (1.3,)), "y1": ("y1", (1.3,)),
    "i0": ("i0", (1.3,)), "i1": ("i1", (1.3,)), "i0e": ("i0e", (-1.3,)), "i1e": ("i1e", (1.3,)),
    "k0": ("k0", (1.3,)), "k1": ("k1", (1.3,)), "k0e": ("k0e", (1.3,)), "k1e": ("k1e", (1.3,)),
    "jv": ("__pyx_fuse_1jv", (1.5, 2.3)), "jve": ("__pyx_fuse_1jve", (1.5, 2.3)),
    "yv": ("__pyx_fuse_1yv", (1.5, 2.3)), "yve": ("__pyx_fuse_1yve", (1.5, 2.3)),
    "iv": ("__pyx_fuse_1iv", (1.5, 2.3)), "ive": ("__pyx_fuse_1ive", (1.5, 2.3)),
    "kv": ("__pyx_fuse_1kv", (1.5, 2.3)), "kve": ("__pyx_fuse_1kve", (1.5, 2.3)),
    "kn": ("__pyx_fuse_1kn", (2, 1.7)), "yn": ("__pyx_fuse_1yn", (2, 1.7)),
    "gammainc": ("gammainc", (2.5, 1.7)), "gammaincc": ("gammaincc", (2.5, 1.7)),
    "betainc": ("__pyx_fuse_1betainc", (2.0, 3.0, 0.3)),
    "betaincc": ("__pyx_fuse_1betaincc", (2.0, 3.0, 0.3)),
    "stdtr": ("__pyx_fuse_1stdtr", (4.0, 0.7)),
    "chndtr": ("__pyx_fuse_1chndtr", (1.5, 3.0, 2.0)),
    "ndtri_exp": ("ndtri_exp", (-1.2,)), "gammaincinv": ("gammaincinv", (2.5, 0.3)),
    "gammainccinv": ("gammainccinv", (2.5, 0.3)), "stdtrit": ("stdtrit", (4.0, 0.3)),
    "betaincinv": ("betaincinv", (2.0, 3.0, 0.3)), "betainccinv": ("betainccinv", (2.0, 3.0, 0.3)),
    "chndtrix": ("chndtrix", (0.3, 3.0, 2.0)),
    "xlogy": ("__pyx_fuse_1xlogy", (0.7, 1.3)), "xlog1py": ("__pyx_fuse_1xlog1py", (0.7, 0.3)),
    "owens_t": ("owens_t", (0.5, 0.8)),
    "entr": ("entr", (0.3,)), "rel_entr": ("rel_entr", (0.3, 0.7)),
    "kl_div": ("kl_div", (0.3, 0.7)),
    "beta": ("beta", (1.5, 2.5)), "betaln": ("betaln", (1.5, 2.5)),
    "exp1": ("__pyx_fuse_1exp1", (0.8,)), "expi": ("__pyx_fuse_1expi", (0.8,)),
    "exprel": ("exprel", (0.6,)), "cosm1": ("cosm1", (0.4,)),
    "powm1": ("__pyx_fuse_1powm1", (1.3, 0.7)),
    "boxcox": ("boxcox", (1.3, 0.7)), "boxcox1p": ("boxcox1p", (0.3, 0.7)),
    "spence": ("__pyx_fuse_1spence", (0.4,)),
    "sindg": ("sindg", (30.0,)), "cosdg": ("cosdg", (30.0,)),
    "radian": ("radian", (30.0, 15.0, 10.0)),
    "pseudo_huber": ("pseudo_huber", (1.2, 0.7)),
    "voigt_profile": ("voigt_profile", (0.3, 0.8, 0.5)),
    # SciPy spellings of functions the libm table has
    "erf": ("__pyx_fuse_1erf", (0.4,)), "erfc": ("__pyx_fuse_1erfc", (0.4,)),
    "expm1": ("__pyx_fuse_1expm1", (0.4,)), "log1p": ("__pyx_fuse_1log1p", (0.4,)),
    "cbrt": ("cbrt", (2.4,)), "exp2": ("exp2", (0.4,)), "exp10": ("exp10", (0.4,)),
    "gamma": ("__pyx_fuse_1gamma", (2.4,)),
}
# extra points: the other branch of a rule with a case split
EXTRA = [("chndtr", (1.5, 3.0, 0.0)), ("boxcox", (1.3, 0.0)), ("boxcox1p", (0.3, 0.0)),
         ("exprel", (0.0,)), ("i1e", (-0.9,)), ("xlogy", (0.0, 1.3)), ("psi", (-0.7,)),
         ("psi", (12.5,)), ("chndtrix", (0.3, 3.0, 0.0)),
         ("voigt_profile", (-2.1, 1.3, 0.02)), ("voigt_profile", (4.0, 0.5, 2.0)),
         ("voigt_profile", (0.7, 0.0, 0.4)), ("voigt_profile", (0.7, 0.5, 0.0)),
         ("kv", (-2.7, 0.9)), ("kv", (30.0, 40.0)), ("kve", (0.0, 3.0)), ("kve", (3.5, 1.4))]


def _real_export(name):
    """The export of SciPy's double-precision variant of ``name`` (fused variants differ in
    which number is double: ``__pyx_fuse_0expit`` is, ``__pyx_fuse_1expit`` is float)."""
    import scipy.special.cython_special as cs
    for export in [name] + [f"__pyx_fuse_{k}{name}" for k in range(3)]:
        cap = cs.__pyx_capi__.get(export)
        if cap is not None and str(cap).split('"')[1].startswith("double ("):
            return export
    raise LookupError(name)


def _cfunc(name):
    _, args = CASES[name]
    export = _real_export(name)
    argtypes = [ctypes.c_long if isinstance(a, int) else ctypes.c_double for a in args]
    addr = get_cython_function_address("scipy.special.cython_special", export)
    return ctypes.CFUNCTYPE(ctypes.c_double, *argtypes)(addr)


def _fd(f, x, k):
    """4th-order central difference of ``f`` in coordinate ``k`` (one-sided, forward, where
    ``f`` is undefined below: a noncentrality at 0)."""
    h = 1e-3 * max(1.0, abs(x[k]))
    e = np.zeros_like(x)
    e[k] = h
    d = (-f(x + 2 * e) + 8 * f(x + e) - 8 * f(x - e) + f(x - 2 * e)) / (12 * h)
    if np.isnan(d):
        d = (-25 * f(x) + 48 * f(x + e) - 36 * f(x + 2 * e) + 16 * f(x + 3 * e)
             - 3 * f(x + 4 * e)) / (12 * h)
    return d


def _refused(name, k):
    return table.refusal(table.lookup("scipy.special." + name).partials[k]) is not None


def test_every_rule_has_a_case():
    assert set(table.SCIPY_SPECIAL) <= set(CASES)
    for name, (export, _) in CASES.items():
        assert scipy_special.by_name(name) is not None, name
        assert table.lookup("scipy.special." + name) is not None, name


def _points():
    """Every (name, args) to check: the cases and the extra points."""
    return [(n, a) for n, (_, a) in sorted(CASES.items())] + EXTRA


def _sum_kernel():
    """One @njit kernel over every point: f(p, q, n) = sum_j F_j(args_j), where each argument
    with a closed-form derivative is its own component of ``p`` (active) and every other one
    (a refused shape parameter, an integer order) comes from ``q`` / ``n`` (Const).  The
    gradient's components are then the individual partial derivatives, checked one by one;
    one compile instead of one per function."""
    env, terms, slots, p0, q0, n0 = {}, [], [], [], [], []
    for j, (name, args) in enumerate(_points()):
        env[f"F{j}"] = _cfunc(name)
        call = []
        for k, a in enumerate(args):
            if isinstance(a, int):
                call.append(f"n[{len(n0)}]")
                n0.append(a)
            elif _refused(name, k):
                call.append(f"q[{len(q0)}]")
                q0.append(a)
            else:
                call.append(f"p[{len(p0)}]")
                slots.append((name, args, k, len(p0)))
                p0.append(a)
        terms.append(f"    s += F{j}({', '.join(call)})")
    src = "def f(p, q, n):\n    s = 0.0\n" + "\n".join(terms) + "\n    return s\n"
    exec(src, env)
    return (numba.njit(env["f"]), np.array(p0), np.array(q0 or [0.0]),
            np.array(n0 or [0], dtype=np.int64), slots)


_SUM = []


def _sum():
    if not _SUM:
        _SUM.append(_sum_kernel())
    return _SUM[0]


def _expected(name, args, k):
    ref = getattr(S, name)
    x = np.array(args, dtype=float)
    return _fd(lambda v: ref(*[int(a) if isinstance(b, int) else a for a, b in zip(v, args)]),
               x, k)


def _gradient():
    f, p, q, n, slots = _sum()
    g = np.zeros_like(p)
    zymase.autodiff_reverse(f, Duplicated, Const, Const, ret=ActiveOnly)(p, g, q, n, 1.0)
    return g


def test_reverse_against_finite_differences():
    _, _, _, _, slots = _sum()
    g = _gradient()
    bad = [(name, args, k, g[c], _expected(name, args, k)) for name, args, k, c in slots
           if not g[c] == pytest.approx(_expected(name, args, k), rel=1e-8, abs=1e-12)]
    assert not bad, bad
    assert len(slots) > len(CASES)   # every function contributes at least one partial


def test_forward_against_reverse():
    f, p, q, n, _ = _sum()
    g = _gradient()
    v = np.random.default_rng(3).standard_normal(p.size)
    t = zymase.autodiff_forward(f, Dual, Const, Const, ret=DualOnly)(p, v, q, n)
    assert t == pytest.approx(g @ v, rel=1e-12)


# one kernel over many functions: forward, width 4 and @njit callers compile it once
_ndtr, _gln, _j1, _ginc, _xlogy, _owt, _kv = (_cfunc(n) for n in
                                              ("ndtr", "gammaln", "j1", "gammainc", "xlogy",
                                               "owens_t", "kv"))


@numba.njit
def _mix(p):
    s = 0.0
    for i in range(p.shape[0] - 1):
        a, b = p[i], p[i + 1]
        s += _ndtr(a) * _gln(b + 2.0) + _j1(a * b) + _ginc(2.5, b * b + 0.1)
        s += _xlogy(a, b * b + 0.5) + _owt(a, b) * _kv(1.5, b * b + 0.2)
    return s


def _mix_ref(p):
    s = 0.0
    for a, b in zip(p[:-1], p[1:]):
        s += S.ndtr(a) * S.gammaln(b + 2.0) + S.j1(a * b) + S.gammainc(2.5, b * b + 0.1)
        s += S.xlogy(a, b * b + 0.5) + S.owens_t(a, b) * S.kv(1.5, b * b + 0.2)
    return s


P = np.array([0.3, -0.8, 1.1, 0.45])
GRAD = np.array([_fd(_mix_ref, P, k) for k in range(P.size)])


def test_mixed_kernel_forward_reverse_and_width4():
    np.testing.assert_allclose(zymase.grad(_mix)(P), GRAD, rtol=1e-8)
    V = np.random.default_rng(1).standard_normal((4, P.size))
    jvp = zymase.autodiff_forward(_mix, Dual, ret=DualOnly)
    for v in V:
        assert jvp(P, v) == pytest.approx(GRAD @ v, rel=1e-8)
    jvp4 = zymase.autodiff_forward(_mix, Dual, ret=DualOnly, width=4)
    np.testing.assert_allclose(jvp4(P, V), V @ GRAD, rtol=1e-8)
    rev4 = zymase.autodiff_reverse(_mix, Duplicated, ret=ActiveOnly, width=4)
    dP = np.zeros((4, P.size))
    seeds = np.array([1.0, -0.5, 2.0, 0.0])
    rev4(P, dP, seeds)
    np.testing.assert_allclose(dP, seeds[:, None] * GRAD[None, :], rtol=1e-8, atol=1e-14)


_grad_mix = zymase.autodiff_reverse(_mix, Duplicated, ret=ActiveOnly)


@numba.njit
def _descend(p, steps):
    dp = np.zeros_like(p)
    for _ in range(steps):
        dp[:] = 0.0
        _grad_mix(p, dp, 1.0)
        p = p - 0.01 * dp
    return p


def test_called_from_njit():
    out = _descend(P.copy(), 3)
    ref = P.copy()
    for _ in range(3):
        ref = ref - 0.01 * zymase.grad(_mix)(ref)
    np.testing.assert_allclose(out, ref, rtol=1e-12)


_iv_only = _cfunc("iv")


def _order_param(v, x):
    return _iv_only(v, x) * x


def test_refusal_names_the_parameter_and_the_line():
    with pytest.raises(UnsupportedError) as e:
        zymase.grad(_order_param, argnums=(0, 1))(1.5, 2.3)
    msg = str(e.value)
    assert "scipy.special.iv" in msg and "parameter `v`" in msg
    assert "return _iv_only(v, x) * x" in msg
    # with `v` constant the same call differentiates
    g = zymase.grad(_order_param, argnums=1)(1.5, 2.3)
    ref = _fd(lambda p: S.iv(1.5, p[0]) * p[0], np.array([2.3]), 0)
    assert g == pytest.approx(ref, rel=1e-8)


def test_kv_order_derivative_closed_forms():
    """K_{1/2}(x) = sqrt(pi/(2x)) e^-x, and ∂K_v/∂v at v = 1/2 is sqrt(pi/(2x)) E1(2x) e^x
    (Abramowitz & Stegun 9.6.45 with the exponential integral): both modes, width 4, the
    scaled variant, and the oddness in v."""
    kv, kve = _cfunc("kv"), _cfunc("kve")

    def f(v, x):
        return kv(v, x) + 2.0 * kve(v, x)
    x = 1.7
    d = np.sqrt(np.pi / (2 * x)) * S.exp1(2 * x) * np.exp(x)
    want = d * (1.0 + 2.0 * np.exp(x))
    g = zymase.grad(f, argnums=(0, 1))(0.5, x)
    assert g[0] == pytest.approx(want, rel=1e-13)
    assert zymase.grad(f, argnums=0)(-0.5, x) == pytest.approx(-want, rel=1e-13)
    _, t = zymase.jvp(f, (0.5, x), (1.0, 0.0))
    assert t == pytest.approx(want, rel=1e-13)
    rev4 = zymase.autodiff_reverse(f, Active, Const, ret=ActiveOnly, width=4)
    seeds = np.array([1.0, -2.0, 0.5, 0.0])
    np.testing.assert_allclose(rev4(0.5, x, seeds), seeds * want, rtol=1e-13)


def test_function_without_rule_is_refused_by_name():
    ber = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(
        get_cython_function_address("scipy.special.cython_special", "ber"))

    def f(x):
        return ber(x) * 0.5
    with pytest.raises(UnsupportedError, match="scipy.special.ber"):
        zymase.grad(f)(0.3)


_voigt = _cfunc("voigt_profile")


def test_voigt_profile_closed_forms():
    """The Gaussian (gamma = 0) and Lorentzian (sigma = 0) ends against their own closed
    forms (the gamma-derivative of the Gaussian end through Dawson's integral, not w(z)), in
    both modes."""
    def f(x, s, g):
        return _voigt(x, s, g)
    x, s = 0.7, 0.6
    a = x / (s * np.sqrt(2))
    V = np.exp(-0.5 * (x / s) ** 2) / (s * np.sqrt(2 * np.pi))
    want = [-x / s ** 2 * V, V * (x * x / s ** 3 - 1 / s), (2 * a * S.dawsn(a) - 1) / (np.pi * s * s)]
    np.testing.assert_allclose(zymase.grad(f, argnums=(0, 1, 2))(x, s, 0.0), want, rtol=1e-12)
    g = 0.4
    den = np.pi * (x * x + g * g) ** 2
    want = [-2 * x * g / den, 0.0, (x * x - g * g) / den]
    np.testing.assert_allclose(zymase.grad(f, argnums=(0, 1, 2))(x, 0.0, g), want, rtol=1e-13)
    fwd = zymase.autodiff_forward(f, Dual, Dual, Dual, ret=DualOnly)
    assert fwd(x, 1.0, 0.0, -2.0, g, 0.5) == pytest.approx(want[0] + 0.5 * want[2], rel=1e-13)


def test_disk_cache_rebinds_symbols_in_a_new_process(tmp_path):
    script = textwrap.dedent("""
        import ctypes, numpy as np, zymase
        from numba.extending import get_cython_function_address as g
        ndtr = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(
            g("scipy.special.cython_special", "__pyx_fuse_1ndtr"))   # the double variant
        voigt = ctypes.CFUNCTYPE(ctypes.c_double, *[ctypes.c_double] * 3)(
            g("scipy.special.cython_special", "voigt_profile"))     # its rule calls wofz
        def f(x):
            return ndtr(x) * x
        def v(x):
            return voigt(x, 0.8, 0.5)
        d = zymase.autodiff_reverse(f, zymase.Active, ret=zymase.ActiveOnly, cache=True)
        dv = zymase.autodiff_reverse(v, zymase.Active, ret=zymase.ActiveOnly, cache=True)
        print(repr(d(0.3, 1.0)), repr(dv(0.3, 1.0)))
    """)
    path = tmp_path / "cached_special.py"
    path.write_text(script)
    env = {"ZYMASE_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    import os
    env.update({k: v for k, v in os.environ.items() if k.startswith(("PYTHON", "NUMBA", "HOME",
                                                                      "OPENBLAS"))})
    outs = [subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                           env=env, timeout=300) for _ in range(2)]
    for o in outs:
        assert o.returncode == 0, o.stderr
    assert len(list((tmp_path / "cache").iterdir())) >= 1
    expect = S.ndtr(0.3) + 0.3 * np.exp(-0.045) / np.sqrt(2 * np.pi)
    got, got_v = map(float, outs[0].stdout.split())
    assert got == pytest.approx(expect, rel=1e-12)
    assert got_v == pytest.approx(_expected("voigt_profile", (0.3, 0.8, 0.5), 0), rel=1e-8)
    assert outs[0].stdout == outs[1].stdout


def _first_class(name, signature):
    """SciPy's function as a Numba first-class function (``WrapperAddressProtocol``), the way
    numba-stats wraps them: Numba guards such calls with a null test and a fallback through
    the Python object."""
    from numba.types import WrapperAddressProtocol
    addr = get_cython_function_address("scipy.special.cython_special", _real_export(name))
    cls = type(name, (WrapperAddressProtocol,),
               {"__wrapper_address__": lambda self: addr, "signature": lambda self: signature})
    return cls()


_fc_ndtri = _first_class("ndtri", numba.float64(numba.float64))
_fc_stdtr = _first_class("stdtr", numba.float64(numba.float64, numba.float64))


@numba.njit
def _first_class_user(p):
    return _fc_ndtri(p[0]) * _fc_stdtr(4.0, p[1])


def test_first_class_function_wrappers():
    p = np.array([0.3, 0.7])
    ref = lambda v: S.ndtri(v[0]) * S.stdtr(4.0, v[1])   # noqa: E731
    expect = np.array([_fd(ref, p, 0), _fd(ref, p, 1)])
    np.testing.assert_allclose(zymase.grad(_first_class_user)(p), expect, rtol=1e-8)
    t = zymase.autodiff_forward(_first_class_user, Dual, ret=DualOnly)(p, np.array([1.0, -2.0]))
    assert t == pytest.approx(expect @ [1.0, -2.0], rel=1e-8)


_jvp_mix = zymase.autodiff_forward(_mix, Dual, ret=DualOnly)


@numba.njit
def _slopes(p, V):
    out = np.empty(V.shape[0])
    for k in range(V.shape[0]):
        out[k] = _jvp_mix(p, V[k].copy())
    return out


def test_forward_called_from_njit():
    V = np.random.default_rng(2).standard_normal((3, P.size))
    np.testing.assert_allclose(_slopes(P, V), V @ GRAD, rtol=1e-8)

"""The JAX-style convenience API (grad, value_and_grad, jvp, vjp, jacobian, hessian, hvp) against
fourth-order central finite differences; derivatives called from an @njit optimisation loop;
derivative objects pickled into a fresh process; the on-disk cache reloaded by a second process.

Finite differences (``tests/support.py``: Richardson-extrapolated central differences at steps
2e-3 and 1e-3, i.e. the five-point stencil with h = 1e-3, error O(h^4)) on the plain
``numba.njit`` primal, so the tolerances can be tight (rtol 1e-8); Hessians are checked against
the same differences of the gradient.
"""
from __future__ import annotations

import json
import math
import os
import pickle
import subprocess
import sys
import textwrap
import time

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, ActiveOnly, Const, Dual, Duplicated

from tests.support import fd_jacobian, fd_jvp

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RTOL = 1e-8


# -- functions under test -------------------------------------------------------------------------
def rosen(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return s


def mix(a, x, k, b):
    """Float scalar, float array, int, float scalar → float."""
    s = 0.0
    for i in range(x.shape[0]):
        s += math.sin(a * x[i]) * b + x[i] ** 3 * k + math.exp(-b * x[i] * x[i])
    return s


def scal(a, b):
    return math.exp(a) * b + a * b * b + math.sin(a * a)


def vec(x, a):
    """R^n × R → R^(n+1), allocating its result."""
    out = np.empty(x.shape[0] + 1)
    for i in range(x.shape[0]):
        out[i] = math.sin(x[i]) * a + x[i] * x[(i + 1) % x.shape[0]]
    out[x.shape[0]] = a * a
    return out


def scaled_sines(x, a, n):
    """Updates its input in place."""
    s = 0.0
    for i in range(n):
        x[i] = x[i] * a
        s += math.sin(x[i]) * a
    return s


P = {f.__name__: numba.njit(f) for f in (rosen, mix, scal, vec, scaled_sines)}
X = np.array([0.3, -0.7, 1.1, 0.4, -0.2])


# -- finite differences ---------------------------------------------------------------------------
# tests/support.py: Richardson-extrapolated central differences at steps 2e-3 and 1e-3, which
# is the five-point stencil (error O(h^4)) with h = 1e-3
STEP = 2e-3


def close(a, b, rtol=RTOL, atol=None):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(1.0, float(np.max(np.abs(b)))) if b.size else 1.0
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale if atol is None else atol)


# -- grad / value_and_grad ------------------------------------------------------------------------
def test_grad_array_arg():
    x = X.copy()
    g = zymase.grad(rosen)(x)
    assert isinstance(g, np.ndarray) and g.shape == x.shape
    close(g, fd_jacobian(P["rosen"], X, STEP, relative=False).value)
    np.testing.assert_array_equal(x, X)


def test_value_and_grad_argnums_tuple_scalars_and_array():
    a, x, k, b = 0.7, X.copy(), 3, 1.3
    value, (ga, gx, gb) = zymase.value_and_grad(mix, argnums=(0, 1, 3))(a, x, k, b)
    p = P["mix"]
    assert value == pytest.approx(p(a, X, k, b), rel=1e-14)
    assert isinstance(ga, float) and isinstance(gb, float)
    close(ga, fd_jacobian(lambda t: p(t, X, k, b), a, STEP, relative=False).value)
    close(gx, fd_jacobian(lambda v: p(a, v, k, b), X, STEP, relative=False).value)
    close(gb, fd_jacobian(lambda t: p(a, X, k, t), b, STEP, relative=False).value)
    np.testing.assert_array_equal(x, X)


@pytest.mark.parametrize("argnum", [0, 1, -1])
def test_grad_argnums_int(argnum):
    a, k, b = 0.7, 3, 1.3
    p = P["mix"]
    g = zymase.grad(mix, argnums=argnum)(a, X.copy(), k, b)
    want = {0: fd_jacobian(lambda t: p(t, X, k, b), a, STEP, relative=False),
            1: fd_jacobian(lambda v: p(a, v, k, b), X, STEP, relative=False),
            -1: fd_jacobian(lambda t: p(a, X, k, t), b, STEP, relative=False)}[argnum].value
    assert np.shape(g) == np.shape(want)
    close(g, want)


def test_grad_does_not_modify_callers_arrays():
    """The function scales x in place; grad differentiates w.r.t. x's value at entry and the
    caller's array is untouched."""
    x = X.copy()
    gx, ga = zymase.grad(scaled_sines, argnums=(0, 1))(x, 1.3, X.size)
    np.testing.assert_array_equal(x, X)
    p = P["scaled_sines"]
    close(gx, fd_jacobian(lambda v: p(v, 1.3, X.size), X, STEP, relative=False).value)
    close(ga, fd_jvp(p, (X, 1.3, X.size), (None, 1.0, None), STEP).value)


# -- jvp / vjp ------------------------------------------------------------------------------------
def test_jvp_scalar_output():
    a, k, b = 0.7, 3, 1.3
    v = np.linspace(-1.0, 1.0, X.size)
    x = X.copy()
    y, t = zymase.jvp(mix, (a, x, k, b), (1.0, v, None, 0.5))
    p = P["mix"]
    assert y == pytest.approx(p(a, X, k, b), rel=1e-14)
    close(t, fd_jvp(p, (a, X, k, b), (1.0, v, None, 0.5), STEP).value)
    np.testing.assert_array_equal(x, X)


def test_jvp_array_output():
    v = np.linspace(-1.0, 1.0, X.size)
    y, t = zymase.jvp(vec, (X.copy(), 1.5), (v, 0.25))
    p = P["vec"]
    close(y, p(X, 1.5), rtol=1e-14)
    close(t, fd_jvp(p, (X, 1.5), (v, 0.25), STEP).value)


def test_vjp_scalar_output():
    a, k, b = 0.7, 3, 1.3
    p = P["mix"]
    y, back = zymase.vjp(mix, a, X.copy(), k, b)
    assert y == pytest.approx(p(a, X, k, b), rel=1e-14)
    ga, gx, gk, gb = back(2.0)
    assert gk is None
    close(ga, 2.0 * fd_jacobian(lambda t: p(t, X, k, b), a, STEP, relative=False).value)
    close(gx, 2.0 * fd_jacobian(lambda v: p(a, v, k, b), X, STEP, relative=False).value)
    close(gb, 2.0 * fd_jacobian(lambda t: p(a, X, k, t), b, STEP, relative=False).value)


def test_vjp_array_output():
    """Only x is a float argument (the int 2 is constant): back(w) = J^T w."""
    p = P["vec"]
    y, back = zymase.vjp(vec, X.copy(), 2)
    close(y, p(X, 2), rtol=1e-14)
    w = np.linspace(0.5, -1.5, X.size + 1)
    gx, gk = back(w)
    assert gk is None and gx.shape == X.shape
    close(gx, fd_jacobian(lambda v: p(v, 2), X, STEP, relative=False).value.T @ w)


def test_vjp_array_output_scalar_primal():
    p = P["vec"]
    y, back = zymase.vjp(vec, X.copy(), 1.5)
    w = np.linspace(0.5, -1.5, X.size + 1)
    gx, ga = back(w)
    close(gx, fd_jacobian(lambda v: p(v, 1.5), X, STEP, relative=False).value.T @ w)
    close(ga, fd_jacobian(lambda t: p(X, t), 1.5, STEP, relative=False).value @ w)


# -- jacobian -------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_scalar_output(mode):
    a, k, b = 0.7, 3, 1.3
    p = P["mix"]
    J = zymase.jacobian(mix, argnums=1, mode=mode)(a, X.copy(), k, b)
    assert np.shape(J) == X.shape
    close(J, fd_jacobian(lambda v: p(a, v, k, b), X, STEP, relative=False).value)


def test_jacobian_scalar_output_several_args_reverse():
    a, k, b = 0.7, 3, 1.3
    p = P["mix"]
    Ja, Jx = zymase.jacobian(mix, argnums=(0, 1), mode="reverse")(a, X.copy(), k, b)
    assert isinstance(Ja, float)
    close(Ja, fd_jacobian(lambda t: p(t, X, k, b), a, STEP, relative=False).value)
    close(Jx, fd_jacobian(lambda v: p(a, v, k, b), X, STEP, relative=False).value)


@pytest.mark.parametrize("mode,width", [("forward", 8), ("forward", 2), ("auto", 8),
                                        ("reverse", 1)])
def test_jacobian_array_output(mode, width):
    """width=2 on 5 inputs: three batched calls, the last one half used."""
    p = P["vec"]
    J = zymase.jacobian(vec, argnums=0, mode=mode, width=width)(X.copy(), 1.5)
    assert J.shape == (X.size + 1, X.size)
    close(J, fd_jacobian(lambda v: p(v, 1.5), X, STEP, relative=False).value)


@pytest.mark.parametrize("fn,args", [(vec, (X, 1.5)), (mix, (0.7, X, 3, 1.3))],
                         ids=["array_output", "scalar_output"])
def test_jacobian_forward_scalar_arg(fn, args):
    argnum = 1 if fn is vec else 0
    p = P[fn.__name__]
    J = zymase.jacobian(fn, argnums=argnum, mode="forward")(*args)

    def at(t):
        a = list(args)
        a[argnum] = t
        return p(*a)
    close(J, fd_jacobian(at, args[argnum], STEP, relative=False).value)


# -- hessian / hvp --------------------------------------------------------------------------------
@pytest.mark.parametrize("width", [8, 2])
def test_hessian_array_arg(width):
    H = zymase.hessian(rosen, width=width)(X.copy())
    g = zymase.grad(rosen)
    assert H.shape == (X.size, X.size)
    close(H, fd_jacobian(g, X, STEP, relative=False).value)
    close(H, H.T, rtol=1e-14)


def test_hessian_array_arg_with_other_args():
    a, k, b = 0.7, 3, 1.3
    H = zymase.hessian(mix, argnums=1)(a, X.copy(), k, b)
    g = zymase.grad(mix, argnums=1)
    close(H, fd_jacobian(lambda v: g(a, v, k, b), X, STEP, relative=False).value)


def test_hessian_scalar_arg():
    h = zymase.hessian(scal)(0.3, 1.2)
    assert isinstance(h, float)
    g = zymase.grad(scal)
    close(h, fd_jacobian(lambda t: g(t, 1.2), 0.3, STEP, relative=False).value)


def test_hvp_array_and_scalar():
    v = np.linspace(1.0, -1.0, X.size)
    x = X.copy()
    Hv = zymase.hvp(rosen, (x,), v)
    np.testing.assert_array_equal(x, X)
    close(Hv, fd_jvp(zymase.grad(rosen), (X,), (v,), STEP).value)
    hv = zymase.hvp(scal, (0.3, 1.2), (0.5, None))
    close(hv, 0.5 * fd_jacobian(lambda t: zymase.grad(scal)(t, 1.2), 0.3, STEP,
                                relative=False).value)


# -- a derivative inside an @njit optimisation loop -----------------------------------------------
df_rosen = zymase.autodiff_reverse(rosen, Duplicated, ret=ActiveOnly)


@numba.njit
def descend_njit(x, lr, steps):
    dx = np.zeros_like(x)
    for _ in range(steps):
        dx[:] = 0.0
        df_rosen(x, dx, 1.0)
        x -= lr * dx
    return x


def descend_py(x, lr, steps):
    dx = np.zeros_like(x)
    for _ in range(steps):
        dx[:] = 0.0
        df_rosen(x, dx, 1.0)
        x -= lr * dx
    return x


def test_gradient_descent_in_njit_matches_python():
    steps, lr = 3000, 1e-3
    descend_njit(X.copy(), lr, 1)  # compile
    t0 = time.perf_counter()
    a = descend_njit(X.copy(), lr, steps)
    t_njit = time.perf_counter() - t0
    t0 = time.perf_counter()
    b = descend_py(X.copy(), lr, steps)
    t_py = time.perf_counter() - t0
    np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    assert P["rosen"](a) < 0.5 * P["rosen"](X)        # it did descend
    print(f"\ngradient descent, {steps} steps on rosen(n={X.size}): @njit loop "
          f"{t_njit * 1e3:.2f} ms ({t_njit / steps * 1e9:.0f} ns/step), Python loop "
          f"{t_py * 1e3:.2f} ms ({t_py / steps * 1e9:.0f} ns/step), ratio {t_py / t_njit:.0f}x")


# -- pickling into a fresh process, and the disk cache --------------------------------------------
MODELS = '''
import math
import numpy as np


def rosen(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return s


def scal(a, b):
    return math.exp(a) * b + a * b * b


def cubes(x):
    y = np.empty(x.shape[0])          # allocates inside
    for i in range(x.shape[0]):
        y[i] = x[i] * x[i]
    s = 0.0
    for i in range(x.shape[0]):
        s += y[i] * x[i]
    return s
'''

RUN_DERIVATIVES = '''
def run(ds):
    """The numbers every derivative gives on fixed inputs (shared by both processes)."""
    import numpy as np
    x = np.array([0.3, -0.7, 1.1, 0.4, -0.2])
    out = {}
    dx = np.zeros(5)
    y = ds["rev"](x.copy(), dx, 1.0)
    out["rev"] = [y, *dx]
    y, t = ds["fwd2"](x.copy(), np.stack([np.ones(5), np.arange(5.0)]))
    out["fwd2"] = [y, *t]
    xd, gx, gxd = np.ones(5), np.zeros(5), np.zeros(5)
    ds["hvp"](x.copy(), xd, gx, gxd, 1.0)
    out["hvp"] = [*gx, *gxd]
    return out
'''


def _python(script, cwd, env=None, timeout=300):
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("ZYMASE_PRINT", None)
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=str(cwd), env=env, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_pickle_into_fresh_process(tmp_path, monkeypatch):
    (tmp_path / "zy_pickle_models.py").write_text(textwrap.dedent(MODELS))
    (tmp_path / "zy_pickle_run.py").write_text(textwrap.dedent(RUN_DERIVATIVES))
    monkeypatch.syspath_prepend(str(tmp_path))
    import zy_pickle_models as m
    from zy_pickle_run import run
    inner = zymase.autodiff_reverse(m.rosen, Duplicated, ret=ActiveOnly, checks=False)
    ds = {"rev": zymase.autodiff_reverse(m.rosen, Duplicated, ret=Active),
          "fwd2": zymase.autodiff_forward(m.rosen, Dual, ret=Dual, width=2),
          # forward over reverse: the derivative of a derivative pickles too
          "hvp": zymase.autodiff_forward(inner, Dual, Dual, Const, ret=Const, checks=False)}
    blob = pickle.dumps(ds)                           # before any build …
    here = run(ds)
    assert pickle.dumps(ds) == blob                   # … and building changes nothing pickled
    (tmp_path / "ds.pkl").write_bytes(blob)
    (tmp_path / "child.py").write_text(textwrap.dedent(f'''
        import json, pickle, sys
        sys.path.insert(0, {str(tmp_path)!r})
        from zy_pickle_run import run
        with open({str(tmp_path / "ds.pkl")!r}, "rb") as f:
            ds = pickle.load(f)
        assert "zy_pickle_models" in sys.modules       # found by import, not by value
        print(json.dumps({{k: [float(v) for v in vals] for k, vals in run(ds).items()}}))
    '''))
    there = _python(tmp_path / "child.py", tmp_path)
    assert set(there) == set(here)
    for k in here:
        np.testing.assert_array_equal(np.asarray(there[k]), np.asarray(here[k], dtype=float), k)
    # and the numbers are right: the gradient against FD, H·1 against FD of the gradient
    close(here["rev"][1:], fd_jacobian(P["rosen"], X, STEP, relative=False).value)
    close(here["hvp"][5:], fd_jvp(zymase.grad(rosen), (X,), (np.ones(5),), STEP).value)


CACHE_CHILD = '''
import json, os, sys, time
sys.path.insert(0, {d!r})
import numpy as np
import zymase
from zymase import Active, Duplicated
import zy_cache_models as m

if sys.argv[1] == "warm":
    # a warm start must not differentiate anything: make that impossible
    def _no_transform(self, *a, **k):
        raise AssertionError("transformed although the disk cache holds this derivative")
    zymase.api.Derivative._transform = _no_transform

out = {{}}
for name in sys.argv[2].split(","):
    df = zymase.autodiff_reverse(getattr(m, name), Duplicated, ret=Active, cache=True)
    x = np.array([0.3, -0.7, 1.1, 0.4, -0.2])
    dx = np.zeros(5)
    t0 = time.perf_counter()
    y = df(x, dx, 1.0)
    out[name] = {{"y": y, "dx": dx.tolist(), "first_call_s": time.perf_counter() - t0}}
out["files"] = sorted(os.listdir(os.environ["ZYMASE_CACHE_DIR"]))
print(json.dumps(out))
'''


def _child(tmp_path, *argv):
    env = dict(os.environ, ZYMASE_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("ZYMASE_PRINT", None)
    proc = subprocess.run([sys.executable, str(tmp_path / "child.py"), *argv], capture_output=True,
                          text=True, cwd=str(tmp_path), timeout=300, env=env)
    assert proc.returncode == 0, f"exit {proc.returncode}:\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def cold_cache(tmp_path_factory):
    """One process fills an empty cache dir with two derivatives."""
    tmp_path = tmp_path_factory.mktemp("zycache")
    (tmp_path / "zy_cache_models.py").write_text(textwrap.dedent(MODELS))
    (tmp_path / "child.py").write_text(CACHE_CHILD.format(d=str(tmp_path)))
    return tmp_path, _child(tmp_path, "cold", "rosen,cubes")


def test_disk_cache_reloads_in_second_process(cold_cache):
    tmp_path, cold = cold_cache
    zy = [f for f in cold["files"] if f.endswith(".zy")]
    assert len(zy) == 2 and len(cold["files"]) == 2, cold["files"]   # no stray .tmp files
    warm = _child(tmp_path, "warm", "rosen")
    assert warm["files"] == cold["files"]            # loaded, nothing new written
    assert warm["rosen"]["y"] == cold["rosen"]["y"] and warm["rosen"]["dx"] == cold["rosen"]["dx"]
    close(cold["rosen"]["dx"], fd_jacobian(P["rosen"], X, STEP, relative=False).value)
    print(f"\ndisk cache: first call {cold['rosen']['first_call_s'] * 1e3:.0f} ms cold, "
          f"{warm['rosen']['first_call_s'] * 1e3:.0f} ms warm")


def test_disk_cache_reloads_allocating_derivative(cold_cache):
    tmp_path, cold = cold_cache
    warm = _child(tmp_path, "warm", "cubes")
    assert warm["cubes"] == {**cold["cubes"], "first_call_s": warm["cubes"]["first_call_s"]}
    close(cold["cubes"]["dx"], 3 * X ** 2)


def _field(x, a):
    # an array-valued function with a 2-D result
    out = np.empty((2, 3))
    for i in range(3):
        out[0, i] = a * x[i] * x[(i + 1) % 3]
        out[1, i] = np.sin(x[i]) + a * a * x[3]
    return out


def test_reverse_jacobian_of_an_array_valued_function():
    """mode="reverse" pulls one unit adjoint per output element (ret=Duplicated); it must
    equal the forward-mode Jacobian and central differences, for array and scalar inputs."""
    x = np.array([0.3, -1.2, 0.7, 2.0])
    a = 1.5
    Jr = zymase.jacobian(_field, (0, 1), mode="reverse")(x, a)
    Jf = zymase.jacobian(_field, (0, 1), mode="forward")(x, a)
    assert Jr[0].shape == (2, 3, 4) and Jr[1].shape == (2, 3)
    np.testing.assert_allclose(Jr[0], Jf[0], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(Jr[1], Jf[1], rtol=1e-14, atol=1e-15)
    f = numba.njit(_field)
    fd = fd_jacobian(lambda z: f(z, a), x, 1e-6, relative=False).value
    np.testing.assert_allclose(Jr[0], fd, rtol=1e-6, atol=1e-8)
    fd = fd_jacobian(lambda t: f(x, t), a, 1e-6, relative=False).value
    np.testing.assert_allclose(Jr[1], fd, rtol=1e-6, atol=1e-8)

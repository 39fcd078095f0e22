"""C functions from clang's IR, differentiated under the C ABI (``zymase/frontend/llvm_ir.py``).

``c/energy.ll`` is ``c/energy.c`` compiled once by clang 22 (``pip install ziglang``)::

    python -m ziglang cc -S -emit-llvm -O2 -g0 -fno-sanitize=undefined \\
        -target x86_64-linux-gnu -mcpu=x86_64 energy.c -o energy.ll

so the tests need no C compiler.  It holds ``f(x, n) = Σ sin(x_i) x_i`` (a loop clang unrolled
four times plus a remainder loop, a libm call, ``llvm.fmuladd``), ``g(x, a, n)``, a pairwise
energy with a scalar parameter (a double loop), and ``void h(x, y, c, n)``, ``y = c·tanh(x)``.

Derivatives are built by ``python -m zymase ll`` in a subprocess (both modes), loaded with
llvmlite's MCJIT and called through ctypes on NumPy buffers; they are compared with central
finite differences of the primal from the same module (1e-6 relative), and forward mode
with reverse mode by the dot-product identity ``<J v, w> = <v, Jᵀ w>``.  The Python-level API
(``differentiate_ll``, ``c_signature``) is exercised directly too, and a hand-written module
covers the parser gaps clang's inliner leaves (``llvm.experimental.noalias.scope.decl`` with a
metadata argument, ``call align N ptr``, phis naming the unlabelled entry block).
"""
from __future__ import annotations

import ctypes
import io
import os
import subprocess
import sys
import textwrap

import llvmlite.binding as llvm
import numpy as np
import pytest

from zymase import activities as A
from zymase import cli
from zymase.errors import ActivityError
from zymase.frontend.llvm_ir import c_signature, differentiate_ll, prepare_ll

from tests.support import fd_gradient, fd_jvp, jit

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ENERGY = os.path.join(HERE, "c", "energy.ll")

D = ctypes.POINTER(ctypes.c_double)
DBL, LONG = ctypes.c_double, ctypes.c_long
N = 11
RTOL = 1e-6
H = 1e-6


def ptr(a: np.ndarray):
    return a.ctypes.data_as(D)


def run_cli(*argv):
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "zymase", *argv], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=300)




def cfunc(ee, name, restype, *argtypes):
    addr = ee.get_function_address(name)
    assert addr, name
    return ctypes.CFUNCTYPE(restype, *argtypes)(addr)


def differentiated(tmp, *argv):
    """Run ``python -m zymase ll energy.ll ARGV --out …`` and JIT what it wrote."""
    out = os.path.join(tmp, "d.ll")
    r = run_cli("ll", ENERGY, *argv, "--out", out)
    assert r.returncode == 0, r.stderr
    with open(out) as fh:
        text = fh.read()
    return jit(text), text


@pytest.fixture(scope="module")
def point():
    rng = np.random.default_rng(14)
    return rng.uniform(-1.0, 1.0, N), 0.7


def close(a, b, rtol=RTOL, scale=None):
    a, b = np.asarray(a, float), np.asarray(b, float)
    s = np.max(np.abs(b)) if scale is None else scale
    return np.all(np.abs(a - b) <= rtol * np.maximum(np.abs(b), s))


# -------------------------------------------------------------------------------------------
# f(x, n) = Σ sin(x_i) x_i
# -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def f_modules(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("f"))
    rev, rev_text = differentiated(tmp, "--function", "f", "--reverse", "dup,const")
    fwd, fwd_text = differentiated(tmp, "--function", "f", "--forward", "dual,const")
    return rev, rev_text, fwd, fwd_text


def test_f_cli_writes_a_verified_module_with_the_documented_symbols(f_modules):
    _, rev_text, _, fwd_text = f_modules
    llvm.parse_assembly(rev_text).verify()
    llvm.parse_assembly(fwd_text).verify()
    assert "define void @f.zymase.reverse(ptr" in rev_text
    assert "define double @f.zymase.forward(ptr" in fwd_text
    assert "define double @f(" in rev_text            # the primal stays next to it
    assert "NRT_" not in rev_text and "NRT_" not in fwd_text   # no Numba runtime in C code


def test_f_reverse_matches_finite_differences(f_modules, point):
    rev = f_modules[0]
    x, _ = point
    f = cfunc(rev, "f", DBL, D, LONG)
    df = cfunc(rev, "f.zymase.reverse", None, D, D, LONG)
    dx = np.full(N, 0.25)                   # the gradient is added into dx
    xc = x.copy()
    df(ptr(xc), ptr(dx), N)
    assert np.array_equal(xc, x)
    fd = fd_gradient(lambda z: f(ptr(z), N), x, H, relative=False).value
    assert close(dx - 0.25, fd)
    assert close(dx - 0.25, np.sin(x) + x * np.cos(x), 1e-14)


def test_f_forward_matches_finite_differences_and_reverse(f_modules, point):
    rev, _, fwd, _ = f_modules
    x, _ = point
    rng = np.random.default_rng(1)
    f = cfunc(fwd, "f", DBL, D, LONG)
    tf = cfunc(fwd, "f.zymase.forward", DBL, D, D, LONG)
    df = cfunc(rev, "f.zymase.reverse", None, D, D, LONG)
    for _ in range(3):
        v = rng.standard_normal(N)
        t = tf(ptr(x), ptr(v), N)
        fd = float(fd_jvp(lambda z: f(ptr(z), N), (x,), (v,), H).value)
        assert close(t, fd)
        g = np.zeros(N)
        df(ptr(x), ptr(g), N)
        assert abs(t - g @ v) <= 1e-12 * np.abs(g * v).sum()


# -------------------------------------------------------------------------------------------
# g(x, a, n): an Active scalar, whose adjoint is the derivative's return value
# -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def g_modules(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("g"))
    rev, _ = differentiated(tmp, "--function", "g", "--reverse", "dup,active,const",
                            "--name", "g_grad")
    fwd, _ = differentiated(tmp, "--function", "g", "--forward", "dual,dual,const")
    fw2, text2 = differentiated(tmp, "--function", "g", "--forward", "dual,dual,const",
                                "--width", "2")
    return rev, fwd, fw2, text2


def test_g_reverse_returns_the_scalar_adjoint(g_modules, point):
    rev = g_modules[0]
    x, a = point
    g = cfunc(rev, "g", DBL, D, DBL, LONG)
    dg = cfunc(rev, "g_grad", DBL, D, D, DBL, LONG)
    dx = np.zeros(N)
    da = dg(ptr(x), ptr(dx), a, N)
    assert close(da, fd_jvp(lambda z, b: g(ptr(z), b, N), (x, a), {1: 1.0}, H).value)
    fd = fd_gradient(lambda z: g(ptr(z), a, N), x, H, relative=False).value
    assert close(dx, fd)


def test_g_forward_and_reverse_agree(g_modules, point):
    rev, fwd = g_modules[:2]
    x, a = point
    rng = np.random.default_rng(2)
    tg = cfunc(fwd, "g.zymase.forward", DBL, D, D, DBL, DBL, LONG)
    dg = cfunc(rev, "g_grad", DBL, D, D, DBL, LONG)
    dx = np.zeros(N)
    da = dg(ptr(x), ptr(dx), a, N)
    v, va = rng.standard_normal(N), 0.3
    t = tg(ptr(x), ptr(v), a, va, N)
    assert abs(t - (dx @ v + da * va)) <= 1e-12 * (np.abs(dx * v).sum() + abs(da * va))


def test_g_forward_width_2_gives_two_tangents(g_modules, point):
    _, fwd, fw2, text2 = g_modules
    x, a = point
    assert "[2 x double] @g.zymase.forward(ptr" in text2

    class Two(ctypes.Structure):       # [2 x double] comes back in xmm0, xmm1
        _fields_ = [("t", DBL * 2)]
    t2 = cfunc(fw2, "g.zymase.forward", Two, D, D, D, DBL, DBL, DBL, LONG)
    tg = cfunc(fwd, "g.zymase.forward", DBL, D, D, DBL, DBL, LONG)
    rng = np.random.default_rng(3)
    v1, v2 = rng.standard_normal(N), rng.standard_normal(N)
    r = t2(ptr(x), ptr(v1), ptr(v2), a, 1.0, -0.5, N)
    assert r.t[0] == tg(ptr(x), ptr(v1), a, 1.0, N)
    assert r.t[1] == tg(ptr(x), ptr(v2), a, -0.5, N)


# -------------------------------------------------------------------------------------------
# the Python-level API of the adapter, on h (void, writes through y)
# -------------------------------------------------------------------------------------------
def test_signature_of_the_c_abi():
    with open(ENERGY) as fh:
        module, fn = prepare_ll(fh.read(), "g")
    sig = c_signature(fn, (A.Duplicated, A.Active, A.Const), A.Mode.REVERSE)
    assert [str(p.type) for p in sig.params] == ["ptr", "ptr", "double", "i64"]
    assert sig.primal_param == {0: 0, 1: 2, 2: 3}
    assert sig.ret.kind == "float" and sig.ret.slot is None and not sig.ret.status
    assert sig.seed.constant == 1.0 and sig.ret_activity is A.ActiveOnly
    assert [o.kind for o in sig.results.outputs] == ["adjoint"]
    assert str(sig.results.type) == "double"
    both = c_signature(fn, (A.Duplicated, A.Active, A.Const), A.Mode.REVERSE, ret=A.Active)
    assert str(both.results.type) == "{ double, double }"
    fw = c_signature(fn, (A.Dual, A.Const, A.Const), A.Mode.FORWARD, width=3)
    assert len(fw.params) == 6 and fw.inputs[0].shadow.params == (1, 2, 3)
    assert str(fw.results.type) == "[3 x double]"
    with pytest.raises(ActivityError) as e:
        c_signature(fn, (A.Active, A.Active, A.Const), A.Mode.REVERSE)
    assert "Active" in str(e.value) and "parameter 0" in str(e.value)


def test_h_through_the_python_api(point):
    x, _ = point
    c = 1.5
    with open(ENERGY) as fh:
        text = fh.read()
    rev_text, res = differentiate_ll(text, "h", A.Mode.REVERSE,
                                     (A.Duplicated, A.Duplicated, A.Active, A.Const))
    assert res.signature.results.outputs[0].input.name == "a2" and res.tape
    fwd_text, fres = differentiate_ll(text, "h", A.Mode.FORWARD,
                                      (A.Dual, A.Dual, A.Dual, A.Const), opt_level=0)
    assert fres.layout == "scalar" and res.activity is not None
    rev, fwd = jit(rev_text), jit(fwd_text)
    dh = cfunc(rev, "h.zymase.reverse", DBL, D, D, D, D, DBL, LONG)
    th = cfunc(fwd, "h.zymase.forward", None, D, D, D, D, DBL, DBL, LONG)
    rng = np.random.default_rng(4)
    w = rng.standard_normal(N)              # adjoint of y's final contents
    y, dx, dy = np.zeros(N), np.zeros(N), w.copy()
    dc = dh(ptr(x), ptr(dx), ptr(y), ptr(dy), c, N)
    assert close(y, c * np.tanh(x), 1e-15)
    assert close(dx, w * c * (1 - np.tanh(x) ** 2), 1e-14)
    assert close(dc, w @ np.tanh(x), 1e-14)
    assert not dy.any()                      # y is overwritten: its adjoint is consumed
    v, vc = rng.standard_normal(N), 0.3
    y2, ty = np.zeros(N), np.zeros(N)
    th(ptr(x), ptr(v), ptr(y2), ptr(ty), c, vc, N)
    # <J (v, vc), w> = <(v, vc), Jᵀ w>
    assert abs(ty @ w - (dx @ v + dc * vc)) <= 1e-12 * (np.abs(ty * w).sum())


# -------------------------------------------------------------------------------------------
# clang IR the parser must read: metadata call arguments, `call align N`, %N entry blocks
# -------------------------------------------------------------------------------------------
GAPS = textwrap.dedent("""
    declare void @llvm.experimental.noalias.scope.decl(metadata)
    declare noalias ptr @malloc(i64)
    declare void @free(ptr)
    declare double @llvm.exp.f64(double)

    define double @k(ptr noalias %0, i64 %1) {
      call void @llvm.experimental.noalias.scope.decl(metadata !0)
      %3 = call align 16 ptr @malloc(i64 8)
      %4 = icmp sgt i64 %1, 0
      br i1 %4, label %5, label %9

    5:
      %6 = load double, ptr %0, align 8, !alias.scope !0
      store double %6, ptr %3, align 8, !noalias !0
      %7 = load double, ptr %3, align 8
      %8 = call double @llvm.exp.f64(double %7)
      br label %9

    9:
      %10 = phi double [ 0.000000e+00, %2 ], [ %8, %5 ]
      call void @free(ptr %3)
      ret double %10
    }

    !0 = !{!1}
    !1 = distinct !{!1, !2, !"k: %0"}
    !2 = distinct !{!2, !"k"}
""")


def test_parser_gaps_roundtrip_and_differentiate(tmp_path):
    p = tmp_path / "gaps.ll"
    p.write_text(GAPS)
    out = io.StringIO()
    assert cli.main(["ll", str(p)], out=out) == 0            # round trip, verified
    text = out.getvalue()
    assert "noalias.scope.decl(metadata !0)" in text and "call align 16 ptr @malloc" in text
    for opt in (0, 3):
        rev_text, _ = differentiate_ll(GAPS, "k", A.Mode.REVERSE, (A.Duplicated, A.Const),
                                       opt_level=opt)
        ee = jit(rev_text)
        dk = cfunc(ee, "k.zymase.reverse", None, D, D, LONG)
        x, dx = np.array([0.4]), np.zeros(1)
        dk(ptr(x), ptr(dx), 1)
        assert dx[0] == pytest.approx(np.exp(0.4), rel=1e-15)
        dk(ptr(x), ptr(dx), 0)                 # the branch not taken: nothing added
        assert dx[0] == pytest.approx(np.exp(0.4), rel=1e-15)


def test_cli_errors_are_reported_not_raised(capsys):
    def call(*argv):
        out = io.StringIO()
        rc = cli.main(["ll", ENERGY, *argv], out=out)
        return rc, capsys.readouterr().err
    rc, err = call("--function", "nope", "--reverse", "dup,const")
    assert rc == 1 and "no function @nope" in err and "f, g, h" in err
    rc, err = call("--function", "f", "--reverse", "dup")
    assert rc == 1 and "expected 2 activities" in err and "duplicated,const" in err
    rc, err = call("--function", "f", "--reverse", "dual,const")
    assert rc == 1 and "`Dual` is not valid in reverse mode" in err
    rc, err = call("--function", "f", "--reverse", "dup,const", "--width", "2")
    assert rc == 1 and "width" in err
    rc, err = call("--function", "f", "--forward", "dual,const", "--ret", "active")
    assert rc == 1 and "return activity `Active`" in err
    rc, err = call("--reverse", "dup,const")
    assert rc == 1 and "--function" in err

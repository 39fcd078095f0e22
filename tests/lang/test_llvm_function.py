"""C, C++ and Rust functions from LLVM IR, differentiated from Python (``zymase.llvm_function``).

The modules under ``c/`` and ``rust/`` were compiled once, so these tests need no compiler::

    # c/kernels_O{0,1,2,3}.ll (zig's -O1 and -O3 alone both mean clang -O2: -Xclang passes
    # the real level)
    python -m ziglang cc -S -emit-llvm -O$o -Xclang -O$o -g0 -fno-sanitize=undefined \\
        -target x86_64-linux-gnu -mcpu=x86_64 kernels.c -o kernels_O$o.ll
    # c/kernels_cpp_O2.ll
    python -m ziglang c++ -S -emit-llvm -O2 -g0 -fno-sanitize=undefined \\
        -target x86_64-linux-gnu -mcpu=x86_64 kernels.cpp -o kernels_cpp_O2.ll
    # rust/energy_O{0,1,2,3}.ll, rust/kernels_O3.ll (rustc 1.95)
    rustc --emit=llvm-ir -C opt-level=$o -C panic=abort --crate-type=cdylib energy.rs \\
        -o energy_O$o.ll
    rustc --emit=llvm-ir -C opt-level=3 -C panic=abort --crate-type=cdylib kernels.rs \\
        -o kernels_O3.ll
    # rust/kernels_unwind_O2.ll: panic=unwind (invoke, landingpad, resume)
    rustc --emit=llvm-ir -C opt-level=2 -C panic=unwind --crate-type=cdylib kernels.rs \\
        -o kernels_unwind_O2.ll

What is checked, with numbers: derivatives against central finite differences (1e-6 relative,
``tests/support.py``), forward against reverse (``<J v, w> = <v, Jᵀ w>``), width 4 against four
width-1 calls in both modes, the same derivative from every optimisation level of clang and
rustc, calls from ``@njit`` code, that the C body is inlined into the derivative rather than
called, Rust's allocations (``vec!``, ``collect``, ``push`` growing through ``__rust_realloc``),
C's ``malloc``/``realloc``/``free``, C++'s ``new[]``/``delete[]`` and ``std::vector``, code with
exception and unwinding paths, a Rust bounds-check panic (a message and an abort, in a
subprocess), and clear errors for a wrong symbol, prototype or argument.  The last tests
compile fresh sources and skip when zig or rustc is absent.
"""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import textwrap
import warnings

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, ActiveOnly, Const, Dual, DualOnly, Duplicated
from zymase.frontend.llvm_function import ForeignCodeWarning
from zymase.frontend.prototype import SignatureError, parse_prototype

from tests.support import assert_fd_close, check_grads, fd_gradient, fd_jacobian

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
C = os.path.join(HERE, "c")
RS = os.path.join(HERE, "rust")


def c_level(o):
    return os.path.join(C, f"kernels_O{o}.ll")


def rs_level(o):
    return os.path.join(RS, f"energy_O{o}.ll")


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(15).uniform(-1.0, 1.0, 9)


@pytest.fixture(scope="module")
def c2():
    """The C kernels at -O2."""
    p = c_level(2)
    return {
        "energy": zymase.llvm_function(p, "double energy(const double x[n], long n)"),
        "pairwise": zymase.llvm_function(p, "double pairwise(const double x[n], double a, long n)"),
        "smooth": zymase.llvm_function(
            p, "void smooth(const double x[n], const double p[2], double y[n], long n)"),
        "scale": zymase.llvm_function(p, "void scale(double y[n], const double x[n], double c, long n)"),
        "buffer": zymase.llvm_function(p, "double buffer(const double x[n], long n)"),
        "normsq": zymase.llvm_function(p, "double normsq(const double a[m][n], const double x[n], "
                                          "int m, int n)"),
    }


# -------------------------------------------------------------------------------------------
# C: values, derivatives in both modes, width 4, @njit callers
# -------------------------------------------------------------------------------------------
def test_c_primal_values(c2, x):
    assert c2["energy"](x) == pytest.approx(np.sum(np.sin(x) * x + np.sqrt(1 + x * x)), rel=1e-14)
    d = x[:, None] - x[None, :]
    want = np.sum(np.triu(0.7 / (1 + d * d), 1)) + np.exp(-0.7)
    assert c2["pairwise"](x, 0.7) == pytest.approx(want, rel=1e-14)
    y = np.zeros_like(x)
    c2["smooth"](x, np.array([1.5, 0.5]), y)
    prev, want = 0.0, []
    for v in x:
        prev = 1.5 * np.tanh(v) + 0.5 * prev
        want.append(prev)
    assert np.allclose(y, want, rtol=1e-14)
    a = np.arange(12.0).reshape(3, 4) / 10
    assert c2["normsq"](a, x[:4]) == pytest.approx(np.sum((a @ x[:4]) ** 2), rel=1e-14)


def test_c_derivatives_match_finite_differences(c2, x):
    """Forward (jvp) and reverse mode against central differences, and against each other."""
    check_grads(c2["energy"], (x,))
    check_grads(c2["pairwise"], (x, 0.7))
    check_grads(c2["buffer"], (x,))             # malloc, realloc (2 -> 4 -> 8 -> 16), free
    a = np.random.default_rng(1).uniform(-1, 1, (3, 4))
    check_grads(c2["normsq"], (a, x[:4]))


def test_c_function_writing_an_array(c2, x):
    smooth = c2["smooth"]

    @numba.njit
    def smoothed(x, p):
        y = np.zeros_like(x)
        smooth(x, p, y)
        return y

    check_grads(smoothed, (x, np.array([1.5, 0.5])))
    jac = zymase.jacobian(smoothed)(x, np.array([1.5, 0.5]))
    fd = fd_jacobian(lambda z: smoothed(z, np.array([1.5, 0.5])), x)
    assert_fd_close(jac, fd, 1e-6)


def test_c_width_4_in_both_modes(c2, x):
    """Width 4 equals four width-1 derivatives, forward (vectorised -O2 code) and reverse."""
    scale, pairwise = c2["scale"], c2["pairwise"]
    rng = np.random.default_rng(2)
    v, vc = rng.standard_normal((4, x.size)), rng.standard_normal(4)
    f4 = zymase.autodiff_forward(scale, Dual, Dual, Dual, width=4)
    f1 = zymase.autodiff_forward(scale, Dual, Dual, Dual)
    y, ty = np.ones_like(x), np.zeros((4, x.size))
    f4(y, ty, x, v.copy(), 1.5, vc)
    assert np.allclose(y, 1 + 1.5 * x * x, rtol=1e-15)
    for k in range(4):
        y1, t1 = np.ones_like(x), np.zeros_like(x)
        f1(y1, t1, x, v[k].copy(), 1.5, vc[k])
        assert np.allclose(ty[k], t1, rtol=1e-13, atol=1e-15)
        assert np.allclose(t1, vc[k] * x * x + 3.0 * x * v[k], rtol=1e-13)
    seeds = np.array([1.0, -0.5, 2.0, 0.25])
    r4 = zymase.autodiff_reverse(pairwise, Duplicated, Active, ret=ActiveOnly, width=4)
    r1 = zymase.autodiff_reverse(pairwise, Duplicated, Active, ret=ActiveOnly)
    dx4 = np.zeros((4, x.size))
    da4 = r4(x, dx4, 0.7, seeds)
    for k in range(4):
        dx1 = np.zeros_like(x)
        da1 = r1(x, dx1, 0.7, seeds[k])
        assert np.allclose(dx4[k], dx1, rtol=1e-13, atol=1e-15)
        assert da4[k] == pytest.approx(da1, rel=1e-13)


def test_called_from_njit(c2, x):
    energy, pairwise = c2["energy"], c2["pairwise"]
    d_pair = zymase.autodiff_reverse(pairwise, Duplicated, Active, ret=Active)
    t_energy = zymase.autodiff_forward(energy, Dual, ret=DualOnly)

    @numba.njit
    def both(x, dx, v):
        e = energy(x)
        p, da = d_pair(x, dx, 0.7, 1.0)
        return e + p, da, t_energy(x, v)

    dx = np.zeros_like(x)
    v = np.linspace(-1, 1, x.size)
    s, da, t = both(x, dx, v)
    assert s == pytest.approx(energy(x) + pairwise(x, 0.7), rel=1e-14)
    assert da == pytest.approx(zymase.grad(pairwise, 1)(x, 0.7), rel=1e-13)
    assert np.allclose(dx, zymase.grad(pairwise)(x, 0.7), rtol=1e-13)
    assert t == pytest.approx(zymase.grad(energy)(x) @ v, rel=1e-12)


def test_hessian(c2, x):
    h = zymase.hessian(c2["energy"])(x)
    grad = zymase.grad(c2["energy"])
    assert_fd_close(h, fd_jacobian(grad, x), 1e-6)
    assert np.allclose(h, np.diag(2 * np.cos(x) - x * np.sin(x) + (1 + x * x) ** -1.5),
                       rtol=1e-12, atol=1e-14)


def test_the_c_body_is_inlined_and_differentiated(c2):
    """The derivative is built from the C instructions, not around an opaque call: after
    canonicalisation the wrapper holds the loop and its libm calls, and no call to the C
    function is left."""
    from numba.core import types
    from zymase.pipeline import prepare
    energy = c2["energy"]
    prep = prepare(energy.dispatcher, (types.float64[::1],))
    assert prep.fe.foreign
    calls = {i.callee_name for i in prep.function.instructions() if i.opcode == "call"}
    assert not any(name and ".zy" in name for name in calls), calls
    assert {"sin", "sqrt"} <= {c.replace("llvm.", "").split(".")[0] for c in calls if c}
    assert any(i.opcode == "phi" and i.type.is_float for i in prep.function.instructions())


# -------------------------------------------------------------------------------------------
# every optimisation level gives the same derivative
# -------------------------------------------------------------------------------------------
def _grads(path, proto, x):
    f = zymase.llvm_function(path, proto)
    rev = zymase.grad(f)(x)
    t = zymase.autodiff_forward(f, Dual, ret=DualOnly)
    v = np.cos(np.arange(x.size))
    return f(x), rev, t(x, v), v


@pytest.mark.parametrize("name,proto", [
    ("energy", "double energy(const double x[n], long n)"),
    ("buffer", "double buffer(const double x[n], long n)")])
def test_clang_levels_agree(name, proto, x):
    res = [_grads(c_level(o), proto, x) for o in range(4)]
    y0, g0, t0, v = res[0]
    assert_fd_close(g0, fd_gradient(zymase.llvm_function(c_level(0), proto), x), 1e-6)
    for y, g, t, _ in res[1:]:
        assert y == pytest.approx(y0, rel=1e-13)
        assert np.allclose(g, g0, rtol=1e-12, atol=1e-14)
        assert t == pytest.approx(t0, rel=1e-12)
    assert t0 == pytest.approx(g0 @ v, rel=1e-12)


def test_rustc_levels_agree(x):
    proto = "fn energy(x: &[f64; n], n: usize) -> f64"
    res = [_grads(rs_level(o), proto, x) for o in range(4)]
    y0, g0, t0, v = res[0]
    want = 3 * x**2 * np.sin(x) + x**3 * np.cos(x) + 0.5 * np.exp(0.5 * x)
    d = np.diff(x)
    want[1:] += 2 * d
    want[:-1] -= 2 * d
    assert np.allclose(g0, want, rtol=1e-12, atol=1e-14)
    for y, g, t, _ in res[1:]:
        assert y == pytest.approx(y0, rel=1e-13)
        assert np.allclose(g, g0, rtol=1e-12, atol=1e-14)
        assert t == pytest.approx(t0, rel=1e-12)


# -------------------------------------------------------------------------------------------
# Rust: allocations, iterators, bounds checks, an in-place integrator, unwinding code
# -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rs3():
    p = os.path.join(RS, "kernels_O3.ll")
    return {n: zymase.llvm_function(p, proto) for n, proto in [
        ("chain", "fn chain(x: &[f64; n], n: usize) -> f64"),
        ("vectors", "fn vectors(x: &[f64; n], n: usize) -> f64"),
        ("gather", "fn gather(x: &[f64; n], idx: &[i64; m], n: usize, m: usize) -> f64"),
        ("rk4", "fn rk4(y: &mut [f64; 2], k: f64, h: f64, steps: usize)")]}


def test_rust_allocations_and_iterators(rs3, x):
    # vec![0.0; n] (__rust_alloc_zeroed), collect (__rust_alloc), push past the capacity
    # (__rust_realloc), drops (__rust_dealloc)
    check_grads(rs3["vectors"], (x,))
    check_grads(rs3["chain"], (x,))
    idx = np.array([0, 3, 3, 8, 2])
    xp = np.abs(x) + 0.1
    g = zymase.grad(rs3["gather"])(xp, idx)
    want = np.zeros_like(xp)
    for k in idx:
        want[k] += np.log1p(xp[k]) + xp[k] / (1 + xp[k])
    assert np.allclose(g, want, rtol=1e-13)


def test_rust_in_place_integrator(rs3):
    rk4 = rs3["rk4"]

    @numba.njit
    def pendulum(y0, k, h):
        y = y0.copy()
        rk4(y, k, h, 25)
        return y

    check_grads(pendulum, (np.array([0.8, -0.2]), 2.0, 0.05))


def test_rust_panic_unwind_code(x):
    """panic=unwind: calls that may panic are invokes with landing pads; they become calls
    and the unwinding paths never reach the derivative."""
    path = os.path.join(RS, "kernels_unwind_O2.ll")
    with open(path) as fh:
        assert "invoke " in fh.read()
    f = zymase.llvm_function(path, "fn vectors(x: &[f64; n], n: usize) -> f64")
    g = zymase.llvm_function(os.path.join(RS, "kernels_O3.ll"),
                             "fn vectors(x: &[f64; n], n: usize) -> f64")
    assert np.allclose(zymase.grad(f)(x), zymase.grad(g)(x), rtol=1e-12)
    check_grads(f, (x,), modes=("fwd",))


def test_rust_bounds_check_panic_aborts_with_a_message():
    """A failed bounds check never returns a number: it prints the panic and aborts."""
    code = textwrap.dedent(f"""
        import numpy as np, zymase
        f = zymase.llvm_function({os.path.join(RS, "kernels_O3.ll")!r},
                                 "fn gather(x: &[f64; n], idx: &[i64; m], n: usize, m: usize) -> f64")
        print(f(np.ones(3), np.array([0, 1])), flush=True)
        print(f(np.ones(3), np.array([0, 7])), flush=True)
    """)
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode != 0
    assert r.stdout.split() == [str(2 * np.log(2.0))]
    assert "core::panicking::panic_bounds_check" in r.stderr
    assert "the index is 7 but the length is 3" in r.stderr


# -------------------------------------------------------------------------------------------
# C++: templates, classes, references, new/delete, std::vector, exception paths
# -------------------------------------------------------------------------------------------
def test_cpp_kernels(x):
    path = os.path.join(C, "kernels_cpp_O2.ll")
    springs = zymase.llvm_function(path, "double springs(const double x[n], double k, long n)")
    vectors = zymase.llvm_function(path, "double vectors(const double x[n], long n)")
    want = 0.5 * 1.3 * np.sum((np.diff(x) - 0.1) ** 2) + np.cos(x[-1])
    assert springs(x, 1.3) == pytest.approx(want, rel=1e-14)
    check_grads(springs, (x, 1.3))
    check_grads(vectors, (x,))
    statics = zymase.llvm_function(path, "double statics(const double x[n], long n)")
    assert statics(x) == pytest.approx(2 * np.sqrt(3) * np.sum(np.sin(x)), rel=1e-14)
    assert np.allclose(zymase.grad(statics)(x), 2 * np.sqrt(3) * np.cos(x), rtol=1e-14)


def test_the_c_abi_route_reads_O0_and_exceptions(x):
    """``differentiate_ll`` (python -m zymase ll / the Enzyme ABI) gets the same treatment:
    -O0's optnone/noinline do not stop inlining, invokes become calls."""
    import ctypes
    from zymase import activities as A
    from zymase.frontend.llvm_ir import differentiate_ll
    from tests.lang.test_c_abi import cfunc, jit
    D = ctypes.POINTER(ctypes.c_double)
    with open(c_level(0)) as fh:
        text = fh.read()
    assert "optnone" in text
    out, _ = differentiate_ll(text, "pairwise", A.Mode.REVERSE,
                              (A.Duplicated, A.Active, A.Const))
    dp = cfunc(jit(out), "pairwise.zymase.reverse", ctypes.c_double, D, D, ctypes.c_double,
               ctypes.c_long)
    dx = np.zeros_like(x)
    da = dp(x.ctypes.data_as(D), dx.ctypes.data_as(D), 0.7, x.size)
    pairwise = zymase.llvm_function(c_level(2), "double pairwise(const double x[n], double a, long n)")
    gx, ga = zymase.grad(pairwise, (0, 1))(x, 0.7)
    assert np.allclose(dx, gx, rtol=1e-12) and da == pytest.approx(ga, rel=1e-12)
    with open(os.path.join(C, "kernels_cpp_O2.ll")) as fh:
        cpp = fh.read()
    assert "landingpad" in cpp
    out, _ = differentiate_ll(cpp, "springs", A.Mode.FORWARD, (A.Dual, A.Const, A.Const))
    assert "landingpad" not in out and "invoke" not in out
    # the module calls C++'s runtime (operator new[], and __cxa_throw on the path that throws):
    # MCJIT must resolve every symbol, so it runs only where libstdc++ can be loaded
    import ctypes.util
    lib = ctypes.util.find_library("stdc++")
    if lib is None:
        pytest.skip("no libstdc++ to run the C++ derivative with")
    ctypes.CDLL(lib, mode=ctypes.RTLD_GLOBAL)
    ts = cfunc(jit(out), "springs.zymase.forward", ctypes.c_double, D, D, ctypes.c_double,
               ctypes.c_long)
    v = np.cos(np.arange(x.size))
    springs = zymase.llvm_function(os.path.join(C, "kernels_cpp_O2.ll"),
                                   "double springs(const double x[n], double k, long n)")
    want = zymase.grad(springs)(x, 1.3) @ v
    assert ts(x.ctypes.data_as(D), v.ctypes.data_as(D), 1.3, x.size) == pytest.approx(want, rel=1e-12)


# -------------------------------------------------------------------------------------------
# prototypes, errors, pickling
# -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,params,lengths", [
    ("double f(const double x[n], long n)", ["x"], {"n": ("x", 0)}),
    ("double f(const double *x, long n)", ["x", "n"], {}),
    ("void g(double y[n], const double p[3], double h, long n);", ["y", "p", "h"], {"n": ("y", 0)}),
    ("double h(const double a[m][n], int m, int n)", ["a"], {"m": ("a", 0), "n": ("a", 1)}),
    ("float k(const float x[static n], size_t n)", ["x"], {"n": ("x", 0)}),
    ("fn f(x: &[f64; n], n: usize) -> f64", ["x"], {"n": ("x", 0)}),
    ('pub extern "C" fn g(a: &[[f64; n]; m], m: usize, n: usize) -> f64', ["a"],
     {"m": ("a", 0), "n": ("a", 1)}),
    ("fn step(y: *mut f64, n: usize, c: f64)", ["y", "n", "c"], {}),
])
def test_prototype_syntax(text, params, lengths):
    p = parse_prototype(text)
    assert [q.name for q in p.python_params] == params
    assert {k: (a.name, ax) for k, (a, ax) in p.lengths.items()} == lengths


@pytest.mark.parametrize("text,words", [
    ("double f(struct P *p)", "describe a struct by its memory"),
    ("double f(double **x)", "pointers to pointers"),
    ("double f(double x[k], long n)", "`k`, which is not a parameter"),
    ("double f(double x[n], double n)", "must be an integer parameter"),
    ("double *f(long n)", "returns a pointer"),
    ("fn f(x: &[f64]) -> f64", "a slice, which is not a C-ABI type"),
    ("energy", "must be a prototype"),
])
def test_bad_prototypes(text, words):
    with pytest.raises(SignatureError) as e:
        parse_prototype(text)
    assert words in str(e.value)


def test_bad_symbol_and_mismatched_prototype():
    p = c_level(2)
    with pytest.raises(SignatureError) as e:
        zymase.llvm_function(p, "double energie(const double x[n], long n)")
    assert "defines no function @energie" in str(e.value) and "energy" in str(e.value)
    with pytest.raises(SignatureError) as e:
        zymase.llvm_function(p, "double energy(const double *x)")
    assert "takes 2 parameters" in str(e.value)
    with pytest.raises(SignatureError) as e:
        zymase.llvm_function(p, "double energy(double x, long n)")
    assert "is double in LLVM IR, but @energy" in str(e.value) and "takes ptr" in str(e.value)
    with pytest.raises(SignatureError) as e:
        zymase.llvm_function(p, "float energy(const double x[n], long n)")
    assert "returns double" in str(e.value)
    with pytest.raises(FileNotFoundError):
        zymase.llvm_function(os.path.join(C, "nope.ll"), "double f(double a)")
    with pytest.raises(ValueError) as e:
        zymase.llvm_function("define double @f(double %a) {\n  ret i32 0\n}\n", "double f(double a)")
    assert "not valid LLVM IR" in str(e.value)


def test_bad_arguments(c2, x):
    energy, smooth = c2["energy"], c2["smooth"]
    with pytest.raises(TypeError) as e:
        energy(x.astype(np.float32))
    assert "1-d array of float64" in str(e.value) and "float32" in str(e.value)
    with pytest.raises(TypeError) as e:
        energy(x[::2])
    assert "C-contiguous" in str(e.value)
    with pytest.raises(TypeError) as e:
        energy([1.0, 2.0])
    assert "NumPy array" in str(e.value)
    with pytest.raises(TypeError) as e:
        energy(x, 3)
    assert "takes 1 arguments, 2 given" in str(e.value)
    with pytest.raises(ValueError) as e:
        smooth(x, np.ones(2), np.zeros(x.size - 1))
    assert "`y`" in str(e.value) and "`n` is 9" in str(e.value)
    with pytest.raises(ValueError) as e:
        smooth(x, np.ones(3), np.zeros(x.size))
    assert "must have 2 elements" in str(e.value)
    ro = np.zeros(x.size)
    ro.flags.writeable = False
    with pytest.raises(TypeError) as e:
        smooth(x, np.ones(2), ro)
    assert "read-only" in str(e.value) and "const" in str(e.value)
    smooth(ro.copy(), np.ones(2), np.zeros(x.size))      # const parameters take read-only arrays

    @numba.njit
    def bad(x):
        return energy(x.astype(np.float32))
    with pytest.raises(numba.core.errors.TypingError) as e:
        bad(x)
    assert "must be a 1-d array of float64" in str(e.value)

    @numba.njit
    def short(x, y):
        smooth(x, np.ones(2), y)
    with pytest.raises(ValueError):
        short(x, np.zeros(3))


def test_undefined_function_warns_and_is_refused():
    text = textwrap.dedent("""
        declare double @helper(double)

        define double @f(ptr %x, i64 %n) {
        entry:
          %v = load double, ptr %x
          %r = call double @helper(double %v)
          ret double %r
        }
    """)
    with pytest.warns(ForeignCodeWarning, match="`helper`"):
        f = zymase.llvm_function(text, "double f(const double x[n], long n)")
    with pytest.raises(zymase.UnsupportedError) as e:
        zymase.grad(f)(np.ones(2))
    assert "a call to helper, which its module does not define" in str(e.value)


def test_pickle(c2, x):
    f = pickle.loads(pickle.dumps(c2["pairwise"]))
    assert f(x, 0.7) == c2["pairwise"](x, 0.7)
    d = zymase.autodiff_reverse(c2["pairwise"], Duplicated, Active)
    d2 = pickle.loads(pickle.dumps(d))
    dx, dx2 = np.zeros_like(x), np.zeros_like(x)
    assert d(x, dx, 0.7, 1.0) == d2(x, dx2, 0.7, 1.0) and np.array_equal(dx, dx2)


# -------------------------------------------------------------------------------------------
# compiled here and now (skipped without the compilers)
# -------------------------------------------------------------------------------------------
def _have_zig():
    try:
        import ziglang  # noqa: F401
        return True
    except ImportError:
        return False


@pytest.mark.skipif(not _have_zig(), reason="needs clang: pip install ziglang")
def test_fresh_clang_levels(tmp_path, x):
    src = tmp_path / "f.c"
    src.write_text("#include <math.h>\n"
                   "double f(const double *x, double a, long n) {\n"
                   "  double s = 0; for (long i = 0; i < n; i++) s += exp(a * x[i]) / (1 + x[i] * x[i]);\n"
                   "  return s; }\n")
    grads = []
    for o in range(4):
        out = tmp_path / f"f{o}.ll"
        r = subprocess.run([sys.executable, "-m", "ziglang", "cc", "-S", "-emit-llvm", f"-O{o}",
                            "-Xclang", f"-O{o}", "-g0", "-fno-sanitize=undefined", "-target",
                            "x86_64-linux-gnu", "-mcpu=x86_64", str(src), "-o", str(out)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        f = zymase.llvm_function(str(out), "double f(const double x[n], double a, long n)")
        grads.append(zymase.grad(f, (0, 1))(x, 0.3))
    e = np.exp(0.3 * x)
    want_x = (0.3 * e * (1 + x * x) - 2 * x * e) / (1 + x * x) ** 2
    want_a = np.sum(x * e / (1 + x * x))
    for gx, ga in grads:
        assert np.allclose(gx, want_x, rtol=1e-13) and ga == pytest.approx(want_a, rel=1e-13)


@pytest.mark.skipif(shutil.which("rustc") is None, reason="needs rustc")
def test_fresh_rustc_levels(tmp_path, x):
    src = tmp_path / "f.rs"
    src.write_text("#[no_mangle]\npub extern \"C\" fn f(x: *const f64, n: usize) -> f64 {\n"
                   "    let x = unsafe { std::slice::from_raw_parts(x, n) };\n"
                   "    let v: Vec<f64> = x.iter().map(|a| a.sin().powi(2)).collect();\n"
                   "    v.iter().zip(x).map(|(a, b)| a * b).sum()\n}\n")
    grads = []
    for o in range(4):
        out = tmp_path / f"f{o}.ll"
        cmd = ["rustc", "--emit=llvm-ir", "-C", f"opt-level={o}", "-C", "panic=abort",
               "--crate-type=cdylib", str(src), "-o", str(out)]
        if o < 2:      # Vec's allocation code, instead of being shared with the standard library
            cmd[1:1] = ["-Z", "share-generics=no"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path,
                           env=dict(os.environ, RUSTC_BOOTSTRAP="1"))
        assert r.returncode == 0, r.stderr
        with warnings.catch_warnings():
            warnings.simplefilter("error", ForeignCodeWarning)
            f = zymase.llvm_function(str(out), "fn f(x: &[f64; n], n: usize) -> f64")
        grads.append(zymase.grad(f)(x))
    want = 2 * np.sin(x) * np.cos(x) * x + np.sin(x) ** 2
    for g in grads:
        assert np.allclose(g, want, rtol=1e-13)


# -------------------------------------------------------------------------------------------
# vector code (what -O2/-O3 emit): lane shuffles, reductions, mask bitcasts
# -------------------------------------------------------------------------------------------
VECTOR_IR = textwrap.dedent("""
    declare <2 x double> @llvm.exp.v2f64(<2 x double>)
    declare double @llvm.vector.reduce.fadd.v2f64(double, <2 x double>)
    declare <2 x double> @llvm.fmuladd.v2f64(<2 x double>, <2 x double>, <2 x double>)

    ; y = exp(x0, x1) * (x1, x0) + (c, c); with a NaN in x the result is 0
    define double @v(ptr %x, double %c) {
    entry:
      %a = load <2 x double>, ptr %x, align 8
      %sw = shufflevector <2 x double> %a, <2 x double> poison, <2 x i32> <i32 1, i32 0>
      %ins = insertelement <2 x double> poison, double %c, i64 0
      %cc = shufflevector <2 x double> %ins, <2 x double> poison, <2 x i32> zeroinitializer
      %e = call <2 x double> @llvm.exp.v2f64(<2 x double> %a)
      %y = call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %e, <2 x double> %sw, <2 x double> %cc)
      %nan = fcmp uno <2 x double> %a, zeroinitializer
      %bits = bitcast <2 x i1> %nan to i2
      %any = icmp ne i2 %bits, 0
      %s = call double @llvm.vector.reduce.fadd.v2f64(double -0.0, <2 x double> %y)
      %y1 = extractelement <2 x double> %y, i64 1
      %t = fmul double %s, %y1
      %r = select i1 %any, double 0.0, double %t
      ret double %r
    }
""")


def test_vector_code_lane_by_lane():
    f = zymase.llvm_function(VECTOR_IR, "double v(const double x[2], double c)")
    x, c = np.array([0.3, -0.7]), 0.4
    y = np.exp(x) * x[::-1] + c
    assert f(x, c) == pytest.approx(y.sum() * y[1], rel=1e-15)
    check_grads(f, (x, c))                                  # width 1, both modes
    t4 = zymase.autodiff_forward(f, Dual, Dual, ret=DualOnly, width=4)
    v, vc = np.eye(4, 2), np.array([0.0, 0.0, 1.0, 0.5])
    gx, gc = zymase.grad(f, (0, 1))(x, c)
    assert np.allclose(t4(x, v.copy(), c, vc), v @ gx + vc * gc, rtol=1e-13)
    assert f(np.array([np.nan, 1.0]), c) == 0.0
